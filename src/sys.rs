//! The one place socklab calls the operating system beyond std and socket2: poll, epoll,
//! eventfd, FIONBIO and the queue ioctls, raw getsockopt/setsockopt, TCP_INFO, sock_diag
//! netlink, receiving into a buffer's spare room, recvmmsg, getaddrinfo, and a few process
//! calls. Through rustix where it has the call (safe wrappers); through libc where it has
//! not, each unsafe block with the invariant that makes it sound.
//!
//! A length the kernel returns is never used as a buffer size: it is clamped to the buffer
//! that was given (MSG_TRUNC makes recv report a datagram's whole length; recvmsg reports an
//! address's whole length; getsockopt and netlink lengths are checked likewise).

use std::ffi::{CStr, CString};
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};
use std::time::{Duration, Instant};

use rustix::event::{epoll, PollFd, PollFlags, Timespec};
use socket2::{SockAddr, SockAddrStorage, Socket};

// ---------------------------------------------------------------------------------------
// Timeouts

/// Milliseconds for poll/epoll_wait, rounded up (a wait never ends a hair before its
/// deadline, which would make a busy loop of the last millisecond) and capped at i32::MAX.
pub(crate) fn ms_ceil(d: Duration) -> i32 {
    d.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32
}

/// Milliseconds from now until `deadline`, rounded up; 0 once it has passed.
pub(crate) fn ms_until(deadline: Instant) -> i32 {
    ms_ceil(deadline.saturating_duration_since(Instant::now()))
}

/// The sooner of two poll timeouts in milliseconds, where -1 is none.
pub(crate) fn sooner(a: i32, b: i32) -> i32 {
    match (a < 0, b < 0) {
        (true, _) => b,
        (_, true) => a,
        _ => a.min(b),
    }
}

/// A C call's result as Rust sees one: a negative value is the errno, now.
fn check(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

/// The errno of a failed call, for the interfaces that carry it bare.
fn errno_of(e: io::Error) -> i32 {
    e.raw_os_error().unwrap_or(libc::EIO)
}

/// How long a wait that failed (not interrupted) pauses before its caller goes round again.
const FAILED_WAIT_PAUSE: Duration = Duration::from_millis(10);

/// poll/epoll's timeout: -1 waits without limit.
fn timespec(ms: i32) -> Option<Timespec> {
    (ms >= 0).then(|| Timespec {
        tv_sec: (ms / 1000) as i64,
        tv_nsec: (ms % 1000) as i64 * 1_000_000,
    })
}

// ---------------------------------------------------------------------------------------
// Waiting

/// poll(2) on a wake descriptor (when there is one) and a socket (when `events` is not 0);
/// returns (wake revents, socket revents) as poll's bits. An interrupted or failed poll
/// returns nothing ready: callers look at their deadline and go round again (after a
/// failure other than EINTR, such as ENOMEM, only after a short pause: never a spin).
pub(crate) fn poll2(
    wake: Option<BorrowedFd<'_>>,
    sock: BorrowedFd<'_>,
    events: i16,
    timeout_ms: i32,
) -> (i16, i16) {
    let mut fds: Vec<PollFd<'_>> = Vec::with_capacity(2);
    if let Some(w) = wake {
        fds.push(PollFd::from_borrowed_fd(w, PollFlags::IN));
    }
    if events != 0 {
        fds.push(PollFd::from_borrowed_fd(
            sock,
            PollFlags::from_bits_retain(events as u16),
        ));
    }
    let t = timespec(timeout_ms);
    match rustix::event::poll(&mut fds, t.as_ref()) {
        Ok(n) if n > 0 => {}
        Ok(_) | Err(rustix::io::Errno::INTR) => return (0, 0),
        Err(_) => {
            std::thread::sleep(FAILED_WAIT_PAUSE);
            return (0, 0);
        }
    }
    let bits = |f: &PollFd<'_>| f.revents().bits() as i16;
    match (wake.is_some(), events != 0) {
        (true, true) => (bits(&fds[0]), bits(&fds[1])),
        (true, false) => (bits(&fds[0]), 0),
        (false, true) => (0, bits(&fds[0])),
        (false, false) => (0, 0),
    }
}

/// An epoll instance; tokens are u64s of the caller's choosing.
pub(crate) struct Epoll {
    fd: OwnedFd,
}

/// Room for the events one epoll_wait returns (made on the thread that waits: the events
/// may carry pointers, so the buffer stays on one thread).
pub(crate) struct EpollEvents(Vec<epoll::Event>);

impl EpollEvents {
    pub(crate) fn new(max: usize) -> EpollEvents {
        EpollEvents(Vec::with_capacity(max.max(1)))
    }
}

impl Epoll {
    pub(crate) fn new() -> io::Result<Epoll> {
        Ok(Epoll {
            fd: epoll::create(epoll::CreateFlags::CLOEXEC)?,
        })
    }

    pub(crate) fn add(&self, fd: BorrowedFd<'_>, events: u32, token: u64) -> io::Result<()> {
        epoll::add(
            &self.fd,
            fd,
            epoll::EventData::new_u64(token),
            epoll::EventFlags::from_bits_retain(events),
        )
        .map_err(io::Error::from)
    }

    pub(crate) fn modify(&self, fd: BorrowedFd<'_>, events: u32, token: u64) -> io::Result<()> {
        epoll::modify(
            &self.fd,
            fd,
            epoll::EventData::new_u64(token),
            epoll::EventFlags::from_bits_retain(events),
        )
        .map_err(io::Error::from)
    }

    pub(crate) fn delete(&self, fd: BorrowedFd<'_>) -> io::Result<()> {
        epoll::delete(&self.fd, fd).map_err(io::Error::from)
    }

    /// Waits up to `timeout_ms` (-1: no limit); returns the (token, events) that fired.
    /// An interrupted wait returns none; a failed one none after a short pause.
    pub(crate) fn wait(&self, room: &mut EpollEvents, timeout_ms: i32, out: &mut Vec<(u64, u32)>) {
        out.clear();
        room.0.clear();
        let t = timespec(timeout_ms);
        let spare = rustix::buffer::spare_capacity(&mut room.0);
        match epoll::wait(&self.fd, spare, t.as_ref()) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => return,
            Err(_) => {
                std::thread::sleep(FAILED_WAIT_PAUSE);
                return;
            }
        }
        out.extend(room.0.iter().map(|e| {
            // Copied out: the struct is packed on x86_64.
            let (flags, data) = (e.flags, e.data);
            (data.u64(), flags.bits())
        }));
    }
}

/// A non-blocking, close-on-exec eventfd.
pub(crate) fn eventfd() -> io::Result<OwnedFd> {
    use rustix::event::EventfdFlags;
    rustix::event::eventfd(0, EventfdFlags::NONBLOCK | EventfdFlags::CLOEXEC).map_err(Into::into)
}

/// Adds one to an eventfd's counter. A full counter (EAGAIN) still leaves it readable.
pub(crate) fn eventfd_signal(fd: BorrowedFd<'_>) {
    let _ = rustix::io::write(fd, &1u64.to_ne_bytes());
}

/// Empties an eventfd's counter; nothing to read (EAGAIN) is fine.
pub(crate) fn eventfd_drain(fd: BorrowedFd<'_>) {
    let mut v = [0u8; 8];
    let _ = rustix::io::read(fd, &mut v);
}

// ---------------------------------------------------------------------------------------
// Descriptor flags and queues

/// Sets or clears O_NONBLOCK with one ioctl(FIONBIO) where fcntl(2) takes two (F_GETFL,
/// F_SETFL): the listener toggles it around every burst of accepts. A failure leaves the
/// flag as it was, which the calls after it report as they find it.
pub(crate) fn set_nonblocking(fd: BorrowedFd<'_>, on: bool) {
    let _ = rustix::io::ioctl_fionbio(fd, on);
}

/// Whether O_NONBLOCK is set on the descriptor, as the kernel holds it.
pub(crate) fn nonblocking(fd: BorrowedFd<'_>) -> bool {
    rustix::fs::fcntl_getfl(fd).is_ok_and(|f| f.contains(rustix::fs::OFlags::NONBLOCK))
}

/// Bytes in the socket's receive queue (SIOCINQ), None where the kernel has no answer.
pub(crate) fn recv_queue(fd: BorrowedFd<'_>) -> Option<u32> {
    ioctl_int(fd, libc::FIONREAD)
}

/// Bytes in the socket's send queue (SIOCOUTQ).
pub(crate) fn send_queue(fd: BorrowedFd<'_>) -> Option<u32> {
    ioctl_int(fd, libc::TIOCOUTQ)
}

fn ioctl_int(fd: BorrowedFd<'_>, req: libc::Ioctl) -> Option<u32> {
    let mut v: libc::c_int = 0;
    // SAFETY: SIOCINQ and SIOCOUTQ write one int through the pointer, which is valid and
    // aligned for it; fd is open for the borrow.
    let rc = unsafe { libc::ioctl(fd.as_raw_fd(), req, &mut v) };
    (check(rc).is_ok() && v >= 0).then_some(v as u32)
}

// ---------------------------------------------------------------------------------------
// Socket options

/// getsockopt into a buffer of `len` bytes; the bytes the kernel wrote (never more than
/// `len`, whatever length it reports), or the errno.
pub(crate) fn getsockopt_raw(
    fd: BorrowedFd<'_>,
    level: i32,
    name: i32,
    len: usize,
) -> Result<Vec<u8>, i32> {
    let mut buf = vec![0u8; len];
    let mut l = len as libc::socklen_t;
    // SAFETY: buf is valid for writes of `len` bytes, and l says so; fd is open.
    let rc =
        unsafe { libc::getsockopt(fd.as_raw_fd(), level, name, buf.as_mut_ptr().cast(), &mut l) };
    check(rc).map_err(errno_of)?;
    buf.truncate((l as usize).min(len));
    Ok(buf)
}

/// setsockopt with the value's bytes; the errno on failure.
pub(crate) fn setsockopt_raw(
    fd: BorrowedFd<'_>,
    level: i32,
    name: i32,
    value: &[u8],
) -> Result<(), i32> {
    let len = libc::socklen_t::try_from(value.len()).map_err(|_| libc::EINVAL)?;
    // SAFETY: value is valid for reads of len bytes; the kernel only reads them.
    let rc = unsafe { libc::setsockopt(fd.as_raw_fd(), level, name, value.as_ptr().cast(), len) };
    check(rc).map(drop).map_err(errno_of)
}

/// TCP_INFO as the kernel fills it, or None for a socket that is not TCP. Fields the
/// kernel did not write (an older kernel's shorter struct) stay zero.
pub(crate) fn tcp_info(fd: BorrowedFd<'_>) -> Option<libc::tcp_info> {
    let size = std::mem::size_of::<libc::tcp_info>();
    // SAFETY: tcp_info is a C struct of integers, for which all-zero bytes are a value.
    let mut ti: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut l = size as libc::socklen_t;
    // SAFETY: ti is valid for writes of `size` bytes, and l says so; the kernel writes at
    // most l bytes of integers into it, each of which is a valid value.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            (&mut ti as *mut libc::tcp_info).cast(),
            &mut l,
        )
    };
    // The fields socklab reads end with tcpi_total_retrans.
    let needed = std::mem::offset_of!(libc::tcp_info, tcpi_total_retrans) + 4;
    (check(rc).is_ok() && l as usize >= needed).then_some(ti)
}

// ---------------------------------------------------------------------------------------
// Receiving

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

/// Datagrams one recvmmsg call takes at most.
pub(crate) const MMSG_BATCH: usize = 16;

/// recvmmsg(2) without waiting into `bufs` (each with `bufsize` bytes of room, emptied
/// first); sets each filled buffer's length and puts the senders, one per datagram, in
/// `from`. The call's headers live on the stack: a flood makes this call ~40,000 times a
/// second.
pub(crate) fn recvmmsg(
    fd: BorrowedFd<'_>,
    bufs: &mut [Vec<u8>],
    bufsize: usize,
    from: &mut Vec<SockAddr>,
) -> io::Result<()> {
    let n = bufs.len().min(MMSG_BATCH);
    let mut names: [SockAddrStorage; MMSG_BATCH] =
        std::array::from_fn(|_| SockAddrStorage::zeroed());
    let mut iovs: [libc::iovec; MMSG_BATCH] = std::array::from_fn(|_| libc::iovec {
        iov_base: std::ptr::null_mut(),
        iov_len: 0,
    });
    // SAFETY: mmsghdr is a C struct of integers and pointers, for which all-zero bytes
    // (null pointers, zero lengths) are a value.
    let mut hdrs: [libc::mmsghdr; MMSG_BATCH] =
        std::array::from_fn(|_| unsafe { std::mem::zeroed::<libc::mmsghdr>() });
    let name_room = std::mem::size_of::<libc::sockaddr_storage>();
    for i in 0..n {
        bufs[i].clear();
        bufs[i].reserve(bufsize);
        iovs[i] = libc::iovec {
            iov_base: bufs[i].spare_capacity_mut().as_mut_ptr().cast(),
            iov_len: bufsize,
        };
        let h = &mut hdrs[i].msg_hdr;
        // SAFETY: a SockAddrStorage is a sockaddr_storage (socket2 documents the layout).
        h.msg_name = unsafe { names[i].view_as::<libc::sockaddr_storage>() }
            as *mut libc::sockaddr_storage as *mut libc::c_void;
        h.msg_namelen = name_room as u32;
        h.msg_iov = &mut iovs[i];
        h.msg_iovlen = 1;
    }
    // SAFETY: hdrs holds n headers whose iovecs point into buffers with `bufsize` bytes of
    // spare capacity each and whose names point at storages of `name_room` bytes; all of
    // them outlive the call, and the kernel writes no more than those lengths.
    let rc = unsafe {
        libc::recvmmsg(
            fd.as_raw_fd(),
            hdrs.as_mut_ptr(),
            n as u32,
            libc::MSG_DONTWAIT,
            std::ptr::null_mut(),
        )
    };
    let got = (check(rc)? as usize).min(n);
    from.clear();
    for (i, name) in names.into_iter().enumerate().take(got) {
        let len = (hdrs[i].msg_len as usize).min(bufsize);
        // SAFETY: the kernel initialised the first msg_len bytes of this buffer's spare
        // room (`bufsize` long); a longer length (a truncated datagram) is clamped.
        unsafe { bufs[i].set_len(len) };
        let namelen = (hdrs[i].msg_hdr.msg_namelen as usize).min(name_room);
        // SAFETY: the kernel initialised the address, `namelen` bytes of it (the length it
        // reports is clamped to the storage, as an address longer than it is truncated).
        from.push(unsafe { SockAddr::new(name, namelen as libc::socklen_t) });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// sock_diag netlink

/// A NETLINK_SOCK_DIAG socket.
pub(crate) fn sock_diag_socket() -> io::Result<OwnedFd> {
    use rustix::net::{AddressFamily, SocketFlags, SocketType};
    const NETLINK_SOCK_DIAG: u32 = 4;
    let proto = rustix::net::Protocol::from_raw(
        std::num::NonZeroU32::new(NETLINK_SOCK_DIAG).ok_or(io::ErrorKind::InvalidInput)?,
    );
    rustix::net::socket_with(
        AddressFamily::NETLINK,
        SocketType::DGRAM,
        SocketFlags::CLOEXEC,
        Some(proto),
    )
    .map_err(Into::into)
}

/// send(2) of a whole request; false when it did not all go.
pub(crate) fn send_all(fd: BorrowedFd<'_>, req: &[u8]) -> bool {
    rustix::net::send(fd, req, rustix::net::SendFlags::empty()).is_ok_and(|n| n == req.len())
}

/// recv(2) into `buf`; the bytes received (never more than the buffer), 0 at the end or on
/// an error.
pub(crate) fn recv_some(fd: BorrowedFd<'_>, buf: &mut [u8]) -> usize {
    match rustix::net::recv(fd, &mut *buf, rustix::net::RecvFlags::empty()) {
        Ok((n, _)) => n.min(buf.len()),
        Err(_) => 0,
    }
}

// ---------------------------------------------------------------------------------------
// Names and addresses

/// getaddrinfo(3) results as (address, protocol) pairs, or the EAI_* code.
pub(crate) fn getaddrinfo(
    host: &str,
    port: u16,
    af: i32,
    socktype: i32,
) -> Result<Vec<(SocketAddr, i32)>, i32> {
    let c_host = CString::new(host).map_err(|_| libc::EAI_NONAME)?;
    let c_port = CString::new(port.to_string()).map_err(|_| libc::EAI_SERVICE)?;
    // SAFETY: addrinfo is a C struct of integers and pointers; all-zero (null pointers) is
    // the "no hints" value getaddrinfo documents.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = af;
    hints.ai_socktype = socktype;
    let mut res: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: the strings are NUL-terminated and live across the call; hints is valid;
    // res receives a list that is freed below, once.
    let rc = unsafe { libc::getaddrinfo(c_host.as_ptr(), c_port.as_ptr(), &hints, &mut res) };
    if rc != 0 {
        return Err(rc);
    }
    let storage = std::mem::size_of::<libc::sockaddr_storage>();
    let mut out = Vec::new();
    let mut cur = res;
    while !cur.is_null() {
        // SAFETY: cur is a node of the list getaddrinfo returned, not yet freed.
        let ai = unsafe { &*cur };
        let len = ai.ai_addrlen as usize;
        if !ai.ai_addr.is_null() && len <= storage {
            // SAFETY: ai_addr points at ai_addrlen readable bytes (getaddrinfo's contract);
            // they are copied into storage, which has room for them (checked above).
            let sa = unsafe {
                SockAddr::try_init(|dst, dst_len| {
                    std::ptr::copy_nonoverlapping(ai.ai_addr as *const u8, dst as *mut u8, len);
                    *dst_len = len as libc::socklen_t;
                    Ok(())
                })
            };
            if let Ok(((), sa)) = sa {
                if let Some(a) = sa.as_socket() {
                    out.push((a, ai.ai_protocol));
                }
            }
        }
        cur = ai.ai_next;
    }
    // SAFETY: res came from a successful getaddrinfo and is freed once; nothing borrowed
    // from it outlives this line.
    unsafe { libc::freeaddrinfo(res) };
    Ok(out)
}

/// getaddrinfo's message for an EAI_* code.
pub(crate) fn gai_strerror(code: i32) -> String {
    // SAFETY: gai_strerror returns a pointer to a static NUL-terminated string for any
    // code (an unknown one gets "Unknown error").
    let p = unsafe { libc::gai_strerror(code) };
    if p.is_null() {
        return format!("Unknown error {code}");
    }
    // SAFETY: p is non-null and points at a static NUL-terminated string.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// The C library's message for an errno ("Connection refused"), as CPython shows it.
pub(crate) fn strerror(errno: i32) -> String {
    // std asks strerror_r; its Display adds " (os error N)", which Python does not show.
    let s = io::Error::from_raw_os_error(errno).to_string();
    match s.rfind(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// The index of a network interface by name (SIOCGIFINDEX on `sock`).
pub(crate) fn interface_index(sock: BorrowedFd<'_>, name: &str) -> io::Result<u32> {
    rustix::net::netdevice::name_to_index(sock, name).map_err(Into::into)
}

/// The machine's host name, as gethostname(2) gives it.
pub(crate) fn hostname() -> String {
    rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned()
}

/// Seconds on CLOCK_MONOTONIC, as Python's time.monotonic().
pub(crate) fn monotonic() -> f64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

/// Fills `buf` from the kernel's random source (getrandom(2)).
pub(crate) fn getrandom(buf: &mut [u8]) -> io::Result<()> {
    let mut filled = 0;
    while filled < buf.len() {
        match rustix::rand::getrandom(&mut buf[filled..], rustix::rand::GetRandomFlags::empty()) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => filled += n,
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Renames `from` to `to` only if nothing is at `to` (renameat2 RENAME_NOREPLACE, or a
/// hard link and unlink where the file system has no such rename); `AlreadyExists` if
/// something is.
pub fn rename_noreplace(from: &std::path::Path, to: &std::path::Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(()),
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {
            std::fs::hard_link(from, to)?;
            std::fs::remove_file(from)
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// Threads and process limits

/// Raises the calling thread's nice value to `nice` (0: leaves it). Raising it needs no
/// privilege; a failure leaves it as it was.
pub(crate) fn lower_priority(nice: i32) {
    if nice > 0 {
        // On Linux a thread id names one thread for setpriority(PRIO_PROCESS).
        let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), nice);
    }
}

/// Names the calling thread as `ps`, `top` and debuggers show it (the kernel keeps 15
/// bytes).
pub(crate) fn set_thread_name(name: &str) {
    let mut end = name.len().min(15);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    if let Ok(c) = CString::new(&name[..end]) {
        let _ = rustix::thread::set_name(&c);
    }
}

/// The process's open-file limit (soft, hard), None where unlimited.
pub fn nofile_limit() -> (Option<u64>, Option<u64>) {
    let r = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    (r.current, r.maximum)
}

#[cfg(test)]
mod tests {
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

        // recvmmsg: each buffer holds at most its room, whatever the datagram's size.
        peer.send_to(&[1u8; 10], to).unwrap();
        peer.send_to(&[2u8; 2], to).unwrap();
        let mut bufs = vec![Vec::new(), Vec::new()];
        let mut senders = Vec::new();
        // Both datagrams are queued on loopback once send_to returned.
        recvmmsg(s.as_fd(), &mut bufs, 3, &mut senders).unwrap();
        assert_eq!(bufs[0], [1u8; 3]);
        assert_eq!(bufs[1], [2u8; 2]);
        assert_eq!(senders.len(), 2);
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
    }
}
