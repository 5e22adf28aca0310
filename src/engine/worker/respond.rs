//! Running a responder in the socket's worker: what it answers is queued (bounded: while the
//! queue is full the worker stops reading, as a real server would) and sent as the kernel
//! takes it; delays hold what follows; a close waits for everything before it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use socket2::SockAddr;

use super::{is_again, OpResult, Worker};
use crate::engine::addr::{Endpoint, Kind};
use crate::engine::command::{ReqId, SocketId};
use crate::engine::errors::OpError;
use crate::engine::event::{Event, Reply, SockState};
use crate::engine::note::HangUp;
use crate::engine::responder::{Ctx, Out, Responder, ResponderSpec};
use crate::engine::{lock, Shared};

/// Answer bytes queued per connection before the worker stops reading.
const OUT_LIMIT: usize = 1 << 20;
/// Answer datagrams queued before the worker stops reading.
const DGRAM_LIMIT: usize = 1024;
/// Buffer of a responder's automatic receive.
pub(super) const RESPOND_RECV: usize = 64 << 10;

pub(super) struct Answering {
    spec: ResponderSpec,
    r: Box<dyn Responder>,
    local: Option<Endpoint>,
    peer: Option<Endpoint>,
    outq: VecDeque<u8>,
    dgrams: VecDeque<(Vec<u8>, Option<SockAddr>)>,
    held: VecDeque<(Out, Option<SockAddr>)>,
    hold_until: Option<Instant>,
    stream: Option<Vec<u8>>,
    /// Close once everything queued is sent, and why (said before the socket closes).
    close_when_sent: Option<HangUp>,
}

/// A listener's side of serving (the responder its connections get, their count and
/// limit) or a connection's (the listener it came from).
#[derive(Default)]
pub(super) struct Serving {
    pub(super) child_spec: Option<ResponderSpec>,
    pub(super) clients: Clients,
    pub(super) client_limit: Option<usize>,
    /// The listener that accepted this connection, and its count.
    pub(super) parent: Option<(SocketId, Clients)>,
    /// A listener's SO_PROTOCOL, which its connections share.
    pub(super) conn_proto: Option<i32>,
}

/// A listener's count of open connections, which they give back when they close.
#[derive(Clone, Default)]
pub(crate) struct Clients(pub(crate) Arc<ClientCount>);

#[derive(Default)]
pub(crate) struct ClientCount {
    pub(crate) open: AtomicUsize,
    /// A limit is set, so the listener may be waiting for a place.
    pub(crate) limited: AtomicBool,
    /// The listener paused accepting for a shortage (descriptors, sockets): a closing
    /// connection wakes it to try again.
    pub(crate) paused: AtomicBool,
    /// A connection closed since the listener last looked.
    pub(crate) freed: AtomicBool,
}

impl Worker {
    fn ctx(&self, peer: Option<Endpoint>) -> Ctx {
        let a = self.answering.as_ref();
        Ctx {
            peer: peer.or_else(|| a.and_then(|a| a.peer.clone())),
            local: a.and_then(|a| a.local.clone()),
            now: SystemTime::now(),
        }
    }

    /// Starts answering with `spec` here (or stops, with None).
    /// `peer`, when the caller knows it (accept said), saves asking the kernel.
    pub(super) fn attach_responder(&mut self, spec: Option<ResponderSpec>, peer: Option<Endpoint>) {
        let Some(spec) = spec else {
            self.answering = None;
            return;
        };
        let local = self
            .sock
            .local_addr()
            .ok()
            .map(|a| Endpoint::from_sockaddr(&a));
        let peer = peer.or_else(|| {
            self.sock
                .peer_addr()
                .ok()
                .map(|a| Endpoint::from_sockaddr(&a))
        });
        self.answering = Some(Answering {
            r: spec.make(),
            spec,
            local,
            peer,
            outq: VecDeque::new(),
            dgrams: VecDeque::new(),
            held: VecDeque::new(),
            hold_until: None,
            stream: None,
            close_when_sent: None,
        });
        self.auto.auto_recv.get_or_insert(RESPOND_RECV);
    }

    /// The Respond command.
    pub(super) fn respond(&mut self, spec: Option<ResponderSpec>) -> OpResult {
        // The responder it has already (a listener's connections are told the one their
        // listener took; one accepted after was given it): no change, nothing said again.
        let same = match (&spec, &self.answering) {
            (Some(s), Some(a)) => std::sync::Arc::ptr_eq(&s.0, &a.spec.0),
            (None, None) => self.state != SockState::Listening,
            _ => false,
        };
        if same {
            return Ok(Reply::Unit);
        }
        if self.state == SockState::Listening {
            self.serving.child_spec = spec;
            self.view.snapshot_due = true;
            return Ok(Reply::Unit);
        }
        if self.kind == Kind::Stream
            && spec.is_some()
            && !matches!(self.state, SockState::Connected | SockState::HalfClosed)
        {
            return Err(OpError::refused(
                "respond",
                crate::engine::Refusal::RespondUnconnected,
            ));
        }
        let open = self.kind == Kind::Stream && spec.is_some();
        self.attach_responder(spec, None);
        if open {
            self.answer_open();
        }
        self.view.snapshot_due = true;
        Ok(Reply::Unit)
    }

    /// A connection opened: the responder may speak first.
    pub(super) fn answer_open(&mut self) {
        let ctx = self.ctx(None);
        if let Some(a) = self.answering.as_mut() {
            let outs = a.r.on_open(&ctx);
            a.held.extend(outs.into_iter().map(|o| (o, None)));
        }
        self.answer_step();
    }

    /// One message arrived (`from`: a datagram's source).
    pub(super) fn answer_data(&mut self, data: &[u8], from: Option<&SockAddr>) {
        if self.answering.is_none() {
            return;
        }
        let ctx = self.ctx(from.map(Endpoint::from_sockaddr));
        if let Some(a) = self.answering.as_mut() {
            let outs = a.r.on_data(data, &ctx);
            a.held.extend(outs.into_iter().map(|o| (o, from.cloned())));
        }
    }

    /// The peer closed its side: answer what is queued, then close (as a server does).
    pub(super) fn answer_eof(&mut self) {
        if let Some(a) = self.answering.as_mut() {
            a.stream = None;
            a.close_when_sent.get_or_insert(HangUp::PeerClosed);
        }
    }

    /// Datagrams that may be read before the answers queued for them fill the queue.
    pub(super) fn answer_room(&self) -> usize {
        match &self.answering {
            None => usize::MAX,
            Some(a) if a.outq.len() >= OUT_LIMIT => 0,
            Some(a) => DGRAM_LIMIT.saturating_sub(a.dgrams.len()),
        }
    }

    /// Whether reading should pause because answers are piling up.
    pub(super) fn backpressured(&self) -> bool {
        self.answering
            .as_ref()
            .is_some_and(|a| a.outq.len() >= OUT_LIMIT || a.dgrams.len() >= DGRAM_LIMIT)
    }

    /// What poll should wait for, and how long at most, while answering.
    pub(super) fn answer_wait(&self, now: Instant) -> (i16, Option<Duration>) {
        let Some(a) = &self.answering else {
            return (0, None);
        };
        let events = if !a.outq.is_empty() || !a.dgrams.is_empty() || a.stream.is_some() {
            libc::POLLOUT
        } else {
            0
        };
        let hold = match a.hold_until {
            Some(t) if !a.held.is_empty() => Some(t),
            _ => None,
        };
        let due = match (hold, a.r.deadline()) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        };
        (events, due.map(|t| t.saturating_duration_since(now)))
    }

    /// Moves due answers to the queues and sends what the kernel takes.
    pub(super) fn answer_step(&mut self) {
        let now = Instant::now();
        let due = self
            .answering
            .as_ref()
            .and_then(|a| a.r.deadline())
            .is_some_and(|d| now >= d);
        let timer_ctx = due.then(|| self.ctx(None));
        let Some(mut a) = self.answering.take() else {
            return;
        };
        let datagram = self.kind != Kind::Stream;
        if let Some(ctx) = timer_ctx {
            let outs = a.r.on_timer(&ctx);
            a.held.extend(outs.into_iter().map(|o| (o, None)));
        }
        while let Some((out, to)) = a.held.pop_front() {
            if a.hold_until.is_some_and(|t| now < t) {
                a.held.push_front((out, to));
                break;
            }
            a.hold_until = None;
            match out {
                Out::Send { data } if datagram => a.dgrams.push_back((data, to)),
                Out::Send { data } => a.outq.extend(data),
                Out::Stream { block } if !datagram && !block.is_empty() => a.stream = Some(block),
                Out::Stream { .. } => {}
                Out::Wait { delay } => a.hold_until = Some(now + delay),
                Out::Close if !datagram => {
                    a.close_when_sent.get_or_insert(HangUp::ResponderEnded);
                }
                Out::Close => {}
                Out::Note { note } => self.unasked(Event::Note { id: self.id, note }),
            }
        }
        let ended = self.flush_answers(&mut a);
        let done = a.outq.is_empty() && a.dgrams.is_empty() && a.held.is_empty();
        let why = if ended {
            Some(HangUp::PeerGone)
        } else {
            a.close_when_sent.filter(|_| done)
        };
        if let Some(why) = why {
            // The server side hangs up, as the responder (or the peer) asked; said, so
            // nothing closes silently.
            if self.closing.is_none() {
                self.unasked(Event::ClosedBy {
                    id: self.id,
                    why,
                    responder: a.spec.describe(),
                });
            }
            self.closing.get_or_insert(ReqId(0));
        }
        self.answering = Some(a);
    }

    /// Sends queued answers; true when the peer is gone and the connection should end.
    fn flush_answers(&mut self, a: &mut Answering) -> bool {
        let flags = libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL;
        for _ in 0..64 {
            if let Some((data, to)) = a.dgrams.front() {
                let r = self.write_some(data, to.as_ref(), flags);
                match r {
                    Ok(n) => {
                        let peer = to.as_ref().map(Endpoint::from_sockaddr);
                        let data = data[..n].to_vec();
                        a.dgrams.pop_front();
                        let call = if peer.is_some() { "sendto" } else { "send" };
                        self.count_out(&data, peer, call);
                    }
                    Err(e) if is_again(&e) => return false,
                    Err(e) => {
                        // A datagram that cannot go (e.g. the sender vanished) is dropped.
                        a.dgrams.pop_front();
                        self.report(OpError::from_io("sendto", None, &e));
                    }
                }
                continue;
            }
            if a.outq.is_empty() {
                match &a.stream {
                    Some(block) => a.outq.extend(block.iter().copied()),
                    None => return false,
                }
            }
            let (front, _) = a.outq.as_slices();
            match self.write_some(front, None, flags) {
                Ok(n) => {
                    let sent: Vec<u8> = a.outq.drain(..n).collect();
                    self.count_out(&sent, None, "send");
                }
                Err(e) if is_again(&e) => return false,
                Err(e) => {
                    let errno = e.raw_os_error().unwrap_or(0);
                    if errno != libc::EPIPE && errno != libc::ECONNRESET {
                        self.report(OpError::from_io("send", None, &e));
                    }
                    a.outq.clear();
                    a.stream = None;
                    return true;
                }
            }
        }
        false
    }

    /// The LimitClients command.
    pub(super) fn limit_clients(&mut self, max: Option<usize>) -> OpResult {
        self.serving.client_limit = max;
        self.serving
            .clients
            .0
            .limited
            .store(max.is_some(), Ordering::Release);
        self.view.snapshot_due = true;
        Ok(Reply::Unit)
    }

    /// Whether a listener may accept another connection now.
    pub(super) fn room_for_client(&self) -> bool {
        self.serving
            .client_limit
            .is_none_or(|m| self.serving.clients.0.open.load(Ordering::Acquire) < m)
    }

    pub(super) fn responder_name(&self) -> Option<String> {
        self.answering
            .as_ref()
            .map(|a| a.spec.describe())
            .or_else(|| self.serving.child_spec.as_ref().map(|s| s.describe()))
    }
}

/// What a connection inherits from the listener that accepted it.
pub(super) struct Inherit {
    pub(super) responder: Option<ResponderSpec>,
    /// The listener's TLS server side: the connection answers its handshake.
    pub(super) tls: Option<crate::engine::tls::ServerSide>,
    pub(super) parent: (SocketId, Clients),
}

/// A connection of a listener closed: give its place back, and wake the listener when
/// it may be waiting for the place or shows the count (a quiet server's listener
/// neither waits nor shows: waking it cost three system calls per connection).
/// Called once the connection's descriptor is closed, so a listener paused for want of
/// descriptors finds one free when it wakes.
pub(super) fn leave_listener(shared: &Shared, parent: Option<(SocketId, Clients)>) {
    if let Some((parent, clients)) = &parent {
        clients.0.open.fetch_sub(1, Ordering::AcqRel);
        let paused = clients.0.paused.load(Ordering::Acquire);
        if paused {
            clients.0.freed.store(true, Ordering::Release);
        }
        if paused || shared.config.inspect || clients.0.limited.load(Ordering::Acquire) {
            if let Some(h) = lock(&shared.workers).get(parent) {
                h.wake.wake(&shared.reactor.bell);
            }
        }
    }
}
