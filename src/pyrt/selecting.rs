//! Waits the engine does not see: a program's select(), poll() and epoll poll() (and so
//! selectors and socketserver's serve_forever()), told by the prelude's wrappers as each
//! begins and ends, so the window's console can say what its statement waits for.

use std::collections::HashMap;
use std::sync::{Mutex, Weak};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};

use super::engine_link::Ledger;
use super::session::Wake;

/// A wait for descriptors to become ready: the call, and what it waits to read from or
/// write to (at most MAX_SELECTED of each).
#[derive(Clone, Debug, PartialEq)]
pub struct Selecting {
    pub call: String,
    pub read: Vec<i32>,
    pub write: Vec<i32>,
    /// More descriptors than were kept.
    pub more: usize,
    /// When it returned with nothing ready (a timeout), if it has not been entered again:
    /// not a wait any more. A loop such as serve_forever()'s enters again at once with the
    /// same descriptors, twice a second, so the window is told only if it has not after
    /// LAPSE_TOLD: a server waiting costs the window no frame.
    lapsed: Option<Instant>,
    /// When the thread began waiting (entering again after a timeout keeps it).
    began: Instant,
}

/// Threads whose waits are kept, at most (a program with more: the others' are not shown).
const MAX_SELECTING: usize = 256;
/// Descriptors of one wait kept, at most, each way.
const MAX_SELECTED: usize = 64;
/// How long after a wait timed out the window is told, unless it was entered again.
const LAPSE_TOLD: Duration = Duration::from_millis(30);

/// Each thread's wait under way.
#[derive(Default)]
pub struct Selects {
    waits: HashMap<ThreadId, Selecting>,
    /// Pokes the thread that tells the window of waits that timed out (started with the
    /// first; it ends with the ledger).
    lapses: Option<Sender<()>>,
}

impl Selects {
    /// The waits under way now, oldest first (one that timed out less than LAPSE_TOLD ago
    /// too: entered again at once, it goes on without the window being told, so a frame
    /// drawn in between must not drop it).
    pub fn now(&self) -> Vec<&Selecting> {
        let now = Instant::now();
        let mut waits: Vec<&Selecting> = self
            .waits
            .values()
            .filter(|w| w.lapsed.is_none_or(|t| now.duration_since(t) < LAPSE_TOLD))
            .collect();
        waits.sort_by_key(|w| w.began);
        waits
    }

    /// Forgets this thread's wait; whether it had one.
    pub(super) fn forget_thread(&mut self) -> bool {
        self.waits.remove(&std::thread::current().id()).is_some()
    }

    /// This thread waits in `call` for `read` and `write` to become ready; whether the
    /// window is to be told.
    pub(super) fn begins(&mut self, call: &str, mut read: Vec<i32>, mut write: Vec<i32>) -> bool {
        let thread = std::thread::current().id();
        let more =
            read.len().saturating_sub(MAX_SELECTED) + write.len().saturating_sub(MAX_SELECTED);
        read.truncate(MAX_SELECTED);
        write.truncate(MAX_SELECTED);
        let mut wait = Selecting {
            call: call.to_owned(),
            read,
            write,
            more,
            lapsed: None,
            began: Instant::now(),
        };
        if !self.waits.contains_key(&thread) && self.waits.len() >= MAX_SELECTING {
            return false;
        }
        let again = self.waits.get(&thread).filter(|w| {
            w.lapsed.is_some()
                && w.call == wait.call
                && w.read == wait.read
                && w.write == wait.write
        });
        let told = again.is_none();
        if let Some(w) = again {
            wait.began = w.began;
        }
        self.waits.insert(thread, wait);
        told
    }

    /// This thread's wait ended, with something `ready` or not; whether the window is to
    /// be told now (a timeout is told later, by `watch`, if the wait is not entered again).
    pub(super) fn ends(&mut self, ready: bool) -> bool {
        let thread = std::thread::current().id();
        if ready {
            return self.waits.remove(&thread).is_some();
        }
        if let Some(w) = self.waits.get_mut(&thread) {
            w.lapsed = Some(Instant::now());
        }
        false
    }

    /// Has the waits that timed out looked at after LAPSE_TOLD (a thread started the first
    /// time, holding the ledger weakly).
    pub(super) fn watch(&mut self, ledger: Weak<Mutex<Ledger>>) {
        if self.lapses.is_none() {
            let (tx, rx) = crossbeam_channel::bounded(1);
            let started = std::thread::Builder::new()
                .name("python-select-lapses".into())
                .spawn(move || watch_lapses(&ledger, &rx));
            if started.is_err() {
                // Then a wait that timed out goes at the window's next frame.
                return;
            }
            self.lapses = Some(tx);
        }
        if let Some(tx) = &self.lapses {
            // Full: a poke is pending, which looks at this lapse too.
            let _ = tx.try_send(());
        }
    }

    /// Forgets the waits that timed out LAPSE_TOLD ago or more; whether there were any.
    fn forget_lapsed(&mut self, now: Instant) -> bool {
        let before = self.waits.len();
        self.waits
            .retain(|_, w| w.lapsed.is_none_or(|t| now.duration_since(t) < LAPSE_TOLD));
        self.waits.len() < before
    }
}

fn watch_lapses(ledger: &Weak<Mutex<Ledger>>, poked: &Receiver<()>) {
    while poked.recv().is_ok() {
        std::thread::sleep(LAPSE_TOLD);
        let Some(ledger) = ledger.upgrade() else {
            return;
        };
        let mut l = ledger.lock().unwrap_or_else(|p| p.into_inner());
        if l.selecting.forget_lapsed(Instant::now()) {
            tell(&l.wake);
        }
    }
}

/// The window's repaint request, if there is a window.
pub(super) fn tell(wake: &Option<Wake>) {
    if let Some(w) = wake {
        w();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_entered_again_after_its_timeout_is_not_told_and_one_left_goes() {
        let mut s = Selects::default();
        assert!(s.begins("poll", vec![5], vec![]), "a new wait is told");
        let began = s.now()[0].began;
        // Timed out: not told at once, and still shown a moment (it may be entered again).
        assert!(!s.ends(false));
        assert_eq!(s.now().len(), 1);
        assert!(!s.forget_lapsed(Instant::now()));
        // Entered again with the same descriptors: nothing to tell, the same wait.
        assert!(!s.begins("poll", vec![5], vec![]));
        assert_eq!(s.now()[0].began, began);
        // Another wait is told.
        assert!(s.begins("poll", vec![5, 6], vec![]));
        // One that timed out and was not entered again goes after LAPSE_TOLD.
        assert!(!s.ends(false));
        assert!(s.forget_lapsed(Instant::now() + LAPSE_TOLD));
        assert!(s.now().is_empty());
        // Something ready: told at once.
        assert!(s.begins("select", vec![], vec![7]));
        assert!(s.ends(true));
        assert!(s.now().is_empty());
        // A statement's end forgets its thread's wait.
        assert!(s.begins("select", vec![1], vec![]));
        assert!(s.forget_thread());
        assert!(!s.forget_thread());
    }

    #[test]
    fn descriptors_past_the_kept_ones_are_counted() {
        let mut s = Selects::default();
        s.begins("select", (0..100).collect(), (0..70).collect());
        let w = s.now()[0];
        assert_eq!((w.read.len(), w.write.len(), w.more), (64, 64, 42));
    }
}
