//! A UDP socket's multicast row: join or leave a group on an interface (the machine's
//! interfaces listed), and the interface IPv4 multicast is sent from. TTL and loop are
//! options in the inspector, which also lists the groups joined.

use crate::engine::{Family, Op};
use crate::sys::Interface;
use crate::t;
use crate::ui::state::{Action, SockView};
use crate::ui::widgets::{action_button, field_problem, labelled_edit};

pub fn show(
    ui: &mut egui::Ui,
    s: &mut SockView,
    interfaces: Option<&[Interface]>,
    actions: &mut Vec<Action>,
) {
    let (id, family) = (s.info.id, s.info.family);
    let v4 = family == Family::Inet;
    labelled_edit(ui, &t!("multicast-group"), &mut s.form.group, 130.0);
    let choices = interface_choices(interfaces.unwrap_or_default(), v4);
    let r = ui.label(t!("multicast-interface"));
    let shown = choices
        .iter()
        .find(|(v, _)| *v == s.form.group_interface)
        .map_or_else(|| s.form.group_interface.clone(), |(_, l)| l.clone());
    egui::ComboBox::from_id_salt(("multicast interface", id.0))
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for (value, label) in &choices {
                ui.selectable_value(&mut s.form.group_interface, value.clone(), label);
            }
        })
        .response
        .labelled_by(r.id)
        .on_hover_text(t!("multicast-interface-tip"));
    let group = s.form.group.trim().to_string();
    let problem = group_problem(&group, v4);
    for (label, tip, join) in [
        (t!("multicast-join"), t!("multicast-join-tip"), true),
        (t!("multicast-leave"), t!("multicast-leave-tip"), false),
    ] {
        if action_button(ui, problem.is_none(), &label, &tip) {
            let (group, interface) = (group.clone(), s.form.group_interface.clone());
            let op = if join {
                Op::JoinMulticast { group, interface }
            } else {
                Op::LeaveMulticast { group, interface }
            };
            actions.push(Action::Call { id, op });
        }
    }
    if v4 {
        // IP_MULTICAST_IF as the kernel keeps it, chosen among the interfaces' addresses.
        let now = s
            .snapshot
            .as_ref()
            .and_then(|x| x.options.iter().find(|o| o.name == "IP_MULTICAST_IF"))
            .and_then(|o| o.value.ok())
            .map(|v| std::net::Ipv4Addr::from(v as u32).to_string());
        // A line of its own: wrapped, its name ended one line and its choice began the next.
        ui.end_row();
        let r = ui.label(t!("multicast-send-from"));
        let label_of = |v: &str| {
            choices
                .iter()
                .find(|(c, _)| c == v || (c.is_empty() && v == "0.0.0.0"))
                .map_or_else(|| v.to_string(), |(_, l)| l.clone())
        };
        let mut picked = now.clone().unwrap_or_default();
        egui::ComboBox::from_id_salt(("multicast send from", id.0))
            .selected_text(now.as_deref().map(label_of).unwrap_or_default())
            .show_ui(ui, |ui| {
                for (value, label) in &choices {
                    let v = if value.is_empty() { "0.0.0.0" } else { value };
                    ui.selectable_value(&mut picked, v.to_string(), label);
                }
            })
            .response
            .labelled_by(r.id)
            .on_hover_text(t!("multicast-send-from-tip"));
        if Some(&picked) != now.as_ref() {
            if let Ok(a) = picked.parse::<std::net::Ipv4Addr>() {
                actions.push(Action::SetOption {
                    id,
                    name: "IP_MULTICAST_IF",
                    value: i64::from(u32::from(a)),
                });
            }
        }
    }
    if interfaces.is_none() {
        ui.label(egui::RichText::new(t!("multicast-listing")).small());
    }
    field_problem(ui, problem.as_deref());
}

/// (value, label) for each interface a group may be joined on: "" for the kernel's
/// choice; an IPv4 socket names an interface by its address, an IPv6 one by its name.
fn interface_choices(interfaces: &[Interface], v4: bool) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), t!("multicast-any"))];
    for i in interfaces {
        if v4 {
            for a in i.addrs.iter().filter(|a| a.is_ipv4()) {
                out.push((a.to_string(), format!("{} {a}", i.name)));
            }
        } else if i.addrs.iter().any(|a| a.is_ipv6()) {
            out.push((i.name.clone(), i.name.clone()));
        }
    }
    out
}

/// Why the group typed is not one a socket of this family joins.
fn group_problem(group: &str, v4: bool) -> Option<String> {
    let ok = if v4 {
        group
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|a| a.is_multicast())
    } else {
        group
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|a| a.is_multicast())
    };
    (!ok).then(|| {
        if v4 {
            t!("multicast-not-group-v4")
        } else {
            t!("multicast-not-group-v6")
        }
    })
}
