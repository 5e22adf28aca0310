//! A worker's TLS: starting it (a handshake with the socket's timeout, or a listener's
//! server side for the connections it accepts), and the reads and writes every call goes
//! through, plaintext above and records below.

use super::*;
use crate::engine::tls::{self, Layer, TlsSpec};

impl Worker {
    /// Op::StartTls: on a connected TCP socket, a handshake as this end (waiting as
    /// the socket's timeout says); on a listener, the server side its connections take.
    pub(super) fn start_tls(&mut self, req: ReqId, spec: TlsSpec) -> OpResult {
        const OP: &str = "wrap_socket";
        if self.kind != Kind::Stream || self.family == Family::Unix {
            return Err(OpError::refused(OP, Refusal::TlsNotTcp));
        }
        if self.state == SockState::Listening {
            let TlsSpec::Server { cert, alpn } = &spec else {
                return Err(OpError::refused(OP, Refusal::TlsListenerAsClient));
            };
            self.tls_server = Some(tls::server_config(cert, alpn, OP)?);
            self.publish(true);
            return Ok(self.tls_reply());
        }
        if self.state != SockState::Connected {
            // As CPython's wrap_socket of an unconnected socket then do_handshake.
            return Err(OpError::os(OP, None, libc::ENOTCONN));
        }
        // A client's handshake begins with its own message, and every record is read
        // through the session from here on, auto-receive's too; a server's begins with the
        // client's, which auto-receive may have taken as data already (not on a connection
        // a TLS listener accepted: its session read every record from the first).
        if self.auto.auto_recv.is_some()
            && self.tls.is_none()
            && matches!(spec, TlsSpec::Server { .. })
        {
            return Err(OpError::refused(OP, Refusal::TlsServerAutoReceiving));
        }
        // A socket that speaks TLS already (a connection its listener's TLS accepted) only
        // finishes its handshake, as do_handshake() does.
        if self.tls.is_none() {
            let peer = self
                .sock
                .peer_addr()
                .ok()
                .and_then(|a| a.as_socket())
                .map(|a| a.ip());
            self.tls = Some(Box::new(Layer::new(&spec, peer, OP)?));
        }
        let start = Instant::now();
        let deadline = self.deadline(start);
        let mut announced = false;
        let result = loop {
            let Some(layer) = self.tls.as_deref_mut() else {
                break Ok(());
            };
            match layer.handshake(&self.sock) {
                Ok(true) => break Ok(()),
                Ok(false) if self.timeout == Timeout::NonBlocking => {
                    // As CPython's SSLWantReadError: the handshake goes on as the socket
                    // becomes ready (the worker drives it).
                    break Ok(());
                }
                Ok(false) => {
                    let events = layer.interest() | libc::POLLIN;
                    if let Err(e) = self.wait(req, OP, events, deadline, &mut announced, &None) {
                        break Err(e);
                    }
                }
                Err(e) => break Err(OpError::from_io(OP, None, &e)),
            }
        };
        self.publish(true);
        result.map(|()| self.tls_reply())
    }

    fn tls_reply(&mut self) -> Reply {
        match self.tls_info() {
            Some(info) => Reply::Tls(Box::new(info)),
            None => Reply::Unit,
        }
    }

    /// recv(2) through the TLS session, if there is one.
    pub(super) fn read_some(
        &mut self,
        out: &mut Vec<u8>,
        room: usize,
        flags: i32,
        from: bool,
    ) -> io::Result<(usize, Option<SockAddr>)> {
        match self.tls.as_deref_mut() {
            Some(layer) => layer.recv(&self.sock, out, room).map(|n| (n, None)),
            None => sys::recv_into(&self.sock, out, room, flags, from),
        }
    }

    /// send(2) or sendto(2) through the TLS session, if there is one.
    pub(super) fn write_some(
        &mut self,
        data: &[u8],
        to: Option<&SockAddr>,
        flags: i32,
    ) -> io::Result<usize> {
        self.delivery.write_began = Some(std::time::SystemTime::now());
        let r = match (self.tls.as_deref_mut(), to) {
            (Some(layer), _) => layer.send(&self.sock, data),
            (None, Some(sa)) => self.sock.send_to_with_flags(data, sa, flags),
            (None, None) => self.sock.send_with_flags(data, flags),
        };
        // (Linux binds before it looks at the address: a send() refused with
        // EDESTADDRREQ binds it too. A stream never binds at a send; one whose connect
        // failed still reads its old port.)
        if self.state == SockState::Created && self.kind != Kind::Stream {
            self.see_kernel_bind();
        }
        r
    }

    /// What the TLS session needs from the socket (records to write, a handshake to read).
    pub(super) fn tls_interest(&self) -> i16 {
        self.tls.as_deref().map_or(0, Layer::interest)
    }

    /// A poll's events with the session's needs: while the handshake goes on, sends
    /// waiting for it wait for POLLIN (the handshake's records), not POLLOUT, which an
    /// idle socket always reports (a spin).
    pub(super) fn tls_events(&self, events: i16) -> i16 {
        match self.tls.as_deref() {
            Some(l) if l.waits_for_handshake() => {
                (events & !libc::POLLOUT) | l.interest() | libc::POLLIN
            }
            _ => events | self.tls_interest(),
        }
    }

    /// Before shutdown(SHUT_WR) or close: the records the session holds go to the kernel
    /// first, or the FIN would pass them.
    pub(super) fn tls_drain(&mut self) {
        if let Some(layer) = self.tls.as_deref_mut() {
            layer.drain(&self.sock, std::time::Duration::from_secs(10));
        }
    }

    /// Plaintext waits in the session: a recv needs no wait for the socket.
    pub(super) fn tls_readable(&mut self) -> bool {
        self.tls.as_deref_mut().is_some_and(Layer::readable)
    }

    /// After a wait: records written as the socket takes them; a server's handshake
    /// read on its own while nothing else reads. A failure ends the session's use (the
    /// next call says it) and is reported.
    pub(super) fn tls_step(&mut self, ready: i16) {
        let Some(layer) = self.tls.as_deref_mut() else {
            return;
        };
        let was = layer.handshaking();
        let result =
            if layer.handshaking() && ready & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 {
                layer.handshake(&self.sock).map(|_| ())
            } else if ready & libc::POLLOUT != 0 {
                layer.flush(&self.sock).map(|_| ())
            } else {
                Ok(())
            };
        let now_done = !layer.handshaking() && layer.failed().is_none();
        let op = if was { "do_handshake" } else { "send" };
        if let Err(e) = result {
            // Said once: a failed session asks the socket for nothing more.
            self.report(OpError::from_io(op, None, &e));
            self.view.snapshot_due = true;
        } else if was && now_done {
            self.view.snapshot_due = true;
        }
    }

    /// Records written as the socket takes them (a call's wait: the call itself reads).
    pub(super) fn tls_flush(&mut self, ready: i16) {
        if ready & libc::POLLOUT == 0 {
            return;
        }
        if let Some(layer) = self.tls.as_deref_mut() {
            if let Err(e) = layer.flush(&self.sock) {
                self.report(OpError::from_io("send", None, &e));
            }
        }
    }

    pub(super) fn tls_info(&mut self) -> Option<tls::TlsInfo> {
        match self.tls.as_deref_mut() {
            Some(layer) => Some(layer.info()),
            None => self.tls_server.as_ref().map(|s| tls::TlsInfo {
                side: tls::TlsSide::Server,
                handshaking: false,
                version: None,
                suite: None,
                alpn: None,
                sni: None,
                chain: Vec::new(),
                own: s.own.clone(),
                verification: tls::Verification::None,
                wire_in: 0,
                wire_out: 0,
                failure: None,
                peer_closed: false,
            }),
        }
    }
}
