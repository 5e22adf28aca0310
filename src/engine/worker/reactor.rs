//! One thread where workers wait that have nothing to wait for but their socket and their
//! timers: connections a listener accepted, receiving and answering on their own. Holding a
//! thread each, a thousand clients arriving at once cost a thousand thread creations, the
//! largest part of a short connection; here they cost a registration each.
//!
//! What the reactor is woken for it does at once: accepting, receiving, answering, ticks,
//! all of them non-blocking. A command (they may block: a recv with a timeout, a blocking
//! sendall) sends the worker back to a thread of the pool; a socket in a continuous mode
//! (an auto-accepting listener, an auto-receiving socket) comes back once the command is
//! done, any other stays there. The reactor starts with the first worker it is given and
//! ends at the engine's shutdown.

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::os::fd::AsFd;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::Worker;
use crate::engine::waker::Doorbell;
use crate::engine::{lock, Shared};
use crate::sys::{self, Epoll, EpollEvents};

/// The token of the reactor's own wake descriptor; a worker's are its id twice (socket, wake).
const WAKE: u64 = u64::MAX;
const MAX_EVENTS: usize = 128;

thread_local! {
    /// This thread is a reactor's.
    static IN_REACTOR: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The calling thread is the reactor's (where a datagram socket may pause: dgram.rs).
pub(super) fn in_reactor() -> bool {
    IN_REACTOR.get()
}

/// A worker's registration with the reactor's epoll.
#[derive(Default)]
pub(crate) struct Registration {
    /// Poll events the socket is registered for; 0 when it is not registered.
    sock: u32,
    /// Its wake descriptor is registered.
    waker: bool,
}

enum Life {
    NotStarted,
    Running { thread: JoinHandle<()> },
    Closed,
}

pub(crate) struct Reactor {
    life: Mutex<Life>,
    /// Workers handed over and not yet registered.
    // Boxed: a worker is large and moves between threads and the reactor's map.
    #[allow(clippy::vec_box)]
    inbox: Mutex<Vec<Box<Worker>>>,
    /// Workers in the reactor now (for tests and the benchmark).
    held: AtomicUsize,
    /// Wakes the reactor: for its inbox, shutdown, and workers without a wake descriptor.
    pub(crate) bell: Doorbell,
}

impl Default for Reactor {
    fn default() -> Self {
        Reactor {
            life: Mutex::new(Life::NotStarted),
            inbox: Mutex::new(Vec::new()),
            held: AtomicUsize::new(0),
            bell: Doorbell::default(),
        }
    }
}

impl Reactor {
    /// Workers waiting in the reactor now.
    pub(crate) fn held(&self) -> usize {
        self.held.load(Ordering::Acquire)
    }

    /// Ends the reactor's thread. Called at shutdown, once every worker has ended; a worker
    /// offered afterwards keeps its thread.
    pub(crate) fn close(&self) {
        let life = std::mem::replace(&mut *lock(&self.life), Life::Closed);
        if let Life::Running { thread } = life {
            self.bell.wake();
            let _ = thread.join();
        }
    }

    fn closed(&self) -> bool {
        matches!(*lock(&self.life), Life::Closed)
    }
}

/// Hands `w` to the reactor, which registers it and waits for it. Gives it back when the
/// reactor cannot take it (shut down, or it could not start): the worker then keeps a thread.
pub(super) fn adopt(shared: &Arc<Shared>, w: Box<Worker>) -> Result<(), Box<Worker>> {
    let r = &shared.reactor;
    let mut life = lock(&r.life);
    if matches!(*life, Life::NotStarted) {
        match start(shared) {
            Ok(thread) => *life = Life::Running { thread },
            // Without a reactor every worker keeps its thread, as before it existed.
            Err(_) => *life = Life::Closed,
        }
    }
    if !matches!(*life, Life::Running { .. }) {
        return Err(w);
    }
    r.held.fetch_add(1, Ordering::AcqRel);
    let mut inbox = lock(&r.inbox);
    let first = inbox.is_empty();
    inbox.push(w);
    drop(inbox);
    drop(life);
    // The reactor drains its wake before it empties the inbox, so one wake per batch does;
    // and none when the reactor itself adopts (a listener there accepting): it looks at
    // its inbox before it waits again.
    if first && !IN_REACTOR.get() {
        r.bell.wake();
    }
    Ok(())
}

fn start(shared: &Arc<Shared>) -> io::Result<JoinHandle<()>> {
    let bell = shared.reactor.bell.install()?;
    let epoll = Epoll::new()?;
    epoll.add(bell, libc::EPOLLIN as u32, WAKE)?;
    let sh = shared.clone();
    let thread = std::thread::Builder::new()
        .name("sock-reactor".into())
        .stack_size(shared.config.stack_size)
        .spawn(move || {
            sys::lower_priority(sh.config.worker_nice);
            sys::precise_timers();
            Loop {
                shared: sh,
                epoll,
                held: HashMap::new(),
                timers: BTreeSet::new(),
                stalled: Vec::new(),
            }
            .run()
        })?;
    Ok(thread)
}

struct Held {
    w: Box<Worker>,
    deadline: Option<Instant>,
}

struct Loop {
    shared: Arc<Shared>,
    epoll: Epoll,
    held: HashMap<u64, Held>,
    /// The held workers' timers, soonest first: no scan of every worker each round.
    timers: BTreeSet<(Instant, u64)>,
    /// Workers bound for a thread when none could be had; tried again shortly.
    #[allow(clippy::vec_box)]
    stalled: Vec<Box<Worker>>,
}

/// How soon a worker that found no thread tries again.
const RETRY: Duration = Duration::from_millis(10);

impl Loop {
    fn run(mut self) {
        IN_REACTOR.set(true);
        let mut room = EpollEvents::new(MAX_EVENTS);
        let mut events: Vec<(u64, u32)> = Vec::with_capacity(MAX_EVENTS);
        // (socket events, wake) per worker woken in one round.
        let mut woken: HashMap<u64, (u32, bool)> = HashMap::new();
        loop {
            // A frame of the window's on this core goes first.
            self.shared.give_way();
            let timeout = self.next_timeout();
            // An interrupted wait (EINTR) returns nothing: go round again.
            self.epoll.wait_for(&mut room, timeout, &mut events);
            woken.clear();
            let mut adopt = false;
            for &(token, bits) in &events {
                if token == WAKE {
                    adopt = true;
                    continue;
                }
                let entry = woken.entry(token >> 1).or_default();
                if token & 1 == 1 {
                    entry.1 = true;
                } else {
                    entry.0 |= bits;
                }
            }
            if adopt {
                self.shared.reactor.bell.drain();
                if self.shared.reactor.closed() {
                    self.end();
                    return;
                }
            }
            self.take_inbox();
            // Commands for workers without a wake descriptor of their own. Every ring
            // rings the bell after its push, so a round the bell did not wake has none.
            if adopt {
                for wake in self.shared.reactor.bell.take() {
                    match self.take(wake.id()) {
                        Some(h) => self.contain(h.w, |l, w| l.leave(w)),
                        // It left for a thread (its descriptor made before it left), ended,
                        // or is not held yet: taking it in, the reactor finds the command.
                        None => wake.wake_fd(),
                    }
                }
            }
            for (&id, &(bits, wake)) in &woken {
                let Some(h) = self.take(id) else {
                    continue;
                };
                if wake {
                    self.contain(h.w, |l, w| l.leave(w));
                } else {
                    self.contain(h.w, |l, w| l.step(w, bits));
                }
            }
            let now = Instant::now();
            let due: Vec<u64> = self
                .timers
                .iter()
                .take_while(|(d, _)| *d <= now)
                .map(|(_, id)| *id)
                .collect();
            for id in due {
                if let Some(h) = self.take(id) {
                    self.contain(h.w, |l, w| l.step(w, 0));
                }
            }
            for w in std::mem::take(&mut self.stalled) {
                self.resume(w);
            }
            // Connections its own listeners accepted this round.
            self.take_inbox();
        }
    }

    fn hold(&mut self, id: u64, h: Held) {
        if let Some(d) = h.deadline {
            self.timers.insert((d, id));
        }
        self.held.insert(id, h);
    }

    fn take(&mut self, id: u64) -> Option<Held> {
        let h = self.held.remove(&id)?;
        if let Some(d) = h.deadline {
            self.timers.remove(&(d, id));
        }
        Some(h)
    }

    fn take_inbox(&mut self) {
        let new = std::mem::take(&mut *lock(&self.shared.reactor.inbox));
        for w in new {
            self.contain(w, |l, mut w| {
                w.guard("start", Worker::start_once);
                // A command sent before the reactor held it rang a bell the reactor may have
                // answered already, finding nobody (it was still in the inbox, or not yet
                // there): it waits in the channel, so look there before it rests.
                if w.rx.is_empty() {
                    l.settle(w);
                } else {
                    l.leave(w);
                }
            });
        }
    }

    /// Runs the reactor's handling of one worker. A panic in it (a bug in the reactor's
    /// own code; the worker's are caught where they run) ends that worker as a failure —
    /// its callers answered, its socket closed — never the reactor and every socket
    /// resting in it.
    fn contain(&mut self, w: Box<Worker>, f: impl FnOnce(&mut Loop, Box<Worker>)) {
        let (id, rx) = (w.id, w.rx.clone());
        if let Err(p) = catch_unwind(AssertUnwindSafe(|| f(self, w))) {
            // The worker went with the unwinding: its descriptors are closed, which also
            // takes them out of the epoll set.
            self.shared.reactor.held.fetch_sub(1, Ordering::AcqRel);
            super::lost(&self.shared, id, &rx, &super::panic_message(p.as_ref()));
        }
    }

    /// The time until the first worker's timer (a datagram socket's pause is shorter than
    /// a millisecond); None without timers.
    fn next_timeout(&self) -> Option<Duration> {
        let first = self.timers.first().map(|(d, _)| *d);
        let first = match (first, self.stalled.is_empty()) {
            (f, true) => f,
            (f, false) => Some(f.map_or(Instant::now() + RETRY, |f| f.min(Instant::now() + RETRY))),
        };
        Some(first?.saturating_duration_since(Instant::now()))
    }

    /// What a worker does when its socket is ready or its timer due, as on its thread.
    fn step(&mut self, mut w: Box<Worker>, bits: u32) {
        // epoll's IN/OUT/ERR/HUP bits are poll's.
        w.guard("wait", |w| w.after_wait(false, bits as i16));
        self.settle(w);
    }

    /// Registers the worker for what it waits for now, or lets it go if it is done.
    fn settle(&mut self, mut w: Box<Worker>) {
        if w.closing.is_some() {
            self.deregister(&mut w);
            self.shared.reactor.held.fetch_sub(1, Ordering::AcqRel);
            // A close that lingers (SO_LINGER) may block: that one goes to a thread.
            if matches!(w.sock.linger(), Ok(Some(d)) if !d.is_zero()) {
                self.resume(w);
            } else {
                w.finish_guarded();
            }
            return;
        }
        let (interest, timeout) = w.wait_spec();
        let id = w.id.0;
        if self.register(&mut w, interest as u16 as u32).is_err() {
            // It cannot wait here (epoll out of memory): it keeps a thread from now on.
            self.deregister(&mut w);
            self.shared.reactor.held.fetch_sub(1, Ordering::AcqRel);
            w.commanded = true;
            self.resume(w);
            return;
        }
        let deadline =
            (timeout >= 0).then(|| Instant::now() + Duration::from_millis(timeout as u64));
        // A datagram socket's pause ends on its own instant, not the millisecond after.
        let deadline = match (deadline, w.auto.pause.until) {
            (Some(d), Some(l)) => Some(d.min(l)),
            (d, l) => d.or(l),
        };
        self.hold(id, Held { w, deadline });
    }

    fn register(&self, w: &mut Worker, wanted: u32) -> io::Result<()> {
        let id = w.id.0;
        if !w.rest.waker {
            if let Some(fd) = w.wake.fd() {
                self.epoll.add(fd, libc::EPOLLIN as u32, id << 1 | 1)?;
                w.rest.waker = true;
            }
        }
        let fd = w.sock.as_fd();
        match (w.rest.sock, wanted) {
            (a, b) if a == b => return Ok(()),
            (0, _) => self.epoll.add(fd, wanted, id << 1)?,
            (_, 0) => self.epoll.delete(fd)?,
            _ => self.epoll.modify(fd, wanted, id << 1)?,
        }
        w.rest.sock = wanted;
        Ok(())
    }

    /// Its wake descriptor fired: a command came (or the consumer made room). Commands go
    /// to a thread, as they may block; a wake without one leaves the worker here.
    fn leave(&mut self, mut w: Box<Worker>) {
        w.pull_commands(false);
        if w.may_rest() {
            self.step(w, 0);
            return;
        }
        self.deregister(&mut w);
        self.shared.reactor.held.fetch_sub(1, Ordering::AcqRel);
        self.resume(w);
    }

    fn deregister(&self, w: &mut Worker) {
        if w.rest.sock != 0 {
            let _ = self.epoll.delete(w.sock.as_fd());
        }
        if w.rest.waker {
            if let Some(fd) = w.wake.fd() {
                let _ = self.epoll.delete(fd);
            }
        }
        w.rest = Registration::default();
    }

    /// Runs the worker on a thread of the pool; when none can be had (thread limit), it
    /// waits here and tries again shortly.
    fn resume(&mut self, w: Box<Worker>) {
        // On a thread it waits on its own descriptor, made here before anyone can look
        // for it there; without one it cannot be woken there, so it waits here meanwhile.
        if w.wake.ensure().is_err() {
            self.stalled.push(w);
            return;
        }
        let name = format!("sock-{}", w.name);
        let slot = Arc::new(Mutex::new(Some(w)));
        let theirs = slot.clone();
        let ran = self.shared.pool.run(name, move || {
            if let Some(w) = lock(&theirs).take() {
                w.run_boxed();
            }
        });
        if ran.is_err() {
            if let Some(w) = lock(&slot).take() {
                self.stalled.push(w);
            }
        }
    }

    /// At shutdown every worker has ended already; any left are closed as a close() would.
    fn end(mut self) {
        self.timers.clear();
        let left: Vec<Box<Worker>> = self.held.drain().map(|(_, h)| h.w).collect();
        let inbox = std::mem::take(&mut *lock(&self.shared.reactor.inbox));
        for mut w in left.into_iter().chain(inbox) {
            self.deregister(&mut w);
            self.shared.reactor.held.fetch_sub(1, Ordering::AcqRel);
            w.finish_guarded();
        }
        for w in std::mem::take(&mut self.stalled) {
            w.finish_guarded();
        }
    }
}
