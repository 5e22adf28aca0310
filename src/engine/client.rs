//! The one way to talk to the engine and wait: send a command, wait for its answer, and
//! keep the events that arrived meanwhile, in order, for whoever asks next. The
//! interpreter, `socklab serve`, the tests and the benchmark all go through it; the window
//! drains the events itself, once a frame, and never waits.

use std::collections::VecDeque;
use std::time::Instant;

use crossbeam_channel::Receiver;

use super::command::{Create, Op, ReqId, SocketId};
use super::errors::OpError;
use super::event::{Event, Reply, Snapshot, SocketInfo};
use super::{Engine, EngineConfig};

/// Which events passed over while waiting are kept for later.
pub type Keep = fn(&Event) -> bool;

/// Everything but snapshots: each holds its socket's one snapshot permit, and a newer one
/// follows anyway.
pub fn all_but_snapshots(e: &Event) -> bool {
    !matches!(e, Event::Snapshot { .. })
}

/// A blocking client of one engine.
pub struct Client {
    engine: Engine,
    events: Receiver<Event>,
    kept: VecDeque<Event>,
    keep: Keep,
}

impl Client {
    /// An engine of its own (no wake callback: a client waits on the channel).
    pub fn start(config: EngineConfig) -> Client {
        let (engine, events) = Engine::start(config, || {});
        Client::new(engine, events)
    }

    pub fn new(engine: Engine, events: Receiver<Event>) -> Client {
        Client {
            engine,
            events,
            kept: VecDeque::new(),
            keep: all_but_snapshots,
        }
    }

    /// Keeps only the events `keep` accepts of those passed over while waiting (a client
    /// that never reads the others need not hold them).
    pub fn keeping(mut self, keep: Keep) -> Client {
        self.keep = keep;
        self
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The channel itself, for a consumer that drains it in bulk (after `take_kept`).
    pub fn events(&self) -> &Receiver<Event> {
        &self.events
    }

    /// The events kept so far, oldest first; they are the caller's now.
    pub fn take_kept(&mut self) -> VecDeque<Event> {
        std::mem::take(&mut self.kept)
    }

    /// Sends a command without waiting; its request id.
    pub fn send(&self, id: SocketId, op: Op) -> ReqId {
        let req = self.engine.next_req();
        self.engine.send(id, req, op);
        req
    }

    /// The first event, kept or new, that `pred` accepts (taken out); the others that
    /// arrive meanwhile are kept in order. None once the engine is gone or `until` passed.
    pub fn wait_for(
        &mut self,
        until: Option<Instant>,
        mut pred: impl FnMut(&Event) -> bool,
    ) -> Option<Event> {
        if let Some(i) = self.kept.iter().position(&mut pred) {
            return self.kept.remove(i);
        }
        loop {
            let ev = match until {
                Some(u) => self.events.recv_deadline(u).ok()?,
                None => self.events.recv().ok()?,
            };
            if pred(&ev) {
                return Some(ev);
            }
            if (self.keep)(&ev) {
                self.kept.push_back(ev);
            }
        }
    }

    /// The answer to `req`; None once the engine is gone or `until` passed.
    pub fn answer_until(
        &mut self,
        req: ReqId,
        until: Option<Instant>,
    ) -> Option<Result<Reply, OpError>> {
        let ev = self.wait_for(until, |e| {
            e.req() == Some(req) && matches!(e, Event::Done { .. } | Event::Failed { .. })
        })?;
        Some(match ev {
            Event::Done { reply, .. } => Ok(reply),
            Event::Failed { error, .. } => Err(error),
            _ => unreachable!("only answers are waited for"),
        })
    }

    /// The answer to `req`, however long it takes.
    pub fn answer(&mut self, req: ReqId, op: &'static str) -> Result<Reply, OpError> {
        self.answer_until(req, None)
            .unwrap_or_else(|| Err(gone(op)))
    }

    /// Runs `op` on a socket and waits for its answer.
    pub fn call(&mut self, id: SocketId, op: Op) -> Result<Reply, OpError> {
        let name = op.name();
        let req = self.send(id, op);
        self.answer(req, name)
    }

    /// Creates a socket (or connects one, for Create::Connection) and waits until it is
    /// there; what the engine says of it.
    pub fn create(&mut self, how: Create) -> Result<SocketInfo, OpError> {
        let connection = matches!(how, Create::Connection { .. });
        let op = if connection {
            "create_connection"
        } else {
            "socket"
        };
        let req = self.engine.next_req();
        self.engine.create(req, how);
        let first = self.wait_for(None, |e| {
            e.req() == Some(req) && matches!(e, Event::Created { .. } | Event::Failed { .. })
        });
        match first {
            Some(Event::Created { info, .. }) if connection => self.answer(req, op).map(|_| info),
            Some(Event::Created { info, .. }) => Ok(info),
            Some(Event::Failed { error, .. }) => Err(error),
            _ => Err(gone(op)),
        }
    }

    /// What the engine announced of a socket it made on its own (a connection a listener
    /// accepted announces itself before the answer that names it).
    pub fn created(&mut self, id: SocketId) -> Option<SocketInfo> {
        let pos = self
            .kept
            .iter()
            .position(|e| matches!(e, Event::Created { info, .. } if info.id == id))?;
        match self.kept.remove(pos) {
            Some(Event::Created { info, .. }) => Some(info),
            _ => None,
        }
    }

    /// A fresh snapshot of a socket, read after everything sent to it so far; with
    /// `so_error`, SO_ERROR is read too (which clears it). None once the engine is gone or
    /// `until` passed.
    pub fn inspect(
        &mut self,
        id: SocketId,
        so_error: bool,
        until: Option<Instant>,
    ) -> Option<Result<Snapshot, OpError>> {
        let req = self.send(id, Op::Inspect { so_error });
        let is_snapshot = |e: &Event| matches!(e, Event::Snapshot { id: i, .. } if *i == id);
        let mut last = None;
        // Snapshots are not kept while waiting: the last one before the answer is it.
        loop {
            match self.wait_for(until, |e| is_snapshot(e) || e.req() == Some(req))? {
                Event::Snapshot { snapshot, .. } => last = Some(*snapshot),
                Event::Failed { error, .. } => return Some(Err(error)),
                Event::Done { .. } => break,
                _ => {}
            }
        }
        if let Some(s) = last {
            return Some(Ok(s));
        }
        // The socket's one snapshot permit was out when Inspect ran: its snapshot follows.
        match self.wait_for(until, is_snapshot)? {
            Event::Snapshot { snapshot, .. } => Some(Ok(*snapshot)),
            _ => unreachable!("only snapshots are waited for"),
        }
    }

    /// Closes every socket and waits for the workers to end.
    pub fn shutdown(&self) {
        self.engine.shutdown();
    }
}

fn gone(op: &'static str) -> OpError {
    OpError::python(op, "OSError", "the socket engine stopped")
}
