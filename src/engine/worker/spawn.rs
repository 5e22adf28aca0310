//! How a socket gets a worker: registered with the engine (an id, a name, a command
//! channel, a wake), then run on a pool thread (a socket made by a command) or handed to
//! the reactor (a connection a listener accepted).

use super::*;

pub(crate) fn spawn(shared: &Arc<Shared>, req: ReqId, how: Create) {
    let op = match how {
        Create::New { .. } => "socket",
        Create::Connection { .. } => "create_connection",
        Create::Adopt { .. } => "socket",
    };
    let Some(reg) = register(shared, false, op, req) else {
        return;
    };
    let (id, name) = (reg.id, reg.name.clone());
    let sh = shared.clone();
    let thread = shared.pool.run(format!("sock-{name}"), move || {
        let start = Instant::now();
        let wake = reg.wake.clone();
        let commands = reg.rx.clone();
        let registry = sh.clone();
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
            } => create_connection(
                &wake,
                &commands,
                &host,
                port,
                timeout,
                source,
                (&registry, id),
            ),
            Create::Adopt { fd } => claim(&registry, id, fd)
                .and_then(|()| crate::sys::adopt_socket_fd(fd))
                .map(|(owned, what)| {
                    (
                        Socket::from(owned),
                        Family::from_raw(what.domain),
                        Kind::from_raw(what.kind),
                        what.protocol,
                        Timeout::Blocking,
                    )
                })
                .map_err(|e| OpError::from_io("socket", None, &e)),
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
                // In the registry before anyone hears of it: Engine::fd_of answers at once.
                publish_fd(&sh, id, sock.as_raw_fd());
                sh.emit(Event::Created {
                    info,
                    req: Some(req),
                    // create_connection's socket came to exist before its handshake.
                    at: if op == "create_connection" {
                        start
                    } else {
                        Instant::now()
                    },
                    elapsed: start.elapsed(),
                });
                // An adopted socket is in whatever state its kernel socket is.
                let state = if sock.is_listener().unwrap_or(false) {
                    SockState::Listening
                } else if sock.peer_addr().is_ok() {
                    SockState::Connected
                } else {
                    SockState::Created
                };
                let mut w = reg.worker(&sh, sock, family, kind, timeout);
                w.state = state;
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
                    at: Instant::now(),
                    args: None,
                });
            }
        }
    });
    attach(shared, id, thread, op, req);
}

/// Starts a worker for a connection a listener accepted; emits its Created event before
/// returning, so it always precedes the listener's answer.
pub(super) fn spawn_accepted(
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
    publish_fd(shared, id, sock.as_raw_fd());
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
        at: Instant::now(),
        elapsed: Duration::ZERO,
    });
    let mut w = reg.worker(shared, sock, family, kind, Timeout::Blocking);
    w.state = SockState::Connected;
    w.had_peer = Some(peer.clone());
    w.serving.parent = Some(inherit.parent);
    if auto_receive {
        w.auto.auto_recv = Some(ACCEPTED_RECV);
    }
    if let Some(side) = &inherit.tls {
        // The handshake is the connection's own: its worker answers it as records come.
        match crate::engine::tls::Layer::server(side, "accept") {
            Ok(layer) => w.tls = Some(Box::new(layer)),
            Err(e) => w.report(e),
        }
    }
    if inherit.responder.is_some() {
        w.attach_responder(inherit.responder, Some(peer));
        w.greet = true;
    }
    // Nothing commands a new connection yet: it starts in the reactor, without a thread
    // (a TLS one keeps a thread: its session lives beside the socket).
    let adopted = if w.tls.is_some() {
        Err(Box::new(w))
    } else {
        reactor::adopt(shared, Box::new(w))
    };
    let thread = match adopted {
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

/// The socket's descriptor in its registry entry (kept there until it closes).
fn publish_fd(shared: &Arc<Shared>, id: SocketId, fd: i32) {
    if let Some(h) = lock(&shared.workers).get(&id) {
        h.fd.store(fd, Ordering::Release);
    }
}

/// A socket entered in the registry, its worker not yet made.
pub(super) struct Registered {
    pub(super) id: SocketId,
    pub(super) name: String,
    pub(super) wake: Arc<Wake>,
    pub(super) rx: Receiver<Command>,
    /// Dropped with the worker, telling shutdown it ended.
    pub(super) done: crossbeam_channel::Sender<()>,
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

pub(super) fn register(
    shared: &Arc<Shared>,
    accepted: bool,
    op: &'static str,
    req: ReqId,
) -> Option<Registered> {
    let fail = |errno: i32| {
        if !accepted {
            shared.emit(Event::Failed {
                id: None,
                req: Some(req),
                error: OpError::os(op, None, errno),
                elapsed: Duration::ZERO,
                at: Instant::now(),
                args: None,
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
    let (tx, rx) = crossbeam_channel::unbounded();
    let (done_tx, done) = crossbeam_channel::bounded(0);
    let mut workers = lock(&shared.workers);
    let name = shared.name_for(accepted, &workers);
    workers.insert(
        id,
        WorkerHandle {
            tx,
            wake: wake.clone(),
            done,
            name: name.clone(),
            fd: std::sync::atomic::AtomicI32::new(-1),
            bound: None,
        },
    );
    drop(workers);
    Some(Registered {
        id,
        name,
        wake,
        rx,
        done: done_tx,
    })
}

pub(super) fn attach(
    shared: &Arc<Shared>,
    id: SocketId,
    thread: io::Result<()>,
    op: &'static str,
    req: ReqId,
) {
    match thread {
        Ok(()) => {}
        Err(e) => {
            unregister(shared, id);
            shared.emit(Event::Failed {
                id: Some(id),
                req: Some(req),
                error: OpError::from_io(op, None, &e),
                elapsed: Duration::ZERO,
                at: Instant::now(),
                args: None,
            });
        }
    }
}

/// Claims descriptor `fd` for socket `id` in the registry, under its lock: refused (EBUSY)
/// while another of the engine's sockets holds that number, so no descriptor of the
/// engine's is ever adopted, and two adoptions of one number cannot both succeed.
fn claim(shared: &Shared, id: SocketId, fd: i32) -> std::io::Result<()> {
    let workers = lock(&shared.workers);
    let held = workers
        .iter()
        .any(|(other, h)| *other != id && h.fd.load(Ordering::Acquire) == fd);
    if held {
        return Err(std::io::Error::from_raw_os_error(libc::EBUSY));
    }
    if let Some(h) = workers.get(&id) {
        h.fd.store(fd, Ordering::Release);
    }
    Ok(())
}

pub(super) fn unregister(shared: &Shared, id: SocketId) {
    if lock(&shared.workers).remove(&id).is_some() {
        shared.live.fetch_sub(1, Ordering::AcqRel);
    }
}
