//! `socklab run` against CPython: every script in tests/parity/ runs through both, and the
//! output must be identical apart from fd numbers and ephemeral ports.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub(crate) fn python() -> Option<PathBuf> {
    let ok = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    ok.is_ok_and(|s| s.success())
        .then(|| PathBuf::from("python3"))
}

fn parity_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parity")
}

/// The kernel's ephemeral port range, whose numbers differ from run to run.
pub(crate) fn ephemeral_range() -> (u64, u64) {
    let text =
        std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").unwrap_or_default();
    let mut it = text.split_whitespace().filter_map(|x| x.parse().ok());
    (it.next().unwrap_or(32768), it.next().unwrap_or(60999))
}

/// Replaces `fd=N` values and numbers in the ephemeral port range.
fn normalize(out: &str) -> String {
    let (lo, hi) = ephemeral_range();
    let mut res = String::with_capacity(out.len());
    let chars: Vec<char> = out.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_alphanumeric()) {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let num: String = chars[start..i].iter().collect();
            let before: String = chars[start.saturating_sub(3)..start].iter().collect();
            if before == "fd=" {
                res.push('N');
            } else if num.parse::<u64>().is_ok_and(|n| (lo..=hi).contains(&n)) {
                res.push_str("PORT");
            } else {
                res.push_str(&num);
            }
            continue;
        }
        res.push(chars[i]);
        i += 1;
    }
    res
}

fn run(cmd: &mut Command) -> (String, i32) {
    let out = cmd.stdin(Stdio::null()).output().expect("runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn scripts_print_what_cpython_prints() {
    let Some(py) = python() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "under CI the parity test must run, but python3 is missing"
        );
        println!("NOTICE: python3 is missing; the parity test is skipped");
        return;
    };
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(parity_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "py")
                && p.file_name().is_some_and(|n| n != "console.py")
        })
        .collect();
    scripts.sort();
    assert!(scripts.len() >= 6);
    let mut failures = Vec::new();
    for script in &scripts {
        let text = std::fs::read_to_string(script).unwrap();
        let mut outs = Vec::new();
        for runner in ["python", "socklab"] {
            // Each run gets its own directory for Unix socket paths.
            let tmp = tempfile::tempdir().unwrap();
            let file = tmp.path().join(script.file_name().unwrap());
            std::fs::write(
                &file,
                text.replace("@TMP@", &tmp.path().display().to_string()),
            )
            .unwrap();
            let (out, code) = if runner == "python" {
                run(Command::new(&py)
                    .arg(parity_dir().join("console.py"))
                    .arg(&file))
            } else {
                run(Command::new(env!("CARGO_BIN_EXE_socklab"))
                    .args(["run", "-i"])
                    .arg(&file))
            };
            let out = out.replace(&tmp.path().display().to_string(), "@TMP@");
            outs.push((normalize(&out), code));
        }
        let (py_out, _) = &outs[0];
        let (sl_out, code) = &outs[1];
        assert!(
            *code == 0 || *code == 1,
            "{}: socklab exited {code}",
            script.display()
        );
        if py_out != sl_out {
            failures.push(format!(
                "{} differs ({} vs {} lines):\n{}",
                script.display(),
                py_out.lines().count(),
                sl_out.lines().count(),
                line_diff(py_out, sl_out)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The socket scripts once more, through the same console driver (tests/parity/console.py)
/// run as a program by `socklab run`: RustPython's language with socklab's socket class
/// must print what CPython prints. (limits.py and strings.py test `-i`'s own interpreter
/// at the language's edges, where RustPython 0.5 differs: README lists how.)
#[test]
fn socket_scripts_print_the_same_as_programs() {
    let Some(py) = python() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 is missing under CI"
        );
        return;
    };
    // RustPython's traceback module is 3.13's, which adds this hint (README).
    let hint = regex::Regex::new(r"\. Did you forget to import '\w+'\?").unwrap();
    let mut failures = Vec::new();
    for name in [
        "connect_states.py",
        "errors.py",
        "tcp_basics.py",
        "timeouts_and_edges.py",
        "tutorial.py",
        "udp_and_v6.py",
        "unix.py",
    ] {
        let text = std::fs::read_to_string(parity_dir().join(name)).unwrap();
        let mut outs = Vec::new();
        for runner in ["python", "socklab"] {
            let tmp = tempfile::tempdir().unwrap();
            let file = tmp.path().join(name);
            std::fs::write(
                &file,
                text.replace("@TMP@", &tmp.path().display().to_string()),
            )
            .unwrap();
            let mut cmd = if runner == "python" {
                Command::new(&py)
            } else {
                let mut c = Command::new(env!("CARGO_BIN_EXE_socklab"));
                c.arg("run");
                c
            };
            let (out, _) = run(cmd.arg(parity_dir().join("console.py")).arg(&file));
            let out = out.replace(&tmp.path().display().to_string(), "@TMP@");
            let out = hint.replace_all(&out, "").into_owned();
            outs.push(normalize(&out));
        }
        if outs[0] != outs[1] {
            failures.push(format!(
                "{name} differs:\n{}",
                line_diff(&outs[0], &outs[1])
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The first lines where python3's output and socklab's differ, numbered.
fn line_diff(python: &str, socklab: &str) -> String {
    python
        .lines()
        .zip(socklab.lines().chain(std::iter::repeat("<missing>")))
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .take(8)
        .map(|(n, (a, b))| {
            format!(
                "  line {}: python  {a}\n  line {}: socklab {b}",
                n + 1,
                n + 1
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The last line of a traceback (or of whatever went to stderr).
fn last_line(text: &str) -> &str {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
}

/// Whole programs (tests/parity/programs/) as `python3 FILE x y` and `socklab run FILE x y`:
/// the same standard output, exit status and last line of standard error.
#[test]
fn programs_run_as_python3_runs_them() {
    if python().is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 is missing under CI"
        );
        return;
    }
    let dir = parity_dir().join("programs");
    let mut programs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    programs.sort();
    assert!(programs.len() >= 2);
    let mut failures = Vec::new();
    for program in &programs {
        let mut outs = Vec::new();
        for runner in ["python3", env!("CARGO_BIN_EXE_socklab")] {
            let mut cmd = Command::new(runner);
            if runner != "python3" {
                cmd.arg("run");
            }
            let out = cmd
                .arg(program)
                .args(["x", "y"])
                .current_dir(&dir)
                .stdin(Stdio::null())
                .output()
                .expect("runs");
            outs.push((
                normalize(&String::from_utf8_lossy(&out.stdout)),
                out.status.code(),
                last_line(&String::from_utf8_lossy(&out.stderr)).to_string(),
            ));
        }
        if outs[0] != outs[1] {
            failures.push(format!(
                "{}:\n--- python3: {:?}\n--- socklab: {:?}",
                program.display(),
                outs[0],
                outs[1]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn normalize_hides_fds_and_ephemeral_ports_only() {
    let (lo, _) = ephemeral_range();
    let s = format!("<socket fd=12, laddr=('127.0.0.1', {lo})> 8192 80");
    assert_eq!(
        normalize(&s),
        "<socket fd=N, laddr=('127.0.0.1', PORT)> 8192 80"
    );
}
