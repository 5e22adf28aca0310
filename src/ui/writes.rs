//! Files the window writes or reads on request — traffic exports, the journal, the payload
//! library — are handled off the UI thread: a frame hands over what to do and goes on; a
//! counter says how far it got; the outcome comes back through a channel that frames look
//! at without waiting. So exporting a 64 MiB log never freezes the window.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender};

use super::sending::SavedPayload;
use super::state::Action;
use crate::engine::SocketId;

/// Files handled at once; one more waits for one of them to end.
const AT_ONCE: usize = 4;

/// Whose status line a file's outcome goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Socket(SocketId),
    Journal,
    Library,
}

/// What a finished job did.
#[derive(Debug)]
pub enum Done {
    /// A file written; what to say of it.
    Written(String),
    /// A library file read: its payloads, and what to say.
    Read(Vec<SavedPayload>, String),
}

/// Why a job did not do it.
#[derive(Debug)]
pub enum Failure {
    /// A file is there and was not to be replaced: the person is asked, and `again` does
    /// it if they say so.
    Exists {
        path: PathBuf,
        what: &'static str,
        again: Box<Action>,
    },
    /// Anything else, said as the status line says it.
    Other(String),
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
    what: &'static str,
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
    /// Runs `job` on a thread of its own; Err (what to say) when AT_ONCE are running or no
    /// thread could be had.
    pub fn start(
        &mut self,
        target: Target,
        what: &'static str,
        job: impl FnOnce(&Progress) -> Result<Done, Failure> + Send + 'static,
    ) -> Result<(), String> {
        if self.running.iter().any(|r| r.target == target) {
            return Err(format!(
                "still busy: {what} waits for the last one to finish"
            ));
        }
        if self.running.len() >= AT_ONCE {
            return Err(format!(
                "{AT_ONCE} files are being written or read: {what} waits for one of them"
            ));
        }
        let progress = Arc::new(Progress::default());
        let p = progress.clone();
        let tx = self.tx.clone();
        std::thread::Builder::new()
            .name("socklab-file".into())
            .spawn(move || {
                let result = job(&p);
                // Room is always there: at most AT_ONCE jobs, AT_ONCE places.
                let _ = tx.send(Outcome { target, result });
            })
            .map_err(|e| format!("cannot start {what}: {e}"))?;
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

    /// Whether anything is being written or read (the window redraws for its progress).
    pub fn busy(&self) -> bool {
        !self.running.is_empty()
    }

    /// What is being done for `target` and how far it got, as the status line says it.
    pub fn progress(&self, target: Target) -> Option<String> {
        let r = self.running.iter().find(|r| r.target == target)?;
        let done = r.progress.done.load(Ordering::Relaxed);
        let total = r.progress.total.load(Ordering::Relaxed);
        Some(match (done.min(total) * 100).checked_div(total) {
            Some(pct) => format!("{} ({pct}%)", r.what),
            None => format!("{}...", r.what),
        })
    }
}
