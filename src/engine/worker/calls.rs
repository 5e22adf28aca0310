//! The calls that may block, with Python's blocking, timeout and non-blocking semantics:
//! accept, connect, send, recv, and the wait they share (which a close interrupts).

use super::*;
use crate::engine::errors::Detail;

/// How often a call with a timeout looks again at a datagram socket or Unix listener whose
/// own SHUT_RD makes poll say readable for ever (a datagram or a queued connection may
/// still be there).
const SHUT_LOOK: Duration = Duration::from_millis(50);

impl Worker {
    pub(super) fn deadline(&self, start: Instant) -> Option<Instant> {
        self.timeout.deadline(start)
    }

    /// One SHUT_LOOK of a timed call on a socket its own SHUT_RD leaves readable for ever:
    /// waits for nothing but the slice (or close), and is the call's TimeoutError once its
    /// deadline has passed.
    fn shut_look(
        &mut self,
        req: ReqId,
        op: &'static str,
        deadline: Option<Instant>,
        announced: &mut bool,
    ) -> Result<(), OpError> {
        self.announce(req, op, deadline, announced);
        let slice = Instant::now() + SHUT_LOOK;
        let until = deadline.map_or(slice, |d| d.min(slice));
        match self.wait(req, op, 0, Some(until), announced, &None) {
            Err(err)
                if matches!(err.kind, ErrorKind::Timeout)
                    && deadline.is_none_or(|d| Instant::now() < d) =>
            {
                Ok(())
            }
            other => other,
        }
    }

    /// Waits until the socket is ready for `events`, the deadline passes, or close arrives.
    /// Meanwhile the calls another Python thread could make at once run (sends, shutdown,
    /// option calls: `Op::runs_beside_a_wait`), the others queue; continuous receive and
    /// waiting sends keep moving, so two peers writing to each other never deadlock.
    pub(super) fn wait(
        &mut self,
        req: ReqId,
        op: &'static str,
        events: i16,
        deadline: Option<Instant>,
        announced: &mut bool,
        addr: &Option<String>,
    ) -> Result<(), OpError> {
        self.announce(req, op, deadline, announced);
        loop {
            if self.closing.is_some() {
                return Err(self.closed_while_waiting(op, addr));
            }
            // As CPython's sock_call_ex: past the deadline, the call times out before the
            // next poll.
            if deadline.is_some_and(|d| Instant::now() >= d) && !self.released {
                return Err(self.timed_out(op, addr));
            }
            let (job_events, ms) = self.job_wait(self.tick_timeout());
            let (out_events, mut ms) = self.outbox.wait_for(ms);
            if let Some(d) = deadline {
                ms = sys::sooner(ms, sys::ms_until(d));
            }
            let extra = if self.polls_input() { libc::POLLIN } else { 0 };
            // Plaintext a TLS session holds is ready without the socket.
            if events & libc::POLLIN != 0 && self.tls_readable() {
                return Ok(());
            }
            let (wake, ready) = if self.rx.is_empty() {
                poll2(
                    self.wake.fd(),
                    self.sock.as_fd(),
                    self.tls_events(events | extra | job_events | out_events),
                    ms,
                )
            } else {
                (1, 0)
            };
            self.tls_flush(ready);
            if wake != 0 {
                self.pull_commands(true);
                if self.closing.is_some() {
                    return Err(self.closed_while_waiting(op, addr));
                }
                if self.interrupted.take() == Some(req) {
                    return Err(OpError::interrupted(op));
                }
            }
            if ready & (libc::POLLIN) != 0 && extra != 0 {
                self.continuous_step();
            }
            self.job_step();
            if self.outbox.due(ready, Instant::now()) {
                self.outbox_step(ready);
                // What waited behind the sends (a shutdown) may go now.
                if self.outbox.is_empty() && !self.queue.is_empty() {
                    self.run_beside();
                }
            }
            // A call with a timeout on a socket Python closed meanwhile: CPython polls the
            // old descriptor, then finds it gone (EBADF) when the poll ends, either way.
            let gone = self.released && deadline.is_some();
            let gone_error =
                || OpError::closed_while_waiting(op, addr.clone()).with_detail(Detail::Released);
            if ready & (events | libc::POLLERR | libc::POLLHUP) != 0 {
                if gone {
                    return Err(gone_error());
                }
                return Ok(());
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                if gone {
                    return Err(gone_error());
                }
                return Err(self.timed_out(op, addr));
            }
            self.tick();
        }
    }

    /// Says once that the call waits (its deadline), and lets the calls that may run
    /// beside it go.
    fn announce(
        &mut self,
        req: ReqId,
        op: &'static str,
        deadline: Option<Instant>,
        announced: &mut bool,
    ) {
        if !*announced {
            *announced = true;
            self.blocked = Some((req, op));
            self.shared.emit(Event::Waiting {
                id: self.id,
                req,
                op,
                deadline,
            });
            self.run_beside();
        }
    }

    /// A wait's timeout; on an unconnected UDP socket that sent and has heard nothing, a
    /// receive's says that waiting longer may not help.
    fn timed_out(&mut self, op: &'static str, addr: &Option<String>) -> OpError {
        let e = OpError::timeout(op, addr.clone());
        let ip = matches!(self.family, Family::Inet | Family::Inet6);
        let silent = self.counters.msgs_out > 0 && self.counters.msgs_in == 0;
        if ip
            && self.kind == Kind::Dgram
            && crate::engine::command::receives(op)
            && silent
            && self.sock.peer_addr().is_err()
            && matches!(self.conn_proto(), 0 | libc::IPPROTO_UDP)
        {
            e.with_detail(Detail::NothingHeard)
        } else if ip
            && self.kind == Kind::Dgram
            && self.state == SockState::Created
            && matches!(self.conn_proto(), 0 | libc::IPPROTO_UDP)
            && crate::engine::command::receives(op)
            && self
                .sock
                .local_addr()
                .ok()
                .and_then(|a| a.as_socket())
                .is_some_and(|a| a.port() == 0)
        {
            e.with_detail(Detail::NoPort)
        } else {
            e
        }
    }

    /// The error of a call whose wait close() ended; its hint depends on whether
    /// shutdown() could have ended it instead (not on a datagram socket with no peer,
    /// where shutdown raises ENOTCONN).
    fn closed_while_waiting(&self, op: &'static str, addr: &Option<String>) -> OpError {
        let e = OpError::closed_while_waiting(op, addr.clone());
        // (A Unix datagram socket's shutdown succeeds with no peer, and ends the wait.)
        let ip = matches!(self.family, Family::Inet | Family::Inet6);
        if ip && self.kind == Kind::Dgram && self.sock.peer_addr().is_err() {
            e.with_detail(Detail::Unconnected)
        } else {
            e
        }
    }

    /// Runs the queued calls that may run beside a wait (see `beside_ok`), leaving the
    /// others queued in their order.
    fn run_beside(&mut self) {
        let mut keep = VecDeque::with_capacity(self.queue.len());
        while let Some(cmd) = self.queue.pop_front() {
            if self.beside_ok(&cmd.op, &keep) {
                self.handle_guarded(cmd);
            } else {
                keep.push_back(cmd);
            }
        }
        keep.append(&mut self.queue);
        self.queue = keep;
    }

    /// Whether `op` may run now, beside the call that waits, with `ahead` still queued
    /// before it. As two threads would: option calls always; sends and shutdown unless
    /// something they must follow is held ahead of them (anything but another recv or
    /// accept), and shutdown not past a send still waiting. Nothing beside a connect but
    /// option calls: its outcome is the socket's pending error, which a send would take.
    /// Nothing once a close came (what follows it meets a closed socket).
    pub(super) fn beside_ok(&self, op: &Op, ahead: &VecDeque<Command>) -> bool {
        if self.closing.is_some() || self.crash.broken {
            return false;
        }
        if op.is_instant() {
            return true;
        }
        if !op.runs_beside_a_wait() || matches!(self.blocked, Some((_, "connect" | "connect_ex"))) {
            return false;
        }
        let must_follow = ahead
            .iter()
            .any(|c| !c.op.is_instant() && !c.op.is_receive() && !matches!(c.op, Op::Accept));
        if must_follow {
            return false;
        }
        !matches!(op, Op::Shutdown { .. }) || self.outbox.is_empty()
    }

    /// With a timeout, CPython waits for the socket to be ready before the call
    /// (sock_call_ex), so a call that could never succeed (accept on a datagram socket)
    /// times out instead of failing at once. Ready now: no wait is announced.
    fn ready_first(
        &mut self,
        req: ReqId,
        op: &'static str,
        events: i16,
        deadline: Option<Instant>,
        announced: &mut bool,
    ) -> Result<(), OpError> {
        if !matches!(self.timeout, Timeout::Secs(_)) {
            return Ok(());
        }
        if events & libc::POLLIN != 0 && self.tls_readable() {
            return Ok(());
        }
        let (_, ready) = poll2(None, self.sock.as_fd(), events, 0);
        if ready & (events | libc::POLLERR | libc::POLLHUP) != 0 {
            return Ok(());
        }
        self.wait(req, op, events, deadline, announced, &None)
    }

    /// What a failed call's circumstances add to its errno's explanation: EAGAIN only
    /// because of MSG_DONTWAIT on a socket that blocks; EPIPE on a socket that had been
    /// connected (so "connect first" would not be true); EPIPE or ECONNRESET on an
    /// accepted connection (so "reconnect" would not be).
    pub(super) fn detail_of(&self, e: &io::Error, flags: i32) -> Detail {
        match e.raw_os_error() {
            // Its own shutdown ended its sending: no peer did anything.
            Some(libc::EPIPE) if self.shut.write && self.shut.read => Detail::ShutBoth,
            Some(libc::EPIPE) if self.shut.write => Detail::ShutWrite,
            // A server's side of a connection cannot connect again: its server accepts the
            // next one.
            Some(libc::EPIPE | libc::ECONNRESET) if self.serving.parent.is_some() => {
                Detail::Accepted
            }
            Some(libc::EAGAIN)
                if flags & libc::MSG_DONTWAIT != 0 && self.timeout != Timeout::NonBlocking =>
            {
                Detail::DontWait
            }
            Some(libc::EPIPE)
                if matches!(
                    self.state,
                    SockState::Connected | SockState::HalfClosed | SockState::Error
                ) =>
            {
                Detail::WasConnected
            }
            // A UDP socket's refusal is an ICMP reply to a datagram it sent, and nothing
            // else (its explanation need not list a stream's or a Unix socket's).
            Some(libc::ECONNREFUSED)
                if self.kind == Kind::Dgram
                    && matches!(self.family, Family::Inet | Family::Inet6) =>
            {
                Detail::UdpRefused
            }
            _ => Detail::None,
        }
    }

    /// Runs `f` with O_NONBLOCK set, for calls that have no MSG_DONTWAIT (accept, connect).
    pub(super) fn nonblocking<T>(&self, f: impl FnOnce(&Socket) -> io::Result<T>) -> io::Result<T> {
        if self.timeout == Timeout::Blocking {
            sys::set_nonblocking(self.fd(), true);
            let r = f(&self.sock);
            sys::set_nonblocking(self.fd(), false);
            r
        } else {
            f(&self.sock)
        }
    }

    pub(super) fn accept(&mut self, req: ReqId, _auto: bool) -> OpResult {
        let start = Instant::now();
        let deadline = self.deadline(start);
        let mut announced = false;
        self.ready_first(req, "accept", libc::POLLIN, deadline, &mut announced)?;
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
                // A Unix listener's own SHUT_RD: poll says readable for ever, accept EAGAIN.
                // The kernel's blocking accept fails at once with EINVAL, as CPython's does.
                Err(e) if is_again(&e) && self.input_always_ready() => match self.timeout {
                    Timeout::NonBlocking => return Err(OpError::from_io("accept", None, &e)),
                    Timeout::Blocking => {
                        let einval = io::Error::from_raw_os_error(libc::EINVAL);
                        return Err(OpError::from_io("accept", None, &einval)
                            .with_detail(Detail::ShutListening));
                    }
                    // With a timeout CPython spins until its deadline (a connection queued
                    // before the shutdown is still taken); this looks every SHUT_LOOK.
                    Timeout::Secs(_) => {
                        self.shut_look(req, "accept", deadline, &mut announced)?;
                    }
                },
                Err(e) if is_again(&e) && self.timeout != Timeout::NonBlocking => {
                    self.wait(req, "accept", libc::POLLIN, deadline, &mut announced, &None)?;
                }
                Err(e) => return Err(OpError::from_io("accept", None, &e)),
            }
        }
    }

    /// The protocol of the connections this listener accepts: its own, read once.
    pub(super) fn conn_proto(&mut self) -> i32 {
        let fd = self.sock.as_fd();
        *self.serving.conn_proto.get_or_insert_with(|| {
            options::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_PROTOCOL).unwrap_or(0)
        })
    }

    pub(super) fn connect(&mut self, req: ReqId, addr: &AddrSpec, ex: bool) -> OpResult {
        let op = if ex { "connect_ex" } else { "connect" };
        let shown = Some(addr.to_string());
        let sa = addr.resolve(self.family, op)?;
        self.target = Some(crate::engine::addr::Endpoint::from_sockaddr(&sa));
        let start = Instant::now();
        let before = self.state;
        if before != SockState::Connecting {
            self.before_connect = before;
        }
        self.connecting = true;
        let result = self.connect_inner(req, op, &sa, &shown, start);
        self.connecting = false;
        match result {
            Ok(()) => {
                // The kernel's word (a connect to 0.0.0.0 reached 127.0.0.1), else where it went.
                self.had_peer = self
                    .sock
                    .peer_addr()
                    .ok()
                    .map(|a| crate::engine::addr::Endpoint::from_sockaddr(&a))
                    .or_else(|| self.target.clone());
                self.set_state(SockState::Connected, Cause::Call { op });
                Ok(if ex { Reply::Int(0) } else { Reply::Unit })
            }
            Err(mut e) => {
                if e.errno() == Some(libc::ECONNREFUSED) && e.holder.is_none() {
                    // Refused where a socket of ours is only bound: bind() without listen().
                    e.holder = self.target.as_ref().and_then(|t| {
                        crate::engine::holder::bound_only(&self.shared, t, self.kind, self.id, true)
                            .map(Box::new)
                    });
                }
                if let Some(errno) = e.errno() {
                    match (errno, &e.kind) {
                        // Still connecting in the kernel: non-blocking, or a timeout.
                        (libc::EINPROGRESS | libc::EALREADY, _) | (_, ErrorKind::Timeout) => {
                            self.set_state_since(SockState::Connecting, Cause::Call { op }, start);
                        }
                        // Already connected: it stays so. Closed while it waited: closed is
                        // what it becomes.
                        (libc::EISCONN, _) => {}
                        _ if e.closed_while_waiting => {}
                        // A failed connect leaves the socket usable again, as it was (the
                        // kernel gives back the port it picked for the attempt).
                        _ => self.set_state(self.before_connect, Cause::FailedConnect),
                    }
                    if ex
                        && matches!(e.kind, ErrorKind::Os { .. } | ErrorKind::Timeout)
                        && self.closing.is_none()
                    {
                        // Its errno for Python; the error itself for the window to explain.
                        return Ok(Reply::Errno(Box::new(e)));
                    }
                }
                Err(e)
            }
        }
    }

    pub(super) fn connect_inner(
        &mut self,
        req: ReqId,
        op: &'static str,
        sa: &SockAddr,
        shown: &Option<String>,
        start: Instant,
    ) -> Result<(), OpError> {
        let deadline = self.deadline(start);
        let mut announced = false;
        let connected = self.nonblocking(|s| s.connect(sa));
        if self.kind == Kind::Stream && matches!(self.family, Family::Inet | Family::Inet6) {
            // The port the kernel picked: a capture keeps its segments from here on, the
            // first bytes sent after connect() returns among them.
            self.shared.connecting_from(&self.sock);
        }
        match connected {
            Ok(()) => Ok(()),
            Err(e)
                if matches!(e.raw_os_error(), Some(libc::EINPROGRESS))
                    && self.timeout != Timeout::NonBlocking =>
            {
                // Connecting since the call began: on loopback the handshake may be over
                // before the socket is seen in SYN_SENT.
                self.set_state_since(SockState::Connecting, Cause::Call { op }, start);
                self.publish(false);
                self.wait(req, op, libc::POLLOUT, deadline, &mut announced, shown)?;
                let result = match self.sock.take_error() {
                    Ok(None) => Ok(()),
                    Ok(Some(e)) => Err(OpError::from_io(op, shown.clone(), &e)),
                    Err(e) => Err(OpError::from_io(op, shown.clone(), &e)),
                };
                if self.timeout == Timeout::Blocking {
                    // CPython's blocking connect is one blocking connect(2), which leaves
                    // the kernel's socket connected, or unconnected after a failure. The
                    // connect made here without blocking (so a close can end the wait)
                    // left it "connecting"; one more connect(2), which returns at once,
                    // moves it on as the blocking call would have. Without it a second
                    // connect succeeds instead of raising EISCONN, and a connect_ex after a
                    // refused one answers ECONNABORTED instead of ECONNREFUSED.
                    let _ = self.sock.connect(sa);
                }
                result
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

    pub(super) fn recv(
        &mut self,
        req: ReqId,
        op: &'static str,
        bufsize: usize,
        flags: i32,
        from: bool,
    ) -> OpResult {
        if self.auto.auto_recv.is_some() {
            return Err(OpError::refused(op, Refusal::AutoReceiving));
        }
        // recv(0) is b'' at once, the socket untouched (a datagram stays queued), as in
        // CPython; recvfrom(0) does call the kernel.
        if bufsize == 0 && !from {
            return Ok(Reply::Bytes(Vec::new()));
        }
        // As CPython's SSLSocket: no flags, no recvfrom.
        if self.tls.is_some() {
            if from {
                return Err(OpError::python(
                    op,
                    "ValueError",
                    format!("{op} not allowed on instances of <class 'ssl.SSLSocket'>"),
                ));
            }
            if flags != 0 {
                return Err(OpError::python(
                    op,
                    "ValueError",
                    format!(
                        "non-zero flags not allowed in calls to {op}() on <class 'ssl.SSLSocket'>"
                    ),
                ));
            }
        }
        let start = Instant::now();
        let deadline = self.deadline(start);
        // MSG_DONTWAIT makes a blocking socket's call return at once; with a timeout,
        // CPython still waits (for readiness, up to the timeout) before calling.
        let nonblocking = match self.timeout {
            Timeout::NonBlocking => true,
            Timeout::Blocking => flags & libc::MSG_DONTWAIT != 0,
            Timeout::Secs(_) => false,
        };
        let want = bufsize.min(MAX_RECV);
        let mut announced = false;
        self.ready_first(req, op, libc::POLLIN, deadline, &mut announced)?;
        let mut out: Vec<u8> = Vec::new();
        let mut source: Option<Endpoint> = None;
        // A datagram's whole length, to say what a too-small buffer cut off: MSG_TRUNC
        // makes the kernel report it (the bytes kept are the same; Python's result too).
        let asked_trunc = flags & libc::MSG_TRUNC != 0;
        let measure = self.kind != Kind::Stream && !asked_trunc;
        let mut cut = 0;
        // The b'' of a datagram socket's own SHUT_RD: no datagram came.
        let mut shut_empty = false;
        loop {
            let room = want - out.len();
            let before = out.len();
            let extra = if measure { libc::MSG_TRUNC } else { 0 };
            // A datagram's sender is asked for even by recv(): the window shows it.
            let r = self.read_some(
                &mut out,
                room,
                ((flags | extra) | libc::MSG_DONTWAIT) & !libc::MSG_WAITALL,
                from || self.kind != Kind::Stream,
            );
            match r {
                Ok((n, sa)) => {
                    if let Some(sa) = sa {
                        source = (sa.len() > 0).then(|| Endpoint::from_sockaddr(&sa));
                    }
                    // MSG_TRUNC: the kernel reports a datagram's whole length, past the
                    // buffer. Python's result has that length; the bytes past the buffer
                    // are zeros here (never memory that was not received).
                    if n > room && asked_trunc {
                        out.resize(before + n.min(MAX_RECV), 0);
                    } else if n > room {
                        cut = n - room;
                    }
                    let waitall =
                        flags & libc::MSG_WAITALL != 0 && self.kind == Kind::Stream && !nonblocking;
                    if n > 0 && waitall && out.len() < want {
                        continue;
                    }
                    break;
                }
                // A datagram socket's own SHUT_RD: the kernel's blocking recv returns 0 at
                // once with nothing queued, as CPython's does (no datagram: not counted).
                Err(e)
                    if is_again(&e)
                        && self.timeout == Timeout::Blocking
                        && !nonblocking
                        && self.kind != Kind::Stream
                        && self.shut.read =>
                {
                    shut_empty = true;
                    break;
                }
                // With a timeout: poll says readable for ever, the call EAGAIN. CPython spins
                // until a datagram or the deadline; this looks again every SHUT_LOOK.
                Err(e)
                    if is_again(&e)
                        && !nonblocking
                        && self.kind != Kind::Stream
                        && self.shut.read =>
                {
                    self.shut_look(req, op, deadline, &mut announced)?;
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
                    let detail = self.detail_of(&e, flags);
                    return Err(OpError::from_io(op, None, &e).with_detail(detail));
                }
            }
        }
        let peeking = flags & libc::MSG_PEEK != 0;
        if !peeking && !shut_empty {
            self.count_in(&out, source.clone(), cut, op);
        }
        // b'' from a stream: the peer closed its side (CLOSE_WAIT).
        if out.is_empty()
            && want > 0
            && self.kind == Kind::Stream
            && self.state == SockState::Connected
        {
            self.set_state(SockState::HalfClosed, Cause::PeerClosed);
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

    pub(super) fn multicast(
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
        let membership = (group.to_string(), interface.to_string());
        self.groups.retain(|m| *m != membership);
        if join {
            // The kernel allows 20 per socket by default (igmp_max_memberships): bounded.
            self.groups.push(membership);
        }
        self.view.snapshot_due = true;
        Ok(Reply::Unit)
    }
}
