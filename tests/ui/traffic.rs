//! The traffic view: search and filter, hex dumps, and the eviction notice of the memory cap.

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use crate::ui_common::*;
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use socklab::engine::Endpoint;
use socklab::ui::SocklabApp;

fn rows(h: &Harness<'static, SocklabApp>) -> usize {
    h.state()
        .state
        .selected_view()
        .map_or(0, |s| s.traffic.len())
}

#[test]
fn search_filter_dump_and_eviction() {
    let mut h = harness();
    click(&mut h, "New UDP");
    step_until(&mut h, "s1", |a| a.state.selected_view().is_some());
    click(&mut h, "bind");
    step_until(&mut h, "bound", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.local())
            .and_then(Endpoint::port)
            .is_some_and(|p| p != 0)
    });
    let port = h
        .state()
        .state
        .selected_view()
        .and_then(|s| s.local())
        .and_then(Endpoint::port)
        .unwrap();
    click(&mut h, "auto-receive");
    step_until(&mut h, "auto-receive on", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.snapshot.as_ref())
            .is_some_and(|s| s.auto_receive)
    });
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    for m in [&b"alpha"[..], b"beta\x00", b"gamma"] {
        peer.send_to(m, ("127.0.0.1", port)).unwrap();
    }
    let until = Instant::now() + DEADLINE;
    while rows(&h) < 3 {
        assert!(Instant::now() < until, "datagrams never shown");
        h.step();
        std::thread::sleep(Duration::from_millis(2));
    }
    h.step();
    assert!(h.query_by_label("3 rows").is_some());

    replace_text(&mut h, "search traffic", "beta");
    assert!(
        h.query_by_label("1 of 3 rows match").is_some(),
        "text search"
    );
    click(&mut h, "hex pattern");
    replace_text(&mut h, "search traffic", "00");
    assert!(
        h.query_by_label("1 of 3 rows match").is_some(),
        "hex search finds the NUL"
    );
    replace_text(&mut h, "search traffic", "0");
    assert!(
        h.query_by_label_contains("search: at character 1")
            .is_some(),
        "a bad hex pattern is explained"
    );
    replace_text(&mut h, "search traffic", "");
    click(&mut h, "in only");
    assert!(h.query_by_label("3 rows").is_some());
    click(&mut h, "out only");
    assert!(h.query_by_label("0 of 3 rows match").is_some());
    click(&mut h, "all");

    // Totals for all sockets, from the kernel-side counters.
    step_until(&mut h, "three datagrams counted", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.snapshot.as_ref())
            .is_some_and(|s| s.counters.msgs_in == 3)
    });
    assert!(
        h.query_by_label_contains("all sockets: in 15 B (3 pieces)")
            .is_some(),
        "totals"
    );
    assert!(
        h.query_by_label_contains("in 15 B (3 datagrams)").is_some(),
        "the socket's, its datagrams named"
    );

    // The stream view joins consecutive chunks of one direction.
    click(&mut h, "merge chunks");
    assert!(
        h.query_by_label_contains("in  3 chunks, 15 bytes: alphabeta\\x00gamma")
            .is_some(),
        "merged stream"
    );
    click(&mut h, "merge chunks");

    // Time of day instead of time since the first event.
    let row_text = |h: &H| {
        h.get_by_label_contains("alpha  | 61")
            .value()
            .unwrap_or_default()
    };
    // Seconds since the session's first event (the socket's making: a few ms before).
    let relative = |t: &str| {
        t.trim_start()
            .strip_prefix('+')
            .and_then(|t| t.split_once("s in "))
            .is_some_and(|(secs, _)| secs.parse::<f64>().is_ok_and(|s| s >= 0.0))
    };
    assert!(relative(&row_text(&h)), "{}", row_text(&h));
    click(&mut h, "time of day");
    let t = row_text(&h);
    let b = t.as_bytes();
    assert!(
        b.len() > 12 && b[2] == b':' && b[5] == b':' && b[8] == b'.',
        "{t}"
    );
    click(&mut h, "relative time");

    // Hex instead of text: a device's binary reply is read as bytes.
    click(&mut h, "show hex");
    assert!(
        h.query_all_by_label_contains("in       5 B 127.0.0.1:")
            .any(|n| n.value().unwrap_or_default().ends_with("  62 65 74 61 00")),
        "the row in hex"
    );
    assert!(h.query_by_label_contains("beta\\x00").is_none(), "no text");
    click(&mut h, "show hex");

    // A row opens its hex dump.
    h.get_by_label_contains("alpha  | 61 6c 70 68 61").click();
    h.step();
    h.step();
    assert!(
        h.query_by_label_contains("00000000  61 6c 70 68 61")
            .is_some(),
        "hex dump of the row"
    );
    assert!(
        h.query_all_by(|n| n.value().is_some_and(|l| {
            l.strip_prefix("hex dump of the row ")
                .and_then(|l| l.strip_suffix("5 B (click the row again to close it)"))
                .is_some_and(relative)
        }))
        .next()
        .is_some(),
        "the dump says which row it is"
    );
    // The row whose dump is open is highlighted (selected, for a screen reader too).
    assert_eq!(
        h.get_by_label_contains("alpha  | 61 6c 70 68 61")
            .accesskit_node()
            .toggled(),
        Some(egui::accesskit::Toggled::True)
    );

    // A small cap evicts the oldest rows and says so; the counters keep everything.
    let id = h.state().state.selected.unwrap();
    h.state_mut()
        .state
        .sockets
        .get_mut(&id)
        .unwrap()
        .traffic
        .set_cap(2 * 200);
    for i in 0..10u8 {
        peer.send_to(&[b'x', b'0' + i], ("127.0.0.1", port))
            .unwrap();
    }
    step_until(&mut h, "all 13 datagrams counted", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.snapshot.as_ref())
            .is_some_and(|s| s.counters.msgs_in == 13)
    });
    let log = &h.state().state.selected_view().unwrap().traffic;
    assert!(log.bytes_held() <= 400, "the log stays under its cap");
    assert_eq!(
        log.evicted_rows as usize + log.len(),
        13,
        "every row is kept or counted as evicted"
    );
    assert!(log.evicted_rows >= 9);
    assert!(
        h.query_by_label_contains("oldest rows").is_some(),
        "the eviction notice"
    );
    assert!(h
        .query_by_label_contains("evicted by the memory cap")
        .is_some());
}

/// An empty read is the end of a stream, but on a datagram socket an empty datagram: the
/// row says which, so UDP does not teach a stream's end.
#[test]
fn an_empty_datagram_is_not_the_end_of_a_stream() {
    use crate::console::{open_console, run_lines};
    let mut h = harness();
    open_console(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import socket",
            "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "u.bind(('127.0.0.1', 0))",
            "v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "v.sendto(b'', u.getsockname())",
            "u.recvfrom(10)",
            "srv = socket.create_server(('127.0.0.1', 0))",
            "cli = socket.create_connection(srv.getsockname())",
            "conn, addr = srv.accept()",
            "cli.close()",
            "conn.recv(10)",
        ],
    );
    click_socket_row(&mut h, "u");
    step_until_drawn(&mut h, "u's empty datagram", |h| {
        h.query_by_label_contains("b'' (an empty datagram, not an end)")
            .is_some()
    });
    assert!(h.query_by_label_contains("(end of stream)").is_none());
    click_socket_row(&mut h, "conn");
    step_until_drawn(&mut h, "conn's end of stream", |h| {
        h.query_by_label_contains("b'' (end of stream)").is_some()
    });
}

/// The merged view with a gap: a device's frames, each split in two by TCP, read as one
/// row a frame (chunks milliseconds apart joined, frames half a second apart not).
#[test]
fn merged_chunks_split_at_a_gap() {
    use socklab::engine::Direction;
    use socklab::ui::traffic::TrafficRow;
    use std::time::SystemTime;
    let mut h = harness();
    click(&mut h, "New UDP");
    step_until(&mut h, "a socket", |a| a.state.selected_view().is_some());
    {
        let s = h.state_mut().state.sockets.values_mut().next().unwrap();
        let t0 = SystemTime::now();
        for (ms, data) in [(0, "AB"), (3, "CD"), (500, "EF"), (503, "GH")] {
            s.traffic.push(TrafficRow {
                at: t0 + Duration::from_millis(ms),
                direction: Direction::In,
                len: 2,
                data: data.as_bytes().to_vec().into(),
                peer: None,
                cut: 0,
                tls: false,
                via: None,
            });
        }
    }
    h.step();
    // A right-click marks the row its menu is for (what Copy would copy), and only it.
    let marked = |h: &H, text: &str| {
        h.get_by_label_contains(text).accesskit_node().toggled()
            == Some(egui::accesskit::Toggled::True)
    };
    h.get_by_label_contains("CD  |").click_secondary();
    h.step();
    h.step();
    assert!(h.query_by_label("Copy as hex").is_some(), "the row's menu");
    assert!(marked(&h, "CD  |") && !marked(&h, "AB  |"));
    h.key_press(egui::Key::Escape);
    h.step();
    h.step();
    assert!(!marked(&h, "CD  |"), "no mark once the menu is closed");
    click(&mut h, "merge chunks");
    assert!(
        h.query_by_label_contains("4 chunks, 8 bytes: ABCDEFGH")
            .is_some(),
        "no gap set: every chunk of a direction joined"
    );
    replace_text(&mut h, "gap ≤", "20");
    h.key_press(egui::Key::Enter);
    h.step();
    h.step();
    assert_eq!(selected(&h).merge_gap_ms, 20);
    assert!(
        h.query_by_label_contains("2 chunks, 4 bytes: ABCD")
            .is_some()
            && h.query_by_label_contains("2 chunks, 4 bytes: EFGH")
                .is_some(),
        "one row a frame"
    );
    assert!(h.query_by_label_contains("ABCDEFGH").is_none());
}
