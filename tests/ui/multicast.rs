//! A UDP socket's multicast row, driven as a person does: two sockets join a group on
//! loopback, a third sends from loopback, both get it; the inspector lists the groups.
//! Broadcast: refused with a hint that names SO_BROADCAST, sent once it is on.

use egui_kittest::kittest::{NodeT, Queryable};
use socklab::engine::{AddrSpec, Kind, Op, SocketId};
use socklab::ui::state::Action;

use crate::ui_common::*;

const GROUP: &str = "239.255.0.1";

fn port_of(h: &H, id: SocketId) -> u16 {
    h.state().state.sockets[&id]
        .local()
        .and_then(|l| l.port())
        .unwrap()
}

#[test]
fn two_members_get_what_a_third_sends_and_broadcast_needs_so_broadcast() {
    let mut h = harness();
    step_until(&mut h, "the interfaces listed", |a| {
        a.state.interfaces.is_some()
    });
    let members: Vec<SocketId> = (0..2).map(|_| new_socket(&mut h, Kind::Dgram)).collect();
    for &m in &members {
        select_id(&mut h, m);
        replace_text(&mut h, "bind host", GROUP);
        click(&mut h, "bind");
        step_until(&mut h, "bound", |a| {
            a.state.sockets[&m]
                .local()
                .and_then(|l| l.port())
                .is_some_and(|p| p != 0)
        });
        click(&mut h, "auto-receive");
        assert_eq!(h.get_by_label("group").value().as_deref(), Some(GROUP));
        pick_in(&mut h, "on", "lo 127.0.0.1");
        click(&mut h, "join");
        step_until(&mut h, "joined", |a| {
            a.state.sockets[&m]
                .snapshot
                .as_ref()
                .is_some_and(|x| x.groups == [(GROUP.to_string(), "127.0.0.1".to_string())])
        });
    }
    step_until_drawn(&mut h, "the group in the inspector", |h| {
        h.query_by_label(&format!("{GROUP} on 127.0.0.1")).is_some()
    });
    let sender = new_socket(&mut h, Kind::Dgram);
    select_id(&mut h, sender);
    pick_in(&mut h, "send from", "lo 127.0.0.1");
    step_until(&mut h, "IP_MULTICAST_IF read back", |a| {
        a.state.sockets[&sender].snapshot.as_ref().is_some_and(|x| {
            x.options
                .iter()
                .any(|o| o.name == "IP_MULTICAST_IF" && o.value == Ok(0x7f00_0001))
        })
    });
    for &m in &members {
        let port = port_of(&h, m);
        act(
            &mut h,
            Action::Call {
                id: sender,
                op: Op::SendTo {
                    data: b"to the group".to_vec(),
                    flags: 0,
                    addr: AddrSpec::Inet {
                        host: GROUP.into(),
                        port,
                    },
                },
            },
        );
    }
    step_until(&mut h, "both members received", |a| {
        members
            .iter()
            .all(|m| a.state.sockets[m].traffic.totals.bytes_in == 12)
    });
    // Leaving takes the group off the inspector.
    select_id(&mut h, members[0]);
    click(&mut h, "leave");
    step_until(&mut h, "left", |a| {
        a.state.sockets[&members[0]]
            .snapshot
            .as_ref()
            .is_some_and(|x| x.groups.is_empty())
    });
    // Not a group: join waits, and says why.
    replace_text(&mut h, "group", "10.0.0.1");
    assert!(h.get_by_label("join").accesskit_node().is_disabled());
    step_until_drawn(&mut h, "why", |h| {
        h.query_by_label_contains("224.0.0.0 to 239.255.255.255")
            .is_some()
    });

    // Broadcast to loopback's broadcast address.
    let r = new_socket(&mut h, Kind::Dgram);
    select_id(&mut h, r);
    replace_text(&mut h, "bind host", "127.255.255.255");
    click(&mut h, "bind");
    step_until(&mut h, "bound", |a| {
        a.state.sockets[&r]
            .local()
            .and_then(|l| l.port())
            .is_some_and(|p| p != 0)
    });
    let port = port_of(&h, r);
    let u = new_socket(&mut h, Kind::Dgram);
    select_id(&mut h, u);
    let send = |h: &mut H| {
        act(
            h,
            Action::Call {
                id: u,
                op: Op::SendTo {
                    data: b"all".to_vec(),
                    flags: 0,
                    addr: AddrSpec::Inet {
                        host: "127.255.255.255".into(),
                        port,
                    },
                },
            },
        )
    };
    send(&mut h);
    step_until_drawn(&mut h, "refused, with SO_BROADCAST named", |h| {
        h.query_by_label_contains("set SO_BROADCAST to 1 on this socket first")
            .is_some()
    });
    act(
        &mut h,
        Action::SetOption {
            id: u,
            name: "SO_BROADCAST",
            value: 1,
        },
    );
    send(&mut h);
    step_until(&mut h, "the broadcast received", |a| {
        a.state.sockets[&r]
            .snapshot
            .as_ref()
            .is_some_and(|x| x.recv_queue == Some(3) || x.counters.bytes_in == 3)
    });
}
