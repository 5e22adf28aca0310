//! What the kernel holds, read back: options, TCP_INFO and the accept queue, published as
//! snapshots when anything changed (at most one waiting per socket), ticking while it does.

use super::*;

/// What was last read back from the kernel, and when to look again.
pub(super) struct View {
    pub(super) options: Vec<OptionReading>,
    pub(super) last_snapshot: Option<Snapshot>,
    pub(super) snapshot_due: bool,
    pub(super) quiet_ticks: u32,
    pub(super) next_tick: Instant,
    /// When skipped content is next looked at (it is reported once there is room).
    pub(super) next_skip_check: Instant,
    /// The peer's FIN or reset was seen (poll's RDHUP, HUP or ERR): no longer watched for.
    pub(super) end_seen: bool,
    /// After a FIN alone, the reset or the end of both directions was watched for (poll
    /// reports HUP and ERR whatever it is asked; POLLPRI stands for them) and came, or
    /// urgent data did: no longer watched for either.
    pub(super) hup_seen: bool,
    /// A call's snapshot found the last one still unread: when it is tried again, and the
    /// wait before that try (doubling up to the tick's).
    pub(super) retry: Option<(Instant, Duration)>,
}

/// The first retry of a call's snapshot the consumer had no room for: a connect's
/// addresses should not lag its state by a tick (250 ms).
const FIRST_RETRY: Duration = Duration::from_millis(10);

impl Default for View {
    fn default() -> Self {
        View {
            options: Vec::new(),
            last_snapshot: None,
            snapshot_due: true,
            quiet_ticks: 0,
            next_tick: Instant::now(),
            next_skip_check: Instant::now(),
            end_seen: false,
            hup_seen: false,
            retry: None,
        }
    }
}

impl Worker {
    /// A listening TCP socket's queue of connections not yet accepted (read when the kernel
    /// says it holds any), and its half-open ones (SYN-RECV). TCP_INFO has no count of
    /// those: they are looked for when they can last (a client's ACK is dropped only while
    /// the queue is full, TCP_DEFER_ACCEPT holds them until bytes come) and while the last
    /// reading had some; a dump walks the kernel's whole table, not worth it otherwise.
    pub(super) fn listener_queues(
        &self,
        tcp: Option<&inspect::TcpInfo>,
    ) -> (Vec<Endpoint>, Vec<Endpoint>) {
        let Some(t) = tcp.filter(|t| t.state == TcpState::Listen) else {
            return (Vec::new(), Vec::new());
        };
        let Some(local) = self.sock.local_addr().ok().and_then(|a| a.as_socket()) else {
            return (Vec::new(), Vec::new());
        };
        let had = self
            .view
            .last_snapshot
            .as_ref()
            .is_some_and(|s| !s.half_open.is_empty());
        let deferred = || {
            crate::engine::options::getsockopt_int(
                self.sock.as_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_DEFER_ACCEPT,
            )
            .is_ok_and(|secs| secs > 0)
        };
        if t.unacked == 0 && !had && !deferred() {
            return (Vec::new(), Vec::new());
        }
        let q = inspect::listener_queues(&local, t.unacked > 0).unwrap_or_default();
        let ends = |v: Vec<std::net::SocketAddr>| {
            v.into_iter()
                .map(|a| Endpoint::from_sockaddr(&SockAddr::from(a)))
                .collect()
        };
        (ends(q.accepted), ends(q.half_open))
    }

    pub(super) fn refresh_options(&mut self) {
        if self.shared.config.inspect {
            self.view.options = options::read_all(self.fd(), self.family, self.kind, false);
        }
    }

    pub(super) fn tick(&mut self) {
        if Instant::now() < self.view.next_tick {
            self.retry_publish();
            return;
        }
        self.flush_skipped_if_room();
        self.flush_recording();
        // Continuous receive or accept on a socket whose input is not polled (its own
        // SHUT_RD).
        if (self.receiving_armed() || self.accepting_armed()) && self.input_always_ready() {
            self.continuous_step();
        }
        let changed = self.publish(false);
        self.view.quiet_ticks = if changed {
            0
        } else {
            self.view.quiet_ticks.saturating_add(1)
        };
        let (busy, idle) = self.shared.config.ticks;
        let interval = if self.view.quiet_ticks > 8 {
            idle
        } else {
            busy
        };
        self.view.next_tick = Instant::now() + interval;
    }

    /// A call's snapshot still waiting for room, tried again (only it: the tick's other
    /// work keeps the tick's pace), backing off to the tick.
    fn retry_publish(&mut self) {
        let Some((at, wait)) = self.view.retry else {
            return;
        };
        let now = Instant::now();
        if now < at {
            return;
        }
        self.publish(false);
        let (busy, _) = self.shared.config.ticks;
        self.view.retry =
            (self.view.snapshot_due && wait * 2 < busy).then(|| (now + wait * 2, wait * 2));
    }

    /// When the worker must look again: the next tick, or a call's snapshot's retry.
    pub(super) fn next_look(&self) -> Instant {
        match self.view.retry {
            Some((at, _)) => at.min(self.view.next_tick),
            None => self.view.next_tick,
        }
    }

    /// A snapshot sent whatever the budget (one per shutdown() call at most, as its answer
    /// is one), so it arrives before the answers of the calls after it.
    pub(super) fn publish_now(&mut self) {
        if !self.shared.config.inspect {
            return;
        }
        let snap = self.read_snapshot(false);
        self.send_snapshot(snap, None);
    }

    /// The snapshot after a call: what the call changed (a connect's addresses, a
    /// shutdown) is shown now; if the last snapshot is still unread, tried again soon.
    pub(super) fn publish_after_call(&mut self) {
        self.publish(false);
        if self.view.snapshot_due && self.shared.config.inspect {
            self.view.retry = Some((Instant::now() + FIRST_RETRY, FIRST_RETRY));
        }
    }

    /// What a connection waits for so that the peer's end is read when it comes, not at
    /// the next tick (a second on a quiet socket): RDHUP once, until it has come.
    /// After a FIN, HUP or ERR once (a reset while half-closed, or the end of both
    /// directions), so an error state shows when the reset comes too.
    pub(super) fn end_interest(&self) -> i16 {
        let watched = self.shared.config.inspect
            && self.kind == Kind::Stream
            && matches!(self.family, Family::Inet | Family::Inet6)
            && matches!(self.state, SockState::Connected | SockState::HalfClosed);
        match (watched, self.view.end_seen, self.view.hup_seen) {
            (true, false, _) => libc::POLLRDHUP,
            (true, true, false) => libc::POLLPRI,
            _ => 0,
        }
    }

    /// After a wait: the peer's end came (level-triggered, so it is watched for once);
    /// the kernel is read now.
    pub(super) fn end_arrived(&mut self, ready: i16) {
        let end = libc::POLLRDHUP | libc::POLLHUP | libc::POLLERR;
        match self.end_interest() {
            libc::POLLRDHUP if ready & end != 0 => {
                self.view.end_seen = true;
                // A reset is the end of both: nothing more to watch for.
                self.view.hup_seen = ready & (libc::POLLHUP | libc::POLLERR) != 0;
                self.view.next_tick = Instant::now();
            }
            // Level-triggered all three: watched for once (urgent data ends it too).
            libc::POLLPRI if ready & (libc::POLLHUP | libc::POLLERR | libc::POLLPRI) != 0 => {
                self.view.hup_seen = true;
                self.view.next_tick = Instant::now();
            }
            _ => {}
        }
    }

    pub(super) fn derived_state(&self, tcp: Option<&inspect::TcpInfo>) -> SockState {
        let Some(t) = tcp else {
            return self.state;
        };
        if matches!(self.state, SockState::Error | SockState::Closed) {
            return self.state;
        }
        match t.state {
            TcpState::Listen => SockState::Listening,
            TcpState::SynSent | TcpState::SynRecv => SockState::Connecting,
            // A connect the kernel gave up (refused, unreachable, timed out): the socket is
            // as it was before (its error waits in SO_ERROR for the next call, as in C).
            TcpState::Close if self.state == SockState::Connecting => self.before_connect,
            // An established connection the kernel ended without a FIN exchanged (a reset,
            // or retransmissions given up): over, with its error pending, as the list must
            // say now, not at the next call.
            TcpState::Close if self.state == SockState::Connected => SockState::Error,
            // Half-closed by the peer only (CLOSE_WAIT; this side sent no FIN, so no
            // LAST_ACK that ends in CLOSE): a CLOSE now is a reset too.
            TcpState::Close if self.state == SockState::HalfClosed && !self.shut.write => {
                SockState::Error
            }
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

    /// The kernel's TCP state of this socket now (None for other kinds of socket).
    pub(super) fn tcp_info(&self) -> Option<inspect::TcpInfo> {
        if self.kind == Kind::Stream && matches!(self.family, Family::Inet | Family::Inet6) {
            inspect::tcp_info(self.fd())
        } else {
            None
        }
    }

    /// Publishes a snapshot when it differs from the last one (or when forced). Returns
    /// whether anything changed. At most one snapshot per socket waits in the channel.
    pub(super) fn publish(&mut self, force: bool) -> bool {
        if !self.shared.config.inspect {
            self.view.snapshot_due = false;
            return false;
        }
        let snap = self.read_snapshot(false);
        let changed = self.view.last_snapshot.as_ref() != Some(&snap);
        if !(changed || force || self.view.snapshot_due) {
            return false;
        }
        match Permit::try_take(&self.delivery.snap_budget, 1, 1) {
            Some(permit) => self.send_snapshot(snap, Some(permit)),
            None => self.view.snapshot_due = true,
        }
        changed
    }

    /// Sends a snapshot read now: nothing is due or retried after it.
    fn send_snapshot(&mut self, snap: Snapshot, permit: Option<Permit>) {
        self.view.snapshot_due = false;
        self.view.retry = None;
        self.view.last_snapshot = Some(snap.clone());
        self.shared.emit(Event::Snapshot {
            id: self.id,
            snapshot: Box::new(snap),
            _permit: permit,
        });
    }

    /// The last snapshot, read as the socket closes (its state already closed): what the
    /// kernel held at close, sent whatever the budget (one per socket, at its end).
    pub(super) fn publish_at_close(&mut self) {
        if !self.shared.config.inspect {
            return;
        }
        self.refresh_options();
        let snap = self.read_snapshot(true);
        self.shared.emit(Event::Snapshot {
            id: self.id,
            snapshot: Box::new(snap),
            _permit: None,
        });
    }

    /// Reads what the kernel holds now. The socket's state follows the kernel's TCP state
    /// first (a non-blocking connect that completed, a peer that closed its side), as a
    /// state event.
    fn read_snapshot(&mut self, at_close: bool) -> Snapshot {
        let tcp = self.tcp_info();
        let derived = self.derived_state(tcp.as_ref());
        // A connect running sets the state it leads to when it ends (the handshake is that
        // connect's); until then the kernel's word waits.
        if derived != self.state && !self.connecting {
            let cause = match tcp.as_ref().map(|t| t.state) {
                Some(TcpState::Established) => Cause::Handshake,
                Some(TcpState::Close) if derived == SockState::Error => Cause::Aborted,
                Some(TcpState::Close) => Cause::ConnectEnded,
                Some(TcpState::CloseWait) => Cause::PeerClosed,
                Some(TcpState::Listen) => Cause::Call { op: "listen" },
                _ => Cause::KernelState,
            };
            self.set_state_seen(derived, cause, tcp.as_ref().map(|t| t.state));
        }
        let peer = self
            .sock
            .peer_addr()
            .ok()
            .map(|a| Endpoint::from_sockaddr(&a));
        if peer.is_some() {
            self.had_peer.clone_from(&peer);
        }
        let tls = self.tls_info();
        let fd = self.fd();
        let (accept_queue, half_open) = self.listener_queues(tcp.as_ref());
        Snapshot {
            at_close,
            accept_queue,
            half_open,
            state: self.state,
            local: self
                .sock
                .local_addr()
                .ok()
                .map(|a| Endpoint::from_sockaddr(&a)),
            peer,
            had_peer: self.had_peer.clone(),
            connecting_to: (self.state == SockState::Connecting)
                .then(|| self.target.clone())
                .flatten(),
            timeout: self.timeout,
            kernel_nonblocking: inspect::kernel_nonblocking(fd),
            options: self.view.options.clone(),
            tcp,
            recv_queue: inspect::recv_queue(fd),
            send_queue: inspect::send_queue(fd),
            recv_buffer: (self.kind == Kind::Dgram
                && matches!(self.family, Family::Inet | Family::Inet6))
            .then(|| inspect::recv_buffer(fd))
            .flatten(),
            counters: self.counters,
            auto_receive: self.auto.auto_recv.is_some(),
            auto_accept: self.auto.auto_accept.is_some(),
            sending: self.job.is_some(),
            responder: self.responder_name(),
            clients: (self.state == SockState::Listening).then(|| {
                (
                    self.serving.clients.0.open.load(Ordering::Acquire),
                    self.serving.client_limit,
                )
            }),
            recording: self.recording.as_ref().map(|r| r.snapshot()),
            groups: self.groups.clone(),
            tls,
            shut: self.shut,
        }
    }
}
