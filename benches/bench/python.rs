//! The Python layer: `socklab run` against python3 on the same programs, in one run —
//! start-up on an empty file and on the tutorials' client (against a server of its own),
//! a loop of a million simple statements, and ten thousand socket calls in a row.
//! Wall-clock seconds per program, both pinned to the client CPU (the calls also unpinned:
//! socklab's answer to a call comes from another thread), subjects alternated.

use super::*;

impl Bench {
    pub fn python(&mut self) {
        if !have("python3") {
            eprintln!("python: python3 is missing; skipped");
            return;
        }
        let dir = std::env::temp_dir().join(format!("socklab-bench-py-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let empty = dir.join("empty.py");
        let loop_py = dir.join("loop.py");
        let calls_py = dir.join("calls.py");
        let n = if self.quick { 100_000 } else { 1_000_000 };
        let calls = if self.quick { 1_000 } else { 10_000 };
        // One socket call after another: in socklab each goes to the socket's worker and
        // its answer comes back, where CPython makes the system call itself.
        let _ = std::fs::write(
            &calls_py,
            format!(
                "import socket\ns = socket.socket()\nfor i in range({calls}):\n    \
                 s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)\ns.close()\n"
            ),
        );
        let _ = std::fs::write(&empty, "");
        let _ = std::fs::write(
            &loop_py,
            format!("x = 0\nfor i in range({n}):\n    x = x + i\nprint(x)\n"),
        );
        let tutorials = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tutorials");
        let client = tutorials.join("upper_tcp_client.py");
        // The client's server: python3's upper-case server from the same tutorials.
        let port = free_port();
        let server = start_server(
            "python3",
            &[
                tutorials.join("upper_tcp_server.py").display().to_string(),
                s(port),
            ],
            port,
            Some("listening"),
        );
        let socklab = self.socklab.display().to_string();
        for run in 0..self.runs {
            for subject in ["socklab", "python3"] {
                eprintln!("python run {run}: {subject}");
                let cases: Vec<(&str, Vec<String>)> = vec![
                    ("start (empty file)", vec![empty.display().to_string()]),
                    (
                        "start (tutorial client)",
                        vec![client.display().to_string(), s(port), s("hello")],
                    ),
                    ("1M statements", vec![loop_py.display().to_string()]),
                    ("10k socket calls", vec![calls_py.display().to_string()]),
                    (
                        "10k socket calls (unpinned)",
                        vec![calls_py.display().to_string()],
                    ),
                ];
                for (metric, args) in cases {
                    if metric.contains("client") && server.is_err() {
                        continue;
                    }
                    let mut full = Vec::new();
                    let program = if subject == "socklab" {
                        full.push(s("run"));
                        socklab.as_str()
                    } else {
                        "python3"
                    };
                    full.extend(args);
                    let started = Instant::now();
                    let mut command = if metric.contains("unpinned") {
                        let mut c = Command::new(program);
                        c.args(&full);
                        c
                    } else {
                        pinned(CLIENT_CPU, program, &full)
                    };
                    let ok = command
                        .stdin(Stdio::null())
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .map_err(|e| e.to_string())
                        .and_then(|st| {
                            st.success()
                                .then_some(())
                                .ok_or_else(|| format!("{program} exited {st}"))
                        });
                    let secs = started.elapsed().as_secs_f64();
                    self.record("python", subject, metric, "s", false, ok.map(|_| secs));
                }
            }
        }
        drop(server);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A port below the ephemeral range that nothing holds now.
fn free_port() -> u16 {
    (20000..32000)
        .map(|p| p + (std::process::id() % 1000) as u16)
        .find(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).is_ok())
        .unwrap_or(29999)
}
