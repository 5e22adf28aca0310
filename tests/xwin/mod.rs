//! The real socklab window under Xvfb, clicked and typed into with xdotool: shared by the
//! real-window test and the benchmark (`#[path]`). Control positions come from the same
//! app laid out headless at the same size, so moving a control needs no change here.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use socklab::ui::SocklabApp;

pub const DEADLINE: Duration = Duration::from_secs(30);
pub const SIZE: (f32, f32) = (1280.0, 800.0);
/// Scrolls of 100 points that take the socket page's controls past their end.
const CONTROL_SCROLLS: usize = 10;

pub fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Polls `f` every 50 ms until it holds, for DEADLINE at most.
pub fn wait_until(what: &str, mut f: impl FnMut() -> bool) -> Result<(), String> {
    let until = Instant::now() + DEADLINE;
    while !f() {
        if Instant::now() >= until {
            return Err(format!("{what} not seen within {DEADLINE:?}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// A child process killed when this goes.
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An X server of its own (Xvfb picks a free display and says which, -displayfd).
pub struct Xvfb {
    pub display: String,
    _proc: Proc,
    /// Kept open to the end: Xvfb's children (xkbcomp) write there too.
    _out: BufReader<ChildStdout>,
}

impl Xvfb {
    pub fn start() -> Result<Xvfb, String> {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                &format!("{}x{}x24", SIZE.0, SIZE.1),
                "-noreset",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("Xvfb: {e}"))?;
        let out = child.stdout.take().ok_or("Xvfb's output")?;
        let proc = Proc(child);
        let mut out = BufReader::new(out);
        let mut line = String::new();
        out.read_line(&mut line).map_err(|e| format!("Xvfb: {e}"))?;
        Ok(Xvfb {
            display: format!(":{}", line.trim()),
            _proc: proc,
            _out: out,
        })
    }

    /// Points a socklab command at this display, with fresh settings under `home` (the
    /// caller adds its output and spawns it).
    pub fn prepare(&self, c: &mut Command, home: &Path) -> Result<(), String> {
        let runtime = home.join("run");
        std::fs::create_dir_all(&runtime).map_err(|e| e.to_string())?;
        std::fs::set_permissions(
            &runtime,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .map_err(|e| e.to_string())?;
        c.env("DISPLAY", &self.display)
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("LD_LIBRARY_PATH")
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("SOCKLAB_TIMING", "1")
            // A fresh home is a first start: its echo server and client would be in the
            // way of the flows these windows are driven through.
            .env("SOCKLAB_FIRST_RUN", "0")
            .stdin(Stdio::null());
        Ok(())
    }
}

pub fn xdo(display: &str, args: &[&str]) -> String {
    let out = match Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            eprintln!("xdotool {args:?}: {e}");
            return String::new();
        }
    };
    if !out.stderr.is_empty() {
        eprintln!("XDO {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Where each named control sits in a window of SIZE, read from the app laid out headless:
/// "New TCP", then with s1 made, "peer port" and "connect", and with s1 connected (as the
/// real window is when they are used: rows above them change with the state),
/// "payload", "send", "0 rows" and the inspector's "SO_RCVBUF"; then, with the controls
/// scrolled to their end, "auto-receive".
pub fn layout() -> Result<HashMap<String, (i32, i32)>, String> {
    let mut h: Harness<'static, SocklabApp> = Harness::builder()
        .with_size(egui::vec2(SIZE.0, SIZE.1))
        .build_eframe(|cc| SocklabApp::new(cc));
    h.step();
    let center = |h: &Harness<'static, SocklabApp>, l: &str| {
        let c = h.get_by_label(l).rect().center();
        (c.x.round() as i32, c.y.round() as i32)
    };
    let mut out = HashMap::new();
    out.insert("New TCP".to_string(), center(&h, "New TCP"));
    h.get_by_label("New TCP").click();
    let until = Instant::now() + DEADLINE;
    while h.state().state.sockets.is_empty() {
        h.step();
        if Instant::now() >= until {
            return Err("headless layout never got its socket".into());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    h.step();
    h.step();
    for l in ["peer port", "connect"] {
        out.insert(l.to_string(), center(&h, l));
    }
    // Once a port is typed its problem note goes, and once connected the listen row's
    // warning for an unbound socket too: measure the rows below as they will be when
    // they are used, connected to a peer of this layout's own.
    let peer = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = peer.local_addr().map_err(|e| e.to_string())?.port();
    for s in h.state_mut().state.sockets.values_mut() {
        s.form.peer_port = port.to_string();
    }
    h.step();
    h.get_by_label("connect").click();
    let until = Instant::now() + DEADLINE;
    while !h
        .state()
        .state
        .sockets
        .values()
        .any(|s| s.state() == socklab::engine::SockState::Connected && s.snapshot.is_some())
    {
        h.step();
        if Instant::now() >= until {
            return Err("headless layout never connected".into());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    h.step();
    h.step();
    for l in ["payload", "send", "0 rows", "SO_RCVBUF"] {
        out.insert(l.to_string(), center(&h, l));
    }
    // The receive controls lie below what the socket page's controls show at this size:
    // measured with that area scrolled to its end, as Window::scroll_controls leaves it.
    for _ in 0..CONTROL_SCROLLS {
        h.get_by_label("connect").scroll_down();
        h.step();
    }
    for _ in 0..30 {
        h.step();
    }
    out.insert("auto-receive".to_string(), center(&h, "auto-receive"));
    Ok(out)
}

/// The socklab window on a display, and where its controls are.
pub struct Window {
    pub display: String,
    pub id: String,
    spots: HashMap<String, (i32, i32)>,
}

impl Window {
    /// Waits for the window named socklab to be mapped.
    pub fn find(display: &str, spots: HashMap<String, (i32, i32)>) -> Result<Window, String> {
        let mut id = String::new();
        wait_until("the socklab window", || {
            id = xdo(display, &["search", "--onlyvisible", "--name", "^socklab$"])
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            !id.is_empty()
        })?;
        Ok(Window {
            display: display.to_string(),
            id,
            spots,
        })
    }

    pub fn spot(&self, name: &str) -> (i32, i32) {
        self.spots.get(name).copied().unwrap_or_default()
    }

    /// The pixels of `geometry` (WxH+X+Y), to see when the frame that changes them is drawn.
    pub fn area(&self, geometry: &str) -> Vec<u8> {
        Command::new("import")
            .args(["-window", &self.id, "-crop", geometry, "ppm:-"])
            .env("DISPLAY", &self.display)
            .output()
            .map(|o| o.stdout)
            .unwrap_or_default()
    }

    /// The pixels around a control: wide enough to hold the start of the widest field,
    /// where typed text appears.
    pub fn region(&self, name: &str) -> Vec<u8> {
        let (x, y) = self.spot(name);
        self.area(&format!("400x24+{}+{}", (x - 200).max(0), y - 12))
    }

    pub fn click(&self, name: &str) {
        let (x, y) = self.spot(name);
        let (x, y) = (x.to_string(), y.to_string());
        let args = ["mousemove", "--window", &self.id, &x, &y, "click", "1"];
        xdo(&self.display, &args);
    }

    /// Scrolls the socket page's controls to their end (as layout() measures
    /// "auto-receive"): more wheel turns than they need, then until they are drawn still.
    pub fn scroll_controls(&self) -> Result<(), String> {
        let (x, y) = self.spot("connect");
        let (xs, ys) = (x.to_string(), y.to_string());
        let turns = (CONTROL_SCROLLS * 4).to_string();
        xdo(
            &self.display,
            &["mousemove", "--window", &self.id, &xs, &ys],
        );
        xdo(
            &self.display,
            &["click", "--repeat", &turns, "--delay", "20", "5"],
        );
        let mut last = self.region("auto-receive");
        let mut still = 0;
        wait_until("the controls scrolled", || {
            let now = self.region("auto-receive");
            still = if now == last { still + 1 } else { 0 };
            last = now;
            still >= 5
        })
    }

    pub fn raise(&self) {
        xdo(&self.display, &["windowfocus", "--sync", &self.id]);
    }

    /// Keys typed in the same frame as the click that focuses a field would be lost: hovers,
    /// clicks, and waits until the field is drawn focused.
    pub fn focus(&self, name: &str) -> Result<(), String> {
        let (x, y) = self.spot(name);
        let idle = self.region(name);
        let (xs, ys) = (x.to_string(), y.to_string());
        xdo(
            &self.display,
            &["mousemove", "--window", &self.id, &xs, &ys],
        );
        wait_until(&format!("{name} hovered"), || self.region(name) != idle)?;
        let hovered = self.region(name);
        xdo(&self.display, &["click", "1"]);
        wait_until(&format!("{name} focused"), || self.region(name) != hovered)
    }

    /// Grabbing pixels moves the X input focus away: it is given back before typing.
    pub fn type_text(&self, text: &str) {
        self.raise();
        xdo(&self.display, &["type", "--delay", "40", text]);
    }

    /// Types `text` into `field` (replacing what it held) and clicks `button`. Typed text
    /// reaches the app through the input method, after the keys themselves: the click waits
    /// until the field has changed and then held still.
    pub fn enter(&self, field: &str, text: &str, button: &str) -> Result<(), String> {
        self.focus(field)?;
        xdo(&self.display, &["key", "ctrl+a"]);
        let before = self.region(field);
        self.type_text(text);
        wait_until(&format!("{field} changed"), || self.region(field) != before)?;
        let mut last = self.region(field);
        let mut still = 0;
        wait_until(&format!("{field} settled"), || {
            let now = self.region(field);
            still = if now == last { still + 1 } else { 0 };
            last = now;
            still >= 3
        })?;
        self.click(button);
        Ok(())
    }
}

/// Sockets the process holds open.
pub fn socket_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| {
                    std::fs::read_link(e.path())
                        .is_ok_and(|l| l.to_string_lossy().starts_with("socket:"))
                })
                .count()
        })
        .unwrap_or(0)
}

/// New TCP, the peer port typed, connect: retried until `accepted` sees the connection (a
/// synthetic key now and then goes missing on a bare X server; the field is selected and
/// typed again). What `accepted` returns once it has one.
pub fn connect_window<T>(
    w: &Window,
    pid: u32,
    port: u16,
    mut accepted: impl FnMut() -> Option<T>,
) -> Result<T, String> {
    let empty = w.region("peer port");
    let before = socket_fds(pid);
    w.click("New TCP");
    wait_until("a new socket in the app", || socket_fds(pid) > before)?;
    wait_until("s1's actions on screen", || {
        let now = w.region("peer port");
        !now.is_empty() && now != empty
    })?;
    let until = Instant::now() + DEADLINE;
    loop {
        w.enter("peer port", &port.to_string(), "connect")?;
        let tried = Instant::now();
        while tried.elapsed() < Duration::from_secs(3) {
            if let Some(t) = accepted() {
                return Ok(t);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if Instant::now() >= until {
            return Err("the window never connected".into());
        }
    }
}
