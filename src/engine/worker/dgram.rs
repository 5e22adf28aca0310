//! Continuous receive on a datagram socket: up to BATCH datagrams per recvmmsg(2) call,
//! each then handled exactly as a single recv would be (its own event, its own sender), so
//! a flood costs one system call per batch instead of one per datagram, and one allocation:
//! the datagrams delivered share one.

use std::os::fd::AsRawFd;

use socket2::{SockAddr, SockAddrStorage};

use super::{is_again, Worker, EVENT_COST};
use crate::engine::addr::Endpoint;
use crate::engine::bytes::Bytes;
use crate::engine::errors::OpError;
use crate::engine::event::{Direction, Permit, SockState};

/// Datagrams taken per call at most.
pub(super) const BATCH: usize = 16;
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
        let mut slots = std::mem::take(&mut self.dgram_slots);
        for _ in 0..rounds {
            // A responder's answer queue takes as many as it has room for.
            let room = self.answer_room().min(BATCH);
            if room == 0 {
                break;
            }
            while slots.bufs.len() < room {
                slots.bufs.push(Vec::new());
            }
            for b in &mut slots.bufs[..room] {
                if b.capacity() < bufsize {
                    *b = Vec::with_capacity(bufsize);
                }
                b.clear();
            }
            let got = recvmmsg(
                self.sock.as_raw_fd(),
                &mut slots.bufs[..room],
                bufsize,
                &mut slots.from,
            );
            match got {
                Ok(()) => {
                    let n = slots.from.len();
                    self.batch_time = Some(std::time::SystemTime::now());
                    // Every datagram is answered, recorded and counted; those the consumer
                    // has room for then share one allocation, an event each.
                    let mut delivered = std::mem::take(&mut slots.delivered);
                    for (i, from) in slots.from.drain(..).enumerate() {
                        let buf = &slots.bufs[i];
                        let peer = (from.len() > 0).then(|| Endpoint::from_sockaddr(&from));
                        self.answer_data(buf, Some(from));
                        self.tally_in(buf);
                        if let Some(permit) = self.permit_for(buf.len(), buf.len() + EVENT_COST) {
                            delivered.push((i, peer, permit));
                        }
                    }
                    let shares = Bytes::batch(delivered.iter().map(|d| &slots.bufs[d.0][..]));
                    for ((_, peer, permit), data) in delivered.drain(..).zip(shares) {
                        self.emit_chunk(Direction::In, data, peer, permit);
                    }
                    slots.delivered = delivered;
                    if n < room || self.backpressured() {
                        break;
                    }
                }
                Err(e) if is_again(&e) => break,
                Err(e) => {
                    self.auto_recv = None;
                    self.state = SockState::Error;
                    self.report(OpError::from_io("recv", None, &e));
                    break;
                }
            }
        }
        self.batch_time = None;
        self.dgram_slots = slots;
        self.snapshot_due = true;
    }
}

/// recvmmsg(2) without waiting into `bufs` (each with `bufsize` bytes of room); sets each
/// filled buffer's length and puts the senders, one per datagram, in `from`. The call's
/// headers live on the stack: a flood makes this call ~40,000 times a second.
fn recvmmsg(
    fd: i32,
    bufs: &mut [Vec<u8>],
    bufsize: usize,
    from: &mut Vec<SockAddr>,
) -> std::io::Result<()> {
    let n = bufs.len().min(BATCH);
    let mut names: [SockAddrStorage; BATCH] = std::array::from_fn(|_| SockAddrStorage::zeroed());
    let mut iovs: [libc::iovec; BATCH] = std::array::from_fn(|_| libc::iovec {
        iov_base: std::ptr::null_mut(),
        iov_len: 0,
    });
    // SAFETY: mmsghdr is plain data; every pointer set below outlives the call.
    let mut hdrs: [libc::mmsghdr; BATCH] =
        std::array::from_fn(|_| unsafe { std::mem::zeroed::<libc::mmsghdr>() });
    for i in 0..n {
        iovs[i] = libc::iovec {
            iov_base: bufs[i].spare_capacity_mut().as_mut_ptr().cast(),
            iov_len: bufsize,
        };
        let h = &mut hdrs[i].msg_hdr;
        // SAFETY: a SockAddrStorage is a sockaddr_storage.
        h.msg_name = unsafe { names[i].view_as::<libc::sockaddr_storage>() }
            as *mut libc::sockaddr_storage as *mut libc::c_void;
        h.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as u32;
        h.msg_iov = &mut iovs[i];
        h.msg_iovlen = 1;
    }
    // SAFETY: hdrs holds n valid headers whose buffers are writable for their lengths.
    let rc = unsafe {
        libc::recvmmsg(
            fd,
            hdrs.as_mut_ptr(),
            n as u32,
            libc::MSG_DONTWAIT,
            std::ptr::null_mut(),
        )
    };
    if rc < 0 {
        return Err(std::io::Error::last_os_error());
    }
    let got = rc as usize;
    from.clear();
    for (i, name) in names.into_iter().enumerate().take(got) {
        let len = (hdrs[i].msg_len as usize).min(bufsize);
        // SAFETY: the kernel wrote len bytes into this buffer's spare capacity.
        unsafe { bufs[i].set_len(len) };
        // SAFETY: the kernel initialised the address and said how long it is.
        from.push(unsafe { SockAddr::new(name, hdrs[i].msg_hdr.msg_namelen) });
    }
    Ok(())
}
