//! The connection drawn: the sequence diagram of a console session's sockets — the
//! handshake at connect, three sends arriving in one recv (粘包), the end of the stream at
//! close, and TIME_WAIT after it — as data and as the window draws it.

use egui_kittest::kittest::Queryable;
use socklab::engine::{SockState, SocketId};
use socklab::ui::diagram::{self, ArrowKind};
use socklab::ui::SocklabApp;

use crate::console::{open_console, run_in};
use crate::ui_common::*;

fn id_of(a: &SocklabApp, name: &str) -> SocketId {
    a.state
        .sockets
        .values()
        .find(|s| s.info.name == name)
        .map(|s| s.info.id)
        .unwrap_or_else(|| panic!("no socket named {name}"))
}

/// A listener, a client, the connection accepted; three sends the receiver takes in one
/// recv; the client closes first, the server reads the end and closes.
fn converse(h: &mut H) {
    open_console(h);
    for line in [
        "import socket",
        "srv = socket.socket()",
        "srv.bind(('127.0.0.1', 0))",
        "srv.listen()",
        "cli = socket.create_connection(srv.getsockname())",
        "conn, addr = srv.accept()",
        "cli.send(b'ab')",
        "cli.send(b'cd')",
        "cli.send(b'ef')",
    ] {
        run_in(h, 0, line);
    }
    // All six bytes wait in conn's receive queue, as the kernel says, before one recv.
    step_until(h, "six bytes queued at conn", |a| {
        a.state
            .sockets
            .get(&id_of(a, "conn"))
            .and_then(|s| s.snapshot.as_ref())
            .and_then(|s| s.recv_queue)
            == Some(6)
    });
    for line in [
        "conn.recv(100)",
        "cli.close()",
        "conn.recv(100)",
        "conn.close()",
    ] {
        run_in(h, 0, line);
    }
    // The client closed first: its connection waits in TIME_WAIT.
    step_until(h, "cli in TIME_WAIT", |a| {
        a.state
            .sockets
            .get(&id_of(a, "cli"))
            .and_then(|s| s.after_close.as_ref())
            .and_then(|a| a.state)
            == Some(socklab::engine::inspect::TcpState::TimeWait)
    });
}

#[test]
fn the_sequence_diagram_draws_the_handshake_three_sends_in_one_recv_and_the_close() {
    let mut h = harness();
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
    // The handshake at connect, from cli's lane to srv's; the FIN from cli's close to the
    // recv that got b''.
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
        "recv() → b'' (the peer ended its stream)"
    );
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
}

/// The diagram drawn by wgpu on Mesa's software renderer, compared with
/// tests/snapshots/sequence_diagram.png (UPDATE_SNAPSHOTS=1 rewrites it).
#[test]
fn sequence_diagram_snapshot() {
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .wgpu()
        .build_eframe(|cc| SocklabApp::new(cc));
    converse(&mut h);
    click_socket_row(&mut h, "conn");
    click(&mut h, "Journal");
    click(&mut h, "Sequence diagram");
    step_until_drawn(&mut h, "the recv row", |h| {
        h.query_by_label("recv → 6 B").is_some()
    });
    h.state_mut().state.journal.clear_done();
    h.run();
    // Times, ports and fd numbers change from run to run; the allowance covers them.
    h.snapshot_options(
        "sequence_diagram",
        &egui_kittest::SnapshotOptions::new()
            .threshold(1.0)
            .max_failed_pixels(4000),
    );
}
