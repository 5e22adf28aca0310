//! Events the workers report: results, failures, every chunk of data, and snapshots of what
//! the kernel holds.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use super::addr::{Endpoint, Family, Kind};
use super::bytes::Bytes;
use super::command::{ReqId, SocketId, Timeout};
use super::errors::OpError;
use super::inspect::TcpInfo;
use super::options::OptionReading;

/// A share of a bounded budget, given back when the event holding it is dropped. This is how
/// a slow consumer throttles what workers put in the channel without ever blocking them.
#[derive(Debug)]
pub struct Permit {
    counter: Arc<AtomicUsize>,
    amount: usize,
}

impl Permit {
    /// Takes `amount` from the budget if it fits under `cap`.
    pub(crate) fn try_take(
        counter: &Arc<AtomicUsize>,
        amount: usize,
        cap: usize,
    ) -> Option<Permit> {
        reserve(counter, amount, cap).then(|| Permit {
            counter: counter.clone(),
            amount,
        })
    }

    /// Takes `amount` more into this share if it fits under `cap` (a batch's items are
    /// admitted one by one, under one share).
    pub(crate) fn try_grow(&mut self, amount: usize, cap: usize) -> bool {
        let grown = reserve(&self.counter, amount, cap);
        if grown {
            self.amount += amount;
        }
        grown
    }
}

/// Adds `amount` to the budget's use if it fits under `cap` (or the budget is unused: a
/// lone item larger than the cap still goes).
fn reserve(counter: &AtomicUsize, amount: usize, cap: usize) -> bool {
    let mut cur = counter.load(Ordering::Relaxed);
    loop {
        if cur > 0 && cur + amount > cap {
            return false;
        }
        match counter.compare_exchange_weak(cur, cur + amount, Ordering::AcqRel, Ordering::Relaxed)
        {
            Ok(_) => return true,
            Err(now) => cur = now,
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.counter.fetch_sub(self.amount, Ordering::AcqRel);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
}

/// One recv()/recvfrom()/send() call's data, exactly as the OS returned or took it.
#[derive(Debug)]
pub struct Chunk {
    pub direction: Direction,
    /// The bytes. Shorter than `len` only when the consumer fell behind and the content was
    /// dropped to keep memory bounded (`len` still counts them).
    pub data: Bytes,
    pub len: usize,
    /// Source (in) or destination (out) of a datagram.
    pub peer: Option<Endpoint>,
    /// From a datagram socket: what its receive buffer cannot hold is lost, where a
    /// stream's sender only waits.
    pub datagram: bool,
    /// A datagram received into a buffer smaller than it: the bytes past the buffer, which
    /// the kernel dropped (recv(10) of a 100-byte datagram: 90). Always 0 for a stream.
    pub cut: usize,
    /// Plaintext of a TLS session (the wire carried it encrypted).
    pub tls: bool,
    /// The call that moved them, as Python names it (recv, recvfrom, send, sendall,
    /// sendto): what the sequence diagram writes on their row. Auto-receive reads as recv
    /// (recvfrom for datagrams, whose sender it shows); a responder's reply is a send
    /// (sendto for datagrams).
    pub call: &'static str,
    pub at: SystemTime,
    pub(crate) _permit: Option<Permit>,
}

impl Chunk {
    pub fn is_truncated(&self) -> bool {
        self.data.len() < self.len
    }
}

/// Datagrams received together (Event::Datagrams), read as chunks (`iter`); their budget
/// is let go with the batch. Their bytes are one allocation, each datagram a few numbers
/// and its sender once per run of datagrams from it: a chunk (~130 bytes) per datagram,
/// written on the receiving core and read on the window's, was the largest part of what
/// delivering a flood cost (BENCHMARKS.md, "Twenty bytes a datagram to the window").
#[derive(Debug)]
pub struct Datagrams {
    pub(crate) bytes: Arc<Vec<u8>>,
    pub(crate) items: Vec<DatagramItem>,
    /// The senders, each once for a run of datagrams from it (DatagramItem::peer's list).
    pub(crate) peers: Vec<Endpoint>,
    /// When the batch arrived (one clock reading for all of it).
    pub(crate) at: SystemTime,
    pub(crate) _permit: Option<Permit>,
}

/// One datagram of a batch: where its bytes are in the batch's allocation (all of them,
/// or the prefix the consumer asked for), its length, what the buffer cut off, and its
/// sender's place in the batch's list (NO_PEER: none reported).
#[derive(Clone, Copy, Debug)]
pub(crate) struct DatagramItem {
    pub(crate) start: u32,
    pub(crate) stored: u32,
    pub(crate) len: u32,
    pub(crate) cut: u32,
    pub(crate) peer: u32,
}

impl DatagramItem {
    pub(crate) const NO_PEER: u32 = u32::MAX;
}

impl Datagrams {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Each datagram as its own recvfrom() returned it: chunks sharing the batch's bytes
    /// (the budget stays with the batch).
    pub fn iter(&self) -> impl Iterator<Item = Chunk> + '_ {
        self.items.iter().map(|d| {
            let start = d.start as usize;
            Chunk {
                direction: Direction::In,
                data: Bytes::share_of(&self.bytes, start..start + d.stored as usize),
                len: d.len as usize,
                peer: self.peers.get(d.peer as usize).cloned(),
                datagram: true,
                cut: d.cut as usize,
                tls: false,
                call: "recvfrom",
                at: self.at,
                _permit: None,
            }
        })
    }
}

/// The lifecycle state a socket is in, as the sockets list shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SockState {
    Created,
    Bound,
    Listening,
    Connecting,
    Connected,
    /// Shut down in one direction (or the peer closed its side).
    HalfClosed,
    Closed,
    Error,
}

impl SockState {
    pub fn name(self) -> &'static str {
        match self {
            SockState::Created => "created",
            SockState::Bound => "bound",
            SockState::Listening => "listening",
            SockState::Connecting => "connecting",
            SockState::Connected => "connected",
            SockState::HalfClosed => "half-closed",
            SockState::Closed => "closed",
            SockState::Error => "error",
        }
    }
}

/// Byte and message counters; never lose a count, whatever else is dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// recv calls that returned data (datagrams, for UDP).
    pub msgs_in: u64,
    /// send calls that sent data.
    pub msgs_out: u64,
}

/// Everything the inspector shows of one socket, read back from the kernel.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub state: SockState,
    /// Read as the socket closed: the last word, not what the kernel holds now.
    pub at_close: bool,
    pub local: Option<Endpoint>,
    pub peer: Option<Endpoint>,
    /// The peer it was last connected to, as its connect or getpeername said: a reset
    /// before any snapshot was read leaves `peer` empty, and the window still says whom
    /// it talked to.
    pub had_peer: Option<Endpoint>,
    /// Where a connect under way goes (getpeername says nothing until the handshake is
    /// done: a SYN the peer's full queue drops keeps it waiting).
    pub connecting_to: Option<Endpoint>,
    pub timeout: Timeout,
    /// O_NONBLOCK as the kernel holds it.
    pub kernel_nonblocking: bool,
    pub options: Vec<OptionReading>,
    pub tcp: Option<TcpInfo>,
    /// Bytes waiting in the kernel receive queue (SIOCINQ) and send queue (SIOCOUTQ). On a
    /// datagram socket (not seqpacket) SIOCINQ is the size of the next datagram only.
    pub recv_queue: Option<u32>,
    pub send_queue: Option<u32>,
    /// An IPv4/IPv6 datagram socket's receive buffer: its use, and the datagrams the
    /// kernel dropped since it was made, the buffer full (the sender is never told); None
    /// for other sockets.
    pub recv_buffer: Option<crate::engine::inspect::RecvBuffer>,
    pub counters: Counters,
    pub auto_receive: bool,
    pub auto_accept: bool,
    /// A send job is running.
    pub sending: bool,
    /// The responder answering here (or, on a listener, its connections).
    pub responder: Option<String>,
    /// A listener's connections open now, and its limit.
    pub clients: Option<(usize, Option<usize>)>,
    /// A TCP listener's completed connections nobody accepted yet (their peers).
    pub accept_queue: Vec<Endpoint>,
    /// A TCP listener's half-open connections (SYN-RECV), by their clients' addresses.
    pub half_open: Vec<Endpoint>,
    /// Receive-to-file: the file and the bytes written to it so far.
    pub recording: Option<(std::path::PathBuf, u64)>,
    /// Multicast groups this socket joined (the kernel accepted) and did not leave:
    /// (group, interface as given; empty: the kernel's choice).
    pub groups: Vec<(String, String)>,
    /// The socket's TLS: what was negotiated, the peer's certificates, bytes on the wire.
    pub tls: Option<crate::engine::tls::TlsInfo>,
    /// What its own shutdown() ended.
    pub shut: Shut,
}

/// The directions a socket's own shutdown() ended (the peer's FIN is not among them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shut {
    /// SHUT_RD or SHUT_RDWR: a stream's recv() returns b'' at once while nothing is queued
    /// (Linux still takes, and gives, bytes that arrive after it).
    pub read: bool,
    /// SHUT_WR or SHUT_RDWR: its FIN went; a send() raises EPIPE.
    pub write: bool,
}

impl Snapshot {
    /// Datagrams the kernel dropped, the receive buffer full (IPv4/IPv6 datagram sockets).
    pub fn drops(&self) -> Option<u32> {
        self.recv_buffer.map(|b| b.drops)
    }
}

/// What a call answers: what it returned, or (connect_ex) the failure it returns as a
/// number.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// Python's None.
    Unit,
    Int(i64),
    Bytes(Vec<u8>),
    /// recvfrom's (data, address); the address is None for an unnamed sender.
    BytesFrom {
        data: Vec<u8>,
        from: Option<Endpoint>,
    },
    Addr(Endpoint),
    /// accept()'s new connection (its Created event came first).
    Accepted {
        conn: SocketId,
        peer: Endpoint,
    },
    Timeout(Timeout),
    /// A send job ended: how far it got, and whether it was stopped (by StopSending or
    /// close) before its end.
    Sent {
        progress: Progress,
        stopped: bool,
    },
    /// wrap_socket's answer: the session as it stands (a listener's: the certificate its
    /// connections present).
    Tls(Box<crate::engine::tls::TlsInfo>),
    /// connect_ex's failure, answered: Python gets its errno (`Reply::int`), the window
    /// what it means, as for connect's exception.
    Errno(Box<crate::engine::OpError>),
}

impl Reply {
    /// The int Python gets: an Int's, or an answered failure's errno.
    pub fn int(&self) -> Option<i64> {
        match self {
            Reply::Int(i) => Some(*i),
            Reply::Errno(e) => e.errno().map(i64::from),
            _ => None,
        }
    }
}

/// Description of a socket when it comes into being.
#[derive(Clone, Debug, PartialEq)]
pub struct SocketInfo {
    pub id: SocketId,
    pub name: String,
    pub family: Family,
    pub kind: Kind,
    pub proto: i32,
    pub fd: i32,
    /// The listener that accepted it.
    pub parent: Option<SocketId>,
    pub timeout: Timeout,
}

#[derive(Debug)]
pub enum Event {
    /// A socket exists (from socket(), create_connection() or an accept).
    Created {
        info: SocketInfo,
        req: Option<ReqId>,
        /// When it came to exist (a consumer may hear of it a frame later: a diagram
        /// places it by this, beside the captured packets' own times).
        at: Instant,
        /// How long the call that made it took (socket(), create_connection with its
        /// handshake); zero for a connection a listener accepted.
        elapsed: Duration,
    },
    /// A call succeeded.
    Done {
        id: SocketId,
        req: ReqId,
        op: &'static str,
        reply: Reply,
        elapsed: Duration,
        /// When it ended.
        at: Instant,
        /// Its arguments as Python writes them, for the calls the sequence diagram writes
        /// out (Op::shown_args).
        args: Option<Box<str>>,
    },
    /// A call failed (id is None when no socket came to exist).
    Failed {
        id: Option<SocketId>,
        req: Option<ReqId>,
        error: OpError,
        elapsed: Duration,
        /// When it ended.
        at: Instant,
        /// As Done's.
        args: Option<Box<str>>,
    },
    /// The socket goes by another name from now on (Op::Rename: the console names it as
    /// the variable that holds it).
    Renamed { id: SocketId, name: String },
    /// A call is waiting (blocking, or until its deadline), so a countdown can be shown.
    Waiting {
        id: SocketId,
        req: ReqId,
        op: &'static str,
        deadline: Option<Instant>,
    },
    /// A call began while another call of the same socket was waiting (a send while a
    /// recv blocks, as two Python threads would); both go on.
    Overlap {
        id: SocketId,
        req: ReqId,
        op: &'static str,
        with_req: ReqId,
        with_op: &'static str,
    },
    /// One recv/recvfrom/send call's data.
    Data { id: SocketId, chunk: Chunk },
    /// The datagrams continuous receive took in one system call, in order, each as a
    /// recvfrom() of its own would have returned it: one event for the batch, so a flood
    /// costs the channel, the budget and the consumer's wake-up once per batch, not once
    /// per datagram.
    Datagrams { id: SocketId, batch: Datagrams },
    /// The content of this many bytes in this many chunks was not delivered because the
    /// consumer fell behind; the counters include them.
    Skipped {
        id: SocketId,
        direction: Direction,
        bytes: u64,
        chunks: u64,
    },
    /// A new connection arrived on an auto-accepting listener.
    Accepted {
        listener: SocketId,
        conn: SocketId,
        peer: Endpoint,
    },
    /// What the kernel holds now.
    Snapshot {
        id: SocketId,
        snapshot: Box<Snapshot>,
        _permit: Option<Permit>,
    },
    /// How far a send job has got (at most one waits in the channel per socket; the last
    /// word is the job's Done or Failed).
    Progress {
        id: SocketId,
        req: ReqId,
        progress: Progress,
        _permit: Option<Permit>,
    },
    /// A responder's report: a check passed or failed, a rule fired.
    Note {
        id: SocketId,
        note: crate::engine::note::Note,
    },
    /// The socket's state changed, and what caused it (an operation, or the peer).
    State {
        id: SocketId,
        from: SockState,
        to: SockState,
        cause: crate::engine::note::Cause,
        /// The kernel's TCP state as the change happened (TCP sockets).
        kernel: Option<crate::engine::inspect::TcpState>,
        /// When it changed.
        at: Instant,
    },
    /// The engine is closing the socket on its own (its responder hung up), and why; its
    /// Closed follows.
    ClosedBy {
        id: SocketId,
        why: crate::engine::note::HangUp,
        /// The responder, as `describe` names it ("greet", "rules (3)").
        responder: String,
    },
    /// The socket is closed and its worker gone.
    Closed { id: SocketId },
    /// A closed TCP connection's life in the kernel: a state it reached after close
    /// (TIME_WAIT with the time it has left), or None once the kernel forgot it.
    Afterlife {
        id: SocketId,
        state: Option<crate::engine::inspect::TcpState>,
        time_left: Option<Duration>,
        /// When the kernel's table said so (the state may have begun up to a look earlier).
        at: Instant,
    },
}

/// A send job's progress.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    /// Bytes the kernel took so far.
    pub bytes: u64,
    /// What the whole job sends, when known (a file's size times the repetitions).
    pub total: Option<u64>,
    /// send calls made, and repetitions finished.
    pub sends: u64,
    pub repetitions: u64,
    /// The last send() that the kernel took only part of: (taken, offered).
    pub partial: Option<(u64, u64)>,
}

impl Event {
    pub fn socket(&self) -> Option<SocketId> {
        match self {
            Event::Created { info, .. } => Some(info.id),
            Event::Done { id, .. }
            | Event::Waiting { id, .. }
            | Event::Overlap { id, .. }
            | Event::Data { id, .. }
            | Event::Datagrams { id, .. }
            | Event::Skipped { id, .. }
            | Event::Snapshot { id, .. }
            | Event::Progress { id, .. }
            | Event::Note { id, .. }
            | Event::Afterlife { id, .. }
            | Event::ClosedBy { id, .. }
            | Event::State { id, .. }
            | Event::Closed { id }
            | Event::Renamed { id, .. } => Some(*id),
            Event::Failed { id, .. } => *id,
            Event::Accepted { listener, .. } => Some(*listener),
        }
    }

    /// A copy of an answer (Created, Done, Failed) or of the news that the call waits, for a
    /// tapped request (Engine::tap); None for other events (their data holds a share of
    /// the budget, not to be copied).
    pub fn answer_copy(&self) -> Option<Event> {
        match self {
            Event::Created {
                info,
                req,
                at,
                elapsed,
            } => Some(Event::Created {
                info: info.clone(),
                req: *req,
                at: *at,
                elapsed: *elapsed,
            }),
            Event::Done {
                id,
                req,
                op,
                reply,
                elapsed,
                at,
                args,
            } => Some(Event::Done {
                id: *id,
                req: *req,
                op,
                reply: reply.clone(),
                elapsed: *elapsed,
                at: *at,
                args: args.clone(),
            }),
            Event::Failed {
                id,
                req,
                error,
                elapsed,
                at,
                args,
            } => Some(Event::Failed {
                id: *id,
                req: *req,
                error: error.clone(),
                elapsed: *elapsed,
                at: *at,
                args: args.clone(),
            }),
            Event::Waiting {
                id,
                req,
                op,
                deadline,
            } => Some(Event::Waiting {
                id: *id,
                req: *req,
                op,
                deadline: *deadline,
            }),
            _ => None,
        }
    }

    /// How many chunks of data the event carries (Data's one, a batch's datagrams, or 0),
    /// and whether they are datagrams.
    pub fn data_count(&self) -> (usize, bool) {
        match self {
            Event::Data { chunk, .. } => (1, chunk.datagram),
            Event::Datagrams { batch, .. } => (batch.len(), true),
            _ => (0, false),
        }
    }

    /// Copies of the data an event carries, to look at (bytes shared or copied; the budget
    /// stays with the event).
    pub fn peek_chunks(&self) -> Vec<Chunk> {
        match self {
            Event::Data { chunk, .. } => vec![Chunk {
                data: chunk.data.clone(),
                peer: chunk.peer.clone(),
                _permit: None,
                ..*chunk
            }],
            Event::Datagrams { batch, .. } => batch.iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The data an event carries: Data's chunk, a batch's datagrams, or none, taken out of
    /// the event (a batch's budget is let go once they are taken).
    pub fn into_chunks(self) -> Vec<Chunk> {
        match self {
            Event::Data { chunk, .. } => vec![chunk],
            Event::Datagrams { batch, .. } => batch.iter().collect(),
            _ => Vec::new(),
        }
    }

    pub fn req(&self) -> Option<ReqId> {
        match self {
            Event::Created { req, .. } => *req,
            Event::Done { req, .. }
            | Event::Waiting { req, .. }
            | Event::Overlap { req, .. }
            | Event::Progress { req, .. } => Some(*req),
            Event::Failed { req, .. } => *req,
            _ => None,
        }
    }
}
