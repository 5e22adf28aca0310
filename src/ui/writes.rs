//! Files the window writes or reads on request — traffic exports, the journal, the payload
//! library — are handled off the UI thread: a frame hands over what to do and goes on; a
//! counter says how far it got; the outcome comes back through a channel that frames look
//! at without waiting. So exporting a 64 MiB log never freezes the window.

use crate::ui::files::Phrase;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender};

use super::files::{phrase, FileError};
use super::sending::SavedPayload;
use super::state::Action;
use crate::engine::SocketId;
use crate::t;

/// Files handled at once; one more waits for one of them to end.
const AT_ONCE: usize = 4;

/// Whose status line a file's outcome goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Socket(SocketId),
    /// A socket's traffic exported: said beside the export buttons.
    Export(SocketId),
    Journal,
    Library,
    /// The file a socket's File mode is to send: looked at (size, kind) off the frame.
    FileCheck(SocketId),
    /// A workspace file saved or read.
    Workspace,
}

/// What a finished job did.
#[derive(Debug)]
pub enum Done {
    /// A file written; what to say of it.
    Written(String),
    /// A library file read: its payloads, and what to say.
    Read(Vec<SavedPayload>, String),
    /// A file to send looked at: its size.
    Checked(u64),
    /// A workspace file written, and what to say.
    WorkspaceSaved { path: PathBuf, said: String },
    /// A workspace file read and checked.
    WorkspaceRead {
        path: PathBuf,
        ws: crate::ui::workspace::Workspace,
    },
}

/// Why a job did not do it.
#[derive(Debug)]
pub enum Failure {
    /// A file is there and was not to be replaced: the person is asked, and `again` does
    /// it if they say so.
    Exists {
        path: PathBuf,
        what: Phrase,
        again: Box<Action>,
    },
    /// The system refused, or the file is not what it should be.
    File(FileError),
    /// The job itself failed (a bug): what it said.
    Panicked(String),
    /// It failed, said in full where it failed (a damaged workspace, set aside).
    Said(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Exists { path, .. } => f.write_str(&t!(
                "files-exists-replace",
                path = path.display().to_string()
            )),
            Failure::File(e) => write!(f, "{e}"),
            Failure::Panicked(why) => f.write_str(&t!("files-job-panicked", why = why)),
            Failure::Said(said) => f.write_str(said),
        }
    }
}

impl From<FileError> for Failure {
    fn from(e: FileError) -> Failure {
        Failure::File(e)
    }
}

/// Why a job was not started.
#[derive(Debug, PartialEq, Eq)]
pub enum Busy {
    SameTarget { what: Phrase },
    Full { what: Phrase },
    NoThread { what: Phrase, why: String },
}

impl std::fmt::Display for Busy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let said = match self {
            Busy::SameTarget { what } => t!("files-busy-same", what = phrase(*what)),
            Busy::Full { what } => t!("files-busy-full", n = AT_ONCE, what = phrase(*what)),
            Busy::NoThread { what, why } => {
                t!("files-busy-no-thread", what = phrase(*what), why = why)
            }
        };
        f.write_str(&said)
    }
}

impl std::error::Error for Busy {}

/// What a file job is doing, as its status line says it while it runs ("saving the
/// journal..."), in this thread's language.
pub fn doing(what: Phrase) -> String {
    t!("files-doing", what = phrase(what))
}

#[derive(Debug)]
pub struct Outcome {
    pub target: Target,
    pub result: Result<Done, Failure>,
}

/// A job's progress counter: it sets the total, then counts up to it.
#[derive(Default)]
pub struct Progress {
    pub done: AtomicU64,
    pub total: AtomicU64,
}

struct Running {
    target: Target,
    what: Phrase,
    progress: Arc<Progress>,
}

pub struct Writes {
    tx: Sender<Outcome>,
    rx: Receiver<Outcome>,
    running: Vec<Running>,
}

impl Default for Writes {
    fn default() -> Self {
        let (tx, rx) = crossbeam_channel::bounded(AT_ONCE);
        Writes {
            tx,
            rx,
            running: Vec::new(),
        }
    }
}

impl Writes {
    /// Runs `job` on a thread of its own; Busy when AT_ONCE are running, one for the same
    /// target is, or no thread could be had.
    pub fn start(
        &mut self,
        target: Target,
        what: Phrase,
        job: impl FnOnce(&Progress) -> Result<Done, Failure> + Send + 'static,
    ) -> Result<(), Busy> {
        if self.running(target) {
            return Err(Busy::SameTarget { what });
        }
        if self.running.len() >= AT_ONCE {
            return Err(Busy::Full { what });
        }
        let progress = Arc::new(Progress::default());
        let p = progress.clone();
        let tx = self.tx.clone();
        std::thread::Builder::new()
            .name("socklab-file".into())
            .spawn(move || {
                // A job that panics still ends: its target is never left busy for good.
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&p)))
                    .unwrap_or_else(|e| {
                        let why = e
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| e.downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "a panic".into());
                        Err(Failure::Panicked(why))
                    });
                // Room is always there: at most AT_ONCE jobs, AT_ONCE places.
                let _ = tx.send(Outcome { target, result });
            })
            .map_err(|e| Busy::NoThread {
                what,
                why: e.to_string(),
            })?;
        self.running.push(Running {
            target,
            what,
            progress,
        });
        Ok(())
    }

    /// The jobs that ended since the last look (never waits).
    pub fn finished(&mut self) -> Vec<Outcome> {
        let done: Vec<Outcome> = self.rx.try_iter().collect();
        for o in &done {
            if let Some(i) = self.running.iter().position(|r| r.target == o.target) {
                self.running.remove(i);
            }
        }
        done
    }

    /// Whether a job for `target` is running.
    pub fn running(&self, target: Target) -> bool {
        self.running.iter().any(|r| r.target == target)
    }

    /// Whether anything is being written or read (the window redraws for its progress).
    pub fn busy(&self) -> bool {
        !self.running.is_empty()
    }

    /// The targets jobs are running for.
    pub fn targets(&self) -> Vec<Target> {
        self.running.iter().map(|r| r.target).collect()
    }

    /// What is being done for `target` and how far it got, as the status line says it.
    pub fn progress(&self, target: Target) -> Option<String> {
        let r = self.running.iter().find(|r| r.target == target)?;
        let done = r.progress.done.load(Ordering::Relaxed);
        let total = r.progress.total.load(Ordering::Relaxed);
        Some(match (done.min(total) * 100).checked_div(total) {
            Some(pct) => t!("files-doing-pct", what = phrase(r.what), pct = pct),
            None => doing(r.what),
        })
    }
}
