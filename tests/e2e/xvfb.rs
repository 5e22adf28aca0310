//! The real binary in a real window under Xvfb: clicked and typed into with xdotool through
//! one connect-and-send flow to a peer this test owns, then photographed.
//!
//! Where Xvfb, xdotool or ImageMagick are missing the test says so and skips, except under
//! CI (CI set), where it must run.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::xwin::{have, wait_until, Proc, Window, Xvfb, DEADLINE};

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
    let spots = crate::xwin::layout().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let xvfb = Xvfb::start().unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_socklab"));
    xvfb.prepare(&mut cmd, tmp.path()).unwrap();
    let log = tmp.path().join("socklab.log");
    let app = cmd
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("socklab starts");
    let pid = app.id();
    let _app = Proc(app);

    let w = Window::find(&xvfb.display, spots).unwrap();
    // The first frame is drawn once the window is no longer one flat colour.
    let probe = tmp.path().join("probe.png");
    wait_until("the first frame", || {
        shot(&w, &probe) && std::fs::metadata(&probe).is_ok_and(|m| m.len() > 20_000)
    })
    .unwrap();
    // SOCKLAB_TIMING: the window says when its first frame was on screen.
    wait_until("the first-frame report", || {
        std::fs::read_to_string(&log).is_ok_and(|l| l.contains("first frame painted"))
    })
    .unwrap();
    w.raise();

    let out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&out_dir).unwrap();
    let connected =
        crate::xwin::connect_window(&w, pid, port, || listener.accept().ok().map(|(s, _)| s));
    let mut stream = match connected {
        Ok(s) => s,
        Err(e) => {
            shot(&w, &out_dir.join("failed-connect.png"));
            panic!("{e} (see target/screenshots)");
        }
    };
    // The traffic view's row count ("0 rows" until something was sent).
    let (cx, cy) = w.spot("0 rows");
    let traffic_row = format!("120x20+{}+{}", (cx - 60).max(0), cy - 10);
    let traffic_row = traffic_row.as_str();
    let no_traffic = w.area(traffic_row);
    stream
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    let until = Instant::now() + DEADLINE;
    let mut received = Vec::new();
    while !received.windows(5).any(|w| w == b"hello") {
        assert!(
            Instant::now() < until,
            "the window's send never arrived: {received:?}"
        );
        w.enter("payload", "hello", "send").unwrap();
        let mut buf = [0u8; 64];
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline && !received.windows(5).any(|w| w == b"hello") {
            match stream.read(&mut buf) {
                Ok(n) if n > 0 => received.extend_from_slice(&buf[..n]),
                _ => break,
            }
        }
    }

    // SO_RCVBUF typed a key at a time as a person types, then Enter: set once, to 4096,
    // which the kernel keeps as 8192. Set at each keystroke (4, 40, 409, 4096 landing in the
    // field with the read-back of the last), it ends elsewhere. The kernel says, through
    // ss, what the window's socket (the one whose peer is our listener) holds.
    if have("ss") {
        // Receive: its controls lie below what the socket page shows at this size, so they
        // are scrolled to as a person would; auto-receive then reads what the peer sends
        // (the window's receive queue empties, and nothing waits in ours).
        w.scroll_controls().unwrap();
        w.focus("auto-receive").unwrap();
        stream.write_all(&[b'x'; 100_000]).unwrap();
        let queues = |filter: &str| -> Option<(u64, u64)> {
            let out = Command::new("ss")
                .args(["-tnH", "state", "established", filter])
                .output()
                .ok()?;
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            let mut f = text.split_whitespace();
            Some((f.next()?.parse().ok()?, f.next()?.parse().ok()?))
        };
        wait_until("auto-receive reading all the peer sent", || {
            queues(&format!("dport = :{port}")) == Some((0, 0))
                && queues(&format!("sport = :{port}")) == Some((0, 0))
        })
        .unwrap();
        w.focus("SO_RCVBUF").unwrap();
        crate::xwin::xdo(&w.display, &["key", "ctrl+a"]);
        w.raise();
        crate::xwin::xdo(&w.display, &["type", "--delay", "150", "4096"]);
        crate::xwin::xdo(&w.display, &["key", "Return"]);
        let rb = || -> Option<u64> {
            let out = Command::new("ss")
                .args(["-tmnH", "state", "established", &format!("dport = :{port}")])
                .output()
                .ok()?;
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            let at = text.find("rb")? + 2;
            text[at..]
                .split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        };
        wait_until("SO_RCVBUF set once to 4096 (8192 kept)", || {
            rb() == Some(8192)
        })
        .unwrap();
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "under CI ss (iproute2) must be there"
        );
    }

    // The photograph, once the send is drawn in the traffic view.
    wait_until("the send in the traffic view", || {
        w.area(traffic_row) != no_traffic
    })
    .unwrap();
    let png = out_dir.join("window.png");
    wait_until("the screenshot", || shot(&w, &png)).unwrap();
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

/// A screenshot of the window as PNG (the test's own: the benchmark takes none).
fn shot(w: &Window, path: &std::path::Path) -> bool {
    std::process::Command::new("import")
        .args(["-window", &w.id])
        .arg(path)
        .env("DISPLAY", &w.display)
        .status()
        .is_ok_and(|s| s.success())
}
