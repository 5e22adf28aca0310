//! The four panels of the window.

pub mod boundaries;
pub mod console;
pub mod graphs;
pub mod inspector;
pub mod journal;
pub mod lessons;
pub mod multicast;
pub mod send;
pub mod sequence;
pub mod serve;
pub mod settings;
pub mod sockets;
pub mod timeline;
pub mod tls;
pub mod traffic_view;
pub mod workspace;

use super::state::{Action, ConfirmReplace, Purpose};
use crate::i18n::{text_in, Lang};
use crate::t;

/// "FILE already exists: replace it?", across the window's top while a write waits for
/// the answer.
pub fn confirm_bar(ui: &mut egui::Ui, c: &ConfirmReplace, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        let path = c.path.display().to_string();
        ui.label(egui::RichText::new(t!("confirm-replace", path = path, what = &c.what)).strong());
        if ui
            .button(t!("confirm-replace-yes"))
            .on_hover_text(t!("confirm-replace-yes-tip"))
            .clicked()
        {
            actions.push(Action::Confirm { replace: true });
        }
        if ui
            .button(t!("confirm-replace-no"))
            .on_hover_text(t!("confirm-replace-no-tip"))
            .clicked()
        {
            actions.push(Action::Confirm { replace: false });
        }
    });
}

pub fn top_bar(
    ui: &mut egui::Ui,
    settings_status: Option<&str>,
    lang: Option<Lang>,
    (lessons_open, settings_open, inspector_open): (bool, bool, bool),
    workspace_path: &mut String,
    actions: &mut Vec<Action>,
) {
    // Wrapped: in a narrow window its last buttons go to a second line, not out of sight.
    ui.horizontal_wrapped(|ui| {
        if let Some(st) = settings_status {
            ui.colored_label(egui::Color32::from_rgb(230, 80, 70), st);
            ui.separator();
        }
        ui.strong("socklab");
        ui.separator();
        // (Whole, not broken over two lines: a label too long for the line's end goes to
        // the next one with its choices.)
        ui.add(egui::Label::new(t!("theme")).extend());
        crate::ui::widgets::theme_choice(ui, actions);
        ui.separator();
        language_menu(ui, lang, actions, "language");
        ui.separator();
        workspace_menu(ui, workspace_path, actions);
        if ui
            .selectable_label(lessons_open, t!("lessons-button"))
            .on_hover_text(t!("lessons-button-tip"))
            .clicked()
        {
            actions.push(Action::LessonsShow {
                open: !lessons_open,
            });
        }
        if ui
            .selectable_label(inspector_open, t!("inspector-button"))
            .on_hover_text(t!("inspector-button-tip"))
            .clicked()
        {
            actions.push(Action::InspectorShow {
                open: !inspector_open,
            });
        }
        if ui
            .selectable_label(settings_open, t!("settings-button"))
            .on_hover_text(t!("settings-button-tip"))
            .clicked()
        {
            actions.push(Action::SettingsShow {
                open: !settings_open,
            });
        }
        ui.menu_button(t!("help-menu"), |ui| {
            if ui
                .button(t!("help-open"))
                .on_hover_text(t!("help-open-tip"))
                .clicked()
            {
                crate::ui::shortcuts::toggle_help(ui.ctx());
                ui.close();
            }
            ui.menu_button(t!("help-start-lesson"), |ui| {
                for i in 0..crate::ui::lessons::LESSONS.len() {
                    if crate::ui::shortcuts::lesson_button(ui, i, actions) {
                        ui.close();
                    }
                }
            });
            ui.separator();
            ui.label(egui::RichText::new(format!("socklab {}", env!("CARGO_PKG_VERSION"))).weak());
        });
    });
}

/// What the last workspace save or open said, until it is dismissed.
pub fn workspace_bar(ui: &mut egui::Ui, said: &str, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        ui.add(egui::Label::new(said).wrap());
        if ui.button(t!("workspace-notice-dismiss")).clicked() {
            actions.push(Action::WorkspaceNoticeDismiss);
        }
    });
}

/// Open or save a workspace file: through the desktop's file dialog, or a path typed
/// (where no dialog can be shown, as without a desktop portal).
fn workspace_menu(ui: &mut egui::Ui, path: &mut String, actions: &mut Vec<Action>) {
    // A click inside (into the file field) must not close it, as a menu's click does:
    // under Xvfb the field could not be typed into. Its buttons close it themselves.
    let config = egui::containers::menu::MenuConfig::new()
        .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
    egui::containers::menu::MenuButton::new(t!("workspace-menu"))
        .config(config)
        .ui(ui, |ui| {
            for (label, tip, purpose) in [
                (
                    t!("workspace-menu-open"),
                    t!("workspace-menu-open-tip"),
                    Purpose::WorkspaceOpen,
                ),
                (
                    t!("workspace-menu-save"),
                    t!("workspace-menu-save-tip"),
                    Purpose::WorkspaceSave,
                ),
            ] {
                if ui.button(label).on_hover_text(tip).clicked() {
                    actions.push(Action::Choose { id: None, purpose });
                    ui.close();
                }
            }
            ui.separator();
            crate::ui::widgets::labelled_edit(ui, &t!("workspace-menu-file"), path, 260.0);
            let typed = std::path::PathBuf::from(path.trim());
            let some = !path.trim().is_empty();
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(some, egui::Button::new(t!("workspace-menu-open-typed")))
                    .clicked()
                {
                    actions.push(Action::WorkspaceOpen {
                        path: typed.clone(),
                    });
                    ui.close();
                }
                if ui
                    .add_enabled(some, egui::Button::new(t!("workspace-menu-save-typed")))
                    .clicked()
                {
                    actions.push(Action::WorkspaceSave {
                        path: typed,
                        replace: crate::ui::files::Replace::No,
                    });
                    ui.close();
                }
            });
        });
}

/// "Language / 语言": each language named in itself, so a person who cannot read the one
/// shown still finds theirs.
fn language_menu(
    ui: &mut egui::Ui,
    lang: Option<Lang>,
    actions: &mut Vec<Action>,
    salt: &'static str,
) {
    let title = ui.add(
        egui::Label::new(format!(
            "{} / {}",
            text_in(Lang::En, "lang-menu"),
            text_in(Lang::ZhCn, "lang-menu")
        ))
        .extend(),
    );
    let shown = match lang {
        Some(l) => l.native_name().to_string(),
        None => t!("lang-desktop", lang = crate::i18n::current().native_name()),
    };
    egui::ComboBox::from_id_salt(salt)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            let mut pick = lang;
            ui.selectable_value(&mut pick, None, t!("lang-desktop-choice"));
            for l in Lang::ALL {
                ui.selectable_value(&mut pick, Some(l), l.native_name());
            }
            if pick != lang {
                actions.push(Action::Language { lang: pick });
            }
        })
        .response
        .labelled_by(title.id);
}

/// The centre's pages: the selected socket's, and the drawing of its connection.
pub fn centre_tabs(ui: &mut egui::Ui, page: crate::ui::state::Centre, actions: &mut Vec<Action>) {
    use crate::ui::state::Centre;
    // Wrapped: on a narrow window the tabs take two rows, never the inspector's room.
    ui.horizontal_wrapped(|ui| {
        for (this, text, tip) in [
            (Centre::Page, t!("centre-page"), t!("centre-page-tip")),
            (
                Centre::Sequence,
                t!("centre-sequence"),
                t!("centre-sequence-tip"),
            ),
            (
                Centre::Timeline,
                t!("centre-timeline"),
                t!("centre-timeline-tip"),
            ),
            (Centre::Graphs, t!("centre-graphs"), t!("centre-graphs-tip")),
            (
                Centre::Boundaries,
                t!("centre-boundaries"),
                t!("centre-boundaries-tip"),
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
/// The bottom panel's tabs; the page's own switches follow them on the same row (a row
/// less taken from the diagrams above).
pub fn bottom_tabs(
    ui: &mut egui::Ui,
    page: crate::ui::state::Bottom,
    actions: &mut Vec<Action>,
    extra: impl FnOnce(&mut egui::Ui, &mut Vec<Action>),
) {
    use crate::ui::state::Bottom;
    // Not wrapped: the page's last words are cut short where the row ends instead.
    ui.horizontal(|ui| {
        for (this, text, tip) in [
            (
                Bottom::Journal,
                t!("bottom-journal"),
                t!("bottom-journal-tip"),
            ),
            (
                Bottom::Console,
                t!("bottom-console"),
                t!("bottom-console-tip"),
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
        extra(ui, actions);
    });
    ui.separator();
}
