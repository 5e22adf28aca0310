//! Commands: each one run and answered, and the failures nobody asked for reported.

use super::*;

impl Worker {
    /// A failure no request waits for (a continuous mode's, a recording's).
    pub(super) fn report(&mut self, error: OpError) {
        self.unasked(Event::Failed {
            id: Some(self.id),
            req: None,
            error,
            elapsed: Duration::ZERO,
            at: Instant::now(),
            args: None,
        });
    }

    /// Sends an event nobody asked for (a report, a responder's note). While the consumer
    /// has EVENT_BACKLOG events still to read, they are counted instead, and the count is
    /// said once it catches up: a flood that makes one per message never grows the queue.
    pub(super) fn unasked(&mut self, ev: Event) {
        if self.shared.events.len() >= self.shared.config.event_backlog {
            self.delivery.unsaid += 1;
            return;
        }
        if self.delivery.unsaid > 0 {
            let n = std::mem::take(&mut self.delivery.unsaid);
            self.shared.emit(Event::Note {
                id: self.id,
                note: Note::LeftOut { n },
            });
        }
        self.shared.emit(ev);
    }

    pub(super) fn reply(&mut self, req: ReqId, op: &'static str, start: Instant, result: OpResult) {
        let args = self
            .shown_args
            .iter()
            .position(|(r, _)| *r == req)
            .and_then(|i| self.shown_args.remove(i))
            .map(|(_, a)| a);
        if self.crash.failed.contains(&req) {
            return;
        }
        emit_result(&self.shared, self.id, req, op, start, result, args);
    }

    pub(super) fn handle(&mut self, cmd: Command) {
        let start = Instant::now();
        let op_name = cmd.op.name();
        if let Some((with_req, with_op)) = self.busy_with() {
            if !matches!(cmd.op, Op::Inspect { .. } | Op::Interrupt { .. }) && with_req != cmd.req {
                self.shared.emit(Event::Overlap {
                    id: self.id,
                    req: cmd.req,
                    op: op_name,
                    with_req,
                    with_op,
                });
            }
        }
        let instant = cmd.op.is_instant();
        self.keep_args(cmd.req, &cmd.op);
        match cmd.op {
            Op::Close | Op::Release => {
                self.closing.get_or_insert(cmd.req);
            }
            Op::Interrupt { call } => {
                self.interrupt(call);
                self.reply(cmd.req, op_name, start, Ok(Reply::Unit));
            }
            Op::Rename { name } => {
                self.rename(name);
                self.reply(cmd.req, op_name, start, Ok(Reply::Unit));
            }
            Op::StartSending { job } => {
                // Answered when the job ends, unless it cannot start.
                match self.start_job(cmd.req, job) {
                    Ok(()) => self.job_step(),
                    Err(e) => self.reply(cmd.req, op_name, start, Err(e)),
                }
            }
            // Answered when every byte the call must send is taken (outbox.rs).
            Op::Send { data, flags } => {
                self.post_send(cmd.req, op_name, data, flags, None, false, start)
            }
            Op::SendAll { data, flags } => {
                self.post_send(cmd.req, op_name, data, flags, None, true, start)
            }
            Op::SendTo { data, flags, addr } => match addr.resolve(self.family, op_name) {
                Ok(sa) => {
                    let to = Some((sa, addr.to_string()));
                    self.post_send(cmd.req, op_name, data, flags, to, false, start)
                }
                Err(e) => self.reply(cmd.req, op_name, start, Err(e)),
            },
            op => {
                let result = self.execute(cmd.req, op);
                let waited = self.blocked.is_some_and(|(r, _)| r == cmd.req);
                if waited {
                    self.blocked = None;
                }
                self.answer_call(cmd.req, op_name, start, result, instant);
                // The call that held a socket Python had closed has ended: so does the
                // socket (its close was answered when it was asked). Not a call that ran
                // beside it (an option, an inspection).
                if self.released && waited {
                    self.closing.get_or_insert(ReqId(0));
                }
            }
        }
    }

    /// Keeps the arguments of request `req` for its answer (Op::shown_args).
    fn keep_args(&mut self, req: ReqId, op: &Op) {
        if let Some(args) = op.shown_args() {
            if self.shown_args.len() >= SHOWN_ARGS {
                self.shown_args.pop_front();
            }
            self.shown_args.push_back((req, args.into()));
        }
    }

    /// The socket's new name, for the threads it runs on from now (the registry and the
    /// front ends were told when it was asked: Engine::send).
    fn rename(&mut self, name: String) {
        self.name = name;
    }

    /// Ends call `call` as Ctrl+C would (Op::Interrupt): a queued one is answered now, a
    /// waiting one when its wait sees the mark; one that has ended is left alone.
    fn interrupt(&mut self, call: ReqId) {
        if let Some(pos) = self.queue.iter().position(|c| c.req == call) {
            if let Some(cmd) = self.queue.remove(pos) {
                let op = cmd.op.name();
                self.keep_args(call, &cmd.op);
                self.reply(call, op, Instant::now(), Err(OpError::interrupted(op)));
            }
        } else if self.blocked.is_some_and(|(r, _)| r == call) {
            self.interrupted = Some(call);
        }
    }

    /// Answers a call that ended; a reset or broken pipe marks the socket failed, and
    /// after a call that could change them, the options and state are read again.
    pub(super) fn answer_call(
        &mut self,
        req: ReqId,
        op: &'static str,
        start: Instant,
        result: OpResult,
        instant: bool,
    ) {
        // What a shutdown ended must reach the window before any later answer: the b'' a
        // recv then gets is told as its own doing by it. (Only when it changed: twice per
        // socket at most, whatever a loop of shutdowns asks.)
        let shut = op == "shutdown"
            && result.is_ok()
            && self.view.last_snapshot.as_ref().map(|s| s.shut) != Some(self.shut);
        let failed = result.as_ref().is_err_and(|e| {
            matches!(
                e.kind,
                ErrorKind::Os {
                    errno: libc::ECONNRESET | libc::EPIPE
                }
            )
        });
        self.reply(req, op, start, result);
        // After the answer: the call raised, then its socket failed (the diagram and the
        // timeline tell them in the order they are stamped).
        if failed {
            self.set_state(SockState::Error, Cause::Call { op });
        }
        if !instant {
            self.refresh_options();
            if shut {
                self.publish_now();
            } else {
                self.publish_after_call();
            }
        }
    }

    /// The call that waits now on this socket, if one does: a blocked recv, accept or
    /// connect, or else a send waiting for room.
    pub(super) fn busy_with(&self) -> Option<(ReqId, &'static str)> {
        self.blocked.or_else(|| self.outbox.waiting())
    }

    pub(super) fn execute(&mut self, req: ReqId, op: Op) -> OpResult {
        let name = op.name();
        match op {
            Op::Bind { addr } => {
                let sa = addr.resolve(self.family, name)?;
                self.sock.bind(&sa).map_err(|e| {
                    let mut err = OpError::from_io(name, Some(addr.to_string()), &e);
                    if err.errno() == Some(libc::EADDRINUSE) {
                        err.holder = self.address_holder(&sa).map(Box::new);
                    }
                    err
                })?;
                self.port_named = sa.as_socket().is_some_and(|a| a.port() != 0);
                if self.state == SockState::Created {
                    self.set_state(SockState::Bound, Cause::Call { op: name });
                }
                Ok(Reply::Unit)
            }
            Op::Listen { backlog } => {
                self.sock
                    .listen(backlog.max(0))
                    .map_err(|e| OpError::from_io(name, self.local_shown(), &e))?;
                self.set_state(SockState::Listening, Cause::Call { op: name });
                Ok(Reply::Unit)
            }
            Op::Accept => {
                if self.auto.auto_accept.is_some() {
                    return Err(OpError::refused(name, Refusal::AutoAccepting));
                }
                self.accept(req, false)
            }
            Op::Connect { addr } => self.connect(req, &addr, false),
            Op::ConnectEx { addr } => self.connect(req, &addr, true),
            Op::Send { .. } | Op::SendAll { .. } | Op::SendTo { .. } => Err(OpError::python(
                name,
                "OSError",
                "sends go through the outbox",
            )),
            Op::Recv { bufsize, flags } => self.recv(req, name, bufsize, flags, false),
            Op::RecvFrom { bufsize, flags } => self.recv(req, name, bufsize, flags, true),
            Op::RecvInto { nbytes, flags } => self.recv(req, name, nbytes, flags, false),
            Op::RecvFromInto { nbytes, flags } => self.recv(req, name, nbytes, flags, true),
            Op::Shutdown { how } => {
                let (h, cause) = match how {
                    How::Read => (std::net::Shutdown::Read, "shutdown(SHUT_RD)"),
                    How::Write => (std::net::Shutdown::Write, "shutdown(SHUT_WR)"),
                    How::Both => (std::net::Shutdown::Both, "shutdown(SHUT_RDWR)"),
                };
                if how != How::Read {
                    self.tls_drain();
                }
                let done = self.sock.shutdown(h);
                // Linux shuts an unconnected IP datagram socket too, though it answers
                // ENOTCONN: its recv then returns b'' as after a shutdown that worked.
                let shut_anyway = done.as_ref().is_err_and(|e| {
                    e.raw_os_error() == Some(libc::ENOTCONN)
                        && self.kind == Kind::Dgram
                        && matches!(self.family, Family::Inet | Family::Inet6)
                });
                // A TCP listener has nothing to send: SHUT_WR leaves it listening as it was;
                // SHUT_RD stops it (Linux disconnects it, resetting its queue, and clears its
                // shutdown) and it may listen() again, on its port if the bind named one
                // (a port the kernel picked is given back). Neither is half of a connection.
                // A Unix listener stays listening (after SHUT_RD refusing new connects).
                let tcp = matches!(self.family, Family::Inet | Family::Inet6)
                    && self.kind == Kind::Stream;
                let tcp_listener = tcp && self.state == SockState::Listening;
                // A connect still in SYN_SENT is aborted by a shutdown (Linux disconnects
                // it): the socket is as before the connect, with no shutdown kept.
                let aborts = tcp
                    && self.state == SockState::Connecting
                    && self
                        .tcp_info()
                        .is_some_and(|t| t.state == inspect::TcpState::Close);
                if (done.is_ok() || shut_anyway) && !tcp_listener && !aborts {
                    self.shut.write |= how != How::Read;
                    self.shut.read |= how != How::Write;
                }
                done.map_err(|e| OpError::from_io(name, None, &e))?;
                let to = match (self.state, how) {
                    _ if aborts => Some(self.before_connect),
                    (SockState::Listening, How::Read | How::Both) if tcp_listener => {
                        Some(if self.port_named {
                            SockState::Bound
                        } else {
                            SockState::Created
                        })
                    }
                    (SockState::Listening, _) => None,
                    _ => Some(SockState::HalfClosed),
                };
                if let Some(to) = to {
                    self.set_state(to, Cause::Call { op: cause });
                }
                Ok(Reply::Unit)
            }
            Op::Close | Op::Release => Ok(Reply::Unit),
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
            Op::SetTimeout { timeout } => self.set_timeout(name, timeout),
            Op::SetBlocking { blocking } => self.set_timeout(
                name,
                if blocking {
                    Timeout::Blocking
                } else {
                    Timeout::NonBlocking
                },
            ),
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
                    return Err(OpError::refused(name, Refusal::ListenerHasNoData));
                }
                self.auto.auto_recv = on.then_some(bufsize.clamp(1, MAX_RECV));
                self.auto.eof = false;
                Ok(Reply::Unit)
            }
            Op::AutoAccept { on, receive } => {
                if on && self.state != SockState::Listening {
                    return Err(OpError::os(name, None, libc::EINVAL));
                }
                self.auto.auto_accept = on.then_some(receive);
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
            Op::StartTls { spec } => self.start_tls(req, spec),
            // Handled before execute (handle); never waits.
            Op::Interrupt { .. } | Op::Rename { .. } => Ok(Reply::Unit),
            Op::Inspect { so_error } => {
                self.refresh_options();
                if so_error {
                    if let Some(spec) = options::find("SO_ERROR") {
                        self.view.options.push(options::read(self.fd(), spec));
                    }
                }
                self.publish(true);
                Ok(Reply::Unit)
            }
        }
    }

    /// A datagram socket nobody bound is bound by the kernel at its first send or sendto
    /// (even one that fails): it has a port now, so it is no longer "created".
    pub(super) fn see_kernel_bind(&mut self) {
        let bound = match self.sock.local_addr().map(|a| Endpoint::from_sockaddr(&a)) {
            Ok(Endpoint::V4(a)) => a.port() != 0,
            Ok(Endpoint::V6(a)) => a.port() != 0,
            Ok(Endpoint::Unix(p)) => !p.is_empty(),
            _ => false,
        };
        if bound {
            self.set_state(SockState::Bound, Cause::KernelBound);
        }
    }

    pub(super) fn local_shown(&self) -> Option<String> {
        self.sock
            .local_addr()
            .ok()
            .map(|a| Endpoint::from_sockaddr(&a).to_string())
    }
}

impl Worker {
    /// What holds an address this socket could not bind (EADDRINUSE).
    fn address_holder(&self, sa: &SockAddr) -> Option<crate::engine::errors::Holder> {
        use crate::engine::errors::Holder;
        // (A Unix path's holder is not said: closing it leaves its file, which still
        // stops the bind.)
        let at = sa.as_socket()?;
        let wanted = crate::engine::addr::Endpoint::from_sockaddr(sa);
        let ours =
            || crate::engine::holder::bound_only(&self.shared, &wanted, self.kind, self.id, false);
        if self.kind != Kind::Stream {
            // The kernel's table lists TCP only.
            return Some(ours().unwrap_or(Holder::Unseen));
        }
        let reuse = options::getsockopt_int(self.fd(), libc::SOL_SOCKET, libc::SO_REUSEADDR)
            .is_ok_and(|v| v != 0);
        Some(
            match crate::engine::holder::who_holds(&self.shared, at, reuse) {
                Holder::Unseen => ours().unwrap_or(Holder::Unseen),
                seen => seen,
            },
        )
    }
}

impl Worker {
    /// Moves the socket to `to` and says so, with what caused it (an operation's name, or
    /// what happened on the wire).
    pub(super) fn set_state(&mut self, to: SockState, cause: Cause) {
        self.set_state_since(to, cause, Instant::now());
    }

    /// set_state for a change that began at `at` (a connect's SYN went when the call
    /// began, before the socket could be seen connecting).
    pub(super) fn set_state_since(&mut self, to: SockState, cause: Cause, at: Instant) {
        if self.state == to {
            return;
        }
        let kernel = self.tcp_info().map(|t| t.state);
        self.set_state_seen_at(to, cause, kernel, at);
    }

    /// set_state with the kernel's TCP state already read (a snapshot just read it).
    pub(super) fn set_state_seen(&mut self, to: SockState, cause: Cause, kernel: Option<TcpState>) {
        self.set_state_seen_at(to, cause, kernel, Instant::now());
    }

    fn set_state_seen_at(
        &mut self,
        to: SockState,
        cause: Cause,
        kernel: Option<TcpState>,
        at: Instant,
    ) {
        if self.state == to {
            return;
        }
        let from = std::mem::replace(&mut self.state, to);
        if to == SockState::Bound || from == SockState::Bound {
            let bound = (to == SockState::Bound)
                .then(|| self.sock.local_addr().ok())
                .flatten()
                .map(|a| (crate::engine::addr::Endpoint::from_sockaddr(&a), self.kind));
            if let Some(h) = crate::engine::lock(&self.shared.workers).get_mut(&self.id) {
                h.bound = bound;
            }
        }
        self.shared.emit(Event::State {
            id: self.id,
            from,
            to,
            cause,
            kernel,
            at,
        });
    }
}

impl Worker {
    /// settimeout() and setblocking(): the timeout, and O_NONBLOCK as CPython keeps it (set
    /// for any timeout other than None).
    fn set_timeout(&mut self, name: &'static str, timeout: Timeout) -> OpResult {
        let timeout = timeout
            .check()
            .map_err(|(class, msg)| OpError::python(name, class, msg))?;
        self.sock
            .set_nonblocking(timeout != Timeout::Blocking)
            .map_err(|e| OpError::from_io(name, None, &e))?;
        self.timeout = timeout;
        Ok(Reply::Unit)
    }
}
