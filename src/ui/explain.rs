//! What each state means and what leads out of it, for the tooltips of the sockets list
//! and the inspector: the words a learner needs beside a badge.

use crate::engine::inspect::TcpState;
use crate::engine::SockState;

/// socklab's state of a socket: what it means, and what moves it on.
pub fn sock_state(st: SockState) -> &'static str {
    match st {
        SockState::Created => "created: socket() made it; it has no address yet. Next: bind() to give it one, connect() (the kernel picks a local port), or listen() (the kernel binds every interface).",
        SockState::Bound => "bound: it has its local address. Next: listen() to take connections, connect() to a peer, or (UDP) recvfrom/sendto.",
        SockState::Listening => "listening: the kernel completes handshakes and queues the connections (up to the backlog). Next: accept() takes one; close() stops listening.",
        SockState::Connecting => "connecting: the SYN is sent and the kernel waits for the answer. Out: the handshake completes (connected), the peer refuses (back to where it was), or the connect times out.",
        SockState::Connected => "connected: data flows both ways. Out: shutdown() ends one direction, the peer closing makes recv() return b'', close() ends it.",
        SockState::HalfClosed => "half-closed: one direction is shut (by shutdown() here, or the peer closed its side: recv() returns b''). The other still works; close() ends both.",
        SockState::Closed => "closed: the descriptor is gone. A TCP connection may live on in the kernel a while (FIN_WAIT, TIME_WAIT), shown beside it.",
        SockState::Error => "error: a call failed with a reset or a broken pipe (the peer is gone). Close it; a new socket is needed.",
    }
}

/// The kernel's TCP state: what it means, and what leads out of it.
pub fn tcp_state(st: TcpState) -> &'static str {
    match st {
        TcpState::Established => "ESTABLISHED: the handshake is done; data flows. Out: a FIN from either side.",
        TcpState::SynSent => "SYN_SENT: connect() sent a SYN and waits for SYN-ACK. Out: the SYN-ACK (ESTABLISHED), a RST (refused) or the retries running out.",
        TcpState::SynRecv => "SYN_RECV: a SYN came and the SYN-ACK went; waiting for the last ACK of the handshake.",
        TcpState::FinWait1 => "FIN_WAIT1: this side closed and sent its FIN; waiting for the peer to acknowledge it.",
        TcpState::FinWait2 => "FIN_WAIT2: the peer acknowledged this side's FIN; waiting for the peer's own FIN (the peer has not closed yet).",
        TcpState::TimeWait => "TIME_WAIT: both sides closed and this side closed first; the kernel keeps the connection 60 s so late packets die out. Until then its address is taken, unless SO_REUSEADDR is set.",
        TcpState::Close => "CLOSE: no connection (new, only bound, refused or reset).",
        TcpState::CloseWait => "CLOSE_WAIT: the peer closed its side (recv() returns b''); this side may still send. Out: close() here.",
        TcpState::LastAck => "LAST_ACK: the peer closed first, then this side; waiting for the ACK of this side's FIN.",
        TcpState::Listen => "LISTEN: waiting for connections; completed ones queue until accept().",
        TcpState::Closing => "CLOSING: both sides sent a FIN at once; waiting for the ACK of this side's.",
        TcpState::Unknown(_) => "A state this version of socklab does not know.",
    }
}

/// What ends a call that waits on a socket.
pub fn way_out(op: &str) -> &'static str {
    match op {
        "recv" | "recvfrom" => "data arriving, shutdown(SHUT_RD) or close ends it",
        "accept" => "a connection arriving or close ends it",
        "connect" | "connect_ex" => "the peer's answer, a timeout or close ends it",
        "send" | "sendall" | "sendto" => "the peer reading, a timeout or close ends it",
        _ => "close ends it",
    }
}
