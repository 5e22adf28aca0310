//! The command line: `socklab run` against CPython, its limits and its fuzz, and
//! `socklab serve` as scripts and hostile clients use it.

// System calls go through socklab::sys or rustix's safe wrappers; unsafe code is the
// system-call layer's alone.
#![forbid(unsafe_code)]

/// How long a test waits for something that should happen at once before it fails.
const DEADLINE: std::time::Duration = std::time::Duration::from_secs(20);

#[path = "../common/mod.rs"]
#[allow(dead_code)]
mod common;
mod fuzz;
mod hostile;
mod never_panics;
mod parity;
mod run;
mod serve;
mod session;
mod tls;
mod tutorials;
