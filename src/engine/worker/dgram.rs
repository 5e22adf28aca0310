//! Continuous receive on a datagram socket: up to BATCH datagrams per recvmmsg(2) call,
//! each then handled exactly as a single recv would be (its own event, its own sender), so
//! a flood costs one system call per batch instead of one per datagram, and one allocation:
//! the datagrams delivered share one.

use std::os::fd::AsFd;

use socket2::SockAddr;

use super::{is_again, Worker, EVENT_COST};
use crate::engine::addr::Endpoint;
use crate::engine::bytes::Bytes;
use crate::engine::errors::OpError;
use crate::engine::event::{Direction, Permit, SockState};
use crate::engine::note::Cause;
use crate::sys;

/// Datagrams taken per call at most.
pub(super) const BATCH: usize = sys::MMSG_BATCH;
/// Buffers up to this size are batched (BATCH of them stay allocated, but only the pages a
/// datagram touched become resident); larger ones are read one datagram at a time.
pub(super) const BATCH_MAX_BUF: usize = 64 << 10;

/// The batch's buffers, one per datagram, kept between calls.
#[derive(Default)]
pub(super) struct Slots {
    bufs: Vec<Vec<u8>>,
    /// The senders of the last batch.
    from: Vec<SockAddr>,
    /// The datagrams of the last batch the consumer had room for.
    delivered: Vec<(usize, Option<Endpoint>, Permit)>,
}

impl Worker {
    /// Takes what is queued, batch by batch, for at most `rounds` calls. Returns after an
    /// empty queue, an error, or backpressure.
    pub(super) fn receive_datagrams(&mut self, bufsize: usize, rounds: usize) {
        let mut slots = std::mem::take(&mut self.auto.dgram_slots);
        for _ in 0..rounds {
            // A responder's answer queue takes as many as it has room for.
            let room = self.answer_room().min(BATCH);
            if room == 0 {
                break;
            }
            while slots.bufs.len() < room {
                slots.bufs.push(Vec::new());
            }
            let got = sys::recvmmsg(
                self.sock.as_fd(),
                &mut slots.bufs[..room],
                bufsize,
                &mut slots.from,
            );
            match got {
                Ok(()) => {
                    let n = slots.from.len();
                    self.auto.batch_time = Some(std::time::SystemTime::now());
                    // Every datagram is answered, recorded and counted; those the consumer
                    // has room for then share one allocation, an event each.
                    let mut delivered = std::mem::take(&mut slots.delivered);
                    for (i, from) in slots.from.drain(..).enumerate() {
                        let buf = &slots.bufs[i];
                        let peer = (from.len() > 0).then(|| Endpoint::from_sockaddr(&from));
                        self.answer_data(buf, Some(from));
                        self.tally_in(buf);
                        let kept = self.kept(buf).len();
                        if let Some(permit) =
                            self.permit_for(Direction::In, buf.len(), kept + EVENT_COST)
                        {
                            delivered.push((i, peer, permit));
                        }
                    }
                    let shares =
                        Bytes::batch(delivered.iter().map(|d| self.kept(&slots.bufs[d.0])));
                    for ((i, peer, permit), data) in delivered.drain(..).zip(shares) {
                        let len = slots.bufs[i].len();
                        let size = super::deliver::Size { len, cut: 0 };
                        self.emit_chunk_of(Direction::In, data, size, peer, permit, "recvfrom");
                    }
                    slots.delivered = delivered;
                    if n < room || self.backpressured() {
                        break;
                    }
                }
                Err(e) if is_again(&e) => break,
                Err(e) => {
                    self.auto.auto_recv = None;
                    self.set_state(SockState::Error, Cause::ReceiveFailed);
                    self.report(OpError::from_io("recv", None, &e));
                    break;
                }
            }
        }
        self.auto.batch_time = None;
        self.auto.dgram_slots = slots;
        self.view.snapshot_due = true;
    }
}
