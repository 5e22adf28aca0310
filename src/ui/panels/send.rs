//! The payload editor and everything that sends: once, N times or until stopped, a file of
//! any size with progress and cancel, and the saved-payload library and send history.

use egui::RichText;

use crate::engine::{Kind, Op, SendSource, SockState, SocketId};
use crate::payload::{Encoding, LineEnding, Mode};
use crate::ui::sending::{self, SavedPayload};
use crate::ui::settings::Settings;
use crate::ui::state::{validate_addr, Action, Purpose, SockView};
use crate::ui::widgets::{action_button, default_button, field_problem, labelled_edit};

/// What the library and history need beside the socket.
pub struct Shared<'a> {
    pub settings: &'a Settings,
    pub library_path: &'a mut String,
    pub library_status: &'a Option<String>,
}

pub fn show(ui: &mut egui::Ui, s: &mut SockView, shared: Shared<'_>, actions: &mut Vec<Action>) {
    let id = s.info.id;
    ui.vertical(|ui| {
        let enter = editor(ui, s, actions);
        if s.state() == SockState::Listening {
            ui.label(
                RichText::new("A listener sends nothing itself: broadcast (under Serve) sends these bytes to its clients.")
                    .small(),
            );
        } else {
            buttons(ui, s, actions, enter);
            repeat(ui, s, actions);
        }
        if let Some(job) = &s.job {
            ui.horizontal(|ui| {
                match job.fraction() {
                    Some(f) => {
                        ui.add(
                            egui::ProgressBar::new(f)
                                .desired_width(200.0)
                                .show_percentage(),
                        );
                    }
                    None => {
                        ui.spinner();
                    }
                }
                if action_button(
                    ui,
                    true,
                    "stop sending",
                    "End the send job now (what was sent stays sent).",
                ) {
                    actions.push(Action::Call {
                        id,
                        op: Op::StopSending,
                    });
                }
            });
            ui.label(RichText::new(format!("{}: {}", job.what, job.status())).small());
        }
        if let Some(st) = &s.status {
            ui.label(RichText::new(st).small());
        }
        library(ui, s, shared, actions);
    });
}

/// The editor; whether Enter was pressed in the payload field (it sends).
fn editor(ui: &mut egui::Ui, s: &mut SockView, actions: &mut Vec<Action>) -> bool {
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(&mut s.form.mode, Mode::Text, "Text")
            .on_hover_text(
                "Text with Python escapes: \\x00 \\r \\n \\t \\\\ \\' \\\" \\0, \\u4e2d",
            );
        ui.selectable_value(&mut s.form.mode, Mode::Hex, "Hex")
            .on_hover_text("Hex digits; spaces, colons, commas, newlines and 0x are ignored");
        ui.selectable_value(&mut s.form.mode, Mode::File, "File")
            .on_hover_text("A file of any size, streamed from disk with progress and cancel");
        if s.form.mode == Mode::Text {
            egui::ComboBox::from_label("encoding")
                .selected_text(s.form.encoding.name())
                .show_ui(ui, |ui| {
                    for e in Encoding::ALL {
                        ui.selectable_value(&mut s.form.encoding, e, e.name());
                    }
                });
            egui::ComboBox::from_label("line ending")
                .selected_text(s.form.ending.name())
                .show_ui(ui, |ui| {
                    for e in LineEnding::ALL {
                        ui.selectable_value(&mut s.form.ending, e, e.name());
                    }
                });
        }
    });
    if s.form.mode == Mode::File {
        ui.horizontal(|ui| {
            labelled_edit(ui, "file to send", &mut s.form.file_path, 300.0);
            if ui
                .button("Open file...")
                .on_hover_text("Pick the file to send")
                .clicked()
            {
                actions.push(Action::Choose {
                    id: Some(s.info.id),
                    purpose: Purpose::SendFile,
                });
            }
        });
        // Looked at off the frame (a file on a hung disk never stalls the window).
        let typed = s.form.file_path.trim();
        let check = s.file_check.as_ref().filter(|c| c.path == typed);
        match (
            sending::file_to_send(typed),
            check.and_then(|c| c.size.as_ref()),
        ) {
            (Err(e), _) => field_problem(ui, Some(&e)),
            (Ok(_), Some(Ok(size))) => {
                ui.label(
                    RichText::new(format!("{size} bytes, read from disk as they are sent")).small(),
                );
            }
            (Ok(_), Some(Err(e))) => field_problem(ui, Some(e)),
            (Ok(_), None) => {
                ui.label(RichText::new("looking at the file...").small());
            }
        }
        return false;
    }
    let enter = ui
        .horizontal(|ui| {
            let l = ui.label("payload");
            let r = ui
                .add(
                    egui::TextEdit::multiline(&mut s.form.payload)
                        .desired_rows(1)
                        .desired_width(360.0)
                        // Enter sends; Shift+Enter starts a new line.
                        .return_key(Some(egui::KeyboardShortcut::new(
                            egui::Modifiers::SHIFT,
                            egui::Key::Enter,
                        ))),
                )
                .labelled_by(l.id);
            // The key event's own modifiers, not the frame's: a fast Shift+Enter releases
            // Shift within the frame it pressed Enter in.
            r.has_focus()
                && ui.input(|i| {
                    i.events.iter().any(|e| {
                        matches!(e, egui::Event::Key { key: egui::Key::Enter, pressed: true, modifiers, .. } if modifiers.is_none())
                    })
                })
        })
        .inner;
    // The exact bytes that will go on the wire.
    match s.form.payload_bytes() {
        Ok(b) => {
            let shown = crate::payload::render_hex(&b[..b.len().min(64)]);
            let more = if b.len() > 64 { " ..." } else { "" };
            ui.label(
                RichText::new(format!("{} bytes: {shown}{more}", b.len()))
                    .monospace()
                    .small(),
            );
        }
        Err(e) => field_problem(ui, Some(&format!("nothing is sent: {e}"))),
    }
    enter
}

/// Where a datagram goes when the socket has no peer: the address in the Connect row.
fn datagram_target(s: &SockView) -> Option<crate::engine::AddrSpec> {
    if s.info.kind == Kind::Stream || s.peer().is_some() {
        return None;
    }
    validate_addr(s.info.family, &s.form.peer_host, &s.form.peer_port).ok()
}

fn buttons(ui: &mut egui::Ui, s: &mut SockView, actions: &mut Vec<Action>, enter: bool) {
    let id = s.info.id;
    let stream = s.info.kind == Kind::Stream;
    let st = s.state();
    // What Enter in the payload presses: sendall on a stream (every byte, as the
    // tutorials send), send on a connected datagram socket, sendto otherwise.
    let default = if stream {
        "sendall"
    } else if s.peer().is_some() {
        "send"
    } else {
        "sendto"
    };
    ui.horizontal_wrapped(|ui| {
        if s.form.mode == Mode::File {
            // Sendable once named: what the file is when sending starts, the job says.
            let ok = sending::file_to_send(&s.form.file_path).is_ok() && s.job.is_none();
            let tip = if stream {
                "Stream the whole file over the connection (sendall, chunk by chunk)."
            } else {
                "Send the file as datagrams of the size set below."
            };
            if action_button(ui, ok, "send file", tip) {
                let source = SendSource::File {
                    path: s.form.file_path.trim().into(),
                };
                // Looked at again: the file may have changed since.
                s.file_check = None;
                if let Ok(job) = s.form.repeat.job(source, true, datagram_target(s)) {
                    actions.push(Action::Remember {
                        payload: s.form.saved(""),
                    });
                    actions.push(Action::Call {
                        id,
                        op: Op::StartSending { job },
                    });
                }
            }
            return;
        }
        let bytes = s.form.payload_bytes();
        let ok = bytes.is_ok();
        let data = bytes.unwrap_or_default();
        let remember = Action::Remember {
            payload: s.form.saved(""),
        };
        let tip = if st == SockState::Connected || !stream {
            "Send once; the kernel may take only part (the count is shown)."
        } else {
            "Not connected: the kernel will refuse (EPIPE or ENOTCONN)."
        };
        if default_button(ui, ok, "send", tip, default == "send", enter) {
            actions.push(remember.clone());
            actions.push(Action::Call {
                id,
                op: Op::Send {
                    data: data.clone(),
                    flags: 0,
                },
            });
        }
        if default_button(
            ui,
            ok,
            "sendall",
            "Send every byte, waiting for room as needed.",
            default == "sendall",
            enter,
        ) {
            actions.push(remember.clone());
            actions.push(Action::Call {
                id,
                op: Op::SendAll {
                    data: data.clone(),
                    flags: 0,
                },
            });
        }
        if stream {
            // sendto means nothing on a stream: its peer is the connection's.
            return;
        }
        let v = validate_addr(s.info.family, &s.form.peer_host, &s.form.peer_port);
        if default_button(
            ui,
            ok && v.is_ok(),
            "sendto",
            "Send one datagram to the peer address above.",
            default == "sendto",
            enter,
        ) {
            if let Ok(addr) = v {
                actions.push(remember);
                actions.push(Action::Call {
                    id,
                    op: Op::SendTo {
                        data,
                        flags: 0,
                        addr,
                    },
                });
            }
        }
    });
}

fn repeat(ui: &mut egui::Ui, s: &mut SockView, actions: &mut Vec<Action>) {
    let id = s.info.id;
    let file = s.form.mode == Mode::File;
    ui.horizontal_wrapped(|ui| {
        ui.label("Repeat:");
        ui.add_enabled_ui(!s.form.repeat.forever, |ui| {
            labelled_edit(ui, "times", &mut s.form.repeat.times, 50.0);
        });
        ui.checkbox(&mut s.form.repeat.forever, "until stopped");
        labelled_edit(ui, "interval (ms)", &mut s.form.repeat.interval_ms, 60.0);
        ui.selectable_value(&mut s.form.repeat.all, true, "each with sendall")
            .on_hover_text("Every byte of every message, waiting for room");
        ui.selectable_value(&mut s.form.repeat.all, false, "each with send")
            .on_hover_text("One send() per message: the kernel keeps what it has room for, and the view says when that was not all");
        if file && s.info.kind != Kind::Stream {
            labelled_edit(ui, "datagram size", &mut s.form.repeat.datagram, 60.0);
        }
        let source = if file {
            sending::file_to_send(&s.form.file_path).map(|path| SendSource::File { path })
        } else {
            s.form
                .payload_bytes()
                .map(|data| SendSource::Bytes { data })
                .map_err(|e| e.to_string())
        };
        let job = source.and_then(|src| s.form.repeat.job(src, false, datagram_target(s)));
        let tip = "Send the payload the given number of times (or until stopped), one interval apart, while the socket stays usable.";
        if action_button(ui, job.is_ok() && s.job.is_none(), "start repeating", tip) {
            if let Ok(job) = job.clone() {
                actions.push(Action::Remember { payload: s.form.saved("") });
                actions.push(Action::Call { id, op: Op::StartSending { job } });
            }
        }
        if let Err(e) = s.form.repeat.schedule() {
            field_problem(ui, Some(&e));
        } else if file && s.info.kind != Kind::Stream {
            field_problem(ui, s.form.repeat.datagram_size().err().as_deref());
        }
    });
}

/// One click sends a saved payload the way its kind of socket sends: sendall on a stream,
/// send on a connected datagram socket, sendto the Connect row's address otherwise.
fn send_saved(s: &SockView, p: &SavedPayload) -> Result<Op, String> {
    if p.mode == Mode::File {
        let path = sending::file_to_send(&p.payload)?;
        let job = s
            .form
            .repeat
            .job(SendSource::File { path }, true, datagram_target(s))?;
        return Ok(Op::StartSending { job });
    }
    let data = p.bytes().map_err(|e| e.to_string())?;
    if s.info.kind == Kind::Stream {
        return Ok(Op::SendAll { data, flags: 0 });
    }
    if s.peer().is_some() {
        return Ok(Op::Send { data, flags: 0 });
    }
    let addr = validate_addr(s.info.family, &s.form.peer_host, &s.form.peer_port)
        .map_err(|e| format!("no peer to send to: {e}"))?;
    Ok(Op::SendTo {
        data,
        flags: 0,
        addr,
    })
}

fn library(ui: &mut egui::Ui, s: &mut SockView, shared: Shared<'_>, actions: &mut Vec<Action>) {
    let id: SocketId = s.info.id;
    let Shared {
        settings,
        library_path,
        library_status,
    } = shared;
    ui.horizontal_wrapped(|ui| {
        ui.label("Library:");
        labelled_edit(ui, "payload name", &mut s.form.payload_name, 120.0);
        let named = !s.form.payload_name.trim().is_empty();
        if action_button(
            ui,
            named,
            "save to library",
            "Keep this payload (mode, encoding and line ending too) under its name",
        ) {
            let payload = s.form.saved(s.form.payload_name.trim());
            actions.push(Action::SaveToLibrary { payload });
        }
        let mut send = None;
        let mut load = None;
        let mut delete = None;
        ui.menu_button(format!("library ({})", settings.library.len()), |ui| {
            if settings.library.is_empty() {
                ui.label("Name a payload and save it to find it here.");
            }
            for p in &settings.library {
                ui.horizontal(|ui| {
                    if ui
                        .button("send saved")
                        .on_hover_text("Send it to this socket now")
                        .clicked()
                    {
                        send = Some(p.clone());
                    }
                    if ui
                        .button("edit saved")
                        .on_hover_text("Put it in the editor")
                        .clicked()
                    {
                        load = Some(p.clone());
                    }
                    if ui.button("delete saved").clicked() {
                        delete = Some(p.name.clone());
                    }
                    ui.monospace(p.label());
                });
            }
            ui.separator();
            ui.horizontal(|ui| {
                labelled_edit(ui, "library file", library_path, 220.0);
                if ui
                    .button("Library file...")
                    .on_hover_text("Pick the library file")
                    .clicked()
                {
                    actions.push(Action::Choose {
                        id: None,
                        purpose: Purpose::Library,
                    });
                }
                if ui
                    .button("import")
                    .on_hover_text(
                        "Add the payloads of a library file (same name: the file's wins)",
                    )
                    .clicked()
                {
                    actions.push(Action::ImportLibrary);
                }
                if ui
                    .button("export")
                    .on_hover_text("Write the library as JSON")
                    .clicked()
                {
                    actions.push(Action::ExportLibrary {
                        replace: crate::ui::files::Replace::No,
                    });
                }
            });
            if let Some(st) = library_status {
                ui.label(RichText::new(st).small());
            }
        });
        ui.menu_button(format!("history ({})", settings.history.len()), |ui| {
            if settings.history.is_empty() {
                ui.label("What you send appears here.");
            }
            for p in &settings.history {
                ui.horizontal(|ui| {
                    if ui.button("send again").clicked() {
                        send = Some(p.clone());
                    }
                    if ui.button("edit again").clicked() {
                        load = Some(p.clone());
                    }
                    ui.monospace(p.label());
                });
            }
        });
        if let Some(name) = delete {
            actions.push(Action::RemoveFromLibrary { name });
        }
        if let Some(p) = load {
            s.form.load(&p);
        }
        if let Some(p) = send {
            match send_saved(s, &p) {
                Ok(op) => {
                    actions.push(Action::Remember { payload: p });
                    actions.push(Action::Call { id, op });
                }
                Err(e) => actions.push(Action::Status {
                    id,
                    text: format!("not sent: {e}"),
                }),
            }
        }
    });
}
