//! socklab: a socket workbench. The engine owns real sockets on worker threads; front ends
//! (the window, the `run` interpreter and the `serve` responders) drive it over channels.

#![deny(unsafe_code)]

pub mod engine;
pub mod i18n;
pub mod payload;
pub mod pyfmt;
pub mod pyrt;
pub mod serve;
// The one system-call layer: unsafe code lives there and nowhere else.
#[allow(unsafe_code)]
pub mod sys;
pub mod timefmt;
pub mod ui;
