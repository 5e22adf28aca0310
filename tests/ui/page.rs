//! Each socket's page fits its socket: the actions that apply, a blocked call shown where
//! it waits, failures beside the action, the state explained; closed sockets removable.

use std::net::TcpListener;

use crate::ui_common::*;
use egui_kittest::kittest::{NodeT, Queryable};
use socklab::engine::SockState;

fn new_socket(h: &mut H, button: &str, n: usize) {
    click(h, button);
    step_until(h, "the socket", |a| a.state.sockets.len() == n);
}

fn has(h: &H, label: &str) -> bool {
    h.query_by_label(label).is_some()
}

#[test]
fn each_page_offers_what_applies_to_its_socket() {
    let mut h = harness();
    new_socket(&mut h, "New UDP", 1);
    assert!(has(&h, "bind") && has(&h, "sendto") && has(&h, "recvfrom"));
    assert!(
        !has(&h, "listen") && !has(&h, "accept"),
        "UDP has no listen"
    );
    assert!(!has(&h, "SHUT_WR"), "no shutdown on a datagram socket");

    // A listener, a client, and the connection it accepted.
    new_socket(&mut h, "New TCP", 2);
    assert!(
        !has(&h, "sendto") && !has(&h, "recvfrom"),
        "no sendto on a stream"
    );
    let _peer = connect_to_peer(&mut h);
    assert!(has(&h, "send") && has(&h, "recv") && has(&h, "SHUT_WR"));

    new_socket(&mut h, "New TCP", 3);
    click(&mut h, "bind");
    click(&mut h, "listen");
    // Listening as soon as listen answers; its port comes with the kernel's next look.
    step_until(&mut h, "listening on a port", |a| {
        a.state.selected_view().is_some_and(|s| {
            s.state() == SockState::Listening
                && s.local().and_then(|a| a.port()).is_some_and(|p| p != 0)
        })
    });
    assert!(has(&h, "accept"));
    assert!(
        !has(&h, "send") && !has(&h, "sendall") && !has(&h, "recv") && !has(&h, "connect"),
        "a listener neither sends, receives nor connects"
    );
    let lport = selected(&h).local().and_then(|a| a.port()).unwrap();
    let _client = std::net::TcpStream::connect(("127.0.0.1", lport)).unwrap();
    click(&mut h, "accept");
    step_until(&mut h, "accepted", |a| a.state.sockets.len() == 4);
    let conn = h
        .state()
        .state
        .sockets
        .values()
        .find(|s| s.info.parent.is_some())
        .map(|s| s.info.name.clone())
        .unwrap();
    click_socket_row(&mut h, &conn);
    assert!(has(&h, "sendall") && has(&h, "recv"));
    assert!(
        !has(&h, "bind") && !has(&h, "connect") && !has(&h, "listen"),
        "an accepted connection was bound and connected by its listener"
    );

    // Closed: nothing to do but read its traffic, and take it off the list.
    click(&mut h, "close");
    step_until(&mut h, "closed", |a| {
        a.state.selected_view().is_some_and(|s| s.closed)
    });
    assert!(!has(&h, "recv") && !has(&h, "close"));
    click(&mut h, "remove closed (1)");
    step_until(&mut h, "removed", |a| a.state.sockets.len() == 3);
    assert!(h.state().state.selected.is_none());
}

#[test]
fn a_blocked_call_shows_on_its_row_and_beside_its_button() {
    let mut h = harness();
    new_socket(&mut h, "New TCP", 1);
    let _peer = connect_to_peer(&mut h);
    click(&mut h, "recv");
    step_until_drawn(&mut h, "the blocked recv beside its button", |h| {
        h.query_by_label(
            "recv blocked (no timeout): data arriving, the peer closing the connection (b''), or the close button ends it (shutdown(SHUT_RD) too)",
        )
        .is_some()
    });
    step_until_drawn(&mut h, "the blocked recv on its row", |h| {
        h.get_all_by_label_contains("recv blocked").any(|n| {
            n.accesskit_node()
                .label()
                .or_else(|| n.value())
                .is_some_and(|l| l.starts_with("s1  "))
        })
    });
    // The way out it names works: shutdown(SHUT_RD) ends it with b''.
    click(&mut h, "SHUT_RD");
    step_until(&mut h, "the recv answered", |a| {
        a.state
            .journal
            .iter()
            .any(|e| e.line.starts_with("s1.recv(") && e.result.as_deref() == Some("b''"))
    });
    step_until_drawn(&mut h, "nothing blocked any more", |h| {
        h.query_by_label_contains("recv blocked").is_none()
    });
}

#[test]
fn a_refused_connect_leaves_the_socket_created_and_says_why_beside_connect() {
    let mut h = harness();
    let gone = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = gone.local_addr().unwrap().port();
    drop(gone);
    new_socket(&mut h, "New TCP", 1);
    replace_text(&mut h, "peer port", &port.to_string());
    click(&mut h, "connect");
    step_until_drawn(&mut h, "the refusal", |h| {
        h.query_by_label_contains("connect failed - ECONNREFUSED")
            .is_some()
    });
    assert_eq!(selected(&h).state(), SockState::Created);
    // The failed connect() leaves SIOCOUTQ at 3 (a difference of sequence numbers) on a
    // socket with nothing to send: the inspector says the queue is empty, and why.
    step_until_drawn(&mut h, "the send queue read after the refusal", |h| {
        h.query_by_label_contains("send queue: empty (the kernel's ")
            .is_some()
    });
    assert!(h.query_by_label_contains("send queue: 3 bytes").is_none());
    // The error sits right after the Connect row, before the Send row.
    // When it happened, after it: what the explanation says was true then.
    let head = h.get_by_label_contains("connect failed - ECONNREFUSED");
    let error = head.rect();
    let node = head.accesskit_node();
    let said = node.label().or_else(|| node.value()).unwrap_or_default();
    let clock = said.rsplit("at ").next().unwrap_or_default();
    assert!(
        clock.len() == 8
            && clock
                .split(':')
                .all(|p| p.len() == 2 && p.parse::<u8>().is_ok()),
        "{said}"
    );
    let connect = h.get_by_label("connect").rect();
    let payload = h.get_by_label("payload").rect();
    assert!(
        connect.top() < error.top() && error.top() < payload.top(),
        "beside the action: {connect:?} {error:?} {payload:?}"
    );
    // The state's tooltip says what it means and what leads on.
    let row = h.get_by_label_contains("s1  IPv4 TCP");
    row.hover();
    step_until_drawn(&mut h, "the tooltip", |h| {
        h.query_by_label_contains("created: socket() made it")
            .is_some()
    });
}

/// A UDP socket's state is said as a datagram socket's: bound means datagrams queue for
/// recvfrom (no listen() or accept() to suggest); a Unix datagram socket's has a path, no
/// port.
#[test]
fn a_udp_sockets_state_is_explained_as_a_datagram_sockets() {
    let mut h = harness();
    new_socket(&mut h, "New UDP", 1);
    click(&mut h, "bind");
    step_until(&mut h, "bound", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.state() == SockState::Bound)
    });
    let row = h.get_by_label_contains("s1  IPv4 UDP");
    row.hover();
    step_until_drawn(&mut h, "the tooltip", |h| {
        h.query_by_label_contains("until recvfrom() takes them")
            .is_some()
    });
    assert!(h
        .query_by_label_contains("listen() to take connections")
        .is_none());
    new_socket(&mut h, "New Unix dgram", 2);
    let row = h.get_by_label_contains("s2  Unix datagram");
    row.hover();
    step_until_drawn(&mut h, "the Unix datagram socket's tooltip", |h| {
        h.query_by_label_contains("bind() to a path to receive there")
            .is_some()
    });
    assert!(h.query_by_label_contains("a free port").is_none());
}

/// connect_ex answers a refusal with a number instead of raising: the page says what it
/// returned, what the number is in Python's words, and what it means, beside the button.
#[test]
fn connect_ex_says_what_its_number_means_beside_it() {
    let mut h = harness();
    let gone = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = gone.local_addr().unwrap().port();
    drop(gone);
    new_socket(&mut h, "New TCP", 1);
    replace_text(&mut h, "peer port", &port.to_string());
    click(&mut h, "connect_ex");
    step_until_drawn(&mut h, "the number said", |h| {
        h.query_by_label_contains("connect_ex() returned 111 - ECONNREFUSED")
            .is_some()
            && h.query_by_label_contains("os.strerror(111) → 'Connection refused'")
                .is_some()
            && h.query_by_label_contains(&format!("127.0.0.1:{port}"))
                .is_some()
    });
    assert_eq!(selected(&h).state(), SockState::Created);
    // The journal keeps Python's answer, the bare number.
    let journal = &h.state().state.journal;
    assert!(
        journal
            .iter()
            .any(|e| e.line.starts_with("s1.connect_ex(") && e.result.as_deref() == Some("111")),
        "{:?}",
        journal
            .iter()
            .map(|e| (&e.line, &e.result))
            .collect::<Vec<_>>()
    );
    // A connect_ex that works clears it.
    let srv = TcpListener::bind("127.0.0.1:0").unwrap();
    replace_text(
        &mut h,
        "peer port",
        &srv.local_addr().unwrap().port().to_string(),
    );
    click(&mut h, "connect_ex");
    step_until_drawn(&mut h, "the number gone", |h| {
        h.query_by_label_contains("connect_ex() returned").is_none()
    });
    // (The state comes with the kernel's next look, which may be a frame after the reply.)
    step_until(&mut h, "connected", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.state() == SockState::Connected)
    });
}

/// A device's reply that nothing reads waits in the kernel: the traffic view says so (it
/// shows only what was received), and its buttons read it: one recv, or each as it comes.
#[test]
fn bytes_waiting_unread_in_the_kernel_are_said_and_received_at_a_click() {
    use std::io::Write;
    let mut h = harness();
    let device = TcpListener::bind("127.0.0.1:0").unwrap();
    new_socket(&mut h, "New TCP", 1);
    replace_text(
        &mut h,
        "peer port",
        &device.local_addr().unwrap().port().to_string(),
    );
    click(&mut h, "connect");
    let (mut peer, _) = device.accept().unwrap();
    peer.write_all(b"\x01\x03\x02\x00\x2a").unwrap();
    step_until_drawn(&mut h, "the unread bytes said", |h| {
        h.query_by_label_contains("5 bytes wait in the kernel's receive queue")
            .is_some()
    });
    // One recv beside the note (the page's recv row may be out of sight).
    click(&mut h, "recv(1024)");
    step_until_drawn(&mut h, "read by one recv, no longer said", |h| {
        h.query_by_label_contains("in the kernel's receive queue")
            .is_none()
            && selected(h).traffic.len() == 1
    });
    assert!(!selected(&h)
        .snapshot
        .as_ref()
        .is_some_and(|x| x.auto_receive));
    peer.write_all(b"\x2b").unwrap();
    step_until_drawn(&mut h, "the next byte said", |h| {
        h.query_by_label_contains("1 byte waits in the kernel's receive queue")
            .is_some()
    });
    click(&mut h, "Receive as they come (auto-receive)");
    step_until_drawn(&mut h, "received, and no longer said", |h| {
        h.query_by_label_contains("in the kernel's receive queue")
            .is_none()
            && selected(h).traffic.len() == 2
            && selected(h)
                .snapshot
                .as_ref()
                .is_some_and(|x| x.auto_receive)
    });
}

#[test]
fn a_new_socket_is_scrolled_into_the_list() {
    let mut h = harness();
    for n in 1..=30 {
        new_socket(&mut h, "New UDP", n);
    }
    step_until_drawn(&mut h, "the newest row on screen", |h| {
        h.query_by_label_contains("s30  IPv4 UDP").is_some()
    });
}

#[test]
fn keyboard_shortcuts_do_what_their_tooltips_say() {
    use egui::{Key, Modifiers};
    use socklab::engine::{Family, Kind};
    let mut h = harness();
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    step_until(&mut h, "Ctrl+N: a TCP socket", |a| {
        a.state.sockets.len() == 1
    });
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::N);
    step_until(&mut h, "Ctrl+Shift+N: a UDP socket", |a| {
        a.state.sockets.len() == 2
    });
    let kinds: Vec<(Family, Kind)> = h
        .state()
        .state
        .sockets
        .values()
        .map(|s| (s.info.family, s.info.kind))
        .collect();
    assert_eq!(
        kinds,
        [(Family::Inet, Kind::Stream), (Family::Inet, Kind::Dgram)]
    );
    // The UDP socket sends itself a datagram: a traffic row to clear.
    click(&mut h, "bind");
    // Bound as soon as bind answers; the port the kernel chose comes with the next look.
    step_until(&mut h, "bound to a port", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.local())
            .and_then(|a| a.port())
            .is_some_and(|p| p != 0)
    });
    let port = selected(&h).local().and_then(|a| a.port()).unwrap();
    replace_text(&mut h, "peer port", &port.to_string());
    replace_text(&mut h, "payload", "row");
    click(&mut h, "sendto");
    step_until(&mut h, "a traffic row", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.traffic.len() == 1)
    });
    h.key_press_modifiers(Modifiers::COMMAND, Key::L);
    step_until(&mut h, "Ctrl+L: cleared", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.traffic.is_empty())
    });
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.step();
    h.step();
    assert!(
        h.get_by_label("search traffic").is_focused(),
        "Ctrl+F: the search field"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::J);
    h.step();
    h.step();
    assert!(
        h.get_by_label("Copy journal").is_focused(),
        "Ctrl+J: the journal"
    );
    h.key_press(Key::F1);
    step_until_drawn(&mut h, "F1: the overlay", |h| {
        h.query_by_label("Close the selected socket").is_some()
    });
    h.key_press(Key::Escape);
    step_until_drawn(&mut h, "Esc closes it", |h| {
        h.query_by_label("Close the selected socket").is_none()
    });
    h.key_press_modifiers(Modifiers::COMMAND, Key::W);
    step_until(&mut h, "Ctrl+W: closed", |a| {
        a.state.selected_view().is_some_and(|s| s.closed)
    });
}

#[test]
fn at_1024_by_680_every_action_can_be_reached_and_nothing_is_cut() {
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1024.0, 680.0))
        .build_eframe(|cc| socklab::ui::SocklabApp::new(cc));
    new_socket(&mut h, "New TCP", 1);
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1024.0, 680.0));
    // The inspector's heading (the top bar's button has the same name).
    let inspector = h
        .get_by_role_and_label(egui::accesskit::Role::Label, "Inspector")
        .rect()
        .left();
    for label in [
        "bind",
        "listen",
        "accept",
        "connect",
        "payload",
        "sendall",
        "recv",
        "settimeout",
        "SHUT_WR",
        "close",
    ] {
        reveal(&mut h, label);
        let r = h.get_by_label(label).rect();
        assert!(
            window.contains_rect(r),
            "{label} at {r:?} is outside the window"
        );
        assert!(
            r.right() <= inspector,
            "{label} at {r:?} runs under the inspector"
        );
    }
    // The journal's newest line is whole, above the window's bottom edge.
    step_until_drawn(&mut h, "the journal's line", |h| {
        h.query_by_label_contains("s1 = socket.socket(").is_some()
    });
    let line = h.get_by_label_contains("s1 = socket.socket(").rect();
    assert!(
        line.bottom() <= 680.0,
        "the journal's line is cut: {line:?}"
    );
}

/// The bottom panel dragged by its top edge as high as the pointer goes leaves the centre
/// its tabs and some rows (a person who went too far sees what to drag back); dragged
/// back, it comes down again.
#[test]
fn the_bottom_panel_dragged_to_the_top_leaves_the_centre_room() {
    let mut h = harness();
    let tab = |h: &H, name: &str| h.get_by_label(name).rect();
    let journal = tab(&h, "Python console");
    // The panel's edge: a few px above its tabs' row.
    let edge = egui::pos2(journal.center().x + 200.0, journal.top() - 8.0);
    drag(&mut h, edge, egui::pos2(edge.x, 5.0), 8);
    let (page, moved) = (tab(&h, "Socket page"), tab(&h, "Python console"));
    assert!(
        moved.top() < journal.top() - 50.0,
        "dragged up: {journal:?} → {moved:?}"
    );
    assert!(
        moved.top() - page.bottom() >= 150.0,
        "the centre keeps room under its tabs: {page:?}, the panel's tabs at {moved:?}"
    );
    let edge = egui::pos2(edge.x, moved.top() - 8.0);
    drag(&mut h, edge, egui::pos2(edge.x, journal.top() - 8.0), 8);
    let back = tab(&h, "Python console");
    assert!(
        back.top() > moved.top() + 50.0,
        "dragged back: {moved:?} → {back:?}"
    );
}

/// A person's drag of the page/traffic divider by `dy` px: press on the bar, move, let go.
fn drag_divider(h: &mut H, dy: f32) {
    let bar = h.get_by_label("page and traffic divider").rect().center();
    drag(h, bar, bar + egui::vec2(0.0, dy), 1);
}

#[test]
fn the_divider_gives_the_page_or_the_traffic_more_room() {
    let mut h = harness();
    new_socket(&mut h, "New TCP", 1);
    let traffic_top = |h: &H| h.get_by_label("search traffic").rect().top();
    let before = traffic_top(&h);
    drag_divider(&mut h, -120.0);
    let after = traffic_top(&h);
    assert!(
        (before - after - 120.0).abs() < 2.0,
        "the traffic view moved from {before} to {after}"
    );
    // The page above ends where the divider now is: nothing of it under the traffic view.
    let bind = h.get_by_label("bind").rect();
    assert!(bind.bottom() <= after, "{bind:?}");
}

/// With the console open below, the page is short; the divider still gives it room,
/// down to the traffic view's tools and a couple of rows.
#[test]
fn with_the_console_open_the_divider_still_gives_the_page_room() {
    let mut h = harness();
    crate::console::open_console(&mut h);
    new_socket(&mut h, "New TCP", 1);
    let traffic_top = |h: &H| h.get_by_label("search traffic").rect().top();
    let before = traffic_top(&h);
    drag_divider(&mut h, 100.0);
    let after = traffic_top(&h);
    assert!(
        after > before + 40.0,
        "the traffic view moved from {before} to {after}"
    );
}

#[test]
fn tab_follows_the_page() {
    let mut h = harness();
    new_socket(&mut h, "New TCP", 1);
    focus_field(&mut h, "bind host");
    let mut seen = Vec::new();
    for _ in 0..6 {
        h.key_press(egui::Key::Tab);
        h.step();
        h.step();
        for label in ["bind port", "recent bind", "bind", "backlog", "listen"] {
            if h.get_by_label(label).is_focused() {
                seen.push(label);
            }
        }
    }
    assert_eq!(
        seen,
        ["bind port", "recent bind", "bind", "backlog", "listen"],
        "Tab goes down the page in its order"
    );
}

/// Datagrams the kernel dropped because nobody read them in time are said, in the inspector
/// and under the traffic, in red: UDP never tells the sender, so the window must.
#[test]
fn datagrams_the_kernel_dropped_are_said_in_the_inspector_and_the_traffic_view() {
    use socklab::engine::{Kind, Op, OptValue};
    use socklab::ui::state::Action;
    let mut h = harness();
    let id = crate::ui_common::new_socket(&mut h, Kind::Dgram);
    select_id(&mut h, id);
    step_until_drawn(&mut h, "none dropped yet", |h| {
        has(h, "dropped by the kernel") && has(h, "0 datagrams")
    });
    act(
        &mut h,
        Action::Call {
            id,
            op: Op::SetSockOpt {
                level: libc::SOL_SOCKET,
                name: libc::SO_RCVBUF,
                value: OptValue::Int(4096),
            },
        },
    );
    click(&mut h, "bind");
    step_until(&mut h, "bound", |a| {
        a.state.sockets[&id]
            .local()
            .and_then(|l| l.port())
            .is_some_and(|p| p != 0)
    });
    let port = h.state().state.sockets[&id]
        .local()
        .and_then(|l| l.port())
        .unwrap();
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..50u8 {
        peer.send_to(&[i; 64], ("127.0.0.1", port)).unwrap();
    }
    let dropped = |h: &H| -> Option<u32> {
        h.state().state.sockets[&id]
            .snapshot
            .as_ref()
            .and_then(|s| s.drops())
            .filter(|n| *n > 0)
    };
    step_until_drawn(
        &mut h,
        "the drops in the inspector and the traffic view",
        |h| {
            dropped(h).is_some_and(|n| {
                has(h, &format!("{n} datagrams"))
                    && h.query_by_label_contains(&format!(
                        "The kernel dropped {n} datagrams for this socket"
                    ))
                    .is_some()
            })
        },
    );
    // What waits is the buffer's use (a 64-byte datagram costs it hundreds of bytes), and
    // SIOCINQ's word on UDP is the next datagram's size, not a queue of bytes.
    let used = h.state().state.sockets[&id]
        .snapshot
        .as_ref()
        .and_then(|s| s.recv_buffer)
        .unwrap();
    // (Kernels before 6.15 let one more datagram in past the size before dropping: the
    // use may exceed it.)
    assert!(used.used > 64, "{used:?}");
    step_until_drawn(&mut h, "the buffer's use and the next datagram", |h| {
        h.query_by_label_contains("receive buffer: ").is_some()
            && has(h, "next datagram: 64 bytes")
            && h.query_by_label_contains("more than its payload here")
                .is_some()
    });
    assert!(
        h.query_by_label_contains("receive queue").is_none(),
        "no queue of bytes on a datagram socket"
    );
    // Its graphs: the buffer's use; no empty rtt and cwnd plots, which only TCP has.
    click(&mut h, "Graphs");
    step_until_drawn(&mut h, "a UDP socket's graphs", |h| {
        has(
            h,
            "rtt and cwnd: the kernel measures them for TCP connections only.",
        ) && has(h, "receive and send queue (bytes)")
    });
    assert!(!has(&h, "rtt (µs, TCP_INFO)"));
}

/// A window with a field holding the keyboard and nothing happening asks for no frame:
/// its text cursor does not blink (a blinking one redraws the window twice a second).
#[test]
fn a_focused_field_on_an_idle_window_schedules_no_frame() {
    let mut h = harness();
    // The window has the desktop's keyboard (egui blinks a cursor only then), and its style
    // is a desktop's: the harness turns blinking off, egui's default (which the window
    // starts from) has it on.
    h.input_mut().focused = true;
    h.ctx.all_styles_mut(|s| s.visuals.text_cursor.blink = true);
    socklab::ui::style::install(&h.ctx);
    new_socket(&mut h, "New TCP", 1);
    h.get_by_label("payload").click();
    step_until_drawn(&mut h, "the payload field focused", |h| {
        h.get_by_label("payload").is_focused()
    });
    let next_frame = |h: &H| {
        h.output()
            .viewport_output
            .get(&egui::ViewportId::ROOT)
            .map(|v| v.repaint_delay)
    };
    step_until_drawn(&mut h, "no frame scheduled", |h| {
        h.get_by_label("payload").is_focused()
            && next_frame(h).is_some_and(|d| d > std::time::Duration::from_secs(60))
    });
}

/// Narrowing the window wraps a row's labels onto two lines at some width. A widget whose
/// identity counted the widgets before it became another widget there: a field lost the
/// keyboard (the characters after went nowhere) and a click aimed at a button by the frame
/// before landed on nothing. So a character is typed into the peer port, a frame, at each
/// of many widths, and the connect button after it must stay one widget throughout.
#[test]
fn a_field_keeps_the_keyboard_while_the_window_narrows() {
    let mut h = harness();
    new_socket(&mut h, "New TCP", 1);
    focus_field(&mut h, "peer port");
    let mut typed = String::new();
    let mut buttons = std::collections::HashSet::new();
    for (i, width) in (1000..=1500).rev().step_by(6).enumerate() {
        h.set_size(egui::vec2(width as f32, 1000.0));
        h.step();
        let c = char::from(b'0' + (i % 10) as u8);
        h.get_by_label("peer port").type_text(&c.to_string());
        h.step();
        typed.push(c);
        buttons.insert(h.get_by_label("connect").accesskit_node().id());
    }
    assert_eq!(
        h.get_by_label("peer port").value().as_deref(),
        Some(typed.as_str()),
        "every character typed arrived"
    );
    assert_eq!(buttons.len(), 1, "connect stayed one widget at every width");
}

/// A window narrowed after it opened leaves the page between its side panels the room for
/// its fields and buttons: the side panels kept the widths the wider window gave them, and
/// at 900 px the page had 221 px, drawn over the inspector. The inspector gives way first,
/// then the sockets list; the window goes no smaller than that leaves room for; the top
/// bar wraps rather than push its last buttons out of the window.
#[test]
fn the_page_keeps_its_room_when_the_window_narrows() {
    let mut h = harness_sized(1280.0, 800.0);
    new_socket(&mut h, "New TCP", 1);
    let [least, low] = socklab::ui::app::WINDOW_LEAST;
    for (width, height) in [
        (1100.0, 800.0),
        (900.0, 800.0),
        (780.0, 800.0),
        (least, low),
    ] {
        h.set_size(egui::vec2(width, height));
        h.run();
        let page = h.get_by_label("Socket page").rect();
        let inspector = inspector_heading(&h);
        assert!(
            inspector.left() - page.left() >= 290.0,
            "{width} px: the page {page:?}, the inspector at {inspector:?}"
        );
        // The top bar's last button in sight.
        let help = h.get_by_label("Help").rect();
        assert!(help.right() <= width, "{width} px: Help at {help:?}");
    }
    // At the least size, the page's first field is still in sight, whole, above the
    // journal's tabs; and the traffic's search field with its filters' lines under it (at
    // 550 px high they go under the journal).
    let port = h.get_by_label("bind port").rect();
    let search = h.get_by_label_contains("search traffic").rect();
    let inspector = inspector_heading(&h);
    let journal = h
        .query_all_by_label("Journal")
        .map(|n| n.rect().top())
        .fold(f32::INFINITY, f32::min);
    assert!(
        port.bottom() <= journal && port.right() <= inspector.left(),
        "bind port at {port:?}, the journal from {journal}, the inspector at {inspector:?}"
    );
    assert!(
        journal - search.bottom() >= 100.0,
        "search traffic at {search:?}, the journal from {journal}"
    );
}

/// The window's least size is in points: the window is told it again at each zoom, in the
/// first frame drawn at it, and not every frame.
#[test]
fn the_least_size_is_told_again_at_each_zoom() {
    let least = egui::ViewportCommand::MinInnerSize(socklab::ui::app::WINDOW_LEAST.into());
    let told = |h: &H| {
        h.output()
            .viewport_output
            .get(&egui::ViewportId::ROOT)
            .is_some_and(|v| v.commands.contains(&least))
    };
    let mut h = harness_sized(1280.0, 800.0);
    h.run();
    for _ in 0..3 {
        h.step();
        assert!(!told(&h), "told again with the zoom unchanged");
    }
    h.state_mut().state.settings.zoom = 1.5;
    let mut at = Vec::new();
    for _ in 0..4 {
        h.step();
        if told(&h) {
            at.push(h.ctx.zoom_factor());
        }
    }
    assert_eq!(at, [1.5], "told once, in a frame drawn at the new zoom");
}

/// An empty queue's bar is drawn empty: egui fills a bar at least as far as it is high, a
/// disc that covered the first character of "receive queue: 0 bytes".
#[test]
fn an_empty_queues_bar_is_empty() {
    let mut h = harness_sized(1280.0, 800.0);
    new_socket(&mut h, "New TCP", 1);
    step_until_drawn(&mut h, "the receive queue's bar", |h| {
        h.query_by_label_contains("receive queue: 0 bytes")
            .is_some()
    });
    let bar = h.get_by_label_contains("receive queue: 0 bytes").rect();
    let filled: Vec<egui::Rect> = h
        .output()
        .shapes
        .iter()
        .filter_map(|c| match &c.shape {
            egui::Shape::Rect(r) => Some(r),
            _ => None,
        })
        // Inside the bar, shorter than it (its background is as long), and filled.
        .filter(|r| bar.expand(1.0).contains_rect(r.rect) && r.rect.width() < bar.width() - 1.0)
        .filter(|r| r.fill.a() > 0)
        .map(|r| r.rect)
        .collect();
    assert!(filled.is_empty(), "the bar {bar:?} filled at {filled:?}");
}
