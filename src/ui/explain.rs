//! What each state means and what leads out of it, for the tooltips of the sockets list
//! and the inspector: the words a learner needs beside a badge.

use crate::engine::inspect::TcpState;
use crate::engine::note::{Cause, HangUp, HmacFailure, Note, Shortage};
use crate::engine::SockState;
use crate::t;

/// socklab's state of a socket: what it means, and what moves it on.
pub fn sock_state(st: SockState) -> String {
    match st {
        SockState::Created => t!("inspector-sock-created"),
        SockState::Bound => t!("inspector-sock-bound"),
        SockState::Listening => t!("inspector-sock-listening"),
        SockState::Connecting => t!("inspector-sock-connecting"),
        SockState::Connected => t!("inspector-sock-connected"),
        SockState::HalfClosed => t!("inspector-sock-half-closed"),
        SockState::Closed => t!("inspector-sock-closed"),
        SockState::Error => t!("inspector-sock-error"),
    }
}

/// A socket's state as its kind has it: a datagram socket has no connections to take, no
/// handshake and no peer that closes, so its words for those states are its own.
pub fn sock_state_of(info: &crate::engine::SocketInfo, st: SockState) -> String {
    if info.kind != crate::engine::Kind::Dgram {
        return sock_state(st);
    }
    // A Unix datagram socket has a path, not a port, and the kernel answers its sends.
    let unix = info.family == crate::engine::Family::Unix;
    match st {
        SockState::Created if unix => t!("inspector-unix-dgram-created"),
        SockState::Created => t!("inspector-udp-created"),
        SockState::Bound => t!("inspector-dgram-bound"),
        SockState::Connected if unix => t!("inspector-unix-dgram-connected"),
        SockState::Connected => t!("inspector-udp-connected"),
        SockState::HalfClosed => t!("inspector-dgram-half-closed"),
        SockState::Closed if unix => t!("inspector-unix-dgram-closed"),
        SockState::Closed => t!("inspector-udp-closed"),
        SockState::Error => t!("inspector-dgram-error"),
        _ => sock_state(st),
    }
}

/// The kernel's TCP state: what it means, and what leads out of it.
pub fn tcp_state(st: TcpState) -> String {
    match st {
        TcpState::Established => t!("inspector-tcp-established"),
        TcpState::SynSent => t!("inspector-tcp-syn-sent"),
        TcpState::SynRecv => t!("inspector-tcp-syn-recv"),
        TcpState::FinWait1 => t!("inspector-tcp-fin-wait1"),
        TcpState::FinWait2 => t!("inspector-tcp-fin-wait2"),
        TcpState::TimeWait => t!("inspector-tcp-time-wait"),
        TcpState::Close => t!("inspector-tcp-close"),
        TcpState::CloseWait => t!("inspector-tcp-close-wait"),
        TcpState::LastAck => t!("inspector-tcp-last-ack"),
        TcpState::Listen => t!("inspector-tcp-listen"),
        TcpState::Closing => t!("inspector-tcp-closing"),
        TcpState::Unknown(_) => t!("inspector-tcp-unknown"),
    }
}

/// How many pieces a socket's bytes came or went in, named for its kind: a stream's are
/// chunks (what one recv() returned or one send() took: TCP keeps no messages), a
/// datagram socket's datagrams, a seqpacket socket's messages.
pub fn pieces(kind: crate::engine::Kind, n: u64) -> String {
    match kind {
        crate::engine::Kind::Stream => t!("traffic-chunks", n = n),
        crate::engine::Kind::Dgram => t!("traffic-datagrams", n = n),
        crate::engine::Kind::Other(_) => t!("traffic-msgs", n = n),
    }
}

/// What ends a call that waits on socket `s`; `timed`: the socket has a timeout
/// (without one, what else ends a TCP connect or a send is the kernel's own giving up). A
/// Unix socket's connect waits for room in the listener's queue, and is never given up; a
/// stream's recv also ends with its peer's end of the connection. An unconnected UDP
/// socket that has sent and heard nothing is told why no answer may ever come: the kernel's "port
/// unreachable" reaches only a connected one (IP_RECVERR aside, which Python leaves off).
pub fn way_out(op: &str, timed: bool, s: &crate::ui::state::SockView) -> String {
    let info = &s.info;
    let unix = info.family == crate::engine::Family::Unix;
    match (op, timed) {
        (op, _) if crate::engine::command::receives(op) => {
            // Sent, and heard nothing yet (a server that answers has heard its clients).
            let sent = (s.snapshot.as_ref())
                .is_some_and(|x| x.counters.msgs_out > 0 && x.counters.msgs_in == 0);
            // UDP's ports (an ICMP ping socket is a datagram socket too, and has none).
            let udp = !unix
                && info.kind == crate::engine::Kind::Dgram
                && matches!(info.proto, 0 | libc::IPPROTO_UDP);
            if info.kind == crate::engine::Kind::Stream {
                t!("inspector-way-out-recv")
            } else if udp && sent && s.peer().is_none() {
                t!("inspector-way-out-recv-datagram-unconnected")
            } else {
                t!("inspector-way-out-recv-datagram")
            }
        }
        ("accept", _) => t!("inspector-way-out-accept"),
        ("connect" | "connect_ex", false) if unix => t!("inspector-way-out-connect-unix"),
        ("connect" | "connect_ex", true) => t!("inspector-way-out-connect-timed"),
        ("connect" | "connect_ex", false) => t!("inspector-way-out-connect"),
        ("send" | "sendall" | "sendto", true) => t!("inspector-way-out-send-timed"),
        ("send" | "sendall" | "sendto", false) => t!("inspector-way-out-send"),
        _ => t!("inspector-way-out-close"),
    }
}

/// An address as the window shows it: a Unix socket that has none (getsockname() gives
/// '') is said to be unnamed in the window's language; "-": no address.
pub fn address(a: Option<&crate::engine::Endpoint>) -> String {
    match a {
        None => "-".into(),
        Some(crate::engine::Endpoint::Unix(p)) if p.is_empty() => t!("address-unnamed"),
        Some(a) => a.to_string(),
    }
}

/// A socket's peer as the kernel has it now; where it has none, the one a connect is going
/// to, or the one its connection had before it ended (a reset leaves the kernel none), said
/// as past.
pub fn peer_address(s: &crate::ui::state::SockView) -> String {
    if let Some(p) = s.peer() {
        return address(Some(p));
    }
    // (Only while the call is under way: the snapshot read during it may outlast it.)
    if let Some(to) = s
        .connecting_to()
        .filter(|_| s.state() == crate::engine::SockState::Connecting)
    {
        return t!("inspector-peer-connecting", to = to.to_string());
    }
    // Only a connection that ended (a datagram socket connected elsewhere or to nothing,
    // or a socket listening since, has no peer it "was" at).
    // (A peer's reset of an idle connection shows first as the kernel's CLOSE.)
    let reset = s
        .snapshot
        .as_ref()
        .and_then(|x| x.tcp.as_ref())
        .is_some_and(|t| t.state == crate::engine::inspect::TcpState::Close);
    let ended = s.info.kind == crate::engine::Kind::Stream
        && (reset
            || matches!(
                s.state(),
                crate::engine::SockState::Error | crate::engine::SockState::Closed
            ));
    match s.last_peer() {
        Some(p) if ended => t!("inspector-peer-was", peer = p.to_string()),
        _ => address(None),
    }
}

/// What a socket is doing, in a few words: its state and the address that tells which
/// ("listening on 127.0.0.1:9999", "connected to 127.0.0.1:5000").
pub fn doing(s: &crate::ui::state::SockView) -> String {
    let Some(snap) = &s.snapshot else {
        return state_word(SockState::Created);
    };
    let st = state_words(s);
    match snap.state {
        SockState::Connecting | SockState::Connected | SockState::HalfClosed
            if snap.peer.is_some() =>
        {
            t!(
                "doing-with-peer",
                state = st,
                peer = address(snap.peer.as_ref())
            )
        }
        _ if snap.local.is_some() => {
            t!("doing-at", state = st, local = address(snap.local.as_ref()))
        }
        _ => st,
    }
}

/// A socket's state as its badge says it, with which way a half-closed one is shut:
/// "half-closed" alone does not tell a learner whether they or the peer stopped sending.
/// The peer did when its FIN came (CLOSE_WAIT, LAST_ACK, CLOSING, TIME_WAIT; a recv()
/// got its end); this end did after its shutdown(SHUT_WR) (SHUT_RDWR too).
pub fn state_words(s: &crate::ui::state::SockView) -> String {
    let st = s.state();
    let Some(snap) = s.snapshot.as_ref().filter(|_| st == SockState::HalfClosed) else {
        return state_word(st);
    };
    // CLOSE with the socket still open: both FINs went (FIN_WAIT2 hands its TIME_WAIT to
    // a socket of its own, LAST_ACK ends there), or a reset came: the connection is over,
    // which of the two is not known here.
    if snap
        .tcp
        .as_ref()
        .is_some_and(|t| t.state == TcpState::Close)
    {
        return t!("inspector-word-half-closed-over");
    }
    let peer_done = snap.tcp.as_ref().is_some_and(|t| t.state.peer_fin())
        || (s.ended_reads > 0 && !snap.shut.read);
    match (peer_done, snap.shut.write) {
        (true, true) => t!("inspector-word-half-closed-both"),
        (true, false) => t!("inspector-word-half-closed-peer"),
        (false, true) => t!("inspector-word-half-closed-out"),
        // (Linux still takes bytes that arrive after SHUT_RD: its reading is shut, not
        // the peer's sending.)
        (false, false) if snap.shut.read => t!("inspector-word-half-closed-in"),
        (false, false) => state_word(st),
    }
}

/// socklab's state of a socket as its badge says it, in the window's language.
pub fn state_word(st: SockState) -> String {
    match st {
        SockState::Created => t!("inspector-word-created"),
        SockState::Bound => t!("inspector-word-bound"),
        SockState::Listening => t!("inspector-word-listening"),
        SockState::Connecting => t!("inspector-word-connecting"),
        SockState::Connected => t!("inspector-word-connected"),
        SockState::HalfClosed => t!("inspector-word-half-closed"),
        SockState::Closed => t!("inspector-word-closed"),
        SockState::Error => t!("inspector-word-error"),
    }
}

/// What moved a socket to its state, as the engine names it: a call (`connect`,
/// `shutdown(SHUT_WR)`) stays as code; the engine's few phrases in the window's language.
pub fn cause(cause: Cause) -> String {
    match cause {
        Cause::Call { op } => op.to_string(),
        Cause::FailedConnect => t!("inspector-cause-failed-connect"),
        Cause::ConnectEnded => t!("inspector-cause-connect-ended"),
        Cause::PeerClosed => t!("inspector-cause-peer-closed"),
        Cause::ReceiveFailed => t!("inspector-cause-receive-failed"),
        Cause::Internal => t!("inspector-cause-internal"),
        Cause::Handshake => t!("inspector-cause-handshake"),
        Cause::KernelState => t!("inspector-cause-kernel"),
        Cause::Aborted => t!("inspector-cause-aborted"),
        Cause::ClosedBySocklab => t!("inspector-cause-socklab"),
        Cause::KernelBound => t!("inspector-cause-kernel-bound"),
    }
}

/// What the engine reported of its own accord (a responder's verdict, a listener that
/// paused), in the window's language; addresses, digests and errno names stay as they are.
pub fn note(note: &Note) -> String {
    let from = |peer: &Option<crate::engine::Endpoint>| match peer {
        Some(p) => t!("note-from", peer = p.to_string()),
        None => String::new(),
    };
    match note {
        Note::HmacPassed { peer } => t!("note-hmac-passed", from = from(peer)),
        Note::HmacFailed {
            peer,
            why: HmacFailure::WrongAnswer,
        } => t!("note-hmac-wrong", from = from(peer)),
        Note::HmacFailed {
            peer,
            why: HmacFailure::NoAnswer { secs },
        } => t!("note-hmac-late", from = from(peer), secs = secs.to_string()),
        Note::NoChallenge {
            peer,
            carried,
            challenge,
            least,
        } => t!(
            "note-no-challenge",
            from = from(peer),
            carried = carried.to_string(),
            challenge = challenge.to_string(),
            least = least.to_string()
        ),
        Note::Answered { mac } => t!("note-answered", mac = mac.as_str()),
        Note::ServerSays { text } => t!("note-server-says", text = format!("{text:?}")),
        Note::RuleFired {
            rule,
            kind,
            pattern,
            count,
        } => t!(
            "note-rule-fired",
            rule = rule.to_string(),
            kind = crate::serve::MatchKind::ALL
                .into_iter()
                .find(|k| k.name() == *kind)
                .map_or_else(|| kind.to_string(), match_kind),
            pattern = format!("{pattern:?}"),
            count = count.to_string()
        ),
        Note::NoRuleMatched { len, head, count } => t!(
            "note-no-rule-matched",
            len = len.to_string(),
            head = format!(
                "{}{}",
                crate::pyfmt::bytes_repr(head),
                if *len > head.len() { "..." } else { "" }
            ),
            count = count.to_string()
        ),
        Note::AcceptPaused { short, sockets } => {
            let sockets = sockets.to_string();
            match short {
                Shortage::ProcessFiles { limit } => t!(
                    "note-paused-process-files",
                    limit = limit.map_or_else(|| t!("note-no-limit"), |n| n.to_string()),
                    sockets = sockets
                ),
                Shortage::SystemFiles => t!("note-paused-system-files", sockets = sockets),
                Shortage::Memory { errno } => t!(
                    "note-paused-memory",
                    errno = crate::engine::errors::errno_name(*errno)
                ),
                Shortage::Sockets { max } => t!("note-paused-sockets", max = max.to_string()),
                Shortage::Consumer { queued } => {
                    t!("note-paused-consumer", queued = queued.to_string())
                }
            }
        }
        Note::AcceptingAgain { tries } => t!("note-accepting-again", tries = tries.to_string()),
        Note::NotFollowed { max } => t!("note-not-followed", max = max.to_string()),
        Note::Unfollowed { errno: Some(errno) } => t!(
            "note-unfollowed-thread",
            errno = crate::engine::errors::errno_name(*errno)
        ),
        Note::Unfollowed { errno: None } => t!("note-unfollowed-behind"),
        Note::StillThere {
            state: Some(state),
            secs,
        } => t!(
            "note-still-there",
            state = state.name(),
            secs = secs.to_string()
        ),
        Note::StillThere { state: None, secs } => {
            t!("note-still-followed", secs = secs.to_string())
        }
        Note::LeftOut { n } => t!("note-left-out", n = n.to_string()),
        Note::HeldByCall {
            op, timeout: true, ..
        } => t!("note-held-by-call-timeout", op = *op),
        // shutdown() wakes a blocked accept (EINVAL) or a stream's recv (b''), not a
        // connect; on an unconnected datagram socket it raises ENOTCONN.
        Note::HeldByCall { op, stream, .. } if op.starts_with("connect") || !stream => {
            t!("note-held-by-call", op = *op)
        }
        Note::HeldByCall { op, .. } => format!(
            "{} {}",
            t!("note-held-by-call", op = *op),
            t!("note-held-by-call-shutdown")
        ),
    }
}

/// How a rule of the rules responder matches, in the window's language (`serve --rule`
/// spells it `regex:`...).
pub fn match_kind(k: crate::serve::MatchKind) -> String {
    use crate::serve::MatchKind;
    match k {
        MatchKind::Exact => t!("serve-kind-exact"),
        MatchKind::Contains => t!("serve-kind-contains"),
        MatchKind::Prefix => t!("serve-kind-prefix"),
        MatchKind::Suffix => t!("serve-kind-suffix"),
        MatchKind::Regex => t!("serve-kind-regex"),
    }
}

/// Why socklab hung up a responder's connection.
pub fn hang_up(why: HangUp) -> String {
    match why {
        HangUp::ResponderEnded => t!("note-hangup-ended"),
        HangUp::PeerClosed => t!("note-hangup-peer-closed"),
        HangUp::PeerGone => t!("note-hangup-peer-gone"),
    }
}

/// An option's value as the inspector shows it: the engine's reading ("off (0)", "on, 5 s")
/// with its words in the window's language; numbers, units and names stay.
pub fn option_value(o: &crate::engine::options::OptionReading) -> String {
    use crate::engine::options::OptKind;
    match (o.kind, o.value) {
        (_, Err(e)) => t!(
            "inspector-opt-unavailable",
            errno = crate::engine::errors::errno_name(e)
        ),
        (OptKind::Bool, Ok(0)) => t!("inspector-opt-off"),
        (OptKind::Bool, Ok(v)) => t!("inspector-opt-on", v = v),
        (OptKind::Linger, Ok(v)) if v < 0 => t!("inspector-opt-linger-off"),
        (OptKind::Linger, Ok(v)) => t!("inspector-opt-linger-on", secs = v),
        (OptKind::Timeval, Ok(0)) if o.text.starts_with("none") => t!("inspector-opt-none"),
        (OptKind::Errno, Ok(0)) => t!("inspector-opt-no-error"),
        (OptKind::Addr4, Ok(0)) => t!("inspector-opt-any-interface"),
        _ => o.text.clone(),
    }
}

/// This kernel's waits between a dropped SYN's tries, as the window says them: "1, 1, 2, 4".
pub fn syn_gaps() -> String {
    crate::engine::inspect::SynRetries::of_kernel().first_gaps(&t!("files-list-separator"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{set, Lang};

    /// The engine's notes worded in Chinese from their facts: a rule's match kind and the
    /// unknowns too, with no English word left (the English is the command line's).
    #[test]
    fn notes_are_worded_in_the_windows_language() {
        set(Lang::ZhCn);
        let fired = note(&Note::RuleFired {
            rule: 2,
            kind: "contains",
            pattern: "GET".into(),
            count: 3,
        });
        assert_eq!(fired, "规则 2（包含 \"GET\"）第 3 次触发");
        let paused = note(&Note::AcceptPaused {
            short: Shortage::ProcessFiles { limit: None },
            sockets: 9,
        });
        assert!(paused.contains("上限 无限制"), "{paused}");
        let still = note(&Note::StillThere {
            state: None,
            secs: 60,
        });
        assert!(still.starts_with("60 秒后仍在内核的表中"), "{still}");
        let notes = [
            fired,
            paused,
            still,
            note(&Note::HmacFailed {
                peer: None,
                why: HmacFailure::NoAnswer { secs: 0.5 },
            }),
            note(&Note::AcceptingAgain { tries: 1 }),
            note(&Note::LeftOut { n: 4 }),
            note(&Note::Unfollowed {
                errno: Some(libc::EAGAIN),
            }),
            note(&Note::Unfollowed { errno: None }),
            hang_up(HangUp::PeerGone),
            cause(Cause::PeerClosed),
        ];
        for n in &notes {
            let english = n
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_lowercase()))
                // Names that are code in every language.
                .filter(|w| !["socklab", "ulimit"].contains(w))
                .collect::<Vec<_>>();
            assert!(english.is_empty(), "{n}: {english:?}");
        }
        set(Lang::En);
        assert_eq!(
            note(&Note::RuleFired {
                rule: 2,
                kind: "contains",
                pattern: "abc".into(),
                count: 3
            }),
            "rule 2 (contains \"abc\") fired, time 3"
        );
    }
}
