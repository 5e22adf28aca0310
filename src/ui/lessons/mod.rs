//! Guided lessons: each takes a learner through one thing the tutorials teach (an echo
//! server, TIME_WAIT, the accept queue...) a step at a time: what to do, the Python lines
//! (typed, or run with a click in the console they belong to), and what to look at, which
//! the window checks live against the sockets it shows ("srv is listening √").
//!
//! A lesson's words are messages (assets/i18n/*/lessons.ftl); its Python is code and stays
//! as it is in every language. A check looks only at sockets made after the lesson began
//! and at console lines printed since, so an earlier `srv` never passes a step.

mod catalog;

pub use catalog::LESSONS;

use crate::engine::inspect::TcpState;
use crate::engine::{SockState, SocketId};
use crate::ui::state::{Action, SockView, UiState};

/// One lesson: its title and summary (message ids), and its steps.
pub struct Lesson {
    /// Stable name (tests, settings).
    pub key: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    /// The port its Python uses unless a test gives another (`PORT` in the lines).
    pub port: u16,
    pub steps: &'static [Step],
}

/// What a step does for the learner with a click.
pub enum Code {
    /// Python lines for console 0 (the server's) or 1 (the client's).
    Python { console: usize, text: &'static str },
    /// Ctrl+C in that console.
    Interrupt { console: usize },
}

pub struct Step {
    /// What to do and why (message id).
    pub say: &'static str,
    /// What the click does, in order; the learner may type the lines instead.
    pub code: &'static [Code],
    /// What to look at, said when it is seen (message id).
    pub look: &'static str,
    /// The socket the step is about (its name in the consoles): selected when it appears,
    /// so the inspector and the diagrams the step points at show it, not an older one.
    pub show: &'static str,
    pub check: fn(&Seen) -> bool,
}

/// A lesson under way.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonRun {
    pub lesson: usize,
    pub step: usize,
    /// Each step's check has passed (it stays passed: TIME_WAIT ends, the step was seen).
    pub passed: Vec<bool>,
    pub port: u16,
    /// Sockets up to this one were there before the lesson.
    pub after: Option<SocketId>,
    /// Each console's transcript length when the step shown was entered: what a step's
    /// check reads of the consoles is printed since.
    pub from: [u64; 2],
    /// The socket selected for the step shown (its `show`): selected once, so a click on
    /// another is not undone, unless a newer socket takes that name.
    pub shown: Option<SocketId>,
}

impl LessonRun {
    pub fn new(lesson: usize, port: Option<u16>, s: &UiState) -> Option<LessonRun> {
        let l = LESSONS.get(lesson)?;
        Some(LessonRun {
            lesson,
            step: 0,
            passed: vec![false; l.steps.len()],
            port: port.unwrap_or(l.port),
            after: s.sockets.keys().next_back().copied(),
            from: [0, 1].map(|k| s.consoles[k].printed()),
            shown: None,
        })
    }

    /// Moves to a step; its checks read the consoles from here on.
    pub fn go(&mut self, step: usize, s: &UiState) {
        self.step = step.min(self.passed.len().saturating_sub(1));
        self.from = [0, 1].map(|k| s.consoles[k].printed());
        self.shown = None;
    }

    /// The step's socket when it is to be selected now: it appeared (or a newer one took
    /// its name) since the step was entered.
    pub fn to_show(&mut self, s: &UiState) -> Option<SocketId> {
        let name = self.lesson().steps.get(self.step)?.show;
        let id = (Seen { s, run: self }).sock(name)?.info.id;
        (self.shown != Some(id)).then(|| {
            self.shown = Some(id);
            id
        })
    }

    pub fn lesson(&self) -> &'static Lesson {
        &LESSONS[self.lesson.min(LESSONS.len() - 1)]
    }

    pub fn done(&self) -> bool {
        self.passed.iter().all(|p| *p)
    }

    /// A step's Python with the lesson's port in it.
    pub fn python(&self, text: &str) -> String {
        text.replace("{PORT}", &self.port.to_string())
    }

    /// Marks the steps whose checks pass now; true when one newly passed.
    pub fn tick(&mut self, s: &UiState) -> bool {
        let seen = Seen { s, run: self };
        let steps = self.lesson().steps;
        let now: Vec<bool> = steps
            .iter()
            .zip(&self.passed)
            // Only the step shown and those before it: a later step's check may hold by
            // chance before the learner got there.
            .enumerate()
            .map(|(k, (st, was))| *was || (k <= self.step && (st.check)(&seen)))
            .collect();
        let changed = now != self.passed;
        self.passed = now;
        changed
    }
}

/// What a check looks at: the window's state since the lesson began.
pub struct Seen<'a> {
    pub s: &'a UiState,
    pub run: &'a LessonRun,
}

impl Seen<'_> {
    fn mine(&self) -> impl Iterator<Item = &SockView> {
        let after = self.run.after;
        self.s
            .sockets
            .iter()
            .filter(move |(id, _)| after.is_none_or(|a| **id > a))
            .map(|(_, v)| v)
    }

    /// The newest socket of that name made during the lesson.
    pub fn sock(&self, name: &str) -> Option<&SockView> {
        self.mine().filter(|v| v.info.name == name).last()
    }

    pub fn state_is(&self, name: &str, st: SockState) -> bool {
        self.sock(name).is_some_and(|v| v.state() == st)
    }

    pub fn listening(&self, name: &str) -> bool {
        self.state_is(name, SockState::Listening)
    }

    pub fn connected(&self, name: &str) -> bool {
        self.state_is(name, SockState::Connected)
    }

    /// The socket's local port, as the kernel says.
    pub fn port_of(&self, name: &str) -> Option<u16> {
        self.sock(name)
            .and_then(|v| v.local())
            .and_then(|e| e.port())
    }

    /// Listening on the lesson's port (a listen() after a failed bind listens on a port the
    /// kernel picked: that is not the server the step asked for).
    pub fn serving(&self, name: &str) -> bool {
        self.listening(name) && self.port_of(name) == Some(self.run.port)
    }

    /// An option's value as the kernel read it back (the newest reading the window has).
    pub fn option(&self, name: &str, option: &str) -> Option<i64> {
        self.sock(name)?
            .snapshot
            .as_ref()?
            .options
            .iter()
            .find(|o| o.name == option)?
            .value
            .ok()
    }

    pub fn closed(&self, name: &str) -> bool {
        self.sock(name).is_some_and(|v| v.closed)
    }

    /// Bytes its recv calls returned.
    pub fn received(&self, name: &str) -> u64 {
        self.sock(name).map_or(0, |v| v.traffic.totals.bytes_in)
    }

    /// Bytes it sent.
    pub fn sent(&self, name: &str) -> u64 {
        self.sock(name).map_or(0, |v| v.traffic.totals.bytes_out)
    }

    /// The most one recv call returned on it.
    pub fn largest_recv(&self, name: &str) -> u64 {
        self.sock(name).map_or(0, |v| v.traffic.totals.largest_in)
    }

    /// A call of that name waits on one of the lesson's sockets.
    pub fn waiting(&self, op: &str) -> bool {
        self.mine().any(|v| v.waiting.iter().any(|w| w.op == op))
    }

    /// The socket's last call failed with this errno name.
    pub fn failed_with(&self, name: &str, errno: &str) -> bool {
        self.sock(name)
            .and_then(|v| v.last_error.as_ref())
            .is_some_and(|e| e.errno_name == Some(errno))
    }

    /// Connections the listener accepted.
    pub fn accepted(&self, name: &str) -> usize {
        let Some(l) = self.sock(name) else {
            return 0;
        };
        // (A listener's connections are all newer than it: made during the lesson.)
        self.s.children(l.info.id).count()
    }

    /// Connections the listener accepted that are closed now.
    pub fn accepted_closed(&self, name: &str) -> usize {
        let Some(l) = self.sock(name) else {
            return 0;
        };
        self.s.children(l.info.id).filter(|v| v.closed).count()
    }

    /// Connections finished by the kernel that wait in the listener's queue for accept().
    pub fn queued(&self, name: &str) -> usize {
        self.sock(name)
            .and_then(|v| v.snapshot.as_ref())
            .map_or(0, |s| s.accept_queue.len())
    }

    /// The kernel's state of a closed connection (FIN_WAIT2, TIME_WAIT).
    pub fn after_close(&self, name: &str, st: TcpState) -> bool {
        self.sock(name)
            .and_then(|v| v.after_close.as_ref())
            .is_some_and(|a| a.state == Some(st))
    }

    /// A console printed a line holding `text` since the lesson began.
    pub fn printed(&self, console: usize, text: &str) -> bool {
        self.s.consoles[console].printed_since(self.run.from[console], text)
    }
}

/// A lesson's lines as the statements the REPL takes one by one: a line that begins at
/// the margin starts one; indented and blank lines belong to the one before (a block ends
/// with its blank line).
pub fn statements(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let starts = !line.is_empty() && !line.starts_with([' ', '\t']);
        match out.last_mut() {
            Some(last) if !starts => {
                last.push('\n');
                last.push_str(line);
            }
            _ if line.trim().is_empty() => {}
            _ => out.push(line.to_string()),
        }
    }
    for s in &mut out {
        let kept = s.trim_end().len();
        s.truncate(kept);
        if s.contains('\n') {
            // A block: the blank line that ends it.
            s.push('\n');
        }
    }
    out
}

/// One thing Run it still has to do in a console.
#[derive(Clone, Debug, PartialEq)]
pub enum Typing {
    Python { console: usize, text: String },
    Interrupt { console: usize },
}

impl Typing {
    fn console(&self) -> usize {
        match self {
            Typing::Python { console, .. } | Typing::Interrupt { console } => *console,
        }
    }
}

impl UiState {
    /// Begins a lesson: the console shown (both when the lesson has a client), the checks
    /// looking only at what comes after.
    pub fn start_lesson(&mut self, lesson: usize, port: Option<u16>) {
        let Some(l) = LESSONS.get(lesson) else {
            return;
        };
        let two = l.steps.iter().flat_map(|s| s.code).any(|c| {
            matches!(
                c,
                Code::Python { console: 1, .. } | Code::Interrupt { console: 1 }
            )
        });
        // A clean start: the consoles' names and sockets from before (a lesson run before,
        // its server still listening on the port) go, as IDLE's Run Module does.
        let title = crate::i18n::text(l.title, None);
        for k in 0..if two { 2 } else { 1 } {
            self.consoles[k].restart(&title);
        }
        let Some(run) = LessonRun::new(lesson, port, self) else {
            return;
        };
        self.bottom = crate::ui::state::Bottom::Console;
        self.split |= two;
        self.lesson = Some(run);
        self.lesson_queue.clear();
        self.lesson_console = None;
        self.lessons_open = true;
        // Its steps point at the inspector.
        self.inspector_open = true;
    }

    /// Run it: the step's Python queued for its consoles.
    pub fn lesson_do(&mut self) {
        let Some(run) = &self.lesson else {
            return;
        };
        let k = run.step.min(run.passed.len() - 1);
        if run.passed[k] {
            // Seen already: running it again would make a second server, whose bind fails.
            return;
        }
        let step = &run.lesson().steps[k];
        // A new batch: its first line goes at once, even while another console waits (an
        // accept typed before waits for this very connect).
        self.lesson_console = None;
        self.lesson_stopped = false;
        // Where it types is seen: the second console beside the first again, if the
        // learner had put it away since the lesson began.
        self.bottom = crate::ui::state::Bottom::Console;
        if step.code.iter().any(|c| {
            matches!(
                c,
                Code::Python { console: 1, .. } | Code::Interrupt { console: 1 }
            )
        }) {
            self.split = true;
        }
        for c in step.code {
            match c {
                Code::Python { console, text } => {
                    for text in statements(&run.python(text)) {
                        self.lesson_queue.push_back(Typing::Python {
                            console: *console,
                            text,
                        });
                    }
                }
                Code::Interrupt { console } => self
                    .lesson_queue
                    .push_back(Typing::Interrupt { console: *console }),
            }
        }
    }

    /// Each frame: types what Run it queued (within one click's lines, a console waits
    /// until the one typed in before has finished, so a client connects only once its
    /// server listens), then checks the
    /// steps against what the window shows now.
    pub fn lessons_tick(&mut self, engine: &crate::engine::Engine) {
        while let Some(next) = self.lesson_queue.front() {
            // Each statement waits for the one before (in either console) to end; one that
            // failed stops the rest, as a script stops at its first exception.
            if let Some((last, mark)) = self.lesson_console {
                if self.consoles[last].busy() {
                    break;
                }
                if self.consoles[last].failed_since(mark) {
                    self.lesson_queue.clear();
                    self.lesson_stopped = true;
                    break;
                }
            }
            let console = next.console();
            // A line waits for its console to finish what it runs (a step before's error is
            // printed there first); Ctrl+C goes at once, it is for what runs.
            if matches!(next, Typing::Python { .. }) && self.consoles[console].busy() {
                break;
            }
            let Some(next) = self.lesson_queue.pop_front() else {
                break;
            };
            self.lesson_console = Some((console, self.consoles[console].printed()));
            match next {
                Typing::Python { console, text } => {
                    // What the learner was typing there is kept, not sent.
                    let typed = std::mem::replace(&mut self.consoles[console].input, text);
                    self.dispatch(engine, Action::ConsoleSubmit { which: console });
                    self.consoles[console].input = typed;
                }
                Typing::Interrupt { console } => {
                    self.dispatch(engine, Action::ConsoleInterrupt { which: console })
                }
            }
        }
        if let Some(mut run) = self.lesson.take() {
            if let Some(id) = run.to_show(self) {
                self.selected = Some(id);
            }
            if run.tick(self) && run.done() {
                let key = run.lesson().key.to_string();
                if !self.settings.lessons_done.contains(&key) {
                    self.settings.lessons_done.push(key);
                }
            }
            self.lesson = Some(run);
        }
    }
}

/// A step's words, with what they may say of this machine (how its kernel tries a dropped
/// SYN again: `$gaps`, `$give_up`).
pub fn say(id: &str) -> String {
    let syn = crate::engine::inspect::SynRetries::of_kernel();
    let mut args = crate::i18n::Args::new();
    args.set("gaps", crate::i18n::arg(crate::ui::explain::syn_gaps()));
    args.set("give_up", crate::i18n::arg(syn.give_up_secs()));
    args.set("longest", crate::i18n::arg(syn.longest_retry()));
    crate::i18n::text(id, Some(&args))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{text_in, Lang};

    #[test]
    fn a_lessons_lines_are_the_statements_the_repl_takes() {
        let text = "import socket\nPORT = 1\ndef f(c):\n    with c:\n        pass\n\nsrv = socket.socket()\n";
        assert_eq!(
            statements(text),
            [
                "import socket",
                "PORT = 1",
                "def f(c):\n    with c:\n        pass\n",
                "srv = socket.socket()"
            ]
        );
        for l in &LESSONS {
            for st in l.steps {
                for c in st.code {
                    if let Code::Python { text, .. } = c {
                        for s in statements(text) {
                            assert!(
                                !crate::pyrt::guard::needs_more(&s),
                                "{}: {s:?} is not a whole statement",
                                l.key
                            );
                        }
                    }
                }
            }
        }
    }

    /// Ids are chosen in the catalog: each must be a message in both languages (the
    /// message files' own test only sees that they are quoted somewhere).
    #[test]
    fn every_lesson_text_is_a_message_in_both_languages() {
        for l in &LESSONS {
            let ids = [l.title, l.summary]
                .into_iter()
                .chain(l.steps.iter().flat_map(|s| [s.say, s.look]));
            for id in ids {
                for lang in Lang::ALL {
                    assert_ne!(text_in(lang, id), id, "{id} has no {lang:?} text");
                }
            }
        }
        let keys: std::collections::BTreeSet<_> = LESSONS.iter().map(|l| l.key).collect();
        assert_eq!(keys.len(), LESSONS.len(), "lesson keys are unique");
    }
}
