//! What each state means and what leads out of it, for the tooltips of the sockets list
//! and the inspector: the words a learner needs beside a badge.

use crate::engine::inspect::TcpState;
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

/// What ends a call that waits on a socket.
pub fn way_out(op: &str) -> String {
    match op {
        "recv" | "recvfrom" => t!("inspector-way-out-recv"),
        "accept" => t!("inspector-way-out-accept"),
        "connect" | "connect_ex" => t!("inspector-way-out-connect"),
        "send" | "sendall" | "sendto" => t!("inspector-way-out-send"),
        _ => t!("inspector-way-out-close"),
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
pub fn cause(cause: &str) -> String {
    match cause {
        "a failed connect" => t!("inspector-cause-failed-connect"),
        "the peer closed its side" => t!("inspector-cause-peer-closed"),
        "a receive failed" => t!("inspector-cause-receive-failed"),
        "an internal error" => t!("inspector-cause-internal"),
        "the handshake completed" => t!("inspector-cause-handshake"),
        "the kernel's TCP state" => t!("inspector-cause-kernel"),
        "closed by socklab" => t!("inspector-cause-socklab"),
        other => other.to_string(),
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
        _ => o.text.clone(),
    }
}
