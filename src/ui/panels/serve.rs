//! The Serve row: pick a responder (echo, greet, HMAC, rules...) and let the socket answer
//! by itself; on a listener, its clients (limit, broadcast, close all) and the connections
//! the kernel holds in its accept queue.

use egui::RichText;

use crate::engine::{Op, SockState, SocketId};
use crate::serve::{self, MatchKind, Rule};
use crate::t;
use crate::ui::state::{Action, SockView};
use crate::ui::widgets::{action_button, field_problem, labelled_edit};

/// The accept queue's entries listed; the rest are counted.
pub const QUEUE_SHOWN: usize = 20;

/// `queued`: the names of the window's sockets among the accept queue's first entries.
pub fn show(
    ui: &mut egui::Ui,
    s: &mut SockView,
    children: &[SocketId],
    queued: &[Option<String>],
    actions: &mut Vec<Action>,
) {
    let id = s.info.id;
    let listening = s.state() == SockState::Listening;
    ui.vertical(|ui| {
        ui.horizontal_wrapped(|ui| {
            let r = ui.label(t!("serve-responder"));
            egui::ComboBox::from_id_salt(("responder", id))
                .selected_text(&s.form.responder)
                // Tall enough for every responder without scrolling.
                .height(400.0)
                .show_ui(ui, |ui| {
                    for n in serve::NAMES {
                        let text = format!("{n}  ·  {}", what_it_does(n));
                        ui.selectable_value(&mut s.form.responder, n.to_string(), text);
                    }
                })
                .response
                .labelled_by(r.id);
            if serve::NAMES.contains(&s.form.responder.as_str()) {
                crate::ui::widgets::field_hint(ui, &what_it_does(&s.form.responder));
            }
            match s.form.responder.as_str() {
                "fixed" => {
                    labelled_edit(ui, &t!("serve-fixed-reply"), &mut s.form.serve.reply, 160.0);
                }
                "hmac" | "hmac-client" => {
                    labelled_edit(ui, &t!("serve-key"), &mut s.form.serve.key, 100.0);
                    let r = ui.label(t!("serve-digest"));
                    egui::ComboBox::from_id_salt(("digest", id))
                        .selected_text(&s.form.serve.digest)
                        .show_ui(ui, |ui| {
                            for d in ["md5", "sha1", "sha256"] {
                                ui.selectable_value(&mut s.form.serve.digest, d.to_string(), d);
                            }
                        })
                        .response
                        .labelled_by(r.id);
                    ui.label(RichText::new(t!("serve-hmac-note")).small());
                }
                _ => {}
            }
            let built = serve::build(&s.form.responder, &s.form.serve);
            let tip = if listening {
                t!("serve-answer-tip-listening")
            } else {
                t!("serve-answer-tip")
            };
            if action_button(ui, built.is_ok(), &t!("serve-answer"), &tip) {
                if let Ok(spec) = built.clone() {
                    actions.push(Action::Call {
                        id,
                        op: Op::Respond {
                            responder: Some(spec),
                        },
                    });
                }
            }
            let answering = s.snapshot.as_ref().is_some_and(|x| x.responder.is_some());
            if action_button(
                ui,
                answering,
                &t!("serve-stop-answering"),
                &t!("serve-stop-answering-tip"),
            ) {
                actions.push(Action::Call {
                    id,
                    op: Op::Respond { responder: None },
                });
            }
            if let Err(e) = built {
                if s.form.responder != "rules" || !s.form.serve.rules.is_empty() {
                    field_problem(ui, Some(&e.to_string()));
                }
            }
        });
        // Always one line, so the controls below never jump when answering starts.
        let answering = match s.snapshot.as_ref().and_then(|x| x.responder.as_ref()) {
            // The form changed since answer was pressed: what answers is still the one
            // applied, said on the same line.
            Some(r)
                if s.answering.as_ref().is_some_and(|(name, options)| {
                    *name != s.form.responder || *options != s.form.serve
                }) =>
            {
                t!("serve-answering-changed", responder = r)
            }
            Some(r) => t!("serve-answering", responder = r),
            None => t!("serve-not-answering"),
        };
        ui.label(RichText::new(answering).small());
        if s.verdicts != (0, 0) {
            ui.label(t!(
                "serve-hmac-checks",
                passed = s.verdicts.0,
                failed = s.verdicts.1
            ));
        }
        if s.form.responder == "rules" {
            rules(ui, &mut s.form.serve.rules);
        }
        if listening {
            clients(ui, s, children, queued, actions);
        }
        if let Some(note) = s.notes.back() {
            let note = crate::ui::explain::note(note);
            ui.label(
                RichText::new(t!("serve-last-report", note = note, n = s.notes.len())).small(),
            );
        }
        if let Some((name, note)) = &s.clients_note {
            let note = crate::ui::explain::note(note);
            ui.label(
                RichText::new(t!(
                    "serve-clients-last-report",
                    name = name.as_str(),
                    note = note
                ))
                .small(),
            );
        }
    });
}

fn rules(ui: &mut egui::Ui, rules: &mut Vec<Rule>) {
    let mut remove = None;
    for (i, r) in rules.iter_mut().enumerate() {
        let n = i + 1;
        ui.horizontal_wrapped(|ui| {
            let l = crate::ui::widgets::field_label(ui, t!("serve-rule", n = n));
            egui::ComboBox::from_id_salt(("rule kind", i))
                .selected_text(crate::ui::explain::match_kind(r.kind))
                .show_ui(ui, |ui| {
                    for k in MatchKind::ALL {
                        ui.selectable_value(&mut r.kind, k, crate::ui::explain::match_kind(k));
                    }
                })
                .response
                .labelled_by(l.id);
            ui.checkbox(&mut r.hex, t!("serve-rule-hex", n = n))
                .on_hover_text(t!("serve-rule-hex-tip"));
            labelled_edit(ui, &t!("serve-rule-pattern", n = n), &mut r.pattern, 140.0);
            labelled_edit(ui, &t!("serve-rule-reply", n = n), &mut r.reply, 160.0)
                .on_hover_text(t!("serve-rule-reply-tip"));
            let d = crate::ui::widgets::field_label(ui, t!("serve-rule-delay", n = n));
            ui.add(egui::DragValue::new(&mut r.delay_ms).range(0..=600_000))
                .labelled_by(d.id);
            if ui.button(t!("serve-rule-remove", n = n)).clicked() {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        rules.remove(i);
    }
    if ui
        .button(t!("serve-add-rule"))
        .on_hover_text(t!("serve-add-rule-tip"))
        .clicked()
    {
        rules.push(Rule {
            kind: MatchKind::Contains,
            ..Rule::default()
        });
    }
}

fn clients(
    ui: &mut egui::Ui,
    s: &mut SockView,
    children: &[SocketId],
    queued: &[Option<String>],
    actions: &mut Vec<Action>,
) {
    let id = s.info.id;
    let snap = s.snapshot.as_ref();
    ui.horizontal_wrapped(|ui| {
        // The window's own count, so it agrees with the sockets list at every frame.
        let open = children.len();
        let limit = snap.and_then(|x| x.clients).and_then(|(_, l)| l);
        crate::ui::widgets::field_label(
            ui,
            match limit {
                Some(l) => t!("serve-clients-open-limit", open = open, limit = l),
                None => t!("serve-clients-open", open = open),
            },
        );
        labelled_edit(ui, &t!("serve-max-clients"), &mut s.form.max_clients, 50.0);
        let max = s.form.max_clients.trim();
        let v: Result<Option<usize>, String> = if max.is_empty() {
            Ok(None)
        } else {
            max.parse::<usize>()
                .map(Some)
                .map_err(|_| t!("serve-max-clients-invalid"))
        };
        if action_button(
            ui,
            v.is_ok(),
            &t!("serve-set-limit"),
            &t!("serve-set-limit-tip"),
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
        let tip = t!("serve-broadcast-tip");
        if action_button(
            ui,
            payload.is_ok() && !children.is_empty(),
            &t!("serve-broadcast"),
            &tip,
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
            &t!("serve-close-all"),
            &t!("serve-close-all-tip"),
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
        t!("serve-queue-empty", backlog = backlog)
    } else if auto {
        t!("serve-queue-waiting", n = queue.len(), backlog = backlog)
    } else {
        t!(
            "serve-queue-waiting-manual",
            n = queue.len(),
            backlog = backlog
        )
    };
    ui.label(RichText::new(head).small());
    for (i, p) in queue.iter().take(QUEUE_SHOWN).enumerate() {
        let text = match queued.get(i).and_then(Option::as_deref) {
            Some(name) => format!("  {}. {p} ({name})", i + 1),
            None => format!("  {}. {p}", i + 1),
        };
        ui.label(RichText::new(text).small().monospace())
            .on_hover_text(t!("serve-queue-entry-tip"));
    }
    if queue.len() > QUEUE_SHOWN {
        ui.label(
            RichText::new(format!(
                "  {}",
                t!("serve-queue-more", n = queue.len() - QUEUE_SHOWN)
            ))
            .small(),
        );
    }
}

/// What a responder does, in the window's language (its name is what `socklab serve`
/// takes, so it stays).
fn what_it_does(name: &str) -> String {
    match name {
        "echo" => t!("serve-what-echo"),
        "upper" => t!("serve-what-upper"),
        "greet" => t!("serve-what-greet"),
        "discard" => t!("serve-what-discard"),
        "chargen" => t!("serve-what-chargen"),
        "daytime" => t!("serve-what-daytime"),
        "fixed" => t!("serve-what-fixed"),
        "hmac" => t!("serve-what-hmac"),
        "hmac-client" => t!("serve-what-hmac-client"),
        "rules" => t!("serve-what-rules"),
        _ => String::new(),
    }
}
