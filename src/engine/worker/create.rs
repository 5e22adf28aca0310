//! Making the socket itself: socket(2) for socket.socket(), and
//! socket.create_connection (every address getaddrinfo gives, in order).

use super::*;

pub(super) fn new_socket(family: Family, kind: Kind, proto: i32) -> io::Result<Socket> {
    let proto = (proto != 0).then_some(Protocol::from(proto));
    Socket::new(Domain::from(family.raw()), Type::from(kind.raw()), proto)
}

/// socket.create_connection: every address getaddrinfo gives, in order, until one connects;
/// the last error otherwise. A command arriving meanwhile can only be the engine's shutdown
/// (nobody knows the socket before it is made): it ends the wait at once.
pub(super) fn create_connection(
    waker: &Wake,
    commands: &Receiver<Command>,
    host: &str,
    port: u16,
    timeout: Option<Timeout>,
    source: Option<(String, u16)>,
    (shared, asking): (&crate::engine::Shared, crate::engine::SocketId),
) -> Result<(Socket, Family, Kind, i32, Timeout), OpError> {
    let shown = Some(format!("{host}:{port}"));
    let addrs =
        getaddrinfo_full(host, port, libc::AF_UNSPEC, libc::SOCK_STREAM).map_err(|code| {
            OpError {
                op: "create_connection",
                addr: shown.clone(),
                kind: ErrorKind::Gai {
                    code,
                    message: crate::engine::addr::gai_strerror(code),
                },
                holder: None,
                closed_while_waiting: false,
                detail: Default::default(),
            }
        })?;
    let timeout = timeout
        .unwrap_or(Timeout::Blocking)
        .check()
        .map_err(|(class, msg)| OpError::python("create_connection", class, msg))?;
    let mut last = OpError::python(
        "create_connection",
        "OSError",
        "getaddrinfo returns an empty list",
    );
    for (addr, proto) in addrs {
        let family = if addr.is_ipv4() {
            Family::Inet
        } else {
            Family::Inet6
        };
        let attempt = (|| -> Result<Socket, OpError> {
            let sock = new_socket(family, Kind::Stream, proto)
                .map_err(|e| OpError::from_io("socket", shown.clone(), &e))?;
            if let Some((h, p)) = &source {
                let spec = AddrSpec::Inet {
                    host: h.clone(),
                    port: *p,
                };
                let sa = spec.resolve(family, "bind")?;
                sock.bind(&sa)
                    .map_err(|e| OpError::from_io("bind", shown.clone(), &e))?;
            }
            sock.set_nonblocking(true)
                .map_err(|e| OpError::from_io("connect", shown.clone(), &e))?;
            let sa = SockAddr::from(addr);
            let deadline = timeout.deadline(Instant::now());
            let connected = sock.connect(&sa);
            // The port the kernel picked, for a capture (its first bytes follow at once).
            shared.connecting_from(&sock);
            match connected {
                Ok(()) => {}
                Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {
                    loop {
                        let ms = deadline.map(sys::ms_until).unwrap_or(-1);
                        let (woken, ready) = poll2(waker.fd(), sock.as_fd(), libc::POLLOUT, ms);
                        if ready != 0 {
                            break;
                        }
                        if woken != 0 {
                            // Drained, or the next poll would return at once, and again.
                            waker.drain();
                            if !commands.is_empty() {
                                return Err(OpError::os("connect", shown.clone(), libc::EBADF));
                            }
                        }
                        if deadline.is_some_and(|d| Instant::now() >= d) {
                            return Err(OpError::timeout("connect", shown.clone()));
                        }
                    }
                    if let Ok(Some(e)) = sock.take_error() {
                        return Err(OpError::from_io("connect", shown.clone(), &e));
                    }
                }
                Err(e) => return Err(OpError::from_io("connect", shown.clone(), &e)),
            }
            if timeout == Timeout::Blocking {
                sock.set_nonblocking(false)
                    .map_err(|e| OpError::from_io("connect", shown.clone(), &e))?;
            }
            Ok(sock)
        })();
        match attempt {
            Ok(sock) => return Ok((sock, family, Kind::Stream, proto, timeout)),
            Err(mut e) => {
                if e.errno() == Some(libc::ECONNREFUSED) {
                    // Refused where a socket of ours is only bound: bind() without listen().
                    let at = crate::engine::addr::Endpoint::from_sockaddr(&SockAddr::from(addr));
                    e.holder =
                        crate::engine::holder::bound_only(shared, &at, Kind::Stream, asking, true)
                            .map(Box::new);
                }
                last = e
            }
        }
    }
    Err(last)
}
