//! The sockets list: New buttons and every socket as a tree (listeners, then their
//! accepted connections).

use egui::RichText;

use crate::engine::{Family, Kind, SockState};
use crate::t;
use crate::ui::state::{Action, UiState};

/// A state's colour: bright on the dark theme, dark on the light one (where each keeps
/// WCAG AA contrast on the panel and on a selected row).
pub(crate) fn badge_color(s: SockState, dark: bool) -> egui::Color32 {
    if !dark {
        return match s {
            SockState::Created => egui::Color32::from_rgb(85, 85, 85),
            SockState::Bound => egui::Color32::from_rgb(30, 70, 160),
            SockState::Listening => egui::Color32::from_rgb(0, 80, 150),
            SockState::Connecting => egui::Color32::from_rgb(125, 80, 0),
            SockState::Connected => egui::Color32::from_rgb(0, 105, 40),
            SockState::HalfClosed => egui::Color32::from_rgb(140, 60, 0),
            SockState::Closed => egui::Color32::from_rgb(80, 80, 80),
            SockState::Error => egui::Color32::from_rgb(170, 20, 20),
        };
    }
    match s {
        SockState::Created => egui::Color32::GRAY,
        SockState::Bound => egui::Color32::from_rgb(120, 160, 230),
        SockState::Listening => egui::Color32::from_rgb(90, 180, 250),
        SockState::Connecting => egui::Color32::from_rgb(230, 190, 60),
        SockState::Connected => egui::Color32::from_rgb(80, 200, 120),
        SockState::HalfClosed => egui::Color32::from_rgb(230, 150, 60),
        SockState::Closed => egui::Color32::from_gray(190),
        SockState::Error => egui::Color32::from_rgb(230, 80, 70),
    }
}

pub fn show(ui: &mut egui::Ui, state: &UiState, actions: &mut Vec<Action>) {
    ui.heading(t!("sockets-heading"));
    ui.horizontal_wrapped(|ui| {
        for (text, family, kind) in [
            (t!("sockets-new-tcp"), Family::Inet, Kind::Stream),
            (t!("sockets-new-udp"), Family::Inet, Kind::Dgram),
            (t!("sockets-new-tcp6"), Family::Inet6, Kind::Stream),
            (t!("sockets-new-udp6"), Family::Inet6, Kind::Dgram),
            (t!("sockets-new-unix"), Family::Unix, Kind::Stream),
            (t!("sockets-new-unix-dgram"), Family::Unix, Kind::Dgram),
        ] {
            let keys = match (family, kind) {
                (Family::Inet, Kind::Stream) => " (Ctrl+N)",
                (Family::Inet, Kind::Dgram) => " (Ctrl+Shift+N)",
                _ => "",
            };
            if ui
                .button(text)
                .on_hover_text(format!(
                    "{}{keys}",
                    crate::ui::journal::socket_call(family, kind)
                ))
                .clicked()
            {
                actions.push(Action::NewSocket { family, kind });
            }
        }
    });
    if let Some(e) = &state.global_error {
        let _ = crate::ui::widgets::error_label(ui, e);
    }
    let t = state.totals();
    ui.label(
        RichText::new(t!(
            "sockets-totals",
            bytes_in = crate::ui::traffic::human_bytes(t.bytes_in as f64),
            msgs_in = t!("sockets-msgs", n = t.msgs_in),
            bytes_out = crate::ui::traffic::human_bytes(t.bytes_out as f64),
            msgs_out = t!("sockets-msgs", n = t.msgs_out)
        ))
        .small(),
    );
    let closed = state.closed_count();
    if closed > 0
        && ui
            .button(t!("sockets-remove-closed", n = closed))
            .on_hover_text(t!("sockets-remove-closed-tip"))
            .clicked()
    {
        actions.push(Action::Forget { id: None });
    }
    ui.separator();
    // Two lines per socket at a fixed height, so only the rows on screen are laid out
    // (a listener with a thousand clients scrolls like one with three).
    let line = ui.text_style_height(&egui::TextStyle::Body);
    let row_h = line * 2.0 + ui.spacing().item_spacing.y * 2.0 + 4.0;
    let tree = state.tree();
    let mut area = egui::ScrollArea::vertical().auto_shrink([false, false]);
    // A newly selected socket (a new one is selected as it appears) is scrolled into view,
    // once: the rows not on screen are not laid out, so this is done by offset.
    let key = egui::Id::unique("sockets list scrolled to");
    if state.selected
        != ui
            .ctx()
            .data(|d| d.get_temp::<Option<crate::engine::SocketId>>(key))
            .flatten()
    {
        ui.ctx().data_mut(|d| d.insert_temp(key, state.selected));
        if let Some(i) = state
            .selected
            .and_then(|sel| tree.iter().position(|(id, _)| *id == sel))
        {
            let pitch = row_h + ui.spacing().item_spacing.y;
            let view = ui.available_height();
            let offset = egui::scroll_area::State::load(
                ui.ctx(),
                ui.make_persistent_id(egui::IdSalt::new("sockets rows")),
            )
            .map_or(0.0, |st| st.clamped_offset().y);
            let top = i as f32 * pitch;
            if top < offset {
                area = area.vertical_scroll_offset(top);
            } else if top + pitch > offset + view {
                area = area.vertical_scroll_offset(top + pitch - view);
            }
        }
    }
    area.id_salt("sockets rows")
        .show_rows(ui, row_h, tree.len(), |ui, range| {
            for &(id, depth) in &tree[range] {
                let Some(s) = state.sockets.get(&id) else {
                    continue;
                };
                let st = s.state();
                let local = crate::ui::explain::address(s.local());
                let peer = crate::ui::explain::peer_address(s);
                let counters = s.snapshot.as_ref().map(|x| x.counters).unwrap_or_default();
                let width = ui.available_width();
                // One widget per row, its two lines one text: a list of a thousand
                // connections is drawn every frame, and each widget has a fixed cost.
                // Two consoles side by side may each make a `u`: the row says whose it is.
                let console = state
                    .split
                    .then(|| state.consoles.iter().position(|c| c.made(id)))
                    .flatten();
                let queued = state.queued_in(id);
                let mut job = row_text(ui, s, st, &local, &peer, counters, (console, queued));
                // The panel grows to show a connection's addresses and counts whole
                // (ROW_TEXT), no further: a longer status or address ends in '…'.
                let indent = depth as f32 * 18.0;
                job.wrap.max_width = (width - indent - 20.0).max(ROW_TEXT - indent).max(40.0);
                job.wrap.max_rows = 2;
                job.wrap.break_anywhere = true;
                // Laid out here: a button given the job would lay it out again with the
                // row's own wrapping (none, in a horizontal row), and widen the panel.
                let job = ui.ctx().fonts_mut(|f| f.layout_job(job));
                ui.allocate_ui_with_layout(
                    egui::vec2(width, row_h),
                    egui::Layout::left_to_right(egui::Align::Min),
                    // Known by its socket: a row arriving above (an accepted connection)
                    // in the frame a click lands must not hand the click to another row.
                    |ui| {
                        crate::ui::widgets::keyed(ui, ("socket row", id.0), |ui| {
                            ui.set_min_height(row_h);
                            ui.add_space(depth as f32 * 18.0);
                            let r = ui
                                .selectable_label(state.selected == Some(id), job)
                                // Built only while hovered, not for every row every frame.
                                .on_hover_ui(|ui| {
                                    ui.label(row_tip(s, st, queued));
                                });
                            if r.clicked() {
                                actions.push(Action::Select { id });
                            }
                            if s.closed {
                                r.context_menu(|ui| {
                                    if ui.button(t!("sockets-remove")).clicked() {
                                        actions.push(Action::Forget { id: Some(id) });
                                        ui.close();
                                    }
                                });
                            }
                        })
                    },
                );
            }
        });
}

/// How wide a row's words may make the list (an IPv4 connection's two addresses and its
/// byte counts, indented under its listener), in points.
const ROW_TEXT: f32 = 290.0;

/// The list's widest start: a row at its widest (ROW_TEXT in its button, with the panel's
/// margins) fits, so the first long row does not widen the list and move the page beside
/// it under the pointer.
pub const LIST_WIDTH: f32 = ROW_TEXT + 34.0;

/// A socket's row: its name and type, state and responder; its addresses and byte counts.
fn row_text(
    ui: &egui::Ui,
    s: &crate::ui::state::SockView,
    st: SockState,
    local: &str,
    peer: &str,
    counters: crate::engine::Counters,
    (console, queued): (Option<usize>, Option<&str>),
) -> egui::text::LayoutJob {
    use egui::text::{LayoutJob, TextFormat};
    let style = ui.style();
    let body = egui::TextStyle::Body.resolve(style);
    let small = egui::TextStyle::Small.resolve(style);
    let plain = ui.visuals().text_color();
    let mut job = LayoutJob::default();
    let fmt = |font: &egui::FontId, color| TextFormat::simple(font.clone(), color);
    job.append(
        &format!("{}  {}", s.info.name, s.family_type()),
        0.0,
        fmt(&body, ui.visuals().strong_text_color()),
    );
    // Over TLS (a session started, or a listener's for its connections): said on the row.
    if s.snapshot.as_ref().is_some_and(|x| x.tls.is_some()) {
        job.append(" TLS", 0.0, fmt(&body, ui.visuals().strong_text_color()));
    }
    job.append(
        &crate::ui::explain::state_word(st),
        8.0,
        fmt(&body, badge_color(st, ui.visuals().dark_mode)),
    );
    if let Some(a) = &s.after_close {
        job.append(&format!("({})", a.short()), 6.0, fmt(&small, plain));
    }
    // Right after the state it qualifies: connected, but no server has it yet.
    if let Some(l) = queued {
        job.append(
            &t!("sockets-queued", listener = l),
            8.0,
            fmt(&small, crate::ui::style::warning(ui.visuals().dark_mode)),
        );
    }
    let now = std::time::Instant::now();
    for w in &s.waiting {
        job.append(
            &w.short(now),
            8.0,
            fmt(&small, crate::ui::style::warning(ui.visuals().dark_mode)),
        );
    }
    if let Some(r) = s.snapshot.as_ref().and_then(|x| x.responder.as_ref()) {
        let mut f = fmt(&small, plain);
        f.italics = true;
        job.append(r, 8.0, f);
    }
    if let Some(which) = console {
        let mut f = fmt(&small, plain);
        f.italics = true;
        // One tag: a wrapped row does not leave its number alone on the next line.
        let tag = t!("sockets-made-by-console", n = which + 1).replace(' ', "\u{a0}");
        job.append(&tag, 8.0, f);
    }
    job.append(
        &format!(
            "\n{}",
            t!(
                "sockets-row-addresses",
                local = local,
                peer = peer,
                bytes_in = counters.bytes_in.to_string(),
                bytes_out = counters.bytes_out.to_string()
            )
        ),
        0.0,
        fmt(&small, plain),
    );
    job
}

/// A row's tooltip: what its state means and what leads out of it, the kernel's TCP
/// state (or, once closed, the connection's state after close) likewise.
pub(crate) fn row_tip(
    s: &crate::ui::state::SockView,
    st: SockState,
    queued: Option<&str>,
) -> String {
    use crate::ui::explain;
    // Which way a half-closed one is shut: its row has no room for it (the page's heading
    // says it too).
    let mut tip = match explain::state_words(s) {
        w if w != explain::state_word(st) => {
            format!("{w}\n\n{}", explain::sock_state_of(&s.info, st))
        }
        _ => explain::sock_state_of(&s.info, st),
    };
    if let Some(l) = queued {
        tip.push_str("\n\n");
        tip.push_str(&t!("sockets-queued-tip", listener = l));
    }
    let kernel = match (&s.after_close, s.closed) {
        (Some(a), true) => a.state,
        (None, true) => None,
        _ => s
            .snapshot
            .as_ref()
            .and_then(|x| x.tcp.as_ref())
            .map(|t| t.state),
    };
    if let Some(k) = kernel {
        tip.push_str("\n\n");
        tip.push_str(&t!("sockets-tip-kernel", what = explain::tcp_state(k)));
    }
    if let Some(a) = s
        .after_close
        .as_ref()
        .filter(|a| s.closed && a.state.is_none())
    {
        tip.push_str("\n\n");
        tip.push_str(&if a.was_time_wait {
            t!("sockets-tip-forgotten-time-wait")
        } else {
            t!("sockets-tip-forgotten")
        });
    }
    for w in &s.waiting {
        tip.push_str("\n\n");
        tip.push_str(&t!(
            "sockets-tip-waits",
            op = w.op,
            way = explain::way_out(w.op, w.deadline.is_some(), s)
        ));
    }
    tip
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::style::contrast;

    #[test]
    fn light_theme_badges_pass_wcag_aa_on_the_panel_and_a_selected_row() {
        let ctx = egui::Context::default();
        crate::ui::style::install(&ctx);
        ctx.style_mut_of(egui::Theme::Light, |style| {
            let v = &style.visuals;
            for st in [
                SockState::Created,
                SockState::Bound,
                SockState::Listening,
                SockState::Connecting,
                SockState::Connected,
                SockState::HalfClosed,
                SockState::Closed,
                SockState::Error,
            ] {
                let c = badge_color(st, false);
                for (bg, what) in [
                    (v.panel_fill, "the panel"),
                    (v.selection.bg_fill, "a selected row"),
                    (v.extreme_bg_color, "a field"),
                ] {
                    let r = contrast(c, bg);
                    assert!(r >= 4.5, "{} on {what}: {r:.2}:1", st.name());
                }
            }
            // The rows' own text on a selected row too.
            for c in [v.text_color(), v.strong_text_color()] {
                let r = contrast(c, v.selection.bg_fill);
                assert!(r >= 4.5, "text on a selected row: {r:.2}:1");
            }
        });
    }
}
