//! Threads for socket workers. A worker whose socket closed parks its thread for a while
//! instead of ending it, and the next socket (an accepted connection above all) runs on it:
//! creating a thread (stack mmap, clone, TLS set-up, teardown) cost more than the rest of a
//! short connection together. The parked threads are bounded and end after a quiet spell,
//! so an idle engine holds none for long and uses no CPU.

use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use super::lock;
use crate::sys::{lower_priority, set_thread_name};

type Task = Box<dyn FnOnce() + Send + 'static>;

/// What a parked thread is handed: the name its socket gives it, and the work.
struct Handoff {
    name: String,
    task: Task,
}

pub(crate) struct Pool {
    /// Parked threads, most recently parked last (its stack is the warmest).
    idle: Mutex<Vec<(u64, Sender<Handoff>)>>,
    next: AtomicU64,
    /// Threads alive, running a socket or parked.
    threads: Arc<AtomicUsize>,
    /// Set when the engine shut down: finishing threads end instead of parking.
    closed: AtomicBool,
    max_idle: usize,
    linger: Duration,
    stack_size: usize,
    nice: i32,
}

impl Pool {
    pub(crate) fn new(
        max_idle: usize,
        linger: Duration,
        stack_size: usize,
        nice: i32,
    ) -> Arc<Pool> {
        Arc::new(Pool {
            idle: Mutex::new(Vec::new()),
            next: AtomicU64::new(0),
            threads: Arc::new(AtomicUsize::new(0)),
            closed: AtomicBool::new(false),
            max_idle,
            linger,
            stack_size,
            nice,
        })
    }

    /// Runs `task` on a parked thread, or on a new one when none is parked. The thread's
    /// name (as `ps`, `top` and debuggers show it) becomes `name`.
    pub(crate) fn run(
        self: &Arc<Self>,
        name: String,
        task: impl FnOnce() + Send + 'static,
    ) -> io::Result<()> {
        let mut job = Handoff {
            name,
            task: Box::new(task),
        };
        loop {
            let parked = lock(&self.idle).pop();
            let Some((_, tx)) = parked else { break };
            match tx.send(job) {
                Ok(()) => return Ok(()),
                // That thread ended meanwhile; try the next.
                Err(e) => job = e.into_inner(),
            }
        }
        let pool = self.clone();
        self.threads.fetch_add(1, Ordering::AcqRel);
        let alive = Alive(self.threads.clone());
        std::thread::Builder::new()
            .name(job.name.clone())
            .stack_size(self.stack_size)
            .spawn(move || {
                let _alive = alive;
                pool.serve(job)
            })
            .map(|_| ())
    }

    /// Threads alive now, running a socket or parked.
    pub(crate) fn threads(&self) -> usize {
        self.threads.load(Ordering::Acquire)
    }

    /// Parked threads now (for tests and the benchmark).
    pub(crate) fn parked(&self) -> usize {
        lock(&self.idle).len()
    }

    /// Lets every parked thread end, and those still finishing end too (the engine is
    /// shutting down).
    pub(crate) fn drain(&self) {
        let mut idle = lock(&self.idle);
        self.closed.store(true, Ordering::Release);
        idle.clear();
    }

    fn serve(self: Arc<Self>, first: Handoff) {
        lower_priority(self.nice);
        let mut job = first;
        // A new thread already has its socket's name.
        let mut named = true;
        loop {
            if !named {
                set_thread_name(&job.name);
            }
            named = false;
            // A panicking worker is a bug; its thread is not reused, but the panic must not
            // reach the pool's bookkeeping.
            if catch_unwind(AssertUnwindSafe(job.task)).is_err() {
                return;
            }
            match self.park() {
                Some(next) => job = next,
                None => return,
            }
        }
    }

    /// Waits for the next task, or None when this thread should end.
    fn park(&self) -> Option<Handoff> {
        let (tx, rx): (Sender<Handoff>, Receiver<Handoff>) = crossbeam_channel::bounded(1);
        let me = self.next.fetch_add(1, Ordering::Relaxed);
        {
            let mut idle = lock(&self.idle);
            if idle.len() >= self.max_idle || self.closed.load(Ordering::Acquire) {
                return None;
            }
            idle.push((me, tx));
        }
        set_thread_name("sock-parked");
        loop {
            match rx.recv_timeout(self.linger) {
                Ok(job) => return Some(job),
                Err(RecvTimeoutError::Disconnected) => return None,
                Err(RecvTimeoutError::Timeout) => {
                    let mut idle = lock(&self.idle);
                    if let Some(pos) = idle.iter().position(|(id, _)| *id == me) {
                        idle.remove(pos);
                        return None;
                    }
                    // Someone took this thread just now: its task is on the way.
                }
            }
        }
    }
}

/// Counts a thread until it ends (or until its spawn failed and the closure was dropped).
struct Alive(Arc<AtomicUsize>);

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}
