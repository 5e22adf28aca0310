//! An eventfd a worker polls beside its socket, so a command interrupts any wait at once.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Arc, Mutex, OnceLock};

pub(crate) struct Waker {
    fd: OwnedFd,
}

impl Waker {
    pub(crate) fn new() -> io::Result<Waker> {
        // SAFETY: eventfd returns a new descriptor or -1.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fd is a fresh descriptor we own.
        Ok(Waker {
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    pub(crate) fn wake(&self) {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a valid u64. A full counter (EAGAIN) still leaves it readable.
        unsafe { libc::write(self.fd.as_raw_fd(), (&one as *const u64).cast(), 8) };
    }

    pub(crate) fn drain(&self) {
        let mut v: u64 = 0;
        // SAFETY: reads 8 bytes into a valid u64; EAGAIN when already drained is fine.
        unsafe { libc::read(self.fd.as_raw_fd(), (&mut v as *mut u64).cast(), 8) };
    }

    pub(crate) fn raw(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

/// An eventfd made when first needed: until then waking it does nothing, draining it
/// does nothing, and its descriptor is -1 (which poll(2) ignores).
#[derive(Default)]
struct LazyWaker(OnceLock<Waker>);

impl LazyWaker {
    /// Makes the eventfd if there is none yet (by the one thread that may).
    fn ensure(&self) -> io::Result<()> {
        if self.0.get().is_none() {
            let _ = self.0.set(Waker::new()?);
        }
        Ok(())
    }

    fn is_made(&self) -> bool {
        self.0.get().is_some()
    }

    fn raw(&self) -> RawFd {
        self.0.get().map_or(-1, Waker::raw)
    }

    /// Wakes it if it is made; false when it is not.
    fn wake(&self) -> bool {
        self.0.get().map(Waker::wake).is_some()
    }

    fn drain(&self) {
        if let Some(w) = self.0.get() {
            w.drain();
        }
    }
}

/// How a socket's worker is woken for a command. A worker on a thread polls an eventfd
/// of its own beside its socket. A connection that has only ever waited in the reactor
/// has none: its wakes go through the reactor's doorbell, which spares a short connection
/// four system calls (eventfd, two epoll_ctl, close) and an open file each. The
/// descriptor is made when the worker first leaves for a thread, by whoever sends it
/// there, before it waits there; from then on it is used directly.
pub(crate) struct Wake {
    id: u64,
    fd: LazyWaker,
}

impl Wake {
    /// A worker that waits on a thread from the start.
    pub(crate) fn eager(id: u64) -> io::Result<Wake> {
        let w = Wake::lazy(id);
        w.ensure()?;
        Ok(w)
    }

    /// A worker that starts in the reactor.
    pub(crate) fn lazy(id: u64) -> Wake {
        Wake {
            id,
            fd: LazyWaker::default(),
        }
    }

    /// Makes the descriptor if there is none yet. Called only by the one thread that holds
    /// the worker, before it waits anywhere but the reactor.
    pub(crate) fn ensure(&self) -> io::Result<()> {
        self.fd.ensure()
    }

    /// The descriptor, or -1 (which poll(2) ignores) when there is none.
    pub(crate) fn raw(&self) -> RawFd {
        self.fd.raw()
    }

    pub(crate) fn has_fd(&self) -> bool {
        self.fd.is_made()
    }

    pub(crate) fn drain(&self) {
        self.fd.drain();
    }

    /// Wakes the worker: through its descriptor, or the reactor's doorbell when it has
    /// none (it then waits in the reactor, or is on its way to a thread, whose descriptor
    /// the reactor made before sending it and wakes when it reads this ring).
    pub(crate) fn wake(self: &Arc<Self>, bell: &Doorbell) {
        if !self.fd.wake() {
            bell.ring(self.clone());
        }
    }

    /// The worker's id.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Wakes through the descriptor only (the reactor forwarding a ring).
    pub(crate) fn wake_fd(&self) {
        self.fd.wake();
    }
}

/// The reactor's wake: the workers to wake that had no descriptor of their own, and
/// the reactor's eventfd, made when the reactor starts (before it, no worker waits there).
#[derive(Default)]
pub(crate) struct Doorbell {
    // Their wakes themselves, not ids: one that has left for a thread meanwhile is woken
    // through the descriptor it has now, even once the registry has forgotten it (shutdown).
    rung: Mutex<Vec<Arc<Wake>>>,
    bell: LazyWaker,
}

impl Doorbell {
    /// Makes the reactor's eventfd; once.
    pub(crate) fn install(&self) -> io::Result<RawFd> {
        self.bell.ensure()?;
        Ok(self.bell.raw())
    }

    /// Pushed before the bell rings, so the reactor, which drains the bell before it
    /// takes the rings, misses none (a later push rings again).
    pub(crate) fn ring(&self, wake: Arc<Wake>) {
        crate::engine::lock(&self.rung).push(wake);
        self.wake();
    }

    /// Wakes the reactor without a ring (new workers in its inbox, shutdown).
    pub(crate) fn wake(&self) {
        self.bell.wake();
    }

    pub(crate) fn take(&self) -> Vec<Arc<Wake>> {
        std::mem::take(&mut *crate::engine::lock(&self.rung))
    }

    pub(crate) fn drain(&self) {
        self.bell.drain();
    }
}
