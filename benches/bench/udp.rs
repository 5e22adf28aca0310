//! UDP: datagrams received under a flood, and the generators' send rates.

use super::*;

/// Datagrams per second of the paced flood: well under what either receiver takes
/// here, so neither is saturated.
const PACE: u32 = 300_000;

impl Bench {
    /// Datagrams received per second and loss under a sockperf flood (4.), and the
    /// receiver's CPU per datagram: socklab, sockperf's receiver, and `keep`, sockperf's
    /// loop keeping every datagram as a log would (the least keeping them costs). A
    /// flooded receiver that keeps no idle time spends its whole core whatever a datagram
    /// costs (its CPU per datagram is then 1 / rate), so the CPU is also read at a paced
    /// rate every receiver keeps up with (`udp-paced-*`).
    pub fn udp(&mut self) {
        if !have("sockperf") {
            eprintln!("udp: sockperf missing, skipped");
            return;
        }
        let me = self.me.to_string_lossy().into_owned();
        let secs = if self.quick { 1 } else { 2 };
        for run in 0..self.runs {
            for (size, pace) in [
                (64usize, None),
                (1400, None),
                (64, Some(PACE)),
                (1400, Some(PACE)),
            ] {
                for subject in ["socklab", "sockperf", "keep"] {
                    eprintln!("udp run {run}: {subject} {size} bytes, pace {pace:?}");
                    let port = free_port();
                    // (datagrams/s, loss %, the receiver's CPU µs per datagram received)
                    let result = (|| -> Result<(f64, f64, f64), String> {
                        let mut srv = if subject != "sockperf" {
                            let role = if subject == "keep" {
                                "recv-udp-keep"
                            } else {
                                "recv-udp"
                            };
                            pinned(SERVER_CPU, &me, &[s("role"), s(role), s(port)])
                        } else {
                            pinned(
                                SERVER_CPU,
                                "sockperf",
                                &[s("sr"), s("-i"), s("127.0.0.1"), s("-p"), s(port)],
                            )
                        }
                        .stdin(Stdio::piped())
                        .stdout(Stdio::piped())
                        .stderr(Stdio::null())
                        .spawn()
                        .map_err(|e| e.to_string())?;
                        let mut out = BufReader::new(srv.stdout.take().ok_or("no stdout")?);
                        let mut l = String::new();
                        // Ready: socklab says so; sockperf says where it listens.
                        loop {
                            l.clear();
                            if out.read_line(&mut l).map_err(|e| e.to_string())? == 0 {
                                return Err(format!("{subject} ended early"));
                            }
                            if l.starts_with("ready") || l.contains("# UDP") {
                                break;
                            }
                        }
                        let before = cpu_secs(srv.id());
                        let mut args = vec![
                            s("tp"),
                            s("-i"),
                            s("127.0.0.1"),
                            s("-p"),
                            s(port),
                            s("-m"),
                            s(size),
                            s("-t"),
                            s(secs),
                        ];
                        if let Some(mps) = pace {
                            args.extend([s("--mps"), s(mps)]);
                        }
                        let client = run_client("sockperf", &args)?;
                        let after = cpu_secs(srv.id());
                        let text = String::from_utf8_lossy(&client.stdout).into_owned()
                            + &String::from_utf8_lossy(&client.stderr);
                        let sent = sockperf_sent(&text).ok_or("no sockperf sent count")? as f64;
                        let received: f64 = if subject != "sockperf" {
                            drop(srv.stdin.take());
                            let mut rest = String::new();
                            std::io::Read::read_to_string(&mut out, &mut rest)
                                .map_err(|e| e.to_string())?;
                            let _ = srv.wait();
                            roles::parse_json(rest.as_bytes())?["received"]
                                .as_f64()
                                .ok_or("no count")?
                        } else {
                            if let Some(pid) = rustix::process::Pid::from_raw(srv.id() as i32) {
                                let _ = rustix::process::kill_process(
                                    pid,
                                    rustix::process::Signal::INT,
                                );
                            }
                            let mut rest = String::new();
                            std::io::Read::read_to_string(&mut out, &mut rest)
                                .map_err(|e| e.to_string())?;
                            let _ = srv.wait();
                            rest.lines()
                                .find_map(|l| {
                                    l.split("Total ")
                                        .nth(1)
                                        .and_then(|r| r.split_whitespace().next())
                                        .and_then(|n| n.parse().ok())
                                })
                                .ok_or("no sockperf received count")?
                        };
                        let cpu = match (before, after) {
                            (Some(b), Some(a)) if received > 0.0 => (a - b) * 1e6 / received,
                            _ => f64::NAN,
                        };
                        Ok((
                            received / secs as f64,
                            100.0 * (1.0 - received / sent).max(0.0),
                            cpu,
                        ))
                    })();
                    let bench = match pace {
                        None => format!("udp-recv-{size}"),
                        Some(_) => format!("udp-paced-{size}"),
                    };
                    self.record(
                        &bench,
                        subject,
                        "datagrams/s",
                        "1/s",
                        true,
                        result.clone().map(|r| r.0),
                    );
                    self.record(
                        &bench,
                        subject,
                        "loss",
                        "%",
                        false,
                        result.clone().map(|r| r.1),
                    );
                    self.record(
                        &bench,
                        subject,
                        "cpu",
                        "us/dgram",
                        false,
                        result.map(|r| r.2),
                    );
                }
            }
        }
    }

    /// 5. UDP datagrams generated per second (64 bytes) to a socket nobody reads.
    pub fn gen(&mut self) {
        let me = self.me.to_string_lossy().into_owned();
        let sink = std::net::UdpSocket::bind("127.0.0.1:0").expect("a sink");
        let port = sink.local_addr().map(|a| a.port()).unwrap_or(0);
        let n: u64 = if self.quick { 100_000 } else { 1_000_000 };
        for run in 0..self.runs {
            for subject in ["socklab", "packetsender"] {
                if subject == "packetsender" && !have("packetsender") {
                    continue;
                }
                eprintln!("gen run {run}: {subject}");
                let result = (|| -> Result<f64, String> {
                    if subject == "socklab" {
                        let out = run_client(
                            &me,
                            &[
                                s("role"),
                                s("gen-socklab"),
                                s(port),
                                s(if self.quick { 500 } else { 2000 }),
                                s(64),
                            ],
                        )?;
                        return roles::parse_json(&out.stdout)?["per_sec"]
                            .as_f64()
                            .ok_or_else(|| "no rate".into());
                    }
                    // Packet Sender's intense traffic, no delay; it reports its own rate.
                    let payload = vec!["78"; 64].join(" ");
                    let mut c = pinned(
                        CLIENT_CPU,
                        "packetsender",
                        &[
                            s("-q"),
                            s("-u"),
                            s("--num"),
                            s(n),
                            s("--usdelay"),
                            s(0),
                            s("127.0.0.1"),
                            s(port),
                            payload,
                        ],
                    );
                    let out = c
                        .env("QT_QPA_PLATFORM", "offscreen")
                        .output()
                        .map_err(|e| e.to_string())?;
                    let text = String::from_utf8_lossy(&out.stdout);
                    text.lines()
                        .find_map(|l| {
                            l.strip_prefix("Effective rate = ")
                                .and_then(|r| r.split_whitespace().next())
                                .and_then(|v| v.parse().ok())
                        })
                        .ok_or_else(|| format!("no packetsender rate in {text:?}"))
                })();
                self.record("udp-generate", subject, "datagrams/s", "1/s", true, result);
            }
        }
        drop(sink);
    }
}

/// The datagrams `sockperf tp` says it sent ("Total of N messages sent").
pub fn sockperf_sent(text: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        l.split("Total of ")
            .nth(1)?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    })
}
