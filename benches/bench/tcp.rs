//! TCP: bulk receive, echo round trips, connections accepted per second.

use super::*;

impl Bench {
    /// An echo server of the given kind on `port`.
    fn echo_server(&self, subject: &str, port: u16) -> Result<Proc, String> {
        match subject {
            "socklab" => start_server(
                self.socklab.to_str().unwrap_or("socklab"),
                &[
                    s("serve"),
                    s("echo"),
                    format!("127.0.0.1:{port}"),
                    s("--quiet"),
                ],
                port,
                Some("serving"),
            ),
            "python-threading" => start_server(
                "python3",
                &[s("-c"), s(PY_ECHO), s(port)],
                port,
                Some("ready"),
            ),
            "socat" => start_server(
                "socat",
                &[
                    format!("TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork,backlog=1024"),
                    s("PIPE"),
                ],
                port,
                None,
            ),
            "sockperf" => start_server(
                "sockperf",
                &[
                    s("sr"),
                    s("--tcp"),
                    s("-i"),
                    s("127.0.0.1"),
                    s("-p"),
                    s(port),
                ],
                port,
                None,
            ),
            other => Err(format!("no echo server {other}")),
        }
    }

    /// 1. TCP bulk receive into each receiver from the same sender.
    pub fn tcp(&mut self) {
        // 8 GiB: what a receiver spends once (its start, socklab's traffic log filling its
        // 64 MiB cap, 16,000 page faults) is then a small part of its CPU per GB; over 2 GiB
        // it was 8 % of socklab's (BENCHMARKS.md).
        let bytes: u64 = if self.quick { 256 << 20 } else { 8 << 30 };
        let me = self.me.to_string_lossy().into_owned();
        let subjects = ["socklab", "socat", "nc", "iperf3"];
        for run in 0..self.runs {
            for subject in subjects {
                if !available(subject) {
                    continue;
                }
                eprintln!("tcp run {run}: {subject}");
                let port = free_port();
                // The receiver's CPU seconds per GB beside its throughput (issue 21).
                let result = (|| -> Result<(f64, f64), String> {
                    if subject == "iperf3" {
                        let srv = start_server(
                            "iperf3",
                            &[s("-s"), s("-1"), s("-B"), s("127.0.0.1"), s("-p"), s(port)],
                            port,
                            None,
                        )?;
                        let before = cpu_secs(srv.0.id());
                        let out = run_client(
                            "iperf3",
                            &[
                                s("-c"),
                                s("127.0.0.1"),
                                s("-p"),
                                s(port),
                                s("-n"),
                                s(bytes),
                                s("-J"),
                            ],
                        )?;
                        let v: serde_json::Value =
                            serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
                        let bps = v["end"]["sum_received"]["bits_per_second"]
                            .as_f64()
                            .ok_or("no iperf3 result")?;
                        let cpu = per_gb(before, cpu_secs(srv.0.id()), bytes);
                        return Ok((bps / 8e9, cpu));
                    }
                    let srv = match subject {
                        "socklab" => start_server(
                            &me,
                            &[s("role"), s("recv-socklab"), s(port), s(bytes)],
                            port,
                            Some("ready"),
                        )?,
                        "socat" => start_server(
                            "socat",
                            &[
                                s("-u"),
                                format!("TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr"),
                                s("OPEN:/dev/null"),
                            ],
                            port,
                            None,
                        )?,
                        _ => start_server(
                            "nc",
                            &[s("-d"), s("-l"), s("127.0.0.1"), s(port)],
                            port,
                            None,
                        )?,
                    };
                    let before = cpu_secs(srv.0.id());
                    let out = run_client(&me, &[s("role"), s("send"), s(port), s(bytes)])?;
                    let after = cpu_secs(srv.0.id());
                    let v = roles::parse_json(&out.stdout)?;
                    let gbps = v["gbps"].as_f64().ok_or("no gbps")?;
                    Ok((gbps, per_gb(before, after, bytes)))
                })();
                self.record(
                    "tcp-receive",
                    subject,
                    "throughput",
                    "GB/s",
                    true,
                    result.clone().map(|r| r.0),
                );
                self.record(
                    "tcp-receive",
                    subject,
                    "cpu",
                    "s/GB",
                    false,
                    result.map(|r| r.1),
                );
            }
        }
    }

    /// 2. Sequential 32-byte round trips.
    pub fn echo(&mut self) {
        let n: usize = if self.quick { 2000 } else { 10_000 };
        let me = self.me.to_string_lossy().into_owned();
        for run in 0..self.runs {
            for subject in ["socklab", "python-threading", "socat", "sockperf"] {
                if !available(subject) {
                    continue;
                }
                eprintln!("echo run {run}: {subject}");
                let port = free_port();
                let result = (|| -> Result<(f64, f64, f64), String> {
                    let _srv = self.echo_server(subject, port)?;
                    if subject == "sockperf" {
                        // sockperf's own client: round-trip times (--full-rtt), 32 bytes.
                        let out = run_client(
                            "sockperf",
                            &[
                                s("pp"),
                                s("--tcp"),
                                s("-i"),
                                s("127.0.0.1"),
                                s("-p"),
                                s(port),
                                s("-m"),
                                s(32),
                                s("-t"),
                                s(2),
                                s("--full-rtt"),
                            ],
                        )?;
                        let text = String::from_utf8_lossy(&out.stdout).into_owned()
                            + &String::from_utf8_lossy(&out.stderr);
                        let pct = |p: &str| -> Option<f64> {
                            text.lines()
                                .find(|l| l.contains(&format!("percentile {p}")))
                                .and_then(|l| l.rsplit('=').next())
                                .and_then(|v| v.trim().parse().ok())
                        };
                        return Ok((
                            pct("50.000").ok_or("no sockperf p50")?,
                            pct("99.000").ok_or("no sockperf p99")?,
                            pct("99.900").ok_or("no sockperf p99.9")?,
                        ));
                    }
                    let out =
                        run_client(&me, &[s("role"), s("echo-client"), s(port), s(n), s(32)])?;
                    let v = roles::parse_json(&out.stdout)?;
                    Ok((
                        v["median_us"].as_f64().ok_or("no median")?,
                        v["p99_us"].as_f64().ok_or("no p99")?,
                        v["p999_us"].as_f64().ok_or("no p99.9")?,
                    ))
                })();
                self.record(
                    "echo-rtt",
                    subject,
                    "median",
                    "us",
                    false,
                    result.clone().map(|r| r.0),
                );
                self.record(
                    "echo-rtt",
                    subject,
                    "p99",
                    "us",
                    false,
                    result.clone().map(|r| r.1),
                );
                self.record(
                    "echo-rtt",
                    subject,
                    "p99.9",
                    "us",
                    false,
                    result.map(|r| r.2),
                );
            }
        }
    }

    /// 3. A thousand connections, one after the other and all at once.
    pub fn conn(&mut self) {
        let n: usize = if self.quick { 200 } else { 1000 };
        let me = self.me.to_string_lossy().into_owned();
        for run in 0..self.runs {
            for subject in ["socklab", "python-threading", "socat"] {
                if !available(subject) {
                    continue;
                }
                eprintln!("conn run {run}: {subject}");
                for (mode, metric, unit, higher) in [
                    ("conn-seq", "sequential", "conn/s", true),
                    ("conn-conc", "concurrent", "s", false),
                ] {
                    let port = free_port();
                    let mut failures = 0u64;
                    let result = (|| -> Result<f64, String> {
                        let _srv = self.echo_server(subject, port)?;
                        let out = run_client(&me, &[s("role"), s(mode), s(port), s(n)])?;
                        let v = roles::parse_json(&out.stdout)?;
                        failures = v["failures"].as_u64().unwrap_or(0);
                        if mode == "conn-seq" {
                            v["per_sec"].as_f64().ok_or_else(|| "no rate".into())
                        } else {
                            v["secs"].as_f64().ok_or_else(|| "no time".into())
                        }
                    })();
                    self.record("connections", subject, metric, unit, higher, result);
                    let i = self.row("connections", subject, metric, unit, higher);
                    self.rows[i].failures += failures;
                }
            }
        }
    }
}

/// CPU seconds per GB from two readings (NaN, a failure, when either is missing: the
/// process ended before the second).
fn per_gb(before: Option<f64>, after: Option<f64>, bytes: u64) -> f64 {
    match (before, after) {
        (Some(b), Some(a)) => (a - b) / (bytes as f64 / 1e9),
        _ => f64::NAN,
    }
}
