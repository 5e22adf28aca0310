//! What a person can ask the window to do, and doing it: calls go to the engine and into
//! the journal as Python; files are written; dialogs' answers land in their fields.

use crate::ui::dialogs::Title;
use crate::ui::files::Phrase;
use std::path::PathBuf;
use std::time::Instant;

use crate::engine::{Create, Engine, Family, Kind, Op, SocketId};

use crate::ui::files::Replace;
use crate::ui::journal::{self};
use crate::ui::sending::{JobView, SavedPayload};
use crate::ui::settings::Recent;

use super::*;
use crate::t;
use crate::ui::files::{self, FileError};
use crate::ui::writes::{Done, Failure, Progress, Target};

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
    /// A listener took a responder (or none): its open connections are given the same.
    RespondChildren {
        listener: SocketId,
        op: Op,
    },
    /// setsockopt of a catalogued option by name, remembering what was asked (the
    /// inspector shows it beside what the kernel keeps).
    SetOption {
        id: SocketId,
        name: &'static str,
        value: i64,
    },
    Select {
        id: SocketId,
    },
    /// setblocking(flag): a timeout of None or 0.0, journaled as the person called it.
    SetBlocking {
        id: SocketId,
        flag: bool,
    },
    /// Takes closed sockets off the list: one, or (None) every closed one. Open sockets
    /// are never removed this way.
    Forget {
        id: Option<SocketId>,
    },
    ClearJournal,
    /// The bottom panel shows this page.
    ShowBottom {
        page: super::Bottom,
    },
    /// Enter in console `which`: the typed line runs (or continues a block).
    ConsoleSubmit {
        which: usize,
    },
    /// Ctrl+C in the console.
    ConsoleInterrupt {
        which: usize,
    },
    /// Tab in the console's line.
    ConsoleComplete {
        which: usize,
    },
    /// Up (back) or Down in the console's line.
    ConsoleHistory {
        which: usize,
        back: bool,
    },
    ConsoleClear {
        which: usize,
    },
    /// Run the console's file (`step`: stopping before each line).
    ConsoleRunFile {
        which: usize,
        step: bool,
    },
    /// The file stopped at a line runs on.
    ConsoleStep {
        which: usize,
        how: crate::pyrt::session::Step,
    },
    /// Stop showing the file run last.
    ConsoleCloseFile {
        which: usize,
    },
    /// One console, or two side by side.
    ConsoleSplit {
        on: bool,
    },
    /// The sequence diagram's account of how it is drawn, folded away or shown.
    FoldDiagramHow {
        folded: bool,
    },
    /// What the centre shows.
    ShowCentre {
        page: super::Centre,
    },
    /// The diagram starts again from now.
    ClearStory,
    /// The bytes of a send or recv picked in the diagram (its traffic row).
    PickBytes {
        id: SocketId,
        row: u64,
    },
    SaveJournal {
        path: String,
        replace: Replace,
    },
    /// Save the sockets and the library as a workspace file.
    WorkspaceSave {
        path: PathBuf,
        replace: Replace,
    },
    /// Read a workspace file and make its sockets.
    WorkspaceOpen {
        path: PathBuf,
    },
    /// The workspace notice is read.
    WorkspaceNoticeDismiss,
    /// A new socket like this ended client, connected to the peer it had (a socket
    /// connects only once).
    Reconnect {
        id: SocketId,
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
    /// Empty a socket's traffic view (the counters keep counting).
    ClearTraffic {
        id: SocketId,
    },
    /// Freeze the rows a socket's traffic view shows (traffic is still logged), or not.
    PauseView {
        id: SocketId,
        paused: bool,
    },
    /// Join consecutive chunks of one direction in the traffic view, or not; those at most
    /// `gap_ms` apart only, when it is above 0.
    MergeChunks {
        id: SocketId,
        on: bool,
        gap_ms: u32,
    },
    /// Open a traffic row's hex dump, or close it (the row by its sequence number, which
    /// stays its own while older rows are evicted).
    ToggleRow {
        id: SocketId,
        seq: u64,
    },
    /// Show traffic times as time of day, or relative to the session's first event.
    TimeOfDay {
        on: bool,
    },
    /// The settings window: how times are shown.
    TimeFormat {
        format: crate::ui::settings::TimeFormat,
    },
    /// The settings window: CSV exports with a byte-order mark, or plain UTF-8.
    CsvBom {
        on: bool,
    },
    /// The settings window: the address new IPv4 sockets' bind field starts with.
    BindDefault {
        host: String,
    },
    /// The settings window: the window's zoom (applied by the app, which has the context).
    Zoom {
        factor: f32,
    },
    /// Show or hide the settings window.
    SettingsShow {
        open: bool,
    },
    /// Keep a payload in the library under its name (replacing one of that name).
    SaveToLibrary {
        payload: SavedPayload,
    },
    /// Drop the library's payload of that name.
    RemoveFromLibrary {
        name: String,
    },
    /// The window's light or dark look (the window applies it; the state has no context).
    Theme {
        preference: egui::ThemePreference,
    },
    /// Show or hide the lessons panel.
    LessonsShow {
        open: bool,
    },
    /// Show or hide the inspector.
    InspectorShow {
        open: bool,
    },
    /// Begin a lesson (its Python on `port`, else its own).
    LessonStart {
        lesson: usize,
        port: Option<u16>,
    },
    /// Type the lesson step's Python into its consoles and run it.
    LessonDo,
    /// Go to a step of the lesson.
    LessonGo {
        step: usize,
    },
    /// Leave the lesson for the list.
    LessonEnd,
    /// The window's language (None: the desktop's).
    Language {
        lang: Option<crate::i18n::Lang>,
    },
    /// Say something on a socket's status line.
    Status {
        id: SocketId,
        text: String,
    },
}

/// A write that found a file where it was to go, waiting for the person to say whether to
/// replace it.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfirmReplace {
    pub path: PathBuf,
    /// What is written (Phrase::Journal, Phrase::Csv...).
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
    /// A Python file for console `which` to run.
    Script {
        which: usize,
    },
    WorkspaceOpen,
    WorkspaceSave,
}

impl Purpose {
    /// The dialog's title, whether it picks a file to read, and the name it proposes.
    pub fn dialog(self) -> (Title, bool, &'static str) {
        match self {
            Purpose::SendFile => (Title::FileToSend, true, ""),
            Purpose::RecordTo => (Title::ReceiveTo, false, "received.bin"),
            Purpose::Export => (Title::SaveTraffic, false, "traffic.csv"),
            Purpose::Library => (Title::Library, false, "socklab-payloads.json"),
            Purpose::Script { .. } => (Title::Script, true, ""),
            Purpose::WorkspaceOpen => (Title::WorkspaceOpen, true, ""),
            Purpose::WorkspaceSave => (Title::WorkspaceSave, false, "workspace.toml"),
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
            // (A row can name a connection removed since.)
            Action::Select { id } if self.sockets.contains_key(&id) => self.selected = Some(id),
            Action::Select { .. } => {}
            Action::SetBlocking { id, flag } => {
                // The call it is (the journal and the diagrams name it setblocking).
                self.dispatch(
                    engine,
                    Action::Call {
                        id,
                        op: Op::SetBlocking { blocking: flag },
                    },
                );
            }
            Action::Forget { id } => {
                self.sockets
                    .retain(|sid, s| !(s.closed && id.is_none_or(|one| one == *sid)));
                self.unfile_forgotten();
                let sockets = &self.sockets;
                self.journal.retain_touched(|id| sockets.contains_key(&id));
                self.layout_version += 1;
                self.ends_version += 1;
                if self
                    .selected
                    .is_some_and(|sel| !self.sockets.contains_key(&sel))
                {
                    self.selected = None;
                }
            }
            Action::SetOption { id, name, value } => {
                let Some(spec) = crate::engine::options::find(name) else {
                    return;
                };
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.asked.insert(spec.name, value);
                }
                let value = match spec.kind {
                    crate::engine::options::OptKind::Bool
                    | crate::engine::options::OptKind::Int => crate::engine::OptValue::Int(value),
                    _ => crate::engine::OptValue::Bytes(spec.encode(value)),
                };
                let op = Op::SetSockOpt {
                    level: spec.level,
                    name: spec.optname,
                    value,
                };
                self.dispatch(engine, Action::Call { id, op });
            }
            Action::ClearJournal => self.journal.clear_done(),
            Action::ShowBottom { page } => self.bottom = page,
            Action::ConsoleSubmit { which } => {
                let sockets = self
                    .sockets
                    .iter()
                    .map(|(id, v)| (*id, v.info.name.as_str(), !v.closed));
                if let Some(c) = self.consoles.get_mut(which) {
                    c.submit(sockets, &mut self.settings.console_history);
                }
            }
            Action::ConsoleInterrupt { which } => {
                if let Some(c) = self.consoles.get_mut(which) {
                    c.interrupt();
                }
            }
            Action::ConsoleComplete { which } => {
                if let Some(c) = self.consoles.get_mut(which) {
                    c.complete();
                }
            }
            Action::ConsoleHistory { which, back } => {
                let history = &self.settings.console_history;
                if let Some(c) = self.consoles.get_mut(which) {
                    if back {
                        c.history_back(history);
                    } else {
                        c.history_forward(history);
                    }
                }
            }
            Action::ConsoleClear { which } => {
                if let Some(c) = self.consoles.get_mut(which) {
                    c.clear();
                }
            }
            Action::ConsoleRunFile { which, step } => {
                let sockets = self
                    .sockets
                    .iter()
                    .map(|(id, v)| (*id, v.info.name.as_str(), !v.closed));
                if let Some(c) = self.consoles.get_mut(which) {
                    c.run_file(step, sockets);
                }
            }
            Action::ConsoleStep { which, how } => {
                if let Some(c) = self.consoles.get_mut(which) {
                    c.step(how);
                }
            }
            Action::ConsoleCloseFile { which } => {
                if let Some(c) = self.consoles.get_mut(which) {
                    c.file = None;
                }
            }
            Action::ConsoleSplit { on } => self.split = on,
            Action::FoldDiagramHow { folded } => self.settings.diagram_how_folded = folded,
            Action::ShowCentre { page } => self.centre = page,
            Action::ClearStory => {
                self.story.clear();
                self.diagram_pick = None;
            }
            Action::PickBytes { id, row } => self.diagram_pick = Some((id, row)),
            Action::SaveJournal { path, replace } => self.save_journal(path, replace),
            Action::Confirm { replace } => {
                if let Some(c) = self.confirm_replace.take() {
                    if replace {
                        self.dispatch(engine, *c.action);
                    } else if let Some(target) = status_of(&c.action) {
                        let said = t!("state-kept", path = c.path.display().to_string());
                        self.set_file_status(target, said);
                    }
                }
            }
            Action::NewSocket { family, kind } => {
                self.new_socket(engine, family, kind, true);
            }
            Action::Call { id, op } => {
                // Whether what answers changes (answer pressed again on an unchanged form
                // leaves a listener's connections as they are: a greeting or challenge is
                // not said again to each).
                let mut changed = true;
                if let (Op::Respond { responder }, Some(s)) = (&op, self.sockets.get_mut(&id)) {
                    // The page's form is what is applied (a workspace keeps it so).
                    let applied = responder
                        .as_ref()
                        .map(|_| (s.form.responder.clone(), s.form.serve.clone()));
                    changed = applied != s.answering;
                    s.answering = applied;
                }
                if let (Op::StartTls { spec }, Some(s)) = (&op, self.sockets.get_mut(&id)) {
                    // What was asked, whatever the row says later (a workspace keeps it).
                    s.tls_started = Some(crate::ui::workspace::SavedTls::of_spec(spec));
                }
                let req = engine.next_req();
                if let Op::Record {
                    path: Some(p),
                    replace: false,
                } = &op
                {
                    self.record_asked.insert(req, (id, p.clone()));
                }
                let name = self.name_of(id);
                let line = match &op {
                    // A datagram socket's auto-receive reads with recvfrom (each with its
                    // sender), a stream's with recv.
                    Op::AutoReceive { on: true, bufsize } if !self.is_stream(id) => format!(
                        "# {name}: {}",
                        t!(
                            "journal-auto-receive-on-datagrams",
                            bufsize = bufsize.to_string()
                        )
                    ),
                    _ => journal::op_line(&name, &op),
                };
                self.journal.push(req, Some(id), line);
                match &op {
                    Op::Recv { bufsize: 0, .. } => {
                        self.nothing_asked.insert(req);
                    }
                    Op::Bind { addr } => {
                        self.addr_asked
                            .insert(req, (Recent::Bind, crate::ui::settings::entry(addr)));
                    }
                    Op::Connect { addr } | Op::ConnectEx { addr } | Op::SendTo { addr, .. } => {
                        let kind = self.sockets.get(&id).map_or(Kind::Stream, |s| s.info.kind);
                        let list = Recent::peer_of(kind);
                        self.addr_asked
                            .insert(req, (list, crate::ui::settings::entry(addr)));
                    }
                    _ => {}
                }
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.last_error = None;
                    match &op {
                        Op::Send { data, .. } | Op::SendTo { data, .. } => {
                            self.offered.insert(req, (op.name(), data.len()));
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
                // A listener's responder answers its connections, those open now as well as
                // those it accepts from now: once the listener has taken it (its Done), every
                // connection accepted before is known, and each is told (RespondChildren).
                if matches!(op, Op::Respond { .. })
                    && changed
                    && self
                        .sockets
                        .get(&id)
                        .is_some_and(|s| s.state() == crate::engine::SockState::Listening)
                {
                    self.respond_after.insert(req, (id, op.clone()));
                }
                engine.send(id, req, op);
            }
            Action::RespondChildren { listener, op } => {
                let answering = self.sockets.get(&listener).map(|l| {
                    (
                        l.form.responder.clone(),
                        l.form.serve.clone(),
                        l.answering.clone(),
                    )
                });
                let mut told = 0;
                for c in self.open_children(listener) {
                    let Some(v) = self.sockets.get_mut(&c) else {
                        continue;
                    };
                    // (The engine takes the same responder again as no change: a
                    // connection accepted after the listener took it already has it.)
                    if !matches!(
                        v.state(),
                        crate::engine::SockState::Connected | crate::engine::SockState::HalfClosed
                    ) {
                        continue;
                    }
                    if let Some((responder, serve, applied)) = &answering {
                        v.form.responder.clone_from(responder);
                        v.form.serve.clone_from(serve);
                        v.answering.clone_from(applied);
                    }
                    engine.send(c, engine.next_req(), op.clone());
                    told += 1;
                }
                if told > 0 {
                    let name = self.name_of(listener);
                    self.journal.remark(
                        Some(listener),
                        format!("# {name}: {}", t!("journal-respond-children", n = told)),
                    );
                }
            }
            Action::Remember { payload } => {
                crate::ui::sending::remember_send(&mut self.settings.history, payload);
            }
            Action::SetTrafficCap { mib } => {
                self.settings.traffic_cap_mib = mib.clamp(1, crate::ui::settings::MAX_CAP_MIB);
                self.inputs.cap_text = self.settings.traffic_cap_mib.to_string();
                self.traffic_cap = self.settings.traffic_cap_bytes();
                for s in self.sockets.values_mut() {
                    s.traffic.set_cap(self.traffic_cap);
                }
            }
            Action::ClearTraffic { id } => {
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.traffic.clear();
                    s.expanded = None;
                }
            }
            Action::PauseView { id, paused } => {
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.paused = paused.then(|| s.traffic.next_seq());
                }
            }
            Action::MergeChunks { id, on, gap_ms } => {
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.merged = on;
                    s.merge_gap_ms = gap_ms;
                }
            }
            Action::ToggleRow { id, seq } => {
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.expanded = if s.expanded == Some(seq) {
                        None
                    } else {
                        Some(seq)
                    };
                }
            }
            Action::TimeOfDay { on } => {
                use crate::ui::settings::TimeFormat;
                self.settings.time_format = match (on, self.settings.time_format) {
                    (false, _) => TimeFormat::Relative,
                    (true, TimeFormat::Utc) => TimeFormat::Utc,
                    (true, _) => TimeFormat::Local,
                };
            }
            Action::TimeFormat { format } => self.settings.time_format = format,
            Action::CsvBom { on } => self.settings.csv_bom = Some(on),
            Action::BindDefault { host } => {
                // An address is short: what does not fit is not one.
                if host.len() <= 255 {
                    self.settings.bind_v4 = host;
                }
            }
            Action::Zoom { factor } => {
                let (lo, hi) = (
                    *crate::ui::settings::ZOOM.start(),
                    *crate::ui::settings::ZOOM.end(),
                );
                if factor.is_finite() {
                    self.settings.zoom = factor.clamp(lo, hi);
                }
            }
            Action::SettingsShow { open } => self.settings_open = open,
            Action::SaveToLibrary { payload } => {
                crate::ui::sending::save_to_library(&mut self.settings.library, payload);
            }
            Action::RemoveFromLibrary { name } => self.settings.library.retain(|p| p.name != name),
            // The window applies the theme; a state without a window has none.
            Action::Theme { .. } => {}
            Action::Language { lang } => self.settings.lang = lang,
            Action::LessonsShow { open } => self.lessons_open = open,
            Action::InspectorShow { open } => self.inspector_open = open,
            Action::LessonStart { lesson, port } => self.start_lesson(lesson, port),
            Action::LessonDo => self.lesson_do(),
            Action::LessonGo { step } => {
                if let Some(mut run) = self.lesson.take() {
                    run.go(step, self);
                    self.lesson = Some(run);
                }
            }
            Action::LessonEnd => {
                self.lesson = None;
                self.lesson_queue.clear();
            }
            Action::Status { id, text } => {
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.status = Some(text);
                }
            }
            // The window turns Choose into Chosen with a dialog; without one, nothing happens.
            Action::Choose { .. } => {}
            Action::Chosen { id, purpose, path } => self.chosen(id, purpose, path),
            Action::Export { id, kind, replace } => self.export(id, kind, replace),
            Action::WorkspaceSave { path, replace } => self.save_workspace(path, replace),
            Action::WorkspaceOpen { path } => self.read_workspace(path, false),
            Action::WorkspaceNoticeDismiss => self.workspace_status = None,
            Action::Reconnect { id } => {
                if let Some(ws) = self.reconnection(id) {
                    self.pending_open =
                        Some((ws, crate::ui::workspace::restore::Origin::Reconnect));
                }
            }
            Action::ImportLibrary => self.library_file(true, Replace::No),
            Action::ExportLibrary { replace } => self.library_file(false, replace),
        }
    }

    /// socket(family, kind), journaled; the new socket becomes the selection if `select`.
    pub(crate) fn new_socket(
        &mut self,
        engine: &Engine,
        family: Family,
        kind: Kind,
        select: bool,
    ) -> crate::engine::ReqId {
        let req = engine.next_req();
        self.journal.push(
            req,
            None,
            format!("NEW = {}", journal::socket_call(family, kind)),
        );
        if select {
            self.select_on_create.push(req);
        }
        engine.create(
            req,
            Create::New {
                family,
                kind,
                proto: 0,
            },
        );
        req
    }

    /// Fills the path field a dialog was opened for.
    fn chosen(&mut self, id: Option<SocketId>, purpose: Purpose, path: PathBuf) {
        let shown = path.display().to_string();
        if purpose == Purpose::Library {
            self.inputs.library_path = shown;
            return;
        }
        match purpose {
            Purpose::WorkspaceOpen => return self.read_workspace(path, false),
            Purpose::WorkspaceSave => return self.save_workspace(path, Replace::No),
            _ => {}
        }
        if let Purpose::Script { which } = purpose {
            if let Some(c) = self.consoles.get_mut(which) {
                c.script_path = shown;
            }
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
            Purpose::Library
            | Purpose::Script { .. }
            | Purpose::WorkspaceOpen
            | Purpose::WorkspaceSave => {}
        }
    }

    /// Writes a socket's traffic to its export path.
    /// Asks the person whether `path` may be replaced; `action` does it if they say so.
    /// `what` (Phrase::Journal...) is said in the window's language when the question is.
    pub(super) fn ask_replace(&mut self, path: &std::path::Path, what: Phrase, action: Action) {
        self.confirm_replace = Some(ConfirmReplace {
            path: path.to_path_buf(),
            what: files::phrase(what),
            action: Box::new(action),
        });
    }

    /// Writes the journal as a script, off the UI thread.
    fn save_journal(&mut self, path: String, replace: Replace) {
        let text = journal::as_script(self.journal.iter());
        let lines = self.journal.len();
        let what = Phrase::SavingJournal;
        let lang = crate::i18n::current();
        let job = move |_: &Progress| {
            // What it says is shown in the window, in the window's language.
            crate::i18n::set(lang);
            let p = PathBuf::from(&path);
            let w = files::write_atomic(&p, replace, Phrase::Journal, |w| {
                w.write_all(text.as_bytes())
            });
            match w {
                Ok(()) => Ok(Done::Written(t!(
                    "state-saved-journal",
                    calls = t!("state-count-calls", n = lines),
                    path = &path
                ))),
                Err(FileError::Exists { .. }) => Err(Failure::Exists {
                    path: p,
                    what: Phrase::Journal,
                    again: Box::new(Action::SaveJournal {
                        path,
                        replace: Replace::Yes,
                    }),
                }),
                Err(e) => Err(Failure::File(e)),
            }
        };
        self.journal_status = Some(match self.writes.start(Target::Journal, what, job) {
            Ok(()) => crate::ui::writes::doing(what),
            Err(e) => e.to_string(),
        });
    }

    /// Writes a socket's traffic to its export path, off the UI thread (a copy of the log
    /// goes there; the view goes on).
    fn export(&mut self, id: SocketId, kind: ExportKind, replace: Replace) {
        use crate::ui::export;
        // A listener's rows name their connections as the list does now.
        let names: crate::ui::traffic::Names = self
            .children(id)
            .map(|v| (v.info.id, v.info.name.clone()))
            .collect();
        let Some(s) = self.sockets.get_mut(&id) else {
            return;
        };
        if s.form.export_path.trim().is_empty() {
            s.export_status = Some(t!("state-enter-export-file"));
            return;
        }
        let path = PathBuf::from(s.form.export_path.trim());
        let enc = s.form.encoding;
        let flavour = if self.settings.csv_bom() {
            export::CsvFlavour::Bom
        } else {
            export::CsvFlavour::Plain
        };
        let log = s.traffic.clone();
        // Times in the zone the view shows them in (UTC when it shows UTC).
        let zone = if self.settings.time_format == crate::ui::settings::TimeFormat::Utc {
            crate::timefmt::Zone::utc()
        } else {
            self.zone.clone()
        };
        let (what, doing) = match kind {
            ExportKind::Received => (Phrase::Received, Phrase::SavingReceived),
            ExportKind::Csv => (Phrase::Csv, Phrase::SavingCsv),
            ExportKind::JsonLines => (Phrase::Jsonl, Phrase::SavingJsonl),
        };
        let lang = crate::i18n::current();
        let origin = self.traffic_origin;
        let job = move |progress: &Progress| {
            // What it says is shown in the window, in the window's language.
            crate::i18n::set(lang);
            let r = match kind {
                ExportKind::Received => export::save_received(&path, replace, &log, progress),
                ExportKind::Csv => export::export_csv(
                    &path,
                    replace,
                    &log,
                    origin,
                    (enc, flavour, &zone),
                    &names,
                    progress,
                ),
                ExportKind::JsonLines => export::export_jsonl(
                    &path,
                    replace,
                    &log,
                    origin,
                    (enc, &zone),
                    &names,
                    progress,
                ),
            };
            match r {
                Ok(w) => {
                    let missing = export::incompleteness(&log)
                        .map(|m| format!("; {m}"))
                        .unwrap_or_default();
                    let said = match kind {
                        // The file is the bytes themselves.
                        ExportKind::Received => t!(
                            "state-saved-export",
                            what = files::phrase(what),
                            rows = t!("state-count-rows", n = w.rows),
                            bytes = t!("count-bytes", n = w.bytes),
                            path = path.display().to_string()
                        ),
                        // A log's file is larger than the traffic it holds: both are said.
                        ExportKind::Csv | ExportKind::JsonLines => t!(
                            "state-saved-log",
                            what = files::phrase(what),
                            rows = t!("state-count-rows", n = w.rows),
                            bytes = t!("count-bytes", n = w.bytes),
                            size = std::fs::metadata(&path)
                                .map(|m| t!("count-bytes", n = m.len()))
                                .unwrap_or_else(|_| "?".into()),
                            path = path.display().to_string()
                        ),
                    };
                    Ok(Done::Written(format!("{said}{missing}")))
                }
                Err(FileError::Exists { .. }) => Err(Failure::Exists {
                    path,
                    what,
                    again: Box::new(Action::Export {
                        id,
                        kind,
                        replace: Replace::Yes,
                    }),
                }),
                Err(e) => Err(Failure::File(e)),
            }
        };
        s.export_status = Some(match self.writes.start(Target::Export(id), doing, job) {
            Ok(()) => crate::ui::writes::doing(doing),
            Err(e) => e.to_string(),
        });
    }

    /// Reads or writes the payload library file, off the UI thread.
    fn library_file(&mut self, import: bool, replace: Replace) {
        let t = self.inputs.library_path.trim();
        if t.is_empty() {
            self.library_status = Some(t!("state-enter-library-file"));
            return;
        }
        let path = PathBuf::from(t);
        let lang = crate::i18n::current();
        let started = if import {
            let job = move |_: &Progress| {
                // What it says is shown in the window, in the window's language.
                crate::i18n::set(lang);
                let payloads = crate::ui::sending::read_library(&path).map_err(Failure::File)?;
                let said = t!(
                    "state-imported",
                    n = payloads.len(),
                    path = path.display().to_string()
                );
                Ok(Done::Read(payloads, said))
            };
            self.writes
                .start(Target::Library, Phrase::ReadingLibrary, job)
        } else {
            let library = self.settings.library.clone();
            let job = move |_: &Progress| {
                crate::i18n::set(lang);
                let shown = path.display().to_string();
                match crate::ui::sending::export_library(&path, replace, &library) {
                    Ok(()) => Ok(Done::Written(t!(
                        "state-exported",
                        n = library.len(),
                        path = shown
                    ))),
                    Err(FileError::Exists { .. }) => Err(Failure::Exists {
                        path,
                        what: Phrase::Library,
                        again: Box::new(Action::ExportLibrary {
                            replace: Replace::Yes,
                        }),
                    }),
                    Err(e) => Err(Failure::File(e)),
                }
            };
            self.writes
                .start(Target::Library, Phrase::SavingLibrary, job)
        };
        self.library_status = Some(match started {
            Ok(()) => t!("state-library-working"),
            Err(e) => e.to_string(),
        });
    }

    /// What the file jobs that ended did, each said where it was asked for; the progress
    /// of those still running. Called every frame; never waits.
    pub fn files_tick(&mut self) {
        for o in self.writes.finished() {
            if let Target::FileCheck(id) = o.target {
                self.file_checked(id, o.result);
                continue;
            }
            let said = match o.result {
                Ok(Done::Written(said)) => said,
                Ok(Done::Read(payloads, said)) => {
                    for p in payloads {
                        crate::ui::sending::save_to_library(&mut self.settings.library, p);
                    }
                    said
                }
                Ok(Done::Checked(_)) => continue,
                Ok(d @ (Done::WorkspaceSaved { .. } | Done::WorkspaceRead { .. })) => {
                    match self.workspace_done(d) {
                        Some(said) => said,
                        None => continue,
                    }
                }
                Err(e) if o.target == Target::Workspace && self.workspace_reading.is_some() => {
                    // A workspace that cannot be opened is not opened again at start.
                    let path = self
                        .workspace_reading
                        .take()
                        .map(|p| p.display().to_string());
                    if self.settings.last_workspace == path {
                        self.settings.last_workspace = None;
                    }
                    e.to_string()
                }
                Err(Failure::Exists { path, what, again }) => {
                    let said = Failure::Exists {
                        path: path.clone(),
                        what,
                        again: again.clone(),
                    }
                    .to_string();
                    self.ask_replace(&path, what, *again);
                    said
                }
                Err(e) => e.to_string(),
            };
            self.set_file_status(o.target, said);
        }
        // The running jobs' progress (a few), not a look for one per socket.
        for target in self.writes.targets() {
            if let Some(p) = self.writes.progress(target) {
                self.set_file_status(target, p);
            }
        }
        // Only the selected socket's form is on screen (the file's size is said beside its
        // path); another socket's is looked at when it is selected. (A pass over every
        // socket was a few percent of a frame with a thousand of them.)
        if let Some(id) = self.selected {
            if let Some(s) = self.sockets.get_mut(&id) {
                check_file(&mut self.writes, id, s);
            }
        }
    }

    fn file_checked(&mut self, id: SocketId, result: Result<Done, Failure>) {
        let Some(c) = self
            .sockets
            .get_mut(&id)
            .and_then(|s| s.file_check.as_mut())
        else {
            return;
        };
        c.size = Some(match result {
            Ok(Done::Checked(size)) => Ok(size),
            Ok(_) => return,
            Err(e) => Err(e.to_string()),
        });
    }

    fn set_file_status(&mut self, target: Target, said: String) {
        match target {
            Target::Socket(id) => {
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.status = Some(said);
                }
            }
            Target::Export(id) => {
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.export_status = Some(said);
                }
            }
            Target::Journal => self.journal_status = Some(said),
            Target::Library => self.library_status = Some(said),
            Target::Workspace => self.workspace_status = Some(said),
            // Said beside the file's path, not on a status line.
            Target::FileCheck(_) => {}
        }
    }
}

/// Looks at the file a socket's File mode names (off the frame) when it names another one
/// than was last looked at.
fn check_file(writes: &mut crate::ui::writes::Writes, id: SocketId, s: &mut SockView) {
    // Called every frame: nothing is allocated unless a look starts.
    if s.form.mode != crate::payload::Mode::File {
        return;
    }
    let typed = s.form.file_path.trim();
    let looked = s.file_check.as_ref().is_some_and(|c| c.path == typed);
    if typed.is_empty() || looked {
        return;
    }
    if writes.running(Target::FileCheck(id)) {
        return;
    }
    let path = typed.to_string();
    let p = PathBuf::from(&path);
    let job = move |_: &Progress| {
        let size = crate::ui::sending::file_size(&p)?;
        Ok(Done::Checked(size))
    };
    if writes
        .start(Target::FileCheck(id), Phrase::LookingAtFile, job)
        .is_ok()
    {
        s.file_check = Some(FileCheck { path, size: None });
    }
}

/// Whose status line speaks for a write that waits for "replace it?".
fn status_of(a: &Action) -> Option<Target> {
    match a {
        Action::SaveJournal { .. } => Some(Target::Journal),
        Action::ExportLibrary { .. } => Some(Target::Library),
        Action::WorkspaceSave { .. } => Some(Target::Workspace),
        Action::Export { id, .. } => Some(Target::Export(*id)),
        Action::Call { id, .. } | Action::SetOption { id, .. } => Some(Target::Socket(*id)),
        _ => None,
    }
}
