//! socklab: a socket workbench. The engine owns real sockets on worker threads; front ends
//! (the window, the `run` interpreter and the `serve` responders) drive it over channels.

pub mod engine;
pub mod payload;
pub mod python;
pub mod serve;
pub mod timefmt;
pub mod ui;
