//! The sequence diagram as data: which sockets get a lane, a row per beat of theirs (time
//! going down), and the arrows between lanes — the bytes of each send to the recv they
//! begin to arrive in, the kernel's handshake at a connect, the end of a stream at a close.
//! Pure: tests read it without a window; the panel only draws it.

use std::collections::{HashMap, VecDeque};

use crate::engine::{Direction, Endpoint, Family, Kind, SocketId};
use crate::t;
use crate::ui::state::UiState;
use crate::ui::story::{Beat, Empty, Story, What};

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
    /// A send's bytes: the call as Python names it (send, sendall, sendto); a datagram's
    /// destination.
    Send {
        call: &'static str,
        len: usize,
        to: Option<Endpoint>,
    },
    /// A recv's bytes (recv, recvfrom); `cut`: a datagram's bytes past the buffer, lost;
    /// a datagram's sender (each one carries its own: no connection says it).
    Recv {
        call: &'static str,
        len: usize,
        cut: usize,
        from: Option<Endpoint>,
    },
    /// A captured segment: "[PSH, ACK] seq=1 ack=1 len=5".
    Segment {
        flags: u8,
        seq: u32,
        ack: u32,
        len: u32,
        /// The same SYN (or SYN, ACK) as one before it from this side: sent again, no
        /// answer having come (a full accept queue drops a client's SYNs).
        again: bool,
        /// The other end where no arrow goes to it (outside the window, or not a lane
        /// here), and whether the segment came from it.
        other: Option<(Endpoint, bool)>,
    },
}

impl Words {
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Words::Text(t) => t.as_str().into(),
            Words::Send { call, len, to } => {
                let mut text = format!("{call} {}", size(*len));
                if let Some(p) = to {
                    text.push_str(&crate::t!("diagram-datagram-to", peer = p.to_string()));
                }
                text.into()
            }
            Words::Recv {
                call,
                len,
                cut,
                from,
            } => {
                let mut text = format!("{call} → {}", size(*len));
                if let Some(p) = from {
                    text.push_str(&crate::t!("diagram-datagram-from", peer = p.to_string()));
                }
                if *cut > 0 {
                    text.push(' ');
                    text.push_str(&crate::t!("diagram-recv-cut", cut = size(*cut)));
                }
                text.into()
            }
            Words::Segment {
                flags,
                seq,
                ack,
                len,
                again,
                other,
            } => {
                let names = crate::engine::capture::flag_names(*flags);
                let mut text = format!("[{names}]");
                if *again {
                    text.push(' ');
                    text.push_str(&crate::t!("diagram-sent-again"));
                }
                // The one a learner does not expect: said, not only hinted on hover, and
                // before the numbers (a narrow lane cuts the row's end).
                if flags & crate::engine::capture::RST != 0 {
                    text.push(' ');
                    text.push_str(&crate::t!("diagram-rst-said"));
                }
                text.push_str(&format!(" seq={seq}"));
                if flags & crate::engine::capture::ACK != 0 {
                    text.push_str(&format!(" ack={ack}"));
                }
                if *len > 0 {
                    text.push_str(&format!(" len={len}"));
                }
                // Which connection it is, when no arrow says (a listener's clients from
                // outside the window each begin at seq=0).
                match other {
                    Some((peer, true)) => {
                        text.push_str(&crate::t!("diagram-datagram-from", peer = peer.to_string()))
                    }
                    Some((peer, false)) => {
                        text.push_str(&crate::t!("diagram-datagram-to", peer = peer.to_string()))
                    }
                    None => {}
                }
                text.into()
            }
        }
    }

    /// What the row means, shown on hover: what a segment is for and what makes it, and
    /// what a reset did to the call that raised it.
    pub fn tip(&self, failed: bool) -> Option<String> {
        use crate::engine::capture::{FIN, RST, SYN};
        match self {
            Words::Segment {
                flags, again: true, ..
            } if flags & SYN != 0 && flags & crate::engine::capture::ACK == 0 => {
                let syn = crate::engine::inspect::SynRetries::of_kernel();
                Some(crate::t!(
                    "diagram-tip-syn-again",
                    gaps = crate::ui::explain::syn_gaps(),
                    give_up = syn.give_up_secs()
                ))
            }
            Words::Segment { again: true, .. } => Some(crate::t!("diagram-tip-again")),
            Words::Segment { flags, len, .. } => Some(if flags & RST != 0 {
                crate::t!("diagram-tip-rst")
            } else if flags & SYN != 0 && flags & crate::engine::capture::ACK != 0 {
                crate::t!("diagram-tip-syn-ack")
            } else if flags & SYN != 0 {
                crate::t!("diagram-tip-syn")
            } else if flags & FIN != 0 {
                crate::t!("diagram-tip-fin")
            } else if *len > 0 {
                crate::t!("diagram-tip-data", len = *len)
            } else {
                crate::t!("diagram-tip-ack")
            }),
            Words::Recv { cut, .. } if *cut > 0 => {
                Some(crate::t!("diagram-tip-cut", cut = size(*cut)))
            }
            Words::Text(t) if failed && t.contains("ConnectionResetError") => {
                Some(crate::t!("diagram-tip-reset-raised"))
            }
            _ => None,
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

#[derive(Clone, Debug, Default)]
pub struct Diagram {
    pub lanes: Vec<SocketId>,
    pub rows: VecDeque<Row>,
    pub arrows: Vec<Arrow>,
    /// What the rows hold for the arrows, for extend().
    found: Found,
    /// Some arrows are guessed from the calls (a handshake, a FIN), not captured.
    pub guessed: bool,
}

/// Two diagrams are equal when they draw the same (however they were built).
impl PartialEq for Diagram {
    fn eq(&self, other: &Diagram) -> bool {
        (&self.lanes, &self.rows, &self.arrows) == (&other.lanes, &other.rows, &other.arrows)
    }
}

/// What `lanes` and `talks_to` worked out, kept while no socket, address, close or
/// datagram peer changed (UiState::ends_version, Story::peers_version): with a thousand
/// sockets each is a pass over all of them, and the diagrams ask every frame.
#[derive(Default)]
pub(crate) struct TalksCache {
    at: Option<(u64, u64)>,
    talks: HashMap<SocketId, Vec<SocketId>>,
    lanes: HashMap<Option<SocketId>, Vec<SocketId>>,
}

impl TalksCache {
    /// Itself, emptied first if it was worked out from other sockets than now.
    fn now(&mut self, state: &UiState) -> &mut TalksCache {
        let at = Some((state.ends_version, state.story.peers_version()));
        if self.at != at {
            self.talks.clear();
            self.lanes.clear();
            self.at = at;
        }
        self
    }
}

/// The sockets a diagram of `selected` shows: it, the sockets it talks to in this window
/// (the other end of its connection, the listener that accepted either end, what its own
/// datagrams came from or went to), oldest first; with nothing selected, the newest
/// sockets.
pub fn lanes(state: &UiState, selected: Option<SocketId>) -> Vec<SocketId> {
    if let Some(l) = state
        .talks_cache
        .borrow_mut()
        .now(state)
        .lanes
        .get(&selected)
    {
        return l.clone();
    }
    let l = lanes_now(state, selected);
    let mut cache = state.talks_cache.borrow_mut();
    cache.now(state).lanes.insert(selected, l.clone());
    l
}

fn lanes_now(state: &UiState, selected: Option<SocketId>) -> Vec<SocketId> {
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
    let children: Vec<SocketId> = state.children(id).map(|s| s.info.id).collect();
    for c in children {
        add(c, &mut lanes);
    }
    // And the window's clients waiting in its accept queue, as the kernel lists it, or
    // connecting to it still (its SYNs dropped): they have no connection of its yet.
    let listening = state
        .sockets
        .get(&id)
        .filter(|s| s.info.kind == Kind::Stream && s.state() == crate::engine::SockState::Listening)
        .and_then(|s| s.local().zip(s.snapshot.as_ref()));
    let waiting: Vec<SocketId> = match listening {
        Some((local, snap)) => state
            .sockets
            .values()
            .filter(|s| {
                let queued = || {
                    s.local()
                        .is_some_and(|a| snap.accept_queue.iter().any(|q| meets(a, q)))
                };
                let knocking = || {
                    s.state() == crate::engine::SockState::Connecting
                        && s.connecting_to().is_some_and(|to| meets(local, to))
                };
                s.info.id != id
                    && !s.closed
                    && s.info.kind == Kind::Stream
                    && s.info.parent.is_none()
                    && (queued() || knocking())
            })
            .map(|s| s.info.id)
            .collect(),
        None => Vec::new(),
    };
    for c in waiting {
        add(c, &mut lanes);
    }
    let mut i = 0;
    while i < lanes.len() {
        let x = lanes[i];
        // Datagrams only from the selected socket: a UDP server's other clients (an
        // earlier run's, closed) never talked to the selected client, and would crowd it
        // out of its own diagram.
        let datagrams = state
            .sockets
            .get(&x)
            .is_some_and(|s| s.info.kind == Kind::Dgram);
        let others = if datagrams && x != id {
            Vec::new()
        } else {
            talks_to(state, x)
        };
        // A client still in a listener's accept queue (or whose SYNs it drops) has no
        // other end in the window yet: the listener it reached is its lane's partner.
        if others.is_empty() {
            if let Some(l) = queued_at(state, x) {
                add(l, &mut lanes);
            }
        }
        for other in others {
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

/// The window's listener at the address a stream socket connects or connected to, when no
/// socket of the window is that connection's other end (a connect still waiting, its SYNs
/// dropped by a full queue, included: the kernel has no peer for it yet, but its target).
fn queued_at(state: &UiState, id: SocketId) -> Option<SocketId> {
    let me = state.sockets.get(&id)?;
    (me.info.kind == Kind::Stream).then_some(())?;
    let listener = || {
        let peer = me.last_peer().or(me.connecting_to())?;
        state
            .sockets
            .values()
            .find(|s| {
                s.info.id != id
                    && !s.closed
                    && s.info.kind == Kind::Stream
                    && s.state() == crate::engine::SockState::Listening
                    && s.local().is_some_and(|l| meets(l, peer))
            })
            .map(|s| s.info.id)
    };
    // Or the socket of the window, only bound, that refused its connect (the reset came
    // from its port; the engine named it in the error).
    let refuser = || match me.last_error.as_ref()?.error.holder.as_deref()? {
        crate::engine::errors::Holder::BoundOnly {
            owner: crate::engine::errors::Owner::Ours { id: by, .. },
        } => state.sockets.contains_key(by).then_some(*by),
        _ => None,
    };
    listener().or_else(refuser)
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
pub(crate) fn talks_to(state: &UiState, id: SocketId) -> Vec<SocketId> {
    if let Some(t) = state.talks_cache.borrow_mut().now(state).talks.get(&id) {
        return t.clone();
    }
    let t = talks_to_now(state, id);
    let mut cache = state.talks_cache.borrow_mut();
    cache.now(state).talks.insert(id, t.clone());
    t
}

fn talks_to_now(state: &UiState, id: SocketId) -> Vec<SocketId> {
    let Some(me) = state.sockets.get(&id) else {
        return Vec::new();
    };
    // A connection that was reset has no peer in the kernel any more: the one it had.
    // (Borrowed, not cloned: a frame asks this of every socket, a thousand of them.)
    fn addr(s: &crate::ui::state::SockView) -> Option<(Option<&Endpoint>, Option<&Endpoint>)> {
        s.snapshot
            .as_ref()
            .map(|n| (n.local.as_ref(), s.last_peer()))
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

/// A call that blocked, where it began: "recvfrom() blocks: waited 11.9 s".
fn waited_words(op: &str, waited: std::time::Duration) -> String {
    t!(
        "diagram-waited",
        op = op,
        secs = format!("{:.1}", waited.as_secs_f64())
    )
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
    d.lanes.clear();
    d.lanes.extend_from_slice(lanes);
    d.rows.clear();
    d.rows.reserve(story.beats().len());
    d.found.clear(lanes.len());
    add_rows(state, lanes, story.of(lanes), d);
    d.found.version = Some(story.version());
    add_arrows(state, story, lanes, d);
}

/// The same as build_into(), for a diagram last built by either from this story with the
/// same lanes, names, addresses and language (only beats were told since, or went for
/// room): the rows of the beats it has are kept, and only those from the first beat told
/// since on are made. Under a flood that is the last few hundred of 20,000 (a captured
/// segment arrives a little late and goes among the last rows). The arrows are worked out
/// again from what the rows found. False when it was built afresh after all (the story
/// was cleared, or turned over since).
pub fn extend(state: &UiState, story: &Story, lanes: &[SocketId], d: &mut Diagram) -> bool {
    let Some(built) = d.found.version.filter(|_| d.lanes == lanes) else {
        build_into(state, story, lanes, d);
        return false;
    };
    let next = story.version();
    if next == built {
        return true;
    }
    // The beats told since have numbers from `built` on; going back from the last beat,
    // the first of them is where new rows begin. (Fewer than were told: some went for
    // room, or the story was cleared, which counts too: built afresh.)
    let told = next.saturating_sub(built);
    let (mut seen, mut old_after, mut from) = (0u64, 0usize, story.beats().len());
    for (i, b) in story.beats().enumerate().rev() {
        if seen == told {
            break;
        }
        if b.seq >= built {
            seen += 1;
        } else if lanes.contains(&b.id) {
            old_after += 1;
        }
        from = i;
    }
    if seen < told || old_after > d.rows.len() {
        build_into(state, story, lanes, d);
        return false;
    }
    // The rows are: those of beats that went for room, those kept as they are, then those
    // of old beats after `from`, made again with the new ones among them.
    let keep_end = d.rows.len() - old_after;
    let first = story.beats().take(from).find(|b| lanes.contains(&b.id));
    let gone = match first {
        Some(b) => d.rows.range(..keep_end).position(|r| r.seq == b.seq),
        None => Some(keep_end),
    };
    let Some(gone) = gone else {
        build_into(state, story, lanes, d);
        return false;
    };
    // The last row kept is that of the last beat of these lanes before `from`.
    let last = story
        .beats()
        .take(from)
        .rev()
        .find(|b| lanes.contains(&b.id))
        .map(|b| b.seq);
    if last != d.rows.range(gone..keep_end).next_back().map(|r| r.seq) {
        build_into(state, story, lanes, d);
        return false;
    }
    d.rows.truncate(keep_end);
    d.found.forget_from(keep_end);
    d.rows.drain(..gone);
    d.found.forget_before(gone);
    add_rows(
        state,
        lanes,
        story.beats().skip(from).filter(|b| lanes.contains(&b.id)),
        d,
    );
    d.found.version = Some(next);
    add_arrows(state, story, lanes, d);
    true
}

/// What the rows of a diagram hold for its arrows, by row (`base` plus the index into
/// Diagram::rows, ascending in each list): kept with it, so extend() makes only the rows
/// of new beats, and forgets those of beats gone for room from the front, without moving
/// the others.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Found {
    /// The story's version the diagram was built from (None: not built).
    version: Option<u64>,
    /// Rows forgotten from the front since the diagram was built afresh.
    base: usize,
    /// Each receiving lane's stream recvs (start, end, row), and datagrams by sender.
    streams: Vec<VecDeque<(u64, u64, usize)>>,
    datagrams: Vec<VecDeque<(Option<Endpoint>, usize)>>,
    sends: VecDeque<Sent>,
    /// Closes and shutdowns that worked: (row, socket).
    ends: VecDeque<(usize, SocketId)>,
    /// Each lane's receive calls that got the end of the stream.
    eofs: Vec<VecDeque<usize>>,
    /// Each lane's moves to half-closed because the peer closed its side: where its FIN
    /// arrived, as the kernel told (before a recv read the end, or as it did).
    peer_closed: Vec<VecDeque<usize>>,
    /// Each lane's TIME_WAIT rows: a side that closed first gets the other's FIN there.
    time_waits: Vec<VecDeque<usize>>,
    /// Captured segments: (row, from lane, to lane, flags).
    segments: VecDeque<(usize, usize, usize, u8)>,
    /// connect() calls that worked.
    connects: VecDeque<usize>,
    /// Each lane's moves to connected: where its handshake completed (a connect whose SYNs
    /// a full accept queue dropped ends long after its call began).
    connected: Vec<VecDeque<usize>>,
}

/// A send's bytes, for the arrow to the recv they arrive in.
#[derive(Clone, Debug, PartialEq)]
struct Sent {
    row: usize,
    id: SocketId,
    len: usize,
    offset: u64,
    datagram: bool,
    peer: Option<Endpoint>,
}

/// `$do(list, its entries' row, $arg)` for each of the found lists.
macro_rules! each_list {
    ($f:expr, $do:ident, $arg:expr) => {
        for v in &mut $f.streams {
            $do(v, |x| x.2, $arg);
        }
        for v in &mut $f.datagrams {
            $do(v, |x| x.1, $arg);
        }
        for v in &mut $f.eofs {
            $do(v, |x| *x, $arg);
        }
        for v in &mut $f.peer_closed {
            $do(v, |x| *x, $arg);
        }
        for v in &mut $f.time_waits {
            $do(v, |x| *x, $arg);
        }
        for v in &mut $f.connected {
            $do(v, |x| *x, $arg);
        }
        $do(&mut $f.sends, |x| x.row, $arg);
        $do(&mut $f.ends, |x| x.0, $arg);
        $do(&mut $f.segments, |x| x.0, $arg);
        $do(&mut $f.connects, |x| *x, $arg);
    };
}

impl Found {
    fn clear(&mut self, lanes: usize) {
        *self = Found {
            streams: vec![VecDeque::new(); lanes],
            datagrams: vec![VecDeque::new(); lanes],
            eofs: vec![VecDeque::new(); lanes],
            peer_closed: vec![VecDeque::new(); lanes],
            time_waits: vec![VecDeque::new(); lanes],
            connected: vec![VecDeque::new(); lanes],
            ..Found::default()
        };
    }

    /// The index in Diagram::rows of a row as the lists keep it.
    fn at(&self, row: usize) -> usize {
        row - self.base
    }

    /// The row of index `i` in Diagram::rows, as the lists keep it.
    fn row(&self, i: usize) -> usize {
        self.base + i
    }

    /// Forgets the rows from index `end` on.
    fn forget_from(&mut self, end: usize) {
        fn cut<T>(v: &mut VecDeque<T>, row: impl Fn(&T) -> usize, end: usize) {
            let at = v.partition_point(|x| row(x) < end);
            v.truncate(at);
        }
        let end = self.row(end);
        each_list!(self, cut, end);
    }

    /// Forgets the first `n` rows (the others' indices go down by as many).
    fn forget_before(&mut self, n: usize) {
        fn drop_before<T>(v: &mut VecDeque<T>, row: impl Fn(&T) -> usize, base: usize) {
            while v.front().is_some_and(|x| row(x) < base) {
                v.pop_front();
            }
        }
        self.base += n;
        let base = self.base;
        each_list!(self, drop_before, base);
    }

    /// The same lists, each row as an index into Diagram::rows (for tests to compare an
    /// extended diagram's with a fresh one's).
    #[cfg(test)]
    fn as_indices(&self) -> Found {
        fn shift<T>(v: &mut VecDeque<T>, row: impl Fn(&mut T) -> &mut usize, base: usize) {
            for x in v {
                *row(x) -= base;
            }
        }
        let mut f = self.clone();
        let base = std::mem::take(&mut f.base);
        for v in &mut f.streams {
            shift(v, |x| &mut x.2, base);
        }
        for v in &mut f.datagrams {
            shift(v, |x| &mut x.1, base);
        }
        for v in &mut f.eofs {
            shift(v, |x| x, base);
        }
        for v in f
            .time_waits
            .iter_mut()
            .chain(&mut f.peer_closed)
            .chain(&mut f.connected)
        {
            shift(v, |x| x, base);
        }
        shift(&mut f.sends, |x| &mut x.row, base);
        shift(&mut f.ends, |x| &mut x.0, base);
        shift(&mut f.segments, |x| &mut x.0, base);
        shift(&mut f.connects, |x| x, base);
        f
    }
}

/// A row for each of these beats (of the diagram's lanes), after those the diagram has.
fn add_rows<'a>(
    state: &UiState,
    lanes: &[SocketId],
    beats: impl Iterator<Item = &'a Beat>,
    d: &mut Diagram,
) {
    // A handful of lanes: found by a look along them, not a hash per beat.
    let lane_at = |id: SocketId| lanes.iter().position(|l| *l == id);
    let name = |id: SocketId| {
        state
            .sockets
            .get(&id)
            .map_or_else(|| format!("#{}", id.0), |s| s.info.name.clone())
    };
    let f = &mut d.found;
    for beat in beats {
        let Some(lane) = lane_at(beat.id) else {
            continue;
        };
        let row = f.row(d.rows.len());
        let (text, failed, bytes) = match &beat.what {
            What::Made { parent: Some(p) } => (
                Words::Text(t!("diagram-accepted-from", name = name(*p))),
                false,
                None,
            ),
            What::Made { parent: None } => (Words::Text("socket()".to_string()), false, None),
            What::Waited { op, waited } => (Words::Text(waited_words(op, *waited)), false, None),
            What::Call {
                op,
                args,
                result,
                failed,
                conn,
                empty,
            } => {
                let result = &match (conn, empty) {
                    (Some(c), _) => format!("{}, {result}", name(*c)),
                    (None, Some(Empty::StreamEnded)) => {
                        format!("{result} {}", t!("state-peer-ended"))
                    }
                    (None, Some(Empty::ShutRead)) => {
                        format!("{result} {}", t!("state-own-shut-read"))
                    }
                    (None, Some(Empty::Datagram)) => {
                        format!("{result} {}", t!("state-empty-datagram"))
                    }
                    (None, Some(Empty::NothingAsked)) => {
                        format!("{result} {}", t!("state-nothing-asked"))
                    }
                    (None, None) => result.clone(),
                };
                if crate::engine::command::receives(op) && *empty == Some(Empty::StreamEnded) {
                    f.eofs[lane].push_back(row);
                }
                if (*op == "close" || *op == "shutdown") && !failed {
                    f.ends.push_back((row, beat.id));
                }
                let call = format!("{op}({})", args.as_deref().unwrap_or_default());
                let text = if result.is_empty() {
                    call
                } else if *failed {
                    t!("diagram-call-raised", call = call, result = result)
                } else {
                    format!("{call} → {result}")
                };
                if !failed && (*op == "connect" || (*op == "connect_ex" && result == "0")) {
                    f.connects.push_back(row);
                }
                (Words::Text(text), *failed, None)
            }
            What::Bytes {
                dir,
                len,
                offset,
                datagram,
                peer,
                row: traffic,
                call,
                cut,
            } => {
                match dir {
                    Direction::Out => f.sends.push_back(Sent {
                        row,
                        id: beat.id,
                        len: *len,
                        offset: *offset,
                        datagram: *datagram,
                        peer: peer.clone(),
                    }),
                    Direction::In if *datagram => f.datagrams[lane].push_back((peer.clone(), row)),
                    Direction::In => {
                        f.streams[lane].push_back((*offset, *offset + *len as u64, row));
                    }
                }
                // A datagram's other end, said on its row: the peer may have no lane here.
                let other = peer.clone().filter(|_| *datagram);
                let words = match dir {
                    Direction::Out => Words::Send {
                        call,
                        len: *len,
                        to: other,
                    },
                    Direction::In => Words::Recv {
                        call,
                        len: *len,
                        cut: *cut,
                        from: other,
                    },
                };
                (words, false, Some(*traffic))
            }
            What::State { from, to, cause } => {
                if *cause == crate::engine::note::Cause::PeerClosed {
                    f.peer_closed[lane].push_back(row);
                }
                if *to == crate::engine::SockState::Connected {
                    f.connected[lane].push_back(row);
                }
                (
                    Words::Text(format!(
                        "{} → {} ({})",
                        crate::ui::explain::state_word(*from),
                        crate::ui::explain::state_word(*to),
                        crate::ui::explain::cause(*cause)
                    )),
                    false,
                    None,
                )
            }
            What::Segment {
                to,
                src,
                dst,
                sent,
                flags,
                seq,
                ack,
                len,
                again,
            } => {
                let arrow = to.and_then(lane_at);
                if let Some(to) = arrow {
                    f.segments.push_back((row, lane, to, *flags));
                }
                let other = arrow.is_none().then(|| {
                    let end = if *sent { *dst } else { *src };
                    (Endpoint::from(end), !*sent)
                });
                let words = Words::Segment {
                    flags: *flags,
                    seq: *seq,
                    ack: *ack,
                    len: *len,
                    again: *again,
                    other,
                };
                (words, false, None)
            }
            What::Kernel { state: Some(s) } => {
                if *s == crate::engine::inspect::TcpState::TimeWait {
                    f.time_waits[lane].push_back(row);
                }
                (
                    Words::Text(t!("diagram-kernel-state", state = s.name())),
                    false,
                    None,
                )
            }
            What::Kernel { state: None } => (Words::Text(t!("diagram-kernel-forgot")), false, None),
        };
        d.rows.push_back(Row {
            lane,
            seq: beat.seq,
            at: beat.at,
            text,
            failed,
            bytes,
        });
    }
}

/// The diagram's arrows, all of them, from what its rows found.
fn add_arrows(state: &UiState, story: &Story, lanes: &[SocketId], d: &mut Diagram) {
    let lane_at = |id: SocketId| lanes.iter().position(|l| *l == id);
    let local_of = |id: SocketId| {
        state
            .sockets
            .get(&id)
            .and_then(|s| s.snapshot.as_ref())
            .and_then(|n| n.local.clone())
    };
    d.arrows.clear();
    let f = &d.found;
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
    for s in &f.sends {
        let from = d.rows[f.at(s.row)].lane;
        let target = lanes.iter().enumerate().find_map(|(to, id)| {
            if *id == s.id {
                return None;
            }
            let at = if s.datagram {
                // The n-th datagram sent to its address is the n-th it got from ours.
                let theirs = local_of(*id)?;
                if !s.peer.as_ref().is_some_and(|p| meets(&theirs, p)) {
                    return None;
                }
                let ours = local_of(s.id)?;
                let rank = sent_to.entry((s.id, *id)).or_insert(0);
                let got = f.datagrams[to]
                    .iter()
                    .filter(|(from, _)| from.as_ref().is_some_and(|f| meets(&ours, f)))
                    .nth(*rank)
                    .map(|(_, r)| *r);
                *rank += 1;
                got?
            } else {
                if s.len == 0 || !pairs.contains(&(s.id, *id)) {
                    return None;
                }
                let recvs = &f.streams[to];
                let i = recvs.partition_point(|(_, end, _)| *end <= s.offset);
                let (start, _, r) = recvs.get(i)?;
                (*start <= s.offset).then_some(*r)?
            };
            let at = f.at(at);
            Some((to, at))
        });
        if let Some((to, to_row)) = target {
            d.arrows.push(Arrow {
                from,
                to,
                from_row: f.at(s.row),
                to_row,
                label: size(s.len),
                kind: ArrowKind::Data,
            });
        }
    }
    // Captured segments: each from its sender's lane to its receiver's, as it went.
    for &(row, from, to, flags) in &f.segments {
        let row = f.at(row);
        d.arrows.push(Arrow {
            from,
            to,
            from_row: row,
            to_row: row,
            label: crate::engine::capture::flag_names(flags),
            kind: ArrowKind::Segment,
        });
    }
    // Guessed from the calls where nothing could be captured (before the capture began,
    // or a Unix socket, which has no segments): the handshake at a connect that worked, to
    // the listener its other end came from...
    let ip = |lane: usize| {
        state
            .sockets
            .get(&lanes[lane])
            .is_some_and(|s| matches!(s.info.family, Family::Inet | Family::Inet6))
    };
    let guessed = |row: usize| {
        let r = &d.rows[row];
        !ip(r.lane) || story.capturing_since.is_none_or(|since| r.at < since)
    };
    // A connect that began before the capture and went on into it (its SYNs dropped by a
    // full accept queue) has its handshake captured: drawn, not guessed.
    let syn_sent: Vec<usize> = {
        use crate::engine::capture::{ACK, SYN};
        f.segments
            .iter()
            .filter(|&&(_, _, _, flags)| flags & SYN != 0 && flags & ACK == 0)
            .map(|&(_, from, _, _)| from)
            .collect()
    };
    for &row in &f.connects {
        let row = f.at(row);
        if !guessed(row) {
            continue;
        }
        let lane = d.rows[row].lane;
        if syn_sent.contains(&lane) {
            continue;
        }
        // Drawn where the handshake completed: its socket's move to connected after the
        // call (at once, or once a full queue took the SYN it had dropped).
        let done = f.connected[lane]
            .iter()
            .map(|r| f.at(*r))
            .find(|r| *r >= row)
            .unwrap_or(row);
        let listener = talks_to(state, lanes[lane])
            .into_iter()
            .find_map(|peer| state.sockets.get(&peer).and_then(|s| s.info.parent))
            .or_else(|| queued_at(state, lanes[lane]));
        if let Some(to) = listener.and_then(lane_at) {
            d.arrows.push(Arrow {
                from: lane,
                to,
                from_row: done,
                to_row: done,
                label: if ip(lane) {
                    t!("diagram-handshake")
                } else {
                    t!("diagram-unix-connect")
                },
                kind: ArrowKind::Handshake,
            });
        }
    }
    // ...and the end of a stream: a socket's close or shutdown, to where the other end heard
    // of it: its move to half-closed (the kernel's CLOSE_WAIT, seen at once or by the recv
    // that got b''), else that recv or, when the other end had closed first, its TIME_WAIT
    // (which that FIN began).
    // A socket sends one FIN, and each end is reached once: the arrow leaves the socket's
    // last end before what it reached (a shutdown(SHUT_RD) sends none; the close after it
    // does).
    let (mut reached, mut done) = (Vec::new(), Vec::new());
    for &(first, id) in &f.ends {
        if done.contains(&id) {
            continue;
        }
        done.push(id);
        let first = f.at(first);
        let Some(other) = lanes.iter().position(|o| pairs.contains(&(id, *o))) else {
            continue;
        };
        let after = |rows: &VecDeque<usize>| {
            rows.iter()
                .map(|r| f.at(*r))
                .find(|r| *r > first && !reached.contains(r))
        };
        let Some(to_row) = after(&f.peer_closed[other])
            .or_else(|| after(&f.eofs[other]))
            .or_else(|| after(&f.time_waits[other]))
        else {
            continue;
        };
        let row = f
            .ends
            .iter()
            .filter(|(_, i)| *i == id)
            .map(|(r, _)| f.at(*r))
            .filter(|r| *r < to_row)
            .max()
            .unwrap_or(first);
        if !guessed(row) {
            continue;
        }
        reached.push(to_row);
        let lane = d.rows[row].lane;
        d.arrows.push(Arrow {
            from: lane,
            to: other,
            from_row: row,
            to_row,
            label: if ip(lane) {
                "FIN".into()
            } else {
                t!("diagram-unix-end")
            },
            kind: ArrowKind::Fin,
        });
    }
    d.guessed = d
        .arrows
        .iter()
        .any(|a| matches!(a.kind, ArrowKind::Handshake | ArrowKind::Fin));
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
    /// The call, as Python names it (send, sendall, recv...).
    pub call: &'static str,
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
    /// The receiver's call (recv, recv_into...) that got nothing because the sender closed
    /// its side: the stream ended there (not after a reset, nor after the receiver's own
    /// shutdown()).
    pub ended: Option<&'static str>,
    /// Every call that read the end (the first, and each one after it), in order: calls
    /// made like any other, counted with them.
    pub end_calls: Vec<&'static str>,
}

/// Calls of each side shown at most (the newest).
pub const MAX_BLOCKS: usize = 500;

/// How many of `blocks` each call made (send 2, sendall 1), in the order each first came.
pub fn call_counts(blocks: &[Block]) -> Vec<(&'static str, usize)> {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for b in blocks {
        match counts.iter_mut().find(|(c, _)| *c == b.call) {
            Some((_, n)) => *n += 1,
            None => counts.push((b.call, 1)),
        }
    }
    counts
}

/// The boundaries of the bytes `from` sent to `to` over their connection (streams).
pub fn boundaries(story: &Story, from: SocketId, to: SocketId) -> Boundaries {
    let side = |id: SocketId, dir: Direction| -> Vec<(u64, usize, u64, &'static str)> {
        let all: Vec<_> = story
            .beats()
            .filter(|b| b.id == id)
            .filter_map(|b| match &b.what {
                What::Bytes {
                    dir: d,
                    len,
                    offset,
                    datagram: false,
                    row,
                    call,
                    ..
                } if *d == dir && *len > 0 => Some((*offset, *len, *row, *call)),
                _ => None,
            })
            .collect();
        all[all.len().saturating_sub(MAX_BLOCKS)..].to_vec()
    };
    let sent = side(from, Direction::Out);
    let got = side(to, Direction::In);
    let (ended, end_calls) = {
        let mut other_cause = false;
        let mut ended = None;
        let mut calls = Vec::new();
        for b in story.beats().filter(|b| b.id == to) {
            match &b.what {
                What::State {
                    to: crate::engine::SockState::Error,
                    ..
                } => other_cause = true,
                What::Call {
                    op: "shutdown",
                    failed: false,
                    ..
                } => other_cause = true,
                What::Call {
                    op,
                    empty: Some(e @ (Empty::StreamEnded | Empty::ShutRead)),
                    ..
                } => {
                    // Counted whatever came before (a call made is a call made); only the
                    // end's telling needs the peer to have ended it.
                    calls.push(*op);
                    if !other_cause && *e == Empty::StreamEnded {
                        ended = ended.or(Some(*op));
                    }
                }
                _ => {}
            }
        }
        (ended, calls)
    };
    // From where both sides have their calls: older ones may have gone from the story. A
    // side with none yet (sends nobody has read) starts nothing.
    let start = match (sent.first(), got.first()) {
        (Some(a), Some(b)) => a.0.max(b.0),
        (Some(a), None) | (None, Some(a)) => a.0,
        (None, None) => {
            return Boundaries {
                ended,
                end_calls,
                ..Boundaries::default()
            }
        }
    };
    let sent: Vec<_> = sent
        .into_iter()
        .filter(|(o, l, ..)| o + *l as u64 > start)
        .collect();
    let got: Vec<_> = got
        .into_iter()
        .filter(|(o, l, ..)| o + *l as u64 > start)
        .collect();
    let mut cuts: Vec<u64> = sent
        .iter()
        .chain(&got)
        .flat_map(|(o, l, ..)| [(*o).max(start), o + *l as u64])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let blocks = |calls: Vec<(u64, usize, u64, &'static str)>| -> Vec<Block> {
        calls
            .into_iter()
            .enumerate()
            .map(|(i, (offset, len, row, call))| {
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
                    call,
                }
            })
            .collect()
    };
    Boundaries {
        sends: blocks(sent),
        recvs: blocks(got),
        cuts,
        ended,
        end_calls,
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

/// The time over each of the timeline's columns, from `start` ("+0.312 s"); None over a
/// column whose time reads as the one before it (calls a few microseconds apart), so a
/// run of them is labelled once, where it begins.
pub fn axis_labels(axis: &[std::time::Instant], start: std::time::Instant) -> Vec<Option<String>> {
    let mut last: Option<String> = None;
    axis.iter()
        .map(|at| {
            let text = format!(
                "+{:.3} s",
                at.saturating_duration_since(start).as_secs_f64()
            );
            if last.as_deref() == Some(text.as_str()) {
                return None;
            }
            last = Some(text.clone());
            Some(text)
        })
        .collect()
}

/// Which of the labels at `spans` (left edge, width; left to right) are drawn: each at
/// least `gap` after the last one drawn, and ending `gap` before `end` (where the next
/// label, "now", begins). Events a millisecond apart would otherwise print over each other.
pub fn spaced_labels(spans: &[(f32, f32)], end: f32, gap: f32) -> Vec<bool> {
    let mut free_from = f32::NEG_INFINITY;
    spans
        .iter()
        .map(|&(left, width)| {
            let fits = left >= free_from && left + width + gap <= end;
            if fits {
                free_from = left + width + gap;
            }
            fits
        })
        .collect()
}

/// The state timeline of these sockets: the axis is the events of all of them in order
/// (a column each), so calls milliseconds apart and a TIME_WAIT of a minute both read.
/// Bytes and segments have no place on it (the calls that moved them do): a column each
/// would push the first states out of view.
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
        if matches!(beat.what, What::Bytes { .. } | What::Segment { .. }) {
            continue;
        }
        let Some(t) = lanes.iter().position(|l| *l == beat.id) else {
            continue;
        };
        let k = axis.len();
        axis.push(beat.at);
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
            What::Waited { op, waited } => track.calls.push((k, waited_words(op, *waited))),
            What::Kernel { state } => begin(&mut track.kernel, StretchState::Kernel(*state)),
            What::Call {
                op, failed: false, ..
            } => track.calls.push((k, format!("{op}()"))),
            // What it raised, as the sequence diagram says it (the class, not its message).
            What::Call { op, result, .. } => {
                let class = result.split(':').next().unwrap_or_default().trim();
                let said = if class.is_empty() {
                    t!("diagram-call-failed", op = *op)
                } else {
                    t!(
                        "diagram-call-raised",
                        call = format!("{op}()"),
                        result = class
                    )
                };
                track.calls.push((k, said));
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::capture::{Segment, ACK, FIN, SYN};
    use std::time::{Duration, Instant};

    #[test]
    fn the_timeline_axis_labels_a_run_of_columns_with_one_time_once() {
        let t0 = Instant::now();
        let at = |us: u64| t0 + Duration::from_micros(us);
        let axis = [
            at(0),
            at(185_000),
            at(185_300),
            at(247_000),
            at(247_400),
            at(248_000),
        ];
        let labels = axis_labels(&axis, t0);
        assert_eq!(
            labels,
            [
                Some("+0.000 s".to_string()),
                Some("+0.185 s".to_string()),
                None,
                Some("+0.247 s".to_string()),
                None,
                Some("+0.248 s".to_string()),
            ]
        );
        // A time before the start (a beat stamped early) reads as the start.
        assert_eq!(axis_labels(&[t0], at(5)), [Some("+0.000 s".to_string())]);
    }

    /// A diagram extended after each burst of beats (told in order, late segments among
    /// the last ones, the oldest going for room, the story cleared now and then) is the
    /// diagram built afresh, rows, arrows and what its rows found.
    #[test]
    fn an_extended_diagram_is_the_one_built_afresh() {
        let mut st = UiState::default();
        let lanes = [SocketId(1), SocketId(2)];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rand = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n.max(1)
        };
        let base = Instant::now();
        let mut t = 10_000u64;
        let mut d = Diagram::default();
        let (mut extended, mut cleared, mut late) = (0, 0, 0);
        for step in 0..130 {
            // Cleared now and then early on; then filled past its room.
            if step < 40 && rand(15) == 0 {
                st.story.clear();
                cleared += 1;
            }
            for _ in 0..rand(600) {
                t += 1 + rand(20);
                let id = SocketId(1 + rand(3));
                st.story.clock = Some(base + Duration::from_micros(t));
                match rand(10) {
                    0..=4 => {
                        let dir = if rand(2) == 0 {
                            Direction::In
                        } else {
                            Direction::Out
                        };
                        let datagram = rand(8) == 0;
                        let mut moved =
                            crate::ui::story::Moved::stream(dir, 1 + rand(900) as usize);
                        moved.datagram = datagram;
                        st.story.bytes(id, dir, moved, t);
                    }
                    5 => {
                        let op = ["connect", "recv", "close", "accept", "bind"][rand(5) as usize];
                        let result = if op == "recv" { "b''" } else { "" };
                        st.story.call(id, op, None, result.into(), rand(6) == 0);
                    }
                    _ => {
                        // A segment, up to 5 ms late (placed among the beats before it).
                        let back = rand(5_000).min(t);
                        late += u32::from(back > 0);
                        let seg = Segment {
                            at: base + Duration::from_micros(t - back),
                            src: "127.0.0.1:4000".parse().unwrap(),
                            dst: "127.0.0.1:5000".parse().unwrap(),
                            flags: [SYN, ACK, FIN | ACK][rand(3) as usize],
                            seq: rand(1 << 20) as u32,
                            ack: 0,
                            len: rand(100) as u32,
                        };
                        let to = (rand(3) != 0).then(|| SocketId(1 + rand(3)));
                        st.story.segment(&seg, Some(id), to);
                    }
                }
            }
            st.story.clock = None;
            extended += usize::from(extend(&st, &st.story, &lanes, &mut d));
            let fresh = build(&st, &st.story, &lanes);
            assert_eq!(d, fresh, "step {step}");
            assert_eq!(d.found.as_indices(), fresh.found, "step {step}");
        }
        // The run went through what it is meant to: the oldest beats going, late segments,
        // clears, and many extensions.
        assert!(st.story.truncated(), "never full");
        assert!(
            late > 100 && cleared > 0 && extended > 115,
            "{extended} extended"
        );
    }
}
