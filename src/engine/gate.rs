//! The window's frame goes first on a core it shares with a worker. The workers run at a
//! lower priority (nice 10), but the scheduler still hands a shared core to a runnable
//! worker at a timer tick once the window's thread has used its slice (about 1.5 ms here),
//! and the worker then keeps it until the next tick, 1–4 ms: a frame longer than the slice
//! (the window's under a flood) came late by that. So the window says when it draws, and a
//! worker that finds itself on the core the frame is drawn on hands that core back
//! (sched_yield) after each piece of its work (a stream's recv, a round of the reactor, a
//! batch freed): the frame waits for that piece, not for a tick. No worker waits for the
//! frame: one on another core goes on at once, and one that finds the window not ready to
//! run goes on after its yield.
//!
//! Datagrams are another matter: their sender does not wait, and a receive buffer holds
//! under a millisecond of a fast stream (92 datagrams of 1,400 bytes at loopback's charge),
//! less than a frame. While datagrams stream in, the window hands the core over between
//! pieces of its frame (between panels, and every 64 datagrams it files: ui/drain.rs); the
//! first worker on that core to ask then does one piece of its work (a reactor's round
//! reads what the socket holds, up to 1,024 datagrams) before it gives the core back.
//!
//! The window's last hook in a frame comes before the frame is tessellated and painted, so
//! a frame counts as drawn until `TAIL` after it; a frame that never says it was made ends
//! `MOST` after it began. Only a frame after the window rested (`REST`) counts: the window
//! at 60 frames a second rests most of the time, and the workers get the core then; a
//! window drawing without rest, or hidden (eframe then runs its logic without drawing),
//! leaves the workers their share.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A frame that has not said it was made counts as ended this long after it began (a
/// longer one is not drawing smoothly anyway).
pub const MOST: Duration = Duration::from_millis(8);
/// A frame begun sooner than this after the last one was drawn (made, and `TAIL` after)
/// does not open the gate: a window drawing frame after frame without rest (or a loop that
/// draws until something arrives) would otherwise keep a worker on its core from its share
/// of that core.
pub const REST: Duration = Duration::from_millis(2);
/// How long after the window's last hook a frame still counts as being drawn
/// (tessellation and painting).
pub const TAIL: Duration = Duration::from_millis(1);
/// Datagrams taken this recently make the window hand its core over between pieces of a
/// frame (`hand_over`).
pub const STREAMING: Duration = Duration::from_millis(50);

/// The window has drawn (a process without a window never reads the clock here).
static DRAWING: AtomicBool = AtomicBool::new(false);
/// Until when, in nanoseconds since `epoch()` (0: closed).
static UNTIL: AtomicU64 = AtomicU64::new(0);
/// When the last frame was made, likewise.
static MADE: AtomicU64 = AtomicU64::new(0);
/// A frame began and has not said it was made.
static PENDING: AtomicBool = AtomicBool::new(false);
/// The core the frame began on.
static CPU: AtomicUsize = AtomicUsize::new(usize::MAX);
/// The window handed its core over (`hand_over`): the first worker there to ask does one
/// piece of its work before it gives way again.
static HANDED: AtomicBool = AtomicBool::new(false);
/// When a worker last took datagrams from the network, in nanoseconds since `epoch()` (0:
/// never).
static DATAGRAMS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Frame passes this thread began and said it made (what a test of the window reads).
    static FRAMES: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
    /// Times this thread offered its core to a worker (likewise).
    static OFFERS: Cell<u64> = const { Cell::new(0) };
}

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn now() -> u64 {
    u64::try_from(epoch().elapsed().as_nanos()).unwrap_or(u64::MAX)
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// The window's thread begins pass `pass` of a frame (egui may run a frame twice: the
/// second pass goes on with the first's frame).
pub fn frame_begins(pass: usize) {
    begin(now(), crate::sys::current_cpu(), pass);
    FRAMES.with(|f| f.set((f.get().0 + 1, f.get().1)));
}

/// The window's thread has made its frame's shapes; what is left is tessellating and
/// painting them.
pub fn frame_made() {
    made(now());
    FRAMES.with(|f| f.set((f.get().0, f.get().1 + 1)));
}

/// Frame passes the calling thread began, and said it made, so far.
pub fn frames_here() -> (u64, u64) {
    FRAMES.with(Cell::get)
}

/// What a worker did at `give_way`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    /// No frame is drawn on its core: it goes on.
    Clear,
    /// It handed the core back to the frame.
    GaveWay,
    /// The window had handed its core over (`hand_over`): it goes on with one piece of work.
    TookTurn,
}

/// Called by a worker between pieces of its work, holding no lock: while the window's
/// thread draws a frame on this worker's core, hands the core back to it once, unless the
/// window has just handed it over.
pub fn give_way() -> Way {
    if !DRAWING.load(Ordering::Acquire) {
        return Way::Clear;
    }
    // (Asked only while a frame is drawn: where the kernel has no vDSO for it, a call.)
    let way = way_at(now(), crate::sys::current_cpu, &HANDED);
    if way == Way::GaveWay {
        std::thread::yield_now();
    }
    way
}

/// What a worker on core `cpu` does at `now`: gives way on the frame's core while it is
/// drawn, or takes the turn the window handed over (`handed`, cleared here: one worker,
/// one piece of work).
fn way_at(now: u64, cpu: impl FnOnce() -> usize, handed: &AtomicBool) -> Way {
    if !open_at(now) || cpu() != CPU.load(Ordering::Relaxed) {
        Way::Clear
    } else if handed.load(Ordering::Relaxed) && handed.swap(false, Ordering::Relaxed) {
        Way::TookTurn
    } else {
        Way::GaveWay
    }
}

/// Called by the window's thread between pieces of its frame: while datagrams stream in
/// (a worker took some from the network in the last `STREAMING`), the first worker on this
/// core to ask for it gets it for one piece of its work (the reactor's round empties a
/// socket whose buffer would overflow while the frame is drawn), then gives it back. A
/// no-op when no one waits, and when no datagrams came: a stream's sender only waits, and
/// a frame would lose a piece of a stream flood's work each time for nothing.
pub fn hand_over() {
    let last = DATAGRAMS.load(Ordering::Relaxed);
    if last == 0 || !streaming(now(), last) {
        return;
    }
    HANDED.store(true, Ordering::Relaxed);
    std::thread::yield_now();
    HANDED.store(false, Ordering::Relaxed);
    OFFERS.with(|h| h.set(h.get() + 1));
}

/// Times the calling thread offered its core (`hand_over` while datagrams streamed in).
pub fn offers_here() -> u64 {
    OFFERS.with(Cell::get)
}

/// A worker took datagrams from the network just now (see `hand_over`).
pub fn datagrams_came() {
    if DRAWING.load(Ordering::Relaxed) {
        DATAGRAMS.store(now().max(1), Ordering::Relaxed);
    }
}

/// Whether datagrams last taken at `last` still stream in at `now`.
fn streaming(now: u64, last: u64) -> bool {
    now < last.saturating_add(nanos(STREAMING))
}

/// Pass `pass` of a frame begins at `now` on core `cpu`.
fn begin(now: u64, cpu: usize, pass: usize) {
    CPU.store(cpu, Ordering::Relaxed);
    let until = if pass > 0 {
        // The same frame, if it is still open.
        if open_at(now) {
            now.saturating_add(nanos(MOST))
        } else {
            0
        }
    } else {
        // Logic run again without a frame drawn (a hidden window) is no frame to wait for.
        let pending = PENDING.swap(true, Ordering::Relaxed);
        let last = MADE.load(Ordering::Relaxed);
        let rested = last == 0 || now >= last.saturating_add(nanos(TAIL + REST));
        if rested && !pending {
            now.saturating_add(nanos(MOST))
        } else {
            0
        }
    };
    UNTIL.store(until, Ordering::Relaxed);
    DRAWING.store(true, Ordering::Release);
}

/// The frame's shapes were made at `now`.
fn made(now: u64) {
    PENDING.store(false, Ordering::Relaxed);
    MADE.store(now, Ordering::Relaxed);
    // (A frame already past MOST stays closed.)
    if open_at(now) {
        UNTIL.store(now.saturating_add(nanos(TAIL)), Ordering::Relaxed);
    }
}

/// Whether a frame is being drawn at `now`.
fn open_at(now: u64) -> bool {
    now < UNTIL.load(Ordering::Relaxed)
}

/// Whether at `now` a frame is being drawn on core `cpu`.
#[cfg(test)]
fn drawing_on(now: u64, cpu: usize) -> bool {
    open_at(now) && cpu == CPU.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A worker gives way on the frame's core only, and only while the frame is drawn: up
    /// to `TAIL` after the window made its shapes, or `MOST` after a frame began that never
    /// said so; a second pass goes on with its frame; a frame begun without rest after the
    /// last, or after one never made (a hidden window), is none. (Times far from the
    /// clock's, so a real frame of another test would not count here.)
    #[test]
    fn a_worker_gives_way_on_the_frames_core_while_it_is_drawn() {
        let ms = |n: u64| n * 1_000_000;
        let t = 1u64 << 60;
        let (here, other) = (3, 4);
        begin(t, here, 0);
        assert!(drawing_on(t + ms(1), here), "while the frame is made");
        assert!(
            !drawing_on(t + ms(1), other),
            "a worker on another core goes on"
        );
        made(t + ms(3));
        assert!(
            drawing_on(t + ms(3) + ms(1) / 2, here),
            "while it is painted"
        );
        // egui's second pass of the same frame.
        let second = t + ms(3) + ms(1) / 2;
        begin(second, here, 1);
        assert!(drawing_on(second + ms(5), here), "the second pass");
        made(second + ms(6));
        let drawn = second + ms(6) + nanos(TAIL);
        assert!(!drawing_on(drawn, here), "after it was drawn");
        // The next frame before the window rested.
        let next = drawn + nanos(REST) - 1;
        begin(next, here, 0);
        assert!(!drawing_on(next + 1, here), "a frame begun without rest");
        made(next + ms(2));
        assert!(!drawing_on(next + ms(2), here), "made, it stays closed");
        // After rest; a frame that never says it was made counts as drawn for MOST...
        let later = next + ms(2) + nanos(TAIL + REST);
        begin(later, here, 0);
        assert!(drawing_on(later + nanos(MOST) - 1, here));
        assert!(!drawing_on(later + nanos(MOST), here), "past MOST");
        // ...and its being made then does not open it again.
        made(later + nanos(MOST) + 1);
        assert!(!drawing_on(later + nanos(MOST) + 2, here), "made past MOST");
        // Logic run twice without a frame made between: the second is no frame.
        let hidden = later + ms(20);
        begin(hidden, here, 0);
        assert!(drawing_on(hidden + 1, here));
        begin(hidden + ms(10), here, 0);
        assert!(
            !drawing_on(hidden + ms(10) + 1, here),
            "logic without a frame"
        );
        made(hidden + ms(11));
        // The window hands its core over: the first worker there to ask does its piece of
        // work, then gives way again; one on another core leaves the turn alone.
        let handing = hidden + ms(11) + nanos(TAIL + REST);
        begin(handing, here, 0);
        let handed = AtomicBool::new(false);
        assert_eq!(way_at(handing + 1, || here, &handed), Way::GaveWay);
        handed.store(true, Ordering::Relaxed);
        assert_eq!(way_at(handing + 2, || other, &handed), Way::Clear);
        assert!(handed.load(Ordering::Relaxed), "the turn is this core's");
        assert_eq!(way_at(handing + 3, || here, &handed), Way::TookTurn);
        assert_eq!(
            way_at(handing + 4, || here, &handed),
            Way::GaveWay,
            "one piece of work, then the frame again"
        );
        made(handing + ms(1));
        UNTIL.store(0, Ordering::Relaxed);
    }

    /// The window hands its core over only while datagrams stream in: taken within
    /// `STREAMING`, not after.
    #[test]
    fn the_window_hands_its_core_over_while_datagrams_stream_in() {
        let t = 1u64 << 60;
        assert!(streaming(t, t));
        assert!(streaming(t + nanos(STREAMING) - 1, t));
        assert!(!streaming(t + nanos(STREAMING), t), "none for a while");
    }
}
