//! What the engine says of its own accord, typed: a responder's verdict, a listener that
//! paused accepting, a closed connection no longer followed; and what moved a socket to a
//! new state. Each carries its facts; `Display` words it in English for logs and the
//! command line, and the window words it in its own language from the same facts.

use std::fmt;

use super::addr::Endpoint;
use super::errors::errno_name;
use super::inspect::TcpState;

/// A report nobody asked for, about one socket.
#[derive(Clone, Debug, PartialEq)]
pub enum Note {
    /// An HMAC client answered its challenge rightly.
    HmacPassed { peer: Option<Endpoint> },
    /// An HMAC client answered wrongly or not in time.
    HmacFailed {
        peer: Option<Endpoint>,
        why: HmacFailure,
    },
    /// A datagram too short to be worth a challenge (it would amplify).
    NoChallenge {
        peer: Option<Endpoint>,
        carried: usize,
        challenge: usize,
        least: usize,
    },
    /// The HMAC client side answered the server's challenge with this digest (hex).
    Answered { mac: String },
    /// What the HMAC server said after the answer ("OK", "FAIL").
    ServerSays { text: String },
    /// A rule (1-based) of the rules responder matched, for the `count`th time.
    RuleFired {
        rule: usize,
        kind: &'static str,
        pattern: String,
        count: u64,
    },
    /// A chunk matched none of the rules responder's rules, so nothing answered it:
    /// `len` bytes, the first of them in `head`; the `count`th such on its connection.
    NoRuleMatched {
        len: usize,
        head: Vec<u8>,
        count: u64,
    },
    /// A listener stopped accepting for a while: something ran short.
    AcceptPaused { short: Shortage, sockets: usize },
    /// It accepts again, after this many tries found the shortage still there.
    AcceptingAgain { tries: u64 },
    /// Too many closed connections are followed already to follow this one.
    NotFollowed { max: usize },
    /// Its life after close is not followed: the following thread could not start
    /// (`errno`), or (None) it is that far behind that its queue is full.
    Unfollowed { errno: Option<i32> },
    /// A closed connection still in the table after `secs`, no longer followed.
    StillThere { state: Option<TcpState>, secs: u64 },
    /// Python closed the socket while `op` waited on it in another thread: the call goes
    /// on holding it, and so does the kernel (its port with it), until the call ends —
    /// with a timeout, at the next thing that happens or the timeout, with EBADF.
    /// `stream`: a TCP or Unix stream socket (whose waits shutdown() ends).
    HeldByCall {
        op: &'static str,
        timeout: bool,
        stream: bool,
    },
    /// Notes and reports not sent while the consumer was far behind.
    LeftOut { n: u64 },
}

/// Why an HMAC check failed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HmacFailure {
    /// The digest did not match: a wrong key or digest algorithm.
    WrongAnswer,
    /// No complete answer within this many seconds.
    NoAnswer { secs: f64 },
}

/// What a listener ran short of.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shortage {
    /// The process's open-file limit (EMFILE); `limit` as RLIMIT_NOFILE says, if it does.
    ProcessFiles { limit: Option<u64> },
    /// The system's open-file table (ENFILE).
    SystemFiles,
    /// Kernel memory (ENOBUFS, ENOMEM).
    Memory { errno: i32 },
    /// The engine holds as many sockets as it may.
    Sockets { max: usize },
    /// The consumer has this many events still to read.
    Consumer { queued: usize },
}

impl Note {
    /// Whether this is an HMAC server's verdict: Some(true) passed, Some(false) failed.
    pub fn verdict(&self) -> Option<bool> {
        match self {
            Note::HmacPassed { .. } => Some(true),
            Note::HmacFailed { .. } => Some(false),
            _ => None,
        }
    }
}

/// " from 127.0.0.1:5000", or nothing.
pub fn from(peer: &Option<Endpoint>) -> String {
    peer.as_ref()
        .map(|e| format!(" from {e}"))
        .unwrap_or_default()
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let wait = "connections wait in the listen backlog, and accepting resumes when one closes";
        match self {
            Note::HmacPassed { peer } => write!(f, "HMAC check passed{}", from(peer)),
            Note::HmacFailed {
                peer,
                why: HmacFailure::WrongAnswer,
            } => write!(f, "HMAC check FAILED{}: wrong key or digest", from(peer)),
            Note::HmacFailed {
                peer,
                why: HmacFailure::NoAnswer { secs },
            } => write!(
                f,
                "HMAC check FAILED{}: no complete answer within {secs} s",
                from(peer)
            ),
            Note::NoChallenge {
                peer,
                carried,
                challenge,
                least,
            } => write!(
                f,
                "no challenge sent{}: the request carried {carried} bytes and a challenge is {challenge}; over UDP a request must carry at least {least} (a higher UDP amplification limit answers shorter ones)",
                from(peer)
            ),
            Note::Answered { mac } => write!(f, "answered the challenge with {mac}"),
            Note::ServerSays { text } => write!(f, "the server says {text:?}"),
            Note::RuleFired {
                rule,
                kind,
                pattern,
                count,
            } => write!(f, "rule {rule} ({kind} {pattern:?}) fired, time {count}"),
            Note::NoRuleMatched { len, head, count } => write!(
                f,
                "no rule matched the {len} bytes received ({}{}), so nothing was sent back (time {count} on this connection); rules are matched against each chunk one recv() returns",
                crate::pyfmt::bytes_repr(head),
                if *len > head.len() { "..." } else { "" }
            ),
            Note::AcceptPaused { short, sockets } => match short {
                Shortage::ProcessFiles { limit } => write!(
                    f,
                    "accept paused: EMFILE ({}): the process has reached its limit of {} open files (RLIMIT_NOFILE), {sockets} of them socklab's sockets; {wait}. Raise the limit (ulimit -n) or close connections",
                    strerror(libc::EMFILE),
                    limit.map_or("no".to_string(), |n| n.to_string())
                ),
                Shortage::SystemFiles => write!(
                    f,
                    "accept paused: ENFILE ({}): the whole system has run out of open files (fs.file-max), socklab holds {sockets} sockets; {wait}",
                    strerror(libc::ENFILE)
                ),
                Shortage::Memory { errno } => write!(
                    f,
                    "accept paused: {} ({}): the kernel is short of memory for new connections; {wait}",
                    errno_name(*errno),
                    strerror(*errno)
                ),
                Shortage::Sockets { max } => write!(
                    f,
                    "accept paused: {max} sockets are open, the engine's limit; {wait}"
                ),
                Shortage::Consumer { queued } => write!(
                    f,
                    "accept paused: {queued} events wait for the window or log to read them; {wait} or the reader catches up"
                ),
            },
            Note::AcceptingAgain { tries } => write!(
                f,
                "accepting again ({tries} {} found the shortage still there)",
                if *tries == 1 { "try" } else { "tries" }
            ),
            Note::NotFollowed { max } => write!(
                f,
                "its life after close is not followed: {max} closed connections are followed already"
            ),
            Note::Unfollowed { errno: Some(errno) } => write!(
                f,
                "its life after close is not followed: no thread could be started to follow it: {} ({})",
                errno_name(*errno),
                strerror(*errno)
            ),
            Note::Unfollowed { errno: None } => write!(
                f,
                "its life after close is not followed: the thread that follows closed connections is too far behind"
            ),
            Note::StillThere { state, secs } => write!(
                f,
                "still {} after {secs} s; no longer followed",
                state.map_or("there", TcpState::name)
            ),
            Note::HeldByCall { op, timeout, .. } => {
                write!(
                    f,
                    "closed by Python while {op}() waited in another thread: it holds the \
                     socket until it ends"
                )?;
                if *timeout {
                    write!(f, " (with EBADF, at the next event or its timeout)")?;
                }
                Ok(())
            }
            Note::LeftOut { n } => write!(
                f,
                "{n} notes and reports were left out while the window or log fell behind"
            ),
        }
    }
}

fn strerror(errno: i32) -> String {
    super::errors::strerror(errno)
}

/// What moved a socket to a new state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A call made on it (Python's name: "connect", "listen", "close").
    Call { op: &'static str },
    /// The kernel finished the handshake of a non-blocking connect.
    Handshake,
    /// A connect failed.
    FailedConnect,
    /// The kernel ended a connect nobody waited in (non-blocking, or its timeout passed):
    /// refused, unreachable or given up (its errno is in SO_ERROR until a call reads it).
    ConnectEnded,
    /// The peer closed its side (a FIN came).
    PeerClosed,
    /// A receive failed (a reset, a timeout of the kernel's).
    ReceiveFailed,
    /// socklab itself failed (a worker's panic caught).
    Internal,
    /// The kernel's TCP state said so, with nothing more known.
    KernelState,
    /// The kernel ended an established connection on its own (TCP_CLOSE without a FIN
    /// exchanged: a reset came, or it gave up retransmitting); the error waits in SO_ERROR
    /// for the next call.
    Aborted,
    /// socklab closed it (the engine shut down, a responder hung up).
    ClosedBySocklab,
    /// The kernel gave an unbound datagram socket an address at its first sendto.
    KernelBound,
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Cause::Call { op } => op,
            Cause::Handshake => "the handshake completed",
            Cause::FailedConnect => "a failed connect",
            Cause::ConnectEnded => {
                "the kernel ended the connect (refused, unreachable or timed out)"
            }
            Cause::PeerClosed => "the peer closed its side",
            Cause::ReceiveFailed => "a receive failed",
            Cause::Internal => "an internal error",
            Cause::KernelState => "the kernel's TCP state",
            Cause::Aborted => "the kernel ended the connection (a reset or a timeout)",
            Cause::ClosedBySocklab => "closed by socklab",
            Cause::KernelBound => "the kernel bound it at its first send",
        })
    }
}

/// Why a responder's connection was closed by socklab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HangUp {
    /// The responder ended the session (an "exit", a failed check).
    ResponderEnded,
    /// The peer closed its side, so the server hung up too, after its answers.
    PeerClosed,
    /// Sending to the peer failed: it is gone.
    PeerGone,
}

impl fmt::Display for HangUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HangUp::ResponderEnded => "the responder ended the session",
            HangUp::PeerClosed => "the peer closed its side, so the server hung up too",
            HangUp::PeerGone => "the peer is gone (sending to it failed)",
        })
    }
}
