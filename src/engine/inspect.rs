//! What the kernel knows about a socket beyond its options: TCP_INFO (state, rtt, cwnd,
//! retransmits, accept queue) and the bytes waiting in its receive and send queues.

use std::os::fd::{AsFd, BorrowedFd};

use crate::sys;

/// The TCP state machine's states, numbered as in Linux's tcp_states.h.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TcpState {
    Established,
    SynSent,
    SynRecv,
    FinWait1,
    FinWait2,
    TimeWait,
    Close,
    CloseWait,
    LastAck,
    Listen,
    Closing,
    Unknown(u8),
}

impl TcpState {
    pub fn from_raw(v: u8) -> TcpState {
        match v {
            1 => TcpState::Established,
            2 => TcpState::SynSent,
            3 => TcpState::SynRecv,
            4 => TcpState::FinWait1,
            5 => TcpState::FinWait2,
            6 => TcpState::TimeWait,
            7 => TcpState::Close,
            8 => TcpState::CloseWait,
            9 => TcpState::LastAck,
            10 => TcpState::Listen,
            11 => TcpState::Closing,
            x => TcpState::Unknown(x),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TcpState::Established => "ESTABLISHED",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynRecv => "SYN_RECV",
            TcpState::FinWait1 => "FIN_WAIT1",
            TcpState::FinWait2 => "FIN_WAIT2",
            TcpState::TimeWait => "TIME_WAIT",
            TcpState::Close => "CLOSE",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::LastAck => "LAST_ACK",
            TcpState::Listen => "LISTEN",
            TcpState::Closing => "CLOSING",
            TcpState::Unknown(_) => "UNKNOWN",
        }
    }
}

/// The figures of TCP_INFO the inspector shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcpInfo {
    pub state: TcpState,
    /// Smoothed round-trip time and its variance, microseconds.
    pub rtt_us: u32,
    pub rttvar_us: u32,
    /// Congestion window, in segments.
    pub snd_cwnd: u32,
    pub snd_mss: u32,
    /// Retransmissions of the current segment, and in the connection's life.
    pub retransmits: u8,
    pub total_retrans: u32,
    /// Segments sent and not yet acknowledged; for a listener, the accept-queue length.
    pub unacked: u32,
    /// For a listener, the backlog it was given (capped by somaxconn).
    pub sacked: u32,
}

impl TcpInfo {
    /// For a listener: connections the kernel completed that nobody accepted yet.
    pub fn accept_queue(&self) -> Option<(u32, u32)> {
        (self.state == TcpState::Listen).then_some((self.unacked, self.sacked))
    }
}

/// Reads TCP_INFO; None for non-TCP sockets.
pub fn tcp_info(fd: BorrowedFd<'_>) -> Option<TcpInfo> {
    let ti = sys::tcp_info(fd)?;
    Some(TcpInfo {
        state: TcpState::from_raw(ti.tcpi_state),
        rtt_us: ti.tcpi_rtt,
        rttvar_us: ti.tcpi_rttvar,
        snd_cwnd: ti.tcpi_snd_cwnd,
        snd_mss: ti.tcpi_snd_mss,
        retransmits: ti.tcpi_retransmits,
        total_retrans: ti.tcpi_total_retrans,
        unacked: ti.tcpi_unacked,
        sacked: ti.tcpi_sacked,
    })
}

/// Bytes in the kernel receive queue (not yet read), None where the kernel has no answer
/// (e.g. a listener).
pub fn recv_queue(fd: BorrowedFd<'_>) -> Option<u32> {
    sys::recv_queue(fd)
}

/// Bytes in the kernel send queue (not yet acknowledged by the peer, for TCP).
pub fn send_queue(fd: BorrowedFd<'_>) -> Option<u32> {
    sys::send_queue(fd)
}

/// Whether O_NONBLOCK is set on the descriptor, as the kernel holds it.
pub fn kernel_nonblocking(fd: BorrowedFd<'_>) -> bool {
    sys::nonblocking(fd)
}

/// The connections a TCP listener's kernel queue holds: completed (ESTABLISHED, or already
/// closed by the peer: CLOSE_WAIT) but not yet accepted. Read with sock_diag netlink: such
/// sockets have no inode until accept() gives them one. Their peers' addresses, oldest
/// first as the kernel lists them; None when the kernel would not say.
pub fn accept_queue(local: &std::net::SocketAddr) -> Option<Vec<std::net::SocketAddr>> {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
    const SOCK_DIAG_BY_FAMILY: u16 = 20;
    const NLMSG_DONE: u16 = 3;
    const NLMSG_ERROR: u16 = 2;
    const MAX: usize = 4096;
    let family = if local.is_ipv4() {
        libc::AF_INET
    } else {
        libc::AF_INET6
    } as u8;
    let sock = sys::sock_diag_socket().ok()?;
    let fd = sock.as_fd();
    // nlmsghdr (16 bytes) + inet_diag_req_v2 (56 bytes).
    let mut req = [0u8; 72];
    req[0..4].copy_from_slice(&72u32.to_ne_bytes());
    req[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    let flags = (libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16;
    req[6..8].copy_from_slice(&flags.to_ne_bytes());
    req[8..12].copy_from_slice(&1u32.to_ne_bytes());
    req[16] = family;
    req[17] = libc::IPPROTO_TCP as u8;
    let states: u32 = (1 << 1) | (1 << 8); // ESTABLISHED, CLOSE_WAIT
    req[20..24].copy_from_slice(&states.to_ne_bytes());
    if !sys::send_all(fd, &req) {
        return None;
    }
    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = sys::recv_some(fd, &mut buf);
        if n == 0 {
            return None;
        }
        let mut at = 0usize;
        while at + 16 <= n {
            let len = u32::from_ne_bytes(buf[at..at + 4].try_into().ok()?) as usize;
            let kind = u16::from_ne_bytes(buf[at + 4..at + 6].try_into().ok()?);
            if kind == NLMSG_DONE {
                return Some(out);
            }
            if kind == NLMSG_ERROR || len < 16 || at + len > n {
                return None;
            }
            let m = &buf[at + 16..at + len];
            if m.len() >= 72 {
                let sport = u16::from_be_bytes([m[4], m[5]]);
                let dport = u16::from_be_bytes([m[6], m[7]]);
                let inode = u32::from_ne_bytes(m[68..72].try_into().ok()?);
                let ip = |o: usize| -> IpAddr {
                    if family == libc::AF_INET as u8 {
                        IpAddr::V4(Ipv4Addr::new(m[o], m[o + 1], m[o + 2], m[o + 3]))
                    } else {
                        let b: [u8; 16] = m[o..o + 16].try_into().unwrap_or([0; 16]);
                        IpAddr::V6(Ipv6Addr::from(b))
                    }
                };
                let src = ip(8);
                let same_addr = local.ip().is_unspecified() || src == local.ip();
                if inode == 0 && sport == local.port() && same_addr && out.len() < MAX {
                    out.push(SocketAddr::new(ip(24), dport));
                }
            }
            at += (len + 3) & !3;
        }
    }
}
