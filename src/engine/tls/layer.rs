//! A socket's TLS session between the worker and the kernel: plaintext in and out of the
//! calls, records in and out of the socket, never waiting (the worker waits, as for any
//! call, on what `interest` says).

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};

use rustls::pki_types::ServerName;
use socket2::Socket;

use super::certs::{self, Seen};
use super::{CertSummary, TlsFailure, TlsInfo, TlsSide, TlsSpec, Verification};
use crate::engine::errors::OpError;

/// Records (handshake or data) waiting to go out, at most; past it, a send waits for room
/// as it would for the kernel's.
const OUT_LIMIT: usize = 256 << 10;

/// The socket, read and written without waiting whatever its O_NONBLOCK.
struct Wire<'a>(&'a Socket);

impl Read for Wire<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        crate::sys::recv_slice(self.0, buf, libc::MSG_DONTWAIT)
    }
}

impl Write for Wire<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .send_with_flags(buf, libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub(crate) struct Layer {
    conn: rustls::Connection,
    side: TlsSide,
    /// What a client's verifier saw.
    seen: Option<Arc<Mutex<Seen>>>,
    enforced: bool,
    sni: Option<String>,
    own: Option<CertSummary>,
    /// The peer's chain, read once the handshake is over.
    chain: Option<Vec<CertSummary>>,
    pub(crate) wire_in: u64,
    pub(crate) wire_out: u64,
    failure: Option<TlsFailure>,
    /// The socket said end of stream.
    eof: bool,
    /// Writing records failed (the peer reset, EPIPE): nothing more goes out, and the
    /// errno is what every later write answers (rustls keeps the records it could not
    /// write, which would keep asking for POLLOUT for ever).
    dead: Option<i32>,
    /// Plaintext was taken before the handshake ended (a responder's greeting): a close
    /// waits for the handshake, so it goes out.
    early: bool,
}

impl Layer {
    /// A session for a connected socket, as `spec` asks.
    /// `peer`: the address connected to, the name when none is given (no SNI is sent).
    pub(crate) fn new(
        spec: &TlsSpec,
        peer: Option<std::net::IpAddr>,
        op: &'static str,
    ) -> Result<Layer, OpError> {
        match spec {
            TlsSpec::Client {
                server_name,
                alpn,
                verify,
                check_name,
            } => {
                let given = if server_name.is_empty() {
                    peer.map(|ip| ip.to_string())
                        .unwrap_or_else(|| "localhost".into())
                } else {
                    server_name.clone()
                };
                let name = ServerName::try_from(given).map_err(|_| {
                    OpError::python(
                        op,
                        "ValueError",
                        format!("server_hostname {server_name:?} is not a host name or an address"),
                    )
                })?;
                let (config, seen) = certs::client_config(verify, alpn, *check_name, op)?;
                let sni = matches!(name, ServerName::DnsName(_)).then(|| server_name.clone());
                let conn = rustls::ClientConnection::new(config, name)
                    .map_err(|e| OpError::python(op, "ssl.SSLError", e.to_string()))?;
                Ok(Layer::around(
                    conn.into(),
                    TlsSide::Client,
                    Some(seen),
                    *verify != super::Verify::Off,
                    sni,
                    None,
                ))
            }
            TlsSpec::Server { cert, alpn } => {
                // Made on a thread with room (a key made, PEM parsed: deep in debug builds).
                let config = super::server_config(cert, alpn, op)?;
                Layer::server(&config, op)
            }
        }
    }

    /// A server session with a listener's config.
    pub(crate) fn server(config: &super::ServerSide, op: &'static str) -> Result<Layer, OpError> {
        let conn = rustls::ServerConnection::new(config.config.clone())
            .map_err(|e| OpError::python(op, "ssl.SSLError", e.to_string()))?;
        Ok(Layer::around(
            conn.into(),
            TlsSide::Server,
            None,
            false,
            None,
            config.own.clone(),
        ))
    }

    fn around(
        mut conn: rustls::Connection,
        side: TlsSide,
        seen: Option<Arc<Mutex<Seen>>>,
        enforced: bool,
        sni: Option<String>,
        own: Option<CertSummary>,
    ) -> Layer {
        conn.set_buffer_limit(Some(OUT_LIMIT));
        Layer {
            conn,
            side,
            seen,
            enforced,
            sni,
            own,
            chain: None,
            wire_in: 0,
            wire_out: 0,
            failure: None,
            eof: false,
            early: false,
            dead: None,
        }
    }

    pub(crate) fn handshaking(&self) -> bool {
        self.conn.is_handshaking() && self.failure.is_none()
    }

    pub(crate) fn failed(&self) -> Option<&TlsFailure> {
        self.failure.as_ref()
    }

    /// What to poll the socket for: records to write (POLLOUT), records to read while
    /// the handshake goes on (POLLIN: the worker drives it on its own).
    pub(crate) fn interest(&self) -> i16 {
        let mut events = 0;
        if self.failure.is_some() || self.dead.is_some() {
            return 0;
        }
        if self.conn.wants_write() {
            events |= libc::POLLOUT;
        }
        if self.conn.is_handshaking() && self.conn.wants_read() && !self.eof {
            events |= libc::POLLIN;
        }
        events
    }

    /// Plaintext is waiting in the session (a recv would not wait for the socket).
    pub(crate) fn readable(&mut self) -> bool {
        self.failure.is_none()
            && self
                .conn
                .process_new_packets()
                .is_ok_and(|s| s.plaintext_bytes_to_read() > 0 || s.peer_has_closed())
    }

    /// Writes what records the socket takes now; Ok(true) once none wait.
    pub(crate) fn flush(&mut self, sock: &Socket) -> io::Result<bool> {
        if let Some(errno) = self.dead {
            return Err(io::Error::from_raw_os_error(errno));
        }
        while self.conn.wants_write() {
            match self.conn.write_tls(&mut Wire(sock)) {
                Ok(n) => self.wire_out += n as u64,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) => {
                    self.dead = Some(e.raw_os_error().unwrap_or(libc::EPIPE));
                    return Err(e);
                }
            }
        }
        Ok(true)
    }

    /// The records the session holds, written to the kernel, waiting for room up to
    /// `patience` (before a shutdown or a close: the kernel sends what it holds after
    /// them, the session's own buffer would be lost).
    pub(crate) fn drain(&mut self, sock: &Socket, patience: std::time::Duration) {
        use std::os::fd::AsFd;
        let until = std::time::Instant::now() + patience;
        while let Ok(false) = self.flush(sock) {
            let left = crate::sys::ms_until(until);
            if left <= 0 {
                break;
            }
            crate::sys::poll2(None, sock.as_fd(), libc::POLLOUT, left.min(100));
        }
    }

    /// A send waits for the handshake, not for room: POLLIN moves it on.
    pub(crate) fn waits_for_handshake(&self) -> bool {
        self.conn.is_handshaking() && self.failure.is_none() && self.dead.is_none()
    }

    /// Reads the records the socket holds now and processes them. Ok(false): it held none
    /// (or the session's plaintext buffer is full until read).
    fn pull(&mut self, sock: &Socket) -> io::Result<bool> {
        if let Some(f) = &self.failure {
            return Err(io::Error::other(f.clone()));
        }
        if self.eof || !self.conn.wants_read() {
            return Ok(false);
        }
        match self.conn.read_tls(&mut Wire(sock)) {
            Ok(0) => self.eof = true,
            Ok(n) => self.wire_in += n as u64,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
            Err(e) => return Err(e),
        }
        if let Err(e) = self.conn.process_new_packets() {
            let failure = self.failure_of(&e);
            self.failure = Some(failure.clone());
            // The alert rustls queued goes out, as far as the socket takes it.
            let _ = self.flush(sock);
            return Err(io::Error::other(failure));
        }
        self.flush(sock)?;
        if self.eof && self.conn.is_handshaking() {
            let failure = TlsFailure::Eof;
            self.failure = Some(failure.clone());
            return Err(io::Error::other(failure));
        }
        Ok(true)
    }

    fn failure_of(&self, e: &rustls::Error) -> TlsFailure {
        let seen = self
            .seen
            .as_ref()
            .and_then(|s| s.lock().ok().and_then(|s| s.checked.clone()));
        // The verifier's own words (with the name and whether it signed itself) where it
        // is what refused.
        match (e, seen) {
            (rustls::Error::InvalidCertificate(_), Some(Some(f))) => f,
            _ => certs::failure_of(
                e,
                &ServerName::try_from("localhost").expect("a name"),
                false,
            ),
        }
    }

    /// One step of a handshake: Ok(true) once it is over; Ok(false) to wait for the
    /// socket (`interest` says for what).
    pub(crate) fn handshake(&mut self, sock: &Socket) -> io::Result<bool> {
        loop {
            self.flush(sock)?;
            if !self.conn.is_handshaking() {
                return Ok(!self.conn.wants_write());
            }
            if !self.pull(sock)? {
                return Ok(false);
            }
        }
    }

    /// Like recv(2) into `out` (at most `room` bytes appended): plaintext the session
    /// holds, else what the socket's records give; EAGAIN when there is none yet, 0 at
    /// the end of the stream (close_notify, or the socket's end).
    pub(crate) fn recv(
        &mut self,
        sock: &Socket,
        out: &mut Vec<u8>,
        room: usize,
    ) -> io::Result<usize> {
        loop {
            let state = match self.conn.process_new_packets() {
                Ok(s) => s,
                Err(e) => {
                    let f = self.failure_of(&e);
                    self.failure = Some(f.clone());
                    return Err(io::Error::other(f));
                }
            };
            let ready = state.plaintext_bytes_to_read().min(room);
            if ready > 0 {
                let start = out.len();
                out.resize(start + ready, 0);
                let n = self.conn.reader().read(&mut out[start..])?;
                out.truncate(start + n);
                return Ok(n);
            }
            if state.peer_has_closed() {
                return Ok(0);
            }
            if self.eof {
                // The socket ended without close_notify: Python's default
                // (suppress_ragged_eofs) reads it as the end of the stream.
                return Ok(0);
            }
            if !self.pull(sock)? {
                return Err(io::Error::from_raw_os_error(libc::EAGAIN));
            }
        }
    }

    /// Like send(2): the plaintext the session takes now (EAGAIN while records wait for
    /// room in the socket).
    pub(crate) fn send(&mut self, sock: &Socket, data: &[u8]) -> io::Result<usize> {
        if let Some(f) = &self.failure {
            return Err(io::Error::other(f.clone()));
        }
        if !self.flush(sock)? {
            return Err(io::Error::from_raw_os_error(libc::EAGAIN));
        }
        let n = self.conn.writer().write(data)?;
        self.early |= n > 0 && self.conn.is_handshaking();
        self.flush(sock)?;
        if n == 0 && !data.is_empty() {
            return Err(io::Error::from_raw_os_error(libc::EAGAIN));
        }
        Ok(n)
    }

    /// At close: the records still held go to the kernel (waiting for room up to
    /// `patience`: the kernel sends what it holds after close, the session's own buffer
    /// would be lost), then close_notify; records that arrived are taken in, so a session
    /// ticket nobody read does not make the kernel answer the close with a reset.
    pub(crate) fn close(&mut self, sock: &Socket, patience: std::time::Duration) {
        use std::os::fd::AsFd;
        if self.failure.is_some() {
            return;
        }
        let until = std::time::Instant::now() + patience;
        // What was said before the handshake ended goes out once it ends.
        while self.early && self.failure.is_none() {
            match self.handshake(sock) {
                Ok(false) => {}
                _ => break,
            }
            let left = crate::sys::ms_until(until);
            if left <= 0 {
                break;
            }
            crate::sys::poll2(
                None,
                sock.as_fd(),
                self.interest() | libc::POLLIN,
                left.min(100),
            );
        }
        if self.failure.is_some() {
            return;
        }
        self.conn.send_close_notify();
        self.drain(
            sock,
            until.saturating_duration_since(std::time::Instant::now()),
        );
        while let Ok(true) = self.pull(sock) {}
    }

    pub(crate) fn info(&mut self) -> TlsInfo {
        // Read once the handshake is over, or failed (a refused chain is shown too).
        if self.chain.is_none() && (!self.conn.is_handshaking() || self.failure.is_some()) {
            let from_seen = self
                .seen
                .as_ref()
                .and_then(|s| s.lock().ok().map(|s| s.chain.clone()))
                .filter(|c| !c.is_empty());
            let chain = match from_seen {
                Some(c) => c.iter().filter_map(certs::summary).collect(),
                None => self
                    .conn
                    .peer_certificates()
                    .map(|c| c.iter().filter_map(certs::summary).collect())
                    .unwrap_or_default(),
            };
            self.chain = Some(chain);
        }
        let checked = self
            .seen
            .as_ref()
            .and_then(|s| s.lock().ok().and_then(|s| s.checked.clone()));
        let verification = match (checked, self.enforced) {
            (None, _) => Verification::None,
            (Some(None), true) => Verification::Trusted,
            (Some(Some(why)), true) => Verification::Refused { why },
            (Some(would_fail), false) => Verification::NotEnforced { would_fail },
        };
        let sni = match &self.conn {
            rustls::Connection::Server(s) => s.server_name().map(str::to_string),
            rustls::Connection::Client(_) => self.sni.clone(),
        };
        TlsInfo {
            side: self.side,
            handshaking: self.conn.is_handshaking(),
            version: self.conn.protocol_version().map(|v| match v {
                rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_string(),
                rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_string(),
                other => format!("{other:?}"),
            }),
            suite: self
                .conn
                .negotiated_cipher_suite()
                .map(|s| format!("{:?}", s.suite())),
            alpn: self
                .conn
                .alpn_protocol()
                .map(|p| String::from_utf8_lossy(p).into_owned()),
            sni,
            chain: self.chain.clone().unwrap_or_default(),
            own: self.own.clone(),
            verification,
            wire_in: self.wire_in,
            wire_out: self.wire_out,
            failure: self.failure.clone(),
            peer_closed: self
                .conn
                .process_new_packets()
                .is_ok_and(|s| s.peer_has_closed()),
        }
    }
}
