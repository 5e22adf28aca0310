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

mod diag;
mod fd;
mod names;
mod process;
mod recv;
mod sockopt;
mod wait;

pub(crate) use diag::*;
pub(crate) use fd::*;
pub use fd::{recv_queue, send_queue};
pub use names::*;
pub use process::raise_nofile;
pub use process::*;
pub(crate) use recv::*;
pub(crate) use sockopt::*;
pub(crate) use wait::*;

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

#[cfg(test)]
mod tests;
