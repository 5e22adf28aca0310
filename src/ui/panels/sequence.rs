//! The sequence diagram: a lane per socket (the selected one and those it talks to), time
//! going down, each call and each send or recv on its lane, arrows for what travelled
//! between lanes. Click a send or recv (or its arrow) for its bytes.

use egui::{Color32, FontId, Pos2, RichText, Sense, Stroke};

use crate::t;
use crate::ui::diagram::{self, ArrowKind, Diagram};
use crate::ui::state::{Action, CaptureState, UiState};

/// Height of a row.
const ROW_H: f32 = 24.0;
/// Room above the first row (for the words over an arrow there).
const TOP: f32 = 18.0;
/// Width of the time column.
const GUTTER: f32 = 78.0;
/// A lane's line stands this far into its column; its rows' words take the rest.
const LANE_PAD: f32 = 14.0;
/// A lane's column is never narrower (the rows scroll sideways instead).
const MIN_LANE: f32 = 140.0;

/// Where the lanes stand. Every column is as wide as the others but the last: a row's words
/// run on across the lanes right of it, and the last lane's have none, so its column is as
/// wide as the widest words seen on it, within what the others leave.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Columns {
    n: usize,
    /// Each column but the last.
    w: f32,
    last: f32,
}

impl Columns {
    /// `wants`: the last column's width that shows the widest words seen on its lane.
    fn new(width: f32, n: usize, wants: f32) -> Columns {
        let n = n.max(1);
        let room = width - GUTTER;
        let even = (room / n as f32).max(MIN_LANE);
        if n == 1 {
            return Columns {
                n,
                w: even,
                last: even,
            };
        }
        // No more than the others leave at their narrowest: a column past the view's edge
        // would cut its words there, where the view's own width ends them in "…" (whole on
        // hover).
        let spare = room - MIN_LANE * (n - 1) as f32;
        let last = wants.min(spare).max(even);
        let w = ((room - last) / (n - 1) as f32).max(MIN_LANE);
        Columns { n, w, last }
    }

    /// A lane's line, from the left of the rows.
    fn x(&self, lane: usize) -> f32 {
        GUTTER + self.w * lane as f32 + LANE_PAD
    }

    fn width(&self, lane: usize) -> f32 {
        if lane + 1 >= self.n {
            self.last
        } else {
            self.w
        }
    }

    fn total(&self) -> f32 {
        GUTTER + self.w * (self.n - 1) as f32 + self.last
    }
}

pub fn show(ui: &mut egui::Ui, state: &UiState, actions: &mut Vec<Action>) {
    let lanes = diagram::lanes(state, state.selected);
    let (d, again) = state.diagram(&lanes);
    if let Some(after) = again {
        ui.ctx().request_repaint_after(after);
    }
    let tcp = d
        .lanes
        .iter()
        .filter_map(|id| state.sockets.get(id))
        .any(|v| v.is_tcp());
    let (outside, cut) = unseen_peers(state, &d.lanes);
    // What this drawing misses (segments not kept, a flood thinned): said even folded.
    let mut missing = String::new();
    let how = match &state.capture {
        // No TCP here: nothing of these sockets is captured; a Unix stream's guessed
        // arrows are said as such.
        _ if !d.lanes.is_empty() && !tcp => {
            let mut how = t!("diagram-not-tcp");
            if d.guessed {
                how = format!("{how} {}", t!("diagram-some-guessed"));
            }
            how
        }
        CaptureState::On(c) => {
            let mut lost = match c.dropped() {
                0 => String::new(),
                n => format!(" {}", t!("diagram-segments-lost", n = n)),
            };
            if let Some(n) = c.thinned() {
                lost += &format!(" {}", t!("diagram-thinned", n = n));
            }
            missing = lost.trim().to_string();
            let mut how = t!("diagram-captured", lost = lost);
            // Rows from before the capture began have no segments: said, with where it
            // began, or a connection made earlier reads as one that sent none.
            let since = state.story.capturing_since;
            if let (Some(since), Some(origin)) = (since, state.story.origin) {
                // (A TCP lane's: a Unix socket's rows have no segments to miss.)
                let first_tcp = d.rows.iter().find(|r| {
                    d.lanes
                        .get(r.lane)
                        .and_then(|id| state.sockets.get(id))
                        .is_some_and(|v| v.is_tcp())
                });
                if first_tcp.is_some_and(|r| r.at < since) {
                    let at = format!(
                        "+{:.3} s",
                        since.saturating_duration_since(origin).as_secs_f64()
                    );
                    how = format!("{how} {}", t!("diagram-captured-from", at = at));
                }
            }
            if outside {
                how = format!("{how} {}", t!("diagram-no-segments"));
            }
            if d.guessed {
                how = format!("{how} {}", t!("diagram-some-guessed"));
            }
            how
        }
        CaptureState::Refused(why) => t!("diagram-guessed", why = why),
        CaptureState::NotTried => String::new(),
    };
    // How it is drawn, folded away once read: five lines of it left a small window eleven
    // rows of diagram.
    ui.horizontal(|ui| {
        if ui
            .button(t!("diagram-clear"))
            .on_hover_text(t!("diagram-clear-tip"))
            .clicked()
        {
            actions.push(Action::ClearStory);
        }
        if !how.is_empty() {
            let words = if state.settings.diagram_how_folded {
                t!("diagram-how-show")
            } else {
                t!("diagram-how-hide")
            };
            if ui.button(words).clicked() {
                actions.push(Action::FoldDiagramHow {
                    folded: !state.settings.diagram_how_folded,
                });
            }
        }
    });
    if !how.is_empty() && !state.settings.diagram_how_folded {
        ui.label(RichText::new(how).weak());
    } else if !missing.is_empty() {
        ui.label(RichText::new(missing).color(crate::ui::style::warning(ui.visuals().dark_mode)));
    }
    // Which sockets these lanes are, and those left out: a diagram of the selected socket
    // alone hid a lesson's second client without a word.
    if let Some(name) = state
        .selected
        .and_then(|id| state.sockets.get(&id))
        .map(|s| &s.info.name)
    {
        let more = state.sockets.len().saturating_sub(d.lanes.len());
        let mut said = t!("diagram-lanes-of", name = name, n = more);
        if !cut.is_empty() {
            // A few by name (a listener may have a thousand connections).
            const NAMED: usize = 3;
            let mut names: Vec<&str> = cut
                .iter()
                .take(NAMED)
                .filter_map(|id| state.sockets.get(id))
                .map(|s| s.info.name.as_str())
                .collect();
            let more;
            if cut.len() > NAMED {
                more = t!("diagram-lanes-cut-more", n = cut.len() - NAMED);
                names.push(&more);
            }
            said = format!(
                "{said} {}",
                t!(
                    "diagram-lanes-cut",
                    max = diagram::MAX_LANES,
                    names = names.join(", ")
                )
            );
        }
        ui.label(RichText::new(said).weak());
    }
    if state.story.truncated() {
        ui.label(RichText::new(t!("diagram-truncated", n = crate::ui::story::MAX_BEATS)).weak());
    }
    if d.lanes.is_empty() {
        ui.label(t!("diagram-no-sockets"));
        return;
    }
    let picked = state.diagram_pick;
    let bytes_h = if picked.is_some() { 150.0 } else { 0.0 };
    let height = (ui.available_height() - bytes_h).max(120.0);
    let width = ui.available_width();
    // The last lane's widest words seen while these lanes are drawn (draw() measures those
    // in view): its column grows to them and stays (scrolling back to narrower rows does
    // not narrow it). One entry, for the lanes drawn now: another set starts from none.
    let wants_id = egui::Id::unique("sequence last lane");
    let lanes_key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        d.lanes.hash(&mut h);
        h.finish()
    };
    let wants = ui
        .data(|m| m.get_temp::<(u64, f32)>(wants_id))
        .filter(|(k, _)| *k == lanes_key)
        .map_or(0.0, |(_, w)| w);
    // The lanes' names, fixed above the rows.
    let (head, _) = ui.allocate_exact_size(egui::vec2(width, 40.0), Sense::hover());
    // A rule under the names: a row half scrolled out under them reads as scrolled.
    ui.painter().hline(
        head.x_range(),
        head.bottom() - 0.5,
        Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color),
    );
    let scrolled = egui::ScrollArea::both()
        .id_salt("sequence")
        .max_height(height)
        .auto_shrink([false, false])
        .stick_to_bottom(true)
        .show_viewport(ui, |ui, view| {
            // The view's width, not the panel's: the scroll bar takes its part of that.
            let cols = Columns::new(view.width(), d.lanes.len(), wants);
            let total = egui::vec2(cols.total(), TOP + ROW_H * d.rows.len() as f32 + ROW_H);
            let (rect, _) = ui.allocate_exact_size(total, Sense::hover());
            let seen = draw(ui, state, &d, rect, view, cols, actions);
            if seen > wants + 0.5 {
                ui.data_mut(|m| m.insert_temp(wants_id, (lanes_key, seen)));
                ui.ctx().request_repaint();
            }
            cols
        });
    let cols = scrolled.inner;
    // The names above, drawn once the rows' sideways scroll is known: they move with their
    // lanes (they had stayed put, over other lanes, when the rows scrolled sideways), the
    // time column scrolling away under them as it does under the rows.
    let dx = scrolled.state.clamped_offset().x;
    let mut names_ui = ui.new_child(egui::UiBuilder::new().max_rect(head));
    names_ui.set_clip_rect(head.intersect(ui.clip_rect()));
    {
        let ui = &mut names_ui;
        for (i, id) in d.lanes.iter().enumerate() {
            let Some(s) = state.sockets.get(id) else {
                continue;
            };
            let left = head.left() + cols.x(i) - 6.0 - dx;
            let line = |top: f32| {
                egui::Rect::from_min_size(
                    egui::pos2(left, top),
                    egui::vec2(cols.width(i) - LANE_PAD, 18.0),
                )
            };
            put_left(
                ui,
                line(head.top()),
                egui::Label::new(RichText::new(&s.info.name).strong()).truncate(),
            );
            put_left(
                ui,
                line(head.top() + 19.0),
                egui::Label::new(
                    RichText::new(format!(
                        "{} · {}",
                        s.family_type(),
                        crate::ui::explain::state_words(s)
                    ))
                    .weak(),
                )
                .truncate(),
            );
        }
    }
    if let Some((id, row)) = picked {
        bytes_of(ui, state, id, row);
    }
}

/// The rows in view and the arrows that cross them. Returns the width the last lane's column
/// needs for the widest words in view on it.
fn draw(
    ui: &mut egui::Ui,
    state: &UiState,
    d: &Diagram,
    rect: egui::Rect,
    view: egui::Rect,
    cols: Columns,
    actions: &mut Vec<Action>,
) -> f32 {
    let painter = ui.painter_at(ui.clip_rect());
    let lane_x = |lane: usize| rect.left() + cols.x(lane);
    let view_right = rect.left() + view.max.x;
    let row_y = |row: usize| rect.top() + TOP + ROW_H * (row as f32 + 0.5);
    let first = (((view.min.y - TOP) / ROW_H).floor().max(0.0)) as usize;
    let last = (((view.max.y - TOP) / ROW_H).ceil().max(0.0) as usize + 1).min(d.rows.len());
    // A view scrolled past the rows (fewer since) draws none of them.
    let first = first.min(last);
    let visuals = ui.visuals().clone();
    let lane_stroke = Stroke::new(1.0, visuals.weak_text_color());
    for i in 0..d.lanes.len() {
        let x = lane_x(i);
        painter.line_segment(
            [
                egui::pos2(x, rect.top() + view.min.y),
                egui::pos2(x, rect.top() + view.max.y),
            ],
            lane_stroke,
        );
    }
    let font = FontId::proportional(13.0);
    let body = egui::TextStyle::Body.resolve(ui.style());
    // A row's words lie right of its lane, where the arrows that leave it going right
    // begin and those that come to it from the right end: such an arrow begins or ends
    // where the words end (they would cover it, its head too), and the words leave it
    // room. Per row, the nearest lane such an arrow comes from or goes to.
    let mut beside: std::collections::HashMap<usize, f32> = std::collections::HashMap::new();
    let drawn = |a: &&diagram::Arrow| a.to_row >= first && a.from_row <= last;
    for a in d.arrows.iter().filter(drawn) {
        let Some((row, other)) = along_words(d, a) else {
            continue;
        };
        let x = lane_x(other);
        beside.entry(row).and_modify(|v| *v = v.min(x)).or_insert(x);
    }
    // A row's words run on past the lanes right of it (a row is one beat: the other
    // lanes have none at its height), up to the first arrow that crosses its height there.
    let mut across: std::collections::HashMap<usize, f32> = std::collections::HashMap::new();
    for a in d.arrows.iter().filter(drawn) {
        let (f, t) = (
            egui::pos2(lane_x(a.from), row_y(a.from_row)),
            egui::pos2(lane_x(a.to), row_y(a.to_row)),
        );
        for k in a.from_row.max(first)..=a.to_row.min(last.saturating_sub(1)) {
            let Some(row) = d.rows.get(k) else { break };
            let x = if a.from_row == a.to_row {
                f.x.min(t.x)
            } else {
                f.x + (t.x - f.x) * (row_y(k) - f.y) / (t.y - f.y)
            };
            if x > lane_x(row.lane) + 1.0 {
                across.entry(k).and_modify(|v| *v = v.min(x)).or_insert(x);
            }
        }
    }
    // Where each row's words lie (on a patch of the background), found first so the
    // arrows' words can keep clear of them.
    let text_at = |i: usize, row: &diagram::Row| {
        let (x, y) = (lane_x(row.lane), row_y(i));
        let room = beside.get(&i).map_or_else(
            || {
                let end = across.get(&i).map_or(rect.right(), |c| c - 6.0);
                (end - x - 8.0).max(cols.width(row.lane) - 12.0)
            },
            |to| (to - x - 8.0 - ARROW_ROOM).clamp(40.0, cols.width(row.lane) - 12.0),
        );
        // Ended in "…" at the view's edge, not cut there mid-letter (lanes at their
        // narrowest may reach past it; scrolled sideways, the edge moves with the view).
        let room = room.min(view_right - x - 8.0).max(12.0);
        let rect = egui::Rect::from_min_size(
            egui::pos2(x + 8.0, y - ROW_H / 2.0),
            egui::vec2(room, ROW_H),
        );
        let whole = painter
            .layout_no_wrap(row.text.to_string(), body.clone(), Color32::WHITE)
            .size()
            .x;
        let patch = egui::Rect::from_min_size(
            egui::pos2(rect.left() - 2.0, y - 9.0),
            egui::vec2(whole.min(rect.width()) + 4.0, 18.0),
        );
        (rect, patch, whole)
    };
    let mut taken: Vec<egui::Rect> = (first..last).map(|i| text_at(i, &d.rows[i]).1).collect();
    // The last lane's column that would show the widest of its words in view.
    let last_lane = d.lanes.len().saturating_sub(1);
    let wants = (first..last)
        .filter(|&i| d.rows[i].lane == last_lane)
        .map(|i| LANE_PAD + 8.0 + text_at(i, &d.rows[i]).2 + 12.0)
        .fold(0.0, f32::max);
    // Arrows whose rows span the view.
    let click = ui
        .input(|i| {
            i.pointer
                .primary_clicked()
                .then(|| i.pointer.interact_pos())
        })
        .flatten()
        .filter(|p| ui.clip_rect().contains(*p));
    let shown: Vec<(&diagram::Arrow, Pos2, Pos2)> = d
        .arrows
        .iter()
        .filter(|a| a.to_row >= first && a.from_row <= last)
        .map(|a| {
            let (from, to) = arrow_ends(d, a, &lane_x, &row_y, &|row| {
                text_at(row, &d.rows[row]).1.right() + 2.0
            });
            (a, from, to)
        })
        .collect();
    for (n, &(a, from, to)) in shown.iter().enumerate() {
        let colour = match a.kind {
            ArrowKind::Data => Color32::from_rgb(70, 150, 230),
            ArrowKind::Handshake => Color32::from_rgb(170, 110, 230),
            ArrowKind::Fin => crate::ui::style::warning(ui.visuals().dark_mode),
            ArrowKind::Segment => Color32::from_rgb(150, 150, 150),
        };
        arrow(&painter, from, to, colour);
        if a.kind == ArrowKind::Handshake {
            arrow(&painter, to, from, colour);
        }
        // A segment's row says what it is; the others' words go on the arrow a little
        // nearer its sender, where arrows that meet at one recv keep theirs apart.
        if a.kind == ArrowKind::Segment {
            continue;
        }
        // Kept between the two lanes (cut with … where it would not fit), on the first
        // spot along the arrow clear of the rows' words and of other arrows' words;
        // with none free the words are left out (a click on the arrow shows the bytes).
        // (Between the lanes, not the arrow's ends: an arrow that ends where a row's words
        // end may be short across, and its words may lie beside those.)
        let (l1, l2) = (lane_x(a.from), lane_x(a.to));
        let between = (l1.min(l2), l1.max(l2));
        let span = between.1 - between.0 - 2.0 * LANE_TEXT_GAP;
        if span > 0.0 {
            let mut job = egui::text::LayoutJob::single_section(
                a.label.clone(),
                egui::TextFormat::simple(font.clone(), colour),
            );
            job.wrap = egui::text::TextWrapping::truncate_at_width(span);
            let galley = painter.layout_job(job);
            // Clear of the other arrows' lines where it can be (a captured segment's
            // runs across between a send and its recv), else clear of words only.
            let lines: Vec<(Pos2, Pos2)> = (shown.iter().enumerate())
                .filter(|&(m, _)| m != n)
                .map(|(_, &(_, f, t))| (f, t))
                .collect();
            let spot = free_spot(from, to, between, galley.size(), &taken, &lines)
                .or_else(|| free_spot(from, to, between, galley.size(), &taken, &[]));
            if let Some(r) = spot {
                taken.push(r.expand(1.0));
                let cut = galley.elided;
                painter.galley(r.min, galley, colour);
                // Cut to fit: the whole of it on hover.
                if cut {
                    let id =
                        ui.scope_id()
                            .with(("arrow words", a.from_row, a.to_row, a.from, a.to));
                    ui.interact(r, id, Sense::hover())
                        .on_hover_text(a.label.as_str());
                }
            }
        }
        if let (Some(p), ArrowKind::Data) = (click, &a.kind) {
            if near(p, from, to) {
                if let Some(b) = d.rows[a.from_row].bytes {
                    actions.push(Action::PickBytes {
                        id: d.lanes[a.from],
                        row: b,
                    });
                }
            }
        }
    }
    // The rows over the arrows, each on a patch of the background so it reads.
    let start = state.story.origin;
    for (i, row) in (first..).zip(d.rows.range(first..last)) {
        let y = row_y(i);
        if let Some(s) = start {
            painter.text(
                egui::pos2(rect.left() + 4.0, y),
                egui::Align2::LEFT_CENTER,
                format!(
                    "+{:.3} s",
                    row.at.saturating_duration_since(s).as_secs_f64()
                ),
                font.clone(),
                visuals.weak_text_color(),
            );
        }
        let x = lane_x(row.lane);
        let colour = if row.failed {
            Color32::from_rgb(230, 80, 70)
        } else if row.bytes.is_some() {
            Color32::from_rgb(70, 150, 230)
        } else {
            visuals.text_color()
        };
        painter.circle_filled(egui::pos2(x, y), 4.0, colour);
        let (text_rect, patch, _) = text_at(i, row);
        let text = RichText::new(row.text.text()).color(colour);
        let label = egui::Label::new(text).truncate();
        let label = if row.bytes.is_some() {
            label.sense(Sense::click())
        } else {
            label
        };
        painter.rect_filled(patch, 2.0, visuals.panel_fill);
        let r = put_left(ui, text_rect, label);
        let r = match row.text.tip(row.failed) {
            Some(tip) => r.on_hover_text(tip),
            None => r,
        };
        if let (Some(b), true) = (row.bytes, r.clicked()) {
            actions.push(Action::PickBytes {
                id: d.lanes[row.lane],
                row: b,
            });
        }
    }
    wants
}

/// Where an arrow is drawn from and to: from its lane at its first row's height to its
/// other lane at its last row's, except that where a row's words lie along it
/// (along_words) it begins or ends where they end (`words_end`), 8 px long at least.
fn arrow_ends(
    d: &Diagram,
    a: &diagram::Arrow,
    lane_x: &dyn Fn(usize) -> f32,
    row_y: &dyn Fn(usize) -> f32,
    words_end: &dyn Fn(usize) -> f32,
) -> (Pos2, Pos2) {
    let (mut from, mut to) = (
        egui::pos2(lane_x(a.from), row_y(a.from_row)),
        egui::pos2(lane_x(a.to), row_y(a.to_row)),
    );
    match along_words(d, a) {
        Some((row, _)) if a.to > a.from => {
            from.x = from.x.max(words_end(row)).min(to.x - 8.0);
        }
        Some((row, _)) => to.x = to.x.max(words_end(row)).min(from.x - 8.0),
        None => {}
    }
    (from, to)
}

/// The row whose words (right of its lane) lie along the arrow, and the arrow's other lane:
/// the row it leaves going right, or the one it comes to from the right, when the row is
/// on that lane (a captured segment's row is its sender's, whichever way it goes).
fn along_words(d: &Diagram, a: &diagram::Arrow) -> Option<(usize, usize)> {
    let (row, lane, other) = if a.to > a.from {
        (a.from_row, a.from, a.to)
    } else if a.to < a.from {
        (a.to_row, a.to, a.from)
    } else {
        return None;
    };
    (d.rows[row].lane == lane).then_some((row, other))
}

/// Whether a lane's open TCP connection goes to a program outside socklab (no socket of the
/// window, open or closed, is its other end: its segments are rows of this side's lane
/// alone, no arrows), and, when the lanes are as many as are drawn, the window's sockets
/// left without one: the other end of a lane's connection, or a connection the selected
/// listener accepted — not outside, only not drawn.
fn unseen_peers(
    state: &UiState,
    lanes: &[crate::engine::SocketId],
) -> (bool, Vec<crate::engine::SocketId>) {
    let full = lanes.len() >= diagram::MAX_LANES;
    let mut outside = false;
    let mut cut = std::collections::BTreeSet::new();
    for v in lanes.iter().filter_map(|id| state.sockets.get(id)) {
        if v.is_tcp() && !v.closed && v.peer().is_some() {
            let ends = diagram::talks_to(state, v.info.id);
            // No other end yet, but the window's listener it reached (in its queue).
            let reached = || {
                v.peer().is_some_and(|p| {
                    state.sockets.values().any(|w| {
                        w.info.id != v.info.id && w.local().is_some_and(|l| diagram::meets(l, p))
                    })
                })
            };
            if ends.is_empty() {
                outside |= !reached();
            } else if full && !ends.iter().any(|e| lanes.contains(e)) {
                cut.extend(ends);
            }
        }
        if full && state.selected == Some(v.info.id) {
            // A listener's connections are lanes of its own diagram only.
            cut.extend(
                state
                    .children(v.info.id)
                    .filter(|c| !c.closed)
                    .map(|c| c.info.id)
                    .filter(|c| !lanes.contains(c)),
            );
        }
    }
    (outside, cut.into_iter().collect())
}

/// A widget in `rect`, from its left edge (ui.put would centre it).
fn put_left(ui: &mut egui::Ui, rect: egui::Rect, widget: impl egui::Widget) -> egui::Response {
    ui.scope_builder(
        egui::UiBuilder::new()
            .max_rect(rect)
            .layout(egui::Layout::left_to_right(egui::Align::Center)),
        |ui| ui.add(widget),
    )
    .inner
}

/// Where the words of an arrow from `from` to `to` go: the first of a few spots along it,
/// above or below the line and between its lanes (at `between`'s x), that overlaps
/// nothing `taken` and crosses none of `lines`.
fn free_spot(
    from: Pos2,
    to: Pos2,
    between: (f32, f32),
    size: egui::Vec2,
    taken: &[egui::Rect],
    lines: &[(Pos2, Pos2)],
) -> Option<egui::Rect> {
    let spots = [0.5, 0.35, 0.65, 0.2, 0.8]
        .into_iter()
        .flat_map(|f| [(f, true), (f, false)]);
    spots.into_iter().find_map(|(f, above)| {
        let at = from + (to - from) * f;
        let left = (at.x - size.x / 2.0)
            .max(between.0 + LANE_TEXT_GAP)
            .min(between.1 - LANE_TEXT_GAP - size.x);
        let top = if above {
            at.y - 3.0 - size.y
        } else {
            at.y + 3.0
        };
        let r = egui::Rect::from_min_size(egui::pos2(left, top), size);
        let clear = !taken.iter().any(|t| t.intersects(r))
            && !lines.iter().any(|&(a, b)| crosses(r.expand(2.0), a, b));
        clear.then_some(r)
    })
}

/// Whether the line from `a` to `b` passes through `r` (clipped to it, Liang–Barsky).
fn crosses(r: egui::Rect, a: Pos2, b: Pos2) -> bool {
    let d = b - a;
    let (mut t0, mut t1) = (0.0f32, 1.0f32);
    for (p, q) in [
        (-d.x, a.x - r.left()),
        (d.x, r.right() - a.x),
        (-d.y, a.y - r.top()),
        (d.y, r.bottom() - a.y),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    t0 <= t1
}

/// Room left beside a lane for the words of the rows on it.
const LANE_TEXT_GAP: f32 = 10.0;
/// What an arrow keeps at least beside the words of the row it leaves or comes to.
const ARROW_ROOM: f32 = 36.0;

fn arrow(painter: &egui::Painter, from: Pos2, to: Pos2, colour: Color32) {
    let stroke = Stroke::new(1.5, colour);
    painter.line_segment([from, to], stroke);
    let dir = (to - from).normalized();
    let side = egui::vec2(-dir.y, dir.x);
    let tip = to - dir * 5.0;
    painter.line_segment([tip, tip - dir * 8.0 + side * 4.0], stroke);
    painter.line_segment([tip, tip - dir * 8.0 - side * 4.0], stroke);
}

/// Whether `p` is within a few pixels of the segment from `a` to `b`.
fn near(p: Pos2, a: Pos2, b: Pos2) -> bool {
    let ab = b - a;
    let t = ((p - a).dot(ab) / ab.length_sq().max(1.0)).clamp(0.0, 1.0);
    (a + ab * t).distance(p) <= 4.0
}

/// The bytes of the send or recv picked, as the traffic view's hex dump.
pub(super) fn bytes_of(ui: &mut egui::Ui, state: &UiState, id: crate::engine::SocketId, row: u64) {
    ui.separator();
    let Some(s) = state.sockets.get(&id) else {
        return;
    };
    match s.traffic.by_seq(row) {
        Some(r) => {
            let said = match r.direction {
                crate::engine::Direction::In => {
                    t!("diagram-bytes-received", name = &s.info.name, n = r.len)
                }
                crate::engine::Direction::Out => {
                    t!("diagram-bytes-sent", name = &s.info.name, n = r.len)
                }
            };
            ui.label(RichText::new(said).strong());
            egui::ScrollArea::vertical()
                .id_salt("sequence bytes")
                .max_height(120.0)
                .show(ui, |ui| {
                    ui.label(RichText::new(crate::ui::traffic::hexdump(&r.data)).monospace());
                });
        }
        None => {
            ui.label(t!("diagram-bytes-gone"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Arrows between lanes 100 px apart whose rows' words end 60 px right of their lane:
    /// those whose words lie along them begin or end where the words end; a captured
    /// segment, whose row is its sender's, runs whole from lane to lane either way.
    #[test]
    fn arrows_begin_and_end_clear_of_the_words_along_them() {
        use crate::ui::diagram::{Row, Words};
        let row = |lane: usize| Row {
            lane,
            seq: 0,
            at: std::time::Instant::now(),
            text: Words::Text("words".into()),
            failed: false,
            bytes: None,
        };
        let mut d = Diagram::default();
        // 0: send on lane 0; 1: recv on lane 1; 2: send on lane 1; 3: recv on lane 0;
        // 4: a segment from lane 1; 5: a segment from lane 0.
        d.rows
            .extend([row(0), row(1), row(1), row(0), row(1), row(0)]);
        let arrow = |from, to, from_row, to_row, kind| diagram::Arrow {
            from,
            to,
            from_row,
            to_row,
            label: String::new(),
            kind,
        };
        let lane_x = |lane: usize| 100.0 * lane as f32;
        let row_y = |row: usize| 20.0 * row as f32;
        let words_end = |row: usize| lane_x(d.rows[row].lane) + 60.0;
        let ends = |a: &diagram::Arrow| {
            let (f, t) = arrow_ends(&d, a, &lane_x, &row_y, &words_end);
            ((f.x, f.y), (t.x, t.y))
        };
        // Going right: begins past the send's words, ends on the recv's lane.
        let right = arrow(0, 1, 0, 1, ArrowKind::Data);
        assert_eq!(ends(&right), ((60.0, 0.0), (100.0, 20.0)));
        // Coming from the right: begins on the send's lane, ends past the recv's words.
        let left = arrow(1, 0, 2, 3, ArrowKind::Data);
        assert_eq!(ends(&left), ((100.0, 40.0), (60.0, 60.0)));
        // Segments along their sender's row: the whole way, leftward...
        let seg_left = arrow(1, 0, 4, 4, ArrowKind::Segment);
        assert_eq!(ends(&seg_left), ((100.0, 80.0), (0.0, 80.0)));
        // ...and rightward from past the words.
        let seg_right = arrow(0, 1, 5, 5, ArrowKind::Segment);
        assert_eq!(ends(&seg_right), ((60.0, 100.0), (100.0, 100.0)));
        // Words wider than the gap: still an arrow, 8 px of it, pointing the right way.
        let wide = |row: usize| lane_x(d.rows[row].lane) + 500.0;
        let (f, t) = arrow_ends(&d, &right, &lane_x, &row_y, &wide);
        assert_eq!((f.x, t.x), (92.0, 100.0));
        let (f, t) = arrow_ends(&d, &left, &lane_x, &row_y, &wide);
        assert_eq!((f.x, t.x), (100.0, 92.0));
    }

    #[test]
    fn an_arrows_words_keep_clear_of_what_is_taken_or_are_left_out() {
        let (from, to) = (egui::pos2(0.0, 0.0), egui::pos2(200.0, 100.0));
        let size = egui::vec2(30.0, 14.0);
        let first = free_spot(from, to, (0.0, 200.0), size, &[], &[]).unwrap();
        assert!(
            first.center().x > 80.0 && first.center().x < 120.0,
            "{first:?}"
        );
        // Three arrows into one point: each one's words where the others' are not.
        let mut taken = vec![first];
        for _ in 0..3 {
            let r = free_spot(from, to, (0.0, 200.0), size, &taken, &[]).expect("a free spot");
            assert!(!taken.iter().any(|t| t.intersects(r)));
            taken.push(r);
        }
        // A row's words over the whole span: nowhere to go.
        let wall = egui::Rect::from_min_max(egui::pos2(-10.0, -50.0), egui::pos2(210.0, 150.0));
        assert_eq!(free_spot(from, to, (0.0, 200.0), size, &[wall], &[]), None);
        // A captured segment's line across the middle, where the words would go first:
        // they go where no line is.
        let across = (egui::pos2(0.0, 40.0), egui::pos2(200.0, 40.0));
        let r = free_spot(from, to, (0.0, 200.0), size, &[], &[across]).expect("a free spot");
        assert!(!crosses(r, across.0, across.1), "{r:?}");
        assert!(
            crosses(first, across.0, across.1),
            "the first spot was on it"
        );
    }

    #[test]
    fn a_line_crosses_a_rect_only_where_it_passes_through() {
        let r = egui::Rect::from_min_max(egui::pos2(10.0, 10.0), egui::pos2(20.0, 20.0));
        let p = egui::pos2;
        assert!(crosses(r, p(0.0, 15.0), p(30.0, 15.0)), "straight through");
        assert!(crosses(r, p(0.0, 0.0), p(30.0, 30.0)), "corner to corner");
        assert!(crosses(r, p(12.0, 12.0), p(14.0, 14.0)), "inside");
        assert!(!crosses(r, p(0.0, 25.0), p(30.0, 25.0)), "below");
        assert!(!crosses(r, p(0.0, 0.0), p(8.0, 30.0)), "left of it");
        assert!(!crosses(r, p(0.0, 15.0), p(9.0, 15.0)), "stops short");
        assert!(!crosses(r, p(0.0, 12.0), p(12.0, 0.0)), "passes the corner");
    }
}
