//! The engine on real sockets: every operation, send jobs and recording, floods, the
//! responders, hostile peers, and that it uses nothing of the window.

// System calls go through socklab::sys or rustix's safe wrappers; unsafe code is the
// system-call layer's alone.
#![forbid(unsafe_code)]

#[path = "../common/mod.rs"]
mod common;
mod driver;

mod capture;
mod flood;
mod hostile;
mod jobs;
mod ops;
mod overlap;
mod responders;
mod tls;
mod ui_free;
