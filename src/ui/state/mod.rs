//! The window's state, kept apart from drawing: engine events are applied to it, user
//! actions are dispatched from it. Tests drive it without a window.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::engine::{Counters, ReqId, SocketId};

use super::journal::Journal;
use super::settings::Settings;

mod action;
mod apply;
mod form;
mod view;

pub use action::{Action, ConfirmReplace, ExportKind, Purpose};
pub use apply::refusal;
pub use form::{validate_addr, validate_count, validate_timeout, Form, Inputs, TlsForm, TlsVerify};
pub use view::{
    AfterClose, ConnectEnd, ErrorView, FileCheck, Run, RunsCache, SockView, WaitingCall,
};

pub struct UiState {
    /// The lessons panel is shown, and the lesson under way.
    pub lessons_open: bool,
    /// The inspector is shown at the right (hidden, the page and the diagrams get its
    /// width).
    pub inspector_open: bool,
    pub lesson: Option<crate::ui::lessons::LessonRun>,
    /// What the lesson's Run it still has to type, in order, and the console it typed in
    /// last (the next console waits for that one to finish).
    pub lesson_queue: std::collections::VecDeque<crate::ui::lessons::Typing>,
    pub lesson_console: Option<(usize, u64)>,
    /// Run it stopped at a line that failed (the lines after it were not run).
    pub lesson_stopped: bool,
    /// The language the desktop's locale asks for (English in tests).
    pub desktop_lang: crate::i18n::Lang,
    pub sockets: BTreeMap<SocketId, SockView>,
    pub selected: Option<SocketId>,
    pub journal: Journal,
    /// Requests whose new socket becomes the selection.
    select_on_create: Vec<ReqId>,
    /// An error not tied to a socket (e.g. socket() itself failed).
    pub global_error: Option<ErrorView>,
    /// A write waiting for "replace it?" to be answered.
    pub confirm_replace: Option<ConfirmReplace>,
    /// Files being written or read off the UI thread.
    pub writes: crate::ui::writes::Writes,
    /// Receive-to-file requests that may find a file there: (socket, path) by request.
    record_asked: HashMap<ReqId, (SocketId, PathBuf)>,
    /// The page's recv(0) calls not yet answered: their b'' reads nothing, it ends
    /// nothing (the console answers recv(0) itself, as CPython does).
    nothing_asked: std::collections::HashSet<ReqId>,
    /// The window's own fields as typed (socket fields are in each socket's form).
    pub inputs: Inputs,
    /// What happened the last time the journal was saved.
    pub journal_status: Option<String>,
    /// Memory cap of each new socket's traffic log.
    pub traffic_cap: usize,
    /// What persists between runs: recent addresses, the library, the history, the cap.
    pub settings: Settings,
    /// Why the settings could not be saved, if they could not.
    pub settings_status: Option<String>,
    /// What the last library import or export said.
    pub library_status: Option<String>,
    /// Bytes offered to each send() still running, to show how many the kernel took.
    offered: HashMap<ReqId, (&'static str, usize)>,
    /// A listener's Respond calls, until their Done: then its open connections are told.
    respond_after: HashMap<ReqId, (SocketId, crate::engine::Op)>,
    /// What applying events asks to be done next (dispatched with the frame's actions).
    pub followups: Vec<Action>,
    /// The address of each bind, connect or sendto still running: remembered among the
    /// recent ones (bind's apart from the peers') only once it worked.
    addr_asked: HashMap<ReqId, (crate::ui::settings::Recent, String)>,
    /// The settings window is open.
    pub settings_open: bool,
    /// A workspace read and waiting for the engine to make its sockets (the first
    /// start's too).
    pub pending_open: Option<(
        crate::ui::workspace::Workspace,
        crate::ui::workspace::restore::Origin,
    )>,
    /// The settings changed in a way worth writing at once (the last workspace: a window
    /// closed without its exit save must still reopen it).
    pub(crate) save_settings_now: bool,
    /// The first start's client, until it is connected (then selected, with the hint).
    pub first_client: Option<crate::engine::SocketId>,
    /// The first start's client and the hint shown for it, until it no longer holds.
    pub first_hinted: Option<(crate::engine::SocketId, String)>,
    /// A workspace whose sockets are being made.
    pub restore: Option<crate::ui::workspace::restore::Restore>,
    /// The machine's interfaces and their addresses (read off the window's thread at
    /// start; None until then).
    pub interfaces: Option<Vec<crate::sys::Interface>>,
    /// What the last workspace save or open said.
    pub workspace_status: Option<String>,
    /// The workspace file being read (a failure there is not reopened at start).
    pub(crate) workspace_reading: Option<PathBuf>,
    /// The system's time zone, looked up when the state is made.
    pub zone: crate::timefmt::Zone,
    /// The session's origin as a wall time (the story's, when its first event happened):
    /// every view's relative times count from it, so one message reads the same time on
    /// its connection's page, its listener's and in the diagrams.
    pub traffic_origin: Option<std::time::SystemTime>,
    /// The sockets list's order, for the socket count and newest id it was made for
    /// (sockets are only ever added, so those two say whether it is still right).
    tree_cache: std::cell::RefCell<TreeCache>,
    /// Every socket's last counters summed, kept as snapshots arrive: the top bar shows
    /// them every frame, and summing every socket each frame grows with their number.
    totals: Counters,
    /// Each listener's accepted connections, by id (kept as sockets
    /// are made and forgotten): a frame looks up a listener's few instead of walking every
    /// socket, whose views a flood's draining has pushed out of the caches.
    children: BTreeMap<SocketId, Vec<SocketId>>,
    /// The sockets with a countdown after their close (TIME_WAIT's), for the same reason.
    afterlives: std::collections::BTreeSet<SocketId>,
    /// The Python consoles (each its session, transcript and line); the second is shown
    /// beside the first when `split`.
    pub consoles: [crate::ui::console::Console; 2],
    /// Two consoles side by side: a server in one, its client in the other.
    pub split: bool,
    /// What the bottom panel shows.
    pub bottom: Bottom,
    /// The calls, bytes and states of every socket in order, for the diagrams.
    pub story: crate::ui::story::Story,
    /// What the centre shows: the selected socket's page, or a drawing of its connection.
    pub centre: Centre,
    /// The send or recv whose bytes the diagram shows (socket, traffic row).
    pub diagram_pick: Option<(SocketId, u64)>,
    /// Capturing TCP segments on loopback for the diagram (started when it is first shown).
    pub capture: CaptureState,
    /// The diagram last built, for what it was built from: a frame redraws it without
    /// going over the story again while nothing changed.
    diagram_cache: std::cell::RefCell<Option<DiagramCache>>,
    /// Who talks to whom, and each selection's lanes, as of the ends and peers they were
    /// worked out from (each is a pass over every socket; the diagrams ask every frame).
    pub(crate) talks_cache: std::cell::RefCell<crate::ui::diagram::TalksCache>,
    /// How many sockets are closed, as of an ends_version (the list's "remove closed"
    /// button says it every frame; a pass over a thousand sockets each time).
    closed_count: std::cell::Cell<Option<(u64, usize)>>,
    /// Counts what changes a diagram besides the story: names, sockets, addresses.
    pub(crate) layout_version: u64,
    /// Counts what changes where captured segments are placed: sockets, addresses, closes
    /// (apart from layout_version: a close does not change a diagram, and a flood of closing
    /// connections would rebuild it every frame).
    pub(crate) ends_version: u64,
    /// Sockets made so far (never less: a removed one stays counted), for the list's order.
    pub(crate) made: u64,
    /// The sockets segments are placed at, as of the ends_version it was worked out at.
    pub(crate) segment_ends: apply::SegmentEnds,
    /// Captured segments whose sockets' addresses are not known yet (a second at most).
    pub(crate) pending_segments: std::collections::VecDeque<crate::engine::capture::Segment>,
}

/// Whether the real segments can be drawn.
#[derive(Default)]
pub enum CaptureState {
    #[default]
    NotTried,
    On(crate::engine::capture::Capture),
    /// Why not (EPERM without root or CAP_NET_RAW).
    Refused(String),
}

/// The centre's pages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Centre {
    /// The selected socket's actions and traffic.
    #[default]
    Page,
    /// The sockets' calls on lanes, time going down, what travelled between them.
    Sequence,
    /// Each socket's states against the calls that moved it.
    Timeline,
    /// A connection's sends beside its recvs, over the same stream of bytes.
    Boundaries,
    /// The selected socket's readings over time.
    Graphs,
}

/// The bottom panel's two pages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Bottom {
    #[default]
    Journal,
    Console,
}

type Tree = std::sync::Arc<Vec<(SocketId, usize)>>;
type DiagramKey = (u64, u64, crate::i18n::Lang, Vec<SocketId>);

/// The diagram last built, what from, when, and how many frames in a row built it anew.
struct DiagramCache {
    key: DiagramKey,
    built: std::time::Instant,
    busy: u32,
    diagram: std::sync::Arc<crate::ui::diagram::Diagram>,
}

/// Under a flood the story changes every frame and building the diagram again each time
/// costs frames: after this many frames in a row that did, it is built at most once per
/// REBUILD_EVERY (the frame after that interval shows the latest).
const BUSY_FRAMES: u32 = 5;
const REBUILD_EVERY: std::time::Duration = std::time::Duration::from_millis(100);
type TreeCache = Option<((usize, Option<SocketId>, u64, u64), Tree)>;

impl Default for UiState {
    fn default() -> Self {
        UiState {
            lessons_open: false,
            inspector_open: true,
            lesson: None,
            lesson_queue: Default::default(),
            lesson_console: None,
            lesson_stopped: false,
            desktop_lang: crate::i18n::Lang::En,
            sockets: BTreeMap::new(),
            selected: None,
            journal: Journal::default(),
            select_on_create: Vec::new(),
            global_error: None,
            confirm_replace: None,
            writes: Default::default(),
            record_asked: HashMap::new(),
            nothing_asked: Default::default(),
            inputs: Inputs::default(),
            journal_status: None,
            traffic_cap: super::traffic::DEFAULT_CAP,
            settings_open: false,
            pending_open: None,
            interfaces: None,
            first_client: None,
            first_hinted: None,
            save_settings_now: false,
            restore: None,
            workspace_status: None,
            workspace_reading: None,
            zone: crate::timefmt::Zone::system(),
            traffic_origin: None,
            settings: Settings::default(),
            library_status: None,
            settings_status: None,
            offered: HashMap::new(),
            respond_after: HashMap::new(),
            followups: Vec::new(),
            addr_asked: HashMap::new(),
            tree_cache: std::cell::RefCell::new(None),
            totals: Counters::default(),
            children: BTreeMap::new(),
            afterlives: Default::default(),
            consoles: [
                crate::ui::console::Console::numbered(0),
                crate::ui::console::Console::numbered(1),
            ],
            split: false,
            story: Default::default(),
            centre: Centre::default(),
            diagram_pick: None,
            capture: CaptureState::default(),
            pending_segments: Default::default(),
            segment_ends: Default::default(),
            diagram_cache: std::cell::RefCell::new(None),
            talks_cache: Default::default(),
            closed_count: Default::default(),
            layout_version: 0,
            ends_version: 0,
            made: 0,
            bottom: Bottom::default(),
        }
    }
}

impl UiState {
    /// The sequence diagram of these lanes, built again only when the story, a name, a
    /// socket, an address or the language changed since the last frame; while only the
    /// story keeps changing frame after frame, at most once per REBUILD_EVERY. When only
    /// the story changed, the last diagram is extended (the rows of the beats told since
    /// are made, the others kept). With the diagram, when to draw again for the latest
    /// (None: it is the latest).
    pub fn diagram(
        &self,
        lanes: &[SocketId],
    ) -> (
        std::sync::Arc<crate::ui::diagram::Diagram>,
        Option<std::time::Duration>,
    ) {
        let key = (
            self.story.version(),
            self.layout_version,
            crate::i18n::current(),
            lanes.to_vec(),
        );
        let now = std::time::Instant::now();
        let mut busy = 0;
        // Only beats changed: the last diagram's rows are kept and the new ones added.
        let mut story_only = false;
        if let Some(c) = &mut *self.diagram_cache.borrow_mut() {
            if c.key == key {
                c.busy = 0;
                return (c.diagram.clone(), None);
            }
            story_only = (c.key.1, c.key.2, &c.key.3) == (key.1, key.2, &key.3);
            if story_only {
                let since = now.saturating_duration_since(c.built);
                if c.busy >= BUSY_FRAMES && since < REBUILD_EVERY {
                    return (c.diagram.clone(), Some(REBUILD_EVERY - since));
                }
                busy = c.busy + 1;
            }
        }
        // The last one's room, when no frame holds it any more.
        let mut diagram = self
            .diagram_cache
            .borrow_mut()
            .take()
            .and_then(|c| std::sync::Arc::into_inner(c.diagram))
            .unwrap_or_default();
        if story_only {
            crate::ui::diagram::extend(self, &self.story, lanes, &mut diagram);
        } else {
            crate::ui::diagram::build_into(self, &self.story, lanes, &mut diagram);
        }
        let diagram = std::sync::Arc::new(diagram);
        *self.diagram_cache.borrow_mut() = Some(DiagramCache {
            key,
            built: now,
            busy,
            diagram: diagram.clone(),
        });
        (diagram, None)
    }

    /// How many of the sockets are closed (kept until a socket comes, closes or goes).
    pub fn closed_count(&self) -> usize {
        if let Some((at, n)) = self.closed_count.get() {
            if at == self.ends_version {
                return n;
            }
        }
        let n = self.sockets.values().filter(|s| s.closed).count();
        self.closed_count.set(Some((self.ends_version, n)));
        n
    }

    /// A state starting from saved settings.
    pub fn with_settings(settings: Settings) -> UiState {
        // Read now, not in a frame: the window says it from then on.
        let _ = crate::engine::inspect::SynRetries::of_kernel();
        UiState {
            traffic_cap: settings.traffic_cap_bytes(),
            inputs: Inputs {
                cap_text: settings.traffic_cap_mib.to_string(),
                workspace_path: settings.last_workspace.clone().unwrap_or_default(),
                ..Inputs::default()
            },
            settings,
            ..UiState::default()
        }
    }

    /// The language the window speaks: the one chosen, else the desktop's.
    pub fn lang(&self) -> crate::i18n::Lang {
        self.settings.lang.unwrap_or(self.desktop_lang)
    }

    pub fn selected_view(&self) -> Option<&SockView> {
        self.selected.and_then(|id| self.sockets.get(&id))
    }

    /// Whether the socket is a stream (TCP, a Unix stream); unknown ones count as one.
    pub fn is_stream(&self, id: SocketId) -> bool {
        self.sockets
            .get(&id)
            .is_none_or(|s| s.info.kind == crate::engine::Kind::Stream)
    }

    pub fn name_of(&self, id: SocketId) -> String {
        self.sockets
            .get(&id)
            .map_or_else(|| format!("#{}", id.0), |s| s.info.name.clone())
    }

    /// Listeners first with their accepted connections under them, in creation order; made
    /// again only when sockets were added (the list is drawn every frame).
    pub fn tree(&self) -> Tree {
        // A close moves a row (ends_version counts closes, among others).
        let key = (
            self.sockets.len(),
            self.sockets.keys().next_back().copied(),
            self.ends_version,
            self.made,
        );
        if let Some((k, t)) = &*self.tree_cache.borrow() {
            if *k == key {
                return t.clone();
            }
        }
        let t = std::sync::Arc::new(self.make_tree());
        *self.tree_cache.borrow_mut() = Some((key, t.clone()));
        t
    }

    fn make_tree(&self) -> Vec<(SocketId, usize)> {
        let mut children: HashMap<SocketId, Vec<SocketId>> = HashMap::new();
        for (id, s) in &self.sockets {
            if let Some(p) = s.info.parent.filter(|p| self.sockets.contains_key(p)) {
                children.entry(p).or_default().push(*id);
            }
        }
        // Open sockets first, then those closed with all their connections, each part in
        // the order made: an old closed srv does not sit above the srv in use now. A
        // socket that closed stays where it was until a newer one is made (a row moving
        // as it closes would leave the pointer over another).
        let sunk = |c: &SocketId| {
            let s = &self.sockets[c];
            s.closed && s.closed_made.is_none_or(|n| self.made > n)
        };
        let mut out = Vec::with_capacity(self.sockets.len());
        let mut done = Vec::new();
        for (id, s) in &self.sockets {
            if s.info.parent.is_some_and(|p| self.sockets.contains_key(&p)) {
                continue;
            }
            let mut kids = children.get(id).cloned().unwrap_or_default();
            // Under a listener too, its open connections above its closed ones.
            kids.sort_by_key(sunk);
            let closed = sunk(id) && kids.iter().all(sunk);
            let to = if closed { &mut done } else { &mut out };
            to.push((*id, 0));
            to.extend(kids.iter().map(|c| (*c, 1)));
        }
        out.extend(done);
        out
    }

    /// The name of the listener (of this window) whose accept queue holds this client's
    /// connection: the kernel completed its handshake, and no accept() has taken it yet
    /// (connected as far as the client can tell).
    pub fn queued_in(&self, id: SocketId) -> Option<&str> {
        use crate::engine::{Kind, SockState};
        use crate::ui::diagram::meets;
        let s = self.sockets.get(&id)?;
        if s.closed
            || s.info.parent.is_some()
            || s.info.kind != Kind::Stream
            || s.state() != SockState::Connected
        {
            return None;
        }
        let (local, peer) = (s.local()?, s.peer()?);
        let listener = self.sockets.values().find(|l| {
            !l.closed
                && l.state() == SockState::Listening
                && l.local().is_some_and(|a| meets(a, peer))
                && l.snapshot
                    .as_ref()
                    .is_some_and(|x| x.accept_queue.iter().any(|p| meets(local, p)))
        })?;
        // Its last reading of the queue may be older than the accept() that took it.
        let taken = self
            .children(listener.info.id)
            .any(|c| c.last_peer().is_some_and(|p| meets(local, p)));
        (!taken).then_some(listener.info.name.as_str())
    }

    /// A listener's connections that are still open.
    pub fn open_children(&self, listener: SocketId) -> Vec<SocketId> {
        self.children(listener)
            .filter(|s| !s.closed)
            .map(|s| s.info.id)
            .collect()
    }

    /// The connections `listener` accepted, open or closed, by id (the order they were
    /// made).
    pub fn children(&self, listener: SocketId) -> impl Iterator<Item = &SockView> + '_ {
        self.children
            .get(&listener)
            .into_iter()
            .flatten()
            .filter_map(|c| self.sockets.get(c))
    }

    /// A socket made: filed under its listener.
    fn file_child(&mut self, id: SocketId, parent: Option<SocketId>) {
        if let Some(p) = parent {
            let ids = self.children.entry(p).or_default();
            // (Ids come in order; one that did not still goes to its place.)
            let at = ids.partition_point(|c| *c < id);
            if ids.get(at) != Some(&id) {
                ids.insert(at, id);
            }
        }
    }

    /// Sockets forgotten: their places in the indexes go with them.
    fn unfile_forgotten(&mut self) {
        let sockets = &self.sockets;
        self.children.retain(|_, ids| {
            ids.retain(|c| sockets.contains_key(c));
            !ids.is_empty()
        });
        self.afterlives.retain(|c| sockets.contains_key(c));
    }

    /// Bytes and messages of every socket together.
    pub fn totals(&self) -> Counters {
        self.totals
    }

    /// Whether a call is still running (a countdown needs redrawing).
    pub fn has_countdown(&self) -> bool {
        self.journal.has_countdown()
    }

    /// Whether a closed connection's TIME_WAIT is counting down (once a second).
    pub fn afterlife_ticking(&self) -> bool {
        self.afterlife_next_change().is_some()
    }

    /// When the first of the TIME_WAIT countdowns shown changes its seconds; a quarter of a
    /// second at the soonest (many countdowns a few milliseconds apart would otherwise wake
    /// an idle window as often as frames come).
    pub fn afterlife_next_change(&self) -> Option<std::time::Duration> {
        let now = std::time::Instant::now();
        self.afterlives
            .iter()
            .filter_map(|id| {
                self.sockets
                    .get(id)?
                    .after_close
                    .as_ref()?
                    .next_change_at(now)
            })
            .min()
            .map(|d| d.max(std::time::Duration::from_millis(250)))
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
    use crate::engine::{AddrSpec, Event, Family, Snapshot, SockState};
    use std::time::Instant;

    /// A flood changes the story every frame: after BUSY_FRAMES frames that each built
    /// the diagram, the next ones keep it and say when to draw the latest; once the
    /// interval has passed it is built again, and a quiet frame ends the throttle.
    #[test]
    fn a_diagram_changing_every_frame_is_built_at_most_once_per_interval() {
        let st = UiState::default();
        let lanes = [SocketId(1)];
        let (mut last, again) = st.diagram(&lanes);
        assert!(again.is_none());
        let mut st = st;
        let change = |st: &mut UiState| {
            st.story.bytes(
                SocketId(1),
                crate::engine::Direction::In,
                crate::ui::story::Moved::stream(crate::engine::Direction::In, 1),
                0,
            )
        };
        for _ in 0..BUSY_FRAMES {
            change(&mut st);
            let (d, again) = st.diagram(&lanes);
            assert!(again.is_none(), "built while the run is short");
            assert!(!std::sync::Arc::ptr_eq(&d, &last));
            last = d;
        }
        change(&mut st);
        let (d, again) = st.diagram(&lanes);
        assert!(std::sync::Arc::ptr_eq(&d, &last), "kept under the flood");
        assert!(again.is_some_and(|a| a <= REBUILD_EVERY));
        // Connections closing meanwhile change where segments go, not the diagram: still
        // kept (a flood of closes must not rebuild it every frame).
        let ends = st.ends_version;
        st.apply(Event::Closed { id: SocketId(7) });
        change(&mut st);
        assert!(st.ends_version > ends);
        let (d, _) = st.diagram(&lanes);
        assert!(std::sync::Arc::ptr_eq(&d, &last), "kept after a close");
        // The interval passed: the latest is built.
        if let Some(c) = st.diagram_cache.borrow_mut().as_mut() {
            c.built -= REBUILD_EVERY;
        }
        let (d, again) = st.diagram(&lanes);
        assert!(again.is_none() && !std::sync::Arc::ptr_eq(&d, &last));
        // Nothing new: the same one, and the next change is built at once.
        let (same, _) = st.diagram(&lanes);
        assert!(std::sync::Arc::ptr_eq(&same, &d));
        change(&mut st);
        let (fresh, again) = st.diagram(&lanes);
        assert!(again.is_none() && !std::sync::Arc::ptr_eq(&fresh, &d));
    }

    /// TIME_WAIT's seconds count from the kernel's reading, whole seconds cut as `ss -o`
    /// cuts them, and the window wakes as each one goes (it had counted from the frame that
    /// drew the reading, rounded up, once a second: up to two seconds more than `ss`).
    #[test]
    fn time_waits_seconds_are_the_kernels_as_ss_says_them() {
        let mut st = UiState::default();
        st.apply(created(1, None));
        let read = Instant::now() - std::time::Duration::from_millis(600);
        st.apply(Event::Afterlife {
            id: SocketId(1),
            state: Some(crate::engine::inspect::TcpState::TimeWait),
            time_left: Some(std::time::Duration::from_millis(57_900)),
            at: read,
        });
        let after = st.sockets[&SocketId(1)].after_close.clone().unwrap();
        // 57.3 s left as the reading was applied.
        let now = read + std::time::Duration::from_millis(600);
        assert_eq!(after.short_at(now), "TIME_WAIT 57 s");
        // It says 56 in 0.3 s: woken then, not in a second.
        let next = after.next_change_at(now).unwrap();
        assert_eq!(next, std::time::Duration::from_millis(305));
        let soonest = st.afterlife_next_change().expect("a countdown runs");
        assert!(
            soonest >= std::time::Duration::from_millis(250),
            "{soonest:?}"
        );
        assert!(st.afterlife_ticking());
    }

    /// A listener's connections are found through the index kept as they are made, in id
    /// order whatever order they came in, and leave it when they are forgotten.
    #[test]
    fn a_listeners_connections_are_filed_under_it() {
        let mut st = UiState::default();
        for (id, parent) in [
            (1, None),
            (3, Some(1)),
            (2, Some(1)),
            (4, Some(9)),
            (5, None),
        ] {
            st.apply(created(id, parent));
        }
        let ids = |st: &UiState, l: u64| -> Vec<u64> {
            st.children(SocketId(l)).map(|c| c.info.id.0).collect()
        };
        assert_eq!(ids(&st, 1), [2, 3]);
        assert_eq!(ids(&st, 9), [4]);
        assert!(ids(&st, 5).is_empty());
        st.apply(Event::Closed { id: SocketId(2) });
        assert_eq!(st.open_children(SocketId(1)), [SocketId(3)]);
        let (engine, _events) = crate::engine::Engine::start(Default::default(), || {});
        st.dispatch(&engine, Action::Forget { id: None });
        assert_eq!(ids(&st, 1), [3]);
        assert_eq!(st.children[&SocketId(1)], [SocketId(3)]);
    }

    /// Once forgotten, a connection that was in TIME_WAIT says its TIME_WAIT ended; one
    /// that never was (the side closed second) says it had none.
    #[test]
    fn a_forgotten_connection_says_whether_its_time_wait_ended() {
        use crate::engine::inspect::TcpState;
        let mut st = UiState::default();
        for id in [1, 2] {
            st.apply(created(id, None));
            st.apply(Event::Closed { id: SocketId(id) });
        }
        let after = |id: u64, state: Option<TcpState>, left: Option<u64>| Event::Afterlife {
            id: SocketId(id),
            state,
            time_left: left.map(std::time::Duration::from_secs),
            at: Instant::now(),
        };
        st.apply(after(1, Some(TcpState::TimeWait), Some(60)));
        st.apply(after(1, None, None));
        st.apply(after(2, Some(TcpState::LastAck), None));
        st.apply(after(2, None, None));
        let tip = |st: &UiState, id: u64| {
            let s = &st.sockets[&SocketId(id)];
            crate::ui::panels::sockets::row_tip(s, s.state(), None)
        };
        assert!(
            tip(&st, 1).contains("its TIME_WAIT has ended"),
            "{}",
            tip(&st, 1)
        );
        assert!(
            tip(&st, 2).contains("no TIME_WAIT on this side"),
            "{}",
            tip(&st, 2)
        );
    }

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
            at: Instant::now(),
            elapsed: std::time::Duration::ZERO,
        }
    }

    /// A socket() in the journal took what the engine measured, not the frames the window
    /// took to hear of it.
    #[test]
    fn a_new_sockets_journal_line_says_how_long_the_call_took() {
        let mut st = UiState::default();
        let req = crate::engine::ReqId(9);
        st.journal.push(req, None, "NEW = socket.socket()".into());
        let took = std::time::Duration::from_micros(123);
        let Event::Created { info, at, .. } = created(1, None) else {
            unreachable!()
        };
        st.apply(Event::Created {
            info,
            req: Some(req),
            at,
            elapsed: took,
        });
        let e = st.journal.iter().find(|e| e.line == "s1 = socket.socket()");
        assert_eq!(e.map(|e| e.elapsed), Some(Some(took)));
    }

    /// One clock: a message's relative time in the traffic views is the diagrams' (from
    /// the session's first event), not counted from the first row; a clear keeps it.
    #[test]
    fn the_traffic_views_and_the_diagrams_count_from_one_origin() {
        let mut st = UiState::default();
        let five = std::time::Duration::from_secs(5);
        let Event::Created {
            info, req, elapsed, ..
        } = created(1, None)
        else {
            unreachable!()
        };
        let made = Instant::now().checked_sub(five).unwrap();
        st.apply(Event::Created {
            info,
            req,
            at: made,
            elapsed,
        });
        st.apply(Event::Data {
            id: SocketId(1),
            chunk: crate::engine::Chunk {
                direction: crate::engine::Direction::In,
                data: b"hi".as_slice().into(),
                len: 2,
                peer: None,
                datagram: false,
                cut: 0,
                tls: false,
                call: "recv",
                at: std::time::SystemTime::now(),
                _permit: None,
            },
        });
        assert_eq!(st.story.origin, Some(made));
        let origin = st.traffic_origin.expect("the traffic's origin");
        let before_row = std::time::SystemTime::now().duration_since(origin).unwrap();
        assert!(before_row >= five, "counted from {before_row:?} ago");
        // Cleared, the diagram's times go on from the same origin as the traffic's.
        st.story.clear();
        assert_eq!(st.story.origin, Some(made));
        assert_eq!(st.traffic_origin, Some(origin));
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
        // A closed listener stays up while a connection of its is open...
        st.apply(Event::Closed { id: SocketId(1) });
        assert_eq!(ids(&st.tree()), [(1, 0), (3, 1), (2, 0)]);
        // ...and where it was once that closes too, not moved under the pointer...
        st.apply(Event::Closed { id: SocketId(3) });
        assert_eq!(ids(&st.tree()), [(1, 0), (3, 1), (2, 0)]);
        // ...until a socket is made: then below the open sockets, with it, the new one
        // before it (an old closed srv stays under the new one).
        st.apply(created(4, None));
        assert_eq!(ids(&st.tree()), [(2, 0), (4, 0), (1, 0), (3, 1)]);
        // Under an open listener, its open connections come before its closed ones, once
        // a socket was made after the close.
        st.apply(created(5, Some(2)));
        st.apply(created(6, Some(2)));
        st.apply(Event::Closed { id: SocketId(5) });
        assert_eq!(
            ids(&st.tree()),
            [(2, 0), (5, 1), (6, 1), (4, 0), (1, 0), (3, 1)]
        );
        st.apply(created(7, Some(2)));
        assert_eq!(
            ids(&st.tree()),
            [(2, 0), (6, 1), (7, 1), (5, 1), (4, 0), (1, 0), (3, 1)]
        );
        // A removed socket stays counted: the newest closing and then going does not bring
        // older closed ones back up.
        let mut st = UiState::default();
        st.apply(created(1, None));
        st.apply(created(2, None));
        st.apply(Event::Closed { id: SocketId(1) });
        st.apply(created(3, None));
        assert_eq!(ids(&st.tree()), [(2, 0), (3, 0), (1, 0)]);
        st.apply(Event::Closed { id: SocketId(3) });
        st.sockets.remove(&SocketId(3));
        st.ends_version += 1;
        assert_eq!(ids(&st.tree()), [(2, 0), (1, 0)]);
    }

    #[test]
    fn files_are_written_off_the_frame_and_said_when_done() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("traffic.csv");
        let (engine, _events) = crate::engine::Engine::start(Default::default(), || {});
        let mut st = UiState::default();
        st.apply(created(1, None));
        let s = st.sockets.get_mut(&SocketId(1)).unwrap();
        s.form.export_path = path.display().to_string();
        st.dispatch(
            &engine,
            Action::Export {
                id: SocketId(1),
                kind: ExportKind::Csv,
                replace: crate::ui::files::Replace::No,
            },
        );
        // The dispatch only handed the write over.
        let status = |st: &UiState| {
            st.sockets[&SocketId(1)]
                .export_status
                .clone()
                .unwrap_or_default()
        };
        assert!(
            status(&st).starts_with("saving the traffic log as CSV"),
            "{}",
            status(&st)
        );
        assert!(st.writes.busy());
        let until = Instant::now() + std::time::Duration::from_secs(20);
        while st.writes.busy() {
            assert!(Instant::now() < until, "the export never ended");
            st.files_tick();
            std::thread::yield_now();
        }
        assert!(
            status(&st).starts_with("saved the traffic log as CSV"),
            "{}",
            status(&st)
        );
        assert!(std::fs::read_to_string(&path).unwrap().starts_with("time,"));
        engine.shutdown();
    }

    #[test]
    fn views_change_state_only_through_actions() {
        use crate::ui::traffic::{TrafficLog, TrafficRow};
        let (engine, _events) = crate::engine::Engine::start(Default::default(), || {});
        let mut st = UiState::default();
        st.apply(created(1, None));
        let id = SocketId(1);
        let row = |b: &[u8]| TrafficRow {
            at: std::time::SystemTime::now(),
            direction: crate::engine::Direction::In,
            len: b.len(),
            data: b.into(),
            peer: None,
            cut: 0,
            tls: false,
            via: None,
        };
        // A log that holds two rows at most.
        let s = st.sockets.get_mut(&id).unwrap();
        s.traffic = TrafficLog::with_cap(2 * (crate::ui::traffic::ROW_COST + 8));
        for b in [b"first", b"secnd"] {
            s.traffic.push(row(b));
        }
        let seq = s.traffic.seq_of(1);
        st.dispatch(&engine, Action::ToggleRow { id, seq });
        // The first row is evicted: the open dump stays on the row that was clicked.
        st.sockets.get_mut(&id).unwrap().traffic.push(row(b"third"));
        let s = &st.sockets[&id];
        assert_eq!(s.traffic.get(0).map(|r| &r.data[..]), Some(&b"secnd"[..]));
        let open = s.expanded.and_then(|q| s.traffic.by_seq(q));
        assert_eq!(open.map(|r| &r.data[..]), Some(&b"secnd"[..]));

        st.dispatch(&engine, Action::TimeOfDay { on: true });
        assert_eq!(
            st.settings.time_format,
            crate::ui::settings::TimeFormat::Local
        );
        st.dispatch(
            &engine,
            Action::TimeFormat {
                format: crate::ui::settings::TimeFormat::Utc,
            },
        );
        // The traffic view's toggle keeps UTC as the time of day it shows.
        st.dispatch(&engine, Action::TimeOfDay { on: true });
        assert_eq!(
            st.settings.time_format,
            crate::ui::settings::TimeFormat::Utc
        );
        st.dispatch(&engine, Action::TimeOfDay { on: false });
        assert_eq!(
            st.settings.time_format,
            crate::ui::settings::TimeFormat::Relative
        );
        let payload = crate::ui::sending::SavedPayload {
            name: "ping".into(),
            payload: "ping".into(),
            ..Default::default()
        };
        st.dispatch(&engine, Action::SaveToLibrary { payload });
        assert_eq!(st.settings.library.len(), 1);
        st.dispatch(
            &engine,
            Action::RemoveFromLibrary {
                name: "ping".into(),
            },
        );
        assert!(st.settings.library.is_empty());
        engine.shutdown();
    }

    fn snapshot(id: u64, bytes_in: u64, msgs_out: u64) -> Event {
        Event::Snapshot {
            id: SocketId(id),
            snapshot: Box::new(Snapshot {
                state: SockState::Connected,
                at_close: false,
                local: None,
                peer: None,
                had_peer: None,
                connecting_to: None,
                timeout: crate::engine::Timeout::Blocking,
                kernel_nonblocking: false,
                options: Vec::new(),
                tcp: None,
                recv_queue: None,
                send_queue: None,
                recv_buffer: None,
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
                half_open: Vec::new(),
                recording: None,
                groups: Vec::new(),
                tls: None,
                shut: Default::default(),
            }),
            _permit: None,
        }
    }

    /// The lanes a diagram draws are kept between frames, and follow what changes them:
    /// a datagram from a socket of the window makes it a lane (no address changed).
    #[test]
    fn the_lanes_follow_a_datagrams_peer() {
        let mut st = UiState::default();
        for (id, local) in [(1, "0.0.0.0:5000"), (2, "127.0.0.1:6000")] {
            st.apply(created(id, None));
            if let Some(s) = st.sockets.get_mut(&SocketId(id)) {
                s.info.kind = crate::engine::Kind::Dgram;
            }
            let mut ev = snapshot(id, 0, 0);
            if let Event::Snapshot { snapshot, .. } = &mut ev {
                snapshot.local = Some(crate::engine::Endpoint::V4(local.parse().unwrap()));
            }
            st.apply(ev);
        }
        let lanes = |st: &UiState| crate::ui::diagram::lanes(st, Some(SocketId(1)));
        assert_eq!(lanes(&st), [SocketId(1)]);
        assert_eq!(lanes(&st), [SocketId(1)], "kept");
        let from = crate::engine::Endpoint::V4("127.0.0.1:6000".parse().unwrap());
        st.story.bytes(
            SocketId(1),
            crate::engine::Direction::In,
            crate::ui::story::Moved {
                len: 3,
                datagram: true,
                peer: Some(from),
                call: "recvfrom",
                cut: 0,
            },
            0,
        );
        assert_eq!(lanes(&st), [SocketId(1), SocketId(2)]);
    }

    /// A batch of datagrams is told as its recvfrom() calls would be, one by one: each a row
    /// of the log and a beat at its place in the stream, each new sender a peer once; and
    /// the stream goes on from where the batch left it.
    #[test]
    fn a_batch_of_datagrams_is_told_as_its_calls_would_be() {
        use crate::engine::event::{DatagramItem, Datagrams};
        use crate::engine::{Chunk, Direction, Endpoint};
        let a = Endpoint::V4("127.0.0.1:6000".parse().unwrap());
        let b = Endpoint::V4("127.0.0.1:7000".parse().unwrap());
        // (length, sender: 0 a, 1 b) ; the third was cut by 2 bytes, the fifth is empty.
        let batch = |base: u8| {
            let lens = [3u32, 5, 4, 2, 0];
            let who = [0u32, 0, 1, 0, 1];
            let mut bytes = Vec::new();
            let mut items = Vec::new();
            for (i, (&len, &peer)) in lens.iter().zip(&who).enumerate() {
                items.push(DatagramItem {
                    start: bytes.len() as u32,
                    stored: len,
                    len,
                    cut: if i == 2 { 2 } else { 0 },
                    peer,
                });
                bytes.extend(std::iter::repeat_n(base + i as u8, len as usize));
            }
            Datagrams {
                bytes: std::sync::Arc::new(bytes),
                items,
                peers: vec![a.clone(), b.clone()],
                at: std::time::SystemTime::now(),
                _permit: None,
            }
        };
        // (Made when sent: the story places beats by when they happened.)
        let sent = || Chunk {
            direction: Direction::Out,
            data: vec![9; 4].into(),
            len: 4,
            peer: Some(a.clone()),
            datagram: true,
            cut: 0,
            tls: false,
            call: "sendto",
            at: std::time::SystemTime::now(),
            _permit: None,
        };
        let mut st = UiState::default();
        st.apply(created(1, None));
        let id = SocketId(1);
        st.apply(Event::Datagrams {
            id,
            batch: batch(10),
        });
        st.apply(Event::Data { id, chunk: sent() });
        st.apply(Event::Datagrams {
            id,
            batch: batch(20),
        });
        // Each datagram's beat, in order, at its offset in the stream.
        let told: Vec<_> = st
            .story
            .beats()
            .filter_map(|beat| match &beat.what {
                crate::ui::story::What::Bytes {
                    dir,
                    len,
                    offset,
                    peer,
                    row,
                    cut,
                    ..
                } => Some((*dir, *len, *offset, peer.clone(), *row, *cut)),
                _ => None,
            })
            .collect();
        let (i, o) = (Direction::In, Direction::Out);
        let (pa, pb) = (Some(a.clone()), Some(b.clone()));
        assert_eq!(
            told,
            [
                (i, 3, 0, pa.clone(), 0, 0),
                (i, 5, 3, pa.clone(), 1, 0),
                (i, 4, 8, pb.clone(), 2, 2),
                (i, 2, 12, pa.clone(), 3, 0),
                (i, 0, 14, pb.clone(), 4, 0),
                (o, 4, 0, pa.clone(), 5, 0),
                (i, 3, 14, pa.clone(), 6, 0),
                (i, 5, 17, pa.clone(), 7, 0),
                (i, 4, 22, pb.clone(), 8, 2),
                (i, 2, 26, pa.clone(), 9, 0),
                (i, 0, 28, pb.clone(), 10, 0),
            ]
        );
        assert_eq!(st.story.peers(id), [a.clone(), b.clone()]);
        // And each a row of the log, with its own bytes and sender.
        let log = &st.sockets[&id].traffic;
        assert_eq!(log.len(), 11);
        let row = log.get(7).unwrap();
        assert_eq!(
            (&row.data[..], &row.peer),
            (&[21u8; 5][..], &pb.clone().and(pa))
        );
        assert_eq!(log.get(8).unwrap().cut, 2);
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
