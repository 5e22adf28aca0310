//! The continuous modes: auto-accept (accept.rs) and auto-receive, a burst at a time.

use super::*;

/// What the continuous modes keep between rounds.
#[derive(Default)]
pub(super) struct Auto {
    /// Continuous receive with this buffer size.
    pub(super) auto_recv: Option<usize>,
    /// Continuous accept; accepted connections start in auto-receive when true.
    pub(super) auto_accept: Option<bool>,
    /// The peer closed its side: nothing more to receive.
    pub(super) eof: bool,
    /// Continuous receive's buffer; a nearly full one is handed to the consumer as it is.
    pub(super) recv_buf: Vec<u8>,
    /// A datagram socket's buffers for receiving a batch at once.
    pub(super) dgram_slots: dgram::Slots,
    /// A datagram socket's pause between emptying its queue and polling it again.
    pub(super) pause: dgram::Pause,
    /// When the batch being reported arrived (one clock read for all its datagrams).
    pub(super) batch_time: Option<SystemTime>,
    /// Continuous accept held back (descriptors or sockets ran out, or the consumer fell
    /// behind), and when it tries again.
    pub(super) accept_pause: Option<accept::Pause>,
}

impl Worker {
    /// One round of the continuous modes: accept or receive whatever is ready.
    /// The peer shut its side down (poll's RDHUP or HUP, without waiting).
    fn peer_shut_down(&self) -> bool {
        let (_, ready) = sys::poll2(None, self.sock.as_fd(), libc::POLLRDHUP | libc::POLLIN, 0);
        ready & (libc::POLLRDHUP | libc::POLLHUP) != 0
    }

    pub(super) fn continuous_step(&mut self) {
        if let Some(receive) = self.auto.auto_accept {
            self.accept_burst(receive);
            return;
        }
        let Some(bufsize) = self.auto.auto_recv.filter(|_| self.receiving_armed()) else {
            return;
        };
        // A seqpacket connection's end reads as an empty record, again and again: batched,
        // it would fill every batch with them. It is read one record at a time.
        let seqpacket = self.kind == Kind::Other(libc::SOCK_SEQPACKET);
        if self.kind != Kind::Stream && !seqpacket && bufsize <= dgram::BATCH_MAX_BUF {
            self.receive_datagrams(bufsize, BURST);
            return;
        }
        // The buffer is taken out for the burst, so the received bytes can be handed on
        // while the worker's other methods run.
        let mut buf = std::mem::take(&mut self.auto.recv_buf);
        for _ in 0..BURST {
            // A frame of the window's on this core goes first.
            self.shared.give_way();
            if buf.capacity() < bufsize {
                buf = Vec::with_capacity(bufsize);
            }
            buf.clear();
            // A datagram's sender is asked for, and its whole length, to say what the buffer
            // cut off; a stream's peer is known.
            let datagram = self.kind != Kind::Stream;
            let r = if datagram {
                match sys::DatagramFd::new(self.sock.as_fd()) {
                    Some(fd) => {
                        sys::recv_datagram(fd, &mut buf, bufsize).map(|(n, a)| (n, Some(a)))
                    }
                    None => Err(io::Error::from_raw_os_error(libc::ENOTSOCK)),
                }
            } else {
                self.read_some(&mut buf, bufsize, libc::MSG_DONTWAIT, false)
            };
            match r {
                Ok((n, sa)) => {
                    let cut = n.saturating_sub(bufsize);
                    let n = n.min(bufsize);
                    // (The window hands its core over while datagrams stream in: gate.rs.)
                    if datagram && matches!(self.family, Family::Inet | Family::Inet6) {
                        crate::engine::gate::datagrams_came();
                    }
                    let peer = sa
                        .as_ref()
                        .filter(|sa| sa.len() > 0)
                        .map(Endpoint::from_sockaddr);
                    // On a seqpacket connection an empty record is one too, unless the peer
                    // has shut its side down (then it is the end, as a Python loop on recv()
                    // takes it; an empty record sent just before the end reads as the end).
                    let ended = n == 0
                        && (self.kind == Kind::Stream
                            || (seqpacket && cut == 0 && self.peer_shut_down()));
                    if ended {
                        // b'': the peer closed its side; stop polling for input.
                        if self.kind == Kind::Stream {
                            self.count_in_buf(&mut buf, peer, 0);
                        }
                        self.auto.eof = true;
                        self.set_state(SockState::HalfClosed, Cause::PeerClosed);
                        self.view.snapshot_due = true;
                        self.answer_eof();
                        break;
                    }
                    self.answer_data(&buf, sa.as_ref());
                    self.count_in_buf(&mut buf, peer, cut);
                    // A stream read short of the buffer took all the kernel held: the next
                    // read would only say EAGAIN, so go back to waiting (one call less per
                    // message of a request/response exchange).
                    // (A TLS session may hold more records read at once: read on.)
                    let short = self.kind == Kind::Stream && n < bufsize && self.tls.is_none();
                    if self.backpressured() || short {
                        break;
                    }
                }
                Err(e) if is_again(&e) => break,
                Err(e) if self.answering.is_some() && self.kind == Kind::Stream => {
                    // A client that resets is an everyday end for a server's connection.
                    let _ = e;
                    self.answer_eof();
                    self.closing.get_or_insert(ReqId(0));
                    break;
                }
                Err(e) => {
                    self.auto.auto_recv = None;
                    self.set_state(SockState::Error, Cause::ReceiveFailed);
                    let detail = self.detail_of(&e, 0);
                    self.report(OpError::from_io("recv", None, &e).with_detail(detail));
                    break;
                }
            }
        }
        self.auto.recv_buf = buf;
        self.view.snapshot_due = true;
    }
}
