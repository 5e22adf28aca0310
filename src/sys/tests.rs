//! The layer's own checks; .ci/run runs them under valgrind's memcheck too.

use super::*;
use std::os::fd::AsFd;

fn udp() -> std::net::UdpSocket {
    std::net::UdpSocket::bind("127.0.0.1:0").unwrap()
}

#[test]
fn lengths_the_kernel_reports_never_exceed_the_buffer() {
    // getsockopt into a buffer smaller than the option: never more than asked.
    let u = udp();
    let b = getsockopt_raw(u.as_fd(), libc::SOL_SOCKET, libc::SO_RCVBUF, 2).unwrap();
    assert!(b.len() <= 2);
    assert_eq!(
        tcp_info(u.as_fd()).map(|t| t.tcpi_state),
        None,
        "UDP has no TCP_INFO"
    );
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    assert_eq!(
        tcp_info(l.as_fd()).map(|t| t.tcpi_state),
        Some(10),
        "LISTEN"
    );

    // recv with MSG_TRUNC reports 100 bytes; 4 are kept, what the buffer held.
    let s = Socket::from(udp());
    let to = s.local_addr().unwrap().as_socket().unwrap();
    let peer = udp();
    peer.send_to(&[7u8; 100], to).unwrap();
    let mut buf = Vec::new();
    let (n, from) = recv_into(&s, &mut buf, 4, libc::MSG_TRUNC, true).unwrap();
    assert_eq!((n, buf.as_slice()), (100, &[7u8; 4][..]));
    assert_eq!(
        from.and_then(|a| a.as_socket()),
        Some(peer.local_addr().unwrap())
    );

    // recvmmsg: each buffer holds at most its room, whatever the datagram's size, and what
    // the room could not hold is counted.
    peer.send_to(&[1u8; 10], to).unwrap();
    peer.send_to(&[2u8; 2], to).unwrap();
    let mut bufs = vec![Vec::new(), Vec::new()];
    let mut taken = Taken::default();
    // Both datagrams are queued on loopback once send_to returned.
    let dgram = DatagramFd::new(s.as_fd()).expect("a UDP socket is no stream");
    recvmmsg(dgram, &mut bufs, 3, None, &mut taken).unwrap();
    assert_eq!(bufs[0], [1u8; 3]);
    assert_eq!(bufs[1], [2u8; 2]);
    assert_eq!(taken.from.len(), 2);
    assert_eq!(taken.cut, [7, 0]);

    // With an arena: each datagram's first `stride` bytes go there, one stride apart (the
    // bytes between them zeroed), the rest of its room is its buffer's.
    peer.send_to(&[4u8; 6], to).unwrap();
    peer.send_to(&[5u8; 2], to).unwrap();
    peer.send_to(&[6u8; 9], to).unwrap();
    let mut arena = vec![0xffu8; 3];
    let mut bufs = vec![vec![0xffu8; 5], Vec::new(), Vec::new()];
    let stride = 4;
    let arena_of = Arena {
        buf: &mut arena,
        stride,
    };
    recvmmsg(dgram, &mut bufs, 8, Some(arena_of), &mut taken).unwrap();
    assert_eq!(taken.head, [4, 2, 4]);
    assert_eq!(arena, [4, 4, 4, 4, 5, 5, 0, 0, 6, 6, 6, 6]);
    assert_eq!(bufs, [vec![4u8; 2], vec![], vec![6u8; 4]]);
    assert_eq!(taken.cut, [0, 0, 1]);
    assert_eq!(taken.from.len(), 3);

    // One datagram into a large room: its whole length when the room cuts it, its sender.
    peer.send_to(&[3u8; 9], to).unwrap();
    let mut one = vec![0xffu8; 4];
    let (whole, from) = recv_datagram(dgram, &mut one, 5).unwrap();
    assert_eq!((whole, one.as_slice()), (9, &[3u8; 5][..]));
    assert_eq!(from.as_socket(), Some(peer.local_addr().unwrap()));
    peer.send_to(b"ab", to).unwrap();
    let (whole, _) = recv_datagram(dgram, &mut one, 1 << 20).unwrap();
    assert_eq!((whole, one.as_slice()), (2, &b"ab"[..]));
    assert!(
        recv_datagram(dgram, &mut one, 10).is_err(),
        "nothing waits: EAGAIN"
    );
    // A stream is refused the MSG_TRUNC paths.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    assert!(DatagramFd::new(l.as_fd()).is_none());
}

#[test]
fn names_errors_and_files() {
    let found = getaddrinfo("localhost", 80, libc::AF_UNSPEC, libc::SOCK_STREAM).unwrap();
    assert!(found
        .iter()
        .all(|(a, _)| a.port() == 80 && a.ip().is_loopback()));
    assert!(getaddrinfo("a\0b", 80, libc::AF_UNSPEC, 0).is_err());
    assert_eq!(strerror(libc::ECONNREFUSED), "Connection refused");
    assert_eq!(gai_strerror(libc::EAI_NONAME), "Name or service not known");
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::write(&a, b"a").unwrap();
    std::fs::write(&b, b"b").unwrap();
    let e = rename_noreplace(&a, &b).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
    assert_eq!(std::fs::read(&b).unwrap(), b"b");
    // The interfaces as `ip addr` lists them: loopback with its two addresses, once.
    let all = interfaces().unwrap();
    let lo: Vec<_> = all.iter().filter(|i| i.name == "lo").collect();
    assert_eq!(lo.len(), 1, "{all:?}");
    assert!(
        lo[0].addrs.contains(&std::net::Ipv4Addr::LOCALHOST.into()),
        "{all:?}"
    );
    assert!(all
        .iter()
        .filter(|i| i.name != "lo")
        .all(|i| !i.addrs.iter().any(|a| a.is_loopback())));
}

#[test]
fn a_descriptor_is_adopted_only_when_it_is_an_open_socket() {
    use std::os::fd::IntoRawFd;
    let u = udp();
    let what = socket_kind_of(u.as_raw_fd()).unwrap();
    assert_eq!(
        (what.domain, what.kind, what.protocol),
        (libc::AF_INET, libc::SOCK_DGRAM, libc::IPPROTO_UDP)
    );
    let (owned, what) = adopt_socket_fd(u.into_raw_fd()).unwrap();
    assert_eq!(what.kind, libc::SOCK_DGRAM);
    drop(owned);
    let file = tempfile::tempfile().unwrap();
    let e = adopt_socket_fd(file.as_raw_fd()).err().unwrap();
    assert_eq!(e.raw_os_error(), Some(libc::ENOTSOCK));
    assert_eq!(
        adopt_socket_fd(-1).err().unwrap().raw_os_error(),
        Some(libc::EBADF)
    );
}

#[test]
fn a_wait_shorter_than_a_millisecond_reports_what_fired() {
    let epoll = Epoll::new().unwrap();
    let (quiet, ringing) = (eventfd().unwrap(), eventfd().unwrap());
    epoll.add(quiet.as_fd(), libc::EPOLLIN as u32, 7).unwrap();
    epoll
        .add(ringing.as_fd(), libc::EPOLLIN as u32, 0xdead_beef_0000_0042)
        .unwrap();
    let mut room = EpollEvents::new(4);
    let mut out = Vec::new();
    epoll.wait_for(&mut room, Some(Duration::from_micros(300)), &mut out);
    assert!(out.is_empty(), "nothing fired yet: {out:?}");
    eventfd_signal(ringing.as_fd());
    epoll.wait_for(&mut room, Some(Duration::from_micros(300)), &mut out);
    assert_eq!(out, vec![(0xdead_beef_0000_0042, libc::EPOLLIN as u32)]);
}

#[test]
fn meminfo_counts_what_the_queue_holds_and_what_it_dropped() {
    let rx = udp();
    socket2::SockRef::from(&rx)
        .set_recv_buffer_size(4096)
        .unwrap();
    rx.set_nonblocking(true).unwrap();
    let before = meminfo(rx.as_fd()).unwrap();
    assert_eq!((before.rmem, before.drops), (0, 0));
    let rcvbuf = socket2::SockRef::from(&rx).recv_buffer_size().unwrap();
    assert_eq!(before.rcvbuf as usize, rcvbuf);
    let tx = udp();
    const SENT: u32 = 50;
    for i in 0..SENT {
        tx.send_to(&[i as u8; 64], rx.local_addr().unwrap())
            .unwrap();
    }
    // Loopback delivers in a softirq, usually before sendto returns but not always: wait
    // for the kernel's count of what did not fit, then for every datagram to be accounted
    // for (queued, then read, or dropped).
    let deadline = Instant::now() + Duration::from_secs(10);
    let full = loop {
        let m = meminfo(rx.as_fd()).unwrap();
        if m.drops > 0 || Instant::now() > deadline {
            break m;
        }
        std::thread::yield_now();
    };
    assert!(full.rmem > 0 && full.drops > 0, "{full:?}");
    let mut queued = 0;
    let mut buf = [0u8; 128];
    let drops = loop {
        while rx.recv(&mut buf).is_ok() {
            queued += 1;
        }
        let drops = meminfo(rx.as_fd()).unwrap().drops;
        if queued + drops >= SENT || Instant::now() > deadline {
            break drops;
        }
        std::thread::yield_now();
    };
    assert_eq!(queued + drops, SENT, "{full:?}");
    let empty = meminfo(rx.as_fd()).unwrap();
    assert_eq!((empty.rmem, empty.drops), (0, drops));
}
