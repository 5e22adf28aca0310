//! The Python console in the window: its sockets in the sockets list under their names,
//! the window's sockets used from it by theirs, Ctrl+C on a blocked call, blocks and the
//! history.

use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use socklab::engine::SockState;
use socklab::ui::console::named;
use socklab::ui::console::LineKind;

use crate::ui_common::*;

/// Types a line into the console and presses Enter.
fn enter(h: &mut H, text: &str) {
    enter_in(h, 0, text);
}

/// Types a line into console `which` (0, or 1 beside it) and presses Enter.
pub(crate) fn enter_in(h: &mut H, which: usize, text: &str) {
    let label = named("python", which);
    h.get_by_label(&label).focus();
    h.step();
    if !text.is_empty() {
        h.get_by_label(&label).type_text(text);
        h.step();
    }
    h.key_press(Key::Enter);
    h.step();
}

/// Ctrl+C in the first console's line, and its statement ended (`what` it was).
fn ctrl_c(h: &mut H, what: &str) {
    h.get_by_label("python").focus();
    h.step();
    h.key_press_modifiers(Modifiers::COMMAND, Key::C);
    step_until(h, what, |a| !a.state.consoles[0].busy());
}

/// The console opened, two side by side, the second drawn.
fn split_consoles(h: &mut H) {
    open_console(h);
    click(h, "Two consoles side by side");
    step_until_drawn(h, "the second console", |h| {
        h.query_by_label("python (2)").is_some()
    });
}

/// The explanation line among what a statement printed.
fn explained(out: &[(LineKind, String)]) -> String {
    out.iter()
        .find(|l| l.0 == LineKind::Explained)
        .map(|l| l.1.clone())
        .unwrap_or_else(|| panic!("no explanation: {out:?}"))
}

/// Types a statement and waits for it to end; what it printed.
fn run(h: &mut H, text: &str) -> Vec<(LineKind, String)> {
    run_in(h, 0, text)
}

pub(crate) fn run_in(h: &mut H, which: usize, text: &str) -> Vec<(LineKind, String)> {
    let before = h.state().state.consoles[which].lines.len();
    enter_in(h, which, text);
    step_until(h, &format!("{text} ran"), |a| {
        !a.state.consoles[which].busy()
    });
    let lines = &h.state().state.consoles[which].lines;
    lines
        .iter()
        .skip(before)
        .map(|l| (l.kind, l.text.clone()))
        .collect()
}

/// A TCP listener `srv` on 127.0.0.1, a port the kernel picks, as the tutorials make it.
pub(crate) const LISTENING_SRV: [&str; 4] = [
    "import socket",
    "srv = socket.socket()",
    "srv.bind(('127.0.0.1', 0))",
    "srv.listen()",
];

/// The port of the console's listener `srv`, as its snapshot says.
pub(crate) fn srv_port(h: &H) -> u16 {
    h.state()
        .state
        .sockets
        .values()
        .find(|s| s.info.name == "srv")
        .and_then(|s| s.snapshot.as_ref())
        .and_then(|x| x.local.as_ref())
        .and_then(|l| l.port())
        .expect("srv listening at a port")
}

/// The port socket `name` is bound to, as its snapshot says (None until it has one).
pub(crate) fn bound_port(a: &socklab::ui::SocklabApp, name: &str) -> Option<u16> {
    a.state
        .sockets
        .values()
        .find(|s| s.info.name == name)
        .and_then(|s| s.local())
        .and_then(|e| e.port())
        .filter(|p| *p != 0)
}

/// Types each line into console `which` and waits for it to run.
pub(crate) fn run_lines(h: &mut H, which: usize, lines: &[&str]) {
    for line in lines {
        run_in(h, which, line);
    }
}

pub(crate) fn open_console(h: &mut H) {
    click(h, "Python console");
    step_until_drawn(h, "the console", |h| h.query_by_label("python").is_some());
}

pub(crate) fn row_drawn(h: &H, name: &str) -> bool {
    let prefix = format!("{name}  ");
    let found = h
        .query_all_by(|n| {
            n.label()
                .or_else(|| n.value())
                .is_some_and(|l| l.starts_with(&prefix))
        })
        .next()
        .is_some();
    found
}

/// The file's field takes what the bar leaves it: a tutorial's path shows whole, its
/// file's name with it, and Open… stays on its row; where the bar wraps, the arguments'
/// field takes what its row leaves.
#[test]
fn the_file_field_shows_a_tutorials_path_whole() {
    for (width, split) in [(1500.0, false), (1100.0, false), (1280.0, true)] {
        let mut h = harness_sized(width, 900.0);
        open_console(&mut h);
        if split {
            h.state_mut().state.split = true;
            h.run();
        }
        let path = "/home/student/python-socket/tutorials/hello_server.py";
        h.state_mut().state.consoles[0].script_path = path.to_string();
        h.run();
        let field = h.get_by_label("file").rect();
        let open = h.get_by_label("Open...").rect();
        let body = egui::TextStyle::Body.resolve(&h.ctx.global_style());
        let whole = h.ctx.fonts_mut(|f| {
            f.layout_no_wrap(path.to_string(), body, egui::Color32::WHITE)
                .size()
                .x
        });
        let what = format!("{width} px, split {split}: field {field:?}, Open… {open:?}");
        if !split {
            assert!(field.width() > whole + 8.0, "{path} {whole} px; {what}");
        }
        assert!(open.left() > field.right(), "{what}");
        assert!((open.center().y - field.center().y).abs() < 4.0, "{what}");
        // The arguments' field too takes what its row leaves ("9000 hello world 你好"),
        // where the bar wraps.
        let args = h.get_by_label("arguments").rect();
        if width < 1500.0 {
            assert!(args.width() >= 150.0, "arguments {args:?}; {what}");
        }
    }
}

#[test]
fn console_sockets_appear_by_their_names_and_the_windows_are_used_from_the_console() {
    let mut h = harness();
    open_console(&mut h);
    for line in [
        "import socket",
        "srv = socket.socket()",
        "srv.bind(('127.0.0.1', 0))",
        "srv.listen()",
        "cli = socket.create_connection(srv.getsockname())",
    ] {
        let out = run(&mut h, line);
        assert_eq!(
            out,
            vec![(LineKind::Input, format!(">>> {line}"))],
            "{line}"
        );
    }
    // In the sockets list under the names the console gave them, with the kernel's state.
    step_until_drawn(&mut h, "srv and cli in the list", |h| {
        row_drawn(h, "srv") && row_drawn(h, "cli")
    });
    // Used by clicking: the listener accepts in the window...
    click_socket_row(&mut h, "srv");
    assert_eq!(selected(&h).state(), SockState::Listening);
    click(&mut h, "accept");
    step_until(&mut h, "conn1 accepted", |a| {
        a.state.sockets.values().any(|s| s.info.name == "conn1")
    });
    // ...and the connection the window accepted is used from the console by its name.
    assert_eq!(run(&mut h, "cli.sendall(b'hello')").len(), 1);
    let out = run(&mut h, "conn1.recv(1024)");
    assert_eq!(
        out.last(),
        Some(&(LineKind::Output, "b'hello'".to_string())),
        "{out:?}"
    );
    // An error is the console's last traceback line, and the session goes on.
    let out = run(&mut h, "srv.connect(('127.0.0.1', 1))");
    let kinds: Vec<LineKind> = out.iter().map(|l| l.0).collect();
    assert_eq!(
        kinds[1..],
        [LineKind::Error, LineKind::Explained],
        "{out:?}"
    );
    let out = run(&mut h, "cli.getpeername() == srv.getsockname()");
    assert_eq!(out.last(), Some(&(LineKind::Output, "True".to_string())));
    // Nothing asks for a repaint every frame with the console open (run() panics if so).
    h.run();
}

#[test]
fn ctrl_c_interrupts_a_blocked_accept_and_the_window_stays_usable() {
    let mut h = harness();
    open_console(&mut h);
    for line in [
        "import socket",
        "srv = socket.socket()",
        "srv.bind(('127.0.0.1', 0))",
        "srv.listen()",
    ] {
        run(&mut h, line);
    }
    enter(&mut h, "srv.accept()");
    // The prompt says what it waits in.
    step_until_drawn(&mut h, "the waiting accept", |h| {
        h.query_by_label_contains(
            "srv.accept() waiting, no timeout: a connection arriving, shutdown(SHUT_RDWR) or the close button ends it",
        )
        .is_some()
    });
    // The window goes on meanwhile: a socket made by clicking appears.
    click(&mut h, "New UDP");
    step_until(&mut h, "the UDP socket", |a| a.state.sockets.len() == 2);
    // Ctrl+C in the console's line: KeyboardInterrupt, as python3 says it.
    ctrl_c(&mut h, "the accept interrupted");
    let last = h.state().state.consoles[0].lines.back().cloned().unwrap();
    assert_eq!(
        (last.kind, last.text.as_str()),
        (LineKind::Error, "KeyboardInterrupt")
    );
    // The listener is still there and took nothing.
    let out = run(&mut h, "srv.getsockname()[0]");
    assert_eq!(
        out.last(),
        Some(&(LineKind::Output, "'127.0.0.1'".to_string()))
    );
}

/// A server's loop typed at the prompt never ends, so its end cannot name what it makes:
/// the connection it accepted goes by the program's name while it waits in recv().
#[test]
fn a_server_loop_typed_at_the_prompt_names_its_connections_while_it_runs() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    let port = srv_port(&h);
    enter(&mut h, "while True:");
    enter(&mut h, "    sock, addr = srv.accept()");
    enter(&mut h, "    print(sock.recv(10))");
    enter(&mut h, "");
    let client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    step_until(&mut h, "the accepted connection named sock", |a| {
        a.state
            .sockets
            .values()
            .any(|s| s.info.name == "sock" && s.info.parent.is_some() && !s.closed)
    });
    assert!(h.state().state.consoles[0].busy(), "the loop runs on");
    drop(client);
    ctrl_c(&mut h, "the loop interrupted");
}

/// The tutorials' endless-b'' pitfall, said while it happens: a loop that does not stop
/// on b'' reads a closed stream again and again.
#[test]
fn a_loop_spinning_on_a_closed_stream_is_told_why() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    run_lines(
        &mut h,
        0,
        &[
            "cli = socket.create_connection(srv.getsockname())",
            "conn, addr = srv.accept()",
            "cli.close()",
        ],
    );
    // The first b'' typed is said in words, once a socket: what it means, how a loop
    // stops on it.
    let peer_closed = |lines: &[(LineKind, String)]| {
        lines
            .iter()
            .filter(|(k, t)| {
                *k == LineKind::Explained
                    && t.starts_with("→ socklab: recv() returning b'' (empty bytes) means the peer has closed its side")
                    && t.contains("if not data: break")
            })
            .count()
    };
    assert_eq!(peer_closed(&run(&mut h, "conn.recv(10)")), 1);
    assert_eq!(peer_closed(&run(&mut h, "conn.recv(10)")), 0, "said once");
    // b'' at earlier prompts are answers, not a loop: a statement that waits after them
    // is not said to spin.
    enter(&mut h, "srv.accept()");
    step_until_drawn(&mut h, "the accept waiting", |h| {
        h.query_by_label_contains("srv.accept() waiting").is_some()
    });
    assert!(h.query_by_label_contains("has returned b''").is_none());
    ctrl_c(&mut h, "the accept interrupted");
    enter(&mut h, "while True:");
    enter(&mut h, "    data = conn.recv(1024)");
    enter(&mut h, "");
    step_until_drawn(&mut h, "the loop's word", |h| {
        h.query_by_label_contains("conn.recv() has returned b''")
            .is_some()
            && h.query_by_label_contains("(if not data: break)").is_some()
    });
    ctrl_c(&mut h, "the loop interrupted");
    step_until_drawn(&mut h, "the word gone with the loop", |h| {
        h.query_by_label_contains("has returned b''").is_none()
    });
}

/// After the socket's own shutdown(SHUT_RD), recv's b'' is its own doing: the loop's
/// line, the sequence diagram and the inspector say so, not that the peer closed.
#[test]
fn a_b_after_its_own_shutdown_rd_is_not_told_as_the_peers_close() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    run_lines(
        &mut h,
        0,
        &[
            "cli = socket.create_connection(srv.getsockname())",
            "conn, addr = srv.accept()",
            "conn.shutdown(socket.SHUT_RD)",
        ],
    );
    // Its b'' is not said to be the peer's close.
    assert!(!run(&mut h, "conn.recv(10)")
        .iter()
        .any(|(_, t)| t.contains("means the peer has closed its side")));
    enter(&mut h, "while True:");
    enter(&mut h, "    data = conn.recv(1024)");
    enter(&mut h, "");
    step_until_drawn(&mut h, "the loop's word", |h| {
        h.query_by_label_contains("conn.recv() has returned b''")
            .is_some_and(|n| {
                let node = n.accesskit_node();
                let text = node.label().or_else(|| node.value()).unwrap_or_default();
                text.contains("its own shutdown(SHUT_RD)") && !text.contains("peer")
            })
    });
    ctrl_c(&mut h, "the loop interrupted");
    let a = h.state();
    let conn = a
        .state
        .sockets
        .values()
        .find(|s| s.info.name == "conn")
        .map(|s| s.info.id)
        .unwrap();
    let lanes = socklab::ui::diagram::lanes(&a.state, Some(conn));
    let d = socklab::ui::diagram::build(&a.state, &a.state.story, &lanes);
    let texts: Vec<String> = d.rows.iter().map(|r| r.text.to_string()).collect();
    assert!(
        texts
            .iter()
            .any(|t| t == "recv() → b'' (its own shutdown(SHUT_RD) ended its receiving)")
            && !texts.iter().any(|t| t.contains("the peer ended")),
        "{texts:#?}"
    );
    click_socket_row(&mut h, "conn");
    step_until_drawn(&mut h, "the inspector's word", |h| {
        h.query_by_label("shut by its shutdown()").is_some()
            && h.query_by_label("receiving (SHUT_RD)").is_some()
    });
}

/// A non-blocking connect_ex answers 115 (EINPROGRESS): "started and not finished yet".
/// Once the connect ends, the page keeps what the call returned but no longer says it is
/// under way: that it completed, or that it ended without a connection.
#[test]
fn an_in_progress_connect_says_how_it_ended_once_it_has() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    let closed = free_port();
    run_lines(
        &mut h,
        0,
        &[
            "k = socket.socket(); k.setblocking(False)",
            "k.connect_ex(srv.getsockname())",
        ],
    );
    click_socket_row(&mut h, "k");
    step_until_drawn(&mut h, "k's connect said complete", |h| {
        h.query_by_label_contains("connect_ex() returned 115 - EINPROGRESS")
            .is_some()
            && h.query_by_label_contains("has since completed: connected at")
                .is_some()
    });
    // The console's transcript keeps what it said then (when its line is in view); the
    // page no longer says it.
    let said_now = h
        .query_all_by_label_contains("has not finished yet")
        .filter(|n| {
            !n.accesskit_node()
                .value()
                .is_some_and(|v| v.starts_with("→ socklab:"))
        })
        .count();
    assert_eq!(said_now, 0);
    let refused =
        format!("r = socket.socket(); r.setblocking(False); r.connect_ex(('127.0.0.1', {closed}))");
    run_lines(&mut h, 0, &[&refused]);
    click_socket_row(&mut h, "r");
    step_until_drawn(&mut h, "r's connect said ended", |h| {
        h.query_by_label_contains("ended at").is_some()
            && h.query_by_label_contains("without a connection").is_some()
    });
}

/// A connect whose SYN a full accept queue drops stays in SYN_SENT: the inspector says how
/// often the kernel has sent the SYN again (the client's half of the backlog lesson),
/// where it said only "not measured".
#[test]
fn a_connect_whose_syn_is_dropped_says_how_often_it_was_resent() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import socket",
            "srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(0)",
            "c1 = socket.create_connection(srv.getsockname())",
            "c2 = socket.socket(); c2.setblocking(False); c2.connect_ex(srv.getsockname())",
        ],
    );
    click_socket_row(&mut h, "c2");
    // The first resend comes after a second (more may follow before the page is drawn).
    step_until_drawn(&mut h, "c2's SYN resent", |h| {
        h.query_by_label_contains("SYN resent").is_some()
            && h.query_all_by(|n| {
                n.label().or_else(|| n.value()).is_some_and(|v| {
                    v.contains("after the latest for a SYN-ACK") && !v.starts_with("0 times")
                })
            })
            .next()
            .is_some()
    });
    assert!(h.query_by_label_contains("not measured").is_none());
}

/// A half-closed socket's row and page say which way is shut: who stopped sending (the
/// kernel's FIN_WAIT or CLOSE_WAIT), not "half-closed" alone, which a learner reads as
/// "something is broken" without knowing whose doing it was.
#[test]
fn a_half_closed_socket_says_which_way_is_shut() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    run_lines(
        &mut h,
        0,
        &[
            "cli = socket.create_connection(srv.getsockname())",
            "conn, addr = srv.accept()",
            "cli.shutdown(socket.SHUT_WR)",
        ],
    );
    // The page's heading says which way (the list's row says "half-closed", and which way
    // on hover: it has no room for more).
    let heading = |words: &'static str| {
        move |h: &H| h.query_by_label_contains(&format!("| {words}")).is_some()
    };
    click_socket_row(&mut h, "cli");
    step_until_drawn(
        &mut h,
        "cli done sending",
        heading("half-closed (done sending)"),
    );
    click_socket_row(&mut h, "conn");
    step_until_drawn(
        &mut h,
        "conn's peer done sending",
        heading("half-closed (peer done sending)"),
    );
    // Its FIN answered at once (LAST_ACK, then CLOSE, on loopback): over.
    run_lines(&mut h, 0, &["conn.shutdown(socket.SHUT_WR)"]);
    step_until_drawn(
        &mut h,
        "conn's connection over",
        heading("half-closed (connection over: FINs both ways, or a reset)"),
    );
    // cli's FIN_WAIT2 ended on conn's FIN: its connection is over (the kernel's CLOSE
    // would be the same after a reset). On hover, the list's row says it too.
    h.get_by(|n| {
        n.label()
            .is_some_and(|l| l.starts_with("cli  ") && l.contains("half-closed"))
    })
    .hover();
    step_until_drawn(&mut h, "the row's tooltip", |h| {
        h.query_by_label_contains(
            "half-closed (connection over: FINs both ways, or a reset)\n\nhalf-closed:",
        )
        .is_some()
    });
    // Its own SHUT_RD alone: its reading is shut (Linux still takes what arrives).
    run_lines(
        &mut h,
        0,
        &[
            "cli2 = socket.create_connection(srv.getsockname())",
            "conn2, addr2 = srv.accept()",
            "cli2.shutdown(socket.SHUT_RD)",
        ],
    );
    click_socket_row(&mut h, "cli2");
    step_until_drawn(
        &mut h,
        "cli2's reading shut",
        heading("half-closed (its reading shut)"),
    );
}

/// An accepted connection reads and writes as its listener was set to (a GBK device's
/// clients each in GBK and hex, as their server's page says), not the defaults.
#[test]
fn an_accepted_connection_takes_its_listeners_text_settings() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    let port = srv_port(&h);
    {
        let app = h.state_mut();
        let srv = app
            .state
            .sockets
            .values_mut()
            .find(|s| s.info.name == "srv")
            .unwrap();
        srv.form.encoding = socklab::payload::Encoding::Gbk;
        srv.show_hex = true;
    }
    let _client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    run_lines(&mut h, 0, &["conn, addr = srv.accept()"]);
    let a = h.state();
    let conn = a
        .state
        .sockets
        .values()
        .find(|s| s.info.name == "conn")
        .unwrap();
    assert_eq!(conn.form.encoding, socklab::payload::Encoding::Gbk);
    assert!(conn.show_hex);
}

/// The kernel's word on a console's sockets after close (FIN_WAIT2, TIME_WAIT) is not put
/// in the journal, whose script holds the window's calls only: it would speak of sockets
/// it never made.
#[test]
fn a_consoles_closed_connections_leave_no_remarks_in_the_journal() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    run_lines(
        &mut h,
        0,
        &[
            "cli = socket.create_connection(srv.getsockname())",
            "conn, addr = srv.accept()",
            "conn.close()",
            "cli.close()",
        ],
    );
    step_until(&mut h, "conn's side in TIME_WAIT", |a| {
        a.state.sockets.values().any(|s| {
            s.info.name == "conn"
                && s.after_close
                    .as_ref()
                    .is_some_and(|c| c.state == Some(socklab::engine::inspect::TcpState::TimeWait))
        })
    });
    let remarks: Vec<String> = h
        .state()
        .state
        .journal
        .iter()
        .map(|e| e.line.clone())
        .filter(|l| l.starts_with('#'))
        .collect();
    assert!(remarks.is_empty(), "{remarks:?}");
}

#[test]
fn blocks_wait_for_their_blank_line_and_up_brings_back_what_was_typed() {
    let mut h = harness();
    open_console(&mut h);
    enter(&mut h, "for i in range(2):");
    assert_eq!(h.state().state.consoles[0].prompt(), "... ");
    enter(&mut h, "    print(i * 10)");
    assert!(
        !h.state().state.consoles[0].busy(),
        "the block waits for its end"
    );
    let out = run(&mut h, "");
    let printed: Vec<&str> = out
        .iter()
        .filter(|l| l.0 == LineKind::Output)
        .map(|l| l.1.as_str())
        .collect();
    assert_eq!(printed, ["0", "10"]);
    assert_eq!(h.state().state.consoles[0].prompt(), ">>> ");
    // Up: the block just run, whole.
    h.get_by_label("python").focus();
    h.step();
    h.key_press(Key::ArrowUp);
    h.step();
    assert_eq!(
        h.state().state.consoles[0].input,
        "for i in range(2):\n    print(i * 10)"
    );
    h.key_press(Key::ArrowDown);
    h.step();
    assert_eq!(h.state().state.consoles[0].input, "");
    assert_eq!(
        h.state()
            .state
            .settings
            .console_history
            .last()
            .map(String::as_str),
        Some("for i in range(2):\n    print(i * 10)"),
        "kept in the settings (written between runs)"
    );
    // Up, then Enter: the block runs again, whole.
    h.key_press(Key::ArrowUp);
    h.step();
    let out = run(&mut h, "");
    let printed: Vec<&str> = out
        .iter()
        .filter(|l| l.0 == LineKind::Output)
        .map(|l| l.1.as_str())
        .collect();
    assert_eq!(printed, ["0", "10"]);
}

#[test]
fn tab_completes_names_and_attributes_from_the_session() {
    let mut h = harness();
    open_console(&mut h);
    run(&mut h, "import socket");
    run(&mut h, "srv = socket.socket()");
    h.get_by_label("python").focus();
    h.step();
    h.get_by_label("python").type_text("srv.acc");
    h.step();
    h.key_press(Key::Tab);
    step_until(
        &mut h,
        "srv.accept() completed, as python3 completes it",
        |a| a.state.consoles[0].input == "srv.accept()",
    );
    // Several candidates: listed, the line keeps what they share.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.step();
    h.get_by_label("python").type_text("socket.SO_RCV");
    h.step();
    h.key_press(Key::Tab);
    step_until(&mut h, "the candidates listed", |a| {
        a.state.consoles[0]
            .lines
            .back()
            .is_some_and(|l| l.kind == LineKind::Note && l.text.contains("socket.SO_RCVBUF"))
    });
    assert_eq!(h.state().state.consoles[0].input, "socket.SO_RCV");
    assert!(
        h.query_by_label("python").is_some(),
        "the line kept the keyboard"
    );
}

/// A server a learner steps through: each line highlighted before it runs, its socket in
/// the list as soon as the line that makes it has run.
const SERVER: &str = "import socket
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen()
print('listening on', srv.getsockname()[0])
";

#[test]
fn stepping_through_a_file_highlights_each_line_and_its_sockets_appear_as_it_goes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.py");
    std::fs::write(&path, SERVER).unwrap();
    // Picked with the file dialog, as a person would.
    let dialogs = socklab::ui::dialogs::ScriptedDialogs::default();
    dialogs.answer(Some(path.clone()));
    let mut h = harness_with_dialogs(dialogs.clone());
    open_console(&mut h);
    click(&mut h, "Open...");
    step_until(&mut h, "the file's path in its field", |a| {
        a.state.consoles[0].script_path == path.display().to_string()
    });
    assert_eq!(
        *dialogs.asked.lock().unwrap(),
        vec!["Python file to run".to_string()]
    );
    click(&mut h, "Step through");
    let at = |h: &mut H, line: u32| {
        step_until(h, &format!("stopped before line {line}"), |a| {
            a.state.consoles[0].paused() == Some(line)
        });
        step_until_drawn(h, &format!("line {line} shown as the next"), |h| {
            h.query_by_label_contains(&format!("server.py: stopped before line {line}"))
                .is_some()
        });
    };
    at(&mut h, 1);
    assert!(!row_drawn(&h, "srv"), "nothing made yet");
    click(&mut h, "Next line (F10)");
    at(&mut h, 2);
    click(&mut h, "Next line (F10)");
    at(&mut h, 3);
    // srv = socket.socket() has run: the socket is in the list under its name.
    step_until_drawn(&mut h, "srv in the list", |h| row_drawn(h, "srv"));
    click(&mut h, "Next line (F10)");
    at(&mut h, 4);
    // F10 is the same step.
    h.key_press(Key::F10);
    h.step();
    at(&mut h, 5);
    click_socket_row(&mut h, "srv");
    assert_eq!(selected(&h).state(), SockState::Listening);
    // F5: the rest runs; the file ends and its names stay in the console.
    h.key_press(Key::F5);
    h.step();
    step_until(&mut h, "the file ended", |a| {
        a.state.consoles[0]
            .file
            .as_ref()
            .is_some_and(|f| !f.running && f.at.is_none())
    });
    let printed: Vec<String> = h.state().state.consoles[0]
        .lines
        .iter()
        .map(|l| l.text.clone())
        .collect();
    assert!(
        printed.contains(&"listening on 127.0.0.1".to_string()),
        "{printed:?}"
    );
    assert_eq!(
        run(&mut h, "srv.getsockname()[0]"),
        vec![
            (LineKind::Input, ">>> srv.getsockname()[0]".into()),
            (LineKind::Output, "'127.0.0.1'".into())
        ]
    );
    step_until_drawn(&mut h, "the file shown as ended", |h| {
        h.query_by_label_contains("server.py: ended").is_some()
    });
}

/// A file whose main code ends while a thread it started still waits (a threaded
/// server's handler in recv) is not said to have ended: its thread runs on, as under
/// python3 -i, and the file's line names the call it waits in until that returns.
#[test]
fn a_file_whose_thread_still_waits_is_not_said_to_have_ended() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("handler.py");
    std::fs::write(
        &path,
        "import socket, threading\nsrv = socket.socket()\nsrv.bind(('127.0.0.1', 0))\n\
         srv.listen()\ncli = socket.create_connection(srv.getsockname())\n\
         conn, addr = srv.accept()\n\
         threading.Thread(target=conn.recv, args=(10,)).start()\n",
    )
    .unwrap();
    let mut h = harness();
    open_console(&mut h);
    type_into(&mut h, "file", &path.display().to_string());
    click(&mut h, "Run file");
    step_until_drawn(&mut h, "the thread's wait named", |h| {
        h.query_by_label_contains(
            "handler.py: its main code ended, its threads still run, waiting in conn.recv()",
        )
        .is_some()
    });
    assert!(h.query_by_label_contains("handler.py: ended").is_none());
    // Its recv returns: now the file has ended (said once the thread's call is over, not
    // while the typed statement runs).
    run(&mut h, "cli.send(b'x')");
    step_until(&mut h, "the thread's recv returned", |a| {
        a.state.sockets.values().any(|s| {
            s.info.name == "conn"
                && s.waiting.is_empty()
                && s.snapshot
                    .as_ref()
                    .is_some_and(|x| x.counters.bytes_in == 1)
        })
    });
    step_until_drawn(&mut h, "the file ended", |h| {
        h.query_by_label_contains("handler.py: ended").is_some()
    });
}

/// Two consoles side by side each keep room for a session's lines in a laptop's window
/// (1280×800): their file bars take three rows each, and the panel is taller for them.
#[test]
fn two_consoles_each_show_ten_lines_in_a_laptops_window() {
    let mut h = harness_sized(1280.0, 800.0);
    split_consoles(&mut h);
    h.run();
    // A transcript line's height, as the console lays its lines out.
    let style = h.ctx.global_style();
    let font = egui::TextStyle::Monospace.resolve(&style);
    let row_h = h.ctx.fonts_mut(|f| f.row_height(&font)) + style.spacing.item_spacing.y;
    for which in [0, 1] {
        let bar = h.get_by_label(&named("Clear console", which)).rect();
        let prompt = h.get_by_label(&named("python", which)).rect();
        let room = prompt.top() - bar.bottom();
        assert!(
            room >= 10.0 * row_h,
            "console {which}: {room} px between its bar and its line ({row_h} px a line)"
        );
    }
}

/// The port console `i`'s socket `name` is bound to, as getsockname() says.
fn port_of(h: &mut H, i: usize, name: &str) -> u16 {
    let out = run_in(h, i, &format!("{name}.getsockname()[1]"));
    out.last().unwrap().1.parse().unwrap()
}

/// Each console has its `s`; the second's bind finds the first's listening on the port.
/// Its explanation names that one with its console ("s (console 1)": its own `s` is not
/// the one to close); the first console, saying the same of its own `s`, names it plainly.
#[test]
fn an_address_held_by_the_other_consoles_socket_says_whose() {
    let mut h = harness();
    split_consoles(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import socket",
            "s = socket.socket()",
            "s.bind(('127.0.0.1', 0))",
            "s.listen()",
        ],
    );
    let port = port_of(&mut h, 0, "s");
    run_lines(&mut h, 1, &["import socket", "s = socket.socket()"]);
    let bind = format!("s.bind(('127.0.0.1', {port}))");
    let other = explained(&run_in(&mut h, 1, &bind));
    assert!(
        other.contains(&format!("s (console 1) is listening on 127.0.0.1:{port}"))
            && other.contains("close s (console 1) first"),
        "{other}"
    );
    // The window's page of the second console's `s` says so too.
    step_until(&mut h, "the page's error", |a| {
        a.state.sockets.iter().any(|(id, s)| {
            a.state.consoles[1].made(*id)
                && s.last_error.as_ref().is_some_and(|e| {
                    e.explanation()
                        .0
                        .contains(&format!("s (console 1) is listening on 127.0.0.1:{port}"))
                })
        })
    });
    run_in(&mut h, 0, "c = socket.socket()");
    let own = explained(&run_in(&mut h, 0, &bind.replacen("s.", "c.", 1)));
    assert!(
        own.contains(&format!("s is listening on 127.0.0.1:{port}"))
            && own.contains("close s first")
            && !own.contains("console"),
        "{own}"
    );
}

/// The server's console bound its `s` and forgot listen(): the client's connect in the
/// other console is refused, and the word on it names that `s` and what it lacks. Once it
/// listens, the same connect goes through.
#[test]
fn a_connect_refused_by_a_socket_only_bound_names_it_and_says_listen() {
    let mut h = harness();
    split_consoles(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import socket",
            "s = socket.socket()",
            "s.bind(('127.0.0.1', 0))",
        ],
    );
    let port = port_of(&mut h, 0, "s");
    run_lines(&mut h, 1, &["import socket", "c = socket.socket()"]);
    let connect = format!("c.connect(('127.0.0.1', {port}))");
    let out = run_in(&mut h, 1, &connect);
    assert!(
        out.iter().any(|l| l
            .1
            .contains("ConnectionRefusedError: [Errno 111] Connection refused")),
        "{out:?}"
    );
    let said = explained(&out);
    assert!(
        said.contains(&format!(
            "Nothing is listening at 127.0.0.1:{port}: s (console 1) is bound there"
        )) && said.contains("Call listen() on s (console 1) first"),
        "{said}"
    );
    run_in(&mut h, 0, "s.listen()");
    let out = run_in(&mut h, 1, &connect);
    assert!(
        !out.iter().any(|l| l.1.contains("Error")),
        "the connect after listen(): {out:?}"
    );
}

#[test]
fn two_consoles_side_by_side_a_server_in_one_its_client_in_the_other() {
    let mut h = harness();
    split_consoles(&mut h);
    for line in [
        "import socket",
        "srv = socket.socket()",
        "srv.bind(('127.0.0.1', 0))",
        "srv.listen()",
    ] {
        run_in(&mut h, 0, line);
    }
    let port = port_of(&mut h, 0, "srv");
    // The server blocks in accept in the first console...
    enter_in(&mut h, 0, "conn, addr = srv.accept()");
    step_until_drawn(&mut h, "accept waiting", |h| {
        h.query_by_label_contains("srv.accept() waiting").is_some()
    });
    // ...while the second, its own session, connects and sends.
    run_in(&mut h, 1, "import socket");
    let out = run_in(
        &mut h,
        1,
        &format!("cli = socket.create_connection(('127.0.0.1', {port}))"),
    );
    assert_eq!(out.len(), 1, "{out:?}");
    run_in(&mut h, 1, "cli.sendall(b'hi')");
    step_until(&mut h, "accept returned in the first", |a| {
        !a.state.consoles[0].busy()
    });
    assert_eq!(
        run_in(&mut h, 0, "conn.recv(10)").last().unwrap(),
        &(LineKind::Output, "b'hi'".to_string())
    );
    step_until_drawn(&mut h, "all three in the list", |h| {
        row_drawn(h, "srv") && row_drawn(h, "cli") && row_drawn(h, "conn")
    });
    // Each row says whose console made it (two programs may use the same names).
    let whose = |h: &H, name: &str| {
        let prefix = format!("{name}  ");
        let said: Option<String> = h
            .query_all_by(|n| {
                n.label()
                    .or_else(|| n.value())
                    .is_some_and(|l| l.starts_with(&prefix))
            })
            .next()
            .and_then(|n| {
                let node = n.accesskit_node();
                node.label().or_else(|| node.value())
            });
        // One tag, kept whole where the row wraps (a no-break space in it).
        said.map(|l| (l.contains("console\u{a0}1"), l.contains("console\u{a0}2")))
    };
    assert_eq!(whose(&h, "srv"), Some((true, false)));
    assert_eq!(whose(&h, "conn"), Some((true, false)));
    assert_eq!(whose(&h, "cli"), Some((false, true)));
}

#[test]
fn running_a_file_starts_afresh_and_names_its_sockets_while_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blocked.py");
    // A fixed port, as a tutorial's server has: running the file again must bind it again.
    let port = free_port();
    std::fs::write(
        &path,
        format!(
            "import socket\nsrv = socket.socket()\nsrv.bind(('127.0.0.1', {port}))\n\
             srv.listen()\nconn, addr = srv.accept()\n"
        ),
    )
    .unwrap();
    let mut h = harness();
    // A socket made by clicking, and one typed in the console.
    click(&mut h, "New TCP");
    step_until_drawn(&mut h, "s1 in the list", |h| row_drawn(h, "s1"));
    open_console(&mut h);
    run(&mut h, "import socket");
    run(&mut h, "typed = socket.socket()");
    step_until_drawn(&mut h, "typed in the list", |h| row_drawn(h, "typed"));
    type_into(&mut h, "file", &path.display().to_string());
    click(&mut h, "Run file");
    // A fresh session, as IDLE's Run Module: the typed socket closes, the window's stays.
    step_until(&mut h, "the restart said", |a| {
        a.state.consoles[0]
            .lines
            .iter()
            .any(|l| l.text.starts_with("=== RESTART: "))
    });
    step_until(&mut h, "typed closed, s1 open", |a| {
        let by = |n: &str| a.state.sockets.values().find(|s| s.info.name == n);
        by("typed").is_some_and(|s| s.closed) && by("s1").is_some_and(|s| !s.closed)
    });
    // The file never ends (accept blocks), yet its listener is in the list by its name.
    step_until_drawn(&mut h, "srv named while the file runs", |h| {
        row_drawn(h, "srv") && h.query_by_label_contains("srv.accept() waiting").is_some()
    });
    assert!(h.state().state.consoles[0].busy());
    // Run file is off meanwhile, and says why and what to do.
    h.get_by_label("Run file").hover();
    step_until_drawn(&mut h, "why Run file is off", |h| {
        h.query_by_label_contains("Something still runs in this console: stop it first")
            .is_some()
    });
    click(&mut h, "Interrupt (Ctrl+C)");
    step_until(&mut h, "the file interrupted", |a| {
        !a.state.consoles[0].busy()
    });
    let last: Vec<String> = h.state().state.consoles[0]
        .lines
        .iter()
        .map(|l| l.text.clone())
        .collect();
    // Then what python3 FILE would not have left: its listener open.
    let n = last.len();
    assert_eq!(last[n - 2], "KeyboardInterrupt", "{last:?}");
    assert!(
        last[n - 1]
            .starts_with("(the file has run to its end or was stopped, and its sockets stay open")
            && last[n - 1].contains(&format!("srv: listening at 127.0.0.1:{port}")),
        "{last:?}"
    );
    // Its names stay, as after IDLE's run: srv is there, typed is not.
    assert_eq!(
        run(&mut h, "srv.getsockname()[0], 'typed' in dir()"),
        vec![
            (
                LineKind::Input,
                ">>> srv.getsockname()[0], 'typed' in dir()".into()
            ),
            (LineKind::Output, "('127.0.0.1', False)".into())
        ]
    );
    // Run again: the session before ends first and closes its listener, so the file binds
    // the same port again.
    click(&mut h, "Run file");
    step_until(&mut h, "the second run waiting in accept", |a| {
        let c = &a.state.consoles[0];
        c.busy()
            && c.lines
                .iter()
                .filter(|l| l.text.starts_with("=== RESTART: "))
                .count()
                == 2
            && a.state
                .sockets
                .values()
                .filter(|s| s.info.name == "srv" && !s.closed)
                .count()
                == 1
            && a.state
                .sockets
                .values()
                .any(|s| s.info.name == "srv" && s.waiting.iter().any(|w| w.op == "accept"))
    });
    let lines: Vec<String> = h.state().state.consoles[0]
        .lines
        .iter()
        .map(|l| l.text.clone())
        .collect();
    assert!(
        !lines.iter().any(|l| l.contains("Address already in use")),
        "{lines:?}"
    );
    click(&mut h, "Interrupt (Ctrl+C)");
    step_until(&mut h, "interrupted again", |a| !a.state.consoles[0].busy());
}

/// A file's sockets that no global name holds (here a thread's, blocked in accept() when
/// the main thread is interrupted) are said to stay open when it ends, and close with its
/// session: the next Run binds the same port.
#[test]
fn a_files_sockets_no_name_holds_close_when_it_runs_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("threaded.py");
    let port = free_port();
    std::fs::write(
        &path,
        format!(
            "import socket, threading, time\n\
             def serve():\n    held = socket.socket()\n    \
             held.bind(('127.0.0.1', {port}))\n    held.listen()\n    held.accept()\n\
             threading.Thread(target=serve, daemon=True).start()\n\
             while True:\n    time.sleep(0.05)\n"
        ),
    )
    .unwrap();
    let mut h = harness();
    open_console(&mut h);
    type_into(&mut h, "file", &path.display().to_string());
    for round in 0..2 {
        let before: Vec<_> = h.state().state.sockets.keys().copied().collect();
        click(&mut h, "Run file");
        // This run's own listener (a run before's would still be waiting too, were it open).
        step_until(&mut h, &format!("run {round} waiting in accept"), |a| {
            a.state.sockets.iter().any(|(id, s)| {
                !before.contains(id) && !s.closed && s.waiting.iter().any(|w| w.op == "accept")
            })
        });
        click(&mut h, "Interrupt (Ctrl+C)");
        step_until(&mut h, &format!("run {round} interrupted"), |a| {
            !a.state.consoles[0].busy()
        });
        let lines: Vec<String> = h.state().state.consoles[0]
            .lines
            .iter()
            .map(|l| l.text.clone())
            .collect();
        let n = lines.len();
        assert_eq!(lines[n - 2], "KeyboardInterrupt", "{lines:?}");
        assert!(
            lines[n - 1].contains(&format!(": listening at 127.0.0.1:{port}")),
            "{lines:?}"
        );
    }
    // The first run's listener closed as its session ended.
    let open = h
        .state()
        .state
        .sockets
        .values()
        .filter(|s| !s.closed && s.info.kind == socklab::engine::Kind::Stream)
        .count();
    assert_eq!(open, 1);
}

/// Several lines at once (pasted, or a lesson's Run it) show as the REPL shows them: each
/// its own line behind >>> or ..., and a block closed by the blank line it needs.
#[test]
fn lines_pasted_at_once_show_one_by_one_with_their_prompts() {
    let mut h = harness();
    open_console(&mut h);
    h.state_mut().state.consoles[0].input = "x = 2\nif x:\n    print('yes', x)".into();
    h.state_mut()
        .push(socklab::ui::state::Action::ConsoleSubmit { which: 0 });
    step_until(&mut h, "the block ran", |a| {
        a.state.consoles[0].lines.iter().any(|l| l.text == "yes 2")
    });
    let inputs: Vec<String> = h.state().state.consoles[0]
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Input)
        .map(|l| l.text.clone())
        .collect();
    assert_eq!(
        inputs,
        [">>> x = 2", ">>> if x:", "...     print('yes', x)", "... "]
    );
}

/// Each console lists its own statement's waits: the server's accept under the first, the
/// client's recvfrom under the second, neither under both.
#[test]
fn each_console_shows_its_own_waits() {
    let mut h = harness();
    split_consoles(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    enter_in(&mut h, 0, "conn, addr = srv.accept()");
    run_lines(
        &mut h,
        1,
        &[
            "import socket",
            "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "u.bind(('127.0.0.1', 0))",
        ],
    );
    enter_in(&mut h, 1, "u.recvfrom(10)");
    let count = |h: &H, text: &str| h.query_all_by_label_contains(text).count();
    step_until_drawn(&mut h, "both waits", |h| {
        count(h, "srv.accept() waiting") > 0 && count(h, "u.recvfrom() waiting") > 0
    });
    // A few frames more: the lines stay where they belong.
    for _ in 0..5 {
        h.step();
        assert_eq!(count(&h, "srv.accept() waiting"), 1);
        assert_eq!(count(&h, "u.recvfrom() waiting"), 1);
    }
    // The first console's line is the server's.
    let first = h.state().state.consoles[0].has_call(
        h.state()
            .state
            .sockets
            .values()
            .find(|s| s.info.name == "srv")
            .and_then(|s| s.waiting.first())
            .map(|w| w.req)
            .expect("srv waits"),
    );
    assert!(first, "the server's accept is the first console's call");
}

/// The console takes a third of the height, not half: the diagrams above it keep the rest.
/// Its switches share the row of the panel's tabs.
#[test]
fn the_console_leaves_most_of_the_height_to_the_diagrams() {
    let mut h = harness();
    open_console(&mut h);
    let tab = h.get_by_label("Python console").rect();
    let split = h.get_by_label("Two consoles side by side").rect();
    assert!(
        (tab.center().y - split.center().y).abs() < 4.0,
        "the switch beside the tab: {tab:?} {split:?}"
    );
    // The window is 1000 px high.
    assert!(tab.top() > 600.0, "the console starts at {}", tab.top());
    let input = h.get_by_label("python").rect();
    assert!(
        input.top() - tab.bottom() > 200.0,
        "room for the transcript: {tab:?} {input:?}"
    );
}

/// Two consoles in a low window, a file shown above the transcript while it waits in
/// accept(): what it printed, what runs and the wait each have their own lines, none drawn
/// over another.
#[test]
fn a_file_running_beside_the_other_console_keeps_its_lines_apart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("srv.py");
    std::fs::write(
        &path,
        "import socket\nsrv = socket.socket()\nsrv.bind(('127.0.0.1', 0))\nsrv.listen()\n\
         print('listening')\nconn, addr = srv.accept()\n",
    )
    .unwrap();
    let mut h = harness_sized(1280.0, 640.0);
    split_consoles(&mut h);
    type_into(&mut h, "file", &path.display().to_string());
    click(&mut h, "Run file");
    step_until_drawn(&mut h, "the file waiting in accept", |h| {
        h.query_by_label_contains("srv.accept() waiting").is_some()
            && h.query_by_label("listening").is_some()
    });
    // What runs is the file, named once (not "running: run FILE").
    assert!(h
        .query_by_label(&format!("running: {}", path.display()))
        .is_some());
    // Measured once the layout has settled: the transcript sticks to its bottom one frame
    // after a line is added (until then the new line lies below its clip, unseen).
    let rects = |h: &H| {
        [
            h.get_by_label_contains("srv.py: running").rect(),
            h.get_by_label("listening").rect(),
            h.get_by_label_contains("running: ").rect(),
            h.get_by_label_contains("srv.accept() waiting").rect(),
            h.get_by_label("python").rect(),
        ]
    };
    let mut last = rects(&h);
    for frame in 0.. {
        assert!(frame < 20, "the console's layout never settles: {last:?}");
        h.step();
        let now = rects(&h);
        if now == last {
            break;
        }
        last = now;
    }
    let [title, printed, running, waiting, line] = last;
    for (upper, lower) in [
        (title, printed),
        (printed, running),
        (running, waiting),
        (waiting, line),
    ] {
        assert!(
            upper.bottom() <= lower.top() + 1.0,
            "{upper:?} drawn over {lower:?}"
        );
    }
    click(&mut h, "Interrupt (Ctrl+C)");
    step_until(&mut h, "interrupted", |a| !a.state.consoles[0].busy());
}

/// Sockets bound and connected from the console show where in their page's fields, as if
/// the fields had been used; a port someone typed is kept.
#[test]
fn a_socket_connected_in_the_console_shows_its_addresses_on_its_page() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import socket",
            "srv = socket.create_server(('127.0.0.1', 0))",
            "srv2 = socket.socket()",
            "srv2.bind(('127.0.0.1', 0))",
            "srv2.listen()",
            "c = socket.socket()",
            "c.connect(srv.getsockname())",
            "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "u.sendto(b'x', srv.getsockname())",
        ],
    );
    let port = |h: &H, name: &str, peer: bool| {
        h.state()
            .state
            .sockets
            .values()
            .find(|s| s.info.name == name && !s.closed)
            .and_then(|s| if peer { s.peer() } else { s.local() })
            .and_then(|a| a.port())
    };
    step_until(&mut h, "the addresses read back", |a| {
        let by = |n: &str| a.state.sockets.values().find(|s| s.info.name == n);
        by("c").is_some_and(|s| s.peer().is_some())
            && by("u").is_some_and(|s| s.local().and_then(|l| l.port()).is_some_and(|p| p != 0))
    });
    let form = |h: &H, name: &str| {
        let s = h
            .state()
            .state
            .sockets
            .values()
            .find(|s| s.info.name == name)
            .unwrap();
        (
            s.form.bind_host.clone(),
            s.form.bind_port.clone(),
            s.form.peer_host.clone(),
            s.form.peer_port.clone(),
        )
    };
    let (c_local, c_peer) = (port(&h, "c", false).unwrap(), port(&h, "c", true).unwrap());
    assert_eq!(
        form(&h, "c"),
        (
            "127.0.0.1".to_string(),
            c_local.to_string(),
            "127.0.0.1".to_string(),
            c_peer.to_string()
        )
    );
    // Listening with Python's default backlog, min(SOMAXCONN, 128) (create_server's
    // too): the page's backlog is the kernel's, not the field's 5.
    step_until(&mut h, "the backlogs read back", |a| {
        let by = |n: &str| a.state.sockets.values().find(|s| s.info.name == n);
        by("srv2").is_some_and(|s| s.form.backlog == "128")
            && by("srv").is_some_and(|s| s.form.backlog == "128")
    });
    // Listening again with another backlog: the field follows the kernel.
    run_in(&mut h, 0, "srv2.listen(1)");
    step_until(&mut h, "the new backlog read back", |a| {
        a.state
            .sockets
            .values()
            .any(|s| s.info.name == "srv2" && s.form.backlog == "1")
    });
    // Bound by the kernel at its first sendto, to every interface; not connected.
    step_until(&mut h, "u bound", |a| {
        a.state
            .sockets
            .values()
            .any(|s| s.info.name == "u" && s.state() == SockState::Bound)
    });
    let u_local = port(&h, "u", false).unwrap();
    assert_eq!(
        form(&h, "u"),
        (
            "0.0.0.0".to_string(),
            u_local.to_string(),
            "127.0.0.1".to_string(),
            String::new()
        )
    );
}

/// A socket call's error that nobody caught is followed by socklab's word on it, in the
/// window's language and apart from Python's line (which stays python3's): the port in
/// TIME_WAIT says so, with what to do. A caught error, or one of Python's own, has none.
#[test]
fn an_uncaught_socket_error_is_explained_under_pythons_line() {
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
            "addr = srv.getsockname()",
            "cli = socket.create_connection(addr)",
            "conn, _ = srv.accept()",
            // The server's side closes first: its end of the connection waits in TIME_WAIT.
            "conn.close()",
            "cli.recv(1)",
            "ends = (addr, cli.getsockname())",
            "cli.close()",
            "srv.close()",
            "again = socket.socket()",
        ],
    );
    // The kernel's table says TIME_WAIT before the bind is tried.
    let ends = run(&mut h, "ends");
    let ports: Vec<u16> = ends[1]
        .1
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|p| p.parse().ok())
        .filter(|p| *p > 255)
        .collect();
    let [server, client] = ports[..] else {
        panic!("{ends:?}")
    };
    let at = |port: u16| std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let until = std::time::Instant::now() + DEADLINE;
    while socklab::engine::inspect::tcp_lookup(at(server), at(client))
        .flatten()
        .map(|e| e.state)
        != Some(socklab::engine::inspect::TcpState::TimeWait)
    {
        assert!(
            std::time::Instant::now() < until,
            "no TIME_WAIT for {ends:?}"
        );
        std::thread::yield_now();
    }
    let out = run(&mut h, "again.bind(addr)");
    assert_eq!(out.len(), 3, "{out:?}");
    assert_eq!(
        out[1],
        (
            LineKind::Error,
            "OSError: [Errno 98] Address already in use".to_string()
        )
    );
    let (kind, word) = &out[2];
    assert_eq!(*kind, LineKind::Explained);
    assert!(
        word.contains("TIME_WAIT") && word.contains("SO_REUSEADDR"),
        "{word}"
    );
    // Caught, it is the program's business: nothing is added.
    let out = run(
        &mut h,
        "try:\n    again.bind(addr)\nexcept OSError as e:\n    print(e.errno)\n",
    );
    assert_eq!(
        out.last(),
        Some(&(LineKind::Output, "98".to_string())),
        "{out:?}"
    );
    assert!(out.iter().all(|l| l.0 != LineKind::Explained), "{out:?}");
    // An error raised again by the program is the same error: explained.
    let out = run(
        &mut h,
        "try:\n    again.connect(('127.0.0.1', 1))\nexcept OSError:\n    raise\n",
    );
    assert_eq!(
        out.last().map(|l| l.0),
        Some(LineKind::Explained),
        "{out:?}"
    );
    assert!(out.last().unwrap().1.contains("127.0.0.1:1"), "{out:?}");
    // Python's own errors are Python's to explain.
    let out = run(&mut h, "1/0");
    assert_eq!(out.last().map(|l| l.0), Some(LineKind::Error), "{out:?}");
    // In the window's language (the session's thread has none): Python's line stays.
    crate::language::to_chinese(&mut h);
    let out = run(&mut h, "again.connect(('127.0.0.1', 1))");
    assert_eq!(
        out[1].1, "ConnectionRefusedError: [Errno 111] Connection refused",
        "{out:?}"
    );
    assert!(
        out[2].1.starts_with("→ socklab：") && out[2].1.contains("先启动服务器"),
        "{out:?}"
    );
}

/// A server's connection its client reset: the error's hint says to accept the next
/// client (an accepted socket cannot connect again), and the page still says which peer
/// it had, as past (the kernel no longer has one).
#[test]
fn a_reset_connection_keeps_its_peer_said_as_past_and_a_servers_hint() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    run_lines(
        &mut h,
        0,
        &[
            "import struct",
            "cli = socket.create_connection(srv.getsockname())",
            "conn, addr = srv.accept()",
            "cli.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))",
            "cli.close()",
        ],
    );
    let out = run(&mut h, "conn.recv(10)");
    let (kind, word) = out.last().unwrap();
    assert_eq!(*kind, LineKind::Explained, "{out:?}");
    assert!(
        word.contains("accept()") && !word.contains("reconnect"),
        "{out:?}"
    );
    let port = run(&mut h, "addr[1]")[1].1.clone();
    let was = format!("- (was 127.0.0.1:{port})");
    step_until(&mut h, "the peer said as past", |a| {
        a.state.sockets.values().any(|s| {
            s.info.name == "conn"
                && s.peer().is_none()
                && socklab::ui::explain::peer_address(s) == was
        })
    });
}

/// What ends a wait is the point of the waiting line: in a console half as wide, in
/// Chinese, it wraps onto a second row instead of being cut.
#[test]
fn a_waiting_line_wraps_rather_than_being_cut() {
    let mut h = harness();
    crate::language::to_chinese(&mut h);
    click(
        &mut h,
        &socklab::i18n::text_in(socklab::i18n::Lang::ZhCn, "bottom-console"),
    );
    click(
        &mut h,
        &socklab::i18n::text_in(socklab::i18n::Lang::ZhCn, "console-split"),
    );
    step_until_drawn(&mut h, "the second console", |h| {
        h.query_by_label("python (2)").is_some()
    });
    run_lines(&mut h, 0, &LISTENING_SRV);
    run_lines(
        &mut h,
        0,
        &["c = socket.create_connection(srv.getsockname())"],
    );
    enter_in(&mut h, 0, "c.recv(10)");
    step_until_drawn(&mut h, "the waiting line", |h| {
        h.query_by_label_contains("c.recv() 等待中").is_some()
    });
    let line = h.get_by_label_contains("c.recv() 等待中");
    assert!(
        line.rect().height() > 24.0,
        "one row, cut: {:?}",
        line.rect()
    );
}

/// A settimeout() expiry is said as a timeout (TimeoutError has no errno; ETIMEDOUT is the
/// kernel giving up a connection), and the same call waiting again from the console is
/// shown waiting, not failed as well.
#[test]
fn a_timeout_is_said_as_one_and_the_next_wait_is_not_shown_failed() {
    use std::io::Write;
    let mut h = harness();
    open_console(&mut h);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let connect = format!("c = socket.create_connection(('127.0.0.1', {port}))");
    run_lines(&mut h, 0, &["import socket", &connect, "c.settimeout(0.2)"]);
    let (mut peer, _) = listener.accept().unwrap();
    let out = run(&mut h, "c.recv(10)");
    assert!(
        out.iter().any(|(_, l)| l == "TimeoutError: timed out"),
        "{out:?}"
    );
    click_socket_row(&mut h, "c");
    step_until_drawn(&mut h, "the timeout beside recv", |h| {
        h.query_by_label_contains("recv timed out").is_some()
    });
    assert!(h.query_by_label_contains("ETIMEDOUT").is_none());
    // The timeout set O_NONBLOCK, as CPython does; the inspector says why.
    step_until_drawn(&mut h, "O_NONBLOCK said to be the timeout's", |h| {
        h.query_by_label("set (by the timeout)").is_some()
    });
    run(&mut h, "c.settimeout(None)");
    enter(&mut h, "c.recv(10)");
    step_until_drawn(&mut h, "the recv waiting again, its timeout gone", |h| {
        h.query_by_label_contains("recv blocked (no timeout)")
            .is_some()
            && h.query_by_label_contains("recv timed out").is_none()
    });
    // The console's line says what ends this call's wait, not every call's.
    step_until_drawn(&mut h, "the console saying what ends the recv", |h| {
        h.query_by_label_contains(
            "c.recv() waiting, no timeout: data arriving, the peer closing the connection (b''), or the close button ends it (shutdown(SHUT_RD) too)",
        )
        .is_some()
    });
    peer.write_all(b"x").unwrap();
    step_until(&mut h, "the recv answered", |a| !a.state.consoles[0].busy());
}

/// A client the listener's kernel holds half-open (its connect() returned; here
/// TCP_DEFER_ACCEPT keeps it so until its first bytes, as a full queue's dropped ACK
/// does) is named on the listener, apart from the accept queue, until its bytes come.
#[test]
fn a_half_open_client_is_named_on_its_listener() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    run_lines(
        &mut h,
        0,
        &[
            "srv.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 30)",
            "cli = socket.create_connection(srv.getsockname())",
        ],
    );
    // Its address comes with its first snapshot.
    step_until(&mut h, "cli's port", |a| bound_port(a, "cli").is_some());
    let port = bound_port(h.state(), "cli").unwrap();
    click_socket_row(&mut h, "srv");
    step_until_drawn(&mut h, "cli half-open on srv", |h| {
        h.query_by_label_contains("half-open (SYN-RECV)").is_some()
            && h.query_by_label_contains(&format!("1: 127.0.0.1:{port}"))
                .is_some()
    });
    assert!(h
        .query_by_label_contains("0 waiting (backlog 128)")
        .is_some());
    run_lines(&mut h, 0, &["cli.send(b'x')"]);
    step_until_drawn(&mut h, "cli queued, no longer half-open", |h| {
        h.query_by_label_contains("1 waiting (backlog 128)")
            .is_some()
            && h.query_by_label_contains("half-open (SYN-RECV)").is_none()
    });
}

/// A listener whose accept queue is full says so where its queue is shown, and why the
/// next clients' connect() waits: Linux lets the backlog plus one wait.
#[test]
fn a_full_accept_queue_is_said_beside_it() {
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
        ],
    );
    let port = h
        .state()
        .state
        .sockets
        .values()
        .find(|s| s.info.name == "srv")
        .and_then(|s| s.local())
        .and_then(|a| a.port())
        .expect("srv's port");
    click_socket_row(&mut h, "srv");
    let first = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    step_until_drawn(&mut h, "one waiting", |h| {
        h.query_by_label("1 waiting (backlog 1)").is_some()
    });
    assert!(
        h.query_by_label_contains("The accept queue is full")
            .is_none(),
        "one of backlog 1 is not full"
    );
    let second = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    step_until_drawn(&mut h, "the full queue said", |h| {
        h.query_by_label_contains("The accept queue is full (2 waiting, backlog 1")
            .is_some()
    });
    // One more, not blocking: its SYNs are dropped, so it stays connecting. The kernel
    // has no peer for it, but where it goes is said, and the diagram gives it srv's lane.
    run_lines(
        &mut h,
        0,
        &[
            "third = socket.socket()",
            "third.setblocking(False)",
            "third.connect_ex(('127.0.0.1', srv.getsockname()[1]))",
        ],
    );
    click_socket_row(&mut h, "third");
    step_until_drawn(&mut h, "where third is connecting", |h| {
        h.query_by_label(&format!("- (connecting to 127.0.0.1:{port})"))
            .is_some()
    });
    // Its page's peer row says where too.
    step_until_drawn(&mut h, "third's peer port on its page", |h| {
        h.get_by_label("peer port").accesskit_node().value() == Some(port.to_string())
    });
    let a = h.state();
    let third = a.state.sockets.values().find(|s| s.info.name == "third");
    let srv = a.state.sockets.values().find(|s| s.info.name == "srv");
    let (third, srv) = (third.unwrap().info.id, srv.unwrap().info.id);
    let lanes = socklab::ui::diagram::lanes(&a.state, Some(third));
    assert!(lanes.contains(&srv));
    // setblocking(False) is drawn as the call typed, not as the settimeout it amounts to.
    let d = socklab::ui::diagram::build(&a.state, &a.state.story, &lanes);
    assert!(
        d.rows.iter().any(|r| r.text == "setblocking(False)"),
        "{:#?}",
        d.rows
            .iter()
            .map(|r| r.text.to_string())
            .collect::<Vec<_>>()
    );
    drop((first, second));
}

/// A server's threads each waiting: the console says two of the waits and counts the
/// rest, so its lines never grow over what is above them.
#[test]
fn many_waits_are_counted_past_two() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    run_lines(
        &mut h,
        0,
        &[
            "import threading",
            "cs = [socket.create_connection(srv.getsockname()) for _ in range(5)]",
            "conns = [srv.accept()[0] for _ in range(5)]",
            "_ = [c.settimeout(30) for c in conns[3:]]",
            "ts = [threading.Thread(target=c.recv, args=(10,), daemon=True) for c in conns]",
            "_ = [t.start() for t in ts]",
        ],
    );
    // Three recvs without a timeout wait alike: one line. The two with a timeout each
    // count down on their own line; with the accept, past two lines they are counted.
    enter(&mut h, "srv.accept()");
    step_until_drawn(&mut h, "two waits said, two counted", |h| {
        h.query_by_label_contains("and 2 more calls of this console waiting")
            .is_some()
    });
    // (A wrapped label is a Label node with its TextRun: the Labels are counted.)
    let said: Vec<String> = h
        .query_all_by(|n| {
            n.role() == egui::accesskit::Role::Label
                && n.label()
                    .or_else(|| n.value())
                    .is_some_and(|l| l.ends_with("(Ctrl+C interrupts)"))
        })
        .map(|n| {
            let a = n.accesskit_node();
            a.label().or_else(|| a.value()).unwrap_or_default()
        })
        .collect();
    assert_eq!(said.len(), 2, "{said:#?}");
    assert!(
        said.iter()
            .any(|l| l.matches(".recv()").count() == 3 && l.contains("no timeout")),
        "the three alike on one line: {said:#?}"
    );
    click(&mut h, "Interrupt (Ctrl+C)");
    step_until(&mut h, "interrupted", |a| !a.state.consoles[0].busy());
    run(&mut h, "_ = [c.close() for c in cs]");
}

/// A lesson begun while a file runs in the console starts it afresh: the file's run is
/// over, its view says so, and Run file can run it again.
#[test]
fn a_lesson_begun_over_a_running_file_ends_its_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("waits.py");
    std::fs::write(
        &path,
        "import socket\nsrv = socket.socket()\nsrv.bind(('127.0.0.1', 0))\n\
         srv.listen()\nsrv.accept()\n",
    )
    .unwrap();
    let mut h = harness();
    open_console(&mut h);
    type_into(&mut h, "file", &path.display().to_string());
    click(&mut h, "Run file");
    step_until(&mut h, "the file waiting in accept", |a| {
        a.state
            .sockets
            .values()
            .any(|s| s.waiting.iter().any(|w| w.op == "accept"))
    });
    h.state_mut().state.start_lesson(0, None);
    step_until(&mut h, "the file's run over", |a| {
        !a.state.consoles[0].busy()
            && a.state.consoles[0]
                .file
                .as_ref()
                .is_some_and(|f| !f.running)
    });
    // Run file is there to press again (not greyed as while a file runs).
    step_until_drawn(&mut h, "Run file enabled", |h| {
        h.query_by_label("Run file")
            .is_some_and(|b| !b.accesskit_node().is_disabled())
    });
}

/// A bind typed in the console that fails leaves its address in the page's bind row, so
/// the port beside the error is the one tried (not the fresh page's 0).
#[test]
fn a_failed_console_bind_shows_the_port_it_tried() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    run_lines(
        &mut h,
        0,
        &["port = srv.getsockname()[1]", "srv2 = socket.socket()"],
    );
    let out = run(&mut h, "srv2.bind(('127.0.0.1', port))");
    assert!(
        out.iter()
            .any(|(_, t)| t.contains("Address already in use")),
        "{out:?}"
    );
    let port = h
        .state()
        .state
        .sockets
        .values()
        .find(|s| s.info.name == "srv")
        .and_then(|s| s.snapshot.as_ref())
        .and_then(|s| s.local.as_ref())
        .and_then(|e| e.port())
        .expect("srv's port");
    click_socket_row(&mut h, "srv2");
    step_until_drawn(&mut h, "the port tried in the bind row", |h| {
        h.query_by_label("bind port")
            .is_some_and(|f| f.value().as_deref() == Some(port.to_string().as_str()))
            && h.query_by_label("bind host")
                .is_some_and(|f| f.value().as_deref() == Some("127.0.0.1"))
    });
    // Bound then from the console after all: the row says where, not the port that failed.
    run(&mut h, "srv2.bind(('127.0.0.1', 0))");
    step_until(&mut h, "srv2 bound", |a| bound_port(a, "srv2").is_some());
    let bound = bound_port(h.state(), "srv2").unwrap();
    step_until_drawn(&mut h, "the port bound in the bind row", |h| {
        h.query_by_label("bind port")
            .is_some_and(|f| f.value().as_deref() == Some(bound.to_string().as_str()))
    });
}

/// close() from the console while a thread of the same program waits in accept(): as in
/// CPython the call goes on and the listener keeps listening until it returns; the console
/// says why the socket is still there.
#[test]
fn closing_a_listener_a_thread_waits_on_keeps_it_listening_as_cpython_does() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    run_lines(
        &mut h,
        0,
        &[
            "import threading",
            "got = []",
            "t = threading.Thread(target=lambda: got.append(srv.accept()[1][0]))",
            "t.start()",
        ],
    );
    step_until(&mut h, "the thread's accept waiting", |a| {
        a.state
            .sockets
            .values()
            .any(|s| s.info.name == "srv" && s.waiting.iter().any(|w| w.op == "accept"))
    });
    let srv = |a: &socklab::ui::SocklabApp| {
        a.state
            .sockets
            .values()
            .find(|s| s.info.name == "srv")
            .map(|s| s.closed)
    };
    assert_eq!(srv(h.state()), Some(false));
    let port = srv_port(&h);
    let out = run(&mut h, "srv.close()");
    assert!(
        out.iter()
            .all(|(k, _)| !matches!(k, LineKind::Output | LineKind::Error)),
        "close() returns None: {out:?}"
    );
    step_until(&mut h, "the console's note", |a| {
        a.state.consoles[0].lines.iter().any(|l| {
            l.kind == LineKind::Note
                && l.text
                    .starts_with("srv: close() returned, but accept() waiting in another")
        })
    });
    assert_eq!(srv(h.state()), Some(false), "still listening");
    let _client = std::net::TcpStream::connect(("127.0.0.1", port)).expect("still listening");
    step_until(&mut h, "srv closed once accept returned", |a| {
        srv(a) == Some(true)
    });
    let out = run(&mut h, "t.join(); got");
    assert_eq!(
        out.last(),
        Some(&(LineKind::Output, "['127.0.0.1']".to_string()))
    );
}

/// A transcript scrolled up goes back to its end when a line is entered, as a terminal
/// does: what the line printed is in view.
#[test]
fn entering_a_line_brings_the_transcript_back_to_its_end() {
    let mut h = harness();
    open_console(&mut h);
    run(&mut h, "for i in range(120): print('line', i)");
    run(&mut h, "");
    let drawn = |h: &H, text: &str| {
        h.query_all_by(|n| n.label().or_else(|| n.value()).is_some_and(|t| t == text))
            .next()
            .is_some()
    };
    step_until_drawn(&mut h, "the last line", |h| drawn(h, "line 119"));
    for _ in 0..10 {
        h.get_all_by(|n| {
            n.label()
                .or_else(|| n.value())
                .is_some_and(|t| t.starts_with("line "))
        })
        .next()
        .unwrap()
        .scroll_up();
        h.step();
    }
    step_until_drawn(&mut h, "scrolled up", |h| {
        !drawn(h, "line 119") && !drawn(h, "line 118")
    });
    run(&mut h, "print('the newest')");
    step_until_drawn(&mut h, "the newest line in view", |h| {
        drawn(h, "the newest")
    });
}

/// The tutorials' pitfalls that Python itself raises are explained under its line too: a
/// str sent, a UTF-8 character cut between two recv() calls.
#[test]
fn a_str_sent_and_a_cut_character_are_explained() {
    let mut h = harness();
    open_console(&mut h);
    run(&mut h, "import socket");
    run(&mut h, "a, b = socket.socketpair()");
    let out = run(&mut h, "a.send('hello')");
    let n = out.len();
    assert_eq!(
        out[n - 2],
        (
            LineKind::Error,
            "TypeError: a bytes-like object is required, not 'str'".to_string()
        )
    );
    assert_eq!(out[n - 1].0, LineKind::Explained);
    assert!(
        out[n - 1]
            .1
            .starts_with("→ socklab: send() and its kin take bytes"),
        "{out:?}"
    );
    let out = run(&mut h, "'你好'.encode()[:4].decode()");
    let last = out.last().unwrap();
    assert_eq!(last.0, LineKind::Explained, "{out:?}");
    assert!(
        last.1.contains("the middle of a UTF-8 character"),
        "{out:?}"
    );
    // Other errors get no such line.
    let out = run(&mut h, "1/0");
    assert_eq!(out.last().unwrap().0, LineKind::Error, "{out:?}");
}

/// Two more pitfalls: a socket used after it was closed (EBADF with no system call: its
/// descriptor is gone), and an address given as two arguments or as a bare string. Each
/// is explained under Python's line, which stays CPython's; an EBADF that is not a closed
/// object's gets no such line.
#[test]
fn a_closed_socket_used_and_an_address_not_a_tuple_are_explained() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(
        &mut h,
        0,
        &["import socket", "w = socket.socket()", "w.close()"],
    );
    let explained = |out: &[(LineKind, String)], python: &str, word: &str| {
        let n = out.len();
        assert!(n >= 2, "{out:?}");
        assert_eq!(out[n - 2], (LineKind::Error, python.to_string()), "{out:?}");
        assert_eq!(out[n - 1].0, LineKind::Explained, "{out:?}");
        assert!(out[n - 1].1.starts_with(word), "{out:?}");
    };
    let closed = "→ socklab: This socket was closed before";
    let out = run(&mut h, "w.send(b'x')");
    explained(&out, "OSError: [Errno 9] Bad file descriptor", closed);
    let out = run(&mut h, "w.connect(('127.0.0.1', 9))");
    explained(&out, "OSError: [Errno 9] Bad file descriptor", closed);
    let tuple = "→ socklab: The address is one argument";
    run(&mut h, "y = socket.socket()");
    let out = run(&mut h, "y.connect('127.0.0.1', 34183)");
    explained(
        &out,
        "TypeError: socket.connect() takes exactly one argument (2 given)",
        tuple,
    );
    let out = run(&mut h, "y.bind('127.0.0.1')");
    explained(
        &out,
        "TypeError: bind(): AF_INET address must be tuple, not str",
        tuple,
    );
    // os.close() on a socket's descriptor: the kernel's EBADF, not a closed object's.
    run(&mut h, "import os");
    let out = run(&mut h, "os.close(9999)");
    assert_eq!(
        out.last().unwrap(),
        &(
            LineKind::Error,
            "OSError: [Errno 9] Bad file descriptor".to_string()
        ),
        "{out:?}"
    );
}

/// RustPython's cycle collector is one for the whole process: a socket in a cycle one
/// console's program let go of, collected by another's `gc.collect()`, closes in the
/// engine of the program that made it: its `__del__` runs on the other's thread, or, on a
/// collecting thread with no interpreter, is skipped (the object's drop closes it then).
/// Run in a process of its own: a collection runs only while one thread at most runs
/// Python in the process (src/pyrt/gc_guard.rs), and other tests' sessions would count.
#[test]
fn a_socket_collected_on_another_sessions_thread_closes_where_it_was_made() {
    crate::common::run_alone("console::collected_on_another_sessions_thread_alone");
}

#[test]
#[ignore = "run in a process of its own by a_socket_collected_on_another_sessions_thread_closes_where_it_was_made"]
fn collected_on_another_sessions_thread_alone() {
    let mut made = harness();
    let mut collector = harness();
    open_console(&mut made);
    open_console(&mut collector);
    run_lines(
        &mut made,
        0,
        &[
            "import socket",
            "cycle = [socket.socket()]",
            "cycle.append(cycle)",
            "del cycle",
        ],
    );
    run(&mut collector, "import gc");
    // A collection that finds another one running does nothing: asked again until the
    // socket has closed.
    let until = std::time::Instant::now() + DEADLINE;
    loop {
        made.step();
        let closed = made.state().state.sockets.values().all(|s| s.closed);
        if closed && !made.state().state.sockets.is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < until,
            "the cycle's socket still open where it was made"
        );
        run(&mut collector, "gc.collect()");
    }
    // Nothing of the collector's own was closed by it: it has none to close.
    assert!(collector.state().state.sockets.is_empty());
}

/// A name the program gives to one socket after another (`conn, addr = srv.accept()` in a
/// loop) leaves no two rows alike: the sockets it held before are numbered in the order
/// they were made, the one it holds now keeps it.
#[test]
fn a_name_given_again_numbers_the_sockets_it_held_before() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    run_lines(
        &mut h,
        0,
        &[
            "a = socket.create_connection(srv.getsockname())",
            "b = socket.create_connection(srv.getsockname())",
            "c = socket.create_connection(srv.getsockname())",
            "d = socket.create_connection(srv.getsockname())",
            "conn, addr = srv.accept()",
            "conn.close()",
            "conn, addr = srv.accept()",
            "first_open = conn",
            "conn, addr = srv.accept()",
        ],
    );
    let names = |a: &socklab::ui::SocklabApp| {
        let mut v: Vec<(String, bool)> = a
            .state
            .sockets
            .values()
            .filter(|s| s.info.name.starts_with("conn") || s.info.name == "first_open")
            .map(|s| (s.info.name.clone(), s.closed))
            .collect();
        v.sort();
        v
    };
    let owned = |list: &[(&str, bool)]| -> Vec<(String, bool)> {
        list.iter().map(|(n, c)| (n.to_string(), *c)).collect()
    };
    // The closed one is numbered; the one another name still holds goes by that name.
    let settled = owned(&[("conn", false), ("conn (1)", true), ("first_open", false)]);
    let until = std::time::Instant::now() + DEADLINE;
    while names(h.state()) != settled {
        assert!(
            std::time::Instant::now() < until,
            "the names settled: {:?}",
            names(h.state())
        );
        h.step();
    }
    // Rebinding the name drops the socket it held, which CPython closes.
    run(&mut h, "del first_open");
    run(&mut h, "conn, addr = srv.accept()");
    let settled = owned(&[
        ("conn", false),
        ("conn (1)", true),
        ("conn (2)", true),
        ("first_open", true),
    ]);
    let until = std::time::Instant::now() + DEADLINE;
    while names(h.state()) != settled {
        assert!(
            std::time::Instant::now() < until,
            "the third one numbered: {:?}",
            names(h.state())
        );
        h.step();
    }
    step_until_drawn(&mut h, "the numbered rows", |h| {
        row_drawn(h, "conn (1)") && row_drawn(h, "conn (2)")
    });
    // An open one held only by a list is numbered too, and a workspace keeps it under a
    // Python name (a file with `u (1)` in it would not open again).
    run_lines(
        &mut h,
        0,
        &["u = socket.socket()", "keep = [u]", "u = socket.socket()"],
    );
    let until = std::time::Instant::now() + DEADLINE;
    while !h
        .state()
        .state
        .sockets
        .values()
        .any(|s| s.info.name == "u (1)" && !s.closed)
    {
        let all: Vec<(String, bool)> = h
            .state()
            .state
            .sockets
            .values()
            .map(|s| (s.info.name.clone(), s.closed))
            .collect();
        assert!(std::time::Instant::now() < until, "u (1) open: {all:?}");
        h.step();
    }
    let (ws, _) = socklab::ui::workspace::Workspace::of(&h.state().state);
    let text = ws.to_toml().unwrap();
    let back = socklab::ui::workspace::Workspace::parse(&text).expect("it opens again");
    let names: Vec<_> = back.sockets.iter().filter_map(|s| s.name.clone()).collect();
    assert!(
        names.contains(&"u_1".to_string()) && names.contains(&"u".to_string()),
        "{names:?}"
    );
    // The name pointed back at the socket it held before: that one goes by it again.
    let first_u = h
        .state()
        .state
        .sockets
        .values()
        .find(|s| s.info.name == "u (1)")
        .map(|s| s.info.id)
        .unwrap();
    run(&mut h, "u = keep[0]");
    step_until(&mut h, "u again", |a| {
        a.state.sockets[&first_u].info.name == "u"
    });
}

/// A short file that closes its socket before the window's next look at its names (the
/// tutorials' UDP client) shows it under its name all the same; run again, the earlier one
/// is numbered.
#[test]
fn a_file_closing_its_socket_at_once_still_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quick.py");
    std::fs::write(
        &path,
        "import socket\n\
         u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\
         u.sendto(b'x', ('127.0.0.1', 9))\n\
         u.close()\n",
    )
    .unwrap();
    let mut h = harness();
    open_console(&mut h);
    type_into(&mut h, "file", &path.display().to_string());
    let named = |a: &socklab::ui::SocklabApp, name: &str| {
        a.state
            .sockets
            .values()
            .any(|s| s.closed && s.info.name == name)
    };
    click(&mut h, "Run file");
    step_until(&mut h, "u closed under its name", |a| named(a, "u"));
    step_until(&mut h, "the run ended", |a| !a.state.consoles[0].busy());
    click(&mut h, "Run file");
    step_until(&mut h, "both runs' u apart", |a| {
        named(a, "u") && named(a, "u (1)")
    });
}

/// Stepping through a file in a small window with two consoles side by side: the file's
/// view keeps three lines at least, and the line it stops before is the one seen (not
/// the one before it, cut by a view one line high).
#[test]
fn stepping_in_a_small_window_shows_the_line_it_stops_before() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("steps.py");
    let lines: Vec<String> = (1..=12).map(|n| format!("x{n} = {n}")).collect();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let mut h = harness_sized(1280.0, 800.0);
    split_consoles(&mut h);
    type_into(&mut h, "file", &path.display().to_string());
    click(&mut h, "Step through");
    for line in 1..=7u32 {
        step_until(&mut h, &format!("stopped before line {line}"), |a| {
            a.state.consoles[0].paused() == Some(line)
        });
        if line < 7 {
            click(&mut h, "Next line (F10)");
        }
    }
    let seen = |h: &H, n: u32| {
        h.query_all_by(|node| {
            node.label()
                .or_else(|| node.value())
                .is_some_and(|t| t.trim_start().starts_with(&format!("{n}  x{n} =")))
        })
        .next()
        .is_some()
    };
    step_until_drawn(&mut h, "line 7 and its neighbours in view", |h| {
        seen(h, 7) && seen(h, 6) && seen(h, 8)
    });
    click(&mut h, "Interrupt (Ctrl+C)");
}

/// A wait the engine does not see (select(), or socketserver's serve_forever() in poll())
/// is said under the statement: what it waits for, by the sockets' names, until a
/// connection ends it or Ctrl+C does.
#[test]
fn a_wait_in_select_or_a_server_loop_says_what_it_waits_for() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    run(&mut h, "import select, socketserver");
    let port = srv_port(&h);
    enter(&mut h, "ready = select.select([srv], [], [])");
    step_until_drawn(&mut h, "the select wait said", |h| {
        h.query_by_label_contains(
            "select() waiting until srv has a connection to accept (Ctrl+C interrupts)",
        )
        .is_some()
    });
    let _client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    step_until(&mut h, "select returned", |a| !a.state.consoles[0].busy());
    step_until_drawn(&mut h, "the wait no longer said", |h| {
        h.query_by_label_contains("waiting until").is_none()
    });
    let out = run(&mut h, "ready[0] == [srv]");
    assert_eq!(out.last().map(|l| l.1.as_str()), Some("True"), "{out:?}");
    // One that times out is no longer said while the statement goes on to something else.
    run(&mut h, "import threading");
    enter(
        &mut h,
        "select.select([], [srv], [], 3); threading.Event().wait()",
    );
    step_until_drawn(&mut h, "the timed wait said", |h| {
        h.query_by_label_contains("select() waiting until srv has room to send")
            .is_some()
    });
    step_until_drawn(&mut h, "the timed-out wait no longer said", |h| {
        h.query_by_label_contains("waiting until").is_none()
    });
    assert!(
        h.state().state.consoles[0].busy(),
        "still in the Event's wait"
    );
    click(&mut h, "Interrupt (Ctrl+C)");
    step_until(&mut h, "the wait interrupted", |a| {
        !a.state.consoles[0].busy()
    });
    // A socket made in the statement that waits for it goes by its name already.
    enter(
        &mut h,
        "mine = socket.socket(); mine.bind(('127.0.0.1', 0)); mine.listen(); \
         select.select([mine], [], [])",
    );
    step_until_drawn(&mut h, "the new socket's name said", |h| {
        h.query_by_label_contains("select() waiting until mine has a connection to accept")
            .is_some()
    });
    click(&mut h, "Interrupt (Ctrl+C)");
    step_until(&mut h, "its wait interrupted", |a| {
        !a.state.consoles[0].busy()
    });
    // A tutorial's server: serve_forever() waits in poll(), half a second at a time.
    run(
        &mut h,
        "server = socketserver.TCPServer(('127.0.0.1', 0), socketserver.BaseRequestHandler)",
    );
    enter(&mut h, "server.serve_forever()");
    // (Its listener goes by the attribute that holds it.)
    step_until_drawn(&mut h, "serve_forever's wait said", |h| {
        h.query_by_label_contains(
            "poll() waiting until server.socket has a connection to accept (Ctrl+C interrupts)",
        )
        .is_some()
    });
    click(&mut h, "Interrupt (Ctrl+C)");
    step_until(&mut h, "serve_forever interrupted", |a| {
        !a.state.consoles[0].busy()
    });
    step_until_drawn(&mut h, "the poll wait no longer said", |h| {
        h.query_by_label_contains("waiting until").is_none()
    });
}

/// A recvfrom waiting on an unconnected UDP socket that has sent says why no answer may
/// ever come (the kernel tells a port unreachable only to a connected socket); Ctrl+C
/// then ends it, said to be an interruption, not a fault of the call.
#[test]
fn a_udp_wait_after_a_send_to_nobody_says_it_may_never_end() {
    let mut h = harness();
    open_console(&mut h);
    let nobody = {
        let u = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        u.local_addr().unwrap().port()
    };
    run_lines(
        &mut h,
        0,
        &[
            "import socket",
            "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "w = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            &format!("u.sendto(b'anyone?', ('127.0.0.1', {nobody}))"),
        ],
    );
    step_until(&mut h, "the send counted", |a| {
        a.state.sockets.values().any(|s| {
            s.info.name == "u"
                && s.snapshot
                    .as_ref()
                    .is_some_and(|x| x.counters.msgs_out == 1)
        })
    });
    enter(&mut h, "u.recvfrom(1024)");
    step_until_drawn(&mut h, "the wait explained", |h| {
        h.query_by_label_contains("u.recvfrom() waiting").is_some()
            && h.query_by_label_contains("lost without a word").is_some()
    });
    ctrl_c(&mut h, "the recvfrom");
    click_socket_row(&mut h, "u");
    step_until_drawn(&mut h, "the interruption on u's page", |h| {
        h.query_by_label_contains("recvfrom interrupted").is_some()
            && h.query_by_label_contains("Nothing was wrong with the call")
                .is_some()
    });
    assert!(h
        .query_by_label_contains("rejects these arguments")
        .is_none());
    // Connected, it would hear of the port unreachable: not told so.
    run(&mut h, &format!("u.connect(('127.0.0.1', {nobody}))"));
    enter(&mut h, "u.recv(1024)");
    step_until_drawn(&mut h, "u waits connected", |h| {
        h.query_by_label_contains("u.recv() waiting").is_some()
    });
    assert!(h.query_by_label_contains("lost without a word").is_none());
    ctrl_c(&mut h, "the recv");
    // One that sent nothing is not told so.
    run(&mut h, "w.bind(('127.0.0.1', 0))");
    enter(&mut h, "w.recvfrom(1024)");
    step_until_drawn(&mut h, "w waits", |h| {
        h.query_by_label_contains("w.recvfrom() waiting").is_some()
    });
    assert!(h.query_by_label_contains("lost without a word").is_none());
    ctrl_c(&mut h, "the second recvfrom");
    // One that sent and has heard something (a server that answers its clients) neither.
    run(&mut h, "w.sendto(b'ping', w.getsockname())");
    run(&mut h, "w.recvfrom(1024)");
    enter(&mut h, "w.recvfrom(1024)");
    step_until_drawn(&mut h, "w waits again", |h| {
        h.query_by_label_contains("w.recvfrom() waiting").is_some()
    });
    assert!(h.query_by_label_contains("lost without a word").is_none());
    ctrl_c(&mut h, "the third recvfrom");
}

/// A tutorial's server run as a file in a 1280×800 window: the console grows for the file
/// it shows above the transcript, so both are read at once (it had one line of the file
/// and four of the transcript), and a person's own height for it is kept apart.
#[test]
fn a_file_run_in_an_ordinary_window_shows_its_lines_and_what_it_prints() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.py");
    let mut lines: Vec<String> = (1..=8).map(|n| format!("x{n} = {n}")).collect();
    lines.push("for i in range(12): print('out', i)".into());
    lines.push("import threading; threading.Event().wait()".into());
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let mut h = harness_sized(1280.0, 800.0);
    // A socket's page and its inspector beside the console, as at a first start.
    click(&mut h, "New TCP");
    step_until(&mut h, "a socket", |a| a.state.selected_view().is_some());
    open_console(&mut h);
    type_into(&mut h, "file", &path.display().to_string());
    click(&mut h, "Run file");
    step_until(&mut h, "its output printed", |a| {
        a.state.consoles[0].lines.iter().any(|l| l.text == "out 11")
    });
    let seen = |h: &H, f: &dyn Fn(&str) -> bool| {
        h.query_all_by(|node| {
            node.role() == egui::accesskit::Role::Label
                && node.label().or_else(|| node.value()).is_some_and(|t| f(&t))
        })
        .count()
    };
    step_until_drawn(&mut h, "its last line printed in view", |h| {
        seen(h, &|t| t == "out 11") > 0
    });
    let source = seen(&h, &|t| {
        (1..=8).any(|n| t.trim_start().starts_with(&format!("{n}  x{n} =")))
    });
    let printed = seen(&h, &|t| t.starts_with("out "));
    assert!(source >= 5, "{source} lines of the file in view");
    assert!(printed >= 7, "{printed} printed lines in view");
    click(&mut h, "Interrupt (Ctrl+C)");
    step_until(&mut h, "interrupted", |a| !a.state.consoles[0].busy());
}

/// A client in a listener's accept queue (connected as far as it can tell) says so in the
/// list, its tooltip and the inspector, until accept() takes it; a reset when the
/// listener closes first is said when it comes.
#[test]
fn a_client_waiting_in_the_accept_queue_says_so_until_accepted() {
    let mut h = harness();
    open_console(&mut h);
    // Where the page begins, right of the list, before any row is long.
    let page = |h: &H| h.get_by_label("Socket page").rect().min.x;
    let page_x = page(&h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    run(&mut h, "c = socket.create_connection(srv.getsockname())");
    run(&mut h, "c2 = socket.create_connection(srv.getsockname())");
    let row = |h: &H, name: &str, f: &dyn Fn(&str) -> bool| {
        let start = format!("{name}  IPv4 TCP");
        let found = h
            .query_all_by(|n| n.label().is_some_and(|l| l.starts_with(&start) && f(&l)))
            .next()
            .is_some();
        found
    };
    let queued = |h: &H, name: &str| {
        row(h, name, &|l| {
            l.contains("connected") && l.contains("in srv's queue")
        })
    };
    step_until_drawn(&mut h, "both queued", |h| queued(h, "c") && queued(h, "c2"));
    h.get_by_label_contains("c2  IPv4 TCP").click();
    step_until_drawn(&mut h, "the inspector's word", |h| {
        h.query_by_label("not yet: waits in srv's accept queue")
            .is_some()
    });
    run(&mut h, "conn, addr = srv.accept()");
    step_until_drawn(&mut h, "c taken, c2 still queued", |h| {
        !queued(h, "c") && queued(h, "c2")
    });
    // The listener closes with c2 in its queue: the kernel resets it, said at once.
    run(&mut h, "srv.close()");
    step_until_drawn(&mut h, "c2 reset", |h| {
        row(h, "c2", &|l| l.contains("error") && !l.contains("queue"))
    });
    // The kernel's word for it, glossed (beside "bound" or "error" it read as a riddle).
    step_until_drawn(&mut h, "its TCP state", |h| {
        h.query_by_label("CLOSE (no connection)").is_some()
    });
    // Its next call raises the reset, whose words name this among its causes.
    let out = run(&mut h, "c2.recv(10)");
    assert!(
        out.iter().any(|l| l.1.contains("ConnectionResetError"))
            && out.iter().any(|l| l.1.contains(
                "closed its listener while this connection still waited in the accept queue"
            )),
        "{out:?}"
    );
    // The longest row ("(was 127.0.0.1:…)") widened the list, and moved the page under
    // the pointer; the list starts as wide as a connection's row needs.
    assert_eq!(page(&h), page_x, "the page moved");
}

/// A line typed while a call blocks waits its turn: it is said to be queued, and goes into
/// the transcript only when it runs, after what the blocked statement printed (it showed
/// at once, and read as if the print had printed the recvfrom's tuple).
#[test]
fn a_line_typed_while_a_call_blocks_is_shown_when_it_runs() {
    let mut h = harness();
    open_console(&mut h);
    run(&mut h, "import socket");
    run(
        &mut h,
        "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
    );
    run(&mut h, "u.bind(('127.0.0.1', 0))");
    // Its port as the kernel picked it (the snapshot after the bind may come a frame later).
    let port_of = |a: &socklab::ui::SocklabApp| {
        a.state
            .sockets
            .values()
            .find(|s| s.info.name == "u")
            .and_then(|s| s.snapshot.as_ref())
            .and_then(|x| x.local.as_ref())
            .and_then(|l| l.port())
            .filter(|p| *p != 0)
    };
    step_until(&mut h, "u's port", |a| port_of(a).is_some());
    let port = port_of(h.state()).unwrap();
    enter(&mut h, "u.recvfrom(1024)");
    step_until_drawn(&mut h, "u waits", |h| {
        h.query_by_label_contains("u.recvfrom() waiting").is_some()
    });
    enter(&mut h, "print('still here?')");
    step_until_drawn(&mut h, "the line said to be queued", |h| {
        h.query_by_label_contains("queued, runs after it: >>> print('still here?')")
            .is_some()
    });
    let shown = |h: &H, text: &str| {
        h.state().state.consoles[0]
            .lines
            .iter()
            .position(|l| l.text == text)
    };
    assert_eq!(shown(&h, ">>> print('still here?')"), None);
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.send_to(b"hello", ("127.0.0.1", port)).unwrap();
    step_until(&mut h, "both ran", |a| !a.state.consoles[0].busy());
    let tuple = format!(
        "(b'hello', ('127.0.0.1', {}))",
        peer.local_addr().unwrap().port()
    );
    let (got, echo, printed) = (
        shown(&h, &tuple),
        shown(&h, ">>> print('still here?')"),
        shown(&h, "still here?"),
    );
    assert!(
        got.is_some() && got < echo && echo < printed,
        "{:#?}",
        h.state().state.consoles[0].lines
    );
    step_until_drawn(&mut h, "nothing queued", |h| {
        h.query_by_label_contains("queued, runs after it").is_none()
    });
}

/// Side by side, the two consoles' file bars are drawn alike: the second's buttons once
/// showed "运行文件 (2)", wider, and wrapped otherwise (the number is in their names, for
/// a screen reader). And neither console runs past the page's edge: in a window made 1024
/// px wide from 1280 (the panels keep their widths) in Chinese, the second's buttons were
/// cut by the inspector.
#[test]
fn two_consoles_bars_are_drawn_alike_and_inside_the_page() {
    let mut h = harness_sized(1280.0, 800.0);
    let id = new_socket(&mut h, socklab::engine::Kind::Stream);
    select_id(&mut h, id);
    crate::language::to_chinese(&mut h);
    let zh = |id: &str| socklab::i18n::text_in(socklab::i18n::Lang::ZhCn, id);
    click(&mut h, &zh("bottom-console"));
    click(&mut h, &zh("console-split"));
    step_until_drawn(&mut h, "the second console", |h| {
        h.query_by_label("python (2)").is_some()
    });
    h.set_size(egui::vec2(1024.0, 700.0));
    h.run();
    let rect = |h: &H, label: &str| h.get_by_label(label).rect();
    // (The file's label and its field answer to one name: the label comes first.)
    let first = |h: &H, label: &str| {
        h.query_all_by_label(label)
            .next()
            .unwrap_or_else(|| panic!("no {label}"))
            .rect()
    };
    let (file, file2) = (
        first(&h, &zh("console-file")),
        first(&h, &format!("{} (2)", zh("console-file"))),
    );
    let page_edge = h
        .query_all_by_label("Resize panel")
        .map(|n| n.rect())
        .filter(|r| r.height() > r.width())
        .max_by(|a, b| a.left().total_cmp(&b.left()))
        .expect("the inspector's edge")
        .left();
    for key in [
        "console-open",
        "console-run-button",
        "console-step-button",
        "console-clear",
    ] {
        let (one, two) = (rect(&h, &zh(key)), rect(&h, &format!("{} (2)", zh(key))));
        assert_eq!(one.size(), two.size(), "{key}: {one:?} and {two:?}");
        assert_eq!(
            one.min - file.min,
            two.min - file2.min,
            "{key}: placed alike in its bar"
        );
        assert!(
            two.right() <= page_edge,
            "{key}: the second console's ends at {}, the page at {page_edge}",
            two.right()
        );
    }
}

/// Two consoles side by side in a 1024 px window in Chinese, between a widened list and
/// the inspector (each console about 150 px: 17 columns, as a newcomer had them): a long
/// line is wrapped at the columns each console has, and no row is cut (with a least of 20
/// columns the rows were cut with '…', and the characters under the cut were in no row).
#[test]
fn narrow_consoles_wrap_their_lines_without_cutting_them() {
    let mut h = harness_sized(1024.0, 700.0);
    // (A socket chosen: the inspector beside the page.)
    let id = new_socket(&mut h, socklab::engine::Kind::Stream);
    select_id(&mut h, id);
    crate::language::to_chinese(&mut h);
    let zh = |id: &str| socklab::i18n::text_in(socklab::i18n::Lang::ZhCn, id);
    click(&mut h, &zh("bottom-console"));
    step_until_drawn(&mut h, "the console", |h| {
        h.query_by_label("python").is_some()
    });
    click(&mut h, &zh("console-split"));
    // The sockets list widened by 110 px, as a person drags its edge: the page between it
    // and the inspector keeps its least width (300 px).
    let edge = h
        .query_all_by_label("Resize panel")
        .map(|n| n.rect())
        .filter(|r| r.height() > r.width())
        .min_by(|a, b| a.left().total_cmp(&b.left()))
        .expect("the list's edge")
        .center();
    drag(&mut h, edge, edge + egui::vec2(110.0, 0.0), 1);
    h.run();
    step_until_drawn(&mut h, "the second console", |h| {
        h.query_by_label("python (2)").is_some()
    });
    run(&mut h, "s = 'abcdefghijklmnopqrstuvwxyz0123456789'");
    let line = h.state().state.consoles[0]
        .lines
        .iter()
        .find(|l| l.kind == LineKind::Input && l.text.contains("0123456789"))
        .map(|l| l.text.clone())
        .expect("the line in the transcript");
    h.run();
    let font = egui::TextStyle::Monospace.resolve(&h.ctx.global_style());
    let prompt = h.get_by_label("python").rect();
    let mut rows: Vec<(egui::Rect, String)> = h
        .query_all_by(|n| {
            n.value()
                .is_some_and(|l| l.len() >= 2 && line.contains(l.as_str()))
        })
        .map(|n| (n.rect(), n.accesskit_node().value().unwrap_or_default()))
        .filter(|(r, _)| r.right() <= prompt.right() && r.bottom() <= prompt.top())
        .collect();
    // (A label's text is told twice: by the label and by its text run.)
    rows.sort_by(|a, b| a.0.top().total_cmp(&b.0.top()));
    rows.dedup_by(|a, b| a.1 == b.1 && (a.0.top() - b.0.top()).abs() < 1.0);
    let pieces: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    // (Three rows or more: fewer than 21 columns, where a least of 20 cut rows.)
    assert!(rows.len() >= 3, "the line is wrapped narrow: {pieces:?}");
    assert_eq!(pieces.concat(), line, "the rows make the line: {pieces:?}");
    for (rect, text) in &rows {
        let whole = h
            .ctx
            .fonts_mut(|f| f.layout_no_wrap(text.clone(), font.clone(), egui::Color32::WHITE))
            .size()
            .x;
        assert!(
            rect.width() >= whole - 0.5,
            "'{text}' drawn in {} px, it takes {whole} px",
            rect.width()
        );
    }
}

/// Ctrl+C while a line waits its turn behind a blocked accept(): one KeyboardInterrupt,
/// the accept's; the line typed ahead is dropped, as a terminal drops what was typed ahead
/// of Ctrl+C, and the console says so.
#[test]
fn ctrl_c_interrupts_once_and_says_what_typed_ahead_it_dropped() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    enter(&mut h, "srv.accept()");
    step_until_drawn(&mut h, "the waiting accept", |h| {
        h.query_by_label_contains("srv.accept() waiting").is_some()
    });
    enter(&mut h, "1 + 1");
    step_until_drawn(&mut h, "the line said to be queued", |h| {
        h.query_by_label_contains("queued, runs after it: >>> 1 + 1")
            .is_some()
    });
    ctrl_c(&mut h, "the accept interrupted");
    // A statement after it runs, so anything still to come of the interrupted ones is in.
    let out = run(&mut h, "'after'");
    assert_eq!(out.last(), Some(&(LineKind::Output, "'after'".to_string())));
    let lines = &h.state().state.consoles[0].lines;
    let count = |text: &str| lines.iter().filter(|l| l.text == text).count();
    assert_eq!(count("KeyboardInterrupt"), 1, "{lines:#?}");
    assert_eq!(count("2"), 0, "{lines:#?}");
    let note = "(not run: 1 + 1 — Ctrl+C drops the lines typed ahead, as a terminal does)";
    assert!(
        lines
            .iter()
            .any(|l| l.kind == LineKind::Note && l.text == note),
        "{lines:#?}"
    );
    assert_eq!(count(">>> 1 + 1"), 0, "{lines:#?}");
}

/// A block half typed while a statement runs is dropped by Ctrl+C with the statement's
/// wait: the next line begins at ">>>" (it did not, and went into that block).
#[test]
fn ctrl_c_drops_a_block_half_typed_behind_the_running_statement() {
    let mut h = harness();
    open_console(&mut h);
    run_lines(&mut h, 0, &LISTENING_SRV);
    enter(&mut h, "srv.accept()");
    step_until_drawn(&mut h, "the waiting accept", |h| {
        h.query_by_label_contains("srv.accept() waiting").is_some()
    });
    enter(&mut h, "for i in range(3):");
    step_until(&mut h, "the block begun", |a| {
        a.state.consoles[0].prompt() == "... "
    });
    ctrl_c(&mut h, "the accept interrupted");
    assert_eq!(h.state().state.consoles[0].prompt(), ">>> ");
    let out = run(&mut h, "1 + 1");
    assert_eq!(
        out.last(),
        Some(&(LineKind::Output, "2".to_string())),
        "{out:?}"
    );
    // Said after the interrupted statement's KeyboardInterrupt, as it was typed after it.
    let lines = &h.state().state.consoles[0].lines;
    let note =
        "(not run: for i in range(3): — Ctrl+C drops the lines typed ahead, as a terminal does)";
    let interrupted = lines.iter().position(|l| l.text == "KeyboardInterrupt");
    let said = lines
        .iter()
        .position(|l| l.kind == LineKind::Note && l.text == note);
    assert!(
        interrupted.is_some() && said.is_some() && interrupted < said,
        "{lines:#?}"
    );
}
