//! The connection drawn: the sequence diagram of a console session's sockets — the
//! handshake at connect, three sends arriving in one recv (粘包), the end of the stream at
//! close, and TIME_WAIT after it — as data and as the window draws it.

use egui_kittest::kittest::{NodeT, Queryable};
use socklab::engine::{SockState, SocketId};
use socklab::ui::diagram::{self, ArrowKind};
use socklab::ui::SocklabApp;

use crate::console::{open_console, run_in, run_lines, srv_port, LISTENING_SRV};
use crate::ui_common::*;

/// Whether a text the window shows (a label's name or a plain label's value) passes.
fn text_drawn(h: &H, pred: impl Fn(&str) -> bool) -> bool {
    h.query_all_by(|n| n.label().or_else(|| n.value()).is_some_and(|t| pred(&t)))
        .next()
        .is_some()
}

/// The texts the last frame painted (not widgets: a painter's words), with where.
fn painted_texts(h: &H) -> Vec<(String, egui::Rect)> {
    fn walk(s: &egui::Shape, out: &mut Vec<(String, egui::Rect)>) {
        match s {
            egui::Shape::Text(t) => {
                out.push((t.galley.text().to_string(), t.visual_bounding_rect()))
            }
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for c in &h.output().shapes {
        walk(&c.shape, &mut out);
    }
    out
}

fn id_of(a: &SocklabApp, name: &str) -> SocketId {
    a.state
        .sockets
        .values()
        .find(|s| s.info.name == name)
        .map(|s| s.info.id)
        .unwrap_or_else(|| {
            let all: Vec<(u64, &str, bool)> = a
                .state
                .sockets
                .values()
                .map(|s| (s.info.id.0, s.info.name.as_str(), s.closed))
                .collect();
            panic!("no socket named {name}: {all:?}")
        })
}

/// No capture until `allow_capture`, as for a user without CAP_NET_RAW: opening the
/// console would start one, and these tests draw what the calls alone give (the segments
/// a capture sees vary from run to run) or begin one later.
fn hold_capture(h: &mut H) {
    h.state_mut().state.capture = socklab::ui::state::CaptureState::Refused(
        socklab::ui::state::refusal(Some(1), "Operation not permitted (os error 1)"),
    );
}

/// The capture starts at the next frame where it would (the diagram shown, the console
/// open).
fn allow_capture(h: &mut H) {
    h.state_mut().state.capture = socklab::ui::state::CaptureState::NotTried;
}

/// srv listening, cli connected to it, conn accepted, from the console.
/// Waits until loopback capture runs or is refused; false when refused, which only a
/// run as neither root nor CI may see (`what` the test needs it for).
fn capture_runs(h: &mut H, what: &str) -> bool {
    use socklab::ui::state::CaptureState;
    step_until(h, "capture on or refused", |a| match &a.state.capture {
        CaptureState::On(c) => c.status() == socklab::engine::capture::Status::On,
        CaptureState::Refused(_) => true,
        CaptureState::NotTried => false,
    });
    let CaptureState::Refused(why) = &h.state().state.capture else {
        return true;
    };
    assert!(
        !rustix::process::geteuid().is_root() && std::env::var_os("CI").is_none(),
        "as root (and in CI, which runs as root) capture must work ({why})"
    );
    eprintln!("not root: capture refused ({why}); {what} needs root");
    false
}

fn connect(h: &mut H) {
    open_console(h);
    run_lines(
        h,
        0,
        &[
            "import socket",
            "srv = socket.socket()",
            "srv.bind(('127.0.0.1', 0))",
            "srv.listen()",
            "cli = socket.create_connection(srv.getsockname())",
            "conn, addr = srv.accept()",
        ],
    );
    // The names come from each socket's own worker, after the statement that gave them
    // ended: the tests look sockets up by name only once all three are in.
    step_until(h, "srv, cli and conn named", |a| {
        ["srv", "cli", "conn"]
            .iter()
            .all(|n| a.state.sockets.values().any(|s| s.info.name == *n))
    });
}

/// Waits until `n` bytes wait in conn's receive queue, as the kernel says.
fn queued(h: &mut H, n: u32) {
    step_until(h, &format!("{n} bytes queued at conn"), |a| {
        a.state
            .sockets
            .get(&id_of(a, "conn"))
            .and_then(|s| s.snapshot.as_ref())
            .and_then(|s| s.recv_queue)
            == Some(n)
    });
}

/// Waits until the kernel holds `name`'s closed connection in TIME_WAIT.
fn until_time_wait(h: &mut H, name: &str) {
    step_until(h, &format!("{name} in TIME_WAIT"), |a| {
        a.state
            .sockets
            .get(&id_of(a, name))
            .and_then(|s| s.after_close.as_ref())
            .and_then(|a| a.state)
            == Some(socklab::engine::inspect::TcpState::TimeWait)
    });
}

/// A FIN arrow: the lane it leaves, its row's text, the lane it reaches, that row's text.
type Fin = (SocketId, String, SocketId, String);

/// The FIN arrows of `from`'s diagram, and every row's text (for a failure's message).
fn guessed_fins(a: &SocklabApp, from: SocketId) -> (Vec<Fin>, Vec<String>) {
    let lanes = diagram::lanes(&a.state, Some(from));
    let d = diagram::build(&a.state, &a.state.story, &lanes);
    let fins = d
        .arrows
        .iter()
        .filter(|x| x.kind == ArrowKind::Fin)
        .map(|x| {
            (
                lanes[x.from],
                d.rows[x.from_row].text.to_string(),
                lanes[x.to],
                d.rows[x.to_row].text.to_string(),
            )
        })
        .collect();
    (fins, d.rows.iter().map(|r| r.text.to_string()).collect())
}

/// A listener, a client, the connection accepted; three sends the receiver takes in one
/// recv; the client closes first, the server reads the end and closes.
fn converse(h: &mut H) {
    connect(h);
    run_lines(
        h,
        0,
        &["cli.send(b'ab')", "cli.send(b'cd')", "cli.send(b'ef')"],
    );
    queued(h, 6);
    run_lines(h, 0, &["conn.recv(100)", "cli.close()", "conn.recv(100)"]);
    // The client's side waits in FIN_WAIT2 until conn closes: read by the kernel's table
    // before conn closes, so every run draws that row (a slow run read it, a fast one did
    // not, and the rows below it moved).
    step_until(h, "cli in FIN_WAIT2", |a| {
        a.state
            .sockets
            .get(&id_of(a, "cli"))
            .and_then(|s| s.after_close.as_ref())
            .and_then(|a| a.state)
            == Some(socklab::engine::inspect::TcpState::FinWait2)
    });
    run_lines(h, 0, &["conn.close()"]);
    // The client closed first: its connection waits in TIME_WAIT.
    until_time_wait(h, "cli");
}

/// Extended after each step of a conversation (the rows it has kept, the new beats' rows
/// added, every arrow worked out again), the diagram is the one built afresh: sends whose
/// recv comes in a later step get their arrows then, and the close its FIN.
#[test]
fn a_diagram_extended_step_by_step_is_the_one_built_afresh() {
    extended_step_by_step(true);
}

/// The same with the capture running where it can (root or CAP_NET_RAW, as in CI): the
/// captured segments' rows and arrows are extended as they come, as a console user sees
/// them, and still equal the diagram built afresh.
#[test]
fn a_captured_diagram_extended_step_by_step_is_the_one_built_afresh() {
    extended_step_by_step(false);
}

fn extended_step_by_step(hold: bool) {
    let mut h = harness();
    if hold {
        hold_capture(&mut h);
    }
    connect(&mut h);
    // The pair and the listener, once the window knows their addresses.
    step_until(&mut h, "srv, cli and conn as lanes", |a| {
        let conn = a.state.sockets.values().find(|s| s.info.name == "conn");
        conn.is_some_and(|c| diagram::lanes(&a.state, Some(c.info.id)).len() == 3)
    });
    let conn = id_of(h.state(), "conn");
    let lanes = diagram::lanes(&h.state().state, Some(conn));
    let mut d = diagram::build(&h.state().state, &h.state().state.story, &lanes);
    let steps: [(&[&str], Option<u32>); 3] = [
        (&["cli.send(b'ab')", "cli.send(b'cd')"], Some(4)),
        (&["conn.recv(3)", "cli.send(b'ef')"], Some(3)),
        (&["conn.recv(100)", "cli.close()", "conn.recv(100)"], None),
    ];
    for (lines, waiting) in steps {
        run_lines(&mut h, 0, lines);
        if let Some(n) = waiting {
            queued(&mut h, n);
        }
        let a = h.state();
        assert!(diagram::extend(&a.state, &a.state.story, &lanes, &mut d));
        assert_eq!(
            d,
            diagram::build(&a.state, &a.state.story, &lanes),
            "after {lines:?}"
        );
    }
    // What the last steps drew, once the window has heard of the last recv (the console
    // may answer a frame before): three data arrows (the third send's from the second
    // step to the last recv) and the end of the stream.
    let kinds =
        |d: &diagram::Diagram, k: ArrowKind| d.arrows.iter().filter(|a| a.kind == k).count();
    // Guessed from the calls, or (captured) the FIN segment itself.
    let ended = |d: &diagram::Diagram| {
        kinds(d, ArrowKind::Fin) == 1
            || (d.arrows.iter()).any(|x| x.kind == ArrowKind::Segment && x.label.contains("FIN"))
    };
    step_until(&mut h, "the end of the stream drawn", |a| {
        ended(&diagram::build(&a.state, &a.state.story, &lanes))
    });
    let a = h.state();
    assert!(diagram::extend(&a.state, &a.state.story, &lanes, &mut d));
    assert_eq!(d, diagram::build(&a.state, &a.state.story, &lanes));
    if hold {
        assert_eq!(kinds(&d, ArrowKind::Data), 3, "{:#?}", d.arrows);
        assert_eq!(kinds(&d, ArrowKind::Fin), 1, "{:#?}", d.arrows);
    } else if matches!(a.state.capture, socklab::ui::state::CaptureState::On(_)) {
        // Where the capture ran, its segments were among what was extended.
        assert!(kinds(&d, ArrowKind::Segment) > 0, "{:#?}", d.arrows);
    }
}

/// A capture that begins after a conversation leaves its guessed handshake and FIN drawn
/// (nothing captured replaces them); a connection made after it began gets no guess (its
/// segments are drawn instead). A Unix socket's connection, never captured, is drawn from
/// its calls, without TCP's words.
#[test]
fn a_capture_begun_later_keeps_the_guesses_of_what_came_before_it() {
    let mut h = harness();
    hold_capture(&mut h);
    converse(&mut h);
    let kinds = |h: &H, k: ArrowKind| {
        let a = h.state();
        let lanes = diagram::lanes(&a.state, Some(id_of(a, "conn")));
        let d = diagram::build(&a.state, &a.state.story, &lanes);
        d.arrows.iter().filter(|a| a.kind == k).count()
    };
    assert_eq!(kinds(&h, ArrowKind::Handshake), 1);
    // cli's FIN to conn's recv, conn's to cli's TIME_WAIT.
    assert_eq!(kinds(&h, ArrowKind::Fin), 2);
    // The capture begins now (as when the diagram is first shown, as root).
    h.state_mut().state.story.capturing_since = Some(std::time::Instant::now());
    assert_eq!(
        kinds(&h, ArrowKind::Handshake),
        1,
        "kept after the capture began"
    );
    assert_eq!(kinds(&h, ArrowKind::Fin), 2, "kept after the capture began");
    // A second connection to srv, after: its handshake is the capture's to draw.
    run_lines(
        &mut h,
        0,
        &[
            "cli2 = socket.create_connection(srv.getsockname())",
            "conn2, addr2 = srv.accept()",
        ],
    );
    step_until(&mut h, "conn2 paired with cli2", |a| {
        let conn2 = a.state.sockets.values().find(|s| s.info.name == "conn2");
        conn2.is_some_and(|c| diagram::lanes(&a.state, Some(c.info.id)).len() == 3)
    });
    let a = h.state();
    let lanes = diagram::lanes(&a.state, Some(id_of(a, "conn2")));
    let d = diagram::build(&a.state, &a.state.story, &lanes);
    assert!(
        d.rows
            .iter()
            .any(|r| r.text.starts_with("connect(('127.0.0.1', ")),
        "{:#?}",
        d.rows
    );
    assert!(
        !d.arrows.iter().any(|a| a.kind == ArrowKind::Handshake),
        "{:#?}",
        d.arrows
    );
    // Unix sockets: a connection and its end, drawn from the calls, in their own words.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("u.sock").display().to_string();
    let listen = format!("us = socket.socket(socket.AF_UNIX); us.bind({path:?}); us.listen()");
    let join = format!("uc = socket.socket(socket.AF_UNIX); uc.connect({path:?})");
    run_lines(
        &mut h,
        0,
        &[
            listen.as_str(),
            join.as_str(),
            "ua, _ = us.accept()",
            "uc.close()",
            "ua.recv(10)",
        ],
    );
    step_until(&mut h, "ua paired with uc, and its recv drawn", |a| {
        let Some(ua) = a.state.sockets.values().find(|s| s.info.name == "ua") else {
            return false;
        };
        let lanes = diagram::lanes(&a.state, Some(ua.info.id));
        let d = diagram::build(&a.state, &a.state.story, &lanes);
        d.arrows.iter().any(|a| a.kind == ArrowKind::Fin)
    });
    let a = h.state();
    let lanes = diagram::lanes(&a.state, Some(id_of(a, "ua")));
    let d = diagram::build(&a.state, &a.state.story, &lanes);
    let label = |k: ArrowKind| {
        d.arrows
            .iter()
            .find(|a| a.kind == k)
            .map(|a| a.label.clone())
            .unwrap_or_else(|| panic!("no {k:?} arrow in {:#?}", d.arrows))
    };
    let (joined, ended) = (label(ArrowKind::Handshake), label(ArrowKind::Fin));
    assert!(
        joined.starts_with("connect (") && !joined.contains("SYN"),
        "{joined}"
    );
    assert!(ended.starts_with("end of stream"), "{ended}");
}

#[test]
fn the_sequence_diagram_draws_the_handshake_three_sends_in_one_recv_and_the_close() {
    let mut h = harness();
    hold_capture(&mut h);
    converse(&mut h);
    click_socket_row(&mut h, "conn");
    let a = h.state();
    let conn = id_of(a, "conn");
    assert_eq!(selected(&h).state(), SockState::Closed);
    let lanes = diagram::lanes(&a.state, Some(conn));
    let names: Vec<&str> = lanes
        .iter()
        .map(|id| a.state.sockets[id].info.name.as_str())
        .collect();
    assert_eq!(names, ["srv", "cli", "conn"], "the pair and the listener");
    let d = diagram::build(&a.state, &a.state.story, &lanes);
    // Built into the room of another diagram (of other lanes, as under a flood the last
    // one's room is used again), it is the same.
    let mut again = diagram::build(&a.state, &a.state.story, &lanes[1..]);
    assert_ne!(again, d);
    diagram::build_into(&a.state, &a.state.story, &lanes, &mut again);
    assert_eq!(again, d);
    let row = |text: &str| {
        d.rows
            .iter()
            .position(|r| r.text == text)
            .unwrap_or_else(|| panic!("no row {text:?} in {:#?}", d.rows))
    };
    let sends: Vec<usize> = d
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.text == "send 2 B")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(sends.len(), 3);
    let recv = row("recv → 6 B");
    // A call comes before the state it moves its socket to, written with its arguments
    // (listen() asks CPython's default backlog, min(SOMAXCONN, 128)).
    assert!(row("bind(('127.0.0.1', 0))") < row("created → bound (bind)"));
    assert!(row("listen(128)") < row("bound → listening (listen)"));
    // A connect before its socket is seen connecting, and connected.
    let port = crate::console::bound_port(a, "srv").expect("srv's port");
    let connect = row(&format!("connect(('127.0.0.1', {port}))"));
    assert!(d.rows.iter().enumerate().all(|(i, r)| {
        let state = r.text.text();
        !(state.ends_with("(connect)") && state.contains("→")) || i > connect
    }));
    // Three arrows, one into the one recv.
    let data: Vec<_> = d
        .arrows
        .iter()
        .filter(|a| a.kind == ArrowKind::Data)
        .map(|a| (a.from_row, a.to_row, a.label.as_str()))
        .collect();
    assert_eq!(
        data,
        sends.iter().map(|s| (*s, recv, "2 B")).collect::<Vec<_>>()
    );
    // The handshake at connect, from cli's lane to srv's; the FIN from cli's close to conn's
    // move to half-closed (the kernel's CLOSE_WAIT), above the recv that got b''.
    let connect = d
        .arrows
        .iter()
        .find(|a| a.kind == ArrowKind::Handshake)
        .expect("a handshake arrow");
    assert_eq!(
        (lanes[connect.from], lanes[connect.to]),
        (id_of(a, "cli"), id_of(a, "srv"))
    );
    let fin = d
        .arrows
        .iter()
        .find(|a| a.kind == ArrowKind::Fin)
        .expect("a FIN arrow");
    assert_eq!(fin.from_row, row("close()"));
    assert_eq!(
        d.rows[fin.to_row].text,
        "connected → half-closed (the peer closed its side)"
    );
    let eof = row("recv() → b'' (the peer ended its stream)");
    assert!(eof > fin.to_row);
    // Told in English, drawn in the language of the moment: the b'' row too.
    socklab::i18n::set(socklab::i18n::Lang::ZhCn);
    let zh = diagram::build(&a.state, &a.state.story, &lanes);
    socklab::i18n::set(socklab::i18n::Lang::En);
    assert_eq!(zh.rows[eof].text, "recv() → b'' （对端结束了它的流）");
    assert!(
        d.rows.iter().any(|r| r.text == "kernel: TIME_WAIT"),
        "the afterlife: {:#?}",
        d.rows
    );
    // Drawn: the rows as labels (the journal's page is shorter than the console's: every
    // row fits), and a click on the recv shows its bytes.
    click(&mut h, "Journal");
    click(&mut h, "Sequence diagram");
    step_until_drawn(&mut h, "the recv row", |h| {
        h.query_by_label("recv → 6 B").is_some()
    });
    assert_eq!(h.query_all_by_label("send 2 B").count(), 3);
    click(&mut h, "recv → 6 B");
    step_until_drawn(&mut h, "its bytes", |h| {
        h.query_by_label_contains("conn received 6 bytes").is_some()
            && h.query_by_label_contains("61 62 63 64 65 66").is_some()
    });
    // A click on the first send's arrow, halfway to the recv, shows what that send sent.
    // Each row's words start 8 px right of its lane; an arrow going right begins 4 px
    // past its row's words (on their patch's edge) and ends at the lane it goes to.
    let first_send = h.get_all_by_label("send 2 B").next().unwrap().rect();
    let recv = h.get_by_label("recv → 6 B").rect();
    assert!(first_send.left() < recv.left(), "cli's lane left of conn's");
    let from = egui::pos2(first_send.right() + 4.0, first_send.center().y);
    let to = egui::pos2(recv.left() - 8.0, recv.center().y);
    let mid = from + (to - from) * 0.5;
    h.event(egui::Event::PointerMoved(mid));
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: mid,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        h.step();
    }
    step_until_drawn(&mut h, "the arrow's bytes", |h| {
        h.query_by_label_contains("cli sent 2 bytes").is_some()
            && h.query_by_label_contains("61 62").is_some()
            && h.query_by_label_contains("61 62 63").is_none()
    });
}

/// The diagram drawn by wgpu on Mesa's software renderer, compared with
/// tests/snapshots/sequence_diagram.png (UPDATE_SNAPSHOTS=1 rewrites it).
#[test]
fn sequence_diagram_snapshot() {
    // Tall enough for every row: the drawing starts at its top, and what varies from run to
    // run (the order of two sockets' events at the close) is in its last rows.
    let mut h = snapshot_harness(1280.0, 1100.0);
    // Drawn from the socket events (how it is without root): the segments a capture sees
    // vary from run to run (delayed ACKs), the calls do not.
    hold_capture(&mut h);
    converse(&mut h);
    click_socket_row(&mut h, "conn");
    click(&mut h, "Journal");
    click(&mut h, "Sequence diagram");
    step_until_drawn(&mut h, "the recv row", |h| {
        h.query_by_label("recv → 6 B").is_some()
    });
    h.state_mut().state.journal.clear_done();
    // Times, ports, fd numbers and those last rows change from run to run; the allowance
    // covers them, not a drawing laid out anew.
    snapshot(&mut h, "sequence_diagram", 9000);
}

/// srv, cli and conn made from the console, conn's diagram shown: the words of cli's
/// connect row, once drawn.
fn connect_row_drawn(h: &mut H) -> String {
    connect(h);
    click_socket_row(h, "conn");
    click(h, "Journal");
    click(h, "Sequence diagram");
    let port = crate::console::bound_port(h.state(), "srv").expect("srv's port");
    let words = format!("connect(('127.0.0.1', {port}))");
    step_until_drawn(h, "cli's connect row", |h| {
        h.query_by_label(&words).is_some()
    });
    words
}

/// A lane's head (its name, the topmost of the labels so named); a lane's line is 6 px
/// right of its left.
fn lane_head(h: &H, name: &str) -> egui::Rect {
    h.query_all_by_label(name)
        .map(|n| n.rect())
        .min_by(|a, b| a.top().total_cmp(&b.top()))
        .unwrap_or_else(|| panic!("no lane head {name}"))
}

/// In a window whose diagram is narrower than its lanes (they scroll sideways), a row's
/// words end at the view's edge (in "…", whole on hover), not cut there mid-letter.
#[test]
fn words_past_the_views_edge_end_at_it() {
    let mut h = harness_sized(1100.0, 900.0);
    let words = connect_row_drawn(&mut h);
    let row = h.get_by_label(&words).rect();
    let inspector = inspector_heading(&h);
    assert!(
        row.right() < inspector.left() && row.width() > 30.0,
        "ends in view: {row:?}, the inspector at {inspector:?}"
    );
}

/// In a narrow window a call's words (connect with its address) are wider than its lane:
/// they run on past the next lane's line, which has no beat at that height, instead of
/// being cut at it.
#[test]
fn a_rows_words_run_past_the_lanes_right_of_it() {
    let mut h = harness_sized(1200.0, 900.0);
    let words = connect_row_drawn(&mut h);
    // The lanes' heads, left to right: srv, cli, conn; a lane's line is 6 px right of the
    // left of its head.
    let (cli, conn) = (lane_head(&h, "cli"), lane_head(&h, "conn"));
    assert!(cli.left() < conn.left(), "{cli:?} {conn:?}");
    let row = h.get_by_label(&words).rect();
    assert!(
        row.left() > cli.left() && row.left() < conn.left(),
        "on cli's lane: {row:?}, cli {cli:?}, conn {conn:?}"
    );
    assert!(
        row.right() > conn.left() + 8.0,
        "whole, past conn's lane at {}: {row:?}",
        conn.left() + 6.0
    );
    // In view (a narrower window's diagram is narrower than its three lanes: words past
    // its edge end in "…" there).
    let inspector = inspector_heading(&h);
    assert!(row.right() < inspector.left(), "{row:?} {inspector:?}");
}

/// The last lane has no lanes right of it for its words to run on past: its column is as
/// wide as its widest words, the others narrower, so a recv that found the peer gone reads
/// whole ("(the peer ended its stream)" is the point of it), in view, in a window where
/// even columns cut it.
#[test]
fn the_last_lanes_column_is_as_wide_as_its_words() {
    let mut h = harness_sized(1400.0, 900.0);
    connect(&mut h);
    run_lines(&mut h, 0, &["cli.close()", "conn.recv(1024)"]);
    click_socket_row(&mut h, "conn");
    click(&mut h, "Journal");
    click(&mut h, "Sequence diagram");
    let words = "recv() → b'' (the peer ended its stream)";
    step_until_drawn(&mut h, "conn's recv of b''", |h| {
        h.query_by_label(words).is_some()
    });
    // A frame to take the width it measured.
    h.run();
    let (srv, cli, conn) = (
        lane_head(&h, "srv"),
        lane_head(&h, "cli"),
        lane_head(&h, "conn"),
    );
    assert!(srv.left() < cli.left() && cli.left() < conn.left());
    let row = h.get_by_label(words).rect();
    let body = egui::TextStyle::Body.resolve(&h.ctx.global_style());
    let whole = h.ctx.fonts_mut(|f| {
        f.layout_no_wrap(words.to_string(), body, egui::Color32::WHITE)
            .size()
            .x
    });
    assert!(
        row.width() >= whole - 1.0,
        "whole ({whole} px wide), not cut: {row:?}"
    );
    // In view: left of the inspector beside the diagram (its heading, below the top bar's
    // button of the same name).
    let inspector = inspector_heading(&h);
    assert!(
        row.right() < inspector.left(),
        "in view: {row:?}, the inspector at {inspector:?}"
    );
    // The others share what is left: the last column is the wider.
    assert!(
        row.right() - conn.left() > cli.left() - srv.left(),
        "srv {srv:?}, cli {cli:?}, conn {conn:?}, row {row:?}"
    );
}

/// How the diagram is drawn is said above it until a person folds it away; folded, the
/// lanes move up into its room, and it comes back at a click.
#[test]
fn how_the_diagram_is_drawn_folds_away_and_gives_its_room_to_the_rows() {
    let mut h = harness();
    connect(&mut h);
    click_socket_row(&mut h, "conn");
    h.state_mut().state.capture = socklab::ui::state::CaptureState::Refused(
        socklab::ui::state::refusal(Some(1), "Operation not permitted (os error 1)"),
    );
    click(&mut h, "Sequence diagram");
    let said = |h: &H| text_drawn(h, |t| t.starts_with("Drawn from the socket calls"));
    let lane = |h: &H| h.get_by_label("srv").rect();
    step_until_drawn(&mut h, "how it is drawn, and the lanes", |h| {
        said(h) && h.query_by_label("srv").is_some()
    });
    let open = lane(&h);
    click(&mut h, "Hide how it is drawn");
    step_until_drawn(&mut h, "folded", |h| {
        !said(h) && h.query_by_label("How it is drawn").is_some()
    });
    let folded = lane(&h);
    assert!(
        folded.top() < open.top() - 30.0,
        "the lanes move up: {open:?} then {folded:?}"
    );
    // Kept in the settings: the next start's diagram is folded.
    let kept = socklab::ui::settings::Settings::from_json(&h.state().state.settings.to_json());
    assert!(kept.diagram_how_folded);
    let mut next = harness();
    next.state_mut().state.settings = kept.clone();
    connect(&mut next);
    click_socket_row(&mut next, "conn");
    click(&mut next, "Sequence diagram");
    step_until_drawn(&mut next, "the lanes, folded", |h| {
        h.query_by_label("srv").is_some() && h.query_by_label("How it is drawn").is_some()
    });
    assert!(!said(&next));
    drop(next);
    click(&mut h, "How it is drawn");
    step_until_drawn(&mut h, "shown again", |h| said(h));
    let kept = socklab::ui::settings::Settings::from_json(&h.state().state.settings.to_json());
    assert!(!kept.diagram_how_folded);
}

/// Three sends read by one recv one way; one send read by two recvs the other.
fn joined_and_split(h: &mut H) {
    connect(h);
    run_lines(
        h,
        0,
        &["cli.send(b'ab')", "cli.send(b'cd')", "cli.send(b'ef')"],
    );
    queued(h, 6);
    run_in(h, 0, "conn.recv(100)");
    run_in(h, 0, "conn.sendall(b'0123456789')");
    step_until(h, "ten bytes queued at cli", |a| {
        a.state.sockets[&id_of(a, "cli")]
            .snapshot
            .as_ref()
            .and_then(|s| s.recv_queue)
            == Some(10)
    });
    run_in(h, 0, "cli.recv(4)");
    run_in(h, 0, "cli.recv(100)");
}

/// A block's words hold its call's bytes past what the block shows (a 32-byte challenge
/// was cut at 24 even on hover), up to a bound.
#[test]
fn a_boundary_blocks_words_hold_its_bytes_whole() {
    let mut h = harness();
    connect(&mut h);
    run_in(&mut h, 0, "cli.sendall(b'0123456789' * 4)");
    run_in(&mut h, 0, "conn.recv(100)");
    run_in(&mut h, 0, "cli.sendall(b'z' * 1000)");
    run_in(
        &mut h,
        0,
        "n = 0\nwhile n < 1000:\n    n += len(conn.recv(2000))\n",
    );
    click_socket_row(&mut h, "cli");
    click(&mut h, "Message boundaries");
    let forty = "0123456789".repeat(4);
    step_until_drawn(&mut h, "the forty bytes whole", |h| {
        h.query_by_label(&format!("sendall() #1: 40 B  b'{forty}'"))
            .is_some()
    });
    // A long one is cut, and says so.
    let long = format!("sendall() #2: 1000 B  b'{}'…", "z".repeat(256));
    assert!(h.query_by_label(&long).is_some(), "the long one cut at 256");
}

#[test]
fn message_boundaries_show_sends_joined_in_one_recv_and_one_send_split_in_two() {
    let mut h = harness();
    joined_and_split(&mut h);
    let a = h.state();
    let (cli, conn) = (id_of(a, "cli"), id_of(a, "conn"));
    let spans = |blocks: &[diagram::Block]| -> Vec<(usize, (usize, usize))> {
        blocks.iter().map(|b| (b.len, b.span)).collect()
    };
    let joined = diagram::boundaries(&a.state.story, cli, conn);
    assert_eq!(joined.cuts.len(), 4, "{joined:?}");
    assert_eq!(
        spans(&joined.sends),
        [(2, (0, 0)), (2, (1, 1)), (2, (2, 2))]
    );
    assert_eq!(spans(&joined.recvs), [(6, (0, 2))], "three sends, one recv");
    let split = diagram::boundaries(&a.state.story, conn, cli);
    assert_eq!(spans(&split.sends), [(10, (0, 1))]);
    // Each call by the name it was made with: the sendall is not called a send.
    assert_eq!(diagram::call_counts(&joined.sends), [("send", 3)]);
    assert_eq!(diagram::call_counts(&split.sends), [("sendall", 1)]);
    assert_eq!(diagram::call_counts(&split.recvs), [("recv", 2)]);
    assert_eq!(
        spans(&split.recvs),
        [(4, (0, 0)), (6, (1, 1))],
        "one send, two recvs"
    );
    // Drawn, with the bytes of each call.
    click_socket_row(&mut h, "cli");
    click(&mut h, "Message boundaries");
    step_until_drawn(&mut h, "both ways drawn", |h| {
        h.query_by_label("recv() #1: 6 B  b'abcdef'").is_some()
            && h.query_by_label("send() #3: 2 B  b'ef'").is_some()
            && h.query_by_label("sendall() #1: 10 B  b'0123456789'")
                .is_some()
            && h.query_by_label("recv() #2: 6 B  b'456789'").is_some()
    });
    assert!(
        h.query_by_label("cli → conn: 3 send() calls; 1 recv() call")
            .is_some()
            && h.query_by_label("conn → cli: 1 sendall() call; 2 recv() calls")
                .is_some(),
        "each way's calls counted by name"
    );
    click(&mut h, "recv() #1: 6 B  b'abcdef'");
    step_until_drawn(&mut h, "its bytes", |h| {
        h.query_by_label_contains("conn received 6 bytes").is_some()
    });
    // The end of the stream is a boundary too: the recv that got b''.
    let ended = "conn.recv() → b'': cli closed its side (FIN)";
    assert!(h.query_by_label_contains(ended).is_none(), "not before it");
    // recv(0) gets b'' too, at once, with the stream going on: not an end. (The console
    // answers recv(0) itself, as CPython does without a system call; the page's recv asks
    // the socket.)
    click_socket_row(&mut h, "conn");
    click(&mut h, "Socket page");
    replace_text(&mut h, "bufsize", "0");
    click(&mut h, "recv");
    step_until(&mut h, "recv(0) told", |a| {
        let conn = id_of(a, "conn");
        let lanes = diagram::lanes(&a.state, Some(conn));
        let d = diagram::build(&a.state, &a.state.story, &lanes);
        d.rows.iter().any(|r| {
            r.text
                .to_string()
                .ends_with("(recv(0) asks for no bytes and gets none at once; nothing is read)")
        })
    });
    click_socket_row(&mut h, "cli");
    click(&mut h, "Message boundaries");
    assert!(
        h.query_by_label_contains(ended).is_none(),
        "recv(0) ends nothing"
    );
    run_in(&mut h, 0, "cli.close()");
    let out = run_in(&mut h, 0, "conn.recv(100)");
    assert!(out.iter().any(|(_, t)| t == "b''"), "{out:?}");
    step_until_drawn(&mut h, "the end of cli's stream", |h| {
        h.query_by_label_contains(ended).is_some()
    });
    assert!(
        h.query_by_label_contains("cli.recv() → b''").is_none(),
        "conn's way has not ended"
    );
}

/// recv_into and recvfrom_into are recvs into the caller's buffer; the diagrams name them
/// as the person called them, not as the recv they make.
#[test]
fn recv_into_and_recvfrom_into_are_named_as_they_were_called() {
    let mut h = harness();
    connect(&mut h);
    run_lines(&mut h, 0, &["cli.send(b'abcd')", "buf = bytearray(10)"]);
    queued(&mut h, 4);
    let out = run_in(&mut h, 0, "conn.recv_into(buf, 2)");
    assert!(out.iter().any(|(_, t)| t == "2"), "{out:?}");
    run_in(&mut h, 0, "cli.send(b'ef')");
    queued(&mut h, 4);
    let out = run_in(&mut h, 0, "conn.recvfrom_into(buf)");
    assert!(out.iter().any(|(_, t)| t == "(4, None)"), "{out:?}");
    let out = run_in(&mut h, 0, "bytes(buf)");
    assert!(
        out.iter()
            .any(|(_, t)| t == r"b'cdef\x00\x00\x00\x00\x00\x00'"),
        "{out:?}"
    );
    let a = h.state();
    let (cli, conn) = (id_of(a, "cli"), id_of(a, "conn"));
    let way = diagram::boundaries(&a.state.story, cli, conn);
    assert_eq!(
        diagram::call_counts(&way.recvs),
        [("recv_into", 1), ("recvfrom_into", 1)]
    );
    click_socket_row(&mut h, "cli");
    click(&mut h, "Message boundaries");
    step_until_drawn(&mut h, "each recv by its name", |h| {
        h.query_by_label("cli → conn: 2 send() calls; 1 recv_into() call, 1 recvfrom_into() call")
            .is_some()
            && h.query_by_label("recv_into() #1: 2 B  b'ab'").is_some()
            && h.query_by_label("recvfrom_into() #2: 4 B  b'cdef'")
                .is_some()
    });
    // The sequence diagram's rows too (with the journal below, every row fits).
    click(&mut h, "Journal");
    click(&mut h, "Sequence diagram");
    step_until_drawn(&mut h, "the rows", |h| {
        h.query_by_label("recv_into → 2 B").is_some()
            && h.query_by_label("recvfrom_into → 4 B").is_some()
    });
    // The end of the stream: recv_into returns 0, not b''.
    click(&mut h, "Python console");
    run_in(&mut h, 0, "cli.close()");
    let out = run_in(&mut h, 0, "conn.recv_into(buf)");
    assert!(out.iter().any(|(_, t)| t == "0"), "{out:?}");
    let a = h.state();
    let lanes = diagram::lanes(&a.state, Some(cli));
    let d = diagram::build(&a.state, &a.state.story, &lanes);
    assert!(
        d.rows
            .iter()
            .any(|r| r.text == "recv_into() → 0 (the peer ended its stream)"),
        "{:#?}",
        d.rows
    );
    // recvfrom at a stream's end has no sender to name.
    let out = run_in(&mut h, 0, "conn.recvfrom(10)");
    assert!(out.iter().any(|(_, t)| t == "(b'', None)"), "{out:?}");
    step_until(&mut h, "the recvfrom told", |a| {
        let lanes = diagram::lanes(&a.state, Some(cli));
        let d = diagram::build(&a.state, &a.state.story, &lanes);
        d.rows
            .iter()
            .any(|r| r.text == "recvfrom() → (b'', None) (the peer ended its stream)")
    });
    click(&mut h, "Message boundaries");
    step_until_drawn(&mut h, "the end of cli's stream", |h| {
        h.query_by_label_contains("conn.recv_into() → 0: cli closed its side (FIN)")
            .is_some()
            && h.query_by_label_contains("every later recv_into returns 0 at once")
                .is_some()
    });
    // The calls that read the end were made too, and are counted: recv_into's, and the
    // recvfrom that read it again.
    assert!(
        h.query_by_label(
            "cli → conn: 2 send() calls; 2 recv_into() calls, 1 recvfrom_into() call, 1 recvfrom() call"
        )
        .is_some(),
        "the count with the end's calls"
    );
}

/// Opening the Python console starts the capture (a learner types there first; the
/// diagram opened afterwards has the real handshake of what was typed); the journal
/// alone does not.
#[test]
fn opening_the_console_starts_the_capture() {
    use socklab::ui::state::CaptureState;
    let mut h = harness();
    for _ in 0..3 {
        h.step();
    }
    assert!(matches!(h.state().state.capture, CaptureState::NotTried));
    open_console(&mut h);
    capture_runs(&mut h, "the console's capture");
}

/// Without a capture (refused, as for a user without CAP_NET_RAW), the FINs are guessed
/// from the calls: cli's close to conn's move to half-closed (where its kernel heard of
/// it, not the recv that read it later), and conn's close, cli having closed first, to
/// cli's TIME_WAIT, which that FIN began.
#[test]
fn a_guessed_fin_to_a_side_that_closed_first_ends_at_its_time_wait() {
    let mut h = harness();
    hold_capture(&mut h);
    converse(&mut h);
    let a = h.state();
    let (cli, conn) = (id_of(a, "cli"), id_of(a, "conn"));
    let (fins, rows) = guessed_fins(a, cli);
    assert_eq!(
        fins,
        [
            (
                cli,
                "close()".to_string(),
                conn,
                "connected → half-closed (the peer closed its side)".to_string()
            ),
            (
                conn,
                "close()".to_string(),
                cli,
                "kernel: TIME_WAIT".to_string()
            ),
        ],
        "{rows:#?}"
    );
}

/// A socket sends one FIN, from its close, not from a shutdown(SHUT_RD) before it (which
/// sends nothing); it reaches cli, which closed first, at its TIME_WAIT. cli's own FIN
/// reaches conn where its kernel heard of it, though nothing read the end.
#[test]
fn a_shutdown_for_reading_sends_no_guessed_fin() {
    let mut h = harness();
    hold_capture(&mut h);
    connect(&mut h);
    run_in(&mut h, 0, "cli.close()");
    step_until(&mut h, "conn half-closed", |a| {
        a.state.sockets[&id_of(a, "conn")]
            .snapshot
            .as_ref()
            .is_some_and(|s| s.state == SockState::HalfClosed)
    });
    run_lines(
        &mut h,
        0,
        &["conn.shutdown(socket.SHUT_RD)", "conn.close()"],
    );
    until_time_wait(&mut h, "cli");
    let a = h.state();
    let (cli, conn) = (id_of(a, "cli"), id_of(a, "conn"));
    let (fins, rows) = guessed_fins(a, cli);
    assert_eq!(
        fins,
        [
            (
                cli,
                "close()".to_string(),
                conn,
                "connected → half-closed (the peer closed its side)".to_string()
            ),
            (
                conn,
                "close()".to_string(),
                cli,
                "kernel: TIME_WAIT".to_string()
            )
        ],
        "{rows:#?}"
    );
}

/// Before a connection closes, the timeline's kernel row says what will show there (an
/// empty row would look like a reading that failed); a listener, whose row never fills,
/// and a UDP socket, which has no TCP state, say nothing of the kind.
#[test]
fn the_timeline_says_when_the_kernel_row_fills_and_gives_udp_none() {
    let mut h = harness();
    connect(&mut h);
    run_in(
        &mut h,
        0,
        "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
    );
    click_socket_row(&mut h, "cli");
    click(&mut h, "State timeline");
    let later =
        "the kernel's TCP state shows here once the connection closes (FIN_WAIT, TIME_WAIT…)";
    // cli's and conn's rows; not srv's.
    step_until_drawn(&mut h, "each connection's kernel row", |h| {
        h.query_all_by_label(later).count() == 2 && text_drawn(h, |t| t == "listening")
    });
    run_in(&mut h, 0, "cli.close()");
    // cli's row fills at once (FIN_WAIT), conn's at its next reading (CLOSE_WAIT).
    step_until_drawn(&mut h, "both kernel rows filled", |h| {
        h.query_all_by_label(later).count() == 0
            && text_drawn(h, |t| t.starts_with("FIN_WAIT"))
            && text_drawn(h, |t| t.starts_with("CLOSE_WAIT"))
    });
    click_socket_row(&mut h, "u");
    step_until_drawn(&mut h, "u's timeline", |h| {
        text_drawn(h, |t| t == "created")
    });
    assert_eq!(h.query_all_by_label(later).count(), 0);
}

#[test]
fn the_state_timeline_shows_each_state_and_time_wait_after_the_close() {
    let mut h = harness();
    converse(&mut h);
    click_socket_row(&mut h, "cli");
    let a = h.state();
    let cli = id_of(a, "cli");
    let lanes = diagram::lanes(&a.state, Some(cli));
    let (axis, tracks) = diagram::timeline(&a.state.story, &lanes);
    let track = tracks.iter().find(|t| t.id == Some(cli)).unwrap();
    let states: Vec<_> = track.socket.iter().map(|s| s.state).collect();
    use diagram::StretchState::{Kernel, Socket};
    use socklab::engine::inspect::TcpState;
    assert_eq!(
        states,
        [
            Socket(SockState::Created),
            Socket(SockState::Connecting),
            Socket(SockState::Connected),
            Socket(SockState::Closed)
        ]
    );
    // Each stretch ends where the next begins; the last lasts until now.
    for w in track.socket.windows(2) {
        assert_eq!(w[0].to, Some(w[1].from));
    }
    assert_eq!(track.socket.last().unwrap().to, None);
    // The kernel's states on the way out: FIN_WAIT1 or FIN_WAIT2 first (which one was read
    // at close depends on how soon the peer's ACK came), then TIME_WAIT, still now.
    let kernel: Vec<_> = track.kernel.iter().map(|s| s.state).collect();
    assert!(
        matches!(
            kernel.first(),
            Some(Kernel(Some(TcpState::FinWait1 | TcpState::FinWait2)))
        ),
        "{kernel:?}"
    );
    assert_eq!(
        kernel.last(),
        Some(&Kernel(Some(TcpState::TimeWait))),
        "{kernel:?}"
    );
    assert_eq!(track.kernel.last().unwrap().to, None);
    assert!(track.calls.iter().any(|(_, c)| c == "close()"));
    assert!(axis.len() >= track.socket.len());
    // Every column is a state beginning or ending, or a call: bytes and segments take
    // none (each had a column, and the first states went out of view).
    let used: std::collections::BTreeSet<usize> = tracks
        .iter()
        .flat_map(|t| {
            let stretches = t.socket.iter().chain(&t.kernel);
            stretches
                .flat_map(|s| [Some(s.from), s.to])
                .flatten()
                .chain(t.calls.iter().map(|(k, _)| *k))
                .collect::<Vec<_>>()
        })
        // A stretch ending at the axis' length lasts until now.
        .filter(|k| *k < axis.len())
        .collect();
    assert_eq!(
        used,
        (0..axis.len()).collect(),
        "columns of nothing among {}",
        axis.len()
    );
    click(&mut h, "State timeline");
    step_until_drawn(&mut h, "TIME_WAIT with its seconds", |h| {
        // Its own bar, "TIME_WAIT 59 s" (the list's row says more around it).
        text_drawn(h, |t| t.starts_with("TIME_WAIT ") && t.ends_with(" s"))
            && text_drawn(h, |t| t == "connected")
            && text_drawn(h, |t| t == "close()")
    });
    // Each state explained on hover: what it means and what leads out of it (the bar in
    // view at the end: the timeline keeps "now" in view, its first columns scrolled away).
    h.get_all_by(|n| {
        n.value()
            .or_else(|| n.label())
            .is_some_and(|t| t.starts_with("TIME_WAIT ") && t.ends_with(" s"))
    })
    .next()
    .unwrap()
    .hover();
    step_until_drawn(&mut h, "TIME_WAIT explained", |h| {
        text_drawn(h, |t| {
            t.starts_with("TIME_WAIT: both sides closed and this side closed first")
        })
    });
}

/// A timeline wider than its panel opens at now, and says how many columns are off to the
/// left, with a button that scrolls back to the first.
#[test]
fn a_timeline_cut_at_the_left_says_so_and_scrolls_back() {
    let mut h = harness_sized(1200.0, 700.0);
    converse(&mut h);
    click_socket_row(&mut h, "cli");
    click(&mut h, "State timeline");
    let earlier = |h: &H| {
        h.query_all_by(|n| {
            n.label()
                .is_some_and(|l| l.starts_with("← ") && l.contains(" earlier column"))
        })
        .count()
    };
    step_until_drawn(&mut h, "the columns off to the left said", |h| {
        earlier(h) == 1
    });
    // Said by a button over the axis: no time of the axis is drawn under it.
    let button = h
        .get_by(|n| {
            n.label()
                .is_some_and(|l| l.starts_with("← ") && l.contains(" earlier column"))
        })
        .rect();
    let times: Vec<(String, egui::Rect)> = painted_texts(&h)
        .into_iter()
        .filter(|(t, _)| t.starts_with('+') && t.ends_with(" s"))
        .collect();
    assert!(
        !times.is_empty(),
        "the axis has times: {:?}",
        painted_texts(&h)
            .into_iter()
            .map(|x| x.0)
            .collect::<Vec<_>>()
    );
    assert!(
        times.iter().all(|(_, r)| !r.intersects(button)),
        "{button:?} {times:?}"
    );
    h.get_by(|n| {
        n.label()
            .is_some_and(|l| l.starts_with("← ") && l.contains(" earlier column"))
    })
    .click();
    step_until_drawn(&mut h, "back at the first column", |h| earlier(h) == 0);
    // It stays there (no longer stuck to now).
    for _ in 0..5 {
        h.step();
    }
    assert_eq!(earlier(&h), 0);
    assert!(text_drawn(&h, |t| t == "created"));
}

/// The boundary view drawn by wgpu on Mesa's software renderer, compared with
/// tests/snapshots/message_boundaries.png (UPDATE_SNAPSHOTS=1 rewrites it).
#[test]
fn message_boundaries_snapshot() {
    let mut h = snapshot_harness(1280.0, 800.0);
    joined_and_split(&mut h);
    click_socket_row(&mut h, "cli");
    click(&mut h, "Journal");
    click(&mut h, "Message boundaries");
    step_until_drawn(&mut h, "both ways drawn", |h| {
        h.query_by_label("recv() #2: 6 B  b'456789'").is_some()
    });
    h.state_mut().state.journal.clear_done();
    // Ports and fd numbers change from run to run (the list, the inspector).
    snapshot(&mut h, "message_boundaries", 3000);
}

#[test]
fn graphs_draw_the_rate_rtt_cwnd_and_queues_of_a_transfer() {
    let mut h = harness();
    connect(&mut h);
    // Twice: whatever readings came before, two come with different counts.
    for round in 1..=2u64 {
        run_in(&mut h, 0, "cli.sendall(b'x' * 200000)");
        run_in(
            &mut h,
            0,
            "n = 0\nwhile n < 200000:\n    n += len(conn.recv(65536))\n",
        );
        step_until(&mut h, "cli's reading of what it sent", |a| {
            let cli = &a.state.sockets[&id_of(a, "cli")];
            cli.snapshot.as_ref().map(|s| s.counters.bytes_out) == Some(200_000 * round)
        });
    }
    let a = h.state();
    let cli = &a.state.sockets[&id_of(a, "cli")];
    let (_, out) = cli.series.rates(None);
    assert!(
        out.iter().any(|[_, r]| *r > 0.0),
        "a rate out after the sendall: {out:?}"
    );
    let rtt = cli.series.line(|s| s.rtt_us, None);
    let cwnd = cli.series.line(|s| s.cwnd, None);
    assert!(
        !rtt.is_empty() && !cwnd.is_empty(),
        "TCP_INFO read: {rtt:?} {cwnd:?}"
    );
    assert!(cwnd.iter().all(|[_, c]| *c >= 1.0));
    // The readings before the handshake (rtt 0: nothing measured yet) are no points.
    assert!(rtt.iter().all(|[_, r]| *r > 0.0), "{rtt:?}");
    // Seconds from the first reading, in order.
    assert!(rtt.windows(2).all(|w| w[0][0] <= w[1][0]));
    click_socket_row(&mut h, "cli");
    click(&mut h, "Graphs");
    step_until_drawn(&mut h, "the four graphs' titles", |h| {
        [
            "rate (bytes/s)",
            "receive and send queue (bytes)",
            "rtt (µs, TCP_INFO)",
            "cwnd (segments, TCP_INFO)",
        ]
        .iter()
        .all(|t| text_drawn(h, |x| x == *t))
    });
    // A count or a time is never below 0, and its axis does not go there: cwnd, flat at
    // its first readings, is drawn from 0 up, not centred on ticks below 0.
    let bounds = |h: &H, title: &str| {
        egui_plot::PlotMemory::load(&h.ctx, socklab::ui::graph_id(title)).map(|m| *m.bounds())
    };
    for title in [
        "cwnd (segments, TCP_INFO)",
        "receive and send queue (bytes)",
    ] {
        // (The plot's margin, 5 % of the range each side, is all that is below 0.)
        let b = bounds(&h, title).expect("the plot drawn");
        assert!(
            (-0.06 * b.max()[1]..=0.0).contains(&b.min()[1]) && b.max()[1] >= 1.0,
            "{title}: {b:?}"
        );
    }
}

/// The diagram's words say what it can draw: datagram lanes have no TCP segments, and a
/// connection to a program outside socklab has no lane for its segments (as root, where
/// capture runs).
#[test]
fn the_sequence_diagram_says_what_it_cannot_draw() {
    let mut h = harness();
    hold_capture(&mut h);
    open_console(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import socket",
            "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "u.bind(('127.0.0.1', 0))",
            "v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "v.sendto(b'x', u.getsockname())",
            "srv = socket.socket()",
            "srv.bind(('127.0.0.1', 0))",
            "srv.listen()",
            "q = socket.create_connection(srv.getsockname())",
        ],
    );
    // A client nobody accepted yet: the listener it reached is its lane's partner.
    step_until(&mut h, "the listener q waits at a lane", |a| {
        diagram::lanes(&a.state, Some(id_of(a, "q"))).contains(&id_of(a, "srv"))
    });
    // Nothing captured yet: its handshake is guessed, to that listener.
    let a = h.state();
    let lanes = diagram::lanes(&a.state, Some(id_of(a, "q")));
    let d = diagram::build(&a.state, &a.state.story, &lanes);
    let srv_lane = lanes.iter().position(|l| *l == id_of(a, "srv"));
    assert!(
        d.arrows
            .iter()
            .any(|x| x.kind == ArrowKind::Handshake && Some(x.to) == srv_lane),
        "{:?}",
        d.arrows.iter().map(|x| (x.from, x.to)).collect::<Vec<_>>()
    );
    click_socket_row(&mut h, "u");
    allow_capture(&mut h);
    click(&mut h, "Sequence diagram");
    step_until_drawn(&mut h, "the datagrams' words", |h| {
        h.query_by_label_contains("UDP and Unix sockets have no handshake")
            .is_some()
            && h.query_by_label_contains("TCP segments captured").is_none()
    });
    if !capture_runs(&mut h, "the outside peer") {
        return;
    }
    let outside = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = outside.local_addr().unwrap().port();
    run_in(
        &mut h,
        0,
        &format!("c = socket.create_connection(('127.0.0.1', {port}))"),
    );
    let _peer = outside.accept().unwrap();
    click_socket_row(&mut h, "c");
    step_until_drawn(&mut h, "no lane for the outside peer said", |h| {
        h.query_by_label_contains("TCP segments captured").is_some()
            && h.query_by_label_contains(
                "has no lane, so that connection's segments are drawn on this side's lane alone",
            )
            .is_some()
    });
    // As said: its segments are rows of its own lane.
    step_until_drawn(&mut h, "the outside connection's SYN on c's lane", |h| {
        text_drawn(h, |t| t.starts_with("[SYN] seq=0"))
    });
    // ...but a client waiting in the window's own listener's queue is not outside.
    click_socket_row(&mut h, "q");
    step_until_drawn(&mut h, "the queued client's words", |h| {
        h.query_by_label_contains("TCP segments captured").is_some()
            && h.query_by_label_contains("has no lane").is_none()
    });
}

/// A listener with three connections is seven sockets, one more than the diagram's lanes:
/// the one left out is named as left out, not said to be a program outside socklab, and
/// the diagram says whose lanes these are.
#[test]
fn a_socket_left_without_a_lane_is_named_not_called_outside() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import socket",
            "srv = socket.socket()",
            "srv.bind(('127.0.0.1', 0))",
            "srv.listen()",
            "a = socket.create_connection(srv.getsockname())",
            "b = socket.create_connection(srv.getsockname())",
            "c = socket.create_connection(srv.getsockname())",
            "x, _ = srv.accept()",
            "y, _ = srv.accept()",
            "z, _ = srv.accept()",
        ],
    );
    click_socket_row(&mut h, "srv");
    click(&mut h, "Sequence diagram");
    let capture = capture_runs(&mut h, "the left-out client's segments");
    step_until_drawn(&mut h, "the lanes said, c left out", |h| {
        h.query_by_label_contains("Lanes: srv and the sockets it talks to. 1 more in the list")
            .is_some()
            && h.query_by_label_contains("Not drawn, 6 lanes at most: c (")
                .is_some()
    });
    if capture {
        assert!(h.query_by_label_contains("has no lane").is_none());
    }
    // Six lanes are wider than the panel: scrolled sideways, the lanes' names go with
    // their lanes (they had stayed put, each over another lane).
    let name_x = |h: &H| h.get_by_label("b").rect().left();
    let before = name_x(&h);
    let srv = h.get_by_label("srv").rect();
    h.hover_at(srv.center() + egui::vec2(0.0, 120.0));
    h.run();
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(-300.0, 0.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: egui::Modifiers::NONE,
    });
    step_until_drawn(&mut h, "b's name moved with its lane", |h| {
        name_x(h) < before - 100.0
    });
    // Its own diagram has its lane.
    click_socket_row(&mut h, "c");
    step_until_drawn(&mut h, "c's own lanes", |h| {
        h.query_by_label_contains("Lanes: c and the sockets it talks to.")
            .is_some()
            && h.query_by_label_contains("Not drawn").is_none()
    });
}

/// A connection made before the capture began: the diagram says where the capture
/// began (rows above it have no segments), and its segments count from the first one
/// seen, not in the kernel's raw numbers.
#[test]
fn a_connection_older_than_the_capture_is_said_and_counted_from_its_first_segment() {
    let mut h = harness();
    hold_capture(&mut h);
    connect(&mut h);
    run_lines(&mut h, 0, &["cli.send(b'ab')", "conn.recv(10)"]);
    click_socket_row(&mut h, "conn");
    allow_capture(&mut h);
    click(&mut h, "Sequence diagram");
    if !capture_runs(&mut h, "the segments after it began") {
        return;
    }
    step_until_drawn(&mut h, "where the capture began", |h| {
        h.query_by_label_contains("Segments are captured from +")
            .is_some()
    });
    run_lines(&mut h, 0, &["cli.send(b'cd')", "conn.recv(10)"]);
    let texts = |a: &SocklabApp| {
        let lanes = diagram::lanes(&a.state, Some(id_of(a, "conn")));
        let d = diagram::build(&a.state, &a.state.story, &lanes);
        d.rows
            .iter()
            .map(|r| r.text.to_string())
            .filter(|t| t.starts_with('['))
            .collect::<Vec<_>>()
    };
    step_until(&mut h, "cd's segment and its ACK", |a| texts(a).len() >= 2);
    let got = texts(h.state());
    assert!(
        got.iter().any(|t| t == "[PSH, ACK] seq=1 ack=1 len=2")
            && got.iter().any(|t| t == "[ACK] seq=1 ack=3"),
        "{got:#?}"
    );
}

/// As root (CI): the handshake captured on loopback, drawn as its three segments from cli
/// to srv and back; elsewhere the page says capture needs the permission.
#[test]
fn a_captured_handshake_is_drawn_as_its_syn_syn_ack_and_ack() {
    let mut h = harness();
    click(&mut h, "Sequence diagram");
    if !capture_runs(&mut h, "the handshake") {
        return;
    }
    connect(&mut h);
    click_socket_row(&mut h, "cli");
    click(&mut h, "Sequence diagram");
    let names = |a: &SocklabApp| {
        let lanes = diagram::lanes(&a.state, Some(id_of(a, "cli")));
        let d = diagram::build(&a.state, &a.state.story, &lanes);
        d.arrows
            .iter()
            .filter(|x| x.kind == ArrowKind::Segment)
            .map(|x| {
                let who = |l: usize| a.state.sockets[&lanes[l]].info.name.clone();
                (who(x.from), who(x.to), x.label.clone())
            })
            .collect::<Vec<_>>()
    };
    step_until(&mut h, "the handshake's three segments", |a| {
        names(a).len() >= 3
    });
    let got = names(h.state());
    let s = |a: &str, b: &str, f: &str| (a.to_string(), b.to_string(), f.to_string());
    assert_eq!(
        got[..3],
        [
            s("cli", "srv", "SYN"),
            s("srv", "cli", "SYN, ACK"),
            // The ACK that completes the handshake makes the connection accept() gives.
            s("cli", "conn", "ACK")
        ],
        "{got:?}"
    );
    // Captured, so not also guessed from the calls (the connect came after the capture
    // began, though its row is stamped before its first segment was read).
    let a = h.state();
    let lanes = diagram::lanes(&a.state, Some(id_of(a, "cli")));
    let d = diagram::build(&a.state, &a.state.story, &lanes);
    assert!(
        !d.arrows.iter().any(|x| x.kind == ArrowKind::Handshake),
        "{:#?}",
        d.arrows
    );
    step_until_drawn(&mut h, "drawn with sequence numbers", |h| {
        text_drawn(h, |t| t == "[SYN] seq=0") && text_drawn(h, |t| t == "[SYN, ACK] seq=0 ack=1")
    });
    // Each placed when it happened, by the engine's clock and the packets' own: the
    // client's socket before its SYN, a send before the segment of its bytes, close()
    // before the FIN it sends (the window hears of a call up to a frame after the packets
    // were captured; the packets are stamped by the kernel as they went).
    run_in(&mut h, 0, "cli.sendall(b'hi')");
    run_in(&mut h, 0, "cli.close()");
    let order = |a: &SocklabApp| {
        let lanes = diagram::lanes(&a.state, Some(id_of(a, "cli")));
        let d = diagram::build(&a.state, &a.state.story, &lanes);
        let cli = lanes.iter().position(|l| *l == id_of(a, "cli"))?;
        let first = d.rows.iter().position(|r| r.lane == cli)?;
        let close = d
            .rows
            .iter()
            .position(|r| r.lane == cli && r.text.starts_with("close()"))?;
        let seg = |f: &str| {
            d.arrows
                .iter()
                .find(|x| x.kind == ArrowKind::Segment && x.from == cli && x.label.starts_with(f))
                .map(|x| x.from_row)
        };
        let send = d
            .rows
            .iter()
            .position(|r| r.lane == cli && r.text == "sendall 2 B")?;
        Some((first, seg("SYN")?, send, seg("PSH")?, close, seg("FIN")?))
    };
    step_until(&mut h, "the client's FIN", |a| order(a).is_some());
    let (first, syn, send, psh, close, fin) = order(h.state()).unwrap();
    assert!(first < syn, "the client's first row {first}, its SYN {syn}");
    assert!(send < psh, "send {send}, its bytes' segment {psh}");
    assert!(close < fin, "close() {close}, its FIN {fin}");
}

/// A learner's server bound and did not listen: the client's connect is refused. Its own
/// diagram has the bound socket as a lane (the reset came from its port), the SYN and the
/// RST between them, and the ConnectionRefusedError after the RST that caused it.
#[test]
fn a_refused_connect_is_drawn_as_its_syn_the_reset_and_then_the_error() {
    let mut h = harness();
    click(&mut h, "Sequence diagram");
    if !capture_runs(&mut h, "the refused connect") {
        return;
    }
    open_console(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import socket",
            "s = socket.socket()",
            "s.bind(('127.0.0.1', 0))",
            "c = socket.socket()",
        ],
    );
    let out = run_in(&mut h, 0, "c.connect(s.getsockname())");
    assert!(
        out.iter().any(|l| l.1.contains("ConnectionRefusedError")),
        "{out:?}"
    );
    step_until(&mut h, "s and c named", |a| {
        ["s", "c"]
            .iter()
            .all(|n| a.state.sockets.values().any(|s| s.info.name == *n))
    });
    click_socket_row(&mut h, "c");
    click(&mut h, "Sequence diagram");
    let order = |a: &SocklabApp| {
        let (c, s) = (id_of(a, "c"), id_of(a, "s"));
        let lanes = diagram::lanes(&a.state, Some(c));
        let d = diagram::build(&a.state, &a.state.story, &lanes);
        let (lc, ls) = (
            lanes.iter().position(|l| *l == c)?,
            lanes.iter().position(|l| *l == s)?,
        );
        let seg = |from: usize, to: usize, f: &str| {
            d.arrows
                .iter()
                .find(|x| {
                    x.kind == ArrowKind::Segment
                        && x.from == from
                        && x.to == to
                        && x.label.starts_with(f)
                })
                .map(|x| x.from_row)
        };
        let error = d.rows.iter().position(|r| r.lane == lc && r.failed)?;
        Some((seg(lc, ls, "SYN")?, seg(ls, lc, "RST")?, error))
    };
    step_until(&mut h, "the SYN, the reset and the error", |a| {
        order(a).is_some()
    });
    let (syn, rst, error) = order(h.state()).unwrap();
    assert!(
        syn < rst && rst < error,
        "SYN at {syn}, RST at {rst}, the error at {error}"
    );
}

/// A state the kernel's table gave after a close is placed when it was read, not when the
/// window heard of it: a frame may come long after the reading (a slow frame, a flood), and
/// by then later calls are drawn. The reading is the engine's (Event::Afterlife's `at`);
/// placed between two sends made before and after it, it is drawn between them.
#[test]
fn a_kernel_state_after_close_is_placed_when_it_was_read() {
    use socklab::engine::inspect::TcpState;
    let mut h = harness();
    connect(&mut h);
    run_in(&mut h, 0, "cli.send(b'a')");
    run_in(&mut h, 0, "conn.send(b'b')");
    let rows = |a: &SocklabApp| {
        let (cli, conn) = (id_of(a, "cli"), id_of(a, "conn"));
        let lanes = diagram::lanes(&a.state, Some(cli));
        let d = diagram::build(&a.state, &a.state.story, &lanes);
        let lane = |id| lanes.iter().position(|l| *l == id).unwrap();
        let find = |id, start: &str| {
            d.rows
                .iter()
                .position(|r| r.lane == lane(id) && r.text.to_string().starts_with(start))
                .map(|i| (i, d.rows[i].at))
        };
        (
            find(cli, "send"),
            find(conn, "send"),
            find(cli, "kernel: FIN_WAIT1"),
        )
    };
    step_until(&mut h, "both sends drawn", |a| {
        let (first, second, _) = rows(a);
        first.is_some() && second.is_some()
    });
    let (Some((_, before)), Some((_, after)), None) = rows(h.state()) else {
        panic!("the two sends, no kernel row yet")
    };
    assert!(before < after);
    let cli = id_of(h.state(), "cli");
    h.state_mut()
        .state
        .apply(socklab::engine::Event::Afterlife {
            id: cli,
            state: Some(TcpState::FinWait1),
            time_left: None,
            at: before + (after - before) / 2,
        });
    let (Some((first, _)), Some((second, _)), Some((kernel, _))) = rows(h.state()) else {
        panic!("the kernel's row drawn")
    };
    assert!(
        first < kernel && kernel < second,
        "read between the sends, drawn between them: {first} {kernel} {second}"
    );
}

/// A connection reset before the window read its client's peer (all in one statement, as a
/// failed authentication's server does): the client still knows whom it talked to, and the
/// diagram still pairs it with the server's end.
#[test]
fn a_client_reset_at_once_still_pairs_with_its_server_end() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    run_in(
        &mut h,
        0,
        "import struct; cli = socket.create_connection(srv.getsockname()); \
         cli.sendall(b'upload'); conn, addr = srv.accept(); \
         conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0)); \
         conn.close()",
    );
    // The state is the window's at once (its event); the peer comes with the snapshot
    // published after it, which may be a frame later.
    step_until(&mut h, "cli reset, its snapshot in", |a| {
        a.state.sockets.values().any(|s| {
            s.info.name == "cli" && s.state() == SockState::Error && s.last_peer().is_some()
        })
    });
    let a = h.state();
    let cli = id_of(a, "cli");
    let srv_port = a.state.sockets[&id_of(a, "srv")]
        .local()
        .and_then(|l| l.port());
    assert_eq!(
        a.state.sockets[&cli].last_peer().and_then(|p| p.port()),
        srv_port,
        "the peer it had"
    );
    let conn = a
        .state
        .sockets
        .values()
        .find(|s| s.info.name.starts_with("conn"))
        .map(|s| s.info.id)
        .unwrap();
    assert!(
        diagram::lanes(&a.state, Some(conn)).contains(&cli),
        "the server's end's diagram has the client"
    );
}

/// A server that answers and then resets: the client is over (an error), and the reply
/// that came before the reset, still in its kernel, is still said waiting to be read.
#[test]
fn a_reply_before_a_reset_is_still_said_unread() {
    let mut h = harness();
    connect(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import struct",
            "conn.sendall(b'reply')",
            "conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))",
            "conn.close()",
        ],
    );
    step_until(&mut h, "cli reset", |a| {
        a.state.sockets[&id_of(a, "cli")].state() == SockState::Error
    });
    click_socket_row(&mut h, "cli");
    step_until_drawn(&mut h, "the reply said unread", |h| {
        h.query_by_label_contains("5 bytes wait in the kernel's receive queue")
            .is_some()
    });
    let out = run_in(&mut h, 0, "cli.recv(100)");
    assert!(
        out.iter().any(|l| l.1 == "b'reply'"),
        "what came before the reset is read first: {out:?}"
    );
}

/// A recv that raised ConnectionResetError comes before the state it put its socket in:
/// the call raised, then the socket failed, in the diagram as in the timeline (unless the
/// kernel's state said the reset first: then the state comes first).
#[test]
fn a_failing_recv_comes_before_the_state_it_causes() {
    let mut h = harness();
    connect(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import struct",
            "cli.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))",
            "cli.close()",
            "conn.recv(1024)",
        ],
    );
    let rows = |a: &SocklabApp| {
        let conn = id_of(a, "conn");
        let lanes = diagram::lanes(&a.state, Some(conn));
        let d = diagram::build(&a.state, &a.state.story, &lanes);
        let lane = lanes.iter().position(|l| *l == conn).unwrap();
        d.rows
            .iter()
            .filter(|r| r.lane == lane)
            .map(|r| r.text.to_string())
            .collect::<Vec<_>>()
    };
    step_until(&mut h, "conn failed", |a| {
        rows(a).iter().any(|t| t.starts_with("connected → error"))
    });
    let rows = rows(h.state());
    let raised = rows
        .iter()
        .position(|t| t.starts_with("recv() raised ConnectionResetError"));
    let failed = rows.iter().position(|t| t.starts_with("connected → error"));
    // The reset is said when it comes: seen by the kernel's state before the recv ran,
    // it comes first; when the recv raising was the first word of it, the recv does.
    let by_recv = failed.is_some_and(|i| rows[i].ends_with("(recv)"));
    assert!(
        raised.is_some() && (raised < failed) == by_recv,
        "the first to tell of the reset comes first: {rows:#?}"
    );
}

/// A reset explained where it is drawn: the RST segment's row says the connection is
/// reset, and hovering it, or the recv that raised ConnectionResetError, says what a reset
/// is, what sends one and what the other side's calls then raise.
#[test]
fn a_reset_is_said_on_its_segment_and_explained_on_hover() {
    let mut h = harness();
    click(&mut h, "Sequence diagram");
    if !capture_runs(&mut h, "the reset") {
        return;
    }
    connect(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import struct",
            "cli.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))",
            "cli.close()",
            "conn.recv(1024)",
        ],
    );
    click_socket_row(&mut h, "conn");
    click(&mut h, "Sequence diagram");
    let rst = |t: &str| t.starts_with("[RST, ACK] reset: seq=");
    step_until_drawn(&mut h, "the RST's row", |h| text_drawn(h, rst));
    let tip = socklab::i18n::text_in(socklab::i18n::Lang::En, "diagram-tip-rst");
    let raised_tip = socklab::i18n::text_in(socklab::i18n::Lang::En, "diagram-tip-reset-raised");
    assert!(
        !text_drawn(&h, |t| t == tip),
        "the tip waits for the pointer"
    );
    h.get_all_by(|n| n.label().or_else(|| n.value()).is_some_and(|t| rst(&t)))
        .next()
        .unwrap()
        .hover();
    step_until_drawn(&mut h, "the RST's tip", |h| text_drawn(h, |t| t == tip));
    // Away, so the next tip is the failed recv's own.
    h.get_by_label("Sequence diagram").hover();
    step_until_drawn(&mut h, "the tip gone", |h| !text_drawn(h, |t| t == tip));
    let raised = |t: &str| t.starts_with("recv() raised ConnectionResetError");
    h.get_all_by(|n| n.label().or_else(|| n.value()).is_some_and(|t| raised(&t)))
        .next()
        .unwrap()
        .hover();
    step_until_drawn(&mut h, "the failed recv's tip", |h| {
        text_drawn(h, |t| t == raised_tip)
    });
}

#[test]
fn datagrams_are_drawn_between_an_unbound_client_and_a_server_bound_to_every_address() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import socket",
            "server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "server.bind(('', 0))",
            "port = server.getsockname()[1]",
            "client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "client.sendto(b'one', ('127.0.0.1', port))",
            "client.sendto(b'three', ('127.0.0.1', port))",
            "server.recvfrom(100)",
            "server.recvfrom(100)",
            "server.sendto(b'ok', ('127.0.0.1', client.getsockname()[1]))",
            "client.recvfrom(100)",
        ],
    );
    // The server's address is 0.0.0.0:port, the client's 0.0.0.0:its port; each sees the
    // other as 127.0.0.1: still one conversation.
    step_until(&mut h, "both in one diagram", |a| {
        let lanes = diagram::lanes(&a.state, Some(id_of(a, "server")));
        lanes.contains(&id_of(a, "client"))
    });
    let a = h.state();
    let lanes = diagram::lanes(&a.state, Some(id_of(a, "server")));
    let d = diagram::build(&a.state, &a.state.story, &lanes);
    let who = |l: usize| a.state.sockets[&lanes[l]].info.name.as_str();
    // Each row names the call that was typed: sendto and recvfrom, not send and recv.
    let arrows: Vec<(&str, String, &str, &str, String)> = d
        .arrows
        .iter()
        .filter(|x| x.kind == ArrowKind::Data)
        .map(|x| {
            (
                who(x.from),
                d.rows[x.from_row].text.to_string(),
                x.label.as_str(),
                who(x.to),
                d.rows[x.to_row].text.to_string(),
            )
        })
        .collect();
    // Each datagram's row says where it went or came from (no connection says it).
    let port = |name: &str| {
        let s = &a.state.sockets[&id_of(a, name)];
        s.local().and_then(|l| l.port()).unwrap()
    };
    let (to_server, from_client) = (
        format!(" to 127.0.0.1:{}", port("server")),
        format!(" from 127.0.0.1:{}", port("client")),
    );
    let (to_client, from_server) = (
        format!(" to 127.0.0.1:{}", port("client")),
        format!(" from 127.0.0.1:{}", port("server")),
    );
    assert_eq!(
        arrows,
        [
            (
                "client",
                "sendto 3 B",
                &to_server,
                "3 B",
                "server",
                "recvfrom → 3 B",
                &from_client
            ),
            (
                "client",
                "sendto 5 B",
                &to_server,
                "5 B",
                "server",
                "recvfrom → 5 B",
                &from_client
            ),
            (
                "server",
                "sendto 2 B",
                &to_client,
                "2 B",
                "client",
                "recvfrom → 2 B",
                &from_server
            ),
        ]
        .map(|(a, b, b2, c, d, e, e2)| (a, format!("{b}{b2}"), c, d, format!("{e}{e2}")))
    );
    // Another client of the same server (an earlier run's, closed): the server's diagram
    // has it, the first client's does not (it never talked to it).
    run_lines(
        &mut h,
        0,
        &[
            "other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "other.sendto(b'x', ('127.0.0.1', port))",
            "server.recvfrom(100)",
            "other.close()",
        ],
    );
    step_until(&mut h, "the other client in the server's diagram", |a| {
        let lanes = diagram::lanes(&a.state, Some(id_of(a, "server")));
        lanes.contains(&id_of(a, "other")) && lanes.contains(&id_of(a, "client"))
    });
    let a = h.state();
    let names = |id| -> Vec<String> {
        diagram::lanes(&a.state, Some(id))
            .iter()
            .map(|l| a.state.sockets[l].info.name.clone())
            .collect()
    };
    assert_eq!(names(id_of(a, "client")), ["server", "client"]);
}

/// Sends nobody has read yet are drawn and counted, their bytes said to wait in the
/// receiver's queue; the recv that takes them all then stands beside the three.
#[test]
fn sends_not_read_yet_are_drawn_waiting_in_the_receivers_queue() {
    let mut h = harness();
    connect(&mut h);
    run_lines(
        &mut h,
        0,
        &["cli.send(b'ab')", "cli.send(b'cd')", "cli.send(b'ef')"],
    );
    queued(&mut h, 6);
    click_socket_row(&mut h, "cli");
    click(&mut h, "Message boundaries");
    step_until_drawn(&mut h, "three sends, none read", |h| {
        text_drawn(h, |t| t == "cli → conn: 3 send() calls; 0 recv() calls")
            && text_drawn(h, |t| {
                t == "6 B not read yet: waiting in conn's receive queue"
            })
    });
    run_in(&mut h, 0, "conn.recv(100)");
    step_until_drawn(&mut h, "one recv took them all", |h| {
        text_drawn(h, |t| t == "cli → conn: 3 send() calls; 1 recv() call")
            && !text_drawn(h, |t| t.contains("not read yet"))
    });
}

/// A console with two UDP sockets: `a` bound to a port of its own (after `before_bind`),
/// `b` unbound; then `then`.
fn udp_a_and_b(h: &mut H, before_bind: &[&str], then: &[&str]) {
    open_console(h);
    let mut lines = vec![
        "import socket",
        "a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
    ];
    lines.extend(before_bind);
    lines.extend([
        "a.bind(('127.0.0.1', 0))",
        "b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
    ]);
    lines.extend(then);
    run_lines(h, 0, &lines);
}

/// Datagrams not received yet are said on the boundaries page: the next one's size, which
/// is all the kernel tells; each recv then takes one whole, and the next is said.
#[test]
fn datagrams_waiting_in_the_kernel_are_said_one_at_a_time() {
    let mut h = harness();
    udp_a_and_b(
        &mut h,
        &[],
        &[
            "b.sendto(b'x' * 7, a.getsockname())",
            "b.sendto(b'y' * 9, a.getsockname())",
        ],
    );
    click_socket_row(&mut h, "a");
    click(&mut h, "Message boundaries");
    let next = |n: u32| {
        move |h: &H| {
            text_drawn(h, |t| {
                t.starts_with(&format!(
                    "Waiting in the kernel, not received yet: the next datagram is {n} B, and \
                     the receive buffer counts "
                ))
            })
        }
    };
    step_until_drawn(&mut h, "the first waiting", next(7));
    assert!(text_drawn(&h, |t| t
        == "No datagram sent or received on this socket yet."));
    run_in(&mut h, 0, "a.recv(100)");
    step_until_drawn(&mut h, "one received, the next waiting", |h| {
        next(9)(h) && text_drawn(h, |t| t.starts_with("← received 7 B from 127.0.0.1:"))
    });
    run_in(&mut h, 0, "a.recv(100)");
    step_until_drawn(&mut h, "both received, none waiting", |h| {
        text_drawn(h, |t| t.starts_with("← received 9 B from 127.0.0.1:"))
            && !text_drawn(h, |t| t.starts_with("Waiting in the kernel"))
    });
}

/// Datagrams the kernel dropped whole (the receive buffer full, nobody reading) are said on
/// the boundaries page: they never become rows, and they are the other way a datagram is
/// lost — whole, where a small bufsize loses its tail.
#[test]
fn datagrams_the_kernel_dropped_whole_are_said_on_the_boundaries_page() {
    let mut h = harness();
    udp_a_and_b(
        &mut h,
        &["a.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)"],
        &["_ = [b.sendto(b'x' * 100, a.getsockname()) for i in range(200)]"],
    );
    click_socket_row(&mut h, "a");
    click(&mut h, "Message boundaries");
    let dropped = |t: &str| {
        t.strip_prefix("The kernel dropped ")
            .and_then(|rest| rest.split_once(" datagrams whole on their way in, before any recv"))
            .and_then(|(n, _)| n.parse::<u32>().ok())
    };
    step_until_drawn(&mut h, "the datagrams dropped", |h| {
        text_drawn(h, |t| dropped(t).is_some())
    });
    let n = h
        .query_all_by(|n| {
            n.label()
                .or_else(|| n.value())
                .is_some_and(|t| dropped(&t).is_some())
        })
        .find_map(|n| {
            let n = n.accesskit_node();
            dropped(&n.label().or_else(|| n.value())?)
        })
        .unwrap();
    // A buffer of about 2 KiB holds a few of 200 datagrams; the rest were dropped.
    assert!((150..200).contains(&n), "{n} dropped");
    assert!(text_drawn(&h, |t| t.ends_with(
        "a datagram arrives whole or not at all, and neither sendto() nor recvfrom() is told."
    )));
}

/// A UDP socket's boundaries page: each datagram whole, and what a too-small bufsize cut
/// off drawn and said (the kernel dropped it; Python's recv returned the first 10 bytes).
#[test]
fn a_datagram_cut_by_a_small_bufsize_is_drawn_whole_with_its_lost_part() {
    let mut h = harness();
    udp_a_and_b(
        &mut h,
        &[],
        &[
            "b.sendto(b'x' * 100, a.getsockname())",
            "b.sendto(b'short', a.getsockname())",
        ],
    );
    let out = run_in(&mut h, 0, "len(a.recv(10))");
    assert!(out.iter().any(|(_, t)| t == "10"), "{out:?}");
    run_in(&mut h, 0, "a.recv(10)");
    click_socket_row(&mut h, "a");
    step_until_drawn(&mut h, "the cut in the traffic view", |h| {
        text_drawn(h, |t| t.contains("(+90 B cut off)"))
    });
    click(&mut h, "Message boundaries");
    step_until_drawn(&mut h, "the cut datagram", |h| {
        text_drawn(h, |t| {
            t.starts_with("← received 10 B of a 100 B datagram from 127.0.0.1:")
                && t.ends_with(": 90 B cut off (bufsize too small; lost)")
        })
    });
    assert!(text_drawn(&h, |t| t
        .starts_with("← received 5 B from 127.0.0.1:")
        && t.ends_with(", whole")));
    assert!(text_drawn(&h, |t| {
        t == "a: the last 2 datagrams (2 received, 0 sent), 1 of those received cut off by a small \
              buffer"
    }));
    // The sequence diagram's row of that recv says what was lost, and the other's whole.
    click(&mut h, "Sequence diagram");
    let cut_row = |t: &str| {
        t.starts_with("recv → 10 B from 127.0.0.1:") && t.ends_with(" (90 B cut off, lost)")
    };
    step_until_drawn(&mut h, "the cut recv's row", |h| text_drawn(h, cut_row));
    assert!(text_drawn(&h, |t| t.starts_with("recv → 5 B from 127.0.0.1:")));
    assert!(text_drawn(&h, |t| t.starts_with("sendto 100 B to 127.0.0.1:")));
    // Hovered, the row says why and what keeps a datagram whole.
    h.get_all_by(|n| n.label().or_else(|| n.value()).is_some_and(|t| cut_row(&t)))
        .next()
        .unwrap()
        .hover();
    step_until_drawn(&mut h, "the cut's tip", |h| {
        text_drawn(h, |t| {
            t.starts_with("The datagram was larger than the buffer")
                && t.contains("dropped the other 90 B")
        })
    });
}

/// The state timeline drawn by wgpu on Mesa's software renderer, compared with
/// tests/snapshots/state_timeline.png (UPDATE_SNAPSHOTS=1 rewrites it): a client waiting in
/// its listener's accept queue, reset when the listener closes (the listener's close is
/// drawn before the descriptor goes, and no closed connection of the window's is forgotten
/// beside the reset: the same columns every run), its recv then failing with ECONNRESET.
#[test]
fn state_timeline_snapshot() {
    let mut h = snapshot_harness(1280.0, 800.0);
    open_console(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import socket",
            "srv = socket.socket()",
            "srv.bind(('127.0.0.1', 0))",
            "srv.listen()",
            "cli = socket.create_connection(srv.getsockname())",
            "cli.sendall(b'hello')",
            "srv.close()",
        ],
    );
    step_until(&mut h, "cli reset", |a| {
        a.state.sockets[&id_of(a, "cli")].state() == SockState::Error
    });
    run_lines(&mut h, 0, &["cli.recv(1024)"]);
    click_socket_row(&mut h, "cli");
    click(&mut h, "Journal");
    click(&mut h, "State timeline");
    step_until_drawn(&mut h, "the reset on the timeline", |h| {
        text_drawn(h, |t| t == "connected") && text_drawn(h, |t| t == "error")
    });
    // What the failed call raised, as the sequence diagram says it.
    assert!(text_drawn(&h, |t| t == "recv() raised ConnectionResetError"));
    h.state_mut().state.journal.clear_done();
    // Ports, fd numbers and the columns' times change from run to run.
    snapshot(&mut h, "state_timeline", 3000);
}

/// A graph's hover label reads as a value in its unit at a time, in the window's language.
#[test]
fn a_graphs_hover_label_says_the_value_in_its_unit_and_when() {
    use socklab::ui::series::{hover_text, Unit};
    assert_eq!(
        hover_text(Unit::BytesPerSec, "in", 2.04, 1536.0),
        "in: 1.5 KiB/s\n2.0 s after the first reading"
    );
    // A few bytes a second keep their fraction (not 0 B/s on a line drawn above zero).
    assert_eq!(
        hover_text(Unit::BytesPerSec, "in", 3.0, 2.5),
        "in: 2.5 B/s\n3.0 s after the first reading"
    );
    assert_eq!(
        hover_text(Unit::Bytes, "send queue", 0.0, 300.0),
        "send queue: 300 B\n0.0 s after the first reading"
    );
    assert_eq!(
        hover_text(Unit::Micros, "rtt", 1.25, 41.0),
        "rtt: 41 µs\n1.2 s after the first reading"
    );
    socklab::i18n::set(socklab::i18n::Lang::ZhCn);
    let zh = hover_text(Unit::Segments, "cwnd", 3.0, 10.0);
    socklab::i18n::set(socklab::i18n::Lang::En);
    assert_eq!(zh, "cwnd：10 个报文段\n第一个读数后 3.0 秒");
}

/// The timeline's time labels never print over each other nor over "now": a label that
/// would is left out, and the next one that has room is drawn.
#[test]
fn timeline_labels_too_close_together_are_left_out() {
    // Columns 40 px apart, labels 50 px wide: every other one fits.
    let spans: Vec<(f32, f32)> = (0..5).map(|k| (k as f32 * 40.0, 50.0)).collect();
    assert_eq!(
        diagram::spaced_labels(&spans, 1000.0, 6.0),
        [true, false, true, false, true]
    );
    // Wide columns: all of them; the last one cut by "now" at 130 is left out.
    let spans = [(0.0, 50.0), (60.0, 50.0), (120.0, 50.0)];
    assert_eq!(
        diagram::spaced_labels(&spans, 130.0, 6.0),
        [true, true, false]
    );
}

/// A call's words on the state timeline are not cut to one column when the next call
/// follows at once: calls take turns on two rows, each running on to the next on its row.
#[test]
fn a_calls_words_on_the_timeline_run_past_its_column() {
    let mut h = harness_sized(1200.0, 1000.0);
    open_console(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import socket",
            "s = socket.socket()",
            // Columns enough that each is narrow (the timeline shows the last ones).
            "for i in range(10): s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, i % 2)",
            "",
            "s.settimeout(5)",
            "s.bind(('127.0.0.1', 0))",
        ],
    );
    click_socket_row(&mut h, "s");
    click(&mut h, "State timeline");
    step_until_drawn(&mut h, "settimeout's words, whole", |h| {
        h.query_all_by(|n| {
            n.label()
                .or_else(|| n.value())
                .is_some_and(|l| l == "settimeout()")
        })
        .any(|n| n.rect().width() > 70.0)
    });
}

/// A connection from outside the window, accepted, then reset: its socket keeps the
/// listener's address and has no peer any more. The next client's handshake is the
/// listener's, not drawn on the dead connection's lane.
#[test]
fn a_new_clients_syn_goes_to_the_listener_not_a_reset_connection() {
    use socklab::ui::story::What;
    let mut h = harness();
    click(&mut h, "Sequence diagram");
    if !capture_runs(&mut h, "the handshake") {
        return;
    }
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    let port = srv_port(&h);
    let first = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    run_in(&mut h, 0, "conn, addr = srv.accept()");
    // A reset: the client closes with SO_LINGER 0.
    socket2::SockRef::from(&first)
        .set_linger(Some(std::time::Duration::ZERO))
        .unwrap();
    drop(first);
    run_in(
        &mut h,
        0,
        "try:\n    conn.recv(10)\nexcept OSError as e:\n    print(e.errno)\n",
    );
    step_until(&mut h, "conn without a peer", |a| {
        a.state.sockets[&id_of(a, "conn")]
            .snapshot
            .as_ref()
            .is_some_and(|x| x.peer.is_none())
    });
    let _second = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let syn_to = |a: &SocklabApp| {
        a.state
            .story
            .beats()
            .filter(|b| matches!(b.what, What::Segment { flags, .. } if flags == socklab::engine::capture::SYN))
            .map(|b| a.state.sockets[&b.id].info.name.clone())
            .collect::<Vec<_>>()
    };
    step_until(&mut h, "both SYNs", |a| syn_to(a).len() >= 2);
    assert_eq!(syn_to(h.state()), ["srv", "srv"]);
}

/// A client from outside the window connects and sends before the server accepts (the
/// tutorials' echo server): its bytes are queued in the connection the kernel made, which
/// accept() then gives. They are drawn on that connection's lane, not the listener's; the
/// listener keeps the handshake's SYNs, each naming the client it came from.
#[test]
fn bytes_sent_before_accept_are_the_accepted_connections() {
    use socklab::ui::story::What;
    let mut h = harness();
    click(&mut h, "Sequence diagram");
    if !capture_runs(&mut h, "the segments") {
        return;
    }
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    let port = srv_port(&h);
    let mut client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    std::io::Write::write_all(&mut client, b"hello").unwrap();
    let me = client.local_addr().unwrap().to_string();
    // The data segment is placed (on the listener: no connection is known yet) before the
    // accept.
    let placed = |a: &SocklabApp| {
        a.state
            .story
            .beats()
            .any(|b| matches!(b.what, What::Segment { len, sent: false, .. } if len == 5))
    };
    step_until(&mut h, "the data segment placed", placed);
    run_in(&mut h, 0, "conn, addr = srv.accept()");
    let on = |a: &SocklabApp, pick: &dyn Fn(&What) -> bool| {
        a.state
            .story
            .beats()
            .filter(|b| pick(&b.what))
            .map(|b| a.state.sockets[&b.id].info.name.clone())
            .collect::<Vec<_>>()
    };
    let data = |w: &What| matches!(w, What::Segment { len: 5, .. });
    step_until(&mut h, "the data on conn", |a| on(a, &data) == ["conn"]);
    let syn = |w: &What| matches!(w, What::Segment { flags, .. } if *flags == socklab::engine::capture::SYN);
    assert_eq!(on(h.state(), &syn), ["srv"]);
    // The connection's own diagram has the bytes; the rows name the client outside.
    let a = h.state();
    let conn = id_of(a, "conn");
    let lanes = diagram::lanes(&a.state, Some(conn));
    let d = diagram::build(&a.state, &a.state.story, &lanes);
    let at = lanes.iter().position(|l| *l == conn).unwrap();
    assert!(
        d.rows
            .iter()
            .any(|r| r.lane == at
                && r.text.text() == format!("[PSH, ACK] seq=1 ack=1 len=5 from {me}")),
        "{:#?}",
        d.rows
    );
    let srv = lanes.iter().position(|l| *l == id_of(a, "srv")).unwrap();
    assert!(
        d.rows
            .iter()
            .any(|r| r.lane == srv && r.text.text() == format!("[SYN] seq=0 from {me}")),
        "{:#?}",
        d.rows
    );
    // And on screen.
    click_socket_row(&mut h, "conn");
    click(&mut h, "Sequence diagram");
    step_until_drawn(&mut h, "the bytes drawn on conn's lane", |h| {
        text_drawn(h, |t| {
            t == format!("[PSH, ACK] seq=1 ack=1 len=5 from {me}")
        })
    });
}

/// The tutorials' usual set-up: the client is another program (python3). The boundaries
/// view still shows how this side's recv() cut what arrived, and says why the sends are
/// not there.
#[test]
fn message_boundaries_with_a_peer_outside_the_window_show_this_sides_recvs() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    let port = srv_port(&h);
    let mut client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    client.set_nodelay(true).unwrap();
    for m in [&b"one"[..], b"two", b"three"] {
        std::io::Write::write_all(&mut client, m).unwrap();
    }
    run_in(&mut h, 0, "conn, addr = srv.accept()");
    run_in(&mut h, 0, "data = conn.recv(1024)");
    // (All three sends, as a rule; whatever the kernel had when the recv came.)
    let got = run_in(&mut h, 0, "len(data)");
    let n = &got.last().unwrap().1;
    click_socket_row(&mut h, "conn");
    click(&mut h, "Message boundaries");
    let me = client.local_addr().unwrap().to_string();
    step_until_drawn(&mut h, "this side's recv and the other end named", |h| {
        h.query_all_by_label_contains(&format!("{me} (another program)"))
            .next()
            .is_some()
            && h.query_by_label_contains(&format!("recv() #1: {n} B"))
                .is_some()
    });
    assert!(h
        .query_by_label_contains("is another program: its send() calls are not seen here")
        .is_some());
    // Its calls are unknown, not none.
    assert!(h
        .query_by_label_contains(
            "(another program) → conn: its send() calls not seen; 1 recv() call"
        )
        .is_some());
}

/// A listener with room for one: c1 fills its queue, and c2's connect waits, its SYNs
/// dropped (Linux lets backlog + 1 wait), on a thread of the console's.
fn knocking(h: &mut H) {
    open_console(h);
    run_lines(
        h,
        0,
        &[
            "import socket, threading",
            "srv = socket.socket()",
            "srv.bind(('127.0.0.1', 0))",
            "srv.listen(0)",
            "c1 = socket.create_connection(srv.getsockname())",
            "c2 = socket.socket()",
            "t = threading.Thread(target=c2.connect, args=(srv.getsockname(),)); t.start()",
        ],
    );
    step_until(h, "c2 connecting", |a| {
        a.state
            .sockets
            .values()
            .any(|s| s.info.name == "c2" && s.state() == SockState::Connecting)
    });
}

/// accept() takes c1; c2's next SYN finds room and its connect ends.
fn let_in(h: &mut H) {
    run_in(h, 0, "conn, addr = srv.accept()");
    run_in(h, 0, "t.join()");
    step_until(h, "c2 connected", |a| {
        a.state
            .sockets
            .values()
            .any(|s| s.info.name == "c2" && s.state() == SockState::Connected)
    });
}

/// Guessed (nothing captured), a handshake is drawn where it completed: a connect whose
/// SYNs a full queue dropped gets its arrow after the accept() that made room, not at its
/// call, long before.
#[test]
fn a_guessed_handshake_is_drawn_where_it_completed() {
    let mut h = harness();
    hold_capture(&mut h);
    knocking(&mut h);
    let_in(&mut h);
    let a = h.state();
    assert!(a.state.story.capturing_since.is_none(), "nothing captured");
    let c2 = id_of(a, "c2");
    let lanes = diagram::lanes(&a.state, Some(c2));
    let d = diagram::build(&a.state, &a.state.story, &lanes);
    let lane = |id| lanes.iter().position(|l| *l == id).unwrap();
    let row = |lane: usize, start: &str| {
        d.rows
            .iter()
            .position(|r| r.lane == lane && r.text.starts_with(start))
            .unwrap_or_else(|| panic!("no {start:?} in {:#?}", d.rows))
    };
    let connect = row(lane(c2), "connect(('127.0.0.1', ");
    let accept = row(lane(id_of(a, "srv")), "accept() → conn");
    let arrow = d
        .arrows
        .iter()
        .find(|x| x.kind == ArrowKind::Handshake && x.from == lane(c2))
        .expect("c2's guessed handshake");
    assert!(connect < accept, "the connect waited for the accept");
    assert!(
        arrow.from_row > accept,
        "drawn at row {} (connect {connect}, accept {accept})",
        arrow.from_row
    );
    assert!(d.rows[arrow.from_row]
        .text
        .to_string()
        .ends_with("connected (connect)"));
}

/// A full accept queue drops a client's SYNs: the ones its kernel sends again are said to
/// be sent again (with why, on hover), and a connect that began before the capture but
/// whose SYNs were captured gets no guessed handshake beside the real one.
#[test]
fn syns_a_full_queue_dropped_are_said_sent_again_and_not_guessed_over() {
    let mut h = harness();
    knocking(&mut h);
    // The capture begins now, after c2's connect began.
    click(&mut h, "Sequence diagram");
    if !capture_runs(&mut h, "the dropped SYNs") {
        return;
    }
    let rows = |a: &SocklabApp| {
        let c2 = id_of(a, "c2");
        let lanes = diagram::lanes(&a.state, Some(c2));
        let d = diagram::build(&a.state, &a.state.story, &lanes);
        let lane = lanes.iter().position(|l| *l == c2).unwrap();
        d.rows
            .iter()
            .filter(|r| r.lane == lane)
            .map(|r| r.text.to_string())
            .collect::<Vec<_>>()
    };
    step_until(&mut h, "a SYN sent again", |a| {
        rows(a).iter().any(|t| t == "[SYN] (sent again) seq=0")
    });
    let_in(&mut h);
    let a = h.state();
    let c2 = id_of(a, "c2");
    let lanes = diagram::lanes(&a.state, Some(c2));
    let d = diagram::build(&a.state, &a.state.story, &lanes);
    let lane = lanes.iter().position(|l| *l == c2).unwrap();
    assert!(
        d.rows
            .iter()
            .any(|r| r.lane == lane && r.text.starts_with("connect(('127.0.0.1', ")),
        "{:#?}",
        rows(a)
    );
    assert!(
        !d.arrows
            .iter()
            .any(|x| x.kind == ArrowKind::Handshake && x.from == lane),
        "a handshake guessed beside the captured one: {:#?}",
        d.arrows
    );
    // The first SYN is not 'again'; its hover says why the others came.
    let syns: Vec<_> = d
        .rows
        .iter()
        .filter(|r| r.lane == lane && r.text.starts_with("[SYN]"))
        .collect();
    assert!(
        syns.len() >= 2 && !syns[0].text.to_string().contains("again"),
        "{:#?}",
        rows(a)
    );
    let tip = syns[1].text.tip(false).unwrap_or_default();
    assert!(tip.contains("accept queue is full"), "{tip}");
}

/// A listener's clients still in its accept queue have lanes in its own diagram, and the
/// page names them among the queue's addresses.
#[test]
fn a_listeners_queued_clients_are_in_its_diagram_and_named_in_its_queue() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import socket",
            "srv = socket.socket()",
            "srv.bind(('127.0.0.1', 0))",
            "srv.listen(1)",
            "c1 = socket.create_connection(srv.getsockname())",
            "c2 = socket.create_connection(srv.getsockname())",
        ],
    );
    let names = |a: &SocklabApp| {
        let lanes = diagram::lanes(&a.state, Some(id_of(a, "srv")));
        lanes
            .iter()
            .map(|l| a.state.sockets[l].info.name.clone())
            .collect::<Vec<_>>()
    };
    step_until(&mut h, "c1 and c2 in srv's lanes", |a| {
        let n = names(a);
        n.contains(&"c1".to_string()) && n.contains(&"c2".to_string())
    });
    click_socket_row(&mut h, "srv");
    let port = |h: &H, name: &str| {
        let a = h.state();
        let s = a.state.sockets.values().find(|s| s.info.name == name);
        s.and_then(|s| s.local().cloned()).map(|l| l.to_string())
    };
    step_until_drawn(&mut h, "the queue's entries named", |h| {
        let (Some(c1), Some(c2)) = (port(h, "c1"), port(h, "c2")) else {
            return false;
        };
        text_drawn(h, |t| t.ends_with(&format!("{c1} (c1)")))
            && text_drawn(h, |t| t.ends_with(&format!("{c2} (c2)")))
    });
    // Accepted, c1 is drawn with its connection; c2 still waits at srv.
    run_in(&mut h, 0, "conn, addr = srv.accept()");
    step_until(&mut h, "conn, c1 and c2 in srv's lanes", |a| {
        let n = names(a);
        ["conn", "c1", "c2"]
            .iter()
            .all(|x| n.contains(&x.to_string()))
    });
}

/// A call that blocked has a row where it began, saying how long it waited: the row where
/// it returned alone hid the wait a learner is shown (recvfrom blocks until a datagram
/// comes), once it was over. Both ends: data that came, and a timeout.
#[test]
fn a_blocked_call_is_drawn_where_it_began_with_its_wait() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import socket, threading",
            "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "u.bind(('127.0.0.1', 0))",
            "p = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            // The datagram comes a second after the timer starts (the recvfrom waits for
            // it most of that second).
            "threading.Timer(1, p.sendto, (b'hi', u.getsockname())).start(); data = u.recvfrom(1024)",
            "u.settimeout(0.3)",
            "try:\n    u.recvfrom(1024)\nexcept TimeoutError as e:\n    print('timed out')\n",
        ],
    );
    let a = h.state();
    let u = id_of(a, "u");
    let lanes = diagram::lanes(&a.state, Some(u));
    let d = diagram::build(&a.state, &a.state.story, &lanes);
    let texts: Vec<String> = d
        .rows
        .iter()
        .filter(|r| r.lane == lanes.iter().position(|l| *l == u).unwrap())
        .map(|r| r.text.text().into_owned())
        .collect();
    let at = |pred: &dyn Fn(&str) -> bool| texts.iter().position(|t| pred(t));
    let waited = |t: &str| {
        t.strip_prefix("recvfrom() blocks: waited ")
            .and_then(|s| s.strip_suffix(" s"))
            .and_then(|s| s.parse::<f64>().ok())
    };
    let waits: Vec<usize> = (0..texts.len())
        .filter(|i| waited(&texts[*i]).is_some())
        .collect();
    let [first_wait, second_wait] = waits[..] else {
        panic!("two waits' rows: {texts:#?}");
    };
    let got = at(&|t| t.starts_with("recvfrom → 2 B")).expect("the datagram's row");
    let raised = at(&|t| t.contains("TimeoutError")).expect("the timeout's row");
    assert!(
        first_wait < got && got < second_wait && second_wait < raised,
        "{texts:#?}"
    );
    // A timeout's wait is the timeout at least.
    assert!(waited(&texts[second_wait]).unwrap() >= 0.3, "{texts:#?}");
}
