//! The selected socket's actions in lifecycle order, its last error, and its traffic.

use egui::RichText;

use crate::engine::{Family, How, Kind, Op, SockState, Timeout};
use crate::ui::settings;
use crate::ui::state::{validate_addr, validate_count, validate_timeout, Action, Purpose, UiState};
use crate::ui::widgets::{action_button, error_label, field_problem, labelled_edit, warning_label};

pub fn show(ui: &mut egui::Ui, state: &mut UiState, actions: &mut Vec<Action>) {
    let Some(id) = state.selected else {
        ui.heading("socklab");
        ui.label("Create a socket with New TCP, New UDP or New Unix on the left. Every click runs the Python call shown in the journal below, on a real socket.");
        ui.label("Or type the Python of a tutorial in the Python console below (F2): its sockets appear on the left under the names you give them.");
        return;
    };
    let children = state.open_children(id);
    let UiState {
        sockets,
        settings,
        absolute_time,
        zone,
        inputs,
        library_status,
        ..
    } = state;
    let Some(s) = sockets.get_mut(&id) else {
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
        match &s.after_close {
            Some(a) if a.state.is_some() => {
                let meanwhile = if a.ticking() {
                    " Until then, binding its port again needs SO_REUSEADDR on the new socket, and set on this one before it connected (for an accepted connection, on its listener)."
                } else {
                    ""
                };
                ui.label(format!(
                    "This socket is closed; the kernel still holds its connection: {}.{meanwhile}",
                    a.text()
                ))
            }
            Some(_) => ui.label("This socket is closed, and the kernel forgot its connection."),
            None => ui.label("This socket is closed."),
        };
    }
    ui.separator();
    let family = s.info.family;
    let stream = s.info.kind == Kind::Stream;
    let st = s.state();
    let addr_hint = if family == Family::Unix {
        "path"
    } else {
        "host"
    };

    // The page above, the traffic view below, split by a bar that drags (its place is
    // kept). Each is drawn clipped to its own part: nothing of one can draw over the other,
    // whatever the window's size.
    let area = ui.available_rect_before_wrap();
    let split_id = egui::Id::unique("page/traffic split");
    let mut frac = ui
        .ctx()
        .data_mut(|d| *d.get_persisted_mut_or(split_id, 0.4_f32));
    let bar = 6.0;
    // The traffic view keeps room for its tools and a few rows (the page scrolls anyway).
    let least = 250.0_f32.min(area.height() * 0.6);
    let traffic_h = (area.height() * frac).clamp(least, (area.height() - 120.0).max(least));
    let page_rect = egui::Rect::from_min_max(
        area.min,
        egui::pos2(area.max.x, area.max.y - traffic_h - bar),
    );
    let bar_rect = egui::Rect::from_min_max(
        egui::pos2(area.min.x, page_rect.max.y),
        egui::pos2(area.max.x, page_rect.max.y + bar),
    );
    let traffic_rect = egui::Rect::from_min_max(egui::pos2(area.min.x, bar_rect.max.y), area.max);
    let drag = ui
        .interact(
            bar_rect,
            ui.scope_id().with("split bar"),
            egui::Sense::drag(),
        )
        .on_hover_cursor(egui::CursorIcon::ResizeVertical)
        .on_hover_text("Drag to give the page or the traffic view more room");
    drag.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Splitter, true, "page and traffic divider")
    });
    if drag.dragged() && area.height() > 0.0 {
        frac = (frac - drag.drag_delta().y / area.height()).clamp(0.15, 0.8);
        ui.ctx().data_mut(|d| d.insert_persisted(split_id, frac));
    }
    let stroke = if drag.hovered() || drag.dragged() {
        ui.visuals().widgets.hovered.fg_stroke
    } else {
        ui.visuals().widgets.noninteractive.bg_stroke
    };
    ui.painter()
        .hline(bar_rect.x_range(), bar_rect.center().y, stroke);
    {
        let mut tui = ui.new_child(
            egui::UiBuilder::new()
                .max_rect(traffic_rect)
                .id_salt("traffic part"),
        );
        tui.set_clip_rect(traffic_rect.intersect(ui.clip_rect()));
        super::traffic_view::show(
            &mut tui,
            s,
            super::traffic_view::ViewOptions {
                absolute: *absolute_time,
                zone,
                cap_mib: settings.traffic_cap_mib,
                cap_text: &mut inputs.cap_text,
            },
            actions,
        );
    }
    ui.allocate_rect(area, egui::Sense::hover());
    let mut pui = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(page_rect)
            .id_salt("page part"),
    );
    pui.set_clip_rect(page_rect.intersect(ui.clip_rect()));
    let ui = &mut pui;
    // Only what applies to this socket, in lifecycle order: an accepted connection was
    // bound and connected by its listener; a listener neither sends nor receives; a
    // datagram socket never listens; sendto is for datagrams.
    let accepted = s.info.parent.is_some();
    let listening = st == SockState::Listening;
    let show_bind = !accepted && !s.closed;
    let show_listen = stream && !accepted && !s.closed;
    let show_connect = !accepted && !listening && !s.closed;
    let show_data = !listening && !s.closed;
    egui::ScrollArea::vertical().id_salt(("page", id)).auto_shrink([false, false]).show(ui, |ui| {
        if s.closed {
            ui.label("Closed: nothing more can be done with this socket. Its traffic stays below to read and export; take it off the list with \"remove closed\" above the list, or right-click its row.");
        }
        // bind
        if show_bind {
        row(ui, "Bind", |ui| {
            labelled_edit(ui, &format!("bind {addr_hint}"), &mut s.form.bind_host, 140.0);
            if family != Family::Unix {
                labelled_edit(ui, "bind port", &mut s.form.bind_port, 60.0);
            }
            recent_menu(ui, "recent bind", "Addresses bound before appear here.", &settings.recent_bind, family, &mut s.form.bind_host, &mut s.form.bind_port);
            let v = validate_addr(family, &s.form.bind_host, &s.form.bind_port)
                .map_err(|e| if e == "enter a port" { "enter a port (0 picks a free one)".to_string() } else { e });
            let tip = if st != SockState::Created { "Already bound: the kernel will refuse with EINVAL." } else { "Give the socket its local address (port 0 lets the kernel pick)." };
            if action_button(ui, v.is_ok(), "bind", tip) {
                if let Ok(addr) = v.clone() {
                    actions.push(Action::Call { id, op: Op::Bind { addr } });
                }
            }
            field_problem(ui, v.err().as_deref());
            if family != Family::Unix {
                if let Some(w) = crate::serve::exposure_warning(&s.form.bind_host, family == Family::Inet6) {
                    ui.end_row();
                    warning_label(ui, &w);
                }
            }
        });

        }
        call_status(ui, s, &["bind"], id);

        // listen / accept
        if show_listen {
        row(ui, "Listen", |ui| {
            labelled_edit(ui, "backlog", &mut s.form.backlog, 40.0);
            let v = validate_count(&s.form.backlog, "backlog");
            let tip = if stream { "Wait for connections; the backlog is how many completed connections the kernel queues before accept()." } else { "UDP has no connections: the kernel will refuse with EOPNOTSUPP." };
            if action_button(ui, v.is_ok(), "listen", tip) {
                if let Ok(n) = v.clone() {
                    actions.push(Action::Call { id, op: Op::Listen { backlog: n.min(i32::MAX as usize) as i32 } });
                }
            }
            field_problem(ui, v.err().as_deref());
            let tip = if st == SockState::Listening { "Take one connection from the accept queue (blocks until one arrives)." } else { "Not listening: the kernel will refuse with EINVAL." };
            if action_button(ui, true, "accept", tip) {
                actions.push(Action::Call { id, op: Op::Accept });
            }
            let mut auto = s.snapshot.as_ref().is_some_and(|x| x.auto_accept);
            if ui.checkbox(&mut auto, "auto-accept").on_hover_text("Accept every connection; each appears under this listener.").changed() {
                actions.push(Action::Call { id, op: Op::AutoAccept { on: auto, receive: true } });
            }
            // A warning on lines of its own after the controls, never around a button.
            let mut warning = None;
            if stream && family != Family::Unix {
                // The kernel binds an unbound listener to every interface, whatever the
                // bind field above says; once it listens there, the address says so.
                let local = s.snapshot.as_ref().and_then(|x| x.local.as_ref());
                let wildcard = match local {
                    Some(crate::engine::Endpoint::V4(a)) => a.ip().is_unspecified(),
                    Some(crate::engine::Endpoint::V6(a)) => a.ip().is_unspecified(),
                    _ => false,
                };
                if st == SockState::Created {
                    warning = Some(crate::serve::unbound_listen_warning(family == Family::Inet6));
                } else if st == SockState::Listening && wildcard {
                    if let Some(w) = local.and_then(|a| crate::serve::exposure_warning(&a.to_string(), false)) {
                        warning = Some(w);
                    }
                }
            }
            if let Some(w) = warning {
                ui.end_row();
                warning_label(ui, &w);
            }
        });
        }
        call_status(ui, s, &["listen", "accept", "auto_accept"], id);

        // connect (on a datagram socket, also where sendto's address is typed)
        if show_connect {
        row(ui, "Connect", |ui| {
            labelled_edit(ui, &format!("peer {addr_hint}"), &mut s.form.peer_host, 140.0);
            if family != Family::Unix {
                labelled_edit(ui, "peer port", &mut s.form.peer_port, 60.0);
            }
            let v = validate_addr(family, &s.form.peer_host, &s.form.peer_port)
                .map_err(|e| if e == "enter a port" { "enter the peer's port".to_string() } else { e });
            recent_menu(ui, "recent", "Peers connected or sent to appear here.", &settings.recent, family, &mut s.form.peer_host, &mut s.form.peer_port);
            if action_button(ui, v.is_ok(), "connect", "Connect to the peer (raises on failure).") {
                if let Ok(addr) = v.clone() {
                    actions.push(Action::Call { id, op: Op::Connect { addr } });
                }
            }
            if action_button(ui, v.is_ok(), "connect_ex", "Like connect, but returns the errno (0 = connected).") {
                if let Ok(addr) = v.clone() {
                    actions.push(Action::Call { id, op: Op::ConnectEx { addr } });
                }
            }
            field_problem(ui, v.err().as_deref());
        });
        }
        call_status(ui, s, &["connect", "connect_ex"], id);

        // send (a listener keeps the editor: broadcast sends its bytes to the clients)
        if !s.closed {
        row(ui, "Send", |ui| {
            super::send::show(
                ui,
                s,
                super::send::Shared {
                    settings,
                    library_path: &mut inputs.library_path,
                    library_status,
                },
                actions,
            );
        });
        }
        call_status(ui, s, &["send", "sendall", "sendto", "send_job"], id);

        // recv
        if show_data {
        row(ui, "Receive", |ui| {
            labelled_edit(ui, "bufsize", &mut s.form.bufsize, 60.0);
            let v = validate_count(&s.form.bufsize, "bufsize");
            if action_button(ui, v.is_ok(), "recv", "Receive at most bufsize bytes (blocks per the timeout).") {
                if let Ok(n) = v.clone() {
                    actions.push(Action::Call { id, op: Op::Recv { bufsize: n, flags: 0 } });
                }
            }
            if !stream && action_button(ui, v.is_ok(), "recvfrom", "Receive a datagram with its sender's address.") {
                if let Ok(n) = v.clone() {
                    actions.push(Action::Call { id, op: Op::RecvFrom { bufsize: n, flags: 0 } });
                }
            }
            let mut auto = s.snapshot.as_ref().is_some_and(|x| x.auto_receive);
            if ui.checkbox(&mut auto, "auto-receive").on_hover_text("recv() in a loop: every chunk shows in the traffic view.").changed() {
                actions.push(Action::Call { id, op: Op::AutoReceive { on: auto, bufsize: v.unwrap_or(65536).max(1) } });
            }
            field_problem(ui, validate_count(&s.form.bufsize, "bufsize").err().as_deref());
        });
        }
        call_status(ui, s, &["recv", "recvfrom", "auto_receive"], id);
        if s.closed {
            return;
        }

        // responders, and a listener's clients
        row(ui, "Serve", |ui| {
            super::serve::show(ui, s, &children, actions);
        });
        call_status(ui, s, &["respond", "limit_clients"], id);

        // receive to file
        ui.label(RichText::new("Record").strong());
        ui.horizontal_wrapped(|ui| {
            labelled_edit(ui, "record to", &mut s.form.record_path, 220.0);
            if ui.button("Record file...").on_hover_text("Pick the file received bytes go to").clicked() {
                actions.push(Action::Choose { id: Some(id), purpose: Purpose::RecordTo });
            }
            let recording = s.snapshot.as_ref().and_then(|x| x.recording.clone());
            let mut on = recording.is_some();
            let path_ok = !s.form.record_path.trim().is_empty();
            let tip = "Write every received byte to the file as it arrives, byte-exact (the traffic view's memory cap does not apply). A file already there is replaced only once you say so.";
            if ui.add_enabled(path_ok || on, egui::Checkbox::new(&mut on, "receive to file")).on_hover_text(tip).changed() {
                let path = on.then(|| s.form.record_path.trim().into());
                actions.push(Action::Call { id, op: Op::Record { path, replace: false } });
            }
            if let Some((p, n)) = recording {
                ui.label(RichText::new(format!("{} written to {}", crate::ui::traffic::human_bytes(n as f64), p.display())).small());
            }
        });

        // timeout
        row(ui, "Timeout", |ui| {
            labelled_edit(ui, "timeout (s)", &mut s.form.timeout, 60.0);
            let v = validate_timeout(&s.form.timeout);
            if action_button(ui, v.is_ok(), "settimeout", "Empty or None: block; 0: non-blocking; x: give up after x seconds.") {
                if let Ok(t) = v.clone() {
                    actions.push(Action::Call { id, op: Op::SetTimeout { timeout: Timeout::from_secs(t) } });
                }
            }
            if action_button(ui, true, "setblocking(False)", "Non-blocking: calls raise BlockingIOError when nothing is ready.") {
                actions.push(Action::SetBlocking { id, flag: false });
            }
            if action_button(ui, true, "setblocking(True)", "Blocking: calls wait as long as needed.") {
                actions.push(Action::SetBlocking { id, flag: true });
            }
            field_problem(ui, v.err().as_deref());
        });
        call_status(ui, s, &["settimeout"], id);

        // shutdown / close
        row(ui, "End", |ui| {
            if stream && !listening {
                for how in [How::Read, How::Write, How::Both] {
                    if action_button(ui, true, how.python_name(), "Shut one or both directions; the socket stays open.") {
                        actions.push(Action::Call { id, op: Op::Shutdown { how } });
                    }
                }
            }
            if action_button(ui, true, "close", "Release the socket (a blocked call ends at once) (Ctrl+W).") {
                actions.push(Action::Call { id, op: Op::Close });
            }
        });

        call_status(ui, s, &["shutdown", "close"], id);
        // Failures of calls no row above stands for (options, recording...).
        if let Some(e) = &s.last_error {
            if !ROW_OPS.contains(&e.op.as_str()) {
                show_error(ui, e, id);
            }
        }
    });
}

/// A menu of addresses that worked before; picking one fills the row's fields.
fn recent_menu(
    ui: &mut egui::Ui,
    title: &str,
    empty: &str,
    list: &[String],
    family: Family,
    host: &mut String,
    port: &mut String,
) {
    ui.menu_button(title, |ui| {
        if list.is_empty() {
            ui.label(empty);
        }
        for e in list {
            if ui.button(e).clicked() {
                let (h, p) = settings::fields(e, family == Family::Unix);
                *host = h;
                *port = p;
                ui.close();
            }
        }
    });
}

/// The operations a row of the page stands for: their failures show beside it.
const ROW_OPS: &[&str] = &[
    "bind",
    "listen",
    "accept",
    "auto_accept",
    "connect",
    "connect_ex",
    "send",
    "sendall",
    "sendto",
    "send_job",
    "recv",
    "recvfrom",
    "auto_receive",
    "respond",
    "limit_clients",
    "settimeout",
    "shutdown",
    "close",
];

/// Beside a row: the calls of `ops` that wait now, with the time left and what ends them
/// (and what they overlap), and the last failure if it was one of them.
fn call_status(
    ui: &mut egui::Ui,
    s: &crate::ui::state::SockView,
    ops: &[&str],
    id: crate::engine::SocketId,
) {
    let now = std::time::Instant::now();
    for w in s.waiting.iter().filter(|w| ops.contains(&w.op)) {
        let mut text = format!("{}: {}", w.text(now), crate::ui::explain::way_out(w.op));
        let others: Vec<&str> = s
            .waiting
            .iter()
            .filter(|o| o.req != w.req)
            .map(|o| o.op)
            .collect();
        if !others.is_empty() {
            text.push_str(&format!(
                " (overlaps {}, as two threads would)",
                others.join(", ")
            ));
        }
        ui.label(RichText::new(text).color(egui::Color32::from_rgb(230, 160, 40)));
    }
    if let Some(e) = &s.last_error {
        if ops.contains(&e.op.as_str()) {
            show_error(ui, e, id);
        }
    }
}

/// A failure, brought into sight once (the page may be scrolled elsewhere).
fn show_error(ui: &mut egui::Ui, e: &crate::ui::state::ErrorView, id: crate::engine::SocketId) {
    let shown = error_label(ui, e);
    let key = egui::Id::unique(("error shown", id));
    let this = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&e.op, &e.python_line, &e.explanation).hash(&mut h);
        h.finish()
    };
    if ui.ctx().data(|d| d.get_temp::<u64>(key)) != Some(this) {
        ui.ctx().data_mut(|d| d.insert_temp(key, this));
        shown.scroll_to_me(None);
    }
}

/// One action row: its name in a fixed column, its controls wrapping in the rest.
fn row(ui: &mut egui::Ui, title: &str, add: impl FnOnce(&mut egui::Ui)) {
    ui.horizontal_top(|ui| {
        ui.add_sized(
            [64.0, 20.0],
            egui::Label::new(RichText::new(title).strong()),
        );
        ui.vertical(|ui| {
            ui.horizontal_wrapped(|ui| add(ui));
        });
    });
    ui.add_space(2.0);
}
