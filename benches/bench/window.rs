//! The window's own costs, measured on the real app (`SocklabApp`: engine, state, panels)
//! drawn headless: a frame is what the window does every frame (drain events, lay out every
//! panel, tessellate), everything but the GPU upload. Each role prints one JSON line.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use socklab::engine::{AddrSpec, Direction, Endpoint, Family, Kind, Op, SockState, SocketId};
use socklab::ui::state::{Action, UiState};
use socklab::ui::traffic::TrafficRow;
use socklab::ui::SocklabApp;

use crate::stats::percentile;

/// The window's size when it opens.
const SIZE: egui::Vec2 = egui::vec2(1280.0, 800.0);
/// The window's cadence under load (vsync).
const FRAME: Duration = Duration::from_micros(16_667);
const DEADLINE: Duration = Duration::from_secs(60);

pub struct Headless {
    ctx: egui::Context,
    pub app: SocklabApp,
    frame: eframe::Frame,
    start: Instant,
}

impl Headless {
    pub fn new() -> Headless {
        let ctx = egui::Context::default();
        let cc = eframe::CreationContext::_new_kittest(ctx.clone());
        let app = SocklabApp::new(&cc);
        Headless {
            ctx,
            app,
            frame: eframe::Frame::_new_kittest(),
            start: Instant::now(),
        }
    }

    /// One frame as the window draws it, timed.
    pub fn frame(&mut self) -> Duration {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, SIZE)),
            time: Some(self.start.elapsed().as_secs_f64()),
            ..Default::default()
        };
        let t = Instant::now();
        let (app, frame) = (&mut self.app, &mut self.frame);
        let out = self.ctx.run_ui(input, |ui| {
            eframe::App::logic(app, ui.ctx(), frame);
            eframe::App::ui(app, ui, frame);
        });
        let prims = self.ctx.tessellate(out.shapes, out.pixels_per_point);
        std::hint::black_box(prims);
        t.elapsed()
    }

    /// Draws frames at the window's cadence until `pred` holds.
    fn until(&mut self, what: &str, pred: impl Fn(&UiState) -> bool) -> Result<(), String> {
        let until = Instant::now() + DEADLINE;
        while !pred(&self.app.state) {
            if Instant::now() > until {
                return Err(format!("{what}: not seen within {DEADLINE:?}"));
            }
            let t = Instant::now();
            self.frame();
            std::thread::sleep(FRAME.saturating_sub(t.elapsed()));
        }
        Ok(())
    }

    /// A new socket, made as the "New" buttons make it.
    fn new_socket(&mut self, kind: Kind) -> Result<SocketId, String> {
        let before = self.app.state.sockets.keys().last().copied();
        self.app.push(Action::NewSocket {
            family: Family::Inet,
            kind,
        });
        self.until("a new socket", |s| {
            s.sockets.keys().last().copied() != before
        })?;
        self.app
            .state
            .sockets
            .keys()
            .last()
            .copied()
            .ok_or_else(|| "no socket".into())
    }

    fn call(&mut self, id: SocketId, op: Op) {
        self.app.push(Action::Call { id, op });
    }

    /// A listener on 127.0.0.1 that accepts and receives on its own; its port.
    fn listener(&mut self) -> Result<(SocketId, u16), String> {
        let id = self.new_socket(Kind::Stream)?;
        self.call(
            id,
            Op::Bind {
                addr: AddrSpec::Inet {
                    host: "127.0.0.1".into(),
                    port: 0,
                },
            },
        );
        self.call(id, Op::Listen { backlog: 1024 });
        self.call(
            id,
            Op::AutoAccept {
                on: true,
                receive: true,
            },
        );
        self.until("the listener accepting", |s| {
            s.sockets[&id]
                .snapshot
                .as_ref()
                .is_some_and(|n| n.auto_accept && n.state == SockState::Listening)
        })?;
        let port = self.port(id).ok_or("the listener's port")?;
        Ok((id, port))
    }

    /// The port a socket is bound to, as its last snapshot says.
    fn port(&self, id: SocketId) -> Option<u16> {
        self.app.state.sockets[&id]
            .snapshot
            .as_ref()
            .and_then(|n| n.local.as_ref())
            .and_then(Endpoint::port)
    }

    fn sockets(&self) -> usize {
        self.app.state.sockets.len()
    }

    fn select(&mut self, id: SocketId) {
        self.app.push(Action::Select { id });
    }
}

/// A `kB` field of a process's /proc status file (`pid` "self" for this one), in MB.
pub fn status_mb(pid: &str, key: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Resident and peak memory of this process, MB.
fn memory_mb() -> (f64, f64) {
    (status_mb("self", "VmRSS:"), status_mb("self", "VmHWM:"))
}

/// A process killed when dropped: the sender flooding the window.
struct Sender(Child);

impl Drop for Sender {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// This bench's `send` role on the clients' CPU, into `port`.
fn flood(port: u16, bytes: u64) -> Result<Sender, String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    Command::new("taskset")
        .args(["-c", crate::CLIENT_CPU])
        .arg(me)
        .args(["role", "send", &port.to_string(), &bytes.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(Sender)
        .map_err(|e| format!("sender: {e}"))
}

/// Connections the app's listener accepted, as sockets in its list.
fn connections(h: &Headless, listener: SocketId) -> Vec<SocketId> {
    h.app
        .state
        .sockets
        .iter()
        .filter(|(_, v)| v.info.parent == Some(listener))
        .map(|(id, _)| *id)
        .collect()
}

/// `n` client connections into `port`, held open by the caller.
fn clients(
    h: &mut Headless,
    listener: SocketId,
    port: u16,
    n: usize,
) -> Result<Vec<TcpStream>, String> {
    let before = connections(h, listener).len();
    let mut open = Vec::with_capacity(n);
    for i in 0..n {
        open.push(TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("client {i}: {e}"))?);
        if i % 100 == 99 {
            // Let the window take the events as it would, a frame at a time.
            h.frame();
        }
    }
    h.until("every connection in the list", |s| {
        s.sockets
            .values()
            .filter(|v| v.info.parent == Some(listener))
            .count()
            >= before + n
    })?;
    Ok(open)
}

/// A million rows in one socket's log (filled directly: the engine's path is measured by
/// the TCP benchmark; here it is the drawing of a long log that counts).
fn million_rows(h: &mut Headless, id: SocketId) {
    let Some(v) = h.app.state.sockets.get_mut(&id) else {
        return;
    };
    v.traffic.set_cap(1 << 30);
    let t0 = SystemTime::now();
    for i in 0..1_000_000u64 {
        let data = format!("row {i}: GET /status HTTP/1.1").into_bytes();
        v.traffic.push(TrafficRow {
            at: t0 + Duration::from_micros(i),
            direction: if i % 3 == 0 {
                Direction::Out
            } else {
                Direction::In
            },
            len: data.len(),
            data: data.into(),
            peer: None,
            cut: 0,
            tls: false,
            via: None,
        });
    }
}

/// Bytes a socket received, as its last snapshot counted them.
fn bytes_in(h: &Headless, id: SocketId) -> u64 {
    h.app.state.sockets[&id]
        .snapshot
        .as_ref()
        .map_or(0, |s| s.counters.bytes_in)
}

/// CPU time of the calling thread.
fn thread_cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// Frames drawn at 60 Hz for `secs`: their times in ms, wall clock and the drawing
/// thread's own CPU.
fn measure(h: &mut Headless, secs: f64) -> (Vec<f64>, Vec<f64>) {
    let end = Instant::now() + Duration::from_secs_f64(secs);
    let (mut times, mut cpu) = (Vec::new(), Vec::new());
    while Instant::now() < end {
        let c = thread_cpu();
        let d = h.frame();
        cpu.push((thread_cpu() - c).as_secs_f64() * 1000.0);
        times.push(d.as_secs_f64() * 1000.0);
        std::thread::sleep(FRAME.saturating_sub(d));
    }
    (times, cpu)
}

fn print_frames((times, cpu): &(Vec<f64>, Vec<f64>), extra: &str) {
    let (rss, peak) = memory_mb();
    println!(
        "{{\"frames\": {}, \"p50_ms\": {}, \"p99_ms\": {}, \"max_ms\": {}, \"cpu_p50_ms\": {}, \"cpu_p99_ms\": {}, \"rss_mb\": {rss}, \"peak_mb\": {peak}{extra}}}",
        times.len(),
        percentile(times, 50.0),
        percentile(times, 99.0),
        percentile(times, 100.0),
        percentile(cpu, 50.0),
        percentile(cpu, 99.0),
    );
    let _ = std::io::stdout().flush();
}

/// Frame times with one idle UDP socket selected.
pub fn frames_idle(secs: f64) -> Result<(), String> {
    let mut h = Headless::new();
    let id = h.new_socket(Kind::Dgram)?;
    h.select(id);
    measure(&mut h, 1.0);
    let times = measure(&mut h, secs);
    print_frames(&times, "");
    Ok(())
}

/// Frame times under load: a listener with `conns` connections open, one of them receiving
/// at full speed, and a UDP socket holding a million rows; `view` says which is selected
/// (`rx`, the receiving connection, or `log`, the million rows), or `learn`: the receiving
/// connection's sequence diagram in the centre (every recv a beat, 20,000 kept) with both
/// Python consoles open below.
pub fn frames_load(view: &str, conns: usize, secs: f64) -> Result<(), String> {
    let mut h = Headless::new();
    let (listener, port) = h.listener()?;
    let _open = clients(&mut h, listener, port, conns.saturating_sub(1))?;
    let before = connections(&h, listener);
    let _sender = flood(port, 1 << 40)?;
    h.until("the flooding connection", |s| {
        s.sockets
            .iter()
            .any(|(id, v)| v.info.parent == Some(listener) && !before.contains(id))
    })?;
    let rx = connections(&h, listener)
        .into_iter()
        .find(|id| !before.contains(id))
        .ok_or("the flooding connection")?;
    let log = h.new_socket(Kind::Dgram)?;
    million_rows(&mut h, log);
    h.select(if view == "log" { log } else { rx });
    if view == "learn" {
        let s = &mut h.app.state;
        s.centre = socklab::ui::state::Centre::Sequence;
        s.bottom = socklab::ui::state::Bottom::Console;
        s.split = true;
    }
    measure(&mut h, 1.0);
    let bytes0 = bytes_in(&h, rx);
    let t0 = Instant::now();
    let times = measure(&mut h, secs);
    let gbps = bytes_in(&h, rx).saturating_sub(bytes0) as f64 / t0.elapsed().as_secs_f64() / 1e9;
    let n = h.sockets();
    print_frames(&times, &format!(", \"sockets\": {n}, \"rx_gbps\": {gbps}"));
    Ok(())
}

/// UDP loss in the window: a UDP socket in auto-receive (recv's buffer 64 KiB), selected, while
/// `sockperf tp` floods it with `size`-byte datagrams for `secs` (at `mps` a second, or as
/// fast as it can), the window drawing at 60 Hz on the receiving threads' core (the caller
/// pins the whole process). The UDP benchmark drains without frames; here a frame can take
/// the core from the receiving thread (gate.rs), and what that costs in datagrams shows.
pub fn frames_udp(size: usize, secs: u64, mps: Option<u64>) -> Result<(), String> {
    let mut h = Headless::new();
    let id = h.new_socket(Kind::Dgram)?;
    h.call(
        id,
        Op::Bind {
            addr: AddrSpec::Inet {
                host: "127.0.0.1".into(),
                port: 0,
            },
        },
    );
    h.call(
        id,
        Op::AutoReceive {
            on: true,
            bufsize: 65536,
        },
    );
    h.until("the UDP socket bound and receiving", |s| {
        s.sockets[&id]
            .snapshot
            .as_ref()
            .is_some_and(|n| n.auto_receive && n.state == SockState::Bound)
    })?;
    let port = h.port(id).ok_or("the UDP socket's port")?;
    h.select(id);
    measure(&mut h, 1.0);
    let s = |x: &dyn ToString| x.to_string();
    let mut args = vec![
        s(&"tp"),
        s(&"-i"),
        s(&"127.0.0.1"),
        s(&"-p"),
        s(&port),
        s(&"-m"),
        s(&size),
        s(&"-t"),
        s(&secs),
    ];
    if let Some(mps) = mps {
        args.extend([s(&"--mps"), s(&mps)]);
    }
    // (Killed when dropped, on every way out.)
    let mut sender = Sender(
        crate::peers::pinned(crate::CLIENT_CPU, "sockperf", &args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("sockperf: {e}"))?,
    );
    let (mut times, mut cpu) = (Vec::new(), Vec::new());
    let until = Instant::now() + Duration::from_secs(secs) + DEADLINE;
    let status = loop {
        if let Some(status) = sender.0.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if Instant::now() > until {
            return Err(format!(
                "sockperf still sending {DEADLINE:?} after its {secs} s"
            ));
        }
        let (t, c) = measure(&mut h, 0.1);
        times.extend(t);
        cpu.extend(c);
    };
    let mut text = String::new();
    if let Some(mut out) = sender.0.stdout.take() {
        out.read_to_string(&mut text).map_err(|e| e.to_string())?;
    }
    if let Some(mut err) = sender.0.stderr.take() {
        err.read_to_string(&mut text).map_err(|e| e.to_string())?;
    }
    if !status.success() {
        return Err(format!("sockperf: {status}: {text}"));
    }
    let sent = crate::udp::sockperf_sent(&text).ok_or_else(|| format!("no sent count: {text}"))?;
    // The queue is emptied within a frame or two; the snapshots that follow count it all.
    measure(&mut h, 1.0);
    let received = h.app.state.sockets[&id]
        .snapshot
        .as_ref()
        .map_or(0, |n| n.counters.msgs_in);
    let loss = 100.0 * (1.0 - received as f64 / sent.max(1) as f64).max(0.0);
    print_frames(
        &(times, cpu),
        &format!(", \"sent\": {sent}, \"received\": {received}, \"loss_pct\": {loss}"),
    );
    Ok(())
}

/// Memory after `bytes` received into one connection with the default caps, the window
/// drawing at 60 Hz with that connection selected.
pub fn memory_after(bytes: u64) -> Result<(), String> {
    let mut h = Headless::new();
    let (listener, port) = h.listener()?;
    let _sender = flood(port, bytes)?;
    h.until("the connection", |s| {
        s.sockets.values().any(|v| v.info.parent == Some(listener))
    })?;
    let conn = connections(&h, listener)[0];
    h.select(conn);
    let t0 = Instant::now();
    let until = t0 + Duration::from_secs(600);
    loop {
        let got = bytes_in(&h, conn);
        if got >= bytes {
            break;
        }
        if Instant::now() > until {
            return Err(format!("only {got} of {bytes} bytes arrived"));
        }
        let t = Instant::now();
        h.frame();
        std::thread::sleep(FRAME.saturating_sub(t.elapsed()));
    }
    let secs = t0.elapsed().as_secs_f64();
    let held = h.app.state.sockets[&conn].traffic.bytes_held();
    let (rss, peak) = memory_mb();
    println!(
        "{{\"bytes\": {bytes}, \"secs\": {secs}, \"log_bytes\": {held}, \"rss_mb\": {rss}, \"peak_mb\": {peak}}}"
    );
    Ok(())
}

/// Memory with `n` connections open, each in the list, after a few seconds of frames.
pub fn memory_with_connections(n: usize) -> Result<(), String> {
    crate::roles::raise_nofile();
    let mut h = Headless::new();
    let (listener, port) = h.listener()?;
    let _open = clients(&mut h, listener, port, n)?;
    measure(&mut h, 2.0);
    let (rss, peak) = memory_mb();
    println!(
        "{{\"connections\": {n}, \"sockets\": {}, \"rss_mb\": {rss}, \"peak_mb\": {peak}}}",
        h.sockets()
    );
    Ok(())
}

/// Memory with a sequence diagram of `beats` beats drawn: a connection whose peer sends a
/// small message at a time, each received before the next (a recv beat each, and its
/// segments when capturing), the diagram in the centre; RSS before the messages and after,
/// with frames drawn meanwhile and 2 s more.
pub fn memory_diagram(beats: usize) -> Result<(), String> {
    use std::io::Write as _;
    let mut h = Headless::new();
    let (listener, port) = h.listener()?;
    let mut peer = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    peer.set_nodelay(true).map_err(|e| e.to_string())?;
    h.until("the connection", |s| {
        s.sockets.values().any(|v| v.info.parent == Some(listener))
    })?;
    let conn = connections(&h, listener)[0];
    h.select(conn);
    h.app.state.centre = socklab::ui::state::Centre::Sequence;
    measure(&mut h, 1.0);
    let (before, _) = memory_mb();
    let until = Instant::now() + DEADLINE;
    let mut sent = 0usize;
    while h.app.state.story.beats().len() < beats && sent < beats {
        peer.write_all(b"message\n").map_err(|e| e.to_string())?;
        sent += 1;
        // Received (its row logged) before the next goes, so each is a recv of its own.
        while h.app.state.sockets[&conn].traffic.len() < sent {
            if Instant::now() > until {
                return Err(format!("{sent} messages: not received within {DEADLINE:?}"));
            }
            h.frame();
        }
    }
    let times = measure(&mut h, 2.0);
    let n = h.app.state.story.beats().len();
    let captured = h.app.state.story.captured;
    print_frames(
        &times,
        &format!(
            ", \"beats\": {n}, \"messages\": {sent}, \"captured\": {captured}, \"rss_before_mb\": {before}"
        ),
    );
    Ok(())
}
