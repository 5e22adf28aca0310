//! The window's frame goes first on a core it shares with a worker. The workers run at a
//! lower priority (nice 10), but the scheduler still hands a shared core to a runnable
//! worker at a timer tick once the window's thread has used its slice (about 1.5 ms here),
//! and the worker then keeps it until the next tick, 1–4 ms: a frame longer than the slice
//! (the window's under a flood) came late by that. So the window says when it draws, and a
//! worker that finds itself on the core the frame is drawn on hands that core back
//! (sched_yield) after each piece of its work. No worker waits for the frame: one on
//! another core goes on at once, and one that finds the window not ready to run goes on
//! after its yield.
//!
//! While the window files a flood of datagrams it hands the core to the worker now and
//! then (ui/drain.rs); the worker then does a piece of its work (a reactor's round reads
//! the socket empty) before it gives the core back.
//!
//! The window's last hook in a frame comes before the frame is tessellated and painted, so
//! a frame counts as drawn until `TAIL` after it; a frame that never says it was made ends
//! `MOST` after it began. Only a frame after the window rested (`REST`) counts: the window
//! at 60 frames a second rests most of the time, and the workers get the core then.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A frame that has not said it was made counts as ended this long after it began (a
/// longer one is not drawing smoothly anyway).
pub const MOST: Duration = Duration::from_millis(8);
/// A frame begun sooner than this after the last one was made does not open the gate: a
/// window drawing frame after frame without rest (or a loop that draws until something
/// arrives) would otherwise keep a worker on its core from its share of that core.
pub const REST: Duration = Duration::from_millis(2);
/// How long after the window's last hook a frame still counts as being drawn
/// (tessellation and painting).
pub const TAIL: Duration = Duration::from_millis(1);

/// The window has drawn (a process without a window never reads the clock here).
static DRAWING: AtomicBool = AtomicBool::new(false);
/// Until when, in nanoseconds since `epoch()` (0: closed).
static UNTIL: AtomicU64 = AtomicU64::new(0);
/// When the last frame was made, likewise.
static MADE: AtomicU64 = AtomicU64::new(0);
/// The core the frame began on.
static CPU: AtomicUsize = AtomicUsize::new(usize::MAX);

thread_local! {
    /// Frames this thread began and said it made (what a test of the window reads).
    static FRAMES: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn nanos_after(d: Duration) -> u64 {
    u64::try_from((epoch().elapsed() + d).as_nanos()).unwrap_or(u64::MAX)
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// The window's thread begins a frame.
pub fn frame_begins() {
    begin(nanos_after(Duration::ZERO), crate::sys::current_cpu());
    FRAMES.with(|f| f.set((f.get().0 + 1, f.get().1)));
}

/// The window's thread has made its frame's shapes; what is left is tessellating and
/// painting them.
pub fn frame_made() {
    made(nanos_after(Duration::ZERO));
    FRAMES.with(|f| f.set((f.get().0, f.get().1 + 1)));
}

/// Frames the calling thread began, and said it made, so far.
pub fn frames_here() -> (u64, u64) {
    FRAMES.with(Cell::get)
}

/// Called by a worker between pieces of its work, holding no lock: while the window's
/// thread draws a frame on this worker's core, hands the core back to it once, and counts
/// that in `yields`.
pub fn give_way(yields: &AtomicU64) {
    if !DRAWING.load(Ordering::Acquire) {
        return;
    }
    if drawing_on(nanos_after(Duration::ZERO), crate::sys::current_cpu()) {
        yields.fetch_add(1, Ordering::Relaxed);
        std::thread::yield_now();
    }
}

/// A frame begins at `now` on core `cpu`.
fn begin(now: u64, cpu: usize) {
    let last = MADE.load(Ordering::Relaxed);
    let rested = last == 0 || now.saturating_sub(last) >= nanos(REST);
    CPU.store(cpu, Ordering::Relaxed);
    UNTIL.store(
        if rested {
            now.saturating_add(nanos(MOST))
        } else {
            0
        },
        Ordering::Relaxed,
    );
    DRAWING.store(true, Ordering::Release);
}

/// The frame's shapes were made at `now`.
fn made(now: u64) {
    MADE.store(now, Ordering::Relaxed);
    if UNTIL.load(Ordering::Relaxed) != 0 {
        UNTIL.store(now.saturating_add(nanos(TAIL)), Ordering::Relaxed);
    }
}

/// Whether at `now` a frame is being drawn on core `cpu`.
fn drawing_on(now: u64, cpu: usize) -> bool {
    now < UNTIL.load(Ordering::Relaxed) && cpu == CPU.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A worker gives way on the frame's core only, and only while the frame is drawn: up
    /// to `TAIL` after the window made its shapes, or `MOST` after a frame began that never
    /// said so; and not during a frame begun without rest after the last. (Times far from
    /// the clock's, so a real frame of another test would not count here.)
    #[test]
    fn a_worker_gives_way_on_the_frames_core_while_it_is_drawn() {
        let ms = |n: u64| n * 1_000_000;
        let t = 1u64 << 60;
        let (here, other) = (3, 4);
        begin(t, here);
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
        assert!(
            !drawing_on(t + ms(3) + nanos(TAIL), here),
            "after it was drawn"
        );
        // The next frame at once: the window did not rest.
        let next = t + ms(3) + nanos(REST) - 1;
        begin(next, here);
        assert!(!drawing_on(next + 1, here), "a frame begun without rest");
        made(next + ms(2));
        assert!(!drawing_on(next + ms(2), here), "made, it stays closed");
        // After rest; a frame that never says it was made counts as drawn for MOST.
        let later = next + ms(2) + nanos(REST);
        begin(later, here);
        assert!(drawing_on(later + nanos(MOST) - 1, here));
        assert!(!drawing_on(later + nanos(MOST), here), "past MOST");
        UNTIL.store(0, Ordering::Relaxed);
    }
}
