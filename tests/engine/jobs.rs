//! Send jobs (a message N times or until stopped, files of any size) and receive-to-file, on
//! real loopback sockets with peers outside the engine.

use std::io::Write;
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::time::Duration;

use crate::common::*;
use crate::driver::*;
use socklab::engine::{
    AddrSpec, EngineConfig, Event, Family, Kind, Op, Progress, Reply, SendJob, SendSource,
};

fn job(source: SendSource, times: Option<u64>, interval_ms: u64) -> SendJob {
    SendJob {
        source,
        times,
        interval: Duration::from_millis(interval_ms),
        all: true,
        to: None,
        datagram: 1400,
    }
}

fn sent(r: Result<Reply, socklab::engine::OpError>) -> (Progress, bool) {
    match r {
        Ok(Reply::Sent { progress, stopped }) => (progress, stopped),
        other => panic!("a send job answers Sent, got {other:?}"),
    }
}

/// A fresh engine whose TCP socket is connected to a peer outside it (the peer's end
/// returned, unread until the test reads it).
fn connected() -> (Driver, socklab::engine::SocketId, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut d = Driver::new();
    let c = connect_to(&mut d, port);
    let (peer, _) = listener.accept().unwrap();
    (d, c, peer)
}

fn connect_to(d: &mut Driver, port: u16) -> socklab::engine::SocketId {
    let c = d.create(Family::Inet, Kind::Stream);
    d.connect(c, loopback(Family::Inet, port));
    c
}

#[test]
fn a_100_mb_file_arrives_byte_identical() {
    const SIZE: usize = 100 << 20;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    let want = random_file(&path, SIZE, 0x5eed);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || drain_hash(listener.accept().unwrap().0));

    let mut d = Driver::with_config(EngineConfig {
        data_budget: 1 << 20,
        ..EngineConfig::default()
    });
    let c = connect_to(&mut d, port);
    let req = d.start(
        c,
        Op::StartSending {
            job: job(SendSource::File { path: path.clone() }, Some(1), 0),
        },
    );
    // The socket stays usable while the file streams: an instant call answers meanwhile.
    d.ok(c, Op::GetSockName);
    let (p, stopped) = sent(d.wait_req(req));
    assert!(!stopped);
    assert_eq!(p.bytes, SIZE as u64);
    assert_eq!(p.total, Some(SIZE as u64));
    assert_eq!(p.repetitions, 1);
    assert_eq!(p.partial, None, "a file on a stream always goes whole");
    d.close(c);
    let (n, got) = peer.join().unwrap();
    assert_eq!(n, SIZE as u64);
    assert_eq!(got, want, "SHA-256 of what arrived equals the file's");
}

#[test]
fn a_message_goes_n_times_and_until_stopped() {
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(DEADLINE)).unwrap();
    let port = peer.local_addr().unwrap().port();
    let mut d = Driver::new();
    let u = d.create(Family::Inet, Kind::Dgram);
    let to = Some(loopback(Family::Inet, port));

    // Five datagrams to an unconnected peer, each exactly the message.
    let mut five = job(
        SendSource::Bytes {
            data: b"ping\x00".to_vec(),
        },
        Some(5),
        0,
    );
    five.to = to.clone();
    let (p, stopped) = sent(d.call(u, Op::StartSending { job: five }));
    assert!(!stopped);
    assert_eq!((p.bytes, p.sends, p.repetitions), (25, 5, 5));
    let mut buf = [0u8; 64];
    for _ in 0..5 {
        let (n, _) = peer.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"ping\x00");
    }

    // Until stopped, 20 ms apart: the count the job reports is the count that arrived.
    let mut forever = job(
        SendSource::Bytes {
            data: b"tick".to_vec(),
        },
        None,
        20,
    );
    forever.to = to;
    let req = d.start(u, Op::StartSending { job: forever });
    for _ in 0..3 {
        let (n, _) = peer.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"tick");
    }
    // A second job on the same socket is refused while the first runs.
    let e = d.err(
        u,
        Op::StartSending {
            job: job(SendSource::Bytes { data: vec![1] }, Some(1), 0),
        },
    );
    assert!(e.to_string().contains("already running"), "{e}");
    d.ok(u, Op::StopSending);
    let (p, stopped) = sent(d.wait_req(req));
    assert!(stopped);
    assert!(p.sends >= 3);
    for _ in 3..p.sends {
        let (n, _) = peer.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"tick");
    }
    peer.set_nonblocking(true).unwrap();
    assert!(peer.recv_from(&mut buf).is_err(), "nothing after the stop");
}

#[test]
fn a_file_goes_as_datagrams_of_the_chosen_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    random_file(&path, 10_000, 7);
    let data = std::fs::read(&path).unwrap();
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(DEADLINE)).unwrap();
    let port = peer.local_addr().unwrap().port();
    let mut d = Driver::new();
    let u = d.create(Family::Inet, Kind::Dgram);
    d.connect(u, loopback(Family::Inet, port));
    let mut j = job(SendSource::File { path }, Some(2), 0);
    j.datagram = 3000;
    let (p, _) = sent(d.call(u, Op::StartSending { job: j }));
    assert_eq!((p.bytes, p.sends, p.repetitions), (20_000, 8, 2));
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    for i in 0..8 {
        let n = peer.recv(&mut buf).unwrap();
        assert_eq!(n, if i % 4 == 3 { 1000 } else { 3000 });
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, [data.clone(), data].concat());
}

#[test]
fn send_keeps_what_the_kernel_took_and_says_so() {
    // A peer that never reads and small buffers: send() can take only part of 4 MiB.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut d = Driver::new();
    let c = d.create(Family::Inet, Kind::Stream);
    d.set_int(c, libc::SOL_SOCKET, libc::SO_SNDBUF, 4096);
    d.connect(c, loopback(Family::Inet, port));
    let (_held, _) = listener.accept().unwrap();
    let mut j = job(
        SendSource::Bytes {
            data: vec![7u8; 4 << 20],
        },
        Some(1),
        0,
    );
    j.all = false;
    let (p, _) = sent(d.call(c, Op::StartSending { job: j }));
    assert_eq!(p.sends, 1);
    assert!(p.bytes > 0 && p.bytes < 4 << 20, "took {}", p.bytes);
    assert_eq!(p.partial, Some((p.bytes, 4 << 20)));
}

#[test]
fn close_ends_a_job_and_a_missing_file_is_explained() {
    let (mut d, c, _held) = connected();
    let e = d.err(
        c,
        Op::StartSending {
            job: job(
                SendSource::File {
                    path: "/no/such/file.bin".into(),
                },
                Some(1),
                0,
            ),
        },
    );
    assert_eq!(errno(&e), libc::ENOENT);
    assert_eq!(e.op, "read file");
    let (why, _) = e.explanation();
    assert!(why.contains("No file exists at /no/such/file.bin"), "{why}");

    let req = d.start(
        c,
        Op::StartSending {
            job: job(
                SendSource::Bytes {
                    data: b"x".to_vec(),
                },
                None,
                1000,
            ),
        },
    );
    d.close(c);
    let (p, stopped) = sent(d.wait_req(req));
    assert!(stopped);
    assert!(p.sends >= 1);
}

#[test]
fn commands_sent_before_a_close_run_before_it() {
    let (mut d, c, mut peer) = connected();
    peer.set_read_timeout(Some(DEADLINE)).unwrap();
    // While a recv blocks, a send and then a close arrive: the send waits its turn, the
    // close is noted at once and ends the recv, as a close from another thread does.
    let recv = d.start_blocked(
        c,
        Op::Recv {
            bufsize: 10,
            flags: 0,
        },
    );
    let send = d.start(
        c,
        Op::Send {
            data: b"x".to_vec(),
            flags: 0,
        },
    );
    let close = d.start(c, Op::Close);
    assert_eq!(errno(&d.wait_req(recv).unwrap_err()), libc::EBADF);
    // The send came before the close, so it runs before it; the peer gets its byte.
    assert!(d.wait_req(send).is_ok(), "the send sent before close runs");
    assert_eq!(d.wait_req(close), Ok(Reply::Unit));
    let mut got = Vec::new();
    std::io::Read::read_to_end(&mut peer, &mut got).unwrap();
    assert_eq!(got, b"x");
}

#[test]
fn receive_to_file_under_a_flood_writes_exactly_what_was_sent() {
    const TOTAL: usize = 48 << 20;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    let want = random_file(&src, TOTAL, 99);
    // A tiny event budget: the traffic view falls behind and skips, the file must not.
    let mut d = Driver::with_config(EngineConfig {
        data_budget: 64 << 10,
        ..EngineConfig::default()
    });
    let (l, addr) = d.listener(Family::Inet);
    let AddrSpec::Inet { port, .. } = addr else {
        panic!()
    };
    let peer = std::thread::spawn(move || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let mut f = std::fs::File::open(src).unwrap();
        std::io::copy(&mut f, &mut s).unwrap();
        s.flush().unwrap();
    });
    let (conn, _) = d.accept(l);
    let out = dir.path().join("received.bin");
    d.ok(
        conn,
        Op::Record {
            path: Some(out.clone()),
            replace: false,
        },
    );
    d.auto_receive(conn, 64 << 10);
    peer.join().unwrap();
    // Let the data events go (they hold the budget) until the peer's EOF is counted.
    d.snapshot_until(conn, "every byte counted", |s| {
        s.counters.bytes_in == TOTAL as u64
    });
    let delivered: usize = d
        .take_kept()
        .iter()
        .map(|e| match e {
            Event::Data { chunk, .. } => chunk.data.len(),
            _ => 0,
        })
        .sum();
    let Reply::Int(n) = d.ok(
        conn,
        Op::Record {
            path: None,
            replace: false,
        },
    ) else {
        panic!()
    };
    assert_eq!(n as usize, TOTAL);
    assert_eq!(file_hash(&out), (TOTAL as u64, want));
    assert!(
        delivered < TOTAL / 2,
        "the flood outran the view ({delivered} bytes delivered), so the file could not come from it"
    );

    // A file that cannot be created is explained, with its path.
    let e = d.err(
        conn,
        Op::Record {
            path: Some("/no/such/dir/x.bin".into()),
            replace: false,
        },
    );
    assert_eq!(errno(&e), libc::ENOENT);
    assert!(e.to_string().contains("/no/such/dir/x.bin"), "{e}");

    // A file already there is not truncated unless the person said to replace it; one
    // replaced keeps its permissions.
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(&out, b"keep me").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o600)).unwrap();
    let e = d.err(
        conn,
        Op::Record {
            path: Some(out.clone()),
            replace: false,
        },
    );
    assert_eq!(errno(&e), libc::EEXIST, "{e}");
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
    d.ok(
        conn,
        Op::Record {
            path: Some(out.clone()),
            replace: true,
        },
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"", "replaced when asked");
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}
