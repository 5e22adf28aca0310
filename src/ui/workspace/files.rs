//! Saving and opening workspace files off the window's thread (a file job each), and what
//! the window says of it.

use std::path::PathBuf;

use crate::t;
use crate::ui::files::{FileError, Phrase, Replace};
use crate::ui::state::{Action, UiState};
use crate::ui::writes::{Done, Failure, Progress, Target};

use super::{restore::Origin, Workspace};

impl UiState {
    /// Saves the window's sockets and library as a workspace at `path`.
    pub fn save_workspace(&mut self, path: PathBuf, replace: Replace) {
        let (ws, left) = Workspace::of(self);
        let lang = crate::i18n::current();
        let job = move |_: &Progress| {
            crate::i18n::set(lang);
            match super::write(&path, replace, &ws) {
                Ok(()) => {
                    let mut said = t!(
                        "workspace-file-saved",
                        path = path.display().to_string(),
                        n = ws.sockets.len(),
                        payloads = ws.library.len()
                    );
                    if left.accepted > 0 {
                        said += &t!("workspace-file-left-accepted", n = left.accepted);
                    }
                    if !left.other.is_empty() {
                        said += &t!("workspace-file-left-other", names = left.other.join(", "));
                    }
                    Ok(Done::WorkspaceSaved { path, said })
                }
                Err(FileError::Exists { .. }) => Err(Failure::Exists {
                    path: path.clone(),
                    what: Phrase::Workspace,
                    again: Box::new(Action::WorkspaceSave {
                        path,
                        replace: Replace::Yes,
                    }),
                }),
                Err(e) => Err(Failure::File(e)),
            }
        };
        self.start_workspace_job(Phrase::SavingWorkspace, job);
    }

    /// Reads the workspace at `path` (off the window's thread); it is opened when read.
    /// `at_start`: the last workspace reopening, moved aside if it is damaged.
    pub fn read_workspace(&mut self, path: PathBuf, at_start: bool) {
        let lang = crate::i18n::current();
        let asked = path.clone();
        let job = move |_: &Progress| {
            crate::i18n::set(lang);
            match super::read(&path, at_start) {
                Ok(ws) => Ok(Done::WorkspaceRead { path, ws }),
                Err(e) => Err(Failure::Said(e.to_string())),
            }
        };
        if self.start_workspace_job(Phrase::ReadingWorkspace, job) {
            self.workspace_reading = Some(asked);
        }
    }

    /// Starts a workspace file job; whether it started (the status says why not).
    fn start_workspace_job(
        &mut self,
        what: Phrase,
        job: impl FnOnce(&Progress) -> Result<Done, Failure> + Send + 'static,
    ) -> bool {
        let started = self.writes.start(Target::Workspace, what, job);
        self.workspace_status = Some(match &started {
            Ok(()) => crate::ui::writes::doing(what),
            Err(e) => e.to_string(),
        });
        started.is_ok()
    }

    /// A workspace file job ended (from files_tick): what to say; a workspace read is
    /// opened once the engine is at hand (`pending_open`).
    pub(crate) fn workspace_done(&mut self, done: Done) -> Option<String> {
        match done {
            Done::WorkspaceSaved { path, said } => {
                self.settings.last_workspace = Some(kept(&path));
                self.save_settings_now = true;
                self.inputs.workspace_path = path.display().to_string();
                Some(said)
            }
            Done::WorkspaceRead { path, ws } => {
                self.workspace_reading = None;
                self.settings.last_workspace = Some(kept(&path));
                self.save_settings_now = true;
                self.inputs.workspace_path = path.display().to_string();
                self.pending_open = Some((ws, Origin::File(path)));
                None
            }
            _ => None,
        }
    }

    /// What opening a workspace did, said on the workspace's status line.
    pub(crate) fn opened(&mut self, o: &super::restore::Opened) {
        let path = match &o.origin {
            Origin::File(path) => path,
            // The first start's: its client is ready once it is connected.
            Origin::FirstStart => {
                self.first_client = o.main;
                return;
            }
            // The new connection is the one to look at (its page says how its calls went).
            Origin::Reconnect => {
                if let Some(id) = o.main {
                    self.selected = Some(id);
                }
                return;
            }
        };
        let mut said = t!(
            "workspace-file-opened",
            path = path.display().to_string(),
            n = o.made
        );
        if o.failed > 0 {
            said += &t!("workspace-file-opened-failed", n = o.failed);
        }
        if o.renamed > 0 {
            said += &t!("workspace-file-opened-renamed", n = o.renamed);
        }
        if o.made < o.asked {
            said += &t!("workspace-file-opened-not-made", n = o.asked - o.made);
        }
        self.workspace_status = Some(said);
        if let Some(id) = o.main {
            self.selected = Some(id);
        }
    }
}

/// The path the next start reopens: absolute (a relative one would be looked for wherever
/// the next start runs, a desktop launcher's folder say). No file system call.
fn kept(path: &std::path::Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}
