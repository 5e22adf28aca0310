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
    /// The kernel holds the peer's FIN: it sent its last byte.
    pub fn peer_fin(self) -> bool {
        matches!(
            self,
            TcpState::CloseWait | TcpState::LastAck | TcpState::Closing | TcpState::TimeWait
        )
    }

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
    /// The retransmission timeout now, microseconds: in SYN_SENT, how long the kernel
    /// waits for a SYN-ACK after its last SYN (1 s for the first tries, then doubling).
    pub rto_us: u32,
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
        rto_us: ti.tcpi_rto,
    })
}

/// A datagram socket's receive buffer as the kernel accounts it (SO_MEMINFO).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecvBuffer {
    /// What the queued datagrams cost the buffer now, bookkeeping included (a 64-byte
    /// datagram costs several hundred bytes).
    pub used: u32,
    /// Its size (SO_RCVBUF as the kernel keeps it).
    pub size: u32,
    /// Datagrams dropped since the socket was made because the buffer was full.
    pub drops: u32,
}

/// The receive buffer's use and drops, None where the kernel does not say.
pub fn recv_buffer(fd: BorrowedFd<'_>) -> Option<RecvBuffer> {
    sys::meminfo(fd).map(|m| RecvBuffer {
        used: m.rmem,
        size: m.rcvbuf,
        drops: m.drops,
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

// sock_diag's messages (linux/netlink.h, linux/inet_diag.h), laid out as the kernel lays
// them out: requests are written and answers read at these structs' own offsets.

#[repr(C)]
struct NlMsgHdr {
    len: u32,
    kind: u16,
    flags: u16,
    seq: u32,
    pid: u32,
}

#[repr(C)]
struct InetDiagSockId {
    /// Ports and addresses in network byte order.
    sport: [u8; 2],
    dport: [u8; 2],
    src: [u8; 16],
    dst: [u8; 16],
    interface: u32,
    cookie: [u32; 2],
}

#[repr(C)]
struct InetDiagReqV2 {
    family: u8,
    protocol: u8,
    ext: u8,
    pad: u8,
    states: u32,
    id: InetDiagSockId,
}

#[repr(C)]
struct InetDiagMsg {
    family: u8,
    state: u8,
    timer: u8,
    retrans: u8,
    id: InetDiagSockId,
    expires: u32,
    rqueue: u32,
    wqueue: u32,
    uid: u32,
    inode: u32,
}

const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLMSG_DONE: u16 = 3;
const NLMSG_ERROR: u16 = 2;
const HDR: usize = std::mem::size_of::<NlMsgHdr>();

/// `N` bytes at `at`, or None past the end.
fn bytes_at<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}

fn put(req: &mut [u8], at: usize, bytes: &[u8]) {
    req[at..at + bytes.len()].copy_from_slice(bytes);
}

/// One TCP socket in the kernel's table, as sock_diag reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiagEntry {
    pub state: TcpState,
    pub local: std::net::SocketAddr,
    pub peer: std::net::SocketAddr,
    /// The socket's inode: 0 for one no process holds (in an accept queue, in TIME_WAIT).
    pub inode: u32,
    /// The timer that runs (3: TIME_WAIT's), and the milliseconds until it fires.
    pub timer: u8,
    pub expires_ms: u32,
}

/// Entries read from one dump at most (a busy machine's table is larger; what follows is
/// not read).
const MAX_ENTRIES: usize = 65_536;

/// The kernel's TCP sockets of one family in the given states (a bit per state, numbered
/// as TcpState's raw values), read with sock_diag netlink. None when the kernel would not
/// say. A dump is read in parts while the table changes, so a socket missing from it may
/// still be there: `tcp_lookup` asks for one by its four-tuple.
pub fn tcp_table(v6: bool, states: u32) -> Option<Vec<DiagEntry>> {
    let family = if v6 { libc::AF_INET6 } else { libc::AF_INET } as u8;
    let sock = sys::sock_diag_socket().ok()?;
    let fd = sock.as_fd();
    let req = diag_request(family, states, None);
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
        for m in messages(&buf[..n]) {
            match m? {
                Message::Done => return Some(out),
                Message::Error { .. } => return None,
                Message::Socket(body) => {
                    if out.len() >= MAX_ENTRIES {
                        return Some(out);
                    }
                    out.extend(body.first().and_then(|f| entry(body, *f)));
                }
            }
        }
    }
}

/// The kernel's TCP connection with this four-tuple, in whatever state (TIME_WAIT too),
/// asked for by its addresses rather than found in a dump: Some(None) when the kernel
/// has no such connection, None when it would not say.
pub fn tcp_lookup(
    local: std::net::SocketAddr,
    peer: std::net::SocketAddr,
) -> Option<Option<DiagEntry>> {
    let family = match (local, peer) {
        (std::net::SocketAddr::V4(_), std::net::SocketAddr::V4(_)) => libc::AF_INET,
        (std::net::SocketAddr::V6(_), std::net::SocketAddr::V6(_)) => libc::AF_INET6,
        _ => return None,
    } as u8;
    let sock = sys::sock_diag_socket().ok()?;
    let fd = sock.as_fd();
    let req = diag_request(family, u32::MAX, Some((local, peer)));
    if !sys::send_all(fd, &req) {
        return None;
    }
    let mut buf = vec![0u8; 8 << 10];
    let n = sys::recv_some(fd, &mut buf);
    let first = messages(&buf[..n]).next()??;
    match first {
        // With no connection of these addresses the kernel answers with the listener on
        // the local port, if any: that is not the four-tuple asked for.
        Message::Socket(body) => {
            // The kernel may answer with a socket of the other family (a dual-stack one
            // for an IPv4 four-tuple): its addresses are read as its family says.
            let e = entry(body, *body.first()?)?;
            let same = same_endpoint(e.local, local) && same_endpoint(e.peer, peer);
            Some(same.then_some(e))
        }
        Message::Error { errno } if errno == libc::ENOENT => Some(None),
        _ => None,
    }
}

/// The same endpoint, an IPv4-mapped IPv6 address being its IPv4 one.
pub(crate) fn same_endpoint(a: std::net::SocketAddr, b: std::net::SocketAddr) -> bool {
    a.port() == b.port() && a.ip().to_canonical() == b.ip().to_canonical()
}

/// A SOCK_DIAG_BY_FAMILY request for TCP: a dump of the sockets in `states`, or the one
/// socket with the given four-tuple.
fn diag_request(
    family: u8,
    states: u32,
    one: Option<(std::net::SocketAddr, std::net::SocketAddr)>,
) -> [u8; REQ] {
    use std::mem::offset_of;
    let mut req = [0u8; REQ];
    let flags = if one.is_some() {
        libc::NLM_F_REQUEST
    } else {
        libc::NLM_F_REQUEST | libc::NLM_F_DUMP
    } as u16;
    put(
        &mut req,
        offset_of!(NlMsgHdr, len),
        &(REQ as u32).to_ne_bytes(),
    );
    put(
        &mut req,
        offset_of!(NlMsgHdr, kind),
        &SOCK_DIAG_BY_FAMILY.to_ne_bytes(),
    );
    put(&mut req, offset_of!(NlMsgHdr, flags), &flags.to_ne_bytes());
    put(&mut req, offset_of!(NlMsgHdr, seq), &1u32.to_ne_bytes());
    put(&mut req, HDR + offset_of!(InetDiagReqV2, family), &[family]);
    put(
        &mut req,
        HDR + offset_of!(InetDiagReqV2, protocol),
        &[libc::IPPROTO_TCP as u8],
    );
    put(
        &mut req,
        HDR + offset_of!(InetDiagReqV2, states),
        &states.to_ne_bytes(),
    );
    if let Some((local, peer)) = one {
        let id = HDR + offset_of!(InetDiagReqV2, id);
        let ip = |a: std::net::SocketAddr| match a.ip() {
            std::net::IpAddr::V4(v4) => {
                let mut b = [0u8; 16];
                b[..4].copy_from_slice(&v4.octets());
                b
            }
            std::net::IpAddr::V6(v6) => v6.octets(),
        };
        put(
            &mut req,
            id + offset_of!(InetDiagSockId, sport),
            &local.port().to_be_bytes(),
        );
        put(
            &mut req,
            id + offset_of!(InetDiagSockId, dport),
            &peer.port().to_be_bytes(),
        );
        put(&mut req, id + offset_of!(InetDiagSockId, src), &ip(local));
        put(&mut req, id + offset_of!(InetDiagSockId, dst), &ip(peer));
        // INET_DIAG_NOCOOKIE: any socket with these addresses, whichever it is.
        put(
            &mut req,
            id + offset_of!(InetDiagSockId, cookie),
            &[0xff; 8],
        );
    }
    req
}

const REQ: usize = HDR + std::mem::size_of::<InetDiagReqV2>();

/// One netlink message of an answer.
enum Message<'a> {
    Done,
    /// NLMSG_ERROR: the errno the kernel gave (0 for an acknowledgement).
    Error {
        errno: i32,
    },
    /// A socket's inet_diag_msg and its attributes.
    Socket(&'a [u8]),
}

/// The messages in one datagram of an answer; None for one that does not fit in it.
fn messages(got: &[u8]) -> impl Iterator<Item = Option<Message<'_>>> {
    use std::mem::offset_of;
    let mut at = 0usize;
    let mut broken = false;
    std::iter::from_fn(move || {
        if broken || at + HDR > got.len() {
            return None;
        }
        let message = (|| {
            let len = u32::from_ne_bytes(bytes_at(got, at + offset_of!(NlMsgHdr, len))?) as usize;
            let kind = u16::from_ne_bytes(bytes_at(got, at + offset_of!(NlMsgHdr, kind))?);
            let body = got
                .get(at + HDR..at.checked_add(len)?)
                .filter(|_| len >= HDR)?;
            // Messages are aligned to 4 bytes (NLMSG_ALIGN).
            at += len.div_ceil(4) * 4;
            Some(match kind {
                NLMSG_DONE => Message::Done,
                NLMSG_ERROR => Message::Error {
                    errno: i32::from_ne_bytes(bytes_at(body, 0)?).saturating_neg(),
                },
                _ => Message::Socket(body),
            })
        })();
        broken = message.is_none();
        Some(message)
    })
}

/// The socket an inet_diag_msg describes; None for one too short.
fn entry(m: &[u8], family: u8) -> Option<DiagEntry> {
    use std::mem::offset_of;
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
    if m.len() < std::mem::size_of::<InetDiagMsg>() {
        return None;
    }
    let id = offset_of!(InetDiagMsg, id);
    let port = |o: usize| bytes_at::<2>(m, o).map(u16::from_be_bytes);
    let ip = |o: usize| -> Option<IpAddr> {
        let b: [u8; 16] = bytes_at(m, id + o)?;
        Some(if family == libc::AF_INET as u8 {
            IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]))
        } else {
            IpAddr::V6(Ipv6Addr::from(b))
        })
    };
    let word = |o: usize| bytes_at(m, o).map(u32::from_ne_bytes);
    Some(DiagEntry {
        state: TcpState::from_raw(m[offset_of!(InetDiagMsg, state)]),
        local: SocketAddr::new(
            ip(offset_of!(InetDiagSockId, src))?,
            port(id + offset_of!(InetDiagSockId, sport))?,
        ),
        peer: SocketAddr::new(
            ip(offset_of!(InetDiagSockId, dst))?,
            port(id + offset_of!(InetDiagSockId, dport))?,
        ),
        inode: word(offset_of!(InetDiagMsg, inode))?,
        timer: m[offset_of!(InetDiagMsg, timer)],
        expires_ms: word(offset_of!(InetDiagMsg, expires))?,
    })
}

/// What a TCP listener's kernel holds for it, by the clients' addresses, oldest first as
/// the kernel lists them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListenerQueues {
    /// Completed (ESTABLISHED, or already closed by the peer: CLOSE_WAIT) but not yet
    /// accepted.
    pub accepted: Vec<std::net::SocketAddr>,
    /// Half-open (SYN-RECV): the kernel answered the SYN, the client's ACK has not
    /// completed the handshake here. Its client's connect() may well have returned: an ACK
    /// that came while the accept queue was full was dropped (or TCP_DEFER_ACCEPT waits
    /// for its first bytes).
    pub half_open: Vec<std::net::SocketAddr>,
}

/// A listener's queues on `local`, read with sock_diag netlink (queued sockets have no
/// inode until accept() gives them one); `accepted`: the completed ones are wanted too
/// (the kernel says it holds some). None when the kernel would not say.
pub fn listener_queues(local: &std::net::SocketAddr, accepted: bool) -> Option<ListenerQueues> {
    const MAX: usize = 4096;
    let mut states = 1 << TcpStateBits::SYN_RECV;
    if accepted {
        states |= (1 << TcpStateBits::ESTABLISHED) | (1 << TcpStateBits::CLOSE_WAIT);
    }
    let table = tcp_table(local.is_ipv6(), states)?;
    let mut q = ListenerQueues::default();
    for e in table.into_iter().filter(|e| {
        e.inode == 0
            && e.local.port() == local.port()
            && (local.ip().is_unspecified() || e.local.ip() == local.ip())
    }) {
        let list = match e.state {
            TcpState::SynRecv => &mut q.half_open,
            _ => &mut q.accepted,
        };
        if list.len() < MAX {
            list.push(e.peer);
        }
    }
    Some(q)
}

/// States as sock_diag's filter numbers them (a bit each).
struct TcpStateBits;

impl TcpStateBits {
    const ESTABLISHED: u32 = 1;
    /// The kernel lists its half-open request sockets (TCP_NEW_SYN_RECV) under it.
    const SYN_RECV: u32 = 3;
    const CLOSE_WAIT: u32 = 8;
}

/// How a client's kernel sends its SYN again while no answer comes (a listener's full
/// accept queue drops it): the waits between the tries, in seconds, the last one before
/// it gives up (connect() then fails with ETIMEDOUT).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynRetries {
    pub gaps: Vec<u32>,
    /// The tries kept at the first wait (net.ipv4.tcp_syn_linear_timeouts, Linux 6.5 on).
    pub linear: u32,
}

/// TCP_RTO_MAX: no wait between tries is longer (net.ipv4.tcp_rto_max_ms may lower it).
const RTO_MAX_SECS: u32 = 120;

impl SynRetries {
    /// From net.ipv4.tcp_syn_retries and tcp_syn_linear_timeouts (0 where the kernel has
    /// none): the first try waits the initial 1 s, as do the `linear` after it; each next
    /// doubles. A client sends `retries + linear` SYNs again (the kernel counts the linear
    /// ones apart), then gives up one more wait later.
    /// `rto_max`: the longest wait, in seconds.
    pub fn of(retries: u32, linear: u32, rto_max: u32) -> SynRetries {
        let tries = retries.min(64) + linear.min(64);
        let most = rto_max.clamp(1, RTO_MAX_SECS);
        let gaps = (0..=tries)
            .map(|i| match i.checked_sub(linear) {
                Some(doubled) if doubled > 0 => 1u32.checked_shl(doubled).unwrap_or(most).min(most),
                _ => 1,
            })
            .collect();
        SynRetries { gaps, linear }
    }

    /// The kernel's, read once (the window says it from then on: nothing is read in a
    /// frame).
    pub fn of_kernel() -> &'static SynRetries {
        static READ: std::sync::OnceLock<SynRetries> = std::sync::OnceLock::new();
        READ.get_or_init(|| {
            let read = |name: &str| {
                std::fs::read_to_string(format!("/proc/sys/net/ipv4/{name}"))
                    .ok()
                    .and_then(|s| s.trim().parse::<u32>().ok())
            };
            SynRetries::of(
                read("tcp_syn_retries").unwrap_or(6),
                read("tcp_syn_linear_timeouts").unwrap_or(0),
                read("tcp_rto_max_ms").map_or(RTO_MAX_SECS, |ms| ms / 1000),
            )
        })
    }

    /// The first waits, as "1, 1, 2, 4, 8" (the linear ones, then three doublings): the
    /// rhythm a person sees in the diagram's SYNs.
    pub fn first_gaps(&self, separator: &str) -> String {
        let shown = (self.linear as usize + 4).min(self.gaps.len());
        let said: Vec<String> = self.gaps[..shown].iter().map(u32::to_string).collect();
        said.join(separator)
    }

    /// The longest wait before a try that is still made (the last one only ends it): how
    /// late a SYN may come after room was made.
    pub fn longest_retry(&self) -> u32 {
        self.gaps.iter().rev().nth(1).copied().unwrap_or(1)
    }

    /// Seconds from the first SYN until connect() gives up.
    pub fn give_up_secs(&self) -> u32 {
        self.gaps.iter().sum()
    }
}

#[cfg(test)]
mod syn_tests {
    use super::SynRetries;

    /// Linux 6.5 on (4 linear tries, 6 retries): 1 s five times, then doubling; connect()
    /// gives up after 131 s, as tcp(7) and ip-sysctl say. Before it, 127 s.
    #[test]
    fn the_kernels_syn_tries_as_linux_times_them() {
        let now = SynRetries::of(6, 4, 120);
        assert_eq!(now.gaps, [1, 1, 1, 1, 1, 2, 4, 8, 16, 32, 64]);
        assert_eq!(now.give_up_secs(), 131);
        assert_eq!(now.first_gaps(", "), "1, 1, 1, 1, 1, 2, 4, 8");
        assert_eq!(now.longest_retry(), 32);
        let before = SynRetries::of(6, 0, 120);
        assert_eq!(before.gaps, [1, 2, 4, 8, 16, 32, 64]);
        assert_eq!(before.give_up_secs(), 127);
        assert_eq!(before.first_gaps("、"), "1、2、4、8");
        // No wait is past TCP_RTO_MAX, whatever the settings say.
        let many = SynRetries::of(127, 0, 120);
        assert_eq!(many.gaps.iter().max(), Some(&120));
        // tcp_rto_max_ms lowered to 5 s: no wait is longer.
        assert_eq!(SynRetries::of(6, 0, 5).gaps, [1, 2, 4, 5, 5, 5, 5]);
        assert_eq!(SynRetries::of(0, 0, 120).gaps, [1]);
    }
}
