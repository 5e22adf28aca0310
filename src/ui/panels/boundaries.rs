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
/// Bytes of a call's data in its block's words: the block cuts them where it ends, and
/// hovering shows them whole (a 32-byte challenge, a line of a protocol).
const PREVIEW: usize = 256;

/// The other end of a connection when it is another program (no socket of the window's):
/// its calls are unknown, so only this side's are drawn.
const OUTSIDE: SocketId = SocketId(u64::MAX);

pub fn show(ui: &mut egui::Ui, state: &UiState, actions: &mut Vec<Action>) {
    if let Some(s) = state
        .selected_view()
        .filter(|s| s.info.kind != Kind::Stream)
    {
        datagrams(ui, s);
        return;
    }
    // What the view teaches, in text as readable as the rest (not a faint aside).
    ui.label(t!("diagram-boundaries-about"));
    let pair = state
        .selected
        .and_then(|id| Some((id, diagram::connected_peer(state, id)?)));
    // A peer that is another program (a python3 client, a device): this side's calls
    // still show how its recv() calls cut what arrived.
    let outside = state
        .selected_view()
        .filter(|_| pair.is_none())
        .filter(|s| s.state() != crate::engine::SockState::Listening)
        .and_then(|s| Some((s.info.id, s.last_peer()?.to_string())));
    let (a, b, other) = match (pair, outside) {
        (Some((a, b)), _) => (a, b, None),
        (None, Some((a, peer))) => (a, OUTSIDE, Some(peer)),
        (None, None) => {
            ui.label(t!("diagram-boundaries-none"));
            return;
        }
    };
    if let Some(peer) = &other {
        ui.label(t!("diagram-boundaries-outside", peer = peer.as_str()));
    }
    let picked = state.diagram_pick;
    let bytes_h = if picked.is_some() { 150.0 } else { 0.0 };
    let other_name = other
        .as_ref()
        .map(|p| t!("diagram-boundaries-other", peer = p.as_str()))
        .unwrap_or_default();
    let name = |id: SocketId| {
        if id == OUTSIDE {
            other_name.as_str()
        } else {
            state.sockets.get(&id).map_or("?", |s| s.info.name.as_str())
        }
    };
    let ways = [(a, b), (b, a)];
    let height = ((ui.available_height() - bytes_h) / 2.0 - 30.0).max(100.0);
    // "2 send() calls, 1 sendall() call": each side's calls by the name Python gives them.
    // The calls that read the stream's end count too: they were made (the first is
    // drawn below, the others returned the same at once).
    let counted = |blocks: &[Block], none: &str, ends: &[&'static str]| {
        let mut counts = diagram::call_counts(blocks);
        for &call in ends {
            match counts.iter_mut().find(|(c, _)| *c == call) {
                Some((_, n)) => *n += 1,
                None => counts.push((call, 1)),
            }
        }
        let parts: Vec<String> = counts
            .into_iter()
            .map(|(call, n)| t!("diagram-boundaries-calls", call = call, n = n))
            .collect();
        if parts.is_empty() {
            t!("diagram-boundaries-calls", call = none, n = 0)
        } else {
            parts.join(&t!("files-list-separator"))
        }
    };
    for (from, to) in ways {
        let bounds = diagram::boundaries(&state.story, from, to);
        ui.separator();
        ui.label(
            RichText::new(t!(
                "diagram-boundaries-way",
                from = name(from),
                to = name(to),
                // Another program's calls are not known: not zero of them.
                sends = if from == OUTSIDE {
                    t!("diagram-boundaries-unseen", call = "send")
                } else {
                    counted(&bounds.sends, "send", &[])
                },
                recvs = if to == OUTSIDE {
                    t!("diagram-boundaries-unseen", call = "recv")
                } else {
                    counted(&bounds.recvs, "recv", &bounds.end_calls)
                }
            ))
            .strong(),
        );
        let ended = |ui: &mut egui::Ui| {
            if let Some(call) = bounds.ended {
                let result = crate::ui::story::nothing_returned(call, true);
                // A Unix socket sends no FIN: the kernel marks the end itself.
                let unix = state
                    .sockets
                    .get(&to)
                    .is_some_and(|s| s.info.family == crate::engine::Family::Unix);
                let (to, from) = (name(to), name(from));
                ui.label(if unix {
                    t!(
                        "diagram-boundaries-ended-unix",
                        to = to,
                        from = from,
                        call = call,
                        result = result
                    )
                } else {
                    t!(
                        "diagram-boundaries-ended",
                        to = to,
                        from = from,
                        call = call,
                        result = result
                    )
                });
            }
        };
        if bounds.cuts.len() < 2 {
            ui.label(RichText::new(t!("diagram-boundaries-empty")).weak());
            ended(ui);
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
        ended(ui);
    }
    if let Some((id, row)) = picked {
        super::sequence::bytes_of(ui, state, id, row);
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
        (&b.sends, from, rect.left() + 4.0, send_fill),
        (&b.recvs, to, rect.left() + half + 4.0, recv_fill),
    ];
    for (blocks, id, left, fill) in sides {
        let Some(view_of) = state.sockets.get(&id) else {
            continue;
        };
        for block in blocks.iter() {
            let Block {
                n,
                len,
                span,
                row,
                call,
                ..
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
                    let shown = &t.data[..t.data.len().min(PREVIEW)];
                    let more = if t.data.len() > PREVIEW { "…" } else { "" };
                    format!("{}{more}", crate::pyfmt::bytes_repr(shown))
                })
                .unwrap_or_default();
            let text = format!("{call}() #{n}: {len} B  {preview}");
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
    // Bytes sent that no recv has taken yet wait in the receiver's queue: drawn hollow on
    // its side, so three sends before any recv do not look lost.
    let end = |blocks: &[Block]| blocks.iter().map(|x| x.offset + x.len as u64).max();
    let sent_end = end(&b.sends).unwrap_or(0);
    let read_end = end(&b.recvs).unwrap_or_else(|| b.cuts.first().copied().unwrap_or(0));
    let open = state.sockets.get(&to).is_some_and(|s| !s.closed);
    if open && sent_end > read_end {
        let from_gap = b.cuts.partition_point(|c| *c < read_end);
        let to_gap = b.cuts.len().saturating_sub(1);
        if from_gap < to_gap && !(to_gap <= first || from_gap > last) {
            let left = rect.left() + half + 4.0;
            let r = egui::Rect::from_min_max(
                egui::pos2(left, y(from_gap) + 2.0),
                egui::pos2(left + half - 12.0, y(to_gap) - 2.0),
            );
            painter.rect_stroke(
                r,
                3.0,
                Stroke::new(1.0, recv_fill.gamma_multiply(3.0)),
                egui::StrokeKind::Inside,
            );
            let name = state.sockets.get(&to).map_or("?", |s| s.info.name.as_str());
            let text = t!(
                "diagram-boundaries-unread",
                n = (sent_end - read_end).to_string(),
                name = name
            );
            let label_rect = egui::Rect::from_min_size(
                egui::pos2(r.left() + 6.0, r.top()),
                egui::vec2(r.width() - 8.0, GAP_H - 4.0),
            );
            ui.scope_builder(
                egui::UiBuilder::new()
                    .max_rect(label_rect)
                    .layout(egui::Layout::left_to_right(egui::Align::Center)),
                |ui| ui.add(egui::Label::new(RichText::new(text).italics()).truncate()),
            );
        }
    }
}

/// Datagrams drawn on a datagram socket's page.
const MAX_DATAGRAMS: usize = 500;

/// A datagram socket's datagrams, each whole: what each send sent, and of each one
/// received what its recv kept and what a too-small bufsize cut off (lost: the kernel
/// drops the rest of a datagram). Bars to one scale, the largest datagram full width.
fn datagrams(ui: &mut egui::Ui, s: &crate::ui::state::SockView) {
    use crate::engine::Direction;
    // What the view teaches, in text as readable as the rest (not a faint aside).
    ui.label(t!("diagram-datagrams-about"));
    // Datagrams that never became rows: lost whole, which is the other half of the lesson.
    if let Some(n) = s.kernel_drops() {
        ui.label(
            RichText::new(t!("diagram-datagrams-dropped", n = n))
                .color(ui.visuals().error_fg_color),
        )
        .on_hover_text(t!("inspector-drops-tip"));
    }
    let rows: Vec<_> = s.traffic.iter().collect();
    let rows = &rows[rows.len().saturating_sub(MAX_DATAGRAMS)..];
    let waiting = waiting(s);
    if rows.is_empty() {
        ui.label(t!("diagram-datagrams-none"));
        if let Some((next, used)) = waiting {
            waiting_line(ui, next, used);
        }
        return;
    }
    let cut_any = rows.iter().filter(|r| r.cut > 0).count();
    let got = rows.iter().filter(|r| r.direction == Direction::In).count();
    ui.label(
        RichText::new(t!(
            "diagram-datagrams-count",
            name = &s.info.name,
            n = rows.len(),
            got = got,
            sent = rows.len() - got,
            cut = cut_any
        ))
        .strong(),
    );
    // (The next one waiting too: its hollow bar is drawn to the same scale.)
    let next = waiting.map_or(0, |(n, _)| n as usize);
    let widest = rows
        .iter()
        .map(|r| r.len + r.cut)
        .max()
        .unwrap_or(1)
        .max(next)
        .max(1) as f32;
    let dark = ui.visuals().dark_mode;
    let (kept_in, kept_out, lost) = if dark {
        (
            Color32::from_rgb(90, 160, 240),
            Color32::from_rgb(110, 190, 120),
            Color32::from_rgb(240, 110, 100),
        )
    } else {
        (
            Color32::from_rgb(30, 100, 200),
            Color32::from_rgb(40, 130, 60),
            Color32::from_rgb(200, 40, 30),
        )
    };
    egui::ScrollArea::vertical()
        .id_salt(("datagrams", s.info.id.0))
        .auto_shrink([false, false])
        .stick_to_bottom(true)
        .show(ui, |ui| {
            for r in rows {
                let peer = r
                    .peer
                    .as_ref()
                    .map_or_else(|| t!("diagram-datagram-unnamed"), |p| p.to_string());
                let (text, fill) = match r.direction {
                    Direction::Out => (
                        t!("diagram-datagram-out", n = r.len, peer = &peer),
                        kept_out,
                    ),
                    Direction::In if r.cut > 0 => (
                        t!(
                            "diagram-datagram-cut",
                            kept = r.len,
                            whole = r.len + r.cut,
                            cut = r.cut,
                            peer = &peer
                        ),
                        kept_in,
                    ),
                    Direction::In => (t!("diagram-datagram-in", n = r.len, peer = &peer), kept_in),
                };
                let color = if r.cut > 0 {
                    lost
                } else {
                    ui.visuals().text_color()
                };
                ui.label(RichText::new(text).color(color));
                let w = ui.available_width();
                let (rect, _) = ui.allocate_exact_size(egui::vec2(w, 10.0), Sense::hover());
                let kept_w = (r.len as f32 / widest * w).max(2.0);
                let kept_rect = egui::Rect::from_min_size(rect.min, egui::vec2(kept_w, 10.0));
                ui.painter().rect_filled(kept_rect, 1.0, fill);
                if r.cut > 0 {
                    let cut_w = r.cut as f32 / widest * w;
                    let cut_rect = egui::Rect::from_min_size(
                        egui::pos2(kept_rect.max.x, rect.min.y),
                        egui::vec2(cut_w.max(2.0), 10.0),
                    );
                    ui.painter().rect_stroke(
                        cut_rect,
                        1.0,
                        Stroke::new(1.5, lost),
                        egui::StrokeKind::Inside,
                    );
                }
                ui.add_space(4.0);
            }
            if let Some((next, used)) = waiting {
                waiting_line(ui, next, used);
                // The next one's size, drawn hollow: it is not received yet.
                let w = ui.available_width();
                let (rect, _) = ui.allocate_exact_size(egui::vec2(w, 10.0), Sense::hover());
                let next_w = (next as f32 / widest * w).max(2.0).min(w.max(2.0));
                ui.painter().rect_stroke(
                    egui::Rect::from_min_size(rect.min, egui::vec2(next_w, 10.0)),
                    1.0,
                    Stroke::new(1.5, kept_in),
                    egui::StrokeKind::Inside,
                );
            }
        });
}

/// What waits in the kernel for a recv, as the last snapshot says: the next datagram's
/// size (SIOCINQ: on a datagram socket, only the next one's), and what the waiting ones
/// cost the receive buffer (IP sockets). None when nothing waits, or the socket is closed.
fn waiting(s: &crate::ui::state::SockView) -> Option<(u32, Option<u32>)> {
    let snap = s.snapshot.as_ref().filter(|_| !s.closed)?;
    let used = snap.recv_buffer.map(|b| b.used);
    match (snap.recv_queue?, used) {
        // (An empty datagram waiting is 0 bytes: the buffer's use tells it is there.)
        (next, Some(used)) if used > 0 => Some((next, Some(used))),
        (next, None) if next > 0 => Some((next, None)),
        _ => None,
    }
}

fn waiting_line(ui: &mut egui::Ui, next: u32, used: Option<u32>) {
    let text = match used {
        Some(used) => t!("diagram-datagrams-waiting-buffer", n = next, used = used),
        None => t!("diagram-datagrams-waiting", n = next),
    };
    ui.label(RichText::new(text).italics());
}
