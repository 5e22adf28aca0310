//! Waiting: poll(2) on a socket and a wake descriptor, and one epoll set for the reactor.

use super::*;
use std::sync::atomic::{AtomicBool, Ordering};

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

/// Set once epoll_pwait2 turned out missing or forbidden: waits are then rounded to the
/// millisecond.
static NO_PWAIT2: AtomicBool = AtomicBool::new(false);

/// Waits can be shorter than a millisecond (epoll_pwait2 has not failed here).
pub(crate) fn precise_waits() -> bool {
    !NO_PWAIT2.load(Ordering::Relaxed)
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
        self.collect(room, out);
    }

    /// As `wait`, for `timeout` (None: no limit) to the microsecond: epoll_pwait2(2) where
    /// the kernel has it (5.11), otherwise rounded up to the millisecond.
    pub(crate) fn wait_for(
        &self,
        room: &mut EpollEvents,
        timeout: Option<Duration>,
        out: &mut Vec<(u64, u32)>,
    ) {
        let sub_ms = timeout.is_some_and(|t| t.subsec_nanos() % 1_000_000 != 0);
        if !sub_ms || NO_PWAIT2.load(Ordering::Relaxed) {
            return self.wait(room, timeout.map_or(-1, ms_ceil), out);
        }
        out.clear();
        room.0.clear();
        let t = timeout.unwrap_or_default();
        // The kernel's __kernel_timespec: two 64-bit fields on every architecture.
        #[repr(C)]
        struct KernelTimespec {
            tv_sec: i64,
            tv_nsec: i64,
        }
        let ts = KernelTimespec {
            tv_sec: t.as_secs().min(i32::MAX as u64) as i64,
            tv_nsec: i64::from(t.subsec_nanos()),
        };
        let max = room.0.capacity().min(i32::MAX as usize);
        // SAFETY: the kernel writes at most `max` events into the vector's spare room,
        // which holds `max` of them; rustix's epoll::Event has the kernel's epoll_event
        // layout (repr(C), packed on x86_64 as the kernel's is). `ts` has the layout of the
        // kernel's __kernel_timespec and outlives the call; the signal mask is null (none
        // changed).
        let rc = unsafe {
            libc::syscall(
                libc::SYS_epoll_pwait2,
                self.fd.as_raw_fd(),
                room.0.as_mut_ptr(),
                max as libc::c_int,
                &ts as *const KernelTimespec,
                std::ptr::null::<libc::sigset_t>(),
                0usize,
            )
        };
        if rc < 0 {
            let errno = io::Error::last_os_error().raw_os_error();
            if errno == Some(libc::EINTR) {
                return;
            }
            // Without the call (an older kernel, or a sandbox that forbids it), waits are
            // rounded to the millisecond from now on; any other failure is epoll_wait's
            // to meet (it pauses after one: never a spin).
            if matches!(errno, Some(libc::ENOSYS | libc::EPERM | libc::EINVAL)) {
                NO_PWAIT2.store(true, Ordering::Relaxed);
            }
            return self.wait(room, ms_ceil(t), out);
        }
        // SAFETY: the kernel initialised the first `rc` events (rc <= max, checked).
        unsafe { room.0.set_len((rc as usize).min(max)) };
        self.collect(room, out);
    }

    fn collect(&self, room: &EpollEvents, out: &mut Vec<(u64, u32)>) {
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
