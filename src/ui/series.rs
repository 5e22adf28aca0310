//! A socket's readings over time, for the graphs: bytes moved, the kernel's rtt and cwnd
//! (TCP_INFO), and its receive and send queues, one sample per snapshot the engine sent
//! (it sends one when something changed). Bounded: the oldest samples go.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::engine::Snapshot;

/// Samples kept per socket.
pub const MAX_SAMPLES: usize = 3600;
/// With no reading for this long, nothing has moved since the last: a worker reads its
/// socket every second at least while it is quiet, every quarter second while bytes move,
/// and sends what changed (one waiting at a time); this leaves room for a reading late
/// behind a frame or a flood of events.
const QUIET: Duration = Duration::from_secs(3);

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub at: Instant,
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// Smoothed round-trip time, microseconds (TCP).
    pub rtt_us: Option<u32>,
    /// Congestion window, segments (TCP).
    pub cwnd: Option<u32>,
    pub recv_queue: Option<u32>,
    pub send_queue: Option<u32>,
    /// A UDP socket's receive buffer use, bookkeeping included (its SIOCINQ is only the
    /// next datagram's size).
    pub recv_buffer_used: Option<u32>,
}

#[derive(Clone, Debug, Default)]
pub struct Series {
    samples: VecDeque<Sample>,
}

/// One line of a graph: (seconds from the first sample, value).
pub type Line = Vec<[f64; 2]>;

impl Series {
    pub fn record(&mut self, at: Instant, s: &Snapshot) {
        if s.at_close {
            return;
        }
        if self.samples.len() >= MAX_SAMPLES {
            self.samples.pop_front();
        }
        // Before a first round trip (never connected, or refused) the kernel reports rtt 0
        // and its starting cwnd: no measurement, so no point (as the inspector says).
        let measured = s.tcp.as_ref().filter(|t| t.rtt_us != 0);
        self.samples.push_back(Sample {
            at,
            bytes_in: s.counters.bytes_in,
            bytes_out: s.counters.bytes_out,
            rtt_us: measured.map(|t| t.rtt_us),
            cwnd: measured.map(|t| t.snd_cwnd),
            recv_queue: s.recv_queue,
            send_queue: s.send_queue,
            recv_buffer_used: s.recv_buffer.map(|b| b.used),
        });
    }

    /// When the rates drawn at `now` would change with no new reading: at the end of the
    /// quiet time after the last one (they fall to zero then).
    pub fn settles_in(&self, now: Instant) -> Option<Duration> {
        let last = self.samples.back()?.at;
        (last + QUIET + Duration::from_millis(1)).checked_duration_since(now)
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    fn secs(&self, at: Instant) -> f64 {
        self.samples
            .front()
            .map_or(0.0, |f| at.saturating_duration_since(f.at).as_secs_f64())
    }

    /// Bytes per second in and out, between each sample and the one before; `now`, for a
    /// socket still open: with no reading for a while, nothing has moved since the last,
    /// and the rates end at zero.
    pub fn rates(&self, now: Option<Instant>) -> (Line, Line) {
        let (mut rin, mut rout) = (Vec::new(), Vec::new());
        for (a, b) in self.samples.iter().zip(self.samples.iter().skip(1)) {
            let gap = b.at.saturating_duration_since(a.at);
            if gap.is_zero() {
                continue;
            }
            // The mean rate over the interval: flat across it, a step at each reading (when
            // in it the bytes moved, the readings do not say).
            let (ta, tb) = (self.secs(a.at), self.secs(b.at));
            let dt = gap.as_secs_f64();
            let r_in = b.bytes_in.saturating_sub(a.bytes_in) as f64 / dt;
            let r_out = b.bytes_out.saturating_sub(a.bytes_out) as f64 / dt;
            rin.extend([[ta, r_in], [tb, r_in]]);
            rout.extend([[ta, r_out], [tb, r_out]]);
        }
        if let (Some(now), Some(last)) = (now, self.samples.back()) {
            if now.saturating_duration_since(last.at) > QUIET && self.samples.len() > 1 {
                let (tl, tn) = (self.secs(last.at), self.secs(now));
                for line in [&mut rin, &mut rout] {
                    line.extend([[tl, 0.0], [tn, 0.0]]);
                }
            }
        }
        (rin, rout)
    }

    /// One reading over time (the samples that have it): a reading holds until the next
    /// one (the engine sends one when something changed), so the line steps.
    pub fn line(&self, pick: impl Fn(&Sample) -> Option<u32>) -> Line {
        let mut line: Line = Vec::new();
        for s in &self.samples {
            let Some(v) = pick(s) else {
                continue;
            };
            let t = self.secs(s.at);
            if let Some(&[_, before]) = line.last() {
                line.push([t, before]);
            }
            line.push([t, f64::from(v)]);
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(t0: Instant, ms: u64, bytes_out: u64) -> Sample {
        Sample {
            at: t0 + Duration::from_millis(ms),
            bytes_in: 0,
            bytes_out,
            rtt_us: None,
            cwnd: None,
            recv_queue: None,
            send_queue: None,
            recv_buffer_used: None,
        }
    }

    fn series(samples: Vec<Sample>) -> Series {
        Series {
            samples: samples.into(),
        }
    }

    #[test]
    fn readings_a_read_period_apart_give_the_mean_rate_between_them() {
        let t0 = Instant::now();
        let s = series(vec![at(t0, 0, 0), at(t0, 250, 1000), at(t0, 500, 1500)]);
        let (_, out) = s.rates(None);
        assert_eq!(
            out,
            [[0.0, 4000.0], [0.25, 4000.0], [0.25, 2000.0], [0.5, 2000.0]]
        );
    }

    /// With no reading since, nothing has moved: the rate ends at zero, now.
    #[test]
    fn the_rate_falls_to_zero_when_readings_stop() {
        let t0 = Instant::now();
        let s = series(vec![at(t0, 0, 0), at(t0, 250, 1000)]);
        let (_, out) = s.rates(Some(t0 + Duration::from_secs(4)));
        assert_eq!(
            out,
            [[0.0, 4000.0], [0.25, 4000.0], [0.25, 0.0], [4.0, 0.0]]
        );
        // A reading a moment ago may still be followed by one that counts more bytes (late
        // behind a busy frame, or the quiet socket's once a second).
        let (_, out) = s.rates(Some(t0 + Duration::from_millis(2500)));
        assert_eq!(out.last(), Some(&[0.25, 4000.0]));
    }
}

/// What a plot's values are, for the words its hover label uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    BytesPerSec,
    Bytes,
    Micros,
    Segments,
}

/// The hover label by a line's reading: its name, the value in its unit, and when (the
/// plot's x is seconds from the first reading). Away from every line there is none: bare
/// coordinates mean nothing to a reader.
pub fn hover_text(unit: Unit, line: &str, x: f64, y: f64) -> String {
    let value = match unit {
        Unit::BytesPerSec => format!("{}/s", super::traffic::human_bytes(y)),
        Unit::Bytes => super::traffic::human_bytes(y),
        Unit::Micros => format!("{y:.0} µs"),
        Unit::Segments => crate::t!("diagram-graph-segments", n = format!("{y:.0}")),
    };
    format!(
        "{}\n{}",
        crate::t!("diagram-graph-hover", name = line, value = value),
        crate::t!("diagram-graph-hover-time", secs = format!("{x:.1}"))
    )
}
