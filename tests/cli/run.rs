//! The `socklab run` command line: `-i` (the console's statements: exit codes, blocks,
//! errors, stdin), and whole programs as python3 runs them.

use std::io::Write;
use std::process::{Command, Stdio};

fn socklab(args: &[&str], stdin: &str) -> (String, String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn script(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.py");
    std::fs::write(&p, text).unwrap();
    (dir, p.display().to_string())
}

#[test]
fn exit_codes_follow_the_outcome() {
    let (_d, ok) = script("import socket\nsocket.SOCK_DGRAM\n");
    assert_eq!(
        socklab(&["run", "-i", &ok], ""),
        ("<SocketKind.SOCK_DGRAM: 2>\n".into(), String::new(), 0)
    );
    let (_d, raised) = script("x\n1 + 1\n");
    let (out, _, code) = socklab(&["run", "-i", &raised], "");
    assert_eq!(
        out, "NameError: name 'x' is not defined\n2\n",
        "goes on after an exception"
    );
    assert_eq!(code, 1);
}

#[test]
fn the_console_takes_blocks_and_goes_on_after_a_syntax_error() {
    // As CPython's console: a block ends at an empty line (or the file's end), a line back
    // at the margin straight after a block is that statement's SyntaxError, and a syntax
    // error is one statement's error: the next ones run.
    let (_d, path) = script(
        "for i in range(2):\n    print(i)\n\nx = (\n  1 +\n  2)\nx\nx +\nif x:\n    y = 1\ny\n\ndef f(a, *b, k=1):\n    return a, b, k\n\nf(1, 2, k=3)\n",
    );
    let (out, err, code) = socklab(&["run", "-i", &path], "");
    // A syntax error as python3's console prints it: where, and the caret.
    assert_eq!(
        out,
        "0\n1\n3\n  File \"<console>\", line 1\n    x +\n       ^\nSyntaxError: invalid syntax\n  \
         File \"<console>\", line 3\n    y\n    ^\nSyntaxError: invalid syntax\n(1, (2,), 3)\n",
        "{err}"
    );
    assert_eq!(code, 1);
    // exit() ends the console with its status; nothing after it runs.
    let (_d, path) = script("print('a')\nimport sys\nsys.exit(3)\nprint('b')\n");
    assert_eq!(
        socklab(&["run", "-i", &path], ""),
        ("a\n".into(), String::new(), 3)
    );
    let (_d, path) = script("exit('bye')\nprint('b')\n");
    assert_eq!(
        socklab(&["run", "-i", &path], ""),
        ("".into(), "bye\n".into(), 1)
    );
}

#[test]
fn reads_standard_input() {
    let (out, _, code) = socklab(&["run", "-i", "-"], "b'ab' * 2\n");
    assert_eq!((out.as_str(), code), ("b'abab'\n", 0));
    let (_, err, code) = socklab(&["run", "/no/such/file.py"], "");
    assert_eq!(code, 2);
    assert!(err.contains("/no/such/file.py"));
}

#[test]
fn a_program_runs_as_python3_runs_it() {
    // Only what it prints; sys.argv; SystemExit's status.
    let (_d, p) = script("import sys\nprint(sys.argv[1:], flush=True)\nsys.exit(4)\n");
    let (out, err, code) = socklab(&["run", &p, "a", "-b", "--c"], "");
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("['a', '-b', '--c']\n", "", 4)
    );
    // An uncaught exception: Python's traceback on stderr, exit 1.
    let (_d, p) = script("def f():\n    return {}['k']\nprint('before')\nf()\n");
    let (out, err, code) = socklab(&["run", &p], "");
    assert_eq!((out.as_str(), code), ("before\n", 1));
    assert!(
        err.starts_with("Traceback (most recent call last):\n"),
        "{err}"
    );
    assert!(err.contains(", line 4, in <module>"), "{err}");
    assert!(err.ends_with("KeyError: 'k'\n"), "{err}");
    // A syntax error: nothing runs.
    let (_d, p) = script("print('no')\nwhile True\n    pass\n");
    let (out, err, code) = socklab(&["run", &p], "");
    assert_eq!((out.as_str(), code), ("", 1));
    assert!(err.contains("SyntaxError"), "{err}");
    // From standard input.
    let (out, _, code) = socklab(&["run", "-"], "import sys\nprint(sys.argv)\n");
    assert_eq!((out.as_str(), code), ("['-']\n", 0));
}

#[test]
fn a_programs_sockets_are_the_engines() {
    // Each socket made by the program has its engine worker (a thread named after it), as
    // in the window: socket(), create_connection(), a socketpair's two, fromfd's; the
    // engine's reactor holds the accepted connection until a call needs a thread.
    let (_d, p) = script(
        "import socket, os\n\
         def workers():\n    names = []\n    for t in os.listdir('/proc/self/task'):\n        \
         with open(f'/proc/self/task/{t}/comm') as f:\n            names.append(f.read().strip())\n    \
         return sorted(n for n in names if n.startswith('sock-'))\n\
         srv = socket.socket()\nsrv.bind(('127.0.0.1', 0))\nsrv.listen()\n\
         cli = socket.create_connection(srv.getsockname())\nconn, _ = srv.accept()\n\
         a, b = socket.socketpair()\nc = socket.fromfd(a.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)\n\
         print(workers())\n\
         for x in (srv, cli, conn, a, b, c):\n    x.close()\n",
    );
    let (out, err, code) = socklab(&["run", &p], "");
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        (
            "['sock-reactor', 'sock-s1', 'sock-s2', 'sock-s3', 'sock-s4', 'sock-s5']\n",
            "",
            0
        )
    );
}

#[test]
fn memory_no_machine_has_ends_the_program_as_a_memory_error() {
    // 2**50 bytes is past any process's address space, overcommit or not. RustPython
    // aborts on a failed allocation; socklab run ends the way an uncaught MemoryError
    // ends a python3 program instead of crashing.
    let (_d, p) = script("print('before', flush=True)\nx = bytes(2**50)\nprint('after')\n");
    let out = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(["run", &p])
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "before\n");
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("\nMemoryError: socklab run:"), "{err}");
}

#[test]
fn nesting_past_cpythons_limits_raises_instead_of_crashing() {
    // RustPython's parser would overflow the stack on these (a crash): socklab refuses
    // them first, with CPython's exceptions, and nothing runs.
    for (src, last) in [
        (
            format!(
                "print('ran')\nx = {}1{}\n",
                "(".repeat(201),
                ")".repeat(201)
            ),
            "SyntaxError: too many nested parentheses",
        ),
        (
            format!("print('ran')\nx = {}1\n", "-".repeat(100_000)),
            "MemoryError",
        ),
        (
            format!("print('ran')\nx = {}1\n", "-".repeat(4_000)),
            "RecursionError: maximum recursion depth exceeded during compilation",
        ),
        (
            format!("print('ran')\nx = [{}]\n", "[".repeat(50_000)),
            "SyntaxError: too many nested parentheses",
        ),
    ] {
        let (_d, p) = script(&src);
        let (out, err, code) = socklab(&["run", &p], "");
        assert_eq!((out.as_str(), code), ("", 1), "{err}");
        assert_eq!(err.lines().last(), Some(last), "{err}");
    }
    // A thread recurses to RecursionError, not past the end of its stack, even with the
    // limit raised as far as a program likes (socklab takes at most what its stacks hold).
    let (_d, p) = script(
        "import sys, threading\nsys.setrecursionlimit(10**6)\n\
         def f(n):\n    return f(n + 1)\ndef g():\n    try:\n        f(0)\n    \
         except RecursionError as e:\n        print('caught', e)\n\
         t = threading.Thread(target=g)\nt.start()\nt.join()\n",
    );
    let (out, err, code) = socklab(&["run", &p], "");
    // (RustPython's message ends with a space where CPython's does not: README.)
    assert_eq!(
        (out.trim_end(), code),
        ("caught maximum recursion depth exceeded", 0),
        "{err}"
    );
}

#[test]
fn release_builds_keep_rustpythons_class_checks_consistent() {
    // RustPython's class macros add a flag under debug assertions and rustpython-vm checks
    // it under its own: a release build where the crates that define Python classes differ
    // from rustpython-vm cannot start any program (the tests build debug, where all agree).
    let toml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    for package in ["rustpython-vm", "rustpython-stdlib", "socklab"] {
        let header = format!("[profile.release.package.{package}]\ndebug-assertions = true");
        assert!(toml.contains(&header), "Cargo.toml lacks:\n{header}");
    }
}

/// The child's output once it ends; killed and failed if it has not within the deadline.
fn ended(child: std::process::Child, what: &str) -> std::process::Output {
    let pid = child.id();
    let (tx, rx) = crossbeam_channel::bounded(1);
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(crate::DEADLINE) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("{what}: the program did not end");
        }
    }
}

/// Waits (up to the deadline) until the program's interpreter thread has been seen
/// asleep (state S) in five reads 10 ms apart: the statement that blocks has begun.
fn asleep_in_its_wait(pid: u32, what: &str) {
    let until = std::time::Instant::now() + crate::DEADLINE;
    let mut seen = 0;
    while seen < 5 {
        assert!(
            std::time::Instant::now() < until,
            "{what}: never seen waiting"
        );
        let state = std::fs::read_dir(format!("/proc/{pid}/task"))
            .into_iter()
            .flatten()
            .flatten()
            .find(|t| {
                std::fs::read_to_string(t.path().join("comm"))
                    .is_ok_and(|c| c.trim_end() == "python-main")
            })
            .and_then(|t| std::fs::read_to_string(t.path().join("stat")).ok())
            .and_then(|st| {
                st.rsplit(')')
                    .next()
                    .map(|r| r.trim_start().starts_with('S'))
            });
        seen = if state == Some(true) { seen + 1 } else { 0 };
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// An error raised inside one of socklab's wrappers of a standard call (time.sleep waits in
/// slices) is told from the program's call, as python3 tells it: the wrapper's frame is
/// not in the traceback.
#[test]
fn a_traceback_names_the_programs_frames_not_socklabs_wrappers() {
    let (_d, p) = script("import time\n\ndef nap(x):\n    time.sleep(x)\n\nnap('x')\n");
    let out = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(["run", &p])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let files: Vec<&str> = err
        .lines()
        .filter(|l| l.trim_start().starts_with("File "))
        .collect();
    assert_eq!(
        files,
        [
            format!("  File \"{p}\", line 6, in <module>"),
            format!("  File \"{p}\", line 4, in nap"),
        ],
        "{err}"
    );
    assert!(
        err.lines()
            .last()
            .unwrap()
            .starts_with("TypeError: 'str' object"),
        "{err}"
    );
}

#[test]
fn ctrl_c_is_keyboard_interrupt_unless_the_program_was_started_ignoring_it() {
    use std::io::BufRead;
    // Blocked in accept, sleep, select, poll, epoll, a selector, an Event's wait or a join,
    // SIGINT ends the program
    // with KeyboardInterrupt, as python3 does (killed by SIGINT after the traceback).
    for (what, blocks) in [
        ("accept", "s.accept()"),
        ("sleep", "time.sleep(60)"),
        ("select", "select.select([s], [], [])"),
        (
            "poll",
            "p = select.poll()\np.register(s, select.POLLIN)\np.poll()",
        ),
        (
            "epoll",
            "e = select.epoll()\ne.register(s, select.EPOLLIN)\ne.poll()",
        ),
        (
            "selectors",
            "import selectors\nk = selectors.DefaultSelector()\n\
             k.register(s, selectors.EVENT_READ)\nk.select()",
        ),
        ("event", "threading.Event().wait()"),
        (
            "join",
            "t = threading.Thread(target=s.accept, daemon=True)\nt.start()\nt.join()",
        ),
    ] {
        let (_d, p) = script(&format!(
            "import socket, time, select, threading\ns = socket.socket()\n\
             s.bind(('127.0.0.1', 0))\ns.listen()\nprint('ready', flush=True)\n{blocks}\n"
        ));
        let mut child = Command::new(env!("CARGO_BIN_EXE_socklab"))
            .args(["run", &p])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line, "ready\n", "{what}");
        // Interrupted where it waits, as a person's Ctrl+C finds it: once its interpreter's
        // thread has slept in the wait a while (not in the lines before it).
        asleep_in_its_wait(child.id(), what);
        let kill = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let out = ended(child, what);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            err.lines().last(),
            Some("KeyboardInterrupt"),
            "{what}: {err}"
        );
        // Its traceback ends at the program's (or the standard library's) waiting call,
        // as python3's does: socklab's own waiting code is not the learner's.
        assert!(!err.contains("socklab prelude"), "{what}: {err}");
        assert!(err.contains(&format!("{p}\", line ")), "{what}: {err}");
        assert!(!out.status.success(), "{what}");
    }
    // An uncaught KeyboardInterrupt: the traceback, the program's other threads run to
    // their end, then the process dies of SIGINT (as python3).
    let (_d, p) = script(
        "import threading, time\ndef w():\n    time.sleep(0.2)\n    print('worker done', flush=True)\n\
         threading.Thread(target=w).start()\nraise KeyboardInterrupt\n",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(["run", &p])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "worker done\n",
        "{err}"
    );
    assert_eq!(err.lines().last(), Some("KeyboardInterrupt"), "{err}");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), Some(libc::SIGINT));
    // Started with SIGINT ignored (`cmd &` in a script), it stays ignored, as python3
    // leaves it: the kernel's mask says so.
    let (_d, p) = script(
        "for line in open('/proc/self/status'):\n    if line.startswith('SigIgn:'):\n        \
         print('SIGINT ignored' if int(line.split()[1], 16) & 2 else 'SIGINT caught')\n",
    );
    for (trap, want) in [
        ("", "SIGINT caught\n"),
        ("trap '' INT; ", "SIGINT ignored\n"),
    ] {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("{trap}exec \"$0\" run \"$1\""))
            .arg(env!("CARGO_BIN_EXE_socklab"))
            .arg(&p)
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), want, "{trap}");
    }
}

#[test]
fn a_defect_of_the_interpreter_ends_the_program_plainly() {
    // RustPython 0.5 loses track of its stack when a frame raises after a `with` swallowed
    // an exception: one line says so (no backtrace, no undefined behaviour), exit 1.
    let (_d, p) = script(
        "class S:\n    def __enter__(self): return self\n    def __exit__(self, *e): return True\n\
         with S():\n    raise KeyError(1)\nprint('swallowed')\nraise ValueError(2)\n",
    );
    let (out, err, code) = socklab(&["run", &p], "");
    assert_eq!((out.as_str(), code), ("swallowed\n", 1));
    assert!(
        err.starts_with("socklab run: the Python interpreter stopped"),
        "{err}"
    );
    assert!(err.contains("RustPython 0.5"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn the_command_line_takes_what_people_type() {
    use std::os::unix::ffi::OsStrExt;
    let bin = env!("CARGO_BIN_EXE_socklab");
    let out = Command::new(bin).arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("socklab "));
    // The help in the terminal's language: English by default, Chinese for a zh locale.
    let help = |args: &[&str], lang: &str| {
        let out = Command::new(bin)
            .args(args)
            .env("LANG", lang)
            .env_remove("LANGUAGE")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    for args in [&["--help"][..], &["run", "--help"], &["serve", "--help"]] {
        assert!(help(args, "C.UTF-8").contains("usage"), "{args:?}");
    }
    let en = help(&["--help"], "C.UTF-8");
    assert!(
        en.starts_with("socklab — a socket workbench\n\nusage:\n  socklab "),
        "{en}"
    );
    assert!(
        en.contains("\n                       sockets on socklab's engine"),
        "{en}"
    );
    let zh = help(&["--help"], "zh_CN.UTF-8");
    assert!(zh.starts_with("socklab — 套接字工作台\n\n用法：\n"), "{zh}");
    // Whole (a continuation line a message file took for an attribute cut it short).
    assert!(
        zh.ends_with("socklab --version    显示 socklab 的版本\n"),
        "{zh}"
    );
    assert!(
        en.ends_with("socklab --version    socklab's version\n"),
        "{en}"
    );
    assert!(help(&["run", "--help"], "zh_CN.UTF-8").starts_with("用法：socklab run [-i]"));
    let serve = help(&["serve", "--help"], "zh_CN.UTF-8");
    assert!(
        serve.starts_with("用法：socklab serve RESPONDER"),
        "{serve}"
    );
    // Whole, its example's braces kept (a message file's placeable would eat them).
    assert!(serve.ends_with("=>got {1}\\n'\n"), "{serve}");
    let serve = help(&["serve", "--help"], "C.UTF-8");
    assert!(
        serve.starts_with("usage: socklab serve RESPONDER"),
        "{serve}"
    );
    assert!(serve.ends_with("=>got {1}\\n'\n"), "{serve}");
    // An argument that is not UTF-8 is refused or used, never a panic (exit 101).
    let odd = std::ffi::OsStr::from_bytes(b"\xff\xfe.py");
    for args in [
        vec!["run".as_ref(), odd],
        vec!["serve".as_ref(), odd, odd],
        vec![odd],
    ] {
        let out = Command::new(bin).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    // --workspace FILE: its file is required, nothing may follow it; given one, the
    // window is what it needs next (none here: no display).
    for (args, said) in [
        (&["--workspace"][..], "missing argument"),
        (&["--workspace", "a.toml", "b"], "unexpected argument"),
    ] {
        let out = Command::new(bin).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(said),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for args in [&["--workspace", "a.toml"][..], &["--workspace=a.toml"]] {
        let out = Command::new(bin)
            .args(args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open the window"));
    }
    // --key=value as well as --key value.
    let a = socklab::serve::cli::parse(&[
        "hmac".into(),
        "9000".into(),
        "--key=secret".into(),
        "--digest".into(),
        "md5".into(),
    ])
    .unwrap();
    assert_eq!(
        (a.options.key.as_str(), a.options.digest.as_str()),
        ("secret", "md5")
    );
}

/// The collector runs only while one thread runs Python (RustPython 0.5's walks other
/// threads' running frames; src/pyrt/gc_guard.rs), and keeps what the program asked of it.
#[test]
fn the_collector_runs_while_the_program_has_one_thread_and_does_what_it_is_told() {
    let (_dir, path) = script(
        "import gc, threading, weakref\n\
         def collects():\n\
         \x20   b = gc.get_stats()[0]['collections']\n\
         \x20   junk = [[i] for i in range(20000)]\n\
         \x20   return gc.get_stats()[0]['collections'] > b\n\
         class C: pass\n\
         def cycle():\n\
         \x20   c = C(); c.me = c\n\
         \x20   return weakref.ref(c)\n\
         print('alone', collects())\n\
         go = threading.Event(); stop = threading.Event()\n\
         t = threading.Thread(target=lambda: (go.set(), stop.wait())); t.start(); go.wait()\n\
         w = cycle()\n\
         print('two threads', collects(), gc.isenabled(), gc.collect(), w() is None)\n\
         stop.set(); t.join()\n\
         print('one again', gc.collect() > 0, w() is None)\n\
         gc.disable(); t = threading.Thread(target=print); t.start(); t.join()\n\
         print('disabled', gc.isenabled(), collects())\n\
         gc.enable()\n\
         print('enabled', gc.isenabled(), collects())\n\
         import _thread\n\
         done = threading.Lock(); done.acquire()\n\
         _thread.start_new_thread(lambda: (gc.collect(), done.release()), ())\n\
         done.acquire()\n\
         # Not counted once its function has returned (a moment after the release).\n\
         print('raw thread', any(collects() for _ in range(500)))\n",
    );
    let (out, err, code) = socklab(&["run", &path], "");
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        (
            "alone True\ntwo threads False True 0 False\none again True True\n\n\
             disabled False False\nenabled True True\nraw thread True\n",
            "",
            0
        )
    );
}

/// A daemon thread still running Python at the end: the program ends as python3's does
/// (its exit status, atexit's functions, its output flushed), without RustPython's last
/// collections, which would walk that thread's running frames (src/pyrt/mod.rs `end`).
#[test]
fn a_program_ends_as_python3s_with_a_daemon_thread_still_running() {
    let (_dir, path) = script(
        "import atexit, sys, threading\n\
         atexit.register(print, 'atexit ran')\n\
         go = threading.Event()\n\
         def spin():\n\
         \x20   go.set()\n\
         \x20   while True:\n\
         \x20       junk = [[i] for i in range(100)]\n\
         threading.Thread(target=spin, daemon=True).start()\n\
         go.wait()\n\
         print('main ends', end='')\n\
         sys.exit(3)\n",
    );
    let expected = ("main endsatexit ran\n".to_string(), String::new(), 3);
    let out = Command::new("python3").arg(&path).output().unwrap();
    let said = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    );
    assert_eq!(said, expected, "python3");
    assert_eq!(socklab(&["run", &path], ""), expected);
    let (_dir, path) = script(
        "import threading\n\
         threading.Thread(target=threading.Event().wait, daemon=True).start()\n\
         1 / 0\n",
    );
    let (out, err, code) = socklab(&["run", &path], "");
    assert_eq!((out.as_str(), code), ("", 1));
    assert!(
        err.ends_with("ZeroDivisionError: division by zero\n"),
        "{err}"
    );
}

/// A traceback's carets as python3 (3.11) draws them: under a failing call all '^' (3.13,
/// which RustPython follows, marks the callee with '~'), under a subscript or a binary
/// operation the anchors 3.11 has too; in the main thread and in a thread's.
#[test]
fn a_tracebacks_carets_are_python3s() {
    let (_dir, path) = script(
        "import threading\n\
         def f(a):\n\
         \x20   return a[0] + 1\n\
         def g(b):\n\
         \x20   return 1 + b / 0\n\
         t = threading.Thread(target=lambda: [g(2)])\n\
         t.start(); t.join()\n\
         x = [f(None)]\n",
    );
    let out = Command::new("python3").arg(&path).output().unwrap();
    let python3 = String::from_utf8_lossy(&out.stderr).into_owned();
    let carets = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.trim_start().starts_with(['^', '~']))
            .map(str::to_string)
            .collect()
    };
    assert!(carets(&python3).len() >= 3, "{python3}");
    let (_, err, code) = socklab(&["run", &path], "");
    assert_eq!(code, 1);
    assert_eq!(carets(&err), carets(&python3), "{err}\n{python3}");
}

/// An exception nobody could catch — raised in `__del__`, or by a thread `_thread` started
/// — is said as python3 says it, "Traceback (most recent call last):" and all. (The program
/// waits for the thread to have gone, its words said, before it ends.)
#[test]
fn an_exception_nobody_could_catch_is_said_as_python3_says_it() {
    let (_dir, path) = script(
        "import _thread, threading\n\
         class D:\n\
         \x20   def __del__(self):\n\
         \x20       raise ValueError('in del')\n\
         d = D(); del d\n\
         done = threading.Lock(); done.acquire()\n\
         def raw(x):\n\
         \x20   try:\n\
         \x20       return 1 / x\n\
         \x20   finally:\n\
         \x20       done.release()\n\
         _thread.start_new_thread(raw, (0,))\n\
         done.acquire()\n\
         import time\n\
         for _ in range(2000):\n\
         \x20   if not _thread._count():\n\
         \x20       break\n\
         \x20   time.sleep(0.01)\n",
    );
    let out = Command::new("python3").arg(&path).output().unwrap();
    // The functions' addresses differ from run to run.
    let plain = |text: &str| -> String {
        text.lines()
            .map(|l| match l.find(" at 0x") {
                Some(at) => format!("{}>", &l[..at]),
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let python3 = plain(&String::from_utf8_lossy(&out.stderr));
    assert!(
        python3.contains("Traceback (most recent call last):"),
        "{python3}"
    );
    let (_, err, code) = socklab(&["run", &path], "");
    assert_eq!(code, 0);
    assert_eq!(plain(&err), python3);
}
