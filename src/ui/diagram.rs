//! The sequence diagram as data: which sockets get a lane, a row per beat of theirs (time
//! going down), and the arrows between lanes — the bytes of each send to the recv they
//! begin to arrive in, the kernel's handshake at a connect, the end of a stream at a close.
//! Pure: tests read it without a window; the panel only draws it.

use std::collections::HashMap;

use crate::engine::{Direction, Endpoint, Kind, SocketId};
use crate::t;
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
    pub text: Words,
    pub failed: bool,
    /// The traffic row holding its bytes (send and recv rows).
    pub bytes: Option<u64>,
}

/// What a row says. A flood's rows are many and few are in view: theirs are put into words
/// only when drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum Words {
    Text(String),
    Send(usize),
    Recv(usize),
    /// A captured segment: "[PSH, ACK] seq=1 ack=1 len=5".
    Segment {
        flags: u8,
        seq: u32,
        ack: u32,
        len: u32,
    },
}

impl Words {
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Words::Text(t) => t.as_str().into(),
            Words::Send(n) => format!("send {}", size(*n)).into(),
            Words::Recv(n) => format!("recv → {}", size(*n)).into(),
            Words::Segment {
                flags,
                seq,
                ack,
                len,
            } => {
                let names = crate::engine::capture::flag_names(*flags);
                let mut text = format!("[{names}] seq={seq}");
                if flags & crate::engine::capture::ACK != 0 {
                    text.push_str(&format!(" ack={ack}"));
                }
                if *len > 0 {
                    text.push_str(&format!(" len={len}"));
                }
                text.into()
            }
        }
    }

    pub fn starts_with(&self, prefix: &str) -> bool {
        self.text().starts_with(prefix)
    }
}

impl std::fmt::Display for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

impl PartialEq<&str> for Words {
    fn eq(&self, other: &&str) -> bool {
        self.text() == *other
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArrowKind {
    /// Bytes of a send, to the recv they begin to arrive in.
    Data,
    /// connect(): the kernel's three-way handshake with the listener.
    Handshake,
    /// close() or shutdown(): the end of the stream reaching the peer (FIN).
    Fin,
    /// A TCP segment captured on loopback, as it went.
    Segment,
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

/// Whether a socket's own address `local` is the address `seen` by its peer: the same, or,
/// for a socket bound to every address (0.0.0.0, ::), the same port (its peer sees
/// 127.0.0.1 or ::1; an IPv4 peer of a dual-stack socket, ::ffff:127.0.0.1).
pub fn meets(local: &Endpoint, seen: &Endpoint) -> bool {
    let ip_port = |e: &Endpoint| -> Option<(std::net::IpAddr, u16)> {
        match e {
            Endpoint::V4(a) => Some((std::net::IpAddr::V4(*a.ip()), a.port())),
            Endpoint::V6(a) => Some((
                a.ip()
                    .to_ipv4_mapped()
                    .map_or(std::net::IpAddr::V6(*a.ip()), std::net::IpAddr::V4),
                a.port(),
            )),
            _ => None,
        }
    };
    match (ip_port(local), ip_port(seen)) {
        (Some((la, lp)), Some((sa, sp))) => lp == sp && (la == sa || la.is_unspecified()),
        _ => local == seen,
    }
}

/// The stream socket of the window at the other end of `id`'s connection, if any (the
/// pairing the diagram draws its arrows by: a wildcard address meets the one it took).
pub fn connected_peer(state: &UiState, id: SocketId) -> Option<SocketId> {
    let me = state.sockets.get(&id)?;
    (me.info.kind == Kind::Stream).then_some(())?;
    talks_to(state, id).into_iter().next()
}

/// The sockets of the window at the other end of `id`'s connection or datagrams.
fn talks_to(state: &UiState, id: SocketId) -> Vec<SocketId> {
    let Some(me) = state.sockets.get(&id) else {
        return Vec::new();
    };
    // A connection that was reset has no peer in the kernel any more: the one it had.
    // (Borrowed, not cloned: a frame asks this of every socket, a thousand of them.)
    fn addr(s: &crate::ui::state::SockView) -> Option<(Option<&Endpoint>, Option<&Endpoint>)> {
        s.snapshot
            .as_ref()
            .map(|n| (n.local.as_ref(), n.peer.as_ref().or(s.last_peer.as_ref())))
    }
    let Some((my_local, my_peer)) = addr(me) else {
        return Vec::new();
    };
    // The addresses its datagrams went to or came from.
    let met = state.story.peers(id);
    let both =
        |a: Option<&Endpoint>, b: Option<&Endpoint>| a.zip(b).is_some_and(|(a, b)| meets(a, b));
    state
        .sockets
        .values()
        .filter(|s| s.info.id != id && s.info.kind == me.info.kind)
        .filter(|s| {
            let Some((local, peer)) = addr(s) else {
                return false;
            };
            let pair = both(local, my_peer) && both(my_local, peer);
            let datagrams = me.info.kind == Kind::Dgram
                && local.is_some_and(|l| {
                    met.iter().any(|m| meets(l, m)) || my_peer.is_some_and(|p| meets(l, p))
                });
            pair || datagrams
        })
        .map(|s| s.info.id)
        .collect()
}

/// The diagram of these lanes from the story: rows in the order things happened.
pub fn build(state: &UiState, story: &Story, lanes: &[SocketId]) -> Diagram {
    let mut d = Diagram::default();
    build_into(state, story, lanes, &mut d);
    d
}

/// build() into a diagram built before, whose rows' room is used again (under a flood it
/// is built ten times a second, 20,000 rows each: fresh room each time is a megabyte and
/// more of page faults, and its freeing).
pub fn build_into(state: &UiState, story: &Story, lanes: &[SocketId], d: &mut Diagram) {
    // A handful of lanes: found by a look along them, not a hash per beat.
    let lane_at = |id: SocketId| lanes.iter().position(|l| *l == id);
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
    d.lanes.clear();
    d.lanes.extend_from_slice(lanes);
    d.rows.clear();
    d.arrows.clear();
    // Each receiving lane's stream recvs by offset, and datagrams by sender, as they come.
    let mut streams: Vec<Vec<(u64, u64, usize)>> = vec![Vec::new(); lanes.len()];
    let mut datagrams: Vec<Vec<(Option<Endpoint>, usize)>> = vec![Vec::new(); lanes.len()];
    let mut sends: Vec<(usize, &Beat)> = Vec::new();
    let mut ends: Vec<(usize, SocketId)> = Vec::new();
    let mut eofs: Vec<Vec<usize>> = vec![Vec::new(); lanes.len()];
    let mut segments: Vec<(usize, usize, usize, u8)> = Vec::new();
    d.rows.reserve(story.beats().len());
    for beat in story.of(lanes) {
        let Some(lane) = lane_at(beat.id) else {
            continue;
        };
        let row = d.rows.len();
        let (text, failed, bytes) = match &beat.what {
            What::Made { parent: Some(p) } => (
                Words::Text(t!("diagram-accepted-from", name = name(*p))),
                false,
                None,
            ),
            What::Made { parent: None } => (Words::Text("socket()".to_string()), false, None),
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
                    eofs[lane].push(row);
                }
                if (*op == "close" || *op == "shutdown") && !failed {
                    ends.push((row, beat.id));
                }
                let text = if result.is_empty() {
                    format!("{op}()")
                } else if *failed {
                    t!("diagram-call-raised", op = *op, result = result)
                } else {
                    format!("{op}() → {result}")
                };
                (Words::Text(text), *failed, None)
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
                    Direction::In if *datagram => datagrams[lane].push((peer.clone(), row)),
                    Direction::In => {
                        streams[lane].push((*offset, *offset + *len as u64, row));
                    }
                }
                let words = match dir {
                    Direction::Out => Words::Send(*len),
                    Direction::In => Words::Recv(*len),
                };
                (words, false, Some(*traffic))
            }
            What::State { from, to, cause } => (
                Words::Text(format!(
                    "{} → {} ({})",
                    crate::ui::explain::state_word(*from),
                    crate::ui::explain::state_word(*to),
                    crate::ui::explain::cause(*cause)
                )),
                false,
                None,
            ),
            What::Segment {
                to,
                flags,
                seq,
                ack,
                len,
            } => {
                if let Some(to) = to.and_then(lane_at) {
                    segments.push((d.rows.len(), lane, to, *flags));
                }
                let words = Words::Segment {
                    flags: *flags,
                    seq: *seq,
                    ack: *ack,
                    len: *len,
                };
                (words, false, None)
            }
            What::Kernel { state: Some(s) } => (
                Words::Text(t!("diagram-kernel-state", state = s.name())),
                false,
                None,
            ),
            What::Kernel { state: None } => (Words::Text(t!("diagram-kernel-forgot")), false, None),
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
    // Which lanes are the two ends of one connection (worked out once, not per send).
    let pairs: std::collections::HashSet<(SocketId, SocketId)> = lanes
        .iter()
        .flat_map(|a| {
            talks_to(state, *a)
                .into_iter()
                .filter(|b| lanes.contains(b))
                .map(move |b| (*a, b))
        })
        .collect();
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
                if !peer.as_ref().is_some_and(|p| meets(&theirs, p)) {
                    return None;
                }
                let ours = local_of(beat.id)?;
                let rank = sent_to.entry((beat.id, *id)).or_insert(0);
                let got = datagrams[to]
                    .iter()
                    .filter(|(from, _)| from.as_ref().is_some_and(|f| meets(&ours, f)))
                    .nth(*rank)
                    .map(|(_, r)| *r);
                *rank += 1;
                got?
            } else {
                if *len == 0 || !pairs.contains(&(beat.id, *id)) {
                    return None;
                }
                let recvs = &streams[to];
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
    // Captured segments: each from its sender's lane to its receiver's, as it went.
    for (row, from, to, flags) in segments {
        d.arrows.push(Arrow {
            from,
            to,
            from_row: row,
            to_row: row,
            label: crate::engine::capture::flag_names(flags),
            kind: ArrowKind::Segment,
        });
    }
    // Guessed from the calls only when nothing was captured: the handshake at a connect
    // that worked, to the listener its other end came from...
    let guess = !story.captured;
    for (row, r) in d.rows.iter().enumerate().filter(|_| guess) {
        let id = lanes[r.lane];
        if r.failed || !(r.text.starts_with("connect()") || r.text == "connect_ex() → 0") {
            continue;
        }
        let listener = talks_to(state, id)
            .into_iter()
            .find_map(|peer| state.sockets.get(&peer).and_then(|s| s.info.parent));
        if let Some(to) = listener.and_then(lane_at) {
            d.arrows.push(Arrow {
                from: r.lane,
                to,
                from_row: row,
                to_row: row,
                label: t!("diagram-handshake"),
                kind: ArrowKind::Handshake,
            });
        }
    }
    // ...and the end of a stream: a close or shutdown, to the other end's recv that got b''.
    for (row, id) in ends.into_iter().filter(|_| guess) {
        let Some(other) = lanes.iter().position(|o| pairs.contains(&(id, *o))) else {
            continue;
        };
        let eof = eofs[other]
            .iter()
            .copied()
            .find(|r| *r > row && d.rows[*r].text.text().contains("b''"));
        if let Some(to_row) = eof {
            d.arrows.push(Arrow {
                from: d.rows[row].lane,
                to: other,
                from_row: row,
                to_row,
                label: "FIN".into(),
                kind: ArrowKind::Fin,
            });
        }
    }
}

fn size(n: usize) -> String {
    format!("{n} B")
}

/// One side of a stream's boundary view: a send or recv call, the segments its bytes span.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The call's number on its side (1: the first kept).
    pub n: usize,
    pub len: usize,
    /// Where its bytes begin in the stream.
    pub offset: u64,
    /// The segments it covers (first, last), indices into Boundaries::cuts' gaps.
    pub span: (usize, usize),
    /// The traffic row holding its bytes.
    pub row: u64,
}

/// The boundary view of one direction of a connection: every place a send or a recv began
/// or ended is a cut across the stream; each call spans the gaps between its cuts, so a
/// recv over three sends (粘包), or one send read in two recvs, is plain.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Boundaries {
    /// Stream offsets where a call begins or ends, ascending.
    pub cuts: Vec<u64>,
    pub sends: Vec<Block>,
    pub recvs: Vec<Block>,
}

/// Calls of each side shown at most (the newest).
pub const MAX_BLOCKS: usize = 500;

/// The boundaries of the bytes `from` sent to `to` over their connection (streams).
pub fn boundaries(story: &Story, from: SocketId, to: SocketId) -> Boundaries {
    let side = |id: SocketId, dir: Direction| -> Vec<(u64, usize, u64)> {
        let all: Vec<(u64, usize, u64)> = story
            .beats()
            .filter(|b| b.id == id)
            .filter_map(|b| match &b.what {
                What::Bytes {
                    dir: d,
                    len,
                    offset,
                    datagram: false,
                    row,
                    ..
                } if *d == dir && *len > 0 => Some((*offset, *len, *row)),
                _ => None,
            })
            .collect();
        all[all.len().saturating_sub(MAX_BLOCKS)..].to_vec()
    };
    let sent = side(from, Direction::Out);
    let got = side(to, Direction::In);
    // From where both sides have their calls: older ones may have gone from the story.
    let start = match (sent.first(), got.first()) {
        (Some(a), Some(b)) => a.0.max(b.0),
        _ => return Boundaries::default(),
    };
    let sent: Vec<_> = sent
        .into_iter()
        .filter(|(o, l, _)| o + *l as u64 > start)
        .collect();
    let got: Vec<_> = got
        .into_iter()
        .filter(|(o, l, _)| o + *l as u64 > start)
        .collect();
    let mut cuts: Vec<u64> = sent
        .iter()
        .chain(&got)
        .flat_map(|(o, l, _)| [(*o).max(start), o + *l as u64])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let blocks = |calls: Vec<(u64, usize, u64)>| -> Vec<Block> {
        calls
            .into_iter()
            .enumerate()
            .map(|(i, (offset, len, row))| {
                let begin = offset.max(start);
                let end = offset + len as u64;
                let first = cuts.partition_point(|c| *c < begin);
                let last = cuts.partition_point(|c| *c < end).saturating_sub(1);
                Block {
                    n: i + 1,
                    len,
                    offset,
                    span: (first, last.max(first)),
                    row,
                }
            })
            .collect()
    };
    Boundaries {
        sends: blocks(sent),
        recvs: blocks(got),
        cuts,
    }
}

/// A stretch of a socket's life in one state, on the diagram's axis of events: it began at
/// event `from` and lasted until event `to` (None: still, now).
#[derive(Clone, Debug, PartialEq)]
pub struct Stretch {
    pub from: usize,
    pub to: Option<usize>,
    pub state: StretchState,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StretchState {
    /// The window's state of the socket (created, listening, connected...).
    Socket(crate::engine::SockState),
    /// The kernel's TCP state on the way out (FIN_WAIT1 ... TIME_WAIT); None: forgotten.
    Kernel(Option<crate::engine::inspect::TcpState>),
}

/// One socket's track in the state timeline: its states, and the calls that moved it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Track {
    pub id: Option<SocketId>,
    pub socket: Vec<Stretch>,
    pub kernel: Vec<Stretch>,
    /// Calls on the axis: (event, what).
    pub calls: Vec<(usize, String)>,
}

/// The state timeline of these sockets: the axis is the events of all of them in order
/// (a column each), so calls milliseconds apart and a TIME_WAIT of a minute both read.
pub fn timeline(story: &Story, lanes: &[SocketId]) -> (Vec<std::time::Instant>, Vec<Track>) {
    let mut axis = Vec::new();
    let mut tracks: Vec<Track> = lanes
        .iter()
        .map(|id| Track {
            id: Some(*id),
            ..Track::default()
        })
        .collect();
    for beat in story.of(lanes) {
        let k = axis.len();
        axis.push(beat.at);
        let Some(t) = lanes.iter().position(|l| *l == beat.id) else {
            continue;
        };
        let track = &mut tracks[t];
        let begin = |list: &mut Vec<Stretch>, state: StretchState| {
            if let Some(last) = list.last_mut() {
                last.to.get_or_insert(k);
            }
            list.push(Stretch {
                from: k,
                to: None,
                state,
            });
        };
        match &beat.what {
            What::Made { parent } => {
                let st = if parent.is_some() {
                    crate::engine::SockState::Connected
                } else {
                    crate::engine::SockState::Created
                };
                begin(&mut track.socket, StretchState::Socket(st));
            }
            What::State { to, .. } => begin(&mut track.socket, StretchState::Socket(*to)),
            What::Kernel { state } => begin(&mut track.kernel, StretchState::Kernel(*state)),
            What::Call {
                op, failed: false, ..
            } => track.calls.push((k, format!("{op}()"))),
            What::Call { op, .. } => track.calls.push((k, t!("diagram-call-failed", op = *op))),
            What::Bytes { .. } | What::Segment { .. } => {}
        }
    }
    // A connection the kernel forgot has no more state to show.
    for t in &mut tracks {
        if let Some(last) = t.kernel.last_mut() {
            if last.state == StretchState::Kernel(None) {
                last.to.get_or_insert(last.from + 1);
            }
        }
    }
    (axis, tracks)
}
