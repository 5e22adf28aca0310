//! Continuous receive on a datagram socket: up to BATCH datagrams per recvmmsg(2) call,
//! each then handled exactly as a single recv would be (its own chunk, its own sender), so
//! a flood costs one system call per batch instead of one per datagram, one allocation
//! and one event. The kernel writes the datagrams into that allocation itself, one stride
//! apart (the stride: the largest datagram of the batch before), and the events share it
//! without a copy; a datagram longer than the stride, or a batch whose allocation would be
//! more than an eighth gaps, costs a copy instead.

use std::io;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use super::{is_again, Worker, EVENT_COST};
use crate::engine::addr::Endpoint;
use crate::engine::errors::OpError;
use crate::engine::event::{DatagramItem, Datagrams, Event, SockState};
use crate::engine::note::Cause;
use crate::engine::Family;
use crate::sys;
use crate::sys::MemInfo;

/// Datagrams taken per call at most.
pub(super) const BATCH: usize = sys::MMSG_BATCH;
/// Buffers up to this size are batched (BATCH of them stay allocated, but only the pages a
/// datagram touched become resident); larger ones are read one datagram at a time.
pub(super) const BATCH_MAX_BUF: usize = 64 << 10;

/// The batch's buffers, one per datagram, kept between calls.
#[derive(Default)]
pub(super) struct Slots {
    bufs: Vec<Vec<u8>>,
    /// What the last call took (senders, cuts, the bytes in the arena).
    taken: sys::Taken,
    /// The datagrams of the last batch the consumer had room for.
    delivered: Vec<(usize, u32)>,
    /// The largest datagram of the last batch (0: none yet): the arena's stride.
    stride: usize,
}

/// The arena's stride before a datagram was seen: an Ethernet frame's datagram fits.
const FIRST_STRIDE: usize = 1500;

impl Slots {
    /// The front of each datagram's room that goes in the batch's arena.
    fn stride(&self, bufsize: usize) -> usize {
        match self.stride {
            0 => FIRST_STRIDE,
            s => s,
        }
        .min(bufsize)
    }
}

impl Worker {
    /// Takes what is queued, batch by batch, for at most `rounds` calls. Returns after an
    /// empty queue, an error, or backpressure.
    pub(super) fn receive_datagrams(&mut self, bufsize: usize, rounds: usize) {
        let mut slots = std::mem::take(&mut self.auto.dgram_slots);
        // After a pause: how full it left the buffer, and whether the kernel dropped any.
        let seen = if self.auto.pause.paused() {
            sys::meminfo(self.sock.as_fd())
        } else {
            None
        };
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
            // The datagrams land one stride apart in one allocation, which their events
            // then share without a copy; a consumer that keeps only a prefix of each, or
            // none, gets copies (the allocation would hold more than it counts).
            let config = &self.shared.config;
            let in_place = config.chunk_prefix.is_none() && config.deliver_data;
            let stride = if in_place { slots.stride(bufsize) } else { 0 };
            let mut arena = Vec::new();
            // (Checked each call: one getsockopt a batch, and the descriptor stays borrowed
            // no longer than the call.)
            let got = match sys::DatagramFd::new(self.sock.as_fd()) {
                Some(fd) => sys::recvmmsg(
                    fd,
                    &mut slots.bufs[..room],
                    bufsize,
                    in_place.then_some(sys::Arena {
                        buf: &mut arena,
                        stride,
                    }),
                    &mut slots.taken,
                ),
                None => Err(io::Error::from_raw_os_error(libc::ENOTSOCK)),
            };
            match got {
                Ok(()) => {
                    let n = slots.taken.from.len();
                    taken += n;
                    let head = |i: usize| slots.taken.head.get(i).copied().unwrap_or(0);
                    // A datagram longer than the stride: its front joins the rest in its
                    // buffer, so each datagram is whole in one place.
                    for i in 0..n {
                        if head(i) > 0 && !slots.bufs[i].is_empty() {
                            let front = &arena[i * stride..i * stride + head(i)];
                            slots.bufs[i].splice(0..0, front.iter().copied());
                        }
                    }
                    // Where datagram i is: its buffer, or (empty buffer) its stride.
                    let place = |slots: &Slots, i: usize| -> Option<std::ops::Range<usize>> {
                        slots.bufs[i]
                            .is_empty()
                            .then(|| i * stride..i * stride + head(i))
                    };
                    let kept = |slots: &Slots, i: usize| {
                        place(slots, i).map_or(slots.bufs[i].len(), |r| r.len())
                    };
                    // A cut datagram cost the buffer its whole length.
                    largest = (0..n).fold(largest, |m, i| {
                        m.max(kept(&slots, i) + slots.taken.cut.get(i).copied().unwrap_or(0))
                    });
                    if n > 0 {
                        slots.stride = (0..n).map(|i| kept(&slots, i)).max().unwrap_or(0);
                    }
                    self.auto.batch_time = Some(std::time::SystemTime::now());
                    // Every datagram is answered, recorded and counted; those the consumer
                    // has room for then share one allocation and one event.
                    let mut delivered = std::mem::take(&mut slots.delivered);
                    // (Taken out while the slots are read, then put back: its allocation
                    // serves the next call.)
                    let senders = std::mem::take(&mut slots.taken.from);
                    fn data_of<'a>(
                        slots: &'a Slots,
                        arena: &'a [u8],
                        at: Option<std::ops::Range<usize>>,
                        i: usize,
                    ) -> &'a [u8] {
                        match at {
                            Some(r) => &arena[r],
                            None => &slots.bufs[i][..],
                        }
                    }
                    let mut cost = 0;
                    for (i, from) in senders.iter().enumerate() {
                        let data = data_of(&slots, &arena, place(&slots, i), i);
                        self.answer_data(data, Some(from));
                        self.tally_in(data);
                        cost += self.kept(data).len() + EVENT_COST;
                    }
                    // The whole batch's share of the budget is taken at once (one atomic
                    // operation a batch, not one a datagram); only a batch that does not fit
                    // is admitted datagram by datagram.
                    let mut permit = if n > 0 {
                        self.permit_for_all(cost)
                    } else {
                        None
                    };
                    let mut refused = false;
                    let whole = permit.is_some();
                    // The senders, each once for a run of datagrams from it.
                    let mut peers: Vec<Endpoint> = Vec::new();
                    for (i, from) in senders.iter().enumerate() {
                        let admitted = whole || {
                            let data = data_of(&slots, &arena, place(&slots, i), i);
                            let cost = self.kept(data).len() + EVENT_COST;
                            self.admit(&mut permit, &mut refused, data.len(), cost)
                        };
                        if admitted {
                            let peer = if from.len() == 0 {
                                DatagramItem::NO_PEER
                            } else {
                                let peer = Endpoint::from_sockaddr(from);
                                if peers.last() != Some(&peer) {
                                    peers.push(peer);
                                }
                                // (At most BATCH senders.)
                                u32::try_from(peers.len() - 1).unwrap_or(DatagramItem::NO_PEER)
                            };
                            delivered.push((i, peer));
                        }
                    }
                    slots.taken.from = senders;
                    if let Some(permit) = permit {
                        // The arena is shared when what was delivered from it fills at
                        // least seven eighths of it (the rest: the strides' gaps and
                        // datagrams not delivered, which the log's cap does not count);
                        // else the delivered datagrams are copied into one allocation. A
                        // datagram longer than the stride is copied in after it either way.
                        let from_arena: usize = delivered
                            .iter()
                            .filter_map(|d| place(&slots, d.0))
                            .map(|r| r.len())
                            .sum();
                        let shares = in_place && from_arena * 8 >= arena.len() * 7;
                        let copied: usize = delivered
                            .iter()
                            .map(|&(i, _)| match place(&slots, i) {
                                Some(_) if shares => 0,
                                at => self.kept(data_of(&slots, &arena, at, i)).len(),
                            })
                            .sum();
                        let mut bytes = if shares {
                            std::mem::take(&mut arena)
                        } else {
                            Vec::new()
                        };
                        bytes.reserve_exact(copied);
                        // (Each at most a 64 KiB buffer's, the batch BATCH of them.)
                        let n32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                        let mut items = Vec::with_capacity(delivered.len());
                        for &(i, peer) in &delivered {
                            let range = match place(&slots, i) {
                                Some(r) if shares => r,
                                at => {
                                    let data = self.kept(data_of(&slots, &arena, at, i));
                                    bytes.extend_from_slice(data);
                                    bytes.len() - data.len()..bytes.len()
                                }
                            };
                            items.push(DatagramItem {
                                start: n32(range.start),
                                stored: n32(range.len()),
                                len: n32(kept(&slots, i)),
                                cut: n32(slots.taken.cut.get(i).copied().unwrap_or(0)),
                                peer,
                            });
                        }
                        bytes.shrink_to_fit();
                        let batch = Datagrams {
                            bytes: std::sync::Arc::new(bytes),
                            items,
                            peers,
                            at: self
                                .auto
                                .batch_time
                                .unwrap_or_else(std::time::SystemTime::now),
                            _permit: Some(permit),
                        };
                        self.shared.emit(Event::Datagrams { id: self.id, batch });
                    }
                    delivered.clear();
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
                    let detail = self.detail_of(&e, 0);
                    self.report(OpError::from_io("recv", None, &e).with_detail(detail));
                    break;
                }
            }
        }
        self.auto.batch_time = None;
        // (A Unix datagram socket's senders wait: no loss for the window to spare it.)
        if taken > 0 && matches!(self.family, Family::Inet | Family::Inet6) {
            crate::engine::gate::datagrams_came();
        }
        self.auto.dgram_slots = slots;
        self.view.snapshot_due = true;
        self.pause_after(taken, largest, emptied, seen);
    }

    /// Decides whether the socket's input waits a moment before it is polled again (see
    /// Pause): only in the reactor, without a responder (whose answers must not wait), after
    /// a call that emptied the queue; `seen` is what the kernel reported of the buffer as the
    /// last pause ended.
    fn pause_after(&mut self, got: usize, largest: usize, emptied: bool, seen: Option<MemInfo>) {
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
        if !calm {
            self.auto.pause.end_run();
            return;
        }
        if !self.auto.pause.paused() {
            // A new run of datagrams: the buffer as it is now (the person may have changed
            // SO_RCVBUF since the last run) and the drop count to compare with.
            // Without SO_MEMINFO the drop count is unknown, not zero.
            let (rcvbuf, drops) = match sys::meminfo(self.sock.as_fd()) {
                Some(m) => (m.rcvbuf as usize, Some(m.drops)),
                None => (self.sock.recv_buffer_size().unwrap_or(0), None),
            };
            self.auto.pause.start_run(rcvbuf, drops);
        }
        self.auto.pause.plan(Instant::now(), got, largest, seen);
    }
}

/// A datagram socket in continuous receive that is emptied as each datagram arrives pays a
/// wake-up (a context switch, the larger part of what a datagram costs here) for every one
/// or few of them. While datagrams stream in at a rate the receive buffer holds easily,
/// the reactor leaves the socket unpolled for a moment after emptying it and takes what
/// came meanwhile in one call: a few dozen datagrams a wake-up instead of a few. The pause
/// starts short and doubles while the rate allows it; a datagram is then read (and timed)
/// up to PAUSE_MAX after it arrived. What the kernel reports as each pause ends keeps it
/// honest: a pause that filled more than a quarter of the buffer makes the next one
/// shorter, and one during which the kernel dropped a datagram ends the run and halves the
/// longest pause (which grows back slowly). BENCHMARKS.md has the measurements.
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
    /// The kernel's drop count at the run's start or the last pause's end (None: unknown).
    drops: Option<u32>,
    /// How much shorter than PAUSE_MAX the longest pause is now, after drops.
    cut: Duration,
}

impl Pause {
    /// Whether the socket paused before this call (what it reads then came during a pause).
    pub(super) fn paused(&self) -> bool {
        !self.last.is_zero()
    }

    fn start_run(&mut self, rcvbuf: usize, drops: Option<u32>) {
        self.rcvbuf = rcvbuf;
        self.drops = drops;
        self.largest = 0;
    }

    /// Starts the pauses over from the shortest (after a command, which may change the
    /// buffer, the mode or the responder), keeping what losses cut from the longest.
    pub(super) fn restart(&mut self) {
        *self = Pause {
            cut: self.cut,
            ..Default::default()
        };
    }

    fn end_run(&mut self) {
        self.until = None;
        self.last = Duration::ZERO;
        self.emptied = None;
    }

    /// The next pause after a call, at `now`, that took `got` datagrams (the largest
    /// `largest` bytes) and emptied the queue; `seen` is the kernel's report from the start
    /// of the call, when it came after a pause.
    fn plan(&mut self, now: Instant, got: usize, largest: usize, seen: Option<MemInfo>) {
        self.until = None;
        // How full the pause left the buffer, as a share of it.
        let mut fill = 0.0;
        if let Some(m) = seen.filter(|_| self.paused()) {
            // The count is compared with the reading at the start of the call before the
            // pause (or the run's): what the kernel dropped then, while that call emptied
            // the queue, would be charged to the pause too, but a queue being emptied has
            // room.
            if self.drops.is_some_and(|d| d != m.drops) {
                // Datagrams were lost while the input was left unpolled: no more pausing
                // for this run, and never as long as before until a while without loss.
                self.cut = PAUSE_MAX - self.cap() / 2;
                self.drops = None;
                self.end_run();
                return;
            }
            self.drops = Some(m.drops);
            self.rcvbuf = m.rcvbuf as usize;
            fill = f64::from(m.rmem) / f64::from(m.rcvbuf.max(1));
        }
        self.cut = self.cut.saturating_sub(REGROW);
        self.largest = self.largest.max(largest);
        let quarter = self.rcvbuf / buffer_cost(self.largest) / 4;
        let pause = match self.emptied {
            // `got` came in `took`: `quarter` more take quarter / got of it.
            Some(prev) if self.paused() => {
                let took = now.saturating_duration_since(prev);
                let safe = Duration::try_from_secs_f64(
                    took.as_secs_f64() * quarter as f64 / got.max(1) as f64,
                )
                .unwrap_or(PAUSE_MAX);
                // A pause that filled more than a quarter of the buffer: the next one
                // shorter in proportion (the buffer may cost more per datagram than the
                // estimate, a network card's or a truncated datagram's).
                let measured = if fill > 0.25 {
                    self.last.mul_f64(0.25 / fill)
                } else {
                    PAUSE_MAX
                };
                (self.last * 2).min(self.cap()).min(safe).min(measured)
            }
            _ => PAUSE_FIRST.min(self.cap()),
        };
        if got > quarter || pause < PAUSE_MIN {
            self.end_run();
            return;
        }
        self.last = pause;
        self.emptied = Some(now);
        self.until = Some(now + pause);
    }

    /// The longest pause allowed now.
    fn cap(&self) -> Duration {
        PAUSE_MAX.saturating_sub(self.cut)
    }
}

/// The longest pause: far below what a person sees, and a small share of what the default
/// receive buffer holds at any rate it allows.
const PAUSE_MAX: Duration = Duration::from_micros(200);
/// The first pause of a run of datagrams, before their rate is known.
const PAUSE_FIRST: Duration = Duration::from_micros(25);
/// A shorter pause would not save its wake-up.
const PAUSE_MIN: Duration = Duration::from_micros(10);
/// How much the longest pause grows back with each call after it was cut for a loss: from
/// half to whole in a hundred calls, some milliseconds of a stream.
const REGROW: Duration = Duration::from_micros(1);
/// About what a datagram of `len` bytes costs the receive buffer, for estimating how
/// many it holds: the kernel counts each datagram's whole allocation against SO_RCVBUF (its
/// bytes with headers and bookkeeping, rounded up to a power of two) and its descriptor.
/// On loopback that is 832 bytes for 64 and 2,304 for 1,400 (a test checks the estimate is
/// no lower); a network card's driver may charge more, which the fill check after each
/// pause catches. (Twice the allocation, as before, kept a 1,400-byte stream from pausing
/// at all: 12 datagrams a quarter, fewer than a call takes.)
fn buffer_cost(len: usize) -> usize {
    (len + 320).next_power_of_two() + 512
}

#[cfg(test)]
mod tests {
    use super::*;

    const RCVBUF: u32 = 212_992;

    fn mem(rmem: u32, drops: u32) -> Option<MemInfo> {
        Some(MemInfo {
            rmem,
            rcvbuf: RCVBUF,
            drops,
        })
    }

    /// A run started at `t0` with a call that took one 64-byte datagram.
    fn run(t0: Instant) -> Pause {
        let mut p = Pause::default();
        p.start_run(RCVBUF as usize, Some(0));
        p.plan(t0, 1, 64, None);
        assert_eq!(p.last, PAUSE_FIRST);
        p
    }

    fn us(n: u64) -> Duration {
        Duration::from_micros(n)
    }

    #[test]
    fn pauses_double_while_the_buffer_holds_what_comes() {
        let t0 = Instant::now();
        let mut p = run(t0);
        // Four datagrams in 30 µs: the buffer holds 52 by the estimate, a quarter of it
        // takes 390 µs at that rate.
        let mut t = t0;
        for want in [50, 100, 200, 200] {
            t += us(30);
            p.plan(t, 4, 64, mem(4 * 768, 0));
            assert_eq!(p.last, us(want));
            assert_eq!(p.until, Some(t + us(want)));
        }
    }

    /// The estimate is no lower than what loopback really charges a datagram (SO_MEMINFO's
    /// queued bytes with one datagram queued), at both sizes the benchmark sends.
    #[test]
    fn the_buffer_cost_estimate_is_no_lower_than_loopbacks() {
        use std::os::fd::AsFd;
        let rx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let tx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let to = rx.local_addr().unwrap();
        // (A deadline for the wait below, not a pace.)
        rx.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        let mut buf = [0u8; 2048];
        for len in [64, 1400] {
            tx.send_to(&vec![7u8; len], to).unwrap();
            // Loopback may queue it after send_to returns: wait until it is there (the
            // peek blocks until then), so the reading counts exactly one datagram.
            assert_eq!(rx.peek_from(&mut buf).unwrap().0, len);
            let each = crate::sys::meminfo(rx.as_fd()).expect("SO_MEMINFO").rmem as usize;
            assert!(each > len, "{len} bytes: {each} charged");
            assert!(
                buffer_cost(len) >= each,
                "{len} bytes: estimate {} under the {each} charged",
                buffer_cost(len)
            );
            rx.recv_from(&mut buf).unwrap();
        }
    }

    #[test]
    fn a_pause_that_filled_more_than_a_quarter_of_the_buffer_is_followed_by_a_shorter_one() {
        let t0 = Instant::now();
        let mut p = run(t0);
        // The kernel charged twice what the estimate allows: half the buffer in 25 µs.
        p.plan(t0 + us(30), 4, 64, mem(RCVBUF / 2, 0));
        assert_eq!(p.last, PAUSE_FIRST / 2);
        // A third of it: shorter again, below the shortest worth taking, so none.
        p.plan(t0 + us(50), 4, 64, mem(RCVBUF / 3, 0));
        assert_eq!((p.last, p.until), (Duration::ZERO, None));
    }

    #[test]
    fn a_drop_during_a_pause_ends_the_run_and_halves_the_longest_pause() {
        let t0 = Instant::now();
        let mut p = run(t0);
        p.plan(t0 + us(30), 4, 64, mem(0, 3));
        assert_eq!((p.last, p.until), (Duration::ZERO, None));
        // The next run pauses again, but never longer than half of PAUSE_MAX, growing back
        // a microsecond a call.
        let mut t = t0 + us(100);
        p.start_run(RCVBUF as usize, Some(3));
        p.plan(t, 1, 64, None);
        let mut longest = Duration::ZERO;
        for _ in 0..8 {
            t += us(30);
            p.plan(t, 4, 64, mem(0, 3));
            longest = longest.max(p.last);
        }
        assert_eq!(longest, PAUSE_MAX / 2 + us(9));
        // Another drop: half again.
        p.plan(t + us(30), 4, 64, mem(0, 4));
        assert_eq!(p.cap(), (PAUSE_MAX / 2 + us(9)) / 2);
        // A command starts the pauses over, but not the cut.
        p.restart();
        assert_eq!(
            (p.last, p.cap()),
            (Duration::ZERO, (PAUSE_MAX / 2 + us(9)) / 2)
        );
    }
}
