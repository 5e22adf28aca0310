//! Workspaces: saved from the Workspace menu, opened again with `--workspace FILE` or at
//! the next start, the same sockets bound, listening and connected where they were; a
//! damaged file set aside with a notice.

use std::path::PathBuf;

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use socklab::engine::{AddrSpec, Kind, Op, SockState, Timeout};
use socklab::ui::app::Startup;
use socklab::ui::dialogs::ScriptedDialogs;
use socklab::ui::state::Action;
use socklab::ui::SocklabApp;

use crate::console::{open_console, run_lines};
use crate::ui_common::*;

fn harness_with(dialogs: ScriptedDialogs, startup: Startup) -> H {
    let startup = std::sync::Mutex::new(Some(startup));
    Harness::builder()
        .with_size(egui::vec2(1500.0, 1000.0))
        .build_eframe(move |cc| {
            let startup = startup.lock().unwrap().take().unwrap_or_default();
            SocklabApp::with_startup(cc, Box::new(dialogs.clone()), startup)
        })
}

fn id_of(h: &H, name: &str) -> socklab::engine::SocketId {
    h.state()
        .state
        .sockets
        .values()
        .find(|s| s.info.name == name && !s.closed)
        .unwrap_or_else(|| panic!("no socket {name}"))
        .info
        .id
}

fn view<'a>(h: &'a H, name: &str) -> &'a socklab::ui::state::SockView {
    &h.state().state.sockets[&id_of(h, name)]
}

fn local_of(h: &H, name: &str) -> Option<std::net::SocketAddr> {
    view(h, name).local().and_then(|e| e.inet())
}

fn option(h: &H, name: &str, opt: &str) -> Option<i64> {
    view(h, name)
        .snapshot
        .as_ref()?
        .options
        .iter()
        .find(|o| o.name == opt)?
        .value
        .ok()
}

/// Clicks an item of the top bar's Workspace menu.
fn workspace_menu(h: &mut H, item: &str) {
    click(h, "Workspace");
    step_until_drawn(h, "the workspace menu", |h| {
        h.query_by_label(item).is_some()
    });
    click(h, item);
}

/// Opens `path` with the Workspace menu's file dialog and waits for the opening to end.
fn open_from_menu(h: &mut H, dialogs: &ScriptedDialogs, path: PathBuf) {
    dialogs.answer(Some(path));
    workspace_menu(h, "Open workspace…");
    step_until(h, "opened", |a| {
        !a.state.opening()
            && a.state
                .workspace_status
                .as_deref()
                .is_some_and(|s| s.starts_with("Opened"))
    });
}

fn notice(h: &H) -> String {
    h.state().state.workspace_status.clone().unwrap_or_default()
}

/// A listener made in the console as a tutorial makes it (SO_REUSEADDR, bind, listen),
/// answering with echo by clicks; a client connected to it, receiving, a payload typed; a
/// UDP socket bound with a timeout; a payload in the library. Saved from the menu, then
/// the window closed; `socklab --workspace FILE` opens the same sockets again.
#[test]
fn a_saved_workspace_opens_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.toml");
    let dialogs = ScriptedDialogs::default();
    let mut h = harness_with(dialogs.clone(), Startup::default());
    open_console(&mut h);
    run_lines(
        &mut h,
        0,
        &[
            "import socket",
            "srv = socket.socket()",
            "srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "srv.bind(('127.0.0.1', 0))",
            "srv.listen(7)",
        ],
    );
    step_until(&mut h, "srv listening", |a| {
        a.state
            .sockets
            .values()
            .any(|s| s.info.name == "srv" && s.state() == SockState::Listening)
    });
    let srv = id_of(&h, "srv");
    let srv_addr = local_of(&h, "srv").unwrap();
    for op in [
        Op::Respond {
            responder: Some(socklab::serve::build("echo", &Default::default()).unwrap()),
        },
        Op::AutoAccept {
            on: true,
            receive: true,
        },
    ] {
        act(&mut h, Action::Call { id: srv, op });
    }
    let client = new_socket(&mut h, Kind::Stream);
    {
        let form = &mut h.state_mut().state.sockets.get_mut(&client).unwrap().form;
        form.payload = "ping".into();
        form.bufsize = "4096".into();
    }
    for op in [
        Op::Connect {
            addr: AddrSpec::Inet {
                host: "127.0.0.1".into(),
                port: srv_addr.port(),
            },
        },
        Op::AutoReceive {
            on: true,
            bufsize: 65536,
        },
    ] {
        act(&mut h, Action::Call { id: client, op });
    }
    act(
        &mut h,
        Action::SetOption {
            id: client,
            name: "TCP_NODELAY",
            value: 1,
        },
    );
    let udp = new_socket(&mut h, Kind::Dgram);
    for op in [
        Op::Bind {
            addr: AddrSpec::Inet {
                host: "127.0.0.1".into(),
                port: 0,
            },
        },
        Op::SetTimeout {
            timeout: Timeout::Secs(2.5),
        },
        Op::JoinMulticast {
            group: "239.255.0.9".into(),
            interface: "127.0.0.1".into(),
        },
    ] {
        act(&mut h, Action::Call { id: udp, op });
    }
    act(
        &mut h,
        Action::SaveToLibrary {
            payload: socklab::ui::sending::SavedPayload {
                name: "greeting".into(),
                payload: "hello\\n".into(),
                ..Default::default()
            },
        },
    );
    step_until(&mut h, "everything set up", |a| {
        let s = &a.state.sockets;
        s[&client].state() == SockState::Connected
            && s[&udp]
                .local()
                .and_then(|l| l.port())
                .is_some_and(|p| p != 0)
            && s[&udp]
                .snapshot
                .as_ref()
                .is_some_and(|x| x.timeout == Timeout::Secs(2.5) && x.groups.len() == 1)
            && s[&srv].snapshot.as_ref().is_some_and(|x| {
                x.auto_accept && x.responder.is_some() && x.clients == Some((1, None))
            })
            && s[&client].snapshot.as_ref().is_some_and(|x| x.auto_receive)
    });
    let (client_name, udp_name) = (
        h.state().state.name_of(client),
        h.state().state.name_of(udp),
    );
    let udp_addr = local_of(&h, &udp_name).unwrap();

    dialogs.answer(Some(path.clone()));
    workspace_menu(&mut h, "Save workspace…");
    step_until(&mut h, "saved", |a| {
        a.state
            .workspace_status
            .as_deref()
            .is_some_and(|s| s.starts_with("Saved 3 sockets and the library's 1 payload"))
    });
    // The accepted connection is not kept, and the notice says so.
    assert!(
        notice(&h).contains("One accepted connection is not kept"),
        "{}",
        notice(&h)
    );
    assert_eq!(
        h.state().state.settings.last_workspace.as_deref(),
        path.to_str(),
        "the last workspace, for the next start"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    for part in [
        "name = \"srv\"",
        "listen = 7",
        "SO_REUSEADDR = 1",
        "TCP_NODELAY = 1",
        "auto_accept = true",
        "auto_receive = true",
        "timeout = 2.5",
        "bufsize = 4096",
        "[socket.connect]\nsocket = \"srv\"",
        &format!("port = {}", srv_addr.port()),
        "name = \"echo\"",
        "name = \"greeting\"",
        "[[socket.group]]\ngroup = \"239.255.0.9\"\ninterface = \"127.0.0.1\"",
    ] {
        assert!(text.contains(part), "{part:?} in\n{text}");
    }
    // What is saved is the responder applied, not the form's choice since.
    h.state_mut()
        .state
        .sockets
        .get_mut(&srv)
        .unwrap()
        .form
        .responder = "rules".into();
    dialogs.answer(Some(dir.path().join("again.toml")));
    workspace_menu(&mut h, "Save workspace…");
    step_until(&mut h, "saved again", |a| {
        a.state
            .workspace_status
            .as_deref()
            .is_some_and(|s| s.starts_with("Saved"))
            && !a.state.writes.busy()
    });
    let again = std::fs::read_to_string(dir.path().join("again.toml")).unwrap();
    assert!(
        again.contains("name = \"echo\"") && !again.contains("\"rules\""),
        "{again}"
    );
    // Saving over it asks first.
    dialogs.answer(Some(path.clone()));
    workspace_menu(&mut h, "Save workspace…");
    step_until(&mut h, "asked to replace", |a| {
        a.state.confirm_replace.is_some()
    });
    act(&mut h, Action::Confirm { replace: false });
    drop(h);

    // socklab --workspace FILE, on another engine.
    let mut h = opened_with(path.clone());
    step_until(&mut h, "opened", |a| {
        !a.state.opening()
            && a.state
                .sockets
                .values()
                .any(|s| s.info.name == client_name && s.state() == SockState::Connected)
            && a.state
                .sockets
                .values()
                .any(|s| s.info.parent.is_some() && s.state() == SockState::Connected && !s.closed)
    });
    assert_eq!(
        notice(&h),
        format!("Opened {}: 3 sockets made.", path.display())
    );
    let names: Vec<String> = {
        let mut v: Vec<String> = h
            .state()
            .state
            .sockets
            .values()
            .filter(|s| s.info.parent.is_none())
            .map(|s| s.info.name.clone())
            .collect();
        v.sort();
        v
    };
    let mut want = vec!["srv".to_string(), client_name.clone(), udp_name.clone()];
    want.sort();
    assert_eq!(names, want);
    // Where they were, as the kernel says now.
    assert_eq!(view(&h, "srv").state(), SockState::Listening);
    assert_eq!(local_of(&h, "srv"), Some(srv_addr));
    assert_eq!(local_of(&h, &udp_name), Some(udp_addr));
    assert_eq!(
        view(&h, &client_name).peer().and_then(|p| p.inet()),
        Some(srv_addr)
    );
    let settled = |h: &H| {
        option(h, "srv", "SO_REUSEADDR") == Some(1)
            && option(h, &client_name, "TCP_NODELAY") == Some(1)
            && view(h, &udp_name).snapshot.as_ref().is_some_and(|x| {
                x.timeout == Timeout::Secs(2.5)
                    && x.groups == [("239.255.0.9".to_string(), "127.0.0.1".to_string())]
            })
            && view(h, "srv")
                .snapshot
                .as_ref()
                .is_some_and(|x| x.auto_accept && x.responder.as_deref() == Some("echo"))
    };
    step_until_drawn(&mut h, "options and modes read back", settled);
    assert_eq!(view(&h, "srv").form.backlog, "7");
    assert_eq!(view(&h, &client_name).form.payload, "ping");
    assert_eq!(view(&h, &client_name).form.bufsize, "4096");
    assert!(h
        .state()
        .state
        .journal
        .iter()
        .any(|e| e.line.contains(&client_name) && e.line.contains("recv(4096)")));
    // The page's peer fields say where it connected, the workspace naming only "srv".
    assert_eq!(
        view(&h, &client_name).form.peer_port,
        srv_addr.port().to_string()
    );
    assert!(h
        .state()
        .state
        .settings
        .library
        .iter()
        .any(|p| p.name == "greeting" && p.payload == "hello\\n"));
    // The echo answers the client as before.
    let c = id_of(&h, &client_name);
    act(&mut h, Action::Select { id: c });
    click(&mut h, "send");
    step_until(&mut h, "the echo back", |a| {
        a.state.sockets[&c].traffic.totals.bytes_in == 4
    });
    // The journal says it as Python, in the order it was done.
    let journal: Vec<String> = h
        .state()
        .state
        .journal
        .iter()
        .map(|e| e.line.clone())
        .collect();
    let at = |line: &str| {
        journal
            .iter()
            .position(|l| l == line)
            .unwrap_or_else(|| panic!("{line:?} in {journal:#?}"))
    };
    assert!(
        at("srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)")
            < at(&format!("srv.bind(('127.0.0.1', {}))", srv_addr.port()))
    );
    assert!(
        at("srv.listen(7)")
            < at(&format!(
                "{client_name}.connect(('127.0.0.1', {}))",
                srv_addr.port()
            ))
    );
}

/// The last workspace comes back at the next start; one that is no longer a workspace is
/// set aside, said, and not tried again.
#[test]
fn the_last_workspace_opens_at_start_and_a_damaged_one_is_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("last.toml");
    std::fs::write(
        &path,
        "socklab_workspace = 1\n[[socket]]\nname = \"u\"\nfamily = \"inet\"\ntype = \"dgram\"\n[socket.bind]\nhost = \"127.0.0.1\"\nport = 0\n",
    )
    .unwrap();
    let settings = socklab::ui::settings::Settings {
        last_workspace: Some(path.display().to_string()),
        ..Default::default()
    };
    let start = |settings: &socklab::ui::settings::Settings| {
        harness_with(
            ScriptedDialogs::default(),
            Startup {
                settings: Some(settings.clone()),
                ..Default::default()
            },
        )
    };
    let mut h = start(&settings);
    step_until(&mut h, "the last workspace opened", |a| {
        !a.state.opening()
            && a.state.sockets.values().any(|s| {
                s.info.name == "u" && s.local().and_then(|l| l.port()).is_some_and(|p| p != 0)
            })
    });
    drop(h);

    let damaged = b"socklab_workspace = 1\n[[socket]]\nfamily = \"inet\"\ntype = \"stream\"\nlisten = \"lots\"\n";
    std::fs::write(&path, damaged).unwrap();
    let mut h = start(&settings);
    step_until(&mut h, "the notice", |a| {
        a.state.workspace_status.is_some() && !a.state.writes.busy()
    });
    let aside = PathBuf::from(format!("{}.damaged", path.display()));
    let said = notice(&h);
    assert!(
        said.starts_with(&format!(
            "{} is not a workspace socklab can read (",
            path.display()
        )) && said.contains("line 5")
            && said.contains(&format!(
                "It was moved aside to {}, unchanged",
                aside.display()
            )),
        "{said}"
    );
    assert!(!path.exists(), "moved, not copied");
    assert_eq!(
        std::fs::read(&aside).unwrap(),
        damaged,
        "kept byte for byte"
    );
    assert!(h.state().state.sockets.is_empty(), "nothing opened");
    assert_eq!(h.state().state.settings.last_workspace, None);
    // Drawn, and dismissed.
    step_until_drawn(&mut h, "the notice drawn", |h| {
        h.query_by_label_contains("is not a workspace socklab can read")
            .is_some()
    });
    click(&mut h, "OK");
    assert_eq!(h.state().state.workspace_status, None);
}

/// Whatever the file holds, opening it never panics: a file too big, text that is not
/// UTF-8, a workspace of nonsense values, a folder, a file that is not there.
#[test]
fn hostile_workspace_files_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| -> PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let cases: Vec<(PathBuf, &str)> = vec![
        (
            write("big.toml", &vec![b'#'; 5 << 20]),
            "is not a workspace socklab can read",
        ),
        (
            write("bytes.toml", &[0xff, 0xfe, 0x00, 0x41]),
            "is not a workspace",
        ),
        (write("empty.toml", b""), "is not a workspace"),
        (dir.path().join("missing.toml"), "missing.toml"),
        (dir.path().to_path_buf(), "folder"),
    ];
    let dialogs = ScriptedDialogs::default();
    let mut h = harness_with(dialogs.clone(), Startup::default());
    for (k, (path, expect)) in cases.iter().enumerate() {
        if k % 2 == 0 {
            dialogs.answer(Some(path.clone()));
            workspace_menu(&mut h, "Open workspace…");
        } else {
            // Typed, as where no file dialog can be shown.
            click(&mut h, "Workspace");
            step_until_drawn(&mut h, "the menu's file field", |h| {
                h.query_by_label("workspace file").is_some()
            });
            // A click into the field keeps the menu open (a menu closes on a click).
            click(&mut h, "workspace file");
            assert!(
                h.query_by_label("Open this file").is_some(),
                "the menu closed"
            );
            replace_text(&mut h, "workspace file", path.to_str().unwrap());
            click(&mut h, "Open this file");
        }
        step_until(&mut h, "the notice", |a| {
            !a.state.writes.busy() && a.state.workspace_status.is_some()
        });
        let said = notice(&h);
        assert!(said.contains(expect), "{}: {said}", path.display());
        // Opened on purpose: refused, never moved (it may be any file).
        assert!(
            !std::path::Path::new(&format!("{}.damaged", path.display())).exists(),
            "{said}"
        );
        act(&mut h, Action::WorkspaceNoticeDismiss);
    }
    // Values no socket takes: each refused on its socket's page, the rest made.
    let odd = write(
        "odd.toml",
        "socklab_workspace = 1\n\
         [[socket]]\nname = \"a\"\nfamily = \"inet\"\ntype = \"stream\"\nlisten = -3\n[socket.bind]\nhost = \"not an address\"\nport = 1\n[socket.options]\nSO_NOTHING = 1\n\
         [[socket]]\nname = \"b\"\nfamily = \"inet6\"\ntype = \"stream\"\ntimeout = 1e300\n[socket.connect]\nsocket = \"nobody\"\n\
         [[socket]]\nname = \"c\"\nfamily = \"unix\"\ntype = \"dgram\"\n[socket.bind]\nhost = \"127.0.0.1\"\nport = 9\n\
         [[socket]]\nname = \"d\"\nfamily = \"inet\"\ntype = \"dgram\"\n[socket.connect]\nhost = \"127.0.0.1\"\nport = 9\n\
         [[socket]]\nname = \"e\"\nfamily = \"inet\"\ntype = \"dgram\"\n[socket.bind]\nhost = \"127.0.0.1\"\nport = 0\n[socket.connect]\nsocket = \"f\"\n\
         [[socket]]\nname = \"f\"\nfamily = \"inet\"\ntype = \"dgram\"\n[socket.bind]\nhost = \"127.0.0.1\"\nport = 0\n[socket.connect]\nsocket = \"e\"\n"
            .as_bytes(),
    );
    open_from_menu(&mut h, &dialogs, odd.clone());
    // Every socket made, and the opening ended: a refused bind (a, c) does not keep d
    // waiting, and e and f, each connected to the other, do not wait for each other.
    assert_eq!(h.state().state.sockets.len(), 6, "{}", notice(&h));
    let peer_port = |h: &H, n: &str| view(h, n).peer().and_then(|p| p.port());
    step_until(&mut h, "e and f connected to each other", |a| {
        let local = |n: &str| {
            a.state
                .sockets
                .values()
                .find(|s| s.info.name == n)
                .and_then(|s| s.local().and_then(|l| l.port()))
        };
        let peer = |n: &str| {
            a.state
                .sockets
                .values()
                .find(|s| s.info.name == n)
                .and_then(|s| s.peer().and_then(|l| l.port()))
        };
        peer("e").is_some() && peer("e") == local("f") && peer("f") == local("e")
    });
    assert_eq!(peer_port(&h, "d"), Some(9));
    let status = |h: &H, n: &str| view(h, n).status.clone().unwrap_or_default();
    // (A listener whose bind fails is below.)
    assert!(
        status(&h, "b").contains("no socket of that name"),
        "{}",
        status(&h, "b")
    );
    assert!(
        status(&h, "c").contains("does not suit the socket's family"),
        "{}",
        status(&h, "c")
    );
    // Each of a's refusals is said, the first not hidden by the second.
    assert!(
        status(&h, "a").contains("SO_NOTHING") && status(&h, "a").contains("spaces"),
        "{}",
        status(&h, "a")
    );
}

/// Saved names come back as saved, even where the engine's numbers for the new sockets
/// are the file's names (s2 saved first, s1 after it); a name another socket of the
/// window has already is not taken from it, and the notice says so.
#[test]
fn saved_names_come_back_unless_another_socket_has_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("names.toml");
    std::fs::write(
        &path,
        "socklab_workspace = 1\n\
         [[socket]]\nname = \"s2\"\nfamily = \"inet\"\ntype = \"stream\"\n\
         [[socket]]\nname = \"s1\"\nfamily = \"inet\"\ntype = \"dgram\"\n\
         [[socket]]\nname = \"x\"\nfamily = \"inet\"\ntype = \"dgram\"\n",
    )
    .unwrap();
    let dialogs = ScriptedDialogs::default();
    let mut h = harness_with(dialogs.clone(), Startup::default());
    let x = new_socket(&mut h, Kind::Stream);
    act(
        &mut h,
        Action::Call {
            id: x,
            op: Op::Rename { name: "x".into() },
        },
    );
    step_until(&mut h, "x named", |a| a.state.name_of(x) == "x");
    open_from_menu(&mut h, &dialogs, path.clone());
    assert!(
        notice(&h).ends_with("3 sockets made. One socket kept the name socklab gave it: its own is taken here by another."),
        "{}",
        notice(&h)
    );
    let kind_of = |name: &str| {
        h.state()
            .state
            .sockets
            .values()
            .filter(|s| !s.closed && s.info.name == name)
            .map(|s| s.info.kind)
            .collect::<Vec<_>>()
    };
    assert_eq!(kind_of("s2"), [Kind::Stream]);
    assert_eq!(kind_of("s1"), [Kind::Dgram]);
    assert_eq!(
        kind_of("x"),
        [Kind::Stream],
        "the window's x keeps its name"
    );
    let names: std::collections::HashSet<String> = h
        .state()
        .state
        .sockets
        .values()
        .map(|s| s.info.name.clone())
        .collect();
    assert_eq!(names.len(), 4, "every name once: {names:?}");
    // The next sockets take numbers no socket goes by, whatever the renames gave back.
    for _ in 0..3 {
        new_socket(&mut h, Kind::Dgram);
    }
    let all: Vec<String> = (h.state().state.sockets.values())
        .map(|s| s.info.name.clone())
        .collect();
    let once: std::collections::HashSet<&String> = all.iter().collect();
    assert_eq!(once.len(), 7, "every name once: {all:?}");
}

/// A saved name that is an engine-style number (s2) does not come round again: the
/// renames give the numbers s1 and s2 back, and the next sockets are s1 and s3.
#[test]
fn a_saved_number_is_not_given_to_the_next_socket() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("numbers.toml");
    std::fs::write(
        &path,
        "socklab_workspace = 1\n\
         [[socket]]\nname = \"s2\"\nfamily = \"inet\"\ntype = \"stream\"\n\
         [[socket]]\nname = \"y\"\nfamily = \"inet\"\ntype = \"dgram\"\n",
    )
    .unwrap();
    let dialogs = ScriptedDialogs::default();
    let mut h = harness_with(dialogs.clone(), Startup::default());
    open_from_menu(&mut h, &dialogs, path);
    for _ in 0..2 {
        new_socket(&mut h, Kind::Dgram);
    }
    let mut all: Vec<String> = (h.state().state.sockets.values())
        .map(|s| s.info.name.clone())
        .collect();
    all.sort();
    assert_eq!(all, ["s1", "s2", "s3", "y"]);
}

/// The first start in Chinese: its workspace is opened from the start-up itself, the
/// greeting and the hint in the window's language.
#[test]
fn the_first_start_speaks_the_windows_language() {
    let settings = socklab::ui::settings::Settings {
        lang: Some(socklab::i18n::Lang::ZhCn),
        ..Default::default()
    };
    let mut h = harness_with(
        ScriptedDialogs::default(),
        Startup {
            settings: Some(settings),
            first_start: true,
            ..Default::default()
        },
    );
    step_until(&mut h, "the client connected and selected", |a| {
        !a.state.opening()
            && a.state
                .selected_view()
                .is_some_and(|s| s.state() == SockState::Connected && s.info.parent.is_none())
    });
    let c = h.state().state.selected_view().unwrap();
    assert_eq!(c.form.payload, "你好，socklab！");
    let bar = h.state().state.workspace_status.clone();
    assert!(
        bar.as_deref().is_some_and(|s| s.starts_with("已准备好")),
        "{bar:?}"
    );
    assert!(h
        .state()
        .state
        .sockets
        .values()
        .any(|s| s.info.name == "echo_server"));
}

/// A listener whose address is taken (another program holds it) does not listen: a
/// listen() without its bind would take a port on every interface.
#[test]
fn a_listener_whose_bind_fails_does_not_listen() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("taken.toml");
    std::fs::write(
        &path,
        format!(
            "socklab_workspace = 1\n[[socket]]\nname = \"srv\"\nfamily = \"inet\"\ntype = \"stream\"\nlisten = 5\nauto_accept = true\n[socket.bind]\nhost = \"127.0.0.1\"\nport = {port}\n[socket.responder]\nname = \"echo\"\n"
        ),
    )
    .unwrap();
    let mut h = opened_with(path);
    step_until(&mut h, "opened", |a| {
        !a.state.opening()
            && a.state
                .workspace_status
                .as_deref()
                .is_some_and(|s| s.starts_with("Opened"))
    });
    let s = view(&h, "srv");
    assert_eq!(
        s.last_error.as_ref().map(|e| (e.op.as_str(), e.errno_name)),
        Some(("bind", Some("EADDRINUSE")))
    );
    assert_ne!(s.state(), SockState::Listening);
    assert!(
        s.status
            .as_deref()
            .is_some_and(|t| t.contains("Not listening")),
        "{:?}",
        s.status
    );
    assert!(
        !h.state()
            .state
            .journal
            .iter()
            .any(|e| e.line.starts_with("srv.listen(")),
        "listen() was not called"
    );
    drop(held);
}

/// A listener made again right after the window that had it closed (its connections left
/// in TIME_WAIT on its port) listens again at once: a workspace sets SO_REUSEADDR on the
/// listeners it makes, in the journal as the call it is.
#[test]
fn a_listener_opened_again_over_time_wait_listens() {
    use socklab::engine::inspect::{tcp_lookup, TcpState};
    // A connection on the port closed by the server's side first: TIME_WAIT there.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let (s, _) = l.accept().unwrap();
        let (local, peer) = (s.local_addr().unwrap(), s.peer_addr().unwrap());
        drop(s);
        drop(c);
        let until = std::time::Instant::now() + DEADLINE;
        while !tcp_lookup(local, peer)
            .flatten()
            .is_some_and(|e| e.state == TcpState::TimeWait)
        {
            assert!(
                std::time::Instant::now() < until,
                "no TIME_WAIT on the port"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        port
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("again.toml");
    std::fs::write(
        &path,
        format!(
            "socklab_workspace = 1\n[[socket]]\nname = \"srv\"\nfamily = \"inet\"\ntype = \"stream\"\nlisten = 5\n[socket.bind]\nhost = \"127.0.0.1\"\nport = {port}\n"
        ),
    )
    .unwrap();
    let mut h = opened_with(path);
    step_until(&mut h, "listening again", |a| {
        a.state
            .sockets
            .values()
            .any(|s| s.info.name == "srv" && s.state() == SockState::Listening)
    });
    assert!(h
        .state()
        .state
        .journal
        .iter()
        .any(|e| e.line == "srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)"));
}
