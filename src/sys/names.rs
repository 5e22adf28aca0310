//! Names and addresses: getaddrinfo(3), and renaming a file only where nothing is.

use super::*;

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

/// A network interface and its IP addresses, as getifaddrs(3) lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    pub name: String,
    pub addrs: Vec<std::net::IpAddr>,
}

/// Interfaces listed at most (a host with more has them cut).
const MAX_INTERFACES: usize = 256;
/// Addresses kept per interface at most.
const MAX_ADDRS: usize = 64;

/// The machine's network interfaces with their IPv4 and IPv6 addresses, in the order
/// getifaddrs gives them. (getifaddrs asks the kernel over netlink: call it off the
/// window's thread.)
pub fn interfaces() -> io::Result<Vec<Interface>> {
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs writes a pointer to a list it allocates into `head`, which is a
    // valid place for one; on failure it returns -1 and leaves nothing to free.
    if unsafe { libc::getifaddrs(&mut head) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let mut out: Vec<Interface> = Vec::new();
    let mut at = head;
    while !at.is_null() {
        // SAFETY: `at` is a non-null node of the list getifaddrs made, not freed until
        // freeifaddrs below; its fields are read, never kept past this iteration.
        let ifa = unsafe { &*at };
        at = ifa.ifa_next;
        if ifa.ifa_name.is_null() {
            continue;
        }
        // SAFETY: ifa_name is non-null and points at a NUL-terminated name in the list.
        let name = unsafe { CStr::from_ptr(ifa.ifa_name) }
            .to_string_lossy()
            .into_owned();
        let addr = if ifa.ifa_addr.is_null() {
            None
        } else {
            // SAFETY: ifa_addr is non-null and points at a sockaddr whose family field
            // says which struct it is; it is read as that struct only for AF_INET and
            // AF_INET6, whose nodes getifaddrs allocates at their full size.
            unsafe {
                match i32::from((*ifa.ifa_addr).sa_family) {
                    libc::AF_INET => {
                        let a = &*(ifa.ifa_addr as *const libc::sockaddr_in);
                        Some(std::net::IpAddr::from(
                            u32::from_be(a.sin_addr.s_addr).to_be_bytes(),
                        ))
                    }
                    libc::AF_INET6 => {
                        let a = &*(ifa.ifa_addr as *const libc::sockaddr_in6);
                        Some(std::net::IpAddr::from(a.sin6_addr.s6_addr))
                    }
                    _ => None,
                }
            }
        };
        let i = match out.iter().position(|x| x.name == name) {
            Some(i) => i,
            None if out.len() < MAX_INTERFACES => {
                out.push(Interface {
                    name,
                    addrs: Vec::new(),
                });
                out.len() - 1
            }
            None => continue,
        };
        if let Some(a) = addr {
            if out[i].addrs.len() < MAX_ADDRS && !out[i].addrs.contains(&a) {
                out[i].addrs.push(a);
            }
        }
    }
    // SAFETY: `head` is the list getifaddrs made, freed once, after the last use of it.
    unsafe { libc::freeifaddrs(head) };
    Ok(out)
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
