//! Descriptor flags and the queue ioctls (bytes waiting to be read, bytes not yet sent).

use super::*;

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
pub fn recv_queue(fd: BorrowedFd<'_>) -> Option<u32> {
    ioctl_int(fd, libc::FIONREAD)
}

/// Bytes in the socket's send queue (SIOCOUTQ).
pub fn send_queue(fd: BorrowedFd<'_>) -> Option<u32> {
    ioctl_int(fd, libc::TIOCOUTQ)
}

fn ioctl_int(fd: BorrowedFd<'_>, req: libc::Ioctl) -> Option<u32> {
    let mut v: libc::c_int = 0;
    // SAFETY: SIOCINQ and SIOCOUTQ write one int through the pointer, which is valid and
    // aligned for it; fd is open for the borrow.
    let rc = unsafe { libc::ioctl(fd.as_raw_fd(), req, &mut v) };
    (check(rc).is_ok() && v >= 0).then_some(v as u32)
}

/// SIOCGSTAMPNS (linux/sockios.h), with the 64-bit struct timespec of 64-bit targets.
#[cfg(target_pointer_width = "64")]
const SIOCGSTAMPNS: libc::Ioctl = 0x8907;
// What the kernel writes there: a 16-byte __kernel_timespec.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<libc::timespec>() == 16);

/// When the last packet read from the socket reached it, as the kernel stamped it
/// (SIOCGSTAMPNS, the time since the Unix epoch on CLOCK_REALTIME). The first call turns
/// the stamping on and has nothing to tell: None, as for a socket that read nothing yet.
pub(crate) fn last_packet_time(fd: BorrowedFd<'_>) -> Option<Duration> {
    #[cfg(target_pointer_width = "64")]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: SIOCGSTAMPNS writes one struct timespec (64-bit seconds and nanoseconds
        // on a 64-bit target) through the pointer, which is valid and aligned for it; fd
        // is open for the borrow.
        let rc = unsafe { libc::ioctl(fd.as_raw_fd(), SIOCGSTAMPNS, &mut ts) };
        check(rc).ok()?;
        let nanos = u32::try_from(ts.tv_nsec)
            .ok()
            .filter(|n| *n < 1_000_000_000)?;
        Some(Duration::new(u64::try_from(ts.tv_sec).ok()?, nanos))
    }
    #[cfg(not(target_pointer_width = "64"))]
    {
        let _ = fd;
        None
    }
}

/// What a socket descriptor is: (domain, type, protocol), as the kernel holds them.
pub struct SocketKindOf {
    pub domain: i32,
    pub kind: i32,
    pub protocol: i32,
}

/// What the descriptor numbered `fd` is, if it is an open socket (EBADF, ENOTSOCK
/// otherwise).
pub fn socket_kind_of(fd: i32) -> io::Result<SocketKindOf> {
    if fd < 0 {
        return Err(io::Error::from_raw_os_error(libc::EBADF));
    }
    let read = |name: libc::c_int| -> io::Result<i32> {
        let mut v: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: v and len are locals that outlive the call; len says v's exact size, so
        // the kernel writes at most that many bytes into it. A number that is not an open
        // socket only makes the call fail (EBADF, ENOTSOCK).
        check(unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                name,
                (&mut v as *mut libc::c_int).cast(),
                &mut len,
            )
        })?;
        Ok(v)
    };
    Ok(SocketKindOf {
        domain: read(libc::SO_DOMAIN)?,
        kind: read(libc::SO_TYPE)?,
        protocol: read(libc::SO_PROTOCOL)?,
    })
}

/// Takes ownership of a socket descriptor a program hands over by number, as CPython's
/// `socket.socket(fileno=N)` does (socketpair's and fromfd's sockets arrive this way):
/// refused with EBADF unless it is open, ENOTSOCK unless it is a socket. The caller has
/// claimed the number in the engine's registry (none of the engine's sockets holds it).
pub fn adopt_socket_fd(fd: i32) -> io::Result<(OwnedFd, SocketKindOf)> {
    let what = socket_kind_of(fd)?;
    // SAFETY: fd is an open socket (getsockopt answered for it). It is none of socklab's
    // own descriptors: not one of the engine's sockets (the registry claim, kept until a
    // socket's descriptor is closed), and socklab's other descriptors (eventfd, epoll,
    // files) are not sockets. The program handed the number over — a detach()ed or dup()ed
    // one, as socket.py passes them — so this OwnedFd is its owner from here; a program
    // that hands over a number it still uses elsewhere gets two owners of it, as in CPython.
    let owned = unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) };
    Ok((owned, what))
}
