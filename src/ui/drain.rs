//! How the window takes the engine's events: at most a frame's worth at a time, handing the
//! core over while datagrams pour in. A receiving worker may share the window's core; while
//! the window applies thousands of events the scheduler lets it run on until its next tick,
//! longer than a socket buffer of small datagrams lasts under a flood, and the kernel drops
//! what does not fit (BENCHMARKS.md has the numbers). The hand-over is the gate's
//! (`engine::gate::hand_over`), which the window also calls between the panels of a frame
//! while datagrams stream in. A stream's sender only waits, so a stream flood gets no such
//! hand-over: it would cost the frame a whole slice of the flood each time.

use crossbeam_channel::Receiver;

use crate::engine::{EngineConfig, Event};

/// Events applied per frame at most, so a flood cannot starve drawing.
pub const EVENTS_PER_FRAME: usize = 20_000;
/// Datagrams applied between two hand-overs of the core (~10 µs of work).
const YIELD_EVERY: usize = 64;

/// Nice value of the window's socket workers: a flooded socket sharing a core with the
/// window yields to drawing (the workers still get every cycle nobody else wants).
pub const WORKER_NICE: i32 = 10;

/// The engine configuration the window runs with.
pub fn window_config() -> EngineConfig {
    EngineConfig {
        worker_nice: WORKER_NICE,
        ..EngineConfig::default()
    }
}

/// The events waiting now, a frame's worth at most (a batch of datagrams counts each of
/// them), handing the core over after every YIELD_EVERY datagrams among them
/// (`gate::hand_over`: a no-op when nothing else wants it, or no datagrams came from the
/// network).
pub fn frame_events(events: &Receiver<Event>) -> impl Iterator<Item = Event> + '_ {
    let (mut applied, mut datagrams) = (0usize, 0usize);
    std::iter::from_fn(move || {
        if applied >= EVENTS_PER_FRAME {
            return None;
        }
        let ev = events.try_recv().ok()?;
        let (chunks, datagram) = ev.data_count();
        applied += chunks.max(1);
        if datagram {
            let before = datagrams / YIELD_EVERY;
            datagrams += chunks;
            if datagrams / YIELD_EVERY != before {
                crate::engine::gate::hand_over();
            }
        }
        Some(ev)
    })
}
