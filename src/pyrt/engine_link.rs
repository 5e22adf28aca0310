//! The program's one engine, shared by all its Python threads: each call taps its own
//! request's answers (Engine::tap) before it is sent and waits on them alone, so a thread
//! blocked in accept() never holds up another's send(). In `socklab run` the engine is the
//! program's own; in the window it is the window's (`install`), whose event channel the
//! window goes on reading: what the console does shows in the window as it happens.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use rustpython_vm::VirtualMachine;

use crate::engine::{Create, Engine, EngineConfig, Event, Op, OpError, Reply, ReqId, SocketId};

/// How often a waiting call looks for a signal (Ctrl+C as KeyboardInterrupt).
pub const SIGNAL_CHECK: Duration = Duration::from_millis(100);
/// How long an interrupted call's answer is awaited (it comes at once; a stuck worker
/// must not hold the KeyboardInterrupt).
const INTERRUPT_GRACE: Duration = Duration::from_secs(2);
/// How long a call's answer is waited for awake before the thread sleeps until it comes
/// (BENCHMARKS.md, "A program's next call").
const ANSWER_SPIN: Duration = Duration::from_micros(100);
/// Answers to interrupted calls not yet closed, at most (each is a socket nobody holds).
const MAX_ORPHANS: usize = 64;

/// What a session has on the engine, shared with the window: its calls under way (the
/// window shows each console's waits, not every console's) and the sockets it made.
pub type Calls = Arc<Mutex<Ledger>>;

#[derive(Default)]
pub struct Ledger {
    /// One entry per call waiting, so as many as the session's threads.
    pub waiting: std::collections::HashSet<ReqId>,
    /// The sockets the session's program made (socket(), accept()) and has not closed,
    /// oldest first: what stays open when a file run ends, as `python3 -i` keeps them.
    /// At most MAX_MADE (a program holding more: the oldest are forgotten).
    pub made: std::collections::VecDeque<SocketId>,
    /// Each thread's wait in select(), poll() or epoll's poll(): the engine does not see
    /// those.
    pub selecting: super::selecting::Selects,
    /// Called when what the window shows of the session changes (its repaint request).
    pub wake: Option<super::session::Wake>,
}

/// Sockets a session's ledger remembers as made and open, at most.
const MAX_MADE: usize = 4096;

pub struct Link {
    engine: Engine,
    calls: Calls,
    /// Where answers nobody waits for any more go (to be closed): the orphan thread.
    orphans: Sender<Event>,
    /// Connections accept() answered, by descriptor, until socket.py wraps each in a
    /// socket object (`socket(family, type, proto, fileno=fd)`).
    accepted: Mutex<HashMap<i32, SocketId>>,
    /// Whether the sockets made are kept in the ledger: a session's of its own (the
    /// window's consoles), not the program's engine, which every session without one of
    /// its own shares and whose sockets close with the process.
    ledger: bool,
    /// The session is ending (its sockets are being closed): no more are made.
    ending: std::sync::atomic::AtomicBool,
}

static LINK: OnceLock<Arc<Link>> = OnceLock::new();

/// The engine: the one `install` gave, or else one of the program's own, started by its
/// first socket.
pub fn link() -> &'static Arc<Link> {
    LINK.get_or_init(|| {
        // Nothing reads this engine's event channel: a program reads what its calls
        // answer (taps), and its events are dropped as they are sent.
        let (engine, _events) = Engine::start(
            EngineConfig {
                inspect: false,
                deliver_data: false,
                ..EngineConfig::default()
            },
            || {},
        );
        Link::new(engine, Calls::default(), false)
    })
}

/// The links of interpreters whose sockets are on an engine of their own choosing (the
/// window's console: the window's engine), by interpreter.
static ATTACHED: OnceLock<Mutex<HashMap<usize, Arc<Link>>>> = OnceLock::new();

fn attached() -> &'static Mutex<HashMap<usize, Arc<Link>>> {
    ATTACHED.get_or_init(|| Mutex::new(HashMap::new()))
}

/// One interpreter (with all its threads): the address of its shared state.
fn key(vm: &VirtualMachine) -> usize {
    std::sync::Arc::as_ptr(&vm.state) as *const () as usize
}

/// The link of the interpreter running this code: the engine it was attached to, or the
/// program's own.
pub fn of(vm: &VirtualMachine) -> Arc<Link> {
    lock(attached())
        .get(&key(vm))
        .cloned()
        .unwrap_or_else(|| link().clone())
}

/// Puts this interpreter's sockets on `engine` (the window's), before any of its Python
/// runs.
pub fn attach(vm: &VirtualMachine, engine: Engine, calls: Calls) {
    lock(attached()).insert(key(vm), Link::new(engine, calls, true));
}

/// The interpreter is ending: its link goes.
pub fn detach(vm: &VirtualMachine) {
    lock(attached()).remove(&key(vm));
}

impl Link {
    fn new(engine: Engine, calls: Calls, ledger: bool) -> Arc<Link> {
        let (orphans, orphaned) = crossbeam_channel::bounded(MAX_ORPHANS);
        let closer = engine.clone();
        let link = Arc::new(Link {
            engine,
            calls,
            orphans,
            accepted: Mutex::new(HashMap::new()),
            ledger,
            ending: std::sync::atomic::AtomicBool::new(false),
        });
        // Ends once the link and every orphaned request's tap are gone.
        let started = std::thread::Builder::new()
            .name("python-orphans".into())
            .spawn(move || close_orphans(&closer, orphaned));
        if let Err(e) = started {
            eprintln!(
                "socklab: cannot start the thread that closes interrupted calls' sockets: {e}"
            );
        }
        link
    }

    /// Changes the session's record of its select() waits (a window's session only), and
    /// tells the window when `change` says what it shows changed.
    fn selects(&self, change: impl FnOnce(&mut super::selecting::Selects) -> bool) {
        if self.ledger {
            let mut ledger = lock(&self.calls);
            if change(&mut ledger.selecting) {
                super::selecting::tell(&ledger.wake);
            }
        }
    }

    /// Whether the program's waits are told to a window (a session of the window's).
    pub fn tells(&self) -> bool {
        self.ledger
    }

    /// This thread waits in select(), poll() or epoll's poll() (`call`) for descriptors:
    /// told to the window's console, whose statement shows what it waits for.
    pub fn select_begins(&self, call: &str, read: Vec<i32>, write: Vec<i32>) {
        self.selects(|s| s.begins(call, read, write));
    }

    /// This thread's select() returned, with something `ready` or not.
    pub fn select_ends(&self, ready: bool) {
        let calls = Arc::downgrade(&self.calls);
        self.selects(|s| {
            let told = s.ends(ready);
            if !ready {
                s.watch(calls);
            }
            told
        });
    }

    /// Whatever wait this thread was said to be in is over (its statement ended).
    pub fn select_forget_thread(&self) {
        self.selects(super::selecting::Selects::forget_thread);
    }

    /// A new request whose answers come to the receiver only.
    fn register(&self) -> (ReqId, Receiver<Event>) {
        let req = self.engine.next_req();
        // At most three events: Created, Waiting (a call waits once), then Done for
        // create_connection; room for one more.
        let (tx, rx) = crossbeam_channel::bounded(4);
        self.engine.tap(req, tx);
        lock(&self.calls).waiting.insert(req);
        (req, rx)
    }

    /// The call is answered: its tap is removed.
    fn forget(&self, req: ReqId) {
        lock(&self.calls).waiting.remove(&req);
        self.engine.untap(req);
    }

    /// The call gave up waiting: its answers, whenever they come, are closed.
    fn orphan(&self, req: ReqId) {
        lock(&self.calls).waiting.remove(&req);
        self.engine.tap(req, self.orphans.clone());
    }

    /// The descriptor of one of the engine's sockets.
    pub fn fd_of(&self, id: SocketId) -> Option<i32> {
        self.engine.fd_of(id)
    }

    /// The program made this socket (socket(), accept()).
    pub fn made(&self, id: SocketId) {
        if !self.ledger {
            return;
        }
        let mut ledger = lock(&self.calls);
        if ledger.made.len() >= MAX_MADE {
            // Those Python closed while a call held them, and which have closed since.
            ledger.made.retain(|m| self.engine.fd_of(*m).is_some());
        }
        if ledger.made.len() >= MAX_MADE {
            ledger.made.pop_front();
        }
        ledger.made.push_back(id);
    }

    /// The program closes this socket (close(), or its object is dropped). One that
    /// close() leaves held by a call in another thread (Op::Release) stays listed while
    /// the engine has it: it is still open, and the session's end closes it.
    fn closing(&self, id: SocketId, op: &Op) {
        if self.ledger && matches!(op, Op::Close) {
            lock(&self.calls).made.retain(|m| *m != id);
        }
    }

    /// The sockets the program made and has not closed, oldest first.
    pub fn made_now(&self) -> Vec<SocketId> {
        let made = lock(&self.calls).made.clone();
        made.into_iter()
            .filter(|id| self.engine.fd_of(*id).is_some())
            .collect()
    }

    /// The session ends: what its program made and never closed closes now, each answered
    /// before the next (the next session may bind the same ports), as a process's sockets
    /// close with it. Sockets already gone (closed from the window) are left alone.
    pub fn close_made(&self) {
        // (The program's own engine, which sessions without one share, keeps no list: its
        // sockets close with the process.)
        if !self.ledger {
            return;
        }
        // A thread still running makes no socket after the list is taken.
        self.ending.store(true, std::sync::atomic::Ordering::SeqCst);
        let made = std::mem::take(&mut lock(&self.calls).made);
        for id in made {
            if self.fd_of(id).is_some() {
                let _ = self.call(id, Op::Close, &mut || Ok::<(), ()>(()));
            }
        }
    }

    /// An accepted connection waits for its socket object.
    pub fn hold_accepted(&self, fd: i32, id: SocketId) {
        lock(&self.accepted).insert(fd, id);
    }

    /// The accepted connection with this descriptor, if one waits for its object.
    pub fn take_accepted(&self, fd: i32) -> Option<SocketId> {
        lock(&self.accepted).remove(&fd)
    }

    /// Runs `op` and waits for its answer, asking `interrupted` between waits: its error
    /// (a signal's KeyboardInterrupt) ends the call in the engine too (Op::Interrupt), so
    /// nothing is received or accepted for nobody.
    pub fn call<E>(
        &self,
        id: SocketId,
        op: Op,
        interrupted: &mut dyn FnMut() -> Result<(), E>,
    ) -> Result<Result<Reply, OpError>, E> {
        let name = op.name();
        self.closing(id, &op);
        let (req, rx) = self.register();
        self.engine.send(id, req, op);
        let answer = |ev| match ev {
            Event::Done { reply, .. } => Some(Ok(reply)),
            Event::Failed { error, .. } => Some(Err(error)),
            _ => None,
        };
        let res = match wait(&rx, interrupted, answer) {
            Ok(res) => res,
            Err(e) => {
                // Ctrl+C: the engine ends the waiting call without receiving or accepting
                // anything (Op::Interrupt), as CPython's interrupted system call does.
                self.send(id, Op::Interrupt { call: req });
                let until = std::time::Instant::now() + INTERRUPT_GRACE;
                let mut answered = false;
                while let Ok(ev) = rx.recv_deadline(until) {
                    if let Some(done) = answer(ev) {
                        // It had finished first: what it accepted has no object now.
                        if let Ok(Reply::Accepted { conn, .. }) = done {
                            self.send(conn, Op::Close);
                        }
                        answered = true;
                        break;
                    }
                }
                if answered {
                    self.forget(req);
                } else {
                    self.orphan(req);
                }
                return Err(e);
            }
        };
        self.forget(req);
        Ok(res.unwrap_or_else(|| Err(gone(name))))
    }

    /// Sends `op` without waiting (a close as the object is dropped).
    pub fn send(&self, id: SocketId, op: Op) {
        self.closing(id, &op);
        let req = self.engine.next_req();
        self.engine.send(id, req, op);
    }

    /// Creates a socket (a new one, or one adopted by descriptor): its id and descriptor.
    pub fn create<E>(
        &self,
        how: Create,
        interrupted: &mut dyn FnMut() -> Result<(), E>,
    ) -> Result<Result<(SocketId, i32), OpError>, E> {
        if self.ending.load(std::sync::atomic::Ordering::SeqCst) {
            return Ok(Err(gone("socket")));
        }
        let (req, rx) = self.register();
        self.engine.create(req, how);
        let res = wait(&rx, interrupted, |ev| match ev {
            Event::Created { info, .. } => Some(Ok((info.id, info.fd))),
            Event::Failed { error, .. } => Some(Err(error)),
            _ => None,
        });
        match res {
            Ok(done) => {
                self.forget(req);
                if let Some(Ok((id, _))) = &done {
                    self.made(*id);
                }
                Ok(done.unwrap_or_else(|| Err(gone("socket"))))
            }
            Err(e) => {
                self.orphan(req);
                Err(e)
            }
        }
    }
}

/// Answers nobody waits for any more (their calls were interrupted): what they made
/// is closed, since no Python object will ever hold it.
fn close_orphans(engine: &Engine, orphaned: Receiver<Event>) {
    for ev in orphaned {
        match ev {
            Event::Created { info, .. } => engine.send(info.id, engine.next_req(), Op::Close),
            Event::Done {
                req,
                reply: Reply::Accepted { conn, .. },
                ..
            } => {
                engine.send(conn, engine.next_req(), Op::Close);
                engine.untap(req);
            }
            Event::Done { req, .. } => engine.untap(req),
            Event::Failed { req: Some(req), .. } => engine.untap(req),
            _ => {}
        }
    }
}

/// The first event `answer` maps; None once the engine is gone.
fn wait<T, E>(
    rx: &Receiver<Event>,
    interrupted: &mut dyn FnMut() -> Result<(), E>,
    mut answer: impl FnMut(Event) -> Option<T>,
) -> Result<Option<T>, E> {
    // Most calls are answered within tens of microseconds: the answer is waited for awake
    // that long (once per call), so the program's next statement runs without a thread's
    // wake-up in between, as CPython's would right after its system call. A call the
    // worker says will wait (Waiting) is waited for asleep at once.
    // With one CPU the worker could not answer while this thread waits awake.
    static CPUS: OnceLock<usize> = OnceLock::new();
    let cpus = *CPUS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let until = std::time::Instant::now()
        + if cpus > 1 {
            ANSWER_SPIN
        } else {
            Duration::ZERO
        };
    while std::time::Instant::now() < until {
        match rx.try_recv() {
            Ok(ev) => {
                let waits = matches!(ev, Event::Waiting { .. });
                if let Some(a) = answer(ev) {
                    return Ok(Some(a));
                }
                if waits {
                    break;
                }
            }
            Err(crossbeam_channel::TryRecvError::Empty) => std::hint::spin_loop(),
            Err(crossbeam_channel::TryRecvError::Disconnected) => return Ok(None),
        }
    }
    loop {
        match rx.recv_timeout(SIGNAL_CHECK) {
            Ok(ev) => {
                if let Some(a) = answer(ev) {
                    return Ok(Some(a));
                }
            }
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => interrupted()?,
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return Ok(None),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn gone(op: &'static str) -> OpError {
    OpError::python(op, "OSError", "the socket engine stopped")
}
