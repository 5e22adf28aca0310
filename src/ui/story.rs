//! What happened to the sockets, in the order the engine told it: the calls, the bytes each
//! send and recv moved (with their place in the stream), the states the kernel reported.
//! The sequence diagram, the state timeline and the boundary view draw from it; it is
//! kept apart from drawing so tests read it without a window. Bounded: the oldest beats go.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant, SystemTime};

use crate::engine::inspect::TcpState;
use crate::engine::{Direction, Endpoint, SockState, SocketId};

/// Beats kept (the oldest go first).
pub const MAX_BEATS: usize = 20_000;
/// A call blocked at least this long has a row where it began.
const SHOWN_WAIT: Duration = Duration::from_millis(200);

#[derive(Clone, Debug, PartialEq)]
pub enum What {
    /// The socket came to exist; `parent`: the listener it was accepted from.
    Made { parent: Option<SocketId> },
    /// A call ended: its name and what it gave (or the error it raised); `conn`: the
    /// connection an accept() gave (its name is drawn as it is now).
    Call {
        op: &'static str,
        /// Its arguments as Python writes them, for the calls that carry them
        /// (Op::shown_args): `listen(1)`, not `listen()`.
        args: Option<Box<str>>,
        result: String,
        failed: bool,
        conn: Option<SocketId>,
        /// A recv that got b'': what that means, worded when drawn (in the language of
        /// the moment, not the one it happened in).
        empty: Option<Empty>,
    },
    /// One send or recv call's bytes: `offset` is where they begin in the socket's stream
    /// in that direction (bytes before, all calls counted); a recv of 0 bytes is the end
    /// of the peer's stream. `row`: the traffic log's row holding them.
    Bytes {
        dir: Direction,
        len: usize,
        offset: u64,
        datagram: bool,
        /// A datagram's source (in) or destination (out).
        peer: Option<Endpoint>,
        row: u64,
        /// The call, as Python names it (sendto, recvfrom, sendall...).
        call: &'static str,
        /// A datagram's bytes past the buffer, which the kernel dropped.
        cut: usize,
    },
    /// The window's state of the socket changed, and why.
    State {
        from: SockState,
        to: SockState,
        cause: crate::engine::note::Cause,
    },
    /// A TCP segment captured on loopback, from the sender `id` to `to` (either may be
    /// unknown to the window, not both); `seq` and `ack` relative to each side's first.
    Segment {
        to: Option<SocketId>,
        /// Its addresses as captured, and whether `id` sent it (else `id` received it from
        /// outside the window): a row names an outside end, and an accept finds the
        /// segments of its connection that came before it.
        src: std::net::SocketAddr,
        dst: std::net::SocketAddr,
        sent: bool,
        flags: u8,
        seq: u32,
        ack: u32,
        len: u32,
        /// A SYN (or SYN, ACK) this side sent before: sent again, no answer having come
        /// in time (a listener's full accept queue drops a client's SYNs).
        again: bool,
    },
    /// A call that blocked (a recv waiting for data, an accept for a client) for `waited`,
    /// placed where it began: the row where it returned alone hid the wait.
    Waited { op: &'static str, waited: Duration },
    /// The kernel's TCP state, when it differs from the one reported before (after close
    /// too: FIN_WAIT2, TIME_WAIT); None: the kernel forgot the connection.
    Kernel { state: Option<TcpState> },
}

/// What one call moved, as the engine reported it.
#[derive(Clone, Debug, PartialEq)]
pub struct Moved {
    pub len: usize,
    pub datagram: bool,
    /// A datagram's source (in) or destination (out).
    pub peer: Option<Endpoint>,
    /// The call, as Python names it.
    pub call: &'static str,
    /// A datagram's bytes past the buffer, which the kernel dropped.
    pub cut: usize,
}

impl Moved {
    /// `len` bytes of a stream, by send or recv.
    pub fn stream(dir: Direction, len: usize) -> Moved {
        Moved {
            len,
            datagram: false,
            peer: None,
            call: match dir {
                Direction::Out => "send",
                Direction::In => "recv",
            },
            cut: 0,
        }
    }
}

/// What a recv's b'' means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Empty {
    /// The peer ended its stream.
    StreamEnded,
    /// The stream's own shutdown(SHUT_RD) ended its receiving (and nothing was queued).
    ShutRead,
    /// An empty datagram came.
    Datagram,
    /// recv(0): no bytes asked for, so none given at once (nothing is read: a stream goes
    /// on, a datagram stays queued).
    NothingAsked,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Beat {
    /// Its number for life (the first kept is not 0 once old ones went).
    pub seq: u64,
    pub at: Instant,
    pub id: SocketId,
    pub what: What,
}

#[derive(Default)]
pub struct Story {
    beats: VecDeque<Beat>,
    next: u64,
    /// Bytes so far per socket and direction (the next send's or recv's offset).
    streamed: HashMap<(SocketId, bool), u64>,
    /// The kernel's TCP state last told per socket (None: forgotten).
    kernel: HashMap<SocketId, Option<TcpState>>,
    /// When the session's first beat happened: the diagrams' times count from it, and so
    /// do the traffic views' relative times, so one event reads one time everywhere. A
    /// clear keeps it (the rows after a clear read as they do in the traffic view).
    pub origin: Option<Instant>,
    /// The addresses each socket's datagrams went to or came from (the first few).
    peers: HashMap<SocketId, Vec<Endpoint>>,
    /// Changes whenever `peers` does.
    peers_version: u64,
    /// Each direction's first sequence number, as its SYN said (relative numbers count
    /// from it, as Wireshark shows them).
    isn: HashMap<(std::net::SocketAddr, std::net::SocketAddr), u32>,
    /// Segments were captured.
    pub captured: bool,
    /// When the capture began: the calls of TCP sockets since then have their segments
    /// drawn, not the diagram's guesses (those before keep theirs).
    pub capturing_since: Option<Instant>,
    /// When each socket came to the window (a segment before it belongs to its listener).
    made: HashMap<SocketId, Instant>,
    /// Beats were dropped for room.
    dropped: bool,
    /// When the event being told happened, as the engine stamped it (the window hears of
    /// it up to a frame later); None: now.
    pub clock: Option<Instant>,
    /// A wall-clock reading and the monotonic one taken with it, through which the engine's
    /// wall-clock stamps become instants (see `instant_of`), and how many stamps it has
    /// turned since.
    anchor: Option<(SystemTime, Instant, u32)>,
}

/// One socket's bytes in one direction being told (`Story::run`, `tell`, `end`).
#[must_use = "`Story::end` writes the stream's offset back"]
pub struct Run {
    id: SocketId,
    dir: Direction,
    offset: u64,
    /// The datagram sender last looked for among the socket's peers (a run's datagrams
    /// mostly come from one).
    checked: Option<Endpoint>,
}

impl Run {
    pub fn dir(&self) -> Direction {
        self.dir
    }
}

/// Stamps turned through one anchor at most: a wall clock stepped back (which the anchor
/// cannot see) misplaces no more than these.
const ANCHOR_USES: u32 = 64;

/// Datagram peers remembered per socket.
const MAX_PEERS: usize = 16;
/// Connections' sequence-number bases kept (two each).
const MAX_BASES: usize = 8192;

impl Story {
    fn push(&mut self, id: SocketId, what: What) {
        let at = self.clock.unwrap_or_else(Instant::now);
        self.push_at(id, what, at);
    }

    /// A beat that happened at `at`: after those told before it that happened no later
    /// (a captured segment's time is its own; the engine's events are told as they come).
    fn push_at(&mut self, id: SocketId, what: What, at: Instant) {
        if self.beats.len() >= MAX_BEATS {
            // Full, and older than every beat kept: it would be the next to go.
            if self.beats.front().is_some_and(|b| at < b.at) {
                self.dropped = true;
                return;
            }
            self.beats.pop_front();
            self.dropped = true;
        }
        self.origin.get_or_insert(at);
        // The beats are in time order: after the last no later than `at` (a search, not a
        // scan: a flood's segments arrive a little after the beats of its recvs).
        let place = if self.beats.back().is_none_or(|b| b.at <= at) {
            // The usual case: after every beat told (no search).
            self.beats.len()
        } else {
            self.beats.partition_point(|b| b.at <= at)
        };
        self.beats.insert(
            place,
            Beat {
                seq: self.next,
                at,
                id,
                what,
            },
        );
        self.next += 1;
    }

    /// The instant a wall-clock stamp `at` names (None: in the future). Reading both clocks
    /// for every datagram of a flood was 3 % of its cost: an anchor read once serves every
    /// stamp no newer than it, for ANCHOR_USES stamps.
    pub fn instant_of(&mut self, at: SystemTime) -> Option<Instant> {
        let (wall, mono) = match &mut self.anchor {
            Some((wall, mono, uses)) if *wall >= at && *uses < ANCHOR_USES => {
                *uses += 1;
                (*wall, *mono)
            }
            _ => {
                let (wall, mono) = (SystemTime::now(), Instant::now());
                self.anchor = Some((wall, mono, 1));
                (wall, mono)
            }
        };
        wall.duration_since(at)
            .ok()
            .and_then(|ago| mono.checked_sub(ago))
    }

    pub fn made(&mut self, id: SocketId, parent: Option<SocketId>) {
        self.made
            .insert(id, self.clock.unwrap_or_else(Instant::now));
        self.push(id, What::Made { parent });
    }

    /// When the window learnt of socket `id`.
    pub fn made_at(&self, id: SocketId) -> Option<Instant> {
        self.made.get(&id).copied()
    }

    /// A call that ended, if it is one the diagram shows (bytes are shown by their own
    /// beats; a recv that got nothing is the peer's end of stream, shown here).
    pub fn call(
        &mut self,
        id: SocketId,
        op: &'static str,
        args: Option<Box<str>>,
        result: String,
        failed: bool,
    ) {
        if shown(op) {
            self.push(
                id,
                What::Call {
                    op,
                    args,
                    result,
                    failed,
                    conn: None,
                    empty: None,
                },
            );
        }
    }

    /// A call that blocked for `waited` until `ended`, told as it ends, where it began, when
    /// that was long enough for a person to see (a reply a moment away is not a wait worth
    /// a row).
    pub fn waited(&mut self, id: SocketId, op: &'static str, waited: Duration, ended: Instant) {
        if shown(op) && waited >= SHOWN_WAIT {
            let began = ended.checked_sub(waited).unwrap_or(ended);
            self.push_at(id, What::Waited { op, waited }, began);
        }
    }

    /// A receive call that got nothing (b'', or 0 for the _into calls).
    pub fn got_nothing(&mut self, id: SocketId, op: &'static str, empty: Empty) {
        if !shown(op) {
            return;
        }
        self.push(
            id,
            What::Call {
                op,
                args: None,
                result: nothing_returned(op, matches!(empty, Empty::StreamEnded | Empty::ShutRead))
                    .into(),
                failed: false,
                conn: None,
                empty: Some(empty),
            },
        );
    }

    /// accept() gave `conn`, whose peer is `peer` (a repr).
    pub fn accepted(&mut self, id: SocketId, conn: SocketId, peer: String) {
        self.push(
            id,
            What::Call {
                op: "accept",
                args: None,
                result: peer,
                failed: false,
                conn: Some(conn),
                empty: None,
            },
        );
    }

    pub fn bytes(&mut self, id: SocketId, dir: Direction, moved: Moved, row: u64) {
        let mut run = self.run(id, dir);
        self.tell(&mut run, moved, row);
        self.end(run);
    }

    /// Starts telling one socket's bytes in one direction a call at a time (`tell`, then
    /// `end`): the stream's offset is looked up once for the run (a flood's batch of
    /// datagrams is one run), not once a datagram.
    pub fn run(&self, id: SocketId, dir: Direction) -> Run {
        let offset = self.streamed.get(&(id, dir == Direction::In)).copied();
        Run {
            id,
            dir,
            offset: offset.unwrap_or(0),
            checked: None,
        }
    }

    /// A call of the run that moved bytes, the traffic log's row `row`.
    pub fn tell(&mut self, run: &mut Run, moved: Moved, row: u64) {
        let Moved {
            len,
            datagram,
            peer,
            call,
            cut,
        } = moved;
        if len == 0 && !datagram {
            // The end of the peer's stream: the recv call's own beat tells it.
            return;
        }
        if let (true, Some(p)) = (datagram, &peer) {
            if run.checked.as_ref() != Some(p) {
                let known = self.peers.entry(run.id).or_default();
                if known.len() < MAX_PEERS && !known.contains(p) {
                    known.push(p.clone());
                    self.peers_version += 1;
                }
                run.checked = Some(p.clone());
            }
        }
        let offset = run.offset;
        run.offset += len as u64;
        self.push(
            run.id,
            What::Bytes {
                dir: run.dir,
                len,
                offset,
                datagram,
                peer,
                row,
                call,
                cut,
            },
        );
    }

    /// The run's offset becomes the stream's.
    pub fn end(&mut self, run: Run) {
        self.streamed
            .insert((run.id, run.dir == Direction::In), run.offset);
    }

    /// Bytes the engine counted but did not deliver: the stream's offset moves past them.
    pub fn skip(&mut self, id: SocketId, dir: Direction, bytes: u64) {
        *self.streamed.entry((id, dir == Direction::In)).or_default() += bytes;
    }

    pub fn state(
        &mut self,
        id: SocketId,
        from: SockState,
        to: SockState,
        cause: crate::engine::note::Cause,
    ) {
        if from != to {
            self.push(id, What::State { from, to, cause });
        }
    }

    /// The kernel's TCP state as last read; told only when it changed, and only on the way
    /// out of a connection (FIN_WAIT1 to TIME_WAIT, forgotten): before that, the window's
    /// own state (connected, listening) says it. (CLOSE is also a socket's state before it
    /// connects; the end of a connection is told as forgotten.)
    pub fn kernel(&mut self, id: SocketId, state: Option<TcpState>) {
        let leaving = !matches!(
            state,
            Some(
                TcpState::Established
                    | TcpState::Close
                    | TcpState::Listen
                    | TcpState::SynSent
                    | TcpState::SynRecv
                    | TcpState::Unknown(_)
            )
        );
        if !leaving || self.kernel.get(&id) == Some(&state) {
            return;
        }
        self.kernel.insert(id, state);
        self.push(id, What::Kernel { state });
    }

    /// A captured segment between `from` (the sender) and `to`, as the window knows them.
    pub fn segment(
        &mut self,
        seg: &crate::engine::capture::Segment,
        from: Option<SocketId>,
        to: Option<SocketId>,
    ) {
        use crate::engine::capture::{ACK, SYN};
        // Kept across a clear (it does not renumber a live connection), so bounded: past
        // MAX_BASES connections the oldest bases go, all at once.
        if self.isn.len() >= MAX_BASES {
            self.isn.clear();
        }
        let again =
            seg.flags & SYN != 0 && self.isn.insert((seg.src, seg.dst), seg.seq) == Some(seg.seq);
        let Some(id) = from.or(to) else {
            return;
        };
        // A connection whose handshake came before the capture: each side counts from the
        // first segment seen (its first byte 1, the ack of it too), as Wireshark does,
        // not from raw numbers (seq=1373042858) beside relative ones.
        self.isn
            .entry((seg.src, seg.dst))
            .or_insert_with(|| seg.seq.wrapping_sub(1));
        if seg.flags & ACK != 0 {
            self.isn
                .entry((seg.dst, seg.src))
                .or_insert_with(|| seg.ack.wrapping_sub(1));
        }
        let mine = self.isn.get(&(seg.src, seg.dst)).copied().unwrap_or(0);
        let theirs = self.isn.get(&(seg.dst, seg.src)).copied().unwrap_or(0);
        self.captured = true;
        self.push_at(
            id,
            What::Segment {
                to: if from.is_some() { to } else { None },
                src: seg.src,
                dst: seg.dst,
                sent: from.is_some(),
                flags: seg.flags,
                seq: seg.seq.wrapping_sub(mine),
                ack: seg.ack.wrapping_sub(theirs),
                len: seg.len,
                again,
            },
            seg.at,
        );
    }

    /// Listener `listener` accepted `conn`, from `peer`: the segments of that connection
    /// after its handshake's SYNs (the ACK that completed it, bytes that came before the
    /// accept) were placed on the listener, which was all the window knew of it then. They
    /// are the connection's: its lane has them, queued in the kernel before accept().
    pub fn claim_segments(&mut self, listener: SocketId, conn: SocketId, peer: &Endpoint) {
        use crate::engine::capture::{ACK, SYN};
        // Nothing captured, nothing to move (and no SYN to stop at: 20,000 beats an accept).
        if !self.captured {
            return;
        }
        let since = self.capturing_since;
        let from_peer =
            |a: &std::net::SocketAddr| crate::ui::diagram::meets(peer, &Endpoint::from(*a));
        let mut moved = false;
        for b in self.beats.iter_mut().rev() {
            // Before the capture began its SYN cannot be among them.
            if since.is_some_and(|s| b.at < s) {
                break;
            }
            let What::Segment {
                to,
                src,
                dst,
                sent,
                flags,
                ..
            } = &mut b.what
            else {
                continue;
            };
            // The other end of this segment, and the listener's side of it.
            let (on_listener, client) = if b.id == listener {
                (true, if *sent { *dst } else { *src })
            } else if *to == Some(listener) {
                (false, *src)
            } else {
                continue;
            };
            if !from_peer(&client) {
                continue;
            }
            if *flags & SYN != 0 {
                // The client's SYN began this connection: nothing before it is its own.
                if *flags & ACK == 0 {
                    break;
                }
                continue;
            }
            if on_listener {
                b.id = conn;
            } else {
                *to = Some(conn);
            }
            moved = true;
        }
        if moved {
            // Old beats changed: a diagram extended from them is built again.
            self.next += 1;
        }
    }

    pub fn beats(&self) -> impl DoubleEndedIterator<Item = &Beat> + ExactSizeIterator {
        self.beats.iter()
    }

    /// The beats of these sockets, in order.
    pub fn of<'a>(&'a self, ids: &'a [SocketId]) -> impl Iterator<Item = &'a Beat> + 'a {
        self.beats.iter().filter(move |b| ids.contains(&b.id))
    }

    /// The addresses `id`'s datagrams went to or came from.
    pub fn peers(&self, id: SocketId) -> &[Endpoint] {
        self.peers.get(&id).map_or(&[], Vec::as_slice)
    }

    /// Changes whenever a socket's datagram peers do (the diagram's lanes follow them).
    pub fn peers_version(&self) -> u64 {
        self.peers_version
    }

    /// Whether beats were dropped for room since the start or the last clear (the diagram
    /// says it starts late).
    pub fn truncated(&self) -> bool {
        self.dropped
    }

    /// Changes whenever a beat is told or the story is cleared.
    pub fn version(&self) -> u64 {
        self.next
    }

    pub fn clear(&mut self) {
        self.next += 1;
        self.beats.clear();
        self.dropped = false;
        // (The connections' bases stay: a clear does not renumber a live connection.)
    }
}

/// The calls a diagram of the connection shows: its life, not the options read back.
fn shown(op: &str) -> bool {
    matches!(
        op,
        "bind"
            | "listen"
            | "connect"
            | "connect_ex"
            | "accept"
            | "recv"
            | "recvfrom"
            | "recv_into"
            | "recvfrom_into"
            | "send"
            | "sendall"
            | "sendto"
            | "shutdown"
            | "close"
            | "setsockopt"
            | "settimeout"
            | "setblocking"
    )
}

/// What a receive call that got nothing returned: the _into calls count the bytes they
/// wrote; at a stream's end the from calls have no sender to name (a datagram's, empty,
/// has one: only its bytes are said).
pub fn nothing_returned(op: &str, stream_end: bool) -> &'static str {
    match (op, stream_end) {
        ("recvfrom", true) => "(b'', None)",
        ("recvfrom_into", true) => "(0, None)",
        ("recv_into" | "recvfrom_into", _) => "0",
        _ => "b''",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A connection whose handshake was not captured counts from each side's first
    /// segment seen (its bytes from 1), as Wireshark does, not in raw numbers; one whose
    /// SYNs were captured counts from them.
    #[test]
    fn seq_and_ack_count_from_the_first_segment_seen_without_a_handshake() {
        use crate::engine::capture::{Segment, ACK, PSH, SYN};
        let mut s = Story::default();
        let (a, b): (std::net::SocketAddr, std::net::SocketAddr) = (
            "127.0.0.1:40000".parse().unwrap(),
            "127.0.0.1:9000".parse().unwrap(),
        );
        let seg = |src, dst, flags, seq, ack, len| Segment {
            at: Instant::now(),
            src,
            dst,
            flags,
            seq,
            ack,
            len,
        };
        let told = |s: &Story| match s.beats().last().map(|b| &b.what) {
            Some(What::Segment { seq, ack, .. }) => (*seq, *ack),
            other => panic!("{other:?}"),
        };
        // Mid-stream: a's 5 bytes, b's ACK of them, b's 3 bytes.
        s.segment(
            &seg(a, b, PSH | ACK, 1_373_042_858, 77_000, 5),
            Some(SocketId(1)),
            None,
        );
        assert_eq!(told(&s), (1, 1));
        s.segment(
            &seg(b, a, ACK, 77_000, 1_373_042_863, 0),
            None,
            Some(SocketId(1)),
        );
        assert_eq!(told(&s), (1, 6));
        s.segment(
            &seg(b, a, PSH | ACK, 77_000, 1_373_042_863, 3),
            None,
            Some(SocketId(1)),
        );
        assert_eq!(told(&s), (1, 6));
        s.segment(
            &seg(a, b, ACK, 1_373_042_863, 77_003, 0),
            Some(SocketId(1)),
            None,
        );
        assert_eq!(told(&s), (6, 4));
        // A new connection on the same ports, its SYNs seen: counted from them.
        s.segment(&seg(a, b, SYN, 500, 0, 0), Some(SocketId(1)), None);
        assert_eq!(told(&s).0, 0, "(no ACK flag: its ack is not shown)");
        s.segment(&seg(b, a, SYN | ACK, 900, 501, 0), None, Some(SocketId(1)));
        assert_eq!(told(&s), (0, 1));
    }

    /// Stamps served by one anchor keep their exact distances; a future stamp has no
    /// instant; a stamp newer than the anchor, or one past its uses, gets a fresh anchor.
    #[test]
    fn wall_clock_stamps_become_instants_through_an_anchor() {
        let mut s = Story::default();
        let now = SystemTime::now();
        let old = now - Duration::from_secs(5);
        let a = s.instant_of(old).expect("a past stamp");
        let b = s.instant_of(old + Duration::from_micros(1234)).unwrap();
        assert_eq!(b - a, Duration::from_micros(1234));
        assert!(a <= Instant::now() - Duration::from_secs(4));
        assert_eq!(s.instant_of(now + Duration::from_secs(3600)), None);
        let anchor = |s: &Story| s.anchor.map(|(w, m, _)| (w, m));
        // Newer than the anchor: read again.
        let before = anchor(&s);
        let fresh = SystemTime::now();
        let c = s.instant_of(fresh).unwrap();
        assert!(c >= a + Duration::from_secs(4));
        assert_ne!(anchor(&s), before);
        // Used up: read again even for an old stamp.
        let kept = anchor(&s);
        for _ in 1..ANCHOR_USES {
            s.instant_of(old).unwrap();
        }
        assert_eq!(anchor(&s), kept);
        s.instant_of(old).unwrap();
        assert_ne!(anchor(&s), kept);
    }

    /// Bytes the engine did not deliver still move the stream on: the chunk after them
    /// starts where the kernel's stream does, so sends and recvs still pair.
    #[test]
    fn a_skip_moves_the_offset_past_what_was_not_delivered() {
        let mut s = Story::default();
        let id = SocketId(7);
        s.bytes(id, Direction::In, Moved::stream(Direction::In, 5), 0);
        s.skip(id, Direction::In, 100);
        s.skip(id, Direction::Out, 9);
        s.bytes(id, Direction::In, Moved::stream(Direction::In, 3), 1);
        s.bytes(id, Direction::Out, Moved::stream(Direction::Out, 4), 0);
        let offsets: Vec<(Direction, u64)> = s
            .beats()
            .filter_map(|b| match &b.what {
                What::Bytes { dir, offset, .. } => Some((*dir, *offset)),
                _ => None,
            })
            .collect();
        assert_eq!(
            offsets,
            [
                (Direction::In, 0),
                (Direction::In, 105),
                (Direction::Out, 9)
            ]
        );
    }

    /// Beats told late (a captured segment's own time) go where they happened; one older
    /// than every beat of a full story is left out (it would be the next to go), never
    /// kept in place of a newer one.
    #[test]
    fn a_late_beat_goes_in_time_order_and_one_older_than_a_full_story_is_left_out() {
        let mut s = Story::default();
        let t0 = Instant::now();
        let at = |ms: u64| t0 + std::time::Duration::from_millis(ms);
        for i in 0..MAX_BEATS as u64 {
            s.push_at(SocketId(1), What::Kernel { state: None }, at(10 + i));
        }
        s.push_at(SocketId(2), What::Kernel { state: None }, at(15));
        let ids: Vec<u64> = s.beats().take(7).map(|b| b.id.0).collect();
        assert_eq!(
            ids,
            [1, 1, 1, 1, 1, 2, 1],
            "the first (at 10) went, 2 after 14"
        );
        assert!(s.beats().zip(s.beats().skip(1)).all(|(a, b)| a.at <= b.at));
        let first = s.beats().next().map(|b| b.at);
        s.push_at(SocketId(3), What::Kernel { state: None }, at(1));
        assert_eq!(s.beats().len(), MAX_BEATS);
        assert_eq!(
            s.beats().next().map(|b| b.at),
            first,
            "nothing newer went for it"
        );
        assert!(s.beats().all(|b| b.id != SocketId(3)));
        assert!(s.truncated());
    }
}
