//! What a person can ask the window to do, and doing it: calls go to the engine and into
//! the journal as Python; files are written; dialogs' answers land in their fields.

use std::path::PathBuf;
use std::time::Instant;

use crate::engine::{Create, Engine, Family, Kind, Op, SocketId};

use crate::ui::files::Replace;
use crate::ui::journal::{self};
use crate::ui::sending::{JobView, SavedPayload};

use super::*;

/// What a person can ask the window to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    NewSocket {
        family: Family,
        kind: Kind,
    },
    Call {
        id: SocketId,
        op: Op,
    },
    Select {
        id: SocketId,
    },
    ClearJournal,
    SaveJournal {
        path: String,
        replace: Replace,
    },
    /// Ask for a file (a dialog), then act on it as Chosen.
    Choose {
        id: Option<SocketId>,
        purpose: Purpose,
    },
    /// A file was picked for this purpose.
    Chosen {
        id: Option<SocketId>,
        purpose: Purpose,
        path: PathBuf,
    },
    /// Save a socket's traffic to the file in its export path.
    Export {
        id: SocketId,
        kind: ExportKind,
        replace: Replace,
    },
    ImportLibrary,
    ExportLibrary {
        replace: Replace,
    },
    /// The answer to "FILE already exists: replace it?".
    Confirm {
        replace: bool,
    },
    /// Put a payload at the front of the send history.
    Remember {
        payload: SavedPayload,
    },
    /// Memory cap of each socket's traffic log, in MiB.
    SetTrafficCap {
        mib: usize,
    },
}

/// A write that found a file where it was to go, waiting for the person to say whether to
/// replace it.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfirmReplace {
    pub path: PathBuf,
    /// What is written ("the journal", "the traffic log as CSV"...).
    pub what: String,
    /// The same action, allowed to replace.
    pub action: Box<Action>,
}

/// Which path field a file dialog fills in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    SendFile,
    RecordTo,
    Export,
    Library,
}

impl Purpose {
    /// The dialog's title, whether it picks a file to read, and the name it proposes.
    pub fn dialog(self) -> (&'static str, bool, &'static str) {
        match self {
            Purpose::SendFile => ("File to send", true, ""),
            Purpose::RecordTo => ("Receive to file", false, "received.bin"),
            Purpose::Export => ("Save traffic to", false, "traffic.csv"),
            Purpose::Library => ("Payload library file", false, "socklab-payloads.json"),
        }
    }
}

/// What a socket's traffic is saved as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// The received bytes, concatenated.
    Received,
    Csv,
    JsonLines,
}

impl UiState {
    /// Sends what the person asked for to the engine, journaling it as Python.
    pub fn dispatch(&mut self, engine: &Engine, action: Action) {
        match action {
            Action::Select { id } => self.selected = Some(id),
            Action::ClearJournal => self.journal.clear_done(),
            Action::SaveJournal { path, replace } => {
                let p = std::path::Path::new(&path);
                self.journal_status = Some(match journal::save_script(p, replace, &self.journal) {
                    Ok(()) => format!("saved {} lines to {path}", self.journal.len()),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        self.ask_replace(
                            p,
                            "the journal",
                            Action::SaveJournal {
                                path: path.clone(),
                                replace: Replace::Yes,
                            },
                        );
                        format!("{path} already exists: replace it, or pick another name")
                    }
                    Err(e) => {
                        format!("could not save the journal to {path}: {e}; pick a writable path")
                    }
                });
            }
            Action::Confirm { replace } => {
                if let Some(c) = self.confirm_replace.take() {
                    if replace {
                        self.dispatch(engine, *c.action);
                    }
                }
            }
            Action::NewSocket { family, kind } => {
                let req = engine.next_req();
                self.journal.push(
                    req,
                    None,
                    format!("NEW = {}", journal::socket_call(family, kind)),
                );
                self.select_on_create.push(req);
                engine.create(
                    req,
                    Create::New {
                        family,
                        kind,
                        proto: 0,
                    },
                );
            }
            Action::Call { id, op } => {
                let req = engine.next_req();
                if let Op::Record {
                    path: Some(p),
                    replace: false,
                } = &op
                {
                    self.record_asked.insert(req, (id, p.clone()));
                }
                let line = journal::op_line(&self.name_of(id), &op);
                self.journal.push(req, Some(id), line);
                if let Op::Bind { addr }
                | Op::Connect { addr }
                | Op::ConnectEx { addr }
                | Op::SendTo { addr, .. } = &op
                {
                    self.settings.remember(crate::ui::settings::entry(addr));
                }
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.last_error = None;
                    match &op {
                        Op::Send { data, .. } | Op::SendTo { data, .. } => {
                            self.offered.insert(req, data.len());
                        }
                        Op::StartSending { job } => {
                            s.job = Some(JobView {
                                req,
                                what: journal::job_text(job),
                                progress: crate::engine::Progress {
                                    total: None,
                                    ..Default::default()
                                },
                                started: Instant::now(),
                            });
                        }
                        _ => {}
                    }
                }
                engine.send(id, req, op);
            }
            Action::Remember { payload } => {
                crate::ui::sending::remember_send(&mut self.settings.history, payload);
            }
            Action::SetTrafficCap { mib } => {
                self.settings.traffic_cap_mib = mib.clamp(1, crate::ui::settings::MAX_CAP_MIB);
                self.cap_text = self.settings.traffic_cap_mib.to_string();
                self.traffic_cap = self.settings.traffic_cap_bytes();
                for s in self.sockets.values_mut() {
                    s.traffic.set_cap(self.traffic_cap);
                }
            }
            // The window turns Choose into Chosen with a dialog; without one, nothing happens.
            Action::Choose { .. } => {}
            Action::Chosen { id, purpose, path } => self.chosen(id, purpose, path),
            Action::Export { id, kind, replace } => self.export(id, kind, replace),
            Action::ImportLibrary => self.library_file(true, Replace::No),
            Action::ExportLibrary { replace } => self.library_file(false, replace),
        }
    }

    /// Fills the path field a dialog was opened for.
    fn chosen(&mut self, id: Option<SocketId>, purpose: Purpose, path: PathBuf) {
        let shown = path.display().to_string();
        if purpose == Purpose::Library {
            self.library_path = shown;
            return;
        }
        let Some(s) = id.and_then(|id| self.sockets.get_mut(&id)) else {
            return;
        };
        match purpose {
            Purpose::SendFile => {
                s.form.file_path = shown;
                s.form.mode = crate::payload::Mode::File;
            }
            Purpose::RecordTo => s.form.record_path = shown,
            Purpose::Export => s.form.export_path = shown,
            Purpose::Library => {}
        }
    }

    /// Writes a socket's traffic to its export path.
    /// Asks the person whether `path` may be replaced; `action` does it if they say so.
    pub(super) fn ask_replace(&mut self, path: &std::path::Path, what: &str, action: Action) {
        self.confirm_replace = Some(ConfirmReplace {
            path: path.to_path_buf(),
            what: what.to_string(),
            action: Box::new(action),
        });
    }

    fn export(&mut self, id: SocketId, kind: ExportKind, replace: Replace) {
        use crate::ui::export;
        let Some(s) = self.sockets.get_mut(&id) else {
            return;
        };
        if s.form.export_path.trim().is_empty() {
            s.status = Some("enter a file to save to (or Save as...)".into());
            return;
        }
        let path = PathBuf::from(s.form.export_path.trim());
        let enc = s.form.encoding;
        let (what, r) = match kind {
            ExportKind::Received => (
                "the received bytes",
                export::save_received(&path, replace, &s.traffic),
            ),
            ExportKind::Csv => (
                "the traffic log as CSV",
                export::export_csv(&path, replace, &s.traffic, enc),
            ),
            ExportKind::JsonLines => (
                "the traffic log as JSON lines",
                export::export_jsonl(&path, replace, &s.traffic, enc),
            ),
        };
        if matches!(&r, Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists) {
            s.status = Some(format!(
                "{} already exists: replace it, or pick another name",
                path.display()
            ));
            let again = Action::Export {
                id,
                kind,
                replace: Replace::Yes,
            };
            self.ask_replace(&path, what, again);
            return;
        }
        s.status = Some(match r {
            Ok(w) => {
                let missing = export::incompleteness(&s.traffic)
                    .map(|m| format!("; {m}"))
                    .unwrap_or_default();
                format!(
                    "saved {what} ({} rows, {} bytes) to {}{missing}",
                    w.rows,
                    w.bytes,
                    path.display()
                )
            }
            Err(e) => crate::ui::files::write_error(what, &path, &e),
        });
    }

    fn library_file(&mut self, import: bool, replace: Replace) {
        let t = self.library_path.trim();
        if t.is_empty() {
            self.library_status = Some("enter the library file's path (or Library file...)".into());
            return;
        }
        let path = PathBuf::from(t);
        let shown = path.display();
        self.library_status = Some(if import {
            match crate::ui::sending::import_library(&path, &mut self.settings.library) {
                Ok(n) => format!("imported {n} payloads from {shown}"),
                Err(e) => e,
            }
        } else {
            match crate::ui::sending::export_library(&path, replace, &self.settings.library) {
                Ok(()) => format!(
                    "exported {} payloads to {shown}",
                    self.settings.library.len()
                ),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let msg = format!("{shown} already exists: replace it, or pick another name");
                    self.ask_replace(
                        &path,
                        "the library",
                        Action::ExportLibrary {
                            replace: Replace::Yes,
                        },
                    );
                    msg
                }
                Err(e) => crate::ui::files::write_error("the library", &path, &e),
            }
        });
    }
}
