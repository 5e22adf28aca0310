//! Socket options read and written raw, and TCP_INFO.

use super::*;

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

/// What SO_MEMINFO reports of a socket's receive side: the bytes its queue holds against
/// the receive buffer (as the kernel counts them: each datagram's whole allocation), the
/// buffer's size, and the datagrams the kernel dropped since the socket was made (for want
/// of room, mostly; also those that failed their checksum).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MemInfo {
    pub(crate) rmem: u32,
    pub(crate) rcvbuf: u32,
    pub(crate) drops: u32,
}

/// SO_MEMINFO's receive counters, or None where the kernel has no such option or wrote
/// too little (drops came with Linux 4.9).
pub(crate) fn meminfo(fd: BorrowedFd<'_>) -> Option<MemInfo> {
    const VARS: usize = libc::SK_MEMINFO_DROPS as usize + 1;
    let raw = getsockopt_raw(fd, libc::SOL_SOCKET, libc::SO_MEMINFO, VARS * 4).ok()?;
    let var = |i: i32| {
        let at = i as usize * 4;
        raw.get(at..at + 4)
            .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
    };
    Some(MemInfo {
        rmem: var(libc::SK_MEMINFO_RMEM_ALLOC)?,
        rcvbuf: var(libc::SK_MEMINFO_RCVBUF)?,
        drops: var(libc::SK_MEMINFO_DROPS)?,
    })
}

/// Binds an AF_PACKET socket to one interface (by index), for `protocol` in network byte
/// order: it then sees only that interface's packets.
pub(crate) fn bind_packet(fd: BorrowedFd<'_>, ifindex: u32, protocol: u16) -> io::Result<()> {
    // SAFETY: sockaddr_ll is a C struct of integers and byte arrays, for which all-zero
    // bytes are a value.
    let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    sll.sll_family = libc::AF_PACKET as u16;
    sll.sll_protocol = protocol;
    sll.sll_ifindex =
        i32::try_from(ifindex).map_err(|_| io::Error::from_raw_os_error(libc::ENODEV))?;
    let len = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
    // SAFETY: the pointer is to `sll`, a sockaddr_ll of `len` bytes that lives across the
    // call; the kernel only reads it; fd is open.
    let rc = unsafe {
        libc::bind(
            fd.as_raw_fd(),
            (&sll as *const libc::sockaddr_ll).cast(),
            len,
        )
    };
    check(rc).map(drop)
}
