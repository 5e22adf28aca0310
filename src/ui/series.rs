//! A socket's readings over time, for the graphs: bytes moved, the kernel's rtt and cwnd
//! (TCP_INFO), and its receive and send queues, one sample per snapshot the engine sent
//! (it sends one when something changed). Bounded: the oldest samples go.

use std::collections::VecDeque;
use std::time::Instant;

use crate::engine::Snapshot;

/// Samples kept per socket.
pub const MAX_SAMPLES: usize = 3600;

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

    /// Bytes per second in and out, between each sample and the one before.
    pub fn rates(&self) -> (Line, Line) {
        let (mut rin, mut rout) = (Vec::new(), Vec::new());
        for (a, b) in self.samples.iter().zip(self.samples.iter().skip(1)) {
            let dt = b.at.saturating_duration_since(a.at).as_secs_f64();
            if dt <= 0.0 {
                continue;
            }
            // The mean rate over the interval: flat across it, a step at each reading.
            let (ta, tb) = (self.secs(a.at), self.secs(b.at));
            let r_in = b.bytes_in.saturating_sub(a.bytes_in) as f64 / dt;
            let r_out = b.bytes_out.saturating_sub(a.bytes_out) as f64 / dt;
            rin.extend([[ta, r_in], [tb, r_in]]);
            rout.extend([[ta, r_out], [tb, r_out]]);
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
