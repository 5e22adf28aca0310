//! The Python console's state, apart from drawing it: the transcript, the line being typed
//! and the block it continues, the history, and the statements running in the session (a
//! RustPython interpreter on its own thread, on the window's engine: pyrt::session). The
//! window's thread never waits on it: statements are queued, their output is polled.

use std::collections::{HashSet, VecDeque};
use std::time::Instant;

use crossbeam_channel::Receiver;

use crate::engine::{Engine, SocketId};
use crate::pyrt::session::{Config, Output, Session, Step, Wake};
use crate::t;

/// A transcript wrapped: (its version, the columns, where each line's rows begin, rows).
type WrapCache = (u64, usize, std::rc::Rc<Vec<usize>>, usize);

/// Transcript lines kept (older ones go first).
pub const MAX_LINES: usize = 5000;
/// Characters of one transcript line kept; the rest is counted, not kept.
pub const MAX_LINE: usize = 4000;
/// Statements kept in the history (and in the settings).
pub const MAX_HISTORY: usize = 500;
/// Characters of one statement kept in the history.
const MAX_HISTORY_ENTRY: usize = 20_000;

/// A widget's accessible name in console `which`: the second's carry "(2)".
pub fn named(base: &str, which: usize) -> String {
    match which {
        0 => base.to_string(),
        n => format!("{base} ({})", n + 1),
    }
}

/// The history as socklab keeps it: the newest MAX_HISTORY statements, none too long.
pub fn cap_history(history: &mut Vec<String>) {
    history.retain(|h| h.len() <= MAX_HISTORY_ENTRY);
    if history.len() > MAX_HISTORY {
        history.drain(..history.len() - MAX_HISTORY);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// A line typed, with its prompt.
    Input,
    /// What a statement printed (stdout), reprs included.
    Output,
    /// Written to stderr: an error's last traceback line, a warning.
    Error,
    /// socklab's own word (the session started, ended).
    Note,
    /// socklab's word on the error above it: what it means here and what to do.
    Explained,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub kind: LineKind,
    pub text: String,
}

/// A statement sent to the session, its output still coming.
struct Running {
    id: u64,
    rx: Receiver<Output>,
    /// Its first line, for "running ..." while it runs.
    first_line: String,
    started: Instant,
    /// A file run (its view stops showing a line when it ends).
    file: bool,
    /// Typed while another ran: its lines, with their prompts, go into the transcript
    /// when it begins, not when typed (the transcript read as if it ran at once, before
    /// the output of the statement it waited for).
    echo: Vec<String>,
    /// Ctrl+C dropped it before it began: it is never shown as run.
    dropped: bool,
}

/// Frames a file's kept-sockets note waits for the window to hear of them all.
const KEPT_TRIES: u32 = 120;

/// Lines of a file shown beside the transcript, at most.
pub const MAX_FILE_LINES: usize = 100_000;

/// A file run in the console: its text beside the transcript and, stepping through it,
/// the line it stopped before.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileView {
    /// As tracebacks name it (the absolute path).
    pub path: String,
    pub lines: Vec<String>,
    /// The line (1-based) it waits before, stepping.
    pub at: Option<u32>,
    /// The line it runs now, after a step (until it stops at the next).
    pub ran: Option<u32>,
    /// Stepping: it stops at each line until Continue.
    pub stepping: bool,
    /// Its run has not ended.
    pub running: bool,
    /// It stopped at a new line: the view scrolls to it.
    pub scroll_to: bool,
    /// Its text came (the session could read it).
    pub read: bool,
    /// Drawn beside the transcript (true) or above it, last frame: when that changes the
    /// view is another, scrolled to the current line again.
    pub wide: Option<bool>,
}

#[derive(Default)]
pub struct Console {
    /// Which console this is (0, 1: side by side), for its thread's and widgets' names.
    pub which: usize,
    session: Option<Session>,
    /// The window's engine and repaint request, for the session (set by the app).
    engine: Option<Engine>,
    wake: Option<Wake>,
    pub lines: VecDeque<Line>,
    /// The last line is still open (a print without a newline at its end).
    open_line: bool,
    /// The line being typed.
    pub input: String,
    /// The lines of a block typed so far (the prompt is "..." while there are some).
    block: Vec<String>,
    /// Lines typed while a statement runs, of a statement not yet whole (a block under
    /// way): shown as queued, not yet in the transcript.
    queued_echo: Vec<String>,
    /// The first line of a block half typed that Ctrl+C dropped, said as not run once the
    /// interrupted statements are done (typed after them, it is said after them).
    dropped_block: Option<String>,
    /// Statements sent, oldest first; the first is running.
    running: VecDeque<Running>,
    /// Where Up/Down is in the history (None: at the line being typed).
    history_at: Option<usize>,
    /// What was typed before Up went into the history.
    typed: String,
    /// Sockets offered to the session by name.
    shared: HashSet<SocketId>,
    /// The engine calls its session has under way (its waits, of all the sockets').
    calls: crate::pyrt::Calls,
    /// A Tab's completions on their way: the line before the word, and the word.
    completing: Option<(Receiver<Vec<String>>, String, String)>,
    /// The line was replaced (history, completion): the cursor goes to its end.
    pub cursor_to_end: bool,
    /// A line was entered (or a file run): the transcript scrolls back to its end, as a
    /// terminal does, even when it had been scrolled up.
    pub to_end: bool,
    /// The file to run or step through, and its arguments (sys.argv[1:]).
    pub script_path: String,
    pub script_args: String,
    /// The file run last, shown beside the transcript.
    pub file: Option<FileView>,
    /// The session a Run file replaced, until the new one takes it to wait for its end.
    retiring: Option<Session>,
    /// The sockets a file run left open, as it ended, until the window has heard of them
    /// all (`file_ended`), and how many times it looked.
    kept: Option<(Vec<SocketId>, u32)>,
    /// Changes whenever the transcript does.
    version: u64,
    /// Lines pushed since the console began (the first line shown is `pushed - lines.len()`).
    pushed: u64,
    /// Where each line's rows begin when wrapped, for the version and width it was made
    /// for (the frame does not go over the transcript again while it stays).
    wrap_cache: std::cell::RefCell<Option<WrapCache>>,
}

/// Which console made each socket (as their sessions' ledgers say): two consoles may each
/// have an `s`, and one's error names the other's.
pub struct Makers(Vec<crate::pyrt::Calls>);

impl Makers {
    pub fn of(consoles: &[Console]) -> Makers {
        Makers(consoles.iter().map(|c| c.calls.clone()).collect())
    }

    /// The console that made `id`.
    pub fn console_of(&self, id: SocketId) -> Option<usize> {
        self.0.iter().position(|l| {
            l.lock()
                .unwrap_or_else(|p| p.into_inner())
                .made
                .contains(&id)
        })
    }

    /// What console `which` (None: the window's page) says of `error`: a socket another
    /// console made that holds the address is named with that console ("s (console 1)").
    pub fn name_for(&self, which: Option<usize>, error: &mut crate::engine::OpError) {
        error.name_holder(|id, name| match self.console_of(id) {
            Some(k) if Some(k) != which => Some(t!("errors-owner-console", name = name, n = k + 1)),
            _ => None,
        });
    }
}

impl Console {
    /// Where each transcript line's rows begin, wrapped at `columns`, and the rows in all.
    pub fn wrapped(&self, columns: usize) -> (std::rc::Rc<Vec<usize>>, usize) {
        if let Some((v, c, starts, total)) = &*self.wrap_cache.borrow() {
            if *v == self.version && *c == columns {
                return (starts.clone(), *total);
            }
        }
        let mut starts = Vec::with_capacity(self.lines.len());
        let mut total = 0usize;
        for line in &self.lines {
            starts.push(total);
            total += wrapped_rows(&line.text, columns);
        }
        let starts = std::rc::Rc::new(starts);
        *self.wrap_cache.borrow_mut() = Some((self.version, columns, starts.clone(), total));
        (starts, total)
    }

    /// Whether this engine call is its session's (a wait its statement is in).
    pub fn has_call(&self, req: crate::engine::ReqId) -> bool {
        self.calls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .waiting
            .contains(&req)
    }

    /// Its program's waits in select(), poll() or epoll's poll() under way now.
    pub fn selects(&self) -> Vec<crate::pyrt::Selecting> {
        self.calls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .selecting
            .now()
            .into_iter()
            .cloned()
            .collect()
    }

    /// Whether its session's program made this socket and has not closed it (or closed
    /// it while a call in another thread still holds it).
    pub fn made(&self, id: SocketId) -> bool {
        self.calls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .made
            .contains(&id)
    }

    /// A line of the window's own in the transcript (not the program's output).
    pub fn say(&mut self, text: &str) {
        self.open_line = false;
        self.push(LineKind::Note, text);
    }

    /// Console `which` (0, 1: side by side).
    pub fn numbered(which: usize) -> Console {
        Console {
            which,
            ..Console::default()
        }
    }

    /// The engine its sessions put their sockets on, and how output wakes the window.
    pub fn attach(&mut self, engine: Engine, wake: Wake) {
        self.engine = Some(engine);
        self.wake = Some(wake);
    }

    /// The prompt for the line being typed.
    pub fn prompt(&self) -> &'static str {
        if self.block.is_empty() {
            ">>> "
        } else {
            "... "
        }
    }

    /// Whether a statement runs (or waits its turn).
    pub fn busy(&self) -> bool {
        !self.running.is_empty()
    }

    /// Lines typed while a statement runs, waiting their turn (with their prompts), in
    /// order: they go into the transcript as their statement begins.
    pub fn queued(&self) -> impl Iterator<Item = &str> {
        self.running
            .iter()
            .skip(1)
            .filter(|r| !r.dropped)
            .flat_map(|r| r.echo.iter())
            .chain(self.queued_echo.iter())
            .map(String::as_str)
    }

    /// The running statement's first line and how long it has run.
    pub fn running(&self) -> Option<(&str, std::time::Duration)> {
        self.running
            .front()
            .map(|r| (r.first_line.as_str(), r.started.elapsed()))
    }

    /// Enter: the typed line joins the block; a whole statement goes to the session.
    /// `sockets` are the window's (id, name, open), offered to the session by name.
    /// `history` is the settings' list, where the statement is remembered.
    pub fn submit<'a>(
        &mut self,
        sockets: impl Iterator<Item = (SocketId, &'a str, bool)>,
        history: &mut Vec<String>,
    ) {
        let line = std::mem::take(&mut self.input);
        self.history_at = None;
        self.to_end = true;
        // Typed while a statement runs: shown as queued until its turn.
        let queued = self.busy();
        // A line of several lines (pasted) is typed line by line, each shown with the
        // prompt the REPL gives it (>>> or ...).
        let mut parts: Vec<&str> = line.split('\n').collect();
        if parts.is_empty() {
            parts.push("");
        }
        let typed = parts.len();
        // Several lines at once (pasted, or a block brought back by Up) end as a whole:
        // a block left open is closed by the blank line it would need.
        if parts.len() > 1 && parts.last().is_some_and(|p| !p.trim().is_empty()) {
            parts.push("");
        }
        let mut whole = Vec::new();
        for (k, part) in parts.into_iter().enumerate() {
            let part = part.trim_end_matches('\r');
            // The blank line added to close a block shows only when it closes one.
            if k < typed || !self.block.is_empty() {
                let echo = format!("{}{part}", self.prompt());
                if queued {
                    self.queued_echo.push(echo);
                } else {
                    self.push(LineKind::Input, &echo);
                }
            }
            self.block.push(part.to_string());
            let text = self.block.join("\n");
            if text.trim().is_empty() {
                self.block.clear();
                continue;
            }
            if !crate::pyrt::guard::needs_more(&text) {
                self.block.clear();
                whole.push((text, std::mem::take(&mut self.queued_echo)));
            }
        }
        if whole.is_empty() {
            return;
        }
        // The window's sockets are offered first: the session takes jobs in order.
        if self.session().is_some() {
            self.share(sockets);
        }
        for (text, echo) in whole {
            self.run(text, echo, history);
        }
    }

    /// Sends a whole statement to the session (started if there is none); `echo`: its
    /// lines, if they wait to be shown until it begins.
    fn run(&mut self, text: String, echo: Vec<String>, history: &mut Vec<String>) {
        let remembered = text.trim_end().to_string();
        if history.last() != Some(&remembered) {
            history.push(remembered);
            cap_history(history);
        }
        let Some(session) = self.session() else {
            return;
        };
        let (id, rx) = session.run(&text);
        self.running.push_back(Running {
            id,
            rx,
            first_line: text.lines().next().unwrap_or_default().to_string(),
            started: Instant::now(),
            file: false,
            echo,
            dropped: false,
        });
    }

    /// Runs the file in `script_path` with `script_args` (split at spaces) in the session,
    /// as `python3 -i FILE ARGS` does before its prompt; `step`: it stops before each line.
    pub fn run_file<'a>(
        &mut self,
        step: bool,
        sockets: impl Iterator<Item = (SocketId, &'a str, bool)>,
    ) {
        self.to_end = true;
        let path = self.script_path.trim().to_string();
        if path.is_empty() {
            self.push(LineKind::Note, &t!("console-which-file"));
            return;
        }
        let args: Vec<String> = self
            .script_args
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let shown = std::iter::once(path.as_str())
            .chain(args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ");
        // "run FILE ARGS", "step through FILE ARGS": the note, and what runs meanwhile.
        let how = if step {
            t!("console-step-file", file = &shown)
        } else {
            t!("console-run-file", file = &shown)
        };
        self.open_line = false;
        // As IDLE's Run Module: the file starts in a fresh session, whatever was typed; the
        // new one waits for the old to end and close its sockets.
        if let Some(old) = self.session.take() {
            if let Some(last) = self.running.back() {
                old.interrupt(last.id);
            }
            self.running.clear();
            self.queued_echo.clear();
            self.dropped_block = None;
            self.retiring = Some(old);
            self.push(LineKind::Note, &t!("console-restart", path = &path));
        }
        self.push(LineKind::Note, &format!("({how})"));
        if self.session().is_none() {
            return;
        }
        self.share(sockets);
        let Some(session) = &self.session else {
            return;
        };
        let (id, rx) = session.run_file(std::path::Path::new(&path), &args, step);
        self.running.push_back(Running {
            id,
            rx,
            // "running: FILE ARGS" (the note above says run or step through).
            first_line: shown,
            started: Instant::now(),
            file: true,
            echo: Vec::new(),
            dropped: false,
        });
        self.file = Some(FileView {
            path,
            stepping: step,
            running: true,
            ..FileView::default()
        });
    }

    /// The file stopped at a line runs on: that line (`Step::Line`) or the rest.
    pub fn step(&mut self, how: Step) {
        let Some(file) = self.file.as_mut().filter(|f| f.running && f.stepping) else {
            return;
        };
        // After a step, the line it runs stays marked; after Continue, nothing is.
        file.ran = file.at.take().filter(|_| how == Step::Line);
        if how == Step::Continue {
            file.stepping = false;
        }
        if let Some(session) = &self.session {
            session.step(how);
        }
    }

    /// Whether a file waits at a line for a step.
    pub fn paused(&self) -> Option<u32> {
        self.file
            .as_ref()
            .filter(|f| f.running && f.stepping)
            .and_then(|f| f.at)
    }

    /// The session, started now if there is none.
    fn session(&mut self) -> Option<&Session> {
        if self.session.is_none() {
            // A ledger of its own: what the session before made is not this one's.
            self.calls = std::sync::Arc::new(std::sync::Mutex::new(crate::pyrt::Ledger {
                wake: self.wake.clone(),
                ..Default::default()
            }));
            let config = Config {
                name: match self.which {
                    0 => "python-console".into(),
                    n => format!("python-console-{}", n + 1),
                },
                engine: self.engine.clone(),
                wake: self.wake.clone(),
                after: self.retiring.take(),
                calls: self.calls.clone(),
            };
            match Session::start_with(config) {
                Ok(s) => {
                    self.session = Some(s);
                    self.shared.clear();
                }
                Err(e) => {
                    self.push(
                        LineKind::Error,
                        &t!("console-no-thread", error = e.to_string()),
                    );
                    return None;
                }
            }
        }
        self.session.as_ref()
    }

    /// Offers the window's open sockets the session does not know yet, by name.
    pub fn share<'a>(&mut self, sockets: impl Iterator<Item = (SocketId, &'a str, bool)>) {
        let Some(session) = &self.session else {
            return;
        };
        for (id, name, open) in sockets {
            if open && !self.shared.contains(&id) && session.share(name, id) {
                self.shared.insert(id);
            }
        }
    }

    /// Tab: completes the word at the end of the line (a name, `obj.attr`) from the
    /// session's names, as python3's console does; several candidates are listed.
    pub fn complete(&mut self) {
        let cut = self
            .input
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '.')
            .last()
            .map_or(self.input.len(), |(i, _)| i);
        let (before, word) = self.input.split_at(cut);
        let (before, word) = (before.to_string(), word.to_string());
        if word.is_empty() && before.trim().is_empty() && self.block.is_empty() {
            // A Tab at the start of a line: python3's console indents.
            self.input.push_str("    ");
            self.cursor_to_end = true;
            return;
        }
        if let Some(rx) = self.session().and_then(|s| s.complete(&word)) {
            self.completing = Some((rx, before, word));
        }
    }

    /// Takes the completions that have come.
    fn poll_completions(&mut self) -> bool {
        let Some((rx, _, _)) = &self.completing else {
            return false;
        };
        let found = match rx.try_recv() {
            Ok(found) => found,
            Err(crossbeam_channel::TryRecvError::Empty) => return false,
            Err(crossbeam_channel::TryRecvError::Disconnected) => {
                self.completing = None;
                return false;
            }
        };
        let Some((_, before, word)) = self.completing.take() else {
            return false;
        };
        // Only if the line is still what it was when Tab was pressed.
        if self.input != format!("{before}{word}") {
            return false;
        }
        let common = common_prefix(&found);
        if found.len() == 1 || common.chars().count() > word.chars().count() {
            self.input = format!(
                "{before}{}",
                if found.len() == 1 { &found[0] } else { &common }
            );
            self.cursor_to_end = true;
        } else if found.len() > 1 {
            let shown: Vec<&str> = found.iter().map(String::as_str).collect();
            self.push(LineKind::Note, &shown.join("  "));
        }
        true
    }

    /// Takes the output that has come; true when something changed. `makers`: which
    /// console made a socket, so an error held up by another console's socket says whose.
    pub fn poll(&mut self, makers: &Makers) -> bool {
        let mut changed = self.poll_completions();
        while let Some(front) = self.running.front() {
            let is_file = front.file;
            let dropped = front.dropped.then(|| front.first_line.clone());
            let (mut ended, mut lost) = (false, false);
            let mut got = Vec::new();
            loop {
                match front.rx.try_recv() {
                    Ok(out) => {
                        let done = matches!(out, Output::Done { .. });
                        got.push(out);
                        if done {
                            ended = true;
                            break;
                        }
                    }
                    Err(crossbeam_channel::TryRecvError::Empty) => break,
                    // The session's thread ended without saying the statement did.
                    Err(crossbeam_channel::TryRecvError::Disconnected) => {
                        lost = true;
                        break;
                    }
                }
            }
            for out in got {
                changed = true;
                match out {
                    // Dropped by Ctrl+C before it began: the KeyboardInterrupt it took
                    // there (it never ran) is not said twice; what was dropped is.
                    Output::Text { err: true, text }
                        if dropped.is_some() && text.trim_end() == "KeyboardInterrupt" =>
                    {
                        self.open_line = false;
                        let line = dropped.as_deref().unwrap_or_default();
                        self.push(LineKind::Note, &t!("console-dropped", line = line));
                    }
                    Output::Text { err, text } => {
                        let kind = if err {
                            LineKind::Error
                        } else {
                            LineKind::Output
                        };
                        self.write(kind, &text);
                    }
                    Output::Explained { mut error } => {
                        self.open_line = false;
                        makers.name_for(Some(self.which), &mut error);
                        // One row of its own: an address may hold a newline (a Unix path).
                        let word = crate::pyrt::explained::word(&error).replace(['\n', '\r'], " ");
                        self.push(LineKind::Explained, &word);
                    }
                    Output::Hinted { hint } => {
                        self.open_line = false;
                        self.push(LineKind::Explained, &hint.word());
                    }
                    Output::Answered { mut error } => {
                        self.open_line = false;
                        makers.name_for(Some(self.which), &mut error);
                        let word = crate::pyrt::explained::answered_word(&error);
                        self.push(LineKind::Explained, &word.replace(['\n', '\r'], " "));
                    }
                    Output::Kept { ids } => self.kept = Some((ids, 0)),
                    Output::Exit { code } => {
                        self.open_line = false;
                        self.push(LineKind::Note, &t!("console-session-ended", code = code));
                        self.session = None;
                    }
                    Output::Source { path, text } => {
                        if let Some(f) = &mut self.file {
                            f.path = path;
                            f.read = true;
                            f.lines = text
                                .lines()
                                .take(MAX_FILE_LINES)
                                .map(str::to_string)
                                .collect();
                        }
                    }
                    Output::AtLine { line } => {
                        if let Some(f) = &mut self.file {
                            f.at = Some(line);
                            f.ran = None;
                            f.scroll_to = true;
                        }
                    }
                    Output::Done { .. } => {
                        if is_file {
                            if let Some(f) = &mut self.file {
                                f.running = false;
                                f.stepping = false;
                                f.at = None;
                                f.ran = None;
                            }
                        }
                    }
                }
            }
            if lost {
                self.push(LineKind::Error, &t!("console-session-lost"));
                self.session = None;
                self.running.clear();
                return true;
            }
            if !ended {
                break;
            }
            self.open_line = false;
            self.running.pop_front();
            if self.running.is_empty() {
                if let Some(first) = self.dropped_block.take() {
                    self.push(LineKind::Note, &t!("console-dropped", line = first));
                }
            }
            // The next one, queued behind it, begins now (not when it was typed), and its
            // lines are shown now, before what it prints.
            if let Some(next) = self.running.front_mut() {
                next.started = Instant::now();
                let echo = std::mem::take(&mut next.echo);
                if !next.dropped {
                    for line in &echo {
                        self.push(LineKind::Input, line);
                    }
                }
            }
        }
        changed
    }

    /// A file run ended (however: at its end, an exception, Ctrl+C) and its session goes
    /// on: the sockets its program made and did not close, oldest first. They stay open as
    /// after `python3 -i FILE`, where `python3 FILE` would have closed them as its process
    /// ended; the window says so (`note_kept`).
    /// `known`: whether the window has heard of a socket yet (its Created may come a
    /// frame after the file's end); asked again on later frames until all are, or for
    /// KEPT_TRIES frames.
    pub fn file_ended(&mut self, known: impl Fn(SocketId) -> bool) -> Option<Vec<SocketId>> {
        let (ids, tries) = self.kept.as_mut()?;
        *tries += 1;
        if self.session.is_none() {
            self.kept = None;
            return None;
        }
        if *tries < KEPT_TRIES && !ids.iter().all(|id| known(*id)) {
            return None;
        }
        self.kept.take().map(|(ids, _)| ids)
    }

    /// Says which of a file's sockets stay open after it ended (`kept`: each one's name and
    /// what it is doing), and what closes them.
    pub fn note_kept(&mut self, kept: &[(String, String)]) {
        if kept.is_empty() {
            return;
        }
        let listed: Vec<String> = kept
            .iter()
            .map(|(name, doing)| t!("console-file-kept-one", name = name, doing = doing))
            .collect();
        self.open_line = false;
        self.push(
            LineKind::Note,
            &t!(
                "console-file-kept",
                sockets = listed.join(&t!("console-file-kept-separator"))
            ),
        );
    }

    /// Ctrl+C: KeyboardInterrupt in the running statement (and those waiting their turn
    /// are dropped, as the console's queue of typed lines would be, with a block half typed
    /// behind them); at a "..." prompt, the block typed so far is dropped.
    pub fn interrupt(&mut self) {
        if let (Some(session), Some(last)) = (&self.session, self.running.back()) {
            // The running statement, and those queued behind it before they begin.
            session.interrupt(last.id);
            // Those not begun by now never run: each is said as dropped. (One the session
            // began before this window heard its predecessor end is interrupted as it runs.)
            let begun = session.begun();
            for queued in self.running.iter_mut().skip(1) {
                queued.dropped = queued.id > begun;
            }
            // A block half typed behind it goes too, as a terminal drops the lines typed
            // ahead at Ctrl+C: the next line starts afresh at ">>>", not inside that block.
            // (The line being edited stays: the button interrupts too.)
            if let Some(first) = self.block.first().cloned() {
                self.block.clear();
                self.queued_echo.clear();
                self.dropped_block = Some(first);
            }
        } else if !self.block.is_empty() || !self.input.is_empty() {
            self.block.clear();
            self.input.clear();
            self.push(LineKind::Error, "KeyboardInterrupt");
        }
    }

    /// Up: the previous statement of the history into the line.
    pub fn history_back(&mut self, history: &[String]) {
        let at = match self.history_at {
            None if history.is_empty() => return,
            None => {
                self.typed = self.input.clone();
                history.len() - 1
            }
            Some(0) => 0,
            Some(i) => i - 1,
        };
        self.history_at = Some(at);
        self.input = history[at].clone();
        self.cursor_to_end = true;
    }

    /// Down: the next one, then back to what was being typed.
    pub fn history_forward(&mut self, history: &[String]) {
        match self.history_at {
            None => {}
            Some(i) if i + 1 < history.len() => {
                self.history_at = Some(i + 1);
                self.input = history[i + 1].clone();
            }
            Some(_) => {
                self.history_at = None;
                self.input = std::mem::take(&mut self.typed);
            }
        }
        self.cursor_to_end = true;
    }

    /// Writes output as it came: lines split at newlines, an unfinished line continued
    /// by the next write.
    fn write(&mut self, kind: LineKind, text: &str) {
        self.version += 1;
        let mut pieces = text.split('\n').peekable();
        while let Some(piece) = pieces.next() {
            let last = pieces.peek().is_none();
            if last && piece.is_empty() {
                // The text ended with a newline: the next write starts a line.
                self.open_line = false;
                break;
            }
            match self.lines.back_mut() {
                Some(l) if self.open_line && l.kind == kind => append(&mut l.text, piece),
                _ => self.push(kind, piece),
            }
            self.open_line = last;
        }
    }

    fn push(&mut self, kind: LineKind, text: &str) {
        self.version += 1;
        let mut line = Line {
            kind,
            text: String::new(),
        };
        append(&mut line.text, text);
        self.lines.push_back(line);
        self.pushed += 1;
        self.open_line = false;
        while self.lines.len() > MAX_LINES {
            self.lines.pop_front();
        }
    }

    /// Starts afresh as Run file does (a lesson begins so): what runs is interrupted, the
    /// names typed before are gone and their sockets close as the old session ends; the
    /// next statement starts a new session once they have. A block half typed is dropped.
    pub fn restart(&mut self, why: &str) {
        self.block.clear();
        self.queued_echo.clear();
        self.dropped_block = None;
        if let Some(old) = self.session.take() {
            if let Some(last) = self.running.back() {
                old.interrupt(last.id);
            }
            self.running.clear();
            // The file it ran (whose Done will never be read now) has ended with it.
            if let Some(f) = &mut self.file {
                f.running = false;
                f.stepping = false;
                f.at = None;
                f.ran = None;
            }
            self.kept = None;
            self.retiring = Some(old);
            self.push(LineKind::Note, &t!("console-restart", path = why));
            // The fresh session starts now and ends the old one first: its sockets close
            // as the note says, not at the next statement typed.
            let _ = self.session();
        }
    }

    /// Whether the session printed an error (an exception's line) after the mark `from`.
    pub fn failed_since(&self, from: u64) -> bool {
        let first = self.pushed - self.lines.len() as u64;
        let skip = from.saturating_sub(first) as usize;
        self.lines
            .iter()
            .skip(skip)
            .any(|l| l.kind == LineKind::Error)
    }

    /// Lines pushed so far: a mark for `printed_since`.
    pub fn printed(&self) -> u64 {
        self.pushed
    }

    /// Whether a line the session printed (output or error) after the mark `from` holds
    /// `text`.
    pub fn printed_since(&self, from: u64, text: &str) -> bool {
        let first = self.pushed - self.lines.len() as u64;
        let skip = from.saturating_sub(first) as usize;
        self.lines
            .iter()
            .skip(skip)
            // What the session printed: not the lines typed, nor socklab's own words.
            .any(|l| matches!(l.kind, LineKind::Output | LineKind::Error) && l.text.contains(text))
    }

    /// Forgets the transcript (not the session's names).
    pub fn clear(&mut self) {
        self.version += 1;
        self.lines.clear();
        self.open_line = false;
    }
}

/// Appends what fits under MAX_LINE characters, and says how much did not.
fn append(line: &mut String, text: &str) {
    let have = line.chars().count();
    if have >= MAX_LINE {
        return;
    }
    let room = MAX_LINE - have;
    let n = text.chars().count();
    if n <= room {
        line.push_str(text);
    } else {
        line.extend(text.chars().take(room));
        line.push_str(&format!(
            " … {}",
            t!("console-more-characters", n = n - room)
        ));
    }
}

/// The longest start all the words share.
fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut n = first.len();
    for w in &words[1..] {
        n = n.min(
            first
                .char_indices()
                .zip(w.chars())
                .take_while(|((_, a), b)| a == b)
                .last()
                .map_or(0, |((i, a), _)| i + a.len_utf8()),
        );
    }
    first[..n].to_string()
}

/// Columns a character takes in a monospace line (CJK and other wide ones: two).
pub fn cells(c: char) -> usize {
    if matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF | 0x20000..=0x3FFFD)
    {
        2
    } else {
        1
    }
}

/// Full-width punctuation no row begins with, and brackets no row ends with.
const CLOSING: &str = "，。；：、）」』》！？”’";
const OPENING: &str = "（「『《“‘";

/// Where the row that begins at byte `begin` of `text` ends, `columns` wide: after the last
/// space or comma that fits, or beside a wide character (CJK breaks anywhere), so a name
/// such as SO_REUSEADDR is not cut in two; when that would leave the row less than half
/// full, after a later `.` or `(` (code: `socket.` | `SOL_SOCKET`); a word longer than the
/// row is cut where it must.
fn row_end(text: &str, begin: usize, columns: usize) -> usize {
    let mut used = 0;
    // (byte where the next row would begin, columns used before it)
    let mut soft: Option<(usize, usize)> = None;
    let mut code: Option<usize> = None;
    let mut prev: Option<char> = None;
    for (i, c) in text[begin..].char_indices() {
        let at = begin + i;
        let w = cells(c);
        let prev_wide = prev.is_some_and(|p| cells(p) == 2);
        // (Not before closing punctuation nor after an opening bracket: a row that began
        // with '，' or ended with '（' reads as broken.)
        if at > begin
            && (w == 2 || prev_wide)
            && !CLOSING.contains(c)
            && !prev.is_some_and(|p| OPENING.contains(p))
        {
            soft = Some((at, used));
        }
        if used + w > columns && at > begin {
            return match (soft, code) {
                (Some((s, u)), _) if u * 2 >= columns => s,
                (s, c) => s.map(|s| s.0).max(c).unwrap_or(at),
            };
        }
        used += w;
        prev = Some(c);
        let next = at + c.len_utf8();
        match c {
            ' ' | ',' => soft = Some((next, used)),
            '.' | '(' => code = Some(next),
            _ => {}
        }
    }
    text.len()
}

/// How many rows `text` takes at `columns` wide.
pub fn wrapped_rows(text: &str, columns: usize) -> usize {
    let mut rows = 1;
    let mut begin = 0;
    loop {
        let end = row_end(text, begin, columns);
        if end >= text.len() {
            return rows;
        }
        rows += 1;
        begin = end;
    }
}

/// Row `k` of `text` wrapped at `columns`.
pub fn piece_of(text: &str, columns: usize, k: usize) -> &str {
    let mut begin = 0;
    for row in 0.. {
        let end = row_end(text, begin, columns);
        if row == k {
            return &text[begin..end];
        }
        if end >= text.len() {
            break;
        }
        begin = end;
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::{piece_of, wrapped_rows};

    #[test]
    fn lines_wrap_at_the_columns_and_wide_characters_take_two() {
        assert_eq!(wrapped_rows("", 10), 1);
        assert_eq!(wrapped_rows("abcdefghij", 10), 1);
        assert_eq!(wrapped_rows("abcdefghijk", 10), 2);
        let rows: Vec<&str> = (0..3)
            .map(|k| piece_of("abcdefghijklmnopqrstuv", 10, k))
            .collect();
        assert_eq!(rows, ["abcdefghij", "klmnopqrst", "uv"]);
        // 你好 takes four columns: five of them fill ten.
        let text = "你好你好你好";
        assert_eq!(wrapped_rows(text, 10), 2);
        assert_eq!(
            (piece_of(text, 10, 0), piece_of(text, 10, 1)),
            ("你好你好你", "好")
        );
        assert_eq!(piece_of(text, 10, 2), "");
    }

    /// A row ends after a space or comma that fits, so a name is not cut in two; a word
    /// longer than the row is cut; wide characters break anywhere, beside Latin text too.
    #[test]
    fn rows_end_between_words() {
        let line = "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)";
        let rows: Vec<&str> = (0..wrapped_rows(line, 40))
            .map(|k| piece_of(line, 40, k))
            .collect();
        assert_eq!(
            rows,
            [
                "s.setsockopt(socket.SOL_SOCKET, ",
                "socket.SO_REUSEADDR, 1)"
            ]
        );
        assert_eq!(rows.concat(), line);
        let long = "x".repeat(25);
        assert_eq!(wrapped_rows(&long, 10), 3);
        assert_eq!(piece_of(&long, 10, 2), "xxxxx");
        let mixed = "→ socklab：地址 127.0.0.1:1 上没有程序在监听";
        let rows: Vec<&str> = (0..wrapped_rows(mixed, 20))
            .map(|k| piece_of(mixed, 20, k))
            .collect();
        assert_eq!(rows.concat(), mixed);
        assert!(
            rows.iter()
                .all(|r| r.chars().map(super::cells).sum::<usize>() <= 20),
            "{rows:?}"
        );
        assert!(!rows.iter().any(|r| r.ends_with("127.0")), "{rows:?}");
        // Punctuation stays with the character before it; a bracket with the one after.
        for (text, at) in [("你好你好你，好", 10), ("你好你好（好好", 10)] {
            let rows: Vec<&str> = (0..wrapped_rows(text, at))
                .map(|k| piece_of(text, at, k))
                .collect();
            assert_eq!(rows.concat(), text);
            assert!(!rows[1..].iter().any(|r| r.starts_with('，')), "{rows:?}");
            assert!(!rows.iter().any(|r| r.ends_with('（')), "{rows:?}");
        }
        // Code with no space that fits: after a dot rather than inside a name.
        let line = ">>> srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)";
        let rows: Vec<&str> = (0..wrapped_rows(line, 29))
            .map(|k| piece_of(line, 29, k))
            .collect();
        assert_eq!(rows.concat(), line);
        assert_eq!(rows[0], ">>> srv.setsockopt(socket.", "{rows:?}");
        assert!(rows.iter().all(|r| !r.ends_with("SOL_SOC")), "{rows:?}");
    }
}
