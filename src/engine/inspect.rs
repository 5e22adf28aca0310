//! What the kernel knows about a socket beyond its options: TCP_INFO (state, rtt, cwnd,
//! retransmits, accept queue) and the bytes waiting in its receive and send queues.

use std::os::fd::RawFd;

use super::options::getsockopt_raw;

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
pub fn tcp_info(fd: RawFd) -> Option<TcpInfo> {
    let len = std::mem::size_of::<libc::tcp_info>();
    let b = getsockopt_raw(fd, libc::IPPROTO_TCP, libc::TCP_INFO, len).ok()?;
    if b.len() < 104 {
        return None;
    }
    let mut ti: libc::tcp_info = unsafe { std::mem::zeroed() };
    // SAFETY: copying at most size_of::<tcp_info>() bytes into a plain C struct.
    unsafe {
        std::ptr::copy_nonoverlapping(
            b.as_ptr(),
            (&mut ti as *mut libc::tcp_info).cast(),
            b.len().min(len),
        )
    };
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

const SIOCINQ: libc::Ioctl = libc::FIONREAD;
const SIOCOUTQ: libc::Ioctl = libc::TIOCOUTQ;

fn ioctl_int(fd: RawFd, req: libc::Ioctl) -> Option<u32> {
    let mut v: libc::c_int = 0;
    // SAFETY: the ioctl writes one int.
    let rc = unsafe { libc::ioctl(fd, req, &mut v) };
    (rc == 0 && v >= 0).then_some(v as u32)
}

/// Bytes in the kernel receive queue (not yet read), None where the kernel has no answer
/// (e.g. a listener).
pub fn recv_queue(fd: RawFd) -> Option<u32> {
    ioctl_int(fd, SIOCINQ)
}

/// Bytes in the kernel send queue (not yet acknowledged by the peer, for TCP).
pub fn send_queue(fd: RawFd) -> Option<u32> {
    ioctl_int(fd, SIOCOUTQ)
}

/// Whether O_NONBLOCK is set on the descriptor, as the kernel holds it.
pub fn kernel_nonblocking(fd: RawFd) -> bool {
    // SAFETY: F_GETFL on a descriptor we own.
    let fl = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    fl >= 0 && fl & libc::O_NONBLOCK != 0
}
