//! Keyboard shortcuts: each one an action a button also takes (its tooltip names the
//! keys), and F1's overlay that lists them all.

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::engine::{Family, Kind, Op};
use crate::pyrt::session::Step;
use crate::t;
use crate::ui::state::{Action, UiState};

/// Fields and controls a shortcut moves the keyboard focus to (taken by the panel that
/// draws them, in the frame after the keys).
pub const FOCUS_SEARCH: &str = "socklab focus search";
pub const FOCUS_JOURNAL: &str = "socklab focus journal";
pub const FOCUS_CONSOLE: &str = "socklab focus console";
pub const FOCUS_PAYLOAD: &str = "socklab focus payload";
const HELP_OPEN: &str = "socklab help open";

/// Every shortcut, as the help overlay and the tooltips show it: (keys, what they do).
pub fn all() -> Vec<(&'static str, String)> {
    vec![
        ("Ctrl+N", t!("shortcuts-new-tcp")),
        ("Ctrl+Shift+N", t!("shortcuts-new-udp")),
        ("Ctrl+W", t!("shortcuts-close")),
        ("Ctrl+L", t!("shortcuts-clear")),
        ("Ctrl+F", t!("shortcuts-search")),
        ("Ctrl+J", t!("shortcuts-journal")),
        ("F2", t!("shortcuts-console")),
        ("Up / Down", t!("shortcuts-history")),
        ("Ctrl+C", t!("shortcuts-interrupt")),
        ("F10", t!("shortcuts-step-line")),
        ("F5", t!("shortcuts-step-rest")),
        ("Enter", t!("shortcuts-send")),
        ("Shift+Enter", t!("shortcuts-new-line")),
        ("Enter / Esc", t!("shortcuts-option-field")),
        ("F1", t!("shortcuts-help")),
    ]
}

fn take(ui: &egui::Ui, modifiers: Modifiers, key: Key) -> bool {
    ui.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(modifiers, key)))
}

/// Asks the panel that draws `name` to take the keyboard focus in its next frame.
pub fn request_focus(ctx: &egui::Context, name: &'static str) {
    flag(ctx, name, true);
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

/// F1's overlay (and Help's first entry): every shortcut, the Python socklab runs, the
/// lessons to start from, and the version.
pub fn help(ctx: &egui::Context, actions: &mut Vec<Action>) {
    let mut open = help_open(ctx);
    if !open {
        return;
    }
    // egui's own close button would be named in English: a Close of ours instead.
    egui::Window::new(t!("help-title"))
        // The id the English title gives it (Window::new hashes Some(title)), whatever
        // the language.
        .id(egui::Id::unique(Some("Help (F1)")))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(ctx.content_rect().height() * 0.8)
                .show(ui, |ui| help_body(ui, actions));
            if ui.button(t!("help-close")).clicked() {
                open = false;
            }
        });
    if ctx.input(|i| i.key_pressed(Key::Escape)) {
        open = false;
    }
    // A lesson started from here: the overlay steps aside for it.
    if actions
        .iter()
        .any(|a| matches!(a, Action::LessonStart { .. }))
    {
        open = false;
    }
    ctx.data_mut(|d| d.insert_temp(egui::Id::unique(HELP_OPEN), open));
}

fn help_body(ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    ui.label(t!("shortcuts-intro"));
    ui.add_space(4.0);
    ui.strong(t!("help-keys"));
    egui::Grid::new("shortcuts")
        .num_columns(2)
        .min_col_width(KEYS_W)
        .striped(true)
        .show(ui, |ui| {
            for (keys, what) in all() {
                ui.monospace(keys);
                ui.label(what);
                ui.end_row();
            }
        });
    ui.add_space(4.0);
    ui.strong(t!("help-python"));
    // Each way to run Python: the command as typed (code), what it does.
    egui::Grid::new("python ways")
        .num_columns(2)
        .min_col_width(KEYS_W)
        .show(ui, |ui| {
            for (code, what) in [
                ("F2", t!("help-python-console")),
                ("socklab run FILE ARGS", t!("help-python-run")),
                ("socklab run -i FILE", t!("help-python-run-i")),
                ("socklab serve echo 9000", t!("help-python-serve")),
            ] {
                ui.monospace(code);
                ui.label(what);
                ui.end_row();
            }
        });
    ui.label(t!("help-python-subset"));
    ui.add_space(4.0);
    ui.strong(t!("help-lessons"));
    ui.label(t!("help-lessons-intro"));
    lesson_buttons(ui, actions);
    ui.add_space(4.0);
    ui.label(egui::RichText::new(format!("socklab {}", env!("CARGO_PKG_VERSION"))).weak());
}

/// The first column of the help's tables, wide enough for `socklab serve echo 9000`, so
/// both tables line up.
const KEYS_W: f32 = 190.0;

/// A button per lesson, named by its title: a click opens the lessons and starts it.
pub fn lesson_buttons(ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        for i in 0..crate::ui::lessons::LESSONS.len() {
            lesson_button(ui, i, actions);
        }
    });
}

/// A button that shows the lessons and starts lesson `i`; whether it was clicked.
pub fn lesson_button(ui: &mut egui::Ui, i: usize, actions: &mut Vec<Action>) -> bool {
    let Some(lesson) = crate::ui::lessons::LESSONS.get(i) else {
        return false;
    };
    let clicked = ui.button(crate::i18n::text(lesson.title, None)).clicked();
    if clicked {
        actions.push(Action::LessonsShow { open: true });
        actions.push(Action::LessonStart {
            lesson: i,
            port: None,
        });
    }
    clicked
}
