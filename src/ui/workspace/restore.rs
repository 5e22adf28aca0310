//! Opening a workspace: each socket is made again with the calls a person would click,
//! each in the journal as the Python it is. Named first (so the journal says `srv.bind`),
//! then options, bind, listen, responder and auto modes; what connects waits until the
//! sockets it may connect to are listening (or have failed), so a client finds its server.
//! A call that fails shows on its socket's page as any other; the rest go on.

use std::path::PathBuf;

use crate::engine::{Engine, Op, ReqId, SockState, SocketId, Timeout};
use crate::t;
use crate::ui::state::{Action, UiState};

use super::{Place, SavedKind, SavedSocket, Workspace};

/// Where the workspace being opened came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// socklab's first start: an echo server and its client.
    FirstStart,
    File(PathBuf),
    /// A client's connection ended and it is made again (Action::Reconnect).
    Reconnect,
}

/// A workspace being opened.
#[derive(Debug)]
pub struct Restore {
    pub origin: Origin,
    plans: Vec<Plan>,
    /// Sockets that kept the engine's name, theirs being taken here already.
    renamed: usize,
    /// When it began: a socket still waiting for its peer after PEER_WAIT connects no more.
    began: std::time::Instant,
}

/// How long a socket that connects waits for the workspace's listeners to be ready.
const PEER_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// A status line's length at most: notes are added to it (a hostile file could add many).
const MAX_STATUS: usize = 2000;

#[derive(Debug)]
struct Plan {
    saved: SavedSocket,
    /// The socket() call's request, until its socket is known.
    req: ReqId,
    id: Option<SocketId>,
    stage: Stage,
    /// Its bind address was not one (said on its page): it is as bound as it will get.
    refused: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// socket() is asked for.
    Creating,
    /// Its name is asked for (answered at once).
    Naming,
    /// A listener's bind is asked for: it listens once bound, not if the bind fails (a
    /// listen() without it would take every interface).
    Binding,
    /// Bound, listening... asked for; a socket that connects waits for its peer.
    Placed,
    Done,
    /// socket() itself failed (the window's error says why).
    Failed,
}

/// What opening did, once every socket is made.
#[derive(Clone, Debug, PartialEq)]
pub struct Opened {
    pub origin: Origin,
    /// Sockets made, and asked for.
    pub made: usize,
    pub asked: usize,
    /// Sockets whose calls failed somewhere (their pages say where).
    pub failed: usize,
    /// The socket that connected first (the first start selects it), else the first made.
    pub main: Option<SocketId>,
    /// Sockets that kept the engine's name, theirs being taken here.
    pub renamed: usize,
}

impl UiState {
    /// Starts making `ws`'s sockets (alongside any already there) and adds its payloads
    /// to the library; `open_tick` carries it on as answers come.
    pub fn open_workspace(&mut self, engine: &Engine, ws: Workspace, origin: Origin) {
        let mut plans = Vec::with_capacity(ws.sockets.len());
        for saved in ws.sockets.into_iter().take(super::MAX_SOCKETS) {
            let req = self.new_socket(engine, saved.family.family(), saved.kind.kind(), false);
            plans.push(Plan {
                saved,
                req,
                id: None,
                stage: Stage::Creating,
                refused: false,
            });
        }
        let (added, kept) = self.merge_library(ws.library);
        if added + kept > 0 {
            self.library_status = Some(t!("workspace-file-library", added = added, kept = kept));
        }
        self.restore = Some(Restore {
            origin,
            plans,
            renamed: 0,
            began: std::time::Instant::now(),
        });
    }

    /// A socket() the opening asked for was answered (from `apply`).
    pub(crate) fn restore_created(&mut self, req: ReqId, id: Option<SocketId>) {
        if let Some(r) = &mut self.restore {
            if let Some(p) = r.plans.iter_mut().find(|p| p.req == req && p.id.is_none()) {
                match id {
                    Some(id) => p.id = Some(id),
                    None => p.stage = Stage::Failed,
                }
            }
        }
    }

    /// Carries the opening on as far as the engine's answers allow; what it did once
    /// every socket is made.
    pub fn open_tick(&mut self, engine: &Engine) -> Option<Opened> {
        let mut r = self.restore.take()?;
        // Renamed last made first, once every socket is made (their Created events may come
        // in different frames): the engine takes back only the last number it gave (s2,
        // then s1), so the window's next socket is s1, not s3 or s2 beside no s1.
        let all_made = (r.plans.iter()).all(|p| p.id.is_some() || p.stage == Stage::Failed);
        let mut renames = Vec::new();
        for i in 0..r.plans.len() {
            let (stage, id) = (r.plans[i].stage, r.plans[i].id);
            let Some(id) = id else { continue };
            // Closed (by a person, or a failed call that closes it): nothing more to ask.
            let gone = self.sockets.get(&id).is_none_or(|s| s.closed);
            match stage {
                Stage::Creating if !all_made => {}
                Stage::Creating => {
                    let saved = r.plans[i].saved.clone();
                    self.fill_form(id, &saved);
                    // A socket of this opening may hold the saved name for a moment only:
                    // the engine's numbers can be the file's names (s1 saved, s1 given to
                    // another socket of the file before it was renamed).
                    let taken = saved.name.as_deref().is_some_and(|n| {
                        holds_for_good(&self.sockets, &r.plans, n, id, &mut Vec::new())
                    });
                    if taken {
                        r.renamed += 1;
                    }
                    match saved.name.filter(|_| !taken) {
                        Some(name) => {
                            renames.push((id, name));
                            r.plans[i].stage = Stage::Naming;
                        }
                        None => {
                            let (stage, refused) = self.place(engine, id, &r.plans[i].saved);
                            (r.plans[i].stage, r.plans[i].refused) = (stage, refused);
                        }
                    }
                }
                Stage::Naming => {
                    let named = self
                        .sockets
                        .get(&id)
                        .is_some_and(|s| Some(&s.info.name) == r.plans[i].saved.name.as_ref());
                    let refused = self
                        .sockets
                        .get(&id)
                        .is_some_and(|s| s.last_error.is_some());
                    if named || gone || refused {
                        let (stage, refused) = self.place(engine, id, &r.plans[i].saved);
                        (r.plans[i].stage, r.plans[i].refused) = (stage, refused);
                    }
                }
                Stage::Binding => {
                    let s = self.sockets.get(&id);
                    let bound = s
                        .and_then(|s| s.local())
                        .is_some_and(|l| l.port() != Some(0) && !l.is_unnamed());
                    let failed =
                        s.is_some_and(|s| s.last_error.as_ref().is_some_and(|e| e.op == "bind"));
                    if gone || failed {
                        self.say(id, t!("workspace-file-not-listening"));
                        r.plans[i].stage = Stage::Done;
                    } else if bound {
                        r.plans[i].stage = self.listen(engine, id, &r.plans[i].saved);
                    }
                }
                Stage::Placed => {
                    if gone {
                        r.plans[i].stage = Stage::Done;
                    } else if r.began.elapsed() > PEER_WAIT {
                        self.say(
                            id,
                            t!("workspace-file-peer-late", secs = PEER_WAIT.as_secs()),
                        );
                        r.plans[i].stage = Stage::Done;
                    } else if let Some(to) = self.peer_ready(&r, i) {
                        match to {
                            Ok(addr) => self.connect(engine, id, &r.plans[i].saved, addr),
                            Err(why) => self.say(id, why),
                        }
                        r.plans[i].stage = Stage::Done;
                    }
                }
                Stage::Done | Stage::Failed => {}
            }
        }
        renames.sort_by_key(|(id, _)| std::cmp::Reverse(*id));
        for (id, name) in renames {
            self.dispatch(
                engine,
                Action::Call {
                    id,
                    op: Op::Rename { name },
                },
            );
        }
        let finished = r
            .plans
            .iter()
            .all(|p| matches!(p.stage, Stage::Done | Stage::Failed));
        if !finished {
            self.restore = Some(r);
            return None;
        }
        let made: Vec<SocketId> = r.plans.iter().filter_map(|p| p.id).collect();
        let failed = r.plans.iter().filter(|p| p.stage == Stage::Failed).count()
            + made
                .iter()
                // A call refused, or a note of the opening's on its page.
                .filter(|id| {
                    self.sockets
                        .get(id)
                        .is_none_or(|s| s.last_error.is_some() || s.status.is_some())
                })
                .count();
        let main = r
            .plans
            .iter()
            .find(|p| p.saved.connect.is_some() && p.id.is_some())
            .and_then(|p| p.id)
            .or_else(|| made.first().copied());
        Some(Opened {
            origin: r.origin,
            made: made.len(),
            asked: r.plans.len(),
            failed,
            main,
            renamed: r.renamed,
        })
    }

    /// The page's fields say what the workspace holds (and saving again keeps it).
    fn fill_form(&mut self, id: SocketId, saved: &SavedSocket) {
        let Some(s) = self.sockets.get_mut(&id) else {
            return;
        };
        if let Some((h, p)) = saved.bind.as_ref().and_then(Place::fields) {
            (s.form.bind_host, s.form.bind_port) = (h, p);
        }
        if let Some((h, p)) = saved.connect.as_ref().and_then(Place::fields) {
            (s.form.peer_host, s.form.peer_port) = (h, p);
        }
        if let Some(b) = saved.listen {
            s.form.backlog = b.to_string();
        }
        if let Some(r) = &saved.responder {
            s.form.responder = r.name.clone();
            s.form.serve = r.options();
        }
        if let Some(m) = saved.max_clients {
            s.form.max_clients = m.to_string();
        }
        if let Some(t) = saved.timeout {
            s.form.timeout = t.to_string();
        }
        if let Some(b) = saved.bufsize {
            s.form.bufsize = b.to_string();
        }
        if let Some(p) = &saved.payload {
            s.form.load(p);
        }
        if let Some(t) = &saved.tls {
            s.form.tls = t.form();
        }
        if let Some(r) = &saved.repeat {
            s.form.repeat = r.form();
        }
    }

    /// Options, bind, listen, responder, auto modes; the stage it is in after them, and
    /// whether its bind address was refused.
    fn place(&mut self, engine: &Engine, id: SocketId, saved: &SavedSocket) -> (Stage, bool) {
        let mut refused = false;
        let family = saved.family.family();
        // A listener made again binds its port again at once, though the connections it
        // had (closed as the window ended) wait out TIME_WAIT there: SO_REUSEADDR, as a
        // server that restarts sets it (in the journal like every call), unless the file
        // says otherwise.
        let mut options = saved.options.clone();
        if saved.listen.is_some() && saved.family != super::SavedFamily::Unix {
            options.entry("SO_REUSEADDR".to_string()).or_insert(1);
        }
        for (name, value) in &options {
            match crate::engine::options::find(name) {
                Some(spec) => self.dispatch(
                    engine,
                    Action::SetOption {
                        id,
                        name: spec.name,
                        value: *value,
                    },
                ),
                None => self.say(
                    id,
                    t!("workspace-file-unknown-option", name = name.as_str()),
                ),
            }
        }
        let mut ops = Vec::new();
        if let Some(b) = &saved.bind {
            match b.spec(family) {
                Ok(addr) => ops.push(Op::Bind { addr }),
                Err(why) => {
                    refused = true;
                    self.say(
                        id,
                        t!("workspace-file-bad-address", call = "bind", why = why),
                    )
                }
            }
        }
        let binding = !ops.is_empty();
        for op in ops {
            self.dispatch(engine, Action::Call { id, op });
        }
        if saved.listen.is_some() {
            if binding {
                return (Stage::Binding, refused);
            }
            if refused {
                self.say(id, t!("workspace-file-not-listening"));
                return (Stage::Done, refused);
            }
        }
        (self.listen(engine, id, saved), refused)
    }

    /// Listens (if it listens), then connects or settles: the stage it is in after.
    fn listen(&mut self, engine: &Engine, id: SocketId, saved: &SavedSocket) -> Stage {
        if let Some(backlog) = saved.listen {
            self.dispatch(
                engine,
                Action::Call {
                    id,
                    op: Op::Listen { backlog },
                },
            );
            if saved.max_clients.is_some() {
                self.dispatch(
                    engine,
                    Action::Call {
                        id,
                        op: Op::LimitClients {
                            max: saved.max_clients,
                        },
                    },
                );
            }
        }
        if saved.connect.is_some() {
            return Stage::Placed;
        }
        self.settle(engine, id, saved);
        Stage::Done
    }

    /// What a socket does once placed (and connected, if it connects).
    fn settle(&mut self, engine: &Engine, id: SocketId, saved: &SavedSocket) {
        let mut ops: Vec<Op> = saved
            .groups
            .iter()
            .map(|g| Op::JoinMulticast {
                group: g.group.clone(),
                interface: g.interface.clone(),
            })
            .collect();
        // TLS first: a client's handshake once connected, before its timeout is set (the
        // handshake waits as the window's sockets do); a listener's server side before its
        // first connection is accepted.
        if let Some(t) = saved.tls.as_ref().filter(|t| !t.row_only) {
            let fits = if t.server {
                saved.listen.is_some()
            } else {
                saved.connect.is_some() && saved.kind == SavedKind::Stream
            };
            match t.form().spec() {
                Ok(spec) if fits => {
                    // Said, as the row's own warning says it: nothing checks the server.
                    if !t.server && t.verify == crate::ui::state::TlsVerify::Off {
                        self.say(id, t!("workspace-file-tls-unverified"));
                    }
                    ops.push(Op::StartTls { spec });
                }
                Ok(_) => self.say(id, t!("workspace-file-tls-where")),
                Err(why) => self.say(id, why),
            }
        }
        if let Some(r) = &saved.responder {
            match crate::serve::build(&r.name, &r.options()) {
                Ok(spec) => ops.push(Op::Respond {
                    responder: Some(spec),
                }),
                Err(e) => self.say(id, e.to_string()),
            }
        }
        if saved.auto_accept && saved.listen.is_some() {
            ops.push(Op::AutoAccept {
                on: true,
                receive: true,
            });
        } else if saved.auto_receive {
            // The page's bufsize (1024 unless saved), as auto-receive ticked there reads.
            ops.push(Op::AutoReceive {
                on: true,
                bufsize: saved.bufsize.unwrap_or(1024).clamp(1, 1 << 20),
            });
        }
        if let Some(t) = saved.timeout {
            match crate::engine::command::python_seconds(t) {
                Ok(x) => ops.push(Op::SetTimeout {
                    timeout: Timeout::from_secs(Some(x)),
                }),
                Err((class, msg)) => self.say(
                    id,
                    t!("state-settimeout-would-raise", class = class, msg = msg),
                ),
            }
        }
        for op in ops {
            self.dispatch(engine, Action::Call { id, op });
        }
    }

    fn connect(
        &mut self,
        engine: &Engine,
        id: SocketId,
        saved: &SavedSocket,
        addr: crate::engine::AddrSpec,
    ) {
        // The page's peer fields say where it connected (another socket's address too).
        if let Some(s) = self.sockets.get_mut(&id) {
            let unix = matches!(addr, crate::engine::AddrSpec::Unix { .. });
            (s.form.peer_host, s.form.peer_port) =
                crate::ui::settings::fields(&crate::ui::settings::entry(&addr), unix);
        }
        self.dispatch(
            engine,
            Action::Call {
                id,
                op: Op::Connect { addr },
            },
        );
        self.settle(engine, id, saved);
    }

    /// Where plan `i` connects, once it may: None while a socket of the workspace it may
    /// connect to is still being set up; the address, or why there is none.
    fn peer_ready(&self, r: &Restore, i: usize) -> Option<Result<crate::engine::AddrSpec, String>> {
        let saved = &r.plans[i].saved;
        let family = saved.family.family();
        let target = saved.connect.as_ref()?;
        // Sockets that connect nowhere are set up first: any of them may be the peer.
        // Its own calls sent (Placed: it connects too, maybe to this one) and answered.
        let settled = |p: &Plan| match (p.stage, p.id) {
            (Stage::Failed, _) => true,
            (_, None) => false,
            (stage, Some(id)) => {
                let Some(s) = self.sockets.get(&id) else {
                    return true;
                };
                if s.closed {
                    return true;
                }
                let bound = s.local().is_some_and(|l| l.port() != Some(0));
                let ready = (p.saved.listen.is_none() || s.state() == SockState::Listening)
                    && (p.saved.bind.is_none() || bound || p.refused);
                // A call of its that failed, or an address refused: as far as it will get.
                matches!(stage, Stage::Placed | Stage::Done)
                    && (ready || s.last_error.is_some() || p.refused)
            }
        };
        match target {
            Place::Socket { socket } => {
                let Some(p) = r
                    .plans
                    .iter()
                    .find(|p| p.saved.name.as_deref() == Some(socket.as_str()))
                else {
                    return Some(Err(t!(
                        "workspace-file-no-such-socket",
                        name = socket.as_str()
                    )));
                };
                if !settled(p) {
                    return None;
                }
                let local = p
                    .id
                    .and_then(|id| self.sockets.get(&id))
                    .filter(|s| {
                        !s.closed && (p.saved.listen.is_none() || s.state() == SockState::Listening)
                    })
                    .and_then(|s| s.local())
                    .and_then(crate::engine::Endpoint::to_spec);
                Some(
                    local
                        .map(to_reach)
                        .ok_or_else(|| t!("workspace-file-peer-failed", name = socket.as_str())),
                )
            }
            place => {
                if !r
                    .plans
                    .iter()
                    .filter(|p| p.saved.connect.is_none())
                    .all(settled)
                {
                    return None;
                }
                Some(
                    place.spec(family).map_err(|why| {
                        t!("workspace-file-bad-address", call = "connect", why = why)
                    }),
                )
            }
        }
    }

    /// A note on a socket's page from the opening, after those said before.
    fn say(&mut self, id: SocketId, note: String) {
        if let Some(s) = self.sockets.get_mut(&id) {
            let line = s.status.get_or_insert_with(String::new);
            if line.len() + note.len() < MAX_STATUS {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(&note);
            }
        }
    }

    /// Adds the payloads whose names the library lacks; (added, kept as they were).
    fn merge_library(&mut self, payloads: Vec<crate::ui::sending::SavedPayload>) -> (usize, usize) {
        let (mut added, mut kept) = (0, 0);
        for p in payloads {
            if self.settings.library.iter().any(|l| l.name == p.name) {
                kept += 1;
            } else if self.settings.library.len() < crate::ui::sending::MAX_LIBRARY {
                self.settings.library.push(p);
                added += 1;
            } else {
                kept += 1;
            }
        }
        (added, kept)
    }
}

/// A listener bound to every interface is reached on loopback.
fn to_reach(a: crate::engine::AddrSpec) -> crate::engine::AddrSpec {
    use crate::engine::AddrSpec;
    match a {
        AddrSpec::Inet { host, port } if host == "0.0.0.0" => AddrSpec::Inet {
            host: "127.0.0.1".into(),
            port,
        },
        AddrSpec::Inet6 {
            host,
            port,
            flowinfo,
            scope_id,
        } if host == "::" => AddrSpec::Inet6 {
            host: "::1".into(),
            port,
            flowinfo,
            scope_id,
        },
        a => a,
    }
}

/// Whether a live socket other than `asking` holds `name` and will keep it: one outside
/// the opening does; one of the opening does unless it is going to its own saved name,
/// which it gets unless that is held for good in turn (a cycle of names is a swap: each
/// gets its own).
fn holds_for_good(
    sockets: &std::collections::BTreeMap<SocketId, crate::ui::state::SockView>,
    plans: &[Plan],
    name: &str,
    asking: SocketId,
    seen: &mut Vec<SocketId>,
) -> bool {
    let Some(holder) = sockets
        .values()
        .find(|s| !s.closed && s.info.id != asking && s.info.name == name)
    else {
        return false;
    };
    let holder = holder.info.id;
    let Some(plan) = plans.iter().find(|p| p.id == Some(holder)) else {
        return true;
    };
    match plan.saved.name.as_deref() {
        Some(own) if own != name => {
            if seen.contains(&holder) {
                return false;
            }
            seen.push(holder);
            holds_for_good(sockets, plans, own, holder, seen)
        }
        _ => true,
    }
}
