//! Two calls on one socket at once, as two Python threads would make them: a blocked recv,
//! accept or connect never holds a send, shutdown or option call behind it; close ends the
//! blocked call ("closed while waiting"); the events say which calls overlapped.

use socklab::engine::{
    AddrSpec, Endpoint, Event, Family, How, Kind, Op, OptValue, Reply, ReqId, Timeout,
};

use socklab::engine::note::Note;

use crate::driver::{bytes_of, errno, loopback, Driver};
use crate::ops::full_listener;

fn recv(bufsize: usize) -> Op {
    Op::Recv { bufsize, flags: 0 }
}

/// The Overlap event that says `req` began while `with` was waiting.
fn overlap_of(d: &mut Driver, req: ReqId, with: ReqId) -> &'static str {
    match d.wait_for(
        "Overlap",
        |e| matches!(e, Event::Overlap { req: r, .. } if *r == req),
    ) {
        Event::Overlap {
            with_req, with_op, ..
        } => {
            assert_eq!(with_req, with, "it overlapped the call that waits");
            with_op
        }
        _ => unreachable!(),
    }
}

#[test]
fn a_blocked_recv_does_not_hold_a_send_behind_it() {
    let mut d = Driver::new();
    for family in [Family::Inet, Family::Inet6] {
        let (c, conn, _) = d.tcp_pair(family);
        // The client waits for a reply to a request it has not sent yet: with the calls
        // in one line this deadlocks; as two threads it must not.
        let waiting = d.start_blocked(c, recv(100));
        let send = d.start(
            c,
            Op::Send {
                data: b"ping".to_vec(),
                flags: 0,
            },
        );
        assert_eq!(d.wait_req(send), Ok(Reply::Int(4)));
        assert_eq!(overlap_of(&mut d, send, waiting), "recv");
        assert_eq!(d.recv(conn, 100), b"ping");
        d.sendall(conn, b"pong");
        assert_eq!(bytes_of(d.wait_req(waiting).unwrap()), b"pong");

        // A sendall that must wait for room moves on while the recv stays blocked, and
        // the recv still gets the reply that comes after the peer read it all.
        let big: Vec<u8> = (0..8u32 << 20).map(|i| (i % 251) as u8).collect();
        let waiting = d.start_blocked(c, recv(100));
        let sendall = d.start(
            c,
            Op::SendAll {
                data: big.clone(),
                flags: 0,
            },
        );
        let mut got = Vec::with_capacity(big.len());
        while got.len() < big.len() {
            got.extend(d.recv(conn, 1 << 20));
        }
        assert!(got == big, "every byte, in order");
        assert_eq!(d.wait_req(sendall), Ok(Reply::Unit));
        assert_eq!(overlap_of(&mut d, sendall, waiting), "recv");
        d.sendall(conn, b"done");
        assert_eq!(bytes_of(d.wait_req(waiting).unwrap()), b"done");

        // Option calls beside the blocked recv.
        let waiting = d.start_blocked(c, recv(100));
        let set = d.start(
            c,
            Op::SetSockOpt {
                level: libc::SOL_SOCKET,
                name: libc::SO_KEEPALIVE,
                value: OptValue::Int(1),
            },
        );
        assert_eq!(d.wait_req(set), Ok(Reply::Unit));
        assert_eq!(overlap_of(&mut d, set, waiting), "recv");
        assert_eq!(d.get_int(c, libc::SOL_SOCKET, libc::SO_KEEPALIVE), 1);
        // shutdown(SHUT_RD) ends the blocked recv with b'' and leaves the socket open.
        let shut = d.start(c, Op::Shutdown { how: How::Read });
        assert_eq!(d.wait_req(shut), Ok(Reply::Unit));
        assert_eq!(overlap_of(&mut d, shut, waiting), "recv");
        assert_eq!(bytes_of(d.wait_req(waiting).unwrap()), b"");
        d.sendall(c, b"still open");
        assert_eq!(d.recv(conn, 100), b"still open");
        d.close(c);
        d.close(conn);
    }
}

#[test]
fn a_blocked_recvfrom_does_not_hold_a_sendto() {
    let mut d = Driver::new();
    let (a, a_addr) = d.bound_udp();
    let (b, b_addr) = d.bound_udp();
    let to = |s: std::net::SocketAddr| AddrSpec::Inet {
        host: s.ip().to_string(),
        port: s.port(),
    };
    let waiting = d.start_blocked(
        a,
        Op::RecvFrom {
            bufsize: 100,
            flags: 0,
        },
    );
    let sent = d.start(
        a,
        Op::SendTo {
            data: b"who is there".to_vec(),
            flags: 0,
            addr: to(b_addr),
        },
    );
    assert_eq!(d.wait_req(sent), Ok(Reply::Int(12)));
    assert_eq!(overlap_of(&mut d, sent, waiting), "recvfrom");
    assert_eq!(d.recv(b, 100), b"who is there");
    d.sendto(b, b"me", to(a_addr));
    match d.wait_req(waiting) {
        Ok(Reply::BytesFrom { data, from }) => {
            assert_eq!(data, b"me");
            assert_eq!(from.map(|f| f.to_string()), Some(b_addr.to_string()));
        }
        other => panic!("recvfrom answered {other:?}"),
    }
}

#[test]
fn close_ends_a_blocked_call_and_says_so_and_nothing_runs_after() {
    let mut d = Driver::new();
    // recv.
    let (c, conn, _) = d.tcp_pair(Family::Inet);
    let waiting = d.start_blocked(c, recv(10));
    let close = d.start(c, Op::Close);
    let after = d.start(
        c,
        Op::Send {
            data: b"late".to_vec(),
            flags: 0,
        },
    );
    let e = d.wait_req(waiting).unwrap_err();
    assert_eq!(errno(&e), libc::EBADF);
    assert!(e.closed_while_waiting, "{e}");
    let (why, hint) = e.explanation();
    assert!(
        why.contains("close() was called") && why.contains("recv"),
        "{why}"
    );
    assert!(hint.unwrap().contains("shutdown(socket.SHUT_RD)"));
    assert_eq!(d.wait_req(close), Ok(Reply::Unit));
    // Sent after the close: it meets a closed socket, and the peer gets nothing.
    let late = d.wait_req(after).unwrap_err();
    assert_eq!(errno(&late), libc::EBADF);
    assert!(!late.closed_while_waiting, "it never waited: {late}");
    assert_eq!(d.recv(conn, 10), b"", "the peer sees only the close");

    // accept.
    let (l, _) = d.listener(Family::Inet);
    let waiting = d.start_blocked(l, Op::Accept);
    d.close(l);
    assert!(d.wait_req(waiting).unwrap_err().closed_while_waiting);

    // A connect to a listener whose queue is full waits for its SYN to be answered.
    let (_full, _fill, port) = full_listener();
    let s = d.create(Family::Inet, Kind::Stream);
    let waiting = d.start_blocked(
        s,
        Op::Connect {
            addr: loopback(Family::Inet, port),
        },
    );
    // Beside it: an option call, answered while the connect waits.
    let get = d.start(
        s,
        Op::GetSockOpt {
            level: libc::SOL_SOCKET,
            name: libc::SO_TYPE,
            buflen: None,
        },
    );
    assert_eq!(d.wait_req(get), Ok(Reply::Int(libc::SOCK_STREAM as i64)));
    assert_eq!(overlap_of(&mut d, get, waiting), "connect");
    d.close(s);
    let e = d.wait_req(waiting).unwrap_err();
    assert!(e.closed_while_waiting && errno(&e) == libc::EBADF, "{e}");

    // A sendall waiting for room (the peer does not read).
    let (c, _conn, _) = d.tcp_pair(Family::Inet);
    let sendall = d.start_blocked(
        c,
        Op::SendAll {
            data: vec![7; 64 << 20],
            flags: 0,
        },
    );
    d.close(c);
    let e = d.wait_req(sendall).unwrap_err();
    assert!(e.closed_while_waiting && errno(&e) == libc::EBADF, "{e}");

    // A UDP recvfrom: shutdown(SHUT_RD) is the way out only with a peer (without one,
    // CPython's shutdown raises ENOTCONN), so the hint says so only then.
    for connected in [false, true] {
        let (u, _) = d.bound_udp();
        if connected {
            let (_, to) = d.bound_udp();
            d.connect(u, loopback(Family::Inet, to.port()));
        }
        let waiting = d.start_blocked(
            u,
            Op::RecvFrom {
                bufsize: 10,
                flags: 0,
            },
        );
        d.close(u);
        let e = d.wait_req(waiting).unwrap_err();
        assert!(e.closed_while_waiting && errno(&e) == libc::EBADF, "{e}");
        let hint = e.explanation().1.unwrap();
        assert_eq!(hint.contains("shutdown"), connected, "{hint}");
        assert_eq!(hint.contains("settimeout"), !connected, "{hint}");
    }
    // A Unix datagram socket's shutdown(SHUT_RD) works without a peer: offered.
    let dir = tempfile::tempdir().unwrap();
    let u = d.create(Family::Unix, Kind::Dgram);
    d.bind(
        u,
        AddrSpec::Unix {
            path: dir.path().join("u").as_os_str().as_encoded_bytes().to_vec(),
        },
    );
    let waiting = d.start_blocked(
        u,
        Op::RecvFrom {
            bufsize: 10,
            flags: 0,
        },
    );
    d.close(u);
    let hint = d.wait_req(waiting).unwrap_err().explanation().1.unwrap();
    assert!(hint.contains("shutdown(socket.SHUT_RD)"), "{hint}");
}

#[test]
fn calls_after_a_waiting_send_keep_their_order() {
    let mut d = Driver::new();
    let (c, conn, _) = d.tcp_pair(Family::Inet);
    let first: Vec<u8> = (0..16u32 << 20).map(|i| (i % 253) as u8).collect();
    let sendall = d.start_blocked(
        c,
        Op::SendAll {
            data: first.clone(),
            flags: 0,
        },
    );
    // An option call goes ahead (and says it overlapped the waiting sendall); a send and a
    // shutdown wait their turn, in order.
    let get = d.start(
        c,
        Op::GetSockOpt {
            level: libc::SOL_SOCKET,
            name: libc::SO_SNDBUF,
            buflen: None,
        },
    );
    assert!(matches!(d.wait_req(get), Ok(Reply::Int(n)) if n > 0));
    assert_eq!(overlap_of(&mut d, get, sendall), "sendall");
    let second = d.start(
        c,
        Op::Send {
            data: b"second".to_vec(),
            flags: 0,
        },
    );
    let shut = d.start(c, Op::Shutdown { how: How::Write });
    let mut got = Vec::new();
    loop {
        let part = d.recv(conn, 1 << 20);
        if part.is_empty() {
            break;
        }
        got.extend(part);
    }
    assert_eq!(got.len(), first.len() + 6);
    assert!(
        got[..first.len()] == first[..],
        "the first sendall whole, first"
    );
    assert_eq!(&got[first.len()..], b"second");
    assert_eq!(d.wait_req(sendall), Ok(Reply::Unit));
    assert_eq!(d.wait_req(second), Ok(Reply::Int(6)));
    assert_eq!(d.wait_req(shut), Ok(Reply::Unit));
}

#[test]
fn a_waiting_send_keeps_its_timeout() {
    let mut d = Driver::new();
    let (c, _conn, _) = d.tcp_pair(Family::Inet);
    d.ok(
        c,
        Op::SetTimeout {
            timeout: Timeout::Secs(0.2),
        },
    );
    // sendall: TimeoutError once the peer never reads.
    let e = d.err(
        c,
        Op::SendAll {
            data: vec![1; 64 << 20],
            flags: 0,
        },
    );
    assert_eq!(e.python_line(), "TimeoutError: timed out");
    // The buffer is full: the call gives up at its timeout (or, if an acknowledgement
    // freed a little meanwhile, answers the part it took, as send() does).
    match d.call(
        c,
        Op::Send {
            data: vec![1; 1 << 20],
            flags: 0,
        },
    ) {
        Err(e) => assert_eq!(e.python_line(), "TimeoutError: timed out"),
        Ok(Reply::Int(n)) => assert!(n > 0 && n < 1 << 20, "{n}"),
        Ok(other) => panic!("send answered {other:?}"),
    }
}

#[test]
fn a_shutdown_beside_a_recv_waits_for_the_send_before_it() {
    let mut d = Driver::new();
    let (c, conn, _) = d.tcp_pair(Family::Inet);
    // The client reads the reply while it sends a request too big for the buffers, then
    // shuts its writing: the peer must get the whole request, then the end.
    let waiting = d.start_blocked(c, recv(100));
    let request: Vec<u8> = (0..16u32 << 20).map(|i| (i % 241) as u8).collect();
    let sendall = d.start_blocked(
        c,
        Op::SendAll {
            data: request.clone(),
            flags: 0,
        },
    );
    let shut = d.start(c, Op::Shutdown { how: How::Write });
    let mut got = Vec::with_capacity(request.len());
    loop {
        let part = d.recv(conn, 1 << 20);
        if part.is_empty() {
            break;
        }
        got.extend(part);
    }
    assert!(got == request, "the whole request, then the end");
    assert_eq!(d.wait_req(sendall), Ok(Reply::Unit));
    assert_eq!(d.wait_req(shut), Ok(Reply::Unit));
    d.sendall(conn, b"reply");
    assert_eq!(bytes_of(d.wait_req(waiting).unwrap()), b"reply");
}

#[test]
fn a_send_beside_a_connect_waits_for_its_outcome() {
    let mut d = Driver::new();
    let (full, fill, port) = full_listener();
    let s = d.create(Family::Inet, Kind::Stream);
    let connect = d.start_blocked(
        s,
        Op::Connect {
            addr: loopback(Family::Inet, port),
        },
    );
    let send = d.start(
        s,
        Op::Send {
            data: b"early".to_vec(),
            flags: 0,
        },
    );
    // Nobody listens any more: the kernel's next SYN is refused.
    drop((full, fill));
    let first = d.wait_for("an answer", |e| {
        matches!(e, Event::Done { req, .. } | Event::Failed { req: Some(req), .. }
            if *req == connect || *req == send)
    });
    match first {
        Event::Failed { req, error, .. } => {
            assert_eq!(req, Some(connect), "the connect answers first");
            assert_eq!(errno(&error), libc::ECONNREFUSED, "{error}");
        }
        other => panic!("the refused connect answered {other:?}"),
    }
    // The send ran after it, on an unconnected socket.
    let e = d.wait_req(send).unwrap_err();
    assert!(matches!(errno(&e), libc::EPIPE | libc::ENOTCONN), "{e}");
}

#[test]
fn a_refused_non_blocking_connect_does_not_stay_connecting() {
    use socklab::engine::inspect::TcpState;
    use socklab::engine::SockState;
    let mut d = Driver::new();
    let gone = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = gone.local_addr().unwrap().port();
    drop(gone);
    let s = d.create(Family::Inet, Kind::Stream);
    d.bind(s, loopback(Family::Inet, 0));
    d.ok(
        s,
        Op::SetTimeout {
            timeout: Timeout::NonBlocking,
        },
    );
    let addr = loopback(Family::Inet, dead);
    let first = d.ok(s, Op::ConnectEx { addr: addr.clone() });
    d.snapshot_until(s, "the refusal", |snap| snap.state == SockState::Bound);
    if first.int() == Some(libc::EINPROGRESS as i64) {
        let change = d.wait_for(
            "the failed connect",
            |e| matches!(e, Event::State { id, cause: socklab::engine::note::Cause::ConnectEnded, .. } if *id == s),
        );
        match change {
            Event::State {
                from, to, kernel, ..
            } => {
                assert_eq!((from, to), (SockState::Connecting, SockState::Bound));
                assert_eq!(kernel, Some(TcpState::Close));
            }
            _ => unreachable!(),
        }
        // The refusal itself waits in SO_ERROR for the next call, as in CPython.
        assert_eq!(
            d.ok(s, Op::ConnectEx { addr }).int(),
            Some(libc::ECONNREFUSED as i64)
        );
    } else {
        assert_eq!(first.int(), Some(libc::ECONNREFUSED as i64));
    }
}

#[test]
fn an_interrupted_call_ends_having_taken_nothing() {
    // Ctrl+C in Python (Op::Interrupt): a blocked recv answers KeyboardInterrupt at once
    // and the data that comes after it is the next recv's; a blocked accept leaves the
    // next connection to the next accept; a call queued behind another is answered too;
    // an interrupt for a call that has ended changes nothing.
    let mut d = Driver::new();
    let (c, conn, l) = d.tcp_pair(Family::Inet);
    let blocked = d.start_blocked(
        conn,
        Op::Recv {
            bufsize: 100,
            flags: 0,
        },
    );
    let queued = d.start(
        conn,
        Op::Recv {
            bufsize: 100,
            flags: 0,
        },
    );
    d.ok(conn, Op::Interrupt { call: queued });
    d.ok(conn, Op::Interrupt { call: blocked });
    for req in [queued, blocked] {
        let e = d.wait_req(req).unwrap_err();
        assert_eq!(e.python_class(), "KeyboardInterrupt", "{e:?}");
    }
    d.sendall(c, b"kept");
    assert_eq!(d.recv(conn, 100), b"kept");
    d.ok(conn, Op::Interrupt { call: blocked });
    d.sendall(c, b"again");
    assert_eq!(d.recv(conn, 100), b"again");
    let accepting = d.start_blocked(l, Op::Accept);
    d.ok(l, Op::Interrupt { call: accepting });
    assert_eq!(
        d.wait_req(accepting).unwrap_err().python_class(),
        "KeyboardInterrupt"
    );
    let c2 = d.create(Family::Inet, Kind::Stream);
    let Endpoint::V4(addr) = d.local(l) else {
        panic!("an IPv4 listener")
    };
    d.connect(
        c2,
        AddrSpec::Inet {
            host: "127.0.0.1".into(),
            port: addr.port(),
        },
    );
    let (conn2, _) = d.accept(l);
    d.sendall(c2, b"to the next accept");
    assert_eq!(d.recv(conn2, 100), b"to the next accept");
}

/// The note that says a closed socket is still held by the call that waits on it.
fn held_note(d: &mut Driver, id: socklab::engine::SocketId) -> Note {
    match d.wait_for(
        "HeldByCall",
        |e| matches!(e, Event::Note { id: i, note: Note::HeldByCall { .. } } if *i == id),
    ) {
        Event::Note { note, .. } => note,
        _ => unreachable!(),
    }
}

#[test]
fn pythons_close_leaves_a_waiting_call_holding_the_socket_as_cpython_does() {
    let mut d = Driver::new();
    // A blocking accept: close() returns at once, the kernel still listens, and the
    // waiting accept takes the next connection; then the listener closes.
    let (l, addr) = d.listener(Family::Inet);
    let waiting = d.start_blocked(l, Op::Accept);
    assert_eq!(d.call(l, Op::Release), Ok(Reply::Unit));
    assert_eq!(
        held_note(&mut d, l),
        Note::HeldByCall {
            op: "accept",
            timeout: false,
            stream: true
        }
    );
    // A call beside it (the window reading an option) leaves it held.
    let get = Op::GetSockOpt {
        level: libc::SOL_SOCKET,
        name: libc::SO_TYPE,
        buflen: None,
    };
    assert_eq!(d.call(l, get), Ok(Reply::Int(libc::SOCK_STREAM as i64)));
    let c = d.create(Family::Inet, Kind::Stream);
    d.connect(c, addr.clone());
    match d.wait_req(waiting) {
        Ok(Reply::Accepted { conn, .. }) => {
            assert_eq!(d.send(c, b"hi"), 2);
            assert_eq!(d.recv(conn, 10), b"hi", "the accepted connection works");
        }
        other => panic!("accept answered {other:?}"),
    }
    d.wait_for("Closed", |e| matches!(e, Event::Closed { id } if *id == l));
    let late = d.create(Family::Inet, Kind::Stream);
    let refused = d.err(late, Op::Connect { addr });
    assert_eq!(errno(&refused), libc::ECONNREFUSED, "the port went with it");

    // A recv with a timeout: what arrives ends it with EBADF, as CPython's poll then
    // finds its descriptor gone.
    let (c, conn, _) = d.tcp_pair(Family::Inet);
    d.ok(
        c,
        Op::SetTimeout {
            timeout: Timeout::Secs(60.0),
        },
    );
    let waiting = d.start_blocked(c, recv(10));
    assert_eq!(d.call(c, Op::Release), Ok(Reply::Unit));
    assert_eq!(
        held_note(&mut d, c),
        Note::HeldByCall {
            op: "recv",
            timeout: true,
            stream: true
        }
    );
    d.send(conn, b"x");
    let e = d.wait_req(waiting).unwrap_err();
    assert!(e.closed_while_waiting && errno(&e) == libc::EBADF, "{e}");
    let (why, _) = e.explanation();
    assert!(
        why.contains("from another thread") && why.contains("went on"),
        "{why}"
    );
    d.wait_for("Closed", |e| matches!(e, Event::Closed { id } if *id == c));

    // Nothing arrives: EBADF when the timeout runs out, not TimeoutError.
    let (c, _conn, _) = d.tcp_pair(Family::Inet);
    d.ok(
        c,
        Op::SetTimeout {
            // (Long enough for the close to come first on a loaded machine.)
            timeout: Timeout::Secs(5.0),
        },
    );
    let waiting = d.start_blocked(c, recv(10));
    assert_eq!(d.call(c, Op::Release), Ok(Reply::Unit));
    let e = d.wait_req(waiting).unwrap_err();
    assert!(e.closed_while_waiting && errno(&e) == libc::EBADF, "{e}");

    // A close that must end everything (a session's end) still ends the held call.
    let (l, _) = d.listener(Family::Inet);
    let waiting = d.start_blocked(l, Op::Accept);
    assert_eq!(d.call(l, Op::Release), Ok(Reply::Unit));
    d.close(l);
    assert!(d.wait_req(waiting).unwrap_err().closed_while_waiting);

    // With no call waiting, it closes at once.
    let (l, addr) = d.listener(Family::Inet);
    assert_eq!(d.call(l, Op::Release), Ok(Reply::Unit));
    let late = d.create(Family::Inet, Kind::Stream);
    assert_eq!(
        errno(&d.err(late, Op::Connect { addr })),
        libc::ECONNREFUSED
    );
}
