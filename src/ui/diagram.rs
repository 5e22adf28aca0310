//! The sequence diagram as data: which sockets get a lane, a row per beat of theirs (time
//! going down), and the arrows between lanes — the bytes of each send to the recv they
//! begin to arrive in, the kernel's handshake at a connect, the end of a stream at a close.
//! Pure: tests read it without a window; the panel only draws it.

use std::collections::HashMap;

use crate::engine::{Direction, Endpoint, Kind, SocketId};
use crate::ui::state::UiState;
use crate::ui::story::{Beat, Story, What};

/// Lanes drawn at most.
pub const MAX_LANES: usize = 6;

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub lane: usize,
    pub seq: u64,
    pub at: std::time::Instant,
    /// What the row says on its lane ("send 5 B", "accept() → conn, (...)").
    pub text: String,
    pub failed: bool,
    /// The traffic row holding its bytes (send and recv rows).
    pub bytes: Option<u64>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArrowKind {
    /// Bytes of a send, to the recv they begin to arrive in.
    Data,
    /// connect(): the kernel's three-way handshake with the listener.
    Handshake,
    /// close() or shutdown(): the end of the stream reaching the peer (FIN).
    Fin,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    pub from: usize,
    pub to: usize,
    /// Rows they leave from and arrive at (the same for the handshake).
    pub from_row: usize,
    pub to_row: usize,
    pub label: String,
    pub kind: ArrowKind,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagram {
    pub lanes: Vec<SocketId>,
    pub rows: Vec<Row>,
    pub arrows: Vec<Arrow>,
}

/// The sockets a diagram of `selected` shows: it, the sockets it talks to in this window
/// (the other end of its connection, the listener that accepted either end, what its
/// datagrams came from or went to), oldest first; with nothing selected, the newest
/// sockets.
pub fn lanes(state: &UiState, selected: Option<SocketId>) -> Vec<SocketId> {
    let Some(id) = selected.filter(|id| state.sockets.contains_key(id)) else {
        let all: Vec<SocketId> = state.sockets.keys().copied().collect();
        return all[all.len().saturating_sub(MAX_LANES)..].to_vec();
    };
    let mut lanes = vec![id];
    let add = |x: SocketId, lanes: &mut Vec<SocketId>| {
        if lanes.len() < MAX_LANES && !lanes.contains(&x) {
            lanes.push(x);
        }
    };
    // Accepted connections of a listener, then each one's other end.
    let children: Vec<SocketId> = state
        .sockets
        .values()
        .filter(|s| s.info.parent == Some(id))
        .map(|s| s.info.id)
        .collect();
    for c in children {
        add(c, &mut lanes);
    }
    let mut i = 0;
    while i < lanes.len() {
        let x = lanes[i];
        for other in talks_to(state, x) {
            add(other, &mut lanes);
        }
        if let Some(parent) = state.sockets.get(&x).and_then(|s| s.info.parent) {
            add(parent, &mut lanes);
        }
        i += 1;
    }
    lanes.sort();
    lanes
}

/// The sockets of the window at the other end of `id`'s connection or datagrams.
fn talks_to(state: &UiState, id: SocketId) -> Vec<SocketId> {
    let Some(me) = state.sockets.get(&id) else {
        return Vec::new();
    };
    let addr = |s: &crate::ui::state::SockView| {
        s.snapshot
            .as_ref()
            .map(|n| (n.local.clone(), n.peer.clone()))
    };
    let Some((my_local, my_peer)) = addr(me) else {
        return Vec::new();
    };
    // The addresses its datagrams went to or came from.
    let met = state.story.peers(id);
    state
        .sockets
        .values()
        .filter(|s| s.info.id != id && s.info.kind == me.info.kind)
        .filter(|s| {
            let Some((local, peer)) = addr(s) else {
                return false;
            };
            let pair = local.is_some() && local == my_peer && peer.is_some() && peer == my_local;
            let datagrams = me.info.kind == Kind::Dgram
                && local
                    .as_ref()
                    .is_some_and(|l| met.contains(l) || my_peer.as_ref() == Some(l));
            pair || datagrams
        })
        .map(|s| s.info.id)
        .collect()
}

/// The diagram of these lanes from the story: rows in the order things happened.
pub fn build(state: &UiState, story: &Story, lanes: &[SocketId]) -> Diagram {
    let lane_of: HashMap<SocketId, usize> =
        lanes.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let name = |id: SocketId| {
        state
            .sockets
            .get(&id)
            .map_or_else(|| format!("#{}", id.0), |s| s.info.name.clone())
    };
    let local_of = |id: SocketId| {
        state
            .sockets
            .get(&id)
            .and_then(|s| s.snapshot.as_ref())
            .and_then(|n| n.local.clone())
    };
    let mut d = Diagram {
        lanes: lanes.to_vec(),
        ..Diagram::default()
    };
    // Each receiving lane's stream recvs by offset, and datagrams by sender, as they come.
    let mut streams: HashMap<SocketId, Vec<(u64, u64, usize)>> = HashMap::new();
    let mut datagrams: HashMap<(SocketId, Option<Endpoint>), Vec<usize>> = HashMap::new();
    let mut sends: Vec<(usize, &Beat)> = Vec::new();
    let mut ends: Vec<(usize, SocketId)> = Vec::new();
    let mut eofs: HashMap<SocketId, Vec<usize>> = HashMap::new();
    for beat in story.of(lanes) {
        let Some(&lane) = lane_of.get(&beat.id) else {
            continue;
        };
        let row = d.rows.len();
        let (text, failed, bytes) = match &beat.what {
            What::Made { parent: Some(p) } => (format!("accepted from {}", name(*p)), false, None),
            What::Made { parent: None } => ("socket()".to_string(), false, None),
            What::Call {
                op,
                result,
                failed,
                conn,
            } => {
                let result = &match conn {
                    Some(c) => format!("{}, {result}", name(*c)),
                    None => result.clone(),
                };
                if *op == "recv" || *op == "recvfrom" {
                    eofs.entry(beat.id).or_default().push(row);
                }
                if (*op == "close" || *op == "shutdown") && !failed {
                    ends.push((row, beat.id));
                }
                let text = if result.is_empty() {
                    format!("{op}()")
                } else if *failed {
                    format!("{op}() raised {result}")
                } else {
                    format!("{op}() → {result}")
                };
                (text, *failed, None)
            }
            What::Bytes {
                dir,
                len,
                offset,
                datagram,
                peer,
                row: traffic,
            } => {
                match dir {
                    Direction::Out => sends.push((row, beat)),
                    Direction::In if *datagram => datagrams
                        .entry((beat.id, peer.clone()))
                        .or_default()
                        .push(row),
                    Direction::In => {
                        streams.entry(beat.id).or_default().push((
                            *offset,
                            *offset + *len as u64,
                            row,
                        ));
                    }
                }
                let text = match dir {
                    Direction::Out => format!("send {}", size(*len)),
                    Direction::In => format!("recv → {}", size(*len)),
                };
                (text, false, Some(*traffic))
            }
            What::State { from, to, cause } => (
                format!("{} → {} ({cause})", from.name(), to.name()),
                false,
                None,
            ),
            What::Kernel { state: Some(s) } => (format!("kernel: {}", s.name()), false, None),
            What::Kernel { state: None } => {
                ("kernel: forgot the connection".to_string(), false, None)
            }
        };
        d.rows.push(Row {
            lane,
            seq: beat.seq,
            at: beat.at,
            text,
            failed,
            bytes,
        });
    }
    // Bytes: each send to the recv its first byte arrives in, on the lane it went to.
    let mut sent_to: HashMap<(SocketId, SocketId), usize> = HashMap::new();
    for (row, beat) in &sends {
        let What::Bytes {
            len,
            offset,
            datagram,
            peer,
            ..
        } = &beat.what
        else {
            continue;
        };
        let from = d.rows[*row].lane;
        let target = lanes.iter().enumerate().find_map(|(to, id)| {
            if *id == beat.id {
                return None;
            }
            let at = if *datagram {
                // The n-th datagram sent to its address is the n-th it got from ours.
                let theirs = local_of(*id)?;
                if peer.as_ref() != Some(&theirs) {
                    return None;
                }
                let rank = sent_to.entry((beat.id, *id)).or_insert(0);
                let got = datagrams
                    .get(&(*id, local_of(beat.id)))?
                    .get(*rank)
                    .copied();
                *rank += 1;
                got?
            } else {
                if *len == 0 || !talks(state, beat.id, *id) {
                    return None;
                }
                let recvs = streams.get(id)?;
                let i = recvs.partition_point(|(_, end, _)| *end <= *offset);
                let (start, _, r) = recvs.get(i)?;
                (*start <= *offset).then_some(*r)?
            };
            Some((to, at))
        });
        if let Some((to, to_row)) = target {
            d.arrows.push(Arrow {
                from,
                to,
                from_row: *row,
                to_row,
                label: size(*len),
                kind: ArrowKind::Data,
            });
        }
    }
    // The handshake: a connect that worked, to the listener its other end came from.
    for (row, r) in d.rows.iter().enumerate() {
        let id = lanes[r.lane];
        if r.failed || !(r.text.starts_with("connect()") || r.text == "connect_ex() → 0") {
            continue;
        }
        let listener = talks_to(state, id)
            .into_iter()
            .find_map(|peer| state.sockets.get(&peer).and_then(|s| s.info.parent));
        if let Some(to) = listener.and_then(|l| lane_of.get(&l)) {
            d.arrows.push(Arrow {
                from: r.lane,
                to: *to,
                from_row: row,
                to_row: row,
                label: "SYN, SYN-ACK, ACK (handshake by the kernels)".into(),
                kind: ArrowKind::Handshake,
            });
        }
    }
    // The end of a stream: a close or shutdown, to the other end's recv that got b''.
    for (row, id) in ends {
        let Some(other) = lanes.iter().find(|o| **o != id && talks(state, id, **o)) else {
            continue;
        };
        let eof = eofs.get(other).and_then(|rows| {
            rows.iter()
                .copied()
                .find(|r| *r > row && d.rows[*r].text.contains("b''"))
        });
        if let Some(to_row) = eof {
            d.arrows.push(Arrow {
                from: d.rows[row].lane,
                to: lane_of[other],
                from_row: row,
                to_row,
                label: "FIN".into(),
                kind: ArrowKind::Fin,
            });
        }
    }
    d
}

/// Whether `a` and `b` are the two ends of one connection (addresses crossed).
fn talks(state: &UiState, a: SocketId, b: SocketId) -> bool {
    talks_to(state, a).contains(&b)
}

fn size(n: usize) -> String {
    format!("{n} B")
}
