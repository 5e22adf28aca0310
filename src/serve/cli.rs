//! `socklab serve RESPONDER [HOST:]PORT [--udp] [--key K] [--digest D] [--reply TEXT]
//! [--rule KIND:PATTERN=>REPLY]...`: one responder without the window, a log line per
//! connection and per message on standard output, until interrupted.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TrySendError};

use super::{build, exposure_warning, MatchKind, Options, Rule, UsageError};
use crate::engine::{
    AddrSpec, Client, Create, Direction, EngineConfig, Event, Family, Kind, Op, Reply, SocketId,
};
use crate::pyfmt::bytes_repr;

/// `socklab serve --help`, in the language the terminal's locale asks for.
pub fn usage() -> String {
    crate::i18n::text_in(crate::i18n::Lang::from_env(), "cli-serve-usage")
}

/// What the command line asked for.
#[derive(Debug, PartialEq)]
pub struct Args {
    pub responder: String,
    pub host: String,
    pub port: u16,
    pub udp: bool,
    /// Log connections and reports only, not every message.
    pub quiet: bool,
    pub options: Options,
    /// TLS on every connection, with this certificate.
    pub tls: Option<crate::engine::tls::CertSource>,
}

/// Parses `--rule KIND:PATTERN=>REPLY` (KIND may start with `hex-`).
pub fn parse_rule(s: &str) -> Result<Rule, UsageError> {
    let bad = |want| UsageError::Rule {
        rule: s.to_string(),
        want,
    };
    let (kind, rest) = s
        .split_once(':')
        .ok_or_else(|| bad("write KIND:PATTERN=>REPLY"))?;
    let (hex, kind) = match kind.strip_prefix("hex-") {
        Some(k) => (true, k),
        None => (false, kind),
    };
    let kind = MatchKind::from_name(kind)
        .ok_or_else(|| bad("the kind is one of exact, contains, prefix, suffix, regex"))?;
    let (pattern, reply) = rest
        .split_once("=>")
        .ok_or_else(|| bad("the reply follows =>"))?;
    Ok(Rule {
        kind,
        hex,
        pattern: pattern.to_string(),
        reply: reply.to_string(),
        delay_ms: 0,
    })
}

/// What the command line asked for: a server to run, or the help text.
#[derive(Debug, PartialEq)]
pub enum Asked {
    Serve(Box<Args>),
    Help,
}

/// Parses serve's arguments (without `serve` itself), as typed: `--key K` or `--key=K`,
/// in any order, none of them required to be UTF-8 until it is read as text.
pub fn parse_os(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<Asked, UsageError> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_args(args);
    let mut pos = Vec::new();
    let mut o = Options::default();
    let mut udp = false;
    let mut quiet = false;
    let mut tls = false;
    let (mut cert, mut key_file) = (None, None);
    let syntax = |e: lexopt::Error| UsageError::Syntax(e.to_string());
    let text = |v: std::ffi::OsString, what: &'static str| {
        v.into_string()
            .map_err(|value| UsageError::NotText { what, value })
    };
    let value = |p: &mut lexopt::Parser, name: &'static str| -> Result<String, UsageError> {
        let v = p.value().map_err(syntax)?;
        text(v, name)
    };
    while let Some(arg) = p.next().map_err(syntax)? {
        match arg {
            Long("help") | Short('h') => return Ok(Asked::Help),
            Long("udp") => udp = true,
            Long("quiet") => quiet = true,
            Long("tls") => tls = true,
            Long("cert") => cert = Some(p.value().map_err(syntax)?),
            Long("key-file") => key_file = Some(p.value().map_err(syntax)?),
            Long("key") => o.key = value(&mut p, "--key")?,
            Long("digest") => o.digest = value(&mut p, "--digest")?,
            Long("reply") => o.reply = value(&mut p, "--reply")?,
            Long("rule") => o.rules.push(parse_rule(&value(&mut p, "--rule")?)?),
            Long("udp-amplify") => {
                let v = value(&mut p, "--udp-amplify")?;
                o.udp_amplify = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| UsageError::Value {
                        option: "--udp-amplify",
                        value: v.clone(),
                        want: "give a whole number from 1 to 1000",
                    })?;
            }
            Long("challenge-timeout") => {
                let v = value(&mut p, "--challenge-timeout")?;
                let secs = v
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
                    .ok_or_else(|| UsageError::Value {
                        option: "--challenge-timeout",
                        value: v.clone(),
                        want: "give seconds, more than 0 and at most 86400",
                    })?;
                o.challenge_timeout = Some(Duration::from_secs_f64(secs));
            }
            Value(v) => pos.push(text(v, "the argument")?),
            other => return Err(syntax(other.unexpected())),
        }
    }
    let [responder, addr] = pos.as_slice() else {
        return Err(UsageError::Arguments);
    };
    let (host, port) = match addr.rsplit_once(':') {
        Some((h, p)) => (h.trim_matches(['[', ']']).to_string(), p),
        None => ("127.0.0.1".to_string(), addr.as_str()),
    };
    let port: u16 = port.parse().map_err(|_| UsageError::Port {
        value: port.to_string(),
    })?;
    let tls = match (tls || cert.is_some() || key_file.is_some(), cert, key_file) {
        (false, ..) => None,
        (true, _, _) if udp => return Err(UsageError::Tls("--tls runs over TCP, not --udp")),
        (true, None, None) => Some(crate::engine::tls::CertSource::SelfSigned),
        (true, Some(cert), Some(key)) => Some(crate::engine::tls::CertSource::Files {
            cert: cert.into(),
            key: key.into(),
        }),
        (true, _, _) => {
            return Err(UsageError::Tls(
                "--cert and --key-file go together (the certificate and its private key)",
            ))
        }
    };
    Ok(Asked::Serve(Box::new(Args {
        responder: responder.clone(),
        host,
        port,
        udp,
        quiet,
        options: o,
        tls,
    })))
}

/// `parse_os` for arguments already text (tests, the fuzzer); help is an error here.
pub fn parse(args: &[String]) -> Result<Args, UsageError> {
    match parse_os(args.iter().map(std::ffi::OsString::from))? {
        Asked::Serve(a) => Ok(*a),
        Asked::Help => Err(UsageError::Help),
    }
}

/// Runs the server until the process is interrupted; returns the exit status on failure.
pub fn run(
    args: impl IntoIterator<Item = std::ffi::OsString>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let a = match parse_os(args) {
        Ok(Asked::Serve(a)) => *a,
        Ok(Asked::Help) => {
            let _ = writeln!(out, "{}", usage());
            return 0;
        }
        Err(e) => {
            let _ = writeln!(err, "socklab serve: {e}\n{}", usage());
            return 2;
        }
    };
    let spec = match build(&a.responder, &a.options) {
        Ok(s) => s,
        Err(e) => {
            let flag = match e {
                crate::serve::BuildError::NoKey => " (--key)",
                crate::serve::BuildError::UnknownDigest { .. } => " (--digest)",
                crate::serve::BuildError::NoRules => " (--rule)",
                crate::serve::BuildError::FixedReply(_) => " (--reply)",
                _ => "",
            };
            let _ = writeln!(err, "socklab serve: {e}{flag}");
            return 2;
        }
    };
    if let Some(w) = exposure_warning(&a.host, a.host.contains(':')) {
        let _ = writeln!(err, "socklab serve: warning: {w}");
    }
    let mut client = Client::start(EngineConfig {
        inspect: false,
        // Nobody reads the messages of a quiet server: they are not even reported.
        deliver_data: !a.quiet,
        // The log shows a message's first SHOWN bytes: only those travel, and little
        // may wait per connection, whatever standard output does.
        chunk_prefix: Some(SHOWN + 1),
        data_budget: 256 << 10,
        ..EngineConfig::default()
    });
    let family = if a.host.contains(':') {
        Family::Inet6
    } else {
        Family::Inet
    };
    let kind = if a.udp { Kind::Dgram } else { Kind::Stream };
    let id = match client.create(Create::New {
        family,
        kind,
        proto: 0,
    }) {
        Ok(info) => info.id,
        Err(e) => {
            let _ = writeln!(err, "socklab serve: {e}");
            return 1;
        }
    };
    let addr = match family {
        Family::Inet6 => AddrSpec::Inet6 {
            host: a.host.clone(),
            port: a.port,
            flowinfo: 0,
            scope_id: 0,
        },
        _ => AddrSpec::Inet {
            host: a.host.clone(),
            port: a.port,
        },
    };
    let mut setup = vec![
        Op::SetSockOpt {
            level: libc::SOL_SOCKET,
            name: libc::SO_REUSEADDR,
            value: crate::engine::OptValue::Int(1),
        },
        Op::Bind { addr },
    ];
    if !a.udp {
        setup.push(Op::Listen { backlog: 1024 });
    }
    if let Some(cert) = &a.tls {
        setup.push(Op::StartTls {
            spec: crate::engine::tls::TlsSpec::Server {
                cert: cert.clone(),
                alpn: Vec::new(),
            },
        });
    }
    setup.push(Op::Respond {
        responder: Some(spec.clone()),
    });
    if !a.udp {
        setup.push(Op::AutoAccept {
            on: true,
            receive: true,
        });
    }
    let mut own = None;
    for op in setup {
        match client.call(id, op) {
            Ok(Reply::Tls(info)) => own = info.own,
            Ok(_) => {}
            Err(e) => {
                let _ = writeln!(err, "socklab serve: {e}");
                client.shutdown();
                return 1;
            }
        }
    }
    let local = match client.call(id, Op::GetSockName) {
        Ok(Reply::Addr(e)) => e.to_string(),
        _ => format!("{}:{}", a.host, a.port),
    };
    // Over TLS, the certificate's fingerprint: what a client may check it against.
    let over = match &a.tls {
        None if a.udp => "UDP".to_string(),
        None => "TCP".to_string(),
        Some(_) => match own {
            Some(c) => format!(
                "TCP over TLS; certificate {}, SHA-256 {}",
                c.subject, c.sha256
            ),
            None => "TCP over TLS".to_string(),
        },
    };
    let _ = writeln!(
        out,
        "serving {} on {local} ({over}); Ctrl-C stops",
        spec.describe()
    );
    let _ = out.flush();
    log_events(&mut client, id, out, a.quiet);
    client.shutdown();
    0
}

/// Bytes of a message the log shows.
const SHOWN: usize = 200;

/// A shortened repr of a message of `len` bytes, of which `data` arrived, for the log.
fn shown(data: &[u8], len: usize) -> String {
    let mut s = bytes_repr(&data[..data.len().min(SHOWN)]);
    if len > SHOWN {
        s.push_str(&format!("... ({len} bytes)"));
    }
    s
}

/// How long the log waits after handing over a batch: under load it wakes 200 times a
/// second instead of once per event, so it takes no CPU from the workers serving the
/// clients; an idle server's log sleeps in recv until something happens.
const LOG_PACE: Duration = Duration::from_millis(5);
/// Lines that may wait for standard output; past them lines are dropped and counted.
const LOG_QUEUE: usize = 4096;
/// How often the count of dropped lines tries for room when no event comes.
const RETRY_COUNT: Duration = Duration::from_millis(100);

/// Reads the engine's events as they come, whatever standard output does: lines go to a
/// writer thread through a bounded queue, and when it is full (a stalled pipe, a slow
/// terminal) they are dropped and counted, then summarised once there is room. So events
/// never pile up in memory, and the server keeps serving at full speed.
fn log_events(client: &mut Client, server: SocketId, out: &mut dyn Write, quiet: bool) {
    let (tx, lines) = crossbeam_channel::bounded::<String>(LOG_QUEUE);
    // What came while the server was set up is logged first.
    let early = client.take_kept();
    let rx = client.events();
    std::thread::scope(|scope| {
        let reader = std::thread::Builder::new()
            .name("serve-events".into())
            .spawn_scoped(scope, move || read_events(early, rx, server, quiet, tx));
        if reader.is_ok() {
            // Standard output stays on this thread (its lock is not Send).
            write_lines(&lines, out);
        }
        // A failed write ends the log: the reader sees the queue gone and stops.
        drop(lines);
    });
}

/// Turns events into lines until the server closes or the writer is gone.
fn read_events(
    mut pending: VecDeque<Event>,
    rx: &Receiver<Event>,
    server: SocketId,
    quiet: bool,
    tx: Sender<String>,
) {
    let mut names: HashMap<SocketId, String> = HashMap::new();
    names.insert(server, "server".into());
    let mut dropped = 0u64;
    loop {
        // While lines are owed a count, look again for room now and then even if the
        // server goes quiet: the count is said as soon as standard output moves.
        let first = if !pending.is_empty() {
            None
        } else if dropped > 0 {
            match rx.recv_timeout(RETRY_COUNT) {
                Ok(ev) => Some(ev),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        } else {
            match rx.recv() {
                Ok(ev) => Some(ev),
                Err(_) => return,
            }
        };
        if dropped > 0 {
            let note = format!(
                "  ({dropped} log lines were dropped: standard output was not read fast enough)"
            );
            match tx.try_send(note) {
                Ok(()) => dropped = 0,
                Err(TrySendError::Full(_)) => {}
                Err(TrySendError::Disconnected(_)) => return,
            }
        }
        for ev in pending.drain(..).chain(first).chain(rx.try_iter()) {
            let line = match log_line(ev, server, &mut names, quiet) {
                Some(Line::Text(line)) => line,
                Some(Line::End) => return,
                None => continue,
            };
            // Nothing after a drop goes ahead of the count of what was dropped.
            let sent = if dropped > 0 {
                Err(TrySendError::Full(line))
            } else {
                tx.try_send(line)
            };
            match sent {
                Ok(()) => {}
                // (A batch of datagrams is one entry of several lines.)
                Err(TrySendError::Full(l)) => dropped += l.lines().count().max(1) as u64,
                Err(TrySendError::Disconnected(_)) => return,
            }
        }
        std::thread::sleep(LOG_PACE);
    }
}

/// Writes queued lines, one write per batch (standard output would write each line).
fn write_lines(lines: &Receiver<String>, out: &mut dyn Write) {
    let mut out = std::io::BufWriter::new(out);
    while let Ok(first) = lines.recv() {
        for line in std::iter::once(first).chain(lines.try_iter()) {
            if writeln!(out, "{line}").is_err() {
                return;
            }
        }
        if out.flush().is_err() {
            return;
        }
    }
}

enum Line {
    Text(String),
    /// The server socket closed: the log ends.
    End,
}

fn log_line(
    ev: Event,
    server: SocketId,
    names: &mut HashMap<SocketId, String>,
    quiet: bool,
) -> Option<Line> {
    {
        let name = |id: &SocketId| {
            names
                .get(id)
                .cloned()
                .unwrap_or_else(|| format!("#{}", id.0))
        };
        let line = match ev {
            Event::Created { info, .. } => {
                names.insert(info.id, info.name.clone());
                return None;
            }
            Event::Accepted { conn, peer, .. } => format!("+ {} from {peer}", name(&conn)),
            Event::Data { .. } | Event::Datagrams { .. } | Event::Skipped { .. } if quiet => {
                return None
            }
            Event::Data { .. } | Event::Datagrams { .. } => {
                let id = ev.socket()?;
                let lines: Vec<String> = ev
                    .into_chunks()
                    .into_iter()
                    .map(|chunk| {
                        let dir = match chunk.direction {
                            Direction::In => "<",
                            Direction::Out => ">",
                        };
                        let peer = chunk.peer.map(|p| format!(" {p}")).unwrap_or_default();
                        if chunk.len == 0 && chunk.direction == Direction::In && id != server {
                            format!("< {} closed by the peer", name(&id))
                        } else {
                            format!(
                                "{dir} {}{peer} {} {}",
                                name(&id),
                                chunk.len,
                                shown(&chunk.data, chunk.len)
                            )
                        }
                    })
                    .collect();
                lines.join("\n")
            }
            Event::Skipped {
                id, bytes, chunks, ..
            } => {
                format!(
                    "  {}: {bytes} bytes in {chunks} messages not logged (the log fell behind)",
                    name(&id)
                )
            }
            Event::Note { id, note } => format!("! {} {note}", name(&id)),
            Event::ClosedBy { id, why, responder } => {
                format!("- {} closing: {why} ({responder})", name(&id))
            }
            Event::Failed { id, error, .. } => {
                format!("! {} {error}", id.map(|i| name(&i)).unwrap_or_default())
            }
            Event::Closed { id } => {
                if id == server {
                    return Some(Line::End);
                }
                let n = name(&id);
                names.remove(&id);
                format!("- {n} closed")
            }
            _ => return None,
        };
        Some(Line::Text(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_and_rules_parse() {
        let v: Vec<String> = [
            "hmac",
            "[::1]:9000",
            "--key",
            "k",
            "--digest",
            "md5",
            "--udp",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let a = parse(&v).unwrap();
        assert_eq!((a.host.as_str(), a.port, a.udp), ("::1", 9000, true));
        assert_eq!(a.options.digest, "md5");
        let a = parse(&["echo".into(), "9000".into()]).unwrap();
        assert_eq!(a.host, "127.0.0.1");
        let r = parse_rule("hex-prefix:01 03=>\\x01").unwrap();
        assert!(r.hex && r.kind == MatchKind::Prefix && r.pattern == "01 03");
        assert!(parse_rule("nope").is_err());
        assert!(parse(&["echo".into()]).is_err());
        assert!(parse(&["echo".into(), "x:99999".into()]).is_err());
    }
}
