//! RustPython 0.5's cycle collector is one for the whole process and does not stop the
//! other threads while it walks the objects: it reads the frames other Python threads are
//! running as they change them, and a debug build dies of it ("null pointer dereference"
//! in `PyStackRef::traverse`, seen once in CI with two sessions side by side). The release
//! that stops the world (0.6) needs a newer rustc than this project's.
//!
//! So a collection runs only while at most one thread runs Python. Threads are counted
//! from the side that starts them: `socklab run`'s main thread for its whole life, a
//! session's thread except while it waits for its next statement, and every thread a
//! program starts (`_thread`'s two starters are wrapped) until its function returns. While
//! two or more are counted the collector is switched off; `gc.enable()`, `gc.disable()` and
//! `gc.isenabled()` keep the program's own wish apart from that, and `gc.collect()` then
//! collects nothing and returns 0 (what is garbage stays until one thread is left).

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use rustpython_vm::function::FuncArgs;
use rustpython_vm::gc_state::gc_state;
use rustpython_vm::{AsObject, PyObjectRef, PyResult, VirtualMachine};

/// Threads running Python now, in every interpreter of the process.
static RUNNING: AtomicUsize = AtomicUsize::new(0);
/// `gc.enable()` / `gc.disable()` as the program last said (the collector is one for the
/// process, and so is this).
static WANTED: AtomicBool = AtomicBool::new(true);
/// Held through a collection a program asks for: a thread does not start running Python
/// during one.
static TURN: Mutex<()> = Mutex::new(());
/// Orders the collector's switches (each reads the counts afresh, so the last is right).
static SWITCH: Mutex<()> = Mutex::new(());

thread_local! {
    /// This thread holds TURN for a collection it asked for: code that collection runs
    /// (`__del__`, a weakref's callback) may start a thread without waiting for itself.
    static COLLECTING: Cell<bool> = const { Cell::new(false) };
}

fn turn() -> Option<MutexGuard<'static, ()>> {
    if COLLECTING.with(Cell::get) {
        return None;
    }
    Some(TURN.lock().unwrap_or_else(|p| p.into_inner()))
}

/// The collector on exactly when the program wants it and one thread at most runs Python.
fn apply() {
    let _switch = SWITCH.lock().unwrap_or_else(|p| p.into_inner());
    if WANTED.load(Ordering::SeqCst) && RUNNING.load(Ordering::SeqCst) <= 1 {
        gc_state().enable();
    } else {
        gc_state().disable();
    }
}

/// One thread more runs Python: after any collection a program asked for has ended, and
/// with the collector off from here if it is no longer alone. (A collection RustPython
/// began on its own a moment before may still be walking; the window is the few
/// instructions between its check and its locks, against every allocation before.)
fn count_up() {
    let _turn = turn();
    RUNNING.fetch_add(1, Ordering::SeqCst);
    apply();
}

/// One thread fewer: never waits for TURN (a collection's `__del__` may be joining it).
fn count_down() {
    let _ = RUNNING.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
    apply();
}

/// Whether at most one thread runs Python now (the caller's own, counted).
pub(crate) fn alone() -> bool {
    RUNNING.load(Ordering::SeqCst) <= 1
}

/// One thread counted as running Python while this lives.
pub(crate) struct Running(());

impl Running {
    /// Counts the calling thread (or the one about to be started by it).
    pub(crate) fn start() -> Running {
        count_up();
        Running(())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        count_down();
    }
}

/// A counted thread not running Python while this lives (a session between statements).
pub(crate) struct Idle(());

impl Idle {
    pub(crate) fn begin() -> Idle {
        count_down();
        Idle(())
    }
}

impl Drop for Idle {
    fn drop(&mut self) {
        count_up();
    }
}

/// Marks this thread as holding TURN for a collection it asked for, until dropped (also
/// when the collection unwinds).
struct Collecting;

impl Collecting {
    fn mark() -> Collecting {
        COLLECTING.with(|c| c.set(true));
        Collecting
    }
}

impl Drop for Collecting {
    fn drop(&mut self) {
        COLLECTING.with(|c| c.set(false));
    }
}

/// Puts the wrappers in this interpreter's `gc`, `_thread` and (already imported by then)
/// `threading`.
pub(crate) fn install(vm: &VirtualMachine) -> PyResult<()> {
    let gc = vm.import("gc", 0)?;
    let collect = gc.get_attr("collect", vm)?;
    gc.set_attr(
        "collect",
        vm.new_function("collect", move |args: FuncArgs, vm: &VirtualMachine| {
            gc_collect(&collect, args, vm)
        }),
        vm,
    )?;
    gc.set_attr("enable", vm.new_function("enable", || wish(true)), vm)?;
    gc.set_attr("disable", vm.new_function("disable", || wish(false)), vm)?;
    gc.set_attr(
        "isenabled",
        vm.new_function("isenabled", || WANTED.load(Ordering::SeqCst)),
        vm,
    )?;
    let thread = vm.import("_thread", 0)?;
    for (name, alias, by_name) in [
        ("start_new_thread", "_start_new_thread", false),
        ("start_joinable_thread", "_start_joinable_thread", true),
    ] {
        let Ok(start) = thread.get_attr(name, vm) else {
            continue;
        };
        let wrapped: PyObjectRef = vm
            .new_function(name, move |args: FuncArgs, vm: &VirtualMachine| {
                start_counted(&start, by_name, args, vm)
            })
            .into();
        thread.set_attr(name, wrapped.clone(), vm)?;
        // threading took its own reference when it was imported (during start-up).
        if let Ok(threading) = vm.import("threading", 0) {
            if threading.get_attr(alias, vm).is_ok() {
                threading.set_attr(alias, wrapped, vm)?;
            }
        }
    }
    // A forked child is one thread, whatever its parent ran.
    let os = vm.import("os", 0)?;
    let child: PyObjectRef = vm.new_function("after_in_child", forked).into();
    let kw = vec![("after_in_child".to_owned(), child)];
    let args = FuncArgs::new(
        Vec::<PyObjectRef>::new(),
        kw.into_iter().collect::<rustpython_vm::function::KwArgs>(),
    );
    vm.call_method(&os, "register_at_fork", args)?;
    Ok(())
}

/// In a forked child: only the forking thread goes on (a lock another thread held at the
/// fork would never be let go, so the switch is set without it if it cannot be had).
fn forked() {
    RUNNING.store(1, Ordering::SeqCst);
    let on = WANTED.load(Ordering::SeqCst);
    let _switch = SWITCH.try_lock();
    if on {
        gc_state().enable();
    } else {
        gc_state().disable();
    }
}

fn wish(on: bool) {
    WANTED.store(on, Ordering::SeqCst);
    apply();
}

/// `gc.collect(generation=2)`: RustPython's, while this thread is the only one running
/// Python (TURN held, so none starts meanwhile); otherwise 0, nothing collected.
fn gc_collect(collect: &PyObjectRef, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
    let turn = turn();
    let alone = alone();
    let named_right = args.kwargs.keys().all(|k| k == "generation");
    let valid = named_right
        && match args.args.first().or_else(|| args.kwargs.get("generation")) {
            None => true,
            Some(g) => g
                .try_index_opt(vm)
                .and_then(Result::ok)
                .and_then(|g| g.as_bigint().try_into().ok())
                .is_some_and(|g: i64| (0..=2).contains(&g)),
        };
    if !alone && valid && args.args.len() + args.kwargs.len() <= 1 {
        return Ok(vm.ctx.new_int(0).into());
    }
    // An invalid argument is RustPython's error to raise (it checks before collecting).
    let marked = turn.as_ref().map(|_| Collecting::mark());
    let done = collect.call(args, vm);
    drop(marked);
    drop(turn);
    done
}

/// A thread starter of `_thread` with the new thread counted from before it starts until
/// its function returns (an exception it leaves is reported there, as RustPython would
/// after it, while the thread is still counted).
fn start_counted(
    start: &PyObjectRef,
    by_name: bool,
    mut args: FuncArgs,
    vm: &VirtualMachine,
) -> PyResult {
    if !by_name && !args.kwargs.is_empty() {
        // RustPython's own error ("takes no keyword arguments"), before anything starts.
        return start.call(args, vm);
    }
    let function = if args.args.is_empty() {
        args.kwargs.shift_remove("function")
    } else {
        Some(args.args.remove(0))
    };
    let Some(function) = function else {
        // RustPython's own error for the missing function.
        return start.call(args, vm);
    };
    if !function.is_callable() {
        args.args.insert(0, function);
        return start.call(args, vm);
    }
    let counted = Running::start();
    // Taken by the one call: the function (for threading, the Thread's bound _bootstrap)
    // is let go of while the thread is still counted, so what its going runs is counted.
    let inner = std::sync::Mutex::new(Some(function.clone()));
    let run = vm.new_function(
        "run",
        move |call: FuncArgs, vm: &VirtualMachine| -> PyResult<()> {
            let taken = inner.lock().unwrap_or_else(|p| p.into_inner()).take();
            let Some(function) = taken else {
                return Ok(());
            };
            let _running = Running(());
            match function.call(call, vm) {
                Ok(_) => {}
                Err(e) if e.fast_isinstance(vm.ctx.exceptions.system_exit) => {}
                Err(e) => vm.run_unraisable(
                    e,
                    Some("Exception ignored in thread started by".to_owned()),
                    function.clone(),
                ),
            }
            drop(function);
            Ok(())
        },
    );
    args.args.insert(0, run.into());
    let started = start.call(args, vm);
    if started.is_ok() {
        // The new thread's `run` uncounts it.
        std::mem::forget(counted);
    }
    started
}
