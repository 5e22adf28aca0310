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
    let now = nanos_after(Duration::ZERO);
    CPU.store(crate::sys::current_cpu(), Ordering::Relaxed);
    let rested = MADE.load(Ordering::Relaxed) == 0
        || now.saturating_sub(MADE.load(Ordering::Relaxed)) >= nanos(REST);
    let until = if rested { now + nanos(MOST) } else { 0 };
    UNTIL.store(until, Ordering::Relaxed);
    DRAWING.store(true, Ordering::Release);
    FRAMES.with(|f| f.set((f.get().0 + 1, f.get().1)));
}

/// The window's thread has made its frame's shapes; what is left is tessellating and
/// painting them.
pub fn frame_made() {
    let now = nanos_after(Duration::ZERO);
    MADE.store(now, Ordering::Relaxed);
    if UNTIL.load(Ordering::Relaxed) != 0 {
        UNTIL.store(now + nanos(TAIL), Ordering::Relaxed);
    }
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
    if nanos_after(Duration::ZERO) >= UNTIL.load(Ordering::Relaxed) {
        return;
    }
    if crate::sys::current_cpu() != CPU.load(Ordering::Relaxed) {
        return;
    }
    yields.fetch_add(1, Ordering::Relaxed);
    std::thread::yield_now();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `f` on a new thread pinned to `cpu`.
    fn on_cpu<T: Send + 'static>(cpu: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::spawn(move || {
            let mut set = rustix::thread::CpuSet::new();
            set.set(cpu);
            rustix::thread::sched_setaffinity(None, &set).unwrap();
            f()
        })
        .join()
        .unwrap()
    }

    fn gives_way_on(cpu: usize) -> bool {
        on_cpu(cpu, || {
            let n = AtomicU64::new(0);
            give_way(&n);
            n.load(Ordering::Relaxed) == 1
        })
    }

    /// A worker gives way on the frame's core only, and only while the frame is drawn: up
    /// to `TAIL` after the window made its shapes, or `MOST` after a frame began that never
    /// said so; and not to a frame begun without rest after the last.
    #[test]
    fn a_worker_gives_way_on_the_frames_core_while_it_is_drawn() {
        let allowed = rustix::thread::sched_getaffinity(None).unwrap();
        let cpus: Vec<usize> = (0..rustix::thread::CpuSet::MAX_CPU)
            .filter(|&c| allowed.is_set(c))
            .collect();
        let here = cpus[0];
        let wait_past = |d: Duration| {
            let t = Instant::now();
            while t.elapsed() <= d {
                std::thread::yield_now();
            }
        };
        wait_past(REST);
        let (ended, made_at) = on_cpu(here, move || {
            frame_begins();
            let ended = gives_way_on(here);
            frame_made();
            (ended, Instant::now())
        });
        assert!(
            ended,
            "a worker on the frame's core gave way while the frame was made"
        );
        // Still being tessellated and painted (unless this thread was held up that long).
        if made_at.elapsed() < TAIL / 2 {
            assert!(
                gives_way_on(here),
                "a worker gave way during the frame's tail"
            );
        }
        // The next frame at once: the window has not rested.
        on_cpu(here, frame_begins);
        assert!(
            !gives_way_on(here),
            "a frame begun without rest opened the gate"
        );
        on_cpu(here, frame_made);
        wait_past(REST);
        on_cpu(here, frame_begins);
        assert!(
            gives_way_on(here),
            "a frame begun after rest opened the gate"
        );
        if let Some(&other) = cpus.get(1) {
            assert!(!gives_way_on(other), "a worker on another core went on");
        }
        on_cpu(here, frame_made);
        wait_past(TAIL);
        assert!(
            !gives_way_on(here),
            "a worker gave way after the frame was drawn"
        );
        // A frame that never says it was made counts as drawn for MOST.
        wait_past(REST);
        on_cpu(here, frame_begins);
        assert!(gives_way_on(here));
        wait_past(MOST);
        assert!(!gives_way_on(here), "a worker gave way past MOST");
    }
}
