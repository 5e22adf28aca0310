//! The settings window: each setting does what it says, and the settings file keeps it.

use std::io::Read;

use egui_kittest::kittest::Queryable;
use socklab::ui::settings::{Settings, TimeFormat};

use crate::ui_common::*;

#[test]
fn each_setting_does_what_it_says_and_is_kept() {
    let mut h = harness();
    click(&mut h, "Settings");
    step_until_drawn(&mut h, "the settings window", |h| {
        h.query_by_label("Default bind address").is_some()
    });

    // The default bind address: a new IPv4 socket's bind field starts with it, and one that
    // is not loopback is flagged.
    replace_text(&mut h, "IPv4 bind address", "0.0.0.0");
    step_until_drawn(&mut h, "the warning", |h| {
        h.query_by_label_contains("reachable from the network")
            .is_some()
    });
    assert_eq!(h.state().state.settings.bind_v4, "0.0.0.0");
    click(&mut h, "New TCP");
    step_until(&mut h, "a socket", |a| a.state.selected_view().is_some());
    assert_eq!(selected(&h).form.bind_host, "0.0.0.0");
    replace_text(&mut h, "IPv4 bind address", "127.0.0.1");

    // Times of day in UTC: the traffic row says the UTC time it came.
    click(&mut h, "UTC time of day");
    assert_eq!(h.state().state.settings.time_format, TimeFormat::Utc);
    let mut peer = connect_to_peer(&mut h);
    replace_text(&mut h, "payload", "hi");
    click(&mut h, "sendall");
    let mut got = [0u8; 2];
    peer.read_exact(&mut got).unwrap();
    step_until_drawn(&mut h, "the row", |h| {
        h.query_by_label_contains("| 68 69").is_some()
    });
    let at = selected(&h).traffic.get(0).unwrap().at;
    let utc = socklab::timefmt::Zone::utc().clock(at);
    let row = h
        .get_by_label_contains("| 68 69")
        .value()
        .unwrap_or_default();
    assert!(row.starts_with(&utc), "{row} (UTC {utc})");

    // CSV files with a byte-order mark (the export writes it: a unit test of export.rs).
    click(&mut h, "UTF-8 with a byte-order mark");
    assert_eq!(h.state().state.settings.csv_bom, Some(true));

    // The zoom steps by a tenth and is the window's; 100% puts it back.
    click(&mut h, "larger (Ctrl++)");
    click(&mut h, "larger (Ctrl++)");
    h.step();
    assert_eq!(h.state().state.settings.zoom, 1.2);
    assert_eq!(h.ctx.zoom_factor(), 1.2);
    assert!(h.query_by_label("120%").is_some());
    click(&mut h, "reset to 100%");
    h.step();
    assert_eq!(h.state().state.settings.zoom, 1.0);
    assert_eq!(h.ctx.zoom_factor(), 1.0);

    // The traffic cap, set from here.
    replace_text(&mut h, "memory cap (MiB)", "8");
    click(&mut h, "set");
    assert_eq!(h.state().state.settings.traffic_cap_mib, 8);

    // Kept: the settings file holds each of them.
    let back = Settings::from_json(&h.state().state.settings.to_json());
    assert_eq!(
        (
            back.bind_v4.as_str(),
            back.time_format,
            back.csv_bom,
            back.traffic_cap_mib
        ),
        ("127.0.0.1", TimeFormat::Utc, Some(true), 8)
    );
    // The same toggle in the top bar closes it (the window's title is "Settings" too).
    h.get_all_by_label("Settings")
        .min_by(|a, b| a.rect().top().total_cmp(&b.rect().top()))
        .unwrap()
        .click();
    h.step();
    step_until_drawn(&mut h, "closed", |h| {
        h.query_by_label("Default bind address").is_none()
    });
}

/// The first start: an echo server on 127.0.0.1 and a client connected to it, the client
/// selected with its payload field focused and a hint; Enter sends, the echo comes back,
/// and the hint, done, goes.
#[test]
fn the_first_start_is_ready_to_send() {
    let mut h = harness();
    h.state_mut().state.begin_first_run();
    step_until(&mut h, "the client connected and selected", |a| {
        !a.state.opening()
            && a.state.selected_view().is_some_and(|s| {
                s.state() == socklab::engine::SockState::Connected && s.info.parent.is_none()
            })
    });
    let server = h
        .state()
        .state
        .sockets
        .values()
        .find(|s| s.state() == socklab::engine::SockState::Listening)
        .map(|s| s.info.name.clone())
        .expect("the echo server listens");
    step_until_drawn(&mut h, "the hint, the payload focused", |h| {
        h.query_all_by_label_contains("Ready: an echo server on 127.0.0.1")
            .next()
            .is_some()
            && h.get_by_label("payload").is_focused()
    });
    assert_eq!(selected(&h).form.payload, "Hello, socklab!");
    // Named for what they are (the engine's s2 would have had no s1 beside it).
    assert_eq!(
        (server.as_str(), selected(&h).info.name.as_str()),
        ("echo_server", "client")
    );
    h.key_press(egui::Key::Enter);
    let sent = "Hello, socklab!".len() as u64;
    step_until(&mut h, "the echo back", |a| {
        a.state.selected_view().is_some_and(|s| {
            s.traffic.totals.bytes_in == sent && s.traffic.totals.bytes_out == sent
        })
    });
    // Done, the hint says so in its place (nothing below it moves), until dismissed.
    step_until_drawn(&mut h, "the hint done", |h| {
        h.query_all_by_label_contains("Ready: an echo server on 127.0.0.1")
            .next()
            .is_none()
            && h.query_all_by_label_contains("Echoed: your bytes came back")
                .next()
                .is_some()
    });
    // The journal says it as Python: the server's socket, bind, listen, the client's.
    let journal: Vec<String> = h
        .state()
        .state
        .journal
        .iter()
        .map(|e| e.line.clone())
        .collect();
    assert!(
        journal
            .iter()
            .any(|l| l == &format!("{server}.bind(('127.0.0.1', 0))")),
        "{journal:#?}"
    );
    // The first socket a person makes is s1: the two named ones gave their numbers back.
    let before = h.state().state.sockets.len();
    click(&mut h, "New TCP");
    step_until(&mut h, "the new socket", |a| a.state.sockets.len() > before);
    let names: Vec<&str> = (h.state().state.sockets.values())
        .map(|s| s.info.name.as_str())
        .collect();
    assert!(names.contains(&"s1"), "{names:?}");
}

/// How many times the first start's hint is drawn.
fn hint(h: &H) -> usize {
    h.query_all_by_label_contains("Ready: an echo server on 127.0.0.1")
        .count()
}

/// The first start's hint says the client is connected: closed, it goes, not sent.
#[test]
fn the_first_starts_hint_goes_with_its_client() {
    let mut h = harness();
    h.state_mut().state.begin_first_run();
    step_until_drawn(&mut h, "the hint", |h| hint(h) > 0);
    click(&mut h, "close");
    step_until(&mut h, "the client closed", |a| {
        a.state.selected_view().is_some_and(|s| s.closed)
    });
    step_until_drawn(&mut h, "the hint gone", |h| hint(h) == 0);
    assert_eq!(selected(&h).traffic.totals.bytes_out, 0);
}

/// The first start's hint speaks to the echo pair: once a person turns to the console (or a
/// lesson), it goes instead of staying through everything they do next.
#[test]
fn the_first_starts_hint_goes_when_the_console_is_used() {
    let mut h = harness();
    h.state_mut().state.begin_first_run();
    step_until_drawn(&mut h, "the hint", |h| hint(h) > 0);
    crate::console::open_console(&mut h);
    // Typed as a person does: a click into the line, the keys, Enter.
    h.get_by_label("python").click();
    h.run();
    h.get_by_label("python").type_text("1 + 1");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    step_until_drawn(&mut h, "the hint gone", |h| {
        hint(h) == 0
            && h.query_all_by_label_contains("Echoed: your bytes came back")
                .next()
                .is_none()
    });
}
