//! Every responder with real clients on loopback, over TCP and UDP; Python's socket module as
//! a client where python3 exists; a thousand concurrent clients on one listener.

use std::io::{Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::process::Command;

use crate::common::*;
use crate::driver::*;
use socklab::engine::note::{HangUp, HmacFailure, Note};
use socklab::engine::{AddrSpec, Event, Family, Kind, Op, SocketId};
use socklab::pyfmt::hashing::{hmac_digest, Algo};
use socklab::pyfmt::to_hex as hex;
use socklab::serve::{build, Options, Rule};

fn spec(name: &str, o: &Options) -> socklab::engine::ResponderSpec {
    build(name, o).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A TCP server answering with `name`; returns its port.
fn tcp_server(d: &mut Driver, name: &str, o: &Options) -> (SocketId, u16) {
    let (l, addr) = d.listener(Family::Inet);
    d.ok(
        l,
        Op::Respond {
            responder: Some(spec(name, o)),
        },
    );
    d.ok(
        l,
        Op::AutoAccept {
            on: true,
            receive: true,
        },
    );
    let AddrSpec::Inet { port, .. } = addr else {
        panic!()
    };
    (l, port)
}

fn udp_server(d: &mut Driver, name: &str, o: &Options) -> (SocketId, u16) {
    let u = d.create(Family::Inet, Kind::Dgram);
    d.bind_loopback(u, Family::Inet);
    d.ok(
        u,
        Op::Respond {
            responder: Some(spec(name, o)),
        },
    );
    let port = d.local(u).port().unwrap();
    (u, port)
}

fn client(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    s
}

fn read_n(s: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n];
    s.read_exact(&mut b).unwrap();
    b
}

fn read_to_end(s: &mut TcpStream) -> Vec<u8> {
    let mut v = Vec::new();
    s.read_to_end(&mut v).unwrap();
    v
}

fn udp_client() -> UdpSocket {
    let u = UdpSocket::bind("127.0.0.1:0").unwrap();
    u.set_read_timeout(Some(DEADLINE)).unwrap();
    u
}

fn ask(u: &UdpSocket, port: u16, msg: &[u8]) -> Vec<u8> {
    u.send_to(msg, ("127.0.0.1", port)).unwrap();
    let mut b = vec![0u8; 65536];
    let (n, _) = u.recv_from(&mut b).unwrap();
    b.truncate(n);
    b
}

fn no() -> Options {
    Options::default()
}

#[test]
fn echo_upper_fixed_and_discard_over_tcp() {
    let mut d = Driver::new();
    let (_, port) = tcp_server(&mut d, "echo", &no());
    let mut c = client(port);
    c.write_all(b"hello\x00").unwrap();
    assert_eq!(read_n(&mut c, 6), b"hello\x00");
    // A megabyte echoed whole, while the client is still writing (answers are queued).
    let big: Vec<u8> = (0..1 << 20).map(|i| (i % 251) as u8).collect();
    let mut w = c.try_clone().unwrap();
    let b2 = big.clone();
    let writer = std::thread::spawn(move || w.write_all(&b2).unwrap());
    assert_eq!(read_n(&mut c, big.len()), big);
    writer.join().unwrap();
    c.shutdown(std::net::Shutdown::Write).unwrap();
    assert!(
        read_to_end(&mut c).is_empty(),
        "the server closes after the client"
    );

    let (_, port) = tcp_server(&mut d, "upper", &no());
    let mut c = client(port);
    c.write_all(b"abc xyz").unwrap();
    assert_eq!(read_n(&mut c, 7), b"ABC XYZ");

    let o = Options {
        reply: "OK\\r\\n".into(),
        ..no()
    };
    let (_, port) = tcp_server(&mut d, "fixed", &o);
    let mut c = client(port);
    c.write_all(b"anything").unwrap();
    assert_eq!(read_n(&mut c, 4), b"OK\r\n");

    let (l, port) = tcp_server(&mut d, "discard", &no());
    let mut c = client(port);
    c.write_all(&big).unwrap();
    c.shutdown(std::net::Shutdown::Write).unwrap();
    assert!(read_to_end(&mut c).is_empty(), "discard answers nothing");
    let snap = d.snapshot_until(l, "the client gone", |s| s.clients == Some((0, None)));
    assert_eq!(snap.responder.as_deref(), Some("discard"));
}

#[test]
fn greet_chargen_and_daytime_over_tcp() {
    let mut d = Driver::new();
    let (_, port) = tcp_server(&mut d, "greet", &no());
    let mut c = client(port);
    assert_eq!(read_n(&mut c, 6), b"hello!");
    c.write_all(b"Bob").unwrap();
    assert_eq!(read_n(&mut c, 11), b"Hello, Bob!");
    c.write_all(b"exit").unwrap();
    assert!(read_to_end(&mut c).is_empty(), "exit closes");
    // Said before it closes: nothing closes silently.
    let said = d.wait_for("why it closed", |e| matches!(e, Event::ClosedBy { .. }));
    let Event::ClosedBy { why, responder, .. } = said else {
        unreachable!()
    };
    assert_eq!(why, HangUp::ResponderEnded);
    assert_eq!(responder, "greet");

    let (_, port) = tcp_server(&mut d, "chargen", &no());
    let mut c = client(port);
    let got = read_n(&mut c, 20_000);
    let cycle = socklab::serve::basic::chargen_cycle();
    let want: Vec<u8> = cycle.iter().cycle().take(20_000).copied().collect();
    assert_eq!(got, want);
    drop(c);

    let (_, port) = tcp_server(&mut d, "daytime", &no());
    let mut c = client(port);
    let text = String::from_utf8(read_to_end(&mut c)).unwrap();
    assert!(
        text.ends_with("-UTC\r\n") && text.contains(", 20"),
        "{text:?}"
    );
}

#[test]
fn hmac_both_sides_and_rules_over_tcp() {
    let mut d = Driver::new();
    let o = Options {
        key: "peekaboo".into(),
        digest: "sha1".into(),
        ..no()
    };
    let (l, port) = tcp_server(&mut d, "hmac", &o);
    let mut c = client(port);
    let challenge = read_n(&mut c, 32);
    let answer = hex(&hmac_digest(Algo::Sha1, b"peekaboo", &challenge));
    c.write_all(format!("{answer}\n").as_bytes()).unwrap();
    assert_eq!(read_n(&mut c, 3), b"OK\n");
    c.write_all(b"after").unwrap();
    assert_eq!(read_n(&mut c, 5), b"after", "a passed session echoes");
    let note = d.wait_for("the pass note", |e| {
        matches!(
            e,
            Event::Note {
                note: Note::HmacPassed { .. },
                ..
            }
        )
    });
    let Event::Note { id, .. } = note else {
        panic!()
    };
    assert_ne!(id, l, "the note is the connection's");
    let mut c = client(port);
    let challenge = read_n(&mut c, 32);
    c.write_all(&hmac_digest(Algo::Sha1, b"wrong", &challenge))
        .unwrap();
    assert_eq!(
        read_to_end(&mut c),
        b"FAIL\n",
        "a wrong answer fails and closes"
    );

    // The client side, against a server socklab also runs: the helper answers for us.
    let s = d.create(Family::Inet, Kind::Stream);
    d.connect(s, loopback(Family::Inet, port));
    let o2 = Options {
        key: "peekaboo".into(),
        digest: "sha1".into(),
        ..no()
    };
    d.ok(
        s,
        Op::Respond {
            responder: Some(spec("hmac-client", &o2)),
        },
    );
    d.wait_for(
        "the server's verdict",
        |e| matches!(e, Event::Note { id, note: Note::ServerSays { text } } if *id == s && text == "OK"),
    );

    let o = Options {
        rules: vec![
            Rule {
                kind: socklab::serve::MatchKind::Regex,
                pattern: r"^SET (\w+)=(\d+)".into(),
                reply: "{1} is now {2} (#{count})\\n".into(),
                ..Rule::default()
            },
            Rule {
                pattern: "ping".into(),
                reply: "pong".into(),
                ..Rule::default()
            },
        ],
        ..no()
    };
    let (_, port) = tcp_server(&mut d, "rules", &o);
    let mut c = client(port);
    c.write_all(b"SET temp=21\r\n").unwrap();
    assert_eq!(read_n(&mut c, 19), b"temp is now 21 (#1)");
    assert_eq!(read_n(&mut c, 1), b"\n");
    c.write_all(b"ping\n").unwrap();
    assert_eq!(read_n(&mut c, 4), b"pong");
}

#[test]
fn an_hmac_challenge_left_unanswered_fails_in_time() {
    let mut d = Driver::new();
    let o = Options {
        key: "k".into(),
        challenge_timeout: Some(std::time::Duration::from_millis(300)),
        ..no()
    };
    let (l, port) = tcp_server(&mut d, "hmac", &o);
    let mut c = client(port);
    assert_eq!(read_n(&mut c, 32).len(), 32);
    // Almost an answer, then only spaces: the server neither decides nor keeps them.
    c.write_all(&[b'a'; 31]).unwrap();
    c.write_all(&[b' '; 64 << 10]).unwrap();
    assert_eq!(
        read_to_end(&mut c),
        b"FAIL\n",
        "a verdict, then the server hangs up"
    );
    d.wait_for("the verdict's note", |e| {
        matches!(e, Event::Note { note: Note::HmacFailed { why: HmacFailure::NoAnswer { secs }, .. }, .. } if *secs == 0.3)
    });
    // The listener goes on.
    let mut c = client(port);
    assert_eq!(read_n(&mut c, 32).len(), 32);
    let _ = l;
}

#[test]
fn every_responder_answers_datagrams_to_their_sender() {
    let mut d = Driver::new();
    let u = udp_client();
    let (_, p) = udp_server(&mut d, "echo", &no());
    assert_eq!(ask(&u, p, b"one"), b"one");
    let (_, p) = udp_server(&mut d, "upper", &no());
    assert_eq!(ask(&u, p, b"one"), b"ONE");
    let (_, p) = udp_server(&mut d, "greet", &no());
    assert_eq!(ask(&u, p, b"Ann\n"), b"Hello, Ann!");
    let (_, p) = udp_server(&mut d, "daytime", &no());
    assert!(ask(&u, p, b"").ends_with(b"-UTC\r\n"));
    let (_, p) = udp_server(&mut d, "chargen", &no());
    let first = ask(&u, p, &[b'x'; 512]);
    let second = ask(&u, p, &[b'x'; 512]);
    assert!(first.len() <= 512 && second.len() <= 512 && second.len() != first.len());
    // No amplifier for a spoofed source: a datagram is answered with at most its size...
    let third = ask(&u, p, b"x");
    assert!(
        third.len() <= 1,
        "{} bytes for a 1-byte request",
        third.len()
    );
    // ...unless the person raised that limit.
    let o = Options {
        udp_amplify: 100,
        ..no()
    };
    let (_, p) = udp_server(&mut d, "chargen", &o);
    ask(&u, p, b"x");
    assert_eq!(ask(&u, p, b"x").len(), 74);
    let o = Options {
        reply: "\\x06".into(),
        ..no()
    };
    let (_, p) = udp_server(&mut d, "fixed", &o);
    assert_eq!(ask(&u, p, b"?"), [6]);
    let o = Options {
        rules: vec![Rule {
            kind: socklab::serve::MatchKind::Prefix,
            hex: true,
            pattern: "01 03".into(),
            reply: "{peer}".into(),
            ..Rule::default()
        }],
        ..no()
    };
    let (_, p) = udp_server(&mut d, "rules", &o);
    let me = u.local_addr().unwrap().to_string();
    assert_eq!(
        ask(&u, p, &[1, 3, 0]),
        me.as_bytes(),
        "the reply names the sender"
    );
    let o = Options {
        key: "k".into(),
        ..no()
    };
    let (h, p) = udp_server(&mut d, "hmac", &o);
    // A request smaller than the challenge gets none (it would be an amplifier), and the
    // log says why.
    u.send_to(b"hello", ("127.0.0.1", p)).unwrap();
    d.wait_for(
        "the note",
        |e| matches!(e, Event::Note { id, note: Note::NoChallenge { carried: 5, .. } } if *id == h),
    );
    let challenge = ask(&u, p, &[b'?'; 32]);
    assert_eq!(challenge.len(), 32);
    // No digest given: md5, the tutorials' digest.
    let answer = hex(&hmac_digest(Algo::Md5, b"k", &challenge));
    assert_eq!(ask(&u, p, answer.as_bytes()), b"OK\n");

    // Discard: counted, never answered (a reply would be sent before the count shows).
    let (s, p) = udp_server(&mut d, "discard", &no());
    u.send_to(b"gone", ("127.0.0.1", p)).unwrap();
    d.snapshot_until(s, "the datagram counted", |x| x.counters.msgs_in == 1);
    u.set_nonblocking(true).unwrap();
    let mut b = [0u8; 16];
    assert!(u.recv_from(&mut b).is_err(), "discard answered");
}

#[test]
fn python_clients_get_the_classic_answers() {
    if !have_python() {
        return;
    }
    let mut d = Driver::new();
    let (_, echo) = tcp_server(&mut d, "echo", &no());
    let (_, greet) = tcp_server(&mut d, "greet", &no());
    let o = Options {
        key: "secret".into(),
        digest: "md5".into(),
        ..no()
    };
    let (_, hmac) = tcp_server(&mut d, "hmac", &o);
    let (_, uecho) = udp_server(&mut d, "upper", &no());
    let script = format!(
        r#"
import socket, hmac
s = socket.create_connection(('127.0.0.1', {echo}))
s.sendall(b'hello'); print(s.recv(1024))
s.close()
s = socket.create_connection(('127.0.0.1', {greet}))
print(s.recv(1024))
for name in [b'Michael', b'Tracy']:
    s.send(name); print(s.recv(1024).decode('utf-8'))
s.send(b'exit'); print(s.recv(1024))
s.close()
s = socket.create_connection(('127.0.0.1', {hmac}))
challenge = s.recv(32)
s.send(hmac.new(b'secret', challenge, 'md5').digest())
print(s.recv(16))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b'udp', ('127.0.0.1', {uecho}))
print(u.recvfrom(1024)[0])
"#
    );
    let out = Command::new("python3")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "b'hello'\nb'hello!'\nHello, Michael!\nHello, Tracy!\nb''\nb'OK\\n'\nb'UDP'\n"
    );
}

#[test]
fn a_thousand_concurrent_clients_are_all_echoed() {
    const CLIENTS: usize = 1000;
    let limit = raise_nofile();
    assert!(
        limit >= 3 * CLIENTS as u64 + 100,
        "the open-file limit ({limit}) cannot hold {CLIENTS} clients and their server ends"
    );
    let mut d = Driver::new();
    let (l, addr) = d.listener(Family::Inet);
    // Room in the accept queue for everyone connecting at once.
    d.listen(l, 1024);
    d.ok(
        l,
        Op::Respond {
            responder: Some(spec("echo", &no())),
        },
    );
    d.ok(
        l,
        Op::AutoAccept {
            on: true,
            receive: true,
        },
    );
    let AddrSpec::Inet { port, .. } = addr else {
        panic!()
    };
    // All connect first and stay open; then each sends and reads its own echo.
    let mut clients: Vec<TcpStream> = (0..CLIENTS).map(|_| client(port)).collect();
    for (i, c) in clients.iter_mut().enumerate() {
        c.write_all(format!("client {i:04}").as_bytes()).unwrap();
    }
    for (i, c) in clients.iter_mut().enumerate() {
        assert_eq!(read_n(c, 11), format!("client {i:04}").as_bytes());
    }
    let snap = d.snapshot_until(l, "all clients open", |s| {
        s.clients.is_some_and(|(n, _)| n == CLIENTS)
    });
    assert_eq!(snap.clients, Some((CLIENTS, None)));
    // The connections wait in the engine's reactor, not on a thread each.
    assert!(
        d.engine.worker_threads() < 50,
        "{} worker threads for {CLIENTS} connections",
        d.engine.worker_threads()
    );
    let refused = d
        .take_kept()
        .iter()
        .filter(|e| matches!(e, Event::Failed { .. }))
        .count();
    assert_eq!(refused, 0, "no connection failed");
    drop(clients);
    d.snapshot_until(l, "all clients gone", |s| s.clients == Some((0, None)));
}

#[test]
fn a_client_limit_leaves_the_rest_in_the_accept_queue() {
    let mut d = Driver::new();
    let (l, port) = tcp_server(&mut d, "echo", &no());
    d.ok(l, Op::LimitClients { max: Some(2) });
    let mut a = client(port);
    let mut b = client(port);
    a.write_all(b"a").unwrap();
    b.write_all(b"b").unwrap();
    assert_eq!(read_n(&mut a, 1), b"a");
    assert_eq!(read_n(&mut b, 1), b"b");
    let mut c = client(port);
    c.write_all(b"c").unwrap();
    // The third waits in the kernel's queue, unaccepted, until a place frees up.
    let snap = d.snapshot_until(l, "one queued", |s| {
        s.tcp.as_ref().is_some_and(|t| t.unacked == 1)
    });
    assert_eq!(snap.clients, Some((2, Some(2))));
    drop(a);
    assert_eq!(read_n(&mut c, 1), b"c", "accepted once a client left");
}

#[test]
fn the_accept_queue_lists_the_peers_nobody_accepted() {
    let mut d = Driver::new();
    let (l, addr) = d.listener(Family::Inet);
    let AddrSpec::Inet { port, .. } = addr else {
        panic!()
    };
    let clients: Vec<TcpStream> = (0..3).map(|_| client(port)).collect();
    let mine: Vec<String> = clients
        .iter()
        .map(|c| c.local_addr().unwrap().to_string())
        .collect();
    let snap = d.snapshot_until(l, "three queued", |s| s.accept_queue.len() == 3);
    let mut queued: Vec<String> = snap.accept_queue.iter().map(|e| e.to_string()).collect();
    queued.sort();
    let mut want = mine.clone();
    want.sort();
    assert_eq!(queued, want, "the queue holds exactly the waiting clients");
    let socklab::engine::Reply::Accepted { peer, .. } = d.ok(l, Op::Accept) else {
        panic!()
    };
    let snap = d.snapshot_until(l, "two queued", |s| s.accept_queue.len() == 2);
    assert!(
        !snap.accept_queue.contains(&peer),
        "the accepted one left the queue"
    );
}

#[test]
fn a_responders_connection_counts_what_it_moved() {
    let mut d = Driver::new();
    let (l, port) = tcp_server(&mut d, "echo", &no());
    let mut c = client(port);
    c.write_all(b"hello").unwrap();
    assert_eq!(read_n(&mut c, 5), b"hello");
    c.write_all(b"again!").unwrap();
    assert_eq!(read_n(&mut c, 6), b"again!");
    let made = d.wait_for(
        "the accepted connection",
        |e| matches!(e, Event::Created { info, .. } if info.parent == Some(l)),
    );
    let Event::Created { info, .. } = made else {
        unreachable!()
    };
    // Its counters say what it received and what its responder sent, exactly.
    let s = d.snapshot_until(info.id, "the counters", |s| s.counters.bytes_out == 11);
    assert_eq!((s.counters.bytes_in, s.counters.bytes_out), (11, 11));
    assert_eq!((s.counters.msgs_in, s.counters.msgs_out), (2, 2));
}

/// The responder a connection has, given again (its listener's, told to every connection
/// it accepted), changes nothing: no second greeting. Another one, even alike, starts over.
#[test]
fn the_same_responder_given_again_is_no_change() {
    let mut d = Driver::new();
    let (l, addr) = d.listener(Family::Inet);
    let AddrSpec::Inet { port, .. } = addr else {
        panic!()
    };
    let mut c = client(port);
    let (conn, _) = d.accept(l);
    let greet = spec("greet", &no());
    d.ok(
        conn,
        Op::Respond {
            responder: Some(greet.clone()),
        },
    );
    assert_eq!(read_n(&mut c, 6), b"hello!");
    d.ok(
        conn,
        Op::Respond {
            responder: Some(greet),
        },
    );
    // What comes next is what the program sends, not a greeting.
    d.sendall(conn, b"X");
    assert_eq!(read_n(&mut c, 1), b"X");
    d.ok(
        conn,
        Op::Respond {
            responder: Some(spec("greet", &no())),
        },
    );
    assert_eq!(read_n(&mut c, 6), b"hello!");
}
