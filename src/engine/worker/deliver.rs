//! Delivery of data: every chunk counted, recorded and, when the consumer has room in its
//! budget, reported as an event (otherwise counted as skipped and said later).

use super::*;

/// The consumer's budgets this socket draws on, and what waits to be said.
#[derive(Default)]
pub(super) struct Delivery {
    /// Bytes of data events (and their bookkeeping) waiting for the consumer.
    pub(super) data_budget: Arc<AtomicUsize>,
    /// The one snapshot that may wait.
    pub(super) snap_budget: Arc<AtomicUsize>,
    /// Bytes and chunks whose content was dropped, not yet reported: received, sent.
    pub(super) skipped: [(u64, u64); 2],
    /// Notes and reports left out while the consumer was far behind.
    pub(super) unsaid: u64,
    /// When the last write began: its bytes went to the kernel (and over loopback, their
    /// segments) during it, so their chunk is stamped then, before the segments it made.
    pub(super) write_began: Option<SystemTime>,
}

/// A chunk's whole length, and the bytes of its datagram past the buffer (the kernel
/// dropped them).
pub(super) struct Size {
    pub(super) len: usize,
    pub(super) cut: usize,
}

impl Worker {
    /// Counts and reports what a recv returned; `cut`: the bytes of its datagram past the
    /// buffer, which the kernel dropped.
    pub(super) fn count_in(
        &mut self,
        data: &[u8],
        peer: Option<Endpoint>,
        cut: usize,
        call: &'static str,
    ) {
        self.tally_in(data);
        self.deliver_cut(Direction::In, data, peer, cut, call);
    }

    /// count_in for continuous receive's buffer, which may be handed over whole.
    pub(super) fn count_in_buf(&mut self, buf: &mut Vec<u8>, peer: Option<Endpoint>, cut: usize) {
        self.tally_in(buf);
        let call = self.receive_call();
        self.deliver_buf(buf, peer, cut, call);
    }

    /// Records and counts received bytes (their delivery is the caller's).
    pub(super) fn tally_in(&mut self, data: &[u8]) {
        self.record_bytes(data);
        if !data.is_empty() || self.kind != Kind::Stream {
            self.counters.bytes_in += data.len() as u64;
            self.counters.msgs_in += 1;
        }
    }

    pub(super) fn count_out(&mut self, data: &[u8], peer: Option<Endpoint>, call: &'static str) {
        self.counters.bytes_out += data.len() as u64;
        self.counters.msgs_out += 1;
        // A datagram send() without an address went to the peer it is connected to: its
        // row names it, as sendto's does (a stream's bytes need no address).
        let peer = match peer {
            None if self.kind != Kind::Stream
                && matches!(self.family, Family::Inet | Family::Inet6) =>
            {
                self.sock
                    .peer_addr()
                    .ok()
                    .map(|a| Endpoint::from_sockaddr(&a))
            }
            given => given,
        };
        self.deliver(Direction::Out, data, peer, call);
    }

    /// The call auto-receive's reads stand for: recvfrom for datagrams (their sender is
    /// shown), recv for a stream.
    pub(super) fn receive_call(&self) -> &'static str {
        if self.kind == Kind::Stream {
            "recv"
        } else {
            "recvfrom"
        }
    }

    /// Reports a chunk if the consumer has room for it; otherwise counts what was skipped.
    pub(super) fn deliver(
        &mut self,
        direction: Direction,
        data: &[u8],
        peer: Option<Endpoint>,
        call: &'static str,
    ) {
        self.deliver_cut(direction, data, peer, 0, call);
    }

    fn deliver_cut(
        &mut self,
        direction: Direction,
        data: &[u8],
        peer: Option<Endpoint>,
        cut: usize,
        call: &'static str,
    ) {
        let kept = self.kept(data);
        let cost = kept.len() + EVENT_COST;
        if let Some(permit) = self.permit_for(direction, data.len(), cost) {
            let bytes = Bytes::from(kept.to_vec());
            let size = Size {
                len: data.len(),
                cut,
            };
            self.emit_chunk_of(direction, bytes, size, peer, permit, call);
        }
    }

    /// The part of a chunk its Data event carries (all of it unless the consumer asked
    /// for a prefix).
    pub(super) fn kept<'d>(&self, data: &'d [u8]) -> &'d [u8] {
        match self.shared.config.chunk_prefix {
            Some(p) if data.len() > p => &data[..p],
            _ => data,
        }
    }

    /// Reports a received buffer: moved into the event when it is at least half full (no
    /// copy; `buf` is left empty for a new one), copied when smaller, so a short chunk never
    /// pins a large buffer.
    pub(super) fn deliver_buf(
        &mut self,
        buf: &mut Vec<u8>,
        peer: Option<Endpoint>,
        cut: usize,
        call: &'static str,
    ) {
        if self.kept(buf).len() < buf.len() {
            // Only a prefix goes: the buffer stays for the next read.
            self.deliver_cut(Direction::In, buf, peer, cut, call);
            return;
        }
        let moving = buf.len() * 2 >= buf.capacity();
        let cost = if moving { buf.capacity() } else { buf.len() } + EVENT_COST;
        if let Some(permit) = self.permit_for(Direction::In, buf.len(), cost) {
            let data = if moving {
                std::mem::take(buf)
            } else {
                buf.to_vec()
            };
            let size = Size {
                len: data.len(),
                cut,
            };
            self.emit_chunk_of(Direction::In, data.into(), size, peer, permit, call);
        }
    }

    /// A share of the consumer's budget for a chunk, or None: then its content is skipped
    /// (and counted as such, so a consumer still hears of every byte).
    pub(super) fn permit_for(
        &mut self,
        direction: Direction,
        len: usize,
        cost: usize,
    ) -> Option<Permit> {
        if !self.shared.config.deliver_data {
            // Nobody wants the bytes: the counters alone say what moved.
            return None;
        }
        let permit = Permit::try_take(
            &self.delivery.data_budget,
            cost,
            self.shared.config.data_budget,
        );
        match permit {
            Some(p) => {
                self.flush_skipped();
                Some(p)
            }
            None => {
                self.skip(direction, len);
                None
            }
        }
    }

    /// A share of the budget for a whole batch whose items cost `cost` together, if it fits
    /// under the cap, or None (nothing skipped is counted: the batch is then admitted item by
    /// item, with `admit`, where a lone item larger than the cap may still go).
    pub(super) fn permit_for_all(&mut self, cost: usize) -> Option<Permit> {
        if !self.shared.config.deliver_data || cost > self.shared.config.data_budget {
            return None;
        }
        let permit = Permit::try_take(
            &self.delivery.data_budget,
            cost,
            self.shared.config.data_budget,
        )?;
        self.flush_skipped();
        Some(permit)
    }

    /// permit_for for one item of a batch, under the batch's one share (`permit`, taken at
    /// its first admitted item). Once an item is refused after one was admitted, the rest
    /// of the batch is too (before the first admitted one, permit_for says what was
    /// skipped first): a consumer hears of skipped content before the content after it.
    pub(super) fn admit(
        &mut self,
        permit: &mut Option<Permit>,
        refused: &mut bool,
        len: usize,
        cost: usize,
    ) -> bool {
        if *refused {
            self.skip(Direction::In, len);
            return false;
        }
        let cap = self.shared.config.data_budget;
        match permit {
            Some(p) => {
                let grown = p.try_grow(cost, cap);
                if !grown {
                    *refused = true;
                    self.skip(Direction::In, len);
                }
                grown
            }
            // The batch's first item delivered: what was skipped before it is said first.
            None => {
                *permit = self.permit_for(Direction::In, len, cost);
                permit.is_some()
            }
        }
    }

    /// Counts content not delivered.
    fn skip(&mut self, direction: Direction, len: usize) {
        let s = &mut self.delivery.skipped[side(direction)];
        s.0 += len as u64;
        s.1 += 1;
    }

    /// A Data event for a chunk of `size.len` bytes whose event carries `data` (all of them,
    /// or the prefix the consumer asked for).
    pub(super) fn emit_chunk_of(
        &mut self,
        direction: Direction,
        data: Bytes,
        size: Size,
        peer: Option<Endpoint>,
        permit: Permit,
        call: &'static str,
    ) {
        let chunk = self.chunk_of(direction, data, size, peer, Some(permit), call);
        self.shared.emit(Event::Data { id: self.id, chunk });
    }

    /// The chunk of `size.len` bytes whose event carries `data`; `permit`: its share of the
    /// budget (None in a batch, whose share the event holds).
    pub(super) fn chunk_of(
        &mut self,
        direction: Direction,
        data: Bytes,
        Size { len, cut }: Size,
        peer: Option<Endpoint>,
        permit: Option<Permit>,
        call: &'static str,
    ) -> Chunk {
        Chunk {
            direction,
            data,
            len,
            peer,
            datagram: self.kind != Kind::Stream,
            cut,
            tls: self.tls.is_some(),
            call,
            at: match direction {
                Direction::Out => self.delivery.write_began.take(),
                Direction::In => self.auto.batch_time,
            }
            .unwrap_or_else(SystemTime::now),
            _permit: permit,
        }
    }

    /// Says what was skipped, before the next chunk that is delivered (so a consumer
    /// counting stream offsets keeps its place).
    pub(super) fn flush_skipped(&mut self) {
        for direction in [Direction::In, Direction::Out] {
            let (bytes, chunks) = std::mem::take(&mut self.delivery.skipped[side(direction)]);
            if chunks > 0 {
                self.shared.emit(Event::Skipped {
                    id: self.id,
                    direction,
                    bytes,
                    chunks,
                });
            }
        }
    }

    pub(super) fn flush_skipped_if_room(&mut self) {
        if self.delivery.skipped != [(0, 0); 2]
            && self.delivery.data_budget.load(Ordering::Acquire)
                < self.shared.config.data_budget / 2
        {
            self.flush_skipped();
        }
    }
}

fn side(direction: Direction) -> usize {
    match direction {
        Direction::In => 0,
        Direction::Out => 1,
    }
}
