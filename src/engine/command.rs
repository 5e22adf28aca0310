//! Commands the front ends send to a socket's worker.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::addr::{AddrSpec, Family, Kind};
use super::responder::ResponderSpec;

/// Identifies one socket for the engine's whole life (never reused).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocketId(pub u64);

/// Identifies one request, so a front end can match the answer to its call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReqId(pub u64);

/// Python's three blocking modes: settimeout(None), settimeout(0.0) and settimeout(x).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Timeout {
    Blocking,
    NonBlocking,
    Secs(f64),
}

impl Timeout {
    /// From Python's settimeout argument (None = blocking).
    pub fn from_secs(v: Option<f64>) -> Timeout {
        match v {
            None => Timeout::Blocking,
            Some(0.0) => Timeout::NonBlocking,
            Some(x) => Timeout::Secs(x),
        }
    }
    /// Whether a clock can hold this timeout, as CPython checks settimeout's argument:
    /// the exception class and message where it cannot (NaN, beyond ~292 years, negative).
    pub fn check(self) -> Result<Timeout, (&'static str, &'static str)> {
        if let Timeout::Secs(x) = self {
            python_seconds(x)?;
            if x < 0.0 {
                return Err(("ValueError", "Timeout value out of range"));
            }
        }
        Ok(self)
    }

    /// When a call started at `start` times out; None without a timeout (or, for one no
    /// clock can hold, which `check` refuses, never).
    pub fn deadline(self, start: Instant) -> Option<Instant> {
        match self {
            Timeout::Secs(s) => Duration::try_from_secs_f64(s)
                .ok()
                .and_then(|d| start.checked_add(d)),
            _ => None,
        }
    }

    /// What gettimeout() returns.
    pub fn as_secs(self) -> Option<f64> {
        match self {
            Timeout::Blocking => None,
            Timeout::NonBlocking => Some(0.0),
            Timeout::Secs(x) => Some(x),
        }
    }
}

/// A number of seconds as CPython converts it for a clock (`_PyTime_FromSecondsObject`,
/// rounding away from zero as timeouts do) and gives it back: whole nanoseconds. NaN and
/// values whose nanoseconds overflow 64 bits raise.
pub fn python_seconds(x: f64) -> Result<f64, (&'static str, &'static str)> {
    python_ns(x).map(ns_to_secs)
}

/// A float of seconds as CPython's nanoseconds.
pub fn python_ns(x: f64) -> Result<i64, (&'static str, &'static str)> {
    if x.is_nan() {
        return Err(("ValueError", "Invalid value NaN (not a number)"));
    }
    let d = x * 1e9;
    let d = if d >= 0.0 { d.ceil() } else { d.floor() };
    if !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&d) {
        return Err((
            "OverflowError",
            "timestamp out of range for platform time_t",
        ));
    }
    Ok(d as i64)
}

/// An int of seconds as CPython's nanoseconds.
pub fn python_ns_from_int(secs: i64) -> Result<i64, (&'static str, &'static str)> {
    secs.checked_mul(1_000_000_000).ok_or((
        "OverflowError",
        "timestamp too large to convert to C _PyTime_t",
    ))
}

/// Nanoseconds as seconds, as CPython gives a timeout back (`_PyTime_AsSecondsDouble`).
pub fn ns_to_secs(ns: i64) -> f64 {
    if ns % 1_000_000_000 == 0 {
        (ns / 1_000_000_000) as f64
    } else {
        ns as f64 / 1e9
    }
}

/// shutdown()'s `how`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    Read,
    Write,
    Both,
}

impl How {
    pub fn from_raw(v: i32) -> Option<How> {
        match v {
            libc::SHUT_RD => Some(How::Read),
            libc::SHUT_WR => Some(How::Write),
            libc::SHUT_RDWR => Some(How::Both),
            _ => None,
        }
    }
    pub fn python_name(self) -> &'static str {
        match self {
            How::Read => "SHUT_RD",
            How::Write => "SHUT_WR",
            How::Both => "SHUT_RDWR",
        }
    }
}

/// A value for setsockopt: an int (Python packs it as a C int) or raw bytes.
#[derive(Clone, Debug, PartialEq)]
pub enum OptValue {
    Int(i64),
    Bytes(Vec<u8>),
}

/// Where a send job's bytes come from.
#[derive(Clone, Debug, PartialEq)]
pub enum SendSource {
    /// One message, sent once per repetition.
    Bytes { data: Vec<u8> },
    /// A file, streamed from disk (never read whole into memory), once per repetition.
    File { path: PathBuf },
}

/// Sending that goes on while the socket does other things: a message N times or until
/// stopped, at an interval, or a file of any size.
#[derive(Clone, Debug, PartialEq)]
pub struct SendJob {
    pub source: SendSource,
    /// Repetitions (None: until stopped).
    pub times: Option<u64>,
    /// From the start of one repetition to the start of the next (zero: as fast as the
    /// kernel takes them).
    pub interval: Duration,
    /// sendall() every byte of each message, or send() once and keep what the kernel took.
    /// Files on stream sockets always go whole.
    pub all: bool,
    /// sendto() this address (unconnected datagram sockets).
    pub to: Option<AddrSpec>,
    /// Datagram sockets send a file in datagrams of at most this many bytes.
    pub datagram: usize,
}

/// How a new socket comes to be.
#[derive(Clone, Debug, PartialEq)]
pub enum Create {
    /// socket(family, type, proto).
    New {
        family: Family,
        kind: Kind,
        proto: i32,
    },
    /// socket.create_connection((host, port), timeout, source_address): resolve, then try
    /// each address in turn until one connects.
    Connection {
        host: String,
        port: u16,
        timeout: Option<Timeout>,
        source: Option<(String, u16)>,
    },
    /// socket(fileno=fd): the engine takes over a socket descriptor the program hands over
    /// (socketpair's, fromfd's); refused unless it is an open socket.
    Adopt { fd: i32 },
}

/// One operation of Python's socket object, or one of socklab's continuous modes.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Bind {
        addr: AddrSpec,
    },
    Listen {
        backlog: i32,
    },
    Accept,
    Connect {
        addr: AddrSpec,
    },
    /// connect_ex: answers with the errno (0 on success) instead of failing.
    ConnectEx {
        addr: AddrSpec,
    },
    Send {
        data: Vec<u8>,
        flags: i32,
    },
    SendAll {
        data: Vec<u8>,
        flags: i32,
    },
    SendTo {
        data: Vec<u8>,
        flags: i32,
        addr: AddrSpec,
    },
    Recv {
        bufsize: usize,
        flags: i32,
    },
    RecvFrom {
        bufsize: usize,
        flags: i32,
    },
    /// recv_into: a recv of up to `nbytes` (the caller's buffer is Python's), named as
    /// the person called it.
    RecvInto {
        nbytes: usize,
        flags: i32,
    },
    /// recvfrom_into: a recvfrom of up to `nbytes`.
    RecvFromInto {
        nbytes: usize,
        flags: i32,
    },
    Shutdown {
        how: How,
    },
    /// Closes the socket: whatever call waits on it ends with EBADF (the window's close,
    /// a session's end).
    Close,
    /// CPython's close(): the descriptor goes at once, but a call another thread waits in
    /// still holds the socket, as the kernel's own reference does in CPython, until that
    /// call ends; then it closes. Without such a call, the same as Close.
    Release,
    SetSockOpt {
        level: i32,
        name: i32,
        value: OptValue,
    },
    /// getsockopt(level, name) answers an int; with buflen, the raw bytes.
    GetSockOpt {
        level: i32,
        name: i32,
        buflen: Option<usize>,
    },
    SetTimeout {
        timeout: Timeout,
    },
    /// setblocking(flag): settimeout(None) or settimeout(0.0), said as the call it is.
    SetBlocking {
        blocking: bool,
    },
    GetTimeout,
    GetSockName,
    GetPeerName,
    FileNo,
    /// The socket goes by this name from now on (answered at once; Event::Renamed).
    Rename {
        name: String,
    },
    /// recv in a loop, every chunk reported as a Data event, until switched off or EOF.
    AutoReceive {
        on: bool,
        bufsize: usize,
    },
    /// accept every connection; each becomes a socket with its own worker.
    AutoAccept {
        on: bool,
        receive: bool,
    },
    JoinMulticast {
        group: String,
        interface: String,
    },
    LeaveMulticast {
        group: String,
        interface: String,
    },
    /// Ends call `call` of this socket as Ctrl+C ends a Python call: if it waits (a
    /// blocked recv, accept or connect) or has not started, it answers at once with
    /// KeyboardInterrupt, having received, accepted and connected nothing; a call that has
    /// ended is left as it was.
    Interrupt {
        call: ReqId,
    },
    /// Publish a snapshot now, reading SO_ERROR too when asked (reading it clears it).
    Inspect {
        so_error: bool,
    },
    /// Start a send job; its request is answered when the job ends (Reply::Sent), with
    /// Progress events meanwhile.
    StartSending {
        job: SendJob,
    },
    /// End the running send job (it answers as stopped).
    StopSending,
    /// Answer with a responder (None: stop). On a listener it answers every connection it
    /// accepts; on a connection or a datagram socket, what arrives there (auto-receive on).
    Respond {
        responder: Option<ResponderSpec>,
    },
    /// A listener accepts no more than this many connections open at once (the others wait
    /// in the kernel's accept queue); None: no limit.
    LimitClients {
        max: Option<usize>,
    },
    /// Write every received byte to this file as it arrives (None: stop, answering the
    /// byte count once the file is flushed). A file already there is replaced only with
    /// `replace`; otherwise the answer is EEXIST and the file is left as it was.
    Record {
        path: Option<PathBuf>,
        replace: bool,
    },
    /// TLS from now on (Python's wrap_socket, handshake included): on a connected TCP
    /// socket as client or server; on a listener, the server side of every connection it
    /// accepts after this.
    StartTls {
        spec: crate::engine::tls::TlsSpec,
    },
}

impl Op {
    /// Python's name of the call (as the journal shows it).
    pub fn name(&self) -> &'static str {
        match self {
            Op::Bind { .. } => "bind",
            Op::Listen { .. } => "listen",
            Op::Accept => "accept",
            Op::Connect { .. } => "connect",
            Op::ConnectEx { .. } => "connect_ex",
            Op::Send { .. } => "send",
            Op::SendAll { .. } => "sendall",
            Op::SendTo { .. } => "sendto",
            Op::Recv { .. } => "recv",
            Op::RecvFrom { .. } => "recvfrom",
            Op::RecvInto { .. } => "recv_into",
            Op::RecvFromInto { .. } => "recvfrom_into",
            Op::Shutdown { .. } => "shutdown",
            Op::Close | Op::Release => "close",
            Op::SetSockOpt { .. } => "setsockopt",
            Op::GetSockOpt { .. } => "getsockopt",
            Op::SetTimeout { .. } => "settimeout",
            Op::SetBlocking { .. } => "setblocking",
            Op::GetTimeout => "gettimeout",
            Op::GetSockName => "getsockname",
            Op::GetPeerName => "getpeername",
            Op::FileNo => "fileno",
            Op::AutoReceive { .. } => "auto_receive",
            Op::AutoAccept { .. } => "auto_accept",
            Op::JoinMulticast { .. } => "join_multicast",
            Op::LeaveMulticast { .. } => "leave_multicast",
            Op::Inspect { .. } => "inspect",
            Op::Interrupt { .. } => "interrupt",
            Op::Rename { .. } => "rename",
            Op::StartSending { .. } => "send_job",
            Op::StopSending => "stop_sending",
            Op::Respond { .. } => "respond",
            Op::LimitClients { .. } => "limit_clients",
            Op::Record { .. } => "record",
            Op::StartTls { .. } => "wrap_socket",
        }
    }

    /// Operations that never wait, so they may run while another call of the same socket
    /// is blocked (as another Python thread could call them).
    pub fn is_instant(&self) -> bool {
        matches!(
            self,
            Op::SetSockOpt { .. }
                | Op::GetSockOpt { .. }
                | Op::GetTimeout
                | Op::GetSockName
                | Op::GetPeerName
                | Op::FileNo
                | Op::Inspect { .. }
                | Op::Interrupt { .. }
                | Op::Rename { .. }
                | Op::StartSending { .. }
                | Op::StopSending
                | Op::Record { .. }
        )
    }

    /// Either close: the socket ends once this is handled (or, for Release, once the call
    /// that waits ends).
    pub fn is_close(&self) -> bool {
        matches!(self, Op::Close | Op::Release)
    }

    /// The calls that receive (and wait for something to receive).
    pub fn is_receive(&self) -> bool {
        receives(self.name())
    }

    pub fn is_send(&self) -> bool {
        matches!(
            self,
            Op::Send { .. } | Op::SendAll { .. } | Op::SendTo { .. }
        )
    }

    /// Operations another Python thread could make while a call of the same socket is
    /// blocked, and that must not wait behind it: the instant ones, sends (a send that
    /// must wait for room waits on its own) and shutdown (which ends a blocked recv).
    pub fn runs_beside_a_wait(&self) -> bool {
        self.is_instant() || self.is_send() || matches!(self, Op::Shutdown { .. })
    }
}

/// Whether a call, by its Python name, is one of the four that receive.
pub fn receives(op: &str) -> bool {
    matches!(op, "recv" | "recvfrom" | "recv_into" | "recvfrom_into")
}

/// A command addressed to one socket's worker.
#[derive(Clone, Debug)]
pub struct Command {
    pub req: ReqId,
    pub op: Op,
}
