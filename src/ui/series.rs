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
/// The longest a worker goes between readings of its socket (a quiet one's, once a
/// second, EngineConfig::ticks), with room for a reading the window took late (a sample's
/// time is when the window applied it): two readings further apart mean the ones between
/// saw nothing change, so what the later one counts moved within this before it, not
/// across the whole gap.
const LONGEST_READ: Duration = Duration::from_millis(1500);

/// What the traffic header's rates average over.
pub const RECENT: Duration = Duration::from_secs(1);

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
            // in it the bytes moved, the readings do not say). Across a longer gap the
            // worker read the socket meanwhile and saw nothing move: zero until the last
            // read period before the reading, the mean over that period after (a datagram
            // after 16 idle seconds is not a trickle through all of them).
            let (ta, tb) = (self.secs(a.at), self.secs(b.at));
            let moved = gap.min(LONGEST_READ);
            let tm = tb - moved.as_secs_f64();
            let dt = moved.as_secs_f64();
            let r_in = b.bytes_in.saturating_sub(a.bytes_in) as f64 / dt;
            let r_out = b.bytes_out.saturating_sub(a.bytes_out) as f64 / dt;
            for (line, r) in [(&mut rin, r_in), (&mut rout, r_out)] {
                if moved < gap {
                    line.extend([[ta, 0.0], [tm, 0.0]]);
                }
                line.extend([[tm, r], [tb, r]]);
            }
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

    /// Bytes per second in and out over the second before the latest reading: both over
    /// the same second (one reading's step alone is a quarter second, and an echo's bytes
    /// in and out fell on either side of its edge), the graph's steps averaged. Zero once a
    /// reading is overdue, which means the worker read the socket and nothing had moved.
    pub fn recent_rates(&self, now: Instant) -> (f64, f64) {
        let Some(last) = self.samples.back() else {
            return (0.0, 0.0);
        };
        if now.saturating_duration_since(last.at) > LONGEST_READ {
            return (0.0, 0.0);
        }
        let from = last.at.checked_sub(RECENT).unwrap_or(last.at);
        let (mut bytes_in, mut bytes_out) = (0.0, 0.0);
        let pairs = self.samples.iter().zip(self.samples.iter().skip(1));
        for (a, b) in pairs.rev() {
            if b.at <= from {
                break;
            }
            let gap = b.at.saturating_duration_since(a.at);
            if gap.is_zero() {
                continue;
            }
            // As the graph draws it: the bytes moved over the read period before b (not
            // across a longer gap), evenly; the part of that period inside the second.
            let moved = gap.min(LONGEST_READ);
            let inside = b.at.saturating_duration_since((b.at - moved).max(from));
            let share = inside.as_secs_f64() / moved.as_secs_f64();
            bytes_in += b.bytes_in.saturating_sub(a.bytes_in) as f64 * share;
            bytes_out += b.bytes_out.saturating_sub(a.bytes_out) as f64 * share;
        }
        let secs = RECENT.as_secs_f64();
        (bytes_in / secs, bytes_out / secs)
    }

    /// When `recent_rates` would change with no new reading: they fall to zero once the
    /// latest reading is overdue.
    pub fn recent_rates_end(&self, now: Instant) -> Option<Duration> {
        let last = self.samples.back()?.at;
        (last + LONGEST_READ + Duration::from_millis(1)).checked_duration_since(now)
    }

    /// One reading over time (the samples that have it): a reading holds until the next
    /// one (the engine sends one when something changed), so the line steps; `now`, for a
    /// socket still open: the last reading holds until now, so every graph spans the same
    /// seconds (they ended at their last change, an rtt graph of 0.2 s beside a rate graph
    /// of 10).
    pub fn line(&self, pick: impl Fn(&Sample) -> Option<u32>, now: Option<Instant>) -> Line {
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
        // Only while the latest reading has it (an rtt no longer measured does not hold).
        let held = self.samples.back().and_then(&pick).map(f64::from);
        if let (Some(now), Some(v)) = (now, held) {
            let t = self.secs(now);
            if line.last().is_some_and(|p| p[0] < t) {
                line.push([t, v]);
            }
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reading holds until now while the socket is open (not past it once closed, nor
    /// once the latest reading lacks it).
    #[test]
    fn a_reading_holds_until_now() {
        let t0 = Instant::now();
        let mut s = Series::default();
        let mut a = at(t0, 0, 0);
        a.rtt_us = Some(30);
        let mut b = at(t0, 1000, 10);
        b.rtt_us = Some(40);
        s.samples.extend([a, b]);
        let now = t0 + Duration::from_secs(8);
        let rtt = |s: &Series, now| s.line(|x| x.rtt_us, now);
        assert_eq!(
            rtt(&s, Some(now)),
            [[0.0, 30.0], [1.0, 30.0], [1.0, 40.0], [8.0, 40.0]]
        );
        assert_eq!(rtt(&s, None), [[0.0, 30.0], [1.0, 30.0], [1.0, 40.0]]);
        s.samples.push_back(at(t0, 2000, 20));
        assert_eq!(rtt(&s, Some(now)), [[0.0, 30.0], [1.0, 30.0], [1.0, 40.0]]);
    }

    /// In and out over one same second before the latest reading, as the graph's steps
    /// average there; zero once a reading is overdue.
    #[test]
    fn recent_rates_average_the_second_before_the_latest_reading() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut s = Series::default();
        assert_eq!(s.recent_rates(t0), (0.0, 0.0));
        // Quiet, then readings a quarter second apart, 300 bytes out each. The first came
        // after 10 quiet seconds: its bytes moved within the read period before it (1.5 s,
        // as the graph draws them), of which the second holds its last quarter.
        let mut last = 0;
        s.samples.push_back(at(t0, 0, 0));
        for (i, out) in [300, 600, 900, 1200].into_iter().enumerate() {
            last = 10_000 + 250 * i as u64;
            s.samples.push_back(at(t0, last, out));
        }
        let (r_in, r_out) = s.recent_rates(t0 + ms(last));
        assert_eq!(r_in, 0.0);
        // Three steps whole (900), and 250/1500 of the first's 300.
        assert!((r_out - 950.0).abs() < 1e-6, "{r_out}");
        // Unchanged until the reading is overdue, then zero.
        assert_eq!(s.recent_rates(t0 + ms(last + 1500)).1, r_out);
        assert_eq!(s.recent_rates(t0 + ms(last + 1501)), (0.0, 0.0));
        assert_eq!(s.recent_rates_end(t0 + ms(last + 1000)), Some(ms(501)));

        // An echo: 100 bytes in at one reading, the same 100 out at the next. Over the
        // second both are 100 B/s (the step alone would say in 0, out 400).
        let mut s = Series::default();
        for (ms_at, bytes_in, out) in [(0, 0, 0), (250, 0, 0), (500, 0, 0), (750, 0, 0)]
            .into_iter()
            .chain([(1000, 100, 0), (1250, 100, 100)])
        {
            let mut x = at(t0, ms_at, out);
            x.bytes_in = bytes_in;
            s.samples.push_back(x);
        }
        assert_eq!(s.recent_rates(t0 + ms(1250)), (100.0, 100.0));
    }

    #[test]
    fn time_axis_steps_go_one_two_five() {
        assert_eq!(time_steps(0.3), [0.5, 5.0, 10.0]);
        assert_eq!(time_steps(1.0), [1.0, 10.0, 50.0]);
        assert_eq!(time_steps(0.02), [0.02, 0.2, 1.0]);
        assert_eq!(time_steps(0.0), [1.0, 1.0, 1.0]);
        // 0.15: 0.2, then 2, and 5 is no multiple of 2: 10.
        assert_eq!(time_steps(0.15), [0.2, 2.0, 10.0]);
        for k in -30..30 {
            let [a, b, c] = time_steps(0.013 * 1.37f64.powi(k));
            for (big, of) in [(b, a), (c, b)] {
                let r = big / of;
                assert!((r - r.round()).abs() < 1e-6, "{a} {b} {c}");
            }
        }
    }

    #[test]
    fn value_axis_ticks_are_short() {
        let said: Vec<String> = [0.0, 0.2, 5.0, 250_000.0, 1_500_000.0, 30_000_000.0, 2.25e9]
            .into_iter()
            .map(|v| axis_text(v, 1e5))
            .collect();
        assert_eq!(said, ["0", "", "5", "250 k", "1.5 M", "30 M", "2.25 G"]);
        // Zoomed in, neighbours differ.
        assert_eq!(axis_text(1_234_000.0, 1000.0), "1.234 M");
        assert_eq!(axis_text(1_235_000.0, 1000.0), "1.235 M");
    }

    /// Half a second is "0.5" (the plot's own labels rounded it to a second "0").
    #[test]
    fn time_axis_ticks_have_the_decimals_their_step_needs() {
        let said = |steps: &[(f64, f64)]| -> Vec<String> {
            steps.iter().map(|&(v, s)| time_axis_text(v, s)).collect()
        };
        assert_eq!(
            said(&[(0.0, 0.5), (0.5, 0.5), (1.0, 0.5)]),
            ["0", "0.5", "1"]
        );
        assert_eq!(
            said(&[(0.2, 0.2), (0.05, 0.05), (0.25, 0.05)]),
            ["0.2", "0.05", "0.25"]
        );
        assert_eq!(said(&[(10.0, 5.0), (120.0, 20.0)]), ["10", "120"]);
    }

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

    /// Readings far apart (a quiet socket's): the worker read it meanwhile and nothing had
    /// moved, so the bytes the later one counts moved in the read period before it.
    #[test]
    fn bytes_after_a_quiet_spell_moved_in_the_last_read_period() {
        let t0 = Instant::now();
        let s = series(vec![at(t0, 0, 0), at(t0, 16_500, 5)]);
        let (_, out) = s.rates(None);
        assert_eq!(
            out,
            [
                [0.0, 0.0],
                [15.0, 0.0],
                [15.0, 5.0 / 1.5],
                [16.5, 5.0 / 1.5]
            ]
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

/// The time axis's grid steps (seconds) for a plot whose thinnest lines may be `base`
/// apart: 1, 2 or 5 times a power of ten, the middle one wide enough for a label (the
/// plot's default, powers of ten only, labelled an 8-second axis at 0 alone).
pub fn time_steps(base: f64) -> [f64; 3] {
    fn nice(x: f64) -> f64 {
        if !(x.is_finite() && x > 0.0) {
            return 1.0;
        }
        let power = 10f64.powi(x.log10().floor() as i32);
        [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * power)
            .find(|v| *v >= x * (1.0 - 1e-9))
            .unwrap_or(10.0 * power)
    }
    // The grid's thinnest lines are at least 8 points apart, a label needs 60; each step a
    // whole number of the one below (2 then 5 would label 4, 5, 6 unevenly).
    let small = nice(base);
    let medium = nice(base * 7.5).max(small);
    let large = nice(base * 30.0).max(medium);
    let multiple = |big: f64, of: f64| ((big / of) - (big / of).round()).abs() < 1e-6;
    let large = if multiple(large, medium) {
        large
    } else {
        medium * 5.0
    };
    [small, medium, large]
}

/// A tick on a plot's time axis (seconds from the first reading), with the decimals its
/// step needs: 0.5, 0.25, 2.
pub fn time_axis_text(v: f64, step: f64) -> String {
    let step = step.abs();
    let decimals = if step > 0.0 && step < 1.0 && step.is_finite() {
        ((-step.log10() - 1e-9).ceil() as usize).min(9)
    } else {
        0
    };
    let n = format!("{v:.decimals$}");
    let n = if n.contains('.') {
        n.trim_end_matches('0').trim_end_matches('.')
    } else {
        &n
    };
    // A tick a rounding below zero is zero.
    if n == "-0" {
        "0".into()
    } else {
        n.to_string()
    }
}

/// A tick on a plot's value axis, whose unit its title says: "0", "250 k", "30 M" (a
/// rate's ticks were "30000000", a width most of the axis then left out). Every reading is
/// a whole count: a tick between two (an all-zero line's 0.2) is left unwritten.
/// `step`: the distance to the next tick, so that zoomed in, neighbours differ (1.234 M,
/// 1.235 M).
pub fn axis_text(v: f64, step: f64) -> String {
    if v.fract().abs() > 1e-9 {
        return String::new();
    }
    let (scale, suffix) = match v.abs() {
        a if a >= 1e9 => (1e9, " G"),
        a if a >= 1e6 => (1e6, " M"),
        a if a >= 1e3 => (1e3, " k"),
        _ => (1.0, ""),
    };
    // As many decimals as the step needs (none past a whole count), none trailing: 1.5 M,
    // 2.25 M, 30 M.
    let step = step.abs() / scale;
    let decimals = if step > 0.0 && step < 1.0 && step.is_finite() {
        ((-step.log10()).ceil() as usize).min(9)
    } else {
        0
    };
    let n = format!("{:.*}", decimals.max(2), v / scale);
    let n = n.trim_end_matches('0').trim_end_matches('.');
    format!("{n}{suffix}")
}

/// The hover label by a line's reading: its name, the value in its unit, and when (the
/// plot's x is seconds from the first reading). Away from every line there is none: bare
/// coordinates mean nothing to a reader.
pub fn hover_text(unit: Unit, line: &str, x: f64, y: f64) -> String {
    let value = match unit {
        // A few bytes in a second: 2.5 B/s, not a rounded 2 (nor 0 for a line above it).
        Unit::BytesPerSec if y > 0.0 && y < 99.95 && y.fract().abs() > 1e-9 => {
            format!("{y:.1} B/s")
        }
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
