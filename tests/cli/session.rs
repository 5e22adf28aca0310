//! The Python session the window's console stands on: one statement at a time, names kept
//! between statements, output as the console prints it, and interruption from another
//! thread — in a blocked socket call and in a busy loop.

use std::time::Instant;

use socklab::pyrt::session::{Output, Session, Step};

use crate::DEADLINE;

/// Runs a statement to its end: (what it printed, stdout and stderr in order; raised).
fn run(s: &Session, source: &str) -> (String, bool) {
    let (_, rx) = s.run(source);
    collect(&rx)
}

fn collect(rx: &crossbeam_channel::Receiver<Output>) -> (String, bool) {
    let until = Instant::now() + DEADLINE;
    let mut text = String::new();
    loop {
        match rx.recv_deadline(until) {
            Ok(Output::Text { text: t, .. }) => text.push_str(&t),
            Ok(Output::Done { raised }) => return (text, raised),
            Ok(Output::Exit { code }) => text.push_str(&format!("<exit {code}>")),
            Ok(Output::Answered { error }) => {
                text.push_str(&format!("<answered {:?}>", error.errno_name()))
            }
            Ok(
                Output::Source { .. }
                | Output::AtLine { .. }
                | Output::Explained { .. }
                | Output::Hinted { .. }
                | Output::Kept { .. },
            ) => {}
            Err(e) => panic!("the statement did not end ({e:?}); it printed {text:?}"),
        }
    }
}

#[test]
fn statements_keep_their_names_and_print_as_the_console() {
    let s = Session::start("test-session").unwrap();
    assert_eq!(run(&s, "x = 5"), (String::new(), false));
    assert_eq!(run(&s, "x * 2"), ("10\n".into(), false));
    assert_eq!(run(&s, "None"), (String::new(), false));
    assert_eq!(run(&s, "print('a', x)"), ("a 5\n".into(), false));
    // A block, as the console takes it once complete.
    assert!(!s.is_complete("def f(a):"));
    assert!(!s.is_complete("def f(a):\n    return a + 1"));
    assert!(s.is_complete("def f(a):\n    return a + 1\n"));
    // A blank line ends a header with no body: python3's IndentationError, and on.
    assert!(!s.is_complete("while True:"));
    assert!(s.is_complete("while True:\n"));
    // Where python3's console puts it: on the blank line, a caret at its start.
    assert_eq!(
        run(&s, "while True:\n"),
        (
            "  File \"<console>\", line 2\n    \n    ^\n\
             IndentationError: expected an indented block after 'while' statement on line 1\n"
                .into(),
            true
        )
    );
    assert!(
        s.is_complete("x +"),
        "a syntax error is whole: running it reports it"
    );
    assert_eq!(
        run(&s, "def f(a):\n    return a + 1\n"),
        (String::new(), false)
    );
    assert_eq!(run(&s, "f(x)"), ("6\n".into(), false));
    // An error: its last traceback line, and the session goes on.
    assert_eq!(
        run(&s, "1 / 0"),
        ("ZeroDivisionError: division by zero\n".into(), true)
    );
    let (text, raised) = run(&s, "x +");
    assert!(
        raised && text.ends_with("\n    x +\n       ^\nSyntaxError: invalid syntax\n"),
        "{text}"
    );
    assert_eq!(run(&s, "x"), ("5\n".into(), false));
    // Codecs and sockets are socklab's here too.
    assert_eq!(
        run(&s, "'中'.encode('gbk')"),
        ("b'\\xd6\\xd0'\n".into(), false)
    );
    let (text, raised) = run(&s, "b'\\x81'.decode('gbk')");
    assert!(raised, "{text}");
    assert_eq!(
        text,
        "UnicodeDecodeError: 'gbk' codec can't decode byte 0x81 in position 0: incomplete multibyte sequence\n"
    );
}

#[test]
fn another_thread_interrupts_a_blocked_accept_and_a_busy_loop() {
    let s = Session::start("test-interrupt").unwrap();
    let setup = "import socket\nsrv = socket.socket()\nsrv.bind(('127.0.0.1', 0))\nsrv.listen()";
    for line in setup.lines() {
        assert_eq!(run(&s, line), (String::new(), false), "{line}");
    }
    // accept() blocks (nobody connects); the interrupt ends it as Ctrl+C would.
    let (id, rx) = s.run("srv.accept()");
    s.interrupt(id);
    assert_eq!(collect(&rx), ("KeyboardInterrupt\n".into(), true));
    // The session and its socket go on, and the interrupted accept took nothing: the
    // next connection is accepted by the next accept, and an interrupted recv leaves the
    // data that comes after it for the next recv.
    assert_eq!(
        run(&s, "srv.getsockname()[0]"),
        ("'127.0.0.1'\n".into(), false)
    );
    for line in [
        "c = socket.create_connection(srv.getsockname())",
        "conn, addr = srv.accept()",
    ] {
        assert_eq!(run(&s, line), (String::new(), false), "{line}");
    }
    let (id, rx) = s.run("conn.recv(100)");
    s.interrupt(id);
    assert_eq!(collect(&rx), ("KeyboardInterrupt\n".into(), true));
    assert_eq!(run(&s, "c.sendall(b'kept')"), (String::new(), false));
    assert_eq!(run(&s, "conn.recv(100)"), ("b'kept'\n".into(), false));
    assert_eq!(run(&s, "c.close(); conn.close()"), (String::new(), false));
    let (id, rx) = s.run("while True:\n    pass\n");
    s.interrupt(id);
    assert_eq!(collect(&rx), ("KeyboardInterrupt\n".into(), true));
    // An interrupt for a statement that has ended touches nothing after it.
    s.interrupt(id);
    assert_eq!(run(&s, "1 + 1"), ("2\n".into(), false));
    assert_eq!(run(&s, "srv.close()"), (String::new(), false));
}

#[test]
fn a_session_on_the_windows_engine_names_its_sockets_and_uses_the_ones_made_there() {
    use socklab::engine::{Create, Engine, EngineConfig, Event, Family, Kind};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let (engine, events) = Engine::start(EngineConfig::default(), || {});
    let woken = Arc::new(AtomicUsize::new(0));
    let counter = woken.clone();
    let s = Session::start_with(socklab::pyrt::session::Config {
        name: "test-window-session".into(),
        engine: Some(engine.clone()),
        wake: Some(Arc::new(move || {
            counter.fetch_add(1, Ordering::Relaxed);
        })),
        after: None,
        calls: Default::default(),
    })
    .unwrap();
    let until = Instant::now() + DEADLINE;
    let next_event = |what: &str, pred: &dyn Fn(&Event) -> bool| loop {
        match events.recv_deadline(until) {
            Ok(ev) if pred(&ev) => return ev,
            Ok(_) => {}
            Err(e) => panic!("{what}: {e:?}"),
        }
    };
    for line in [
        "import socket",
        "srv = socket.socket()",
        "srv.bind(('127.0.0.1', 0))",
        "srv.listen()",
    ] {
        assert_eq!(run(&s, line), (String::new(), false), "{line}");
    }
    // The window sees the console's socket under the name the console gave it.
    let Event::Renamed { id: srv, .. } = next_event(
        "srv named",
        &|e| matches!(e, Event::Renamed { name, .. } if name == "srv"),
    ) else {
        unreachable!()
    };
    // A socket made in the window, used from the console by its name.
    let req = engine.next_req();
    engine.create(
        req,
        Create::New {
            family: Family::Inet,
            kind: Kind::Stream,
            proto: 0,
        },
    );
    let Event::Created { info, .. } = next_event(
        "created",
        &|e| matches!(e, Event::Created { req: Some(r), .. } if *r == req),
    ) else {
        unreachable!()
    };
    assert!(s.share("made", info.id));
    assert!(
        s.share("srv", info.id),
        "queued; the name is taken, so nothing is bound"
    );
    for line in [
        "made.connect(srv.getsockname())",
        "conn, addr = srv.accept()",
        "made.sendall(b'hi')",
    ] {
        assert_eq!(run(&s, line), (String::new(), false), "{line}");
    }
    assert_eq!(run(&s, "conn.recv(10)"), ("b'hi'\n".into(), false));
    next_event(
        "conn named",
        &|e| matches!(e, Event::Renamed { name, .. } if name == "conn"),
    );
    // The name given up, the window's socket stays open (and keeps its name there).
    assert_eq!(run(&s, "made = None"), (String::new(), false));
    assert_eq!(run(&s, "conn.sendall(b'back')"), (String::new(), false));
    let rx_req = engine.next_req();
    engine.send(
        info.id,
        rx_req,
        socklab::engine::Op::Recv {
            bufsize: 10,
            flags: 0,
        },
    );
    let done = next_event(
        "the window's recv",
        &|e| matches!(e, Event::Done { req, .. } if *req == rx_req),
    );
    assert!(
        matches!(done, Event::Done { reply: socklab::engine::Reply::Bytes(ref b), .. } if b == b"back"),
        "{done:?}"
    );
    assert_ne!(srv, info.id);
    assert!(woken.load(Ordering::Relaxed) > 0, "output woke the window");
}

#[test]
fn an_interrupt_ends_the_statement_running_and_those_queued_behind_it() {
    let s = Session::start("test-queued").unwrap();
    let (_, running) = s.run("while True:\n    pass\n");
    let (_, queued) = s.run("print('never')");
    let (last, also) = s.run("print('nor this')");
    s.interrupt(last);
    for rx in [&running, &queued, &also] {
        assert_eq!(collect(rx), ("KeyboardInterrupt\n".into(), true));
    }
    // A statement that catches the first KeyboardInterrupt gets another, as with a second
    // Ctrl+C.
    assert_eq!(run(&s, "import time"), (String::new(), false));
    let (id, rx) = s.run(
        "try:\n    print('in', flush=True)\n    while True: pass\nexcept KeyboardInterrupt:\n    print('caught', flush=True)\n    time.sleep(60)\n",
    );
    let until = Instant::now() + DEADLINE;
    let mut printed = String::new();
    let mut wait_for = |what: &str| {
        while !printed.contains(what) {
            match rx.recv_deadline(until) {
                Ok(Output::Text { text, .. }) => printed.push_str(&text),
                Ok(other) => panic!("{other:?} before {what:?} in {printed:?}"),
                Err(e) => panic!("no {what:?} in {printed:?}: {e:?}"),
            }
        }
    };
    // Interrupted once it runs (an interrupt before it began would end it there).
    wait_for("in\n");
    s.interrupt(id);
    // The second once the handler has printed all it prints and sleeps. (RustPython 0.5
    // can fail with a panic of its own, "CopyItem: stack underflow", when the exception
    // comes while the handler's print is still returning: a clean-clone CI run saw it.)
    wait_for("caught\n");
    s.interrupt(id);
    assert_eq!(collect(&rx), ("KeyboardInterrupt\n".into(), true));
    assert_eq!(run(&s, "1 + 1"), ("2\n".into(), false));
}

/// A file with a loop, a function and its arguments, for stepping through.
const STEPPED: &str = "import sys
total = 0
def double(n):
    return n * 2
for i in range(2):
    total += double(i)
print(sys.argv[1:], total)
";

/// The lines python3 stops at in `path` with a tracer as the console's (the file's frames
/// only), and what the file prints, with `args` as sys.argv[1:].
fn python3_lines(path: &std::path::Path, args: &[&str]) -> (Vec<u32>, String) {
    let tracer = "import sys
f = sys.argv[1]
lines = []
def t(frame, event, arg):
    if frame.f_code.co_filename != f:
        return None
    if event == 'line':
        lines.append(frame.f_lineno)
    return t
code = compile(open(f).read(), f, 'exec')
sys.argv = sys.argv[1:]
sys.settrace(t)
exec(code, {'__name__': '__main__'})
sys.settrace(None)
print(lines, file=sys.stderr)
";
    let out = std::process::Command::new(crate::parity::python().expect("python3, the reference"))
        .arg("-c")
        .arg(tracer)
        .arg(path)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = String::from_utf8_lossy(&out.stderr)
        .trim()
        .trim_matches(['[', ']'])
        .split(", ")
        .map(|n| n.parse().unwrap())
        .collect();
    (lines, String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Steps through a file run by the session: each line it stops at, stepping `steps` times
/// then continuing (all of them when None); what it printed; whether it raised.
fn step_through(
    s: &Session,
    path: &std::path::Path,
    args: &[&str],
    steps: Option<usize>,
) -> (Vec<u32>, String, bool) {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let (_, rx) = s.run_file(path, &args, true);
    let until = Instant::now() + DEADLINE;
    let (mut lines, mut text, mut source) = (Vec::new(), String::new(), None);
    loop {
        match rx.recv_deadline(until) {
            Ok(Output::Source { path, text }) => source = Some((path, text)),
            Ok(Output::AtLine { line }) => {
                lines.push(line);
                let go_on = steps.is_none_or(|n| lines.len() <= n);
                s.step(if go_on { Step::Line } else { Step::Continue });
            }
            Ok(Output::Text { text: t, .. }) => text.push_str(&t),
            Ok(
                Output::Explained { .. }
                | Output::Hinted { .. }
                | Output::Kept { .. }
                | Output::Answered { .. },
            ) => {}
            Ok(Output::Exit { code }) => text.push_str(&format!("<exit {code}>")),
            Ok(Output::Done { raised }) => {
                let (shown, read) = source.expect("the file's text came first");
                assert_eq!(std::path::Path::new(&shown), path);
                assert_eq!(read, std::fs::read_to_string(path).unwrap());
                return (lines, text, raised);
            }
            Err(e) => panic!("the file did not end ({e:?}); it printed {text:?}"),
        }
    }
}

#[test]
fn stepping_through_a_file_stops_at_the_lines_python3_does_and_keeps_its_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stepped.py");
    std::fs::write(&path, STEPPED).unwrap();
    let (expected, printed) = python3_lines(&path, &["a", "b"]);
    assert!(expected.len() > 8, "{expected:?}");
    let s = Session::start("test-step").unwrap();
    let (lines, text, raised) = step_through(&s, &path, &["a", "b"], None);
    assert_eq!(
        (lines, text.as_str(), raised),
        (expected.clone(), printed.as_str(), false)
    );
    // Its names stay, as after python3 -i FILE.
    assert_eq!(
        run(&s, "total, __file__ == sys.argv[0]"),
        ("(2, True)\n".into(), false)
    );
    // Continue after three stops: the rest runs without stopping.
    let (lines, text, raised) = step_through(&s, &path, &["c"], Some(2));
    assert_eq!(lines, expected[..3]);
    assert_eq!((text.as_str(), raised), ("['c'] 2\n", false));
    // Run without stepping: no stops at all; then a statement runs untraced.
    let (_, rx) = s.run_file(&path, &[], false);
    let mut stops = 0;
    let until = Instant::now() + DEADLINE;
    loop {
        match rx.recv_deadline(until).unwrap() {
            Output::AtLine { .. } => stops += 1,
            Output::Done { raised } => break assert!(!raised),
            _ => {}
        }
    }
    assert_eq!(stops, 0);
    assert_eq!(run(&s, "sys.gettrace()"), (String::new(), false));
}

#[test]
fn a_file_waiting_at_a_line_is_interrupted_and_a_missing_one_is_said_as_python3_says_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stepped.py");
    std::fs::write(&path, STEPPED).unwrap();
    let s = Session::start("test-step-interrupt").unwrap();
    let (id, rx) = s.run_file(&path, &[], true);
    let until = Instant::now() + DEADLINE;
    let mut text = String::new();
    let mut interrupted = false;
    let raised = loop {
        match rx.recv_deadline(until).unwrap() {
            Output::AtLine { .. } if !interrupted => {
                // Waiting at its first line, it takes Ctrl+C there.
                s.interrupt(id);
                interrupted = true;
            }
            Output::Text { text: t, .. } => text.push_str(&t),
            Output::Done { raised } => break raised,
            other => assert!(!matches!(other, Output::AtLine { .. }), "{other:?}"),
        }
    };
    assert!(raised && interrupted, "{text}");
    assert!(
        text.starts_with("Traceback (most recent call last):"),
        "{text}"
    );
    assert!(text.ends_with("KeyboardInterrupt\n"), "{text}");
    // Interrupted before its first line ran: not even `import sys`.
    assert_eq!(
        run(&s, "import sys; sys.gettrace()"),
        (String::new(), false),
        "tracing ended"
    );
    // A file that is not there: python3's words, and the session goes on.
    let gone = dir.path().join("gone.py");
    let (_, rx) = s.run_file(&gone, &[], false);
    let (text, raised) = collect(&rx);
    assert!(raised);
    assert_eq!(
        text,
        format!(
            "can't open file '{}': [Errno 2] No such file or directory\n",
            gone.display()
        )
    );
    assert_eq!(run(&s, "1 + 1"), ("2\n".into(), false));
}

/// A file's uncaught socket error: its whole traceback as python3 prints it, then the
/// window's word on it (apart, for the console to show), then the end.
#[test]
fn a_files_uncaught_socket_error_is_explained_after_its_traceback() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("refused.py");
    std::fs::write(
        &path,
        "import socket\ns = socket.socket()\ns.connect(('127.0.0.1', 1))\n",
    )
    .unwrap();
    let s = Session::start("test-session").unwrap();
    let (_, rx) = s.run_file(&path, &[], false);
    let until = Instant::now() + DEADLINE;
    let mut seen = Vec::new();
    loop {
        match rx.recv_deadline(until) {
            Ok(Output::Text { text, .. }) => seen.push(format!("text {text}")),
            Ok(Output::Explained { error }) => seen.push(format!("explained {error:?}")),
            Ok(Output::Done { raised }) => {
                assert!(raised);
                break;
            }
            Ok(_) => {}
            Err(e) => panic!("the file did not end ({e:?}): {seen:?}"),
        }
    }
    let last = seen.len() - 1;
    assert!(
        seen[last].starts_with("explained ") && seen[last].contains("127.0.0.1:1"),
        "{seen:?}"
    );
    assert!(
        seen[..last]
            .concat()
            .contains("ConnectionRefusedError: [Errno 111] Connection refused"),
        "{seen:?}"
    );
}

/// A typed connect_ex's number is said in words after it (111 is ECONNREFUSED...), once
/// per statement that made one such call: a loop scanning ports is not told per port, and
/// a file's are its program's business.
#[test]
fn a_typed_connect_exs_failure_number_is_said_in_words() {
    let gone = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = gone.local_addr().unwrap().port();
    drop(gone);
    let s = Session::start("test-session").unwrap();
    assert_eq!(run(&s, "import socket"), (String::new(), false));
    assert_eq!(run(&s, "z = socket.socket()"), (String::new(), false));
    assert_eq!(
        run(&s, &format!("z.connect_ex(('127.0.0.1', {port}))")),
        ("111\n<answered Some(\"ECONNREFUSED\")>".into(), false)
    );
    let scan = format!("[socket.socket().connect_ex(('127.0.0.1', {port})) for _ in range(2)]");
    assert_eq!(run(&s, &scan), ("[111, 111]\n".into(), false));
    // Nothing to say of a connect_ex that worked.
    let srv = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let open = srv.local_addr().unwrap().port();
    assert_eq!(
        run(
            &s,
            &format!("socket.socket().connect_ex(('127.0.0.1', {open}))")
        ),
        ("0\n".into(), false)
    );
    // The word is the window's, in its language.
    let (_, rx) = s.run(&format!("z.connect_ex(('127.0.0.1', {port}))"));
    let until = Instant::now() + DEADLINE;
    let word = loop {
        match rx.recv_deadline(until) {
            Ok(Output::Answered { error }) => {
                break socklab::pyrt::explained::answered_word(&error)
            }
            Ok(Output::Done { .. }) => panic!("no word on the number"),
            Ok(_) => {}
            Err(e) => panic!("the statement did not end ({e:?})"),
        }
    };
    assert!(
        word.starts_with("→ socklab: 111 is ECONNREFUSED.")
            && word.contains(&format!("127.0.0.1:{port}")),
        "{word}"
    );
}

/// What the collector did in the session: whether allocations enough to start several
/// collections started one (RustPython's count of generation-0 collections, the process's).
const COLLECTS: &str = "b = gc.get_stats()[0]['collections']; junk = [[i] for i in range(20000)]; \
                        gc.get_stats()[0]['collections'] > b";

/// RustPython 0.5's collector walks other threads' running frames without stopping them
/// (src/pyrt/gc_guard.rs): it runs only while one thread at most runs Python. Run alone in
/// a process of its own by the test after it, as the collector and its counts are the
/// process's and other tests' sessions would count.
#[test]
#[ignore = "run in a process of its own by the_collector_waits_while_two_threads_run_python"]
fn collector_in_a_process_of_its_own() {
    let a = Session::start("test-gc-a").unwrap();
    let b = Session::start("test-gc-b").unwrap();
    for s in [&a, &b] {
        let setup = "import gc, socket, threading";
        assert_eq!(run(s, setup), (String::new(), false));
    }
    // A session waiting for its next statement runs no Python: the other collects.
    assert_eq!(run(&b, COLLECTS), ("True\n".into(), false));
    // A statement blocked in a socket call is Python running: none while it waits.
    assert_eq!(
        run(&a, "x, y = socket.socketpair()"),
        (String::new(), false)
    );
    let (id, blocked) = a.run("print('waiting'); x.recv(1)");
    // Running once it has printed (a statement only queued runs nothing yet).
    match blocked.recv_deadline(Instant::now() + DEADLINE) {
        Ok(Output::Text { text, .. }) => assert_eq!(text, "waiting"),
        other => panic!("{other:?}"),
    }
    assert_eq!(run(&b, COLLECTS), ("False\n".into(), false));
    assert_eq!(run(&b, "gc.isenabled()"), ("True\n".into(), false));
    a.interrupt(id);
    assert_eq!(collect(&blocked), ("\nKeyboardInterrupt\n".into(), true));
    assert_eq!(run(&b, COLLECTS), ("True\n".into(), false));
    // A thread a statement started runs on after it: none until it ends.
    let start = "ev = threading.Event(); t = threading.Thread(target=ev.wait); t.start()";
    assert_eq!(run(&a, start), (String::new(), false));
    assert_eq!(run(&b, COLLECTS), ("False\n".into(), false));
    assert_eq!(run(&a, "ev.set(); t.join()"), (String::new(), false));
    assert_eq!(run(&b, COLLECTS), ("True\n".into(), false));
    assert_eq!(run(&a, "x.close(); y.close()"), (String::new(), false));
}

#[test]
fn the_collector_waits_while_two_threads_run_python() {
    crate::common::run_alone("session::collector_in_a_process_of_its_own");
}
