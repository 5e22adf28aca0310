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
