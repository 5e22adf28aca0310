//! Failures as the engine reports them: the operation, the address, the errno with its
//! symbolic name, the exception line CPython would print, and a plain-language explanation.

use std::fmt;

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
}

/// What holds an address a bind wanted (EADDRINUSE), found in the kernel's table.
#[derive(Clone, Debug, PartialEq)]
pub enum Holder {
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
    },
    /// Nothing the table shows (TCP lists no socket that is only bound, and no UDP).
    Unseen,
}

/// Whose socket it is.
#[derive(Clone, Debug, PartialEq)]
pub enum Owner {
    /// One of this socklab's sockets, by name.
    Ours { name: String },
    /// Another process's.
    Process { pid: u32, command: String },
    /// A socket no process shows (its inode).
    Unknown { inode: u32 },
}

impl Owner {
    fn said(&self) -> String {
        match self {
            Owner::Ours { name } => name.clone(),
            Owner::Process { pid, command } => format!("process {pid} ({command})"),
            Owner::Unknown { inode } => {
                format!("a socket of another process (inode {inode}; /proc does not say whose)")
            }
        }
    }

    /// As a sentence begins: a socket's name as it is, anything else capitalised.
    fn said_first(&self) -> String {
        match self {
            Owner::Ours { name } => name.clone(),
            _ => capitalized(&self.said()),
        }
    }

    fn close_it(&self) -> String {
        match self {
            Owner::Ours { name } => format!("close {name}"),
            Owner::Process { pid, .. } => format!("stop process {pid}"),
            Owner::Unknown { .. } => "stop the process that holds it".into(),
        }
    }
}

/// Why and what to do, for EADDRINUSE with what holds the address.
fn explain_holder(holder: &Holder, at: &str) -> (String, String) {
    match holder {
        Holder::Listener { owner } => (
            format!("{} is listening on{at}.", owner.said_first()),
            format!(
                "Pick another port, or {} first. SO_REUSEADDR does not let two sockets listen on one port; only SO_REUSEPORT, set on both before bind(), does.",
                owner.close_it()
            ),
        ),
        Holder::Connection { owner, state, peer } => (
            format!(
                "A connection of {} to {peer} ({state}) has{at} as its local address.",
                owner.said()
            ),
            format!(
                "Set SO_REUSEADDR to 1 before bind() on this socket and on the one that made that connection (for an accepted one, its listener); or {} the connection, or pick another port.",
                match owner {
                    Owner::Ours { name } => format!("close {name},"),
                    _ => "end".into(),
                }
            ),
        ),
        Holder::TimeWait {
            peer,
            secs_left,
            reuse_here,
        } => (
            format!("A closed connection from{at} to {peer} was still in TIME_WAIT, with {secs_left} s left."),
            if *reuse_here {
                format!("This socket has SO_REUSEADDR; Linux also wants it on the socket that made that connection (for a server, the listener, before it accepted). Bind again once those {secs_left} s have passed, or set SO_REUSEADDR there next time.")
            } else {
                format!("Set SO_REUSEADDR to 1 before bind() (on this socket, and on the one that made that connection: for a server, its listener); or bind again once those {secs_left} s have passed, or pick another port.")
            },
        ),
        Holder::Unseen => (
            format!("Another socket holds{at}: one only bound (not listening), or a UDP socket, which the kernel's TCP table does not list."),
            "Close the other socket, or pick another port; SO_REUSEADDR set on both lets them share it while neither listens.".into(),
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
        }
    }

    /// EBADF for a call that was waiting when its socket was closed.
    pub fn closed_while_waiting(op: &'static str, addr: Option<String>) -> Self {
        OpError {
            closed_while_waiting: true,
            ..Self::os(op, addr, libc::EBADF)
        }
    }

    pub fn from_io(op: &'static str, addr: Option<String>, e: &std::io::Error) -> Self {
        Self::os(op, addr, e.raw_os_error().unwrap_or(libc::EIO))
    }

    pub fn timeout(op: &'static str, addr: Option<String>) -> Self {
        OpError {
            op,
            addr,
            kind: ErrorKind::Timeout,
            holder: None,
            closed_while_waiting: false,
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
        }
    }

    /// socklab's own failure while running `op`: the socket's worker ended and closed it.
    /// The call was interrupted (Op::Interrupt) while it waited: Python's
    /// KeyboardInterrupt, nothing done.
    pub fn interrupted(op: &'static str) -> Self {
        OpError::python(op, "KeyboardInterrupt", "")
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
            ErrorKind::Timeout => Some("ETIMEDOUT"),
            _ => None,
        }
    }

    /// A plain-language explanation and, where one exists, what to do about it.
    pub fn explanation(&self) -> (String, Option<String>) {
        match &self.kind {
            ErrorKind::Os { errno: libc::EADDRINUSE } if self.holder.is_some() => {
                let at = self.addr.as_deref().map(|a| format!(" {a}")).unwrap_or_default();
                let holder = self.holder.as_deref().unwrap_or(&Holder::Unseen);
                let (why, hint) = explain_holder(holder, &at);
                (why, Some(hint))
            }
            ErrorKind::Os { errno: libc::EBADF } if self.closed_while_waiting => (
                format!("close() was called on this socket while {} was waiting: the wait ended there, and the socket is closed.", self.op),
                Some(match self.op {
                    "recv" | "recvfrom" => format!("Create a new socket. To end a waiting {} and keep the socket, call shutdown(socket.SHUT_RD) instead: the {} then returns b''.", self.op, self.op),
                    "send" | "sendall" | "sendto" => format!("Create a new socket. A {} waits while the peer reads nothing; give the socket a timeout with settimeout() so it gives up on its own.", self.op),
                    _ => format!("Create a new socket. To have {} give up on its own, give the socket a timeout with settimeout() before calling it.", self.op),
                }),
            ),
            ErrorKind::Os { errno } => explain(*errno, self.op, self.addr.as_deref()),
            ErrorKind::Timeout => (
                format!(
                    "{} waited longer than the socket's timeout and gave up.",
                    self.op
                ),
                Some(
                    "Raise the timeout with settimeout(), or settimeout(None) to wait forever."
                        .into(),
                ),
            ),
            ErrorKind::Gai { .. } => (
                "The host name could not be resolved to an address of this family.".into(),
                Some(
                    "Check the spelling, or give a numeric address such as 127.0.0.1 or ::1."
                        .into(),
                ),
            ),
            ErrorKind::Python { .. } => ("Python rejects these arguments.".into(), None),
            ErrorKind::Internal { .. } => (
                format!("An internal error in socklab ended this socket's worker during {}; the socket was closed, so nothing waits for it.", self.op),
                Some("Create the socket again. This is a bug in socklab: please report it with the steps that led here.".into()),
            ),
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

fn explain_file(errno: i32, op: &str, at: &str) -> (String, Option<&'static str>) {
    match errno {
        libc::ENOENT => (
            format!("No file exists at{at}."),
            Some("Check the path, or pick the file again."),
        ),
        libc::EACCES | libc::EPERM => (
            format!("{op} was not permitted{at}."),
            Some("Pick a file you may read, or a folder you may write to."),
        ),
        libc::EEXIST => (
            format!(
                "A file already exists at{at}; socklab does not replace a file without asking."
            ),
            Some(
                "Say to replace it when asked (the window asks at its top), or pick another name.",
            ),
        ),
        libc::EISDIR => (
            format!("The path{at} is a folder, not a file."),
            Some("Pick a file inside it."),
        ),
        libc::ENOSPC | libc::EDQUOT => (
            "The disk (or your quota) is full: the file holds what was written before.".into(),
            Some("Free space, or record to another disk."),
        ),
        _ => (format!("{op} failed{at}: {}.", strerror(errno)), None),
    }
}

fn explain(errno: i32, op: &str, addr: Option<&str>) -> (String, Option<String>) {
    let at = addr.map(|a| format!(" {a}")).unwrap_or_default();
    if FILE_OPS.contains(&op) {
        let (why, hint) = explain_file(errno, op, &at);
        return (why, hint.map(str::to_string));
    }
    let (why, hint): (String, Option<&str>) = match errno {
        libc::EADDRINUSE => (
            format!("Another socket, or a closed connection still in TIME_WAIT, holds the address{at}."),
            Some("Set SO_REUSEADDR to 1 before bind() (it lets you bind over TIME_WAIT), pick another port, or close the other socket."),
        ),
        libc::EACCES if op == "bind" => (
            format!("Binding{at} is not permitted: ports below 1024 are privileged, and Unix socket paths need write access to their directory."),
            Some("Use a port of 1024 or above, run as root, or grant CAP_NET_BIND_SERVICE."),
        ),
        libc::EACCES => (
            format!("{op} was not permitted{at}."),
            Some("Sending to a broadcast address needs SO_BROADCAST set to 1."),
        ),
        libc::EADDRNOTAVAIL => (
            format!("The address{at} does not belong to any interface of this machine (or no ephemeral port is left)."),
            Some("Bind to an address this host has, such as 127.0.0.1, 0.0.0.0, ::1 or ::."),
        ),
        libc::ECONNREFUSED => (
            format!("Nothing is listening at{at}: the peer answered with a reset (or, for UDP, an ICMP port-unreachable)."),
            Some("Start the server first, and check the host and port."),
        ),
        libc::ECONNRESET => (
            "The peer reset the connection (it closed with unread data, or was killed).".into(),
            Some("Treat it like a closed connection: close this socket and reconnect."),
        ),
        libc::EPIPE => (
            "The connection can no longer send: it was shut down for writing, closed by the peer, or never connected.".into(),
            Some("Connect first; after the peer closes, close this socket too."),
        ),
        libc::ENOTCONN => (
            format!("{op} needs a connected socket, and this one is not connected."),
            Some("connect() first (or accept() on a listener), or use sendto()/recvfrom() for UDP."),
        ),
        libc::EMSGSIZE => (
            "The datagram is larger than the protocol allows in one message.".into(),
            Some("Send less than 65,507 bytes per UDP datagram (IPv4), or use TCP for a stream."),
        ),
        libc::EOPNOTSUPP => (
            format!("{op} is not supported on this kind of socket."),
            Some("listen() and accept() are for SOCK_STREAM sockets; UDP has no connections to accept."),
        ),
        libc::EISCONN => (
            "The socket is already connected.".into(),
            Some("A socket connects once; create a new socket for another connection."),
        ),
        libc::EINVAL => (
            format!("The kernel rejected the arguments of {op} in this socket's state (already bound, listening, or shut down?)."),
            Some("A socket can be bound only once; listen() needs a bound or unbound stream socket."),
        ),
        libc::EAGAIN => (
            format!("The socket is non-blocking and {op} had nothing ready."),
            Some("Try again later, wait with a timeout (settimeout), or setblocking(True)."),
        ),
        libc::EINPROGRESS => (
            "A non-blocking connect was started and has not finished yet.".into(),
            Some("Wait until the socket is writable, then read SO_ERROR; or use a timeout instead."),
        ),
        libc::EALREADY => ("A connect on this socket is already in progress.".into(), None),
        libc::EBADF => (
            "The socket is closed.".into(),
            Some("Create a new socket."),
        ),
        libc::ENOENT => (
            format!("No Unix socket exists at{at}."),
            Some("Start the server that binds that path first."),
        ),
        libc::EAFNOSUPPORT => (
            "This address family is not supported by the protocol.".into(),
            Some("Use an address of the socket's family (IPv4 for AF_INET, IPv6 for AF_INET6)."),
        ),
        libc::ENOPROTOOPT => (
            "This option does not exist at this level for this kind of socket.".into(),
            Some("Check the level (SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP, IPPROTO_IPV6) and the socket type."),
        ),
        libc::ENETUNREACH | libc::EHOSTUNREACH => (
            format!("No route to{at}."),
            None,
        ),
        libc::ETIMEDOUT => (
            "The peer did not answer in time (the kernel's own retries ran out).".into(),
            None,
        ),
        libc::EMFILE | libc::ENFILE => (
            "Too many open files.".into(),
            Some("Close sockets you no longer need."),
        ),
        _ => (format!("{op} failed: {}.", strerror(errno)), None),
    };
    (why, hint.map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_lines_match_cpython() {
        let e = OpError::os("connect", Some("127.0.0.1:1".into()), libc::ECONNREFUSED);
        assert_eq!(
            e.python_line(),
            "ConnectionRefusedError: [Errno 111] Connection refused"
        );
        assert_eq!(e.errno_name(), Some("ECONNREFUSED"));
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
