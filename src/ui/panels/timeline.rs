//! The state timeline: for the selected socket and those it talks to, the states it went
//! through — the window's (created, listening, connected, half-closed, closed) and, on the
//! way out, the kernel's (FIN_WAIT1, FIN_WAIT2, TIME_WAIT and its minute, forgotten) —
//! against the calls that moved it. Hover a state for what it means.

use egui::{Color32, FontId, RichText, Sense, Stroke};

use crate::engine::SockState;
use crate::t;
use crate::ui::diagram::{self, StretchState};
use crate::ui::state::UiState;

/// Width of one event's column: as wide as fits, within these.
const COL_MIN: f32 = 64.0;
const COL_MAX: f32 = 110.0;
/// Width of the names' column.
const NAMES: f32 = 96.0;
/// Height of a bar.
const BAR: f32 = 22.0;
/// Height of one call's words.
const CALL_H: f32 = 18.0;
/// Height of one socket's track (its two bars and its calls, on two rows).
const TRACK: f32 = BAR * 2.0 + CALL_H * 2.0 + 16.0;

pub fn show(ui: &mut egui::Ui, state: &UiState) {
    ui.label(RichText::new(t!("diagram-timeline-about")).weak());
    let lanes = diagram::lanes(state, state.selected);
    let (axis, tracks) = diagram::timeline(&state.story, &lanes);
    if axis.is_empty() {
        ui.label(t!("diagram-no-sockets"));
        return;
    }
    let columns = axis.len() + 1;
    let col = ((ui.available_width() - NAMES - 16.0) / columns as f32).clamp(COL_MIN, COL_MAX);
    let size = egui::vec2(col * columns as f32, 20.0 + TRACK * tracks.len() as f32);
    // The names keep a column of their own beside the scrolled states, so a scrolled
    // timeline hides none of its first columns under them.
    let whole = ui.available_rect_before_wrap();
    let names_rect = egui::Rect::from_min_size(whole.min, egui::vec2(NAMES, whole.height()));
    let states_rect =
        egui::Rect::from_min_max(egui::pos2(whole.left() + NAMES, whole.top()), whole.max);
    let mut scrolled = ui.new_child(egui::UiBuilder::new().max_rect(states_rect));
    // The scroll bars stay drawn: a timeline cut at the left must look cut.
    scrolled.spacing_mut().scroll = egui::style::ScrollStyle::solid();
    let to_start = egui::Id::unique("timeline to its start");
    let back = ui
        .data_mut(|d| d.remove_temp::<bool>(to_start))
        .unwrap_or(false);
    // Stuck to "now", it would go back there: not this frame.
    let mut area = egui::ScrollArea::both()
        .id_salt("timeline")
        .auto_shrink([false, false])
        .stick_to_right(!back);
    if back {
        area = area.horizontal_scroll_offset(0.0);
    }
    let out = area.show(&mut scrolled, |ui| {
        let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
        let painter = ui.painter_at(ui.clip_rect());
        let visuals = ui.visuals().clone();
        let font = FontId::proportional(12.0);
        let x = |k: usize| rect.left() + col * k as f32;
        // The time of each event, from the first.
        if let Some(start) = state.story.origin {
            let color = visuals.weak_text_color();
            let labels: Vec<(usize, std::sync::Arc<egui::Galley>)> =
                diagram::axis_labels(&axis, start)
                    .into_iter()
                    .enumerate()
                    .filter_map(|(k, l)| Some((k, painter.layout_no_wrap(l?, font.clone(), color))))
                    .collect();
            let spans: Vec<(f32, f32)> = labels
                .iter()
                .map(|(k, g)| (x(*k) + 2.0, g.size().x))
                .collect();
            let shown = diagram::spaced_labels(&spans, x(axis.len()) + 2.0, 6.0);
            // Columns scrolled away to the left put a button over the axis's left end
            // (below): the times it would cover are not drawn under it.
            let scrolled = ui.clip_rect().left() - rect.left();
            let covered = if (scrolled / col).floor() >= 1.0 {
                let n = (scrolled / col).floor() as usize;
                let words = painter.layout_no_wrap(
                    t!("diagram-timeline-earlier", n = n),
                    font.clone(),
                    color,
                );
                ui.clip_rect().left() + words.size().x + 2.0 * ui.spacing().button_padding.x + 8.0
            } else {
                f32::NEG_INFINITY
            };
            for ((k, galley), show) in labels.into_iter().zip(shown) {
                if show && x(k) + 2.0 >= covered {
                    painter.galley(egui::pos2(x(k) + 2.0, rect.top() + 2.0), galley, color);
                }
            }
            painter.text(
                egui::pos2(x(axis.len()) + 2.0, rect.top() + 2.0),
                egui::Align2::LEFT_TOP,
                t!("diagram-now"),
                font.clone(),
                visuals.weak_text_color(),
            );
        }
        for (t, track) in tracks.iter().enumerate() {
            let top = rect.top() + 20.0 + TRACK * t as f32;
            let Some(view) = track.id.and_then(|id| state.sockets.get(&id)) else {
                continue;
            };
            // A connection's empty kernel row would look like a reading that failed: it
            // says when it fills. (A listener's, or a reset connection's, never does:
            // the kernel forgets them at once.)
            let connection = matches!(
                view.state,
                SockState::Connecting | SockState::Connected | SockState::HalfClosed
            );
            if view.is_tcp() && connection && !view.closed && track.kernel.is_empty() {
                let from = track.socket.first().map_or(0, |s| s.from);
                let r = egui::Rect::from_min_max(
                    egui::pos2(x(from) + 4.0, top + BAR + 1.0),
                    egui::pos2(x(columns) - 4.0, top + BAR * 2.0 - 1.0),
                )
                .intersect(ui.clip_rect());
                if r.is_positive() {
                    ui.scope_builder(
                        egui::UiBuilder::new()
                            .max_rect(r)
                            .layout(egui::Layout::left_to_right(egui::Align::Center)),
                        |ui| {
                            ui.add(
                                egui::Label::new(
                                    RichText::new(t!("diagram-kernel-later")).weak().size(12.0),
                                )
                                .truncate(),
                            )
                        },
                    );
                }
            }
            for (row, stretches) in [(0, &track.socket), (1, &track.kernel)] {
                for s in stretches {
                    let end = s.to.unwrap_or(columns);
                    let r = egui::Rect::from_min_max(
                        egui::pos2(x(s.from) + 1.0, top + BAR * row as f32 + 1.0),
                        egui::pos2(x(end) - 1.0, top + BAR * (row as f32 + 1.0) - 1.0),
                    );
                    let (name, colour, tip) = describe(s.state, &view.info, visuals.dark_mode);
                    // TIME_WAIT still running: its seconds left, as the list shows them.
                    let name = match (s.state, s.to, &view.after_close) {
                        (StretchState::Kernel(Some(_)), None, Some(a)) if a.ticking() => a.short(),
                        _ => name,
                    };
                    painter.rect_filled(r, 3.0, colour.gamma_multiply(0.35));
                    painter.rect_stroke(r, 3.0, Stroke::new(1.0, colour), egui::StrokeKind::Inside);
                    let id = ui.scope_id().with(("stretch", t, row, s.from));
                    let resp = ui.interact(r, id, Sense::hover());
                    // A bar scrolled partly out of view says its state where it shows.
                    let label_rect = r.intersect(ui.clip_rect()).shrink2(egui::vec2(4.0, 0.0));
                    // The explanation over the bar and over its words alike (the
                    // words are a widget of their own, hovered in the bar's place).
                    let words = ui
                        .scope_builder(
                            egui::UiBuilder::new()
                                .max_rect(label_rect)
                                .layout(egui::Layout::left_to_right(egui::Align::Center)),
                            |ui| ui.add(egui::Label::new(RichText::new(name)).truncate()),
                        )
                        .inner;
                    words.on_hover_text(tip.clone());
                    resp.on_hover_text(tip);
                }
            }
            for (i, (k, call)) in track.calls.iter().enumerate() {
                // Calls take turns on two rows, and a call's words run on over the columns
                // until the next call on its row (or "now"): settimeout(5) beside the
                // recv() right after it is read whole, not cut to one column.
                let row = (i % 2) as f32;
                let next = track.calls.get(i + 2).map_or(axis.len() + 1, |(n, _)| *n);
                let span = next.saturating_sub(*k).max(1) as f32;
                let at = egui::pos2(x(*k) + 2.0, top + BAR * 2.0 + 4.0 + CALL_H * row);
                painter.line_segment(
                    [
                        egui::pos2(x(*k), top),
                        egui::pos2(x(*k), top + BAR * 2.0 + 2.0 + CALL_H * row),
                    ],
                    Stroke::new(1.0, visuals.weak_text_color()),
                );
                // A call scrolled away to the left is not drawn as the tail of its words
                // running into the view, which would read as another call.
                if at.x < ui.clip_rect().left() {
                    continue;
                }
                let r = egui::Rect::from_min_size(at, egui::vec2(col * span - 4.0, CALL_H));
                ui.scope_builder(
                    egui::UiBuilder::new()
                        .max_rect(r)
                        .layout(egui::Layout::left_to_right(egui::Align::Min)),
                    |ui| ui.add(egui::Label::new(RichText::new(call)).truncate()),
                );
            }
        }
    });
    // It opens at "now": the columns scrolled away to the left are said, with a way there.
    let hidden = (out.state.clamped_offset().x / col).floor() as usize;
    if hidden > 0 {
        let at = egui::Rect::from_min_size(
            out.inner_rect.left_top() + egui::vec2(2.0, 0.0),
            egui::vec2(out.inner_rect.width().min(260.0), 20.0),
        );
        let back = ui
            .scope_builder(egui::UiBuilder::new().max_rect(at), |ui| {
                ui.add(egui::Button::new(
                    RichText::new(t!("diagram-timeline-earlier", n = hidden)).size(12.0),
                ))
            })
            .inner;
        if back
            .on_hover_text(t!("diagram-timeline-earlier-tip"))
            .clicked()
        {
            ui.data_mut(|d| d.insert_temp(to_start, true));
            ui.ctx().request_repaint();
        }
    }
    ui.advance_cursor_after_rect(whole);
    let names_rect = names_rect.with_max_y(out.inner_rect.bottom());
    names(ui, state, &tracks, names_rect, out.state.clamped_offset().y);
}

/// Each track's socket name, in the column beside the scrolled states (moved up and down
/// with them).
fn names(ui: &egui::Ui, state: &UiState, tracks: &[diagram::Track], view: egui::Rect, dy: f32) {
    let painter = ui.painter_at(view);
    let visuals = ui.visuals();
    for (t, track) in tracks.iter().enumerate() {
        let Some(v) = track.id.and_then(|id| state.sockets.get(&id)) else {
            continue;
        };
        let top = view.top() + 20.0 + TRACK * t as f32 - dy;
        let r = egui::Rect::from_min_size(
            egui::pos2(view.left(), top),
            egui::vec2(NAMES - 4.0, BAR * 2.0),
        );
        painter.text(
            egui::pos2(r.left() + 2.0, top + BAR / 2.0),
            egui::Align2::LEFT_CENTER,
            &v.info.name,
            FontId::proportional(14.0),
            visuals.strong_text_color(),
        );
        // Only a TCP socket has a state of the kernel's own to show.
        if v.is_tcp() {
            painter.text(
                egui::pos2(r.left() + 2.0, top + BAR * 1.5),
                egui::Align2::LEFT_CENTER,
                t!("diagram-kernel"),
                FontId::proportional(12.0),
                visuals.weak_text_color(),
            );
        }
    }
}

/// A state's name, colour and explanation.
fn describe(
    state: StretchState,
    info: &crate::engine::SocketInfo,
    dark: bool,
) -> (String, Color32, String) {
    match state {
        StretchState::Socket(st) => (
            crate::ui::explain::state_word(st),
            super::sockets::badge_color(st, dark),
            crate::ui::explain::sock_state_of(info, st),
        ),
        StretchState::Kernel(Some(k)) => (
            k.name().to_string(),
            crate::ui::style::warning(dark),
            crate::ui::explain::tcp_state(k).to_string(),
        ),
        StretchState::Kernel(None) => (
            t!("diagram-forgotten"),
            Color32::from_gray(140),
            t!("diagram-forgotten-tip"),
        ),
    }
}
