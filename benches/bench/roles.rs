//! The parts of a measurement that run in their own (pinned) process: socklab's receiver on
//! the window's own path, and the clients that load every server alike. Each prints one
//! line of JSON with what it measured.

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use socklab::engine::{AddrSpec, Client, Create, Event, Family, Kind, Op, OptValue, SocketId};
use socklab::ui::drain::{frame_events, window_config};
use socklab::ui::state::UiState;

use crate::stats::percentile;

pub fn run(args: &[String]) -> Result<(), String> {
    let arg = |i: usize| -> Result<u64, String> {
        args.get(i)
            .and_then(|a| a.parse().ok())
            .ok_or_else(|| format!("role {}: argument {i} missing or not a number", args[0]))
    };
    match args.first().map(String::as_str) {
        Some("recv-socklab") => recv_socklab(arg(1)? as u16, arg(2)?),
        Some("send") => send(arg(1)? as u16, arg(2)?),
        Some("echo-client") => echo_client(arg(1)? as u16, arg(2)? as usize, arg(3)? as usize),
        Some("conn-seq") => conn_seq(arg(1)? as u16, arg(2)? as usize),
        Some("conn-conc") => conn_conc(arg(1)? as u16, arg(2)? as usize),
        Some("recv-udp") => recv_udp(arg(1)? as u16),
        Some("recv-udp-keep") => recv_udp_keep(arg(1)? as u16),
        Some("gen-socklab") => gen_socklab(arg(1)? as u16, arg(2)?, arg(3)? as usize),
        Some("frames-idle") => crate::window::frames_idle(arg(1)? as f64),
        Some("frames-load") => crate::window::frames_load(
            args.get(1).map_or("rx", String::as_str),
            arg(2)? as usize,
            arg(3)? as f64,
        ),
        Some("frames-udp") => crate::window::frames_udp(
            arg(1)? as usize,
            arg(2)?,
            // (Without a rate, a flood.)
            if args.len() > 3 { Some(arg(3)?) } else { None },
        ),
        Some("tls-send") => crate::tls::tls_send(arg(1)? as u16, arg(2)?),
        Some("tls-echo") => {
            crate::tls::tls_echo(arg(1)? as u16, arg(2)? as usize, arg(3)? as usize)
        }
        Some("memory-after") => crate::window::memory_after(arg(1)?),
        Some("memory-connections") => crate::window::memory_with_connections(arg(1)? as usize),
        Some("memory-diagram") => crate::window::memory_diagram(arg(1)? as usize),
        other => Err(format!("unknown role {other:?}")),
    }
}

/// A listener in auto-accept + auto-receive, its events applied to the window's own state
/// (traffic log with its cap, counters, snapshots), until every byte is counted; then the
/// connection is closed, which the sender takes as the end.
fn recv_socklab(port: u16, bytes: u64) -> Result<(), String> {
    let mut client = Client::start(window_config());
    let mut state = UiState::default();
    let id = new_socket(&mut client, Kind::Stream)?;
    for op in [
        Op::SetSockOpt {
            level: libc::SOL_SOCKET,
            name: libc::SO_REUSEADDR,
            value: OptValue::Int(1),
        },
        Op::Bind {
            addr: AddrSpec::Inet {
                host: "127.0.0.1".into(),
                port,
            },
        },
        Op::Listen { backlog: 16 },
        Op::AutoAccept {
            on: true,
            receive: true,
        },
    ] {
        client.call(id, op).map_err(|e| e.to_string())?;
    }
    for ev in client.take_kept() {
        state.apply(ev);
    }
    println!("ready");
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    // The window's cadence: events are drained once a frame (60 Hz, as with vsync), at
    // most EVENTS_PER_FRAME of them, into its state; in between the workers run on.
    const FRAME: Duration = Duration::from_micros(16_667);
    let mut counted = 0u64;
    let mut conn = None;
    'frames: loop {
        let frame = Instant::now();
        for ev in frame_events(client.events()) {
            match &ev {
                Event::Accepted { conn: c, .. } => conn = Some(*c),
                Event::Data { id: i, chunk } if Some(*i) == conn => counted += chunk.len as u64,
                Event::Skipped { id: i, bytes, .. } if Some(*i) == conn => counted += bytes,
                _ => {}
            }
            state.apply(ev);
            if counted >= bytes {
                break 'frames;
            }
        }
        std::thread::sleep(FRAME.saturating_sub(frame.elapsed()));
    }
    if let Some(c) = conn {
        client.send(c, Op::Close);
    }
    let held = state
        .sockets
        .values()
        // A listener's log shares its connections' bytes: counted once, in theirs.
        .filter(|s| s.traffic.get(0).is_none_or(|r| r.via.is_none()))
        .map(|s| s.traffic.bytes_held())
        .sum::<usize>();
    println!("{{\"counted\": {counted}, \"log_bytes\": {held}}}");
    client.shutdown();
    Ok(())
}

/// socket(AF_INET, kind) on the engine; its id.
fn new_socket(client: &mut Client, kind: Kind) -> Result<SocketId, String> {
    let made = client.create(Create::New {
        family: Family::Inet,
        kind,
        proto: 0,
    });
    made.map(|info| info.id).map_err(|e| e.to_string())
}

/// A UDP socket created and bound on 127.0.0.1:port (0: any), its id.
fn udp_socket(client: &mut Client, port: u16) -> Result<SocketId, String> {
    let id = new_socket(client, Kind::Dgram)?;
    let addr = AddrSpec::Inet {
        host: "127.0.0.1".into(),
        port,
    };
    client
        .call(id, Op::Bind { addr })
        .map_err(|e| e.to_string())?;
    Ok(id)
}

/// A UDP socket in auto-receive, drained into the window's state at its frame cadence,
/// until standard input closes; then the datagrams the kernel handed over (the counter).
fn recv_udp(port: u16) -> Result<(), String> {
    const FRAME: Duration = Duration::from_micros(16_667);
    let mut client = Client::start(window_config());
    let mut state = UiState::default();
    let id = udp_socket(&mut client, port)?;
    let on = Op::AutoReceive {
        on: true,
        bufsize: 65536,
    };
    client.call(id, on).map_err(|e| e.to_string())?;
    for ev in client.take_kept() {
        state.apply(ev);
    }
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let d = done.clone();
    std::thread::spawn(move || {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        d.store(true, std::sync::atomic::Ordering::Release);
    });
    println!("ready");
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    while !done.load(std::sync::atomic::Ordering::Acquire) {
        let frame = Instant::now();
        for ev in frame_events(client.events()) {
            state.apply(ev);
        }
        std::thread::sleep(FRAME.saturating_sub(frame.elapsed()));
    }
    // A fresh snapshot carries the exact counters.
    let until = Instant::now() + Duration::from_secs(10);
    let msgs = match client.inspect(id, false, Some(until)) {
        Some(Ok(s)) => s.counters.msgs_in,
        Some(Err(e)) => return Err(format!("inspect: {e}")),
        None => return Err("no snapshot within 10 s".into()),
    };
    println!("{{\"received\": {msgs}}}");
    client.shutdown();
    Ok(())
}

/// The least a receiver that keeps every datagram spends: sockperf's loop (a blocking
/// recvfrom each, counted), each datagram written after the one before into a 64 MiB ring
/// (what socklab's traffic log holds at its default cap), until standard input closes. What
/// socklab spends above it is its own work per datagram (event, row, diagram), not the
/// kernel's copy into memory that is kept.
fn recv_udp_keep(port: u16) -> Result<(), String> {
    const RING: usize = 64 << 20;
    const MAX: usize = 65536;
    let sock = std::net::UdpSocket::bind(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    // Woken now and then when idle, to see standard input closed.
    sock.set_read_timeout(Some(Duration::from_millis(100)))
        .map_err(|e| e.to_string())?;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let d = done.clone();
    std::thread::spawn(move || {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        d.store(true, std::sync::atomic::Ordering::Release);
    });
    // Written once first, as a log that has filled its cap: the pages are there, not
    // faulted in during the measurement.
    let mut ring = vec![1u8; RING];
    let (mut at, mut received) = (0usize, 0u64);
    println!("ready");
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    while !done.load(std::sync::atomic::Ordering::Acquire) {
        if at + MAX > RING {
            at = 0;
        }
        match sock.recv_from(&mut ring[at..at + MAX]) {
            Ok((n, _from)) => {
                at += n;
                received += 1;
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(format!("recvfrom: {e}")),
        }
    }
    std::hint::black_box(&ring);
    println!("{{\"received\": {received}}}");
    Ok(())
}

/// socklab's sender, as the window's "start repeating" with interval 0: `size`-byte
/// datagrams to 127.0.0.1:port for `ms` milliseconds; datagrams per second.
fn gen_socklab(port: u16, ms: u64, size: usize) -> Result<(), String> {
    let mut client = Client::start(window_config());
    let id = udp_socket(&mut client, 0)?;
    let t0 = Instant::now();
    let req = client.send(
        id,
        Op::StartSending {
            job: socklab::engine::SendJob {
                source: socklab::engine::SendSource::Bytes {
                    data: vec![b'x'; size],
                },
                times: None,
                interval: Duration::ZERO,
                all: true,
                to: Some(AddrSpec::Inet {
                    host: "127.0.0.1".into(),
                    port,
                }),
                datagram: size,
            },
        },
    );
    std::thread::sleep(Duration::from_millis(ms));
    client.send(id, Op::StopSending);
    let sends = match client.answer(req, "send_job") {
        Ok(socklab::engine::Reply::Sent { progress, .. }) => progress.sends,
        Ok(_) => 0,
        Err(error) => {
            eprintln!("send job failed: {error}");
            0
        }
    };
    let secs = t0.elapsed().as_secs_f64();
    println!("{{\"per_sec\": {}}}", sends as f64 / secs);
    client.shutdown();
    Ok(())
}

fn connect(port: u16) -> Result<TcpStream, String> {
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => return Ok(s),
            Err(e) if Instant::now() < until => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(format!("connect 127.0.0.1:{port}: {e}")),
        }
    }
}

/// Writes `bytes` and waits for the receiver to close: the time from connect to its close.
fn send(port: u16, bytes: u64) -> Result<(), String> {
    let block = vec![0x5au8; 256 << 10];
    let t0 = Instant::now();
    let mut s = connect(port)?;
    let mut left = bytes;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        s.write_all(&block[..n]).map_err(|e| format!("send: {e}"))?;
        left -= n as u64;
    }
    s.shutdown(std::net::Shutdown::Write)
        .map_err(|e| e.to_string())?;
    let mut sink = [0u8; 4096];
    while s.read(&mut sink).map_err(|e| e.to_string())? > 0 {}
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "{{\"secs\": {secs}, \"gbps\": {}}}",
        bytes as f64 / secs / 1e9
    );
    Ok(())
}

/// `n` sequential round trips of `size` bytes: median and p99 in microseconds.
fn echo_client(port: u16, n: usize, size: usize) -> Result<(), String> {
    let mut s = connect(port)?;
    s.set_nodelay(true).map_err(|e| e.to_string())?;
    round_trips(&mut s, &vec![b'x'; size], n)
}

/// `n` sequential round trips of `msg` (after 100 not counted), each read back whole:
/// prints the median, p99 and p99.9 in microseconds.
pub fn round_trips(s: &mut (impl Read + Write), msg: &[u8], n: usize) -> Result<(), String> {
    let mut back = vec![0u8; msg.len()];
    let mut rtts = Vec::with_capacity(n);
    for i in 0..n + 100 {
        let t = Instant::now();
        s.write_all(msg).map_err(|e| e.to_string())?;
        s.read_exact(&mut back).map_err(|e| e.to_string())?;
        if i >= 100 {
            rtts.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    println!(
        "{{\"median_us\": {}, \"p99_us\": {}, \"p999_us\": {}}}",
        percentile(&rtts, 50.0),
        percentile(&rtts, 99.0),
        percentile(&rtts, 99.9)
    );
    Ok(())
}

fn one_exchange(s: &mut TcpStream) -> std::io::Result<()> {
    s.write_all(b"0123456789abcdef0123456789abcdef")?;
    let mut b = [0u8; 32];
    s.read_exact(&mut b)
}

/// `n` connections one after the other, each connect-send-echo-close.
fn conn_seq(port: u16, n: usize) -> Result<(), String> {
    connect(port)?;
    let t0 = Instant::now();
    let mut failures = 0;
    for _ in 0..n {
        let ok = TcpStream::connect(("127.0.0.1", port))
            .and_then(|mut s| {
                s.set_read_timeout(Some(Duration::from_secs(10)))?;
                one_exchange(&mut s)
            })
            .is_ok();
        if !ok {
            failures += 1;
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "{{\"secs\": {secs}, \"per_sec\": {}, \"failures\": {failures}}}",
        n as f64 / secs
    );
    Ok(())
}

/// `n` clients connected at once, then each echoed once.
fn conn_conc(port: u16, n: usize) -> Result<(), String> {
    raise_nofile();
    connect(port)?;
    let t0 = Instant::now();
    let mut failures = 0;
    let mut open = Vec::with_capacity(n);
    for _ in 0..n {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => open.push(s),
            Err(_) => failures += 1,
        }
    }
    let connected = t0.elapsed().as_secs_f64();
    for s in &mut open {
        let _ = s.set_read_timeout(Some(Duration::from_secs(20)));
        if s.write_all(b"0123456789abcdef0123456789abcdef").is_err() {
            failures += 1;
        }
    }
    let written = t0.elapsed().as_secs_f64();
    for s in &mut open {
        let mut b = [0u8; 32];
        if s.read_exact(&mut b).is_err() {
            failures += 1;
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "{{\"secs\": {secs}, \"connected\": {connected}, \"written\": {written}, \"failures\": {failures}}}"
    );
    Ok(())
}

pub fn raise_nofile() {
    socklab::sys::raise_nofile();
}

/// Reads one JSON line a role printed.
pub fn parse_json(out: &[u8]) -> Result<serde_json::Value, String> {
    out.lines()
        .map_while(Result::ok)
        .filter(|l| l.starts_with('{'))
        .last()
        .ok_or_else(|| format!("no result in {:?}", String::from_utf8_lossy(out)))
        .and_then(|l| serde_json::from_str(&l).map_err(|e| e.to_string()))
}
