//! An eventfd a worker polls beside its socket, so a command interrupts any wait at once.

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::{Arc, Mutex, OnceLock};

use crate::sys;

pub(crate) struct Waker {
    fd: OwnedFd,
}

impl Waker {
    pub(crate) fn new() -> io::Result<Waker> {
        Ok(Waker {
            fd: sys::eventfd()?,
        })
    }

    pub(crate) fn wake(&self) {
        sys::eventfd_signal(self.fd.as_fd());
    }

    pub(crate) fn drain(&self) {
        sys::eventfd_drain(self.fd.as_fd());
    }

    pub(crate) fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
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

    fn fd(&self) -> Option<BorrowedFd<'_>> {
        self.0.get().map(Waker::fd)
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

    /// The descriptor, when it is made.
    pub(crate) fn fd(&self) -> Option<BorrowedFd<'_>> {
        self.fd.fd()
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
    pub(crate) fn install(&self) -> io::Result<BorrowedFd<'_>> {
        self.bell.ensure()?;
        self.bell.fd().ok_or_else(|| io::ErrorKind::NotFound.into())
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
