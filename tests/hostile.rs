//! Hostile peers and careless users: lengths the kernel reports past a buffer, a worker
//! that panics, a listener out of descriptors, a server whose output nobody reads. Each
//! test failed (crashed, hung, spun or grew) before its fix.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use socklab::engine::{
    Ctx, ErrorKind, Event, Family, Kind, MakeResponder, Op, Out, Reply, Responder, ResponderSpec,
};

// ---------------------------------------------------------------------------------------
// Lengths the kernel reports

#[test]
fn msg_trunc_gives_the_datagrams_length_and_zeros_past_the_buffer() {
    let mut d = Driver::new();
    let (a, addr) = d.bound_udp();
    let u = UdpSocket::bind("127.0.0.1:0").unwrap();
    u.send_to(&vec![b'x'; 60_000], addr).unwrap();
    let got = bytes_of(d.ok(
        a,
        Op::Recv {
            bufsize: 4,
            flags: libc::MSG_TRUNC,
        },
    ));
    assert_eq!(
        got.len(),
        60_000,
        "the kernel's length, as CPython's result has"
    );
    assert_eq!(&got[..4], b"xxxx");
    assert!(
        got[4..].iter().all(|&b| b == 0),
        "nothing but zeros past the buffer"
    );

    u.send_to(b"abcdefgh", addr).unwrap();
    let Reply::BytesFrom { data, from } = d.ok(
        a,
        Op::RecvFrom {
            bufsize: 3,
            flags: libc::MSG_TRUNC,
        },
    ) else {
        panic!("recvfrom answers bytes and a sender")
    };
    assert_eq!(data, b"abc\0\0\0\0\0");
    assert_eq!(
        from.and_then(|f| f.port()),
        Some(u.local_addr().unwrap().port())
    );

    // Without MSG_TRUNC a datagram is cut to the buffer, as the kernel does.
    u.send_to(b"abcdefgh", addr).unwrap();
    let got = bytes_of(d.ok(
        a,
        Op::Recv {
            bufsize: 3,
            flags: 0,
        },
    ));
    assert_eq!(got, b"abc");
}

// ---------------------------------------------------------------------------------------
// A worker that panics

/// Panics when it opens (with `on_open`), or when a message says "boom"; echoes otherwise.
struct Faulty {
    on_open: bool,
}

struct FaultyConn {
    on_open: bool,
}

impl MakeResponder for Faulty {
    fn make(&self) -> Box<dyn Responder> {
        Box::new(FaultyConn {
            on_open: self.on_open,
        })
    }
    fn describe(&self) -> String {
        "faulty".into()
    }
}

impl Responder for FaultyConn {
    fn on_open(&mut self, _ctx: &Ctx) -> Vec<Out> {
        assert!(!self.on_open, "injected panic on open");
        Vec::new()
    }
    fn on_data(&mut self, data: &[u8], _ctx: &Ctx) -> Vec<Out> {
        assert!(data != b"boom", "injected panic on data");
        vec![Out::Send {
            data: data.to_vec(),
        }]
    }
}

fn is_internal(e: &socklab::engine::OpError) -> bool {
    matches!(e.kind, ErrorKind::Internal { .. }) && e.python_class() == "SystemError"
}

#[test]
fn a_panic_in_a_command_answers_the_caller_and_closes_the_socket() {
    let mut d = Driver::new();
    let (c, _conn, _l) = d.tcp_pair(Family::Inet);
    let err = d.err(
        c,
        Op::Respond {
            responder: Some(ResponderSpec::new(Faulty { on_open: true })),
        },
    );
    assert!(is_internal(&err), "{err}");
    assert!(err.to_string().contains("injected panic on open"), "{err}");
    d.wait_for("Closed", |e| matches!(e, Event::Closed { id } if *id == c));
    let after = d.err(c, Op::GetSockName);
    assert_eq!(errno(&after), libc::EBADF, "the socket is closed: {after}");
    // The engine goes on: a new socket works.
    let s = d.create(Family::Inet, Kind::Stream);
    d.ok(s, Op::GetSockName);
}

#[test]
fn a_panic_in_the_reactor_fails_that_connection_and_the_others_go_on() {
    let mut d = Driver::new();
    let (l, addr) = d.listener(Family::Inet);
    d.ok(
        l,
        Op::Respond {
            responder: Some(ResponderSpec::new(Faulty { on_open: false })),
        },
    );
    d.ok(
        l,
        Op::AutoAccept {
            on: true,
            receive: true,
        },
    );
    let socklab::engine::AddrSpec::Inet { port, .. } = addr else {
        panic!("an IPv4 listener")
    };
    let mut good = TcpStream::connect(("127.0.0.1", port)).unwrap();
    good.set_read_timeout(Some(DEADLINE)).unwrap();
    let first = d.wait_for(
        "the first Accepted",
        |e| matches!(e, Event::Accepted { listener, .. } if *listener == l),
    );
    let Event::Accepted { conn: good_id, .. } = first else {
        unreachable!()
    };
    // It rests in the reactor: the panic below happens there.
    let until = Instant::now() + DEADLINE;
    while d.engine.resting_sockets() < 2 {
        assert!(Instant::now() < until, "the connection never rested");
        std::thread::yield_now();
    }

    let mut bad = TcpStream::connect(("127.0.0.1", port)).unwrap();
    bad.set_read_timeout(Some(DEADLINE)).unwrap();
    bad.write_all(b"boom").unwrap();
    let failed = d.wait_for("the panic's failure", |e| {
        matches!(e, Event::Failed { id: Some(id), req: None, error, .. }
            if *id != good_id && *id != l && is_internal(error))
    });
    let Event::Failed {
        id: Some(bad_id), ..
    } = failed
    else {
        unreachable!()
    };
    d.wait_for(
        "Closed",
        |e| matches!(e, Event::Closed { id } if *id == bad_id),
    );
    let mut b = [0u8; 1];
    assert_eq!(
        bad.read(&mut b).unwrap_or(0),
        0,
        "the failed connection is closed"
    );

    // The reactor lives on: the resting connection answers, the listener accepts.
    good.write_all(b"still here").unwrap();
    let mut echo = [0u8; 10];
    good.read_exact(&mut echo).unwrap();
    assert_eq!(&echo, b"still here");
    let mut third = TcpStream::connect(("127.0.0.1", port)).unwrap();
    third.set_read_timeout(Some(DEADLINE)).unwrap();
    third.write_all(b"hi").unwrap();
    let mut two = [0u8; 2];
    third.read_exact(&mut two).unwrap();
    assert_eq!(&two, b"hi");
}

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

    /// Waits for a line containing `what`; the lines before it.
    fn expect(&self, what: &str) -> Vec<String> {
        let until = Instant::now() + DEADLINE;
        let mut seen = Vec::new();
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) if l.contains(what) => return seen,
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
