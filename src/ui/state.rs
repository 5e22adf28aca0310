//! The window's state, kept apart from drawing: engine events are applied to it, user
//! actions are dispatched from it. Tests drive it without a window.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Instant;

use crate::engine::{
    AddrSpec, Counters, Create, Direction, Endpoint, Engine, Event, Family, Kind, Op, OpError,
    Reply, ReqId, Snapshot, SockState, SocketId, SocketInfo,
};

use super::files::Replace;
use super::journal::{self, JournalEntry};
use super::sending::{JobView, RepeatForm, SavedPayload};
use super::settings::Settings;
use super::traffic::{Filter, RowIndex, TrafficLog, TrafficRow};

/// Journal entries kept.
const MAX_JOURNAL: usize = 10_000;
/// Responder notes kept per socket.
const MAX_NOTES: usize = 200;

/// An error as the window shows it, next to the action that caused it.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorView {
    pub op: String,
    pub python_line: String,
    pub errno_name: Option<&'static str>,
    pub explanation: String,
    pub hint: Option<String>,
}

impl ErrorView {
    pub fn from_error(e: &OpError) -> ErrorView {
        let (explanation, hint) = e.explanation();
        ErrorView {
            op: e.op.clone(),
            python_line: e.python_line(),
            errno_name: e.errno_name(),
            explanation,
            hint,
        }
    }
}

/// The text fields of a socket's actions.
#[derive(Clone, Debug)]
pub struct Form {
    pub bind_host: String,
    pub bind_port: String,
    pub backlog: String,
    pub peer_host: String,
    pub peer_port: String,
    pub payload: String,
    pub mode: crate::payload::Mode,
    pub encoding: crate::payload::Encoding,
    pub ending: crate::payload::LineEnding,
    pub bufsize: String,
    pub timeout: String,
    /// File mode's file.
    pub file_path: String,
    pub repeat: RepeatForm,
    /// Receive-to-file's file.
    pub record_path: String,
    /// Where the traffic is saved or exported.
    pub export_path: String,
    /// The name a payload is saved to the library under.
    pub payload_name: String,
    /// The responder picked, its options, and a listener's client limit as typed.
    pub responder: String,
    pub serve: crate::serve::Options,
    pub max_clients: String,
}

impl Form {
    /// The exact bytes the payload editor stands for, or why there are none.
    pub fn payload_bytes(&self) -> Result<Vec<u8>, crate::payload::PayloadError> {
        crate::payload::bytes_of(self.mode, &self.payload, self.encoding, self.ending)
    }

    /// The editor's content, as the library and history keep it.
    pub fn saved(&self, name: &str) -> SavedPayload {
        SavedPayload {
            name: name.to_string(),
            payload: if self.mode == crate::payload::Mode::File {
                self.file_path.clone()
            } else {
                self.payload.clone()
            },
            mode: self.mode,
            encoding: self.encoding,
            ending: self.ending,
        }
    }

    /// Puts a saved payload back into the editor.
    pub fn load(&mut self, p: &SavedPayload) {
        self.mode = p.mode;
        self.encoding = p.encoding;
        self.ending = p.ending;
        if p.mode == crate::payload::Mode::File {
            self.file_path = p.payload.clone();
        } else {
            self.payload = p.payload.clone();
        }
    }

    fn new(family: Family) -> Form {
        let host = match family {
            Family::Inet6 => "::1",
            Family::Unix => "/tmp/socklab.sock",
            _ => "127.0.0.1",
        };
        Form {
            bind_host: host.into(),
            bind_port: "0".into(),
            backlog: "5".into(),
            peer_host: host.into(),
            peer_port: String::new(),
            payload: String::new(),
            mode: Default::default(),
            encoding: Default::default(),
            ending: Default::default(),
            bufsize: "1024".into(),
            timeout: String::new(),
            file_path: String::new(),
            repeat: RepeatForm::default(),
            record_path: String::new(),
            export_path: String::new(),
            payload_name: String::new(),
            responder: "echo".into(),
            serve: crate::serve::Options {
                digest: "sha256".into(),
                ..Default::default()
            },
            max_clients: String::new(),
        }
    }
}

/// Checks a host and port as typed; the reason when they are not usable.
pub fn validate_addr(family: Family, host: &str, port: &str) -> Result<AddrSpec, String> {
    match family {
        Family::Unix => {
            if host.is_empty() {
                return Err("enter a path".into());
            }
            if host.len() > 107 {
                return Err(format!(
                    "a path holds at most 107 bytes ({} given)",
                    host.len()
                ));
            }
            Ok(AddrSpec::Unix {
                path: host.as_bytes().to_vec(),
            })
        }
        _ => {
            let h = host.trim();
            let h = h
                .strip_prefix('[')
                .and_then(|x| x.strip_suffix(']'))
                .unwrap_or(h);
            if family == Family::Inet && h.contains(':') {
                return Err("an IPv6 address needs an AF_INET6 socket".into());
            }
            if h.chars().any(|c| c.is_whitespace()) {
                return Err("a host has no spaces".into());
            }
            let p = port.trim();
            if p.is_empty() {
                return Err("enter a port (0 picks a free one)".into());
            }
            let n: u32 = p
                .parse()
                .map_err(|_| format!("port '{p}' is not a number"))?;
            if n > 65535 {
                return Err(format!("port {n} is out of range 0-65535"));
            }
            Ok(match family {
                Family::Inet6 => AddrSpec::Inet6 {
                    host: h.to_string(),
                    port: n as u16,
                    flowinfo: 0,
                    scope_id: 0,
                },
                _ => AddrSpec::Inet {
                    host: h.to_string(),
                    port: n as u16,
                },
            })
        }
    }
}

/// Parses a non-negative integer field.
pub fn validate_count(text: &str, what: &str) -> Result<usize, String> {
    text.trim()
        .parse::<usize>()
        .map_err(|_| format!("{what} must be a whole number"))
}

/// Parses a timeout field: empty or "None" blocks, 0 is non-blocking, x seconds otherwise.
pub fn validate_timeout(text: &str) -> Result<Option<f64>, String> {
    let t = text.trim();
    if t.is_empty() || t == "None" {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(x) if x >= 0.0 && x.is_finite() => Ok(Some(x)),
        _ => Err("a timeout is a number of seconds >= 0, or None".into()),
    }
}

/// Runs of one direction: (direction, first and last position among the rows shown).
pub type Run = (Direction, usize, usize);
/// The merged view's runs with the log generation, filter and pause they were made for.
pub type RunsCache = (u64, Filter, Option<u64>, Vec<Run>);

/// One socket as the window knows it.
#[derive(Clone, Debug)]
pub struct SockView {
    pub info: SocketInfo,
    pub snapshot: Option<Snapshot>,
    pub traffic: TrafficLog,
    /// What the traffic view shows, and the rows that pass (cached per log generation).
    pub filter: Filter,
    pub index: RowIndex,
    /// The view stopped at this row (rows keep arriving and counting).
    pub paused: Option<u64>,
    /// The merged view's runs, for the log generation, filter and pause they were made for.
    pub runs: Option<RunsCache>,
    /// The running send job.
    pub job: Option<JobView>,
    /// What the last send, export or save said (a partial send's count, a file written).
    pub status: Option<String>,
    /// What its responder reported (a check passed, a rule fired), newest last.
    pub notes: std::collections::VecDeque<String>,
    /// The row whose hex dump is open.
    pub expanded: Option<usize>,
    /// Show consecutive chunks of one direction as one stream.
    pub merged: bool,
    pub rate: super::traffic::RateMeter,
    pub form: Form,
    pub last_error: Option<ErrorView>,
    pub closed: bool,
    /// What the socket's last call left it as, before any snapshot arrives.
    pub state: SockState,
}

impl SockView {
    pub fn state(&self) -> SockState {
        if self.closed {
            return SockState::Closed;
        }
        self.snapshot.as_ref().map_or(self.state, |s| s.state)
    }

    pub fn family_type(&self) -> String {
        let f = match self.info.family {
            Family::Inet => "IPv4",
            Family::Inet6 => "IPv6",
            Family::Unix => "Unix",
            Family::Other(_) => "?",
        };
        let k = match self.info.kind {
            Kind::Stream if self.info.family == Family::Unix => "stream",
            Kind::Stream => "TCP",
            Kind::Dgram if self.info.family == Family::Unix => "dgram",
            Kind::Dgram => "UDP",
            Kind::Other(_) => "?",
        };
        format!("{f} {k}")
    }

    pub fn local(&self) -> Option<&Endpoint> {
        self.snapshot.as_ref().and_then(|s| s.local.as_ref())
    }

    pub fn peer(&self) -> Option<&Endpoint> {
        self.snapshot.as_ref().and_then(|s| s.peer.as_ref())
    }

    /// How many rows the view shows (after the filter, up to the pause), brought up to date
    /// with what arrived since the last frame.
    pub fn visible_count(&mut self) -> usize {
        self.index.refresh(&self.traffic, &self.filter);
        self.index.len(&self.traffic, self.paused)
    }

    /// The log index of the k-th row shown (call visible_count first in a frame).
    pub fn visible_row(&self, k: usize) -> Option<usize> {
        self.index.get(k)
    }

    /// The merged view's runs of one direction (positions among the rows shown), made again
    /// only when the log, filter or pause changed.
    pub fn merged_runs(&mut self) -> &[Run] {
        let shown = self.visible_count();
        let fresh = matches!(&self.runs, Some((g, f, p, _)) if *g == self.traffic.generation && *f == self.filter && *p == self.paused);
        if !fresh {
            let runs =
                super::traffic::runs(&self.traffic, (0..shown).filter_map(|k| self.index.get(k)));
            self.runs = Some((
                self.traffic.generation,
                self.filter.clone(),
                self.paused,
                runs,
            ));
        }
        self.runs.as_ref().map_or(&[], |(_, _, _, r)| r.as_slice())
    }

    /// Log indices of every row shown (for tests and small logs).
    pub fn visible_rows(&mut self) -> Vec<usize> {
        let n = self.visible_count();
        (0..n).filter_map(|k| self.visible_row(k)).collect()
    }

    pub fn received_text(&self) -> String {
        let mut out = Vec::new();
        for r in self.traffic.iter().filter(|r| r.direction == Direction::In) {
            out.extend_from_slice(&r.data);
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

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

pub struct UiState {
    pub sockets: BTreeMap<SocketId, SockView>,
    pub selected: Option<SocketId>,
    pub journal: Vec<JournalEntry>,
    /// Journal index of each request still running.
    pending: HashMap<ReqId, usize>,
    /// Requests whose new socket becomes the selection.
    select_on_create: Vec<ReqId>,
    /// An error not tied to a socket (e.g. socket() itself failed).
    pub global_error: Option<ErrorView>,
    /// A write waiting for "replace it?" to be answered.
    pub confirm_replace: Option<ConfirmReplace>,
    /// Receive-to-file requests that may find a file there: (socket, path) by request.
    record_asked: HashMap<ReqId, (SocketId, PathBuf)>,
    /// Where "Save journal" writes, and what happened the last time.
    pub journal_path: String,
    pub journal_status: Option<String>,
    /// Memory cap of each new socket's traffic log.
    pub traffic_cap: usize,
    /// What persists between runs: recent addresses, the library, the history, the cap.
    pub settings: Settings,
    /// The traffic cap field as typed.
    pub cap_text: String,
    /// Why the settings could not be saved, if they could not.
    pub settings_status: Option<String>,
    /// What the last library import or export said, and the file it uses.
    pub library_status: Option<String>,
    pub library_path: String,
    /// Bytes offered to each send() still running, to show how many the kernel took.
    offered: HashMap<ReqId, usize>,
    /// Traffic times as time of day instead of relative to the first row.
    pub absolute_time: bool,
    /// The sockets list's order, for the socket count and newest id it was made for
    /// (sockets are only ever added, so those two say whether it is still right).
    tree_cache: std::cell::RefCell<TreeCache>,
    /// Every socket's last counters summed, kept as snapshots arrive (the top bar shows
    /// them every frame; summing a thousand sockets each frame cost 2 % of it).
    totals: Counters,
}

type Tree = std::sync::Arc<Vec<(SocketId, usize)>>;
type TreeCache = Option<(usize, Option<SocketId>, Tree)>;

impl Default for UiState {
    fn default() -> Self {
        UiState {
            sockets: BTreeMap::new(),
            selected: None,
            journal: Vec::new(),
            pending: HashMap::new(),
            select_on_create: Vec::new(),
            global_error: None,
            confirm_replace: None,
            record_asked: HashMap::new(),
            journal_path: String::new(),
            journal_status: None,
            traffic_cap: super::traffic::DEFAULT_CAP,
            absolute_time: false,
            settings: Settings::default(),
            library_status: None,
            library_path: String::new(),
            cap_text: (super::traffic::DEFAULT_CAP >> 20).to_string(),
            settings_status: None,
            offered: HashMap::new(),
            tree_cache: std::cell::RefCell::new(None),
            totals: Counters::default(),
        }
    }
}

impl UiState {
    /// A state starting from saved settings.
    pub fn with_settings(settings: Settings) -> UiState {
        UiState {
            traffic_cap: settings.traffic_cap_bytes(),
            cap_text: settings.traffic_cap_mib.to_string(),
            settings,
            ..UiState::default()
        }
    }

    pub fn selected_view(&self) -> Option<&SockView> {
        self.selected.and_then(|id| self.sockets.get(&id))
    }

    pub fn name_of(&self, id: SocketId) -> String {
        self.sockets
            .get(&id)
            .map_or_else(|| format!("#{}", id.0), |s| s.info.name.clone())
    }

    /// Listeners first with their accepted connections under them, in creation order; made
    /// again only when sockets were added (the list is drawn every frame).
    pub fn tree(&self) -> Tree {
        let key = (self.sockets.len(), self.sockets.keys().next_back().copied());
        if let Some((n, last, t)) = &*self.tree_cache.borrow() {
            if (*n, *last) == key {
                return t.clone();
            }
        }
        let t = std::sync::Arc::new(self.make_tree());
        *self.tree_cache.borrow_mut() = Some((key.0, key.1, t.clone()));
        t
    }

    fn make_tree(&self) -> Vec<(SocketId, usize)> {
        let mut children: HashMap<SocketId, Vec<SocketId>> = HashMap::new();
        for (id, s) in &self.sockets {
            if let Some(p) = s.info.parent.filter(|p| self.sockets.contains_key(p)) {
                children.entry(p).or_default().push(*id);
            }
        }
        let mut out = Vec::with_capacity(self.sockets.len());
        for (id, s) in &self.sockets {
            if s.info.parent.is_some_and(|p| self.sockets.contains_key(&p)) {
                continue;
            }
            out.push((*id, 0));
            for c in children.get(id).into_iter().flatten() {
                out.push((*c, 1));
            }
        }
        out
    }

    /// A listener's connections that are still open.
    pub fn open_children(&self, listener: SocketId) -> Vec<SocketId> {
        self.sockets
            .values()
            .filter(|s| s.info.parent == Some(listener) && !s.closed)
            .map(|s| s.info.id)
            .collect()
    }

    fn journal_push(&mut self, req: ReqId, socket: Option<SocketId>, line: String) {
        if self.journal.len() >= MAX_JOURNAL {
            self.journal.remove(0);
            for v in self.pending.values_mut() {
                *v = v.saturating_sub(1);
            }
        }
        self.pending.insert(req, self.journal.len());
        self.journal.push(JournalEntry {
            req,
            socket,
            line,
            result: None,
            done: false,
            failed: false,
            started: Instant::now(),
            elapsed: None,
            deadline: None,
        });
    }

    /// Sends what the person asked for to the engine, journaling it as Python.
    pub fn dispatch(&mut self, engine: &Engine, action: Action) {
        match action {
            Action::Select { id } => self.selected = Some(id),
            Action::ClearJournal => {
                self.journal.retain(|e| !e.done);
                let map: HashMap<ReqId, usize> = self
                    .journal
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.req, i))
                    .collect();
                self.pending = map;
            }
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
                self.journal_push(
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
                self.journal_push(req, Some(id), line);
                if let Op::Bind { addr }
                | Op::Connect { addr }
                | Op::ConnectEx { addr }
                | Op::SendTo { addr, .. } = &op
                {
                    self.settings.remember(super::settings::entry(addr));
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
                super::sending::remember_send(&mut self.settings.history, payload);
            }
            Action::SetTrafficCap { mib } => {
                self.settings.traffic_cap_mib = mib.clamp(1, super::settings::MAX_CAP_MIB);
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
    fn ask_replace(&mut self, path: &std::path::Path, what: &str, action: Action) {
        self.confirm_replace = Some(ConfirmReplace {
            path: path.to_path_buf(),
            what: what.to_string(),
            action: Box::new(action),
        });
    }

    fn export(&mut self, id: SocketId, kind: ExportKind, replace: Replace) {
        use super::export;
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
            Err(e) => super::files::write_error(what, &path, &e),
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
            match super::sending::import_library(&path, &mut self.settings.library) {
                Ok(n) => format!("imported {n} payloads from {shown}"),
                Err(e) => e,
            }
        } else {
            match super::sending::export_library(&path, replace, &self.settings.library) {
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
                Err(e) => super::files::write_error("the library", &path, &e),
            }
        });
    }

    pub fn apply(&mut self, ev: Event) {
        match ev {
            Event::Created { info, req } => {
                let id = info.id;
                if let Some(req) = req {
                    if let Some(&i) = self.pending.get(&req) {
                        let e = &mut self.journal[i];
                        e.line = e.line.replace("NEW", &info.name);
                        e.done = true;
                        e.elapsed = Some(e.started.elapsed());
                        self.pending.remove(&req);
                    }
                    if let Some(p) = self.select_on_create.iter().position(|r| *r == req) {
                        self.select_on_create.remove(p);
                        self.selected = Some(id);
                    }
                }
                let state = if info.parent.is_some() {
                    SockState::Connected
                } else {
                    SockState::Created
                };
                self.sockets.insert(
                    id,
                    SockView {
                        form: Form::new(info.family),
                        info,
                        snapshot: None,
                        traffic: TrafficLog::with_cap(self.traffic_cap),
                        filter: Filter::default(),
                        index: RowIndex::default(),
                        paused: None,
                        runs: None,
                        notes: Default::default(),
                        job: None,
                        status: None,
                        expanded: None,
                        merged: false,
                        rate: Default::default(),
                        last_error: None,
                        closed: false,
                        state,
                    },
                );
            }
            Event::Done {
                id,
                req,
                reply,
                elapsed,
                ..
            } => {
                self.record_asked.remove(&req);
                let conn_name = match &reply {
                    Reply::Accepted { conn, .. } => Some(self.name_of(*conn)),
                    _ => None,
                };
                let offered = self.offered.remove(&req);
                if let Some(s) = self.sockets.get_mut(&id) {
                    match (&reply, offered) {
                        (Reply::Int(n), Some(len)) if (*n as usize) < len => {
                            s.status = Some(format!(
                                "send() took {n} of {len} bytes: the kernel had room for no more; the other {} were not sent (sendall sends every byte)",
                                len - *n as usize
                            ));
                        }
                        (Reply::Int(n), Some(len)) => {
                            s.status = Some(format!("send() took all {n} of {len} bytes"));
                        }
                        (Reply::Sent { progress, stopped }, _) => {
                            if s.job.as_ref().is_some_and(|j| j.req == req) {
                                s.job = None;
                            }
                            s.status = Some(super::sending::ended_text(progress, *stopped));
                        }
                        _ => {}
                    }
                }
                if let Some(i) = self.pending.remove(&req) {
                    let e = &mut self.journal[i];
                    if let Some(n) = &conn_name {
                        e.line = format!("{n}, addr = {}", e.line);
                    }
                    e.result = journal::reply_text(&reply, conn_name.as_deref());
                    e.done = true;
                    e.elapsed = Some(elapsed);
                    e.deadline = None;
                }
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.last_error = None;
                }
            }
            Event::Failed {
                id,
                req,
                error,
                elapsed,
            } => {
                let view = ErrorView::from_error(&error);
                if let Some((sid, path)) = req.and_then(|r| self.record_asked.remove(&r)) {
                    if error.errno() == Some(libc::EEXIST) {
                        let again = Action::Call {
                            id: sid,
                            op: Op::Record {
                                path: Some(path.clone()),
                                replace: true,
                            },
                        };
                        self.ask_replace(&path, "the received bytes", again);
                    }
                }
                if let Some(r) = req {
                    self.offered.remove(&r);
                    if let Some(s) = id.and_then(|i| self.sockets.get_mut(&i)) {
                        if s.job.as_ref().is_some_and(|j| j.req == r) {
                            s.job = None;
                        }
                    }
                }
                if let Some(i) = req.and_then(|r| self.pending.remove(&r)) {
                    let e = &mut self.journal[i];
                    e.result = Some(view.python_line.clone());
                    e.done = true;
                    e.failed = true;
                    e.elapsed = Some(elapsed);
                    e.deadline = None;
                }
                match id.and_then(|i| self.sockets.get_mut(&i)) {
                    Some(s) => s.last_error = Some(view),
                    None => self.global_error = Some(view),
                }
            }
            Event::Waiting { req, deadline, .. } => {
                if let Some(&i) = self.pending.get(&req) {
                    self.journal[i].deadline = deadline;
                }
            }
            Event::Data { id, chunk } => {
                if let Some(s) = self.sockets.get_mut(&id) {
                    // The chunk's bytes move into the log (its budget permit is let go).
                    let crate::engine::Chunk {
                        at,
                        direction,
                        len,
                        data,
                        peer,
                        ..
                    } = chunk;
                    s.traffic.push(TrafficRow {
                        at,
                        direction,
                        len,
                        data,
                        peer,
                    });
                }
            }
            Event::Skipped { id, bytes, .. } => {
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.traffic.skipped_bytes += bytes;
                }
            }
            Event::Accepted { .. } => {}
            Event::Snapshot { id, snapshot, .. } => {
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.state = snapshot.state;
                    s.rate.update(
                        Instant::now(),
                        snapshot.counters.bytes_in,
                        snapshot.counters.bytes_out,
                    );
                    let old = s.snapshot.as_ref().map(|x| x.counters).unwrap_or_default();
                    replace_in(&mut self.totals, old, snapshot.counters);
                    s.snapshot = Some(*snapshot);
                }
            }
            Event::Progress {
                id, req, progress, ..
            } => {
                if let Some(j) = self
                    .sockets
                    .get_mut(&id)
                    .and_then(|s| s.job.as_mut())
                    .filter(|j| j.req == req)
                {
                    j.progress = progress;
                }
            }
            Event::Note { id, text } => {
                if let Some(s) = self.sockets.get_mut(&id) {
                    if s.notes.len() >= MAX_NOTES {
                        s.notes.pop_front();
                    }
                    s.notes.push_back(text);
                }
            }
            Event::Closed { id } => {
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.closed = true;
                }
            }
        }
    }

    /// Bytes and messages of every socket together.
    pub fn totals(&self) -> Counters {
        self.totals
    }

    /// Whether a call is still running (a countdown needs redrawing).
    pub fn has_countdown(&self) -> bool {
        self.pending
            .values()
            .any(|&i| self.journal.get(i).is_some_and(|e| e.deadline.is_some()))
    }
}

/// `total` with `old` taken out and `new` put in; wrapping, so the sum stays exact whatever
/// order counters come in.
fn replace_in(total: &mut Counters, old: Counters, new: Counters) {
    for (t, o, n) in [
        (&mut total.bytes_in, old.bytes_in, new.bytes_in),
        (&mut total.bytes_out, old.bytes_out, new.bytes_out),
        (&mut total.msgs_in, old.msgs_in, new.msgs_in),
        (&mut total.msgs_out, old.msgs_out, new.msgs_out),
    ] {
        *t = t.wrapping_sub(o).wrapping_add(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn created(id: u64, parent: Option<u64>) -> Event {
        Event::Created {
            info: crate::engine::SocketInfo {
                id: SocketId(id),
                name: format!("s{id}"),
                family: Family::Inet,
                kind: crate::engine::Kind::Stream,
                proto: 0,
                fd: 3,
                parent: parent.map(SocketId),
                timeout: crate::engine::Timeout::Blocking,
            },
            req: None,
        }
    }

    #[test]
    fn the_sockets_tree_follows_new_sockets() {
        let mut st = UiState::default();
        st.apply(created(1, None));
        st.apply(created(2, None));
        let ids = |t: &[(SocketId, usize)]| t.iter().map(|(i, d)| (i.0, *d)).collect::<Vec<_>>();
        assert_eq!(ids(&st.tree()), [(1, 0), (2, 0)]);
        // Drawn again without changes: the same list.
        let a = st.tree();
        assert!(std::sync::Arc::ptr_eq(&a, &st.tree()));
        // A connection accepted by the first listener goes under it.
        st.apply(created(3, Some(1)));
        assert_eq!(ids(&st.tree()), [(1, 0), (3, 1), (2, 0)]);
    }

    fn snapshot(id: u64, bytes_in: u64, msgs_out: u64) -> Event {
        Event::Snapshot {
            id: SocketId(id),
            snapshot: Box::new(Snapshot {
                state: SockState::Connected,
                local: None,
                peer: None,
                timeout: crate::engine::Timeout::Blocking,
                kernel_nonblocking: false,
                options: Vec::new(),
                tcp: None,
                recv_queue: None,
                send_queue: None,
                counters: crate::engine::Counters {
                    bytes_in,
                    bytes_out: bytes_in / 2,
                    msgs_in: bytes_in / 10,
                    msgs_out,
                },
                auto_receive: false,
                auto_accept: false,
                sending: false,
                responder: None,
                clients: None,
                accept_queue: Vec::new(),
                recording: None,
            }),
            _permit: None,
        }
    }

    #[test]
    fn totals_are_every_sockets_last_counters() {
        let mut st = UiState::default();
        for id in 1..=3 {
            st.apply(created(id, None));
        }
        let events = [
            (1, 100, 1),
            (2, 7, 0),
            (1, 250, 3),
            (3, u64::MAX - 5, 9),
            (2, 7, 4),
        ];
        for (id, b, m) in events {
            st.apply(snapshot(id, b, m));
            let mut sum = crate::engine::Counters::default();
            for c in st.sockets.values().filter_map(|v| v.snapshot.as_ref()) {
                sum.bytes_in = sum.bytes_in.wrapping_add(c.counters.bytes_in);
                sum.bytes_out = sum.bytes_out.wrapping_add(c.counters.bytes_out);
                sum.msgs_in = sum.msgs_in.wrapping_add(c.counters.msgs_in);
                sum.msgs_out = sum.msgs_out.wrapping_add(c.counters.msgs_out);
            }
            assert_eq!(st.totals(), sum, "after socket {id}'s snapshot");
        }
        assert_eq!(st.totals().msgs_out, 3 + 9 + 4);
        // A snapshot of a socket the window does not know changes nothing.
        st.apply(snapshot(99, 1 << 40, 1));
        assert_eq!(st.totals().msgs_out, 16);
    }

    #[test]
    fn validates_as_you_type() {
        assert!(validate_addr(Family::Inet, "127.0.0.1", "9000").is_ok());
        assert!(validate_addr(Family::Inet, "127.0.0.1", "70000")
            .unwrap_err()
            .contains("0-65535"));
        assert!(validate_addr(Family::Inet, "::1", "80")
            .unwrap_err()
            .contains("AF_INET6"));
        assert!(matches!(
            validate_addr(Family::Inet6, "[::1]", "80"),
            Ok(AddrSpec::Inet6 { .. })
        ));
        assert!(validate_addr(Family::Unix, &"x".repeat(200), "").is_err());
        assert_eq!(validate_timeout(""), Ok(None));
        assert_eq!(validate_timeout("0.5"), Ok(Some(0.5)));
        assert!(validate_timeout("-1").is_err());
    }
}
