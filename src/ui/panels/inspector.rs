//! What the kernel reports about the selected socket, read back live; settable options are
//! edited in place and show the value the kernel stored.

use egui::RichText;

use crate::engine::options::{self, OptKind};
use crate::t;
use crate::ui::state::{Action, UiState};

pub fn show(ui: &mut egui::Ui, state: &mut UiState, actions: &mut Vec<Action>) {
    ui.heading(t!("inspector-heading"));
    let Some(s) = state.selected.and_then(|id| state.sockets.get_mut(&id)) else {
        ui.label(t!("inspector-select"));
        return;
    };
    let id = s.info.id;
    let queued = state.queued_in(id).map(str::to_string);
    let Some(s) = state.sockets.get_mut(&id) else {
        return;
    };
    let peer = crate::ui::explain::peer_address(s);
    let tcp_socket = s.is_tcp();
    let Some(snap) = &s.snapshot else {
        ui.label(t!("inspector-waiting"));
        return;
    };
    let closed = s.closed || snap.at_close;
    if closed {
        ui.label(if snap.at_close {
            t!("inspector-closed-at-close")
        } else {
            t!("inspector-closed-before")
        });
    }
    // Sideways too: in a narrow window the options' table is wider than the panel, and a
    // panel's content wider than it moved its edge (egui sizes a right panel from its
    // content's right), so the page beside was drawn over it.
    egui::ScrollArea::both()
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
                        &t!("inspector-local"),
                        crate::ui::explain::address(snap.local.as_ref()),
                    );
                    row(ui, &t!("inspector-peer"), peer);
                    let t = match snap.timeout.as_secs() {
                        None => t!("inspector-timeout-blocking"),
                        Some(0.0) => t!("inspector-timeout-non-blocking"),
                        Some(x) => format!("{x} s"),
                    };
                    let tipped = |ui: &mut egui::Ui, k: &str, v: String, tip: Option<String>| {
                        let (l, v) = (ui.label(k), ui.monospace(v));
                        if let Some(tip) = tip {
                            l.on_hover_text(&tip);
                            v.on_hover_text(&tip);
                        }
                        ui.end_row();
                    };
                    let timed = snap.timeout.as_secs().is_some_and(|x| x > 0.0);
                    tipped(ui, "gettimeout()", t, Some(t!("inspector-timeout-tip")));
                    // CPython sets O_NONBLOCK for a timeout too: said where it is seen, so a
                    // timed socket is not taken for a non-blocking one.
                    let flag = match (snap.kernel_nonblocking, timed) {
                        (true, true) => t!("inspector-flag-set-for-timeout"),
                        (true, false) => t!("inspector-flag-set"),
                        (false, _) => t!("inspector-flag-clear"),
                    };
                    tipped(ui, "O_NONBLOCK", flag, Some(t!("inspector-nonblock-tip")));
                    let shut = match (snap.shut.read, snap.shut.write) {
                        (true, true) => Some(t!("inspector-shut-both")),
                        (true, false) => Some(t!("inspector-shut-read")),
                        (false, true) => Some(t!("inspector-shut-write")),
                        (false, false) => None,
                    };
                    if let Some(shut) = shut {
                        // No FIN nor CLOSE_WAIT but on a TCP connection.
                        let tip = if tcp_socket {
                            t!("inspector-shut-tip")
                        } else {
                            t!("inspector-shut-tip-other")
                        };
                        tipped(ui, &t!("inspector-shut"), shut, Some(tip));
                    }
                    if let Some(tcp) = &snap.tcp {
                        // A closed socket's last reading is not its state now.
                        let now = match (&s.after_close, s.closed) {
                            (Some(a), true) => t!("inspector-closed-after", state = a.short()),
                            (None, true) => t!("inspector-closed"),
                            // The kernel's word for a socket with no connection, bound or
                            // not: beside "bound" in the list it read as a contradiction.
                            _ if tcp.state == crate::engine::inspect::TcpState::Close => {
                                t!("inspector-tcp-close-short")
                            }
                            _ => tcp.state.name().to_string(),
                        };
                        let k = match (&s.after_close, s.closed) {
                            (Some(a), true) => a.state,
                            (None, true) => None,
                            _ => Some(tcp.state),
                        };
                        ui.label(t!("inspector-tcp-state"));
                        let r = ui.monospace(now);
                        if let Some(k) = k {
                            r.on_hover_text(crate::ui::explain::tcp_state(k));
                        }
                        ui.end_row();
                        if let Some(l) = &queued {
                            tipped(
                                ui,
                                "accept()",
                                t!("inspector-queued", listener = l.as_str()),
                                Some(t!("sockets-queued-tip", listener = l.as_str())),
                            );
                        }
                        if let Some((q, backlog)) = tcp.accept_queue() {
                            tipped(
                                ui,
                                &t!("inspector-accept-queue"),
                                t!(
                                    "inspector-accept-waiting",
                                    q = q.to_string(),
                                    backlog = backlog.to_string()
                                ),
                                Some(accept_queue_tip()),
                            );
                            // Not in the accept queue, and a client's connect() may have
                            // returned for them: the queue-full case a learner meets.
                            if !snap.half_open.is_empty() && !s.closed {
                                let shown: Vec<String> = snap
                                    .half_open
                                    .iter()
                                    .take(3)
                                    .map(ToString::to_string)
                                    .collect();
                                let mut list = shown.join(", ");
                                if snap.half_open.len() > shown.len() {
                                    list.push_str(", …");
                                }
                                tipped(
                                    ui,
                                    &t!("inspector-half-open"),
                                    t!(
                                        "inspector-half-open-list",
                                        n = snap.half_open.len(),
                                        list = list
                                    ),
                                    Some(t!("inspector-half-open-tip")),
                                );
                            }
                        } else if tcp.state == crate::engine::inspect::TcpState::SynSent {
                            // A connect whose SYN goes unanswered (a full accept queue
                            // drops it, a firewall, a host that is not there): how often the
                            // kernel has sent it again, and how long it waits now.
                            // After the last resend the kernel waits once more, then gives up
                            // (this machine's count: a socket's own TCP_SYNCNT is not read).
                            let tries = crate::engine::inspect::SynRetries::of_kernel()
                                .gaps
                                .len()
                                .saturating_sub(1);
                            let rto = crate::pyfmt::float_repr(
                                (f64::from(tcp.rto_us) / 1e5).round() / 10.0,
                            );
                            let value = if usize::from(tcp.retransmits) >= tries {
                                t!("inspector-syn-last-value", n = tcp.retransmits, rto = rto)
                            } else {
                                t!("inspector-syn-resent-value", n = tcp.retransmits, rto = rto)
                            };
                            tipped(
                                ui,
                                &t!("inspector-syn-resent"),
                                value,
                                Some(syn_resent_tip()),
                            );
                        } else if tcp.rtt_us == 0 {
                            // Nothing measured yet (never connected, or refused): the
                            // kernel's starting values (rtt 0 +-250000, mss 536) say
                            // nothing of a connection.
                            row(ui, "rtt", t!("inspector-not-measured"));
                        } else {
                            row(
                                ui,
                                "rtt",
                                t!(
                                    "inspector-rtt-value",
                                    rtt = tcp.rtt_us.to_string(),
                                    var = tcp.rttvar_us.to_string()
                                ),
                            );
                            row(
                                ui,
                                "cwnd / mss",
                                t!(
                                    "inspector-cwnd-value",
                                    cwnd = tcp.snd_cwnd.to_string(),
                                    mss = tcp.snd_mss.to_string()
                                ),
                            );
                            row(
                                ui,
                                &t!("inspector-retransmits"),
                                t!(
                                    "inspector-retransmits-value",
                                    now = tcp.retransmits.to_string(),
                                    total = tcp.total_retrans.to_string()
                                ),
                            );
                        }
                    }
                    let c = snap.counters;
                    row(
                        ui,
                        &t!("inspector-bytes"),
                        format!("{} / {}", c.bytes_in, c.bytes_out),
                    );
                    // A stream has no messages: its counts are of recv() and send() pieces.
                    let (pieces, tip) = match s.info.kind {
                        crate::engine::Kind::Stream => {
                            (t!("inspector-chunks"), Some(t!("inspector-chunks-tip")))
                        }
                        crate::engine::Kind::Dgram => (t!("inspector-datagrams"), None),
                        crate::engine::Kind::Other(_) => (t!("inspector-messages"), None),
                    };
                    tipped(ui, &pieces, format!("{} / {}", c.msgs_in, c.msgs_out), tip);
                    if let Some(n) = snap.drops() {
                        ui.label(t!("inspector-drops"))
                            .on_hover_text(t!("inspector-drops-tip"));
                        let text = RichText::new(t!("inspector-drops-value", n = n)).monospace();
                        // A loss is the one figure here a person must not miss.
                        let text = if n > 0 {
                            text.color(ui.visuals().error_fg_color)
                        } else {
                            text
                        };
                        ui.label(text).on_hover_text(t!("inspector-drops-tip"));
                        ui.end_row();
                    }
                });
            // A full accept queue is why clients hang in connect(): said where it is seen.
            // Linux counts it full past the backlog, so backlog + 1 connections wait.
            if let Some((q, backlog)) = snap.tcp.as_ref().and_then(|t| t.accept_queue()) {
                if q > backlog && !closed {
                    crate::ui::widgets::warning_label(
                        ui,
                        &t!(
                            "inspector-accept-full",
                            q = q.to_string(),
                            backlog = backlog.to_string(),
                            gaps = crate::ui::explain::syn_gaps(),
                            give_up =
                                crate::engine::inspect::SynRetries::of_kernel().give_up_secs()
                        ),
                    );
                }
            }
            // A datagram socket's SIOCINQ is the next datagram's size, not what waits: what
            // waits shows as the receive buffer's use, against its size.
            let datagrams = s.info.kind == crate::engine::Kind::Dgram;
            if let Some(b) = snap.recv_buffer {
                ui.add(
                    crate::ui::widgets::bar(b.used as f32 / b.size.max(1) as f32).text(t!(
                        "inspector-buffer-used",
                        used = b.used,
                        size = b.size
                    )),
                )
                .on_hover_text(t!("inspector-buffer-used-tip"));
                // A few bytes waiting cost hundreds: said where it is seen, not only on hover.
                if datagrams && b.used > 0 {
                    crate::ui::widgets::field_hint(ui, &t!("inspector-buffer-overhead"));
                }
            }
            if let (true, Some(n)) = (datagrams, snap.recv_queue) {
                ui.label(t!("inspector-next-datagram", n = n))
                    .on_hover_text(t!("inspector-next-datagram-tip"));
            }
            let recv_queue = if datagrams { None } else { snap.recv_queue };
            for (label, q, sending) in [
                (t!("inspector-receive-queue"), recv_queue, false),
                (t!("inspector-send-queue"), snap.send_queue, true),
            ] {
                let Some(n) = q else { continue };
                // A TCP socket in CLOSE holds nothing to send (its queue was emptied when
                // the connection failed or ended), but SIOCOUTQ is a difference of sequence
                // numbers that a failed connect() leaves at 1 or 3: said, not shown as bytes.
                let closed_tcp = snap
                    .tcp
                    .as_ref()
                    .is_some_and(|t| t.state == crate::engine::inspect::TcpState::Close);
                if closed_tcp && n > 0 && sending {
                    ui.add(crate::ui::widgets::bar(0.0).text(t!(
                        "inspector-send-queue-closed",
                        queue = &label,
                        n = n.to_string()
                    )))
                    .on_hover_text(t!("inspector-send-queue-closed-tip"));
                    continue;
                }
                let cap = 262_144.0_f32;
                ui.add(crate::ui::widgets::bar(n as f32 / cap).text(t!(
                    "inspector-queue-bytes",
                    queue = &label,
                    n = n.to_string()
                )));
            }
            if let Some(info) = &snap.tls {
                let c = snap.counters;
                let listening = snap.state == crate::engine::SockState::Listening;
                super::tls::inspector(ui, info, (c.bytes_in, c.bytes_out), listening);
            }
            if !snap.groups.is_empty() {
                ui.label(t!("inspector-groups"));
                for (group, interface) in &snap.groups {
                    let on = if interface.is_empty() {
                        t!("multicast-any")
                    } else {
                        interface.clone()
                    };
                    ui.monospace(t!("inspector-group", group = group.as_str(), on = on));
                }
            }
            ui.separator();
            ui.strong(t!("inspector-options"));
            egui::Grid::new("options")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    for o in &snap.options {
                        let name = ui
                            .label(RichText::new(o.name).monospace())
                            .on_hover_text(o.doc());
                        ui.label(RichText::new(o.level_name).small());
                        // A closed socket's options are its last reading: nothing to set.
                        let settable = o.settable && !closed;
                        match (o.value, settable, o.kind) {
                            (Ok(v), true, OptKind::Bool) => {
                                let mut on = v != 0;
                                if ui
                                    .checkbox(&mut on, "")
                                    .labelled_by(name.id)
                                    .on_hover_text(o.doc())
                                    .changed()
                                {
                                    set(actions, id, o.name, on as i64);
                                }
                            }
                            // SO_LINGER as Python packs it ('ii': on, seconds): a switch,
                            // and the seconds while it is on (-1 is only how the engine
                            // writes "off"); the others a number.
                            (Ok(v), true, OptKind::Int | OptKind::Timeval | OptKind::Linger) => {
                                let tcp = s.info.kind == crate::engine::Kind::Stream
                                    && matches!(
                                        s.info.family,
                                        crate::engine::Family::Inet | crate::engine::Family::Inet6
                                    );
                                ui.vertical(|ui| {
                                    let edits = &mut s.form.option_edits;
                                    if o.kind == OptKind::Linger {
                                        linger_option(ui, edits, (name.id, tcp), o, v, actions, id);
                                    } else {
                                        number_option(ui, edits, name.id, o, v, actions, id);
                                    }
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
                            (value, _, _) => {
                                let shown = crate::ui::explain::option_value(o);
                                match (value, s.asked.get(o.name)) {
                                    // What was asked beside what the kernel kept, closed or
                                    // not.
                                    (Ok(v), Some(&asked)) => {
                                        ui.vertical(|ui| {
                                            ui.label(shown).on_hover_text(o.doc());
                                            ui.add(
                                                egui::Label::new(
                                                    RichText::new(read_back(o.name, asked, v))
                                                        .small(),
                                                )
                                                .wrap(),
                                            );
                                        });
                                    }
                                    _ => {
                                        ui.label(shown).on_hover_text(o.doc());
                                    }
                                }
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

/// SO_LINGER: on or off as the kernel keeps it, and while on its seconds (a field as for a
/// number); on with 0 s, close() resets the connection, which is said beside it.
fn linger_option(
    ui: &mut egui::Ui,
    edits: &mut std::collections::BTreeMap<&'static str, String>,
    (label, tcp): (egui::Id, bool),
    o: &options::OptionReading,
    kernel: i64,
    actions: &mut Vec<Action>,
    id: crate::engine::SocketId,
) {
    let mut on = kernel >= 0;
    if ui
        .checkbox(&mut on, t!("inspector-linger-on"))
        .labelled_by(label)
        .on_hover_text(o.doc())
        .changed()
    {
        // Switched on: 0 s (Python's struct.pack('ii', 1, 0), the abortive close).
        set(actions, id, o.name, if on { 0 } else { -1 });
    }
    if kernel >= 0 {
        ui.horizontal(|ui| {
            let secs = ui.label(t!("inspector-linger-secs"));
            number_option(ui, edits, secs.id, o, kernel, actions, id);
        });
        // (What it does to a TCP connection's close; other sockets send no FIN.)
        if kernel == 0 && tcp {
            crate::ui::widgets::field_hint(ui, &t!("inspector-linger-zero"));
        }
    }
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
        .add(
            egui::TextEdit::singleline(&mut text)
                .id(crate::ui::widgets::field_id(ui, o.name))
                .desired_width(90.0),
        )
        .labelled_by(label)
        .on_hover_text(format!(
            "{}\n\n{}",
            o.doc(),
            t!(
                "inspector-number-tip",
                value = crate::ui::explain::option_value(o)
            )
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
            crate::ui::widgets::field_problem(ui, Some(&t!("inspector-whole-number")));
        }
    }
}

/// What was asked and what the kernel keeps, with why they differ where that is known.
fn read_back(name: &str, asked: i64, kernel: i64) -> String {
    if asked == kernel {
        return t!(
            "inspector-read-back",
            asked = asked.to_string(),
            kernel = kernel.to_string()
        );
    }
    let why = match name {
        "SO_RCVBUF" | "SO_SNDBUF" if kernel == asked.saturating_mul(2) => {
            t!("inspector-why-doubles")
        }
        "SO_RCVBUF" | "SO_SNDBUF" => t!("inspector-why-doubled-held"),
        _ => t!("inspector-why-adjusts"),
    };
    t!(
        "inspector-read-back-why",
        asked = asked.to_string(),
        kernel = kernel.to_string(),
        why = why
    )
}

/// Why a SYN is resent and until when, with this machine's SYN tries.
fn syn_resent_tip() -> String {
    let syn = crate::engine::inspect::SynRetries::of_kernel();
    t!(
        "inspector-syn-resent-tip",
        gaps = crate::ui::explain::syn_gaps(),
        give_up = syn.give_up_secs()
    )
}

/// What the accept queue is, with this machine's SYN tries.
pub(crate) fn accept_queue_tip() -> String {
    let syn = crate::engine::inspect::SynRetries::of_kernel();
    t!(
        "inspector-accept-queue-tip",
        gaps = crate::ui::explain::syn_gaps(),
        give_up = syn.give_up_secs()
    )
}
