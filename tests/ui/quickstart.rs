//! The README's quick starts, one per kind of user, drawn here (wgpu on Mesa's software
//! renderer) and compared with tests/snapshots/quickstart_*.png, so the pictures the
//! README shows are what the window draws today.

use egui_kittest::kittest::Queryable;
use socklab::engine::{AddrSpec, Kind, Op, SockState};
use socklab::ui::state::Action;

use crate::ui_common::*;

fn loopback(port: u16) -> AddrSpec {
    AddrSpec::Inet {
        host: "127.0.0.1".into(),
        port,
    }
}

/// A learner: the echo lesson begun from the Lessons button, its first three steps run
/// with Run it; the consoles show the lines, the list the sockets they made, the page the
/// server's end of the connection.
#[test]
fn quickstart_learner() {
    let mut h = snapshot_harness(1400.0, 900.0);
    click(&mut h, "Lessons");
    let title = socklab::i18n::text("lessons-echo-title", None);
    click(&mut h, &title);
    for n in 0..3 {
        click(&mut h, "Run it");
        step_until(&mut h, "the step's check", |a| {
            a.state.lesson.as_ref().is_some_and(|r| r.passed[n])
        });
        if n < 2 {
            click(&mut h, "Next");
        }
    }
    click_socket_row(&mut h, "conn");
    // Both ends' addresses as the kernel reads them now (the list shows them).
    step_until(&mut h, "both ends' addresses", |a| {
        a.state
            .sockets
            .values()
            .all(|s| s.local().and_then(|l| l.port()).is_some_and(|p| p != 0))
    });
    step_until_drawn(&mut h, "the check seen", |h| {
        h.query_all_by_label_contains("√ Seen:").next().is_some()
    });
    h.state_mut().state.journal.clear_done();
    // Ports and fd numbers change from run to run; the allowance covers their digits.
    snapshot(&mut h, "quickstart_learner", 3000);
}

/// A tester: a listener on 127.0.0.1 answering with `upper`, a client sending bytes
/// typed as hex, both directions in the traffic view with their hex.
#[test]
fn quickstart_tester() {
    let mut h = snapshot_harness(1400.0, 900.0);
    let srv = new_socket(&mut h, Kind::Stream);
    for op in [
        Op::Bind { addr: loopback(0) },
        Op::Listen { backlog: 5 },
        Op::Respond {
            responder: Some(socklab::serve::build("upper", &Default::default()).unwrap()),
        },
        Op::AutoAccept {
            on: true,
            receive: true,
        },
    ] {
        act(&mut h, Action::Call { id: srv, op });
    }
    step_until(&mut h, "listening", |a| {
        a.state.sockets[&srv].state() == SockState::Listening
    });
    let port = h.state().state.sockets[&srv]
        .local()
        .and_then(|l| l.port())
        .unwrap();
    // The client as a person makes it: New TCP, the port typed, connect, auto-receive.
    let cli = new_socket(&mut h, Kind::Stream);
    act(&mut h, Action::Select { id: cli });
    replace_text(&mut h, "peer port", &port.to_string());
    click(&mut h, "connect");
    step_until(&mut h, "connected", |a| {
        a.state.sockets[&cli].state() == SockState::Connected
    });
    click(&mut h, "auto-receive");
    click(&mut h, "Hex");
    type_into(&mut h, "payload", "68 65 6c 6c 6f 0d 0a");
    click(&mut h, "send");
    // The rows, and the counters and queues as the kernel reads them after them.
    step_until(&mut h, "the answer", |a| {
        let c = &a.state.sockets[&cli];
        c.traffic.totals.bytes_in == 7
            && c.snapshot
                .as_ref()
                .is_some_and(|x| x.counters.bytes_in == 7 && x.recv_queue == Some(0))
    });
    h.state_mut().state.journal.clear_done();
    // Ports, rates and rtt change from run to run (up to 1,734 pixels in three runs); a
    // layout drawn anew changes tens of thousands.
    snapshot(&mut h, "quickstart_tester", 5000);
}

/// An option inspector: SO_RCVBUF asked as 1000 in the inspector, the kernel's value
/// beside it; SO_REUSEADDR switched on.
#[test]
fn quickstart_options() {
    let mut h = snapshot_harness(1400.0, 900.0);
    let s = new_socket(&mut h, Kind::Stream);
    act(&mut h, Action::Select { id: s });
    for (name, value) in [("SO_RCVBUF", 1000), ("SO_REUSEADDR", 1)] {
        act(&mut h, Action::SetOption { id: s, name, value });
    }
    step_until(&mut h, "read back", |a| {
        a.state.sockets[&s].snapshot.as_ref().is_some_and(|x| {
            x.options
                .iter()
                .any(|o| o.name == "SO_RCVBUF" && o.value == Ok(2304))
        })
    });
    step_until_drawn(&mut h, "asked beside kept", |h| {
        h.query_all_by_label_contains("1000").next().is_some()
    });
    h.state_mut().state.journal.clear_done();
    snapshot(&mut h, "quickstart_options", 2000);
}
