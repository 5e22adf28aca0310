//! The program's one engine, shared by all its Python threads: each call registers for its
//! own answer before it is sent, and one thread hands every answer to the call waiting for
//! it, so a thread blocked in accept() never holds up another's send().

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use crate::engine::{Create, Engine, EngineConfig, Event, Op, OpError, Reply, ReqId, SocketId};

/// How often a waiting call looks for a signal (Ctrl+C as KeyboardInterrupt).
pub const SIGNAL_CHECK: Duration = Duration::from_millis(100);
/// How long an interrupted call's answer is awaited (it comes at once; a stuck worker
/// must not hold the KeyboardInterrupt).
const INTERRUPT_GRACE: Duration = Duration::from_secs(2);

pub struct Link {
    engine: Engine,
    waiting: Mutex<HashMap<ReqId, Sender<Event>>>,
    /// The descriptor of each of the engine's sockets (from its Created event).
    fds: Mutex<HashMap<SocketId, i32>>,
    /// Connections accept() answered, by descriptor, until socket.py wraps each in a
    /// socket object (`socket(family, type, proto, fileno=fd)`).
    accepted: Mutex<HashMap<i32, SocketId>>,
}

static LINK: OnceLock<Arc<Link>> = OnceLock::new();

/// The engine, started by the program's first socket.
pub fn link() -> &'static Arc<Link> {
    LINK.get_or_init(|| {
        let (engine, events) = Engine::start(
            EngineConfig {
                inspect: false,
                // A program reads what its calls answer; nothing reads traffic as events.
                deliver_data: false,
                ..EngineConfig::default()
            },
            || {},
        );
        let link = Arc::new(Link {
            engine,
            waiting: Mutex::new(HashMap::new()),
            fds: Mutex::new(HashMap::new()),
            accepted: Mutex::new(HashMap::new()),
        });
        let router = link.clone();
        let started = std::thread::Builder::new()
            .name("python-answers".into())
            .spawn(move || router.route(events));
        if let Err(e) = started {
            eprintln!("socklab run: cannot start the engine's answer thread: {e}");
        }
        link
    })
}

impl Link {
    fn route(&self, events: Receiver<Event>) {
        for ev in events {
            match &ev {
                Event::Created { info, .. } => {
                    lock(&self.fds).insert(info.id, info.fd);
                }
                Event::Closed { id } => {
                    lock(&self.fds).remove(id);
                }
                _ => {}
            }
            // Only answers go to the calls (at most two per request: Created, then Done
            // for create_connection); progress and overlap notes are not read here.
            if !matches!(
                ev,
                Event::Created { .. } | Event::Done { .. } | Event::Failed { .. }
            ) {
                continue;
            }
            let Some(req) = ev.req() else { continue };
            let waiter = lock(&self.waiting).get(&req).cloned();
            match waiter {
                Some(tx) => {
                    let _ = tx.try_send(ev);
                }
                None => self.orphan(ev),
            }
        }
    }

    /// An answer nobody waits for any more (its call was interrupted): what it made is
    /// closed, since no Python object will ever hold it.
    fn orphan(&self, ev: Event) {
        match ev {
            Event::Created { info, .. } => self.send(info.id, Op::Close),
            Event::Done {
                reply: Reply::Accepted { conn, .. },
                ..
            } => self.send(conn, Op::Close),
            _ => {}
        }
    }

    fn register(&self) -> (ReqId, Receiver<Event>) {
        let req = self.engine.next_req();
        let (tx, rx) = crossbeam_channel::bounded(2);
        lock(&self.waiting).insert(req, tx);
        (req, rx)
    }

    fn forget(&self, req: ReqId) {
        lock(&self.waiting).remove(&req);
    }

    /// The descriptor of one of the engine's sockets.
    pub fn fd_of(&self, id: SocketId) -> Option<i32> {
        lock(&self.fds).get(&id).copied()
    }

    /// An accepted connection waits for its socket object.
    pub fn hold_accepted(&self, fd: i32, id: SocketId) {
        lock(&self.accepted).insert(fd, id);
    }

    /// The accepted connection with this descriptor, if one waits for its object.
    pub fn take_accepted(&self, fd: i32) -> Option<SocketId> {
        lock(&self.accepted).remove(&fd)
    }

    /// The socket is gone: its number may be reused by the kernel.
    pub fn closed(&self, id: SocketId) {
        lock(&self.fds).remove(&id);
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
                while let Ok(ev) = rx.recv_deadline(until) {
                    if let Some(done) = answer(ev) {
                        // It had finished first: what it accepted has no object now.
                        if let Ok(Reply::Accepted { conn, .. }) = done {
                            self.send(conn, Op::Close);
                        }
                        break;
                    }
                }
                self.forget(req);
                return Err(e);
            }
        };
        self.forget(req);
        Ok(res.unwrap_or_else(|| Err(gone(name))))
    }

    /// Sends `op` without waiting (a close as the object is dropped).
    pub fn send(&self, id: SocketId, op: Op) {
        let req = self.engine.next_req();
        self.engine.send(id, req, op);
    }

    /// Creates a socket (a new one, or one adopted by descriptor): its id and descriptor.
    pub fn create<E>(
        &self,
        how: Create,
        interrupted: &mut dyn FnMut() -> Result<(), E>,
    ) -> Result<Result<(SocketId, i32), OpError>, E> {
        let (req, rx) = self.register();
        self.engine.create(req, how);
        let res = wait(&rx, interrupted, |ev| match ev {
            Event::Created { info, .. } => Some(Ok((info.id, info.fd))),
            Event::Failed { error, .. } => Some(Err(error)),
            _ => None,
        });
        self.forget(req);
        Ok(res?.unwrap_or_else(|| Err(gone("socket"))))
    }
}

/// The first event `answer` maps; None once the engine is gone.
fn wait<T, E>(
    rx: &Receiver<Event>,
    interrupted: &mut dyn FnMut() -> Result<(), E>,
    mut answer: impl FnMut(Event) -> Option<T>,
) -> Result<Option<T>, E> {
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
