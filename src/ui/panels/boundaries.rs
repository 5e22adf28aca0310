//! Message boundaries: for a connection whose two ends are in this window, the sender's
//! send() calls beside the receiver's recv() calls, over the same stream of bytes — so
//! three sends read by one recv (粘包), or one send read in two, is plain to see.

use egui::{Color32, RichText, Sense, Stroke};

use crate::engine::{Kind, SocketId};
use crate::t;
use crate::ui::diagram::{self, Block, Boundaries};
use crate::ui::state::{Action, UiState};

/// Height of a gap between two boundaries.
const GAP_H: f32 = 24.0;

pub fn show(ui: &mut egui::Ui, state: &UiState, actions: &mut Vec<Action>) {
    ui.label(RichText::new(t!("diagram-boundaries-about")).weak());
    let pair = state.selected.and_then(|id| {
        let s = state.sockets.get(&id)?;
        (s.info.kind == Kind::Stream).then_some(())?;
        let lanes = diagram::lanes(state, Some(id));
        let peer = lanes.into_iter().find(|p| {
            *p != id
                && state
                    .sockets
                    .get(p)
                    .is_some_and(|x| x.info.parent != Some(id) && !is_listener(state, *p))
                && talks(state, id, *p)
        })?;
        Some((id, peer))
    });
    let Some((a, b)) = pair else {
        ui.label(t!("diagram-boundaries-none"));
        return;
    };
    let picked = state.diagram_pick;
    let bytes_h = if picked.is_some() { 150.0 } else { 0.0 };
    let name = |id: SocketId| state.sockets.get(&id).map_or("?", |s| s.info.name.as_str());
    let ways = [(a, b), (b, a)];
    let height = ((ui.available_height() - bytes_h) / 2.0 - 30.0).max(100.0);
    for (from, to) in ways {
        let bounds = diagram::boundaries(&state.story, from, to);
        ui.separator();
        ui.label(
            RichText::new(t!(
                "diagram-boundaries-way",
                from = name(from),
                to = name(to),
                sends = bounds.sends.len(),
                recvs = bounds.recvs.len()
            ))
            .strong(),
        );
        if bounds.cuts.len() < 2 {
            ui.label(RichText::new(t!("diagram-boundaries-empty")).weak());
            continue;
        }
        egui::ScrollArea::vertical()
            .id_salt(("boundaries", from.0, to.0))
            .max_height(height)
            .auto_shrink([false, true])
            .stick_to_bottom(true)
            .show_viewport(ui, |ui, view| {
                let gaps = bounds.cuts.len() - 1;
                let size = egui::vec2(ui.available_width(), GAP_H * gaps as f32);
                let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
                draw(ui, state, &bounds, rect, view, (from, to), actions);
            });
    }
    if let Some((id, row)) = picked {
        super::sequence::bytes_of(ui, state, id, row);
    }
}

fn is_listener(state: &UiState, id: SocketId) -> bool {
    state.sockets.values().any(|s| s.info.parent == Some(id))
        || state
            .sockets
            .get(&id)
            .is_some_and(|s| s.state() == crate::engine::SockState::Listening)
}

fn talks(state: &UiState, a: SocketId, b: SocketId) -> bool {
    let addr = |id: SocketId| {
        state
            .sockets
            .get(&id)
            .and_then(|s| s.snapshot.as_ref())
            .map(|n| (n.local.clone(), n.peer.clone()))
    };
    match (addr(a), addr(b)) {
        (Some((al, ap)), Some((bl, bp))) => al.is_some() && al == bp && ap.is_some() && ap == bl,
        _ => false,
    }
}

/// The sends on the left, the recvs on the right, a line across at every boundary.
fn draw(
    ui: &mut egui::Ui,
    state: &UiState,
    b: &Boundaries,
    rect: egui::Rect,
    view: egui::Rect,
    (from, to): (SocketId, SocketId),
    actions: &mut Vec<Action>,
) {
    let painter = ui.painter_at(ui.clip_rect());
    let visuals = ui.visuals().clone();
    let y = |gap: usize| rect.top() + GAP_H * gap as f32;
    let (first, last) = (
        (view.min.y / GAP_H).floor().max(0.0) as usize,
        (view.max.y / GAP_H).ceil() as usize + 1,
    );
    let half = rect.width() / 2.0;
    for (i, _) in b.cuts.iter().enumerate().take(last + 1).skip(first) {
        painter.hline(
            rect.x_range(),
            y(i),
            Stroke::new(1.0, visuals.weak_text_color().gamma_multiply(0.5)),
        );
    }
    let send_fill = Color32::from_rgba_unmultiplied(70, 150, 230, 60);
    let recv_fill = Color32::from_rgba_unmultiplied(80, 190, 120, 60);
    let sides = [
        (&b.sends, from, rect.left() + 4.0, "send", send_fill),
        (&b.recvs, to, rect.left() + half + 4.0, "recv", recv_fill),
    ];
    for (blocks, id, left, word, fill) in sides {
        let Some(view_of) = state.sockets.get(&id) else {
            continue;
        };
        for block in blocks.iter() {
            let Block {
                n, len, span, row, ..
            } = block;
            if span.1 < first || span.0 > last {
                continue;
            }
            let r = egui::Rect::from_min_max(
                egui::pos2(left, y(span.0) + 2.0),
                egui::pos2(left + half - 12.0, y(span.1 + 1) - 2.0),
            );
            painter.rect_filled(r, 3.0, fill);
            let preview = view_of
                .traffic
                .by_seq(*row)
                .map(|t| {
                    let shown = &t.data[..t.data.len().min(24)];
                    let more = if t.data.len() > 24 { "…" } else { "" };
                    format!("{}{more}", crate::pyfmt::bytes_repr(shown))
                })
                .unwrap_or_default();
            let text = format!("{}() #{n}: {len} B  {preview}", word);
            let label_rect = egui::Rect::from_min_size(
                egui::pos2(r.left() + 6.0, r.top()),
                egui::vec2(r.width() - 8.0, GAP_H - 4.0),
            );
            let resp = ui
                .scope_builder(
                    egui::UiBuilder::new()
                        .max_rect(label_rect)
                        .layout(egui::Layout::left_to_right(egui::Align::Center)),
                    |ui| {
                        ui.add(
                            egui::Label::new(RichText::new(text).monospace())
                                .truncate()
                                .sense(Sense::click()),
                        )
                    },
                )
                .inner;
            if resp.clicked() {
                actions.push(Action::PickBytes { id, row: *row });
            }
        }
    }
}
