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
use super::errors::{ErrorKind, OpError};
use super::event::{
    Chunk, Counters, Direction, Event, Permit, Reply, Snapshot, SockState, SocketInfo,
};
use super::inspect::{self, TcpState};
use super::options::{self, OptionReading};
use super::waker::Wake;
use super::{lock, Shared, WorkerHandle};
use crate::sys::{self, ms_until as remaining_ms, poll2};

mod accept;
mod dgram;
mod jobs;
pub(crate) mod reactor;
mod respond;

/// Largest buffer one recv() call allocates, whatever bufsize asks for.
const MAX_RECV: usize = 64 << 20;
/// Buffer of an auto-accepted connection's receive. 64 KiB stays under glibc's mmap
/// threshold, so buffers handed to the consumer and freed there are reused from the heap;
/// 256 KiB buffers were mapped and faulted in afresh, and bulk receive ran at 2.4 GB/s
/// instead of 3.2 (the benchmark, same run).
const ACCEPTED_RECV: usize = 64 << 10;
/// Reads or accepts per wake-up in a continuous mode before commands get a turn.
const BURST: usize = 64;
/// Bookkeeping charged per data event on top of its bytes.
pub(super) const EVENT_COST: usize = 64;
const TICK: Duration = Duration::from_millis(250);
/// How often a worker with skipped content looks for room to report it.
const SKIP_CHECK_MS: i32 = 5;
const IDLE_TICK: Duration = Duration::from_secs(1);

type OpResult = Result<Reply, OpError>;

pub(crate) fn spawn(shared: &Arc<Shared>, req: ReqId, how: Create) {
    let op = match how {
        Create::New { .. } => "socket",
        Create::Connection { .. } => "create_connection",
    };
    let Some(reg) = register(shared, false, op, req) else {
        return;
    };
    let (id, name) = (reg.id, reg.name.clone());
    let sh = shared.clone();
    let thread = shared.pool.run(format!("sock-{name}"), move || {
        let start = Instant::now();
        let wake = reg.wake.clone();
        let made = catch_unwind(AssertUnwindSafe(move || match how {
            Create::New {
                family,
                kind,
                proto,
            } => new_socket(family, kind, proto)
                .map(|s| (s, family, kind, proto, Timeout::Blocking))
                .map_err(|e| OpError::from_io("socket", None, &e)),
            Create::Connection {
                host,
                port,
                timeout,
                source,
            } => create_connection(&wake, &host, port, timeout, source),
        }))
        .unwrap_or_else(|p| Err(OpError::internal(op, panic_message(p.as_ref()))));
        match made {
            Ok((sock, family, kind, proto, timeout)) => {
                let info = SocketInfo {
                    id,
                    name: name.clone(),
                    family,
                    kind,
                    proto,
                    fd: sock.as_raw_fd(),
                    parent: None,
                    timeout,
                };
                sh.emit(Event::Created {
                    info,
                    req: Some(req),
                });
                let mut w = reg.worker(&sh, sock, family, kind, timeout);
                // Made by a command: it stays on a thread, ready for the next.
                w.commanded = true;
                if op == "create_connection" {
                    w.state = SockState::Connected;
                    w.reply(req, op, start, Ok(Reply::Unit));
                }
                w.run();
            }
            Err(error) => {
                drop(reg);
                unregister(&sh, id);
                sh.emit(Event::Failed {
                    id: None,
                    req: Some(req),
                    error,
                    elapsed: start.elapsed(),
                });
            }
        }
    });
    attach(shared, id, thread, op, req);
}

/// Starts a worker for a connection a listener accepted; emits its Created event before
/// returning, so it always precedes the listener's answer.
fn spawn_accepted(
    shared: &Arc<Shared>,
    (sock, peer): (Socket, Endpoint),
    family: Family,
    kind: Kind,
    proto: i32,
    auto_receive: bool,
    inherit: respond::Inherit,
) -> Result<SocketId, OpError> {
    let parent = inherit.parent.0;
    let Some(reg) = register(shared, true, "accept", ReqId(0)) else {
        return Err(OpError::os("accept", None, libc::EMFILE));
    };
    let (id, name) = (reg.id, reg.name.clone());
    inherit.parent.1 .0.open.fetch_add(1, Ordering::AcqRel);
    shared.emit(Event::Created {
        info: SocketInfo {
            id,
            name: name.clone(),
            family,
            kind,
            proto,
            fd: sock.as_raw_fd(),
            parent: Some(parent),
            timeout: Timeout::Blocking,
        },
        req: None,
    });
    let mut w = reg.worker(shared, sock, family, kind, Timeout::Blocking);
    w.state = SockState::Connected;
    w.parent = Some(inherit.parent);
    if auto_receive {
        w.auto_recv = Some(ACCEPTED_RECV);
    }
    if inherit.responder.is_some() {
        w.attach_responder(inherit.responder, Some(peer));
        w.greet = true;
    }
    // Nothing commands a new connection yet: it starts in the reactor, without a thread.
    let thread = match reactor::adopt(shared, Box::new(w)) {
        Ok(()) => Ok(()),
        Err(w) => match w.wake.ensure() {
            Ok(()) => shared
                .pool
                .run(format!("sock-{}", w.name), move || w.run_boxed()),
            Err(e) => Err(e),
        },
    };
    attach(shared, id, thread, "accept", ReqId(0));
    Ok(id)
}

/// A socket entered in the registry, its worker not yet made.
struct Registered {
    id: SocketId,
    name: String,
    wake: Arc<Wake>,
    rx: Receiver<Command>,
    /// Dropped with the worker, telling shutdown it ended.
    done: crossbeam_channel::Sender<()>,
}

impl Registered {
    fn worker(
        self,
        shared: &Arc<Shared>,
        sock: Socket,
        family: Family,
        kind: Kind,
        timeout: Timeout,
    ) -> Worker {
        Worker::new(shared.clone(), self, sock, family, kind, timeout)
    }
}

fn register(shared: &Arc<Shared>, accepted: bool, op: &str, req: ReqId) -> Option<Registered> {
    let fail = |errno: i32| {
        if !accepted {
            shared.emit(Event::Failed {
                id: None,
                req: Some(req),
                error: OpError::os(op, None, errno),
                elapsed: Duration::ZERO,
            });
        }
        None
    };
    if shared.live.fetch_add(1, Ordering::AcqRel) >= shared.config.max_sockets {
        shared.live.fetch_sub(1, Ordering::AcqRel);
        return fail(libc::EMFILE);
    }
    let id = shared.new_id();
    // An accepted connection starts in the reactor: its descriptor is made if it leaves.
    let wake = if accepted {
        Arc::new(Wake::lazy(id.0))
    } else {
        match Wake::eager(id.0) {
            Ok(w) => Arc::new(w),
            Err(e) => {
                shared.live.fetch_sub(1, Ordering::AcqRel);
                return fail(e.raw_os_error().unwrap_or(libc::EMFILE));
            }
        }
    };
    let name = shared.name_for(accepted);
    let (tx, rx) = crossbeam_channel::unbounded();
    let (done_tx, done) = crossbeam_channel::bounded(0);
    lock(&shared.workers).insert(
        id,
        WorkerHandle {
            tx,
            wake: wake.clone(),
            done,
        },
    );
    Some(Registered {
        id,
        name,
        wake,
        rx,
        done: done_tx,
    })
}

fn attach(shared: &Arc<Shared>, id: SocketId, thread: io::Result<()>, op: &str, req: ReqId) {
    match thread {
        Ok(()) => {}
        Err(e) => {
            unregister(shared, id);
            shared.emit(Event::Failed {
                id: Some(id),
                req: Some(req),
                error: OpError::from_io(op, None, &e),
                elapsed: Duration::ZERO,
            });
        }
    }
}

fn unregister(shared: &Shared, id: SocketId) {
    if lock(&shared.workers).remove(&id).is_some() {
        shared.live.fetch_sub(1, Ordering::AcqRel);
    }
}

fn new_socket(family: Family, kind: Kind, proto: i32) -> io::Result<Socket> {
    let proto = (proto != 0).then_some(Protocol::from(proto));
    Socket::new(Domain::from(family.raw()), Type::from(kind.raw()), proto)
}

/// socket.create_connection: every address getaddrinfo gives, in order, until one connects;
/// the last error otherwise.
fn create_connection(
    waker: &Wake,
    host: &str,
    port: u16,
    timeout: Option<Timeout>,
    source: Option<(String, u16)>,
) -> Result<(Socket, Family, Kind, i32, Timeout), OpError> {
    let shown = Some(format!("{host}:{port}"));
    let addrs =
        getaddrinfo_full(host, port, libc::AF_UNSPEC, libc::SOCK_STREAM).map_err(|code| {
            OpError {
                op: "create_connection".into(),
                addr: shown.clone(),
                kind: ErrorKind::Gai {
                    code,
                    message: super::addr::gai_strerror(code),
                },
            }
        })?;
    let timeout = timeout
        .unwrap_or(Timeout::Blocking)
        .check()
        .map_err(|(class, msg)| OpError::python("create_connection", class, msg))?;
    let mut last = OpError::python(
        "create_connection",
        "OSError",
        "getaddrinfo returns an empty list",
    );
    for (addr, proto) in addrs {
        let family = if addr.is_ipv4() {
            Family::Inet
        } else {
            Family::Inet6
        };
        let attempt = (|| -> Result<Socket, OpError> {
            let sock = new_socket(family, Kind::Stream, proto)
                .map_err(|e| OpError::from_io("socket", shown.clone(), &e))?;
            if let Some((h, p)) = &source {
                let spec = AddrSpec::Inet {
                    host: h.clone(),
                    port: *p,
                };
                let sa = spec.resolve(family, "bind")?;
                sock.bind(&sa)
                    .map_err(|e| OpError::from_io("bind", shown.clone(), &e))?;
            }
            sock.set_nonblocking(true)
                .map_err(|e| OpError::from_io("connect", shown.clone(), &e))?;
            let sa = SockAddr::from(addr);
            let deadline = timeout.deadline(Instant::now());
            match sock.connect(&sa) {
                Ok(()) => {}
                Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {
                    loop {
                        let ms = deadline.map(remaining_ms).unwrap_or(-1);
                        let (_, ready) = poll2(waker.fd(), sock.as_fd(), libc::POLLOUT, ms);
                        if ready != 0 {
                            break;
                        }
                        if deadline.is_some_and(|d| Instant::now() >= d) {
                            return Err(OpError::timeout("connect", shown.clone()));
                        }
                    }
                    if let Ok(Some(e)) = sock.take_error() {
                        return Err(OpError::from_io("connect", shown.clone(), &e));
                    }
                }
                Err(e) => return Err(OpError::from_io("connect", shown.clone(), &e)),
            }
            if timeout == Timeout::Blocking {
                sock.set_nonblocking(false)
                    .map_err(|e| OpError::from_io("connect", shown.clone(), &e))?;
            }
            Ok(sock)
        })();
        match attempt {
            Ok(sock) => return Ok((sock, family, Kind::Stream, proto, timeout)),
            Err(e) => last = e,
        }
    }
    Err(last)
}

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
    /// A panic ended its work: it only closes now.
    broken: bool,
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
    state: SockState,
    counters: Counters,
    /// Continuous receive with this buffer size.
    auto_recv: Option<usize>,
    /// Continuous accept; accepted connections start in auto-receive when true.
    auto_accept: Option<bool>,
    eof: bool,
    /// Continuous receive's buffer; a nearly full one is handed to the consumer as it is.
    recv_buf: Vec<u8>,
    /// A datagram socket's buffers for receiving a batch at once.
    dgram_slots: dgram::Slots,
    /// When the batch being reported arrived (one clock read for all its datagrams).
    batch_time: Option<SystemTime>,
    data_budget: Arc<AtomicUsize>,
    snap_budget: Arc<AtomicUsize>,
    skipped: (u64, u64),
    options: Vec<OptionReading>,
    last_snapshot: Option<Snapshot>,
    snapshot_due: bool,
    quiet_ticks: u32,
    next_tick: Instant,
    /// When skipped content is next looked at (it is reported once there is room).
    next_skip_check: Instant,
    job: Option<jobs::Job>,
    recording: Option<jobs::Recording>,
    /// The responder answering here, and the one a listener gives its connections.
    answering: Option<respond::Answering>,
    child_spec: Option<crate::engine::responder::ResponderSpec>,
    /// A listener's open connections and their limit.
    clients: respond::Clients,
    client_limit: Option<usize>,
    /// The listener that accepted this connection, and its count.
    parent: Option<(SocketId, respond::Clients)>,
    /// A listener's SO_PROTOCOL, which its connections share.
    conn_proto: Option<i32>,
    /// Continuous accept held back (descriptors or sockets ran out, or the consumer fell
    /// behind), and when it tries again.
    accept_pause: Option<accept::Pause>,
    /// Requests being run now (a blocking call, and instant calls answered during its
    /// wait): if the worker fails, each of them is answered with the failure.
    inflight: Vec<(ReqId, &'static str)>,
    /// Notes and reports left out while the consumer was far behind.
    unsaid: u64,
    /// Requests already answered with a panic's failure.
    failed: Vec<ReqId>,
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
        Worker {
            shared,
            id: who.id,
            name: who.name,
            _done: who.done,
            wake: who.wake,
            rx: who.rx,
            commanded: false,
            started: false,
            broken: false,
            greet: false,
            rest: reactor::Registration::default(),
            sock,
            family,
            kind,
            timeout,
            queue: VecDeque::new(),
            closing: None,
            state: SockState::Created,
            counters: Counters::default(),
            auto_recv: None,
            auto_accept: None,
            eof: false,
            recv_buf: Vec::new(),
            dgram_slots: dgram::Slots::default(),
            batch_time: None,
            data_budget: Arc::new(AtomicUsize::new(0)),
            snap_budget: Arc::new(AtomicUsize::new(0)),
            skipped: (0, 0),
            options: Vec::new(),
            last_snapshot: None,
            snapshot_due: true,
            quiet_ticks: 0,
            next_tick: Instant::now(),
            next_skip_check: Instant::now(),
            job: None,
            recording: None,
            answering: None,
            child_spec: None,
            clients: respond::Clients::default(),
            client_limit: None,
            conn_proto: None,
            accept_pause: None,
            parent: None,
            inflight: Vec::new(),
            unsaid: 0,
            failed: Vec::new(),
        }
    }

    fn fd(&self) -> BorrowedFd<'_> {
        self.sock.as_fd()
    }

    /// What runs once, before the first wait: the options read, the first snapshot, and a
    /// responder's greeting.
    fn start_once(&mut self) {
        if self.started {
            return;
        }
        self.started = true;
        self.refresh_options();
        self.publish(true);
        if std::mem::take(&mut self.greet) {
            self.answer_open();
        }
    }

    fn run_boxed(self: Box<Self>) {
        (*self).run()
    }

    /// The worker's life on a thread: commands in order, and between them the continuous
    /// modes. Without commands to wait for, it moves to the reactor and frees the thread.
    fn run(mut self) {
        self.guard("start", Worker::start_once);
        loop {
            if self.broken {
                break;
            }
            // In the order they came, up to the close: a command sent before it runs (one
            // that would block finds the close noted and fails with EBADF, as in Python),
            // and those after it meet a closed socket in `finish`.
            while let Some(cmd) = self.queue.pop_front() {
                let close = matches!(cmd.op, Op::Close);
                self.handle_guarded(cmd);
                if close || self.broken {
                    break;
                }
            }
            if self.closing.is_some() {
                break;
            }
            if self.may_rest() {
                match reactor::adopt(&self.shared.clone(), Box::new(self)) {
                    Ok(()) => return,
                    Err(w) => self = *w,
                }
            }
            // A command whose wake went astray (sent as the worker left the reactor) is
            // not left waiting for the socket.
            if !self.rx.is_empty() {
                self.pull_commands(false);
                continue;
            }
            let (interest, timeout) = self.wait_spec();
            let (wake, ready) = poll2(self.wake.fd(), self.sock.as_fd(), interest, timeout);
            self.guard("wait", |w| w.after_wait(wake != 0, ready));
        }
        self.finish_guarded();
    }

    /// Runs `f`; a panic in it (a bug in socklab) becomes a failure of this socket, never
    /// a worker that vanishes while callers wait: every request it was running is answered
    /// with the failure (or, with none, the failure is reported), and the socket closes.
    pub(super) fn guard(&mut self, what: &'static str, f: impl FnOnce(&mut Worker)) {
        if let Err(p) = catch_unwind(AssertUnwindSafe(|| f(self))) {
            self.crashed(what, &panic_message(p.as_ref()));
        }
    }

    /// Runs a command under `guard`, remembered as in flight until it is answered.
    fn handle_guarded(&mut self, cmd: Command) {
        let (req, op) = (cmd.req, cmd.op.name());
        self.inflight.push((req, op));
        self.guard(op, |w| w.handle(cmd));
        if let Some(i) = self.inflight.iter().rposition(|(r, _)| *r == req) {
            self.inflight.remove(i);
        }
    }

    /// After a panic: answer whatever was waiting for this worker with the failure, stop
    /// everything it did on its own, and close.
    fn crashed(&mut self, what: &'static str, message: &str) {
        let mut waiting = std::mem::take(&mut self.inflight);
        if let Some(job) = self.job.take() {
            waiting.push((job.req, "send_job"));
        }
        let now = Instant::now();
        for &(req, op) in &waiting {
            self.reply(req, op, now, Err(OpError::internal(op, message)));
        }
        // A call that was waiting when an instant one panicked must not be answered again
        // when its wait ends.
        self.failed.extend(waiting.iter().map(|(req, _)| *req));
        if waiting.is_empty() {
            self.report(OpError::internal(what, message));
        }
        self.broken = true;
        self.state = SockState::Error;
        self.auto_recv = None;
        self.auto_accept = None;
        self.answering = None;
        self.recording = None;
        self.closing.get_or_insert(ReqId(0));
    }

    /// `finish`, and if even that fails, what callers need: the registry entry gone and
    /// the socket announced closed.
    pub(super) fn finish_guarded(self) {
        let (shared, id) = (self.shared.clone(), self.id);
        if catch_unwind(AssertUnwindSafe(move || self.finish())).is_err() {
            unregister(&shared, id);
            shared.emit(Event::Closed { id });
        }
    }

    /// Whether the worker can wait in the reactor: nothing queued, not closing, and either
    /// no command ever (a fresh connection) or a continuous mode that keeps it busy on its
    /// own (auto-accept, auto-receive, a responder) and no send job or recording (those
    /// read and write files). A command sends it back to a thread.
    fn may_rest(&self) -> bool {
        let on_its_own =
            self.auto_accept.is_some() || self.auto_recv.is_some() || self.answering.is_some();
        self.shared.config.share_idle
            && self.queue.is_empty()
            && self.closing.is_none()
            && self.rx.is_empty()
            && self.job.is_none()
            && self.recording.is_none()
            && (!self.commanded || on_its_own)
    }

    /// What to wait for on the socket (poll events) and for how long (ms, -1: no limit).
    fn wait_spec(&self) -> (i16, i32) {
        let (job_events, timeout) = self.job_wait(self.tick_timeout());
        let (answer_events, timeout) = self.answer_timeout(timeout);
        let timeout = self.accept_retry_timeout(timeout);
        (
            self.continuous_interest() | job_events | answer_events,
            timeout,
        )
    }

    /// Everything a wait's end calls for: commands (on a wake), the continuous modes, the
    /// send job, the responder, skipped-content reports and the tick. Only the commands
    /// may block, so the reactor runs this with `wake` false.
    fn after_wait(&mut self, wake: bool, ready: i16) {
        if wake {
            self.pull_commands(false);
        }
        if ready & !libc::POLLOUT != 0 || self.accept_retry_due() {
            self.continuous_step();
        }
        self.job_step();
        self.answer_step();
        if self.skipped != (0, 0) && Instant::now() >= self.next_skip_check {
            self.next_skip_check = Instant::now() + Duration::from_millis(SKIP_CHECK_MS as u64);
            self.flush_skipped_if_room();
        }
        self.tick();
    }

    fn continuous_interest(&self) -> i16 {
        let accepting =
            self.auto_accept.is_some() && self.room_for_client() && self.accept_pause.is_none();
        let receiving = self.auto_recv.is_some() && !self.eof && !self.backpressured();
        if accepting || receiving {
            libc::POLLIN
        } else {
            0
        }
    }

    /// Adds the responder's needs to a poll: what to wait for and the shorter timeout.
    fn answer_timeout(&self, timeout_ms: i32) -> (i16, i32) {
        let (events, t) = self.answer_wait(Instant::now());
        let ms = t.map_or(timeout_ms, |d| sys::sooner(timeout_ms, sys::ms_ceil(d)));
        (events, ms)
    }

    /// Adds the send job's needs to a poll: what to wait for and the shorter timeout.
    fn job_wait(&self, timeout_ms: i32) -> (i16, i32) {
        let Some(job) = &self.job else {
            return (0, timeout_ms);
        };
        let (events, t) = job.wait_for(Instant::now());
        // Rounded up, so a due time is never polled early in a busy loop.
        let ms = t.map_or(timeout_ms, |d| sys::sooner(timeout_ms, sys::ms_ceil(d)));
        (events, ms)
    }

    fn tick_timeout(&self) -> i32 {
        if !self.shared.config.inspect && self.skipped == (0, 0) && !self.snapshot_due {
            return -1;
        }
        let t = remaining_ms(self.next_tick);
        if self.skipped != (0, 0) {
            // Say soon how much was skipped, once the consumer has room again.
            return t.min(SKIP_CHECK_MS);
        }
        t
    }

    /// Moves waiting commands into the queue. While a call waits (`waiting`), close is noted
    /// so the wait ends, and instant calls run at once.
    fn pull_commands(&mut self, waiting: bool) {
        self.wake.drain();
        while let Ok(cmd) = self.rx.try_recv() {
            self.commanded = true;
            if waiting && cmd.op.is_instant() {
                self.handle_guarded(cmd);
            } else {
                if matches!(cmd.op, Op::Close) && self.closing.is_none() {
                    self.closing = Some(cmd.req);
                }
                self.queue.push_back(cmd);
            }
        }
    }

    fn finish(mut self) {
        self.stop_job();
        self.flush_recording();
        let parent = self.parent.take();
        unregister(&self.shared, self.id);
        let close_req = self.closing;
        // The descriptor closes before anyone hears it did.
        drop(self.sock);
        respond::leave_listener(&self.shared, parent);
        let (shared, id) = (&self.shared, self.id);
        if let Some(req) = close_req.filter(|r| *r != ReqId(0)) {
            emit_result(shared, id, req, "close", Instant::now(), Ok(Reply::Unit));
        }
        // Whatever was still queued or sent meets a closed socket, as in Python.
        let mut rest: Vec<Command> = self.queue.into_iter().collect();
        rest.extend(self.rx.try_iter());
        for cmd in rest {
            if matches!(cmd.op, Op::Close) {
                if cmd.req != ReqId(0) && Some(cmd.req) != close_req {
                    emit_result(
                        shared,
                        id,
                        cmd.req,
                        "close",
                        Instant::now(),
                        Ok(Reply::Unit),
                    );
                }
                continue;
            }
            let op = cmd.op.name();
            emit_result(
                shared,
                id,
                cmd.req,
                op,
                Instant::now(),
                Err(OpError::os(op, None, libc::EBADF)),
            );
        }
        shared.emit(Event::Closed { id });
    }

    /// A listening TCP socket's queue of connections not yet accepted, read when the kernel
    /// says it holds any.
    fn accept_queue(&self, tcp: Option<&inspect::TcpInfo>) -> Vec<Endpoint> {
        if !tcp.is_some_and(|t| t.state == TcpState::Listen && t.unacked > 0) {
            return Vec::new();
        }
        let Some(local) = self.sock.local_addr().ok().and_then(|a| a.as_socket()) else {
            return Vec::new();
        };
        inspect::accept_queue(&local)
            .unwrap_or_default()
            .into_iter()
            .map(|a| Endpoint::from_sockaddr(&SockAddr::from(a)))
            .collect()
    }

    /// What a connection accepted here inherits.
    fn inherit(&self) -> respond::Inherit {
        respond::Inherit {
            responder: self.child_spec.clone(),
            parent: (self.id, self.clients.clone()),
        }
    }

    /// A failure no request waits for (a continuous mode's, a recording's).
    fn report(&mut self, error: OpError) {
        self.unasked(Event::Failed {
            id: Some(self.id),
            req: None,
            error,
            elapsed: Duration::ZERO,
        });
    }

    /// Sends an event nobody asked for (a report, a responder's note). While the consumer
    /// has EVENT_BACKLOG events still to read, they are counted instead, and the count is
    /// said once it catches up: a flood that makes one per message never grows the queue.
    pub(super) fn unasked(&mut self, ev: Event) {
        if self.shared.events.len() >= self.shared.config.event_backlog {
            self.unsaid += 1;
            return;
        }
        if self.unsaid > 0 {
            let n = std::mem::take(&mut self.unsaid);
            self.shared.emit(Event::Note {
                id: self.id,
                text: format!(
                    "{n} notes and reports were left out while the window or log fell behind"
                ),
            });
        }
        self.shared.emit(ev);
    }

    fn reply(&self, req: ReqId, op: &'static str, start: Instant, result: OpResult) {
        if self.failed.contains(&req) {
            return;
        }
        emit_result(&self.shared, self.id, req, op, start, result);
    }

    fn handle(&mut self, cmd: Command) {
        let start = Instant::now();
        let op_name = cmd.op.name();
        if matches!(cmd.op, Op::Close) {
            self.closing.get_or_insert(cmd.req);
            return;
        }
        let instant = cmd.op.is_instant();
        if let Op::StartSending { job } = cmd.op {
            // Answered when the job ends, unless it cannot start.
            match self.start_job(cmd.req, job) {
                Ok(()) => self.job_step(),
                Err(e) => self.reply(cmd.req, op_name, start, Err(e)),
            }
            return;
        }
        let result = self.execute(cmd.req, cmd.op);
        if let Err(e) = &result {
            if matches!(
                e.kind,
                ErrorKind::Os {
                    errno: libc::ECONNRESET | libc::EPIPE
                }
            ) {
                self.state = SockState::Error;
            }
        }
        self.reply(cmd.req, op_name, start, result);
        if !instant {
            self.refresh_options();
            self.publish(false);
        }
    }

    fn execute(&mut self, req: ReqId, op: Op) -> OpResult {
        let name = op.name();
        match op {
            Op::Bind { addr } => {
                let sa = addr.resolve(self.family, name)?;
                self.sock
                    .bind(&sa)
                    .map_err(|e| OpError::from_io(name, Some(addr.to_string()), &e))?;
                if self.state == SockState::Created {
                    self.state = SockState::Bound;
                }
                Ok(Reply::Unit)
            }
            Op::Listen { backlog } => {
                self.sock
                    .listen(backlog.max(0))
                    .map_err(|e| OpError::from_io(name, self.local_shown(), &e))?;
                self.state = SockState::Listening;
                Ok(Reply::Unit)
            }
            Op::Accept => {
                if self.auto_accept.is_some() {
                    return Err(OpError::python(
                        name,
                        "OSError",
                        "auto-accept is on: it accepts every connection",
                    ));
                }
                self.accept(req, false)
            }
            Op::Connect { addr } => self.connect(req, &addr, false),
            Op::ConnectEx { addr } => self.connect(req, &addr, true),
            Op::Send { data, flags } => self.send(req, name, &data, flags, None, false),
            Op::SendAll { data, flags } => self.send(req, name, &data, flags, None, true),
            Op::SendTo { data, flags, addr } => {
                let sa = addr.resolve(self.family, name)?;
                self.send(req, name, &data, flags, Some((sa, addr.to_string())), false)
            }
            Op::Recv { bufsize, flags } => self.recv(req, name, bufsize, flags, false),
            Op::RecvFrom { bufsize, flags } => self.recv(req, name, bufsize, flags, true),
            Op::Shutdown { how } => {
                let h = match how {
                    How::Read => std::net::Shutdown::Read,
                    How::Write => std::net::Shutdown::Write,
                    How::Both => std::net::Shutdown::Both,
                };
                self.sock
                    .shutdown(h)
                    .map_err(|e| OpError::from_io(name, None, &e))?;
                self.state = SockState::HalfClosed;
                Ok(Reply::Unit)
            }
            Op::Close => Ok(Reply::Unit),
            Op::SetSockOpt {
                level,
                name: opt,
                value,
            } => {
                let bytes = match value {
                    OptValue::Int(v) => (v as i32).to_ne_bytes().to_vec(),
                    OptValue::Bytes(b) => b,
                };
                options::setsockopt_raw(self.fd(), level, opt, &bytes)
                    .map_err(|errno| OpError::os(name, None, errno))?;
                self.refresh_options();
                self.publish(false);
                Ok(Reply::Unit)
            }
            Op::GetSockOpt {
                level,
                name: opt,
                buflen,
            } => match buflen {
                None => options::getsockopt_int(self.fd(), level, opt)
                    .map(|v| Reply::Int(v as i64))
                    .map_err(|errno| OpError::os(name, None, errno)),
                Some(n) => options::getsockopt_raw(self.fd(), level, opt, n)
                    .map(Reply::Bytes)
                    .map_err(|errno| OpError::os(name, None, errno)),
            },
            Op::SetTimeout { timeout } => {
                let timeout = timeout
                    .check()
                    .map_err(|(class, msg)| OpError::python(name, class, msg))?;
                // CPython keeps O_NONBLOCK set for any timeout other than None.
                self.sock
                    .set_nonblocking(timeout != Timeout::Blocking)
                    .map_err(|e| OpError::from_io(name, None, &e))?;
                self.timeout = timeout;
                Ok(Reply::Unit)
            }
            Op::GetTimeout => Ok(Reply::Timeout(self.timeout)),
            Op::GetSockName => self
                .sock
                .local_addr()
                .map(|a| Reply::Addr(Endpoint::from_sockaddr(&a)))
                .map_err(|e| OpError::from_io(name, None, &e)),
            Op::GetPeerName => self
                .sock
                .peer_addr()
                .map(|a| Reply::Addr(Endpoint::from_sockaddr(&a)))
                .map_err(|e| OpError::from_io(name, None, &e)),
            Op::FileNo => Ok(Reply::Int(self.sock.as_raw_fd() as i64)),
            Op::AutoReceive { on, bufsize } => {
                if on && self.state == SockState::Listening {
                    return Err(OpError::python(
                        name,
                        "OSError",
                        "a listening socket receives connections, not data: use auto-accept",
                    ));
                }
                self.auto_recv = on.then_some(bufsize.clamp(1, MAX_RECV));
                self.eof = false;
                Ok(Reply::Unit)
            }
            Op::AutoAccept { on, receive } => {
                if on && self.state != SockState::Listening {
                    return Err(OpError::os(name, None, libc::EINVAL));
                }
                self.auto_accept = on.then_some(receive);
                Ok(Reply::Unit)
            }
            Op::JoinMulticast { group, interface } => {
                self.multicast(name, &group, &interface, true)
            }
            Op::LeaveMulticast { group, interface } => {
                self.multicast(name, &group, &interface, false)
            }
            Op::StartSending { .. } => Err(OpError::python(name, "OSError", "not a call")),
            Op::StopSending => {
                self.stop_job();
                Ok(Reply::Unit)
            }
            Op::Record { path, replace } => self.record(path, replace),
            Op::Respond { responder } => self.respond(responder),
            Op::LimitClients { max } => self.limit_clients(max),
            Op::Inspect { so_error } => {
                self.refresh_options();
                if so_error {
                    if let Some(spec) = options::find("SO_ERROR") {
                        self.options.push(options::read(self.fd(), spec));
                    }
                }
                self.publish(true);
                Ok(Reply::Unit)
            }
        }
    }

    fn local_shown(&self) -> Option<String> {
        self.sock
            .local_addr()
            .ok()
            .map(|a| Endpoint::from_sockaddr(&a).to_string())
    }

    fn deadline(&self, start: Instant) -> Option<Instant> {
        self.timeout.deadline(start)
    }

    /// Waits until the socket is ready for `events`, the deadline passes, or close arrives.
    /// Commands arriving meanwhile are queued, instant ones answered at once; continuous
    /// receive keeps running so two peers writing to each other never deadlock.
    fn wait(
        &mut self,
        req: ReqId,
        op: &'static str,
        events: i16,
        deadline: Option<Instant>,
        announced: &mut bool,
        addr: &Option<String>,
    ) -> Result<(), OpError> {
        if !*announced {
            *announced = true;
            self.shared.emit(Event::Waiting {
                id: self.id,
                req,
                op,
                deadline,
            });
        }
        loop {
            if self.closing.is_some() {
                return Err(OpError::os(op, addr.clone(), libc::EBADF));
            }
            let (job_events, mut ms) = self.job_wait(self.tick_timeout());
            if let Some(d) = deadline {
                ms = sys::sooner(ms, remaining_ms(d));
            }
            let extra = if self.auto_recv.is_some() && !self.eof {
                libc::POLLIN
            } else {
                0
            };
            let (wake, ready) = if self.rx.is_empty() {
                poll2(
                    self.wake.fd(),
                    self.sock.as_fd(),
                    events | extra | job_events,
                    ms,
                )
            } else {
                (1, 0)
            };
            if wake != 0 {
                self.pull_commands(true);
                if self.closing.is_some() {
                    return Err(OpError::os(op, addr.clone(), libc::EBADF));
                }
            }
            if ready & (libc::POLLIN) != 0 && extra != 0 {
                self.continuous_step();
            }
            self.job_step();
            if ready & (events | libc::POLLERR | libc::POLLHUP) != 0 {
                return Ok(());
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(OpError::timeout(op, addr.clone()));
            }
            self.tick();
        }
    }

    /// Runs `f` with O_NONBLOCK set, for calls that have no MSG_DONTWAIT (accept, connect).
    fn nonblocking<T>(&self, f: impl FnOnce(&Socket) -> io::Result<T>) -> io::Result<T> {
        if self.timeout == Timeout::Blocking {
            sys::set_nonblocking(self.fd(), true);
            let r = f(&self.sock);
            sys::set_nonblocking(self.fd(), false);
            r
        } else {
            f(&self.sock)
        }
    }

    fn accept(&mut self, req: ReqId, _auto: bool) -> OpResult {
        let start = Instant::now();
        let deadline = self.deadline(start);
        let mut announced = false;
        loop {
            match self.nonblocking(|s| s.accept()) {
                Ok((conn, addr)) => {
                    let peer = Endpoint::from_sockaddr(&addr);
                    let proto = self.conn_proto();
                    let id = spawn_accepted(
                        &self.shared,
                        (conn, peer.clone()),
                        self.family,
                        self.kind,
                        proto,
                        false,
                        self.inherit(),
                    )?;
                    return Ok(Reply::Accepted { conn: id, peer });
                }
                Err(e) if is_again(&e) && self.timeout != Timeout::NonBlocking => {
                    self.wait(req, "accept", libc::POLLIN, deadline, &mut announced, &None)?;
                }
                Err(e) => return Err(OpError::from_io("accept", None, &e)),
            }
        }
    }

    /// The protocol of the connections this listener accepts: its own, read once.
    fn conn_proto(&mut self) -> i32 {
        let fd = self.sock.as_fd();
        *self.conn_proto.get_or_insert_with(|| {
            options::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_PROTOCOL).unwrap_or(0)
        })
    }

    fn connect(&mut self, req: ReqId, addr: &AddrSpec, ex: bool) -> OpResult {
        let op = if ex { "connect_ex" } else { "connect" };
        let shown = Some(addr.to_string());
        let sa = addr.resolve(self.family, op)?;
        let start = Instant::now();
        let result = self.connect_inner(req, op, &sa, &shown, start);
        match result {
            Ok(()) => {
                self.state = SockState::Connected;
                Ok(if ex { Reply::Int(0) } else { Reply::Unit })
            }
            Err(e) => {
                if let Some(errno) = e.errno() {
                    if errno == libc::EINPROGRESS {
                        self.state = SockState::Connecting;
                    }
                    if ex
                        && matches!(e.kind, ErrorKind::Os { .. } | ErrorKind::Timeout)
                        && self.closing.is_none()
                    {
                        return Ok(Reply::Int(errno as i64));
                    }
                }
                Err(e)
            }
        }
    }

    fn connect_inner(
        &mut self,
        req: ReqId,
        op: &'static str,
        sa: &SockAddr,
        shown: &Option<String>,
        start: Instant,
    ) -> Result<(), OpError> {
        let deadline = self.deadline(start);
        let mut announced = false;
        match self.nonblocking(|s| s.connect(sa)) {
            Ok(()) => Ok(()),
            Err(e)
                if matches!(e.raw_os_error(), Some(libc::EINPROGRESS))
                    && self.timeout != Timeout::NonBlocking =>
            {
                self.state = SockState::Connecting;
                self.publish(false);
                self.wait(req, op, libc::POLLOUT, deadline, &mut announced, shown)?;
                match self.sock.take_error() {
                    Ok(None) => Ok(()),
                    Ok(Some(e)) => Err(OpError::from_io(op, shown.clone(), &e)),
                    Err(e) => Err(OpError::from_io(op, shown.clone(), &e)),
                }
            }
            Err(e)
                if is_again(&e)
                    && self.family == Family::Unix
                    && self.timeout != Timeout::NonBlocking =>
            {
                // A Unix listener's backlog is full: a blocking connect waits for room.
                loop {
                    let retry = Instant::now() + Duration::from_millis(20);
                    let until = deadline.map_or(retry, |d| d.min(retry));
                    match self.wait(req, op, 0, Some(until), &mut announced, shown) {
                        Err(OpError {
                            kind: ErrorKind::Timeout,
                            ..
                        }) if deadline.is_none_or(|d| Instant::now() < d) => {}
                        Err(e) => return Err(e),
                        Ok(()) => {}
                    }
                    match self.nonblocking(|s| s.connect(sa)) {
                        Ok(()) => return Ok(()),
                        Err(e) if is_again(&e) => continue,
                        Err(e) => return Err(OpError::from_io(op, shown.clone(), &e)),
                    }
                }
            }
            Err(e) => Err(OpError::from_io(op, shown.clone(), &e)),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn send(
        &mut self,
        req: ReqId,
        op: &'static str,
        data: &[u8],
        flags: i32,
        to: Option<(SockAddr, String)>,
        all: bool,
    ) -> OpResult {
        let start = Instant::now();
        let deadline = self.deadline(start);
        let shown = to.as_ref().map(|(_, s)| s.clone());
        let nonblocking = self.timeout == Timeout::NonBlocking || flags & libc::MSG_DONTWAIT != 0;
        // A blocking send() on Linux returns only once every byte is queued; with a timeout or
        // non-blocking it may take part, as the kernel allows.
        let whole = all || (self.timeout == Timeout::Blocking && !nonblocking);
        let mut announced = false;
        let mut sent = 0usize;
        loop {
            let rest = &data[sent..];
            let r = match &to {
                Some((sa, _)) => self.sock.send_to_with_flags(
                    rest,
                    sa,
                    flags | libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
                ),
                None => self
                    .sock
                    .send_with_flags(rest, flags | libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL),
            };
            match r {
                Ok(n) => {
                    sent += n;
                    let peer = to.as_ref().map(|(sa, _)| Endpoint::from_sockaddr(sa));
                    self.count_out(&rest[..n], peer);
                    if !whole || sent >= data.len() {
                        break;
                    }
                }
                Err(e) if is_again(&e) && !nonblocking => {
                    if let Err(err) =
                        self.wait(req, op, libc::POLLOUT, deadline, &mut announced, &shown)
                    {
                        if sent > 0 && !all && self.closing.is_none() {
                            break;
                        }
                        return Err(err);
                    }
                }
                Err(e) => {
                    if sent > 0 && !all {
                        break;
                    }
                    return Err(OpError::from_io(op, shown.clone(), &e));
                }
            }
        }
        if all {
            Ok(Reply::Unit)
        } else {
            Ok(Reply::Int(sent as i64))
        }
    }

    fn recv(
        &mut self,
        req: ReqId,
        op: &'static str,
        bufsize: usize,
        flags: i32,
        from: bool,
    ) -> OpResult {
        if self.auto_recv.is_some() {
            return Err(OpError::python(
                op,
                "OSError",
                "auto-receive is on: every chunk is already being received",
            ));
        }
        let start = Instant::now();
        let deadline = self.deadline(start);
        let nonblocking = self.timeout == Timeout::NonBlocking || flags & libc::MSG_DONTWAIT != 0;
        let want = bufsize.min(MAX_RECV);
        let mut announced = false;
        let mut out: Vec<u8> = Vec::new();
        let mut source: Option<Endpoint> = None;
        loop {
            let room = want - out.len();
            let before = out.len();
            let r = sys::recv_into(
                &self.sock,
                &mut out,
                room,
                (flags | libc::MSG_DONTWAIT) & !libc::MSG_WAITALL,
                from,
            );
            match r {
                Ok((n, sa)) => {
                    if let Some(sa) = sa {
                        source = (sa.len() > 0).then(|| Endpoint::from_sockaddr(&sa));
                    }
                    // MSG_TRUNC: the kernel reports a datagram's whole length, past the
                    // buffer. Python's result has that length; the bytes past the buffer
                    // are zeros here (never memory that was not received).
                    if n > room {
                        out.resize(before + n.min(MAX_RECV), 0);
                    }
                    let waitall =
                        flags & libc::MSG_WAITALL != 0 && self.kind == Kind::Stream && !nonblocking;
                    if n > 0 && waitall && out.len() < want {
                        continue;
                    }
                    break;
                }
                Err(e) if is_again(&e) && !nonblocking => {
                    let w = self.wait(req, op, libc::POLLIN, deadline, &mut announced, &None);
                    if let Err(err) = w {
                        if !out.is_empty() && self.closing.is_none() {
                            break;
                        }
                        return Err(err);
                    }
                }
                Err(e) => {
                    if !out.is_empty() {
                        break;
                    }
                    return Err(OpError::from_io(op, None, &e));
                }
            }
        }
        let peeking = flags & libc::MSG_PEEK != 0;
        if !peeking {
            self.count_in(&out, source.clone());
        }
        if from {
            Ok(Reply::BytesFrom {
                data: out,
                from: source,
            })
        } else {
            Ok(Reply::Bytes(out))
        }
    }

    fn multicast(
        &mut self,
        op: &'static str,
        group: &str,
        interface: &str,
        join: bool,
    ) -> OpResult {
        let shown = Some(group.to_string());
        let bad = |what: &str| {
            OpError::python(op, "ValueError", format!("{what} is not a valid address"))
        };
        match self.family {
            Family::Inet => {
                let g: std::net::Ipv4Addr = group.parse().map_err(|_| bad(group))?;
                let i: std::net::Ipv4Addr = if interface.is_empty() {
                    std::net::Ipv4Addr::UNSPECIFIED
                } else {
                    interface.parse().map_err(|_| bad(interface))?
                };
                let r = if join {
                    self.sock.join_multicast_v4(&g, &i)
                } else {
                    self.sock.leave_multicast_v4(&g, &i)
                };
                r.map_err(|e| OpError::from_io(op, shown, &e))?;
            }
            Family::Inet6 => {
                let g: std::net::Ipv6Addr = group.parse().map_err(|_| bad(group))?;
                let index = if interface.is_empty() {
                    0
                } else if let Ok(n) = interface.parse::<u32>() {
                    n
                } else {
                    sys::interface_index(self.sock.as_fd(), interface)
                        .map_err(|_| OpError::os(op, Some(interface.to_string()), libc::ENODEV))?
                };
                let r = if join {
                    self.sock.join_multicast_v6(&g, index)
                } else {
                    self.sock.leave_multicast_v6(&g, index)
                };
                r.map_err(|e| OpError::from_io(op, shown, &e))?;
            }
            _ => return Err(OpError::os(op, shown, libc::EOPNOTSUPP)),
        }
        Ok(Reply::Unit)
    }

    fn count_in(&mut self, data: &[u8], peer: Option<Endpoint>) {
        self.tally_in(data);
        self.deliver(Direction::In, data, peer);
    }

    /// count_in for continuous receive's buffer, which may be handed over whole.
    fn count_in_buf(&mut self, buf: &mut Vec<u8>, peer: Option<Endpoint>) {
        self.tally_in(buf);
        self.deliver_buf(buf, peer);
    }

    /// Records and counts received bytes (their delivery is the caller's).
    pub(super) fn tally_in(&mut self, data: &[u8]) {
        self.record_bytes(data);
        if !data.is_empty() || self.kind != Kind::Stream {
            self.counters.bytes_in += data.len() as u64;
            self.counters.msgs_in += 1;
        }
    }

    fn count_out(&mut self, data: &[u8], peer: Option<Endpoint>) {
        self.counters.bytes_out += data.len() as u64;
        self.counters.msgs_out += 1;
        self.deliver(Direction::Out, data, peer);
    }

    /// Reports a chunk if the consumer has room for it; otherwise counts what was skipped.
    fn deliver(&mut self, direction: Direction, data: &[u8], peer: Option<Endpoint>) {
        let kept = self.kept(data);
        let cost = kept.len() + EVENT_COST;
        if let Some(permit) = self.permit_for(data.len(), cost) {
            let bytes = Bytes::from(kept.to_vec());
            self.emit_chunk_of(direction, bytes, data.len(), peer, permit);
        }
    }

    /// The part of a chunk its Data event carries (all of it unless the consumer asked
    /// for a prefix).
    pub(super) fn kept<'d>(&self, data: &'d [u8]) -> &'d [u8] {
        match self.shared.config.chunk_prefix {
            Some(p) if data.len() > p => &data[..p],
            _ => data,
        }
    }

    /// Reports a received buffer: moved into the event when it is at least half full (no
    /// copy; `buf` is left empty for a new one), copied when smaller, so a short chunk never
    /// pins a large buffer.
    fn deliver_buf(&mut self, buf: &mut Vec<u8>, peer: Option<Endpoint>) {
        if self.kept(buf).len() < buf.len() {
            // Only a prefix goes: the buffer stays for the next read.
            self.deliver(Direction::In, buf, peer);
            return;
        }
        let moving = buf.len() * 2 >= buf.capacity();
        let cost = if moving { buf.capacity() } else { buf.len() } + EVENT_COST;
        if let Some(permit) = self.permit_for(buf.len(), cost) {
            let data = if moving {
                std::mem::take(buf)
            } else {
                buf.to_vec()
            };
            let data = data.into();
            self.emit_chunk(Direction::In, data, peer, permit);
        }
    }

    /// A share of the consumer's budget for a chunk, or None: then its content is skipped
    /// (and counted as such, so a consumer still hears of every byte).
    pub(super) fn permit_for(&mut self, len: usize, cost: usize) -> Option<Permit> {
        if !self.shared.config.deliver_data {
            // Nobody wants the bytes: the counters alone say what moved.
            return None;
        }
        let permit = Permit::try_take(&self.data_budget, cost, self.shared.config.data_budget);
        match permit {
            Some(p) => {
                self.flush_skipped();
                Some(p)
            }
            None => {
                self.skipped.0 += len as u64;
                self.skipped.1 += 1;
                None
            }
        }
    }

    pub(super) fn emit_chunk(
        &mut self,
        direction: Direction,
        data: Bytes,
        peer: Option<Endpoint>,
        permit: Permit,
    ) {
        let len = data.len();
        self.emit_chunk_of(direction, data, len, peer, permit);
    }

    /// A Data event for a chunk of `len` bytes whose event carries `data` (all of them, or
    /// the prefix the consumer asked for).
    pub(super) fn emit_chunk_of(
        &mut self,
        direction: Direction,
        data: Bytes,
        len: usize,
        peer: Option<Endpoint>,
        permit: Permit,
    ) {
        self.shared.emit(Event::Data {
            id: self.id,
            chunk: Chunk {
                direction,
                data,
                len,
                peer,
                datagram: self.kind != Kind::Stream,
                at: self.batch_time.unwrap_or_else(SystemTime::now),
                _permit: Some(permit),
            },
        });
    }

    fn flush_skipped(&mut self) {
        if self.skipped != (0, 0) {
            let (bytes, chunks) = std::mem::take(&mut self.skipped);
            self.shared.emit(Event::Skipped {
                id: self.id,
                bytes,
                chunks,
            });
        }
    }

    /// One round of the continuous modes: accept or receive whatever is ready.
    fn continuous_step(&mut self) {
        if let Some(receive) = self.auto_accept {
            self.accept_burst(receive);
            return;
        }
        let Some(bufsize) = self.auto_recv else {
            return;
        };
        if self.kind != Kind::Stream && bufsize <= dgram::BATCH_MAX_BUF {
            self.receive_datagrams(bufsize, BURST);
            return;
        }
        // The buffer is taken out for the burst, so the received bytes can be handed on
        // while the worker's other methods run.
        let mut buf = std::mem::take(&mut self.recv_buf);
        for _ in 0..BURST {
            if buf.capacity() < bufsize {
                buf = Vec::with_capacity(bufsize);
            }
            buf.clear();
            // A datagram's sender is asked for; a stream's peer is known.
            let datagram = self.kind != Kind::Stream;
            let r = sys::recv_into(&self.sock, &mut buf, bufsize, libc::MSG_DONTWAIT, datagram);
            match r {
                Ok((n, sa)) => {
                    let n = n.min(bufsize);
                    let peer = sa
                        .as_ref()
                        .filter(|sa| sa.len() > 0)
                        .map(Endpoint::from_sockaddr);
                    if n == 0 && self.kind == Kind::Stream {
                        // b'': the peer closed its side; stop polling for input.
                        self.count_in_buf(&mut buf, peer);
                        self.eof = true;
                        self.state = SockState::HalfClosed;
                        self.snapshot_due = true;
                        self.answer_eof();
                        break;
                    }
                    self.answer_data(&buf, sa);
                    self.count_in_buf(&mut buf, peer);
                    // A stream read short of the buffer took all the kernel held: the next
                    // read would only say EAGAIN, so go back to waiting (one call less per
                    // message of a request/response exchange).
                    if self.backpressured() || (self.kind == Kind::Stream && n < bufsize) {
                        break;
                    }
                }
                Err(e) if is_again(&e) => break,
                Err(e) if self.answering.is_some() && self.kind == Kind::Stream => {
                    // A client that resets is an everyday end for a server's connection.
                    let _ = e;
                    self.answer_eof();
                    self.closing.get_or_insert(ReqId(0));
                    break;
                }
                Err(e) => {
                    self.auto_recv = None;
                    self.state = SockState::Error;
                    self.report(OpError::from_io("recv", None, &e));
                    break;
                }
            }
        }
        self.recv_buf = buf;
        self.snapshot_due = true;
    }

    fn refresh_options(&mut self) {
        if self.shared.config.inspect {
            self.options = options::read_all(self.fd(), self.family, self.kind, false);
        }
    }

    fn tick(&mut self) {
        if Instant::now() < self.next_tick {
            return;
        }
        self.flush_skipped_if_room();
        self.flush_recording();
        let changed = self.publish(false);
        self.quiet_ticks = if changed {
            0
        } else {
            self.quiet_ticks.saturating_add(1)
        };
        let interval = if self.quiet_ticks > 8 {
            IDLE_TICK
        } else {
            TICK
        };
        self.next_tick = Instant::now() + interval;
    }

    fn flush_skipped_if_room(&mut self) {
        if self.skipped != (0, 0)
            && self.data_budget.load(Ordering::Acquire) < self.shared.config.data_budget / 2
        {
            self.flush_skipped();
        }
    }

    fn derived_state(&self, tcp: Option<&inspect::TcpInfo>) -> SockState {
        let Some(t) = tcp else {
            return self.state;
        };
        if matches!(self.state, SockState::Error | SockState::Closed) {
            return self.state;
        }
        match t.state {
            TcpState::Listen => SockState::Listening,
            TcpState::SynSent | TcpState::SynRecv => SockState::Connecting,
            TcpState::Established => {
                if self.state == SockState::HalfClosed {
                    SockState::HalfClosed
                } else {
                    SockState::Connected
                }
            }
            TcpState::CloseWait
            | TcpState::FinWait1
            | TcpState::FinWait2
            | TcpState::Closing
            | TcpState::LastAck
            | TcpState::TimeWait => SockState::HalfClosed,
            _ => self.state,
        }
    }

    /// Publishes a snapshot when it differs from the last one (or when forced). Returns
    /// whether anything changed. At most one snapshot per socket waits in the channel.
    fn publish(&mut self, force: bool) -> bool {
        if !self.shared.config.inspect {
            self.snapshot_due = false;
            return false;
        }
        let fd = self.fd();
        let tcp =
            if self.kind == Kind::Stream && matches!(self.family, Family::Inet | Family::Inet6) {
                inspect::tcp_info(fd)
            } else {
                None
            };
        let accept_queue = self.accept_queue(tcp.as_ref());
        let snap = Snapshot {
            accept_queue,
            state: self.derived_state(tcp.as_ref()),
            local: self
                .sock
                .local_addr()
                .ok()
                .map(|a| Endpoint::from_sockaddr(&a)),
            peer: self
                .sock
                .peer_addr()
                .ok()
                .map(|a| Endpoint::from_sockaddr(&a)),
            timeout: self.timeout,
            kernel_nonblocking: inspect::kernel_nonblocking(fd),
            options: self.options.clone(),
            tcp,
            recv_queue: inspect::recv_queue(fd),
            send_queue: inspect::send_queue(fd),
            counters: self.counters,
            auto_receive: self.auto_recv.is_some(),
            auto_accept: self.auto_accept.is_some(),
            sending: self.job.is_some(),
            responder: self.responder_name(),
            clients: (self.state == SockState::Listening).then(|| {
                (
                    self.clients.0.open.load(Ordering::Acquire),
                    self.client_limit,
                )
            }),
            recording: self.recording.as_ref().map(|r| r.snapshot()),
        };
        let changed = self.last_snapshot.as_ref() != Some(&snap);
        if !(changed || force || self.snapshot_due) {
            return false;
        }
        match Permit::try_take(&self.snap_budget, 1, 1) {
            Some(permit) => {
                self.snapshot_due = false;
                self.last_snapshot = Some(snap.clone());
                self.shared.emit(Event::Snapshot {
                    id: self.id,
                    snapshot: Box::new(snap),
                    _permit: Some(permit),
                });
            }
            None => self.snapshot_due = true,
        }
        changed
    }
}

/// A worker that vanished in a panic outside its own guards: whatever was sent to it is
/// answered, the consumer hears the failure, and the socket is gone from the registry.
fn lost(shared: &Shared, id: SocketId, rx: &Receiver<Command>, message: &str) {
    unregister(shared, id);
    shared.emit(Event::Failed {
        id: Some(id),
        req: None,
        error: OpError::internal("wait", message),
        elapsed: Duration::ZERO,
    });
    for cmd in rx.try_iter() {
        let op = cmd.op.name();
        if matches!(cmd.op, Op::Close) {
            if cmd.req != ReqId(0) {
                emit_result(shared, id, cmd.req, op, Instant::now(), Ok(Reply::Unit));
            }
        } else {
            let error = OpError::internal(op, message);
            emit_result(shared, id, cmd.req, op, Instant::now(), Err(error));
        }
    }
    shared.emit(Event::Closed { id });
}

/// What a panic said, for the failure it becomes.
fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "it panicked".to_string()
    }
}

fn emit_result(
    shared: &Shared,
    id: SocketId,
    req: ReqId,
    op: &'static str,
    start: Instant,
    result: OpResult,
) {
    let elapsed = start.elapsed();
    shared.emit(match result {
        Ok(reply) => Event::Done {
            id,
            req,
            op,
            reply,
            elapsed,
        },
        Err(error) => Event::Failed {
            id: Some(id),
            req: Some(req),
            error,
            elapsed,
        },
    });
}
