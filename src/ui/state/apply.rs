//! Engine events applied to the window's state: sockets appear and change, answers land
//! on their journal lines, traffic is logged, snapshots replace the last ones.

use crate::ui::files::Phrase;
use std::time::Instant;

use crate::engine::{Event, Op, Reply, SockState};
use crate::t;

use crate::ui::journal::{self};
use crate::ui::traffic::{Filter, RowIndex, TrafficLog, TrafficRow};

use super::*;

/// Responder notes kept per socket.
const MAX_NOTES: usize = 200;

impl UiState {
    /// Applies an engine event; the diagram places it when it happened, by the engine's
    /// time, not when the window heard of it.
    pub fn apply(&mut self, ev: Event) {
        // A call is placed where it began, before the packets it sends (a SYN, a FIN) and
        // the state it moves the socket to (bound, listening); one that waits for a peer
        // where it ended (an accept when the connection was taken, a recv when the bytes
        // or the end of the stream came).
        let began = |op: &str, at: &std::time::Instant, took: &std::time::Duration| {
            let waits = matches!(op, "accept") || crate::engine::command::receives(op);
            Some(if waits {
                *at
            } else {
                at.checked_sub(*took).unwrap_or(*at)
            })
        };
        // A connect that failed, where it ended: its error answers the SYN it sent (a
        // reset, or nothing), and is drawn after them. (Not one still under way.)
        let refused = |e: &crate::engine::OpError| {
            matches!(e.op, "connect" | "connect_ex" | "create_connection")
                && !matches!(e.errno(), Some(libc::EINPROGRESS | libc::EALREADY))
        };
        self.story.clock = match &ev {
            Event::Done {
                at,
                reply: Reply::Errno(e),
                ..
            } if refused(e) => Some(*at),
            Event::Done {
                op, at, elapsed, ..
            } => began(op, at, elapsed),
            Event::Failed { error, at, .. } if refused(error) => Some(*at),
            Event::Failed {
                error, at, elapsed, ..
            } => began(error.op, at, elapsed),
            Event::Created { at, .. } | Event::State { at, .. } | Event::Afterlife { at, .. } => {
                Some(*at)
            }
            Event::Data { chunk, .. } => self.story.instant_of(chunk.at),
            _ => None,
        };
        self.apply_event(ev);
        self.story.clock = None;
        // The traffic views' relative times count from the diagrams' origin (as a wall
        // time, the rows' own clock), from the first event on.
        if self.traffic_origin.is_none() {
            if let Some(o) = self.story.origin {
                self.traffic_origin = std::time::SystemTime::now().checked_sub(o.elapsed());
            }
        }
    }

    fn apply_event(&mut self, ev: Event) {
        match ev {
            Event::Created {
                info, req, elapsed, ..
            } => {
                let id = info.id;
                self.story.made(id, info.parent);
                self.layout_version += 1;
                self.ends_version += 1;
                self.made += 1;
                // A connection the window's own accept or auto-accept takes is the
                // journal's from its first event (its Done comes after its first notes).
                if let Some(p) = info.parent.filter(|p| self.journal.touched(*p)) {
                    let auto = self
                        .sockets
                        .get(&p)
                        .and_then(|l| l.snapshot.as_ref())
                        .is_some_and(|x| x.auto_accept);
                    if auto || self.journal.accepting(p) {
                        self.journal.touch(id);
                    }
                }
                if let Some(req) = req {
                    self.restore_created(req, Some(id));
                    if let Some(e) = self.journal.ended(req) {
                        e.line = e.line.replace("NEW", &info.name);
                        e.done = true;
                        e.elapsed = Some(elapsed);
                        self.journal.touch(id);
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
                let mut form = Form::new(info.family, &self.settings.bind_v4);
                // A connection answered by its listener's responder shows that responder
                // on its page (Answer there would otherwise put the default in its place).
                let listener = info.parent.and_then(|p| self.sockets.get(&p));
                if let Some((name, options)) = listener.and_then(|l| l.answering.as_ref()) {
                    form.responder.clone_from(name);
                    form.serve = options.clone();
                }
                // And reads and writes as its listener was set to: a GBK device's clients
                // each in GBK, in hex, with CRLF, as their server's page says.
                let show_hex = listener.is_some_and(|l| l.show_hex);
                if let Some(l) = listener {
                    form.encoding = l.form.encoding;
                    form.ending = l.form.ending;
                    form.check = l.form.check;
                    form.mode = l.form.mode;
                    form.bufsize.clone_from(&l.form.bufsize);
                }
                self.file_child(id, info.parent);
                self.sockets.insert(
                    id,
                    SockView {
                        form,
                        info,
                        snapshot: None,
                        traffic: TrafficLog::with_cap(self.traffic_cap),
                        filter: Filter::default(),
                        index: RowIndex::default(),
                        paused: None,
                        runs: None,
                        notes: Default::default(),
                        clients_note: None,
                        via: None,
                        job: None,
                        status: None,
                        export_status: None,
                        expanded: None,
                        file_check: None,
                        after_close: None,
                        merged: false,
                        merge_gap_ms: 0,
                        show_hex,
                        series: Default::default(),
                        asked: Default::default(),
                        bound: false,
                        answering: None,
                        tls_started: None,
                        ended_reads: 0,
                        ended_at: [None, None],
                        waiting: Vec::new(),
                        verdicts: (0, 0),
                        last_error: None,
                        closed: false,
                        closed_made: None,
                        state,
                    },
                );
            }
            Event::Done {
                id,
                req,
                op,
                reply,
                elapsed,
                at,
                args,
            } => {
                self.record_asked.remove(&req);
                if let Some((listener, op)) = self.respond_after.remove(&req) {
                    self.followups
                        .push(super::Action::RespondChildren { listener, op });
                }
                let nothing_asked = self.nothing_asked.remove(&req);
                if let Some(s) = self.sockets.get_mut(&id) {
                    if s.waiting.iter().any(|w| w.req == req) {
                        self.story.waited(id, op, elapsed, at);
                    }
                    s.waiting.retain(|w| w.req != req);
                    if op == "bind" {
                        s.bound = true;
                    }
                }
                self.tell_done(id, op, args, &reply, nothing_asked, at);
                // Only an address that worked is worth offering again (connect_ex
                // answers its failures as numbers).
                if let Some((list, entry)) = self.addr_asked.remove(&req) {
                    if !matches!(reply, Reply::Errno(_)) {
                        self.settings.remember_in(list, entry);
                    }
                }
                let conn_name = match &reply {
                    Reply::Accepted { conn, .. } => Some(self.name_of(*conn)),
                    _ => None,
                };
                let offered = self.offered.remove(&req);
                if let Some(s) = self.sockets.get_mut(&id) {
                    match (&reply, offered) {
                        (Reply::Int(n), Some((call, len))) if (*n as usize) < len => {
                            s.status = Some(t!(
                                "state-took-part",
                                call = call,
                                n = *n,
                                len = len,
                                rest = len - *n as usize
                            ));
                        }
                        (Reply::Int(n), Some((call, len))) => {
                            s.status = Some(t!("state-took-all", call = call, n = *n, len = len));
                        }
                        (Reply::Sent { progress, stopped }, _) => {
                            if s.job.as_ref().is_some_and(|j| j.req == req) {
                                s.job = None;
                            }
                            s.status = Some(crate::ui::sending::ended_text(progress, *stopped));
                        }
                        _ => {}
                    }
                }
                if let Some(e) = self.journal.ended(req) {
                    if let Some(n) = &conn_name {
                        e.line = format!("{n}, addr = {}", e.line);
                    }
                    e.result = journal::reply_text(&reply, conn_name.as_deref());
                    e.done = true;
                    e.elapsed = Some(elapsed);
                    e.deadline = None;
                    // The window's accept made it: the journal's, as its line says.
                    if let Reply::Accepted { conn, .. } = &reply {
                        self.journal.touch(*conn);
                    }
                }
                // A call that succeeds answers the failure of the same call only: with two
                // calls at once, a close's success must not hide why the recv it ended failed.
                // connect_ex's failure, answered as a number, is shown as one.
                if let Some(s) = self.sockets.get_mut(&id) {
                    if let Reply::Errno(e) = &reply {
                        // Two consoles may each have an `s`: the page says whose is meant.
                        let mut e = e.clone();
                        if self.split {
                            crate::ui::console::Makers::of(&self.consoles).name_for(None, &mut e);
                        }
                        s.last_error = Some(ErrorView::answered(&e, at, &self.zone));
                    } else if s.last_error.as_ref().is_some_and(|e| e.op == op) {
                        s.last_error = None;
                    }
                }
            }
            Event::Failed {
                id,
                req,
                error,
                elapsed,
                at,
                args,
            } => {
                if let Some(r) = req {
                    self.respond_after.remove(&r);
                }
                // Two consoles may each have an `s`: the page says whose holds the address.
                let mut error = error;
                if self.split {
                    crate::ui::console::Makers::of(&self.consoles).name_for(None, &mut error);
                }
                let view = ErrorView::from_error(&error, at, &self.zone);
                if let (None, Some(r)) = (id, req) {
                    // socket() itself failed.
                    self.restore_created(r, None);
                }
                if let Some(id) = id {
                    self.story
                        .call(id, error.op, args, error.python_line(), true);
                }
                if let Some(r) = req {
                    self.addr_asked.remove(&r);
                    self.nothing_asked.remove(&r);
                }
                if let Some(s) = id.and_then(|i| self.sockets.get_mut(&i)) {
                    if s.waiting.iter().any(|w| Some(w.req) == req) {
                        self.story.waited(s.info.id, error.op, elapsed, at);
                    }
                    s.waiting.retain(|w| Some(w.req) != req);
                    if let ("bind", Some(tried)) = (error.op, error.addr.as_deref()) {
                        s.form.tried_bind(s.info.family, tried);
                    }
                }
                if let Some((sid, path)) = req.and_then(|r| self.record_asked.remove(&r)) {
                    if error.errno() == Some(libc::EEXIST) {
                        let again = Action::Call {
                            id: sid,
                            op: Op::Record {
                                path: Some(path.clone()),
                                replace: true,
                            },
                        };
                        self.ask_replace(&path, Phrase::Received, again);
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
                if let Some(e) = req.and_then(|r| self.journal.ended(r)) {
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
            Event::Waiting {
                id,
                req,
                op,
                deadline,
            } => {
                if let Some(s) = self.sockets.get_mut(&id) {
                    // The same call made again (from a console, say) and waiting: its last
                    // failure is over, not shown under the wait as if both were now.
                    if s.last_error.as_ref().is_some_and(|e| e.op == op) {
                        s.last_error = None;
                    }
                    s.waiting.push(super::WaitingCall { req, op, deadline });
                }
                if let Some(e) = self.journal.running(req) {
                    e.deadline = deadline;
                }
            }
            Event::Data { id, chunk } => self.apply_chunks(id, std::iter::once(chunk)),
            // Each as its own recvfrom() would be, when it was received.
            Event::Datagrams { id, batch } => {
                // (A batch's datagrams share their time: converted once.)
                self.story.clock = self.story.instant_of(batch.at);
                self.apply_chunks(id, batch.iter());
            }
            Event::Skipped {
                id,
                direction,
                bytes,
                ..
            } => {
                // The stream goes on past the bytes not delivered: the next chunk's offset
                // counts them.
                self.story.skip(id, direction, bytes);
                let mut parent = None;
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.traffic.skipped_bytes += bytes;
                    parent = s.info.parent;
                }
                // Its listener's view gathers its rows: these are missing there too.
                if let Some(l) = parent.and_then(|p| self.sockets.get_mut(&p)) {
                    l.traffic.skipped_bytes += bytes;
                }
            }
            // Auto-accept is the window's (a console has none): its connections are the
            // journal's when their listener is.
            Event::Accepted { listener, conn, .. } => {
                if self.journal.touched(listener) {
                    self.journal.touch(conn);
                }
            }
            Event::Snapshot { id, snapshot, .. } => {
                if let Some(s) = self.sockets.get_mut(&id) {
                    let moved = s
                        .snapshot
                        .as_ref()
                        .is_none_or(|old| old.local != snapshot.local || old.peer != snapshot.peer);
                    if moved {
                        self.layout_version += 1;
                        self.ends_version += 1;
                        // An accepted connection's first address (however it was accepted,
                        // and whichever of its accept's answer and this came first): the
                        // segments placed on its listener until now, with no address to
                        // know it by, are its own.
                        if let (Some(listener), Some(peer)) = (s.info.parent, &snapshot.peer) {
                            self.story.claim_segments(listener, id, peer);
                        }
                    }
                    // A listener's queued clients are lanes of its diagram.
                    let queue_moved = s
                        .snapshot
                        .as_ref()
                        .is_some_and(|old| old.accept_queue != snapshot.accept_queue);
                    if queue_moved {
                        self.ends_version += 1;
                    }
                    s.series.record(Instant::now(), &snapshot);
                    s.state = snapshot.state;
                    let old = s.snapshot.as_ref().map(|x| x.counters).unwrap_or_default();
                    replace_in(&mut self.totals, old, snapshot.counters);
                    s.form.fill_from(s.snapshot.as_ref(), &snapshot);
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
            Event::Note { id, note } => {
                // A responder's verdict is a line of the journal, and the listener keeps
                // the tally.
                if let Some(passed) = note.verdict() {
                    let name = self.name_of(id);
                    let said = crate::ui::explain::note(&note);
                    self.remark(id, format!("# {name}: {said}"));
                    let tally = self
                        .sockets
                        .get(&id)
                        .and_then(|s| s.info.parent)
                        .unwrap_or(id);
                    if let Some(t) = self.sockets.get_mut(&tally) {
                        if passed {
                            t.verdicts.0 += 1;
                        } else {
                            t.verdicts.1 += 1;
                        }
                    }
                }
                // A request no rule answered is a line of the journal the first time on
                // each connection (a device's every unmatched message would drown it).
                if matches!(
                    note,
                    crate::engine::note::Note::NoRuleMatched { count: 1, .. }
                ) {
                    let name = self.name_of(id);
                    let said = crate::ui::explain::note(&note);
                    self.remark(id, format!("# {name}: {said}"));
                }
                // Python closed a socket another of its threads still waits on: said where
                // the close was typed, since the socket stays (and still listens).
                if matches!(note, crate::engine::note::Note::HeldByCall { .. }) {
                    let said = format!("{}: {}", self.name_of(id), crate::ui::explain::note(&note));
                    self.remark(id, format!("# {said}"));
                    for c in self.consoles.iter_mut().filter(|c| c.made(id)) {
                        c.say(&said);
                    }
                }
                let parent = self
                    .sockets
                    .get(&id)
                    .and_then(|s| Some((s.info.parent?, s.info.name.clone())));
                // The listener's page shows the latest of its connections' answers' reports
                // (not what the engine says of a closed one's afterlife).
                let answer = {
                    use crate::engine::note::Note;
                    matches!(
                        note,
                        Note::RuleFired { .. }
                            | Note::NoRuleMatched { .. }
                            | Note::HmacPassed { .. }
                            | Note::HmacFailed { .. }
                            | Note::NoChallenge { .. }
                    )
                };
                if let Some((p, name)) = parent.filter(|_| answer) {
                    if let Some(l) = self.sockets.get_mut(&p) {
                        l.clients_note = Some((name, note.clone()));
                    }
                }
                if let Some(s) = self.sockets.get_mut(&id) {
                    if s.notes.len() >= MAX_NOTES {
                        s.notes.pop_front();
                    }
                    s.notes.push_back(note);
                }
            }
            Event::Renamed { id, name } => {
                self.layout_version += 1;
                self.make_way_for(id, &name);
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.info.name = name;
                }
            }
            Event::Closed { id } => {
                // Whether an address is still unknown may change (not the diagram).
                self.ends_version += 1;
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.closed = true;
                    s.closed_made = Some(self.made);
                    s.waiting.clear();
                }
                self.numbered_if_named_again(id);
            }
            Event::State {
                id,
                from,
                to,
                cause,
                kernel,
                at,
                ..
            } => {
                self.story.state(id, from, to, cause);
                if kernel.is_some() {
                    self.story.kernel(id, kernel);
                }
                // A connect knocking at a listener is a lane of its diagram while it does.
                if from == SockState::Connecting || to == SockState::Connecting {
                    self.ends_version += 1;
                }
                // Now, not at the next snapshot.
                if let Some(s) = self.sockets.get_mut(&id) {
                    s.state = to;
                    if let Some(snap) = s.snapshot.as_mut() {
                        snap.state = to;
                    }
                    // "Not finished yet" stops being true when the connect ends.
                    if from == SockState::Connecting && to != SockState::Connecting {
                        if let Some(e) = s.last_error.as_mut().filter(|e| e.left_connecting()) {
                            let clock = super::view::clock_at(at, &self.zone);
                            let end = match to {
                                SockState::Connected | SockState::HalfClosed => {
                                    super::view::ConnectEnd::Connected
                                }
                                _ => super::view::ConnectEnd::NoConnection,
                            };
                            e.since = Some((end, clock));
                        }
                    }
                }
            }
            Event::Overlap {
                id, op, with_op, ..
            } => {
                let name = self.name_of(id);
                let said = t!("journal-overlap", name = &name, op = op, with = with_op);
                self.remark(id, format!("# {said}"));
            }
            Event::ClosedBy { id, why, responder } => {
                let name = self.name_of(id);
                let said = t!(
                    "journal-closed-by",
                    name = &name,
                    why = crate::ui::explain::hang_up(why),
                    responder = responder
                );
                self.remark(id, format!("# {said}"));
            }
            Event::Afterlife {
                id,
                state,
                time_left,
                at,
            } => {
                self.story.kernel(id, state);
                let name = self.name_of(id);
                let said = match (state, time_left) {
                    (None, _) => t!("journal-after-forgot", name = &name),
                    (Some(s), Some(left)) => t!(
                        "journal-after-for",
                        name = &name,
                        state = s.name(),
                        secs = left.as_secs().to_string()
                    ),
                    (Some(s), None) => t!("journal-after", name = &name, state = s.name()),
                };
                self.remark(id, format!("# {said}"));
                if let Some(s) = self.sockets.get_mut(&id) {
                    let was_time_wait = state == Some(crate::engine::inspect::TcpState::TimeWait)
                        || s.after_close.as_ref().is_some_and(|a| a.was_time_wait);
                    self.afterlives.insert(id);
                    s.after_close = Some(super::AfterClose {
                        state,
                        was_time_wait,
                        // From the kernel's reading, not from when the window drew it.
                        until: time_left.map(|t| at + t),
                    });
                }
            }
        }
    }

    /// Calls' chunks of one socket, in order (one, or a batch of datagrams): each a row of
    /// its log and a beat of the story. The socket and the stream's offset are looked up
    /// once for all of them; a flood's datagrams come 16 to a batch.
    fn apply_chunks(&mut self, id: SocketId, chunks: impl Iterator<Item = crate::engine::Chunk>) {
        let Some(s) = self.sockets.get_mut(&id) else {
            return;
        };
        let mut run: Option<crate::ui::story::Run> = None;
        // A listener's view gathers what its connections move, each row naming its
        // client; the bytes are shared, not copied.
        let mut gathered = Vec::new();
        for chunk in chunks {
            // The chunk's bytes move into the log (its budget permit is let go).
            let crate::engine::Chunk {
                at,
                direction,
                len,
                data,
                peer,
                datagram,
                cut,
                tls,
                call,
                ..
            } = chunk;
            let row = s.traffic.next_seq();
            let moved = crate::ui::story::Moved {
                len,
                datagram,
                peer: peer.clone(),
                call,
                cut,
            };
            let r = match run.take() {
                Some(r) if r.dir() == direction => r,
                other => {
                    if let Some(r) = other {
                        self.story.end(r);
                    }
                    self.story.run(id, direction)
                }
            };
            self.story.tell(run.insert(r), moved, row);
            let mut data = data;
            if s.info.parent.is_some() {
                let peer = s.last_peer().cloned();
                let name = &s.info.name;
                let via = s.via.get_or_insert_with(|| {
                    std::sync::Arc::new(crate::ui::traffic::Via {
                        id,
                        name: name.clone(),
                    })
                });
                gathered.push(TrafficRow {
                    at,
                    direction,
                    len,
                    data: data.share(),
                    peer,
                    cut,
                    tls,
                    via: Some(via.clone()),
                });
            }
            s.traffic.push(TrafficRow {
                at,
                direction,
                len,
                data,
                peer,
                cut,
                tls,
                via: None,
            });
        }
        if let Some(r) = run {
            self.story.end(r);
        }
        let parent = s.info.parent;
        if let Some(l) = parent.and_then(|p| self.sockets.get_mut(&p)) {
            for row in gathered {
                l.traffic.push(row);
            }
        }
    }

    /// A remark in the journal on a socket (what the kernel did on its own): only on the
    /// sockets the window made, called or accepted. A console's are in its transcript; the
    /// journal's script would not make them, so a remark on one there would speak of a
    /// socket it never had.
    fn remark(&mut self, id: SocketId, line: String) {
        if self.journal.touched(id) {
            self.journal.remark(Some(id), line);
        }
    }

    /// Another socket that went by `name` in the same program (the one a Python name held
    /// before it was given to another: `conn, addr = s.accept()` in a loop) is numbered, in
    /// the order they were made, so that no two rows or lanes read alike: conn (1),
    /// conn (2), then conn, the socket the name holds now. So is a closed one of any
    /// program; an open one of another console keeps its name, which its console uses.
    fn make_way_for(&mut self, id: SocketId, name: &str) {
        let same_program =
            |other: SocketId| self.consoles.iter().any(|c| c.made(id) && c.made(other));
        let before: Vec<SocketId> = self
            .sockets
            .iter()
            .filter(|(other, s)| {
                **other != id && s.info.name == name && (s.closed || same_program(**other))
            })
            .map(|(other, _)| *other)
            .collect();
        for other in before {
            self.number(other, name);
        }
    }

    /// A socket closing while an open one goes by its name (its program closed it after
    /// giving the name to another, whose rename came first) is numbered as make_way_for
    /// numbers it.
    fn numbered_if_named_again(&mut self, id: SocketId) {
        let Some(name) = self.sockets.get(&id).map(|s| s.info.name.clone()) else {
            return;
        };
        if self
            .sockets
            .iter()
            .any(|(other, s)| *other != id && !s.closed && s.info.name == name)
        {
            self.number(id, &name);
        }
    }

    fn number(&mut self, id: SocketId, name: &str) {
        let numbered = (1..)
            .map(|k| format!("{name} ({k})"))
            .find(|n| !self.sockets.values().any(|s| s.info.name == *n))
            .unwrap_or_default();
        if let Some(s) = self.sockets.get_mut(&id) {
            s.info.name = numbered;
        }
    }

    /// A call's end, as the diagrams tell it: bytes have beats of their own, so a data
    /// call is told only when it got nothing (the peer's end of stream).
    fn tell_done(
        &mut self,
        id: crate::engine::SocketId,
        op: &'static str,
        args: Option<Box<str>>,
        reply: &Reply,
        nothing_asked: bool,
        at: std::time::Instant,
    ) {
        let data_call =
            crate::engine::command::receives(op) || matches!(op, "send" | "sendall" | "sendto");
        use crate::ui::story::Empty;
        let result = match reply {
            // (recvfrom on a stream at its end gets nothing from nobody: an end too.)
            Reply::Bytes(data) | Reply::BytesFrom { data, .. } if data.is_empty() => {
                let view = self.sockets.get(&id);
                let stream = view.is_some_and(|s| s.info.kind == crate::engine::Kind::Stream);
                // Its own shutdown(SHUT_RD) is why, not the peer (which may have sent nothing
                // of a FIN). On a datagram socket only a b'' from nobody: an empty datagram
                // has its sender.
                let from_someone = matches!(reply, Reply::BytesFrom { from: Some(_), .. });
                let shut = !from_someone
                    && view
                        .and_then(|s| s.snapshot.as_ref())
                        .is_some_and(|x| x.shut.read);
                // (A datagram socket's too: after its SHUT_RD a blocking recv gets b''.)
                let empty = match (nothing_asked, stream, shut) {
                    (true, _, _) => Empty::NothingAsked,
                    (false, _, true) => Empty::ShutRead,
                    (false, true, false) => Empty::StreamEnded,
                    (false, false, false) => Empty::Datagram,
                };
                if matches!(empty, Empty::StreamEnded | Empty::ShutRead) {
                    if let Some(s) = self.sockets.get_mut(&id) {
                        s.ended_reads += 1;
                        s.ended_at = [s.ended_at[1], Some(at)];
                    }
                }
                self.story.got_nothing(id, op, empty);
                return;
            }
            _ if data_call => return,
            Reply::Accepted { conn, peer } => {
                let peer = crate::pyfmt::endpoint_repr(peer);
                self.story.accepted(id, *conn, peer);
                return;
            }
            // connect_ex's number, with its name: 111 (ECONNREFUSED).
            Reply::Errno(e) => {
                let n = e.errno().unwrap_or_default();
                format!("{n} ({})", crate::engine::errors::errno_name(n))
            }
            other => journal::reply_text(other, None).unwrap_or_default(),
        };
        self.story.call(id, op, args, result, false);
    }

    /// Segments captured since the last frame, into the story; the capture watches the
    /// ports of the window's TCP sockets. True while some wait for their sockets.
    pub fn take_segments(&mut self, events_waiting: bool) -> bool {
        let CaptureState::On(capture) = &self.capture else {
            return false;
        };
        match capture.status() {
            crate::engine::capture::Status::On => {
                if self.story.capturing_since.is_none() {
                    self.story.capturing_since = capture.began();
                }
            }
            crate::engine::capture::Status::Starting => return false,
            crate::engine::capture::Status::Refused { errno, why } => {
                self.capture = CaptureState::Refused(refusal(errno, &why));
                return false;
            }
        }
        // Gone over again only when a socket, an address or a close changed: a thousand
        // sockets are not, every frame.
        if self.segment_ends.at != Some(self.ends_version) {
            self.segment_ends = self.segment_ends();
            capture.watch(self.segment_ends.ports.iter().copied());
        }
        self.pending_segments.extend(capture.take());
        if self.pending_segments.is_empty() {
            return false;
        }
        let ends = std::mem::take(&mut self.segment_ends);
        // A socket whose events have not been read yet may be an end of a segment too.
        let unknown = events_waiting || ends.unknown;
        // In order; one whose ends are not both known yet waits (a snapshot with its
        // address is on its way), and those after it with it, a second at most (and no more
        // than MAX_WAITING of them: the oldest are placed as they are). When every socket's
        // address is known, an end not among them is another program's.
        while let Some(seg) = self.pending_segments.front() {
            let syn = seg.flags & crate::engine::capture::SYN != 0;
            let from = self.socket_at(&ends.by_ports, seg.src, seg.dst, seg.at, syn);
            let to = self.socket_at(&ends.by_ports, seg.dst, seg.src, seg.at, syn);
            let stale = !unknown
                || seg.at.elapsed() > std::time::Duration::from_secs(1)
                || self.pending_segments.len() > crate::engine::capture::MAX_WAITING;
            if (from.is_none() || to.is_none()) && !stale {
                break;
            }
            if let Some(seg) = self.pending_segments.pop_front() {
                self.story.segment(&seg, from, to);
            }
        }
        self.segment_ends = ends;
        !self.pending_segments.is_empty()
    }

    /// The window's sockets by their local and peer ports (a flood's segments each look up
    /// two ends, among as many as a thousand connections of one listener's port), the TCP
    /// ports the capture watches, and whether some stream socket's address is not known yet.
    fn segment_ends(&self) -> SegmentEnds {
        let mut by_ports = Ends::default();
        let mut ports = Vec::new();
        // A stream socket whose address is not known yet may be an end of a segment. (A
        // socket made and never used keeps segments to other programs waiting their
        // second: a connect of its may be what sent them.)
        let mut unknown = false;
        for s in self.sockets.values() {
            let snap = s.snapshot.as_ref();
            let local = snap.and_then(|n| n.local.as_ref());
            let a = local.and_then(crate::engine::Endpoint::inet);
            let ip = matches!(
                s.info.family,
                crate::engine::Family::Inet | crate::engine::Family::Inet6
            );
            // Port 0: not bound yet, so its connect() may be what sent the segment.
            let Some(a) = a.filter(|a| a.port() != 0) else {
                unknown |= ip && s.info.kind == crate::engine::Kind::Stream && !s.closed;
                continue;
            };
            if s.info.kind == crate::engine::Kind::Stream {
                ports.push(a.port());
            }
            let peer = snap
                .and_then(|n| n.peer.as_ref())
                .and_then(crate::engine::Endpoint::inet);
            by_ports
                .entry((a.port(), peer.map(|p| p.port())))
                .or_default()
                .push(s.info.id);
        }
        SegmentEnds {
            at: Some(self.ends_version),
            by_ports,
            ports,
            unknown,
        }
    }

    /// The window's TCP socket at `local` talking to `peer` at `at`: the connection
    /// itself, else the listener on `local` (the handshake's SYNs go to it, and all that
    /// comes before the window knows of the accepted connection: Story::claim_segments moves
    /// that on once it does).
    fn socket_at(
        &self,
        by_ports: &Ends,
        local: std::net::SocketAddr,
        peer: std::net::SocketAddr,
        at: std::time::Instant,
        syn: bool,
    ) -> Option<crate::engine::SocketId> {
        let mut listener = None;
        let near = [Some(peer.port()), None]
            .into_iter()
            .filter_map(|p| by_ports.get(&(local.port(), p)))
            .flatten();
        for s in near.filter_map(|id| self.sockets.get(id)) {
            let Some(snap) = &s.snapshot else { continue };
            let seen = crate::engine::Endpoint::from(local);
            if !snap
                .local
                .as_ref()
                .is_some_and(|l| crate::ui::diagram::meets(l, &seen))
            {
                continue;
            }
            match snap.peer.as_ref() {
                // An IPv4 peer of a dual-stack socket is ::ffff:127.0.0.1 to it.
                Some(p) if crate::ui::diagram::meets(p, &crate::engine::Endpoint::from(peer)) => {
                    // Its handshake's SYNs are the listener's; what came after them is
                    // the connection's, queued before accept() or not.
                    let accepted_later = syn
                        && s.info.parent.is_some()
                        && self.story.made_at(s.info.id).is_some_and(|m| m > at);
                    if !accepted_later {
                        return Some(s.info.id);
                    }
                }
                // Without a peer: a listener (a SYN before its accept) or a socket whose
                // connect is under way (its own SYN), a listener first. Not an accepted
                // connection whose peer went with a reset, nor a socket that failed or
                // closed: it keeps the listener's address, but a new client's handshake
                // is the listener's.
                None if s.info.kind == crate::engine::Kind::Stream
                    && s.info.parent.is_none()
                    && !s.closed
                    && s.state != SockState::Error
                    && (listener.is_none() || s.state == SockState::Listening) =>
                {
                    listener = Some(s.info.id);
                }
                _ => {}
            }
        }
        listener
    }
}

/// The window's sockets by (local port, peer port); the peer's None when not connected.
type Ends = std::collections::HashMap<(u16, Option<u16>), Vec<crate::engine::SocketId>>;

/// segment_ends(), as of an ends_version.
#[derive(Default)]
pub(crate) struct SegmentEnds {
    at: Option<u64>,
    by_ports: Ends,
    /// The stream sockets' local ports.
    ports: Vec<u16>,
    unknown: bool,
}

/// Why the capture is off, and what to do about it when something can be done.
pub fn refusal(errno: Option<i32>, why: &str) -> String {
    match errno {
        Some(libc::EPERM | libc::EACCES) => t!("state-capture-needs-root", why = why),
        _ => t!("state-capture-refused", why = why),
    }
}
