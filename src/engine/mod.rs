//! The socket engine: every socket is owned by a worker; front ends send commands and
//! receive events over channels (through `Client` when they wait) and never touch a socket
//! themselves. A worker runs on a pool thread while commands may block it; one with
//! nothing to wait for but its socket and timers rests in the reactor, one epoll thread
//! for all of them, which accepts, receives and answers for it without blocking.
//!
//! This module must not depend on any GUI crate (a test checks it).

pub mod addr;
mod afterlife;
pub mod bytes;
pub mod capture;
pub mod client;
pub mod command;
pub mod errors;
pub mod event;
pub mod gate;
mod holder;
pub mod inspect;
pub mod note;
pub mod options;
mod pool;
pub mod pyargs;
pub mod responder;
pub mod tls;
mod waker;
mod worker;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};

pub use addr::{AddrSpec, Endpoint, Family, Kind};
pub use bytes::Bytes;
pub use client::Client;
pub use command::{
    Command, Create, How, Op, OptValue, ReqId, SendJob, SendSource, SocketId, Timeout,
};
pub use errors::{Detail, ErrorKind, OpError, Refusal};
pub use event::{
    Chunk, Counters, Datagrams, Direction, Event, Progress, Reply, Shut, Snapshot, SockState,
    SocketInfo,
};
pub use responder::{Ctx, MakeResponder, Out, Responder, ResponderSpec};

use waker::Wake;

/// How an engine behaves; the defaults suit the window.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Publish snapshots (options, TCP_INFO, queues). The headless runner turns this off.
    pub inspect: bool,
    /// Bytes of received/sent data per socket that may wait in the event channel; past it,
    /// content is dropped (and counted) until the consumer catches up.
    pub data_budget: usize,
    /// Sockets that may exist at once.
    pub max_sockets: usize,
    /// Stack size of each worker thread.
    pub stack_size: usize,
    /// Worker threads kept parked after their socket closed, for the next sockets.
    pub parked_threads: usize,
    /// How long a parked thread waits for another socket before it ends.
    pub park_linger: Duration,
    /// Nice value of the worker threads (0: as the process). The window raises it, so a
    /// socket flooding the core it shares with the window's thread yields to drawing.
    pub worker_nice: i32,
    /// Report every chunk's bytes as Data events. Off for consumers that only count (a
    /// quiet `socklab serve`); counters and receive-to-file are unaffected.
    pub deliver_data: bool,
    /// Events waiting for the consumer past which workers hold back what nobody asked for:
    /// a listener stops accepting, notes and reports are counted instead of sent. With the
    /// per-socket data budgets and one snapshot per socket, this bounds the event queue
    /// whatever the consumer does (replies are one per request).
    pub event_backlog: usize,
    /// Carry at most this many bytes of each chunk in its Data event (its length still
    /// counts every byte): for consumers that show only the start of a message, such as
    /// `socklab serve`'s log. None carries all of them.
    pub chunk_prefix: Option<usize>,
    /// Sockets with nothing to wait for but their socket and timers (accepted connections no
    /// command reached; continuous modes between commands) wait in one shared thread, the
    /// reactor, instead of holding one each; a command takes one back to a thread.
    pub share_idle: bool,
    /// How often a socket whose snapshot changed looks at the kernel again, and how often
    /// one that stayed the same does. A connection also looks the moment its peer's FIN
    /// or reset arrives (poll's RDHUP), so its CLOSE_WAIT shows when it began.
    pub ticks: (Duration, Duration),
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            inspect: true,
            data_budget: 16 << 20,
            max_sockets: 4096,
            stack_size: 256 << 10,
            parked_threads: 64,
            park_linger: Duration::from_secs(10),
            worker_nice: 0,
            deliver_data: true,
            event_backlog: 64 << 10,
            chunk_prefix: None,
            share_idle: true,
            ticks: (Duration::from_millis(250), Duration::from_secs(1)),
        }
    }
}

struct WorkerHandle {
    tx: Sender<Command>,
    wake: Arc<Wake>,
    /// Disconnects when the worker has ended (its task drops the sender).
    done: Receiver<()>,
    /// Its name, and its descriptor once it has one (-1 before): who holds an address
    /// is told by name (holder.rs).
    name: String,
    fd: std::sync::atomic::AtomicI32,
    /// Its address and type while it is only bound (neither listening nor connected): a
    /// connect refused there, or a bind refused it, names it (holder.rs); the kernel's
    /// TCP table as socklab reads it lists no socket that is only bound.
    bound: Option<(addr::Endpoint, Kind)>,
}

/// What the workers share: the event channel, the wake callback, and the registry.
pub(crate) struct Shared {
    config: EngineConfig,
    events: Sender<Event>,
    wake: Box<dyn Fn() + Send + Sync>,
    /// The next event calls `wake` (set again by `Engine::rearm_wake`).
    wake_armed: AtomicBool,
    pool: Arc<pool::Pool>,
    reactor: worker::reactor::Reactor,
    /// Follows closed connections in the kernel's table (afterlife.rs).
    afterlife: afterlife::Afterlife,
    workers: Mutex<HashMap<SocketId, WorkerHandle>>,
    /// Requests whose answers also go to another consumer (Engine::tap), and how many.
    taps: Mutex<HashMap<ReqId, Sender<Event>>>,
    tapped: AtomicUsize,
    next_id: AtomicU64,
    next_req: AtomicU64,
    created: AtomicU64,
    accepted: AtomicU64,
    live: AtomicUsize,
    /// Times a worker handed its core back to a frame of the window's (gate.rs).
    gave_way: AtomicU64,
    /// Times one took the turn the window handed over (gate.rs).
    took_turn: AtomicU64,
    /// The capture told the ports this engine's TCP sockets connect from
    /// (Engine::feed_capture).
    capture: Mutex<Option<capture::Feed>>,
}

impl Shared {
    /// A TCP socket of this engine connects from its local port now (the kernel picked it
    /// at connect): the capture fed by this engine keeps its segments from here on.
    pub(crate) fn connecting_from(&self, sock: &socket2::Socket) {
        let Some(feed) = lock(&self.capture).clone() else {
            return;
        };
        if let Some(port) = sock.local_addr().ok().and_then(|a| a.as_socket()) {
            if port.port() != 0 {
                feed.connected_from(port.port());
            }
        }
    }

    /// A worker between pieces of its work: a frame of the window's on its core goes first
    /// (gate.rs), counted.
    pub(crate) fn give_way(&self) {
        match gate::give_way() {
            gate::Way::GaveWay => self.gave_way.fetch_add(1, Ordering::Relaxed),
            gate::Way::TookTurn => self.took_turn.fetch_add(1, Ordering::Relaxed),
            gate::Way::Clear => 0,
        };
    }

    /// Sends an event, then wakes the consumer if it asked to be (in that order, so a wake
    /// always finds the event). One wake per drain, not one per event: a flood of datagrams
    /// would otherwise call the window's repaint request (a lock on its context) each time.
    pub(crate) fn emit(&self, ev: Event) {
        // The tapper hears an answer after the front ends do: what it does next (a
        // console names the socket it was given) reaches them after the answer too.
        let copy = if self.tapped.load(Ordering::Acquire) > 0 {
            ev.req()
                .filter(|req| lock(&self.taps).contains_key(req))
                .and_then(|req| Some((req, ev.answer_copy()?)))
        } else {
            None
        };
        let sent = self.events.send(ev).is_ok();
        if let Some((req, copy)) = copy {
            // Looked up again and sent under the lock: a tap replaced meanwhile (an
            // interrupted call's answer handed to the orphans) gets it, never the old one.
            // The tap's channel holds a request's answers and its wait (at most three:
            // Created, Waiting, Done for create_connection).
            if let Some(tx) = lock(&self.taps).get(&req) {
                let _ = tx.try_send(copy);
            }
        }
        if sent && self.wake_armed.swap(false, Ordering::AcqRel) {
            (self.wake)();
        }
    }

    /// The registry's name of a socket, changed (Op::Rename); false if it has none.
    fn rename(&self, id: SocketId, name: &str) -> bool {
        let mut workers = lock(&self.workers);
        let Some(w) = workers.get_mut(&id) else {
            return false;
        };
        let old = std::mem::replace(&mut w.name, name.to_string());
        // Never a number another socket still goes by (a workspace's sockets trade names).
        if old != name && !workers.values().any(|w| w.name == old) {
            self.give_back(&old);
        }
        true
    }

    /// A number renamed away as soon as it was given (the console's `s = socket.socket()`
    /// names its socket s; a workspace gives its saved names) goes back, so the window's
    /// next socket does not skip it: s2 after s1, not s3. Only the last number given can.
    fn give_back(&self, old: &str) {
        for (prefix, counter) in [("conn", &self.accepted), ("s", &self.created)] {
            let Some(n) = old.strip_prefix(prefix).and_then(|d| d.parse::<u64>().ok()) else {
                continue;
            };
            if n > 0 && old == format!("{prefix}{n}") {
                let _ = counter.compare_exchange(n, n - 1, Ordering::AcqRel, Ordering::Relaxed);
            }
            return;
        }
    }

    fn new_id(&self) -> SocketId {
        SocketId(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }

    /// The next number's name, past any a socket goes by (`workers`, the registry, locked
    /// by the caller): a workspace's saved name can be an engine-style one (s2), and the
    /// numbers given back when its sockets were renamed would give it again.
    fn name_for(&self, accepted: bool, workers: &HashMap<SocketId, WorkerHandle>) -> String {
        let (prefix, counter) = if accepted {
            ("conn", &self.accepted)
        } else {
            ("s", &self.created)
        };
        // At most one more turn than there are sockets.
        loop {
            let name = format!("{prefix}{}", counter.fetch_add(1, Ordering::Relaxed) + 1);
            if !workers.values().any(|w| w.name == name) {
                return name;
            }
        }
    }
}

/// The front ends' handle on the engine. Cloning it gives another handle on the same engine.
#[derive(Clone)]
pub struct Engine {
    shared: Arc<Shared>,
}

impl Engine {
    /// Starts an engine; the receiver yields the events. `wake` (the window passes
    /// request_repaint) is called by the first event, then by the first event after each
    /// `rearm_wake`: a consumer that sleeps until woken calls that just before it drains
    /// the channel. Consumers that block on the receiver need neither.
    pub fn start(
        config: EngineConfig,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> (Engine, Receiver<Event>) {
        let (tx, rx) = crossbeam_channel::unbounded();
        let pool = pool::Pool::new(
            config.parked_threads,
            config.park_linger,
            config.stack_size,
            config.worker_nice,
        );
        let shared = Arc::new(Shared {
            config,
            events: tx,
            wake: Box::new(wake),
            wake_armed: AtomicBool::new(true),
            pool,
            reactor: worker::reactor::Reactor::default(),
            afterlife: afterlife::Afterlife::default(),
            workers: Mutex::new(HashMap::new()),
            taps: Mutex::new(HashMap::new()),
            tapped: AtomicUsize::new(0),
            next_id: AtomicU64::new(0),
            next_req: AtomicU64::new(0),
            created: AtomicU64::new(0),
            accepted: AtomicU64::new(0),
            gave_way: AtomicU64::new(0),
            took_turn: AtomicU64::new(0),
            live: AtomicUsize::new(0),
            capture: Mutex::new(None),
        });
        (Engine { shared }, rx)
    }

    /// Tells this capture the port of each TCP socket of this engine's as it connects, so
    /// its first bytes are kept before the window learns the port.
    pub fn feed_capture(&self, capture: &capture::Capture) {
        *lock(&self.shared.capture) = Some(capture.feed());
    }

    /// Asks for a wake at the next event; call it just before draining the events, so any
    /// event that the drain misses wakes the consumer again.
    pub fn rearm_wake(&self) {
        // A swap, not a store: reading the worker's release makes what it sent before
        // visible to the drain that follows.
        self.shared.wake_armed.swap(true, Ordering::AcqRel);
    }

    /// A fresh request id.
    pub fn next_req(&self) -> ReqId {
        ReqId(self.shared.next_req.fetch_add(1, Ordering::Relaxed) + 1)
    }

    /// Sends the answers to request `req` (Created, Done, Failed) to `tx` as well as to the
    /// engine's event channel, until `untap`: a second consumer (the window's Python
    /// console) waits for its own calls' answers while the window sees everything.
    pub fn tap(&self, req: ReqId, tx: Sender<Event>) {
        if lock(&self.shared.taps).insert(req, tx).is_none() {
            self.shared.tapped.fetch_add(1, Ordering::AcqRel);
        }
    }

    pub fn untap(&self, req: ReqId) {
        if lock(&self.shared.taps).remove(&req).is_some() {
            self.shared.tapped.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Creates a socket; answered by Created (then Done for create_connection) or Failed.
    pub fn create(&self, req: ReqId, how: Create) {
        worker::spawn(&self.shared, req, how);
    }

    /// Sends an operation to a socket's worker. An unknown or closed socket answers with
    /// `OSError: [Errno 9] Bad file descriptor`.
    pub fn send(&self, id: SocketId, req: ReqId, op: Op) {
        let name = op.name();
        // A new name is told here, in the order the caller gives names: told by each
        // socket's worker when it runs, a name passed from one socket to the next
        // (`conn, addr = s.accept()` again) could reach the front ends in either order.
        if let Op::Rename { name } = &op {
            if self.shared.rename(id, name) {
                self.shared.emit(Event::Renamed {
                    id,
                    name: name.clone(),
                });
            }
        }
        let sent = {
            let workers = lock(&self.shared.workers);
            match workers.get(&id) {
                Some(w) => {
                    let ok = w.tx.send(Command { req, op }).is_ok();
                    if ok {
                        w.wake.wake(&self.shared.reactor.bell);
                    }
                    ok
                }
                None => false,
            }
        };
        if !sent {
            self.shared.emit(Event::Failed {
                id: Some(id),
                req: Some(req),
                error: OpError::os(name, None, libc::EBADF),
                elapsed: Duration::ZERO,
                at: Instant::now(),
                args: None,
            });
        }
    }

    /// The descriptor of one of the engine's sockets, from its registry (None once it is
    /// closed, or before it has one).
    pub fn fd_of(&self, id: SocketId) -> Option<i32> {
        let workers = lock(&self.shared.workers);
        let fd = workers.get(&id)?.fd.load(Ordering::Acquire);
        (fd >= 0).then_some(fd)
    }

    /// Sockets alive now.
    pub fn live_sockets(&self) -> usize {
        self.shared.live.load(Ordering::Relaxed)
    }

    /// Times this engine's workers handed their core back to a frame of the window's
    /// (gate.rs).
    pub fn gave_way(&self) -> u64 {
        self.shared.gave_way.load(Ordering::Relaxed)
    }

    /// Times this engine's workers took the turn the window handed over (gate.rs).
    pub fn took_turn(&self) -> u64 {
        self.shared.took_turn.load(Ordering::Relaxed)
    }

    /// Closes every socket and waits for the workers to end.
    pub fn shutdown(&self) {
        let handles: Vec<WorkerHandle> = {
            let mut workers = lock(&self.shared.workers);
            workers.drain().map(|(_, w)| w).collect()
        };
        for w in &handles {
            let _ = w.tx.send(Command {
                req: ReqId(0),
                op: Op::Close,
            });
            w.wake.wake(&self.shared.reactor.bell);
        }
        for w in handles {
            // Returns once the worker's task has ended and dropped its sender.
            let _ = w.done.recv();
        }
        self.shared.reactor.close();
        self.shared.afterlife.stop();
        self.shared.pool.drain();
    }

    /// Sockets waiting in the shared reactor thread rather than on threads of their own.
    pub fn resting_sockets(&self) -> usize {
        self.shared.reactor.held()
    }

    /// Sockets with a wake descriptor (an eventfd) of their own: those that have waited on
    /// a thread. Connections that only ever rested in the reactor have none.
    pub fn wake_descriptors(&self) -> usize {
        lock(&self.shared.workers)
            .values()
            .filter(|w| w.wake.has_fd())
            .count()
    }

    /// Worker threads parked for the next sockets.
    pub fn parked_threads(&self) -> usize {
        self.shared.pool.parked()
    }

    /// Worker threads alive: running a socket or parked.
    pub fn worker_threads(&self) -> usize {
        self.shared.pool.threads()
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A worker that panicked must not take the others down with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}
