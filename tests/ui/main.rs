//! The whole window driven headless with egui_kittest (no display, no GPU), on real
//! sockets, each control found by its accessible label.

#[path = "../common/mod.rs"]
mod common;
#[path = "../ui_common/mod.rs"]
mod ui_common;

mod million;
mod payload;
mod sending;
mod serve;
mod traffic;
mod workbench;
