//! socklab: the workbench window, `socklab run FILE|-` for Python socket statements, or
//! `socklab serve RESPONDER ADDRESS` for a server without the window.

#![deny(unsafe_code)]

use std::io::Read;
use std::process::ExitCode;

const USAGE: &str = "\
socklab — a socket workbench

usage:
  socklab run FILE     run Python socket statements from FILE on real sockets,
                       printing what Python's interactive interpreter prints
  socklab run -        the same, reading the statements from standard input
  socklab serve RESPONDER [HOST:]PORT [--udp] [--quiet] [--key K] [--digest D] [--reply T] [--rule R]
                       run a responder (echo, upper, greet, discard, chargen, daytime,
                       fixed, hmac, hmac-client, rules) until interrupted, logging a line
                       per connection and per message
  socklab              open the workbench window
  socklab --help       this text
";

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => {
            let Some(path) = args.get(1) else {
                eprintln!("socklab run: which file? (use - for standard input)");
                return ExitCode::from(2);
            };
            let (src, name) = match read_source(path) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("socklab run: {e}");
                    return ExitCode::from(2);
                }
            };
            let mut out = std::io::stdout();
            let mut err = std::io::stderr();
            let outcome = socklab::python::run_source(&src, &name, &mut out, &mut err);
            ExitCode::from(outcome.exit_code() as u8)
        }
        Some("serve") => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let code = socklab::serve::cli::run(&args[1..], &mut out, &mut std::io::stderr());
            ExitCode::from(code as u8)
        }
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        None | Some("window") => run_window(started),
        Some(other) => {
            eprintln!("socklab: unknown command '{other}'\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Largest program `socklab run` reads: far beyond any script, and no `/dev/zero` or
/// runaway pipe reads until memory fails.
const MAX_SOURCE: u64 = 64 << 20;

/// The program's text and the name tracebacks give it, read no further than MAX_SOURCE.
fn read_source(path: &str) -> Result<(String, String), String> {
    let (reader, name): (Box<dyn Read>, String) = if path == "-" {
        (Box::new(std::io::stdin()), "<stdin>".to_string())
    } else {
        let f = std::fs::File::open(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        (Box::new(f), path.to_string())
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

fn run_window(started: std::time::Instant) -> ExitCode {
    let timing = std::env::var_os("SOCKLAB_TIMING").is_some();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_title("socklab"),
        ..Default::default()
    };
    let result = eframe::run_native(
        socklab::ui::app::APP_ID,
        options,
        Box::new(move |cc| {
            let mut app = socklab::ui::SocklabApp::new(cc);
            if timing {
                app.report_startup(started);
            }
            Ok(Box::new(app))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("socklab: cannot open the window: {e}. Is a display available (DISPLAY or WAYLAND_DISPLAY)? `socklab run FILE` works without one.");
            ExitCode::from(1)
        }
    }
}
