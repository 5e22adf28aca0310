//! The window's suite: frame times, memory, and the real window under Xvfb, each in a
//! role process of its own.

use super::*;

/// Datagrams a second into the window's UDP socket (`window-udp-*`): a seventh of what one
/// receiving core here takes of a flood, so the window's frames, not the core, decide.
const UDP_PACE: u32 = 100_000;

impl Bench {
    /// The window (item 6): frame times under load against one idle socket, memory after
    /// 10 GB and with 1,000 connections, the real window under Xvfb (first frame, idle CPU).
    pub fn window(&mut self) {
        let me = self.me.to_string_lossy().into_owned();
        let secs = if self.quick { "2" } else { "5" };
        let conns = if self.quick { 200 } else { 1000 };
        let big: u64 = if self.quick { 1 << 30 } else { 10_000_000_000 };
        for run in 0..self.runs {
            eprintln!("window run {run}");
            // The same frames with one idle socket, for both views' ratios.
            match run_app_role(&me, &[s("frames-idle"), s(secs)]) {
                Ok(v) => {
                    for bench in ["window-frame-rx", "window-frame-log", "window-frame-learn"] {
                        self.frame_rows(bench, "one idle socket", &v);
                    }
                }
                Err(e) => eprintln!("  window idle: {e}"),
            }
            for (bench, view) in [
                ("window-frame-rx", "rx"),
                ("window-frame-log", "log"),
                ("window-frame-learn", "learn"),
            ] {
                match run_app_role(&me, &[s("frames-load"), s(view), s(conns), s(secs)]) {
                    Ok(v) => {
                        self.frame_rows(bench, "socklab", &v);
                        if let Some(g) = v["rx_gbps"].as_f64() {
                            self.record(bench, "socklab", "receiving", "GB/s", true, Ok(g));
                        }
                    }
                    Err(e) => {
                        self.record(bench, "socklab", "p99", "ms", false, Err(e));
                    }
                }
            }
            // Datagrams at 100,000 a second into a UDP socket the window shows, drawing on
            // the receiving thread's core: what its frames cost in datagrams.
            if !have("sockperf") {
                eprintln!("  window-udp: sockperf missing, skipped");
            } else {
                for size in [64usize, 1400] {
                    let bench = format!("window-udp-{size}");
                    let args = [s("frames-udp"), s(size), s(secs), s(UDP_PACE)];
                    match run_app_role(&me, &args) {
                        Ok(v) => {
                            self.frame_rows(&bench, "socklab", &v);
                            let loss = v["loss_pct"].as_f64().ok_or_else(|| "no loss".into());
                            self.record(&bench, "socklab", "loss", "%", false, loss);
                        }
                        Err(e) => self.record(&bench, "socklab", "loss", "%", false, Err(e)),
                    }
                }
            }
            let r = run_app_role(&me, &[s("memory-after"), s(big)])
                .and_then(|v| v["rss_mb"].as_f64().ok_or_else(|| "no rss".into()));
            let label = if self.quick {
                "RSS after 1 GiB"
            } else {
                "RSS after 10 GB"
            };
            self.record("window-memory", "socklab", label, "MB", false, r);
            let r = run_app_role(&me, &[s("memory-connections"), s(conns)])
                .and_then(|v| v["rss_mb"].as_f64().ok_or_else(|| "no rss".into()));
            self.record(
                "window-memory",
                "socklab",
                &format!("RSS {conns} conns"),
                "MB",
                false,
                r,
            );
            // Quick: 1,000 beats (the point is that it runs).
            let beats = if self.quick { 1000 } else { 10_000 };
            match run_app_role(&me, &[s("memory-diagram"), s(beats)]) {
                Ok(v) => {
                    let rss = v["rss_mb"].as_f64().ok_or("no rss");
                    let grew =
                        rss.and_then(|r| Ok(r - v["rss_before_mb"].as_f64().ok_or("no rss")?));
                    let label = format!("RSS {beats}-beat diagram");
                    self.record(
                        "window-memory",
                        "socklab",
                        &label,
                        "MB",
                        false,
                        rss.map_err(Into::into),
                    );
                    let label = format!("RSS growth, {beats}-beat diagram");
                    self.record(
                        "window-memory",
                        "socklab",
                        &label,
                        "MB",
                        false,
                        grew.map_err(Into::into),
                    );
                }
                Err(e) => {
                    self.record(
                        "window-memory",
                        "socklab",
                        "RSS diagram",
                        "MB",
                        false,
                        Err(e),
                    );
                }
            }
            if have("Xvfb") {
                let real = real::real_window(&self.socklab, big);
                for (metric, unit, get) in [
                    (
                        "first frame",
                        "ms",
                        (|r: &real::RealWindow| r.first_ms) as fn(&real::RealWindow) -> f64,
                    ),
                    ("idle CPU", "%", |r| r.cpu),
                    ("idle RSS", "MB", |r| r.rss),
                    ("idle RSS, own", "MB", |r| r.anon),
                ] {
                    let v = real.as_ref().map(get).map_err(String::clone);
                    self.record("window-real", "socklab", metric, unit, false, v);
                }
                let first = match &real {
                    Ok(r) => r.cpu_first.clone(),
                    Err(e) => Err(e.clone()),
                };
                self.record(
                    "window-real",
                    "socklab",
                    "idle CPU, first start",
                    "%",
                    false,
                    first,
                );
                let after = match &real {
                    Ok(r) => r.after.clone(),
                    Err(e) => Some(Err(e.clone())),
                };
                match after {
                    Some(v) => {
                        let what = if self.quick { "1 GiB" } else { "10 GB" };
                        let (rss, own) = (
                            format!("RSS after {what}"),
                            format!("RSS after {what}, own"),
                        );
                        self.record(
                            "window-real",
                            "socklab",
                            &rss,
                            "MB",
                            false,
                            v.clone().map(|x| x.0),
                        );
                        self.record("window-real", "socklab", &own, "MB", false, v.map(|x| x.1));
                    }
                    None => eprintln!(
                        "  window: xdotool or ImageMagick missing, the real window is not driven"
                    ),
                }
            } else {
                eprintln!("  window: Xvfb missing, the real window is not measured");
            }
        }
    }

    fn frame_rows(&mut self, bench: &str, subject: &str, v: &serde_json::Value) {
        for (key, metric) in [("p50_ms", "p50"), ("p99_ms", "p99")] {
            let x = v[key].as_f64().ok_or_else(|| format!("no {key}"));
            self.record(bench, subject, metric, "ms", false, x);
        }
    }
}

/// A window role, pinned where the servers run (its sender goes to the clients' CPU).
pub fn run_app_role(me: &str, args: &[String]) -> Result<serde_json::Value, String> {
    let mut all = vec![s("role")];
    all.extend_from_slice(args);
    let out = pinned(SERVER_CPU, me, &all)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{me}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "role {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    roles::parse_json(&out.stdout)
}
