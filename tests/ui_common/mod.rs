//! What the kittest tests share: the harness, waiting for the engine, clicking and typing.

use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::kittest::{By, Queryable};
use egui_kittest::Harness;
use socklab::ui::SocklabApp;

pub use crate::common::DEADLINE;

pub type H = Harness<'static, SocklabApp>;

pub fn harness() -> H {
    harness_sized(1500.0, 1000.0)
}

/// The window at `width`×`height` (the layouts a narrower or wider screen gives).
pub fn harness_sized(width: f32, height: f32) -> H {
    Harness::builder()
        .with_size(egui::vec2(width, height))
        .build_eframe(|cc| SocklabApp::new(cc))
}

/// A window started as `socklab --workspace FILE` starts.
pub fn opened_with(path: std::path::PathBuf) -> H {
    Harness::builder()
        .with_size(egui::vec2(1500.0, 1000.0))
        .build_eframe(move |cc| {
            SocklabApp::with_startup(
                cc,
                Box::new(socklab::ui::dialogs::ScriptedDialogs::default()),
                socklab::ui::app::Startup {
                    workspace: Some(path.clone()),
                    ..Default::default()
                },
            )
        })
}

/// A window drawn by wgpu on Mesa's software renderer, for snapshots.
pub fn snapshot_harness(width: f32, height: f32) -> H {
    Harness::builder()
        .with_size(egui::vec2(width, height))
        .wgpu()
        .build_eframe(|cc| SocklabApp::new(cc))
}

/// Compares the frame with tests/snapshots/NAME.png (UPDATE_SNAPSHOTS=1 rewrites it).
/// `changing` pixels may differ: what changes from run to run (ports, times, fd numbers),
/// not a drawing laid out anew.
pub fn snapshot(h: &mut H, name: &str, changing: usize) {
    h.run();
    h.snapshot_options(
        name,
        &egui_kittest::SnapshotOptions::new()
            .threshold(1.0)
            .max_failed_pixels(changing),
    );
}

/// A harness whose file dialogs answer from `dialogs` (no desktop needed).
pub fn harness_with_dialogs(dialogs: socklab::ui::dialogs::ScriptedDialogs) -> H {
    Harness::builder()
        // Random bytes decode to characters the test fonts lack; the app draws boxes.
        .allow_missing_glyphs()
        .with_size(egui::vec2(1500.0, 1000.0))
        .build_eframe(move |cc| SocklabApp::with_dialogs(cc, Box::new(dialogs.clone())))
}

/// The selected socket's view.
pub fn selected(h: &H) -> &socklab::ui::state::SockView {
    h.state().state.selected_view().expect("a selected socket")
}

/// Steps frames until `pred` finds what it looks for in the drawn frame (the accessibility
/// tree of the last frame), not only in the state behind it.
pub fn step_until_drawn(h: &mut H, what: &str, pred: impl Fn(&H) -> bool) {
    let until = Instant::now() + DEADLINE;
    loop {
        h.step();
        if pred(h) {
            return;
        }
        assert!(
            Instant::now() < until,
            "{what} not drawn within {DEADLINE:?}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Steps frames until `pred` holds; the workers answer on their own threads.
pub fn step_until(h: &mut H, what: &str, pred: impl Fn(&SocklabApp) -> bool) {
    let until = Instant::now() + DEADLINE;
    loop {
        h.step();
        if pred(h.state()) {
            h.step();
            return;
        }
        assert!(
            Instant::now() < until,
            "{what} not seen within {DEADLINE:?}"
        );
        // Poll the engine's answer; a short pause keeps the loop from spinning a core.
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Scrolls the control into view (the actions scroll apart from the traffic view).
pub fn reveal(h: &mut H, label: &str) {
    h.get_by_label(label).scroll_to_me();
    hold_still(h, |h| h.get_by_label(label).rect());
}

/// Steps until `rect` has held still for a few frames: scrolling is animated, and its
/// first frame may not move yet, so one unchanged frame proves nothing.
fn hold_still(h: &mut H, rect: impl Fn(&H) -> egui::Rect) {
    let mut last = rect(h);
    let mut still = 0;
    for _ in 0..240 {
        h.step();
        let now = rect(h);
        if now == last {
            still += 1;
            if still >= 4 {
                return;
            }
        } else {
            still = 0;
        }
        last = now;
    }
}

/// Clicks a socket's row in the sockets list. The row's text carries live byte counts, so
/// it is found by the socket's name at every step, never by a label read a frame earlier.
pub fn click_socket_row(h: &mut H, name: &str) {
    let prefix = format!("{name}  ");
    let row = || {
        let prefix = prefix.clone();
        By::new().predicate(move |n| {
            n.role() != Role::TextRun
                && n.label()
                    .or_else(|| n.value())
                    .is_some_and(|l| l.starts_with(&prefix))
        })
    };
    h.get(row()).scroll_to_me();
    hold_still(h, |h| h.get(row()).rect());
    // As a person does: the pointer arrives first (a tooltip left over from the last
    // control goes), then the click.
    h.get(row()).hover();
    h.step();
    h.step();
    h.get(row()).click();
    h.step();
    h.step();
}

pub fn click(h: &mut H, label: &str) {
    reveal(h, label);
    h.get_by_label(label).hover();
    h.step();
    h.step();
    h.get_by_label(label).click();
    h.step();
    h.step();
}

/// Scrolls the field into view and gives it the keyboard.
pub fn focus_field(h: &mut H, label: &str) {
    reveal(h, label);
    h.get_by_label(label).focus();
    h.step();
}

/// Gives the field the keyboard with its whole text selected (as Ctrl+A in it does).
pub fn select_all_in(h: &mut H, label: &str) {
    focus_field(h, label);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
}

/// Types at the end of a field.
pub fn type_into(h: &mut H, label: &str, text: &str) {
    focus_field(h, label);
    h.get_by_label(label).type_text(text);
    h.step();
}

/// Selects the field's whole text and types over it.
pub fn replace_text(h: &mut H, label: &str, text: &str) {
    select_all_in(h, label);
    h.get_by_label(label).type_text(text);
    h.step();
    h.step();
    if !text.is_empty() {
        assert_eq!(
            h.get_by_label(label).value().as_deref(),
            Some(text),
            "{label} holds what was typed"
        );
    }
}

/// Connects the selected TCP socket, as a person does (the peer port typed, connect
/// clicked), to a listener of the test's own on 127.0.0.1, and returns the peer's end of
/// the connection (reads give up after DEADLINE).
pub fn connect_to_peer(h: &mut H) -> std::net::TcpStream {
    let peer = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = peer.local_addr().unwrap().port();
    replace_text(h, "peer port", &port.to_string());
    click(h, "connect");
    step_until(h, "connected", |a| {
        a.state
            .selected_view()
            .is_some_and(|s| s.state() == socklab::engine::SockState::Connected)
    });
    let (conn, _) = peer.accept().unwrap();
    conn.set_read_timeout(Some(DEADLINE)).unwrap();
    conn
}

/// Steps frames until no file is being written or read off the UI thread (exports, the
/// journal, the library): their outcome then shows.
pub fn files_done(h: &mut H) {
    step_until(h, "files written", |a| !a.state.writes.busy());
}

/// Dispatches an action as a click would, and draws a frame.
pub fn act(h: &mut H, action: socklab::ui::state::Action) {
    h.state_mut().push(action);
    h.step();
}

/// An IPv4 socket of `kind` made as "New TCP" or "New UDP" makes it; the one socket()
/// made, not a connection accepted meanwhile.
pub fn new_socket(h: &mut H, kind: socklab::engine::Kind) -> socklab::engine::SocketId {
    let before: Vec<_> = h.state().state.sockets.keys().copied().collect();
    act(
        h,
        socklab::ui::state::Action::NewSocket {
            family: socklab::engine::Family::Inet,
            kind,
        },
    );
    let new = |a: &SocklabApp| {
        a.state
            .sockets
            .values()
            .find(|s| {
                !before.contains(&s.info.id) && s.info.parent.is_none() && s.info.kind == kind
            })
            .map(|s| s.info.id)
    };
    step_until(h, "the socket made", |a| new(a).is_some());
    new(h.state()).unwrap()
}

/// Selects the socket `id`, as a click on its row does.
pub fn select_id(h: &mut H, id: socklab::engine::SocketId) {
    act(h, socklab::ui::state::Action::Select { id });
}

/// Picks `item` in the combo box labelled `label`.
pub fn pick_in(h: &mut H, label: &str, item: &str) {
    click(h, label);
    step_until_drawn(h, "the choices", |h| h.query_by_label(item).is_some());
    click(h, item);
}

/// A port nothing uses now (a fixed one, a lesson's or a tutorial's, would clash with a
/// run beside this one).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// The inspector panel's heading (below the top bar's button of that name): what is left of
/// it is in the centre's view.
pub fn inspector_heading(h: &H) -> egui::Rect {
    h.query_all_by_label("Inspector")
        .map(|n| n.rect())
        .max_by(|a, b| a.top().total_cmp(&b.top()))
        .expect("the inspector")
}

/// A person's drag from `from` to `to`: press, move there in `steps` frames, let go.
pub fn drag(h: &mut H, from: egui::Pos2, to: egui::Pos2, steps: usize) {
    h.event(egui::Event::PointerMoved(from));
    h.step();
    h.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    h.step();
    for k in 1..=steps {
        let at = from + (to - from) * (k as f32 / steps as f32);
        h.event(egui::Event::PointerMoved(at));
        h.step();
    }
    h.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.step();
    h.step();
}
