//! socklab against the tools people use instead, measured in the same run on this machine:
//! servers on CPU 0, loads on CPU 1 (taskset), subjects alternated run by run, medians and
//! spreads, ratios socklab/peer. `scripts/bench` installs the peers and runs this; it is
//! not part of the test suite. Every load is bounded in count and time, on loopback only.
//!
//! cargo bench --bench bench -- [tcp] [echo] [conn] [udp] [gen] [window] [--runs N] [--quick]

mod real;
mod roles;
mod stats;
mod window;
// The real-window test's driver; the bench takes no screenshots of its own.
#[allow(dead_code)]
#[path = "../../tests/xwin/mod.rs"]
mod xwin;

use xwin::{have, Proc};

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

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

/// Whether a subject's program is installed (socklab always is).
fn available(subject: &str) -> bool {
    match subject {
        "socklab" => true,
        "python-threading" => have("python3"),
        tool => have(tool),
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Whether something listens on 127.0.0.1:port (read from /proc/net/tcp, without
/// connecting, which would use up a one-shot server's only connection).
fn listening(port: u16) -> bool {
    let want = format!(":{port:04X}");
    std::fs::read_to_string("/proc/net/tcp")
        .unwrap_or_default()
        .lines()
        .skip(1)
        .any(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() > 3 && f[1].ends_with(&want) && f[3] == "0A"
        })
}

fn pinned(cpu: &str, program: &str, args: &[String]) -> Command {
    let mut c = Command::new("taskset");
    c.arg("-c").arg(cpu).arg(program).args(args);
    c
}

/// Starts a server pinned to the server CPU and waits until it is ready: a line that
/// starts with `ready_line` on its output, or its port listening.
fn start_server(
    program: &str,
    args: &[String],
    port: u16,
    ready_line: Option<&str>,
) -> Result<Proc, String> {
    let mut child = pinned(SERVER_CPU, program, args)
        .stdin(Stdio::null())
        .stdout(if ready_line.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{program}: {e}"))?;
    if let Some(want) = ready_line {
        let out = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(out);
        let mut l = String::new();
        loop {
            l.clear();
            if lines.read_line(&mut l).map_err(|e| e.to_string())? == 0 {
                let _ = child.kill();
                return Err(format!("{program} ended before it was ready"));
            }
            if l.starts_with(want) {
                break;
            }
        }
        // Keep reading its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.lines() {});
    } else {
        let until = Instant::now() + Duration::from_secs(10);
        while !listening(port) {
            if Instant::now() > until {
                let _ = child.kill();
                return Err(format!("{program} never listened on {port}"));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    Ok(Proc(child))
}

fn run_client(program: &str, args: &[String]) -> Result<Output, String> {
    let out = pinned(CLIENT_CPU, program, args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out)
}

fn s(x: impl ToString) -> String {
    x.to_string()
}

const PY_ECHO: &str = r#"
import socketserver, sys
class H(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            d = self.request.recv(65536)
            if not d:
                break
            self.request.sendall(d)
class S(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 1024
srv = S(('127.0.0.1', int(sys.argv[1])), H)
print('ready', flush=True)
srv.serve_forever()
"#;

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

    /// An echo server of the given kind on `port`.
    fn echo_server(&self, subject: &str, port: u16) -> Result<Proc, String> {
        match subject {
            "socklab" => start_server(
                self.socklab.to_str().unwrap_or("socklab"),
                &[
                    s("serve"),
                    s("echo"),
                    format!("127.0.0.1:{port}"),
                    s("--quiet"),
                ],
                port,
                Some("serving"),
            ),
            "python-threading" => start_server(
                "python3",
                &[s("-c"), s(PY_ECHO), s(port)],
                port,
                Some("ready"),
            ),
            "socat" => start_server(
                "socat",
                &[
                    format!("TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork,backlog=1024"),
                    s("PIPE"),
                ],
                port,
                None,
            ),
            "sockperf" => start_server(
                "sockperf",
                &[
                    s("sr"),
                    s("--tcp"),
                    s("-i"),
                    s("127.0.0.1"),
                    s("-p"),
                    s(port),
                ],
                port,
                None,
            ),
            other => Err(format!("no echo server {other}")),
        }
    }

    /// 1. TCP bulk receive into each receiver from the same sender.
    fn tcp(&mut self) {
        let bytes: u64 = if self.quick { 256 << 20 } else { 2 << 30 };
        let me = self.me.to_string_lossy().into_owned();
        let subjects = ["socklab", "socat", "nc", "iperf3"];
        for run in 0..self.runs {
            for subject in subjects {
                if !available(subject) {
                    continue;
                }
                eprintln!("tcp run {run}: {subject}");
                let port = free_port();
                let result = (|| -> Result<f64, String> {
                    if subject == "iperf3" {
                        let _srv = start_server(
                            "iperf3",
                            &[s("-s"), s("-1"), s("-B"), s("127.0.0.1"), s("-p"), s(port)],
                            port,
                            None,
                        )?;
                        let out = run_client(
                            "iperf3",
                            &[
                                s("-c"),
                                s("127.0.0.1"),
                                s("-p"),
                                s(port),
                                s("-n"),
                                s(bytes),
                                s("-J"),
                            ],
                        )?;
                        let v: serde_json::Value =
                            serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
                        let bps = v["end"]["sum_received"]["bits_per_second"]
                            .as_f64()
                            .ok_or("no iperf3 result")?;
                        return Ok(bps / 8e9);
                    }
                    let _srv = match subject {
                        "socklab" => start_server(
                            &me,
                            &[s("role"), s("recv-socklab"), s(port), s(bytes)],
                            port,
                            Some("ready"),
                        )?,
                        "socat" => start_server(
                            "socat",
                            &[
                                s("-u"),
                                format!("TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr"),
                                s("OPEN:/dev/null"),
                            ],
                            port,
                            None,
                        )?,
                        _ => start_server(
                            "nc",
                            &[s("-d"), s("-l"), s("127.0.0.1"), s(port)],
                            port,
                            None,
                        )?,
                    };
                    let out = run_client(&me, &[s("role"), s("send"), s(port), s(bytes)])?;
                    let v = roles::parse_json(&out.stdout)?;
                    v["gbps"].as_f64().ok_or_else(|| "no gbps".into())
                })();
                self.record("tcp-receive", subject, "throughput", "GB/s", true, result);
            }
        }
    }

    /// 2. Sequential 32-byte round trips.
    fn echo(&mut self) {
        let n: usize = if self.quick { 2000 } else { 10_000 };
        let me = self.me.to_string_lossy().into_owned();
        for run in 0..self.runs {
            for subject in ["socklab", "python-threading", "socat", "sockperf"] {
                if !available(subject) {
                    continue;
                }
                eprintln!("echo run {run}: {subject}");
                let port = free_port();
                let result = (|| -> Result<(f64, f64), String> {
                    let _srv = self.echo_server(subject, port)?;
                    if subject == "sockperf" {
                        // sockperf's own client: round-trip times (--full-rtt), 32 bytes.
                        let out = run_client(
                            "sockperf",
                            &[
                                s("pp"),
                                s("--tcp"),
                                s("-i"),
                                s("127.0.0.1"),
                                s("-p"),
                                s(port),
                                s("-m"),
                                s(32),
                                s("-t"),
                                s(2),
                                s("--full-rtt"),
                            ],
                        )?;
                        let text = String::from_utf8_lossy(&out.stdout).into_owned()
                            + &String::from_utf8_lossy(&out.stderr);
                        let pct = |p: &str| -> Option<f64> {
                            text.lines()
                                .find(|l| l.contains(&format!("percentile {p}")))
                                .and_then(|l| l.rsplit('=').next())
                                .and_then(|v| v.trim().parse().ok())
                        };
                        return Ok((
                            pct("50.000").ok_or("no sockperf p50")?,
                            pct("99.000").ok_or("no sockperf p99")?,
                        ));
                    }
                    let out =
                        run_client(&me, &[s("role"), s("echo-client"), s(port), s(n), s(32)])?;
                    let v = roles::parse_json(&out.stdout)?;
                    Ok((
                        v["median_us"].as_f64().ok_or("no median")?,
                        v["p99_us"].as_f64().ok_or("no p99")?,
                    ))
                })();
                self.record(
                    "echo-rtt",
                    subject,
                    "median",
                    "us",
                    false,
                    result.clone().map(|r| r.0),
                );
                self.record("echo-rtt", subject, "p99", "us", false, result.map(|r| r.1));
            }
        }
    }

    /// 3. A thousand connections, one after the other and all at once.
    fn conn(&mut self) {
        let n: usize = if self.quick { 200 } else { 1000 };
        let me = self.me.to_string_lossy().into_owned();
        for run in 0..self.runs {
            for subject in ["socklab", "python-threading", "socat"] {
                if !available(subject) {
                    continue;
                }
                eprintln!("conn run {run}: {subject}");
                for (mode, metric, unit, higher) in [
                    ("conn-seq", "sequential", "conn/s", true),
                    ("conn-conc", "concurrent", "s", false),
                ] {
                    let port = free_port();
                    let mut failures = 0u64;
                    let result = (|| -> Result<f64, String> {
                        let _srv = self.echo_server(subject, port)?;
                        let out = run_client(&me, &[s("role"), s(mode), s(port), s(n)])?;
                        let v = roles::parse_json(&out.stdout)?;
                        failures = v["failures"].as_u64().unwrap_or(0);
                        if mode == "conn-seq" {
                            v["per_sec"].as_f64().ok_or_else(|| "no rate".into())
                        } else {
                            v["secs"].as_f64().ok_or_else(|| "no time".into())
                        }
                    })();
                    self.record("connections", subject, metric, unit, higher, result);
                    let i = self.row("connections", subject, metric, unit, higher);
                    self.rows[i].failures += failures;
                }
            }
        }
    }
}

impl Bench {
    /// 4. Datagrams received per second and loss under a sockperf flood.
    fn udp(&mut self) {
        if !have("sockperf") {
            eprintln!("udp: sockperf missing, skipped");
            return;
        }
        let me = self.me.to_string_lossy().into_owned();
        let secs = if self.quick { 1 } else { 2 };
        for run in 0..self.runs {
            for size in [64usize, 1400] {
                for subject in ["socklab", "sockperf"] {
                    eprintln!("udp run {run}: {subject} {size} bytes");
                    let port = free_port();
                    let result = (|| -> Result<(f64, f64), String> {
                        let mut srv = if subject == "socklab" {
                            pinned(SERVER_CPU, &me, &[s("role"), s("recv-udp"), s(port)])
                        } else {
                            pinned(
                                SERVER_CPU,
                                "sockperf",
                                &[s("sr"), s("-i"), s("127.0.0.1"), s("-p"), s(port)],
                            )
                        }
                        .stdin(Stdio::piped())
                        .stdout(Stdio::piped())
                        .stderr(Stdio::null())
                        .spawn()
                        .map_err(|e| e.to_string())?;
                        let mut out = BufReader::new(srv.stdout.take().ok_or("no stdout")?);
                        let mut l = String::new();
                        // Ready: socklab says so; sockperf says where it listens.
                        loop {
                            l.clear();
                            if out.read_line(&mut l).map_err(|e| e.to_string())? == 0 {
                                return Err(format!("{subject} ended early"));
                            }
                            if l.starts_with("ready") || l.contains("# UDP") {
                                break;
                            }
                        }
                        let client = run_client(
                            "sockperf",
                            &[
                                s("tp"),
                                s("-i"),
                                s("127.0.0.1"),
                                s("-p"),
                                s(port),
                                s("-m"),
                                s(size),
                                s("-t"),
                                s(secs),
                            ],
                        )?;
                        let text = String::from_utf8_lossy(&client.stdout).into_owned()
                            + &String::from_utf8_lossy(&client.stderr);
                        let sent: f64 = text
                            .lines()
                            .find_map(|l| {
                                l.split("Total of ")
                                    .nth(1)
                                    .and_then(|r| r.split_whitespace().next())
                                    .and_then(|n| n.parse().ok())
                            })
                            .ok_or("no sockperf sent count")?;
                        let received: f64 = if subject == "socklab" {
                            drop(srv.stdin.take());
                            let mut rest = String::new();
                            std::io::Read::read_to_string(&mut out, &mut rest)
                                .map_err(|e| e.to_string())?;
                            let _ = srv.wait();
                            roles::parse_json(rest.as_bytes())?["received"]
                                .as_f64()
                                .ok_or("no count")?
                        } else {
                            // SAFETY: signals the child this function started.
                            unsafe { libc::kill(srv.id() as i32, libc::SIGINT) };
                            let mut rest = String::new();
                            std::io::Read::read_to_string(&mut out, &mut rest)
                                .map_err(|e| e.to_string())?;
                            let _ = srv.wait();
                            rest.lines()
                                .find_map(|l| {
                                    l.split("Total ")
                                        .nth(1)
                                        .and_then(|r| r.split_whitespace().next())
                                        .and_then(|n| n.parse().ok())
                                })
                                .ok_or("no sockperf received count")?
                        };
                        Ok((
                            received / secs as f64,
                            100.0 * (1.0 - received / sent).max(0.0),
                        ))
                    })();
                    let bench = format!("udp-recv-{size}");
                    self.record(
                        &bench,
                        subject,
                        "datagrams/s",
                        "1/s",
                        true,
                        result.clone().map(|r| r.0),
                    );
                    self.record(&bench, subject, "loss", "%", false, result.map(|r| r.1));
                }
            }
        }
    }

    /// 5. UDP datagrams generated per second (64 bytes) to a socket nobody reads.
    fn gen(&mut self) {
        let me = self.me.to_string_lossy().into_owned();
        let sink = std::net::UdpSocket::bind("127.0.0.1:0").expect("a sink");
        let port = sink.local_addr().map(|a| a.port()).unwrap_or(0);
        let n: u64 = if self.quick { 100_000 } else { 1_000_000 };
        for run in 0..self.runs {
            for subject in ["socklab", "packetsender"] {
                if subject == "packetsender" && !have("packetsender") {
                    continue;
                }
                eprintln!("gen run {run}: {subject}");
                let result = (|| -> Result<f64, String> {
                    if subject == "socklab" {
                        let out = run_client(
                            &me,
                            &[
                                s("role"),
                                s("gen-socklab"),
                                s(port),
                                s(if self.quick { 500 } else { 2000 }),
                                s(64),
                            ],
                        )?;
                        return roles::parse_json(&out.stdout)?["per_sec"]
                            .as_f64()
                            .ok_or_else(|| "no rate".into());
                    }
                    // Packet Sender's intense traffic, no delay; it reports its own rate.
                    let payload = vec!["78"; 64].join(" ");
                    let mut c = pinned(
                        CLIENT_CPU,
                        "packetsender",
                        &[
                            s("-q"),
                            s("-u"),
                            s("--num"),
                            s(n),
                            s("--usdelay"),
                            s(0),
                            s("127.0.0.1"),
                            s(port),
                            payload,
                        ],
                    );
                    let out = c
                        .env("QT_QPA_PLATFORM", "offscreen")
                        .output()
                        .map_err(|e| e.to_string())?;
                    let text = String::from_utf8_lossy(&out.stdout);
                    text.lines()
                        .find_map(|l| {
                            l.strip_prefix("Effective rate = ")
                                .and_then(|r| r.split_whitespace().next())
                                .and_then(|v| v.parse().ok())
                        })
                        .ok_or_else(|| format!("no packetsender rate in {text:?}"))
                })();
                self.record("udp-generate", subject, "datagrams/s", "1/s", true, result);
            }
        }
        drop(sink);
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
    let mut which: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => runs = it.next().and_then(|v| v.parse().ok()).unwrap_or(5),
            "--quick" => quick = true,
            other => which.push(other.to_string()),
        }
    }
    if which.is_empty() {
        which = ["tcp", "echo", "conn", "udp", "gen", "window"]
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
            other => {
                eprintln!("bench: unknown benchmark {other} (tcp, echo, conn, udp, gen, window)")
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
}

impl Bench {
    /// The window (item 6): frame times under load against one idle socket, memory after
    /// 10 GB and with 1,000 connections, the real window under Xvfb (first frame, idle CPU).
    fn window(&mut self) {
        let me = self.me.to_string_lossy().into_owned();
        let secs = if self.quick { "2" } else { "5" };
        let conns = if self.quick { 200 } else { 1000 };
        let big: u64 = if self.quick { 1 << 30 } else { 10_000_000_000 };
        for run in 0..self.runs {
            eprintln!("window run {run}");
            // The same frames with one idle socket, for both views' ratios.
            match run_app_role(&me, &[s("frames-idle"), s(secs)]) {
                Ok(v) => {
                    for bench in ["window-frame-rx", "window-frame-log"] {
                        self.frame_rows(bench, "one idle socket", &v);
                    }
                }
                Err(e) => eprintln!("  window idle: {e}"),
            }
            for (bench, view) in [("window-frame-rx", "rx"), ("window-frame-log", "log")] {
                match run_app_role(&me, &[s("frames-load"), s(view), s(conns), s(secs)]) {
                    Ok(v) => {
                        self.frame_rows(bench, "socklab", &v);
                        if let Some(g) = v["rx_gbps"].as_f64() {
                            self.record(bench, "socklab", "receiving", "GB/s", true, Ok(g));
                        }
                    }
                    Err(e) => {
                        self.record(bench, "socklab", "p99", "ms", false, Err(e));
                    }
                }
            }
            let r = run_app_role(&me, &[s("memory-after"), s(big)])
                .and_then(|v| v["rss_mb"].as_f64().ok_or_else(|| "no rss".into()));
            let label = if self.quick {
                "RSS after 1 GiB"
            } else {
                "RSS after 10 GB"
            };
            self.record("window-memory", "socklab", label, "MB", false, r);
            let r = run_app_role(&me, &[s("memory-connections"), s(conns)])
                .and_then(|v| v["rss_mb"].as_f64().ok_or_else(|| "no rss".into()));
            self.record(
                "window-memory",
                "socklab",
                &format!("RSS {conns} conns"),
                "MB",
                false,
                r,
            );
            if have("Xvfb") {
                let real = real::real_window(&self.socklab, big);
                for (metric, unit, get) in [
                    (
                        "first frame",
                        "ms",
                        (|r: &real::RealWindow| r.first_ms) as fn(&real::RealWindow) -> f64,
                    ),
                    ("idle CPU", "%", |r| r.cpu),
                    ("idle RSS", "MB", |r| r.rss),
                    ("idle RSS, own", "MB", |r| r.anon),
                ] {
                    let v = real.as_ref().map(get).map_err(String::clone);
                    self.record("window-real", "socklab", metric, unit, false, v);
                }
                let after = match &real {
                    Ok(r) => r.after.clone(),
                    Err(e) => Some(Err(e.clone())),
                };
                match after {
                    Some(v) => {
                        let what = if self.quick { "1 GiB" } else { "10 GB" };
                        let (rss, own) = (
                            format!("RSS after {what}"),
                            format!("RSS after {what}, own"),
                        );
                        self.record(
                            "window-real",
                            "socklab",
                            &rss,
                            "MB",
                            false,
                            v.clone().map(|x| x.0),
                        );
                        self.record("window-real", "socklab", &own, "MB", false, v.map(|x| x.1));
                    }
                    None => eprintln!(
                        "  window: xdotool or ImageMagick missing, the real window is not driven"
                    ),
                }
            } else {
                eprintln!("  window: Xvfb missing, the real window is not measured");
            }
        }
    }

    fn frame_rows(&mut self, bench: &str, subject: &str, v: &serde_json::Value) {
        for (key, metric) in [("p50_ms", "p50"), ("p99_ms", "p99")] {
            let x = v[key].as_f64().ok_or_else(|| format!("no {key}"));
            self.record(bench, subject, metric, "ms", false, x);
        }
    }
}

/// A window role, pinned where the servers run (its sender goes to the clients' CPU).
fn run_app_role(me: &str, args: &[String]) -> Result<serde_json::Value, String> {
    let mut all = vec![s("role")];
    all.extend_from_slice(args);
    let out = pinned(SERVER_CPU, me, &all)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{me}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "role {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    roles::parse_json(&out.stdout)
}
