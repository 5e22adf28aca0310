//! A socket's traffic: one row per recv()/send() call so message boundaries show, or the
//! merged stream; search, filter, pause, totals and rates, saving and exporting. Only the
//! rows on screen are drawn, and per frame only new rows are indexed.

use std::time::SystemTime;

use egui::RichText;

use crate::engine::{Direction, Kind};
use crate::t;
use crate::ui::state::{Action, ExportKind, Purpose, SockView};
use crate::ui::traffic::{self, human_bytes};
use crate::ui::widgets::{field_problem, labelled_edit};

/// Bytes of a row or merged run laid out as text: rows are one line, cut at the view's
/// edge, and a line of 256 bytes is wider than any screen, so laying out more is work
/// thrown away every frame. (The rest is in the hex dump, the copies and the exports.)
const RUN_TEXT: usize = 256;

fn hex(data: &[u8], most: usize) -> String {
    let more = if data.len() > most { " ..." } else { "" };
    format!(
        "{}{more}",
        crate::payload::render_hex(&data[..data.len().min(most)])
    )
}

/// Bytes a row in hex shows (three columns each: more would be cut at the edge anyway).
const HEX_ROW: usize = 96;

pub struct ViewOptions<'a> {
    /// Times of day rather than relative times.
    pub absolute: bool,
    /// The zone times of day are shown in.
    pub zone: &'a crate::timefmt::Zone,
    pub cap_mib: usize,
    /// The cap field as typed.
    pub cap_text: &'a mut String,
    /// A listener's connections still listed, by their names now (rows keep the name a
    /// connection had when they came, for one removed since).
    pub names: &'a traffic::Names,
    /// The session's origin (the diagrams' too): relative times count from it.
    pub origin: Option<SystemTime>,
}

pub fn show(ui: &mut egui::Ui, s: &mut SockView, opts: ViewOptions<'_>, actions: &mut Vec<Action>) {
    let id = s.info.id;
    let names = opts.names;
    let absolute = opts.absolute;
    let opts_zone = opts.zone;
    let saving_id = egui::Id::unique(("save and export", id));
    let mut saving = ui
        .ctx()
        .data(|d| d.get_temp::<bool>(saving_id).unwrap_or(false));
    ui.horizontal_wrapped(|ui| {
        ui.strong(t!("traffic-heading"));
        let search = labelled_edit(ui, &t!("traffic-search"), &mut s.filter.pattern, 160.0)
            .on_hover_text(t!("traffic-search-tip"));
        if crate::ui::shortcuts::taken(ui.ctx(), crate::ui::shortcuts::FOCUS_SEARCH) {
            search.request_focus();
        }
        ui.checkbox(&mut s.filter.hex, t!("traffic-hex-pattern"))
            .on_hover_text(t!("traffic-hex-pattern-tip"));
        ui.selectable_value(&mut s.filter.direction, None, t!("traffic-all"));
        ui.selectable_value(
            &mut s.filter.direction,
            Some(Direction::In),
            t!("traffic-in-only"),
        );
        ui.selectable_value(
            &mut s.filter.direction,
            Some(Direction::Out),
            t!("traffic-out-only"),
        );
        ui.separator();
        let mut on = absolute;
        ui.selectable_value(&mut on, false, t!("traffic-relative-time"))
            .on_hover_text(t!("traffic-relative-time-tip"));
        ui.selectable_value(&mut on, true, t!("traffic-time-of-day"));
        if on != absolute {
            actions.push(Action::TimeOfDay { on });
        }
        ui.checkbox(&mut s.show_hex, t!("traffic-show-hex"))
            .on_hover_text(t!("traffic-show-hex-tip"));
        let mut merged = s.merged;
        let mut gap_ms = s.merge_gap_ms;
        let mut changed = ui
            .checkbox(&mut merged, t!("traffic-merge"))
            .on_hover_text(if s.info.kind == crate::engine::Kind::Stream {
                t!("traffic-merge-tip")
            } else {
                t!("traffic-merge-tip-datagram")
            })
            .changed();
        if merged {
            let l = ui
                .label(t!("traffic-merge-gap"))
                .on_hover_text(t!("traffic-merge-gap-tip"));
            changed |= ui
                .add(
                    egui::DragValue::new(&mut gap_ms)
                        .range(0..=60_000)
                        .suffix(" ms"),
                )
                .labelled_by(l.id)
                .on_hover_text(t!("traffic-merge-gap-tip"))
                .changed();
        }
        if changed {
            actions.push(Action::MergeChunks {
                id,
                on: merged,
                gap_ms,
            });
        }
        let mut paused = s.paused.is_some();
        if ui
            .checkbox(&mut paused, t!("traffic-pause"))
            .on_hover_text(t!("traffic-pause-tip"))
            .changed()
        {
            actions.push(Action::PauseView { id, paused });
        }
        if ui
            .button(t!("traffic-clear"))
            .on_hover_text(t!("traffic-clear-tip"))
            .clicked()
        {
            actions.push(Action::ClearTraffic { id });
        }
    });
    let gathering = s.gathers();
    if let Err(e) = s.filter.needle() {
        field_problem(ui, Some(&t!("traffic-search-problem", problem = e)));
    }
    if gathering {
        // What a learner most often gets wrong: the listening socket carries no bytes.
        ui.label(RichText::new(t!("traffic-listener-gathers")).weak());
    }
    let total = s.traffic.len();
    let shown = s.visible_count();
    let enc = s.form.encoding;
    // The first row ever, not the first held: with the cap evicting, times would shift
    // (and every visible row be laid out again) each frame. Of every socket's, so that
    // two views agree on one message's time.
    let first = opts.origin.or(s.traffic.origin());
    // The rows' count and the socket's counters share a line: the rows keep the height.
    ui.horizontal_wrapped(|ui| {
        // Saving and the memory cap are seldom needed: a switch on this short line unfolds
        // them, so the rows keep the height a line of its own would take. First on it: the
        // counters after it change as bytes move, and the lines they wrap onto with them.
        ui.toggle_value(&mut saving, t!("traffic-save-and-export"))
            .on_hover_text(t!("traffic-save-and-export-tip"));
        if shown == total {
            ui.label(t!("traffic-rows", n = total));
        } else if s.paused.is_some() {
            ui.label(t!("traffic-paused-shown", shown = shown, total = total));
        } else {
            ui.label(t!("traffic-match", shown = shown, total = total));
        }
        if s.traffic.evicted_rows > 0 {
            ui.label(
                RichText::new(t!(
                    "traffic-evicted",
                    n = s.traffic.evicted_rows,
                    size = human_bytes(s.traffic.evicted_bytes as f64)
                ))
                .italics(),
            );
        }
        if s.traffic.skipped_bytes > 0 {
            ui.label(
                RichText::new(t!(
                    "traffic-skipped",
                    size = human_bytes(s.traffic.skipped_bytes as f64)
                ))
                .italics(),
            );
        }
        counters(ui, s, gathering);
    });
    ui.ctx().data_mut(|d| d.insert_temp(saving_id, saving));
    if saving {
        ui.group(|ui| {
            ui.horizontal_wrapped(|ui| {
                labelled_edit(ui, &t!("traffic-save-to"), &mut s.form.export_path, 220.0);
                if ui
                    .button(t!("traffic-save-as"))
                    .on_hover_text(t!("traffic-save-as-tip"))
                    .clicked()
                {
                    actions.push(Action::Choose {
                        id: Some(id),
                        purpose: Purpose::Export,
                    });
                }
                for (text, kind, tip) in [
                    (
                        t!("traffic-save-received"),
                        ExportKind::Received,
                        t!("traffic-save-received-tip"),
                    ),
                    (
                        t!("traffic-export-csv"),
                        ExportKind::Csv,
                        t!("traffic-export-csv-tip"),
                    ),
                    (
                        t!("traffic-export-json"),
                        ExportKind::JsonLines,
                        t!("traffic-export-json-tip"),
                    ),
                ] {
                    // A listener's received bytes are several clients' streams interleaved:
                    // one file of them would be none of them.
                    // (Shown, greyed: the buttons stay where they are on every page.)
                    let usable = !(gathering && kind == ExportKind::Received);
                    if ui
                        .add_enabled(usable, egui::Button::new(text))
                        .on_hover_text(tip)
                        .on_disabled_hover_text(t!("traffic-save-received-listener"))
                        .clicked()
                    {
                        actions.push(Action::Export {
                            id,
                            kind,
                            replace: crate::ui::files::Replace::No,
                        });
                    }
                }
                ui.separator();
                crate::ui::widgets::cap_field(
                    ui,
                    opts.cap_text,
                    opts.cap_mib,
                    &t!("traffic-set-cap"),
                    actions,
                );
            });
            // What the last export said, under the buttons that asked for it.
            if let Some(said) = &s.export_status {
                ui.label(said.as_str());
            }
        });
    }
    unread(ui, s, actions);
    // Datagrams that never reached a row: the kernel dropped them, the buffer full.
    if let Some(n) = s.kernel_drops() {
        ui.label(
            RichText::new(t!("traffic-drops", n = n))
                .small()
                .color(ui.visuals().error_fg_color),
        )
        .on_hover_text(t!("inspector-drops-tip"));
    }
    let row_h = ui.text_style_height(&egui::TextStyle::Monospace) + 2.0;
    let when = |at: SystemTime| -> String {
        if absolute {
            opts_zone.clock(at)
        } else {
            let t = first
                .and_then(|f| at.duration_since(f).ok())
                .map_or(0.0, |d| d.as_secs_f64());
            // The sign beside the number ("+   0.000s" looked like a button to open).
            format!("{:>10}", format!("+{t:.3}s"))
        }
    };
    if let Some(row) = s.expanded.and_then(|seq| s.traffic.by_seq(seq)) {
        // Which row it is, said above it: the highlighted row may have scrolled away.
        let dir = if row.direction == Direction::In {
            t!("traffic-dir-in")
        } else {
            t!("traffic-dir-out")
        };
        ui.label(
            RichText::new(t!(
                "traffic-dump-of",
                at = when(row.at).trim().to_string(),
                dir = dir,
                n = row.len
            ))
            .small(),
        );
        egui::ScrollArea::vertical()
            .id_salt(("dump", id))
            // At most 40% of the view: the row it opened stays in sight to close it.
            .max_height((ui.available_height() * 0.4).clamp(48.0, 140.0))
            .show(ui, |ui| {
                ui.monospace(traffic::hexdump(&row.data));
            });
    }
    if s.merged {
        merged(ui, s, row_h, &when, names);
        return;
    }
    let mut toggle = None;
    let mut go = None;
    let cols = columns(ui);
    let show_hex = s.show_hex;
    // Looked up once, not per row.
    let (dir_in, dir_out) = (
        format!("{:<3}", t!("traffic-dir-in")),
        format!("{:<3}", t!("traffic-dir-out")),
    );
    // An empty read ends a stream (or a seqpacket connection); a datagram socket's is an
    // empty datagram, which ends nothing.
    let ends = matches!(
        s.info.kind,
        Kind::Stream | Kind::Other(libc::SOCK_SEQPACKET)
    );
    let end_of_stream = if ends {
        format!("b'' {}", t!("traffic-end-of-stream"))
    } else {
        format!("b'' {}", t!("traffic-empty-datagram"))
    };
    let (copy_text, copy_hex, copy_python) = (
        t!("traffic-copy-text"),
        t!("traffic-copy-hex"),
        t!("traffic-copy-python"),
    );
    egui::ScrollArea::vertical()
        .id_salt(("traffic", id))
        .auto_shrink([false, false])
        .stick_to_bottom(true)
        .show_rows(ui, row_h, shown, |ui, range| {
            for k in range {
                let Some(i) = s.visible_row(k) else { continue };
                let Some(r) = s.traffic.get(i) else { continue };
                let dir = if r.direction == Direction::In {
                    &dir_in
                } else {
                    &dir_out
                };
                let peer = who(r, names);
                let text = if r.len == 0 && r.direction == Direction::In {
                    // The peer closed, or this side shut its reading: the end either way
                    // (on a stream).
                    end_of_stream.clone()
                } else if show_hex {
                    hex(&r.data, HEX_ROW)
                } else {
                    traffic::visible_text(&r.data[..r.data.len().min(RUN_TEXT)], enc)
                };
                // What a too-small buffer cut off a datagram: lost, said beside what was kept.
                let lost = if r.cut > 0 {
                    format!(" {}", t!("traffic-cut", n = r.cut))
                } else {
                    String::new()
                };
                // Plaintext a TLS session carried (the wire had it encrypted).
                let tls = if r.tls { " TLS" } else { "" };
                let mut line = if show_hex {
                    format!(
                        "{} {dir}{tls} {:>6} B{lost}{peer}  {text}",
                        when(r.at),
                        r.len
                    )
                } else {
                    format!(
                        "{} {dir}{tls} {:>6} B{lost}{peer}  {text}  | {}",
                        when(r.at),
                        r.len,
                        hex(&r.data, 32)
                    )
                };
                cut(&mut line, cols);
                drawable(ui, &mut line);
                // The row whose hex dump is open is highlighted (and says so to a screen
                // reader), so the dump above is seen to belong to it.
                let open = s.expanded == Some(s.traffic.seq_of(i));
                let under = ui.painter().add(egui::Shape::Noop);
                let resp = ui.add(
                    egui::Label::new(RichText::new(line.clone()).monospace())
                        .truncate()
                        .sense(egui::Sense::click()),
                );
                // So is the row a context menu is open for: what Copy copies is seen, not
                // the row whose dump happens to be open.
                let menu = resp.context_menu_opened();
                if open || menu {
                    let fill = if menu {
                        ui.visuals().widgets.hovered.weak_bg_fill
                    } else {
                        ui.visuals().selection.bg_fill
                    };
                    ui.painter()
                        .set(under, egui::Shape::rect_filled(resp.rect, 2.0, fill));
                    resp.widget_info(|| {
                        egui::WidgetInfo::selected(egui::Role::Label, true, true, &line)
                    });
                }
                if resp.clicked() {
                    toggle = Some(s.traffic.seq_of(i));
                }
                resp.context_menu(|ui| {
                    if ui.button(&copy_text).clicked() {
                        ui.ctx().copy_text(traffic::copy_as_text(r));
                    }
                    if ui.button(&copy_hex).clicked() {
                        ui.ctx().copy_text(traffic::copy_as_hex(r));
                    }
                    if ui.button(&copy_python).clicked() {
                        ui.ctx().copy_text(traffic::copy_as_python(r));
                    }
                    // A connection still listed (one removed has no page to go to).
                    if let Some((v, name)) =
                        r.via.as_ref().and_then(|v| Some((v, names.get(&v.id)?)))
                    {
                        if ui
                            .button(t!("traffic-go-to-connection", name = name.as_str()))
                            .clicked()
                        {
                            go = Some(v.id);
                        }
                    }
                });
            }
        });
    if let Some(seq) = toggle {
        actions.push(Action::ToggleRow { id, seq });
    }
    if let Some(id) = go {
        actions.push(Action::Select { id });
    }
}

/// The socket's counters as the kernel keeps them; a listener's (always nothing: it moves
/// no bytes) give way to what its connections' rows here add up to.
fn counters(ui: &mut egui::Ui, s: &SockView, gathering: bool) {
    if gathering {
        let t = s.traffic.totals;
        ui.label(
            RichText::new(t!(
                "traffic-gathered-counters",
                bytes_in = human_bytes(t.bytes_in as f64),
                bytes_out = human_bytes(t.bytes_out as f64)
            ))
            .small(),
        );
        return;
    }
    let Some(c) = s.snapshot.as_ref().map(|x| x.counters) else {
        return;
    };
    let now = std::time::Instant::now();
    let (rin, rout) = s.series.recent_rates(now);
    if rin > 0.0 || rout > 0.0 {
        // The rates fall back to zero on screen once the counters stop.
        if let Some(end) = s.series.recent_rates_end(now) {
            ui.ctx().request_repaint_after(end);
        }
    }
    ui.label(
        RichText::new(t!(
            "traffic-counters",
            bytes_in = human_bytes(c.bytes_in as f64),
            msgs_in = crate::ui::explain::pieces(s.info.kind, c.msgs_in),
            rate_in = human_bytes(rin),
            bytes_out = human_bytes(c.bytes_out as f64),
            msgs_out = crate::ui::explain::pieces(s.info.kind, c.msgs_out),
            rate_out = human_bytes(rout)
        ))
        .small(),
    )
    .on_hover_text(t!("traffic-counters-tip"));
}

/// Who a row was from or to, when its socket has more than one other end: a datagram's
/// sender or destination, and on a listener the connection it came through.
fn who(r: &traffic::TrafficRow, names: &traffic::Names) -> String {
    match (&r.via, &r.peer) {
        (Some(v), Some(p)) => format!(" [{} {p}]", v.named(names)),
        (Some(v), None) => format!(" [{}]", v.named(names)),
        (None, Some(p)) => format!(" {p}"),
        (None, None) => String::new(),
    }
}

/// Characters of monospace text that can show across the view, at least: a row is cut
/// there before it is laid out (the label elides it at the edge anyway), since under a
/// flood every visible row is new each frame.
fn columns(ui: &egui::Ui) -> usize {
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    // The narrowest a character of this font gets (wider ones, CJK, only need fewer).
    let glyph = ui.ctx().fonts_mut(|f| f.glyph_width(&font, '0'));
    let glyph = if glyph > 0.0 { glyph } else { 0.5 * font.size };
    (ui.available_width() / glyph.max(1.0)).ceil() as usize + 1
}

/// Writes the characters no installed font can draw as escapes (`\u0285`), not as empty
/// boxes: random bytes read as UTF-8 make letters of scripts the fonts may not have, and a
/// box says nothing of which character it was.
fn drawable(ui: &egui::Ui, line: &mut String) {
    if line.is_ascii() {
        return;
    }
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    if ui.ctx().fonts_mut(|f| f.has_glyphs(&font, line)) {
        return;
    }
    let mut out = String::with_capacity(line.len() + 8);
    ui.ctx().fonts_mut(|f| {
        for c in line.chars() {
            if c.is_ascii() || f.has_glyph(&font, c) {
                out.push(c);
            } else if let Ok(u) = u16::try_from(u32::from(c)) {
                out.push_str(&format!("\\u{u:04x}"));
            } else {
                out.push_str(&format!("\\U{:08x}", u32::from(c)));
            }
        }
    });
    *line = out;
}

/// Cuts `line` after `cols` characters.
fn cut(line: &mut String, cols: usize) {
    if let Some((i, _)) = line.char_indices().nth(cols) {
        line.truncate(i);
    }
}

/// The stream view: consecutive chunks of one direction joined, boundaries dropped.
fn merged(
    ui: &mut egui::Ui,
    s: &mut SockView,
    row_h: f32,
    when: &dyn Fn(SystemTime) -> String,
    names: &traffic::Names,
) {
    let enc = s.form.encoding;
    let cols = columns(ui);
    s.merged_runs();
    let s: &SockView = s;
    let runs = s
        .runs
        .as_ref()
        .map_or(&[][..], |(_, _, _, _, r)| r.as_slice());
    let (dir_in, dir_out) = (
        format!("{:<3}", t!("traffic-dir-in")),
        format!("{:<3}", t!("traffic-dir-out")),
    );
    egui::ScrollArea::vertical()
        .id_salt(("stream", s.info.id))
        .auto_shrink([false, false])
        .stick_to_bottom(true)
        .show_rows(ui, row_h, runs.len(), |ui, range| {
            for &(dir, a, b) in &runs[range] {
                let mut data = Vec::new();
                let mut bytes = 0usize;
                for k in a..=b {
                    if let Some(r) = s.visible_row(k).and_then(|i| s.traffic.get(i)) {
                        bytes += r.len;
                        let room = (RUN_TEXT + 1).saturating_sub(data.len());
                        data.extend_from_slice(&r.data[..r.data.len().min(room)]);
                    }
                }
                let more = if data.len() > RUN_TEXT { " ..." } else { "" };
                data.truncate(RUN_TEXT);
                let first = s.visible_row(a).and_then(|i| s.traffic.get(i));
                let at = first.map_or(SystemTime::UNIX_EPOCH, |r| r.at);
                let via = first
                    .filter(|r| r.via.is_some())
                    .map(|r| who(r, names))
                    .unwrap_or_default();
                let d = if dir == Direction::In {
                    &dir_in
                } else {
                    &dir_out
                };
                let shown = if s.show_hex {
                    hex(&data, HEX_ROW)
                } else {
                    format!("{}{more}", traffic::visible_text(&data, enc))
                };
                let mut line = format!(
                    "{} {d}{via} {} {shown}",
                    when(at),
                    t!("traffic-run", n = b - a + 1, bytes = bytes),
                );
                cut(&mut line, cols);
                drawable(ui, &mut line);
                ui.add(egui::Label::new(RichText::new(line).monospace()).truncate());
            }
        });
}

/// Bytes the kernel holds that nothing reads: the view shows only what was received, so a
/// reply waiting in the receive queue would look like no reply at all. Said, with the way
/// to read it as it comes.
fn unread(ui: &mut egui::Ui, s: &SockView, actions: &mut Vec<Action>) {
    use crate::engine::SockState;
    let Some(snap) = s.snapshot.as_ref() else {
        return;
    };
    let reading = snap.auto_receive
        || s.waiting
            .iter()
            .any(|w| crate::engine::command::receives(w.op));
    let queued = snap.recv_queue.filter(|n| *n > 0);
    // A reset connection still gives what came before the reset (a reply, then the RST).
    let open = matches!(
        s.state(),
        SockState::Connected
            | SockState::HalfClosed
            | SockState::Error
            | SockState::Bound
            | SockState::Created
    );
    let Some(n) = queued.filter(|_| !reading && open) else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        // FIONREAD: a stream's bytes, a seqpacket socket's records all together, a
        // datagram socket's next datagram.
        let datagram = s.info.kind == Kind::Dgram;
        let said = if datagram {
            t!("traffic-unread-datagram", n = n)
        } else {
            t!("traffic-unread-stream", n = n)
        };
        let amber = crate::ui::style::warning(ui.visuals().dark_mode);
        ui.label(RichText::new(said).color(amber));
        // One call here, beside the note: the page's recv row may be scrolled out of sight.
        let bufsize = s.form.bufsize.trim().parse().unwrap_or(1024).max(1);
        let (call, op, tip) = if datagram {
            let op = crate::engine::Op::RecvFrom { bufsize, flags: 0 };
            ("recvfrom", op, t!("workspace-recvfrom-tip"))
        } else {
            let op = crate::engine::Op::Recv { bufsize, flags: 0 };
            ("recv", op, t!("workspace-recv-tip"))
        };
        if ui
            .button(format!("{call}({bufsize})"))
            .on_hover_text(tip)
            .clicked()
        {
            actions.push(Action::Call { id: s.info.id, op });
        }
        if ui
            .button(t!("traffic-unread-auto"))
            .on_hover_text(if datagram {
                t!("workspace-auto-receive-tip-datagrams")
            } else {
                t!("workspace-auto-receive-tip")
            })
            .clicked()
        {
            actions.push(Action::Call {
                id: s.info.id,
                op: crate::engine::Op::AutoReceive {
                    on: true,
                    bufsize: s.form.bufsize.trim().parse().unwrap_or(65536).max(1),
                },
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::{columns, cut, drawable};

    #[test]
    fn a_row_is_cut_just_past_what_the_view_can_show() {
        let ctx = egui::Context::default();
        for width in [300.0f32, 800.0, 1500.0] {
            let input = egui::RawInput {
                screen_rect: Some(egui::Rect::from_min_size(
                    egui::Pos2::ZERO,
                    egui::vec2(width + 40.0, 400.0),
                )),
                ..Default::default()
            };
            let mut out = ctx.run_ui(input, |ui| {
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.set_width(width);
                    let cols = columns(ui);
                    let avail = ui.available_width();
                    let font = egui::TextStyle::Monospace.resolve(ui.style());
                    let wide = |n: usize| {
                        let text = "0".repeat(n);
                        ui.fonts_mut(|f| f.layout_no_wrap(text, font.clone(), egui::Color32::WHITE))
                            .size()
                            .x
                    };
                    // Enough characters to fill the view, and not many more.
                    assert!(wide(cols) >= avail, "{cols} columns fill {avail}");
                    assert!(
                        wide(cols.saturating_sub(3)) < avail,
                        "{cols} columns for {avail}"
                    );
                });
            });
            // Nothing draws it: the font atlas updates are let go.
            out.textures_delta.clear();
        }
    }

    /// A character the fonts cannot draw is written as its escape, never as a box (nor a
    /// test's panic); the rest of the row is left as it was.
    #[test]
    fn characters_no_font_draws_are_escaped() {
        let ctx = egui::Context::default();
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
            let mut line = "in 5 B  ab\\x00 é ʅ".to_string();
            drawable(ui, &mut line);
            // egui's own fonts have é and not IPA's ʅ.
            assert_eq!(line, "in 5 B  ab\\x00 é \\u0285");
            let mut plain = "in 5 B  ab".to_string();
            drawable(ui, &mut plain);
            assert_eq!(plain, "in 5 B  ab");
        });
        out.textures_delta.clear();
    }

    #[test]
    fn rows_are_cut_at_a_character_count() {
        let mut s = "ab中文cd".to_string();
        cut(&mut s, 3);
        assert_eq!(s, "ab中");
        let mut s = "short".to_string();
        cut(&mut s, 10);
        assert_eq!(s, "short");
    }
}
