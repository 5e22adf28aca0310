//! The four panels of the window.

pub mod boundaries;
pub mod console;
pub mod graphs;
pub mod inspector;
pub mod journal;
pub mod send;
pub mod sequence;
pub mod serve;
pub mod sockets;
pub mod timeline;
pub mod traffic_view;
pub mod workspace;

use super::state::{Action, ConfirmReplace};

/// "FILE already exists: replace it?", across the window's top while a write waits for
/// the answer.
pub fn confirm_bar(ui: &mut egui::Ui, c: &ConfirmReplace, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        ui.label(
            egui::RichText::new(format!(
                "{} already exists. Replace it with {}?",
                c.path.display(),
                c.what
            ))
            .strong(),
        );
        if ui
            .button("Replace it")
            .on_hover_text("Write over the file that is there now (its permissions are kept).")
            .clicked()
        {
            actions.push(Action::Confirm { replace: true });
        }
        if ui
            .button("Keep it")
            .on_hover_text("Leave the file as it is; nothing is written.")
            .clicked()
        {
            actions.push(Action::Confirm { replace: false });
        }
    });
}

pub fn top_bar(ui: &mut egui::Ui, settings_status: Option<&str>, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        if let Some(st) = settings_status {
            ui.colored_label(egui::Color32::from_rgb(230, 80, 70), st);
            ui.separator();
        }
        ui.strong("socklab");
        ui.separator();
        ui.label("Theme:");
        let mut pref = ui.ctx().options(|o| o.theme_preference);
        let before = pref;
        ui.selectable_value(&mut pref, egui::ThemePreference::System, "System");
        ui.selectable_value(&mut pref, egui::ThemePreference::Dark, "Dark");
        ui.selectable_value(&mut pref, egui::ThemePreference::Light, "Light");
        if pref != before {
            actions.push(Action::Theme { preference: pref });
        }
        ui.separator();
        if ui
            .button("Shortcuts (F1)")
            .on_hover_text("Every keyboard shortcut")
            .clicked()
        {
            crate::ui::shortcuts::toggle_help(ui.ctx());
        }
    });
}

/// The centre's pages: the selected socket's, and the drawing of its connection.
pub fn centre_tabs(ui: &mut egui::Ui, page: crate::ui::state::Centre, actions: &mut Vec<Action>) {
    use crate::ui::state::Centre;
    // Wrapped: on a narrow window the tabs take two rows, never the inspector's room.
    ui.horizontal_wrapped(|ui| {
        for (this, text, tip) in [
            (
                Centre::Page,
                "Socket page",
                "The selected socket's calls, its bytes and what the kernel says.",
            ),
            (
                Centre::Sequence,
                "Sequence diagram",
                "The selected socket and those it talks to, a lane each, time going down: \
                 each call, each send and recv, and what travelled between them.",
            ),
            (
                Centre::Timeline,
                "State timeline",
                "The states each socket went through, the kernel's on the way out (TIME_WAIT), \
                 against the calls that moved it.",
            ),
            (
                Centre::Graphs,
                "Graphs",
                "The selected socket's rate in and out, rtt and cwnd (TCP_INFO), and its \
                 queues, over time.",
            ),
            (
                Centre::Boundaries,
                "Message boundaries",
                "A connection's sends beside its recvs over the same bytes: where messages \
                 were joined or split (粘包).",
            ),
        ] {
            if ui
                .selectable_label(page == this, text)
                .on_hover_text(tip)
                .clicked()
            {
                actions.push(Action::ShowCentre { page: this });
            }
        }
    });
    ui.separator();
}

/// The bottom panel's pages: the journal of the window's calls, and the Python console.
pub fn bottom_tabs(ui: &mut egui::Ui, page: crate::ui::state::Bottom, actions: &mut Vec<Action>) {
    use crate::ui::state::Bottom;
    ui.horizontal(|ui| {
        for (this, text, tip) in [
            (
                Bottom::Journal,
                "Journal",
                "Every call the window made, as the Python line that does the same (Ctrl+J).",
            ),
            (
                Bottom::Console,
                "Python console",
                "Type Python socket calls as in python3's console, on the window's sockets (F2).",
            ),
        ] {
            if ui
                .selectable_label(page == this, text)
                .on_hover_text(tip)
                .clicked()
            {
                actions.push(Action::ShowBottom { page: this });
            }
        }
    });
    ui.separator();
}
