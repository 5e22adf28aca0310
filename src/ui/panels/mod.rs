//! The four panels of the window.

pub mod inspector;
pub mod journal;
pub mod send;
pub mod serve;
pub mod sockets;
pub mod traffic_view;
pub mod workspace;

use super::state::Action;

pub fn top_bar(ui: &mut egui::Ui, settings_status: Option<&str>, _actions: &mut [Action]) {
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
            ui.ctx().set_theme(pref);
        }
    });
}
