//! Hostile peers, seen from the engine: lengths the kernel reports past a buffer, a
//! worker that panics (in a command, in the reactor), a consumer that reads nothing. Each
//! test failed (crashed, hung or grew) before its fix.

use std::io::{Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::time::Instant;

use crate::common::*;
use crate::driver::*;
use socklab::engine::{
    Ctx, ErrorKind, Event, Family, Kind, MakeResponder, Op, Out, Reply, Responder, ResponderSpec,
};

// ---------------------------------------------------------------------------------------
// Lengths the kernel reports

#[test]
fn msg_trunc_gives_the_datagrams_length_and_zeros_past_the_buffer() {
    let mut d = Driver::new();
    let (a, addr) = d.bound_udp();
    let u = UdpSocket::bind("127.0.0.1:0").unwrap();
    u.send_to(&vec![b'x'; 60_000], addr).unwrap();
    let got = bytes_of(d.ok(
        a,
        Op::Recv {
            bufsize: 4,
            flags: libc::MSG_TRUNC,
        },
    ));
    assert_eq!(
        got.len(),
        60_000,
        "the kernel's length, as CPython's result has"
    );
    assert_eq!(&got[..4], b"xxxx");
    assert!(
        got[4..].iter().all(|&b| b == 0),
        "nothing but zeros past the buffer"
    );

    u.send_to(b"abcdefgh", addr).unwrap();
    let Reply::BytesFrom { data, from } = d.ok(
        a,
        Op::RecvFrom {
            bufsize: 3,
            flags: libc::MSG_TRUNC,
        },
    ) else {
        panic!("recvfrom answers bytes and a sender")
    };
    assert_eq!(data, b"abc\0\0\0\0\0");
    assert_eq!(
        from.and_then(|f| f.port()),
        Some(u.local_addr().unwrap().port())
    );

    // Without MSG_TRUNC a datagram is cut to the buffer, as the kernel does.
    u.send_to(b"abcdefgh", addr).unwrap();
    let got = bytes_of(d.ok(
        a,
        Op::Recv {
            bufsize: 3,
            flags: 0,
        },
    ));
    assert_eq!(got, b"abc");

    // On TCP, MSG_TRUNC discards what it reports and writes nothing into the buffer: the
    // result is that many bytes, and none of them memory that was not received.
    for _ in 0..2 {
        let (c, conn, _) = d.tcp_pair(Family::Inet);
        // Fill the recv buffers with something first, so old bytes would show.
        d.ok(
            c,
            Op::SendAll {
                data: vec![0xee; 4096],
                flags: 0,
            },
        );
        let mut got = Vec::new();
        while got.len() < 4096 {
            got.extend(bytes_of(d.ok(
                conn,
                Op::Recv {
                    bufsize: 4096,
                    flags: 0,
                },
            )));
        }
        d.sendall(c, b"0123456789");
        let cut = bytes_of(d.ok(
            conn,
            Op::Recv {
                bufsize: 4,
                flags: libc::MSG_TRUNC,
            },
        ));
        assert_eq!(cut, [0u8; 4], "discarded, and zeros stand for them");
        let rest = bytes_of(d.ok(
            conn,
            Op::Recv {
                bufsize: 100,
                flags: 0,
            },
        ));
        assert_eq!(rest, b"456789");
    }
}

// ---------------------------------------------------------------------------------------
// A worker that panics

/// Panics when it opens (with `on_open`), or when a message says "boom"; echoes otherwise.
struct Faulty {
    on_open: bool,
}

struct FaultyConn {
    on_open: bool,
}

impl MakeResponder for Faulty {
    fn make(&self) -> Box<dyn Responder> {
        Box::new(FaultyConn {
            on_open: self.on_open,
        })
    }
    fn describe(&self) -> String {
        "faulty".into()
    }
}

impl Responder for FaultyConn {
    fn on_open(&mut self, _ctx: &Ctx) -> Vec<Out> {
        assert!(!self.on_open, "injected panic on open");
        Vec::new()
    }
    fn on_data(&mut self, data: &[u8], _ctx: &Ctx) -> Vec<Out> {
        assert!(data != b"boom", "injected panic on data");
        vec![Out::Send {
            data: data.to_vec(),
        }]
    }
}

fn is_internal(e: &socklab::engine::OpError) -> bool {
    matches!(e.kind, ErrorKind::Internal { .. }) && e.python_class() == "SystemError"
}

#[test]
fn a_panic_in_a_command_answers_the_caller_and_closes_the_socket() {
    let mut d = Driver::new();
    let (c, _conn, _l) = d.tcp_pair(Family::Inet);
    let err = d.err(
        c,
        Op::Respond {
            responder: Some(ResponderSpec::new(Faulty { on_open: true })),
        },
    );
    assert!(is_internal(&err), "{err}");
    assert!(err.to_string().contains("injected panic on open"), "{err}");
    d.wait_for("Closed", |e| matches!(e, Event::Closed { id } if *id == c));
    let after = d.err(c, Op::GetSockName);
    assert_eq!(errno(&after), libc::EBADF, "the socket is closed: {after}");
    // The engine goes on: a new socket works.
    let s = d.create(Family::Inet, Kind::Stream);
    d.ok(s, Op::GetSockName);
}

#[test]
fn a_panic_in_the_reactor_fails_that_connection_and_the_others_go_on() {
    let mut d = Driver::new();
    let (l, addr) = d.listener(Family::Inet);
    d.ok(
        l,
        Op::Respond {
            responder: Some(ResponderSpec::new(Faulty { on_open: false })),
        },
    );
    d.ok(
        l,
        Op::AutoAccept {
            on: true,
            receive: true,
        },
    );
    let socklab::engine::AddrSpec::Inet { port, .. } = addr else {
        panic!("an IPv4 listener")
    };
    let mut good = TcpStream::connect(("127.0.0.1", port)).unwrap();
    good.set_read_timeout(Some(DEADLINE)).unwrap();
    let first = d.wait_for(
        "the first Accepted",
        |e| matches!(e, Event::Accepted { listener, .. } if *listener == l),
    );
    let Event::Accepted { conn: good_id, .. } = first else {
        unreachable!()
    };
    // It rests in the reactor: the panic below happens there.
    let until = Instant::now() + DEADLINE;
    while d.engine.resting_sockets() < 2 {
        assert!(Instant::now() < until, "the connection never rested");
        std::thread::yield_now();
    }

    let mut bad = TcpStream::connect(("127.0.0.1", port)).unwrap();
    bad.set_read_timeout(Some(DEADLINE)).unwrap();
    // The bad connection rests in the reactor too before its message comes: the panic
    // happens there, not on a thread of its own.
    d.wait_for("the second Accepted", |e| {
        matches!(e, Event::Accepted { listener, conn, .. } if *listener == l && *conn != good_id)
    });
    let until = Instant::now() + DEADLINE;
    while d.engine.resting_sockets() < 3 {
        assert!(Instant::now() < until, "the bad connection never rested");
        std::thread::yield_now();
    }
    bad.write_all(b"boom").unwrap();
    let failed = d.wait_for("the panic's failure", |e| {
        matches!(e, Event::Failed { id: Some(id), req: None, error, .. }
            if *id != good_id && *id != l && is_internal(error))
    });
    let Event::Failed {
        id: Some(bad_id), ..
    } = failed
    else {
        unreachable!()
    };
    d.wait_for(
        "Closed",
        |e| matches!(e, Event::Closed { id } if *id == bad_id),
    );
    let mut b = [0u8; 1];
    assert_eq!(
        bad.read(&mut b).unwrap_or(0),
        0,
        "the failed connection is closed"
    );

    // The reactor lives on: the resting connection answers, the listener accepts.
    good.write_all(b"still here").unwrap();
    let mut echo = [0u8; 10];
    good.read_exact(&mut echo).unwrap();
    assert_eq!(&echo, b"still here");
    let mut third = TcpStream::connect(("127.0.0.1", port)).unwrap();
    third.set_read_timeout(Some(DEADLINE)).unwrap();
    third.write_all(b"hi").unwrap();
    let mut two = [0u8; 2];
    third.read_exact(&mut two).unwrap();
    assert_eq!(&two, b"hi");
}

// ---------------------------------------------------------------------------------------
// A consumer that does not read

#[test]
fn notes_nobody_reads_are_counted_not_queued_without_end() {
    const BACKLOG: usize = 500;
    let mut d = Driver::with_config(socklab::engine::EngineConfig {
        event_backlog: BACKLOG,
        // Only the notes are looked at: no data events, no snapshots.
        deliver_data: false,
        inspect: false,
        ..Default::default()
    });
    let u = d.create(Family::Inet, Kind::Dgram);
    d.bind_loopback(u, Family::Inet);
    let every = socklab::serve::Rule {
        kind: socklab::serve::MatchKind::Contains,
        pattern: "".into(),
        reply: "ok".into(),
        ..Default::default()
    };
    let rules = socklab::serve::build(
        "rules",
        &socklab::serve::Options {
            rules: vec![every],
            ..Default::default()
        },
    )
    .unwrap();
    d.ok(
        u,
        Op::Respond {
            responder: Some(rules),
        },
    );
    let port = d.local(u).port().unwrap();
    // Four times the backlog of messages, each answered (and noted), none of the notes
    // read meanwhile.
    let c = UdpSocket::bind("127.0.0.1:0").unwrap();
    c.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut b = [0u8; 8];
    for i in 0..4 * BACKLOG as u32 {
        c.send_to(&i.to_be_bytes(), ("127.0.0.1", port)).unwrap();
        assert_eq!(c.recv(&mut b).unwrap(), 2);
    }
    let queued = d.events().len();
    assert!(
        queued <= BACKLOG + 8,
        "{queued} events queued for a consumer that reads none (backlog {BACKLOG})"
    );
    // Read them: once the queue has room, the next note says how many were left out.
    let mut notes = 0;
    while d.events().try_recv().is_ok() {
        notes += 1;
    }
    c.send_to(b"again", ("127.0.0.1", port)).unwrap();
    c.recv(&mut b).unwrap();
    d.wait_for("the count", |e| {
        matches!(
            e,
            Event::Note {
                note: socklab::engine::note::Note::LeftOut { .. },
                ..
            }
        )
    });
    assert!(notes >= BACKLOG - 8, "{notes} read");
}
