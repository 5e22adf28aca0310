//! A small driver for the engine in tests: send a call, wait (with a deadline) for its
//! answer, keep every other event for later questions; built on the engine's own Client.

use std::collections::VecDeque;
use std::time::Instant;

use crossbeam_channel::Receiver;
use socklab::engine::{
    AddrSpec, Chunk, Client, Create, Endpoint, Engine, EngineConfig, Event, Family, Kind, Op,
    OpError, OptValue, Reply, ReqId, Snapshot, SocketId,
};

use crate::common::{drain_hash, DEADLINE};

pub struct Driver {
    pub engine: Engine,
    pub client: Client,
    /// Chunks of batches (Event::Datagrams) passed over by wait_chunk, in order.
    chunks: VecDeque<(SocketId, Chunk)>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.engine.shutdown();
    }
}

impl Driver {
    pub fn new() -> Driver {
        Driver::with_config(EngineConfig::default())
    }

    pub fn with_config(config: EngineConfig) -> Driver {
        let client = Client::start(config);
        Driver {
            engine: client.engine().clone(),
            client,
            chunks: VecDeque::new(),
        }
    }

    /// A driver of an engine started elsewhere (with a wake callback, say).
    pub fn on(engine: Engine, events: Receiver<Event>) -> Driver {
        Driver {
            engine: engine.clone(),
            client: Client::new(engine, events),
            chunks: VecDeque::new(),
        }
    }

    /// The engine's events as they come (after the kept ones).
    pub fn events(&self) -> &Receiver<Event> {
        self.client.events()
    }

    /// The events kept while waiting for others, oldest first; taken.
    pub fn take_kept(&mut self) -> Vec<Event> {
        self.client.take_kept().into()
    }

    /// Waits for the first event (kept or new) that `pred` accepts, and removes it.
    pub fn wait_for(&mut self, what: &str, pred: impl FnMut(&Event) -> bool) -> Event {
        self.client
            .wait_for(Some(Instant::now() + DEADLINE), pred)
            .unwrap_or_else(|| panic!("no {what} within {DEADLINE:?}"))
    }

    /// Waits for the first chunk of socket `id` (kept or new, alone or in a batch of
    /// datagrams) that `pred` accepts, and removes it; its batch's other chunks are kept
    /// for later questions, in order.
    pub fn wait_chunk(
        &mut self,
        what: &str,
        id: SocketId,
        mut pred: impl FnMut(&Chunk) -> bool,
    ) -> Chunk {
        if let Some(i) = self.chunks.iter().position(|(s, c)| *s == id && pred(c)) {
            return self.chunks.remove(i).expect("a kept chunk").1;
        }
        let ev = self.wait_for(what, |e| {
            e.socket() == Some(id) && e.peek_chunks().iter().any(&mut pred)
        });
        let mut found = None;
        for c in ev.into_chunks() {
            if found.is_none() && pred(&c) {
                found = Some(c);
            } else {
                self.chunks.push_back((id, c));
            }
        }
        found.expect("the chunk the event was taken for")
    }

    pub fn wait_req(&mut self, req: ReqId) -> Result<Reply, OpError> {
        self.client
            .answer_until(req, Some(Instant::now() + DEADLINE))
            .unwrap_or_else(|| panic!("no answer within {DEADLINE:?}"))
    }

    pub fn start(&mut self, id: SocketId, op: Op) -> ReqId {
        self.client.send(id, op)
    }

    /// Starts a call and waits until the worker says it blocks (a recv with nothing to
    /// read, an accept with nobody connecting).
    pub fn start_blocked(&mut self, id: SocketId, op: Op) -> ReqId {
        let req = self.start(id, op);
        self.wait_for(
            "Waiting",
            |e| matches!(e, Event::Waiting { req: r, .. } if *r == req),
        );
        req
    }

    pub fn call(&mut self, id: SocketId, op: Op) -> Result<Reply, OpError> {
        let req = self.start(id, op);
        self.wait_req(req)
    }

    pub fn ok(&mut self, id: SocketId, op: Op) -> Reply {
        let what = op.name();
        self.call(id, op)
            .unwrap_or_else(|e| panic!("{what} failed: {e}"))
    }

    pub fn err(&mut self, id: SocketId, op: Op) -> OpError {
        let what = op.name();
        match self.call(id, op) {
            Ok(r) => panic!("{what} should fail, answered {r:?}"),
            Err(e) => e,
        }
    }

    /// A call that answers None in Python (bind, connect, listen, close...).
    fn unit(&mut self, id: SocketId, op: Op) {
        let what = op.name();
        let r = self.ok(id, op);
        assert_eq!(r, Reply::Unit, "{what} answered {r:?}");
    }

    pub fn bind(&mut self, id: SocketId, addr: AddrSpec) {
        self.unit(id, Op::Bind { addr });
    }

    /// Binds to the loopback address of `family` on a port the kernel picks; returns it.
    pub fn bind_loopback(&mut self, id: SocketId, family: Family) -> Endpoint {
        self.bind(id, loopback(family, 0));
        self.local(id)
    }

    pub fn connect(&mut self, id: SocketId, addr: AddrSpec) {
        self.unit(id, Op::Connect { addr });
    }

    pub fn listen(&mut self, id: SocketId, backlog: i32) {
        self.unit(id, Op::Listen { backlog });
    }

    /// accept(): the new connection and the peer's address.
    pub fn accept(&mut self, id: SocketId) -> (SocketId, Endpoint) {
        match self.ok(id, Op::Accept) {
            Reply::Accepted { conn, peer } => (conn, peer),
            other => panic!("accept answered {other:?}"),
        }
    }

    /// Continuous receive on, `bufsize` bytes a recv.
    pub fn auto_receive(&mut self, id: SocketId, bufsize: usize) {
        self.ok(id, Op::AutoReceive { on: true, bufsize });
    }

    pub fn close(&mut self, id: SocketId) {
        self.unit(id, Op::Close);
    }

    /// send(): the count the kernel took.
    pub fn send(&mut self, id: SocketId, data: &[u8]) -> i64 {
        self.int(
            id,
            Op::Send {
                data: data.to_vec(),
                flags: 0,
            },
        )
    }

    pub fn sendall(&mut self, id: SocketId, data: &[u8]) {
        self.unit(
            id,
            Op::SendAll {
                data: data.to_vec(),
                flags: 0,
            },
        );
    }

    /// sendto(): the count the kernel took.
    pub fn sendto(&mut self, id: SocketId, data: &[u8], addr: AddrSpec) -> i64 {
        self.int(
            id,
            Op::SendTo {
                data: data.to_vec(),
                flags: 0,
                addr,
            },
        )
    }

    /// recv(bufsize) with no flags.
    pub fn recv(&mut self, id: SocketId, bufsize: usize) -> Vec<u8> {
        bytes_of(self.ok(id, Op::Recv { bufsize, flags: 0 }))
    }

    pub fn set_int(&mut self, id: SocketId, level: i32, name: i32, value: i64) {
        self.unit(
            id,
            Op::SetSockOpt {
                level,
                name,
                value: OptValue::Int(value),
            },
        );
    }

    /// getsockopt(level, name) as an int.
    pub fn get_int(&mut self, id: SocketId, level: i32, name: i32) -> i64 {
        self.int(
            id,
            Op::GetSockOpt {
                level,
                name,
                buflen: None,
            },
        )
    }

    fn int(&mut self, id: SocketId, op: Op) -> i64 {
        let what = op.name();
        match self.ok(id, op) {
            Reply::Int(n) => n,
            other => panic!("{what} answered {other:?}"),
        }
    }

    pub fn create(&mut self, family: Family, kind: Kind) -> SocketId {
        let made = self.client.create(Create::New {
            family,
            kind,
            proto: 0,
        });
        made.unwrap_or_else(|e| panic!("socket() failed: {e}")).id
    }

    /// A UDP socket bound to 127.0.0.1 on a port the kernel picks, and that address.
    pub fn bound_udp(&mut self) -> (SocketId, std::net::SocketAddr) {
        let s = self.create(Family::Inet, Kind::Dgram);
        let Endpoint::V4(a) = self.bind_loopback(s, Family::Inet) else {
            panic!("a UDP socket bound to 127.0.0.1 has an IPv4 address")
        };
        (s, a.into())
    }

    pub fn local(&mut self, id: SocketId) -> Endpoint {
        match self.ok(id, Op::GetSockName) {
            Reply::Addr(a) => a,
            other => panic!("getsockname answered {other:?}"),
        }
    }

    pub fn peer(&mut self, id: SocketId) -> Endpoint {
        match self.ok(id, Op::GetPeerName) {
            Reply::Addr(a) => a,
            other => panic!("getpeername answered {other:?}"),
        }
    }

    /// A TCP listener on loopback port 0 and its address.
    pub fn listener(&mut self, family: Family) -> (SocketId, AddrSpec) {
        let s = self.create(family, Kind::Stream);
        let addr = self.bind_loopback(s, family);
        self.listen(s, 16);
        let addr = addr.to_spec().expect("an IP address");
        (s, addr)
    }

    /// A connected TCP pair: (client, accepted connection, listener).
    pub fn tcp_pair(&mut self, family: Family) -> (SocketId, SocketId, SocketId) {
        let (l, addr) = self.listener(family);
        let c = self.create(family, Kind::Stream);
        self.connect(c, addr);
        let (conn, _) = self.accept(l);
        (c, conn, l)
    }

    /// A fresh snapshot of the socket, read after every event so far.
    pub fn snapshot(&mut self, id: SocketId) -> Snapshot {
        self.inspect(id, false)
    }

    /// A fresh snapshot; with `so_error`, SO_ERROR is read too (which clears it).
    pub fn inspect(&mut self, id: SocketId, so_error: bool) -> Snapshot {
        match self
            .client
            .inspect(id, so_error, Some(Instant::now() + DEADLINE))
        {
            Some(Ok(s)) => s,
            Some(Err(e)) => panic!("inspect failed: {e}"),
            None => panic!("no snapshot within {DEADLINE:?}"),
        }
    }

    /// Asks for snapshots until `pred` holds (the kernel state changes on its own time).
    pub fn snapshot_until(
        &mut self,
        id: SocketId,
        what: &str,
        pred: impl Fn(&Snapshot) -> bool,
    ) -> Snapshot {
        let until = Instant::now() + DEADLINE;
        loop {
            let s = self.snapshot(id);
            if pred(&s) {
                return s;
            }
            assert!(
                Instant::now() < until,
                "{what} not seen within {DEADLINE:?}; last snapshot {s:?}"
            );
            std::thread::yield_now();
        }
    }
}

pub fn loopback(family: Family, port: u16) -> AddrSpec {
    match family {
        Family::Inet6 => AddrSpec::Inet6 {
            host: "::1".into(),
            port,
            flowinfo: 0,
            scope_id: 0,
        },
        _ => AddrSpec::Inet {
            host: "127.0.0.1".into(),
            port,
        },
    }
}

pub fn bytes_of(r: Reply) -> Vec<u8> {
    match r {
        Reply::Bytes(b) => b,
        Reply::BytesFrom { data, .. } => data,
        other => panic!("expected bytes, got {other:?}"),
    }
}

pub fn errno(e: &OpError) -> i32 {
    e.errno().unwrap_or_else(|| panic!("no errno in {e}"))
}

pub fn file_hash(path: &std::path::Path) -> (u64, [u8; 32]) {
    drain_hash(std::fs::File::open(path).unwrap())
}

/// Whether python3 runs here; under CI it must (a test that skips there proves nothing).
pub fn have_python() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "pass"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "under CI python3 must be installed"
        );
        println!("NOTICE: python3 is missing; this test is skipped");
    }
    ok
}
