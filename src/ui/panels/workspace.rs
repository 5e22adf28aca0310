//! The selected socket's actions in lifecycle order, its last error, and its traffic.

use egui::RichText;

use crate::engine::{Family, How, Kind, Op, SockState, Timeout};
use crate::t;
use crate::ui::settings;
use crate::ui::state::{validate_addr, validate_count, validate_timeout, Action, Purpose, UiState};
use crate::ui::widgets::{
    action_button, error_label, field_hint, field_problem, keyed, labelled_edit, warning_label,
};

/// Times of day in UTC, as the settings may ask.
static UTC: std::sync::LazyLock<crate::timefmt::Zone> =
    std::sync::LazyLock::new(crate::timefmt::Zone::utc);

pub fn show(ui: &mut egui::Ui, state: &mut UiState, actions: &mut Vec<Action>) {
    let Some(id) = state.selected else {
        ui.heading("socklab");
        ui.label(t!("workspace-welcome"));
        ui.label(t!("workspace-welcome-console"));
        ui.add_space(8.0);
        ui.horizontal_wrapped(|ui| {
            let tip = ui.label(t!("workspace-welcome-lessons"));
            if ui
                .button(t!("lessons-button"))
                .labelled_by(tip.id)
                .clicked()
            {
                actions.push(Action::LessonsShow { open: true });
            }
        });
        return;
    };
    let children = state.open_children(id);
    // The clients in a listener's accept queue that are the window's own, by name (the
    // kernel's list has only their addresses).
    let queued: Vec<Option<String>> = state
        .sockets
        .get(&id)
        .and_then(|s| s.snapshot.as_ref())
        .map(|x| {
            x.accept_queue
                .iter()
                .take(super::serve::QUEUE_SHOWN)
                .map(|p| {
                    state
                        .sockets
                        .values()
                        .find(|v| {
                            !v.closed
                                && v.info.kind == Kind::Stream
                                && v.local().is_some_and(|a| crate::ui::diagram::meets(a, p))
                        })
                        .map(|v| v.info.name.clone())
                })
                .collect()
        })
        .unwrap_or_default();
    // A listener's connections by their names now, for the rows its view gathers (looked
    // up only for a socket that has such rows).
    let gathers = state.sockets.get(&id).is_some_and(|s| s.gathers());
    let names: crate::ui::traffic::Names = if gathers {
        state
            .children(id)
            .map(|v| (v.info.id, v.info.name.clone()))
            .collect()
    } else {
        Default::default()
    };
    let origin = state.traffic_origin;
    let UiState {
        sockets,
        settings,
        zone,
        inputs,
        library_status,
        interfaces,
        ..
    } = state;
    let Some(s) = sockets.get_mut(&id) else {
        return;
    };
    ui.horizontal(|ui| {
        ui.heading(&s.info.name);
        // What the state means, where it is read (a person on the page need not find the
        // list's row for it).
        ui.label(format!(
            "{} | fd {} | {}",
            s.family_type(),
            s.info.fd,
            crate::ui::explain::state_words(s)
        ))
        .on_hover_text(crate::ui::explain::sock_state_of(&s.info, s.state()));
    });
    if s.closed {
        match &s.after_close {
            Some(a) if a.state.is_some() => {
                let state = a.text();
                ui.label(if a.ticking() {
                    t!("workspace-closed-held-ticking", state = state)
                } else {
                    t!("workspace-closed-held", state = state)
                })
            }
            Some(_) => ui.label(t!("workspace-closed-forgotten")),
            None => ui.label(t!("workspace-closed")),
        };
    }
    ui.separator();
    let family = s.info.family;
    let stream = s.info.kind == Kind::Stream;
    let st = s.state();
    let unix = family == Family::Unix;

    // The page above, the traffic view below, split by a bar that drags (its place is
    // kept). Each is drawn clipped to its own part: nothing of one can draw over the other,
    // whatever the window's size.
    let area = ui.available_rect_before_wrap();
    let split_id = egui::Id::unique("page/traffic split");
    let mut frac = ui
        .ctx()
        .data_mut(|d| *d.get_persisted_mut_or(split_id, 0.4_f32));
    let bar = 6.0;
    // The traffic view keeps room for its tools and a couple of rows (the page scrolls
    // anyway); no more, so that with the console open below the divider can still give
    // the page the room for its send section.
    let least = 140.0_f32.min(area.height() * 0.6);
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
        .on_hover_text(t!("workspace-split-tip"));
    drag.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Splitter, true, t!("workspace-split-label"))
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
    // A grip in its middle: a line alone did not say it can be dragged.
    let c = bar_rect.center();
    let grip = ui.painter();
    let fill = if drag.hovered() || drag.dragged() {
        ui.visuals().widgets.hovered.fg_stroke.color
    } else {
        ui.visuals().widgets.inactive.fg_stroke.color
    };
    for dx in [-8.0, 0.0, 8.0] {
        grip.circle_filled(egui::pos2(c.x + dx, c.y), 2.0, fill);
    }
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
                absolute: settings.time_format != crate::ui::settings::TimeFormat::Relative,
                zone: if settings.time_format == crate::ui::settings::TimeFormat::Utc {
                    &UTC
                } else {
                    zone
                },
                cap_mib: settings.traffic_cap_mib,
                cap_text: &mut inputs.cap_text,
                names: &names,
                origin,
            },
            actions,
        );
    }
    ui.allocate_rect(area, egui::Sense::hover());
    let mut pui = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(page_rect)
            // The socket's own: its rows' keyed ids differ from another socket's, so a tap
            // as the selection changes cannot press the other's button.
            .id_salt(("page part", id)),
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
    egui::ScrollArea::vertical()
        .id_salt(("page", id))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if s.closed {
                ui.label(t!("workspace-closed-note"));
            }
            // bind
            if show_bind {
                row(ui, &t!("workspace-row-bind"), |ui| {
                    labelled_edit(
                        ui,
                        &if unix {
                            t!("workspace-bind-path")
                        } else {
                            t!("workspace-bind-host")
                        },
                        &mut s.form.bind_host,
                        140.0,
                    );
                    if family != Family::Unix {
                        labelled_edit(ui, &t!("workspace-bind-port"), &mut s.form.bind_port, 60.0);
                    }
                    recent_menu(
                        ui,
                        &t!("workspace-recent-bind"),
                        &t!("workspace-recent-bind-empty"),
                        &settings.recent_bind,
                        family,
                        &mut s.form.bind_host,
                        &mut s.form.bind_port,
                    );
                    let v =
                        validate_addr(family, &s.form.bind_host, &s.form.bind_port).map_err(|e| {
                            if port_missing(family, &s.form.bind_host, &s.form.bind_port) {
                                t!("workspace-bind-port-missing")
                            } else {
                                e
                            }
                        });
                    let tip = if st != SockState::Created {
                        t!("workspace-bind-tip-bound")
                    } else {
                        t!("workspace-bind-tip")
                    };
                    if action_button(ui, v.is_ok(), "bind", &tip) {
                        if let Ok(addr) = v.clone() {
                            actions.push(Action::Call {
                                id,
                                op: Op::Bind { addr },
                            });
                        }
                    }
                    field_problem(ui, v.err().as_deref());
                    // A warning for the bind about to be made: once the socket has an
                    // address (the field then shows the kernel's, perhaps one it chose at
                    // a client's first sendto), there is no such bind to warn of.
                    if family != Family::Unix && s.state() == SockState::Created {
                        if let Some(w) = crate::serve::exposure_warning(
                            &s.form.bind_host,
                            family == Family::Inet6,
                        ) {
                            ui.end_row();
                            warning_label(ui, &w);
                        }
                    }
                });
            }
            call_status(ui, s, &["bind"], id);

            // listen / accept
            if show_listen {
                row(ui, &t!("workspace-row-listen"), |ui| {
                    let backlog_tip = if unix {
                        t!("workspace-backlog-unix-tip")
                    } else {
                        super::inspector::accept_queue_tip()
                    };
                    let l = crate::ui::widgets::field_label(ui, t!("workspace-backlog"))
                        .on_hover_text(&backlog_tip);
                    ui.add(
                        egui::TextEdit::singleline(&mut s.form.backlog)
                            .id(crate::ui::widgets::field_id(ui, "backlog"))
                            .desired_width(40.0),
                    )
                    .labelled_by(l.id)
                    .on_hover_text(&backlog_tip);
                    let v = validate_count(&s.form.backlog, "backlog");
                    let mut tip = if stream {
                        t!("workspace-listen-tip")
                    } else {
                        t!("workspace-listen-tip-udp")
                    };
                    // What listen() would do on an unbound socket, in its tooltip: a line on
                    // every fresh socket (a client's too) was noise, and moved the page when
                    // it went.
                    if stream && family != Family::Unix && st == SockState::Created {
                        tip = format!(
                            "{tip}\n{}",
                            crate::serve::unbound_listen_warning(family == Family::Inet6)
                        );
                    }
                    if action_button(ui, v.is_ok(), "listen", &tip) {
                        if let Ok(n) = v.clone() {
                            actions.push(Action::Call {
                                id,
                                op: Op::Listen {
                                    backlog: n.min(i32::MAX as usize) as i32,
                                },
                            });
                        }
                    }
                    field_problem(ui, v.err().as_deref());
                    let tip = if st == SockState::Listening {
                        t!("workspace-accept-tip")
                    } else {
                        t!("workspace-accept-tip-not-listening")
                    };
                    if action_button(ui, true, "accept", &tip) {
                        actions.push(Action::Call { id, op: Op::Accept });
                    }
                    let mut auto = s.snapshot.as_ref().is_some_and(|x| x.auto_accept);
                    if ui
                        .checkbox(&mut auto, t!("workspace-auto-accept"))
                        .on_hover_text(t!("workspace-auto-accept-tip"))
                        .changed()
                    {
                        actions.push(Action::Call {
                            id,
                            op: Op::AutoAccept {
                                on: auto,
                                receive: true,
                            },
                        });
                    }
                    // A warning on lines of its own after the controls, never around a button:
                    // once it listens on every interface.
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
                        if st == SockState::Listening && wildcard {
                            if let Some(w) = local
                                .and_then(|a| crate::serve::exposure_warning(&a.to_string(), false))
                            {
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
                row(ui, &t!("workspace-row-connect"), |ui| {
                    labelled_edit(
                        ui,
                        &if unix {
                            t!("workspace-peer-path")
                        } else {
                            t!("workspace-peer-host")
                        },
                        &mut s.form.peer_host,
                        140.0,
                    );
                    if family != Family::Unix {
                        labelled_edit(ui, &t!("workspace-peer-port"), &mut s.form.peer_port, 60.0);
                    }
                    let v = validate_addr(family, &s.form.peer_host, &s.form.peer_port);
                    let missing = port_missing(family, &s.form.peer_host, &s.form.peer_port);
                    recent_menu(
                        ui,
                        &t!("workspace-recent"),
                        &t!("workspace-recent-empty"),
                        settings.recent_peers(s.info.kind),
                        family,
                        &mut s.form.peer_host,
                        &mut s.form.peer_port,
                    );
                    if action_button(ui, v.is_ok(), "connect", &t!("workspace-connect-tip")) {
                        if let Ok(addr) = v.clone() {
                            actions.push(Action::Call {
                                id,
                                op: Op::Connect { addr },
                            });
                        }
                    }
                    if action_button(ui, v.is_ok(), "connect_ex", &t!("workspace-connect-ex-tip")) {
                        if let Ok(addr) = v.clone() {
                            actions.push(Action::Call {
                                id,
                                op: Op::ConnectEx { addr },
                            });
                        }
                    }
                    // The peer ending the connection must not move the page under the
                    // pointer: the way to connect again joins this row, its words in the
                    // tooltip (the state above already says the connection ended).
                    if let Some(peer) = s.reconnect_to() {
                        let tip = format!(
                            "{}\n{}",
                            t!("workspace-reconnect-hint", peer = peer.to_string()),
                            t!("workspace-reconnect-tip", peer = peer.to_string())
                        );
                        if action_button(ui, true, &t!("workspace-reconnect"), &tip) {
                            actions.push(Action::Reconnect { id });
                        }
                    }
                    if missing {
                        field_hint(ui, &t!("workspace-peer-port-missing"));
                    } else {
                        field_problem(ui, v.err().as_deref());
                    }
                });
            }
            call_status(ui, s, &["connect", "connect_ex"], id);
            // Closed (by this side: the page has no connect row now), on a line of its own.
            if let Some(peer) = s.reconnect_to().filter(|_| !show_connect) {
                let tip = t!("workspace-reconnect-tip", peer = peer.to_string());
                ui.horizontal(|ui| {
                    if action_button(ui, true, &t!("workspace-reconnect"), &tip) {
                        actions.push(Action::Reconnect { id });
                    }
                    field_hint(ui, &t!("workspace-reconnect-hint", peer = peer.to_string()));
                });
            }

            // send (a listener keeps the editor: broadcast sends its bytes to the clients)
            if !s.closed {
                row(ui, &t!("workspace-row-send"), |ui| {
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
                row(ui, &t!("workspace-row-receive"), |ui| {
                    labelled_edit(ui, "bufsize", &mut s.form.bufsize, 60.0);
                    let v = validate_count(&s.form.bufsize, "bufsize");
                    if action_button(ui, v.is_ok(), "recv", &t!("workspace-recv-tip")) {
                        if let Ok(n) = v.clone() {
                            actions.push(Action::Call {
                                id,
                                op: Op::Recv {
                                    bufsize: n,
                                    flags: 0,
                                },
                            });
                        }
                    }
                    if !stream
                        && action_button(ui, v.is_ok(), "recvfrom", &t!("workspace-recvfrom-tip"))
                    {
                        if let Ok(n) = v.clone() {
                            actions.push(Action::Call {
                                id,
                                op: Op::RecvFrom {
                                    bufsize: n,
                                    flags: 0,
                                },
                            });
                        }
                    }
                    let mut auto = s.snapshot.as_ref().is_some_and(|x| x.auto_receive);
                    if ui
                        .checkbox(&mut auto, t!("workspace-auto-receive"))
                        .on_hover_text(if s.info.kind == Kind::Stream {
                            t!("workspace-auto-receive-tip")
                        } else {
                            t!("workspace-auto-receive-tip-datagrams")
                        })
                        .changed()
                    {
                        actions.push(Action::Call {
                            id,
                            op: Op::AutoReceive {
                                on: auto,
                                bufsize: v.unwrap_or(65536).max(1),
                            },
                        });
                    }
                    field_problem(
                        ui,
                        validate_count(&s.form.bufsize, "bufsize").err().as_deref(),
                    );
                });
            }
            call_status(
                ui,
                s,
                &[
                    "recv",
                    "recvfrom",
                    "recv_into",
                    "recvfrom_into",
                    "auto_receive",
                ],
                id,
            );
            let ip = matches!(s.info.family, Family::Inet | Family::Inet6);
            if show_data && !stream && ip {
                row(ui, &t!("multicast-row"), |ui| {
                    super::multicast::show(ui, s, interfaces.as_deref(), actions);
                });
                call_status(ui, s, &["join_multicast", "leave_multicast"], id);
            }
            if s.closed {
                return;
            }

            // TLS on a TCP connection or listener (what it negotiated, once on): after the
            // plain calls, folded until asked for.
            let tcp = stream && matches!(s.info.family, Family::Inet | Family::Inet6);
            let tls_on = s.snapshot.as_ref().is_some_and(|x| x.tls.is_some());
            if tcp && (tls_on || matches!(st, SockState::Connected | SockState::Listening)) {
                row(ui, "TLS", |ui| super::tls::show(ui, s, actions));
                call_status(ui, s, &["wrap_socket"], id);
            }

            // responders, and a listener's clients
            row(ui, &t!("workspace-row-serve"), |ui| {
                super::serve::show(ui, s, &children, &queued, actions);
            });
            call_status(ui, s, &["respond", "limit_clients"], id);

            // receive to file
            ui.label(RichText::new(t!("workspace-row-record")).strong());
            keyed(ui, "record", |ui| {
                ui.horizontal_wrapped(|ui| {
                    labelled_edit(
                        ui,
                        &t!("workspace-record-to"),
                        &mut s.form.record_path,
                        220.0,
                    );
                    if ui
                        .button(t!("workspace-record-file"))
                        .on_hover_text(t!("workspace-record-file-tip"))
                        .clicked()
                    {
                        actions.push(Action::Choose {
                            id: Some(id),
                            purpose: Purpose::RecordTo,
                        });
                    }
                    let recording = s.snapshot.as_ref().and_then(|x| x.recording.clone());
                    let mut on = recording.is_some();
                    let path_ok = !s.form.record_path.trim().is_empty();
                    let tip = t!("workspace-receive-to-file-tip");
                    if ui
                        .add_enabled(
                            path_ok || on,
                            egui::Checkbox::new(&mut on, t!("workspace-receive-to-file")),
                        )
                        .on_hover_text(tip)
                        .changed()
                    {
                        let path = on.then(|| s.form.record_path.trim().into());
                        actions.push(Action::Call {
                            id,
                            op: Op::Record {
                                path,
                                replace: false,
                            },
                        });
                    }
                    if let Some((p, n)) = recording {
                        ui.label(
                            RichText::new(t!(
                                "workspace-recording",
                                size = crate::ui::traffic::human_bytes(n as f64),
                                path = p.display().to_string()
                            ))
                            .small(),
                        );
                    }
                })
            });

            // timeout
            row(ui, &t!("workspace-row-timeout"), |ui| {
                labelled_edit(ui, &t!("workspace-timeout"), &mut s.form.timeout, 60.0);
                let v = validate_timeout(&s.form.timeout);
                if action_button(ui, v.is_ok(), "settimeout", &t!("workspace-settimeout-tip")) {
                    if let Ok(t) = v.clone() {
                        actions.push(Action::Call {
                            id,
                            op: Op::SetTimeout {
                                timeout: Timeout::from_secs(t),
                            },
                        });
                    }
                }
                if action_button(
                    ui,
                    true,
                    "setblocking(False)",
                    &t!("workspace-nonblocking-tip"),
                ) {
                    actions.push(Action::SetBlocking { id, flag: false });
                }
                if action_button(ui, true, "setblocking(True)", &t!("workspace-blocking-tip")) {
                    actions.push(Action::SetBlocking { id, flag: true });
                }
                field_problem(ui, v.err().as_deref());
            });
            call_status(ui, s, &["settimeout", "setblocking"], id);

            // shutdown / close
            row(ui, &t!("workspace-row-end"), |ui| {
                if stream && !listening {
                    for how in [How::Read, How::Write, How::Both] {
                        if action_button(ui, true, how.python_name(), &t!("workspace-shutdown-tip"))
                        {
                            actions.push(Action::Call {
                                id,
                                op: Op::Shutdown { how },
                            });
                        }
                    }
                }
                if action_button(ui, true, "close", &t!("workspace-close-tip")) {
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

/// Whether validate_addr refused only for want of a port (the host is fine, the port
/// empty): the row then says which port it wants.
fn port_missing(family: Family, host: &str, port: &str) -> bool {
    family != Family::Unix && port.trim().is_empty() && validate_addr(family, host, "0").is_ok()
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
        let mut fitting = list.iter().filter(|e| settings::fits(e, family)).peekable();
        if fitting.peek().is_none() {
            ui.label(empty);
        }
        for e in fitting {
            if ui.button(settings::shown(e)).clicked() {
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
    "recv_into",
    "recvfrom_into",
    "auto_receive",
    "respond",
    "limit_clients",
    "settimeout",
    "setblocking",
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
        let what = w.text(now);
        let way = crate::ui::explain::way_out(w.op, w.deadline.is_some(), s);
        let others: Vec<&str> = s
            .waiting
            .iter()
            .filter(|o| o.req != w.req)
            .map(|o| o.op)
            .collect();
        let text = if others.is_empty() {
            t!("workspace-waiting", what = what, way = way)
        } else {
            t!(
                "workspace-waiting-overlaps",
                what = what,
                way = way,
                ops = others.join(", ")
            )
        };
        ui.label(RichText::new(text).color(crate::ui::style::warning(ui.visuals().dark_mode)));
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
        (&e.op, &e.python_line, &e.error.addr).hash(&mut h);
        h.finish()
    };
    if ui.ctx().data(|d| d.get_temp::<u64>(key)) != Some(this) {
        ui.ctx().data_mut(|d| d.insert_temp(key, this));
        shown.scroll_to_me(None);
    }
}

/// One action row: its name in a fixed column, its controls wrapping in the rest.
/// Its buttons are known by the row's title (widgets::keyed): a click lands on the button
/// it was aimed at even when a row above comes or goes in that frame.
fn row(ui: &mut egui::Ui, title: &str, add: impl FnOnce(&mut egui::Ui)) {
    keyed(ui, ("row", title), |ui| {
        ui.horizontal_top(|ui| {
            ui.add_sized(
                [64.0, 20.0],
                egui::Label::new(RichText::new(title).strong()),
            );
            ui.vertical(|ui| {
                ui.horizontal_wrapped(|ui| add(ui));
            });
        });
    });
    ui.add_space(2.0);
}
