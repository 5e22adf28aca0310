//! The loopback capture the sequence diagram draws from (root or CAP_NET_RAW; CI runs as
//! root): its kernel filter passes TCP over IPv4 and IPv6 to and from the watched ports, a
//! flood of theirs is thinned while it lasts (every SYN, FIN and RST still kept, everything
//! kept again once it ends), and another program's flood is not even read.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use socklab::engine::capture::{Capture, Segment, Status, FIN, SYN, THIN_ONE_IN};
use socklab::engine::{Create, Family, Kind, Op};

use crate::driver::{loopback, Driver};

/// A capture that is on, or None (with the reason said) where it may not be.
fn capture() -> Option<Capture> {
    let c = Capture::start(|| {}).expect("the capture's thread");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match c.status() {
            Status::On => return Some(c),
            Status::Refused { why, .. } => {
                assert!(
                    !rustix::process::geteuid().is_root() && std::env::var_os("CI").is_none(),
                    "as root (and in CI, which runs as root) capture must work ({why})"
                );
                eprintln!("not root: capture refused ({why}); this test needs root");
                return None;
            }
            Status::Starting => {
                assert!(Instant::now() < deadline, "capture neither on nor refused");
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

/// One connection to `listener` that sends `messages` small messages, each answered
/// before the next (so each is a segment of its own), then closes: its client's address.
fn exchange(listener: &TcpListener, messages: usize) -> SocketAddr {
    let mut cli = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    cli.set_nodelay(true).unwrap();
    let (mut srv, _) = listener.accept().unwrap();
    let mut b = [0u8; 16];
    for i in 0..messages {
        cli.write_all(format!("m{i}").as_bytes()).unwrap();
        let n = srv.read(&mut b).unwrap();
        srv.write_all(&b[..n]).unwrap();
        cli.read_exact(&mut b[..n]).unwrap();
    }
    let me = cli.local_addr().unwrap();
    drop(cli);
    let _ = srv.read(&mut b);
    me
}

fn from(segs: &[Segment], who: SocketAddr) -> Vec<&Segment> {
    segs.iter().filter(|s| s.src == who).collect()
}

/// An exchange of `messages` whose client's segments `complete` finds all there, unless
/// the capture says it lost some meanwhile (another test's flood on loopback may fill its
/// buffer): then another exchange, five at most. Nothing may go missing unsaid.
fn exchange_seen(
    c: &Capture,
    listener: &TcpListener,
    messages: usize,
    complete: impl Fn(&[&Segment]) -> bool,
) -> Vec<Segment> {
    for _ in 0..5 {
        let lost = c.dropped();
        let me = exchange(listener, messages);
        // Until its FIN (or the loss is said).
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut got = Vec::new();
        loop {
            got.extend(c.take());
            let mine = from(&got, me);
            if mine.iter().any(|s| s.flags & FIN != 0) && complete(&mine) {
                return mine.into_iter().cloned().collect();
            }
            if c.dropped() > lost {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{messages} messages: neither all seen nor a loss said in 10 s: {mine:?}"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        eprintln!("the capture lost segments during the exchange: again");
    }
    panic!("five exchanges each lost segments");
}

#[test]
fn the_kernel_filter_passes_tcp_over_ipv4_and_ipv6_segment_by_segment() {
    let Some(c) = capture() else { return };
    for host in ["127.0.0.1:0", "[::1]:0"] {
        let listener = TcpListener::bind(host).unwrap();
        let port = listener.local_addr().unwrap().port();
        c.watch([port]);
        let data = |m: &[&Segment]| m.iter().filter(|s| s.len > 0).count();
        let mine = exchange_seen(&c, &listener, 5, |m| data(m) == 5);
        assert_eq!(mine[0].flags, SYN, "{host}: the SYN first: {mine:?}");
        let lens: Vec<u32> = mine.iter().map(|s| s.len).filter(|&l| l > 0).collect();
        assert_eq!(
            lens, [2; 5],
            "{host}: each message its own segment: {mine:?}"
        );
    }
}

/// A flood of small segments on one loopback connection, paced at about 20,000 writes a
/// second (each its own segment: no Nagle), for 30 s at most; stopped when dropped, the
/// test's failure included.
struct Flood {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
    /// The sending end's address.
    from: SocketAddr,
    /// Its writes so far (each a segment of its own).
    writes: Arc<AtomicU64>,
}

impl Flood {
    fn to(listener: &TcpListener) -> Flood {
        let stop = Arc::new(AtomicBool::new(false));
        let mut tx = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        tx.set_nodelay(true).unwrap();
        let from = tx.local_addr().unwrap();
        let (mut rx, _) = listener.accept().unwrap();
        let s = stop.clone();
        let writes = Arc::new(AtomicU64::new(0));
        let w = writes.clone();
        let sender = std::thread::spawn(move || {
            let start = Instant::now();
            let until = start + Duration::from_secs(30);
            // 200 writes every 10 ms.
            for tick in 0..3000u32 {
                if s.load(Ordering::Relaxed) || Instant::now() > until {
                    break;
                }
                for _ in 0..200 {
                    if tx.write_all(&[7u8; 100]).is_err() {
                        return;
                    }
                    w.fetch_add(1, Ordering::Relaxed);
                }
                let next = start + Duration::from_millis(10) * (tick + 1);
                std::thread::sleep(next.saturating_duration_since(Instant::now()));
            }
        });
        let receiver = std::thread::spawn(move || {
            let mut b = vec![0u8; 1 << 16];
            while rx.read(&mut b).is_ok_and(|n| n > 0) {}
        });
        Flood {
            stop,
            threads: vec![sender, receiver],
            from,
            writes,
        }
    }
}

impl Drop for Flood {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

#[test]
fn a_flood_is_thinned_keeping_every_syn_and_fin_and_is_kept_whole_again_after() {
    let Some(c) = capture() else { return };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let six = TcpListener::bind("[::1]:0").unwrap();
    c.watch([
        listener.local_addr().unwrap().port(),
        six.local_addr().unwrap().port(),
    ]);
    let flood = Flood::to(&listener);
    let deadline = Instant::now() + Duration::from_secs(15);
    while c.thinned().is_none() {
        assert!(
            Instant::now() < deadline,
            "a loopback flood was not thinned in 15 s"
        );
        c.take();
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(c.thinned(), Some(THIN_ONE_IN));
    // Thinned: of the flood's data segments in a second (about 20,000 written), about one
    // in 128 is kept; a sixteenth would be far too many, none at all too few.
    c.take();
    let lost = c.dropped();
    let since = Instant::now();
    let mut kept = 0;
    while since.elapsed() < Duration::from_secs(1) {
        kept += c
            .take()
            .iter()
            .filter(|s| s.src == flood.from && s.len > 0)
            .count();
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        (1..20_000 / 16).contains(&kept),
        "{kept} of the flood's data segments kept in a second ({} lost)",
        c.dropped() - lost
    );
    // While thinned, a new connection's opening and closing are there, over IPv4 and IPv6.
    for l in [&listener, &six] {
        let mine = exchange_seen(&c, l, 3, |m| m.first().is_some_and(|s| s.flags == SYN));
        assert_eq!(mine[0].flags, SYN, "{mine:?}");
    }
    assert!(c.thinned().is_some(), "the flood goes on: still thinned");
    drop(flood);
    let deadline = Instant::now() + Duration::from_secs(10);
    while c.thinned().is_some() {
        assert!(
            Instant::now() < deadline,
            "still thinned 10 s after the flood"
        );
        c.take();
        std::thread::sleep(Duration::from_millis(5));
    }
    // Every segment kept again: each of ten messages seen.
    let data = |m: &[&Segment]| m.iter().filter(|s| s.len > 0).count();
    let mine = exchange_seen(&c, &listener, 10, |m| data(m) >= 10);
    assert_eq!(data(&mine.iter().collect::<Vec<_>>()), 10, "{mine:?}");
}

#[test]
fn another_programs_flood_is_left_out_by_the_kernel() {
    let Some(c) = capture() else { return };
    let watched = TcpListener::bind("127.0.0.1:0").unwrap();
    c.watch([watched.local_addr().unwrap().port()]);
    // Its port not watched: the kernel's filter leaves its data out before it is queued.
    let other = TcpListener::bind("127.0.0.1:0").unwrap();
    let flood = Flood::to(&other);
    // Meanwhile the watched port's exchange is all there, segment by segment.
    let data = |m: &[&Segment]| m.iter().filter(|s| s.len > 0).count();
    let mine = exchange_seen(&c, &watched, 5, |m| data(m) == 5);
    assert_eq!(data(&mine.iter().collect::<Vec<_>>()), 5, "{mine:?}");
    // Half a second of the flood (some 10,000 segments) is not even read: what is read
    // is other tests' SYNs, FINs and RSTs, far fewer.
    let read = c.packets_read();
    let written = flood.writes.load(Ordering::Relaxed);
    let seen_since = Instant::now();
    let mut theirs = 0;
    while seen_since.elapsed() < Duration::from_millis(500) {
        theirs += c.take().iter().filter(|s| s.src == flood.from).count();
        std::thread::sleep(Duration::from_millis(5));
    }
    let read = c.packets_read() - read;
    let written = flood.writes.load(Ordering::Relaxed) - written;
    drop(flood);
    assert_eq!(theirs, 0, "another program's segments handed over");
    assert!(
        written >= 1000,
        "the flood wrote only {written} segments in 500 ms"
    );
    assert!(
        read < written / 4,
        "{read} packets read during another program's {written} segments"
    );
    assert_eq!(c.thinned(), None, "thinned by another program's flood");
}

#[test]
fn an_engine_socket_connecting_out_is_kept_from_its_syn_and_first_bytes() {
    let Some(c) = capture() else { return };
    // A server the window does not know: neither end's port is watched when the engine's
    // socket connects and sends at once, before any window could learn its port.
    let outside = TcpListener::bind("[::1]:0").unwrap();
    let port = outside.local_addr().unwrap().port();
    c.watch([]);
    let mut d = Driver::new();
    d.engine.feed_capture(&c);
    for round in 0..4 {
        // socket() and connect(), or create_connection().
        let s = if round % 2 == 0 {
            let s = d.create(Family::Inet6, Kind::Stream);
            d.ok(
                s,
                Op::Connect {
                    addr: loopback(Family::Inet6, port),
                },
            );
            s
        } else {
            d.client
                .create(Create::Connection {
                    host: "::1".into(),
                    port,
                    timeout: None,
                    source: None,
                })
                .unwrap_or_else(|e| panic!("create_connection: {e}"))
                .id
        };
        d.ok(
            s,
            Op::SendAll {
                data: b"first".to_vec(),
                flags: 0,
            },
        );
        let me = d.local(s).inet().unwrap();
        let (mut srv, _) = outside.accept().unwrap();
        let mut b = [0u8; 5];
        srv.read_exact(&mut b).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut got = Vec::new();
        loop {
            got.extend(c.take().into_iter().filter(|s| s.src == me));
            let syn = got.iter().any(|s| s.flags == SYN);
            if syn && got.iter().any(|s| s.len == 5) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "round {round}: the SYN and first bytes from {me} not both seen ({} lost \
                 in all): {got:?}",
                c.dropped()
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        d.close(s);
    }
}

/// Each segment's time is the kernel's, stamped as it went over loopback, not the time the
/// capture's thread read it: in a conversation of small messages, each message's segment
/// is stamped after its write began and before the peer's read of it returned. (Stamped
/// when read, segments fell after the calls that sent them, and the diagram put them in
/// the wrong place.)
#[test]
fn each_segment_is_stamped_when_it_went_not_when_it_was_read() {
    const MESSAGES: usize = 50;
    let Some(c) = capture() else { return };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    c.watch([listener.local_addr().unwrap().port()]);
    warm_up(&c, &listener);
    for _ in 0..5 {
        let lost = c.dropped();
        let mut cli = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        cli.set_nodelay(true).unwrap();
        let (mut srv, _) = listener.accept().unwrap();
        srv.set_nodelay(true).unwrap();
        let me = cli.local_addr().unwrap();
        // Each message written, read by the server and answered before the next.
        let mut spans = Vec::with_capacity(MESSAGES);
        let mut b = [0u8; 4];
        for i in 0..MESSAGES {
            let before = Instant::now();
            cli.write_all(format!("{i:04}").as_bytes()).unwrap();
            srv.read_exact(&mut b).unwrap();
            spans.push((before, Instant::now()));
            srv.write_all(&b).unwrap();
            cli.read_exact(&mut b).unwrap();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut mine: Vec<Segment> = Vec::new();
        loop {
            mine.extend(c.take().into_iter().filter(|s| s.src == me));
            let bytes: u32 = mine.iter().map(|s| s.len).sum();
            // (A retransmission would be counted twice: >=.)
            if bytes as usize >= MESSAGES * 4 && mine.iter().any(|s| s.flags == SYN) {
                break;
            }
            if c.dropped() > lost {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "neither all {} bytes seen nor a loss said in 10 s: {mine:?}",
                MESSAGES * 4
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        if c.dropped() > lost {
            eprintln!("the capture lost segments during the conversation: again");
            continue;
        }
        let isn = mine.iter().find(|s| s.flags == SYN).unwrap().seq;
        for s in mine.iter().filter(|s| s.len > 0) {
            let offset = s.seq.wrapping_sub(isn).wrapping_sub(1) as usize;
            assert_eq!((offset % 4, s.len), (0, 4), "one message a segment: {s:?}");
            let (began, read) = spans[offset / 4];
            assert!(
                began <= s.at && s.at <= read,
                "message {} stamped {:?} after its write began; the server had read it \
                 {:?} after",
                offset / 4,
                s.at.saturating_duration_since(began),
                read.saturating_duration_since(began),
            );
        }
        return;
    }
    panic!("five conversations each lost segments");
}

/// The kernel turns its packet stamps on for the first socket that asks a moment later
/// (from a work queue): until then a packet has none, and a segment gets the time it was
/// read. Messages go until three in a row are stamped between their write and their read.
fn warm_up(c: &Capture, listener: &TcpListener) {
    let mut cli = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    cli.set_nodelay(true).unwrap();
    let (mut srv, _) = listener.accept().unwrap();
    let me = cli.local_addr().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut in_a_row = 0;
    let mut b = [0u8; 4];
    while in_a_row < 3 {
        assert!(
            Instant::now() < deadline,
            "no segment stamped by the kernel in 10 s"
        );
        let began = Instant::now();
        cli.write_all(b"warm").unwrap();
        srv.read_exact(&mut b).unwrap();
        let read = Instant::now();
        srv.write_all(&b).unwrap();
        cli.read_exact(&mut b).unwrap();
        // Its segment, once the capture has read it (or a loss said).
        let lost = c.dropped();
        let seen = loop {
            let got = c.take();
            if let Some(s) = got.iter().rev().find(|s| s.src == me && s.len == 4) {
                break Some(s.at);
            }
            if c.dropped() > lost || Instant::now() >= deadline {
                break None;
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        in_a_row = match seen {
            Some(at) if began <= at && at <= read => in_a_row + 1,
            _ => 0,
        };
    }
}
