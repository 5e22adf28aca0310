//! The journal: every call as the Python line that does the same, its result or exception
//! line, its duration, and a countdown for a call still blocked with a timeout.

use std::time::Instant;

use egui::RichText;

use crate::t;
use crate::ui::journal::{as_script, Journal};
use crate::ui::state::Action;

/// The journal, its status line, and its path field (the one thing typed here).
pub fn show(
    ui: &mut egui::Ui,
    journal: &Journal,
    status: Option<&str>,
    path: &mut String,
    actions: &mut Vec<Action>,
) {
    ui.horizontal_wrapped(|ui| {
        ui.strong(t!("journal-title"));
        let copy = ui
            .button(t!("journal-copy"))
            .on_hover_text(t!("journal-copy-tip"));
        if crate::ui::shortcuts::taken(ui.ctx(), crate::ui::shortcuts::FOCUS_JOURNAL) {
            copy.request_focus();
        }
        if copy.clicked() {
            ui.ctx().copy_text(as_script(journal.iter()));
        }
        if ui.button(t!("journal-clear")).clicked() {
            actions.push(Action::ClearJournal);
        }
        crate::ui::widgets::labelled_edit(ui, &t!("journal-file"), path, 220.0);
        let ok = !path.trim().is_empty();
        if ui
            .add_enabled(ok, egui::Button::new(t!("journal-save")))
            .on_hover_text(t!("journal-save-tip"))
            .clicked()
        {
            actions.push(Action::SaveJournal {
                path: path.trim().to_string(),
                replace: crate::ui::files::Replace::No,
            });
        }
    });
    // On a line of its own: beside the buttons a narrow window cuts it off.
    if let Some(s) = status {
        ui.label(RichText::new(s).small());
    }
    // Every entry is two lines at exactly this height, so the rows laid out are the rows
    // on screen and the last one is never cut (show_rows trusts the height it is given).
    let line_h = ui
        .text_style_height(&egui::TextStyle::Monospace)
        .max(ui.text_style_height(&egui::TextStyle::Small));
    let gap = ui.spacing().item_spacing.y;
    // The first line is a horizontal row, which is at least interact_size high.
    let first = line_h.max(ui.spacing().interact_size.y);
    let row_h = first + gap + line_h;
    egui::ScrollArea::vertical()
        .id_salt("journal")
        .auto_shrink([false, false])
        .stick_to_bottom(true)
        .show_rows(ui, row_h, journal.len(), |ui, range| {
            for e in journal.range(range) {
                let (rect, _) = ui.allocate_exact_size(
                    egui::vec2(ui.available_width(), row_h),
                    egui::Sense::hover(),
                );
                let mut ui = ui.new_child(
                    egui::UiBuilder::new()
                        .max_rect(rect)
                        .layout(egui::Layout::top_down(egui::Align::Min)),
                );
                ui.set_clip_rect(rect.intersect(ui.clip_rect()));
                entry(&mut ui, e);
            }
        });
}

/// One entry: the Python line with its timing, then its result.
fn entry(ui: &mut egui::Ui, e: &crate::ui::journal::JournalEntry) {
    ui.horizontal(|ui| {
        // A remark (what the kernel did on its own) is a comment, not a line typed.
        let prompt = if e.req == crate::engine::ReqId(0) || e.line.starts_with('#') {
            ""
        } else {
            ">>> "
        };
        let r = ui.add(
            egui::Label::new(RichText::new(format!("{prompt}{}", e.line)).monospace())
                .truncate()
                .sense(egui::Sense::click()),
        );
        let timing = match (e.elapsed, e.deadline) {
            (Some(d), _) if d.as_secs_f64() >= 1.0 => format!("{:.1} s", d.as_secs_f64()),
            (Some(d), _) => format!("{:.1} ms", d.as_secs_f64() * 1000.0),
            (None, Some(dl)) => {
                let left = dl.saturating_duration_since(Instant::now()).as_secs_f64();
                t!("journal-waiting-timeout", secs = format!("{left:.1}"))
            }
            (None, None) if !e.done => t!("journal-waiting"),
            _ => String::new(),
        };
        ui.label(RichText::new(timing).small().weak());
        if r.clicked() {
            ui.ctx().copy_text(e.line.clone());
        }
        // A line wider than the journal is cut at its edge: the whole of it is here.
        // Built only while hovered: every visible row is drawn each frame.
        r.on_hover_ui(|ui| {
            ui.label(format!("{}\n\n{}", e.line, t!("journal-click-to-copy")));
        });
    });
    let result = e.result.as_deref().unwrap_or_default();
    let color = if e.failed {
        egui::Color32::from_rgb(230, 80, 70)
    } else {
        ui.visuals().text_color()
    };
    // One line: a result wider than the journal ends in "…" (never wraps out of its row).
    let shown = ui.add(egui::Label::new(RichText::new(result).monospace().color(color)).truncate());
    if !result.is_empty() {
        shown.on_hover_ui(|ui| {
            ui.label(result);
        });
    }
}
