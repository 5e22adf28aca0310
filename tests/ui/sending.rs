//! Sending from the window: File mode with a dialog, repeat and stop, the library and history,
//! partial sends; and receive-to-file, exports, pause and the cap. Real loopback peers.

use std::net::{TcpListener, UdpSocket};

use crate::ui_common::*;
use egui_kittest::kittest::Queryable;
use socklab::engine::{Endpoint, Op, OptValue, SockState};
use socklab::ui::dialogs::ScriptedDialogs;
use socklab::ui::state::Action;

fn connect_tcp(h: &mut H, port: u16) {
    click(h, "New TCP");
    step_until(h, "a socket", |a| a.state.selected_view().is_some());
    replace_text(h, "peer port", &port.to_string());
    click(h, "connect");
    step_until(h, "connected", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.state() == SockState::Connected)
    });
}

fn status(h: &H) -> String {
    selected(h).status.clone().unwrap_or_default()
}

/// What the last export said (beside the export buttons, not on the send row's line).
fn export_status(h: &H) -> String {
    selected(h).export_status.clone().unwrap_or_default()
}

fn bound_udp(h: &mut H) -> u16 {
    click(h, "New UDP");
    step_until(h, "a socket", |a| a.state.selected_view().is_some());
    click(h, "bind");
    step_until(h, "bound", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.local())
            .and_then(Endpoint::port)
            .is_some_and(|p| p != 0)
    });
    selected(h).local().and_then(Endpoint::port).unwrap()
}

#[test]
fn file_mode_sends_100_mb_byte_identical() {
    const SIZE: usize = 100 << 20;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    let want = crate::common::random_file(&path, SIZE, 42);
    let peer = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = peer.local_addr().unwrap().port();
    let sink = std::thread::spawn(move || crate::common::drain_hash(peer.accept().unwrap().0));

    let dialogs = ScriptedDialogs::default();
    let mut h = harness_with_dialogs(dialogs.clone());
    connect_tcp(&mut h, port);
    click(&mut h, "File");
    assert!(
        h.query_by_label_contains("pick a file").is_some(),
        "File mode asks for a file first"
    );
    // No file chosen (cancelled, or no dialog could open): said, with where to type it.
    dialogs.answer(None);
    click(&mut h, "Open file...");
    assert!(
        status(&h).starts_with("No file was chosen."),
        "{}",
        status(&h)
    );
    dialogs.answer(Some(path.clone()));
    click(&mut h, "Open file...");
    assert_eq!(
        dialogs.asked.lock().unwrap().as_slice(),
        ["File to send", "File to send"]
    );
    assert_eq!(selected(&h).form.file_path, path.display().to_string());
    // The file is looked at off the frame; its size is drawn when known.
    step_until_drawn(&mut h, "the file's size", |h| {
        h.query_by_label_contains(&format!("{SIZE} bytes, read from disk"))
            .is_some()
    });
    replace_text(&mut h, "file to send", &dir.path().display().to_string());
    step_until_drawn(&mut h, "a folder named", |h| {
        h.query_by_label_contains("is a folder, not a file")
            .is_some()
    });
    let missing = dir.path().join("none.bin").display().to_string();
    replace_text(&mut h, "file to send", &missing);
    step_until_drawn(&mut h, "a missing file named", |h| {
        h.query_by_label_contains(&format!(
            "could not read the file to send from {missing}: No such file or directory (os error 2) (ENOENT); check the path"
        ))
        .is_some()
    });
    replace_text(&mut h, "file to send", &path.display().to_string());
    step_until_drawn(&mut h, "the file's size again", |h| {
        h.query_by_label_contains(&format!("{SIZE} bytes, read from disk"))
            .is_some()
    });
    click(&mut h, "send file");
    step_until(&mut h, "the file sent", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.status.as_deref())
            .is_some_and(|t| t.starts_with("send job done"))
    });
    assert!(
        status(&h).starts_with(&format!("send job done: {SIZE} bytes")),
        "{}",
        status(&h)
    );
    click(&mut h, "close");
    assert_eq!(sink.join().unwrap(), (SIZE as u64, want));
    let hist = &h.state().state.settings.history;
    assert_eq!(
        hist[0].payload,
        path.display().to_string(),
        "the send is in the history"
    );
}

#[test]
fn repeat_n_times_then_until_stopped() {
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(DEADLINE)).unwrap();
    let port = peer.local_addr().unwrap().port();
    let mut h = harness();
    click(&mut h, "New UDP");
    step_until(&mut h, "a socket", |a| a.state.selected_view().is_some());
    replace_text(&mut h, "peer port", &port.to_string());
    replace_text(&mut h, "payload", "ping\\n");
    replace_text(&mut h, "times", "3");
    replace_text(&mut h, "interval (ms)", "0");
    // A datagram socket has no sendall/send choice: each message is one datagram, and
    // the call is the one it makes.
    assert!(h.query_by_label("each with sendall").is_none());
    assert!(h
        .query_by_label("each message one datagram, with sendto")
        .is_some());
    click(&mut h, "start repeating");
    let mut buf = [0u8; 64];
    for _ in 0..3 {
        let n = peer.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"ping\n");
    }
    step_until(&mut h, "the job done", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.status.as_deref())
            .is_some_and(|t| t.starts_with("send job done: 15 bytes in 3 calls"))
    });

    click(&mut h, "until stopped");
    replace_text(&mut h, "interval (ms)", "5");
    click(&mut h, "start repeating");
    step_until(&mut h, "the job running", |a| {
        a.state.selected_view().is_some_and(|s| s.job.is_some())
    });
    for _ in 0..2 {
        let n = peer.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"ping\n");
    }
    // The running job says what it does (in a frame drawn since it began).
    let shown = format!("until stopped every 0.005 s (sendto ('127.0.0.1', {port})): ");
    step_until_drawn(&mut h, "the running job's words", |h| {
        h.query_by_label_contains(&shown).is_some()
    });
    click(&mut h, "stop sending");
    step_until(&mut h, "the job stopped", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.status.as_deref())
            .is_some_and(|t| t.starts_with("send job stopped"))
    });
    assert!(selected(&h).job.is_none());
    assert!(h.state().state.journal.iter().any(|e| e.line
        == "# s1: send b'ping\\n' until stopped every 0.005 s (sendto ('127.0.0.1', ".to_string()
            + &port.to_string()
            + "))"));
    // Its auto-receive reads datagrams with recvfrom, as the journal says.
    click(&mut h, "auto-receive");
    step_until(&mut h, "the journal's line", |a| {
        a.state.journal.iter().any(|e| {
            e.line == "# s1: auto-receive on (recvfrom(1024) in a loop, each datagram with its sender)"
        })
    });
}

#[test]
fn library_saves_sends_exports_and_imports() {
    let peer = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = peer.local_addr().unwrap().port();
    let mut h = harness();
    connect_tcp(&mut h, port);
    let (mut conn, _) = peer.accept().unwrap();
    conn.set_read_timeout(Some(DEADLINE)).unwrap();

    click(&mut h, "Hex");
    replace_text(&mut h, "payload", "01 03 00 00 00 0a");
    replace_text(&mut h, "payload name", "modbus read");
    click(&mut h, "save to library");
    assert_eq!(h.state().state.settings.library.len(), 1);
    click(&mut h, "Text");
    replace_text(&mut h, "payload", "something else");

    click(&mut h, "library (1)");
    click(&mut h, "send saved");
    let mut got = [0u8; 6];
    std::io::Read::read_exact(&mut conn, &mut got).unwrap();
    assert_eq!(got, [1, 3, 0, 0, 0, 10], "one click sends the saved bytes");
    assert_eq!(
        h.state().state.settings.history[0].payload,
        "01 03 00 00 00 0a"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lib.json");
    click(&mut h, "library (1)");
    replace_text(&mut h, "library file", &file.display().to_string());
    click(&mut h, "export");
    files_done(&mut h);
    assert!(
        h.state()
            .state
            .library_status
            .as_deref()
            .is_some_and(|s| s.starts_with("exported 1 payloads")),
        "{:?}",
        h.state().state.library_status
    );
    click(&mut h, "library (1)");
    click(&mut h, "delete saved");
    assert!(h.state().state.settings.library.is_empty());
    click(&mut h, "library (0)");
    click(&mut h, "import");
    files_done(&mut h);
    let lib = &h.state().state.settings.library;
    assert_eq!(lib.len(), 1);
    assert_eq!(lib[0].name, "modbus read");
    assert_eq!(lib[0].mode, socklab::payload::Mode::Hex);

    // History: "edit again" puts the payload back in the editor.
    h.key_press(egui::Key::Escape);
    h.step();
    click(&mut h, "history (1)");
    click(&mut h, "edit again");
    assert_eq!(selected(&h).form.payload, "01 03 00 00 00 0a");
    assert_eq!(selected(&h).form.mode, socklab::payload::Mode::Hex);
}

#[test]
fn a_partial_send_says_how_much_the_kernel_took() {
    // A peer with a tiny receive buffer that never reads, a sender with a tiny send buffer:
    // a non-blocking send() of 100,000 bytes can take only part.
    let peer = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    peer.set_recv_buffer_size(4096).unwrap();
    peer.bind(
        &"127.0.0.1:0"
            .parse::<std::net::SocketAddr>()
            .unwrap()
            .into(),
    )
    .unwrap();
    peer.listen(1).unwrap();
    let port = peer.local_addr().unwrap().as_socket().unwrap().port();
    let mut h = harness();
    click(&mut h, "New TCP");
    step_until(&mut h, "a socket", |a| a.state.selected_view().is_some());
    let id = selected(&h).info.id;
    h.state_mut().push(Action::Call {
        id,
        op: Op::SetSockOpt {
            level: libc::SOL_SOCKET,
            name: libc::SO_SNDBUF,
            value: OptValue::Int(4096),
        },
    });
    replace_text(&mut h, "peer port", &port.to_string());
    click(&mut h, "connect");
    step_until(&mut h, "connected", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.state() == SockState::Connected)
    });
    let _held = peer.accept().unwrap();
    click(&mut h, "setblocking(False)");
    h.state_mut()
        .state
        .sockets
        .get_mut(&id)
        .unwrap()
        .form
        .payload = "x".repeat(100_000);
    h.step();
    click(&mut h, "send");
    step_until(&mut h, "the partial count", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.status.as_deref())
            .is_some_and(|t| t.starts_with("send() took"))
    });
    let st = status(&h);
    assert!(
        st.contains(" of 100000 bytes") && !st.starts_with("send() took all"),
        "{st}"
    );
    assert!(h
        .query_by_label_contains("were not sent (sendall sends every byte)")
        .is_some());
}

#[test]
fn receive_to_file_exports_pause_and_cap() {
    let dir = tempfile::tempdir().unwrap();
    let dialogs = ScriptedDialogs::default();
    let mut h = harness_with_dialogs(dialogs.clone());
    let port = bound_udp(&mut h);
    // Big enough for the 60,000-byte datagrams below (a smaller buffer truncates them).
    replace_text(&mut h, "bufsize", "65536");
    click(&mut h, "auto-receive");
    let rec = dir.path().join("rec.bin");
    dialogs.answer(Some(rec.clone()));
    click(&mut h, "Record file...");
    assert_eq!(selected(&h).form.record_path, rec.display().to_string());
    click(&mut h, "receive to file");
    step_until(&mut h, "recording", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.snapshot.as_ref())
            .is_some_and(|s| s.recording.is_some() && s.auto_receive)
    });
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    for m in [&b"one,"[..], b"two\x00", b"three"] {
        peer.send_to(m, ("127.0.0.1", port)).unwrap();
    }
    step_until(&mut h, "3 rows", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.traffic.len() == 3)
    });
    click(&mut h, "receive to file");
    step_until(&mut h, "recording off", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.snapshot.as_ref())
            .is_some_and(|s| s.recording.is_none())
    });
    assert_eq!(std::fs::read(&rec).unwrap(), b"one,two\x00three");

    click(&mut h, "pause view");
    for m in [&b"four"[..], b"five"] {
        peer.send_to(m, ("127.0.0.1", port)).unwrap();
    }
    step_until(&mut h, "5 rows logged", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.traffic.len() == 5)
    });
    assert!(h.query_by_label("paused: 3 of 5 rows shown").is_some());
    click(&mut h, "pause view");
    assert!(h.query_by_label("5 rows").is_some());

    let csv = dir.path().join("t.csv");
    open_save_and_export(&mut h);
    replace_text(&mut h, "save to", &csv.display().to_string());
    click(&mut h, "export CSV");
    files_done(&mut h);
    let text = std::fs::read_to_string(&csv).unwrap();
    // The traffic it holds and the file's own size, which are not the same.
    let said = format!(
        "saved the traffic log as CSV (5 rows, 21 bytes of traffic; the file is {} bytes)",
        text.len()
    );
    assert!(
        export_status(&h).starts_with(&said),
        "{}",
        export_status(&h)
    );
    assert!(status(&h).is_empty(), "not on the send row: {}", status(&h));
    step_until_drawn(&mut h, "said beside the export buttons", |h| {
        h.query_by_label_contains(&said).is_some()
    });
    assert_eq!(text.lines().count(), 6);
    assert!(text.contains(",in,4,127.0.0.1:"));
    assert!(text.lines().nth(2).unwrap().ends_with(",74 77 6f 00"));
    let jl = dir.path().join("t.jsonl");
    replace_text(&mut h, "save to", &jl.display().to_string());
    click(&mut h, "export JSON lines");
    files_done(&mut h);
    assert_eq!(std::fs::read_to_string(&jl).unwrap().lines().count(), 5);
    let bin = dir.path().join("rx.bin");
    dialogs.answer(Some(bin.clone()));
    click(&mut h, "Save as...");
    click(&mut h, "save received bytes");
    files_done(&mut h);
    assert_eq!(std::fs::read(&bin).unwrap(), b"one,two\x00threefourfive");
    replace_text(&mut h, "save to", "/no/such/dir/x.bin");
    click(&mut h, "save received bytes");
    files_done(&mut h);
    assert!(
        export_status(&h).ends_with("(ENOENT); the folder does not exist: pick one that does"),
        "{}",
        export_status(&h)
    );

    // The cap, set to 1 MiB: 40 datagrams of 60,000 bytes evict the oldest rows.
    replace_text(&mut h, "memory cap (MiB)", "1");
    click(&mut h, "set cap");
    assert_eq!(h.state().state.settings.traffic_cap_mib, 1);
    // One at a time, each seen before the next, so no datagram is lost to a full buffer.
    let block = vec![b'x'; 60_000];
    for i in 1..=40 {
        peer.send_to(&block, ("127.0.0.1", port)).unwrap();
        step_until(&mut h, "the datagram logged", |a| {
            a.state
                .selected_view()
                .is_some_and(|s| s.traffic.len() as u64 + s.traffic.evicted_rows == 5 + i)
        });
    }
    let t = &selected(&h).traffic;
    assert!(
        t.evicted_rows > 0,
        "held {} rows {}",
        t.len(),
        t.bytes_held()
    );
    assert!(h
        .query_by_label_contains("evicted by the memory cap")
        .is_some());
    assert!(selected(&h).traffic.bytes_held() <= 1 << 20);
}

#[test]
fn a_file_already_there_is_replaced_only_when_the_person_says_so() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness();
    let port = bound_udp(&mut h);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.send_to(b"hello", ("127.0.0.1", port)).unwrap();
    click(&mut h, "auto-receive");
    step_until(&mut h, "a row", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.traffic.len() == 1)
    });

    // Receive to a file that is there: the engine refuses, the window asks.
    let rec = dir.path().join("rec.bin");
    std::fs::write(&rec, b"keep me").unwrap();
    replace_text(&mut h, "record to", &rec.display().to_string());
    click(&mut h, "receive to file");
    step_until(&mut h, "the question", |a| {
        a.state.confirm_replace.is_some()
    });
    assert!(h
        .query_by_label_contains("rec.bin already exists. Replace it with the received bytes?")
        .is_some());
    click(&mut h, "Keep it");
    assert!(h.state().state.confirm_replace.is_none());
    assert_eq!(std::fs::read(&rec).unwrap(), b"keep me", "kept");
    assert_eq!(
        status(&h),
        format!("kept {} as it was: nothing written", rec.display())
    );
    click(&mut h, "receive to file");
    step_until(&mut h, "the question again", |a| {
        a.state.confirm_replace.is_some()
    });
    click(&mut h, "Replace it");
    step_until(&mut h, "recording", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.snapshot.as_ref())
            .is_some_and(|s| s.recording.is_some())
    });
    assert_eq!(std::fs::read(&rec).unwrap(), b"", "replaced once asked");

    // An export over a file that is there: asked too, and the file keeps its mode.
    let csv = dir.path().join("t.csv");
    std::fs::write(&csv, b"old").unwrap();
    std::fs::set_permissions(&csv, std::fs::Permissions::from_mode(0o600)).unwrap();
    open_save_and_export(&mut h);
    replace_text(&mut h, "save to", &csv.display().to_string());
    click(&mut h, "export CSV");
    files_done(&mut h);
    assert!(h.state().state.confirm_replace.is_some());
    assert_eq!(std::fs::read(&csv).unwrap(), b"old");
    click(&mut h, "Replace it");
    files_done(&mut h);
    assert!(
        export_status(&h).starts_with("saved the traffic log as CSV"),
        "{}",
        export_status(&h)
    );
    assert!(std::fs::read_to_string(&csv).unwrap().starts_with("time,"));
    let mode = std::fs::metadata(&csv).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    // The journal likewise.
    let journal = dir.path().join("session.py");
    std::fs::write(&journal, b"# mine").unwrap();
    type_into(&mut h, "journal file", journal.to_str().unwrap());
    click(&mut h, "Save journal");
    files_done(&mut h);
    assert!(h.state().state.confirm_replace.is_some());
    assert_eq!(std::fs::read(&journal).unwrap(), b"# mine");
    click(&mut h, "Replace it");
    files_done(&mut h);
    assert!(std::fs::read_to_string(&journal)
        .unwrap()
        .starts_with("import socket"));
}

/// Unfolds the traffic view's "save and export" (folded until asked for).
fn open_save_and_export(h: &mut H) {
    if h.query_by_label("save to").is_none() {
        click(h, "save and export");
    }
}

/// A device that dropped the connection: the client's page offers to reconnect, which
/// makes a new socket with the page's payload, connects it to the same peer and receives.
#[test]
fn a_client_whose_peer_closed_reconnects_as_a_new_socket() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let mut h = harness();
    connect_tcp(&mut h, port);
    let old = selected(&h).info.id;
    assert!(
        h.query_by_label("reconnect").is_none(),
        "connected: nothing to redo"
    );
    replace_text(&mut h, "payload", "ping");
    click(&mut h, "auto-receive");
    h.run();
    // Where the send row is on the page (from its top row: the page may be scrolled).
    let send_row =
        |h: &H| h.get_by_label("payload").rect().min.y - h.get_by_label("bind").rect().min.y;
    let payload = send_row(&h);
    let (first, _) = server.accept().unwrap();
    drop(first);
    step_until(&mut h, "the peer's end seen", |a| {
        a.state.sockets[&old].state() == SockState::HalfClosed
            && a.state.sockets[&old].reconnect_to().is_some()
    });
    step_until_drawn(&mut h, "the reconnect button", |h| {
        h.query_by_label("reconnect").is_some()
    });
    // The peer's doing, not the person's: the fields below stay where the pointer was.
    assert_eq!(send_row(&h), payload, "the reconnect button moved the page");
    // The page's own line says what the state means, on hover.
    h.get_by_label_contains("| half-closed (peer done sending)")
        .hover();
    step_until_drawn(&mut h, "the state's meaning", |h| {
        h.query_by_label_contains("the peer closed its side: recv() returns b''")
            .is_some()
    });
    // Its words, on hover: why a new socket, and that this one stays open.
    h.get_by_label("reconnect").hover();
    step_until_drawn(&mut h, "the reconnect tooltip", |h| {
        h.query_by_label_contains("This socket stays open, its connection over")
            .is_some()
    });
    click(&mut h, "reconnect");
    // Taken while the window goes on (its frames make the new socket).
    server.set_nonblocking(true).unwrap();
    let second = std::cell::RefCell::new(None);
    step_until(&mut h, "a new socket, connected and selected", |a| {
        let mut taken = second.borrow_mut();
        if taken.is_none() {
            *taken = server.accept().ok().map(|(c, _)| c);
        }
        a.state.selected_view().is_some_and(|s| {
            s.info.id != old
                && s.state() == SockState::Connected
                && s.snapshot.as_ref().is_some_and(|x| x.auto_receive)
        })
    });
    let new = selected(&h);
    assert_eq!(new.form.payload, "ping");
    assert_eq!(new.peer().and_then(Endpoint::port), Some(port));
    let mut second = match second.into_inner() {
        Some(c) => c,
        None => server.accept().expect("the second connection").0,
    };
    std::io::Write::write_all(&mut second, b"hello").unwrap();
    step_until(&mut h, "its reply received", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.traffic.iter().any(|r| r.data == b"hello"))
    });
}

/// A client whose peer ended the connection is still that peer's client in a workspace:
/// saved with where it connected and its repeat settings, it connects again when the file
/// is opened, the row as it was.
#[test]
fn a_workspace_keeps_an_ended_clients_peer_and_its_repeat_row() {
    use socklab::ui::workspace::{Place, Workspace};
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let mut h = harness();
    connect_tcp(&mut h, port);
    let old = selected(&h).info.id;
    {
        let form = &mut h.state_mut().state.sockets.get_mut(&old).unwrap().form;
        form.repeat.interval_ms = "100".into();
        form.repeat.forever = true;
    }
    let (first, _) = server.accept().unwrap();
    drop(first);
    step_until(&mut h, "the peer's end seen", |a| {
        a.state.sockets[&old].reconnect_to().is_some()
    });
    let (ws, _) = Workspace::of(&h.state().state);
    let saved = ws.sockets.iter().find(|s| s.repeat.is_some()).unwrap();
    assert_eq!(
        saved.connect,
        Some(Place::Inet {
            host: "127.0.0.1".into(),
            port
        })
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ended.toml");
    std::fs::write(&path, ws.to_toml().unwrap()).unwrap();
    let mut other = opened_with(path);
    server.set_nonblocking(true).unwrap();
    let again = std::cell::RefCell::new(None);
    step_until(&mut other, "connected again, its row as it was", |a| {
        let mut taken = again.borrow_mut();
        if taken.is_none() {
            *taken = server.accept().ok().map(|(c, _)| c);
        }
        a.state.sockets.values().any(|s| {
            s.state() == SockState::Connected
                && s.form.repeat.interval_ms == "100"
                && s.form.repeat.forever
        })
    });
}

/// The bind row the window filled with the port a connect took follows the kernel: a
/// connect tried again after a refusal takes another port, and the row says that one.
#[test]
fn the_bind_row_follows_the_port_a_retried_connect_took() {
    let refusing = free_port();
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let mut h = harness();
    click(&mut h, "New TCP");
    step_until(&mut h, "a socket", |a| a.state.selected_view().is_some());
    replace_text(&mut h, "peer port", &refusing.to_string());
    click(&mut h, "connect");
    step_until(&mut h, "refused, the row filled", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.last_error.is_some() && s.form.bind_port != "0")
    });
    replace_text(&mut h, "peer port", &port.to_string());
    click(&mut h, "connect");
    step_until(&mut h, "connected, the row the kernel's port", |a| {
        a.state.selected_view().is_some_and(|s| {
            let local = s.local().and_then(Endpoint::port);
            s.state() == SockState::Connected
                && local.is_some_and(|p| s.form.bind_port == p.to_string())
                && s.form.bind_host == "127.0.0.1"
        })
    });
}

/// On a stream the repeat's call is a choice, drawn as one (radio buttons that say which
/// is chosen), not as buttons like the sendall beside them.
#[test]
fn the_repeats_call_is_a_choice() {
    use egui_kittest::kittest::NodeT;
    let mut h = harness();
    click(&mut h, "New TCP");
    step_until(&mut h, "a socket", |a| a.state.selected_view().is_some());
    let role = |h: &H, l: &str| h.get_by_label(l).accesskit_node().role();
    let chosen = |h: &H, l: &str| h.get_by_label(l).accesskit_node().toggled();
    assert_eq!(
        role(&h, "each with sendall"),
        egui::accesskit::Role::RadioButton
    );
    assert_eq!(
        chosen(&h, "each with sendall"),
        Some(egui::accesskit::Toggled::True)
    );
    click(&mut h, "each with send");
    assert!(!selected(&h).form.repeat.all);
    assert_eq!(
        chosen(&h, "each with sendall"),
        Some(egui::accesskit::Toggled::False)
    );
}
