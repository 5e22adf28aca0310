//! The whole window driven headless with egui_kittest (no display, no GPU), on real
//! sockets, each control found by its accessible label.

// System calls go through socklab::sys or rustix's safe wrappers; unsafe code is the
// system-call layer's alone.
#![forbid(unsafe_code)]

#[path = "../common/mod.rs"]
mod common;
#[path = "../ui_common/mod.rs"]
mod ui_common;

mod console;
mod diagram;
mod language;
mod lessons;
mod million;
mod multicast;
mod page;
mod payload;
mod quickstart;
mod sending;
mod serve;
mod settings;
mod tls;
mod traffic;
mod workbench;
mod workspace;
