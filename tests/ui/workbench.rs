//! The whole window driven headless with egui_kittest (no display, no GPU), on real sockets.

use crate::ui_common::*;
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use socklab::engine::{Endpoint, SockState};
use socklab::ui::SocklabApp;

/// Clicks bind (127.0.0.1, port 0) on the selected socket and waits for the chosen port.
fn bind_port_zero(h: &mut Harness<'static, SocklabApp>) -> u16 {
    click(h, "bind");
    step_until(h, "bound to a chosen port", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.local())
            .and_then(Endpoint::port)
            .is_some_and(|p| p != 0)
    });
    h.state()
        .state
        .selected_view()
        .and_then(|s| s.local())
        .and_then(Endpoint::port)
        .unwrap_or(0)
}

fn selected_name(h: &Harness<'static, SocklabApp>) -> String {
    h.state()
        .state
        .selected_view()
        .map(|s| s.info.name.clone())
        .unwrap_or_default()
}

fn select(h: &mut Harness<'static, SocklabApp>, name: &str) {
    click_socket_row(h, name);
    assert_eq!(selected_name(h), name);
}

fn local_port_shown(h: &Harness<'static, SocklabApp>) -> Option<u16> {
    // The inspector's "local address" value, as drawn.
    h.get_all_by_label_contains("127.0.0.1:")
        .filter_map(|n| n.accesskit_node().label().or_else(|| n.value()))
        .filter_map(|l| {
            l.strip_prefix("127.0.0.1:")
                .and_then(|p| p.split_whitespace().next())
                .and_then(|p| p.parse().ok())
        })
        .find(|p| *p != 0)
}

#[test]
fn tcp_listen_connect_send_hello() {
    let mut h = harness();
    listener_s1_and_client_s2(&mut h);
    type_into(&mut h, "payload", "hello");
    click(&mut h, "send");
    step_until(&mut h, "send journaled", |a| {
        a.state
            .journal
            .iter()
            .any(|e| e.line == "s2.send(b'hello')" && e.result.as_deref() == Some("5"))
    });

    accept_conn1(&mut h);
    select(&mut h, "conn1");
    click(&mut h, "recv");
    // The chunk and recv's answer are two events: wait for both (the answer's line is
    // drawn in the frame after it is applied, which step_until steps).
    step_until(&mut h, "hello received and answered", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.received_text() == "hello")
            && a.state
                .journal
                .iter()
                .any(|e| e.line.contains(".recv(") && e.result.as_deref() == Some("b'hello'"))
    });
    // In the traffic view and in the journal, as drawn.
    step_until_drawn(&mut h, "the traffic row with text and hex", |h| {
        h.query_by_label_contains("hello  | 68 65 6c 6c 6f")
            .is_some()
    });
    step_until_drawn(&mut h, "send's line in the journal", |h| {
        h.query_by_label(">>> s2.send(b'hello')").is_some()
    });
    step_until_drawn(&mut h, "recv's result in the journal", |h| {
        h.query_by_label("b'hello'").is_some()
    });
    // Each entry on one line: send's result beside its call, and the entries a line apart.
    let send = h.get_by_label(">>> s2.send(b'hello')").rect();
    let five = h
        .get_all_by_label("5")
        .map(|n| n.rect())
        .find(|r| (r.center().y - send.center().y).abs() < 2.0);
    assert!(
        five.is_some_and(|r| r.left() > send.right()),
        "send's 5 beside it"
    );
    let next = h.get_by_label_contains("s1.accept()").rect();
    assert!(
        next.top() - send.top() < 1.8 * send.height(),
        "one line an entry: {send:?} {next:?}"
    );
    let j = &h.state().state.journal;
    assert!(j
        .iter()
        .any(|e| e.line == "s1 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)"));
    assert!(j
        .iter()
        .any(|e| e.line.starts_with("conn1, addr = s1.accept()")));
    // The journal saved as a script.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.py");
    type_into(&mut h, "journal file", path.to_str().unwrap());
    click(&mut h, "Save journal");
    files_done(&mut h);
    let script = std::fs::read_to_string(&path).expect("the journal file");
    assert!(
        script.starts_with("import socket\ns1 = socket.socket("),
        "{script}"
    );
    assert!(script.contains("\ns2.send(b'hello')\n"));
    assert!(
        socklab::pyrt::compiles(&script).is_ok(),
        "socklab run accepts it"
    );
    // Nothing asks for a repaint every frame: an idle window uses no CPU (run() panics if so).
    h.run();
}

#[test]
fn udp_datagrams_show_their_source() {
    let mut h = harness();
    click(&mut h, "New UDP");
    step_until(&mut h, "s1", |a| a.state.sockets.len() == 1);
    bind_port_zero(&mut h);
    let port = local_port_shown(&h).expect("port shown");
    click(&mut h, "auto-receive");
    click(&mut h, "New UDP");
    step_until(&mut h, "s2", |a| a.state.sockets.len() == 2);
    bind_port_zero(&mut h);
    let s2_port = h
        .state()
        .state
        .selected_view()
        .and_then(|s| s.local())
        .and_then(Endpoint::port)
        .unwrap();
    type_into(&mut h, "peer port", &port.to_string());
    for msg in ["one", "two"] {
        replace_text(&mut h, "payload", msg);
        click(&mut h, "sendto");
    }
    select(&mut h, "s1");
    step_until(&mut h, "two datagrams", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.traffic.len() == 2)
    });
    let s1 = h.state().state.selected_view().unwrap();
    assert_eq!(
        s1.traffic.get(0).unwrap().data,
        b"one",
        "one row per datagram"
    );
    assert_eq!(s1.traffic.get(1).unwrap().data, b"two");
    let src = format!("127.0.0.1:{s2_port}");
    assert!(
        h.query_by_label_contains(&format!("{src}  one")).is_some(),
        "the source address is shown"
    );
}

/// While datagrams stream in, the window offers its core between the pieces of each frame
/// (after its logic and each panel), so a receiving worker on the same core empties the
/// socket's buffer before it overflows (engine/gate.rs; the engine's test
/// `a_datagram_worker_takes_the_core_the_window_hands_over` has a worker take it).
#[test]
fn while_datagrams_stream_in_each_frame_hands_its_core_over() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let mut h = harness();
    click(&mut h, "New UDP");
    step_until(&mut h, "s1", |a| a.state.sockets.len() == 1);
    let port = bind_port_zero(&mut h);
    click(&mut h, "auto-receive");
    // A datagram a millisecond (a pace, not a wait) until the test has seen its frames,
    // a minute at most.
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let sending = stop.clone();
    let sender = std::thread::spawn(move || {
        let u = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !sending.load(Ordering::Relaxed) && std::time::Instant::now() < until {
            u.send_to(b"tick", ("127.0.0.1", port)).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    });
    step_until(&mut h, "datagrams received", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.traffic.len() > 10)
    });
    let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut most = 0;
    while most < 6 && std::time::Instant::now() < until {
        let before = socklab::engine::gate::offers_here();
        h.step();
        // After the logic, the menu, the list, the inspector, the bottom and the centre.
        most = most.max(socklab::engine::gate::offers_here() - before);
    }
    stop.store(true, Ordering::Relaxed);
    sender.join().unwrap();
    assert!(most >= 6, "a frame offered its core {most} times at most");
}

#[test]
fn address_in_use_shows_errno_and_hint() {
    let mut h = harness();
    click(&mut h, "New TCP");
    step_until(&mut h, "s1", |a| a.state.sockets.len() == 1);
    bind_port_zero(&mut h);
    click(&mut h, "listen");
    let port = local_port_shown(&h).unwrap();
    click(&mut h, "New TCP");
    step_until(&mut h, "s2", |a| a.state.sockets.len() == 2);
    replace_text(&mut h, "bind port", &port.to_string());
    click(&mut h, "bind");
    step_until(&mut h, "the error", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.last_error.is_some())
    });
    assert_eq!(
        h.query_all_by_label("OSError: [Errno 98] Address already in use")
            .count(),
        2,
        "shown where the action was taken and in the journal"
    );
    assert!(h
        .query_by_label_contains("bind failed - EADDRINUSE")
        .is_some());
    assert!(
        h.query_by_label_contains("s1 is listening on 127.0.0.1:")
            .is_some(),
        "who holds the address is shown"
    );
    assert!(
        h.query_by_label_contains("Hint: Pick another port, or close s1 first.")
            .is_some(),
        "the hint for a listener is shown"
    );
    // Validation as you type: an impossible port disables the button and says why.
    replace_text(&mut h, "bind port", "99999");
    assert!(h.query_by_label_contains("out of range 0-65535").is_some());
}

#[test]
fn an_option_edited_shows_the_kernel_value() {
    let mut h = harness();
    click(&mut h, "New TCP");
    step_until(&mut h, "snapshot", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.snapshot.is_some())
    });
    h.get_by_label("TCP_NODELAY").click_accesskit();
    h.step();
    h.step();
    step_until(&mut h, "TCP_NODELAY on", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.snapshot.as_ref())
            .is_some_and(|s| {
                s.options
                    .iter()
                    .any(|o| o.name == "TCP_NODELAY" && o.value == Ok(1))
            })
    });
    assert!(h.state().state.journal.iter().any(|e| e.line
        == "s1.setsockopt(socket.SOL_SOCKET, socket.TCP_NODELAY, 1)"
            .replace("SOL_SOCKET", "IPPROTO_TCP")));
    // SO_RCVBUF typed a key at a time, as a person types: nothing is set until Enter,
    // then once; the field shows what is typed, then the kernel's value with the ask.
    select_all_in(&mut h, "SO_RCVBUF");
    for c in ["4", "0", "9", "6"] {
        h.get_by_label("SO_RCVBUF").type_text(c);
        h.step();
        h.step();
    }
    assert_eq!(h.get_by_label("SO_RCVBUF").value().as_deref(), Some("4096"));
    let rcvbuf_lines = |h: &egui_kittest::Harness<'static, SocklabApp>| {
        h.state()
            .state
            .journal
            .iter()
            .filter(|e| e.line.contains("SO_RCVBUF"))
            .map(|e| e.line.clone())
            .collect::<Vec<_>>()
    };
    assert!(rcvbuf_lines(&h).is_empty(), "nothing set while typing");
    h.key_press(egui::Key::Enter);
    step_until_drawn(&mut h, "the read-back", |h| {
        h.query_by_label("asked 4096 → kernel keeps 8192, it doubles it for bookkeeping")
            .is_some()
    });
    assert_eq!(
        rcvbuf_lines(&h),
        ["s1.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)"],
        "exactly one setsockopt"
    );
    assert_eq!(
        h.get_by_label("SO_RCVBUF").value().as_deref(),
        Some("8192"),
        "the field shows the kernel's value"
    );
}

/// SO_LINGER is a switch with its seconds, as Python packs it ('ii'), not a number where
/// -1 means off: switched on it is 0 s, said to reset at close; seconds typed are kept.
#[test]
fn a_linger_is_a_switch_with_its_seconds() {
    let mut h = harness();
    click(&mut h, "New TCP");
    let linger = |a: &SocklabApp| {
        a.state
            .selected_view()
            .and_then(|s| s.snapshot.as_ref())
            .and_then(|s| s.options.iter().find(|o| o.name == "SO_LINGER"))
            .and_then(|o| o.value.ok())
    };
    step_until(&mut h, "the options read", |a| linger(a) == Some(-1));
    reveal(&mut h, "SO_LINGER");
    assert!(
        h.query_by_label("seconds").is_none(),
        "no seconds while off"
    );
    h.get_by_label("SO_LINGER").click_accesskit();
    h.step();
    step_until(&mut h, "SO_LINGER on, 0 s", |a| linger(a) == Some(0));
    step_until_drawn(&mut h, "its seconds and what 0 s does", |h| {
        h.query_by_label("seconds")
            .is_some_and(|f| f.value().as_deref() == Some("0"))
            && h.query_by_label_contains("close() sends RST instead of FIN")
                .is_some()
    });
    h.get_by_label("seconds").focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
    h.get_by_label("seconds").type_text("5");
    h.step();
    h.key_press(egui::Key::Enter);
    step_until(&mut h, "SO_LINGER on, 5 s", |a| linger(a) == Some(5));
    step_until_drawn(&mut h, "no reset said at 5 s", |h| {
        h.query_by_label_contains("close() sends RST instead of FIN")
            .is_none()
    });
    reveal(&mut h, "SO_LINGER");
    h.get_by_label("SO_LINGER").click_accesskit();
    h.step();
    step_until(&mut h, "SO_LINGER off", |a| linger(a) == Some(-1));
}

#[test]
fn a_closed_connection_shows_its_time_wait() {
    let mut h = harness();
    listener_s1_and_client_s2(&mut h);
    accept_conn1(&mut h);
    // The client closes first, then the server: the client's side waits in TIME_WAIT.
    select(&mut h, "s2");
    click(&mut h, "close");
    // The kernel's word on s2's side comes first: its journal lines (FIN_WAIT1, then
    // FIN_WAIT2) change the layout, and a click while they arrive can miss its button.
    step_until(&mut h, "s2 in FIN_WAIT2", |a| {
        a.state
            .journal
            .iter()
            .any(|e| e.line.starts_with("# s2 after close: FIN_WAIT2"))
    });
    // And conn1's: it saw the peer's FIN (CLOSE_WAIT), so its page loses the TLS row, and
    // the rows below move up; a click in that frame would land on the row that moved
    // under the pointer.
    step_until(&mut h, "conn1 half-closed", |a| {
        a.state
            .sockets
            .values()
            .any(|s| s.info.name == "conn1" && s.state() == SockState::HalfClosed)
    });
    select(&mut h, "conn1");
    click(&mut h, "close");
    step_until(&mut h, "conn1 closed", |a| {
        a.state.journal.iter().any(|e| e.line == "conn1.close()")
    });
    step_until_drawn(&mut h, "TIME_WAIT in the journal", |h| {
        h.query_by_label_contains("# s2 after close: TIME_WAIT for")
            .is_some()
    });
    step_until_drawn(&mut h, "the server's side forgotten", |h| {
        h.query_by_label_contains("# conn1 after close: the kernel forgot the connection")
            .is_some()
    });
    select(&mut h, "s2");
    step_until_drawn(&mut h, "the countdown", |h| {
        h.query_by_label_contains("the kernel still holds its connection: TIME_WAIT,")
            .is_some()
    });
    // When the kernel drops it (TIME_WAIT is 60 s on Linux), the row says so.
    let until = std::time::Instant::now() + std::time::Duration::from_secs(90);
    loop {
        h.step();
        let row = h.get_all_by_label_contains("s2  ").find_map(|n| {
            n.accesskit_node()
                .label()
                .or_else(|| n.value())
                .filter(|l| l.starts_with("s2  "))
        });
        if row.as_deref().is_some_and(|l| l.contains("(forgotten)")) {
            break;
        }
        assert!(
            std::time::Instant::now() < until,
            "TIME_WAIT not gone from s2's row: {row:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// A tap (press and release in one frame, as a touchpad's tap-to-click sends them) lands on
/// the button it was aimed at even when, in that frame, a line appears above the button (a
/// waiting call's, as when the kernel's word arrives with the tap). egui gives such a click
/// to the id that was under the pointer a frame before; were ids counted from the top, the
/// tap would go to the button that now holds close's old id, or to none.
#[test]
fn a_tap_lands_on_its_button_when_a_line_appears_above_it() {
    let mut h = harness();
    listener_s1_and_client_s2(&mut h);
    accept_conn1(&mut h);
    select(&mut h, "conn1");
    let conn1 = h.state().state.selected.expect("conn1 selected");
    reveal(&mut h, "close");
    let at = h.get_by_label("close").rect().center();
    h.get_by_label("close").hover();
    h.step();
    h.step();
    // The line arrives with the tap, before the frame that takes it is drawn.
    let s = h.state_mut().state.sockets.get_mut(&conn1).unwrap();
    s.waiting.push(socklab::ui::state::WaitingCall {
        req: socklab::engine::ReqId(u64::MAX),
        op: "recv",
        deadline: None,
    });
    for pressed in [true, false] {
        h.input_mut().events.push(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::default(),
        });
    }
    h.step();
    assert_ne!(
        h.get_by_label("close").rect().center(),
        at,
        "the line moved close in the frame that took the tap"
    );
    step_until(&mut h, "conn1 closed by the tap aimed at close", |a| {
        a.state.journal.iter().any(|e| e.line == "conn1.close()")
    });
    // The tap went to close and nowhere else.
    let conn1_calls: Vec<&str> = h
        .state()
        .state
        .journal
        .iter()
        .map(|e| e.line.as_str())
        .filter(|l| l.starts_with("conn1."))
        .collect();
    assert_eq!(conn1_calls, ["conn1.close()"]);
}

/// s1 listening on a port the kernel picked, s2 connected to it (s2 selected).
fn listener_s1_and_client_s2(h: &mut H) {
    click(h, "New TCP");
    step_until(h, "s1 created", |a| a.state.sockets.len() == 1);
    assert_eq!(selected_name(h), "s1");
    bind_port_zero(h);
    click(h, "listen");
    step_until(h, "s1 listening", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.state() == SockState::Listening)
    });
    let port = local_port_shown(h).expect("the chosen port is shown");
    click(h, "New TCP");
    step_until(h, "s2 created", |a| a.state.sockets.len() == 2);
    assert_eq!(selected_name(h), "s2");
    type_into(h, "peer port", &port.to_string());
    click(h, "connect");
    step_until(h, "s2 connected", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.state() == SockState::Connected)
    });
}

/// s1 accepts s2's connection: conn1.
fn accept_conn1(h: &mut H) {
    select(h, "s1");
    click(h, "accept");
    step_until(h, "conn1 accepted", |a| {
        a.state.sockets.values().any(|s| s.info.name == "conn1")
    });
}

#[test]
fn a_send_while_recv_waits_goes_through_and_the_journal_says_they_overlap() {
    let mut h = harness();
    listener_s1_and_client_s2(&mut h);
    accept_conn1(&mut h);
    select(&mut h, "s2");
    // recv waits (nothing sent yet); the request goes out beside it.
    click(&mut h, "recv");
    step_until(&mut h, "recv waiting", |a| {
        a.state
            .journal
            .iter()
            .any(|e| e.line.starts_with("s2.recv(") && !e.done)
    });
    type_into(&mut h, "payload", "ping");
    click(&mut h, "send");
    step_until(&mut h, "send answered while recv waits", |a| {
        let j = &a.state.journal;
        j.iter()
            .any(|e| e.line == "s2.send(b'ping')" && e.result.as_deref() == Some("4"))
            && j.iter().any(|e| e.line.starts_with("s2.recv(") && !e.done)
    });
    step_until_drawn(&mut h, "the overlap in the journal", |h| {
        h.query_by_label_contains("# s2.send() ran while s2.recv() waited")
            .is_some()
    });
    // The peer answers; the waiting recv gets it.
    select(&mut h, "conn1");
    click(&mut h, "recv");
    step_until(&mut h, "conn1 got the request", |a| {
        a.state
            .journal
            .iter()
            .any(|e| e.line.starts_with("conn1.recv(") && e.result.as_deref() == Some("b'ping'"))
    });
    replace_text(&mut h, "payload", "pong");
    click(&mut h, "send");
    step_until(&mut h, "s2's recv answered", |a| {
        a.state
            .journal
            .iter()
            .any(|e| e.line.starts_with("s2.recv(") && e.result.as_deref() == Some("b'pong'"))
    });
    // A close ends a waiting recv; why the recv failed stays in view after the close
    // succeeds.
    select(&mut h, "s2");
    click(&mut h, "recv");
    step_until(&mut h, "the second recv waiting", |a| {
        a.state
            .journal
            .iter()
            .any(|e| e.line.starts_with("s2.recv(") && !e.done)
    });
    click(&mut h, "close");
    step_until(&mut h, "s2 closed", |a| {
        a.state
            .sockets
            .values()
            .any(|s| s.info.name == "s2" && s.closed)
    });
    step_until_drawn(&mut h, "the recv's failure explained", |h| {
        h.query_by_label_contains("close() was called on this socket while recv was waiting")
            .is_some()
    });
}

#[test]
fn no_text_is_drawn_under_twelve_points() {
    let mut h = harness();
    h.step();
    let ctx = h.ctx.clone();
    for theme in [egui::Theme::Dark, egui::Theme::Light] {
        ctx.style_mut_of(theme, |style| {
            for (text_style, font) in &style.text_styles {
                assert!(
                    font.size >= 12.0,
                    "{text_style:?} is {} points in the {theme:?} theme",
                    font.size
                );
            }
        });
    }
}

/// The top bar's Inspector button hides the inspector (the page and the diagrams take its
/// width); a second click brings it back, reading the same socket.
#[test]
fn the_inspector_can_be_hidden_and_shown_again() {
    use egui::accesskit::Role;
    use egui_kittest::kittest::By;
    let mut h = harness();
    new_socket(&mut h, socklab::engine::Kind::Dgram);
    step_until_drawn(&mut h, "the inspector", |h| {
        h.query_by_label("gettimeout()").is_some()
    });
    // The button, not the inspector's heading of the same name.
    let button = || {
        By::new()
            .label("Inspector")
            .predicate(|n| !matches!(n.role(), Role::Label | Role::TextRun))
    };
    h.get(button()).click();
    step_until_drawn(&mut h, "the inspector hidden", |h| {
        h.query_by_label("gettimeout()").is_none()
    });
    assert!(!h.state().state.inspector_open);
    h.get(button()).click();
    step_until_drawn(&mut h, "the inspector back", |h| {
        h.query_by_label("gettimeout()").is_some()
    });
    assert!(h.state().state.inspector_open);
}

/// A closed socket's options are its last reading: shown, not offered for setting (a
/// setsockopt on it could only fail).
#[test]
fn a_closed_sockets_options_are_shown_not_editable() {
    use egui::accesskit::Role;
    use egui_kittest::kittest::By;
    let mut h = harness();
    new_socket(&mut h, socklab::engine::Kind::Stream);
    let checkbox = || By::new().role(Role::CheckBox).label("SO_REUSEADDR");
    let field = || By::new().role(Role::TextInput).label("SO_RCVBUF");
    step_until_drawn(&mut h, "the options, settable", |h| {
        h.query(checkbox()).is_some() && h.query(field()).is_some()
    });
    click(&mut h, "close");
    step_until_drawn(&mut h, "the options, read only", |h| {
        h.query(checkbox()).is_none()
            && h.query(field()).is_none()
            && h.query_by_label("SO_RCVBUF").is_some()
    });
}

/// The recent-peers menu of an IPv4 TCP socket lists the IPv4 addresses TCP sockets
/// reached, not an IPv6 one, a Unix path nor a UDP peer (picking those would only be
/// refused); picking fills the row. A UDP socket's lists the peers UDP sockets had.
#[test]
fn the_recent_menu_lists_this_kinds_addresses() {
    use socklab::ui::settings::Recent;
    let mut h = harness();
    for e in ["/tmp/echo.sock", "::1 9001", "127.0.0.1 9000"] {
        (h.state_mut().state.settings).remember_in(Recent::StreamPeer, e.into());
    }
    (h.state_mut().state.settings).remember_in(Recent::DgramPeer, "127.0.0.1 7000".into());
    new_socket(&mut h, socklab::engine::Kind::Stream);
    click(&mut h, "recent");
    step_until_drawn(&mut h, "the menu", |h| {
        h.query_by_label("127.0.0.1 9000").is_some()
    });
    for other in ["::1 9001", "/tmp/echo.sock", "127.0.0.1 7000"] {
        assert!(h.query_by_label(other).is_none(), "{other}");
    }
    click(&mut h, "127.0.0.1 9000");
    assert_eq!(h.get_by_label("peer port").value().as_deref(), Some("9000"));

    // A UDP socket: a datagram sent remembers its peer in the datagram list.
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = peer.local_addr().unwrap().port().to_string();
    new_socket(&mut h, socklab::engine::Kind::Dgram);
    replace_text(&mut h, "peer port", &port);
    replace_text(&mut h, "payload", "hi");
    click(&mut h, "sendto");
    let mut buf = [0u8; 8];
    peer.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    assert_eq!(peer.recv(&mut buf).unwrap(), 2);
    let sent = format!("127.0.0.1 {port}");
    step_until(&mut h, "the peer remembered", |a| {
        a.state.settings.recent_dgram.first() == Some(&sent)
    });
    assert!(!h.state().state.settings.recent.contains(&sent));
    click(&mut h, "recent");
    step_until_drawn(&mut h, "the menu", |h| h.query_by_label(&sent).is_some());
    assert!(h.query_by_label("127.0.0.1 7000").is_some());
    assert!(h.query_by_label("127.0.0.1 9000").is_none());
}

/// Every frame the window draws says when it begins and when its shapes are made
/// (engine/gate.rs: what a worker on its core gives the core back for), each pass of it.
#[test]
fn each_frame_says_when_it_begins_and_when_it_is_made() {
    let mut h = harness();
    h.step();
    let (begun, made) = socklab::engine::gate::frames_here();
    for _ in 0..3 {
        h.step();
    }
    let (begun2, made2) = socklab::engine::gate::frames_here();
    // (egui may run a frame in more than one pass: each is begun and made.)
    assert!(
        begun2 >= begun + 3,
        "three frames drawn, {} begun",
        begun2 - begun
    );
    assert_eq!(made2 - made, begun2 - begun, "each frame begun was made");
}
