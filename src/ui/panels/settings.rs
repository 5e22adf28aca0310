//! The settings window: theme, zoom, language, the default bind address, the traffic
//! cap, how times are shown and the CSV flavour. Each change is an action; the settings
//! file is written (atomically, off the frame) as the other settings are.

use egui::RichText;

use crate::t;
use crate::ui::settings::{TimeFormat, ZOOM};
use crate::ui::state::{Action, UiState};
use crate::ui::widgets::{field_problem, labelled_edit};

pub fn show(ctx: &egui::Context, state: &mut UiState, actions: &mut Vec<Action>) {
    if !state.settings_open {
        return;
    }
    // egui's own close button would be named in English: a Close of ours instead.
    egui::Window::new(t!("settings-title"))
        // One id whatever the language (the title is the window's name).
        .id(egui::Id::unique("socklab settings window"))
        .collapsible(false)
        .resizable(false)
        // Over the inspector, beside what its settings change (the page, the traffic).
        .anchor(egui::Align2::RIGHT_TOP, egui::vec2(-8.0, 36.0))
        .show(ctx, |ui| body(ui, state, actions));
    if ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
        actions.push(Action::SettingsShow { open: false });
    }
}

fn body(ui: &mut egui::Ui, state: &mut UiState, actions: &mut Vec<Action>) {
    egui::Grid::new("settings")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            ui.label(t!("theme"));
            ui.horizontal(|ui| {
                crate::ui::widgets::theme_choice(ui, actions);
            });
            ui.end_row();

            // Steps, not a slider: a slider dragged while the window zooms under the
            // pointer runs away to its end.
            let z = ui.label(t!("settings-zoom"));
            ui.horizontal(|ui| {
                let zoom = state.settings.zoom;
                let step = |to: f32| Action::Zoom {
                    factor: (to * 10.0).round() / 10.0,
                };
                if ui
                    .add_enabled(
                        zoom > *ZOOM.start(),
                        egui::Button::new(t!("settings-zoom-out")),
                    )
                    .clicked()
                {
                    actions.push(step(zoom - 0.1));
                }
                ui.label(format!("{:.0}%", zoom * 100.0)).labelled_by(z.id);
                if ui
                    .add_enabled(
                        zoom < *ZOOM.end(),
                        egui::Button::new(t!("settings-zoom-in")),
                    )
                    .clicked()
                {
                    actions.push(step(zoom + 0.1));
                }
                if ui
                    .add_enabled(zoom != 1.0, egui::Button::new(t!("settings-zoom-reset")))
                    .clicked()
                {
                    actions.push(Action::Zoom { factor: 1.0 });
                }
            });
            ui.end_row();

            ui.label(t!("settings-language"));
            ui.horizontal(|ui| {
                super::language_menu(ui, state.settings.lang, actions, "settings language")
            });
            ui.end_row();

            ui.label(t!("settings-bind"));
            ui.vertical(|ui| {
                let mut host = state.settings.bind_v4.clone();
                if labelled_edit(ui, &t!("settings-bind-field"), &mut host, 140.0)
                    .on_hover_text(t!("settings-bind-tip"))
                    .changed()
                {
                    actions.push(Action::BindDefault { host: host.clone() });
                }
                match host.trim().parse::<std::net::Ipv4Addr>() {
                    Err(_) => field_problem(ui, Some(&t!("settings-bind-not-ipv4"))),
                    // Every interface: a server bound there is reachable from the network.
                    Ok(a) if !a.is_loopback() => {
                        field_problem(ui, Some(&t!("settings-bind-exposed")))
                    }
                    Ok(_) => {}
                }
            });
            ui.end_row();

            ui.label(t!("settings-cap"));
            ui.horizontal(|ui| {
                crate::ui::widgets::cap_field(
                    ui,
                    &mut state.inputs.cap_text,
                    state.settings.traffic_cap_mib,
                    &t!("settings-cap-set"),
                    actions,
                );
            });
            ui.end_row();

            let r = ui.label(t!("settings-time"));
            ui.horizontal(|ui| {
                let mut format = state.settings.time_format;
                let before = format;
                ui.selectable_value(
                    &mut format,
                    TimeFormat::Relative,
                    t!("settings-time-relative"),
                );
                ui.selectable_value(&mut format, TimeFormat::Local, t!("settings-time-local"));
                ui.selectable_value(&mut format, TimeFormat::Utc, t!("settings-time-utc"));
                if format != before {
                    actions.push(Action::TimeFormat { format });
                }
            })
            .response
            .labelled_by(r.id);
            ui.end_row();

            let c = ui.label(t!("settings-csv"));
            ui.horizontal(|ui| {
                // A click is a choice even on the one shown (the language's default until
                // then): it then holds in the other language too.
                let mut bom = state.settings.csv_bom();
                let plain = ui.selectable_value(&mut bom, false, t!("settings-csv-plain"));
                let mark = ui
                    .selectable_value(&mut bom, true, t!("settings-csv-bom"))
                    .on_hover_text(t!("settings-csv-bom-tip"));
                if plain.clicked() || mark.clicked() {
                    actions.push(Action::CsvBom { on: bom });
                }
            })
            .response
            .labelled_by(c.id);
            ui.end_row();
        });
    ui.separator();
    ui.horizontal(|ui| {
        ui.label(RichText::new(t!("settings-kept")).weak());
        if ui.button(t!("settings-close")).clicked() {
            actions.push(Action::SettingsShow { open: false });
        }
    });
}
