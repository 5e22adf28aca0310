//! The workbench window: sockets on the left, the selected socket's actions and traffic in
//! the middle, what the kernel reports on the right, every call as Python at the bottom.

pub mod app;
pub mod console;
pub mod diagram;
pub mod dialogs;
pub mod drain;
pub mod explain;
pub mod export;
pub mod files;
pub mod first_run;
pub mod fonts;
pub mod graveyard;
pub mod journal;
pub mod lessons;
mod panels;
pub use panels::graphs::plot_id as graph_id;
pub mod sending;
pub mod series;
pub mod settings;
pub mod shortcuts;
pub mod state;
pub mod story;
pub mod style;
pub mod traffic;
pub mod widgets;
pub mod workspace;
pub mod writes;

pub use app::SocklabApp;

/// `n` with its noun, as a person writes it: "1 row", "2 rows".
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}
