//! A subset of Python's socket API (and the few modules socket tutorials use), run on the
//! engine's real sockets: what `socklab run FILE` executes.

pub mod check;
pub mod constants;
pub mod eval;
pub mod lexer;
pub mod net;
pub mod ops;
pub mod parser;
pub mod value;

use eval::PyErr;

use std::io::Write;

use crate::engine::{Client, EngineConfig};

/// How a run ended, as the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every statement ran without an exception (exit 0).
    Clean,
    /// At least one statement raised (exit 1).
    Raised,
    /// The file uses something outside the subset; nothing ran (exit 2).
    Rejected,
}

impl Outcome {
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Clean => 0,
            Outcome::Raised => 1,
            Outcome::Rejected => 2,
        }
    }
}

/// Stack of the thread a script runs on: parsing, checking, evaluating and dropping an
/// expression as deep as the parser allows (MAX_DEPTH) recurses that deep. Only the pages
/// a script touches are ever resident.
const STACK: usize = 256 << 20;

/// Parses and runs a script, writing what the interactive console would print to `out` and
/// rejections to `err`. It runs on a thread of its own with a stack for the deepest
/// expression the parser lets through.
pub fn run_source(
    src: &str,
    file: &str,
    out: &mut (dyn Write + Send),
    err: &mut (dyn Write + Send),
) -> Outcome {
    let started = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("python".into())
            .stack_size(STACK)
            .spawn_scoped(scope, || run_here(src, file, out, &mut *err))
            .map(|h| h.join().unwrap_or(Outcome::Raised))
    });
    started.unwrap_or_else(|e| {
        let _ = writeln!(err, "socklab run: cannot start the interpreter: {e}");
        Outcome::Raised
    })
}

fn run_here(src: &str, file: &str, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    let lines = match parser::parse(src) {
        Ok(l) => l,
        Err(parser::Unsupported {
            pos,
            python: Some((class, msg)),
            ..
        }) => {
            // Python itself refuses the file: as python3 does, nothing runs, and a
            // SyntaxError says where (the others are the compiler's, said bare).
            if class == "SyntaxError" {
                let _ = writeln!(err, "  File \"{file}\", line {}", pos.line);
                let text = src.lines().nth(pos.line.saturating_sub(1)).unwrap_or("");
                let _ = writeln!(err, "    {}", text.trim());
            }
            let line = PyErr::new(class, msg).line();
            let _ = writeln!(err, "{line}");
            return Outcome::Raised;
        }
        Err(u) => {
            let _ = writeln!(
                err,
                "{file}:{}:{}: {} is not supported by socklab run -i (the console's \
                 statements, line by line); `socklab run {file}` without -i runs whole \
                 programs",
                u.pos.line, u.pos.col, u.what
            );
            return Outcome::Rejected;
        }
    };
    let client = Client::start(EngineConfig {
        inspect: false,
        // A script reads what its calls answer; nothing reads the traffic as events.
        deliver_data: false,
        ..EngineConfig::default()
    });
    let mut interp = eval::Interp::new(client, out);
    let raised = interp.run(&lines);
    interp.into_client().shutdown();
    if raised {
        Outcome::Raised
    } else {
        Outcome::Clean
    }
}
