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
