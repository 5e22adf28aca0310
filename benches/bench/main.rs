//! socklab against the tools people use instead, measured in the same run on this machine:
//! servers on CPU 0, loads on CPU 1 (taskset), subjects alternated run by run, medians and
//! spreads, ratios socklab/peer. `scripts/bench` installs the peers and runs this; it is
//! not part of the test suite. Every load is bounded in count and time, on loopback only.
//!
//! cargo bench --bench bench -- [tcp] [echo] [conn] [udp] [gen] [window] [python] [tls]
//!     [--runs N] [--quick]
//!     [--compare OLD.json]     after the run, the ratios that moved beyond their spread
//! cargo bench --bench bench -- --compare OLD.json --with NEW.json   two runs, no new one

// System calls go through socklab::sys or rustix's safe wrappers; unsafe code is the
// system-call layer's alone.
#![forbid(unsafe_code)]

mod peers;
mod python;
mod real;
mod roles;
mod stats;
mod tcp;
mod tls;
mod udp;
mod window;
mod window_suite;
// The real-window test's driver.
#[path = "../../tests/xwin/mod.rs"]
mod xwin;

use xwin::{have, Proc};

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use peers::*;
use stats::Row;

/// Where the pinned processes run.
const SERVER_CPU: &str = "0";
const CLIENT_CPU: &str = "1";

struct Bench {
    me: PathBuf,
    socklab: PathBuf,
    runs: usize,
    quick: bool,
    rows: Vec<Row>,
}

impl Bench {
    fn row(&mut self, bench: &str, subject: &str, metric: &str, unit: &str, higher: bool) -> usize {
        if let Some(i) = self
            .rows
            .iter()
            .position(|r| r.bench == bench && r.subject == subject && r.metric == metric)
        {
            return i;
        }
        self.rows
            .push(Row::new(bench, subject, metric, unit, higher));
        self.rows.len() - 1
    }

    fn record(
        &mut self,
        bench: &str,
        subject: &str,
        metric: &str,
        unit: &str,
        higher: bool,
        v: Result<f64, String>,
    ) {
        let i = self.row(bench, subject, metric, unit, higher);
        match v {
            Ok(x) if x.is_finite() => self.rows[i].runs.push(x),
            Ok(_) => self.rows[i].failures += 1,
            Err(e) => {
                eprintln!("  {bench}/{subject}: {e}");
                self.rows[i].failures += 1;
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.first().map(String::as_str) == Some("role") {
        if let Err(e) = roles::run(&args[1..]) {
            eprintln!("bench role: {e}");
            std::process::exit(1);
        }
        return;
    }
    let mut runs = 5;
    let mut quick = false;
    let mut compare: Option<PathBuf> = None;
    let mut with: Option<PathBuf> = None;
    let mut which: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => runs = it.next().and_then(|v| v.parse().ok()).unwrap_or(5),
            "--quick" => quick = true,
            "--compare" => compare = it.next().map(PathBuf::from),
            "--with" => with = it.next().map(PathBuf::from),
            other => which.push(other.to_string()),
        }
    }
    let read = |p: &PathBuf| -> serde_json::Value {
        let text = std::fs::read_to_string(p).unwrap_or_else(|e| {
            eprintln!("bench: cannot read {}: {e}", p.display());
            std::process::exit(2)
        });
        serde_json::from_str(&text).unwrap_or_else(|e| {
            eprintln!("bench: {} is not a results.json: {e}", p.display());
            std::process::exit(2)
        })
    };
    if let (Some(old), Some(new)) = (&compare, &with) {
        let (old, new) = (read(old), read(new));
        stats::print_moved(&stats::compare(&old, &new));
        return;
    }
    if which.is_empty() {
        which = [
            "tcp", "echo", "conn", "udp", "gen", "window", "python", "tls",
        ]
        .map(String::from)
        .to_vec();
    }
    if !have("taskset") {
        eprintln!("bench: taskset is missing (util-linux); scripts/bench installs what is needed");
        std::process::exit(2);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let socklab = root.join("target/release/socklab");
    if !socklab.exists() {
        eprintln!("bench: build socklab first: cargo build --release");
        std::process::exit(2);
    }
    let mut b = Bench {
        me: std::env::current_exe().expect("the bench's own path"),
        socklab,
        runs,
        quick,
        rows: Vec::new(),
    };
    for w in &which {
        match w.as_str() {
            "tcp" => b.tcp(),
            "echo" => b.echo(),
            "conn" => b.conn(),
            "udp" => b.udp(),
            "gen" => b.gen(),
            "window" => b.window(),
            "python" => b.python(),
            "tls" => b.tls(),
            other => {
                eprintln!(
                    "bench: unknown benchmark {other} (tcp, echo, conn, udp, gen, window, python, tls)"
                )
            }
        }
    }
    for r in &mut b.rows {
        r.finish();
    }
    let ratios = stats::ratios(&b.rows);
    stats::print_table(&b.rows, &ratios);
    let out_dir = root.join("target/bench");
    let _ = std::fs::create_dir_all(&out_dir);
    let uname = Command::new("uname")
        .arg("-r")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let json = serde_json::json!({
        "runs": runs,
        "quick": quick,
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "kernel": uname,
        "pinning": {"servers": SERVER_CPU, "clients": CLIENT_CPU},
        "rows": b.rows,
        "ratios": ratios,
    });
    let path = out_dir.join("results.json");
    match std::fs::write(
        &path,
        serde_json::to_string_pretty(&json).unwrap_or_default(),
    ) {
        Ok(()) => println!("\nwritten to {}", path.display()),
        Err(e) => eprintln!("bench: could not write {}: {e}", path.display()),
    }
    if let Some(old) = &compare {
        let old = read(old);
        stats::print_moved(&stats::compare(&old, &json));
    }
}
