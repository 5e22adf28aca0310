//! What the kernel reports about the selected socket, read back live; settable options are
//! edited in place and show the value the kernel stored.

use egui::RichText;

use crate::engine::options::{self, OptKind};
use crate::ui::state::{Action, UiState};

pub fn show(ui: &mut egui::Ui, state: &mut UiState, actions: &mut Vec<Action>) {
    ui.heading("Inspector");
    let Some(s) = state.selected.and_then(|id| state.sockets.get_mut(&id)) else {
        ui.label("Select a socket.");
        return;
    };
    let id = s.info.id;
    let Some(snap) = &s.snapshot else {
        ui.label("Waiting for the kernel's first report...");
        return;
    };
    if s.closed || snap.at_close {
        ui.label(if snap.at_close {
            "Closed: the values below were read as it closed."
        } else {
            "Closed: the values below are the last ones read before close."
        });
    }
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("addresses")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    let row = |ui: &mut egui::Ui, k: &str, v: String| {
                        ui.label(k);
                        ui.monospace(v);
                        ui.end_row();
                    };
                    row(
                        ui,
                        "local address",
                        snap.local.as_ref().map_or("-".into(), |a| a.to_string()),
                    );
                    row(
                        ui,
                        "peer address",
                        snap.peer.as_ref().map_or("-".into(), |a| a.to_string()),
                    );
                    let t = match snap.timeout.as_secs() {
                        None => "None (blocking)".to_string(),
                        Some(0.0) => "0.0 (non-blocking)".to_string(),
                        Some(x) => format!("{x} s"),
                    };
                    row(ui, "gettimeout()", t);
                    row(
                        ui,
                        "O_NONBLOCK",
                        if snap.kernel_nonblocking {
                            "set".into()
                        } else {
                            "clear".into()
                        },
                    );
                    if let Some(tcp) = &snap.tcp {
                        // A closed socket's last reading is not its state now.
                        let now = match (&s.after_close, s.closed) {
                            (Some(a), true) => format!("closed, {}", a.short()),
                            (None, true) => "closed".to_string(),
                            _ => tcp.state.name().to_string(),
                        };
                        let k = match (&s.after_close, s.closed) {
                            (Some(a), true) => a.state,
                            (None, true) => None,
                            _ => Some(tcp.state),
                        };
                        ui.label("TCP state");
                        let r = ui.monospace(now);
                        if let Some(k) = k {
                            r.on_hover_text(crate::ui::explain::tcp_state(k));
                        }
                        ui.end_row();
                        if let Some((q, backlog)) = tcp.accept_queue() {
                            row(
                                ui,
                                "accept queue",
                                format!("{q} waiting (backlog {backlog})"),
                            );
                        } else {
                            row(
                                ui,
                                "rtt",
                                format!("{} us (+-{})", tcp.rtt_us, tcp.rttvar_us),
                            );
                            row(
                                ui,
                                "cwnd / mss",
                                format!("{} segments / {} bytes", tcp.snd_cwnd, tcp.snd_mss),
                            );
                            row(
                                ui,
                                "retransmits",
                                format!("{} now, {} total", tcp.retransmits, tcp.total_retrans),
                            );
                        }
                    }
                    let c = snap.counters;
                    row(
                        ui,
                        "bytes in / out",
                        format!("{} / {}", c.bytes_in, c.bytes_out),
                    );
                    row(
                        ui,
                        "messages in / out",
                        format!("{} / {}", c.msgs_in, c.msgs_out),
                    );
                });
            for (label, q) in [
                ("receive queue", snap.recv_queue),
                ("send queue", snap.send_queue),
            ] {
                if let Some(n) = q {
                    let cap = 262_144.0_f32;
                    ui.add(
                        egui::ProgressBar::new((n as f32 / cap).min(1.0))
                            .text(format!("{label}: {n} bytes")),
                    );
                }
            }
            ui.separator();
            ui.strong("Options (read back from the kernel)");
            egui::Grid::new("options")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    for o in &snap.options {
                        let name = ui
                            .label(RichText::new(o.name).monospace())
                            .on_hover_text(o.doc);
                        ui.label(RichText::new(o.level_name).small());
                        match (o.value, o.settable, o.kind) {
                            (Ok(v), true, OptKind::Bool) => {
                                let mut on = v != 0;
                                if ui
                                    .checkbox(&mut on, "")
                                    .labelled_by(name.id)
                                    .on_hover_text(o.doc)
                                    .changed()
                                {
                                    set(actions, id, o.name, on as i64);
                                }
                            }
                            (Ok(v), true, OptKind::Int | OptKind::Timeval | OptKind::Linger) => {
                                ui.vertical(|ui| {
                                    number_option(
                                        ui,
                                        &mut s.form.option_edits,
                                        name.id,
                                        o,
                                        v,
                                        actions,
                                        id,
                                    );
                                    if let Some(&asked) = s.asked.get(o.name) {
                                        ui.add(
                                            egui::Label::new(
                                                RichText::new(read_back(o.name, asked, v)).small(),
                                            )
                                            .wrap(),
                                        );
                                    }
                                });
                            }
                            _ => {
                                ui.label(&o.text).on_hover_text(o.doc);
                            }
                        }
                        ui.end_row();
                    }
                });
        });
}

fn set(actions: &mut Vec<Action>, id: crate::engine::SocketId, name: &'static str, value: i64) {
    actions.push(Action::SetOption { id, name, value });
}

/// A number option's field: it shows the kernel's value until the person types; what is
/// typed is applied once, on Enter or when the field loses focus (Escape drops it).
fn number_option(
    ui: &mut egui::Ui,
    edits: &mut std::collections::BTreeMap<&'static str, String>,
    label: egui::Id,
    o: &options::OptionReading,
    kernel: i64,
    actions: &mut Vec<Action>,
    id: crate::engine::SocketId,
) {
    let mut text = edits
        .get(o.name)
        .cloned()
        .unwrap_or_else(|| kernel.to_string());
    let r = ui
        .add(egui::TextEdit::singleline(&mut text).desired_width(90.0))
        .labelled_by(label)
        .on_hover_text(format!(
            "{}\n\nThe kernel holds {}. Type a number and press Enter to set it (Escape drops it).",
            o.doc, o.text
        ));
    if r.changed() {
        edits.insert(o.name, text);
    }
    if r.lost_focus() {
        let escaped = ui.input(|i| i.key_pressed(egui::Key::Escape));
        if let Some(typed) = edits.remove(o.name) {
            match typed.trim().parse::<i64>() {
                _ if escaped => {}
                Ok(x) => set(actions, id, o.name, x),
                Err(_) => {
                    // Kept, so the person can fix it.
                    edits.insert(o.name, typed);
                }
            }
        }
    }
    if let Some(typed) = edits.get(o.name) {
        if !r.has_focus() && typed.trim().parse::<i64>().is_err() {
            crate::ui::widgets::field_problem(
                ui,
                Some("a whole number; press Enter to set it, Escape to drop it"),
            );
        }
    }
}

/// What was asked and what the kernel keeps, with why they differ where that is known.
fn read_back(name: &str, asked: i64, kernel: i64) -> String {
    if asked == kernel {
        return format!("asked {asked} → kernel keeps {kernel}");
    }
    let why = match name {
        "SO_RCVBUF" | "SO_SNDBUF" if kernel == asked.saturating_mul(2) => {
            ", it doubles it for bookkeeping"
        }
        "SO_RCVBUF" | "SO_SNDBUF" => {
            ", doubled for bookkeeping and held between its minimum and net.core.rmem_max/wmem_max"
        }
        _ => ", the kernel adjusts it",
    };
    format!("asked {asked} → kernel keeps {kernel}{why}")
}
