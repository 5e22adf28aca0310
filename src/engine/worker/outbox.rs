//! Sends that could not finish at once. A send, sendall or sendto that would block is kept
//! here and moved on whenever the socket can take more, by the worker's loop and by any
//! call's wait: so a recv, accept or connect that blocks never holds a send behind it, as
//! with two Python threads on one socket. Sends keep their order (only the first moves).

use super::*;

/// A send waiting for room in the socket's buffer.
pub(super) struct Pending {
    pub(super) req: ReqId,
    pub(super) op: &'static str,
    data: Vec<u8>,
    flags: i32,
    to: Option<(SockAddr, String)>,
    /// sendall: every byte, or an error.
    all: bool,
    /// Every byte before answering (sendall, or send on a blocking socket as Linux does).
    whole: bool,
    /// Never waits (non-blocking socket or MSG_DONTWAIT).
    nonblocking: bool,
    sent: usize,
    start: Instant,
    deadline: Option<Instant>,
    /// Its Waiting event was sent.
    announced: bool,
}

/// How long the sends stop watching POLLOUT after a step that the poll said could send,
/// yet sent nothing (an AF_UNIX datagram socket whose receiver is full polls writable).
const STALL_PAUSE: Duration = Duration::from_millis(10);

/// The sends of one socket still waiting, in order.
#[derive(Default)]
pub(super) struct Outbox {
    pending: VecDeque<Pending>,
    /// The send being moved on now (out of `pending` meanwhile): a panic answers it too.
    working: Option<(ReqId, &'static str)>,
    /// POLLOUT is not watched until then (see STALL_PAUSE).
    paused_until: Option<Instant>,
}

impl Outbox {
    pub(super) fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// The send that waits now (the first), if it has begun waiting.
    pub(super) fn waiting(&self) -> Option<(ReqId, &'static str)> {
        self.pending
            .front()
            .filter(|p| p.announced)
            .map(|p| (p.req, p.op))
    }

    /// Every request still waiting, taken out (a crash answers them).
    pub(super) fn take_all(&mut self) -> Vec<(ReqId, &'static str)> {
        let working = self.working.take();
        working
            .into_iter()
            .chain(self.pending.drain(..).map(|p| (p.req, p.op)))
            .collect()
    }

    /// What a poll must add for the sends: POLLOUT (unless paused), and the first one's
    /// deadline or the pause's end (ms).
    pub(super) fn wait_for(&self, timeout_ms: i32) -> (i16, i32) {
        let Some(p) = self.pending.front() else {
            return (0, timeout_ms);
        };
        let ms = p
            .deadline
            .map_or(timeout_ms, |d| sys::sooner(timeout_ms, sys::ms_until(d)));
        match self.paused_until {
            Some(t) if Instant::now() < t => (0, sys::sooner(ms, sys::ms_ceil(t - Instant::now()))),
            _ => (libc::POLLOUT, ms),
        }
    }

    /// Whether the sends must be tried now: the poll said the socket can take more, the
    /// first send's deadline passed, or a pause ended.
    pub(super) fn due(&self, ready: i16, now: Instant) -> bool {
        let Some(p) = self.pending.front() else {
            return false;
        };
        let paused = self.paused_until.is_some_and(|t| now < t);
        (!paused && ready & (libc::POLLOUT | libc::POLLERR | libc::POLLHUP) != 0)
            || self.paused_until.is_some_and(|t| now >= t)
            || p.deadline.is_some_and(|d| now >= d)
    }
}

impl Worker {
    /// Starts a send: it runs now if nothing is ahead of it, and is answered when it ends.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn post_send(
        &mut self,
        req: ReqId,
        op: &'static str,
        data: Vec<u8>,
        flags: i32,
        to: Option<(SockAddr, String)>,
        all: bool,
        start: Instant,
    ) {
        let nonblocking = self.timeout == Timeout::NonBlocking || flags & libc::MSG_DONTWAIT != 0;
        if nonblocking && !self.outbox.is_empty() {
            // Behind a send that waits for room there is none now: what the kernel would
            // answer a non-blocking send, without a byte passing the one ahead.
            let again = std::io::Error::from_raw_os_error(libc::EAGAIN);
            let detail = self.detail_of(&again, flags);
            let error = OpError::from_io(op, None, &again).with_detail(detail);
            self.answer_call(req, op, start, Err(error), false);
            return;
        }
        // A blocking send() on Linux returns only once every byte is queued; with a timeout
        // or non-blocking it may take part, as the kernel allows.
        let whole = all || (self.timeout == Timeout::Blocking && !nonblocking);
        self.outbox.pending.push_back(Pending {
            req,
            op,
            data,
            flags,
            to,
            all,
            whole,
            nonblocking,
            sent: 0,
            start,
            deadline: self.deadline(start),
            announced: false,
        });
        self.outbox_step(0);
    }

    /// Moves the sends on as far as the socket takes them now; answers those that end
    /// (done, failed, or past their deadline). `ready`: what the poll said of the socket.
    pub(super) fn outbox_step(&mut self, ready: i16) {
        self.outbox.paused_until = None;
        while let Some(mut p) = self.outbox.pending.pop_front() {
            self.outbox.working = Some((p.req, p.op));
            let before = p.sent;
            let step = self.send_some(&mut p);
            self.outbox.working = None;
            match step {
                Some(result) => self.answer_send(&p, result),
                None => {
                    if p.sent == before && ready & libc::POLLOUT != 0 {
                        self.outbox.paused_until = Some(Instant::now() + STALL_PAUSE);
                    }
                    if !p.announced {
                        p.announced = true;
                        self.shared.emit(Event::Waiting {
                            id: self.id,
                            req: p.req,
                            op: p.op,
                            deadline: p.deadline,
                        });
                    }
                    self.outbox.pending.push_front(p);
                    return;
                }
            }
        }
    }

    /// Sends what the socket takes without waiting. None: it must wait for room.
    fn send_some(&mut self, p: &mut Pending) -> Option<OpResult> {
        let shown = p.to.as_ref().map(|(_, s)| s.clone());
        let flags = p.flags | libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL;
        loop {
            let rest = &p.data[p.sent..];
            let r = self.write_some(rest, p.to.as_ref().map(|(sa, _)| sa), flags);
            match r {
                Ok(n) => {
                    let peer = p.to.as_ref().map(|(sa, _)| Endpoint::from_sockaddr(sa));
                    let (from, to) = (p.sent, p.sent + n.min(rest.len()));
                    p.sent = to;
                    self.count_out(&p.data[from..to], peer, p.op);
                    if !p.whole || p.sent >= p.data.len() {
                        return Some(Ok(self.sent_reply(p)));
                    }
                }
                Err(e) if is_again(&e) && !p.nonblocking => {
                    if p.deadline.is_none_or(|d| Instant::now() < d) {
                        return None;
                    }
                    if p.sent > 0 && !p.all {
                        return Some(Ok(self.sent_reply(p)));
                    }
                    return Some(Err(OpError::timeout(p.op, shown)));
                }
                Err(e) => {
                    if p.sent > 0 && !p.all {
                        return Some(Ok(self.sent_reply(p)));
                    }
                    let detail = self.detail_of(&e, p.flags);
                    return Some(Err(OpError::from_io(p.op, shown, &e).with_detail(detail)));
                }
            }
        }
    }

    fn sent_reply(&self, p: &Pending) -> Reply {
        if p.all {
            Reply::Unit
        } else {
            Reply::Int(p.sent as i64)
        }
    }

    fn answer_send(&mut self, p: &Pending, result: OpResult) {
        self.answer_call(p.req, p.op, p.start, result, false);
    }

    /// The sends still waiting when the socket closes: each fails with EBADF, closed
    /// while it waited (a send that took part answers what it sent, as send() does).
    pub(super) fn close_outbox(&mut self) {
        while let Some(p) = self.outbox.pending.pop_front() {
            let result = if p.sent > 0 && !p.all {
                Ok(self.sent_reply(&p))
            } else {
                let shown = p.to.as_ref().map(|(_, s)| s.clone());
                Err(OpError::closed_while_waiting(p.op, shown))
            };
            self.reply(p.req, p.op, p.start, result);
        }
    }
}
