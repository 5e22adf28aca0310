//! How the window takes the engine's events: at most a frame's worth at a time, handing the
//! core over every few hundred. A receiving worker may share the window's core; while the
//! window applies thousands of events the scheduler lets it run on for a whole slice
//! (1.5 ms here), longer than a socket buffer of small datagrams lasts under a flood
//! (~280 of them, 0.5 ms at 600,000/s), so without the hand-over the kernel drops them.

use crossbeam_channel::Receiver;

use crate::engine::{EngineConfig, Event};

/// Events applied per frame at most, so a flood cannot starve drawing.
pub const EVENTS_PER_FRAME: usize = 20_000;
/// Events applied between two hand-overs of the core (~10 µs of work).
const YIELD_EVERY: usize = 64;

/// Nice value of the window's socket workers: a flooded socket sharing a core with the
/// window yields to drawing (the workers still get every cycle nobody else wants).
pub const WORKER_NICE: i32 = 5;

/// The engine configuration the window runs with.
pub fn window_config() -> EngineConfig {
    EngineConfig {
        worker_nice: WORKER_NICE,
        ..EngineConfig::default()
    }
}

/// The events waiting now, a frame's worth at most, yielding the core between every
/// YIELD_EVERY of them (a no-op when nothing else wants it).
pub fn frame_events(events: &Receiver<Event>) -> impl Iterator<Item = Event> + '_ {
    events
        .try_iter()
        .take(EVENTS_PER_FRAME)
        .enumerate()
        .map(|(i, ev)| {
            if i % YIELD_EVERY == YIELD_EVERY - 1 {
                std::thread::yield_now();
            }
            ev
        })
}
