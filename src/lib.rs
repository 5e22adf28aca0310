//! socklab: a socket workbench. The engine owns real sockets on worker threads; front ends
//! (the `run` interpreter, later the window and the servers) drive it over channels.

pub mod engine;
pub mod payload;
pub mod python;
pub mod ui;
