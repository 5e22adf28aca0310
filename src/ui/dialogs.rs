//! File dialogs behind a small trait: the window uses the desktop's native dialogs (rfd,
//! through the XDG portal), tests a scripted answer, so no test needs a desktop.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::t;

pub trait Dialogs {
    /// A file to read; None when the person cancels (or no dialog can be shown).
    fn open_file(&mut self, title: Title) -> Option<PathBuf>;
    /// A file to write, proposing `default_name`.
    fn save_file(&mut self, title: Title, default_name: &str) -> Option<PathBuf>;
}

/// The desktop's own dialogs. Where no portal runs, they answer None and the path fields
/// next to every dialog button still take a typed path.
pub struct NativeDialogs;

impl Dialogs for NativeDialogs {
    fn open_file(&mut self, title: Title) -> Option<PathBuf> {
        rfd::FileDialog::new().set_title(title.said()).pick_file()
    }

    fn save_file(&mut self, title: Title, default_name: &str) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title(title.said())
            .set_file_name(default_name)
            .save_file()
    }
}

/// What a dialog asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Title {
    FileToSend,
    ReceiveTo,
    SaveTraffic,
    Library,
    Script,
    WorkspaceOpen,
    WorkspaceSave,
}

impl Title {
    /// Its title in the window's language (the dialog is shown from the window's thread).
    pub fn said(self) -> String {
        match self {
            Title::FileToSend => t!("files-dialog-file-to-send"),
            Title::ReceiveTo => t!("files-dialog-receive-to"),
            Title::SaveTraffic => t!("files-dialog-save-traffic"),
            Title::Library => t!("files-dialog-library"),
            Title::Script => t!("files-dialog-script"),
            Title::WorkspaceOpen => t!("files-dialog-workspace-open"),
            Title::WorkspaceSave => t!("files-dialog-workspace-save"),
        }
    }
}

/// Answers dialogs from a queue a test fills; records what was asked.
#[derive(Clone, Default)]
pub struct ScriptedDialogs {
    answers: Arc<Mutex<VecDeque<Option<PathBuf>>>>,
    pub asked: Arc<Mutex<Vec<String>>>,
}

impl ScriptedDialogs {
    /// The next dialog answers with this path (None: cancelled).
    pub fn answer(&self, path: Option<PathBuf>) {
        lock(&self.answers).push_back(path);
    }

    fn next(&mut self, title: Title) -> Option<PathBuf> {
        lock(&self.asked).push(title.said());
        lock(&self.answers).pop_front().flatten()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Dialogs for ScriptedDialogs {
    fn open_file(&mut self, title: Title) -> Option<PathBuf> {
        self.next(title)
    }

    fn save_file(&mut self, title: Title, _default_name: &str) -> Option<PathBuf> {
        self.next(title)
    }
}
