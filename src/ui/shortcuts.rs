//! Keyboard shortcuts: each one an action a button also takes (its tooltip names the
//! keys), and F1's overlay that lists them all.

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::engine::{Family, Kind, Op};
use crate::pyrt::session::Step;
use crate::ui::state::{Action, UiState};

/// Fields and controls a shortcut moves the keyboard focus to (taken by the panel that
/// draws them, in the frame after the keys).
pub const FOCUS_SEARCH: &str = "socklab focus search";
pub const FOCUS_JOURNAL: &str = "socklab focus journal";
pub const FOCUS_CONSOLE: &str = "socklab focus console";
const HELP_OPEN: &str = "socklab help open";

/// Every shortcut, as the help overlay and the tooltips show it.
pub const ALL: &[(&str, &str)] = &[
    ("Ctrl+N", "New TCP socket"),
    ("Ctrl+Shift+N", "New UDP socket"),
    ("Ctrl+W", "Close the selected socket"),
    ("Ctrl+L", "Clear the selected socket's traffic"),
    ("Ctrl+F", "Search the selected socket's traffic"),
    ("Ctrl+J", "Go to the journal"),
    ("F2", "Go to the Python console"),
    ("Up / Down", "In the console: the statements typed before"),
    ("Ctrl+C", "In the console: interrupt the statement running"),
    ("F10", "Stepping through a file: run the highlighted line"),
    ("F5", "Stepping through a file: run the rest"),
    ("Enter", "In the payload: send (the highlighted button)"),
    ("Shift+Enter", "In the payload: a new line"),
    (
        "Enter / Esc",
        "In an option's field: set it / drop what was typed",
    ),
    ("F1", "This help"),
];

fn take(ui: &egui::Ui, modifiers: Modifiers, key: Key) -> bool {
    ui.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(modifiers, key)))
}

fn flag(ctx: &egui::Context, name: &'static str, on: bool) {
    ctx.data_mut(|d| d.insert_temp(egui::Id::unique(name), on));
}

/// Whether a shortcut asked for `name` (focus a field, the help); answered once.
pub fn taken(ctx: &egui::Context, name: &'static str) -> bool {
    ctx.data_mut(|d| d.remove_temp::<bool>(egui::Id::unique(name)))
        .unwrap_or(false)
}

/// Reads this frame's shortcuts into actions and focus requests.
pub fn read(ui: &egui::Ui, state: &UiState, actions: &mut Vec<Action>) {
    // Ctrl+Shift+N first: Ctrl+N would take it otherwise.
    let shift_cmd = Modifiers::COMMAND | Modifiers::SHIFT;
    if take(ui, shift_cmd, Key::N) {
        actions.push(Action::NewSocket {
            family: Family::Inet,
            kind: Kind::Dgram,
        });
    } else if take(ui, Modifiers::COMMAND, Key::N) {
        actions.push(Action::NewSocket {
            family: Family::Inet,
            kind: Kind::Stream,
        });
    }
    let open = state
        .selected
        .filter(|id| state.sockets.get(id).is_some_and(|s| !s.closed));
    if take(ui, Modifiers::COMMAND, Key::W) {
        if let Some(id) = open {
            actions.push(Action::Call { id, op: Op::Close });
        }
    }
    if take(ui, Modifiers::COMMAND, Key::L) {
        if let Some(id) = state.selected {
            actions.push(Action::ClearTraffic { id });
        }
    }
    if take(ui, Modifiers::COMMAND, Key::F) {
        flag(ui.ctx(), FOCUS_SEARCH, true);
    }
    if take(ui, Modifiers::COMMAND, Key::J) {
        actions.push(Action::ShowBottom {
            page: crate::ui::state::Bottom::Journal,
        });
        flag(ui.ctx(), FOCUS_JOURNAL, true);
    }
    if take(ui, Modifiers::NONE, Key::F2) {
        actions.push(Action::ShowBottom {
            page: crate::ui::state::Bottom::Console,
        });
        flag(ui.ctx(), FOCUS_CONSOLE, true);
    }
    // Stepping: the console whose file waits at a line (the first, when both do).
    if let Some(which) = state.consoles.iter().position(|c| c.paused().is_some()) {
        for (key, how) in [(Key::F10, Step::Line), (Key::F5, Step::Continue)] {
            if take(ui, Modifiers::NONE, key) {
                actions.push(Action::ConsoleStep { which, how });
            }
        }
    }
    if take(ui, Modifiers::NONE, Key::F1) {
        toggle_help(ui.ctx());
    }
}

/// Opens F1's overlay, or closes it.
pub fn toggle_help(ctx: &egui::Context) {
    let open = help_open(ctx);
    ctx.data_mut(|d| d.insert_temp(egui::Id::unique(HELP_OPEN), !open));
}

fn help_open(ctx: &egui::Context) -> bool {
    ctx.data(|d| d.get_temp::<bool>(egui::Id::unique(HELP_OPEN)))
        .unwrap_or(false)
}

/// F1's overlay: every shortcut, and where to start.
pub fn help(ctx: &egui::Context) {
    let mut open = help_open(ctx);
    if !open {
        return;
    }
    egui::Window::new("Keyboard shortcuts (F1)")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
        .show(ctx, |ui| {
            egui::Grid::new("shortcuts").num_columns(2).striped(true).show(ui, |ui| {
                for (keys, what) in ALL {
                    ui.monospace(*keys);
                    ui.label(*what);
                    ui.end_row();
                }
            });
            ui.separator();
            ui.label("Every click runs a Python socket call on a real socket; the journal at the bottom shows it as the line you would type. Hover a socket's state for what it means.");
        });
    if ctx.input(|i| i.key_pressed(Key::Escape)) {
        open = false;
    }
    ctx.data_mut(|d| d.insert_temp(egui::Id::unique(HELP_OPEN), open));
}
