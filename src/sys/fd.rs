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
