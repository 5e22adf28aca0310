//! A Python session that runs one statement at a time and keeps its names between them,
//! as the interactive console does: what the window's console stands on. The interpreter
//! lives on a thread of its own; any other thread may interrupt the statement running
//! (KeyboardInterrupt at the interpreter's next check, or within 100 ms in a blocked
//! socket call).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender};
use rustpython_vm::builtins::PyBaseExceptionRef;
use rustpython_vm::compiler::Mode;
use rustpython_vm::scope::Scope;
use rustpython_vm::signal::{user_signal_channel, UserSignalSender};
use rustpython_vm::{AsObject, PyObjectRef, PyResult, VirtualMachine};

use crate::engine::SocketId;

/// Statements waiting their turn, at most.
const MAX_QUEUED: usize = 64;
/// Writes of a statement not yet read, at most (the statement waits when there are more).
const MAX_OUTPUT: usize = 1024;
/// Steps not yet taken, at most (more clicks than lines are dropped).
const MAX_STEPS: usize = 16;

/// What a statement printed, as it printed it, then how it ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// Written to sys.stdout (`err`: sys.stderr), reprs of expression values included.
    Text { err: bool, text: String },
    /// The statement raised SystemExit (`exit()`, `sys.exit(3)`): the session asks to end
    /// with this status, as the console does (a message for a non-number was written to
    /// stderr before). Done follows.
    Exit { code: u32 },
    /// A file began to run: its path as tracebacks name it, and its text (what is
    /// stepped through is shown from this, read once by the session's thread).
    Source { path: String, text: String },
    /// Stepping through a file: it stopped before running this line (1-based) and waits
    /// for Session::step.
    AtLine { line: u32 },
    /// The error just shown was a socket call's: the window says what the kernel's
    /// answer means and what to do (`explained::word`, in its language). Not Python's
    /// output (`socklab run -i` leaves it out).
    Explained { error: Box<crate::engine::OpError> },
    /// The error just shown was one the tutorials' pitfalls raise (a str sent, bytes
    /// decoded in pieces or in the wrong encoding): the window says what it means
    /// (`PyHint::word`). Not Python's output either.
    Hinted { hint: super::explained::PyHint },
    /// The statement made one connect_ex call, and it answered a failure as its errno
    /// (111): the window says what the number means. Not Python's output either.
    Answered { error: Box<crate::engine::OpError> },
    /// A file run ended with these sockets its program made still open (in the window's
    /// consoles, whose sessions keep a ledger), oldest first. Done follows.
    Kept { ids: Vec<crate::engine::SocketId> },
    /// The statement ended; `raised`: with an exception, whose last traceback line was
    /// the last Text (SystemExit: the Exit before).
    Done { raised: bool },
}

/// What stepping through a file does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Run the line it stopped at, stop at the next (in the file, functions included).
    Line,
    /// Run the rest without stopping.
    Continue,
}

/// What a Run job runs.
enum What {
    /// A statement as typed at the prompt.
    Statement(String),
    /// A file as `python3 -i FILE ARGS` runs it before its prompt: the session keeps its
    /// names after. `step`: stop before each of its lines.
    File {
        path: std::path::PathBuf,
        args: Vec<String>,
        step: bool,
    },
}

/// What the interpreter's thread is asked to do, in order.
enum Job {
    /// A statement or a file to run, and where its output goes.
    Run { id: u64, what: What, out: Out },
    /// Bind `name` to a socket object for the engine's socket `id` (made in the window),
    /// unless something holds that socket or the name already.
    Share { name: String, id: SocketId },
    /// The names, attributes and keywords `text` (the end of a line) may complete to.
    Complete {
        text: String,
        reply: Sender<Vec<String>>,
        wake: Option<Wake>,
    },
}

/// Where a statement's output goes, and who is told when some has come.
#[derive(Clone)]
struct Out {
    tx: Sender<Output>,
    wake: Option<Wake>,
}

impl Out {
    fn send(&self, output: Output) {
        if self.tx.send(output).is_ok() {
            if let Some(w) = &self.wake {
                w();
            }
        }
    }
}

/// Called when output has come (the window's repaint request).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// How a session starts.
#[derive(Default)]
pub struct Config {
    /// The thread's name.
    pub name: String,
    /// The engine its sockets are on (the window's); None: one of its own.
    pub engine: Option<crate::engine::Engine>,
    /// Called after each piece of output.
    pub wake: Option<Wake>,
    /// A session this one replaces: it ends first (its sockets closed), so a file run
    /// again binds its port again.
    pub after: Option<Session>,
    /// Where its calls under way on `engine` are kept.
    pub calls: super::engine_link::Calls,
}

/// The statement ids shared with the interrupting threads.
struct Ids {
    /// The statement running now (0: none).
    running: AtomicU64,
    /// Statements up to this one are interrupted, whether they have started yet or not
    /// (0: none).
    interrupt: AtomicU64,
    /// The last statement a KeyboardInterrupt was raised in (one per Ctrl+C).
    delivered: AtomicU64,
    /// The last statement that ended.
    finished: AtomicU64,
    /// The last statement queued.
    queued: AtomicU64,
    /// Namings on their way to the interpreter, not yet run. Its signals queue without
    /// bound, so a statement that never checks them must not pile them up; but a naming
    /// is sent again while one waits, since RustPython's "a signal is pending" flag is the
    /// process's, and another interpreter (the other console, a thread) may take it.
    naming: AtomicUsize,
    /// The naming thread asks for a naming: done by the next naming signal, or by a
    /// waiting socket call's own check (check_interrupt), whichever comes first.
    name_wanted: AtomicBool,
}

/// Namings waiting to run, at most (see Ids::naming), but for one a NAMING_RETRY.
const NAMINGS_PENDING: usize = 4;
const NAMING_RETRY: std::time::Duration = std::time::Duration::from_secs(1);

pub struct Session {
    jobs: Sender<Job>,
    /// Steps for a file stepped through (taken while it waits at a line).
    steps: Sender<Step>,
    wake: Option<Wake>,
    signals: UserSignalSender,
    ids: Arc<Ids>,
    next: AtomicU64,
    /// Rung as a statement is queued: the naming thread looks while statements run.
    names_bell: Sender<()>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// How long a new session waits for the one it replaces to end.
const REPLACED_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

impl Session {
    /// Starts an interpreter on its own thread, with an engine of its own; `name` names the
    /// thread.
    pub fn start(name: &str) -> std::io::Result<Session> {
        Session::start_with(Config {
            name: name.to_string(),
            ..Config::default()
        })
    }

    /// Starts an interpreter on its own thread as `config` says.
    pub fn start_with(config: Config) -> std::io::Result<Session> {
        let Config {
            name,
            engine,
            wake,
            after,
            calls,
        } = config;
        let (jobs, rx) = crossbeam_channel::bounded::<Job>(MAX_QUEUED);
        let (signals, signal_rx) = user_signal_channel();
        let (steps, steps_rx) = crossbeam_channel::bounded::<Step>(MAX_STEPS);
        let ids = Arc::new(Ids {
            running: AtomicU64::new(0),
            interrupt: AtomicU64::new(0),
            delivered: AtomicU64::new(0),
            finished: AtomicU64::new(0),
            queued: AtomicU64::new(0),
            naming: AtomicUsize::new(0),
            name_wanted: AtomicBool::new(false),
        });
        let names_bell = spawn_naming(ids.clone(), signals.clone())?;
        let shared = ids.clone();
        let thread = std::thread::Builder::new()
            .name(name.to_string())
            .stack_size(super::MAIN_STACK)
            .spawn(move || {
                if let Some(old) = after {
                    old.end(REPLACED_WAIT);
                }
                let _running = super::gc_guard::Running::start();
                let interp = super::builder(vec![String::new()], Vec::new())
                    .init_hook(move |vm| vm.set_user_signal_channel(signal_rx))
                    .build();
                // The window keeps Ctrl+C in its terminal: the session is interrupted by
                // interrupt(), not by the process's SIGINT.
                crate::sys::default_sigint();
                SESSION.with(|s| *s.borrow_mut() = Some(shared.clone()));
                STEPS.with(|s| *s.borrow_mut() = Some(steps_rx));
                interp.enter(|vm| {
                    if let Some(engine) = engine {
                        super::engine_link::attach(vm, engine, calls);
                    }
                    serve(vm, &rx, &shared);
                    // The session's names let go of what they hold: its sockets close
                    // (module globals and their functions hold each other; no collector
                    // would free them).
                    if let Some(globals) = MAIN.with(|m| m.borrow_mut().take()) {
                        // ...except the window's own, shared into the session.
                        if let Ok(Some(shared)) = globals.get_item_opt("_socklab_shared", vm) {
                            if let Some(list) =
                                shared.downcast_ref::<rustpython_vm::builtins::PyList>()
                            {
                                for s in list.borrow_vec().iter() {
                                    super::socket::forget(s);
                                }
                            }
                        }
                        // Closed now, each answered by the engine: the next session may
                        // bind the same ports.
                        let held: Vec<PyObjectRef> = (&globals)
                            .into_iter()
                            .map(|(_, v)| v)
                            .filter(|v| super::socket::engine_id(v).is_some())
                            .collect();
                        for s in held {
                            let _ = vm.call_method(&s, "close", ());
                        }
                        globals.clear();
                    }
                    // And what no name held: a thread's connection, one a traceback keeps.
                    super::engine_link::of(vm).close_made();
                    super::engine_link::detach(vm);
                });
            })?;
        Ok(Session {
            thread: Some(thread),
            jobs,
            steps,
            signals,
            ids,
            next: AtomicU64::new(1),
            names_bell,
            wake,
        })
    }

    /// Ends the session: no more jobs; waits (up to `limit`) for its thread to finish the
    /// statement it runs and close the sockets its names hold.
    pub fn end(mut self, limit: std::time::Duration) -> bool {
        let thread = self.thread.take();
        drop(self);
        let Some(thread) = thread else {
            return true;
        };
        let until = std::time::Instant::now() + limit;
        while !thread.is_finished() {
            if std::time::Instant::now() >= until {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let _ = thread.join();
        true
    }

    /// Runs one statement (a block with its lines); its output arrives on the receiver,
    /// ending with Done. Statements run in the order given.
    pub fn run(&self, source: &str) -> (u64, Receiver<Output>) {
        let (id, rx, _) = self.queue(What::Statement(source.to_string()));
        (id, rx)
    }

    /// Runs a file as `python3 -i FILE ARGS...` does before its prompt (sys.argv, __file__;
    /// its names stay in the session); `step`: it stops before each of its lines
    /// (Output::AtLine) until Session::step says go on. Output as for run().
    pub fn run_file(
        &self,
        path: &std::path::Path,
        args: &[String],
        step: bool,
    ) -> (u64, Receiver<Output>) {
        let (id, rx, _) = self.queue(What::File {
            path: path.to_path_buf(),
            args: args.to_vec(),
            step,
        });
        (id, rx)
    }

    /// The file stopped at a line runs on: to the next line, or to its end.
    pub fn step(&self, how: Step) {
        let _ = self.steps.try_send(how);
    }

    /// Queues a job; whether it was taken (else its Done is on the receiver already).
    fn queue(&self, what: What) -> (u64, Receiver<Output>, bool) {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        // Bounded: a statement that prints without end waits for its reader.
        let (tx, rx) = crossbeam_channel::bounded(MAX_OUTPUT);
        let out = Out {
            tx,
            wake: self.wake.clone(),
        };
        let job = Job::Run { id, what, out };
        // Never blocks the caller (the window's thread): a full queue or an ended session
        // answers at once.
        let refused = match self.jobs.try_send(job) {
            Ok(()) => None,
            Err(crossbeam_channel::TrySendError::Full(job)) => Some((
                job,
                format!("RuntimeError: {MAX_QUEUED} statements are waiting already\n"),
            )),
            Err(crossbeam_channel::TrySendError::Disconnected(job)) => Some((
                job,
                "SystemError: the Python session has ended\n".to_string(),
            )),
        };
        let queued = refused.is_none();
        if queued {
            // Stored before the bell rings, so the naming thread never stops short of it.
            self.ids.queued.fetch_max(id, Ordering::SeqCst);
            let _ = self.names_bell.try_send(());
        }
        if let Some((Job::Run { out, .. }, text)) = refused {
            out.send(Output::Text { err: true, text });
            out.send(Output::Done { raised: true });
        }
        (id, rx, queued)
    }

    /// The completions of `text` (a name, or `obj.attr` at the end of the typed line), as
    /// Python's rlcompleter gives them, on the receiver once the statements before have
    /// run; the window is woken then. Never blocks: None when the queue is full.
    pub fn complete(&self, text: &str) -> Option<Receiver<Vec<String>>> {
        let (reply, rx) = crossbeam_channel::bounded(1);
        self.jobs
            .try_send(Job::Complete {
                text: text.to_string(),
                reply,
                wake: self.wake.clone(),
            })
            .ok()
            .map(|()| rx)
    }

    /// Makes the engine's socket `id` (one made in the window) usable as `name` from the
    /// next statement on, unless the session holds it already or uses that name. Never
    /// blocks: dropped when statements fill the queue (the window offers it again).
    pub fn share(&self, name: &str, id: SocketId) -> bool {
        self.jobs
            .try_send(Job::Share {
                name: name.to_string(),
                id,
            })
            .is_ok()
    }

    /// Whether `source` is a whole statement, or a block that waits for more lines (as the
    /// console's `...` prompt); a syntax error is whole (running it reports the error).
    /// Answered from the text alone, at once, even while a statement runs.
    pub fn is_complete(&self, source: &str) -> bool {
        !super::guard::needs_more(source)
    }

    /// The newest statement that has begun (running or ended), 0 before any. Read after
    /// `interrupt`, a statement newer than it had not begun then and never runs.
    pub fn begun(&self) -> u64 {
        let running = self.ids.running.load(Ordering::SeqCst);
        running.max(self.ids.finished.load(Ordering::SeqCst))
    }

    /// Interrupts statement `id` and those before it (KeyboardInterrupt), whether they run
    /// now or wait their turn; nothing for those that have ended. Again while the same
    /// statement runs (it caught the first): another KeyboardInterrupt, as a second Ctrl+C.
    pub fn interrupt(&self, id: u64) {
        self.ids.interrupt.fetch_max(id, Ordering::SeqCst);
        self.ids.delivered.store(0, Ordering::SeqCst);
        // RustPython's "a signal is pending" flag is one for the whole process: another
        // interpreter's check may take it first. The signal is sent again every 50 ms
        // until the statement has taken it or ended (at most 10 s): never lost.
        let ids = self.ids.clone();
        let signals = self.signals.clone();
        let resend = std::thread::Builder::new()
            .name("python-interrupt".into())
            .spawn(move || {
                for _ in 0..200 {
                    if ids.finished.load(Ordering::SeqCst) >= id {
                        return;
                    }
                    if !takeable(&ids) {
                        // Delivered already, or the next statement has not begun.
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        continue;
                    }
                    let target = ids.clone();
                    let _ = signals.send(Box::new(move |vm: &VirtualMachine| {
                        take_interrupt(&target).map_or(Ok(()), |()| Err(keyboard_interrupt(vm)))
                    }));
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
            });
        if resend.is_err() {
            // No thread to spare: one signal, and the socket calls' own check.
            let target = self.ids.clone();
            let _ = self.signals.send(Box::new(move |vm: &VirtualMachine| {
                take_interrupt(&target).map_or(Ok(()), |()| Err(keyboard_interrupt(vm)))
            }));
        }
    }
}

/// Whether the statement running now is to be interrupted and has not been yet.
fn takeable(ids: &Ids) -> bool {
    let running = ids.running.load(Ordering::SeqCst);
    running != 0
        && running <= ids.interrupt.load(Ordering::SeqCst)
        && ids.delivered.load(Ordering::SeqCst) < running
}

/// Some(()) when the statement running now is to be interrupted (and marks it taken).
fn take_interrupt(ids: &Ids) -> Option<()> {
    takeable(ids).then(|| {
        ids.delivered
            .store(ids.running.load(Ordering::SeqCst), Ordering::SeqCst)
    })
}

thread_local! {
    /// The session whose interpreter runs on this thread (its blocked socket calls check
    /// for an interrupt themselves, whatever RustPython's shared flag says).
    static SESSION: std::cell::RefCell<Option<Arc<Ids>>> = const { std::cell::RefCell::new(None) };
    /// Where the steps for a file stepped through come from, on the session's thread.
    static STEPS: std::cell::RefCell<Option<Receiver<Step>>> = const { std::cell::RefCell::new(None) };
    /// The name each socket goes by in the engine, as far as this session knows.
    static NAMES: std::cell::RefCell<HashMap<SocketId, String>> = std::cell::RefCell::new(HashMap::new());
    /// The session's global names, on its thread.
    static MAIN: std::cell::RefCell<Option<rustpython_vm::builtins::PyDictRef>> = const { std::cell::RefCell::new(None) };
    /// Where the session's output goes, on its thread.
    static SINK: std::cell::RefCell<Option<Sink>> = const { std::cell::RefCell::new(None) };
}

/// Whether the calling thread is a console session's own (not `socklab run`'s, nor a
/// thread the Python program started).
pub(crate) fn in_session() -> bool {
    SESSION.with(|s| s.borrow().is_some())
}

/// For a socket call waiting on a session's thread: KeyboardInterrupt when its statement
/// was interrupted.
pub(crate) fn check_interrupt(vm: &VirtualMachine) -> PyResult<()> {
    // A naming asked for meanwhile is done here too: the signal that carries it may be
    // taken by another interpreter (RustPython's pending flag is the process's).
    let name = SESSION.with(|s| {
        s.borrow()
            .as_ref()
            .is_some_and(|ids| ids.name_wanted.swap(false, Ordering::SeqCst))
    });
    if name {
        name_main(vm);
    }
    let hit = SESSION.with(|s| s.borrow().as_ref().and_then(|ids| take_interrupt(ids)));
    match hit {
        Some(()) => Err(keyboard_interrupt(vm)),
        None => Ok(()),
    }
}

fn keyboard_interrupt(vm: &VirtualMachine) -> PyBaseExceptionRef {
    vm.new_exception_empty(vm.ctx.exceptions.keyboard_interrupt.to_owned())
}

fn serve(vm: &VirtualMachine, jobs: &Receiver<Job>, ids: &Ids) {
    let sink: Sink = Arc::new(std::sync::Mutex::new(None));
    SINK.with(|s| *s.borrow_mut() = Some(sink.clone()));
    let setup = vm
        .run_string(
            vm.new_scope_with_builtins(),
            super::PRELUDE,
            "<socklab prelude>".into(),
        )
        .and_then(|_| {
            vm.run_string(
                vm.new_scope_with_builtins(),
                include_str!("codecs.py"),
                "<socklab codecs>".into(),
            )
        })
        .and_then(|_| console::install(vm, &sink))
        .and_then(|_| super::gc_guard::install(vm));
    let scope = vm.new_scope_with_main();
    if let Ok(scope) = &scope {
        MAIN.with(|m| *m.borrow_mut() = Some(scope.globals.clone()));
    }
    // Between statements the thread runs no Python: not counted (gc_guard), from before the
    // statement's end is told until the next job is taken.
    let mut idle = None;
    loop {
        idle.get_or_insert_with(super::gc_guard::Idle::begin);
        let Ok(job) = jobs.recv() else {
            break;
        };
        idle = None;
        match job {
            Job::Run { id, what, out } => {
                *sink.lock().unwrap_or_else(|p| p.into_inner()) = Some(out.clone());
                let raised = match (&setup, &scope) {
                    (Ok(_), Ok(scope)) => {
                        let raised = match &what {
                            What::Statement(source) => run_one(vm, &sink, scope, id, source, ids),
                            What::File { path, args, step } => {
                                run_file(vm, &sink, scope, id, (path, args, *step), ids)
                            }
                        };
                        name_sockets(vm, &scope.globals);
                        // A wait this thread began is over, whether or not its end was told
                        // (an interrupt between two instructions of the prelude's wrapper).
                        super::engine_link::of(vm).select_forget_thread();
                        // What it leaves open, as it ends: not what later statements or
                        // its threads make or close meanwhile.
                        if matches!(what, What::File { .. }) {
                            let ids = super::engine_link::of(vm).made_now();
                            if !ids.is_empty() {
                                out.send(Output::Kept { ids });
                            }
                        }
                        raised
                    }
                    (Err(e), _) | (_, Err(e)) => {
                        show_error(vm, &sink, e.clone());
                        true
                    }
                };
                *sink.lock().unwrap_or_else(|p| p.into_inner()) = None;
                idle = Some(super::gc_guard::Idle::begin());
                out.send(Output::Done { raised });
                // Ended, whatever ended it (a file that could not be read never ran): the
                // naming thread goes back to sleep.
                ids.finished.fetch_max(id, Ordering::SeqCst);
            }
            Job::Share { name, id } => {
                if let Ok(scope) = &scope {
                    if share(vm, scope, &name, id).is_ok() {
                        NAMES.with(|n| n.borrow_mut().insert(id, name));
                    }
                }
            }
            Job::Complete { text, reply, wake } => {
                let found = match &scope {
                    Ok(scope) => complete(vm, scope, &text).unwrap_or_default(),
                    Err(_) => Vec::new(),
                };
                let _ = reply.send(found);
                if let Some(w) = wake {
                    w();
                }
            }
        }
    }
}

/// How often a statement that runs on (a server's loop, a file) has its sockets named.
const NAMING_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// The session's naming thread: a statement that never ends (a server's `while True:`
/// typed or run from a file) would never name the sockets it makes, so while one runs,
/// its names are looked at four times a second (at the interpreter's next check, a blocked
/// socket call's included). It sleeps on its bell while nothing runs, and ends with the
/// session (the bell's sender dropped).
fn spawn_naming(ids: Arc<Ids>, signals: UserSignalSender) -> std::io::Result<Sender<()>> {
    let (bell, rung) = crossbeam_channel::bounded::<()>(1);
    std::thread::Builder::new()
        .name("python-names".into())
        .spawn(move || {
            while rung.recv().is_ok() {
                // The statement seen running at the last look: one still running at the
                // next has run a while, and a short one was named as it ended.
                let mut seen = 0;
                // When a naming signal was last sent: past the cap, one more a second, so
                // namings other interpreters' checks left waiting cannot stop them for good.
                let mut sent_at: Option<std::time::Instant> = None;
                loop {
                    match rung.recv_timeout(NAMING_EVERY) {
                        Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return,
                        Ok(()) | Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
                    }
                    if ids.finished.load(Ordering::SeqCst) >= ids.queued.load(Ordering::SeqCst) {
                        break;
                    }
                    let running = ids.running.load(Ordering::SeqCst);
                    let long = running != 0 && running == seen;
                    if long {
                        ids.name_wanted.store(true, Ordering::SeqCst);
                    }
                    let room = ids.naming.load(Ordering::SeqCst) < NAMINGS_PENDING
                        || sent_at.is_none_or(|t| t.elapsed() >= NAMING_RETRY);
                    if long && room {
                        ids.naming.fetch_add(1, Ordering::SeqCst);
                        sent_at = Some(std::time::Instant::now());
                        let done = ids.clone();
                        let sent = signals.send(Box::new(move |vm: &VirtualMachine| {
                            done.naming.store(0, Ordering::SeqCst);
                            if done.name_wanted.swap(false, Ordering::SeqCst) {
                                name_main(vm);
                            }
                            Ok(())
                        }));
                        if sent.is_err() {
                            return;
                        }
                    }
                    seen = running;
                }
            }
        })?;
    Ok(bell)
}

/// Names the sockets held by the session's globals (from a signal, while a statement runs).
pub(crate) fn name_main(vm: &VirtualMachine) {
    if let Some(globals) = MAIN.with(|m| m.borrow().clone()) {
        name_sockets(vm, &globals);
    }
}

/// Attributes of one global object looked at for sockets, at most.
const ATTRS_LOOKED_AT: usize = 64;

/// The session's sockets held by its global names: each goes by one of them in the engine
/// (and so in the window), the one it had if that still holds it, else the first.
fn name_sockets(vm: &VirtualMachine, globals: &rustpython_vm::builtins::PyDictRef) {
    let mut held: Vec<(SocketId, Vec<String>)> = Vec::new();
    for (key, value) in globals {
        let (Some(name), Some(id)) = (
            key.downcast_ref::<rustpython_vm::builtins::PyStr>(),
            super::socket::engine_id(&value),
        ) else {
            continue;
        };
        let name = name.to_string_lossy().into_owned();
        if name.starts_with('_') {
            continue;
        }
        match held.iter_mut().find(|(i, _)| *i == id) {
            Some((_, all)) => all.push(name),
            None => held.push((id, vec![name])),
        }
    }
    // A socket an object holds (socketserver's `server.socket`) goes by that: after the
    // global names, and one level down only, in the first ATTRS_LOOKED_AT attributes of an
    // instance (not a module's or a class's).
    for (key, value) in globals {
        let Some(name) = key.downcast_ref::<rustpython_vm::builtins::PyStr>() else {
            continue;
        };
        let name = name.to_string_lossy();
        if name.starts_with('_')
            || super::socket::engine_id(&value).is_some()
            || value.fast_isinstance(vm.ctx.types.module_type)
            || value.fast_isinstance(vm.ctx.types.type_type)
        {
            continue;
        }
        let Some(attrs) = value.dict() else { continue };
        for (attr, inner) in attrs.into_iter().take(ATTRS_LOOKED_AT) {
            let (Some(attr), Some(id)) = (
                attr.downcast_ref::<rustpython_vm::builtins::PyStr>(),
                super::socket::engine_id(&inner),
            ) else {
                continue;
            };
            let attr = attr.to_string_lossy();
            if attr.starts_with('_') {
                continue;
            }
            let full = format!("{name}.{attr}");
            match held.iter_mut().find(|(i, _)| *i == id) {
                Some((_, all)) => all.push(full),
                None => held.push((id, vec![full])),
            }
        }
    }
    let link = super::engine_link::of(vm);
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        for (id, all) in held {
            if names.get(&id).is_some_and(|n| all.contains(n)) {
                continue;
            }
            let name = all[0].clone();
            link.send(id, crate::engine::Op::Rename { name: name.clone() });
            // The socket that had the name before goes by another in the window (its
            // number): pointed at again, it is renamed again.
            names.retain(|other, n| *n != name || *other == id);
            names.insert(id, name);
        }
    });
}

/// Binds `name` to a socket object for the engine's socket `id`, unless a global holds it
/// already or the name is taken. The object is also kept out of sight, so rebinding the
/// name never closes a socket the window made.
fn share(vm: &VirtualMachine, scope: &Scope, name: &str, id: SocketId) -> PyResult<()> {
    let taken = scope.globals.get_item_opt(name, vm)?.is_some();
    let held = (&scope.globals)
        .into_iter()
        .any(|(_, v)| super::socket::engine_id(&v) == Some(id));
    if taken || held || !is_identifier(name) {
        return Err(vm.new_value_error(format!("{name} is taken")));
    }
    let link = super::engine_link::of(vm);
    let Some(fd) = link.fd_of(id) else {
        return Err(vm.new_value_error(format!("{name} is closed")));
    };
    link.hold_accepted(fd, id);
    let made = vm.run_string(
        scope.clone(),
        &format!(
            "import socket as _socklab_socket\n\
             {name} = _socklab_socket.socket(fileno={fd})\n\
             globals().setdefault('_socklab_shared', []).append({name})\n\
             del _socklab_socket\n"
        ),
        "<socklab share>".into(),
    );
    if made.is_err() {
        link.take_accepted(fd);
    }
    made.map(drop)
}

/// Most completions given (a bare Tab offers every name there is).
const MAX_COMPLETIONS: usize = 200;

/// rlcompleter's completions of `text` in the session's names (it evaluates only the
/// names and attributes before the last dot, as Python's console does on Tab).
fn complete(vm: &VirtualMachine, scope: &Scope, text: &str) -> PyResult<Vec<String>> {
    let globals: PyObjectRef = scope.globals.clone().into();
    let completer = vm
        .import("rlcompleter", 0)?
        .get_attr("Completer", vm)?
        .call((globals,), vm)?;
    let mut found = Vec::new();
    for state in 0..MAX_COMPLETIONS {
        let one = vm.call_method(&completer, "complete", (text, state))?;
        if vm.is_none(&one) {
            break;
        }
        let one: String = one.try_into_value(vm)?;
        if !found.contains(&one) {
            found.push(one);
        }
    }
    Ok(found)
}

pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// Runs one statement: its expression's repr shown as the console shows it; an error's
/// last traceback line shown; whether it raised.
fn run_one(
    vm: &VirtualMachine,
    sink: &Sink,
    scope: &Scope,
    id: u64,
    source: &str,
    ids: &Ids,
) -> bool {
    let result = running(vm, ids, id, || {
        let src = if source.ends_with('\n') {
            source.to_string()
        } else {
            format!("{source}\n")
        };
        super::compile(vm, &src, Mode::Single, "<console>")
            .and_then(|code| vm.run_code_obj(code, scope.clone()))
    });
    // A typed connect_ex's number, said in words (a file's are its program's business).
    if let (Ok(_), Some(error)) = (&result, super::explained::answered_once()) {
        send_output(
            sink,
            Output::Answered {
                error: Box::new(error),
            },
        );
    }
    // A typed recv() that met the end of a stream, said once a socket.
    if super::explained::ended_once() {
        send_output(
            sink,
            Output::Hinted {
                hint: super::explained::PyHint::PeerClosed,
            },
        );
    }
    ended(vm, sink, result, false)
}

/// Runs `body` as statement `id`: interrupted before it begins if it was meant to be, and
/// marked running, then finished, for interrupt().
fn running(
    vm: &VirtualMachine,
    ids: &Ids,
    id: u64,
    body: impl FnOnce() -> PyResult<PyObjectRef>,
) -> PyResult<PyObjectRef> {
    ids.running.store(id, Ordering::SeqCst);
    super::explained::forget();
    let result = if id <= ids.interrupt.load(Ordering::SeqCst) {
        // Interrupted before it began.
        ids.delivered.store(id, Ordering::SeqCst);
        Err(keyboard_interrupt(vm))
    } else {
        // RustPython 0.5 can panic in its own frame loop (an interrupt landing as an
        // except handler's call returns: "CopyItem: stack underflow"). The statement is
        // lost, not the session: it ends as CPython ends an internal error, SystemError.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or_else(|p| {
            let why = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".into());
            Err(vm.new_system_error(format!(
                "socklab's Python interpreter (RustPython) failed inside this statement: {why}. \
                 The statement was abandoned; the console goes on, and what it defined before \
                 is still there"
            )))
        })
    };
    ids.running.store(0, Ordering::SeqCst);
    ids.finished.store(id, Ordering::SeqCst);
    result
}

/// How a statement or file ended, said as the console says it; whether it raised.
/// `traceback`: an error's whole traceback (a file's, as python3 -i prints it), else its
/// last line.
fn ended(vm: &VirtualMachine, sink: &Sink, result: PyResult<PyObjectRef>, traceback: bool) -> bool {
    match result {
        Ok(_) => {
            super::explained::forget();
            false
        }
        Err(e) if e.fast_isinstance(vm.ctx.exceptions.system_exit) => {
            super::explained::forget();
            let code = vm.handle_exit_exception(e);
            send_output(sink, Output::Exit { code });
            true
        }
        Err(e) if traceback => {
            let word = super::explained::take_for(vm, &e);
            let hint = super::explained::PyHint::of(vm, &e);
            super::show_uncaught(vm, e);
            explain(sink, word);
            if let Some(hint) = hint {
                send_output(sink, Output::Hinted { hint });
            }
            true
        }
        Err(e) => {
            let word = super::explained::take_for(vm, &e);
            let hint = super::explained::PyHint::of(vm, &e);
            show_error(vm, sink, e);
            explain(sink, word);
            if let Some(hint) = hint {
                send_output(sink, Output::Hinted { hint });
            }
            true
        }
    }
}

fn explain(sink: &Sink, error: Option<crate::engine::OpError>) {
    if let Some(error) = error {
        send_output(
            sink,
            Output::Explained {
                error: Box::new(error),
            },
        );
    }
}

/// Runs a file in the session as `python3 -i FILE ARGS` runs it before its prompt: the
/// file's text is sent first (Output::Source); stepping, it stops before each of its lines.
fn run_file(
    vm: &VirtualMachine,
    sink: &Sink,
    scope: &Scope,
    id: u64,
    (path, args, step): (&std::path::Path, &[String], bool),
    ids: &Ids,
) -> bool {
    let (source, name) = match super::read_source(path) {
        Ok(read) => read,
        Err(e) => {
            send(sink, true, format!("{e}\n"));
            return true;
        }
    };
    send_output(
        sink,
        Output::Source {
            path: name.clone(),
            text: source.clone(),
        },
    );
    // Steps clicked for a file before are not this one's.
    STEPS.with(|s| {
        if let Some(rx) = s.borrow().as_ref() {
            while rx.try_recv().is_ok() {}
        }
    });
    let result = running(vm, ids, id, || {
        let argv: Vec<PyObjectRef> = std::iter::once(path.display().to_string())
            .chain(args.iter().cloned())
            .map(|a| vm.ctx.new_str(a).into())
            .collect();
        vm.sys_module.set_attr("argv", vm.ctx.new_list(argv), vm)?;
        scope
            .globals
            .set_item("__file__", vm.ctx.new_str(name.as_str()).into(), vm)?;
        let code = super::compile(vm, &source, Mode::Exec, &name)?;
        if step {
            console::stepping(vm, &name, true)?;
        }
        let ran = vm.run_code_obj(code, scope.clone());
        if step {
            console::stepping(vm, &name, false)?;
        }
        ran
    });
    ended(vm, sink, result, true)
}

/// The last line of the error's traceback, as the console prints it (without RustPython's
/// codec notes, as in `socklab run`).
fn show_error(vm: &VirtualMachine, sink: &Sink, e: PyBaseExceptionRef) {
    let line = last_line(vm, &e).unwrap_or_else(|_| format!("{}\n", e.class().name()));
    send(sink, true, line);
}

fn last_line(vm: &VirtualMachine, e: &PyBaseExceptionRef) -> PyResult<String> {
    let traceback = vm.import("traceback", 0)?;
    let lines = traceback
        .get_attr("format_exception_only", vm)?
        .call((e.class().to_owned(), PyObjectRef::from(e.clone())), vm)?;
    let lines: Vec<String> = lines.try_into_value(vm)?;
    // A syntax error's lines say where, as python3's console prints them: the line and
    // its caret under what the parser stopped at.
    if e.fast_isinstance(vm.ctx.exceptions.syntax_error) {
        return Ok(lines.concat());
    }
    let line = lines
        .iter()
        .rev()
        .find(|l| !(l.trim_end().ends_with("' codec failed") && l.contains("coding with '")))
        .cloned()
        .unwrap_or_default();
    Ok(line)
}

pub(crate) use console::module_def;

/// Where a session's statement output goes: the receiver of the statement running.
type Sink = Arc<std::sync::Mutex<Option<Out>>>;

fn send(sink: &Sink, err: bool, text: String) {
    send_output(sink, Output::Text { err, text });
}

fn send_output(sink: &Sink, output: Output) {
    if let Some(out) = sink.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
        out.send(output);
    }
}

/// sys.stdout and sys.stderr of a session: each write goes to the statement's receiver
/// as it happens.
#[rustpython_vm::pymodule(name = "_socklab_console")]
mod console {
    use rustpython_vm::builtins::{PyDictRef, PyStrRef};
    use rustpython_vm::{pyclass, PyPayload, PyResult, VirtualMachine};

    use super::Sink;

    #[pyattr]
    #[pyclass(module = "_socklab_console", name = "Stream")]
    #[derive(Debug, PyPayload)]
    pub struct Stream {
        pub(super) err: bool,
        #[allow(dead_code)]
        pub(super) sink: SinkDebug,
    }

    /// The sink, printable for the payload's Debug.
    pub struct SinkDebug(pub(super) Sink);

    impl std::fmt::Debug for SinkDebug {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Sink")
        }
    }

    #[pyclass]
    impl Stream {
        #[pymethod]
        fn write(&self, text: PyStrRef) -> usize {
            let text = text.to_string_lossy().into_owned();
            let n = text.chars().count();
            super::send(&self.sink.0, self.err, text);
            n
        }

        #[pymethod]
        fn flush(&self) {}

        #[pymethod]
        fn isatty(&self) -> bool {
            false
        }

        #[pygetset]
        fn encoding(&self) -> &'static str {
            "utf-8"
        }

        #[pygetset]
        fn errors(&self) -> &'static str {
            "strict"
        }
    }

    thread_local! {
        /// While a file is stepped through: where its stops are told.
        static STEPPER: std::cell::RefCell<Option<Sink>> = const { std::cell::RefCell::new(None) };
    }

    /// The trace function of a file stepped through: a stop before each of the file's
    /// lines (in its functions too); other files' frames are not traced.
    const TRACER: &str = "\
import sys as _sys
from _socklab_console import pause as _pause
def _socklab_tracer(frame, event, arg):
    if frame.f_code.co_filename != _file:
        return None
    if event == 'line' and not _pause(frame.f_lineno, frame.f_globals):
        return None
    return _socklab_tracer
_sys.settrace(_socklab_tracer)
";

    /// Starts (`on`) or ends stepping through the file tracebacks call `file`.
    pub(super) fn stepping(vm: &VirtualMachine, file: &str, on: bool) -> PyResult<()> {
        if on {
            let sink = super::SINK.with(|s| s.borrow().clone());
            STEPPER.with(|s| *s.borrow_mut() = sink);
            let scope = vm.new_scope_with_builtins();
            scope
                .globals
                .set_item("_file", vm.ctx.new_str(file).into(), vm)?;
            vm.run_string(scope, TRACER, "<socklab step>".into())
                .map(drop)
        } else {
            STEPPER.with(|s| *s.borrow_mut() = None);
            vm.sys_module
                .get_attr("settrace", vm)?
                .call((vm.ctx.none(),), vm)
                .map(drop)
        }
    }

    /// Before line `line` of the file stepped through: says so, then waits for a step.
    /// False when it is to run on without stopping (Continue).
    #[pyfunction]
    fn pause(line: u32, globals: PyDictRef, vm: &VirtualMachine) -> PyResult<bool> {
        let Some(sink) = STEPPER.with(|s| s.borrow().clone()) else {
            return Ok(false);
        };
        // The sockets made by the lines before go by their names in the window now.
        super::name_sockets(vm, &globals);
        super::send_output(&sink, super::Output::AtLine { line });
        loop {
            let step = super::STEPS.with(|s| {
                s.borrow()
                    .as_ref()
                    .map(|rx| rx.recv_timeout(std::time::Duration::from_millis(100)))
            });
            match step {
                Some(Ok(super::Step::Line)) => return Ok(true),
                Some(Err(crossbeam_channel::RecvTimeoutError::Timeout)) => {
                    // Ctrl+C while it waits at a line: KeyboardInterrupt there; and what
                    // was asked of the interpreter meanwhile (naming its sockets) is done.
                    vm.check_signals()?;
                    super::check_interrupt(vm)?;
                }
                Some(Ok(super::Step::Continue))
                | Some(Err(crossbeam_channel::RecvTimeoutError::Disconnected))
                | None => {
                    STEPPER.with(|s| *s.borrow_mut() = None);
                    return Ok(false);
                }
            }
        }
    }

    pub(super) fn install(vm: &VirtualMachine, sink: &Sink) -> PyResult<()> {
        vm.import("_socklab_console", 0)?;
        for (name, err) in [("stdout", false), ("stderr", true)] {
            let stream = Stream {
                err,
                sink: SinkDebug(sink.clone()),
            }
            .into_ref(&vm.ctx);
            vm.sys_module.set_attr(name, stream, vm)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A statement during which the interpreter panics ends with SystemError, and the
    /// session's bookkeeping is as after any statement (the next one runs).
    #[test]
    fn a_panic_inside_a_statement_ends_it_with_system_error() {
        let interp = super::super::interpreter(&super::super::Program {
            source: String::new(),
            name: "<test>".into(),
            argv: Vec::new(),
        });
        interp.enter(|vm| {
            let ids = Ids {
                running: AtomicU64::new(0),
                interrupt: AtomicU64::new(0),
                delivered: AtomicU64::new(0),
                finished: AtomicU64::new(0),
                queued: AtomicU64::new(1),
                naming: AtomicUsize::new(0),
                name_wanted: AtomicBool::new(false),
            };
            let r = running(vm, &ids, 1, || panic!("CopyItem: stack underflow"));
            let e = r.expect_err("the statement raised");
            assert!(e.fast_isinstance(vm.ctx.exceptions.system_error));
            let msg = e.as_object().str(vm).unwrap().to_string();
            assert!(msg.contains("CopyItem: stack underflow"), "{msg}");
            assert_eq!(ids.running.load(Ordering::SeqCst), 0);
            assert_eq!(ids.finished.load(Ordering::SeqCst), 1);
            let next = running(vm, &ids, 2, || Ok(vm.ctx.none()));
            assert!(next.is_ok());
        });
    }
}
