//! The release binary in a real window under Xvfb, with fresh settings: time from spawning
//! it to its first frame painted, its CPU use over 10 s of idling (and a first start's, the
//! payload field holding the keyboard, from a launch of its own) and its memory then; then,
//! driven with xdotool as a person would (New TCP, the port, connect, auto-receive), the
//! memory it holds after receiving `big` bytes from this benchmark with the default caps.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::xwin::{self, Proc, Window, Xvfb};
use crate::{pinned, window, CLIENT_CPU, SERVER_CPU};

/// What the real window measured.
pub struct RealWindow {
    pub first_ms: f64,
    /// % of one core while idle.
    pub cpu: f64,
    /// The same on a first start (its echo server and client made, the payload field
    /// holding the keyboard, as a newcomer's window is), from a launch of its own.
    pub cpu_first: Result<f64, String>,
    /// Resident MB, and the part of it that is the process's own (not mapped files such
    /// as the software renderer's libraries).
    pub rss: f64,
    pub anon: f64,
    /// The same after receiving `big` bytes (None when xdotool or ImageMagick is missing).
    pub after: Option<Result<(f64, f64), String>>,
}

pub fn real_window(socklab: &Path, big: u64) -> Result<RealWindow, String> {
    let home = std::env::temp_dir().join(format!("socklab-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    let result = measure(socklab, big, &home);
    let _ = std::fs::remove_dir_all(&home);
    result
}

fn measure(socklab: &Path, big: u64, home: &Path) -> Result<RealWindow, String> {
    let drive = xwin::have("xdotool") && xwin::have("import");
    // Read before the window starts: the headless layout costs a second or two of CPU.
    let spots = if drive { Some(xwin::layout()?) } else { None };
    let xvfb = Xvfb::start()?;
    let cpu_first = first_start_idle(socklab, &xvfb, &home.join("first"));
    let (pid, first, _app) = launch(socklab, &xvfb, home, false)?;
    let cpu = idle_cpu(pid)?;
    let mb = |key: &str| window::status_mb(&pid.to_string(), key);
    let (rss, anon) = (mb("VmRSS:"), mb("RssAnon:"));
    let after = spots.map(|spots| {
        receive(&xvfb.display, spots, pid, big)?;
        Ok((mb("VmRSS:"), mb("RssAnon:")))
    });
    Ok(RealWindow {
        first_ms: first.as_secs_f64() * 1000.0,
        cpu,
        cpu_first,
        rss,
        anon,
        after,
    })
}

/// A first start's window idling with the desktop's focus (egui draws a field's text
/// cursor only then; the first start's payload field has it): % of one core.
fn first_start_idle(socklab: &Path, xvfb: &Xvfb, home: &Path) -> Result<f64, String> {
    let (pid, _, _app) = launch(socklab, xvfb, home, true)?;
    if xwin::have("xdotool") {
        Window::find(&xvfb.display, Default::default())?.raise();
    }
    idle_cpu(pid)
}

/// % of one core `pid` uses over 10 s, after 2 s to settle.
fn idle_cpu(pid: u32) -> Result<f64, String> {
    std::thread::sleep(Duration::from_secs(2));
    let cpu0 = cpu_ticks(pid)?;
    let w0 = Instant::now();
    std::thread::sleep(Duration::from_secs(10));
    let cpu1 = cpu_ticks(pid)?;
    let wall = w0.elapsed().as_secs_f64();
    let hz = rustix::param::clock_ticks_per_second() as f64;
    Ok((cpu1 - cpu0) as f64 / hz / wall * 100.0)
}

/// The window started on `xvfb` with fresh settings under `home` (`first_run`: as a first
/// start), once it has painted its first frame: its pid, the time that took, and the
/// process (ended when dropped).
fn launch(
    socklab: &Path,
    xvfb: &Xvfb,
    home: &Path,
    first_run: bool,
) -> Result<(u32, Duration, Proc), String> {
    let t0 = Instant::now();
    let mut cmd = pinned(SERVER_CPU, &socklab.to_string_lossy(), &[]);
    xvfb.prepare(&mut cmd, home)?;
    if first_run {
        cmd.env_remove("SOCKLAB_FIRST_RUN");
    }
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("socklab: {e}"))?;
    let err = child.stderr.take().ok_or("socklab's stderr")?;
    // taskset execs socklab in the same process, so pid is the window's.
    let pid = child.id();
    let app = Proc(child);
    // Read on a thread, so a window that never draws cannot hang the benchmark.
    let (tx, rx) = crossbeam_channel::bounded(1);
    std::thread::spawn(move || {
        for l in BufReader::new(err).lines().map_while(Result::ok) {
            if l.contains("first frame painted") {
                let _ = tx.send(t0.elapsed());
            }
        }
    });
    let first = rx
        .recv_timeout(Duration::from_secs(30))
        .map_err(|_| "no first frame within 30 s".to_string())?;
    Ok((pid, first, app))
}

/// Drives the window to connect to a listener here and receive continuously, sends it
/// `big` bytes from the clients' CPU, and returns once the window has read them all.
fn receive(
    display: &str,
    spots: std::collections::HashMap<String, (i32, i32)>,
    pid: u32,
    big: u64,
) -> Result<(), String> {
    let w = Window::find(display, spots)?;
    w.raise();
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let stream = xwin::connect_window(&w, pid, port, || listener.accept().ok().map(|(s, _)| s))?;
    stream.set_nonblocking(false).map_err(|e| e.to_string())?;
    // Scrolled to, hovered, clicked, and drawn checked.
    w.scroll_controls()?;
    w.focus("auto-receive")?;
    let window_port = stream.peer_addr().map_err(|e| e.to_string())?.port();
    let sender = std::thread::Builder::new()
        .name("bench-sender".into())
        .spawn(move || send(stream, big))
        .map_err(|e| e.to_string())?;
    // Bounded: at 100 MB/s, 10 GB takes 100 s.
    let until = Instant::now() + Duration::from_secs(300);
    while !sender.is_finished() {
        if Instant::now() >= until {
            return Err(format!("the window did not take {big} bytes within 300 s"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let stream = sender.join().map_err(|_| "the sender panicked")??;
    // Every byte acknowledged (out of this side), and read out of the window's side.
    xwin::wait_until("the window reading the last bytes", || {
        outq(stream.as_fd()) == Some(0) && recv_queue_of(window_port) == Some(0)
    })?;
    drop(stream);
    Ok(())
}

fn send(mut stream: TcpStream, big: u64) -> Result<TcpStream, String> {
    pin_this_thread(CLIENT_CPU);
    let chunk = vec![b'x'; 1 << 16];
    let mut left = big;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        stream
            .write_all(&chunk[..n])
            .map_err(|e| format!("send to the window: {e}"))?;
        left -= n as u64;
    }
    Ok(stream)
}

fn pin_this_thread(cpu: &str) {
    let Ok(cpu) = cpu.parse::<usize>() else {
        return;
    };
    let mut set = rustix::thread::CpuSet::new();
    set.set(cpu);
    let _ = rustix::thread::sched_setaffinity(None, &set);
}

/// Bytes not yet acknowledged by the peer (SIOCOUTQ).
fn outq(fd: std::os::fd::BorrowedFd<'_>) -> Option<u32> {
    socklab::sys::send_queue(fd)
}

/// The receive queue of the IPv4 TCP socket bound to 127.0.0.1:`port`, from /proc/net/tcp.
fn recv_queue_of(port: u16) -> Option<u64> {
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    let local = format!("0100007F:{port:04X}");
    table.lines().skip(1).find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        (f.get(1) == Some(&local.as_str()))
            .then(|| f.get(4)?.split_once(':'))
            .flatten()
            .and_then(|(_, rx)| u64::from_str_radix(rx, 16).ok())
    })
}

/// User plus system CPU time of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> Result<u64, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|e| e.to_string())?;
    // Fields after the command name, which ends with the last ')'.
    let rest = stat.rsplit_once(')').ok_or("stat")?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = f.get(11).and_then(|x| x.parse().ok()).ok_or("utime")?;
    let stime: u64 = f.get(12).and_then(|x| x.parse().ok()).ok_or("stime")?;
    Ok(utime + stime)
}
