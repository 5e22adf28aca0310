//! One worker per socket. It owns the socket, runs one call at a time with Python's
//! blocking/timeout/non-blocking semantics, and waits with poll(2) on the socket and on a
//! wake descriptor at once, so a close() or any other command interrupts a wait at once.
//! A worker runs on a thread of its own while it takes commands; one that has nothing to
//! wait for but its socket and timers (an accepted connection no command reached, a socket
//! in a continuous mode between commands) waits in the shared reactor instead.

use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::Receiver;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use super::addr::{getaddrinfo_full, AddrSpec, Endpoint, Family, Kind};
use super::bytes::Bytes;
use super::command::{Command, Create, How, Op, OptValue, ReqId, SocketId, Timeout};
use super::errors::{ErrorKind, OpError, Refusal};
use super::event::{
    Chunk, Counters, Direction, Event, Permit, Reply, Shut, Snapshot, SockState, SocketInfo,
};
use super::inspect::{self, TcpState};
use super::note::{Cause, Note};
use super::options::{self, OptionReading};
use super::waker::Wake;
use super::{lock, Shared, WorkerHandle};
use crate::sys::{self, poll2};

mod accept;
mod calls;
mod continuous;
mod create;
mod deliver;
mod dgram;
mod execute;
mod jobs;
mod life;
mod outbox;
pub(crate) mod reactor;
mod respond;
mod snapshot;
mod spawn;
mod tls;

use create::{create_connection, new_socket};
use life::{lost, panic_message};
pub(crate) use spawn::spawn;
use spawn::{spawn_accepted, unregister, Registered};

/// Largest buffer one recv() call allocates, whatever bufsize asks for.
const MAX_RECV: usize = 64 << 20;
/// Buffer of an auto-accepted connection's receive. 64 KiB stays under glibc's mmap
/// threshold, so buffers handed to the consumer and freed there are reused from the heap
/// instead of mapped and faulted in afresh (BENCHMARKS.md has the measurement).
const ACCEPTED_RECV: usize = 64 << 10;
/// Reads or accepts per wake-up in a continuous mode before commands get a turn.
const BURST: usize = 64;
/// Bookkeeping charged per data event on top of its bytes.
pub(super) const EVENT_COST: usize = 64;
/// How often a worker with skipped content looks for room to report it.
const SKIP_CHECK_MS: i32 = 5;
/// Requests whose arguments are kept for their answer at most (a call blocks one at a
/// time; the rest are instant).
const SHOWN_ARGS: usize = 16;

type OpResult = Result<Reply, OpError>;

fn is_again(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EAGAIN))
}

struct Worker {
    shared: Arc<Shared>,
    id: SocketId,
    name: String,
    _done: crossbeam_channel::Sender<()>,
    /// Set by the first command: from then on the worker keeps a thread (commands may block).
    commanded: bool,
    /// Its start (options read, first snapshot, greeting) has run.
    started: bool,
    /// A responder's greeting is due at start.
    greet: bool,
    /// Its registration while it waits in the reactor.
    rest: reactor::Registration,
    sock: Socket,
    family: Family,
    kind: Kind,
    timeout: Timeout,
    wake: Arc<Wake>,
    rx: Receiver<Command>,
    queue: VecDeque<Command>,
    /// The close request, once one arrived: the worker ends after answering it.
    closing: Option<ReqId>,
    /// Python closed the socket (Op::Release) while a call waited on it: that call goes
    /// on, as in CPython, and the socket closes when it ends.
    released: bool,
    /// What this side's own shutdown() ended: an EPIPE after its SHUT_WR, a b'' after its
    /// SHUT_RD, are its own doing, not the peer's.
    shut: Shut,
    state: SockState,
    counters: Counters,
    /// The continuous modes (continuous.rs, accept.rs, dgram.rs).
    auto: continuous::Auto,
    /// The consumer's budgets and what waits to be said (deliver.rs).
    delivery: deliver::Delivery,
    /// What was read back from the kernel and when to look again (snapshot.rs).
    view: snapshot::View,
    job: Option<jobs::Job>,
    /// Sends waiting for room in the socket's buffer (outbox.rs).
    outbox: outbox::Outbox,
    /// The call blocked in `wait` now, if one is: what runs beside it overlaps it.
    blocked: Option<(ReqId, &'static str)>,
    /// The waiting call an Interrupt ended: its wait returns KeyboardInterrupt.
    interrupted: Option<ReqId>,
    /// A connect is running (the state it leads to is its own to set).
    connecting: bool,
    /// The state a failed connect returns to.
    before_connect: SockState,
    /// A bind named its port: a TCP listener stopped by shutdown keeps it (one the kernel
    /// picked goes back, though getsockname still reads it).
    port_named: bool,
    /// Where the last connect went.
    target: Option<crate::engine::addr::Endpoint>,
    /// The peer it was last connected to (Snapshot::had_peer).
    had_peer: Option<crate::engine::addr::Endpoint>,
    recording: Option<jobs::Recording>,
    /// The responder answering here, and the one a listener gives its connections.
    answering: Option<respond::Answering>,
    /// A listener's connections and their limit, or the listener of a connection
    /// (respond.rs).
    serving: respond::Serving,
    /// Multicast groups joined and not left: (group, interface as given).
    groups: Vec<(String, String)>,
    /// What a panic must answer (life.rs).
    crash: life::Crash,
    /// The arguments of requests not yet answered whose answer carries them
    /// (Op::shown_args), at most SHOWN_ARGS: the oldest go first.
    shown_args: std::collections::VecDeque<(ReqId, Box<str>)>,
    /// The TLS session the calls go through (tls.rs).
    tls: Option<Box<crate::engine::tls::Layer>>,
    /// A listener's server side: the connections it accepts speak TLS.
    tls_server: Option<crate::engine::tls::ServerSide>,
}

impl Worker {
    fn new(
        shared: Arc<Shared>,
        who: Registered,
        sock: Socket,
        family: Family,
        kind: Kind,
        timeout: Timeout,
    ) -> Worker {
        if let Some(h) = lock(&shared.workers).get(&who.id) {
            h.fd.store(sock.as_raw_fd(), Ordering::Release);
        }
        Worker {
            shared,
            id: who.id,
            name: who.name,
            _done: who.done,
            wake: who.wake,
            rx: who.rx,
            commanded: false,
            started: false,
            greet: false,
            rest: reactor::Registration::default(),
            sock,
            family,
            kind,
            timeout,
            queue: VecDeque::new(),
            closing: None,
            released: false,
            shut: Shut::default(),
            state: SockState::Created,
            counters: Counters::default(),
            auto: continuous::Auto::default(),
            delivery: deliver::Delivery::default(),
            view: snapshot::View::default(),
            job: None,
            outbox: outbox::Outbox::default(),
            blocked: None,
            interrupted: None,
            connecting: false,
            before_connect: SockState::Created,
            port_named: false,
            target: None,
            had_peer: None,
            recording: None,
            answering: None,
            serving: respond::Serving::default(),
            groups: Vec::new(),
            crash: life::Crash::default(),
            shown_args: std::collections::VecDeque::new(),
            tls: None,
            tls_server: None,
        }
    }

    fn fd(&self) -> BorrowedFd<'_> {
        self.sock.as_fd()
    }
}

fn emit_result(
    shared: &Shared,
    id: SocketId,
    req: ReqId,
    op: &'static str,
    start: Instant,
    result: OpResult,
    args: Option<Box<str>>,
) {
    // One reading for both: `at - elapsed` is then the call's start exactly, before any
    // state it moved the socket to (two readings apart by a preemption put a bind()
    // after its "bound" in the sequence diagram).
    let at = Instant::now();
    let elapsed = at.saturating_duration_since(start);
    shared.emit(match result {
        Ok(reply) => Event::Done {
            id,
            req,
            op,
            reply,
            elapsed,
            at,
            args,
        },
        Err(error) => Event::Failed {
            id: Some(id),
            req: Some(req),
            error,
            elapsed,
            at,
            args,
        },
    });
}
