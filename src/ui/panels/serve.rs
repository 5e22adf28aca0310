//! The Serve row: pick a responder (echo, greet, HMAC, rules...) and let the socket answer
//! by itself; on a listener, its clients (limit, broadcast, close all) and the connections
//! the kernel holds in its accept queue.

use egui::RichText;

use crate::engine::{Op, SockState, SocketId};
use crate::serve::{self, MatchKind, Rule};
use crate::ui::state::{Action, SockView};
use crate::ui::widgets::{action_button, field_problem, labelled_edit};

pub fn show(ui: &mut egui::Ui, s: &mut SockView, children: &[SocketId], actions: &mut Vec<Action>) {
    let id = s.info.id;
    let listening = s.state() == SockState::Listening;
    ui.vertical(|ui| {
        ui.horizontal_wrapped(|ui| {
            let r = ui.label("responder");
            egui::ComboBox::from_id_salt(("responder", id))
                .selected_text(&s.form.responder)
                // Tall enough for every responder without scrolling.
                .height(400.0)
                .show_ui(ui, |ui| {
                    for n in serve::NAMES {
                        ui.selectable_value(&mut s.form.responder, n.to_string(), n);
                    }
                })
                .response
                .labelled_by(r.id);
            match s.form.responder.as_str() {
                "fixed" => {
                    labelled_edit(ui, "fixed reply", &mut s.form.serve.reply, 160.0);
                }
                "hmac" | "hmac-client" => {
                    labelled_edit(ui, "key", &mut s.form.serve.key, 100.0);
                    let r = ui.label("digest");
                    egui::ComboBox::from_id_salt(("digest", id))
                        .selected_text(&s.form.serve.digest)
                        .show_ui(ui, |ui| {
                            for d in ["md5", "sha1", "sha256"] {
                                ui.selectable_value(&mut s.form.serve.digest, d.to_string(), d);
                            }
                        })
                        .response
                        .labelled_by(r.id);
                    ui.label(
                        RichText::new("md5 is the tutorials' digest; sha256 is today's choice. After OK the server echoes what follows; after FAIL it closes.")
                            .small(),
                    );
                }
                _ => {}
            }
            let built = serve::build(&s.form.responder, &s.form.serve);
            let tip = if listening {
                "Every connection this listener accepts is answered by the responder (turn on auto-accept to accept them all)."
            } else {
                "What arrives on this socket is answered by the responder (receiving starts by itself)."
            };
            if action_button(ui, built.is_ok(), "answer", tip) {
                if let Ok(spec) = built.clone() {
                    actions.push(Action::Call { id, op: Op::Respond { responder: Some(spec) } });
                }
            }
            if action_button(ui, true, "stop answering", "The socket stops answering; what it receives still shows.") {
                actions.push(Action::Call { id, op: Op::Respond { responder: None } });
            }
            if let Err(e) = built {
                if s.form.responder != "rules" || !s.form.serve.rules.is_empty() {
                    field_problem(ui, Some(&e.to_string()));
                }
            }
        });
        // Always one line, so the controls below never jump when answering starts.
        let answering = match s.snapshot.as_ref().and_then(|x| x.responder.as_ref()) {
            Some(r) => format!("answering: {r}"),
            None => "not answering".to_string(),
        };
        ui.label(RichText::new(answering).small());
        if s.verdicts != (0, 0) {
            ui.label(format!(
                "HMAC checks: {} passed, {} failed",
                s.verdicts.0, s.verdicts.1
            ));
        }
        if s.form.responder == "rules" {
            rules(ui, &mut s.form.serve.rules);
        }
        if listening {
            clients(ui, s, children, actions);
        }
        if let Some(note) = s.notes.back() {
            ui.label(RichText::new(format!("last report: {note} ({} in all)", s.notes.len())).small());
        }
    });
}

fn rules(ui: &mut egui::Ui, rules: &mut Vec<Rule>) {
    let mut remove = None;
    for (i, r) in rules.iter_mut().enumerate() {
        let n = i + 1;
        ui.horizontal_wrapped(|ui| {
            let l = ui.label(format!("rule {n}"));
            egui::ComboBox::from_id_salt(("rule kind", i))
                .selected_text(r.kind.name())
                .show_ui(ui, |ui| {
                    for k in MatchKind::ALL {
                        ui.selectable_value(&mut r.kind, k, k.name());
                    }
                })
                .response
                .labelled_by(l.id);
            ui.checkbox(&mut r.hex, format!("hex {n}"))
                .on_hover_text("Match the message as hex digits (regex) or a hex pattern");
            labelled_edit(ui, &format!("pattern {n}"), &mut r.pattern, 140.0);
            labelled_edit(ui, &format!("reply {n}"), &mut r.reply, 160.0)
                .on_hover_text("{0} the match, {1}..{9} its groups, {count}, {time}, {peer}, {data}; Python escapes such as \\r\\n");
            let d = ui.label(format!("delay {n} (ms)"));
            ui.add(egui::DragValue::new(&mut r.delay_ms).range(0..=600_000))
                .labelled_by(d.id);
            if ui.button(format!("remove rule {n}")).clicked() {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        rules.remove(i);
    }
    if ui
        .button("add rule")
        .on_hover_text("Rules are tried in order; the first that matches answers")
        .clicked()
    {
        rules.push(Rule {
            kind: MatchKind::Contains,
            ..Rule::default()
        });
    }
}

fn clients(ui: &mut egui::Ui, s: &mut SockView, children: &[SocketId], actions: &mut Vec<Action>) {
    let id = s.info.id;
    let snap = s.snapshot.as_ref();
    ui.horizontal_wrapped(|ui| {
        // The window's own count, so it agrees with the sockets list at every frame.
        let open = children.len();
        let limit = snap.and_then(|x| x.clients).and_then(|(_, l)| l);
        let limit = limit.map(|l| format!(" (at most {l})")).unwrap_or_default();
        ui.label(format!("{open} clients open{limit}"));
        labelled_edit(ui, "max clients", &mut s.form.max_clients, 50.0);
        let max = s.form.max_clients.trim();
        let v: Result<Option<usize>, String> = if max.is_empty() {
            Ok(None)
        } else {
            max.parse::<usize>()
                .map(Some)
                .map_err(|_| "max clients is a whole number (empty: no limit)".to_string())
        };
        if action_button(
            ui,
            v.is_ok(),
            "set limit",
            "Past the limit, connections wait in the kernel's accept queue until a client leaves.",
        ) {
            if let Ok(max) = v.clone() {
                actions.push(Action::Call {
                    id,
                    op: Op::LimitClients { max },
                });
            }
        }
        field_problem(ui, v.err().as_deref());
        let payload = s.form.payload_bytes();
        let tip = "sendall the payload editor's bytes to every open client of this listener";
        if action_button(
            ui,
            payload.is_ok() && !children.is_empty(),
            "broadcast",
            tip,
        ) {
            if let Ok(data) = payload {
                for c in children {
                    actions.push(Action::Call {
                        id: *c,
                        op: Op::SendAll {
                            data: data.clone(),
                            flags: 0,
                        },
                    });
                }
            }
        }
        if action_button(
            ui,
            !children.is_empty(),
            "close all",
            "Close every open client of this listener",
        ) {
            for c in children {
                actions.push(Action::Call {
                    id: *c,
                    op: Op::Close,
                });
            }
        }
    });
    let Some(snap) = s.snapshot.as_ref() else {
        return;
    };
    let backlog = snap.tcp.as_ref().map(|t| t.sacked).unwrap_or_default();
    let queue = &snap.accept_queue;
    let auto = snap.auto_accept;
    let head = if queue.is_empty() {
        format!("accept queue empty (backlog {backlog})")
    } else {
        format!(
            "{} waiting in the accept queue (backlog {backlog}): connected, not yet accepted{}",
            queue.len(),
            if auto {
                ""
            } else {
                "; accept() takes the one that completed first"
            }
        )
    };
    ui.label(RichText::new(head).small());
    for (i, p) in queue.iter().take(20).enumerate() {
        ui.label(
            RichText::new(format!("  {}. {p}", i + 1))
                .small()
                .monospace(),
        )
        .on_hover_text(
            "Completed by the kernel, waiting for accept() (listed in the kernel's order)",
        );
    }
    if queue.len() > 20 {
        ui.label(RichText::new(format!("  ... and {} more", queue.len() - 20)).small());
    }
}
