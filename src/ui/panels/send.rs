//! The payload editor and everything that sends: once, N times or until stopped, a file of
//! any size with progress and cancel, and the saved-payload library and send history.

use egui::RichText;

use crate::engine::{Kind, Op, SendSource, SockState, SocketId};
use crate::payload::{Encoding, LineEnding, Mode};
use crate::t;
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
            ui.label(RichText::new(t!("send-listener-note")).small());
        } else {
            buttons(ui, s, actions, enter);
            repeat(ui, s, actions);
        }
        if let Some(job) = &s.job {
            ui.horizontal(|ui| {
                match job.fraction() {
                    Some(f) => {
                        ui.add(
                            crate::ui::widgets::bar(f)
                                .desired_width(200.0)
                                .show_percentage(),
                        );
                    }
                    None => {
                        ui.spinner();
                    }
                }
                if action_button(ui, true, &t!("send-stop"), &t!("send-stop-tip")) {
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

/// Between text and hex the payload keeps its bytes, as NetAssist's switch does: `AT\r\n`
/// becomes `41 54 0d 0a` and back (the line ending stays the text mode's own). What does
/// not parse is left as typed, with its problem shown.
fn convert_payload(form: &mut crate::ui::state::Form, before: Mode) {
    let bytes = match (before, form.mode) {
        (Mode::Text, Mode::Hex) => crate::payload::parse_text(&form.payload, form.encoding),
        (Mode::Hex, Mode::Text) => crate::payload::parse_hex(&form.payload),
        _ => return,
    };
    if let Ok(bytes) = bytes {
        form.payload = match form.mode {
            Mode::Hex => crate::payload::render_hex(&bytes),
            _ => crate::payload::render_text(&bytes, form.encoding),
        };
    }
}

/// The editor; whether Enter was pressed in the payload field (it sends).
fn editor(ui: &mut egui::Ui, s: &mut SockView, actions: &mut Vec<Action>) -> bool {
    let before = s.form.mode;
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(&mut s.form.mode, Mode::Text, t!("send-mode-text"))
            .on_hover_text(t!("send-mode-text-tip"));
        ui.selectable_value(&mut s.form.mode, Mode::Hex, t!("send-mode-hex"))
            .on_hover_text(t!("send-mode-hex-tip"));
        ui.selectable_value(&mut s.form.mode, Mode::File, t!("send-mode-file"))
            .on_hover_text(t!("send-mode-file-tip"));
    });
    convert_payload(&mut s.form, before);
    // Text and hex keep the same rows (greyed for hex, whose bytes are as typed), so the
    // fields under them stay where they were when the mode is switched.
    if matches!(s.form.mode, Mode::Text | Mode::Hex) {
        let text = s.form.mode == Mode::Text;
        ui.add_enabled_ui(text, |ui| encoding_rows(ui, s));
        check_row(ui, s);
    }
    if s.form.mode == Mode::File {
        ui.horizontal(|ui| {
            labelled_edit(ui, &t!("send-file-to-send"), &mut s.form.file_path, 300.0);
            if ui
                .button(t!("send-open-file"))
                .on_hover_text(t!("send-open-file-tip"))
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
                ui.label(RichText::new(t!("send-file-size", size = size.to_string())).small());
            }
            (Ok(_), Some(Err(e))) => field_problem(ui, Some(e)),
            (Ok(_), None) => {
                ui.label(RichText::new(t!("send-file-looking")).small());
            }
        }
        return false;
    }
    let enter = ui
        .horizontal(|ui| {
            let l = ui.label(t!("send-payload"));
            let r = ui
                .add(
                    egui::TextEdit::multiline(&mut s.form.payload)
                        .id(crate::ui::widgets::field_id(ui, "payload"))
                        .desired_rows(1)
                        .desired_width(360.0)
                        // Enter sends; Shift+Enter starts a new line.
                        .return_key(Some(egui::KeyboardShortcut::new(
                            egui::Modifiers::SHIFT,
                            egui::Key::Enter,
                        ))),
                )
                .labelled_by(l.id);
            if crate::ui::shortcuts::taken(ui.ctx(), crate::ui::shortcuts::FOCUS_PAYLOAD) {
                r.request_focus();
            }
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
                RichText::new(t!(
                    "send-payload-bytes",
                    n = b.len(),
                    hex = format!("{shown}{more}")
                ))
                .monospace()
                .small(),
            );
        }
        Err(e) => field_problem(ui, Some(&t!("send-nothing-sent", error = e.to_string()))),
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
                t!("send-file-tip-stream")
            } else {
                t!("send-file-tip-datagram")
            };
            if action_button(ui, ok, &t!("send-file"), &tip) {
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
            t!("send-send-tip")
        } else {
            t!("send-send-tip-not-connected")
        };
        if default_button(ui, ok, "send", &tip, default == "send", enter) {
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
            &t!("send-sendall-tip"),
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
            &t!("send-sendto-tip"),
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
        ui.label(t!("send-repeat"));
        ui.add_enabled_ui(!s.form.repeat.forever, |ui| {
            labelled_edit(ui, &t!("send-times"), &mut s.form.repeat.times, 50.0);
        });
        ui.checkbox(&mut s.form.repeat.forever, t!("send-until-stopped"));
        labelled_edit(
            ui,
            &t!("send-interval"),
            &mut s.form.repeat.interval_ms,
            60.0,
        );
        if s.info.kind == Kind::Stream {
            // A choice, drawn as one (selected, it looked like the blue sendall button
            // beside it, an action).
            ui.radio_value(&mut s.form.repeat.all, true, t!("send-each-sendall"))
                .on_hover_text(t!("send-each-sendall-tip"));
            ui.radio_value(&mut s.form.repeat.all, false, t!("send-each-send"))
                .on_hover_text(t!("send-each-send-tip"));
        } else {
            // One datagram per message whichever: the call is the socket's, not a choice.
            let call = if s.peer().is_some() { "send" } else { "sendto" };
            ui.label(t!("send-each-datagram", call = call));
        }
        if file && s.info.kind != Kind::Stream {
            labelled_edit(
                ui,
                &t!("send-datagram-size"),
                &mut s.form.repeat.datagram,
                60.0,
            );
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
        let tip = t!("send-start-repeating-tip");
        if action_button(
            ui,
            job.is_ok() && s.job.is_none(),
            &t!("send-start-repeating"),
            &tip,
        ) {
            if let Ok(job) = job.clone() {
                actions.push(Action::Remember {
                    payload: s.form.saved(""),
                });
                actions.push(Action::Call {
                    id,
                    op: Op::StartSending { job },
                });
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
        .map_err(|e| t!("send-no-peer", error = e))?;
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
        ui.label(t!("send-library"));
        labelled_edit(
            ui,
            &t!("send-payload-name"),
            &mut s.form.payload_name,
            120.0,
        );
        let named = !s.form.payload_name.trim().is_empty();
        if action_button(
            ui,
            named,
            &t!("send-save-to-library"),
            &t!("send-save-to-library-tip"),
        ) {
            let payload = s.form.saved(s.form.payload_name.trim());
            actions.push(Action::SaveToLibrary { payload });
        }
        let mut send = None;
        let mut load = None;
        let mut delete = None;
        ui.menu_button(t!("send-library-menu", n = settings.library.len()), |ui| {
            if settings.library.is_empty() {
                ui.label(t!("send-library-empty"));
            }
            for p in &settings.library {
                ui.horizontal(|ui| {
                    if ui
                        .button(t!("send-send-saved"))
                        .on_hover_text(t!("send-send-saved-tip"))
                        .clicked()
                    {
                        send = Some(p.clone());
                    }
                    if ui
                        .button(t!("send-edit-saved"))
                        .on_hover_text(t!("send-edit-saved-tip"))
                        .clicked()
                    {
                        load = Some(p.clone());
                    }
                    if ui.button(t!("send-delete-saved")).clicked() {
                        delete = Some(p.name.clone());
                    }
                    ui.monospace(p.label());
                });
            }
            ui.separator();
            ui.horizontal(|ui| {
                labelled_edit(ui, &t!("send-library-file"), library_path, 220.0);
                if ui
                    .button(t!("send-library-file-button"))
                    .on_hover_text(t!("send-library-file-tip"))
                    .clicked()
                {
                    actions.push(Action::Choose {
                        id: None,
                        purpose: Purpose::Library,
                    });
                }
                if ui
                    .button(t!("send-import"))
                    .on_hover_text(t!("send-import-tip"))
                    .clicked()
                {
                    actions.push(Action::ImportLibrary);
                }
                if ui
                    .button(t!("send-export"))
                    .on_hover_text(t!("send-export-tip"))
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
        ui.menu_button(t!("send-history-menu", n = settings.history.len()), |ui| {
            if settings.history.is_empty() {
                ui.label(t!("send-history-empty"));
            }
            for p in &settings.history {
                ui.horizontal(|ui| {
                    if ui.button(t!("send-send-again")).clicked() {
                        send = Some(p.clone());
                    }
                    if ui.button(t!("send-edit-again")).clicked() {
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
                    text: t!("send-not-sent", error = e),
                }),
            }
        }
    });
}

/// The text mode's encoding and line ending.
fn encoding_rows(ui: &mut egui::Ui, s: &mut SockView) {
    // A row each, the name before its choice ("encoding UTF-8", "line ending
    // none"): egui puts a combo's own label after it, where it read as the next
    // one's; sharing a row, a narrow column wrapped a name away from its choice.
    ui.horizontal(|ui| {
        let l = ui.label(t!("send-encoding"));
        egui::ComboBox::from_id_salt("encoding")
            .selected_text(s.form.encoding.name())
            .show_ui(ui, |ui| {
                for e in Encoding::ALL {
                    ui.selectable_value(&mut s.form.encoding, e, e.name());
                }
            })
            .response
            .labelled_by(l.id)
            .on_disabled_hover_text(t!("send-hex-as-typed"));
    });
    ui.horizontal(|ui| {
        let l = ui.label(t!("send-line-ending"));
        egui::ComboBox::from_id_salt("line ending")
            .selected_text(ending_word(s.form.ending))
            .show_ui(ui, |ui| {
                for e in LineEnding::ALL {
                    ui.selectable_value(&mut s.form.ending, e, ending_word(e));
                }
            })
            .response
            .labelled_by(l.id)
            .on_disabled_hover_text(t!("send-hex-as-typed"));
    });
}

/// The check value appended (a device's CRC or sum), for text and hex alike.
fn check_row(ui: &mut egui::Ui, s: &mut SockView) {
    use crate::payload::Checksum;
    let word = |c: Checksum| match c {
        Checksum::None => t!("send-line-ending-none"),
        c => c.name().to_string(),
    };
    ui.horizontal(|ui| {
        let l = ui.label(t!("send-check"));
        egui::ComboBox::from_id_salt("check value")
            .selected_text(word(s.form.check))
            .show_ui(ui, |ui| {
                for c in Checksum::ALL {
                    ui.selectable_value(&mut s.form.check, c, word(c))
                        .on_hover_text(check_tip(c));
                }
            })
            .response
            .labelled_by(l.id)
            .on_hover_text(t!("send-check-tip"));
    });
}

/// How a check value is computed and sent, for its menu entry.
fn check_tip(c: crate::payload::Checksum) -> String {
    use crate::payload::Checksum;
    match c {
        Checksum::None => t!("send-check-none-tip"),
        Checksum::Sum8 => t!("send-check-sum8-tip"),
        Checksum::Xor8 => t!("send-check-xor8-tip"),
        Checksum::Crc16Modbus => t!("send-check-modbus-tip"),
        Checksum::Crc16CcittFalse => t!("send-check-ccitt-tip"),
        Checksum::Crc16Xmodem => t!("send-check-xmodem-tip"),
        Checksum::Crc32 => t!("send-check-crc32-tip"),
    }
}

/// A line ending as the menu says it: LF, CR and CRLF are names; "none" is a word.
fn ending_word(e: LineEnding) -> String {
    match e {
        LineEnding::None => t!("send-line-ending-none"),
        e => e.name().to_string(),
    }
}
