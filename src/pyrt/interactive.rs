//! `socklab run -i FILE`: the file's lines typed into the interactive console one by one,
//! as CPython's `code.InteractiveConsole` takes them — the statements of the window's
//! console, from a file. Each expression statement's value is shown as its repr; an error
//! shows the last line of its traceback and the next statement runs. Everything goes to
//! stdout in order, except what a statement itself writes to sys.stderr.

use std::io::Write;

use super::session::{Output, Session};

/// Runs the file's statements; the exit status: 0, 1 when any statement raised, or the
/// status SystemExit asked for (the statements after it do not run).
pub fn run_interactive(source: &str) -> u8 {
    std::panic::set_hook(Box::new(super::report_interpreter_failure));
    crate::sys::exit_on_abort(super::OUT_OF_MEMORY);
    let session = match Session::start("python-main") {
        Ok(s) => s,
        Err(e) => {
            eprintln!("socklab run: cannot start the interpreter's thread: {e}");
            return 1;
        }
    };
    let mut raised = false;
    let mut block: Vec<&str> = Vec::new();
    // The console's last push is an empty line: it ends a block left open.
    for line in source.lines().chain(std::iter::once("")) {
        block.push(line);
        let text = block.join("\n");
        if text.trim().is_empty() || !session.is_complete(&text) {
            if text.trim().is_empty() {
                block.clear();
            }
            continue;
        }
        block.clear();
        match run_statement(&session, &text) {
            Ended::Ran { raised: r } => raised |= r,
            Ended::Exit { code } => return u8::try_from(code).unwrap_or(u8::MAX),
            Ended::Lost => return 1,
        }
    }
    u8::from(raised)
}

enum Ended {
    Ran {
        raised: bool,
    },
    Exit {
        code: u32,
    },
    /// The interpreter's thread is gone (it said why on stderr).
    Lost,
}

/// Runs one statement, printing its output as it comes.
fn run_statement(session: &Session, text: &str) -> Ended {
    let (_, rx) = session.run(text);
    let mut stdout = std::io::stdout();
    let mut stderr = std::io::stderr();
    // The last traceback line arrives as stderr text: held until it is known whether
    // the statement raised (then it belongs on stdout, in order with the values).
    let mut held: Option<String> = None;
    let mut exit = None;
    for output in rx {
        match output {
            Output::Text { err: false, text } => {
                if let Some(h) = held.take() {
                    let _ = stderr.write_all(h.as_bytes());
                }
                let _ = stdout.write_all(text.as_bytes());
            }
            Output::Text { err: true, text } => {
                if let Some(h) = held.replace(text) {
                    let _ = stderr.write_all(h.as_bytes());
                }
            }
            Output::Exit { code } => {
                // What exit('message') wrote is its message, not a traceback line.
                if let Some(h) = held.take() {
                    let _ = stderr.write_all(h.as_bytes());
                }
                exit = Some(code);
            }
            // Only files send these; this console runs statements.
            Output::Source { .. } | Output::AtLine { .. } | Output::Kept { .. } => {}
            // The window's word, not Python's output: python3 prints none.
            Output::Explained { .. } | Output::Hinted { .. } | Output::Answered { .. } => {}
            Output::Done { raised } => {
                if let Some(h) = held.take() {
                    if raised {
                        let _ = stdout.write_all(h.as_bytes());
                    } else {
                        let _ = stderr.write_all(h.as_bytes());
                    }
                }
                let _ = stdout.flush();
                return match exit {
                    Some(code) => Ended::Exit { code },
                    None => Ended::Ran { raised },
                };
            }
        }
        let _ = stdout.flush();
    }
    Ended::Lost
}
