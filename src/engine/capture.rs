//! TCP segments on loopback, as they went: an AF_PACKET socket (root or CAP_NET_RAW) whose
//! segments between watched ports are parsed (flags, sequence and ack numbers, payload
//! length) and handed over on a bounded channel — what the sequence diagram draws the
//! handshake, the data and the close from when it may. Without the permission, starting
//! says so and the diagram is built from the socket events.
//!
//! A kernel filter passes TCP only, and of it every segment with SYN, FIN or RST (a new
//! connection's ports are not known yet) and the others only when one end is a watched port
//! (up to MAX_FILTER_PORTS of them; more, and the ports are checked here instead). So
//! another program's UDP and TCP data never reach the capture (its SYNs, FINs and RSTs do,
//! and are read and left). The engine tells the capture a socket's port the moment its
//! connect() picks it (Feed), before the window knows it. Under a flood of the window's own (more than THIN_ABOVE segments a second) reading
//! every segment would compete for the cores with the flood itself and with drawing; the
//! filter then keeps every SYN, FIN and RST and one in THIN_ONE_IN of the others, and the
//! window says so, until the rate falls back.

use std::collections::{HashSet, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
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
/// Watched ports the kernel's filter names, at most (each costs two instructions, and a
/// jump reaches 255 ahead).
pub const MAX_FILTER_PORTS: usize = 64;

pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;

/// One TCP segment seen on loopback.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// When it went over loopback, as the kernel stamped it (the time it was read where
    /// the kernel gave no stamp).
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
    shared: Arc<Shared>,
    dropped: Arc<AtomicU64>,
    read: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    wake: Arc<std::os::fd::OwnedFd>,
    /// When its socket opened (its filter passes every SYN, FIN and RST on loopback from
    /// then on, though the reader may still lose some to a full queue), or why it could not.
    started: Receiver<Result<Instant, std::io::Error>>,
    status: Mutex<Status>,
    began: OnceLock<Instant>,
}

/// What the capture's thread, the window and the engine's workers share: the socket once
/// open, and what its filter is made of.
#[derive(Default)]
struct Shared {
    sock: OnceLock<Socket>,
    filters: Mutex<Filters>,
    /// Filters::generation, readable without the lock: changed before the kernel's filter
    /// is, so a segment the new filter passed finds it changed.
    generation: AtomicU64,
}

#[derive(Default)]
struct Filters {
    /// The window's TCP sockets' local ports.
    window: HashSet<u16>,
    /// Ports engine sockets connected from lately, not yet among the window's: a
    /// connection's first bytes may follow connect() at once, before the window hears of
    /// its port.
    fresh: VecDeque<(u16, Instant)>,
    /// Both: the ports whose segments are kept.
    watched: HashSet<u16>,
    /// Counts the changes of `watched` (the reader keeps a copy).
    generation: u64,
    /// 1, or THIN_ONE_IN while a flood is thinned: as judged.
    one_in: u32,
    /// The filter the kernel has.
    attached: Option<Filter>,
}

/// A SYN, FIN or RST of unwatched ports is kept this long for a port that may yet be
/// watched, and this many at most.
const RECENT: Duration = Duration::from_secs(2);
const MAX_RECENT: usize = 64;
/// A fresh port is kept this long at most without the window naming it.
const FRESH: Duration = Duration::from_secs(10);
/// Fresh ports at most (the oldest go first).
const MAX_FRESH: usize = 32;

impl Shared {
    fn filters(&self) -> std::sync::MutexGuard<'_, Filters> {
        self.filters.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Gives the kernel the filter for what is watched now, if that changed (at once, so
    /// that a segment sent after this returns is judged by it).
    fn refilter(&self, f: &mut Filters) {
        let now = Instant::now();
        let window = &f.window;
        f.fresh
            .retain(|(p, at)| !window.contains(p) && now.duration_since(*at) < FRESH);
        let watched: HashSet<u16> = window
            .iter()
            .copied()
            .chain(f.fresh.iter().map(|(p, _)| *p))
            .collect();
        if watched != f.watched {
            f.watched = watched;
            f.generation += 1;
            self.generation.store(f.generation, Ordering::Release);
        }
        let want = Filter::watching(f.one_in.max(1), &f.watched);
        if f.attached.as_ref() == Some(&want) {
            return;
        }
        // Without the new filter the old one stays: it is tried again on the next change
        // (thinning is a saving, not a promise).
        if let Some(sock) = self.sock.get() {
            if sock.attach_filter(&want.program()).is_ok() {
                f.attached = Some(want);
            }
        }
    }
}

/// What an engine tells a capture (Engine::feed_capture): the ports its TCP sockets
/// connect from, the moment the kernel picks them.
#[derive(Clone)]
pub struct Feed(Weak<Shared>);

impl Feed {
    /// A TCP socket connects (or connected) from this local port: the capture keeps its
    /// segments from now on, before the window learns the port from a snapshot.
    pub fn connected_from(&self, port: u16) {
        let Some(shared) = self.0.upgrade() else {
            return;
        };
        let mut f = shared.filters();
        f.fresh.retain(|(p, _)| *p != port);
        f.fresh.push_back((port, Instant::now()));
        while f.fresh.len() > MAX_FRESH {
            f.fresh.pop_front();
        }
        shared.refilter(&mut f);
    }
}

impl Capture {
    /// Starts capturing on loopback; `told` is called when segments are waiting, and once
    /// the capture is on or refused (status() says which).
    pub fn start(told: impl Fn() + Send + 'static) -> std::io::Result<Capture> {
        let wake = Arc::new(crate::sys::eventfd()?);
        let (tx, rx) = crossbeam_channel::bounded(MAX_WAITING);
        let (started_tx, started) = crossbeam_channel::bounded(1);
        let shared = Arc::new(Shared::default());
        let dropped = Arc::new(AtomicU64::new(0));
        let read = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (sh, d, st, w) = (shared.clone(), dropped.clone(), stop.clone(), wake.clone());
        let r = read.clone();
        std::thread::Builder::new()
            .name("socklab-capture".into())
            .spawn(move || match open() {
                Ok(sock) => {
                    let began = Instant::now();
                    let _ = sh.sock.set(sock);
                    {
                        // What was watched before the socket was open.
                        let mut f = sh.filters();
                        sh.refilter(&mut f);
                    }
                    let _ = started_tx.send(Ok(began));
                    told();
                    Reader {
                        shared: sh,
                        tx,
                        dropped: d,
                        read: r,
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
            shared,
            dropped,
            read,
            stop,
            wake,
            started,
            status: Mutex::new(Status::Starting),
            began: OnceLock::new(),
        })
    }

    /// For the engine whose sockets the window shows (Engine::feed_capture).
    pub fn feed(&self) -> Feed {
        Feed(Arc::downgrade(&self.shared))
    }

    /// Packets read from the capture socket so far: those the kernel's filter passed.
    pub fn packets_read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }

    /// Whether it captures (answered by its thread once it opened the socket, or not).
    pub fn status(&self) -> Status {
        let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
        if *status == Status::Starting {
            match self.started.try_recv() {
                Ok(Ok(began)) => {
                    let _ = self.began.set(began);
                    *status = Status::On;
                }
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

    /// When it began to capture (None until status() says it is on): what happened on
    /// loopback since has its segments caught, what happened before has none.
    pub fn began(&self) -> Option<Instant> {
        self.began.get().copied()
    }

    /// Keeps the segments to and from these local ports (the window's TCP sockets'), from
    /// when this returns.
    pub fn watch(&self, ports: impl IntoIterator<Item = u16>) {
        let now: HashSet<u16> = ports.into_iter().collect();
        let mut f = self.shared.filters();
        if f.window != now {
            f.window = now;
            self.shared.refilter(&mut f);
        }
    }

    /// The segments seen since the last call.
    pub fn take(&self) -> Vec<Segment> {
        self.rx.try_iter().collect()
    }

    /// Segments not kept because the reader fell behind: those its channel had no room for,
    /// and those the kernel could not queue (its filter passes the watched ports' segments,
    /// and every SYN, FIN or RST, whoever's: a few of another program's may be among them).
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// While a flood is thinned: one in how many segments without SYN, FIN or RST is kept.
    pub fn thinned(&self) -> Option<u32> {
        let n = self
            .shared
            .filters()
            .attached
            .as_ref()
            .map_or(1, |f| f.one_in);
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
    // Until the watched ports are known: SYN, FIN and RST only.
    sock.attach_filter(&Filter::watching(1, &HashSet::new()).program())?;
    // Room for a burst while the reader is not running (the kernel doubles it: 8 MiB at most);
    // without CAP_NET_ADMIN the default stays, and what does not fit is counted below.
    let _ = crate::sys::setsockopt_raw(
        sock.as_fd(),
        libc::SOL_SOCKET,
        libc::SO_RCVBUFFORCE,
        &(4i32 << 20).to_ne_bytes(),
    );
    sock.set_nonblocking(true)?;
    // Asking once turns the kernel's receive stamps on (nothing was read yet to tell).
    let _ = crate::sys::last_packet_time(sock.as_fd());
    Ok(sock)
}

/// How often the wall clock's place against the monotonic one is measured again (it moves
/// when the wall clock is set).
const RECALIBRATE: Duration = Duration::from_secs(1);

/// The wall clock (the kernel's packet stamps) against the monotonic one (Instant), to
/// bring a stamp to an Instant: measured from the tightest of a few readings of the one
/// between two of the other, again every RECALIBRATE.
struct Clocks {
    /// Monotonic times are counted from it.
    base: Instant,
    /// Wall clock minus monotonic clock since `base`, in nanoseconds.
    offset: i128,
    measured: Instant,
}

impl Clocks {
    fn new() -> Clocks {
        let base = Instant::now();
        let mut c = Clocks {
            base,
            offset: 0,
            measured: base,
        };
        c.measure();
        c
    }

    fn measure(&mut self) {
        let wall = || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as i128)
        };
        let mut best: Option<(u128, i128)> = None;
        for _ in 0..5 {
            let a = Instant::now();
            let w = wall();
            let b = Instant::now();
            let gap = b.duration_since(a).as_nanos();
            if best.is_none_or(|(g, _)| gap < g) {
                let mid = (a.duration_since(self.base).as_nanos()
                    + b.duration_since(self.base).as_nanos())
                    / 2;
                best = Some((gap, w - mid as i128));
            }
        }
        if let Some((_, offset)) = best {
            self.offset = offset;
        }
        self.measured = Instant::now();
    }

    /// When the packet just read reached the socket: the kernel's stamp on the monotonic
    /// clock. The time of reading when the kernel has none, or one that is not in the
    /// past (the wall clock was set since it was measured).
    fn arrival(&mut self, sock: &Socket) -> Instant {
        let now = Instant::now();
        if now.duration_since(self.measured) > RECALIBRATE {
            self.measure();
        }
        let Some(stamp) = crate::sys::last_packet_time(sock.as_fd()) else {
            return now;
        };
        let since_base = stamp.as_nanos() as i128 - self.offset;
        u64::try_from(since_base)
            .ok()
            .and_then(|n| self.base.checked_add(Duration::from_nanos(n)))
            .filter(|at| *at <= now)
            .unwrap_or(now)
    }
}

/// What the kernel's filter passes: TCP over IPv4 or IPv6, its headers only; every segment
/// with SYN, FIN or RST; of the others those to or from `ports` (all of them when None),
/// and of those, with `one_in` above 1, a random one in `one_in`.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    pub one_in: u32,
    pub ports: Option<Vec<u16>>,
}

impl Filter {
    /// The filter for these watched ports: by port in the kernel when there are few enough.
    fn watching(one_in: u32, ports: &HashSet<u16>) -> Filter {
        let ports = (ports.len() <= MAX_FILTER_PORTS).then(|| {
            let mut v: Vec<u16> = ports.iter().copied().collect();
            v.sort_unstable();
            v
        });
        Filter { one_in, ports }
    }

    /// The program (classic BPF over the IP header, as the cooked socket gives it).
    pub fn program(&self) -> Vec<SockFilter> {
        program(self.one_in, self.ports.as_deref())
            // Only more ports than a jump can pass over; MAX_FILTER_PORTS keeps below it.
            .unwrap_or_else(|| program(self.one_in, None).unwrap_or_default())
    }
}

/// A jump's target in the filter being written.
#[derive(Clone, Copy, PartialEq)]
enum To {
    Next,
    V6,
    Tcp,
    Pass,
    Keep,
    Drop,
}

/// Classic BPF written with named targets, resolved to offsets at the end.
#[derive(Default)]
struct Asm {
    code: Vec<(u16, To, To, u32)>,
    at: Vec<(To, usize)>,
}

impl Asm {
    fn op(&mut self, code: u16, k: u32) {
        self.code.push((code, To::Next, To::Next, k));
    }
    fn jump(&mut self, code: u16, k: u32, yes: To, no: To) {
        self.code.push((code, yes, no, k));
    }
    fn goto(&mut self, to: To) {
        self.code.push((JA, to, to, 0));
    }
    fn here(&mut self, to: To) {
        self.at.push((to, self.code.len()));
    }
    /// None when a target lies further ahead than a jump reaches.
    fn finish(self) -> Option<Vec<SockFilter>> {
        let mut out = Vec::with_capacity(self.code.len());
        for (i, &(code, yes, no, k)) in self.code.iter().enumerate() {
            let off = |to: To| -> Option<usize> {
                if to == To::Next {
                    return Some(0);
                }
                let at = self.at.iter().find(|(t, _)| *t == to)?.1;
                at.checked_sub(i + 1)
            };
            out.push(if code == JA {
                // An unconditional jump goes k ahead.
                SockFilter::new(code, 0, 0, u32::try_from(off(yes)?).ok()?)
            } else {
                let (yes, no) = (u8::try_from(off(yes)?).ok()?, u8::try_from(off(no)?).ok()?);
                SockFilter::new(code, yes, no, k)
            });
        }
        Some(out)
    }
}

// linux/filter.h and bpf_common.h.
const LD_B_ABS: u16 = 0x30;
const LD_B_IND: u16 = 0x50;
const LD_H_IND: u16 = 0x48;
const LD_W_ABS: u16 = 0x20;
const LDX_B_MSH: u16 = 0xb1;
const LDX_IMM: u16 = 0x01;
const RSH_K: u16 = 0x74;
const MOD_K: u16 = 0x94;
const JA: u16 = 0x05;
const JEQ_K: u16 = 0x15;
const JSET_K: u16 = 0x45;
const RET_K: u16 = 0x06;

/// The kernel's filter for `Filter`; None when the ports are too many to jump over.
fn program(one_in: u32, ports: Option<&[u16]>) -> Option<Vec<SockFilter>> {
    /// SKF_AD_OFF + SKF_AD_RANDOM: a load from here reads a random word.
    const RANDOM: u32 = (-0x1000i32 + 56) as u32;
    const CONTROL: u32 = (FIN | SYN | RST) as u32;
    let mut a = Asm::default();
    a.op(LD_B_ABS, 0); // A = the IP version and IPv4's header length
    a.op(RSH_K, 4); // A = the version
    a.jump(JEQ_K, 6, To::V6, To::Next);
    a.jump(JEQ_K, 4, To::Next, To::Drop);
    a.op(LD_B_ABS, 9); // IPv4's protocol
    a.jump(JEQ_K, 6, To::Next, To::Drop);
    a.op(LDX_B_MSH, 0); // X = IPv4's header length: where TCP begins
    a.goto(To::Tcp);
    a.here(To::V6);
    a.op(LD_B_ABS, 6); // IPv6's next header (no extension headers on loopback)
    a.jump(JEQ_K, 6, To::Next, To::Drop);
    a.op(LDX_IMM, 40); // X = IPv6's header length
    a.here(To::Tcp);
    a.op(LD_B_IND, 13); // A = TCP's flags
    a.jump(JSET_K, CONTROL, To::Keep, To::Next);
    if let Some(ports) = ports {
        for at in [0, 2] {
            a.op(LD_H_IND, at); // A = the source, then the destination port
            for &p in ports {
                a.jump(JEQ_K, u32::from(p), To::Pass, To::Next);
            }
        }
        a.op(RET_K, 0);
    }
    a.here(To::Pass);
    if one_in > 1 {
        a.op(LD_W_ABS, RANDOM);
        a.op(MOD_K, one_in);
        a.jump(JEQ_K, 0, To::Keep, To::Drop);
    }
    a.here(To::Keep);
    a.op(RET_K, SNAP as u32);
    a.here(To::Drop);
    a.op(RET_K, 0);
    a.finish()
}

/// The segments a second the capture reads, judged every RATE_WINDOW: above THIN_ABOVE the
/// kernel's filter thins them; after CALM below a quarter of it, it keeps them all again.
struct Rate {
    since: Instant,
    /// Segments this window, a thinned one counted as the many it stands for.
    seen: u64,
    calm_since: Option<Instant>,
}

impl Rate {
    fn new(now: Instant) -> Rate {
        Rate {
            since: now,
            seen: 0,
            calm_since: None,
        }
    }

    /// A segment read under a filter keeping one in `one_in`: SYN, FIN and RST are all
    /// kept, so one of them stands for itself.
    fn count(&mut self, flags: u8, one_in: u32) {
        let weight = if flags & (FIN | SYN | RST) != 0 {
            1
        } else {
            u64::from(one_in)
        };
        self.seen = self.seen.saturating_add(weight);
    }

    /// Segments the kernel could not queue: a reader this far behind is flooded too.
    fn lost(&mut self, n: u64) {
        self.seen = self.seen.saturating_add(n);
    }

    /// At the end of a window: the filter to change to, if any.
    fn judge(&mut self, now: Instant, one_in: u32) -> Option<u32> {
        let took = now.duration_since(self.since);
        if took < RATE_WINDOW {
            return None;
        }
        let per_sec = self.seen.saturating_mul(1000) / (took.as_millis().max(1) as u64);
        let began = self.since;
        self.since = now;
        self.seen = 0;
        if one_in == 1 {
            self.calm_since = None;
            return (per_sec > THIN_ABOVE).then_some(THIN_ONE_IN);
        }
        if per_sec >= THIN_ABOVE / 4 {
            self.calm_since = None;
            return None;
        }
        // Calm since this window began.
        let calm = *self.calm_since.get_or_insert(began);
        (now.duration_since(calm) >= CALM).then(|| {
            self.calm_since = None;
            1
        })
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
    shared: Arc<Shared>,
    tx: Sender<Segment>,
    dropped: Arc<AtomicU64>,
    read: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    wake: Arc<std::os::fd::OwnedFd>,
}

/// What the reader knows of the watched ports.
struct Known {
    /// As of `generation` (checked here as well: a SYN passes the kernel's filter whatever
    /// its ports, and so does everything past MAX_FILTER_PORTS).
    watched: HashSet<u16>,
    generation: u64,
    /// SYNs, FINs and RSTs of ports not watched, lately: kept if their port turns out to
    /// be watched (an engine socket's connect tells its port after its SYN went out).
    recent: VecDeque<Segment>,
}

impl Known {
    fn ours(&self, s: &Segment) -> bool {
        self.watched.contains(&s.src.port()) || self.watched.contains(&s.dst.port())
    }

    /// Catches up with the ports if they changed: the recent segments they now cover.
    fn refresh(&mut self, shared: &Shared) -> Vec<Segment> {
        if shared.generation.load(Ordering::Acquire) == self.generation {
            return Vec::new();
        }
        {
            let f = shared.filters();
            self.generation = f.generation;
            self.watched.clone_from(&f.watched);
        }
        let mut covered = Vec::new();
        for s in std::mem::take(&mut self.recent) {
            if self.ours(&s) {
                covered.push(s);
            } else if s.at.elapsed() < RECENT {
                self.recent.push_back(s);
            }
        }
        covered
    }

    /// A segment of ports not watched now.
    fn not_ours(&mut self, seg: Segment) {
        if seg.flags & (SYN | FIN | RST) != 0 {
            if self.recent.len() >= MAX_RECENT {
                self.recent.pop_front();
            }
            self.recent.push_back(seg);
        }
    }
}

impl Reader {
    /// Hands a segment over, counted towards the rate.
    fn keep(&self, seg: Segment, rate: &mut Rate, one_in: u32, got: &mut bool) {
        // Only the window's own connections count: another program's flood on loopback
        // does not thin what the diagram draws.
        rate.count(seg.flags, one_in);
        if self.tx.try_send(seg).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        } else {
            *got = true;
        }
    }

    fn run(self, told: impl Fn()) {
        let Some(sock) = self.shared.sock.get() else {
            return;
        };
        let mut buf = Vec::with_capacity(SNAP);
        let mut rate = Rate::new(Instant::now());
        let mut known = Known {
            watched: HashSet::new(),
            generation: u64::MAX,
            recent: VecDeque::new(),
        };
        let mut one_in = 1;
        let mut clocks = Clocks::new();
        while !self.stop.load(Ordering::SeqCst) {
            // Sleeps until a packet or the stop: an idle capture uses no CPU. While
            // thinning it also wakes to see that the flood has ended.
            let timeout = if one_in > 1 {
                RATE_WINDOW.as_millis() as i32
            } else {
                -1
            };
            let (w, _) =
                crate::sys::poll2(Some(self.wake.as_fd()), sock.as_fd(), libc::POLLIN, timeout);
            if w != 0 {
                crate::sys::eventfd_drain(self.wake.as_fd());
                continue;
            }
            let mut got = false;
            {
                let mut f = self.shared.filters();
                if let Some(n) = rate.judge(Instant::now(), one_in) {
                    f.one_in = n;
                    self.shared.refilter(&mut f);
                }
                let now = f.attached.as_ref().map_or(1, |a| a.one_in);
                if now != one_in {
                    one_in = now;
                    rate = Rate::new(Instant::now());
                    // The note above the diagram changes.
                    got = true;
                }
            }
            for old in known.refresh(&self.shared) {
                self.keep(old, &mut rate, one_in, &mut got);
            }
            // What is waiting now, then wait again.
            for _ in 0..1024 {
                buf.clear();
                match crate::sys::recv_into(sock, &mut buf, SNAP, 0, false) {
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    Err(_) => {
                        // An error poll keeps reporting: pause, never a spin.
                        std::thread::sleep(std::time::Duration::from_millis(100));
                        break;
                    }
                }
                self.read.fetch_add(1, Ordering::Relaxed);
                let Some(mut seg) = parse(&buf, Instant::now()) else {
                    continue;
                };
                seg.at = clocks.arrival(sock);
                if !known.ours(&seg) {
                    // The ports may have changed since they were copied (a connect just
                    // now): a segment the new filter passed finds the new generation.
                    for old in known.refresh(&self.shared) {
                        self.keep(old, &mut rate, one_in, &mut got);
                    }
                }
                if known.ours(&seg) {
                    self.keep(seg, &mut rate, one_in, &mut got);
                } else {
                    known.not_ours(seg);
                }
            }
            // Segments the kernel could not queue for us (the reader fell behind a burst):
            // the filter passed them, so they are the watched ports' (or a SYN, FIN or RST).
            let lost = kernel_drops(sock);
            if lost > 0 {
                self.dropped.fetch_add(lost, Ordering::Relaxed);
                rate.lost(lost);
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

    /// An IPv4 packet 127.0.0.1 -> 127.0.0.1 with these IP options, carrying a 20-byte
    /// TCP (or, proto 17, UDP-numbered) header and 10 bytes of payload.
    fn v4(proto: u8, options: &[u8], sport: u16, dport: u16, flags: u8) -> Vec<u8> {
        let ihl = 20 + options.len();
        let total = (ihl + 30) as u16;
        let mut p = vec![0x40 | (ihl / 4) as u8, 0];
        p.extend_from_slice(&total.to_be_bytes());
        p.extend_from_slice(&[0, 0, 0x40, 0, 64, proto, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1]);
        p.extend_from_slice(options);
        p.extend_from_slice(&tcp(sport, dport, flags));
        p
    }

    /// An IPv6 packet ::1 -> ::1 like v4's.
    fn v6(next: u8, sport: u16, dport: u16, flags: u8) -> Vec<u8> {
        let mut p = vec![0x60, 0, 0, 0, 0, 30, next, 64];
        let one = Ipv6Addr::LOCALHOST.octets();
        p.extend_from_slice(&one);
        p.extend_from_slice(&one);
        p.extend_from_slice(&tcp(sport, dport, flags));
        p
    }

    fn tcp(sport: u16, dport: u16, flags: u8) -> Vec<u8> {
        let mut t = Vec::new();
        t.extend_from_slice(&sport.to_be_bytes());
        t.extend_from_slice(&dport.to_be_bytes());
        t.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        t.extend_from_slice(&[7; 10]);
        t
    }

    /// The filter run by the kernel on a datagram socket: how many of `packets` pass it.
    fn passed(filter: &Filter, packets: &[Vec<u8>]) -> usize {
        let (tx, rx) = Socket::pair(Domain::UNIX, Type::DGRAM, None).unwrap();
        rx.attach_filter(&filter.program()).unwrap();
        rx.set_nonblocking(true).unwrap();
        let mut n = 0;
        let mut buf = Vec::with_capacity(SNAP);
        for p in packets {
            tx.send(p).unwrap();
            buf.clear();
            // A Unix datagram is queued (or left out by the filter) before send returns.
            if crate::sys::recv_into(&rx, &mut buf, SNAP, 0, false).is_ok() {
                assert_eq!(&buf[..], &p[..p.len().min(SNAP)]);
                n += 1;
            }
        }
        n
    }

    #[test]
    fn the_kernel_filter_passes_tcp_by_port_and_every_syn_fin_and_rst() {
        let f = Filter::watching(1, &HashSet::from([9000, 5555]));
        assert_eq!(f.ports.as_deref(), Some(&[5555, 9000][..]));
        // Options whose bytes read as port 9000 where a filter ignoring the header's
        // length would look for TCP.
        let opts = [0x23, 0x28, 0x23, 0x28];
        for (packet, kept) in [
            (v4(6, &[], 40000, 9000, ACK), true),
            (v4(6, &[], 9000, 40000, PSH | ACK), true),
            (v4(6, &[], 40000, 9001, ACK), false),
            (v4(6, &[], 40000, 9001, SYN), true),
            (v4(6, &[], 40000, 9001, FIN | ACK), true),
            (v4(6, &[], 40000, 9001, RST), true),
            (v4(6, &opts, 40000, 9001, ACK), false),
            (v4(6, &opts, 40000, 5555, ACK), true),
            (v4(17, &[], 40000, 9000, ACK), false),
            (v4(17, &[], 40000, 9000, SYN), false),
            (v6(6, 40000, 9000, ACK), true),
            (v6(6, 5555, 40000, ACK), true),
            (v6(6, 40000, 9001, ACK), false),
            (v6(6, 40000, 9001, SYN), true),
            (v6(17, 40000, 9000, ACK), false),
            (vec![0x50; 60], false),
        ] {
            let seen = parse(&packet, Instant::now());
            assert_eq!(passed(&f, &[packet]), usize::from(kept), "{seen:?}");
        }
        // Nothing watched: only SYN, FIN and RST. Too many to name: every TCP segment.
        let none = Filter::watching(1, &HashSet::new());
        assert_eq!(passed(&none, &[v4(6, &[], 40000, 9000, ACK)]), 0);
        assert_eq!(passed(&none, &[v4(6, &[], 40000, 9000, SYN)]), 1);
        let many: HashSet<u16> = (1..=MAX_FILTER_PORTS as u16 + 1).collect();
        let all = Filter::watching(1, &many);
        assert_eq!(all.ports, None);
        assert_eq!(passed(&all, &[v4(6, &[], 40000, 9000, ACK)]), 1);
        // As many as it names: the last one still within a jump's reach.
        let most: HashSet<u16> = (1..=MAX_FILTER_PORTS as u16).collect();
        let most = Filter::watching(1, &most);
        assert!(program(1, most.ports.as_deref()).is_some());
        assert_eq!(
            passed(&most, &[v6(6, 40000, MAX_FILTER_PORTS as u16, ACK)]),
            1
        );
        assert_eq!(passed(&most, &[v6(6, 40000, 9000, ACK)]), 0);
    }

    #[test]
    fn a_thinning_filter_keeps_every_syn_fin_and_rst_and_about_one_in_128_of_the_rest() {
        let f = Filter::watching(THIN_ONE_IN, &HashSet::from([9000]));
        let control: Vec<Vec<u8>> = (0..200)
            .map(|i| v4(6, &[], 40000, 9000, [SYN, FIN | ACK, RST][i % 3]))
            .collect();
        assert_eq!(passed(&f, &control), 200);
        // 128 x 40 data segments: 40 expected; 8..=100 misses by chance about never.
        let data: Vec<Vec<u8>> = (0..THIN_ONE_IN * 40)
            .map(|i| v6(6, 40000, 9000, if i % 2 == 0 { ACK } else { PSH | ACK }))
            .collect();
        let kept = passed(&f, &data);
        assert!((8..=100).contains(&kept), "{kept} of {}", data.len());
        // Unwatched ones are not sampled.
        let other = vec![v4(6, &[], 40000, 9001, ACK); 500];
        assert_eq!(passed(&f, &other), 0);
    }

    #[test]
    fn the_rate_thins_above_its_threshold_and_stops_after_a_calm() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut r = Rate::new(t0);
        // Below the threshold: nothing changes, and nothing is judged mid-window.
        for _ in 0..400 {
            r.count(ACK, 1);
        }
        assert_eq!(r.judge(at(50), 1), None);
        assert_eq!(r.judge(at(100), 1), None);
        // 600 in 100 ms: 6,000 a second, above 5,000.
        for _ in 0..600 {
            r.count(ACK, 1);
        }
        assert_eq!(r.judge(at(200), 1), Some(THIN_ONE_IN));
        // Thinned: five data segments stand for 640; SYNs, FINs and RSTs for themselves,
        // so a trickle of them (ten a second) does not keep it thinning.
        for _ in 0..5 {
            r.count(ACK, THIN_ONE_IN);
        }
        assert_eq!(r.judge(at(300), THIN_ONE_IN), None);
        let mut t = 300;
        let mut ended = None;
        while t < 2000 && ended.is_none() {
            r.count(SYN, THIN_ONE_IN);
            t += 100;
            ended = r.judge(at(t), THIN_ONE_IN).map(|n| (n, t));
        }
        // Calm from the window beginning at 300 ms; ended 500 ms later.
        assert_eq!(ended, Some((1, 800)));
        // Segments the kernel could not queue count as seen.
        let mut r = Rate::new(t0);
        r.lost(1000);
        assert_eq!(r.judge(at(100), 1), Some(THIN_ONE_IN));
        // A flood again after a calm began starts the calm over.
        let mut r = Rate::new(t0);
        assert_eq!(r.judge(at(100), THIN_ONE_IN), None);
        r.count(ACK, THIN_ONE_IN);
        r.count(ACK, THIN_ONE_IN);
        assert_eq!(r.judge(at(200), THIN_ONE_IN), None);
        assert_eq!(r.judge(at(550), THIN_ONE_IN), None);
        assert_eq!(r.judge(at(650), THIN_ONE_IN), None);
        assert_eq!(r.judge(at(750), THIN_ONE_IN), Some(1));
    }

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
