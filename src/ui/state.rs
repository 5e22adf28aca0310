//! The window's state, kept apart from drawing: engine events are applied to it, user
//! actions are dispatched from it. Tests drive it without a window.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use crate::engine::{
    AddrSpec, Create, Direction, Endpoint, Engine, Event, Family, Kind, Op, OpError, Reply, ReqId,
    Snapshot, SockState, SocketId, SocketInfo,
};

use super::journal::{self, JournalEntry};
use super::traffic::{Filter, TrafficLog, TrafficRow};

/// Journal entries kept.
const MAX_JOURNAL: usize = 10_000;

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
}

impl Form {
    /// The exact bytes the payload editor stands for, or why there are none.
    pub fn payload_bytes(&self) -> Result<Vec<u8>, crate::payload::PayloadError> {
        crate::payload::bytes_of(self.mode, &self.payload, self.encoding, self.ending)
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

/// One socket as the window knows it.
#[derive(Clone, Debug)]
pub struct SockView {
    pub info: SocketInfo,
    pub snapshot: Option<Snapshot>,
    pub traffic: TrafficLog,
    /// What the traffic view shows, and the rows that pass (cached per log generation).
    pub filter: Filter,
    pub filtered: Option<(u64, Filter, Vec<usize>)>,
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

    /// Indices of the rows the view shows, recomputed only when the log or filter changed.
    pub fn visible_rows(&mut self) -> &[usize] {
        let fresh = matches!(&self.filtered, Some((g, f, _)) if *g == self.traffic.generation && *f == self.filter);
        if !fresh {
            let rows = self.filter.apply(&self.traffic);
            self.filtered = Some((self.traffic.generation, self.filter.clone(), rows));
        }
        self.filtered
            .as_ref()
            .map(|(_, _, r)| r.as_slice())
            .unwrap_or(&[])
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
    NewSocket { family: Family, kind: Kind },
    Call { id: SocketId, op: Op },
    Select { id: SocketId },
    ClearJournal,
    SaveJournal { path: String },
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
    /// Where "Save journal" writes, and what happened the last time.
    pub journal_path: String,
    pub journal_status: Option<String>,
    /// Memory cap of each new socket's traffic log.
    pub traffic_cap: usize,
    /// Traffic times as time of day instead of relative to the first row.
    pub absolute_time: bool,
}

impl Default for UiState {
    fn default() -> Self {
        UiState {
            sockets: BTreeMap::new(),
            selected: None,
            journal: Vec::new(),
            pending: HashMap::new(),
            select_on_create: Vec::new(),
            global_error: None,
            journal_path: String::new(),
            journal_status: None,
            traffic_cap: super::traffic::DEFAULT_CAP,
            absolute_time: false,
        }
    }
}

impl UiState {
    pub fn selected_view(&self) -> Option<&SockView> {
        self.selected.and_then(|id| self.sockets.get(&id))
    }

    pub fn name_of(&self, id: SocketId) -> String {
        self.sockets
            .get(&id)
            .map_or_else(|| format!("#{}", id.0), |s| s.info.name.clone())
    }

    /// Listeners first with their accepted connections under them, in creation order.
    pub fn tree(&self) -> Vec<(SocketId, usize)> {
        let mut out = Vec::new();
        for (id, s) in &self.sockets {
            if s.info.parent.is_some_and(|p| self.sockets.contains_key(&p)) {
                continue;
            }
            out.push((*id, 0));
            for (cid, c) in &self.sockets {
                if c.info.parent == Some(*id) {
                    out.push((*cid, 1));
                }
            }
        }
        out
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
            Action::SaveJournal { path } => {
                let p = std::path::Path::new(&path);
                self.journal_status = Some(match journal::save_script(p, &self.journal) {
                    Ok(()) => format!("saved {} lines to {path}", self.journal.len()),
                    Err(e) => {
                        format!("could not save the journal to {path}: {e}; pick a writable path")
                    }
                });
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
                let line = journal::op_line(&self.name_of(id), &op);
                self.journal_push(req, Some(id), line);
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.last_error = None;
                }
                engine.send(id, req, op);
            }
        }
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
                        filtered: None,
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
                let conn_name = match &reply {
                    Reply::Accepted { conn, .. } => Some(self.name_of(*conn)),
                    _ => None,
                };
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
                    s.traffic.push(TrafficRow {
                        at: chunk.at,
                        direction: chunk.direction,
                        len: chunk.len,
                        data: chunk.data.clone(),
                        peer: chunk.peer.clone(),
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
                    s.snapshot = Some(*snapshot);
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
    pub fn totals(&self) -> crate::engine::Counters {
        let mut t = crate::engine::Counters::default();
        for c in self
            .sockets
            .values()
            .filter_map(|s| s.snapshot.as_ref())
            .map(|s| s.counters)
        {
            t.bytes_in += c.bytes_in;
            t.bytes_out += c.bytes_out;
            t.msgs_in += c.msgs_in;
            t.msgs_out += c.msgs_out;
        }
        t
    }

    /// Whether a call is still running (a countdown needs redrawing).
    pub fn has_countdown(&self) -> bool {
        self.pending
            .values()
            .any(|&i| self.journal.get(i).is_some_and(|e| e.deadline.is_some()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
