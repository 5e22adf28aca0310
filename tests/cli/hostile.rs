//! Hostile peers and careless users against the command line: a server out of
//! descriptors, a server whose output nobody reads, programs nested too deep, numbers at
//! their edges. Each test failed (crashed, spun or grew) before its fix.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::DEADLINE;

// ---------------------------------------------------------------------------------------
// `socklab serve` under pressure

/// A `socklab serve` child whose output lines arrive on a channel (read on a thread, so
/// a test can wait for a line with a deadline, or stop reading).
struct Serve {
    child: Child,
    port: u16,
    lines: mpsc::Receiver<String>,
    /// Lets a stalled reader start reading.
    go: Option<mpsc::Sender<()>>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    /// Runs `sh -c 'PREFIX exec socklab serve ARGS'` and reads its ready line. With
    /// `read` false, nothing more is read from its standard output (a stalled pipe).
    fn start(prefix: &str, args: &str, read: bool) -> Serve {
        let bin = env!("CARGO_BIN_EXE_socklab");
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("{prefix} exec '{bin}' serve {args}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        assert!(first.starts_with("serving "), "ready line: {first:?}");
        let port = first
            .split_whitespace()
            .find_map(|w| w.rsplit_once(':').and_then(|(_, p)| p.parse().ok()))
            .unwrap();
        let (tx, lines) = mpsc::channel();
        let (go_tx, go) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            // A stalled reader waits here until the test lets it read.
            if !read && go.recv().is_err() {
                return;
            }
            for l in out.lines() {
                let Ok(l) = l else { return };
                if tx.send(l).is_err() {
                    return;
                }
            }
        });
        let go = (!read).then_some(go_tx);
        Serve {
            child,
            port,
            lines,
            go,
        }
    }

    fn unstall(&mut self) {
        if let Some(go) = self.go.take() {
            let _ = go.send(());
        }
    }

    /// Waits for a line containing `what`; the lines up to it, it last.
    fn expect(&self, what: &str) -> Vec<String> {
        let until = Instant::now() + DEADLINE;
        let mut seen = Vec::new();
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) if l.contains(what) => {
                    seen.push(l);
                    return seen;
                }
                Ok(l) => seen.push(l),
                Err(_) => panic!(
                    "no line with {what:?} within {DEADLINE:?}; the last ones: {:?}",
                    &seen[seen.len().saturating_sub(5)..]
                ),
            }
        }
    }

    /// (user + system CPU time, resident memory of its own: the heap and stacks, not the
    /// program's mapped pages) of the server process.
    fn usage(&self) -> (Duration, u64) {
        let pid = self.child.id();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .unwrap()
            .1
            .split_whitespace()
            .collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        let hz = 100; // USER_HZ on Linux
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let rss_kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("RssAnon:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap();
        (Duration::from_millis(ticks * 1000 / hz), rss_kb << 10)
    }
}

fn echo_once(port: u16, msg: &[u8]) {
    let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
    c.set_read_timeout(Some(DEADLINE)).unwrap();
    c.write_all(msg).unwrap();
    let mut back = vec![0u8; msg.len()];
    c.read_exact(&mut back).unwrap();
    assert_eq!(back, msg);
}

#[test]
fn a_listener_out_of_descriptors_backs_off_instead_of_spinning() {
    // 64 descriptors for the server, 200 connections held open against it.
    let s = Serve::start("ulimit -n 64 &&", "echo 127.0.0.1:0 --quiet", true);
    let held: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(("127.0.0.1", s.port)).unwrap())
        .collect();
    let before = s.expect("accept paused");
    let paused = before.len();
    // Said with the errno, the limit and what socklab holds of it.
    let said = before.last().unwrap();
    assert!(
        said.contains("EMFILE") && said.contains("its limit of 64 open files (RLIMIT_NOFILE)"),
        "{said}"
    );
    let (cpu0, _) = s.usage();
    let t0 = Instant::now();
    // The measurement window: the server is saturated all through it.
    std::thread::sleep(Duration::from_secs(2));
    let (cpu1, _) = s.usage();
    let wall = t0.elapsed();
    let used = cpu1.saturating_sub(cpu0);
    eprintln!("a saturated listener used {used:?} of CPU in {wall:?}");
    assert!(
        used < wall / 10,
        "a saturated listener used {used:?} of CPU in {wall:?} (it should wait, not spin)"
    );
    let mut lines_meanwhile = 0;
    while s.lines.try_recv().is_ok() {
        lines_meanwhile += 1;
    }
    assert!(
        lines_meanwhile < 10,
        "{lines_meanwhile} log lines while paused (said once, not per try); {paused} before"
    );
    // Descriptors free up: it accepts again and serves.
    drop(held);
    s.expect("accepting again");
    echo_once(s.port, b"after the storm");
}

#[test]
fn a_server_whose_output_is_not_read_stays_small_and_serving() {
    let mut s = Serve::start("", "echo 127.0.0.1:0", false);
    let port = s.port;
    // Bulk: four clients echo 8 MB each while nobody reads the log.
    let bulk: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
                c.set_read_timeout(Some(DEADLINE)).unwrap();
                let mut r = c.try_clone().unwrap();
                let reader = std::thread::spawn(move || {
                    let mut buf = vec![0u8; 64 << 10];
                    let mut n = 0usize;
                    while n < 8 << 20 {
                        let k = r.read(&mut buf).unwrap();
                        assert!(k > 0, "the echo ended early");
                        n += k;
                    }
                    n
                });
                let block = vec![b'z'; 64 << 10];
                for _ in 0..128 {
                    c.write_all(&block).unwrap();
                }
                reader.join().unwrap()
            })
        })
        .collect();
    // Many small messages: more log lines than any queue keeps.
    let mut ping = TcpStream::connect(("127.0.0.1", port)).unwrap();
    ping.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut b = [0u8; 4];
    for i in 0..6000u32 {
        ping.write_all(&i.to_be_bytes()).unwrap();
        ping.read_exact(&mut b).unwrap();
        assert_eq!(u32::from_be_bytes(b), i);
    }
    for t in bulk {
        assert_eq!(t.join().unwrap(), 8 << 20);
    }
    let (_, rss) = s.usage();
    eprintln!("server's own memory with its log unread: {} MB", rss >> 20);
    assert!(
        rss < 24 << 20,
        "the server holds {} MB while its log is not read",
        rss >> 20
    );
    // Once the log is read again, it says how much it left out.
    s.unstall();
    drop(ping);
    echo_once(port, b"more");
    s.expect("log lines were dropped");
}

// ---------------------------------------------------------------------------------------
// `socklab run`: nothing aborts

/// Runs `socklab run -i` (the console's statements) on `src`: (stdout, stderr, exit code).
fn run(src: &str) -> (String, String, i32) {
    run_as(&["-i"], src)
}

/// Runs `socklab run` on `src` as a program: (stdout, stderr, exit code).
fn program(src: &str) -> (String, String, i32) {
    run_as(&[], src)
}

fn run_as(flags: &[&str], src: &str) -> (String, String, i32) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.py");
    std::fs::write(&p, src).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .arg("run")
        .args(flags)
        .arg(&p)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn deep_nesting_is_refused_as_cpython_refuses_it() {
    for (src, line) in [
        (
            format!("{}1{}", "(".repeat(2000), ")".repeat(2000)),
            "SyntaxError: too many nested parentheses",
        ),
        (
            format!("{}1{}", "[".repeat(2000), "]".repeat(2000)),
            "SyntaxError: too many nested parentheses",
        ),
        (
            vec!["1"; 50_000].join("+"),
            "RecursionError: maximum recursion depth exceeded during compilation",
        ),
        // CPython's parser runs out of its stack first on a run of unary operators.
        (format!("{}1", "-".repeat(50_000)), "MemoryError"),
        (format!("{}1", "not ".repeat(50_000)), "MemoryError"),
        (
            format!("{}1", "-".repeat(4_000)),
            "RecursionError: maximum recursion depth exceeded during compilation",
        ),
        (
            format!("x{}", ".y".repeat(50_000)),
            "RecursionError: maximum recursion depth exceeded during compilation",
        ),
    ] {
        let (out, err, code) = program(&format!("print('ran')\nx = {src}\n"));
        assert_eq!(code, 1, "{line}: {err}");
        assert_eq!(out, "", "nothing runs, as with python3");
        assert_eq!(err.lines().last(), Some(line), "{err}");
        if line.starts_with("SyntaxError") {
            assert!(err.contains("line 2"), "{err}");
        }
        // In the console it is that statement's error, and the next one runs.
        let (out, err, code) = run(&format!("print('ran')\nx = {src}\nprint('next')\n"));
        assert_eq!(code, 1, "{line}: {err}");
        if line.starts_with("SyntaxError") {
            // As python3's console prints it: the line, one caret under the 201st bracket
            // (the statement is its line 1).
            let caret = format!("{}^", " ".repeat(4 + "x = ".len() + 200));
            let expected = format!(
                "ran\n  File \"<console>\", line 1\n    x = {src}\n{caret}\n{line}\nnext\n"
            );
            assert!(out == expected, "{}", &out[..out.len().min(300)]);
        } else {
            assert_eq!(out, format!("ran\n{line}\nnext\n"));
        }
    }
    // What CPython accepts runs: 200 brackets, 2,000 terms, chains of 1,000 ors and
    // comparisons.
    let (out, _, code) = run(&format!(
        "{}1{}\n{}\nlen([{}])\n{}\n",
        "(".repeat(200),
        ")".repeat(200),
        vec!["1"; 2000].join("+"),
        vec!["0"; 1001].join(" or "),
        vec!["0"; 1001].join(" <= "),
    ));
    assert_eq!((out.as_str(), code), ("1\n2000\n1\nTrue\n", 0));
    // Longer chains CPython takes, RustPython's compiler would need gigabytes for (the
    // square of their length): refused, saying why, instead of exhausting the machine.
    for op in [" or ", " and ", " < ", " == ", " in "] {
        let (out, _, code) = run(&format!(
            "print(1)\n{}\nprint(2)\n",
            vec!["0"; 50_000].join(op)
        ));
        assert_eq!(code, 1);
        let mut lines = out.lines();
        assert_eq!(lines.next(), Some("1"));
        let refused = lines.next().unwrap_or("");
        assert!(
            refused.starts_with("MemoryError: line 1: more than 1000 'and'/'or'/comparisons"),
            "{op}: {refused}"
        );
        assert_eq!(lines.next(), Some("2"));
    }
}

#[test]
fn arithmetic_at_the_edges_is_exact_or_raises_instead_of_aborting() {
    for (src, line) in [
        ("(-9223372036854775807-1)//-1", "9223372036854775808"),
        ("(-9223372036854775807-1)%-1", "0"),
        ("abs(-9223372036854775807-1)", "9223372036854775808"),
        ("int('1', 0)", "1"),
        (
            "int('1', 37)",
            "ValueError: int() base must be >= 2 and <= 36, or 0",
        ),
        (
            "int('ff', -1)",
            "ValueError: int() base must be >= 2 and <= 36, or 0",
        ),
        ("int('-9223372036854775808')", "-9223372036854775808"),
        ("int(1e300) == 10**300", "False"),
        ("int(float('inf'))", "OverflowError"),
        ("b'abc'[1::9223372036854775807]", "b'b'"),
        // CPython 3.11 and 3.13 word this one differently (README).
        ("import time\ntime.sleep(float('inf'))", "OverflowError"),
        (
            "import time\ntime.sleep(float('nan'))",
            "ValueError: Invalid value NaN (not a number)",
        ),
        (
            "import socket\nsocket.socket().listen(2**40)",
            "OverflowError: signed integer is greater than maximum",
        ),
    ] {
        let (out, err, code) = run(&format!("{src}\n"));
        assert!(
            code == 0 || code == 1,
            "{src}: exit {code} (a crash), {err}"
        );
        let last = out.trim_end().lines().last().unwrap_or_default();
        let same = last == line || (line.ends_with("Error") && last.starts_with(line));
        assert!(same, "{src}: {last:?}, {err}");
    }
}

#[test]
fn a_source_without_end_is_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(["run", "/dev/zero"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("larger than 64 MiB"), "{err}");
}

#[test]
fn values_nested_millions_deep_are_shown_compared_and_freed_without_a_crash() {
    // Two million levels: freed recursively, they would need far more stack than the
    // interpreter's 256 MiB (CPython frees them with its "trashcan").
    let wrap = |v: &str| format!("{v} = {}{v}{}\n", "[".repeat(199), "]".repeat(199));
    let src = format!(
        "x = []\n{}y = x\nx\nx == y\na = []\n{}b = []\n{}a == b\nx = 1\nprint('freed')\n",
        wrap("x").repeat(10_000),
        wrap("a").repeat(6),
        wrap("b").repeat(6),
    );
    let (out, err, code) = run(&src);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        "RecursionError: maximum recursion depth exceeded while getting the repr of an object\n\
         True\n\
         RecursionError: maximum recursion depth exceeded in comparison\n\
         freed\n"
    );
}
