//! Continuous receive on a datagram socket: up to BATCH datagrams per recvmmsg(2) call,
//! each then handled exactly as a single recv would be (its own event, its own sender), so
//! a flood costs one system call per batch instead of one per datagram, and one allocation:
//! the datagrams delivered share one.

use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use socket2::SockAddr;

use super::{is_again, Worker, EVENT_COST};
use crate::engine::addr::Endpoint;
use crate::engine::bytes::Bytes;
use crate::engine::errors::OpError;
use crate::engine::event::{Direction, Permit, SockState};
use crate::engine::note::Cause;
use crate::engine::Family;
use crate::sys;

/// Datagrams taken per call at most.
pub(super) const BATCH: usize = sys::MMSG_BATCH;
/// Buffers up to this size are batched (BATCH of them stay allocated, but only the pages a
/// datagram touched become resident); larger ones are read one datagram at a time.
pub(super) const BATCH_MAX_BUF: usize = 64 << 10;

/// The batch's buffers, one per datagram, kept between calls.
#[derive(Default)]
pub(super) struct Slots {
    bufs: Vec<Vec<u8>>,
    /// The senders of the last batch.
    from: Vec<SockAddr>,
    /// The datagrams of the last batch the consumer had room for.
    delivered: Vec<(usize, Option<Endpoint>, Permit)>,
}

impl Worker {
    /// Takes what is queued, batch by batch, for at most `rounds` calls. Returns after an
    /// empty queue, an error, or backpressure.
    pub(super) fn receive_datagrams(&mut self, bufsize: usize, rounds: usize) {
        let mut slots = std::mem::take(&mut self.auto.dgram_slots);
        // Datagrams taken, the largest of them, and whether the queue was emptied.
        let (mut taken, mut largest, mut emptied) = (0, 0, false);
        for _ in 0..rounds {
            // A responder's answer queue takes as many as it has room for.
            let room = self.answer_room().min(BATCH);
            if room == 0 {
                break;
            }
            while slots.bufs.len() < room {
                slots.bufs.push(Vec::new());
            }
            let got = sys::recvmmsg(
                self.sock.as_fd(),
                &mut slots.bufs[..room],
                bufsize,
                &mut slots.from,
            );
            match got {
                Ok(()) => {
                    let n = slots.from.len();
                    taken += n;
                    largest = slots.bufs[..n].iter().fold(largest, |m, b| m.max(b.len()));
                    self.auto.batch_time = Some(std::time::SystemTime::now());
                    // Every datagram is answered, recorded and counted; those the consumer
                    // has room for then share one allocation, an event each.
                    let mut delivered = std::mem::take(&mut slots.delivered);
                    for (i, from) in slots.from.drain(..).enumerate() {
                        let buf = &slots.bufs[i];
                        let peer = (from.len() > 0).then(|| Endpoint::from_sockaddr(&from));
                        self.answer_data(buf, Some(from));
                        self.tally_in(buf);
                        let kept = self.kept(buf).len();
                        if let Some(permit) =
                            self.permit_for(Direction::In, buf.len(), kept + EVENT_COST)
                        {
                            delivered.push((i, peer, permit));
                        }
                    }
                    let shares =
                        Bytes::batch(delivered.iter().map(|d| self.kept(&slots.bufs[d.0])));
                    for ((i, peer, permit), data) in delivered.drain(..).zip(shares) {
                        let len = slots.bufs[i].len();
                        let size = super::deliver::Size { len, cut: 0 };
                        self.emit_chunk_of(Direction::In, data, size, peer, permit, "recvfrom");
                    }
                    slots.delivered = delivered;
                    if n < room || self.backpressured() {
                        emptied = n < room;
                        break;
                    }
                }
                Err(e) if is_again(&e) => {
                    emptied = true;
                    break;
                }
                Err(e) => {
                    self.auto.auto_recv = None;
                    self.set_state(SockState::Error, Cause::ReceiveFailed);
                    self.report(OpError::from_io("recv", None, &e));
                    break;
                }
            }
        }
        self.auto.batch_time = None;
        self.auto.dgram_slots = slots;
        self.view.snapshot_due = true;
        self.pause_after(taken, largest, emptied);
    }

    /// Decides whether the socket's input waits a moment before it is polled again (see
    /// Pause): only in the reactor, without a responder (whose answers must not wait), after
    /// a call that emptied the queue, and only as long as a quarter of the receive buffer
    /// fills at the rate the last datagrams came.
    fn pause_after(&mut self, got: usize, largest: usize, emptied: bool) {
        // A Unix datagram socket's queue holds a few datagrams whatever SO_RCVBUF says, and
        // its senders wait instead of losing them: it never pauses. Nor where waits are
        // rounded to the millisecond (no epoll_pwait2). (Starting only after two datagrams
        // at once, which spares a lone one its second wake-up, lost most of the gain at
        // 1400 bytes: a datagram a wake-up is how a steady stream begins.)
        let calm = got > 0
            && matches!(self.family, Family::Inet | Family::Inet6)
            && sys::precise_waits()
            && emptied
            && self.answering.is_none()
            && !self.backpressured()
            && super::reactor::in_reactor();
        let p = &mut self.auto.pause;
        p.until = None;
        if !calm {
            p.last = Duration::ZERO;
            p.emptied = None;
            return;
        }
        if p.last.is_zero() {
            // A new run of datagrams: the buffer's size as it is now (the person may have
            // changed SO_RCVBUF since the last run).
            p.rcvbuf = self.sock.recv_buffer_size().unwrap_or(0);
            p.largest = 0;
        }
        p.largest = p.largest.max(largest);
        let quarter = p.rcvbuf / buffer_cost(p.largest) / 4;
        let now = Instant::now();
        let pause = match p.emptied {
            // `got` came in `took`: `quarter` more take quarter / got of it.
            Some(prev) if !p.last.is_zero() => {
                let took = now.saturating_duration_since(prev);
                let safe = Duration::try_from_secs_f64(
                    took.as_secs_f64() * quarter as f64 / got.max(1) as f64,
                )
                .unwrap_or(PAUSE_MAX);
                (p.last * 2).min(PAUSE_MAX).min(safe)
            }
            _ => PAUSE_FIRST,
        };
        if got > quarter || pause < PAUSE_MIN {
            p.last = Duration::ZERO;
            p.emptied = None;
            return;
        }
        p.last = pause;
        p.emptied = Some(now);
        p.until = Some(now + pause);
    }
}

/// A datagram socket in continuous receive that is emptied as each datagram arrives pays a
/// wake-up (a context switch, the larger part of what a datagram costs here) for every one
/// or few of them. While datagrams stream in at a rate the receive buffer holds easily,
/// the reactor leaves the socket unpolled for a moment after emptying it and takes what
/// came meanwhile in one call: a few dozen datagrams a wake-up instead of a few. The pause
/// starts short and doubles while the rate allows it; a datagram is then read (and timed)
/// up to PAUSE_MAX after it arrived. BENCHMARKS.md has the measurements.
#[derive(Default)]
pub(super) struct Pause {
    /// Until when the socket's input is left unpolled.
    pub(super) until: Option<Instant>,
    /// The last pause; zero when the socket is polled as usual.
    last: Duration,
    /// When the queue was last emptied.
    emptied: Option<Instant>,
    /// SO_RCVBUF, read when a run of datagrams starts.
    rcvbuf: usize,
    /// The largest datagram of the run.
    largest: usize,
}

/// The longest pause: far below what a person sees, and a small share of what the default
/// receive buffer holds at any rate it allows.
const PAUSE_MAX: Duration = Duration::from_micros(200);
/// The first pause of a run of datagrams, before their rate is known.
const PAUSE_FIRST: Duration = Duration::from_micros(25);
/// A shorter pause would not save its wake-up.
const PAUSE_MIN: Duration = Duration::from_micros(10);
/// What a datagram of `len` bytes costs the receive buffer at most, for estimating how
/// many it holds: the kernel counts each datagram's whole allocation against SO_RCVBUF (its
/// bytes with headers and bookkeeping, rounded up to a power of two) and its descriptor;
/// twice that allocation keeps the estimate low, so a pause never counts on room the
/// buffer does not have.
fn buffer_cost(len: usize) -> usize {
    (len + 320).next_power_of_two() * 2 + 256
}
