//! The real binary in a real window under Xvfb: clicked and typed into with xdotool through
//! one connect-and-send flow to a peer this test owns, then photographed.
//!
//! Where Xvfb, xdotool or ImageMagick are missing the test says so and skips, except under
//! CI (CI set), where it must run.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use socklab::ui::SocklabApp;

const DEADLINE: Duration = Duration::from_secs(30);
const SIZE: (f32, f32) = (1280.0, 800.0);

struct Killer(Vec<Child>);
impl Drop for Killer {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Where each control sits in a window of SIZE, read from the same app laid out headless.
fn layout() -> Vec<(String, (i32, i32))> {
    let mut h: Harness<'static, SocklabApp> = Harness::builder()
        .with_size(egui::vec2(SIZE.0, SIZE.1))
        .build_eframe(|cc| SocklabApp::new(cc));
    h.step();
    let center = |h: &Harness<'static, SocklabApp>, l: &str| {
        let c = h.get_by_label(l).rect().center();
        (c.x.round() as i32, c.y.round() as i32)
    };
    let mut out = vec![("New TCP".to_string(), center(&h, "New TCP"))];
    h.get_by_label("New TCP").click();
    let until = Instant::now() + DEADLINE;
    while h.state().state.sockets.is_empty() {
        h.step();
        assert!(
            Instant::now() < until,
            "headless layout never got its socket"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    h.step();
    h.step();
    for l in ["peer port", "connect"] {
        out.push((l.to_string(), center(&h, l)));
    }
    // Once a port is typed its problem note goes, and the rows below move up: measure them
    // as they will be when the test gets to them.
    for s in h.state_mut().state.sockets.values_mut() {
        s.form.peer_port = "9".into();
    }
    h.step();
    h.step();
    for l in ["payload", "send", "0 rows"] {
        out.push((l.to_string(), center(&h, l)));
    }
    out
}

fn xdo(display: &str, args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("xdotool runs");
    if !out.stderr.is_empty() {
        eprintln!("XDO {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn socket_fds(pid: u32) -> usize {
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

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let until = Instant::now() + DEADLINE;
    while !f() {
        assert!(
            Instant::now() < until,
            "{what} not seen within {DEADLINE:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn real_window_connect_and_send() {
    let missing: Vec<&str> = ["Xvfb", "xdotool", "import"]
        .into_iter()
        .filter(|t| !have(t))
        .collect();
    if !missing.is_empty() {
        assert!(
            std::env::var_os("CI").is_none(),
            "under CI the Xvfb test must run, but {missing:?} are missing"
        );
        println!("NOTICE: {missing:?} missing; the real-window test is skipped (apt-get install xvfb xdotool imagemagick)");
        return;
    }
    let spots: std::collections::HashMap<String, (i32, i32)> = layout().into_iter().collect();
    let tmp = tempfile::tempdir().unwrap();
    let runtime = tmp.path().join("run");
    std::fs::create_dir(&runtime).unwrap();
    std::fs::set_permissions(
        &runtime,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();

    // Xvfb picks a free display and tells us which (-displayfd).
    let mut xvfb = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x800x24",
            "-noreset",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb starts");
    let mut line = String::new();
    // Kept open to the end: Xvfb's children (xkbcomp) write there too.
    let mut xvfb_out = BufReader::new(xvfb.stdout.take().unwrap());
    xvfb_out.read_line(&mut line).unwrap();
    let display = format!(":{}", line.trim());
    let mut procs = Killer(vec![xvfb]);

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();

    let app = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("LD_LIBRARY_PATH")
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("XDG_CACHE_HOME", tmp.path().join("cache"))
        .env("XDG_CONFIG_HOME", tmp.path().join("config"))
        .env("XDG_DATA_HOME", tmp.path().join("data"))
        .stdout(Stdio::null())
        .env("SOCKLAB_TIMING", "1")
        .stderr(std::fs::File::create(tmp.path().join("socklab.log")).unwrap())
        .spawn()
        .expect("socklab starts");
    let pid = app.id();
    procs.0.push(app);

    let mut window = String::new();
    wait_until("the socklab window", || {
        window = xdo(
            &display,
            &["search", "--onlyvisible", "--name", "^socklab$"],
        )
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
        !window.is_empty()
    });
    let shot = |path: &Path| {
        Command::new("import")
            .args(["-window", &window, path.to_str().unwrap()])
            .env("DISPLAY", &display)
            .status()
            .is_ok_and(|s| s.success())
    };
    // The first frame is drawn once the window is no longer one flat colour.
    let probe = tmp.path().join("probe.png");
    wait_until("the first frame", || {
        shot(&probe) && std::fs::metadata(&probe).is_ok_and(|m| m.len() > 20_000)
    });
    // SOCKLAB_TIMING: the window says when its first frame was on screen.
    let log = tmp.path().join("socklab.log");
    wait_until("the first-frame report", || {
        std::fs::read_to_string(&log).is_ok_and(|l| l.contains("first frame painted"))
    });
    xdo(&display, &["windowfocus", "--sync", &window]);
    let click = |name: &str| {
        let (x, y) = spots[name];
        xdo(
            &display,
            &[
                "mousemove",
                "--window",
                &window,
                &x.to_string(),
                &y.to_string(),
                "click",
                "1",
            ],
        );
    };

    // A few pixels around a control, to see when the frame that draws it is on screen.
    let area = |geometry: &str| -> Vec<u8> {
        Command::new("import")
            .args(["-window", &window, "-crop", geometry, "ppm:-"])
            .env("DISPLAY", &display)
            .output()
            .map(|o| o.stdout)
            .unwrap_or_default()
    };
    let region = |name: &str| -> Vec<u8> {
        let (x, y) = spots[name];
        // Wide enough to hold the start of the widest field, where typed text appears.
        area(&format!("400x24+{}+{}", (x - 200).max(0), y - 12))
    };
    let empty = region("peer port");
    let before = socket_fds(pid);
    click("New TCP");
    wait_until("a new socket in the app", || socket_fds(pid) > before);
    wait_until("s1's actions on screen", || {
        let now = region("peer port");
        !now.is_empty() && now != empty
    });
    // Keys typed in the same frame as the click that focuses a field would be lost: type
    // once the field is drawn focused.
    let focus = |name: &str| {
        let (x, y) = spots[name];
        let idle = region(name);
        xdo(
            &display,
            &[
                "mousemove",
                "--window",
                &window,
                &x.to_string(),
                &y.to_string(),
            ],
        );
        wait_until(&format!("{name} hovered"), || region(name) != idle);
        let hovered = region(name);
        xdo(&display, &["click", "1"]);
        wait_until(&format!("{name} focused"), || region(name) != hovered);
    };
    // Grabbing pixels moves the X input focus away: give it back before typing.
    let type_text = |text: &str| {
        xdo(&display, &["windowfocus", "--sync", &window]);
        xdo(&display, &["type", "--delay", "40", text]);
    };
    let out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&out_dir).unwrap();
    // Synthetic keys now and then go missing on a bare X server; an attempt whose effect does
    // not show within a few seconds is typed again (the field is selected and replaced).
    let attempt = |field: &str, text: &str, button: &str| {
        focus(field);
        xdo(&display, &["key", "ctrl+a"]);
        let before = region(field);
        type_text(text);
        // Typed text reaches the app through the input method, after the keys themselves: wait
        // until the field shows a change and then holds still, before clicking on.
        wait_until(&format!("{field} changed"), || region(field) != before);
        let mut last = region(field);
        let mut still = 0;
        wait_until(&format!("{field} settled"), || {
            let now = region(field);
            still = if now == last { still + 1 } else { 0 };
            last = now;
            still >= 3
        });
        click(button);
    };
    let until = Instant::now() + DEADLINE;
    let mut stream = loop {
        attempt("peer port", &port.to_string(), "connect");
        let tried = Instant::now();
        let got = loop {
            if let Ok((s, _)) = listener.accept() {
                break Some(s);
            }
            if tried.elapsed() > Duration::from_secs(3) {
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        if let Some(s) = got {
            break s;
        }
        shot(&out_dir.join("failed-connect.png"));
        assert!(
            Instant::now() < until,
            "the window never connected (see target/screenshots)"
        );
    };
    // The first traffic row, below the actions: empty until something was sent.
    // The traffic view's row count ("0 rows" until something was sent).
    let (cx, cy) = spots["0 rows"];
    let traffic_row = format!("120x20+{}+{}", (cx - 60).max(0), cy - 10);
    let traffic_row = traffic_row.as_str();
    let no_traffic = area(traffic_row);
    stream
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    let mut received = Vec::new();
    while !received.windows(5).any(|w| w == b"hello") {
        assert!(
            Instant::now() < until,
            "the window's send never arrived: {received:?}"
        );
        attempt("payload", "hello", "send");
        let mut buf = [0u8; 64];
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline && !received.windows(5).any(|w| w == b"hello") {
            match stream.read(&mut buf) {
                Ok(n) if n > 0 => received.extend_from_slice(&buf[..n]),
                _ => break,
            }
        }
    }

    // The photograph, once the send is drawn in the traffic view.
    wait_until("the send in the traffic view", || {
        area(traffic_row) != no_traffic
    });
    let png = out_dir.join("window.png");
    wait_until("the screenshot", || shot(&png));
    let len = std::fs::metadata(&png).unwrap().len();
    assert!(
        len > 20_000,
        "a rendered window, not a blank one ({len} bytes)"
    );
    if std::env::var_os("SOCKLAB_UPDATE_SCREENSHOT").is_some() {
        std::fs::copy(
            &png,
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/screenshot.png"),
        )
        .unwrap();
    }
}
