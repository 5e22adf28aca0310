//! Threads and process limits.

use super::*;

/// Raises the calling thread's nice value to `nice` (0: leaves it). Raising it needs no
/// privilege; a failure leaves it as it was.
pub(crate) fn lower_priority(nice: i32) {
    if nice > 0 {
        // On Linux a thread id names one thread for setpriority(PRIO_PROCESS).
        let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), nice);
    }
}

/// Lets the calling thread's timers fire within a microsecond of their time rather than
/// the default 50 µs later (the reactor's pauses are a few dozen µs; a failure leaves the
/// default).
pub(crate) fn precise_timers() {
    let _ = rustix::thread::set_current_timer_slack(std::num::NonZeroU64::new(1_000));
}

/// Names the calling thread as `ps`, `top` and debuggers show it (the kernel keeps 15
/// bytes).
pub(crate) fn set_thread_name(name: &str) {
    let mut end = name.len().min(15);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    if let Ok(c) = CString::new(&name[..end]) {
        let _ = rustix::thread::set_name(&c);
    }
}

/// The process's open-file limit (soft, hard), None where unlimited.
pub fn nofile_limit() -> (Option<u64>, Option<u64>) {
    let r = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    (r.current, r.maximum)
}

/// Raises the open-file limit to the hard limit (a thousand clients need ~3000
/// descriptors); the limit now.
pub fn raise_nofile() -> Option<u64> {
    use rustix::process::{getrlimit, setrlimit, Resource};
    let mut r = getrlimit(Resource::Nofile);
    r.current = r.maximum;
    let _ = setrlimit(Resource::Nofile, r);
    getrlimit(Resource::Nofile).current
}

/// Set when an allocation fails: Rust then aborts, and the abort handler knows why.
static ALLOCATION_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The system allocator, noting a failed allocation (the binary's global allocator).
pub struct NoticingAllocator;

// SAFETY: every call is passed to std's System allocator with the same arguments and its
// answer returned unchanged; the only addition is an atomic store when it returns null.
unsafe impl std::alloc::GlobalAlloc for NoticingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: the caller's contract for GlobalAlloc::alloc is System's.
        let p = unsafe { std::alloc::System.alloc(layout) };
        noticed(p)
    }
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: as alloc.
        let p = unsafe { std::alloc::System.alloc_zeroed(layout) };
        noticed(p)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        // SAFETY: ptr was allocated by System (every allocation goes through it).
        let p = unsafe { std::alloc::System.realloc(ptr, layout, new) };
        noticed(p)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: ptr was allocated by System with this layout.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
}

fn noticed(p: *mut u8) -> *mut u8 {
    if p.is_null() {
        ALLOCATION_FAILED.store(true, std::sync::atomic::Ordering::SeqCst);
    }
    p
}

/// What the abort handler writes: set once, before the handler is installed.
static ABORT_NOTICE: std::sync::OnceLock<&'static [u8]> = std::sync::OnceLock::new();

extern "C" fn notice_and_exit(signal: libc::c_int) {
    if !ALLOCATION_FAILED.load(std::sync::atomic::Ordering::SeqCst) {
        // Any other abort stays what it is (a crash, with its core and status).
        // SAFETY: signal(2) and raise(3) are async-signal-safe.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
        return;
    }
    let notice = ABORT_NOTICE.get().copied().unwrap_or(b"\n");
    // SAFETY: write(2) and _exit(2) are async-signal-safe; the notice is a 'static slice,
    // so its pointer and length stay valid whatever the interrupted thread was doing.
    unsafe {
        libc::write(2, notice.as_ptr().cast(), notice.len());
        libc::_exit(1);
    }
}

/// Turns the abort Rust makes when an allocation fails (a program's `bytes(2**50)` under
/// RustPython, which cannot raise MemoryError there) into `notice` on stderr and exit
/// status 1, as a python3 program ends on an uncaught MemoryError; other aborts stay
/// crashes. Needs NoticingAllocator as the global allocator to tell them apart.
pub fn exit_on_abort(notice: &'static [u8]) {
    if ABORT_NOTICE.set(notice).is_err() {
        return;
    }
    // SAFETY: sigaction with a zeroed struct, an empty mask and a handler that only calls
    // async-signal-safe functions; the struct is a local read by the call alone.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = notice_and_exit as *const () as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGABRT, &action, std::ptr::null_mut());
    }
}

/// Gives SIGINT back its default action (an embedded interpreter installed its own).
pub fn default_sigint() {
    // SAFETY: signal(2) with SIG_DFL installs no handler code; it only changes this
    // process's disposition of SIGINT.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
    }
}

/// Whether SIGINT is ignored now (a shell starts `cmd &` so): python3 then leaves it so.
pub fn sigint_ignored() -> bool {
    // SAFETY: sigaction with a null new action only reads the disposition into `old`, a
    // zeroed local that outlives the call.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGINT, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
    }
}

/// Ignores SIGINT again (after an embedded interpreter installed its handler).
pub fn ignore_sigint() {
    // SAFETY: signal(2) with SIG_IGN installs no handler code.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_IGN);
    }
}

/// Ends the process by SIGINT's default action, as CPython does after an uncaught
/// KeyboardInterrupt (a shell then knows the program was interrupted).
pub fn die_of_sigint() {
    // SAFETY: signal(2) with SIG_DFL installs no handler code; raise(3) then delivers
    // SIGINT to this process, whose default action ends it.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
        libc::raise(libc::SIGINT);
    }
}

/// The core the calling thread runs on now (a moment later it may run elsewhere).
pub fn current_cpu() -> usize {
    rustix::thread::sched_getcpu()
}
