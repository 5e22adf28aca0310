//! What a responder is to the engine: something that answers a connection or a datagram with
//! bytes, in the socket's own worker thread (so an echo costs no extra hop). The responders
//! themselves (echo, greet, HMAC, rules...) live in `serve`; the engine only runs them.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use super::addr::Endpoint;

/// Where a responder's message came from and where it is answered.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub peer: Option<Endpoint>,
    pub local: Option<Endpoint>,
    pub now: SystemTime,
}

/// What a responder asks the worker to do, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Out {
    /// Send these bytes (to the datagram's sender on a datagram socket).
    Send { data: Vec<u8> },
    /// Send this block again and again while the peer is there (chargen).
    Stream { block: Vec<u8> },
    /// Hold what follows for this long.
    Wait { delay: Duration },
    /// Close the connection once everything before it is sent.
    Close,
    /// Something worth a log line: a check passed, a rule fired.
    Note { note: super::note::Note },
}

/// One connection's (or one datagram socket's) responder.
pub trait Responder: Send {
    /// A connection opened (accepted by a listener the responder is attached to, or the
    /// responder was attached to a connected socket).
    fn on_open(&mut self, ctx: &Ctx) -> Vec<Out>;
    /// One received message: a recv() chunk of a stream, or one datagram.
    fn on_data(&mut self, data: &[u8], ctx: &Ctx) -> Vec<Out>;
    /// When the responder next wants `on_timer` (a challenge that must be answered in
    /// time); None: never.
    fn deadline(&self) -> Option<Instant> {
        None
    }
    /// Its deadline passed.
    fn on_timer(&mut self, _ctx: &Ctx) -> Vec<Out> {
        Vec::new()
    }
}

/// Makes a fresh responder for every connection (and for a datagram socket).
pub trait MakeResponder: Send + Sync {
    fn make(&self) -> Box<dyn Responder>;
    /// How the journal and logs name it: its name as `serve` and the window take it, with
    /// what sets it apart ("echo", "hmac (sha256)", "rules (3)"); code, in every language.
    fn describe(&self) -> String;
}

/// A responder kind, as commands carry it.
#[derive(Clone)]
pub struct ResponderSpec(pub Arc<dyn MakeResponder>);

impl ResponderSpec {
    pub fn new(m: impl MakeResponder + 'static) -> ResponderSpec {
        ResponderSpec(Arc::new(m))
    }
    pub fn make(&self) -> Box<dyn Responder> {
        self.0.make()
    }
    pub fn describe(&self) -> String {
        self.0.describe()
    }
}

impl std::fmt::Debug for ResponderSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ResponderSpec({})", self.describe())
    }
}

impl PartialEq for ResponderSpec {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
