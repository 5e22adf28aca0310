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
    /// The last exception a socket call raised on this thread, and its error. The
    /// exception itself is held (not its address), so another cannot be taken for it.
    static LAST: RefCell<Option<(PyBaseExceptionRef, OpError)>> = const { RefCell::new(None) };
}

/// `exc` was raised for `e`: kept for when it goes uncaught. Errors of Python's own (bad
/// arguments) have nothing to add to Python's message.
pub(crate) fn remember(exc: &PyBaseExceptionRef, e: &OpError) {
    if matches!(
        e.kind,
        ErrorKind::Python { .. } | ErrorKind::Internal { .. }
    ) {
        return;
    }
    LAST.with(|l| *l.borrow_mut() = Some((exc.clone(), e.clone())));
}

/// The error behind `exc`, if a socket call raised it (the same object, re-raised or
/// not); whatever was kept is dropped.
pub(crate) fn take_for(exc: &PyBaseExceptionRef) -> Option<OpError> {
    let kept = LAST.with(|l| l.borrow_mut().take())?;
    kept.0.is(exc).then_some(kept.1)
}

/// Drops what was kept (a statement begins, or ended without an error).
pub(crate) fn forget() {
    drop(LAST.with(|l| l.borrow_mut().take()));
}

/// The word on `e` in this thread's language, as the console shows it.
pub fn word(e: &OpError) -> String {
    let (why, hint) = e.explanation();
    match hint {
        Some(hint) => t!("console-explained", why = why, hint = hint),
        None => t!("console-explained-why", why = why),
    }
}
