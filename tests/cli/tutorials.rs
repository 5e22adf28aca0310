//! The tutorials' programs (../shared/tutorials/) under `socklab run`, against their
//! partners run by python3, both ways: what each side prints must be what it prints when
//! both are python3 (the server's port and the kernel's ephemeral ports aside).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Instant;

use crossbeam_channel::{Receiver, RecvTimeoutError};

use crate::DEADLINE;

/// One server and the client that talks to it.
struct Pair {
    server: &'static str,
    server_args: &'static [&'static str],
    client: &'static str,
    client_args: &'static [&'static str],
    /// Lines the server prints for this client, `listening PORT` included: the test waits
    /// for them before it stops the server (the servers run until stopped).
    server_lines: usize,
}

const PAIRS: &[Pair] = &[
    Pair {
        server: "hello_server.py",
        server_args: &[],
        client: "hello_client.py",
        client_args: &[],
        server_lines: 1,
    },
    Pair {
        server: "upper_tcp_server.py",
        server_args: &[],
        client: "upper_tcp_client.py",
        client_args: &["hello", "world", "你好"],
        server_lines: 1,
    },
    Pair {
        server: "upper_udp_server.py",
        server_args: &[],
        client: "udp_client.py",
        client_args: &["abc", "xyz"],
        server_lines: 3,
    },
    Pair {
        server: "echo_timeout_server.py",
        server_args: &[],
        client: "upper_tcp_client.py",
        client_args: &["hi"],
        server_lines: 1,
    },
    Pair {
        server: "threading_server.py",
        server_args: &[],
        client: "upper_tcp_client.py",
        client_args: &["one", "two", "three"],
        server_lines: 1,
    },
    Pair {
        server: "hmac_server.py",
        server_args: &["secret", "sha256"],
        client: "hmac_client.py",
        client_args: &["secret", "sha256"],
        server_lines: 2,
    },
    Pair {
        server: "hmac_server.py",
        server_args: &["secret", "md5"],
        client: "hmac_client.py",
        client_args: &["wrong", "md5"],
        server_lines: 2,
    },
];

fn tutorials() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tutorials")
}

#[derive(Clone, Copy, PartialEq)]
enum Runner {
    Python,
    Socklab,
}

fn command(runner: Runner, file: &str, port: u16, args: &[&str]) -> Command {
    let mut cmd = match runner {
        Runner::Python => Command::new("python3"),
        Runner::Socklab => {
            let mut c = Command::new(env!("CARGO_BIN_EXE_socklab"));
            c.arg("run");
            c
        }
    };
    cmd.current_dir(tutorials())
        .arg(file)
        .arg(port.to_string())
        .args(args);
    cmd
}

/// A port below the kernel's ephemeral range (so no connect picks it on its own) that
/// nothing holds now, in TCP or UDP, not even in TIME_WAIT.
fn free_port() -> u16 {
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let base = 20000 + (std::process::id() % 800) as u16 * 10;
    for _ in 0..5000 {
        let port = 20000 + (base - 20000 + NEXT.fetch_add(1, Ordering::Relaxed)) % 12000;
        if [socket2::Type::STREAM, socket2::Type::DGRAM]
            .into_iter()
            .all(|ty| unreused_bind(ty, port))
        {
            return port;
        }
    }
    panic!("no free port between 20000 and 32000");
}

/// Binds without SO_REUSEADDR (std's TcpListener sets it), so a TIME_WAIT refuses too.
fn unreused_bind(ty: socket2::Type, port: u16) -> bool {
    let Ok(s) = socket2::Socket::new(socket2::Domain::IPV4, ty, None) else {
        return false;
    };
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    s.bind(&addr.into()).is_ok()
}

/// The lines a child prints, as they come.
fn lines_of(child: &mut Child) -> Receiver<String> {
    let (tx, rx) = crossbeam_channel::unbounded();
    let out = child.stdout.take().expect("piped");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Stops a child on drop, whatever the test's outcome.
struct Stopped(Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs one pair: the server's lines and the client's output and exit status, each with
/// the server's port as PORT and ephemeral ports as EPH.
fn run_pair(pair: &Pair, server: Runner, client: Runner) -> Result<String, String> {
    let port = free_port();
    let mut child = command(server, pair.server, port, pair.server_args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", pair.server))?;
    let lines = lines_of(&mut child);
    let mut server_child = Stopped(child);
    let until = Instant::now() + DEADLINE;
    let mut server_out = Vec::new();
    let next_line = |server_out: &mut Vec<String>, server_child: &mut Stopped| match lines
        .recv_deadline(until)
    {
        Ok(line) => {
            server_out.push(line);
            Ok(())
        }
        Err(e) => {
            let _ = server_child.0.kill();
            let err = server_child
                .0
                .stderr
                .take()
                .map(|mut s| {
                    let mut t = String::new();
                    let _ = std::io::Read::read_to_string(&mut s, &mut t);
                    t
                })
                .unwrap_or_default();
            Err(format!(
                "{}: no line from the server ({e:?}); it printed {server_out:?}, stderr: {err}",
                pair.server
            ))
        }
    };
    next_line(&mut server_out, &mut server_child)?;
    if !server_out[0].starts_with("listening") {
        return Err(format!("{}: first line {:?}", pair.server, server_out[0]));
    }
    let client_child = command(client, pair.client, port, pair.client_args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", pair.client))?;
    let (tx, rx) = crossbeam_channel::bounded(1);
    let pid = client_child.id();
    std::thread::spawn(move || {
        let _ = tx.send(client_child.wait_with_output());
    });
    let client_out = match rx.recv_deadline(until) {
        Ok(out) => out.map_err(|e| e.to_string())?,
        Err(RecvTimeoutError::Timeout) => {
            let _ = Command::new("kill").arg(pid.to_string()).status();
            return Err(format!("{}: the client did not end", pair.client));
        }
        Err(e) => return Err(format!("{e:?}")),
    };
    while server_out.len() < pair.server_lines {
        next_line(&mut server_out, &mut server_child)?;
    }
    drop(server_child);
    let text = format!(
        "client exit {:?}\n{}{}server:\n{}\n",
        client_out.status.code(),
        String::from_utf8_lossy(&client_out.stdout),
        String::from_utf8_lossy(&client_out.stderr),
        server_out.join("\n")
    );
    Ok(normalize(&text, port))
}

fn normalize(text: &str, port: u16) -> String {
    let (lo, hi) = crate::parity::ephemeral_range();
    let re = regex::Regex::new(r"\b\d+\b").unwrap();
    re.replace_all(text, |c: &regex::Captures| {
        let n: u64 = c[0].parse().unwrap_or(0);
        if n == u64::from(port) {
            "PORT".to_string()
        } else if (lo..=hi).contains(&n) {
            "EPH".to_string()
        } else {
            c[0].to_string()
        }
    })
    .into_owned()
}

#[test]
fn the_tutorials_run_unmodified_against_python3_both_ways() {
    if crate::parity::python().is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "under CI the tutorials must run, but python3 is missing"
        );
        println!("NOTICE: python3 is missing; the tutorials test is skipped");
        return;
    }
    assert!(
        tutorials().join("README.md").exists(),
        "../shared/tutorials is beside the project"
    );
    let failures: Vec<String> = std::thread::scope(|s| {
        let runs: Vec<_> = PAIRS
            .iter()
            .map(|pair| {
                s.spawn(move || {
                    let reference = run_pair(pair, Runner::Python, Runner::Python)?;
                    let mut failures = Vec::new();
                    for (server, client) in [
                        (Runner::Socklab, Runner::Python),
                        (Runner::Python, Runner::Socklab),
                    ] {
                        let got = run_pair(pair, server, client)?;
                        if got != reference {
                            let who = if server == Runner::Socklab {
                                format!("socklab run {}", pair.server)
                            } else {
                                format!("socklab run {}", pair.client)
                            };
                            failures.push(format!(
                                "{who}:\n--- python3 both sides:\n{reference}--- with socklab:\n{got}"
                            ));
                        }
                    }
                    Ok::<_, String>(failures)
                })
            })
            .collect();
        runs.into_iter()
            .flat_map(|h| match h.join().expect("no panic") {
                Ok(f) => f,
                Err(e) => vec![e],
            })
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
