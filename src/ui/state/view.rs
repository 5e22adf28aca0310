//! What the window knows of one socket (its forms, traffic, last snapshot and error), and
//! an error as the window shows it.

use crate::engine::{Direction, Endpoint, Family, Kind, OpError, Snapshot, SockState, SocketInfo};

use crate::t;
use crate::ui::sending::JobView;
use crate::ui::traffic::{Filter, RowIndex, TrafficLog};

use super::*;

/// A call that waits on its socket, and until when (None: no timeout).
#[derive(Clone, Debug)]
pub struct WaitingCall {
    pub req: crate::engine::ReqId,
    pub op: &'static str,
    pub deadline: Option<std::time::Instant>,
}

impl WaitingCall {
    /// Whether it waits for room (a send) rather than being blocked, and the seconds left
    /// as shown (None: no timeout).
    fn parts(&self, now: std::time::Instant) -> (bool, Option<String>) {
        let room = matches!(self.op, "send" | "sendall" | "sendto");
        let left = self
            .deadline
            .map(|d| format!("{:.1}", d.saturating_duration_since(now).as_secs_f64()));
        (room, left)
    }

    /// For the sockets list: "recv blocked" or "recv blocked, 2.4 s left" (the time
    /// left, not the time it waited).
    pub fn short(&self, now: std::time::Instant) -> String {
        let op = self.op;
        match self.parts(now) {
            (false, Some(left)) => t!("state-wait-short-blocked-left", op = op, left = left),
            (true, Some(left)) => t!("state-wait-short-room-left", op = op, left = left),
            (false, None) => t!("state-wait-short-blocked", op = op),
            (true, None) => t!("state-wait-short-room", op = op),
        }
    }

    /// "recv blocked - 2.4 s left" or "recv blocked (no timeout)".
    pub fn text(&self, now: std::time::Instant) -> String {
        let op = self.op;
        match self.parts(now) {
            (false, Some(left)) => t!("state-wait-blocked-left", op = op, left = left),
            (true, Some(left)) => t!("state-wait-room-left", op = op, left = left),
            (false, None) => t!("state-wait-blocked", op = op),
            (true, None) => t!("state-wait-room", op = op),
        }
    }
}

/// An error as the window shows it, next to the action that caused it. Its explanation
/// and hint are worded when drawn, in the window's language then.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorView {
    pub op: String,
    pub python_line: String,
    pub errno_name: Option<&'static str>,
    pub error: OpError,
    /// When it happened, as a time of day (14:05:09): what the explanation says
    /// of other sockets (a connection finishing, seconds left) was true then, and the
    /// page may show it long after.
    pub clock: String,
    /// connect_ex answered the failure as this number instead of raising.
    pub returned: Option<i32>,
    /// What became of it since, when that changed what it means: the connect a
    /// non-blocking connect or connect_ex started (EINPROGRESS) completed or ended, and
    /// when (a time of day). Said instead of its explanation, which spoke of a connect
    /// still under way; worded when drawn, in the language of the moment.
    pub since: Option<(ConnectEnd, String)>,
}

/// How a connect left under way ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectEnd {
    Connected,
    /// Refused, unreachable, timed out, or closed first.
    NoConnection,
}

impl ErrorView {
    /// `at`: when the call ended (the window may hear of it later).
    pub fn from_error(
        e: &OpError,
        at: std::time::Instant,
        zone: &crate::timefmt::Zone,
    ) -> ErrorView {
        ErrorView {
            op: e.op.to_string(),
            python_line: e.python_line(),
            errno_name: e.errno_name(),
            error: e.clone(),
            clock: clock_at(at, zone),
            returned: None,
            since: None,
        }
    }

    /// A connect or connect_ex that left its connect under way (EINPROGRESS, EALREADY).
    pub fn left_connecting(&self) -> bool {
        matches!(self.op.as_str(), "connect" | "connect_ex")
            && matches!(self.error.errno(), Some(libc::EINPROGRESS | libc::EALREADY))
    }

    /// connect_ex's failure, answered as its errno: the number, and how Python decodes it.
    pub fn answered(e: &OpError, at: std::time::Instant, zone: &crate::timefmt::Zone) -> ErrorView {
        let mut view = ErrorView::from_error(e, at, zone);
        let n = e.errno().unwrap_or_default();
        let name = crate::engine::errors::errno_name(n);
        view.returned = Some(n);
        view.errno_name = Some(name);
        view.python_line = format!(
            "errno.errorcode[{n}] → '{name}'   os.strerror({n}) → '{}'",
            crate::engine::errors::strerror(n)
        );
        view
    }

    /// What happened, and what to do (in this thread's language).
    pub fn explanation(&self) -> (String, Option<String>) {
        self.error.explanation()
    }
}

/// The time of day of `at`, to the second (14:05:09).
pub fn clock_at(at: std::time::Instant, zone: &crate::timefmt::Zone) -> String {
    let ago = std::time::Instant::now().saturating_duration_since(at);
    let when = std::time::SystemTime::now()
        .checked_sub(ago)
        .unwrap_or_else(std::time::SystemTime::now);
    let mut clock = zone.clock(when);
    clock.truncate(clock.find('.').unwrap_or(clock.len()));
    clock
}

/// Runs of one direction: (direction, first and last position among the rows shown).
pub type Run = (Direction, usize, usize);
/// The merged view's runs with the log generation, filter, pause and gap they were made for.
pub type RunsCache = (u64, Filter, Option<u64>, u32, Vec<Run>);

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
    /// What the last send or save said (a partial send's count, a file written).
    pub status: Option<String>,
    /// What the last export of its traffic said (beside the export buttons).
    pub export_status: Option<String>,
    /// What its responder reported (a check passed, a rule fired), newest last.
    pub notes: std::collections::VecDeque<crate::engine::note::Note>,
    /// On a listener, the latest report of one of its connections (by that one's name):
    /// a rule fired or matched nothing, shown where the server is watched.
    pub clients_note: Option<(String, crate::engine::note::Note)>,
    /// A listener's connection: what its rows in the listener's view point back with.
    pub via: Option<std::sync::Arc<crate::ui::traffic::Via>>,
    /// The connection's life in the kernel after close (TCP), as last reported.
    pub after_close: Option<AfterClose>,
    /// The file File mode sends, as last looked at (off the frame).
    pub file_check: Option<FileCheck>,
    /// The row whose hex dump is open, by its sequence number in the traffic log.
    pub expanded: Option<u64>,
    /// Show consecutive chunks of one direction as one stream.
    pub merged: bool,
    /// The merged view joins chunks at most this many milliseconds apart (0: any gap).
    pub merge_gap_ms: u32,
    /// Show the bytes in hex, not as text (a device's binary replies).
    pub show_hex: bool,
    /// Its readings over time, for the graphs.
    pub series: crate::ui::series::Series,
    pub form: Form,
    /// The value last asked for each option set from the window (by name), to show beside
    /// what the kernel keeps.
    pub asked: std::collections::BTreeMap<&'static str, i64>,
    /// The calls waiting on this socket now (a blocked recv, a send waiting for room),
    /// in the order they began.
    pub waiting: Vec<WaitingCall>,
    /// HMAC verdicts given here or, on a listener, on its connections: (passed, failed).
    pub verdicts: (u64, u64),
    pub last_error: Option<ErrorView>,
    pub closed: bool,
    /// How many sockets had been made as this one closed: the list moves it below the open
    /// ones once another is made, not under the pointer as it closes.
    pub closed_made: Option<u64>,
    /// The responder last applied from the page (name and options), kept for a workspace.
    pub answering: Option<(String, crate::serve::Options)>,
    /// The TLS last started on it, as asked (kept for a workspace and a reconnection).
    pub tls_started: Option<crate::ui::workspace::SavedTls>,
    /// A bind() of its succeeded (a workspace keeps its address; a client's ephemeral
    /// one is not kept).
    pub bound: bool,
    /// What the socket's last call left it as, before any snapshot arrives.
    pub state: SockState,
    /// recv() calls on this stream that returned b'' (its peer had closed): a loop that
    /// does not stop on b'' spins on them, the tutorials' endless-b'' pitfall.
    pub ended_reads: u64,
    /// When the last two of them ended (the older first): a loop spins on them now only
    /// if both came while its statement runs.
    pub ended_at: [Option<std::time::Instant>; 2],
}

impl SockView {
    /// The peer a client whose connection ended could connect to again (a socket connects
    /// only once: Action::Reconnect makes a new one): a stream socket of its own (not
    /// accepted, not listening) that had a peer and whose connection is over.
    pub fn reconnect_to(&self) -> Option<&Endpoint> {
        // Half-closed by the peer (CLOSE_WAIT), not by its own shutdown(SHUT_WR): a client
        // still reading its reply is not done.
        let peer_ended = self.state() == SockState::HalfClosed
            && self
                .snapshot
                .as_ref()
                .and_then(|x| x.tcp.as_ref())
                .is_some_and(|t| t.state == crate::engine::inspect::TcpState::CloseWait);
        let ended = self.closed
            || peer_ended
            || matches!(self.state(), SockState::Error | SockState::Closed);
        (self.info.kind == crate::engine::Kind::Stream && self.info.parent.is_none() && ended)
            .then_some(self.last_peer())
            .flatten()
    }

    /// A TCP socket (an IPv4 or IPv6 stream): the kernel has a TCP state and segments
    /// for it.
    pub fn is_tcp(&self) -> bool {
        use crate::engine::{Family, Kind};
        self.info.kind == Kind::Stream && matches!(self.info.family, Family::Inet | Family::Inet6)
    }

    /// Datagrams the kernel dropped on their way in (SO_MEMINFO, as last read), when any.
    pub fn kernel_drops(&self) -> Option<u32> {
        self.snapshot
            .as_ref()
            .and_then(|x| x.drops())
            .filter(|n| *n > 0)
    }

    /// The peer it was last connected to, as the worker remembers it: a connection reset or
    /// closed no longer has one in the kernel, and the diagrams still pair it with the
    /// other end by this.
    pub fn last_peer(&self) -> Option<&Endpoint> {
        let x = self.snapshot.as_ref()?;
        x.peer.as_ref().or(x.had_peer.as_ref())
    }

    pub fn state(&self) -> SockState {
        if self.closed {
            return SockState::Closed;
        }
        self.snapshot.as_ref().map_or(self.state, |s| s.state)
    }

    /// A listener's view, which gathers its connections' rows (a listening socket, or one
    /// whose newest row came through a connection: no scan of a million rows).
    pub fn gathers(&self) -> bool {
        self.state() == SockState::Listening
            || self
                .traffic
                .len()
                .checked_sub(1)
                .and_then(|i| self.traffic.get(i))
                .is_some_and(|r| r.via.is_some())
    }

    pub fn family_type(&self) -> String {
        match (self.info.family, self.info.kind) {
            (Family::Unix, Kind::Stream) => return crate::t!("sockets-unix-stream"),
            (Family::Unix, Kind::Dgram) => return crate::t!("sockets-unix-dgram"),
            _ => {}
        }
        let f = match self.info.family {
            Family::Inet => "IPv4",
            Family::Inet6 => "IPv6",
            Family::Unix => "Unix",
            Family::Other(_) => "?",
        };
        let k = match self.info.kind {
            Kind::Stream => "TCP",
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

    /// Where a connect under way goes, while the kernel has no peer for it yet.
    pub fn connecting_to(&self) -> Option<&Endpoint> {
        self.snapshot
            .as_ref()
            .and_then(|s| s.connecting_to.as_ref())
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
        let fresh = matches!(&self.runs, Some((g, f, p, gap, _)) if *g == self.traffic.generation && *f == self.filter && *p == self.paused && *gap == self.merge_gap_ms);
        if !fresh {
            let gap = (self.merge_gap_ms > 0)
                .then(|| std::time::Duration::from_millis(self.merge_gap_ms.into()));
            let runs = crate::ui::traffic::runs(
                &self.traffic,
                (0..shown).filter_map(|k| self.index.get(k)),
                gap,
            );
            self.runs = Some((
                self.traffic.generation,
                self.filter.clone(),
                self.paused,
                self.merge_gap_ms,
                runs,
            ));
        }
        self.runs
            .as_ref()
            .map_or(&[], |(_, _, _, _, r)| r.as_slice())
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

/// What is known of the file a socket's File mode is to send.
#[derive(Clone, Debug, PartialEq)]
pub struct FileCheck {
    /// The path looked at, as typed.
    pub path: String,
    /// Its size, or why it cannot be sent; None while it is looked at.
    pub size: Option<Result<u64, String>>,
}

/// A closed TCP connection as the kernel still holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct AfterClose {
    /// The state it reached; None once the kernel forgot it.
    pub state: Option<crate::engine::inspect::TcpState>,
    /// When TIME_WAIT ends.
    pub until: Option<std::time::Instant>,
    /// It was in TIME_WAIT at some reading (so once forgotten, its TIME_WAIT has ended).
    pub was_time_wait: bool,
}

impl AfterClose {
    /// "TIME_WAIT, 57 s left", "FIN_WAIT2", "forgotten".
    pub fn text(&self) -> String {
        self.said(false, std::time::Instant::now())
    }

    /// As a list row or a table cell has room for it: "TIME_WAIT 57 s", "forgotten".
    pub fn short(&self) -> String {
        self.said(true, std::time::Instant::now())
    }

    /// `short` as of `now`.
    pub fn short_at(&self, now: std::time::Instant) -> String {
        self.said(true, now)
    }

    /// The state, and the seconds left at `now` while they count down (`short`: as a list
    /// row says it).
    fn said(&self, short: bool, now: std::time::Instant) -> String {
        let Some(s) = self.state else {
            return t!("state-forgotten");
        };
        match self.until {
            Some(until) => {
                // Whole seconds, cut as `ss -o` cuts them (timewait,59sec): a learner
                // compares the two.
                let left = until.saturating_duration_since(now);
                let left = left.as_secs().to_string();
                if short {
                    format!("{} {left} s", s.name())
                } else {
                    t!("state-after-close-left", state = s.name(), left = left)
                }
            }
            None => s.name().into(),
        }
    }

    /// Whether a countdown is running.
    pub fn ticking(&self) -> bool {
        self.until.is_some_and(|u| u > std::time::Instant::now())
    }

    /// How long after `now` the seconds shown change (None: no countdown), a moment past
    /// it: the window wakes then, not a second after its last frame, which showed a second
    /// too many for up to a second.
    pub fn next_change_at(&self, now: std::time::Instant) -> Option<std::time::Duration> {
        let left = self.until?.checked_duration_since(now)?;
        let fraction = left - std::time::Duration::from_secs(left.as_secs());
        let fraction = if fraction.is_zero() {
            std::time::Duration::from_secs(1)
        } else {
            fraction
        };
        Some(fraction + std::time::Duration::from_millis(5))
    }
}
