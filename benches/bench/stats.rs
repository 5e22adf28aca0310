//! Medians, spreads and the results table.

use serde::Serialize;

/// One measured quantity of one subject over several runs.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub bench: String,
    pub subject: String,
    pub metric: String,
    pub unit: String,
    /// Higher is better (throughput) or lower is better (latency, time).
    pub higher_better: bool,
    pub runs: Vec<f64>,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    /// Failed attempts (connections refused, runs that did not finish).
    pub failures: u64,
}

pub fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

/// The p-th percentile (0..=100) by nearest rank.
pub fn percentile(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * s.len() as f64).ceil().max(1.0) as usize;
    s[rank.min(s.len()) - 1]
}

impl Row {
    pub fn new(bench: &str, subject: &str, metric: &str, unit: &str, higher_better: bool) -> Row {
        Row {
            bench: bench.into(),
            subject: subject.into(),
            metric: metric.into(),
            unit: unit.into(),
            higher_better,
            runs: Vec::new(),
            median: f64::NAN,
            min: f64::NAN,
            max: f64::NAN,
            failures: 0,
        }
    }

    pub fn finish(&mut self) {
        self.median = median(&self.runs);
        self.min = self.runs.iter().copied().fold(f64::INFINITY, f64::min);
        self.max = self.runs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    }
}

/// socklab's median over a peer's, for the same bench and metric.
#[derive(Clone, Debug, Serialize)]
pub struct Ratio {
    pub bench: String,
    pub metric: String,
    pub peer: String,
    /// socklab / peer, as measured (for times, below 1 is better).
    pub ratio: f64,
}

pub fn ratios(rows: &[Row]) -> Vec<Ratio> {
    let mut out = Vec::new();
    for s in rows.iter().filter(|r| r.subject == "socklab") {
        for p in rows
            .iter()
            .filter(|r| r.bench == s.bench && r.metric == s.metric && r.subject != "socklab")
        {
            out.push(Ratio {
                bench: s.bench.clone(),
                metric: s.metric.clone(),
                peer: p.subject.clone(),
                ratio: s.median / p.median,
            });
        }
    }
    out
}

pub fn print_table(rows: &[Row], ratios: &[Ratio]) {
    println!(
        "\n{:<14} {:<22} {:<16} {:>12} {:>25} {:>5}",
        "bench", "subject", "metric", "median", "spread (min..max)", "fail"
    );
    for r in rows {
        println!(
            "{:<14} {:<22} {:<16} {:>12} {:>25} {:>5}",
            r.bench,
            r.subject,
            format!("{} ({})", r.metric, r.unit),
            fmt(r.median),
            format!("{}..{}", fmt(r.min), fmt(r.max)),
            r.failures
        );
    }
    println!(
        "\n{:<14} {:<16} {:<22} {:>8}",
        "bench", "metric", "socklab / peer", "ratio"
    );
    for q in ratios {
        println!(
            "{:<14} {:<16} {:<22} {:>8.3}",
            q.bench, q.metric, q.peer, q.ratio
        );
    }
}

fn fmt(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    }
}

/// A ratio between two runs of the benchmark that moved beyond what its spread explains.
#[derive(Clone, Debug, PartialEq)]
pub struct Moved {
    pub bench: String,
    pub metric: String,
    pub peer: String,
    /// (ratio, lowest, highest) then and now: the median over the median, and the
    /// worst-to-best pairings of the runs' min and max.
    pub old: Range,
    pub new: Range,
}

/// A ratio's bench, metric and peer.
type Key = (String, String, String);
/// A ratio's median, lowest and highest.
type Range = (f64, f64, f64);

/// socklab's ratio to each peer with its range: (bench, metric, peer) → (median ratio,
/// lowest, highest), from rows as results.json holds them.
fn ranged(rows: &[serde_json::Value]) -> Vec<(Key, Range)> {
    let field = |r: &serde_json::Value, k: &str| {
        r.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string()
    };
    let num =
        |r: &serde_json::Value, k: &str| r.get(k).and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
    let mut out = Vec::new();
    for s in rows.iter().filter(|r| field(r, "subject") == "socklab") {
        for p in rows.iter().filter(|r| {
            field(r, "bench") == field(s, "bench")
                && field(r, "metric") == field(s, "metric")
                && field(r, "subject") != "socklab"
        }) {
            let ratio = num(s, "median") / num(p, "median");
            let a = num(s, "min") / num(p, "max");
            let b = num(s, "max") / num(p, "min");
            if ratio.is_finite() {
                out.push((
                    (field(s, "bench"), field(s, "metric"), field(p, "subject")),
                    (ratio, a.min(b), a.max(b)),
                ));
            }
        }
    }
    out
}

/// The rows a results.json holds.
fn rows_of(v: &serde_json::Value) -> Vec<serde_json::Value> {
    v.get("rows")
        .and_then(|r| r.as_array())
        .cloned()
        .unwrap_or_default()
}

/// The ratios present in both results that moved more than their spread (each median
/// outside the other run's range: a move inside the noise of either is not one), and how
/// many ratios the two share.
pub fn compare(old: &serde_json::Value, new: &serde_json::Value) -> (Vec<Moved>, usize) {
    let before = ranged(&rows_of(old));
    let mut out = Vec::new();
    let mut shared = 0;
    for (key, now) in ranged(&rows_of(new)) {
        let Some((_, then)) = before.iter().find(|(k, _)| *k == key) else {
            continue;
        };
        shared += 1;
        let outside = |x: f64, r: Range| x < r.1 || x > r.2;
        if outside(now.0, *then) && outside(then.0, now) {
            out.push(Moved {
                bench: key.0,
                metric: key.1,
                peer: key.2,
                old: *then,
                new: now,
            });
        }
    }
    (out, shared)
}

/// Prints what `compare` found, one line each, or that nothing moved.
pub fn print_moved((moved, compared): &(Vec<Moved>, usize)) {
    println!("\ncompared {compared} ratios with the earlier run");
    if moved.is_empty() {
        println!("none moved beyond its spread");
        return;
    }
    println!(
        "{:<14} {:<16} {:<22} {:>22} {:>22}",
        "bench", "metric", "socklab / peer", "then (range)", "now (range)"
    );
    for m in moved {
        let show = |r: Range| format!("{:.3} ({:.3}..{:.3})", r.0, r.1, r.2);
        println!(
            "{:<14} {:<16} {:<22} {:>22} {:>22}",
            m.bench,
            m.metric,
            m.peer,
            show(m.old),
            show(m.new)
        );
    }
}
