//! Servers in the window: the accept queue shown and taken one by one, broadcast to every
//! client, a regex rule answering with its capture, and the warning for exposed addresses.

use std::io::{Read, Write};
use std::net::TcpStream;

use crate::ui_common::*;
use egui_kittest::kittest::{NodeT, Queryable};
use socklab::engine::{Endpoint, SockState};

/// A listener on 127.0.0.1 with a kernel-chosen port, selected; returns the port.
fn listener(h: &mut H) -> u16 {
    click(h, "New TCP");
    step_until(h, "a socket", |a| a.state.selected_view().is_some());
    click(h, "bind");
    click(h, "listen");
    step_until(h, "listening", |a| {
        a.state.selected_view().is_some_and(|s| {
            s.state() == SockState::Listening
                && s.local().and_then(Endpoint::port).is_some_and(|p| p != 0)
        })
    });
    selected(h).local().and_then(Endpoint::port).unwrap()
}

/// Clicks an entry of the open popup (popups are not scrolled into view).
fn pick(h: &mut H, label: &str) {
    h.get_by_label(label).click();
    h.step();
    h.step();
}

/// Picks a responder from its open menu, where each says what it does beside its name;
/// the chosen one's words stay beside the menu.
fn pick_responder(h: &mut H, name: &str) {
    let prefix = format!("{name}  ·  ");
    h.get_by(|n| n.label().is_some_and(|l| l.starts_with(&prefix)))
        .click();
    h.step();
    h.step();
    let said = h
        .query_all_by(|n| n.label().is_some_and(|l| l.starts_with(&prefix)))
        .count();
    assert_eq!(said, 0, "the menu closed");
}

fn client(port: u16) -> TcpStream {
    let c = TcpStream::connect(("127.0.0.1", port)).unwrap();
    c.set_read_timeout(Some(DEADLINE)).unwrap();
    c
}

fn read_n(c: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n];
    c.read_exact(&mut b).unwrap();
    b
}

#[test]
fn manual_accept_takes_one_from_the_queue() {
    let mut h = harness();
    let port = listener(&mut h);
    let a = client(port);
    let b = client(port);
    step_until(&mut h, "two queued", |app| {
        app.state
            .selected_view()
            .and_then(|s| s.snapshot.as_ref())
            .is_some_and(|x| x.accept_queue.len() == 2)
    });
    assert!(h
        .query_by_label_contains("2 waiting in the accept queue (backlog 5)")
        .is_some());
    let first = a.local_addr().unwrap().to_string();
    for c in [&a, &b] {
        let me = c.local_addr().unwrap().to_string();
        assert!(
            h.query_by_label_contains(&format!(". {me}")).is_some(),
            "the queue lists its peer {me}"
        );
    }
    click(&mut h, "accept");
    step_until(&mut h, "one accepted, one still queued", |app| {
        app.state.sockets.len() == 2
            && app
                .state
                .sockets
                .values()
                .next()
                .and_then(|s| s.snapshot.as_ref())
                .is_some_and(|x| x.accept_queue.len() == 1)
    });
    let conn = h.state().state.sockets.values().nth(1).unwrap();
    assert_eq!(conn.info.name, "conn1");
    assert_eq!(conn.peer().map(|p| p.to_string()), Some(first));
    drop(b);
}

#[test]
fn broadcast_reaches_every_client() {
    let mut h = harness();
    let port = listener(&mut h);
    let listener_id = selected(&h).info.id;
    click(&mut h, "auto-accept");
    let mut clients: Vec<TcpStream> = (0..3).map(|_| client(port)).collect();
    step_until(&mut h, "three clients", |a| {
        a.state.open_children(listener_id).len() == 3
    });
    assert!(h.query_by_label("3 clients open").is_some());
    replace_text(&mut h, "payload", "news\\n");
    click(&mut h, "broadcast");
    for c in &mut clients {
        assert_eq!(read_n(c, 5), b"news\n");
    }
    click(&mut h, "close all");
    for c in &mut clients {
        let mut rest = Vec::new();
        c.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty(), "closed by the server");
    }
}

/// A listener moves no bytes itself: its view gathers what its connections moved, in
/// order, each row naming the connection and its client, and a row leads to its connection.
#[test]
fn a_listener_shows_every_connections_traffic() {
    let mut h = harness();
    let port = listener(&mut h);
    let listener_id = selected(&h).info.id;
    click(&mut h, "auto-accept");
    assert!(
        h.query_by_label_contains("A listening socket sends and receives nothing itself.")
            .is_some(),
        "the listener says what its view holds"
    );
    let mut a = client(port);
    step_until(&mut h, "the first client", |app| {
        app.state.open_children(listener_id).len() == 1
    });
    let mut b = client(port);
    step_until(&mut h, "the second client", |app| {
        app.state.open_children(listener_id).len() == 2
    });
    let rows = |app: &socklab::ui::SocklabApp| app.state.sockets[&listener_id].traffic.len();
    a.write_all(b"from-a").unwrap();
    step_until(&mut h, "a's bytes", |app| rows(app) == 1);
    b.write_all(b"from-b").unwrap();
    step_until(&mut h, "b's bytes", |app| rows(app) == 2);
    replace_text(&mut h, "payload", "news");
    click(&mut h, "broadcast");
    assert_eq!(read_n(&mut a, 4), b"news");
    assert_eq!(read_n(&mut b, 4), b"news");
    step_until(&mut h, "both sends", |app| rows(app) == 4);
    let (pa, pb) = (
        a.local_addr().unwrap().to_string(),
        b.local_addr().unwrap().to_string(),
    );
    step_until_drawn(&mut h, "the gathered rows", |h| {
        h.query_by_label_contains(&format!("in       6 B [conn1 {pa}]  from-a"))
            .is_some()
            && h.query_by_label_contains(&format!("in       6 B [conn2 {pb}]  from-b"))
                .is_some()
    });
    assert_eq!(
        h.query_all_by_label_contains("out      4 B [conn").count(),
        2,
        "the broadcast, once to each"
    );
    // The listener's own counters are always nothing: what its connections' rows add up
    // to is said instead.
    assert!(h
        .query_by_label_contains("its connections together: in 12 B | out 8 B")
        .is_some());
    // Their received bytes interleaved are no one stream: not saved as one (the button
    // greyed, where it is on every page), while the exports are there.
    click(&mut h, "save and export");
    {
        assert!(h
            .get_by_label("save received bytes")
            .accesskit_node()
            .is_disabled());
        assert!(!h.get_by_label("export CSV").accesskit_node().is_disabled());
    }
    click(&mut h, "save and export");
    // Two clients' bytes are two streams, not one.
    click(&mut h, "merge chunks");
    assert!(h
        .query_by_label_contains(&format!("in  [conn1 {pa}] 1 chunk, 6 bytes: from-a"))
        .is_some());
    click(&mut h, "merge chunks");
    let conn2 = h.state().state.open_children(listener_id)[1];
    let gathered_row = h
        .get_by_label_contains(&format!("[conn2 {pb}]  from-b"))
        .value()
        .unwrap_or_default();
    h.get_by_label_contains(&format!("[conn2 {pb}]  from-b"))
        .click_secondary();
    h.step();
    h.step();
    click(&mut h, "Go to connection conn2");
    step_until(&mut h, "conn2 selected", |app| {
        app.state.selected == Some(conn2)
    });
    // The connection's own view has its bytes alone, with no brackets.
    step_until_drawn(&mut h, "conn2's own rows", |h| {
        h.query_by_label_contains("in       6 B  from-b").is_some()
            && h.query_by_label_contains("[conn1").is_none()
    });
    // One message, one time: both views count from the first row of any socket.
    let own_row = h
        .get_by_label_contains("in       6 B  from-b")
        .value()
        .unwrap_or_default();
    assert_eq!(
        own_row.get(..10),
        gathered_row.get(..10),
        "{own_row} / {gathered_row}"
    );
    assert!(own_row.len() > 10, "{own_row}");
}

/// Answer on a listener answers the connections it has already accepted too (an engineer
/// sets the rules up after the device connected), and stop answering stops them.
#[test]
fn a_listeners_responder_answers_its_open_connections() {
    let mut h = harness();
    let port = listener(&mut h);
    let listener_id = selected(&h).info.id;
    click(&mut h, "auto-accept");
    let mut c = client(port);
    // Accepted, and the listener's reading of it in (its queue empty again): the page
    // above the responder no longer changes between a click's hover and its press.
    step_until(&mut h, "the connection", |app| {
        app.state.open_children(listener_id).len() == 1
            && app.state.sockets[&listener_id]
                .snapshot
                .as_ref()
                .is_some_and(|x| {
                    x.accept_queue.is_empty() && x.clients.is_some_and(|(n, _)| n == 1)
                })
    });
    let conn = h.state().state.open_children(listener_id)[0];
    click(&mut h, "responder");
    pick_responder(&mut h, "rules");
    click(&mut h, "add rule");
    replace_text(&mut h, "pattern 1", "PING");
    replace_text(&mut h, "reply 1", "PONG");
    click(&mut h, "answer");
    let responder = |app: &socklab::ui::SocklabApp| {
        app.state.sockets[&conn]
            .snapshot
            .as_ref()
            .and_then(|x| x.responder.clone())
    };
    step_until(&mut h, "the open connection answering", |app| {
        responder(app).as_deref() == Some("rules (1)")
    });
    c.write_all(b"PING").unwrap();
    assert_eq!(read_n(&mut c, 4), b"PONG");
    let told = |app: &socklab::ui::SocklabApp| {
        app.state
            .journal
            .iter()
            .filter(|e| e.line == "# s1: so is its open connection")
            .count()
    };
    assert_eq!(told(h.state()), 1);
    // Answer pressed again on the same form changes nothing: the connection is not given
    // its responder anew (a greeting or a challenge would be said again).
    click(&mut h, "answer");
    step_until(&mut h, "the second answer taken", |app| {
        app.state
            .journal
            .iter()
            .filter(|e| e.line == "# s1: answer with the rules (1) responder" && e.done)
            .count()
            == 2
    });
    h.step();
    h.step();
    assert_eq!(told(h.state()), 1, "the connection left as it was");
    click(&mut h, "stop answering");
    step_until(&mut h, "the connection no longer answering", |app| {
        responder(app).is_none()
    });
}

#[test]
fn a_regex_rule_answers_with_its_capture() {
    let mut h = harness();
    let port = listener(&mut h);
    // Nothing to stop before it answers.
    use egui_kittest::kittest::NodeT;
    let stop_disabled = |h: &H| {
        h.get_by_label("stop answering")
            .accesskit_node()
            .is_disabled()
    };
    assert!(stop_disabled(&h));
    click(&mut h, "responder");
    pick_responder(&mut h, "rules");
    step_until_drawn(&mut h, "what rules do, beside the menu", |h| {
        h.query_by_label_contains("answers by your rules: each chunk one recv() returns is matched")
            .is_some()
    });
    assert_eq!(selected(&h).form.responder, "rules");
    click(&mut h, "add rule");
    click(&mut h, "rule 1");
    pick(&mut h, "regex");
    replace_text(&mut h, "pattern 1", r"^GET (\w+)");
    replace_text(&mut h, "reply 1", "got {1}\\n");
    click(&mut h, "answer");
    click(&mut h, "auto-accept");
    step_until(&mut h, "answering with rules", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.snapshot.as_ref())
            .is_some_and(|x| x.responder.as_deref() == Some("rules (1)") && x.auto_accept)
    });
    let mut c = client(port);
    c.write_all(b"GET temperature\r\n").unwrap();
    assert_eq!(read_n(&mut c, 16), b"got temperature\n");
    // The rule's report shows on the connection that fired it.
    step_until(&mut h, "the note", |a| {
        a.state.sockets.values().any(|s| {
            s.notes.iter().any(|n| {
                matches!(
                    n,
                    socklab::engine::note::Note::RuleFired {
                        rule: 1,
                        kind: "regex",
                        ..
                    }
                )
            })
        })
    });
    // The listener's page, where the server is watched, shows its connections' reports.
    step_until_drawn(&mut h, "the rule's report on the listener's page", |h| {
        h.query_by_label_contains("the latest report of its connection conn1: rule 1 (")
            .is_some()
    });
    // A request no rule matches gets no answer: said, with its bytes, not left to look
    // like a reply lost.
    c.write_all(b"HELLO\r\n").unwrap();
    step_until(&mut h, "no rule matched, journaled", |a| {
        a.state.journal.iter().any(|e| {
            e.line
                .starts_with("# conn1: no rule matched the 7 bytes received, b'HELLO\\r\\n'")
        })
    });
    step_until_drawn(&mut h, "no rule matched, said", |h| {
        h.query_by_label_contains(
            "the latest report of its connection conn1: no rule matched the 7 bytes received, b'HELLO\\r\\n', so nothing was sent back (time 1 on this connection)",
        )
        .is_some()
    });
    assert!(h
        .state()
        .state
        .journal
        .iter()
        .any(|e| e.line == "# s1: answer with the rules (1) responder"));
    assert!(!stop_disabled(&h));
    // The connection's page shows the responder answering it, its rule included.
    let conn = h
        .state()
        .state
        .sockets
        .values()
        .find(|s| s.info.parent.is_some())
        .expect("the connection");
    assert_eq!(conn.form.responder, "rules");
    assert_eq!(conn.form.serve.rules.len(), 1);
    // A rule changed in the form is not what answers until answer is pressed: said so.
    let changed = "answering: rules (1) (the form has changed since: press answer to apply it)";
    assert!(h.query_by_label(changed).is_none());
    replace_text(&mut h, "reply 1", "now {1}\\n");
    step_until_drawn(&mut h, "said changed", |h| {
        h.query_by_label(changed).is_some()
    });
    click(&mut h, "answer");
    step_until_drawn(&mut h, "applied", |h| {
        h.query_by_label(changed).is_none() && h.query_by_label("answering: rules (1)").is_some()
    });
}

#[test]
fn binding_every_interface_warns() {
    let mut h = harness();
    click(&mut h, "New TCP");
    step_until(&mut h, "a socket", |a| a.state.selected_view().is_some());
    assert!(h
        .query_by_label_contains("0.0.0.0 is reachable from the network")
        .is_none());
    replace_text(&mut h, "bind host", "0.0.0.0");
    assert!(h
        .query_by_label_contains("0.0.0.0 is reachable from the network")
        .is_some());
}

/// A UDP client the kernel bound at its first sendto shows the kernel's 0.0.0.0 in its bind
/// field, and no warning about a server: there is no bind left to make.
#[test]
fn a_client_the_kernel_bound_is_not_warned_of_as_a_server() {
    let mut h = harness();
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = peer.local_addr().unwrap().port();
    click(&mut h, "New UDP");
    step_until(&mut h, "a socket", |a| a.state.selected_view().is_some());
    replace_text(&mut h, "peer port", &port.to_string());
    replace_text(&mut h, "payload", "hi");
    click(&mut h, "sendto");
    step_until(&mut h, "bound by the kernel", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.state() == SockState::Bound && s.form.bind_host == "0.0.0.0")
    });
    step_until_drawn(&mut h, "the kernel's port in the bind field", |h| {
        h.state()
            .state
            .selected_view()
            .is_some_and(|s| s.form.bind_port != "0" && !s.form.bind_port.is_empty())
    });
    assert!(h
        .query_by_label_contains("reachable from the network")
        .is_none());
}

#[test]
fn listening_without_bind_warns_as_binding_every_interface_does() {
    let mut h = harness();
    click(&mut h, "New TCP");
    step_until(&mut h, "a socket", |a| a.state.selected_view().is_some());
    // The bind field says 127.0.0.1, but listen() on an unbound socket binds 0.0.0.0: the
    // listen button's tooltip says so (not a line on every fresh socket, a client's too).
    let said = "listen() before bind() binds 0.0.0.0 (every interface)";
    assert!(h.query_by_label_contains(said).is_none());
    h.get_by_label("listen").hover();
    step_until_drawn(&mut h, "the listen tooltip", |h| {
        h.query_by_label_contains(said).is_some()
    });
    // Before listen() it is what listen() would do: said, not warned of.
    assert!(h
        .query_by_label_contains("Warning: listen() before")
        .is_none());
    click(&mut h, "listen");
    step_until(&mut h, "listening on every interface", |a| {
        a.state.selected_view().is_some_and(|s| {
            s.state() == SockState::Listening
                && s.local().and_then(Endpoint::port).is_some_and(|p| p != 0)
        })
    });
    h.step();
    let port = selected(&h).local().and_then(Endpoint::port).unwrap();
    assert!(
        h.query_by_label_contains(&format!("0.0.0.0:{port} is reachable from the network"))
            .is_some(),
        "the kernel's address is named once it listens there"
    );
    // A socket bound to loopback first listens without a warning.
    listener(&mut h);
    h.step();
    assert!(h
        .query_by_label_contains("reachable from the network")
        .is_none());
}

#[test]
fn a_thousand_clients_under_one_listener_draw_only_visible_rows() {
    const CLIENTS: usize = 1000;
    let limit = crate::common::raise_nofile();
    assert!(
        limit >= 3100,
        "the open-file limit ({limit}) cannot hold {CLIENTS} clients"
    );
    let mut h = harness();
    let port = listener(&mut h);
    let id = selected(&h).info.id;
    replace_text(&mut h, "backlog", "1024");
    click(&mut h, "listen");
    click(&mut h, "answer");
    click(&mut h, "auto-accept");
    step_until(&mut h, "answering", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.snapshot.as_ref())
            .is_some_and(|x| x.auto_accept && x.responder.is_some())
    });
    let mut clients: Vec<TcpStream> = (0..CLIENTS).map(|_| client(port)).collect();
    step_until(&mut h, "a thousand clients", |a| {
        a.state.open_children(id).len() == CLIENTS
    });
    assert!(h
        .query_by_label(&format!("{CLIENTS} clients open"))
        .is_some());
    let drawn = h.query_all_by_label_contains("conn").count();
    assert!(
        drawn > 0 && drawn < 100,
        "{drawn} socket rows drawn of {CLIENTS}"
    );
    // Every client is echoed while the window keeps drawing.
    for (i, c) in clients.iter_mut().enumerate() {
        c.write_all(format!("{i:04}").as_bytes()).unwrap();
    }
    for (i, c) in clients.iter_mut().enumerate() {
        assert_eq!(read_n(c, 4), format!("{i:04}").as_bytes());
        if i % 100 == 0 {
            h.step();
        }
    }
}

#[test]
fn an_echoed_connection_shows_what_it_moved() {
    let mut h = harness();
    let port = listener(&mut h);
    let id = selected(&h).info.id;
    click(&mut h, "answer");
    click(&mut h, "auto-accept");
    step_until(&mut h, "answering", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.snapshot.as_ref())
            .is_some_and(|x| x.auto_accept && x.responder.is_some())
    });
    let mut c = client(port);
    c.write_all(b"hello").unwrap();
    assert_eq!(read_n(&mut c, 5), b"hello");
    step_until(&mut h, "the connection's counters", |a| {
        a.state.open_children(id).iter().any(|conn| {
            a.state.sockets[conn]
                .snapshot
                .as_ref()
                .is_some_and(|s| (s.counters.bytes_in, s.counters.bytes_out) == (5, 5))
        })
    });
}

#[test]
fn hmac_verdicts_go_to_the_journal_and_the_listener_keeps_the_tally() {
    let mut h = harness();
    let port = listener(&mut h);
    click(&mut h, "responder");
    pick_responder(&mut h, "hmac");
    assert_eq!(
        selected(&h).form.serve.digest,
        "md5",
        "the tutorials' digest"
    );
    replace_text(&mut h, "key", "secret");
    click(&mut h, "answer");
    click(&mut h, "auto-accept");
    step_until(&mut h, "answering", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.snapshot.as_ref())
            .is_some_and(|x| x.auto_accept && x.responder.is_some())
    });
    // One client with the right key, as the Python Cookbook's client answers (the raw
    // md5 digest), and one with a wrong key.
    for key in [&b"secret"[..], &b"wrong"[..]] {
        let mut c = client(port);
        let mut challenge = [0u8; 32];
        c.read_exact(&mut challenge).unwrap();
        let mac = socklab::pyfmt::hashing::hmac_digest(
            socklab::pyfmt::hashing::Algo::from_name("md5").unwrap(),
            key,
            &challenge,
        );
        c.write_all(&mac).unwrap();
        let want: &[u8] = if key == b"secret" { b"OK\n" } else { b"FAIL\n" };
        assert_eq!(read_n(&mut c, want.len()), want);
    }
    step_until(&mut h, "both verdicts journaled", |a| {
        let j = &a.state.journal;
        j.iter().any(|e| e.line.contains(": HMAC check passed"))
            && j.iter().any(|e| e.line.contains(": HMAC check FAILED"))
    });
    step_until_drawn(&mut h, "the tally", |h| {
        h.query_by_label("HMAC checks: 1 passed, 1 failed")
            .is_some()
    });
}

#[test]
fn the_words_fit_the_case() {
    let mut h = harness();
    click(&mut h, "New UDP");
    step_until(&mut h, "a socket", |a| a.state.selected_view().is_some());
    clear_field(&mut h, "bind port");
    assert!(h
        .query_by_label("enter a port (0 picks a free one)")
        .is_some());
    clear_field(&mut h, "peer port");
    assert!(
        h.query_by_label("enter the peer's port").is_some(),
        "no '0 picks' for a peer"
    );
    replace_text(&mut h, "bind port", "0");
    click(&mut h, "bind");
    step_until(&mut h, "bound", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.local())
            .and_then(|a| a.port())
            .is_some_and(|p| p != 0)
    });
    let port = selected(&h).local().and_then(|a| a.port()).unwrap();
    replace_text(&mut h, "peer port", &port.to_string());
    replace_text(&mut h, "payload", "abc");
    click(&mut h, "sendto");
    step_until_drawn(&mut h, "sendto's count", |h| {
        h.query_by_label("sendto() took all 3 of 3 bytes").is_some()
    });
    click(&mut h, "setblocking(True)");
    step_until(&mut h, "journaled as called", |a| {
        a.state
            .journal
            .iter()
            .any(|e| e.line == "s1.setblocking(True)")
    });
    // Recent addresses: the bound one among the binds, the UDP peer among the datagram
    // sockets' peers; a refused connect is not offered again.
    let gone = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = gone.local_addr().unwrap().port();
    drop(gone);
    click(&mut h, "New TCP");
    step_until(&mut h, "a TCP socket", |a| a.state.sockets.len() == 2);
    replace_text(&mut h, "peer port", &dead.to_string());
    click(&mut h, "connect");
    step_until(&mut h, "refused", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.last_error.is_some())
    });
    let s = &h.state().state.settings;
    assert_eq!(s.recent_bind, ["127.0.0.1 0"]);
    assert_eq!(s.recent_dgram, [format!("127.0.0.1 {port}")]);
    assert!(s.recent.is_empty(), "{:?}", s.recent);
}

fn clear_field(h: &mut H, label: &str) {
    select_all_in(h, label);
    h.key_press(egui::Key::Backspace);
    h.step();
    h.step();
    assert_eq!(h.get_by_label(label).value().as_deref(), Some(""));
}
