//! sock_diag netlink: the kernel's table of sockets (who listens, what is queued).

use super::*;

/// A NETLINK_SOCK_DIAG socket.
pub(crate) fn sock_diag_socket() -> io::Result<OwnedFd> {
    use rustix::net::{AddressFamily, SocketFlags, SocketType};
    const NETLINK_SOCK_DIAG: u32 = 4;
    let proto = rustix::net::Protocol::from_raw(
        std::num::NonZeroU32::new(NETLINK_SOCK_DIAG).ok_or(io::ErrorKind::InvalidInput)?,
    );
    let fd = rustix::net::socket_with(
        AddressFamily::NETLINK,
        SocketType::DGRAM,
        SocketFlags::CLOEXEC,
        Some(proto),
    )?;
    // The kernel answers at once; a lost answer must not hold a closing worker forever.
    rustix::net::sockopt::set_socket_timeout(
        &fd,
        rustix::net::sockopt::Timeout::Recv,
        Some(std::time::Duration::from_secs(1)),
    )?;
    Ok(fd)
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
