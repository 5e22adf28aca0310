//! A TCP connection's life in the kernel goes on after close(): FIN_WAIT1 and 2, CLOSING,
//! LAST_ACK, TIME_WAIT, until the kernel forgets it. One thread follows the four-tuples of
//! the connections that closed through sock_diag's table and reports each state they
//! reach (TIME_WAIT with the time it has left), then that the kernel forgot them. With
//! nothing to follow it waits on its channel and uses no CPU.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TrySendError};

use super::command::SocketId;
use super::event::Event;
use super::inspect::{same_endpoint, tcp_lookup, tcp_table, TcpState};
use super::note::Note;
use super::Shared;

/// How often the table is read while a connection is followed.
const LOOK_EVERY: Duration = Duration::from_millis(250);
/// How soon after a look a connection that just closed makes the next one.
const SOON: Duration = Duration::from_millis(20);
/// Connections followed at once; one more is said to be beyond it.
const MAX_FOLLOWED: usize = 4096;
/// How long one connection is followed at most: TIME_WAIT lasts 60 s on Linux, and a peer
/// that never answers a FIN keeps FIN_WAIT or LAST_ACK alive for minutes.
const FOLLOW_AT_MOST: Duration = Duration::from_secs(300);
/// The states a closed connection goes through, as sock_diag's filter bits.
const AFTER_CLOSE: u32 =
    (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 11);

/// A closed connection to follow.
pub(crate) struct Watch {
    pub id: SocketId,
    pub local: SocketAddr,
    pub peer: SocketAddr,
    /// SO_REUSEADDR on its socket as it closed: what its TIME_WAIT keeps (Linux lets a
    /// bind over it only when both have it).
    pub reuse: bool,
    /// The kernel's state just before close(): what the first reading after it is read
    /// against (None: unread).
    pub before: Option<TcpState>,
    /// Its close() resets the connection (unread bytes, or SO_LINGER 0).
    pub resets: bool,
}

/// A connection handed to the thread, with the state read as it closed (None: unread).
type Handed = (Watch, Option<TcpState>);

/// Closed connections whose SO_REUSEADDR is remembered, the newest kept.
const REUSE_KEPT: usize = 4096;

struct Followed {
    watch: Watch,
    last: Option<TcpState>,
    since: Instant,
}

/// The following thread, started when the first connection closes.
#[derive(Default)]
pub(crate) struct Afterlife {
    tx: Mutex<Option<Sender<Handed>>>,
    /// (local, peer, SO_REUSEADDR) of the connections that closed, newest last.
    reuse: Mutex<std::collections::VecDeque<(SocketAddr, SocketAddr, bool)>>,
}

impl Afterlife {
    /// Follows a connection that just closed (the thread starts with the first one). What
    /// close() itself made of it is told here, at `gone`, when the descriptor began to
    /// close: a reset (unread bytes or SO_LINGER 0: the kernel forgets it at once), else
    /// FIN_WAIT1 from ESTABLISHED and LAST_ACK from CLOSE_WAIT, the states close() moves a
    /// connection to as it sends its FIN. Read by the thread, up to LOOK_EVERY later, they
    /// were placed after what the peer did on hearing of the close. What came after them
    /// (FIN_WAIT2 once the peer's ACK came, which on loopback is often within close()
    /// itself; forgotten after LAST_ACK) is the peer's doing: the thread reads it at once,
    /// with the other connections it follows, so that one look's states share one time, in
    /// the order their connections closed.
    pub(crate) fn follow(&self, shared: &Arc<Shared>, watch: Watch, gone: Instant) {
        use TcpState::{CloseWait, Established, FinWait1, LastAck};
        let Some(found) = tcp_lookup(watch.local, watch.peer) else {
            // The kernel would not say: the thread asks.
            self.hand_over(shared, watch, None);
            return;
        };
        let state = found.as_ref().map(|e| e.state);
        let reset = state.is_none() && (watch.resets || watch.before == Some(Established));
        let said = match (state, watch.before) {
            _ if reset => None,
            (Some(s @ (FinWait1 | LastAck)), _) => Some(s),
            (_, Some(Established)) => Some(FinWait1),
            (_, Some(CloseWait)) => Some(LastAck),
            _ => {
                // Not known to be close()'s own doing: the thread says it.
                self.hand_over(shared, watch, None);
                return;
            }
        };
        shared.emit(Event::Afterlife {
            id: watch.id,
            state: said,
            time_left: None,
            at: gone,
        });
        if reset {
            // Gone already: nothing to follow, nothing kept for a bind over it.
            return;
        }
        self.hand_over(shared, watch, said);
    }

    /// The thread follows `watch` from `last` (the state told so far; None: none).
    fn hand_over(&self, shared: &Arc<Shared>, watch: Watch, last: Option<TcpState>) {
        let shared = Arc::downgrade(shared);
        {
            let mut kept = super::lock(&self.reuse);
            if kept.len() == REUSE_KEPT {
                kept.pop_front();
            }
            kept.push_back((watch.local, watch.peer, watch.reuse));
        }
        let mut tx = super::lock(&self.tx);
        if tx.is_none() {
            let (t, rx) = crossbeam_channel::bounded(256);
            let weak = shared.clone();
            let started = std::thread::Builder::new()
                .name("socklab-afterlife".into())
                .spawn(move || run(weak, rx));
            match started {
                Ok(_) => *tx = Some(t),
                Err(e) => {
                    // The next close tries again.
                    let errno = e.raw_os_error().unwrap_or(libc::EAGAIN);
                    let errno = Some(errno);
                    note(&shared, watch.id, Note::Unfollowed { errno });
                    return;
                }
            }
        }
        if let Some(t) = tx.as_ref() {
            if let Err(TrySendError::Full((w, _))) = t.try_send((watch, last)) {
                note(&shared, w.id, Note::Unfollowed { errno: None });
            }
        }
    }

    /// Whether the socket of a closed connection (local, peer) had SO_REUSEADDR, if it
    /// was one of ours (its newest, should the four values have been used again).
    pub(crate) fn reuse_of(&self, local: SocketAddr, peer: SocketAddr) -> Option<bool> {
        let kept = super::lock(&self.reuse);
        kept.iter()
            .rev()
            .find(|(l, p, _)| same_endpoint(*l, local) && same_endpoint(*p, peer))
            .map(|(_, _, reuse)| *reuse)
    }

    /// The kernel forgot that connection: what its socket had is no one's any more.
    fn forget_reuse(&self, local: SocketAddr, peer: SocketAddr) {
        super::lock(&self.reuse)
            .retain(|(l, p, _)| !(same_endpoint(*l, local) && same_endpoint(*p, peer)));
    }

    /// Ends the thread (at the engine's shutdown).
    pub(crate) fn stop(&self) {
        super::lock(&self.tx).take();
    }
}

/// A note on a closed connection, while the engine is there to hear it.
fn note(shared: &Weak<Shared>, id: SocketId, note: Note) {
    if let Some(s) = shared.upgrade() {
        s.emit(Event::Note { id, note });
    }
}

fn run(shared: Weak<Shared>, rx: Receiver<Handed>) {
    let mut followed: Vec<Followed> = Vec::new();
    // A look every LOOK_EVERY while anything is followed, and one at once for a connection
    // that just closed (however many close meanwhile, paced as below): a closing
    // connection's first states are brief.
    let mut next_look = Instant::now();
    // When the last look ended (long ago: none yet), and how long it took: looks for
    // closing connections come no closer than SOON, nor than four times that (a table of
    // thousands read in parts keeps the thread busy a fifth of the time at most).
    let mut looked = Instant::now()
        .checked_sub(SOON)
        .unwrap_or_else(Instant::now);
    let mut took = Duration::ZERO;
    loop {
        let next = if followed.is_empty() {
            rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
        } else {
            rx.recv_deadline(next_look)
        };
        match next {
            Ok((w, last)) => {
                // A connection that just closed is read at once (its close may have moved
                // its peer too, which is followed here as well), a look per SOON at most
                // however many close.
                next_look = next_look.min(looked + SOON.max(took * 4));
                take(&mut followed, w, last, &shared);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        for (w, last) in rx.try_iter() {
            take(&mut followed, w, last, &shared);
        }
        if Instant::now() >= next_look {
            let began = Instant::now();
            if look(&mut followed, &shared).is_none() {
                return;
            }
            looked = Instant::now();
            took = looked.saturating_duration_since(began);
            next_look = looked + LOOK_EVERY;
        }
    }
}

/// `last`: the state read as it closed (None: unread).
fn take(followed: &mut Vec<Followed>, watch: Watch, last: Option<TcpState>, shared: &Weak<Shared>) {
    if followed.len() >= MAX_FOLLOWED {
        note(shared, watch.id, Note::NotFollowed { max: MAX_FOLLOWED });
        return;
    }
    followed.push(Followed {
        watch,
        last,
        since: Instant::now(),
    });
}

/// Reads the table and reports what changed; None once the engine is gone.
fn look(followed: &mut Vec<Followed>, shared: &Weak<Shared>) -> Option<()> {
    if followed.is_empty() {
        return Some(());
    }
    let shared = shared.upgrade()?;
    let v4 = followed
        .iter()
        .any(|f| f.watch.local.is_ipv4())
        .then(|| tcp_table(false, AFTER_CLOSE))
        .flatten();
    let v6 = followed
        .iter()
        .any(|f| f.watch.local.is_ipv6())
        .then(|| tcp_table(true, AFTER_CLOSE))
        .flatten();
    // When the tables said what they said (a state is placed at its reading, never
    // before the reading began nor after it ended).
    let read = Instant::now();
    followed.retain_mut(|f| {
        if f.since.elapsed() > FOLLOW_AT_MOST {
            shared.emit(Event::Note {
                id: f.watch.id,
                note: Note::StillThere {
                    state: f.last,
                    secs: FOLLOW_AT_MOST.as_secs(),
                },
            });
            return false;
        }
        let table = if f.watch.local.is_ipv4() { &v4 } else { &v6 };
        // The kernel would not say this time: look again next time.
        let Some(table) = table else {
            return true;
        };
        let listed = table
            .iter()
            .find(|e| same_endpoint(e.local, f.watch.local) && same_endpoint(e.peer, f.watch.peer));
        // A dump read in parts can miss a socket that another one's going moved: only the
        // kernel's answer for the four-tuple itself says it is forgotten.
        let (found, at) = match listed {
            Some(e) => (Some(e.clone()), read),
            None => match tcp_lookup(f.watch.local, f.watch.peer) {
                Some(one) => (one, Instant::now()),
                None => return true,
            },
        };
        match found {
            Some(e) if Some(e.state) != f.last => {
                f.last = Some(e.state);
                let time_left = (e.state == TcpState::TimeWait)
                    .then(|| Duration::from_millis(u64::from(e.expires_ms)));
                shared.emit(Event::Afterlife {
                    id: f.watch.id,
                    state: Some(e.state),
                    time_left,
                    at,
                });
            }
            Some(_) => {}
            None => {
                shared.emit(Event::Afterlife {
                    id: f.watch.id,
                    state: None,
                    time_left: None,
                    at,
                });
                // Its four values may serve another connection now.
                shared.afterlife.forget_reuse(f.watch.local, f.watch.peer);
                return false;
            }
        }
        true
    });
    Some(())
}
