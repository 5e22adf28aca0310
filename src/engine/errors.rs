//! Failures as the engine reports them: the operation, the address, the errno with its
//! symbolic name, the exception line CPython would print, and a plain-language explanation.

use std::fmt;

use crate::engine::SocketId;
use crate::t;

/// What went wrong, in the terms Python's socket module uses.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorKind {
    /// A system call failed with this errno.
    Os { errno: i32 },
    /// A timeout socket waited longer than its timeout (`TimeoutError: timed out`).
    Timeout,
    /// Name resolution failed (getaddrinfo's EAI_* code, negative as Python shows it).
    Gai { code: i32, message: String },
    /// A Python-level argument error (TypeError, ValueError, OverflowError...).
    Python {
        class: &'static str,
        message: String,
    },
    /// socklab itself failed (a worker panicked): the socket was closed.
    Internal { message: String },
    /// TLS failed: a certificate refused, an alert, a broken record.
    Tls {
        failure: crate::engine::tls::TlsFailure,
    },
}

/// One failed operation, with everything needed to explain it.
#[derive(Clone, Debug, PartialEq)]
pub struct OpError {
    /// The operation, as Python names it: "bind", "connect", "recv"...
    pub op: &'static str,
    /// The address involved, if any, as the user gave it.
    pub addr: Option<String>,
    pub kind: ErrorKind,
    /// For EADDRINUSE: who holds the address, as the kernel's table says.
    pub holder: Option<Box<Holder>>,
    /// For EBADF: the call was waiting when close() was called on its socket.
    pub closed_while_waiting: bool,
    /// What the call's own circumstances add to its errno's explanation.
    pub detail: Detail,
}

/// What the call's own circumstances add to its errno's explanation, so the hint is true
/// for the case at hand.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Detail {
    #[default]
    None,
    /// EAGAIN from a blocking socket's call given MSG_DONTWAIT.
    DontWait,
    /// EPIPE from a socket that had been connected: its peer closed or reset it, or it
    /// was shut down for writing.
    WasConnected,
    /// EBADF after Python's close() from another thread: the call (with a timeout) went on
    /// until something happened or its timeout ran out, then found its socket gone.
    Released,
    /// socklab itself does not do this on this socket now (OpError::refused).
    Refused(Refusal),
    /// EPIPE or ECONNRESET on a connection a listener accepted: the server's side, which
    /// cannot reconnect.
    Accepted,
    /// EPIPE after this side's own shutdown(SHUT_WR): it may still receive.
    ShutWrite,
    /// EPIPE after this side's own shutdown of both directions.
    ShutBoth,
    /// accept() on a Unix listener after its own shutdown(SHUT_RD).
    ShutListening,
    /// A datagram socket with no peer (never connected): shutdown() raises ENOTCONN there.
    Unconnected,
    /// A receive timed out on an unconnected UDP socket that sent and heard nothing: its
    /// datagram may have gone to a port where nothing listens, which the kernel tells only
    /// a connected socket.
    NothingHeard,
    /// A receive timed out on a UDP socket with no port (never bound, nothing sent):
    /// nobody can send to it.
    NoPort,
    /// ECONNREFUSED on a connected UDP socket: an ICMP port unreachable came back for a
    /// datagram it sent.
    UdpRefused,
}

/// What socklab refuses to do on a socket in the state the window put it in. Python never
/// meets these on its own; their explanation says what is on and how to go on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Refusal {
    /// recv while auto-receive takes every chunk.
    AutoReceiving,
    /// accept while auto-accept takes every connection.
    AutoAccepting,
    /// Auto-receive asked of a listener.
    ListenerHasNoData,
    /// A second send job.
    SendJobRunning,
    /// A responder on a stream socket that is not connected.
    RespondUnconnected,
    /// TLS on a socket that is not TCP.
    TlsNotTcp,
    /// TLS as the client on a listener.
    TlsListenerAsClient,
    /// TLS as the server on a connection whose auto-receive may have taken the client's
    /// first handshake message.
    TlsServerAutoReceiving,
}

impl Refusal {
    /// CPython's class and the message the Python line carries (socklab's own, in English).
    fn python(self) -> (&'static str, &'static str) {
        match self {
            Refusal::AutoReceiving => (
                "OSError",
                "auto-receive is on: every chunk is already being received",
            ),
            Refusal::AutoAccepting => ("OSError", "auto-accept is on: it accepts every connection"),
            Refusal::ListenerHasNoData => (
                "OSError",
                "a listening socket receives connections, not data: use auto-accept",
            ),
            Refusal::SendJobRunning => (
                "OSError",
                "a send job is already running on this socket: stop it first",
            ),
            Refusal::RespondUnconnected => (
                "OSError",
                "a stream socket answers once it is connected (or attach the responder to a listener)",
            ),
            Refusal::TlsNotTcp => ("OSError", "TLS runs on TCP sockets only"),
            Refusal::TlsListenerAsClient => (
                "ValueError",
                "a listener's connections are the server's side: start TLS as the server",
            ),
            Refusal::TlsServerAutoReceiving => (
                "OSError",
                "auto-receive is on: the client's first handshake message may already have been taken as data",
            ),
        }
    }

    #[cfg(test)]
    const ALL: [Refusal; 8] = [
        Refusal::AutoReceiving,
        Refusal::AutoAccepting,
        Refusal::ListenerHasNoData,
        Refusal::SendJobRunning,
        Refusal::RespondUnconnected,
        Refusal::TlsNotTcp,
        Refusal::TlsListenerAsClient,
        Refusal::TlsServerAutoReceiving,
    ];

    fn explanation(self) -> (String, String) {
        let (why, hint) = self.keys();
        (crate::i18n::text(why, None), crate::i18n::text(hint, None))
    }

    fn keys(self) -> (&'static str, &'static str) {
        match self {
            Refusal::AutoReceiving => (
                "errors-refused-auto-receiving",
                "errors-refused-auto-receiving-hint",
            ),
            Refusal::AutoAccepting => (
                "errors-refused-auto-accepting",
                "errors-refused-auto-accepting-hint",
            ),
            Refusal::ListenerHasNoData => (
                "errors-refused-listener-data",
                "errors-refused-listener-data-hint",
            ),
            Refusal::SendJobRunning => ("errors-refused-send-job", "errors-refused-send-job-hint"),
            Refusal::RespondUnconnected => {
                ("errors-refused-respond", "errors-refused-respond-hint")
            }
            Refusal::TlsNotTcp => (
                "errors-refused-tls-not-tcp",
                "errors-refused-tls-not-tcp-hint",
            ),
            Refusal::TlsListenerAsClient => (
                "errors-refused-tls-listener",
                "errors-refused-tls-listener-hint",
            ),
            Refusal::TlsServerAutoReceiving => (
                "errors-refused-tls-auto-receiving",
                "errors-refused-tls-auto-receiving-hint",
            ),
        }
    }
}

/// What holds an address a bind wanted (EADDRINUSE), found in the kernel's table, or
/// (BoundOnly) what took the address a connect was refused at.
#[derive(Clone, Debug, PartialEq)]
pub enum Holder {
    /// One of ours, bound at the address and neither listening nor connected: bind()
    /// without listen(). The kernel's TCP table as socklab reads it (the states of
    /// connections and listeners) lists no socket only bound: the engine's registry does.
    BoundOnly { owner: Owner },
    /// A socket listening on it.
    Listener { owner: Owner },
    /// A live connection with it as its local address.
    Connection {
        owner: Owner,
        state: &'static str,
        peer: String,
    },
    /// A connection closed, but still in TIME_WAIT; `reuse_here`: whether the socket that
    /// failed has SO_REUSEADDR set.
    TimeWait {
        peer: String,
        secs_left: u64,
        reuse_here: bool,
        /// Whether the socket that made that connection had SO_REUSEADDR as it closed,
        /// when it was one of ours.
        reuse_there: Option<bool>,
    },
    /// A connection whose socket was closed, still finishing (FIN_WAIT1, FIN_WAIT2,
    /// CLOSING, LAST_ACK): no program holds it (its inode is 0), whoever closed it.
    /// `secs_left`: what the kernel still gives a FIN_WAIT2, when that is known exactly
    /// (tcp_fin_timeout up to 60 s, its timer's own); `reuse_here` as for TimeWait.
    Closing {
        state: &'static str,
        peer: String,
        secs_left: Option<u64>,
        reuse_here: bool,
    },
    /// Nothing the table shows (TCP lists no socket that is only bound, and no UDP).
    Unseen,
}

/// Whose socket it is.
#[derive(Clone, Debug, PartialEq)]
pub enum Owner {
    /// One of this socklab's sockets, by name (as the engine knows it: a console showing
    /// the error may say whose it is, `OpError::name_holder`).
    Ours { id: SocketId, name: String },
    /// Another process's.
    Process { pid: u32, command: String },
    /// A socket no process shows (its inode).
    Unknown { inode: u32 },
}

impl Owner {
    fn said(&self) -> String {
        match self {
            Owner::Ours { name, .. } => name.clone(),
            Owner::Process { pid, command } => {
                t!("errors-owner-process", pid = *pid, command = command)
            }
            Owner::Unknown { inode } => t!("errors-owner-unknown", inode = *inode),
        }
    }

    /// As a sentence begins: a socket's name as it is, anything else capitalised.
    fn said_first(&self) -> String {
        match self {
            Owner::Ours { name, .. } => name.clone(),
            _ => capitalized(&self.said()),
        }
    }

    fn close_it(&self) -> String {
        match self {
            Owner::Ours { name, .. } => t!("errors-close-ours", name = name),
            Owner::Process { pid, .. } => t!("errors-close-process", pid = *pid),
            Owner::Unknown { .. } => t!("errors-close-unknown"),
        }
    }
}

/// Why and what to do, for EADDRINUSE with what holds the address.
fn explain_holder(holder: &Holder, at: &str) -> (String, String) {
    match holder {
        Holder::Listener { owner } => (
            t!(
                "errors-holder-listener",
                owner = owner.said_first(),
                at = at
            ),
            t!("errors-holder-listener-hint", close = owner.close_it()),
        ),
        Holder::Connection { owner, state, peer } => (
            t!(
                "errors-holder-connection",
                owner = owner.said(),
                peer = peer,
                state = *state,
                at = at
            ),
            match owner {
                Owner::Ours { name, .. } => {
                    t!("errors-holder-connection-hint-ours", name = name)
                }
                _ => t!("errors-holder-connection-hint"),
            },
        ),
        Holder::TimeWait {
            peer,
            secs_left,
            reuse_here,
            reuse_there,
        } => (
            t!(
                "errors-holder-time-wait",
                at = at,
                peer = peer,
                secs = *secs_left
            ),
            match (*reuse_here, reuse_there) {
                (true, _) => t!("errors-holder-time-wait-hint-reuse", secs = *secs_left),
                // Only this socket's is missing.
                (false, Some(true)) => {
                    t!("errors-holder-time-wait-hint-here", secs = *secs_left)
                }
                (false, _) => t!("errors-holder-time-wait-hint", secs = *secs_left),
            },
        ),
        Holder::Closing {
            state,
            peer,
            secs_left,
            reuse_here,
        } => {
            let why = match (*state, secs_left) {
                ("FIN_WAIT2", Some(secs)) => t!(
                    "errors-holder-closing-fin-wait2-left",
                    peer = peer,
                    secs = *secs
                ),
                ("FIN_WAIT2", None) => t!("errors-holder-closing-fin-wait2", peer = peer),
                _ => t!("errors-holder-closing-acked", peer = peer),
            };
            let reuse = if *reuse_here {
                t!("errors-holder-closing-reuse-here")
            } else {
                t!("errors-holder-closing-reuse")
            };
            (
                t!(
                    "errors-holder-closing",
                    at = at,
                    peer = peer,
                    state = *state
                ),
                format!("{why} {reuse}"),
            )
        }
        Holder::BoundOnly { owner } => (
            t!(
                "errors-holder-bound-only",
                owner = owner.said_first(),
                at = at
            ),
            t!("errors-holder-bound-only-hint", owner = owner.said()),
        ),
        Holder::Unseen => (
            t!("errors-holder-unseen", at = at),
            t!("errors-holder-unseen-hint"),
        ),
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

impl OpError {
    pub fn os(op: &'static str, addr: Option<String>, errno: i32) -> Self {
        OpError {
            op,
            addr,
            kind: ErrorKind::Os { errno },
            holder: None,
            closed_while_waiting: false,
            detail: Default::default(),
        }
    }

    /// EBADF for a call that was waiting when its socket was closed.
    pub fn closed_while_waiting(op: &'static str, addr: Option<String>) -> Self {
        OpError {
            closed_while_waiting: true,
            ..Self::os(op, addr, libc::EBADF)
        }
    }

    /// The same failure, with what its call's circumstances add to the explanation.
    pub fn with_detail(self, detail: Detail) -> Self {
        OpError { detail, ..self }
    }

    pub fn from_io(op: &'static str, addr: Option<String>, e: &std::io::Error) -> Self {
        // A TLS session's failure travels as an io::Error of its own.
        if let Some(f) = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<crate::engine::tls::TlsFailure>())
        {
            return Self::tls(op, addr, f.clone());
        }
        Self::os(op, addr, e.raw_os_error().unwrap_or(libc::EIO))
    }

    pub fn tls(
        op: &'static str,
        addr: Option<String>,
        failure: crate::engine::tls::TlsFailure,
    ) -> Self {
        OpError {
            op,
            addr,
            kind: ErrorKind::Tls { failure },
            holder: None,
            closed_while_waiting: false,
            detail: Default::default(),
        }
    }

    pub fn timeout(op: &'static str, addr: Option<String>) -> Self {
        OpError {
            op,
            addr,
            kind: ErrorKind::Timeout,
            holder: None,
            closed_while_waiting: false,
            detail: Default::default(),
        }
    }

    pub fn python(op: &'static str, class: &'static str, message: impl Into<String>) -> Self {
        OpError {
            op,
            addr: None,
            kind: ErrorKind::Python {
                class,
                message: message.into(),
            },
            holder: None,
            closed_while_waiting: false,
            detail: Default::default(),
        }
    }

    /// What socklab refuses to do on this socket now (Refusal), as the Python line and its
    /// explanation say it.
    pub fn refused(op: &'static str, why: Refusal) -> Self {
        let (class, message) = why.python();
        OpError {
            detail: Detail::Refused(why),
            ..OpError::python(op, class, message)
        }
    }

    /// socklab's own failure while running `op`: the socket's worker ended and closed it.
    /// The call was interrupted (Op::Interrupt) while it waited: Python's
    /// KeyboardInterrupt, nothing done.
    pub fn interrupted(op: &'static str) -> Self {
        OpError::python(op, "KeyboardInterrupt", "")
    }

    /// Whether it is a Ctrl+C's KeyboardInterrupt (no failure of the call's own).
    pub fn is_interrupt(&self) -> bool {
        matches!(&self.kind, ErrorKind::Python { class, .. } if *class == "KeyboardInterrupt")
    }

    pub fn internal(op: &'static str, message: impl Into<String>) -> Self {
        OpError {
            op,
            addr: None,
            kind: ErrorKind::Internal {
                message: message.into(),
            },
            holder: None,
            closed_while_waiting: false,
            detail: Default::default(),
        }
    }

    pub fn errno(&self) -> Option<i32> {
        match self.kind {
            ErrorKind::Os { errno } => Some(errno),
            ErrorKind::Timeout => Some(libc::EAGAIN),
            _ => None,
        }
    }

    /// Python's exception class name as a traceback's last line shows it.
    pub fn python_class(&self) -> &'static str {
        match &self.kind {
            ErrorKind::Os { errno } => python_class_for_errno(*errno),
            ErrorKind::Timeout => "TimeoutError",
            ErrorKind::Gai { .. } => "socket.gaierror",
            ErrorKind::Python { class, .. } => class,
            // Python's class for "the interpreter itself went wrong".
            ErrorKind::Internal { .. } => "SystemError",
            ErrorKind::Tls { failure } => failure.python_class(),
        }
    }

    /// The message part of the exception line.
    pub fn python_message(&self) -> String {
        match &self.kind {
            ErrorKind::Os { errno } => format!("[Errno {}] {}", errno, strerror(*errno)),
            ErrorKind::Timeout => "timed out".to_string(),
            ErrorKind::Gai { code, message } => format!("[Errno {code}] {message}"),
            ErrorKind::Python { message, .. } => message.clone(),
            ErrorKind::Internal { message } => {
                format!("socklab's worker for this socket failed: {message}")
            }
            ErrorKind::Tls { failure } => failure.python_message(),
        }
    }

    /// The last line of the traceback CPython prints, e.g.
    /// `ConnectionRefusedError: [Errno 111] Connection refused`.
    pub fn python_line(&self) -> String {
        let msg = self.python_message();
        if msg.is_empty() {
            self.python_class().to_string()
        } else {
            format!("{}: {}", self.python_class(), msg)
        }
    }

    /// The symbolic errno name (EADDRINUSE...), when the failure has one.
    pub fn errno_name(&self) -> Option<&'static str> {
        match self.kind {
            ErrorKind::Os { errno } => Some(errno_name(errno)),
            // A socket timeout's TimeoutError has no errno (CPython's errno is None);
            // ETIMEDOUT is the kernel's giving up on a connection, another thing.
            _ => None,
        }
    }

    /// Names the socket of ours that holds the address as `whose` says (given its id and
    /// the engine's name for it; None keeps the name): where the name alone would mislead,
    /// as in one console of two that each have an `s`.
    pub fn name_holder(&mut self, whose: impl FnOnce(SocketId, &str) -> Option<String>) {
        if let Some(
            Holder::Listener { owner }
            | Holder::Connection { owner, .. }
            | Holder::BoundOnly { owner },
        ) = self.holder.as_deref_mut()
        {
            if let Owner::Ours { id, name } = owner {
                if let Some(said) = whose(*id, name) {
                    *name = said;
                }
            }
        }
    }

    /// A plain-language explanation and, where one exists, what to do about it.
    pub fn explanation(&self) -> (String, Option<String>) {
        let op = self.op;
        match &self.kind {
            ErrorKind::Os {
                errno: libc::EADDRINUSE,
            } if self.holder.is_some() => {
                let at = self
                    .addr
                    .as_deref()
                    .map(|a| format!(" {a}"))
                    .unwrap_or_default();
                let holder = self.holder.as_deref().unwrap_or(&Holder::Unseen);
                let (why, hint) = explain_holder(holder, &at);
                (why, Some(hint))
            }
            // A connect refused where a socket of ours is only bound: said by its name.
            ErrorKind::Os {
                errno: libc::ECONNREFUSED,
            } if self.holder.is_some() => match self.holder.as_deref() {
                Some(Holder::BoundOnly { owner }) => {
                    let at = self
                        .addr
                        .as_deref()
                        .map(|a| format!(" {a}"))
                        .unwrap_or_default();
                    (
                        t!(
                            "errors-econnrefused-bound-only",
                            owner = owner.said(),
                            at = at
                        ),
                        Some(t!(
                            "errors-econnrefused-bound-only-hint",
                            owner = owner.said()
                        )),
                    )
                }
                _ => explain(libc::ECONNREFUSED, op, self.addr.as_deref(), self.detail),
            },
            ErrorKind::Os { errno: libc::EBADF }
                if self.closed_while_waiting && self.detail == Detail::Released =>
            {
                (
                    t!("errors-released-while-waiting", op = op),
                    Some(t!("errors-released-while-waiting-hint", op = op)),
                )
            }
            ErrorKind::Os { errno: libc::EBADF } if self.closed_while_waiting => (
                t!("errors-closed-while-waiting", op = op),
                Some(match op {
                    // shutdown() is no way out without a peer: only a timeout is.
                    _ if self.detail == Detail::Unconnected => {
                        t!("errors-closed-while-waiting-hint", op = op)
                    }
                    "recv_into" | "recvfrom_into" => {
                        t!("errors-closed-while-waiting-hint-recv-into", op = op)
                    }
                    op if crate::engine::command::receives(op) => {
                        t!("errors-closed-while-waiting-hint-recv", op = op)
                    }
                    "send" | "sendall" | "sendto" => {
                        t!("errors-closed-while-waiting-hint-send", op = op)
                    }
                    _ => t!("errors-closed-while-waiting-hint", op = op),
                }),
            ),
            ErrorKind::Os { errno } => explain(*errno, op, self.addr.as_deref(), self.detail),
            ErrorKind::Timeout => (
                t!("errors-timeout", op = op),
                Some(if self.detail == Detail::NothingHeard {
                    t!("errors-timeout-hint-nothing-heard")
                } else if self.detail == Detail::NoPort {
                    t!("errors-timeout-hint-no-port")
                } else {
                    t!("errors-timeout-hint")
                }),
            ),
            ErrorKind::Gai { .. } => (t!("errors-gai"), Some(t!("errors-gai-hint"))),
            // Ctrl+C is no fault of the call's arguments.
            ErrorKind::Python { .. } if self.is_interrupt() => (
                t!("errors-interrupted", op = op),
                Some(match op {
                    // The kernel goes on with the handshake it began.
                    "connect" | "connect_ex" => t!("errors-interrupted-hint-connect", op = op),
                    // Some of the bytes may have gone already.
                    "send" | "sendall" | "sendto" | "sendfile" => {
                        t!("errors-interrupted-hint-send", op = op)
                    }
                    _ => t!("errors-interrupted-hint", op = op),
                }),
            ),
            ErrorKind::Python { .. } => match self.detail {
                Detail::Refused(r) => {
                    let (why, hint) = r.explanation();
                    (why, Some(hint))
                }
                _ => (t!("errors-python"), None),
            },
            ErrorKind::Internal { .. } => (
                t!("errors-internal", op = op),
                Some(t!("errors-internal-hint")),
            ),
            ErrorKind::Tls { failure } => explain_tls(failure),
        }
    }
}

impl fmt::Display for OpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (why, hint) = self.explanation();
        write!(f, "{}", self.op)?;
        if let Some(a) = &self.addr {
            write!(f, " {a}")?;
        }
        write!(f, ": {}", self.python_line())?;
        if let Some(name) = self.errno_name() {
            write!(f, " ({name})")?;
        }
        write!(f, " — {why}")?;
        if let Some(h) = hint {
            write!(f, " {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for OpError {}

/// Why TLS failed and what to do, in plain words.
fn explain_tls(failure: &crate::engine::tls::TlsFailure) -> (String, Option<String>) {
    use crate::engine::tls::TlsFailure as F;
    match failure {
        F::Expired => (
            t!("errors-tls-expired"),
            Some(t!("errors-tls-expired-hint")),
        ),
        F::NotYetValid => (
            t!("errors-tls-not-yet-valid"),
            Some(t!("errors-tls-not-yet-valid-hint")),
        ),
        F::WrongName { name } => (
            t!("errors-tls-wrong-name", name = name),
            Some(t!("errors-tls-wrong-name-hint", name = name)),
        ),
        F::UnknownIssuer => (
            t!("errors-tls-unknown-issuer"),
            Some(t!("errors-tls-unknown-issuer-hint")),
        ),
        F::SelfSigned => (
            t!("errors-tls-self-signed"),
            Some(t!("errors-tls-self-signed-hint")),
        ),
        F::Eof => (t!("errors-tls-eof"), Some(t!("errors-tls-eof-hint"))),
        F::Alert { alert } => (
            t!("errors-tls-alert", alert = alert),
            Some(t!("errors-tls-alert-hint")),
        ),
        F::Other { .. } => (t!("errors-tls-other"), Some(t!("errors-tls-other-hint"))),
    }
}

/// The C library's message for an errno, exactly as CPython shows it.
pub fn strerror(errno: i32) -> String {
    crate::sys::strerror(errno)
}

/// The exception class CPython raises for an errno (PEP 3151's mapping).
pub fn python_class_for_errno(errno: i32) -> &'static str {
    match errno {
        libc::EAGAIN | libc::EALREADY | libc::EINPROGRESS => "BlockingIOError",
        libc::ECHILD => "ChildProcessError",
        libc::EPIPE | libc::ESHUTDOWN => "BrokenPipeError",
        libc::ECONNABORTED => "ConnectionAbortedError",
        libc::ECONNREFUSED => "ConnectionRefusedError",
        libc::ECONNRESET => "ConnectionResetError",
        libc::EEXIST => "FileExistsError",
        libc::ENOENT => "FileNotFoundError",
        libc::EISDIR => "IsADirectoryError",
        libc::ENOTDIR => "NotADirectoryError",
        libc::EINTR => "InterruptedError",
        libc::EACCES | libc::EPERM => "PermissionError",
        libc::ESRCH => "ProcessLookupError",
        libc::ETIMEDOUT => "TimeoutError",
        _ => "OSError",
    }
}

/// The symbolic name of an errno value (Linux numbering).
pub fn errno_name(errno: i32) -> &'static str {
    match errno {
        libc::EPERM => "EPERM",
        libc::ENOENT => "ENOENT",
        libc::ESRCH => "ESRCH",
        libc::EINTR => "EINTR",
        libc::EIO => "EIO",
        libc::ENXIO => "ENXIO",
        libc::E2BIG => "E2BIG",
        libc::ENOEXEC => "ENOEXEC",
        libc::EBADF => "EBADF",
        libc::ECHILD => "ECHILD",
        libc::EAGAIN => "EAGAIN",
        libc::ENOMEM => "ENOMEM",
        libc::EACCES => "EACCES",
        libc::EFAULT => "EFAULT",
        libc::ENOTBLK => "ENOTBLK",
        libc::EBUSY => "EBUSY",
        libc::EEXIST => "EEXIST",
        libc::EXDEV => "EXDEV",
        libc::ENODEV => "ENODEV",
        libc::ENOTDIR => "ENOTDIR",
        libc::EISDIR => "EISDIR",
        libc::EINVAL => "EINVAL",
        libc::ENFILE => "ENFILE",
        libc::EMFILE => "EMFILE",
        libc::ENOTTY => "ENOTTY",
        libc::ETXTBSY => "ETXTBSY",
        libc::EFBIG => "EFBIG",
        libc::ENOSPC => "ENOSPC",
        libc::ESPIPE => "ESPIPE",
        libc::EROFS => "EROFS",
        libc::EMLINK => "EMLINK",
        libc::EPIPE => "EPIPE",
        libc::EDOM => "EDOM",
        libc::ERANGE => "ERANGE",
        libc::EDEADLK => "EDEADLK",
        libc::ENAMETOOLONG => "ENAMETOOLONG",
        libc::ENOLCK => "ENOLCK",
        libc::ENOSYS => "ENOSYS",
        libc::ENOTEMPTY => "ENOTEMPTY",
        libc::ELOOP => "ELOOP",
        libc::ENOMSG => "ENOMSG",
        libc::EIDRM => "EIDRM",
        libc::ECHRNG => "ECHRNG",
        libc::EL2NSYNC => "EL2NSYNC",
        libc::EL3HLT => "EL3HLT",
        libc::EL3RST => "EL3RST",
        libc::ELNRNG => "ELNRNG",
        libc::EUNATCH => "EUNATCH",
        libc::ENOCSI => "ENOCSI",
        libc::EL2HLT => "EL2HLT",
        libc::EBADE => "EBADE",
        libc::EBADR => "EBADR",
        libc::EXFULL => "EXFULL",
        libc::ENOANO => "ENOANO",
        libc::EBADRQC => "EBADRQC",
        libc::EBADSLT => "EBADSLT",
        libc::EBFONT => "EBFONT",
        libc::ENOSTR => "ENOSTR",
        libc::ENODATA => "ENODATA",
        libc::ETIME => "ETIME",
        libc::ENOSR => "ENOSR",
        libc::ENONET => "ENONET",
        libc::ENOPKG => "ENOPKG",
        libc::EREMOTE => "EREMOTE",
        libc::ENOLINK => "ENOLINK",
        libc::EADV => "EADV",
        libc::ESRMNT => "ESRMNT",
        libc::ECOMM => "ECOMM",
        libc::EPROTO => "EPROTO",
        libc::EMULTIHOP => "EMULTIHOP",
        libc::EDOTDOT => "EDOTDOT",
        libc::EBADMSG => "EBADMSG",
        libc::EOVERFLOW => "EOVERFLOW",
        libc::ENOTUNIQ => "ENOTUNIQ",
        libc::EBADFD => "EBADFD",
        libc::EREMCHG => "EREMCHG",
        libc::ELIBACC => "ELIBACC",
        libc::ELIBBAD => "ELIBBAD",
        libc::ELIBSCN => "ELIBSCN",
        libc::ELIBMAX => "ELIBMAX",
        libc::ELIBEXEC => "ELIBEXEC",
        libc::EILSEQ => "EILSEQ",
        libc::ERESTART => "ERESTART",
        libc::ESTRPIPE => "ESTRPIPE",
        libc::EUSERS => "EUSERS",
        libc::ENOTSOCK => "ENOTSOCK",
        libc::EDESTADDRREQ => "EDESTADDRREQ",
        libc::EMSGSIZE => "EMSGSIZE",
        libc::EPROTOTYPE => "EPROTOTYPE",
        libc::ENOPROTOOPT => "ENOPROTOOPT",
        libc::EPROTONOSUPPORT => "EPROTONOSUPPORT",
        libc::ESOCKTNOSUPPORT => "ESOCKTNOSUPPORT",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        libc::EPFNOSUPPORT => "EPFNOSUPPORT",
        libc::EAFNOSUPPORT => "EAFNOSUPPORT",
        libc::EADDRINUSE => "EADDRINUSE",
        libc::EADDRNOTAVAIL => "EADDRNOTAVAIL",
        libc::ENETDOWN => "ENETDOWN",
        libc::ENETUNREACH => "ENETUNREACH",
        libc::ENETRESET => "ENETRESET",
        libc::ECONNABORTED => "ECONNABORTED",
        libc::ECONNRESET => "ECONNRESET",
        libc::ENOBUFS => "ENOBUFS",
        libc::EISCONN => "EISCONN",
        libc::ENOTCONN => "ENOTCONN",
        libc::ESHUTDOWN => "ESHUTDOWN",
        libc::ETOOMANYREFS => "ETOOMANYREFS",
        libc::ETIMEDOUT => "ETIMEDOUT",
        libc::ECONNREFUSED => "ECONNREFUSED",
        libc::EHOSTDOWN => "EHOSTDOWN",
        libc::EHOSTUNREACH => "EHOSTUNREACH",
        libc::EALREADY => "EALREADY",
        libc::EINPROGRESS => "EINPROGRESS",
        libc::ESTALE => "ESTALE",
        libc::EUCLEAN => "EUCLEAN",
        libc::ENOTNAM => "ENOTNAM",
        libc::ENAVAIL => "ENAVAIL",
        libc::EISNAM => "EISNAM",
        libc::EREMOTEIO => "EREMOTEIO",
        libc::EDQUOT => "EDQUOT",
        libc::ENOMEDIUM => "ENOMEDIUM",
        libc::EMEDIUMTYPE => "EMEDIUMTYPE",
        libc::ECANCELED => "ECANCELED",
        libc::ENOKEY => "ENOKEY",
        libc::EKEYEXPIRED => "EKEYEXPIRED",
        libc::EKEYREVOKED => "EKEYREVOKED",
        libc::EKEYREJECTED => "EKEYREJECTED",
        libc::EOWNERDEAD => "EOWNERDEAD",
        libc::ENOTRECOVERABLE => "ENOTRECOVERABLE",
        libc::ERFKILL => "ERFKILL",
        _ => "E?",
    }
}

/// Operations on files rather than sockets (a send job's file, receive-to-file).
pub const FILE_OPS: [&str; 3] = ["read file", "record", "write file"];

/// A file operation's name in a sentence ("read file"...).
fn file_op(op: &str) -> String {
    match op {
        "read file" => t!("errors-op-read-file"),
        "record" => t!("errors-op-record"),
        "write file" => t!("errors-op-write-file"),
        _ => op.to_string(),
    }
}

fn explain_file(errno: i32, op: &str, at: &str) -> (String, Option<String>) {
    let op = file_op(op);
    match errno {
        libc::ENOENT => (
            t!("errors-file-enoent", at = at),
            Some(t!("errors-file-enoent-hint")),
        ),
        libc::EACCES | libc::EPERM => (
            t!("errors-file-eacces", op = &op, at = at),
            Some(t!("errors-file-eacces-hint")),
        ),
        libc::EEXIST => (
            t!("errors-file-eexist", at = at),
            Some(t!("errors-file-eexist-hint")),
        ),
        libc::EISDIR => (
            t!("errors-file-eisdir", at = at),
            Some(t!("errors-file-eisdir-hint")),
        ),
        libc::ENOSPC | libc::EDQUOT => (
            t!("errors-file-enospc"),
            Some(t!("errors-file-enospc-hint")),
        ),
        _ => (
            t!(
                "errors-file-failed",
                op = &op,
                at = at,
                error = strerror(errno)
            ),
            None,
        ),
    }
}

/// Whether an address as shown is a host and port ("localhost:80", "[::1]:80"), not a Unix
/// socket's path.
fn inet_like(addr: &str) -> bool {
    // An empty host is every interface, as in Python (`('', 9)` shows as ":9").
    addr.rsplit_once(':')
        .is_some_and(|(host, port)| !host.contains('/') && port.parse::<u16>().is_ok())
}

fn explain(errno: i32, op: &str, addr: Option<&str>, detail: Detail) -> (String, Option<String>) {
    let at = addr.map(|a| format!(" {a}")).unwrap_or_default();
    if FILE_OPS.contains(&op) {
        return explain_file(errno, op, &at);
    }
    let at = at.as_str();
    match errno {
        libc::EADDRINUSE => (
            t!("errors-eaddrinuse", at = at),
            Some(t!("errors-eaddrinuse-hint")),
        ),
        libc::EACCES if op == "bind" => (
            t!("errors-eacces-bind", at = at),
            Some(t!("errors-eacces-bind-hint")),
        ),
        // A datagram to a broadcast address without SO_BROADCAST (sendto, or connect
        // and send on UDP); anything else refused is not that.
        libc::EACCES if matches!(op, "sendto" | "send" | "sendall" | "connect") => (
            t!("errors-eacces", op = op, at = at),
            Some(t!("errors-eacces-send-hint")),
        ),
        libc::EACCES => (
            t!("errors-eacces", op = op, at = at),
            Some(t!("errors-eacces-hint")),
        ),
        libc::EADDRNOTAVAIL => (
            t!("errors-eaddrnotavail", at = at),
            Some(t!("errors-eaddrnotavail-hint")),
        ),
        // A Unix socket's file with nobody behind it; a connect's SYN answered with RST;
        // or refused later, on a call after the packet went (UDP's ICMP port unreachable,
        // a non-blocking connect's reset).
        libc::ECONNREFUSED if addr.is_some_and(|a| a.starts_with('@')) => (
            t!("errors-econnrefused-abstract", at = at),
            Some(t!("errors-econnrefused-abstract-hint")),
        ),
        libc::ECONNREFUSED if addr.is_some_and(|a| !inet_like(a)) => (
            t!("errors-econnrefused-unix", at = at),
            Some(t!("errors-econnrefused-unix-hint")),
        ),
        libc::ECONNREFUSED if matches!(op, "connect" | "connect_ex" | "create_connection") => (
            t!("errors-econnrefused", at = at),
            Some(t!("errors-econnrefused-hint")),
        ),
        libc::ECONNREFUSED if detail == Detail::UdpRefused => (
            t!("errors-econnrefused-udp", op = op, at = at),
            Some(t!("errors-econnrefused-later-hint")),
        ),
        libc::ECONNREFUSED => (
            t!("errors-econnrefused-later", op = op, at = at),
            Some(t!("errors-econnrefused-later-hint")),
        ),
        libc::ECONNRESET if detail == Detail::Accepted => (
            t!("errors-econnreset"),
            Some(t!("errors-connection-over-accepted-hint")),
        ),
        libc::ECONNRESET => (t!("errors-econnreset"), Some(t!("errors-econnreset-hint"))),
        libc::EPIPE => {
            // Who ended the sending decides what is true to say.
            let (why, hint) = match detail {
                Detail::ShutWrite => (
                    t!("errors-epipe-shut-write"),
                    t!("errors-epipe-shut-write-hint"),
                ),
                Detail::ShutBoth => (
                    t!("errors-epipe-shut-write"),
                    t!("errors-epipe-shut-both-hint"),
                ),
                Detail::Accepted => (
                    t!("errors-epipe-connected"),
                    t!("errors-connection-over-accepted-hint"),
                ),
                Detail::WasConnected => (
                    t!("errors-epipe-connected"),
                    t!("errors-epipe-connected-hint"),
                ),
                _ => (t!("errors-epipe"), t!("errors-epipe-hint")),
            };
            (why, Some(hint))
        }
        libc::ENOTCONN => (
            t!("errors-enotconn", op = op),
            Some(t!("errors-enotconn-hint")),
        ),
        libc::EDESTADDRREQ => (
            t!("errors-edestaddrreq", op = op),
            Some(t!("errors-edestaddrreq-hint")),
        ),
        libc::EMSGSIZE => (t!("errors-emsgsize"), Some(t!("errors-emsgsize-hint"))),
        libc::EOPNOTSUPP => (
            t!("errors-eopnotsupp", op = op),
            Some(t!("errors-eopnotsupp-hint")),
        ),
        libc::EISCONN => (t!("errors-eisconn"), Some(t!("errors-eisconn-hint"))),
        // A stream socket's accept(): EINVAL is Linux's "not listening".
        libc::EINVAL if op == "accept" && detail == Detail::ShutListening => (
            t!("errors-einval-accept-shut"),
            Some(t!("errors-einval-accept-shut-hint")),
        ),
        libc::EINVAL if op == "accept" => (
            t!("errors-einval-accept"),
            Some(t!("errors-einval-accept-hint")),
        ),
        libc::EINVAL => (t!("errors-einval", op = op), Some(t!("errors-einval-hint"))),
        libc::EAGAIN if detail == Detail::DontWait => (
            t!("errors-eagain-dontwait", op = op),
            Some(t!("errors-eagain-dontwait-hint")),
        ),
        // What "nothing ready" is, for the calls a learner makes non-blocking.
        libc::EAGAIN if op == "accept" => {
            (t!("errors-eagain-accept"), Some(t!("errors-eagain-hint")))
        }
        libc::EAGAIN if crate::engine::command::receives(op) => (
            t!("errors-eagain-recv", op = op),
            Some(t!("errors-eagain-hint")),
        ),
        libc::EAGAIN if matches!(op, "send" | "sendall" | "sendto") => (
            t!("errors-eagain-send", op = op),
            Some(t!("errors-eagain-hint")),
        ),
        libc::EAGAIN => (t!("errors-eagain", op = op), Some(t!("errors-eagain-hint"))),
        libc::EINPROGRESS => (
            t!("errors-einprogress"),
            Some(t!("errors-einprogress-hint")),
        ),
        libc::EALREADY => (t!("errors-ealready"), None),
        libc::EBADF => (t!("errors-ebadf"), Some(t!("errors-ebadf-hint"))),
        libc::ENOENT => (t!("errors-enoent", at = at), Some(t!("errors-enoent-hint"))),
        libc::EAFNOSUPPORT => (
            t!("errors-eafnosupport"),
            Some(t!("errors-eafnosupport-hint")),
        ),
        libc::ENOPROTOOPT => (
            t!("errors-enoprotoopt"),
            Some(t!("errors-enoprotoopt-hint")),
        ),
        libc::ENETUNREACH | libc::EHOSTUNREACH => (t!("errors-unreachable", at = at), None),
        libc::ETIMEDOUT => (t!("errors-etimedout"), None),
        libc::EMFILE | libc::ENFILE => (t!("errors-emfile"), Some(t!("errors-emfile-hint"))),
        _ => (t!("errors-failed", op = op, error = strerror(errno)), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_is_explained_in_both_languages() {
        for r in Refusal::ALL {
            let (why, hint) = r.keys();
            for lang in [crate::i18n::Lang::En, crate::i18n::Lang::ZhCn] {
                for key in [why, hint] {
                    let text = crate::i18n::text_in(lang, key);
                    assert!(!text.is_empty() && text != key, "{r:?} {lang:?} {key}");
                }
            }
            let e = OpError::refused("recv", r);
            assert_eq!(e.explanation().1, Some(crate::i18n::text(hint, None)));
            assert_ne!(e.explanation().0, t!("errors-python"));
        }
    }

    /// A call Ctrl+C ended is said to be interrupted, not refused for its arguments.
    #[test]
    fn an_interrupted_call_is_not_blamed_on_its_arguments() {
        let e = OpError::interrupted("accept");
        assert!(e.is_interrupt());
        let (why, hint) = e.explanation();
        assert_ne!(why, t!("errors-python"));
        assert!(why.contains("accept") && why.contains("Ctrl+C"), "{why}");
        assert!(hint.is_some_and(|h| h.contains("call accept again")));
        let hint = |op| OpError::interrupted(op).explanation().1.unwrap_or_default();
        assert!(hint("connect").contains("EALREADY"), "{}", hint("connect"));
        assert!(hint("sendall").contains("again"), "{}", hint("sendall"));
        assert!(!hint("sendall").contains("wait again"));
        assert!(!OpError::python("recv", "TypeError", "x").is_interrupt());
    }

    #[test]
    fn python_lines_match_cpython() {
        let e = OpError::os("connect", Some("127.0.0.1:1".into()), libc::ECONNREFUSED);
        assert_eq!(
            e.python_line(),
            "ConnectionRefusedError: [Errno 111] Connection refused"
        );
        assert_eq!(e.errno_name(), Some("ECONNREFUSED"));
        assert!(
            e.explanation().0.contains("reset (RST)"),
            "{:?}",
            e.explanation()
        );
        let e = OpError::os("connect", Some("/tmp/gone.sock".into()), libc::ECONNREFUSED);
        assert!(
            e.explanation().0.contains("socket file"),
            "{:?}",
            e.explanation()
        );
        for host in ["localhost:1", "[fe80::1%eth0]:80", "[::1]:9", ":9"] {
            let e = OpError::os("connect", Some(host.into()), libc::ECONNREFUSED);
            assert!(e.explanation().0.contains("reset (RST)"), "{host}");
        }
        let e = OpError::os("connect", Some("@abstract".into()), libc::ECONNREFUSED);
        assert!(
            e.explanation().0.contains("abstract name"),
            "{:?}",
            e.explanation()
        );
        let e = OpError::os("recv", None, libc::ECONNREFUSED);
        assert!(
            e.explanation().0.contains("port unreachable"),
            "{:?}",
            e.explanation()
        );
        let e = OpError::os("bind", None, libc::EADDRINUSE);
        assert_eq!(
            e.python_line(),
            "OSError: [Errno 98] Address already in use"
        );
        assert!(e.explanation().1.unwrap().contains("SO_REUSEADDR"));
        // As root the kernel never refuses a low port, so the text is checked here.
        let e = OpError::os("bind", Some("0.0.0.0:80".into()), libc::EACCES);
        assert_eq!(
            e.python_line(),
            "PermissionError: [Errno 13] Permission denied"
        );
        assert!(e.explanation().0.contains("1024"));
        assert!(e.to_string().contains("0.0.0.0:80"));
        assert_eq!(
            OpError::timeout("recv", None).python_line(),
            "TimeoutError: timed out"
        );
    }
}
