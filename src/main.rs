//! socklab: the workbench window, `socklab run FILE|-` for Python socket statements, or
//! `socklab serve RESPONDER ADDRESS` for a server without the window.

#![deny(unsafe_code)]

/// The system allocator, noting failures so `socklab run` can tell an allocation failure
/// from other aborts (socklab::sys::exit_on_abort).
#[global_allocator]
static ALLOCATOR: socklab::sys::NoticingAllocator = socklab::sys::NoticingAllocator;
use std::process::ExitCode;

/// A help text (`cli-usage`, `cli-run-usage`) in the language the terminal's locale asks
/// for (assets/i18n/*/cli.ftl).
fn help(id: &str) -> String {
    socklab::i18n::text_in(socklab::i18n::Lang::from_env(), id) + "\n"
}

fn usage() -> String {
    help("cli-usage")
}

fn run_usage() -> String {
    help("cli-run-usage")
}

fn main() -> ExitCode {
    use lexopt::prelude::*;
    let started = std::time::Instant::now();
    let mut args = lexopt::Parser::from_env();
    let first = match args.next() {
        Ok(a) => a,
        Err(e) => return usage_error(&e.to_string()),
    };
    match first {
        None => run_window(started, None),
        Some(Long("workspace")) => {
            let path = match args.value() {
                Ok(p) => std::path::PathBuf::from(p),
                Err(e) => return usage_error(&e.to_string()),
            };
            match args.next() {
                Ok(None) => run_window(started, Some(path)),
                Ok(Some(other)) => usage_error(&other.unexpected().to_string()),
                Err(e) => usage_error(&e.to_string()),
            }
        }
        Some(Value(cmd)) => match cmd.to_str() {
            Some("run") => run(args),
            Some("serve") => {
                let rest: Vec<std::ffi::OsString> =
                    args.raw_args().map_or(Vec::new(), |r| r.collect());
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                let code = socklab::serve::cli::run(rest, &mut out, &mut std::io::stderr());
                ExitCode::from(code as u8)
            }
            Some("window") => run_window(started, None),
            Some("help") => {
                print!("{}", usage());
                ExitCode::SUCCESS
            }
            _ => usage_error(&format!("unknown command {cmd:?}")),
        },
        Some(Long("help") | Short('h')) => {
            print!("{}", usage());
            ExitCode::SUCCESS
        }
        Some(Long("version") | Short('V')) => {
            println!("socklab {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some(other) => usage_error(&other.unexpected().to_string()),
    }
}

fn usage_error(why: &str) -> ExitCode {
    eprintln!("socklab: {why}\n\n{}", usage());
    ExitCode::from(2)
}

/// `socklab run [-i] FILE|- [ARGS...]`: the file's name need not be UTF-8 (its text must
/// be); everything after it is the program's own (sys.argv), dashes and all.
fn run(mut args: lexopt::Parser) -> ExitCode {
    use lexopt::prelude::*;
    let mut interactive = false;
    let file = loop {
        match args.next() {
            Ok(None) => break None,
            Ok(Some(Long("help") | Short('h'))) => {
                print!("{}", run_usage());
                return ExitCode::SUCCESS;
            }
            Ok(Some(Short('i'))) => interactive = true,
            Ok(Some(Value(v))) => break Some(v),
            Ok(Some(other)) => {
                eprintln!("socklab run: {}\n{}", other.unexpected(), run_usage());
                return ExitCode::from(2);
            }
            Err(e) => {
                eprintln!("socklab run: {e}\n{}", run_usage());
                return ExitCode::from(2);
            }
        }
    };
    let Some(path) = file else {
        eprintln!("socklab run: which file? (use - for standard input)");
        return ExitCode::from(2);
    };
    let rest: Vec<String> = args.raw_args().map_or(Vec::new(), |r| {
        r.map(|a| a.to_string_lossy().into_owned()).collect()
    });
    let (src, name) = match socklab::pyrt::read_source(std::path::Path::new(&path)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("socklab run: {e}");
            return ExitCode::from(2);
        }
    };
    if interactive {
        return ExitCode::from(socklab::pyrt::run_interactive(&src));
    }
    // sys.argv[0] is the path as typed, as in python3.
    let argv0 = if name == "<stdin>" {
        "-".to_string()
    } else {
        path.to_string_lossy().into_owned()
    };
    let argv = std::iter::once(argv0).chain(rest).collect();
    let code = socklab::pyrt::run_program(socklab::pyrt::Program {
        source: src,
        name,
        argv,
    });
    ExitCode::from(code)
}

fn run_window(started: std::time::Instant, workspace: Option<std::path::PathBuf>) -> ExitCode {
    let timing = std::env::var_os("SOCKLAB_TIMING").is_some();
    let mut viewport = egui::ViewportBuilder::default()
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size(socklab::ui::app::WINDOW_LEAST)
        .with_title("socklab")
        .with_app_id(socklab::ui::app::DESKTOP_ID);
    if let Some(icon) = socklab::ui::app::icon() {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    let result = eframe::run_native(
        socklab::ui::app::APP_ID,
        options,
        Box::new(move |cc| {
            let mut app = socklab::ui::SocklabApp::with_startup(
                cc,
                Box::new(socklab::ui::dialogs::NativeDialogs),
                socklab::ui::app::Startup {
                    workspace,
                    ..Default::default()
                },
            );
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
