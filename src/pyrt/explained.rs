//! socklab's word on a socket call's error, for the window's console to show under the
//! error's traceback: what the kernel's answer means here and what to do (a port in
//! TIME_WAIT, nothing listening). Python's own output stays CPython's; this is said apart,
//! and only for an error nobody caught. The error itself goes to the window, which words
//! it in its language (the session's thread has none of its own).

use std::cell::RefCell;

use rustpython_vm::builtins::PyBaseExceptionRef;
use rustpython_vm::AsObject;

use crate::engine::{ErrorKind, OpError};
use crate::t;

thread_local! {
    /// The last exception a socket call raised on this thread (its address: holding the
    /// object would keep its traceback's frames, and their sockets, open longer than
    /// CPython does), its errno, and its error.
    static LAST: RefCell<Option<(usize, Option<i32>, OpError)>> = const { RefCell::new(None) };
    /// The last EBADF a closed socket object raised on this thread (its address).
    static CLOSED: RefCell<Option<usize>> = const { RefCell::new(None) };
}

/// `exc` is the EBADF a call on a closed (or detached) socket object raised: no system
/// call was made, the object has no descriptor any more.
pub(crate) fn used_closed(exc: &PyBaseExceptionRef) {
    if super::session::in_session() {
        CLOSED.with(|c| *c.borrow_mut() = Some(address(exc)));
    }
}

/// `exc` was raised for `e` on a console session's thread (others print their own
/// tracebacks): kept for when it goes uncaught. Errors of Python's own (bad arguments)
/// have nothing to add to Python's message.
pub(crate) fn remember(vm: &rustpython_vm::VirtualMachine, exc: &PyBaseExceptionRef, e: &OpError) {
    if matches!(
        e.kind,
        ErrorKind::Python { .. } | ErrorKind::Internal { .. }
    ) || !super::session::in_session()
    {
        return;
    }
    let at = address(exc);
    LAST.with(|l| *l.borrow_mut() = Some((at, errno_of(vm, exc), e.clone())));
}

fn address(exc: &PyBaseExceptionRef) -> usize {
    exc.as_object() as *const _ as *const u8 as usize
}

/// The exception's errno attribute, as Python sees it (None for a timeout).
fn errno_of(vm: &rustpython_vm::VirtualMachine, exc: &PyBaseExceptionRef) -> Option<i32> {
    exc.as_object()
        .get_attr("errno", vm)
        .ok()
        .and_then(|v| v.try_into_value::<i32>(vm).ok())
}

/// The error behind `exc`, if a socket call raised it (the same object, re-raised or
/// not: its address, and the errno it carries, since a freed exception's address may be
/// another's); whatever was kept is dropped.
pub(crate) fn take_for(
    vm: &rustpython_vm::VirtualMachine,
    exc: &PyBaseExceptionRef,
) -> Option<OpError> {
    let (at, errno, e) = LAST.with(|l| l.borrow_mut().take())?;
    (at == address(exc) && errno_of(vm, exc) == errno).then_some(e)
}

thread_local! {
    /// The connect_ex failures this statement answered as numbers: how many, the last.
    static ANSWERED: RefCell<(u32, Option<OpError>)> = const { RefCell::new((0, None)) };
    /// This session's streams: those whose ended read (b'') was told, those it shut for
    /// reading itself (whose b'' is its own doing); and whether this statement ended a
    /// read not told yet.
    static ENDED: RefCell<Ended> = RefCell::new(Ended::default());
}

#[derive(Default)]
struct Ended {
    told: std::collections::HashSet<u64>,
    shut: std::collections::HashSet<u64>,
    now: bool,
}

/// A typed statement's recv() on stream `id` returned b''.
pub(crate) fn read_ended(id: crate::engine::SocketId) {
    if super::session::in_session() {
        ENDED.with(|e| {
            let mut e = e.borrow_mut();
            if !e.shut.contains(&id.0) && e.told.insert(id.0) {
                e.now = true;
            }
        });
    }
}

/// Stream `id` was shut for reading by the program itself.
pub(crate) fn shut_read(id: crate::engine::SocketId) {
    ENDED.with(|e| e.borrow_mut().shut.insert(id.0));
}

/// Whether this statement's recv() first met the end of a stream the peer closed: said
/// once per socket (a loop's every b'' is the loop line's business).
pub(crate) fn ended_once() -> bool {
    ENDED.with(|e| std::mem::take(&mut e.borrow_mut().now))
}

/// connect_ex answered `e` as its errno on a console session's thread.
pub(crate) fn answered(e: &OpError) {
    if super::session::in_session() {
        ANSWERED.with(|a| {
            let mut a = a.borrow_mut();
            a.0 = a.0.saturating_add(1);
            a.1 = Some(e.clone());
        });
    }
}

/// The statement's one answered failure, to say what its number means; none when it made
/// more than one (a loop scanning ports says nothing per port).
pub(crate) fn answered_once() -> Option<OpError> {
    ANSWERED.with(|a| match &*a.borrow() {
        (1, Some(e)) => Some(e.clone()),
        _ => None,
    })
}

/// Drops what was kept (a statement begins, or ended without an error).
pub(crate) fn forget() {
    drop(LAST.with(|l| l.borrow_mut().take()));
    CLOSED.with(|c| c.borrow_mut().take());
    ANSWERED.with(|a| *a.borrow_mut() = (0, None));
    ENDED.with(|e| e.borrow_mut().now = false);
}

/// A pitfall the tutorials teach, recognised in the exception it raises (not a socket
/// call's failure: Python's own), so the console can say what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PyHint {
    /// TypeError: a bytes-like object is required, not 'str' (send('text')).
    StrNotBytes,
    /// UnicodeDecodeError ... unexpected end of data: a UTF-8 character cut between two
    /// recv() calls.
    CutUtf8,
    /// UnicodeDecodeError ... invalid start/continuation byte: not UTF-8 at all.
    NotUtf8,
    /// recv() returned b'': the peer closed its side (not an exception: the tutorials'
    /// loops that do not stop on it spin).
    PeerClosed,
    /// OSError [Errno 9] from a call on a socket object closed before (or detached).
    UsedClosed,
    /// TypeError from connect('127.0.0.1', 8888) or bind('', 8888) (two arguments, or an
    /// AF_INET address that is not a tuple): the address is one (host, port) tuple.
    NotTuple,
}

impl PyHint {
    pub(crate) fn of(vm: &rustpython_vm::VirtualMachine, exc: &PyBaseExceptionRef) -> Option<Self> {
        let class = exc.class().name().to_string();
        let msg = exc.as_object().str(vm).ok()?.to_string();
        let closed = CLOSED.with(|c| c.borrow_mut().take());
        if closed == Some(address(exc)) && errno_of(vm, exc) == Some(libc::EBADF) {
            return Some(PyHint::UsedClosed);
        }
        let two_given =
            |call: &str| msg == format!("socket.{call}() takes exactly one argument (2 given)");
        match class.as_str() {
            "TypeError"
                if ["connect", "connect_ex", "bind"].into_iter().any(two_given)
                    || (msg.contains("AF_INET") || msg.contains("AF_INET6"))
                        && msg.contains("address must be tuple") =>
            {
                Some(PyHint::NotTuple)
            }
            "TypeError" if msg == "a bytes-like object is required, not 'str'" => {
                Some(PyHint::StrNotBytes)
            }
            "UnicodeDecodeError" if msg.starts_with("'utf-8' codec") => {
                if msg.ends_with("unexpected end of data") {
                    Some(PyHint::CutUtf8)
                } else if msg.ends_with("invalid start byte")
                    || msg.ends_with("invalid continuation byte")
                {
                    Some(PyHint::NotUtf8)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// What it means, in this thread's language, as the console shows it.
    pub fn word(self) -> String {
        let (why, hint) = match self {
            PyHint::StrNotBytes => ("explain-str-not-bytes", "explain-str-not-bytes-hint"),
            PyHint::CutUtf8 => ("explain-cut-utf8", "explain-cut-utf8-hint"),
            PyHint::NotUtf8 => ("explain-not-utf8", "explain-not-utf8-hint"),
            PyHint::PeerClosed => ("explain-peer-closed", "explain-peer-closed-hint"),
            PyHint::UsedClosed => ("explain-used-closed", "explain-used-closed-hint"),
            PyHint::NotTuple => ("explain-not-tuple", "explain-not-tuple-hint"),
        };
        t!(
            "console-explained",
            why = crate::i18n::text(why, None),
            hint = crate::i18n::text(hint, None)
        )
    }
}

/// The word on connect_ex's answer `e`: what its number means, then as for an error.
pub fn answered_word(e: &OpError) -> String {
    let (why, hint) = e.explanation();
    let n = e.errno().unwrap_or_default();
    t!(
        "console-answered",
        n = n,
        errno = crate::engine::errors::errno_name(n),
        why = why,
        hint = hint.unwrap_or_default()
    )
}

/// The word on `e` in this thread's language, as the console shows it.
pub fn word(e: &OpError) -> String {
    let (why, hint) = e.explanation();
    match hint {
        Some(hint) => t!("console-explained", why = why, hint = hint),
        None => t!("console-explained-why", why = why),
    }
}
