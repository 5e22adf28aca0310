//! Two calls on one socket at once, as two Python threads would make them: a blocked recv,
//! accept or connect never holds a send, shutdown or option call behind it; close ends the
//! blocked call ("closed while waiting"); the events say which calls overlapped.

use socklab::engine::{AddrSpec, Event, Family, How, Kind, Op, Reply, ReqId, Timeout};

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
        d.sendall(conn, b"done");
        assert_eq!(bytes_of(d.wait_req(waiting).unwrap()), b"done");

        // Option calls, and getsockname, beside the blocked recv.
        let waiting = d.start_blocked(c, recv(100));
        d.set_int(c, libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1);
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
    assert!(hint.unwrap().contains("shutdown()"));
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
    let sendall = d.start(
        c,
        Op::SendAll {
            data: vec![7; 64 << 20],
            flags: 0,
        },
    );
    d.wait_for(
        "Waiting",
        |e| matches!(e, Event::Waiting { req, .. } if *req == sendall),
    );
    d.close(c);
    let e = d.wait_req(sendall).unwrap_err();
    assert!(e.closed_while_waiting && errno(&e) == libc::EBADF, "{e}");
}

#[test]
fn calls_after_a_waiting_send_keep_their_order() {
    let mut d = Driver::new();
    let (c, conn, _) = d.tcp_pair(Family::Inet);
    let first: Vec<u8> = (0..16u32 << 20).map(|i| (i % 253) as u8).collect();
    let sendall = d.start(
        c,
        Op::SendAll {
            data: first.clone(),
            flags: 0,
        },
    );
    d.wait_for(
        "Waiting",
        |e| matches!(e, Event::Waiting { req, .. } if *req == sendall),
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
    // sendall: TimeoutError once the peer never reads; send: the count it took.
    let e = d.err(
        c,
        Op::SendAll {
            data: vec![1; 64 << 20],
            flags: 0,
        },
    );
    assert_eq!(e.python_line(), "TimeoutError: timed out");
    let e = d.err(
        c,
        Op::Send {
            data: vec![1; 1 << 20],
            flags: 0,
        },
    );
    assert_eq!(
        e.python_line(),
        "TimeoutError: timed out",
        "the buffer is full"
    );
}
