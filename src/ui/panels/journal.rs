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
    // Every entry is one line at exactly this height, so the rows laid out are the rows
    // on screen and the last one is never cut (show_rows trusts the height it is given).
    // The line is a horizontal row, which is at least interact_size high.
    let row_h = ui
        .text_style_height(&egui::TextStyle::Monospace)
        .max(ui.text_style_height(&egui::TextStyle::Small))
        .max(ui.spacing().interact_size.y);
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

/// One entry on one line: the Python line, its timing, and its result after an arrow.
/// What a narrow journal cuts off, hovering shows whole.
fn entry(ui: &mut egui::Ui, e: &crate::ui::journal::JournalEntry) {
    ui.horizontal(|ui| {
        // A remark (what the kernel did on its own) is a comment, not a line typed.
        let prompt = if e.req == crate::engine::ReqId(0) || e.line.starts_with('#') {
            ""
        } else {
            ">>> "
        };
        let result = e.result.as_deref().unwrap_or_default();
        let timing = timing(e);
        // The call keeps most of the row; its timing (a countdown can be long) and result
        // the rest.
        let room = ui.available_width();
        let timing_w: f32 = timing
            .chars()
            .map(|c| if c.is_ascii() { 7.5 } else { 13.0 })
            .sum::<f32>()
            + 16.0;
        let call_w = if result.is_empty() {
            room - timing_w
        } else {
            (room * 0.6).min(room - timing_w - 60.0)
        };
        let r = ui
            .scope(|ui| {
                ui.set_max_width(call_w.max(80.0));
                ui.add(
                    egui::Label::new(RichText::new(format!("{prompt}{}", e.line)).monospace())
                        .truncate()
                        .sense(egui::Sense::click()),
                )
            })
            .inner;
        if r.clicked() {
            ui.ctx().copy_text(e.line.clone());
        }
        // A line wider than its share is cut at its edge: the whole of it is here.
        // Built only while hovered: every visible row is drawn each frame.
        r.on_hover_ui(|ui| {
            ui.label(format!("{}\n\n{}", e.line, t!("journal-click-to-copy")));
        });
        // The timing first (it is short), then the result in what is left, cut with "…"
        // rather than wrapped out of its row.
        ui.label(RichText::new(timing).small().weak());
        if !result.is_empty() {
            ui.label(RichText::new("→").weak());
            let color = if e.failed {
                egui::Color32::from_rgb(230, 80, 70)
            } else {
                ui.visuals().text_color()
            };
            let shown =
                ui.add(egui::Label::new(RichText::new(result).monospace().color(color)).truncate());
            shown.on_hover_ui(|ui| {
                ui.label(result);
            });
        }
    });
}

/// How long the call took, or how long it has left to wait.
fn timing(e: &crate::ui::journal::JournalEntry) -> String {
    match (e.elapsed, e.deadline) {
        (Some(d), _) if d.as_secs_f64() >= 1.0 => format!("{:.1} s", d.as_secs_f64()),
        (Some(d), _) => format!("{:.1} ms", d.as_secs_f64() * 1000.0),
        (None, Some(dl)) => {
            let left = dl.saturating_duration_since(Instant::now()).as_secs_f64();
            t!("journal-waiting-timeout", secs = format!("{left:.1}"))
        }
        (None, None) if !e.done => t!("journal-waiting"),
        _ => String::new(),
    }
}
