//! Receiving into a buffer's spare room: recv(2)/recvfrom(2) and recvmmsg(2).

use super::*;

/// recv(2)/recvfrom(2) without waiting beyond what `flags` say, into the spare room of
/// `buf` (at most `room` bytes, appended after what it holds). Returns the length the
/// kernel reported — with MSG_TRUNC a datagram's whole length, which may exceed `room` —
/// and the sender when `from` is asked for; `buf` grows by that length or `room`, the
/// smaller. With MSG_TRUNC the room is zeroed first: a stream socket then discards what
/// it reports and writes nothing (tcp(7)), so its bytes are zeros, never old memory.
pub(crate) fn recv_into(
    sock: &Socket,
    buf: &mut Vec<u8>,
    room: usize,
    flags: i32,
    from: bool,
) -> io::Result<(usize, Option<SockAddr>)> {
    buf.reserve(room);
    let start = buf.len();
    let spare = &mut buf.spare_capacity_mut()[..room];
    let zeroed = flags & libc::MSG_TRUNC != 0;
    if zeroed {
        spare.fill(std::mem::MaybeUninit::new(0));
    }
    let (n, sender) = if from {
        let (n, sa) = sock.recv_from_with_flags(spare, flags)?;
        (n, Some(sa))
    } else {
        (sock.recv_with_flags(spare, flags)?, None)
    };
    let kept = n.min(room);
    // SAFETY: the first `kept` bytes of the spare room (`room` long) are initialised: the
    // kernel wrote them (without MSG_TRUNC it writes every byte it reports, up to the
    // room), or they were zeroed above. A length reported past the room is never used.
    unsafe { buf.set_len(start + kept) };
    Ok((n, sender))
}

/// recv(2) into initialised bytes (a TLS session's record buffer), with `flags`.
pub(crate) fn recv_slice(sock: &Socket, buf: &mut [u8], flags: i32) -> io::Result<usize> {
    // SAFETY: `[u8]` and `[MaybeUninit<u8>]` have the same layout, and the slice is
    // initialised; the kernel only writes bytes into it (never uninitialised memory), so
    // it stays initialised for the caller whatever is written.
    let spare = unsafe {
        std::slice::from_raw_parts_mut(
            buf.as_mut_ptr().cast::<std::mem::MaybeUninit<u8>>(),
            buf.len(),
        )
    };
    sock.recv_with_flags(spare, flags)
}

/// A socket's descriptor checked not to be a stream (SO_TYPE): on it MSG_TRUNC makes the
/// kernel report a datagram's whole length while writing only what fits the buffer. (On a
/// TCP socket it would discard the bytes unwritten and report them read: the buffer's
/// length could then not be set from the result.)
#[derive(Clone, Copy)]
pub(crate) struct DatagramFd<'a>(BorrowedFd<'a>);

impl<'a> DatagramFd<'a> {
    pub(crate) fn new(fd: BorrowedFd<'a>) -> Option<DatagramFd<'a>> {
        let kind = rustix::net::sockopt::socket_type(fd).ok()?;
        (kind != rustix::net::SocketType::STREAM).then_some(DatagramFd(fd))
    }
}

/// One datagram without waiting, into the spare room of `buf` (emptied first, `room`
/// bytes): its whole length (past the room when the room cut it) and its sender. Nothing is
/// written before the kernel's copy, whatever the room (a receive buffer of megabytes costs
/// no clearing per datagram): recvmmsg with one buffer.
pub(crate) fn recv_datagram(
    fd: DatagramFd<'_>,
    buf: &mut Vec<u8>,
    room: usize,
) -> io::Result<(usize, SockAddr)> {
    let mut taken = Taken::default();
    recvmmsg(fd, std::slice::from_mut(buf), room, None, &mut taken)?;
    match (taken.from.pop(), taken.cut.first()) {
        (Some(sender), Some(c)) => Ok((buf.len() + c, sender)),
        // recvmmsg without MSG_WAITFORONE returns at least one datagram or an error.
        _ => Err(io::Error::from_raw_os_error(libc::EAGAIN)),
    }
}

/// Datagrams one recvmmsg call takes at most.
pub(crate) const MMSG_BATCH: usize = 16;

/// Where the front of each datagram's room lies: `stride` bytes a datagram, end to end, in
/// `buf` (emptied first), so a batch of datagrams of about one size lands in one
/// allocation without a copy; the rest of each room is the datagram's own buffer's.
pub(crate) struct Arena<'a> {
    pub(crate) buf: &'a mut Vec<u8>,
    pub(crate) stride: usize,
}

/// What one recvmmsg call took, a datagram an entry each: its sender, the bytes of it past
/// its room (the kernel dropped them), and with an arena the bytes of it there.
#[derive(Default)]
pub(crate) struct Taken {
    pub(crate) from: Vec<SockAddr>,
    pub(crate) cut: Vec<usize>,
    pub(crate) head: Vec<usize>,
}

/// recvmmsg(2) without waiting into `bufs` (each with `bufsize` bytes of room, emptied
/// first), or with an arena into it first (`stride` bytes of each room) and then into
/// `bufs`: sets each buffer's length to the bytes it got and puts the senders, what was
/// cut and what went to the arena in `taken` (MSG_TRUNC makes the kernel report each
/// datagram's whole length). The arena then holds the datagrams one stride apart, the
/// bytes between them zeroed, up to the end of the last. The call's headers live on the
/// stack: a flood makes this call for every batch, and an allocation per call would cost
/// more than the copy.
pub(crate) fn recvmmsg(
    fd: DatagramFd<'_>,
    bufs: &mut [Vec<u8>],
    bufsize: usize,
    arena: Option<Arena<'_>>,
    taken: &mut Taken,
) -> io::Result<()> {
    let n = bufs.len().min(MMSG_BATCH);
    let mut arena = arena;
    if let Some(a) = &mut arena {
        a.buf.clear();
    }
    let mut arena = arena.filter(|a| a.stride > 0 && bufsize > 0);
    let stride = arena.as_ref().map_or(0, |a| a.stride.min(bufsize));
    let mut names: [SockAddrStorage; MMSG_BATCH] =
        std::array::from_fn(|_| SockAddrStorage::zeroed());
    let mut iovs: [libc::iovec; 2 * MMSG_BATCH] = std::array::from_fn(|_| libc::iovec {
        iov_base: std::ptr::null_mut(),
        iov_len: 0,
    });
    // SAFETY: mmsghdr is a C struct of integers and pointers, for which all-zero bytes
    // (null pointers, zero lengths) are a value.
    let mut hdrs: [libc::mmsghdr; MMSG_BATCH] =
        std::array::from_fn(|_| unsafe { std::mem::zeroed::<libc::mmsghdr>() });
    let name_room = std::mem::size_of::<libc::sockaddr_storage>();
    let front: *mut u8 = match &mut arena {
        Some(a) => {
            a.buf.reserve(n * stride);
            a.buf.spare_capacity_mut().as_mut_ptr().cast()
        }
        None => std::ptr::null_mut(),
    };
    // Each datagram's iovecs: its stride of the arena, then its buffer (when room is left).
    let mut parts = [0usize; MMSG_BATCH];
    for i in 0..n {
        bufs[i].clear();
        bufs[i].reserve(bufsize - stride);
        if stride > 0 {
            iovs[2 * i + parts[i]] = libc::iovec {
                iov_base: front.wrapping_add(i * stride).cast(),
                iov_len: stride,
            };
            parts[i] += 1;
        }
        if bufsize > stride || stride == 0 {
            iovs[2 * i + parts[i]] = libc::iovec {
                iov_base: bufs[i].spare_capacity_mut().as_mut_ptr().cast(),
                iov_len: bufsize - stride,
            };
            parts[i] += 1;
        }
    }
    let iov_base = iovs.as_mut_ptr();
    for i in 0..n {
        let h = &mut hdrs[i].msg_hdr;
        // SAFETY: a SockAddrStorage is a sockaddr_storage (socket2 documents the layout).
        h.msg_name = unsafe { names[i].view_as::<libc::sockaddr_storage>() }
            as *mut libc::sockaddr_storage as *mut libc::c_void;
        h.msg_namelen = name_room as u32;
        h.msg_iov = iov_base.wrapping_add(2 * i);
        // (size_t in glibc, int in musl.)
        h.msg_iovlen = parts[i] as _;
    }
    // SAFETY: hdrs holds n headers whose iovecs point into room that outlives the call: the
    // arena's spare capacity (n strides reserved above; datagram i's at i * stride) and
    // each buffer's spare capacity (bufsize - stride reserved above); each header's names
    // point at a storage of `name_room` bytes. The kernel writes no more than those lengths.
    let rc = unsafe {
        libc::recvmmsg(
            fd.0.as_raw_fd(),
            hdrs.as_mut_ptr(),
            n as u32,
            libc::MSG_DONTWAIT | libc::MSG_TRUNC,
            std::ptr::null_mut(),
        )
    };
    let got = (check(rc)? as usize).min(n);
    taken.from.clear();
    taken.cut.clear();
    taken.head.clear();
    for (i, name) in names.into_iter().enumerate().take(got) {
        // With MSG_TRUNC msg_len is the datagram's whole length; the room holds at most
        // `bufsize` of it, the arena's stride first.
        let whole = hdrs[i].msg_len as usize;
        let kept = whole.min(bufsize);
        let head = kept.min(stride);
        taken.cut.push(whole - kept);
        taken.head.push(head);
        // SAFETY: on a socket that is not a stream (DatagramFd) the kernel initialised the
        // first min(msg_len, bufsize) bytes of the datagram's iovecs, in order: `head` in
        // the arena's stride, the rest (at most bufsize - stride, the iovec's length) at
        // the start of this buffer's spare room. A longer whole length is clamped.
        unsafe { bufs[i].set_len(kept - head) };
        if let Some(a) = &mut arena {
            if i + 1 < got {
                // The stride's bytes past the datagram, zeroed: the arena is initialised
                // up to the end of its last datagram.
                a.buf.spare_capacity_mut()[i * stride + head..(i + 1) * stride]
                    .fill(std::mem::MaybeUninit::new(0));
            } else {
                // SAFETY: the strides before this datagram's are initialised (the kernel's
                // bytes, then zeros) and the kernel wrote this one's first `head` bytes.
                unsafe { a.buf.set_len(i * stride + head) };
            }
        }
        let namelen = (hdrs[i].msg_hdr.msg_namelen as usize).min(name_room);
        // SAFETY: the kernel initialised the address, `namelen` bytes of it (the length it
        // reports is clamped to the storage, as an address longer than it is truncated).
        taken
            .from
            .push(unsafe { SockAddr::new(name, namelen as libc::socklen_t) });
    }
    Ok(())
}
