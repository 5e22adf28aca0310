//! TLS from the window, driven as a person does: a listener starts TLS for its
//! connections, a client starts TLS without verifying (the warning shown) and sees what
//! was negotiated and what checking would have found; another client that checks against
//! the system's roots is refused, with the reason in plain words; rows say TLS.

use egui_kittest::kittest::Queryable;
use socklab::engine::{Kind, Op, SocketId};
use socklab::ui::state::Action;

use crate::ui_common::*;

fn tls_of(h: &H, id: SocketId) -> Option<socklab::engine::tls::TlsInfo> {
    h.state().state.sockets[&id]
        .snapshot
        .as_ref()
        .and_then(|x| x.tls.clone())
}

/// A client connected to `port`, selected.
fn client(h: &mut H, port: u16) -> SocketId {
    let c = new_socket(h, Kind::Stream);
    select_id(h, c);
    act(
        h,
        Action::Call {
            id: c,
            op: Op::Connect {
                addr: socklab::engine::AddrSpec::Inet {
                    host: "127.0.0.1".into(),
                    port,
                },
            },
        },
    );
    open_tls(h);
    step_until_drawn(h, "the TLS row", |h| {
        h.query_by_label("start TLS").is_some()
    });
    c
}

/// Unfolds the page's TLS row (folded until asked for).
fn open_tls(h: &mut H) {
    step_until_drawn(h, "the TLS row", |h| h.query_by_label(OFFER).is_some());
    click(h, OFFER);
}

const OFFER: &str = "wrap it in TLS (SSLContext.wrap_socket)…";

#[test]
fn tls_started_from_the_page_with_its_certificate_in_the_inspector() {
    let mut h = harness();
    let l = new_socket(&mut h, Kind::Stream);
    select_id(&mut h, l);
    // A socket never connected has no rtt to show (the kernel's starting values are not).
    step_until_drawn(&mut h, "rtt not measured", |h| {
        h.query_by_label("not measured: no connection yet")
            .is_some()
    });
    click(&mut h, "bind");
    click(&mut h, "listen");
    open_tls(&mut h);
    step_until_drawn(&mut h, "the listener's TLS row", |h| {
        h.query_by_label("start TLS for its connections").is_some()
    });
    click(&mut h, "start TLS for its connections");
    step_until(&mut h, "the listener's server side", |a| {
        a.state.sockets[&l]
            .snapshot
            .as_ref()
            .is_some_and(|x| x.tls.as_ref().is_some_and(|t| t.own.is_some()))
    });
    step_until_drawn(&mut h, "its certificate in the inspector", |h| {
        h.query_by_label("The certificate it presents").is_some()
    });
    click(&mut h, "auto-accept");
    let port = h.state().state.sockets[&l]
        .local()
        .and_then(|e| e.port())
        .unwrap();

    // Not verified: the warning, then what was negotiated and what a check would say.
    let c = client(&mut h, port);
    pick_in(&mut h, "check the certificate", "don't verify");
    step_until_drawn(&mut h, "the warning", |h| {
        h.query_by_label_contains("any certificate is accepted")
            .is_some()
    });
    click(&mut h, "start TLS");
    step_until(&mut h, "the handshake done", |a| {
        a.state.sockets[&c]
            .snapshot
            .as_ref()
            .and_then(|x| x.tls.as_ref())
            .is_some_and(|t| t.version.is_some())
    });
    let tls = tls_of(&h, c).unwrap();
    assert_eq!(tls.version.as_deref(), Some("TLSv1.3"));
    // Its row in the list says TLS.
    let name = h.state().state.sockets[&c].info.name.clone();
    step_until_drawn(&mut h, "TLS on the row", |h| {
        h.query_all_by(|n| {
            n.label()
                .or_else(|| n.value())
                .is_some_and(|t| t.starts_with(&format!("{name}  IPv4 TCP TLS")))
        })
        .next()
        .is_some()
    });
    step_until_drawn(&mut h, "the check's result", |h| {
        // On the page's TLS row and in the inspector.
        h.query_all_by_label_contains(
            "the check would have failed: the certificate is self-signed and not trusted",
        )
        .count()
            == 2
    });
    // The leaf's fingerprint is the listener's own.
    let own = tls_of(&h, l).unwrap().own.unwrap();
    assert_eq!(tls.chain[0].sha256, own.sha256);
    assert!(
        h.query_all_by_label(&own.sha256).next().is_some(),
        "the fingerprint drawn"
    );
    // What it sends is plaintext on its rows, marked TLS.
    act(
        &mut h,
        Action::Call {
            id: c,
            op: Op::SendAll {
                data: b"over tls".to_vec(),
                flags: 0,
            },
        },
    );
    step_until_drawn(&mut h, "the row marked TLS", |h| {
        h.query_all_by(|n| {
            let text = n.value().or_else(|| n.label()).unwrap_or_default();
            text.contains(" TLS ") && text.contains("over tls")
        })
        .next()
        .is_some()
    });

    // Checked against the system's roots: refused, in plain words, with CPython's line.
    let d = client(&mut h, port);
    click(&mut h, "start TLS");
    step_until(&mut h, "the refusal", |a| {
        a.state.sockets[&d].last_error.is_some()
    });
    let e = h.state().state.sockets[&d].last_error.clone().unwrap();
    assert_eq!(
        e.python_line,
        "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)"
    );
    step_until_drawn(&mut h, "the reason and the hint", |h| {
        h.query_all_by_label_contains("signed by itself")
            .next()
            .is_some()
            && h.query_all_by_label_contains("as the CA file")
                .next()
                .is_some()
    });
}

/// A TLS client whose server ended the connection reconnects with its TLS (the row as it
/// was, the handshake done again, auto-receive reading the plaintext); a workspace keeps
/// both ends' TLS and starts it again when opened.
#[test]
fn reconnect_and_a_workspace_keep_a_sockets_tls() {
    use socklab::engine::SockState;
    use socklab::ui::state::TlsVerify;
    use socklab::ui::workspace::{Place, Workspace};
    let mut h = harness();
    let l = new_socket(&mut h, Kind::Stream);
    select_id(&mut h, l);
    click(&mut h, "bind");
    click(&mut h, "listen");
    open_tls(&mut h);
    step_until_drawn(&mut h, "the listener's TLS row", |h| {
        h.query_by_label("start TLS for its connections").is_some()
    });
    click(&mut h, "start TLS for its connections");
    step_until(&mut h, "the listener's server side", |a| {
        a.state.sockets[&l]
            .snapshot
            .as_ref()
            .is_some_and(|x| x.tls.is_some())
    });
    click(&mut h, "auto-accept");
    let port = h.state().state.sockets[&l]
        .local()
        .and_then(|e| e.port())
        .unwrap();
    let c = client(&mut h, port);
    pick_in(&mut h, "check the certificate", "don't verify");
    click(&mut h, "start TLS");
    let handshaken = |a: &socklab::ui::SocklabApp, id: SocketId| {
        a.state.sockets[&id]
            .snapshot
            .as_ref()
            .and_then(|x| x.tls.as_ref())
            .is_some_and(|t| t.version.is_some())
    };
    step_until(&mut h, "the handshake done", |a| handshaken(a, c));

    // Kept by a workspace: what the client asked for (the row changed since does not
    // count), the listener's side.
    h.state_mut()
        .state
        .sockets
        .get_mut(&c)
        .unwrap()
        .form
        .tls
        .verify = TlsVerify::System;
    let (mut ws, _) = Workspace::of(&h.state().state);
    let saved_c = ws.sockets.iter().find(|s| s.connect.is_some()).unwrap();
    let t = saved_c.tls.as_ref().expect("the client's TLS kept");
    assert!(!t.server && t.verify == TlsVerify::Off && t.server_name == "localhost");
    let saved_l = ws.sockets.iter().find(|s| s.listen.is_some()).unwrap();
    assert!(saved_l.tls.as_ref().is_some_and(|t| t.server));
    let text = ws.to_toml().unwrap();
    assert!(text.contains("verify = \"off\""), "{text}");
    assert_eq!(Workspace::parse(&text).unwrap(), ws);

    // The server ends the connection: the client reconnects, TLS and all.
    let accepted = |a: &socklab::ui::SocklabApp| {
        a.state
            .sockets
            .values()
            .find(|s| s.info.parent == Some(l) && !s.closed)
            .map(|s| s.info.id)
    };
    step_until(&mut h, "the accepted connection", |a| accepted(a).is_some());
    let conn = accepted(h.state()).unwrap();
    act(
        &mut h,
        Action::Call {
            id: conn,
            op: Op::Close,
        },
    );
    step_until(&mut h, "the client sees the end", |a| {
        a.state.sockets[&c].state() == SockState::HalfClosed
            && a.state.sockets[&c].reconnect_to().is_some()
    });
    select_id(&mut h, c);
    step_until_drawn(&mut h, "the reconnect button", |h| {
        h.query_by_label("reconnect").is_some()
    });
    click(&mut h, "reconnect");
    step_until(&mut h, "a new socket over TLS, receiving", |a| {
        a.state.selected_view().is_some_and(|s| {
            s.info.id != c
                && handshaken(a, s.info.id)
                && s.snapshot.as_ref().is_some_and(|x| x.auto_receive)
        })
    });
    assert_eq!(
        selected(&h).form.tls.verify,
        TlsVerify::Off,
        "as it was started"
    );

    // Opened in another window: the listener on a port of its own, the client connecting
    // to it by name, both with TLS started again.
    for s in ws.sockets.iter_mut() {
        if s.listen.is_some() {
            s.bind = Some(Place::Inet {
                host: "127.0.0.1".into(),
                port: 0,
            });
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tls.toml");
    std::fs::write(&path, ws.to_toml().unwrap()).unwrap();
    let mut other = opened_with(path);
    step_until(&mut other, "the opened client's handshake", |a| {
        a.state.sockets.values().any(|s| {
            s.snapshot
                .as_ref()
                .and_then(|x| x.tls.as_ref())
                .is_some_and(|t| {
                    t.version.is_some() && t.side == socklab::engine::tls::TlsSide::Client
                })
        })
    });
}
