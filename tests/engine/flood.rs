//! A peer floods a socket while nobody reads the events: memory stays bounded, counters stay
//! exact, and other sockets are not stalled.

use std::io::Write;
use std::net::TcpStream;

use crate::common::*;
use crate::driver::*;
use socklab::engine::{AddrSpec, Direction, EngineConfig, Event, Family, Kind};

const TOTAL: usize = 8 << 20;
const BUDGET: usize = 256 << 10;

#[test]
fn a_flood_is_bounded_and_counted_exactly() {
    let mut d = Driver::with_config(EngineConfig {
        data_budget: BUDGET,
        ..EngineConfig::default()
    });
    let (l, addr) = d.listener(Family::Inet);
    let AddrSpec::Inet { port, .. } = addr else {
        panic!()
    };
    // A real peer outside the engine: a std TcpStream in its own thread.
    let peer = std::thread::spawn(move || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let block = vec![0xabu8; 64 << 10];
        let mut sent = 0;
        while sent < TOTAL {
            s.write_all(&block).unwrap();
            sent += block.len();
        }
        sent
    });
    let (conn, _) = d.accept(l);
    d.auto_receive(conn, 64 << 10);
    assert_eq!(peer.join().unwrap(), TOTAL);

    // The data events pile up unread (held, so their budget stays taken); snapshots are
    // looked at and let go, until the counters show everything arrived.
    let mut held: Vec<Event> = d.take_kept();
    let deadline = std::time::Instant::now() + DEADLINE;
    loop {
        let ev = d
            .events()
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
            .expect("events");
        let done = matches!(&ev, Event::Snapshot { id, snapshot, .. } if *id == conn && snapshot.counters.bytes_in == TOTAL as u64);
        if !matches!(ev, Event::Snapshot { .. }) {
            held.push(ev);
        }
        if done {
            break;
        }
    }
    let queued: usize = held
        .iter()
        .map(|e| match e {
            Event::Data { chunk, .. } if chunk.direction == Direction::In => chunk.data.len(),
            _ => 0,
        })
        .sum();
    assert!(
        queued <= BUDGET,
        "{queued} bytes of content were queued for a {BUDGET}-byte budget"
    );

    // Another socket is served meanwhile.
    let (c2, conn2, _) = d.tcp_pair(Family::Inet);
    d.sendall(c2, b"not stalled");
    assert_eq!(d.recv(conn2, 64), b"not stalled");

    // Once the consumer catches up, what was dropped is reported: every byte accounted for.
    let mut delivered = 0u64;
    let mut skipped = 0u64;
    for ev in held.drain(..).chain(d.take_kept()) {
        match ev {
            Event::Data { id, chunk } if id == conn && chunk.direction == Direction::In => {
                delivered += chunk.data.len() as u64
            }
            Event::Skipped { id, bytes, .. } if id == conn => skipped += bytes,
            _ => {}
        }
    }
    let deadline = std::time::Instant::now() + DEADLINE;
    while delivered + skipped < TOTAL as u64 {
        let ev = d
            .events()
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
            .expect("a Skipped report");
        match ev {
            Event::Data { id, chunk } if id == conn && chunk.direction == Direction::In => {
                delivered += chunk.data.len() as u64
            }
            Event::Skipped { id, bytes, .. } if id == conn => skipped += bytes,
            _ => {}
        }
    }
    assert_eq!(delivered + skipped, TOTAL as u64);
    assert!(skipped > 0, "a slow consumer must have caused drops");
    let s = d.snapshot(conn);
    assert_eq!(s.counters.bytes_in, TOTAL as u64);
}

/// A datagram socket in auto-receive pauses a moment after emptying its queue while
/// datagrams stream in (engine/worker/dgram.rs): every datagram that arrives during a pause
/// is read when it ends, once and in order. Each datagram here is sent as soon as the one
/// before it is reported, so most arrive while the socket is paused; a pause that ended
/// without reading would leave one unreported and the wait would end at its deadline.
#[test]
fn datagrams_arriving_while_the_socket_pauses_are_all_read_in_order() {
    let mut d = Driver::new();
    let u = d.create(Family::Inet, Kind::Dgram);
    let port = d.bind_loopback(u, Family::Inet).port().unwrap();
    d.auto_receive(u, 2048);
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.connect(("127.0.0.1", port)).unwrap();
    let mut next = 0u32;
    let mut expect = |d: &mut Driver, what: &str| {
        let chunk = d.wait_chunk(what, u, |_| true);
        assert_eq!(&chunk.data[..], next.to_be_bytes(), "datagram {next}");
        next += 1;
    };
    // One at a time: each one sent while the socket is likely paused after the last.
    for i in 0..300u32 {
        peer.send(&i.to_be_bytes()).unwrap();
        expect(&mut d, "the datagram sent after the last one was read");
    }
    // Bursts of 20 (well inside the receive buffer) with the socket's pauses in between.
    for burst in 0..30u32 {
        for i in 0..20u32 {
            peer.send(&(300 + burst * 20 + i).to_be_bytes()).unwrap();
        }
        for _ in 0..20 {
            expect(&mut d, "each datagram of a burst");
        }
    }
    assert_eq!(next, 900);
}

/// Datagrams a full receive buffer lost are counted where the kernel counts them
/// (SO_MEMINFO, the snapshot's `drops()`): read + dropped is every datagram sent, with nobody
/// reading (a buffer of a few KiB holds a few of 50) and under bursts read by auto-receive,
/// whose pauses between batches must lose none uncounted.
#[test]
fn datagrams_a_full_buffer_lost_are_counted_so_none_go_missing() {
    let mut d = Driver::new();
    let (s, to) = d.bound_udp();
    assert_eq!(
        d.snapshot(s).drops(),
        Some(0),
        "a new socket has lost nothing"
    );
    d.set_int(s, libc::SOL_SOCKET, libc::SO_RCVBUF, 4096);
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..50u8 {
        peer.send_to(&[i; 64], to).unwrap();
    }
    let full = d.snapshot_until(s, "the kernel's count of drops", |n| {
        n.drops().is_some_and(|x| x > 0)
    });
    assert_eq!(full.counters.msgs_in, 0, "nothing read yet");
    d.auto_receive(s, 2048);
    let all = |n: &socklab::engine::Snapshot, sent: u64| {
        n.counters.msgs_in + u64::from(n.drops().unwrap_or(0)) == sent
    };
    d.snapshot_until(s, "each of 50 read or dropped", |n| all(n, 50));

    // Bursts of 100 into a buffer of ~40, read as they come (here thousands of the 5,000
    // are dropped). Each burst is accounted for before the next: loopback's own queue
    // (1,000 packets a CPU) must never overflow, as its drops are not the socket's count.
    d.set_int(s, libc::SOL_SOCKET, libc::SO_RCVBUF, 16384);
    let mut sent = 50u64;
    for burst in 0..50u32 {
        for i in 0..100u32 {
            peer.send_to(&(burst * 100 + i).to_be_bytes(), to).unwrap();
        }
        sent += 100;
        d.snapshot_until(s, "each datagram of the burst read or dropped", |n| {
            all(n, sent)
        });
    }
}

/// Datagrams a slow consumer has no room for are counted as skipped and said before any
/// datagram delivered after them, also inside a batch: large and small datagrams alternate
/// under a budget of a few of them, so a small one would still fit after a large one was
/// refused.
#[test]
fn datagrams_past_the_consumers_budget_are_skipped_in_order() {
    const N: u32 = 400;
    const BURST: u32 = 40;
    let mut d = Driver::with_config(EngineConfig {
        data_budget: 8 << 10,
        ..EngineConfig::default()
    });
    let (s, to) = d.bound_udp();
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let send = |i: u32| {
        let mut dgram = i.to_be_bytes().to_vec();
        if i.is_multiple_of(2) {
            dgram.resize(1000, 0xee);
        }
        peer.send_to(&dgram, to).unwrap();
    };
    // The first burst is queued before auto-receive starts: it is read in full batches.
    (0..BURST).for_each(send);
    d.snapshot_until(s, "the first burst queued", |n| {
        n.recv_buffer.is_some_and(|b| b.used >= BURST / 2 * 1004)
    });
    d.auto_receive(s, 2048);
    for burst in 0..N / BURST {
        if burst > 0 {
            (burst * BURST..(burst + 1) * BURST).for_each(send);
        }
        let want = u64::from((burst + 1) * BURST);
        d.snapshot_until(s, "the burst read", |n| n.counters.msgs_in >= want);
    }
    // The events were held until now (their budget stayed taken). In order, each datagram
    // is delivered, or counted in a Skipped report before the next one delivered.
    let (mut next, mut skipped, mut batched) = (0u32, 0u64, false);
    let mut account = |ev: Event| {
        match &ev {
            Event::Skipped {
                id,
                chunks,
                direction: Direction::In,
                ..
            } if *id == s => {
                next += *chunks as u32;
                skipped += chunks;
            }
            _ if ev.socket() == Some(s) => {
                batched |= ev.data_count().0 > 1;
                // A batch holds no more than the budget (each datagram costs its bytes and
                // 64 more, the engine's count for its event), unless it is one datagram.
                let chunks = ev.peek_chunks();
                let cost: usize = chunks.iter().map(|c| c.data.len() + 64).sum();
                assert!(
                    chunks.len() == 1 || cost <= 8 << 10,
                    "a batch of {} costing {cost}",
                    chunks.len()
                );
                for c in chunks {
                    assert_eq!(c.data[..4], next.to_be_bytes(), "datagram {next}");
                    assert_eq!(c.len, if next.is_multiple_of(2) { 1000 } else { 4 });
                    next += 1;
                }
            }
            _ => {}
        }
        next
    };
    let mut told = 0;
    for ev in d.take_kept() {
        told = account(ev);
    }
    // Let go of, the budget has room: what is left is said.
    let deadline = std::time::Instant::now() + DEADLINE;
    while told < N {
        let ev = d
            .events()
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
            .expect("the last Skipped report");
        told = account(ev);
    }
    assert_eq!(next, N, "every datagram delivered or counted, once");
    assert!(skipped > 0, "the budget held a few datagrams only");
    assert!(batched, "datagrams received together came in one event");
}

/// `sends` (sender, datagram) queued from three senders before auto-receive (a buffer of
/// BUF) takes them: every chunk delivered, in order, the senders' addresses, and how many
/// datagrams each event held.
fn receive_queued(
    prefix: Option<usize>,
    sends: &[(usize, Vec<u8>)],
) -> (
    Vec<socklab::engine::Chunk>,
    Vec<std::net::SocketAddr>,
    Vec<usize>,
) {
    let mut d = Driver::with_config(EngineConfig {
        chunk_prefix: prefix,
        ..EngineConfig::default()
    });
    let (s, to) = d.bound_udp();
    let peers: Vec<std::net::UdpSocket> = (0..3)
        .map(|_| std::net::UdpSocket::bind("127.0.0.1:0").unwrap())
        .collect();
    for (from, dgram) in sends {
        peers[*from].send_to(dgram, to).unwrap();
    }
    let queued: usize = sends.iter().map(|(_, d)| d.len()).sum();
    d.snapshot_until(s, "the datagrams queued", |n| {
        n.recv_buffer.is_some_and(|b| b.used as usize >= queued)
    });
    d.auto_receive(s, BUF);
    let (mut got, mut events) = (Vec::new(), Vec::new());
    let deadline = std::time::Instant::now() + DEADLINE;
    while got.len() < sends.len() {
        let ev = d
            .events()
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
            .expect("every datagram delivered");
        if ev.socket() == Some(s) {
            match ev.data_count().0 {
                0 => {}
                n => events.push(n),
            }
            got.extend(ev.into_chunks());
        }
    }
    let from = peers.iter().map(|p| p.local_addr().unwrap()).collect();
    (got, from, events)
}

const BUF: usize = 2048;

/// Each chunk is its datagram: its bytes (whole, or the prefix asked for), its length, what
/// the buffer cut off, its sender.
fn check_chunks(
    got: &[socklab::engine::Chunk],
    sends: &[(usize, Vec<u8>)],
    from: &[std::net::SocketAddr],
    prefix: Option<usize>,
) {
    for (i, (c, (sender, whole))) in got.iter().zip(sends).enumerate() {
        let kept = whole.len().min(BUF);
        let shown = prefix.map_or(kept, |p| kept.min(p));
        assert_eq!(&c.data[..], &whole[..shown], "datagram {i} ({prefix:?})");
        assert_eq!((c.len, c.cut), (kept, whole.len() - kept), "datagram {i}");
        assert_eq!(
            c.peer.as_ref().map(|p| p.to_string()),
            Some(from[*sender].to_string()),
            "datagram {i}'s sender"
        );
        assert!(c.datagram && c.call == "recvfrom" && c.direction == Direction::In);
    }
}

/// Datagrams from three senders, in runs and alternating, of sizes from empty to above the
/// buffer, queued before auto-receive takes them in batches: each chunk keeps its own
/// bytes, length, cut and sender, whole or as the prefix a consumer asked for. Their
/// sizes differ too much for the kernel to write them in place one stride apart: the
/// batch's bytes are copied into one allocation.
#[test]
fn a_batch_keeps_each_datagrams_bytes_length_cut_and_sender() {
    const SIZES: [usize; 6] = [7, 1600, 3, 3000, 64, 0];
    // Runs of two from one sender, then the next: ABBCCAAB...
    let sends: Vec<(usize, Vec<u8>)> = (0..60)
        .map(|i: usize| {
            let size = SIZES[i % SIZES.len()];
            (
                i.div_ceil(2) % 3,
                (0..size).map(|k| (i * 7 + k) as u8).collect(),
            )
        })
        .collect();
    for prefix in [None, Some(5)] {
        let (got, from, events) = receive_queued(prefix, &sends);
        assert!(
            events.iter().any(|n| *n > 1),
            "datagrams queued together came in one event"
        );
        check_chunks(&got, &sends, &from, prefix);
    }
}

/// Datagrams of about one size are written by the kernel in place, one stride apart, and
/// shared from there; one longer than the stride is joined and copied in after them; each
/// keeps its bytes and sender.
#[test]
fn a_batch_written_in_place_shares_it_and_copies_a_longer_datagram_after_it() {
    // Fifteen of 1450 bytes fill most of the first batch's strides (1500 bytes each, an
    // Ethernet frame's datagram); the sixteenth is longer than a stride.
    let sends: Vec<(usize, Vec<u8>)> = (0..16)
        .map(|i: usize| {
            let size = if i == 15 { 2000 } else { 1450 };
            (i / 8, (0..size).map(|k| (i * 13 + k) as u8).collect())
        })
        .collect();
    let (got, from, events) = receive_queued(None, &sends);
    check_chunks(&got, &sends, &from, None);
    // In place: the first batch's datagrams of 1450 bytes lie one stride apart in one
    // allocation, not packed together (all sixteen, unless the kernel had not queued
    // them all yet when the first batch was taken).
    let first = events[0].min(15);
    assert!(
        first > 1,
        "datagrams queued together came in one event: {events:?}"
    );
    let at: Vec<usize> = got.iter().map(|c| c.data.as_ptr() as usize).collect();
    let stride = at[1].wrapping_sub(at[0]);
    assert!(stride > 1450, "{stride}: packed, not in place");
    for k in 1..first {
        assert_eq!(at[k].wrapping_sub(at[k - 1]), stride, "datagram {k}");
    }
}

/// A worker receiving a flood on the core the window draws a frame on hands that core back
/// (engine/gate.rs): the scheduler gives a runnable worker the core at a timer tick once the
/// window's thread has used its slice, and without the hand-back the worker kept it to the
/// next tick, the frame waiting. Here this thread draws stand-in frames (3 ms of work each,
/// a rest between them) on one core with the engine's threads, while a peer floods a
/// connection in auto-receive, until a worker has given way while a frame was being made
/// (not after it, while the frame is painted and this thread rests).
#[test]
fn a_worker_on_the_core_a_frame_is_drawn_on_gives_it_back() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Instant;
    let _alone = DRAWING.lock().unwrap_or_else(|e| e.into_inner());

    // The peer's thread is made before this one is pinned, so it may run elsewhere.
    let stop = Arc::new(AtomicBool::new(false));
    let (port_tx, port_rx) = crossbeam_channel::bounded::<u16>(1);
    let peer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let Ok(port) = port_rx.recv() else { return };
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            let block = vec![0x5au8; 64 << 10];
            let until = Instant::now() + DEADLINE;
            while !stop.load(Ordering::Relaxed) && Instant::now() < until {
                if s.write_all(&block).is_err() {
                    break;
                }
            }
        })
    };
    pin_here();
    // The window's workers run at nice 10.
    let mut d = Driver::with_config(EngineConfig {
        worker_nice: 10,
        ..EngineConfig::default()
    });
    let (l, addr) = d.listener(Family::Inet);
    let AddrSpec::Inet { port, .. } = addr else {
        panic!()
    };
    port_tx.send(port).unwrap();
    let (conn, _) = d.accept(l);
    d.auto_receive(conn, 64 << 10);
    draw_until(&mut d, "gave the core back", |d| d.engine.gave_way(), || {});
    stop.store(true, Ordering::Relaxed);
    drop(d);
    peer.join().unwrap();
}

/// The window's frames are the process's (engine/gate.rs): tests that draw stand-in frames
/// draw them one test at a time.
static DRAWING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// While datagrams stream in, the window hands its core over between pieces of a frame, and
/// a worker on that core takes the turn for one piece of its work (the reactor's round
/// empties the socket before its buffer overflows). Here this thread draws stand-in frames
/// (3 ms of work each, the core handed over every 200 µs) on one core with the engine's
/// threads, while a peer sends datagrams, until a worker has taken a turn inside a frame.
#[test]
fn a_datagram_worker_takes_the_core_the_window_hands_over() {
    use socklab::engine::gate;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    let _alone = DRAWING.lock().unwrap_or_else(|e| e.into_inner());

    // The peer's thread is made before this one is pinned, so it may run elsewhere.
    let stop = Arc::new(AtomicBool::new(false));
    let (to_tx, to_rx) = crossbeam_channel::bounded::<std::net::SocketAddr>(1);
    let peer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let Ok(to) = to_rx.recv() else { return };
            let u = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            let until = Instant::now() + DEADLINE;
            while !stop.load(Ordering::Relaxed) && Instant::now() < until {
                let _ = u.send_to(&[7u8; 1400], to);
                // (A pace: a datagram every 100 µs or so.)
                std::thread::sleep(Duration::from_micros(100));
            }
        })
    };
    pin_here();
    let mut d = Driver::with_config(EngineConfig {
        worker_nice: 10,
        ..EngineConfig::default()
    });
    let (s, to) = d.bound_udp();
    d.auto_receive(s, 2048);
    to_tx.send(to).unwrap();
    // The core handed over every 200 µs of the frame.
    let mut next = Instant::now();
    let hand_over = || {
        if Instant::now() >= next {
            gate::hand_over();
            next = Instant::now() + Duration::from_micros(200);
        }
    };
    draw_until(
        &mut d,
        "took the core handed over",
        |d| d.engine.took_turn(),
        hand_over,
    );
    stop.store(true, Ordering::Relaxed);
    drop(d);
    peer.join().unwrap();
}

/// This thread, and the engine's threads made from here on, on this core only.
fn pin_here() {
    let mut one = rustix::thread::CpuSet::new();
    one.set(socklab::sys::current_cpu());
    rustix::thread::sched_setaffinity(None, &one).unwrap();
}

/// Draws stand-in frames of the window's (3 ms of work each, `step` called all along, a
/// rest between them) until `count` grows while a frame is being made (not after it,
/// while the frame is painted and this thread rests).
fn draw_until(d: &mut Driver, what: &str, count: impl Fn(&Driver) -> u64, mut step: impl FnMut()) {
    use socklab::engine::gate;
    use std::time::{Duration, Instant};
    let deadline = Instant::now() + DEADLINE;
    let mut frames = 0;
    loop {
        assert!(
            Instant::now() < deadline,
            "no worker {what} inside {frames} frames"
        );
        let before = count(d);
        gate::frame_begins(0);
        // The frame's work: the events taken (so the worker keeps receiving), then
        // computing.
        while d.events().try_recv().is_ok() {}
        let end = Instant::now() + Duration::from_millis(3);
        let mut x = 0u64;
        while Instant::now() < end {
            step();
            x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
        let during = count(d) > before;
        gate::frame_made();
        frames += 1;
        if during {
            return;
        }
        // The window rests between frames (only a frame after rest opens the gate).
        std::thread::sleep(2 * (gate::TAIL + gate::REST));
    }
}
