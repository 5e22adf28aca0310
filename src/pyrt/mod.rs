//! `socklab run FILE ARGS...`: a whole Python program, run as `python3 FILE ARGS...` runs it.
//!
//! The language and the library are RustPython's (a Python 3 written in Rust, with CPython's
//! messages and reprs; its standard library is compiled into socklab). What socklab adds
//! sits in this module: how a program is started and ended the way CPython does it.

mod args;
pub mod cjk;
mod engine_link;
pub mod explained;
pub use engine_link::{Calls, Ledger};
mod gc_guard;
pub mod guard;
mod interactive;
pub mod selecting;
pub use selecting::Selecting;
pub mod session;
mod socket;

pub use interactive::run_interactive;
use std::io::Read;

use rustpython_vm::{compiler::Mode, AsObject, Interpreter, PyResult, Settings, VirtualMachine};

/// Stack of the thread a program's main thread runs on: RustPython's frames are large in
/// unoptimised builds, and CPython's recursion limit (1000) must be reached before it.
const MAIN_STACK: usize = 256 << 20;

/// A program to run: its text, the name tracebacks give it, and its sys.argv.
pub struct Program {
    pub source: String,
    /// `FILE` as given, or `<stdin>`.
    pub name: String,
    /// sys.argv: the file's name, then the program's own arguments.
    pub argv: Vec<String>,
}

/// Runs a program to its end; the exit status python3 would give (0, 1 for an uncaught
/// exception, SystemExit's code, 120 when stdout could not be flushed).
pub fn run_program(program: Program) -> u8 {
    std::panic::set_hook(Box::new(report_interpreter_failure));
    crate::sys::exit_on_abort(OUT_OF_MEMORY);
    let runner = std::thread::Builder::new()
        .name("python-main".into())
        .stack_size(MAIN_STACK)
        .spawn(move || run_on_this_thread(program));
    match runner.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        // A panic inside the interpreter has printed its message; exit as CPython does on
        // an internal error.
        Ok(Err(_)) => 1,
        Err(e) => {
            eprintln!("socklab run: cannot start the program's thread: {e}");
            1
        }
    }
}

/// What `socklab run` prints when an allocation fails (the process cannot go on).
const OUT_OF_MEMORY: &[u8] = b"MemoryError: socklab run: the program asked for more memory than \
there is; RustPython 0.5 (which socklab embeds) cannot raise this where a program could catch \
it, so the program ends here.\n";

/// A panic inside RustPython (a check of its own that failed) ends the program with one
/// plain line instead of a Rust backtrace; the exit status is 1 as for an uncaught error.
fn report_interpreter_failure(info: &std::panic::PanicHookInfo) {
    let what = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an internal check failed".into());
    let place = info
        .location()
        .map(|l| {
            format!(
                " ({}:{})",
                l.file().rsplit('/').next().unwrap_or(""),
                l.line()
            )
        })
        .unwrap_or_default();
    let thread = std::thread::current();
    eprintln!(
        "socklab run: the Python interpreter stopped in thread '{}': {what}{place}. \
         An internal check of socklab or of RustPython 0.5 (which it embeds) failed, not \
         the program; README's Python section lists the known cases and how to write \
         around them.",
        thread.name().unwrap_or("?")
    );
}

fn run_on_this_thread(program: Program) -> u8 {
    // As python3: started with SIGINT ignored (`cmd &` in a script), it stays ignored.
    let ignored = crate::sys::sigint_ignored();
    let _running = gc_guard::Running::start();
    let interp = interpreter(&program);
    if ignored {
        crate::sys::ignore_sigint();
    }
    let mut interrupted = false;
    let ran = interp.enter(|vm| {
        gc_guard::install(vm)?;
        match run_main(vm, &program) {
            Err(exc) if exc.fast_isinstance(vm.ctx.exceptions.keyboard_interrupt) => {
                // As CPython: the traceback, then the program's other threads run to
                // their end, and only then the process dies of SIGINT. (RustPython would
                // kill itself at once, before waiting for the threads.)
                interrupted = true;
                show_uncaught(vm, exc);
                join_threads(vm);
                Ok(())
            }
            other => other,
        }
    });
    let code = end(interp, ran);
    if interrupted {
        crate::sys::die_of_sigint();
    }
    u8::try_from(code).unwrap_or(u8::MAX)
}

/// The program's end as RustPython's finalize makes it (its uncaught exception said, its
/// threads that are not daemons waited for, atexit's functions run, its standard streams
/// flushed), except where a daemon thread still runs Python: finalize collects cycles
/// whatever the collector's switch says, and that walk of a running thread's frames is
/// what gc_guard keeps from happening. The process then ends as CPython's would at that
/// point, without clearing the modules first.
fn end(interp: Interpreter, ran: PyResult<()>) -> u32 {
    let (code, others) = interp.enter(|vm| {
        let code = ran.err().map_or(0, |exc| vm.handle_exit_exception(exc));
        join_threads(vm);
        (code, !gc_guard::alone())
    });
    if !others {
        // Nothing left for finalize's exception or threads; its code is 0 or 120.
        let flushed = interp.finalize(None);
        return if code == 0 { flushed } else { code };
    }
    interp.enter(|vm| {
        if let Ok(atexit) = vm.import("atexit", 0) {
            let _ = vm.call_method(&atexit, "_run_exitfuncs", ());
        }
        let mut failed = false;
        for name in ["stdout", "stderr"] {
            if let Ok(stream) = vm.sys_module.get_attr(name, vm) {
                if !vm.is_none(&stream) {
                    failed |= vm.call_method(&stream, "flush", ()).is_err();
                }
            }
        }
        // CPython's status when stdout could not be flushed at the end.
        if code == 0 && failed {
            120
        } else {
            code
        }
    })
}

/// threading._shutdown(): waits for the program's threads that are not daemons, as CPython
/// does before it ends; an error in it is shown.
fn join_threads(vm: &VirtualMachine) {
    if let Ok(threading) = vm.import("threading", 0) {
        if let Ok(shutdown) = threading.get_attr("_shutdown", vm) {
            if let Err(e) = shutdown.call((), vm) {
                show_uncaught(vm, e);
            }
        }
    }
}

/// An uncaught exception's traceback, through sys.excepthook as CPython prints it.
pub(crate) fn show_uncaught(vm: &VirtualMachine, exc: rustpython_vm::builtins::PyBaseExceptionRef) {
    let shown = vm.sys_module.get_attr("excepthook", vm).and_then(|hook| {
        hook.call(
            (
                exc.class().to_owned(),
                exc.clone(),
                exc.__traceback__()
                    .map_or_else(|| vm.ctx.none(), |t| t.into()),
            ),
            vm,
        )
    });
    if shown.is_err() {
        vm.print_exception(exc);
    }
}

/// The interpreter of a program (`socklab run FILE`).
fn interpreter(program: &Program) -> Interpreter {
    // As python3 FILE: the script's directory first on sys.path (for its own modules).
    let path = match std::path::Path::new(&program.name).parent() {
        Some(dir) if program.name != "<stdin>" => vec![dir.to_string_lossy().into_owned()],
        _ => Vec::new(),
    };
    builder(program.argv.clone(), path).build()
}

/// An interpreter with RustPython's standard library (native modules and the frozen
/// Python ones) and socklab's modules; nothing is read from the host's Python
/// installation.
fn builder(argv: Vec<String>, path: Vec<String>) -> rustpython_vm::InterpreterBuilder {
    let mut settings = Settings::default();
    settings.argv = argv;
    settings.path_list = path;
    settings.install_signal_handlers = true;
    // CPython on Linux reads and writes UTF-8 in the locales people have (and coerces the
    // C locale to it); RustPython would take the C locale's ASCII.
    settings.utf8_mode = 1;
    // The variables python3 honours for its standard streams.
    if let Ok(enc) = std::env::var("PYTHONIOENCODING") {
        let (encoding, errors) = match enc.split_once(':') {
            Some((e, r)) => (e.to_string(), Some(r.to_string())),
            None => (enc.clone(), None),
        };
        settings.stdio_encoding = (!encoding.is_empty()).then_some(encoding);
        settings.stdio_errors = errors.filter(|e| !e.is_empty());
    }
    if std::env::var_os("PYTHONUNBUFFERED").is_some_and(|v| !v.is_empty()) {
        settings.buffered_stdio = false;
    }
    let builder = Interpreter::builder(settings);
    let mut defs = rustpython_stdlib::stdlib_module_defs(&builder.ctx);
    defs.push(socket::module_def(&builder.ctx));
    defs.push(cjk::module_def(&builder.ctx));
    defs.push(session::module_def(&builder.ctx));
    builder
        .add_native_modules(&defs)
        .add_frozen_modules(rustpython_pylib::FROZEN_STDLIB)
}

/// Largest program `socklab run` reads: far beyond any script, and no `/dev/zero` or
/// runaway pipe reads until memory fails.
pub const MAX_SOURCE: u64 = 64 << 20;

/// The program's text and the name tracebacks give it (its absolute path, or `<stdin>` for
/// `-`), read no further than MAX_SOURCE; python3's words when it cannot be opened.
pub fn read_source(path: &std::path::Path) -> Result<(String, String), String> {
    let (reader, name): (Box<dyn Read>, String) = if path.as_os_str() == "-" {
        (Box::new(std::io::stdin()), "<stdin>".to_string())
    } else {
        // As python3: the absolute path (tracebacks, __file__), and its words when the
        // file cannot be opened.
        let shown = std::path::absolute(path)
            .unwrap_or_else(|_| path.to_path_buf())
            .display()
            .to_string();
        let f = std::fs::File::open(path).map_err(|e| {
            let errno = e.raw_os_error().unwrap_or(0);
            let why = crate::engine::errors::strerror(errno);
            format!("can't open file '{shown}': [Errno {errno}] {why}")
        })?;
        (Box::new(f), shown)
    };
    let mut bytes = Vec::new();
    reader
        .take(MAX_SOURCE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    if bytes.len() as u64 > MAX_SOURCE {
        return Err(format!(
            "{name} is larger than {} MiB; socklab runs programs up to that size",
            MAX_SOURCE >> 20
        ));
    }
    let text = String::from_utf8(bytes).map_err(|_| format!("{name} is not UTF-8 text"))?;
    Ok((text, name))
}

/// Run before the program (what it does, and why, is said in the file).
const PRELUDE: &str = include_str!("prelude.py");

/// Compiles and runs the program as the `__main__` module.
fn run_main(vm: &VirtualMachine, program: &Program) -> PyResult<()> {
    vm.run_string(
        vm.new_scope_with_builtins(),
        PRELUDE,
        "<socklab prelude>".into(),
    )?;
    vm.run_string(
        vm.new_scope_with_builtins(),
        include_str!("codecs.py"),
        "<socklab codecs>".into(),
    )?;
    let scope = vm.new_scope_with_main()?;
    scope
        .globals
        .set_item("__file__", vm.ctx.new_str(program.name.as_str()).into(), vm)?;
    let code = compile(vm, &program.source, Mode::Exec, &program.name)?;
    vm.run_code_obj(code, scope).map(drop)
}

/// Compiles source as CPython would, refusing first what nests past CPython's limits
/// (RustPython's parser would overflow the stack on it: guard.rs).
pub(crate) fn compile(
    vm: &VirtualMachine,
    source: &str,
    mode: Mode,
    name: &str,
) -> PyResult<rustpython_vm::PyRef<rustpython_vm::builtins::PyCode>> {
    refuse_too_deep(vm, source, name)?;
    if matches!(mode, Mode::Single) {
        refuse_more_than_one(vm, source, name)?;
    }
    vm.compile(source, mode, name.to_owned()).map_err(|err| {
        let e = cpython_words(vm, vm.new_syntax_error(&err, Some(source)), source);
        if matches!(mode, Mode::Single) {
            body_expected_below(vm, &e, source);
        }
        e
    })
}

/// A console's block ended by its blank line with no body: python3's console places the
/// IndentationError on that blank line (line 2, a caret at its start), where RustPython
/// places it after the header's colon.
fn body_expected_below(
    vm: &VirtualMachine,
    e: &rustpython_vm::builtins::PyBaseExceptionRef,
    source: &str,
) {
    let get = |name: &'static str| -> Option<usize> {
        e.as_object()
            .get_attr(name, vm)
            .ok()
            .and_then(|v| v.try_into_value(vm).ok())
    };
    let msg: Option<String> = e
        .as_object()
        .get_attr("msg", vm)
        .ok()
        .and_then(|m| m.try_into_value(vm).ok());
    let (Some(msg), Some(line)) = (msg, get("lineno")) else {
        return;
    };
    // A block of its header alone (python3 words a nested or commented one otherwise:
    // no caret there), the error on that header: nothing below it.
    let last = source.lines().count();
    let lines = source.lines().filter(|l| !l.trim().is_empty()).count();
    if !msg.starts_with("expected an indented block after ") || line != last || lines != 1 {
        return;
    }
    let o = e.as_object();
    let below = vm.ctx.new_int(line + 1);
    let _ = o.set_attr("lineno", below.clone(), vm);
    let _ = o.set_attr("end_lineno", below, vm);
    let _ = o.set_attr("offset", vm.ctx.new_int(1), vm);
    let _ = o.set_attr("end_offset", vm.ctx.new_int(-1), vm);
    let _ = o.set_attr("text", vm.ctx.new_str("\n"), vm);
}

/// RustPython's words for a block without a body ("expected an indented block after
/// `while` statement") as CPython 3.11 says them ("... after 'while' statement on line 1",
/// naming the header's line).
fn cpython_words(
    vm: &VirtualMachine,
    e: rustpython_vm::builtins::PyBaseExceptionRef,
    source: &str,
) -> rustpython_vm::builtins::PyBaseExceptionRef {
    const AFTER: &str = "expected an indented block after ";
    let msg: Option<String> = e
        .as_object()
        .get_attr("msg", vm)
        .ok()
        .and_then(|m| m.try_into_value(vm).ok());
    if let Some(words) = msg
        .as_deref()
        .and_then(|m| beginners_words(vm, &e, m, source))
    {
        let _ = e
            .as_object()
            .set_attr("msg", vm.ctx.new_str(words.as_str()), vm);
        return e;
    }
    let Some(what) = msg.as_deref().and_then(|m| m.strip_prefix(AFTER)) else {
        return e;
    };
    let what = match what {
        "function definition" | "class definition" => what.to_string(),
        "`class` definition" => "class definition".to_string(),
        other => {
            // `while` statement, `else` clause...: CPython says 'while' statement.
            let Some(keyword) = other.strip_prefix('`').and_then(|o| o.split('`').next()) else {
                return e;
            };
            format!("'{keyword}' statement")
        }
    };
    let lineno: usize = e
        .as_object()
        .get_attr("lineno", vm)
        .ok()
        .and_then(|l| l.try_into_value(vm).ok())
        .unwrap_or(usize::MAX);
    // The header: the last line ending in ':' at or before the one the error is on.
    let header = source
        .lines()
        .enumerate()
        .take(lineno)
        .filter(|(_, l)| guard::strip_comment(l).trim_end().ends_with(':'))
        .map(|(i, _)| i + 1)
        .last();
    let Some(header) = header else {
        return e;
    };
    let words = format!("{AFTER}{what} on line {header}");
    let _ = e
        .as_object()
        .set_attr("msg", vm.ctx.new_str(words.as_str()), vm);
    e
}

/// The syntax errors a beginner meets first, in CPython 3.11's words where RustPython's
/// differ: a string left open ("unterminated string literal (detected at line N)", the
/// caret on its quote), a block header without its colon ("expected ':'"), Python 2's
/// print statement ("Missing parentheses in call to 'print'..."). Sets the caret's span
/// as CPython's; None when `msg` is none of them.
fn beginners_words(
    vm: &VirtualMachine,
    e: &rustpython_vm::builtins::PyBaseExceptionRef,
    msg: &str,
    source: &str,
) -> Option<String> {
    let int = |name: &'static str| -> Option<usize> {
        e.as_object()
            .get_attr(name, vm)
            .ok()
            .and_then(|v| v.try_into_value(vm).ok())
    };
    let set = |name: &'static str, v: usize| {
        let _ = e.as_object().set_attr(name, vm.ctx.new_int(v), vm);
    };
    // Words CPython 3.11 never uses for these.
    match msg {
        "expected a statement" => return Some("invalid syntax".to_string()),
        "unexpected indentation" => return Some("unexpected indent".to_string()),
        _ => {}
    }
    let lineno = int("lineno")?;
    let offset = int("offset")?;
    let line = source.lines().nth(lineno.checked_sub(1)?)?;
    if msg == "unterminated string" {
        // At the quote (after any prefix letters): three of them make a triple-quoted
        // string, which CPython says it found open at the end of the source.
        let rest: String = line.chars().skip(offset.saturating_sub(1)).collect();
        let quotes = rest.trim_start_matches(|c: char| "bBrRuUfF".contains(c));
        let (what, at) = if quotes.starts_with("'''") || quotes.starts_with("\"\"\"") {
            (
                "triple-quoted string literal",
                source.lines().count().max(lineno),
            )
        } else {
            ("string literal", lineno)
        };
        set("end_lineno", lineno);
        set("end_offset", offset);
        return Some(format!("unterminated {what} (detected at line {at})"));
    }
    if !msg.starts_with("invalid syntax") {
        return None;
    }
    let code = guard::strip_comment(line).trim_end();
    let stmt = code.trim_start();
    let parses = |s: &str| rustpython_vm::compiler::parser::parse_module(s).is_ok();
    let keyword = stmt
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    const HEADERS: [&str; 11] = [
        "if", "elif", "else", "while", "for", "def", "class", "with", "try", "except", "finally",
    ];
    // A header that would be whole with its colon (`for x in` would not be).
    if HEADERS.contains(&keyword) && !guard::has_colon(stmt) {
        let (opener, body) = match keyword {
            "elif" | "else" => ("if 1: pass\n", ": pass"),
            "except" | "finally" => ("try: pass\n", ": pass"),
            _ => ("", ": pass"),
        };
        let whole = format!("{opener}{stmt}{body}");
        let whole = if keyword == "try" {
            format!("{whole}\nfinally: pass")
        } else {
            whole
        };
        if parses(&whole) {
            // The caret from what follows the header (its comment, or the line's end) to
            // the line's end, as CPython's.
            // (Trailing spaces are before the line's end, as CPython counts them.)
            let after = line[code.len()..].trim_start();
            let from = line.chars().count() - after.chars().count();
            set("offset", from + 1);
            set("end_lineno", lineno);
            set("end_offset", line.chars().count().max(from) + 1);
            return Some("expected ':'".to_string());
        }
    }
    // Python 2's `print x`: what follows print is an expression.
    if let Some(args) = stmt.strip_prefix("print") {
        let args = args.trim();
        if args != stmt.strip_prefix("print").unwrap_or("")
            && !args.is_empty()
            && !args.starts_with(['(', '=', '.', '['])
            && parses(&format!("print({args})"))
        {
            let start = code.len() - stmt.len() + 1;
            set("offset", start);
            set("end_lineno", lineno);
            set("end_offset", start + stmt.chars().count());
            return Some(
                "Missing parentheses in call to 'print'. Did you mean print(...)?".to_string(),
            );
        }
    }
    None
}

/// CPython compiles one statement in the console's ("single") mode — a compound statement,
/// or one line of simple ones — and a SyntaxError for anything after it; RustPython
/// compiles them all. (A block typed without the empty line that ends it, then the next
/// statement, is an error in python3's console.)
pub(crate) fn refuse_more_than_one(vm: &VirtualMachine, source: &str, name: &str) -> PyResult<()> {
    use rustpython_ruff_text_size::Ranged;
    use rustpython_vm::compiler::ast::helpers::is_compound_statement;
    // What does not parse is left to the compiler's own error.
    let Ok(parsed) = rustpython_vm::compiler::parser::parse_module(source) else {
        return Ok(());
    };
    let body = &parsed.syntax().body;
    let (Some(first), Some(second)) = (body.first(), body.get(1)) else {
        return Ok(());
    };
    let line_col = |offset: usize| {
        let before = &source[..offset.min(source.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    };
    let (message, at) = if is_compound_statement(first) {
        ("invalid syntax", line_col(second.start().to_usize()))
    } else {
        let first_line = line_col(first.start().to_usize()).0;
        if !body[1..]
            .iter()
            .any(|s| line_col(s.start().to_usize()).0 > first_line)
        {
            return Ok(());
        }
        // CPython points just past the end of the first line's statements.
        let last_on_line = body
            .iter()
            .take_while(|s| line_col(s.start().to_usize()).0 == first_line)
            .last()
            .unwrap_or(first);
        (
            "multiple statements found while compiling a single statement",
            line_col(last_on_line.end().to_usize()),
        )
    };
    let (line, column) = at;
    Err(syntax_error(vm, message, name, source, line, column))
}

/// A SyntaxError at a place of the source, as CPython's compiler raises it.
fn syntax_error(
    vm: &VirtualMachine,
    message: &str,
    name: &str,
    source: &str,
    line: usize,
    column: usize,
) -> rustpython_vm::builtins::PyBaseExceptionRef {
    let text = source.lines().nth(line.saturating_sub(1)).unwrap_or("");
    // Its end where it begins, as CPython's: one caret under the place.
    let location = vm.new_tuple((name, line, column, text, line, column));
    vm.ctx
        .exceptions
        .syntax_error
        .to_owned()
        .as_object()
        .call((message, location), vm)
        .and_then(|e| {
            e.downcast()
                .map_err(|_| vm.new_runtime_error("SyntaxError".to_owned()))
        })
        .unwrap_or_else(|e| e)
}

/// CPython's exception for source nested past its limits (guard.rs), before RustPython's
/// parser sees it.
pub(crate) fn refuse_too_deep(vm: &VirtualMachine, source: &str, name: &str) -> PyResult<()> {
    match guard::check(source) {
        Ok(()) => Ok(()),
        Err(guard::TooDeep::ParserStack) => {
            Err(vm.new_exception_empty(vm.ctx.exceptions.memory_error.to_owned()))
        }
        Err(guard::TooDeep::Chain { line }) => Err(vm.new_memory_error(format!(
            "line {line}: more than {} 'and'/'or'/comparisons in a row; RustPython's \
             compiler (in socklab) needs memory growing with the square of that, so socklab \
             refuses it (CPython takes it): split the expression, or use any()/all() of a \
             list",
            guard::MAX_CHAIN
        ))),
        Err(guard::TooDeep::Nesting) => Err(vm
            .new_recursion_error("maximum recursion depth exceeded during compilation".to_owned())),
        Err(guard::TooDeep::Brackets { line, column }) => Err(syntax_error(
            vm,
            "too many nested parentheses",
            name,
            source,
            line,
            column,
        )),
    }
}

/// Whether a program compiles, without an interpreter: the nesting guard, then
/// RustPython's parser and compiler (the fuzz test runs every input through it).
pub fn compiles(source: &str) -> Result<(), String> {
    guard::check(source).map_err(|e| format!("{e:?}"))?;
    rustpython_vm::compiler::compile(source, Mode::Exec, "<fuzz>", Default::default())
        .map(drop)
        .map_err(|e| e.to_string())
}
