//! The selected socket's actions in lifecycle order, its last error, and its traffic.

use egui::RichText;

use crate::engine::{Direction, Family, How, Kind, Op, SockState, Timeout};
use crate::payload::{Encoding, LineEnding, Mode};
use crate::ui::settings::{self, Settings};
use crate::ui::state::{
    validate_addr, validate_count, validate_timeout, Action, SockView, UiState,
};
use crate::ui::widgets::{action_button, error_label, field_problem, labelled_edit};

pub fn show(
    ui: &mut egui::Ui,
    state: &mut UiState,
    settings: &Settings,
    actions: &mut Vec<Action>,
) {
    let Some(id) = state.selected else {
        ui.heading("socklab");
        ui.label("Create a socket with New TCP, New UDP or New Unix on the left. Every click runs the Python call shown in the journal below, on a real socket.");
        return;
    };
    let absolute = &mut state.absolute_time;
    let Some(s) = state.sockets.get_mut(&id) else {
        return;
    };
    ui.horizontal(|ui| {
        ui.heading(&s.info.name);
        ui.label(format!(
            "{} | fd {} | {}",
            s.family_type(),
            s.info.fd,
            s.state().name()
        ));
    });
    if s.closed {
        ui.label("This socket is closed.");
    }
    ui.separator();
    let mut call = |op: Op| actions.push(Action::Call { id, op });
    let family = s.info.family;
    let stream = s.info.kind == Kind::Stream;
    let st = s.state();
    let addr_hint = if family == Family::Unix {
        "path"
    } else {
        "host"
    };

    egui::Grid::new("actions").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
        // bind
        ui.label(RichText::new("Bind").strong());
        ui.horizontal(|ui| {
            labelled_edit(ui, &format!("bind {addr_hint}"), &mut s.form.bind_host, 140.0);
            if family != Family::Unix {
                labelled_edit(ui, "bind port", &mut s.form.bind_port, 60.0);
            }
            let v = validate_addr(family, &s.form.bind_host, &s.form.bind_port);
            let tip = if st != SockState::Created { "Already bound: the kernel will refuse with EINVAL." } else { "Give the socket its local address (port 0 lets the kernel pick)." };
            if action_button(ui, v.is_ok(), "bind", tip) {
                if let Ok(addr) = v.clone() {
                    call(Op::Bind { addr });
                }
            }
            field_problem(ui, v.err().as_deref());
        });
        ui.end_row();

        // listen / accept
        ui.label(RichText::new("Listen").strong());
        ui.horizontal(|ui| {
            labelled_edit(ui, "backlog", &mut s.form.backlog, 40.0);
            let v = validate_count(&s.form.backlog, "backlog");
            let tip = if stream { "Wait for connections; the backlog is how many completed connections the kernel queues before accept()." } else { "UDP has no connections: the kernel will refuse with EOPNOTSUPP." };
            if action_button(ui, v.is_ok(), "listen", tip) {
                if let Ok(n) = v.clone() {
                    call(Op::Listen { backlog: n.min(i32::MAX as usize) as i32 });
                }
            }
            field_problem(ui, v.err().as_deref());
            let tip = if st == SockState::Listening { "Take one connection from the accept queue (blocks until one arrives)." } else { "Not listening: the kernel will refuse with EINVAL." };
            if action_button(ui, true, "accept", tip) {
                call(Op::Accept);
            }
            let mut auto = s.snapshot.as_ref().is_some_and(|x| x.auto_accept);
            if ui.checkbox(&mut auto, "auto-accept").on_hover_text("Accept every connection; each appears under this listener.").changed() {
                call(Op::AutoAccept { on: auto, receive: true });
            }
        });
        ui.end_row();

        // connect
        ui.label(RichText::new("Connect").strong());
        ui.horizontal(|ui| {
            labelled_edit(ui, &format!("peer {addr_hint}"), &mut s.form.peer_host, 140.0);
            if family != Family::Unix {
                labelled_edit(ui, "peer port", &mut s.form.peer_port, 60.0);
            }
            let v = validate_addr(family, &s.form.peer_host, &s.form.peer_port);
            ui.menu_button("recent", |ui| {
                if settings.recent.is_empty() {
                    ui.label("Addresses you use appear here.");
                }
                for e in &settings.recent {
                    if ui.button(e).clicked() {
                        let (h, p) = settings::fields(e, family == Family::Unix);
                        s.form.peer_host = h;
                        s.form.peer_port = p;
                        ui.close();
                    }
                }
            });
            if action_button(ui, v.is_ok(), "connect", "Connect to the peer (raises on failure).") {
                if let Ok(addr) = v.clone() {
                    call(Op::Connect { addr });
                }
            }
            if action_button(ui, v.is_ok(), "connect_ex", "Like connect, but returns the errno (0 = connected).") {
                if let Ok(addr) = v.clone() {
                    call(Op::ConnectEx { addr });
                }
            }
            field_problem(ui, v.err().as_deref());
        });
        ui.end_row();

        // send
        ui.label(RichText::new("Send").strong());
        ui.vertical(|ui| {
            ui.horizontal(|ui| {
                ui.selectable_value(&mut s.form.mode, Mode::Text, "Text")
                    .on_hover_text("Text with Python escapes: \\x00 \\r \\n \\t \\\\ \\' \\\" \\0, \\u4e2d");
                ui.selectable_value(&mut s.form.mode, Mode::Hex, "Hex")
                    .on_hover_text("Hex digits; spaces, colons, commas, newlines and 0x are ignored");
                if s.form.mode == Mode::Text {
                    egui::ComboBox::from_label("encoding").selected_text(s.form.encoding.name()).show_ui(ui, |ui| {
                        for e in Encoding::ALL {
                            ui.selectable_value(&mut s.form.encoding, e, e.name());
                        }
                    });
                    egui::ComboBox::from_label("line ending").selected_text(s.form.ending.name()).show_ui(ui, |ui| {
                        for e in LineEnding::ALL {
                            ui.selectable_value(&mut s.form.ending, e, e.name());
                        }
                    });
                }
            });
            ui.horizontal(|ui| {
                labelled_edit(ui, "payload", &mut s.form.payload, 260.0);
                let bytes = s.form.payload_bytes();
                let ok = bytes.is_ok();
                let data = bytes.clone().unwrap_or_default();
                let tip = if st == SockState::Connected || !stream { "Send once; the kernel may take only part (the count is shown)." } else { "Not connected: the kernel will refuse (EPIPE or ENOTCONN)." };
                if action_button(ui, ok, "send", tip) {
                    call(Op::Send { data: data.clone(), flags: 0 });
                }
                if action_button(ui, ok, "sendall", "Send every byte, waiting for room as needed.") {
                    call(Op::SendAll { data: data.clone(), flags: 0 });
                }
                let v = validate_addr(family, &s.form.peer_host, &s.form.peer_port);
                if action_button(ui, ok && v.is_ok(), "sendto", "Send one datagram to the peer address above.") {
                    if let Ok(addr) = v {
                        call(Op::SendTo { data, flags: 0, addr });
                    }
                }
            });
            // The exact bytes that will go on the wire.
            match s.form.payload_bytes() {
                Ok(b) => {
                    let shown = crate::payload::render_hex(&b[..b.len().min(64)]);
                    let more = if b.len() > 64 { " ..." } else { "" };
                    ui.label(RichText::new(format!("{} bytes: {shown}{more}", b.len())).monospace().small());
                }
                Err(e) => field_problem(ui, Some(&format!("nothing is sent: {e}"))),
            }
        });
        ui.end_row();

        // recv
        ui.label(RichText::new("Receive").strong());
        ui.horizontal(|ui| {
            labelled_edit(ui, "bufsize", &mut s.form.bufsize, 60.0);
            let v = validate_count(&s.form.bufsize, "bufsize");
            if action_button(ui, v.is_ok(), "recv", "Receive at most bufsize bytes (blocks per the timeout).") {
                if let Ok(n) = v.clone() {
                    call(Op::Recv { bufsize: n, flags: 0 });
                }
            }
            if action_button(ui, v.is_ok(), "recvfrom", "Receive with the sender's address.") {
                if let Ok(n) = v.clone() {
                    call(Op::RecvFrom { bufsize: n, flags: 0 });
                }
            }
            let mut auto = s.snapshot.as_ref().is_some_and(|x| x.auto_receive);
            if ui.checkbox(&mut auto, "auto-receive").on_hover_text("recv() in a loop: every chunk shows in the traffic view.").changed() {
                call(Op::AutoReceive { on: auto, bufsize: v.unwrap_or(65536).max(1) });
            }
            field_problem(ui, validate_count(&s.form.bufsize, "bufsize").err().as_deref());
        });
        ui.end_row();

        // timeout
        ui.label(RichText::new("Timeout").strong());
        ui.horizontal(|ui| {
            labelled_edit(ui, "timeout (s)", &mut s.form.timeout, 60.0);
            let v = validate_timeout(&s.form.timeout);
            if action_button(ui, v.is_ok(), "settimeout", "Empty or None: block; 0: non-blocking; x: give up after x seconds.") {
                if let Ok(t) = v.clone() {
                    call(Op::SetTimeout { timeout: Timeout::from_secs(t) });
                }
            }
            if action_button(ui, true, "setblocking(False)", "Non-blocking: calls raise BlockingIOError when nothing is ready.") {
                call(Op::SetTimeout { timeout: Timeout::NonBlocking });
            }
            if action_button(ui, true, "setblocking(True)", "Blocking: calls wait as long as needed.") {
                call(Op::SetTimeout { timeout: Timeout::Blocking });
            }
            field_problem(ui, v.err().as_deref());
        });
        ui.end_row();

        // shutdown / close
        ui.label(RichText::new("End").strong());
        ui.horizontal(|ui| {
            for how in [How::Read, How::Write, How::Both] {
                if action_button(ui, true, how.python_name(), "Shut one or both directions; the socket stays open.") {
                    call(Op::Shutdown { how });
                }
            }
            if action_button(ui, true, "close", "Release the socket (a blocked call ends at once).") {
                call(Op::Close);
            }
        });
        ui.end_row();
    });

    if let Some(e) = &s.last_error {
        error_label(ui, e);
    }
    ui.separator();
    traffic(ui, s, absolute);
}

fn hex(data: &[u8]) -> String {
    let more = if data.len() > 32 { " ..." } else { "" };
    format!(
        "{}{more}",
        crate::payload::render_hex(&data[..data.len().min(32)])
    )
}

fn mib(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
    } else {
        format!("{bytes} bytes")
    }
}

/// One row per recv()/send() call, so message boundaries show; only visible rows are drawn.
fn traffic(ui: &mut egui::Ui, s: &mut SockView, absolute: &mut bool) {
    let id = s.info.id;
    ui.horizontal_wrapped(|ui| {
        ui.strong("Traffic");
        labelled_edit(ui, "search traffic", &mut s.filter.pattern, 160.0);
        ui.checkbox(&mut s.filter.hex, "hex pattern");
        ui.selectable_value(&mut s.filter.direction, None, "all");
        ui.selectable_value(&mut s.filter.direction, Some(Direction::In), "in only");
        ui.selectable_value(&mut s.filter.direction, Some(Direction::Out), "out only");
        ui.separator();
        ui.selectable_value(absolute, false, "relative time");
        ui.selectable_value(absolute, true, "time of day");
        ui.checkbox(&mut s.merged, "merge chunks");
        if ui.button("Clear traffic").clicked() {
            s.traffic.clear();
            s.expanded = None;
        }
    });
    if let Err(e) = s.filter.needle() {
        field_problem(ui, Some(&format!("search: {e}")));
    }
    let total = s.traffic.len();
    let enc = s.form.encoding;
    let first = s.traffic.get(0).map(|r| r.at);
    let evicted = (
        s.traffic.evicted_rows,
        s.traffic.evicted_bytes,
        s.traffic.skipped_bytes,
    );
    let rows: Vec<usize> = s.visible_rows().to_vec();
    ui.horizontal(|ui| {
        if rows.len() == total {
            ui.label(format!("{total} rows"));
        } else {
            ui.label(format!("{} of {total} rows match", rows.len()));
        }
        if evicted.0 > 0 {
            ui.label(
                RichText::new(format!(
                    "{} oldest rows ({}) evicted by the memory cap; the counters still count them",
                    evicted.0,
                    mib(evicted.1)
                ))
                .italics(),
            );
        }
        if evicted.2 > 0 {
            ui.label(
                RichText::new(format!(
                    "{} not shown (the view fell behind)",
                    mib(evicted.2)
                ))
                .italics(),
            );
        }
    });
    if let Some(c) = s.snapshot.as_ref().map(|x| x.counters) {
        let (rin, rout) = s.rate.current(std::time::Instant::now());
        if rin > 0.0 || rout > 0.0 {
            // Let the rate fall back to zero on screen once the counters stop.
            ui.ctx()
                .request_repaint_after(crate::ui::traffic::RateMeter::FRESH);
        }
        use crate::ui::traffic::human_bytes;
        ui.label(
            RichText::new(format!(
                "in {} ({} msgs), {}/s | out {} ({} msgs), {}/s",
                human_bytes(c.bytes_in as f64),
                c.msgs_in,
                human_bytes(rin),
                human_bytes(c.bytes_out as f64),
                c.msgs_out,
                human_bytes(rout)
            ))
            .small(),
        );
    }
    if let Some(row) = s.expanded.and_then(|i| s.traffic.get(i)) {
        egui::ScrollArea::vertical()
            .id_salt(("dump", id))
            .max_height(140.0)
            .show(ui, |ui| {
                ui.monospace(crate::ui::traffic::hexdump(&row.data));
            });
    }
    let row_h = ui.text_style_height(&egui::TextStyle::Monospace) + 2.0;
    let when = |at: std::time::SystemTime| -> String {
        if *absolute {
            crate::ui::traffic::clock(at)
        } else {
            let t = first
                .and_then(|f| at.duration_since(f).ok())
                .map_or(0.0, |d| d.as_secs_f64());
            format!("+{t:8.3}s")
        }
    };
    if s.merged {
        // The stream view: consecutive chunks of one direction joined, boundaries dropped.
        let runs = crate::ui::traffic::runs(&s.traffic, &rows);
        egui::ScrollArea::vertical()
            .id_salt(("stream", id))
            .auto_shrink([false, false])
            .stick_to_bottom(true)
            .show(ui, |ui| {
                for (dir, a, b) in runs {
                    let mut data = Vec::new();
                    for &i in &rows[a..=b] {
                        if let Some(r) = s.traffic.get(i) {
                            data.extend_from_slice(&r.data);
                        }
                    }
                    let at = s
                        .traffic
                        .get(rows[a])
                        .map(|r| r.at)
                        .unwrap_or(std::time::SystemTime::UNIX_EPOCH);
                    let d = if dir == Direction::In { "in " } else { "out" };
                    ui.monospace(format!(
                        "{} {d} {} chunks, {} bytes: {}",
                        when(at),
                        b - a + 1,
                        data.len(),
                        crate::ui::traffic::visible_text(&data, enc)
                    ));
                }
            });
        return;
    }
    let mut toggle = None;
    egui::ScrollArea::vertical()
        .id_salt(("traffic", id))
        .auto_shrink([false, false])
        .stick_to_bottom(true)
        .show_rows(ui, row_h, rows.len(), |ui, range| {
            for &i in &rows[range] {
                let Some(r) = s.traffic.get(i) else { continue };
                let dir = if r.direction == Direction::In {
                    "in "
                } else {
                    "out"
                };
                let peer = r.peer.as_ref().map(|p| format!(" {p}")).unwrap_or_default();
                let text = if r.len == 0 && r.direction == Direction::In {
                    "b'' (peer closed)".to_string()
                } else {
                    crate::ui::traffic::visible_text(&r.data, enc)
                };
                let line = format!(
                    "{} {dir} {:>6}{peer}  {text}  | {}",
                    when(r.at),
                    r.len,
                    hex(&r.data)
                );
                let resp = ui.add(
                    egui::Label::new(RichText::new(line).monospace()).sense(egui::Sense::click()),
                );
                if resp.clicked() {
                    toggle = Some(i);
                }
                resp.context_menu(|ui| {
                    if ui.button("Copy as text").clicked() {
                        ui.ctx().copy_text(crate::ui::traffic::copy_as_text(r));
                    }
                    if ui.button("Copy as hex").clicked() {
                        ui.ctx().copy_text(crate::ui::traffic::copy_as_hex(r));
                    }
                    if ui.button("Copy as Python bytes").clicked() {
                        ui.ctx().copy_text(crate::ui::traffic::copy_as_python(r));
                    }
                });
            }
        });
    if let Some(i) = toggle {
        s.expanded = if s.expanded == Some(i) { None } else { Some(i) };
    }
}
