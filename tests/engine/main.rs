//! The engine on real sockets: every operation, send jobs and recording, floods, the
//! responders, hostile peers, and that it uses nothing of the window.

#[path = "../common/mod.rs"]
mod common;
mod driver;

mod flood;
mod hostile;
mod jobs;
mod ops;
mod responders;
mod ui_free;
