//! TCP segments on loopback, as they went: an AF_PACKET socket (root or CAP_NET_RAW) whose
//! segments between watched ports are parsed (flags, sequence and ack numbers, payload
//! length) and handed over on a bounded channel — what the sequence diagram draws the
//! handshake, the data and the close from when it may. Without the permission, starting
//! says so and the diagram is built from the socket events.
//!
//! A kernel filter passes TCP only, so a UDP flood costs the capture nothing. Under a TCP
//! flood (more than THIN_ABOVE segments a second) reading every segment would compete for
//! the cores with the flood itself and with drawing; the filter then keeps every segment
//! with SYN, FIN or RST and one in THIN_ONE_IN of the others, and the window says so, until
//! the rate falls back.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use socket2::{Domain, Protocol, SockFilter, Socket, Type};

/// Segments waiting to be read, at most (more are counted as dropped).
pub const MAX_WAITING: usize = 4096;
/// Bytes read of a packet: the headers are all that is parsed.
const SNAP: usize = 256;
/// Segments a second above which the capture thins out what it keeps.
pub const THIN_ABOVE: u64 = 5_000;
/// While thinning, one segment in this many without SYN, FIN or RST is kept.
pub const THIN_ONE_IN: u32 = 128;
/// How often the rate is judged: the window it is counted over.
const RATE_WINDOW: Duration = Duration::from_millis(100);
/// Thinning ends after this long below a quarter of THIN_ABOVE.
const CALM: Duration = Duration::from_millis(500);

pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;

/// One TCP segment seen on loopback.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub at: Instant,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub flags: u8,
    pub seq: u32,
    pub ack: u32,
    /// Payload bytes.
    pub len: u32,
}

impl Segment {
    /// The flags as Wireshark names them: "SYN", "SYN, ACK", "FIN, ACK", "PSH, ACK", "RST".
    pub fn flag_names(&self) -> String {
        flag_names(self.flags)
    }
}

/// TCP flags as Wireshark names them, in its order.
pub fn flag_names(flags: u8) -> String {
    let mut names = Vec::new();
    for (bit, name) in [
        (FIN, "FIN"),
        (SYN, "SYN"),
        (RST, "RST"),
        (PSH, "PSH"),
        (ACK, "ACK"),
    ] {
        if flags & bit != 0 {
            names.push(name);
        }
    }
    names.join(", ")
}

/// How the capture is doing.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Its thread is opening the socket.
    Starting,
    On,
    /// It could not capture: the errno (EPERM without root or CAP_NET_RAW) and the words.
    Refused {
        errno: Option<i32>,
        why: String,
    },
}

/// A capture on loopback, its socket opened and read on a thread of its own; stops when
/// dropped.
pub struct Capture {
    rx: Receiver<Segment>,
    /// Local ports whose segments are kept.
    ports: Arc<Mutex<HashSet<u16>>>,
    dropped: Arc<AtomicU64>,
    /// 1, or THIN_ONE_IN while a flood is thinned.
    one_in: Arc<AtomicU32>,
    stop: Arc<AtomicBool>,
    wake: Arc<std::os::fd::OwnedFd>,
    started: Receiver<Result<(), std::io::Error>>,
    status: Mutex<Status>,
}

impl Capture {
    /// Starts capturing on loopback; `told` is called when segments are waiting, and once
    /// the capture is on or refused (status() says which).
    pub fn start(told: impl Fn() + Send + 'static) -> std::io::Result<Capture> {
        let wake = Arc::new(crate::sys::eventfd()?);
        let (tx, rx) = crossbeam_channel::bounded(MAX_WAITING);
        let (started_tx, started) = crossbeam_channel::bounded(1);
        let ports = Arc::new(Mutex::new(HashSet::new()));
        let dropped = Arc::new(AtomicU64::new(0));
        let one_in = Arc::new(AtomicU32::new(1));
        let stop = Arc::new(AtomicBool::new(false));
        let (p, d, st, w) = (ports.clone(), dropped.clone(), stop.clone(), wake.clone());
        let o = one_in.clone();
        std::thread::Builder::new()
            .name("socklab-capture".into())
            .spawn(move || match open() {
                Ok(sock) => {
                    let _ = started_tx.send(Ok(()));
                    told();
                    Reader {
                        sock,
                        tx,
                        ports: p,
                        dropped: d,
                        one_in: o,
                        stop: st,
                        wake: w,
                    }
                    .run(told);
                }
                Err(e) => {
                    let _ = started_tx.send(Err(e));
                    told();
                }
            })?;
        Ok(Capture {
            rx,
            ports,
            dropped,
            one_in,
            stop,
            wake,
            started,
            status: Mutex::new(Status::Starting),
        })
    }

    /// Whether it captures (answered by its thread once it opened the socket, or not).
    pub fn status(&self) -> Status {
        let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
        if *status == Status::Starting {
            match self.started.try_recv() {
                Ok(Ok(())) => *status = Status::On,
                Ok(Err(e)) => {
                    *status = Status::Refused {
                        errno: e.raw_os_error(),
                        why: e.to_string(),
                    }
                }
                Err(crossbeam_channel::TryRecvError::Empty) => {}
                Err(crossbeam_channel::TryRecvError::Disconnected) => {
                    *status = Status::Refused {
                        errno: None,
                        why: "the capture's thread ended".into(),
                    }
                }
            }
        }
        status.clone()
    }

    /// Keeps the segments to and from these local ports (the window's TCP sockets').
    pub fn watch(&self, ports: impl IntoIterator<Item = u16>) {
        let mut p = self.ports.lock().unwrap_or_else(|e| e.into_inner());
        p.clear();
        p.extend(ports);
    }

    /// The segments seen since the last call.
    pub fn take(&self) -> Vec<Segment> {
        self.rx.try_iter().collect()
    }

    /// Segments not kept because the reader fell behind: those its channel had no room for,
    /// and those the kernel could not queue (which may include other programs' segments:
    /// they are dropped before anyone looks at their ports).
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// While a flood is thinned: one in how many segments without SYN, FIN or RST is kept.
    pub fn thinned(&self) -> Option<u32> {
        let n = self.one_in.load(Ordering::Acquire);
        (n > 1).then_some(n)
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        crate::sys::eventfd_signal(self.wake.as_fd());
    }
}

/// The capture's socket: cooked AF_PACKET (the IP header first), bound to loopback, the
/// host's own outgoing copies left out (each loopback packet passes out and in).
fn open() -> std::io::Result<Socket> {
    let eth_p_all = (libc::ETH_P_ALL as u16).to_be();
    let sock = Socket::new(
        Domain::PACKET,
        Type::DGRAM,
        Some(Protocol::from(i32::from(eth_p_all))),
    )?;
    let lo = crate::sys::interface_index(sock.as_fd(), "lo")?;
    crate::sys::bind_packet(sock.as_fd(), lo, eth_p_all)?;
    crate::sys::setsockopt_raw(
        sock.as_fd(),
        libc::SOL_PACKET,
        PACKET_IGNORE_OUTGOING,
        &1i32.to_ne_bytes(),
    )
    .map_err(std::io::Error::from_raw_os_error)?;
    sock.attach_filter(&program(1))?;
    // Room for a burst while the reader is not running (4 MiB of kernel memory at most);
    // without CAP_NET_ADMIN the default stays, and what does not fit is counted below.
    let _ = crate::sys::setsockopt_raw(
        sock.as_fd(),
        libc::SOL_SOCKET,
        libc::SO_RCVBUFFORCE,
        &(4i32 << 20).to_ne_bytes(),
    );
    sock.set_nonblocking(true)?;
    Ok(sock)
}

/// The kernel's filter (classic BPF over the IP header, as the cooked socket gives it):
/// TCP over IPv4 or IPv6, its headers only; with `one_in` above 1, only the segments with
/// SYN, FIN or RST and a random one in `one_in` of the others.
fn program(one_in: u32) -> Vec<SockFilter> {
    // linux/filter.h and bpf_common.h.
    const LD_B_ABS: u16 = 0x30;
    const LD_B_IND: u16 = 0x50;
    const LD_W_ABS: u16 = 0x20;
    const LDX_B_MSH: u16 = 0xb1;
    const RSH_K: u16 = 0x74;
    const MOD_K: u16 = 0x94;
    const JA: u16 = 0x05;
    const JEQ_K: u16 = 0x15;
    const JSET_K: u16 = 0x45;
    const RET_K: u16 = 0x06;
    /// SKF_AD_OFF + SKF_AD_RANDOM: a load from here reads a random word.
    const RANDOM: u32 = (-0x1000i32 + 56) as u32;
    const CONTROL: u32 = (FIN | SYN | RST) as u32;
    let f = SockFilter::new;
    let sample = one_in > 1;
    // The positions jumps go to: the sampling takes three more before them.
    let keep: u8 = if sample { 16 } else { 13 };
    let drop = keep + 1;
    let mut p = vec![
        f(LD_B_ABS, 0, 0, 0),       // 0: A = the IP version and IPv4's header length
        f(RSH_K, 0, 0, 4),          // 1: A = the version
        f(JEQ_K, 9 - 3, 0, 6),      // 2: IPv6 -> 9
        f(JEQ_K, 0, drop - 4, 4),   // 3: not IPv4 -> drop
        f(LD_B_ABS, 0, 0, 9),       // 4: IPv4's protocol
        f(JEQ_K, 0, drop - 6, 6),   // 5: not TCP -> drop
        f(LDX_B_MSH, 0, 0, 0),      // 6: X = IPv4's header length
        f(LD_B_IND, 0, 0, 13),      // 7: A = TCP's flags
        f(JA, 0, 0, 12 - 9),        // 8: -> 12
        f(LD_B_ABS, 0, 0, 6),       // 9: IPv6's next header
        f(JEQ_K, 0, drop - 11, 6),  // 10: not TCP (no extension headers on loopback)
        f(LD_B_ABS, 0, 0, 40 + 13), // 11: A = TCP's flags
        f(JSET_K, keep - 13, 0, CONTROL), // 12: SYN, FIN or RST -> keep
    ];
    if sample {
        p.extend([
            f(LD_W_ABS, 0, 0, RANDOM), // 13: A = a random word
            f(MOD_K, 0, 0, one_in),    // 14: A %= one_in
            f(JEQ_K, 0, 1, 0),         // 15: 0 -> keep, else drop
        ]);
    }
    p.extend([f(RET_K, 0, 0, SNAP as u32), f(RET_K, 0, 0, 0)]);
    p
}

/// The segments a second the capture reads, judged every RATE_WINDOW: above THIN_ABOVE the
/// kernel's filter thins them; after CALM below a quarter of it, it keeps them all again.
struct Rate {
    since: Instant,
    seen: u64,
    calm_since: Option<Instant>,
}

impl Rate {
    /// Counts a window's segments (thinned ones as the many they stand for); the filter
    /// to change to, if any.
    fn judge(&mut self, now: Instant, one_in: u32) -> Option<u32> {
        let took = now.duration_since(self.since);
        if took < RATE_WINDOW {
            return None;
        }
        let per_sec = self.seen * u64::from(one_in) * 1000 / (took.as_millis().max(1) as u64);
        self.since = now;
        self.seen = 0;
        if one_in == 1 {
            return (per_sec > THIN_ABOVE).then_some(THIN_ONE_IN);
        }
        if per_sec >= THIN_ABOVE / 4 {
            self.calm_since = None;
            return None;
        }
        let calm = *self.calm_since.get_or_insert(now);
        (now.duration_since(calm) >= CALM).then_some(1)
    }
}

/// linux/if_packet.h: deliver no packets the host sends (Linux 4.20).
const PACKET_IGNORE_OUTGOING: i32 = 23;
/// linux/if_packet.h: struct tpacket_stats { tp_packets, tp_drops }, zeroed as it is read.
const PACKET_STATISTICS: i32 = 6;

/// Packets the kernel dropped since the last call because the socket's buffer was full.
fn kernel_drops(sock: &Socket) -> u64 {
    match crate::sys::getsockopt_raw(sock.as_fd(), libc::SOL_PACKET, PACKET_STATISTICS, 8) {
        Ok(b) if b.len() == 8 => u64::from(u32::from_ne_bytes([b[4], b[5], b[6], b[7]])),
        _ => 0,
    }
}

struct Reader {
    sock: Socket,
    tx: Sender<Segment>,
    ports: Arc<Mutex<HashSet<u16>>>,
    dropped: Arc<AtomicU64>,
    one_in: Arc<AtomicU32>,
    stop: Arc<AtomicBool>,
    wake: Arc<std::os::fd::OwnedFd>,
}

impl Reader {
    fn run(self, told: impl Fn()) {
        let mut buf = Vec::with_capacity(SNAP);
        let mut rate = Rate {
            since: Instant::now(),
            seen: 0,
            calm_since: None,
        };
        while !self.stop.load(Ordering::SeqCst) {
            // Sleeps until a packet or the stop: an idle capture uses no CPU. While
            // thinning it also wakes to see that the flood has ended.
            let one_in = self.one_in.load(Ordering::Acquire);
            let timeout = if one_in > 1 {
                RATE_WINDOW.as_millis() as i32
            } else {
                -1
            };
            let (w, _) = crate::sys::poll2(
                Some(self.wake.as_fd()),
                self.sock.as_fd(),
                libc::POLLIN,
                timeout,
            );
            if w != 0 {
                crate::sys::eventfd_drain(self.wake.as_fd());
                continue;
            }
            if let Some(n) = rate.judge(Instant::now(), one_in) {
                // Without the new filter the old one stays: thinning is a saving, not a
                // promise (a filter the kernel refuses changes nothing read).
                if self.sock.attach_filter(&program(n)).is_ok() {
                    self.one_in.store(n, Ordering::Release);
                }
            }
            let mut got = false;
            // What is waiting now, then wait again.
            for _ in 0..1024 {
                buf.clear();
                match crate::sys::recv_into(&self.sock, &mut buf, SNAP, 0, false) {
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    Err(_) => {
                        // An error poll keeps reporting: pause, never a spin.
                        std::thread::sleep(std::time::Duration::from_millis(100));
                        break;
                    }
                }
                let Some(seg) = parse(&buf, Instant::now()) else {
                    continue;
                };
                let watched = {
                    let p = self.ports.lock().unwrap_or_else(|e| e.into_inner());
                    p.contains(&seg.src.port()) || p.contains(&seg.dst.port())
                };
                if !watched {
                    continue;
                }
                // Only the window's own connections count: another program's flood on
                // loopback does not thin what the diagram draws.
                rate.seen += 1;
                if self.tx.try_send(seg).is_err() {
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                } else {
                    got = true;
                }
            }
            // Segments the kernel could not queue for us (the reader fell behind a burst).
            let lost = kernel_drops(&self.sock);
            if lost > 0 {
                self.dropped.fetch_add(lost, Ordering::Relaxed);
                got = true;
            }
            if got {
                told();
            }
        }
    }
}

/// A TCP segment between loopback addresses from an IP packet's first bytes; None for
/// anything else, or anything too short to hold what its headers say.
pub fn parse(p: &[u8], at: Instant) -> Option<Segment> {
    let version = p.first()? >> 4;
    let (src, dst, tcp, ip_payload) = match version {
        4 => {
            let ihl = usize::from(p.first()? & 0x0f) * 4;
            if ihl < 20 || p.get(9)? != &6 {
                return None;
            }
            let total = usize::from(u16::from_be_bytes([*p.get(2)?, *p.get(3)?]));
            let four = |i: usize| -> Option<[u8; 4]> { p.get(i..i + 4)?.try_into().ok() };
            let src = Ipv4Addr::from(four(12)?);
            let dst = Ipv4Addr::from(four(16)?);
            (
                IpAddr::V4(src),
                IpAddr::V4(dst),
                p.get(ihl..)?,
                total.checked_sub(ihl)?,
            )
        }
        6 => {
            // TCP straight after the fixed header (no extension headers on loopback).
            if p.get(6)? != &6 {
                return None;
            }
            let payload = usize::from(u16::from_be_bytes([*p.get(4)?, *p.get(5)?]));
            let octets =
                |r: std::ops::Range<usize>| -> Option<[u8; 16]> { p.get(r)?.try_into().ok() };
            (
                IpAddr::V6(Ipv6Addr::from(octets(8..24)?)),
                IpAddr::V6(Ipv6Addr::from(octets(24..40)?)),
                p.get(40..)?,
                payload,
            )
        }
        _ => return None,
    };
    if !(src.is_loopback() && dst.is_loopback()) {
        return None;
    }
    let be16 = |i: usize| Some(u16::from_be_bytes([*tcp.get(i)?, *tcp.get(i + 1)?]));
    let be32 = |i: usize| {
        Some(u32::from_be_bytes([
            *tcp.get(i)?,
            *tcp.get(i + 1)?,
            *tcp.get(i + 2)?,
            *tcp.get(i + 3)?,
        ]))
    };
    let doff = usize::from(tcp.get(12)? >> 4) * 4;
    if doff < 20 {
        return None;
    }
    Some(Segment {
        at,
        src: SocketAddr::new(src, be16(0)?),
        dst: SocketAddr::new(dst, be16(2)?),
        flags: *tcp.get(13)?,
        seq: be32(4)?,
        ack: be32(8)?,
        len: u32::try_from(ip_payload.checked_sub(doff)?).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_syn_on_loopback_parses_and_other_packets_do_not() {
        // IPv4, 20-byte header, TCP 127.0.0.1:40000 -> 127.0.0.1:9000, SYN, seq 1, 40
        // bytes of TCP header (options), no payload.
        let mut p = vec![
            0x45, 0, 0, 60, 0, 0, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
        ];
        p.extend_from_slice(&[0x9c, 0x40, 0x23, 0x28, 0, 0, 0, 1, 0, 0, 0, 0, 0xa0, SYN]);
        p.extend_from_slice(&[0; 26]);
        let s = parse(&p, Instant::now()).unwrap();
        assert_eq!(
            (s.src.port(), s.dst.port(), s.seq, s.len),
            (40000, 9000, 1, 0)
        );
        assert_eq!(s.flag_names(), "SYN");
        // Cut short anywhere: nothing, never a panic.
        for n in 0..p.len() {
            let _ = parse(&p[..n], Instant::now());
        }
        // Any bytes at all, IPv4- or IPv6-looking: never a panic.
        let mut x: u32 = 1;
        for round in 0..4000u32 {
            let mut junk: Vec<u8> = (0..(round % 90))
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (x >> 16) as u8
                })
                .collect();
            if let Some(b) = junk.first_mut() {
                *b = if round % 2 == 0 { 0x45 } else { 0x60 } | (*b & 0x0f);
            }
            if junk.len() > 9 && round % 3 == 0 {
                junk[9] = 6;
                junk[6] = 6;
            }
            let _ = parse(&junk, Instant::now());
        }
        // UDP, or not loopback: nothing.
        let mut udp = p.clone();
        udp[9] = 17;
        assert!(parse(&udp, Instant::now()).is_none());
        let mut away = p.clone();
        away[12] = 10;
        assert!(parse(&away, Instant::now()).is_none());
    }
}
