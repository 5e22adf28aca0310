//! Every call made from the window, written as the Python line that does the same, with its
//! result as `socklab run` would print it.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::engine::pyargs::{addr_literal, level_name, opt_name};
use crate::engine::{Family, Kind, Op, Reply, ReqId, SendJob, SendSource, SocketId};
use crate::pyfmt::endpoint_repr;
use crate::pyfmt::{bytes_repr, float_repr, str_repr};
use crate::t;

#[derive(Clone, Debug)]
pub struct JournalEntry {
    pub req: ReqId,
    pub socket: Option<SocketId>,
    /// The Python statement.
    pub line: String,
    /// What the console prints for it (None while running, or when it prints nothing).
    pub result: Option<String>,
    pub done: bool,
    pub failed: bool,
    pub started: Instant,
    pub elapsed: Option<Duration>,
    /// For a call still blocked with a timeout: when it gives up.
    pub deadline: Option<Instant>,
}

/// Lines the journal keeps; past them the oldest go.
pub const MAX_LINES: usize = 10_000;

/// The journal: a ring of lines, oldest first, each with a sequence number it keeps for
/// life, so the answer to a call finds its own line even after older lines were dropped
/// (an index into the ring would slide onto another line).
#[derive(Default)]
pub struct Journal {
    lines: VecDeque<JournalEntry>,
    /// Sequence number of `lines[0]`.
    first: u64,
    /// The line of each request still running.
    running: HashMap<ReqId, u64>,
    /// The sockets the window made, called or accepted (a console's are not the
    /// journal's); those removed from the window go. At most MAX_TOUCHED (then started
    /// over: a hundred thousand sockets kept in the list).
    touched: std::collections::HashSet<SocketId>,
}

/// Sockets the journal remembers having called, at most.
const MAX_TOUCHED: usize = 100_000;

impl Journal {
    /// Adds a line for a request just sent (the oldest goes past MAX_LINES).
    pub fn push(&mut self, req: ReqId, socket: Option<SocketId>, line: String) {
        if let Some(id) = socket {
            self.touch(id);
        }
        if self.lines.len() >= MAX_LINES {
            self.lines.pop_front();
            self.first += 1;
        }
        let seq = self.first + self.lines.len() as u64;
        self.running.insert(req, seq);
        self.lines.push_back(JournalEntry {
            req,
            socket,
            line,
            result: None,
            done: false,
            failed: false,
            started: Instant::now(),
            elapsed: None,
            deadline: None,
        });
    }

    /// Adds a line that is no call: what the kernel did on its own (a Python comment in
    /// the script).
    pub fn remark(&mut self, socket: Option<SocketId>, line: String) {
        if self.lines.len() >= MAX_LINES {
            self.lines.pop_front();
            self.first += 1;
        }
        self.lines.push_back(JournalEntry {
            req: ReqId(0),
            socket,
            line,
            result: None,
            done: true,
            failed: false,
            started: Instant::now(),
            elapsed: None,
            deadline: None,
        });
    }

    /// A socket the window made or called.
    pub fn touch(&mut self, id: SocketId) {
        if self.touched.len() >= MAX_TOUCHED {
            self.touched.clear();
        }
        self.touched.insert(id);
    }

    /// Whether one of the window's accept calls on `listener` is running.
    pub fn accepting(&self, listener: SocketId) -> bool {
        self.running.values().any(|&seq| {
            seq.checked_sub(self.first)
                .and_then(|i| self.lines.get(i as usize))
                .is_some_and(|e| e.socket == Some(listener) && e.line.ends_with(".accept()"))
        })
    }

    /// Keeps only the sockets `kept` says the window still has.
    pub fn retain_touched(&mut self, kept: impl Fn(SocketId) -> bool) {
        self.touched.retain(|id| kept(*id));
    }

    /// Whether the window made or called this socket (its calls are the journal's).
    pub fn touched(&self, id: SocketId) -> bool {
        self.touched.contains(&id)
    }

    /// The newest line.
    pub fn last_mut(&mut self) -> Option<&mut JournalEntry> {
        self.lines.back_mut()
    }

    /// The line of a request still running (None if its line was dropped meanwhile).
    pub fn running(&mut self, req: ReqId) -> Option<&mut JournalEntry> {
        let seq = *self.running.get(&req)?;
        let i = usize::try_from(seq.checked_sub(self.first)?).ok()?;
        self.lines.get_mut(i)
    }

    /// The line of a request that just ended; it is not running any more.
    pub fn ended(&mut self, req: ReqId) -> Option<&mut JournalEntry> {
        let seq = self.running.remove(&req)?;
        let i = usize::try_from(seq.checked_sub(self.first)?).ok()?;
        self.lines.get_mut(i)
    }

    /// Drops the lines of calls that ended; those still running stay (renumbered).
    pub fn clear_done(&mut self) {
        let next = self.first + self.lines.len() as u64;
        self.lines.retain(|e| !e.done);
        self.first = next - self.lines.len() as u64;
        self.running = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, e)| (e.req, self.first + i as u64))
            .collect();
    }

    /// Whether a call is blocked with a timeout (its countdown ticks).
    pub fn has_countdown(&self) -> bool {
        self.running.values().any(|&seq| {
            seq.checked_sub(self.first)
                .and_then(|i| self.lines.get(i as usize))
                .is_some_and(|e| e.deadline.is_some())
        })
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn iter(&self) -> std::collections::vec_deque::Iter<'_, JournalEntry> {
        self.lines.iter()
    }

    /// Lines `range` (by position, oldest first), for drawing the ones on screen.
    pub fn range(
        &self,
        range: std::ops::Range<usize>,
    ) -> std::collections::vec_deque::Iter<'_, JournalEntry> {
        self.lines.range(range)
    }
}

/// `socket.socket(socket.AF_INET, socket.SOCK_STREAM)`
pub fn socket_call(family: Family, kind: Kind) -> String {
    let f = match family {
        Family::Inet => "socket.AF_INET".to_string(),
        Family::Inet6 => "socket.AF_INET6".to_string(),
        Family::Unix => "socket.AF_UNIX".to_string(),
        Family::Other(x) => x.to_string(),
    };
    let k = match kind {
        Kind::Stream => "socket.SOCK_STREAM".to_string(),
        Kind::Dgram => "socket.SOCK_DGRAM".to_string(),
        Kind::Other(x) => x.to_string(),
    };
    format!("socket.socket({f}, {k})")
}

/// recv_into's and recvfrom_into's arguments after the buffer: none, or nbytes and flags.
fn into_flags(nbytes: usize, flags: i32) -> String {
    if flags == 0 {
        String::new()
    } else {
        format!(", {nbytes}, {flags}")
    }
}

/// The Python statement for an operation on the socket named `name`.
pub fn op_line(name: &str, op: &Op) -> String {
    let flags = |f: i32| {
        if f == 0 {
            String::new()
        } else {
            format!(", {f}")
        }
    };
    match op {
        Op::Bind { .. }
        | Op::Listen { .. }
        | Op::Connect { .. }
        | Op::ConnectEx { .. }
        | Op::Shutdown { .. }
        | Op::SetSockOpt { .. }
        | Op::SetTimeout { .. }
        | Op::SetBlocking { .. } => {
            let args = op.python_args().unwrap_or_default();
            format!("{name}.{}({args})", op.name())
        }
        Op::Accept => format!("{name}.accept()"),
        Op::Send { data, flags: f } => format!("{name}.send({}{})", bytes_repr(data), flags(*f)),
        Op::SendAll { data, flags: f } => {
            format!("{name}.sendall({}{})", bytes_repr(data), flags(*f))
        }
        Op::SendTo {
            data,
            flags: f,
            addr,
        } => {
            format!(
                "{name}.sendto({}{}, {})",
                bytes_repr(data),
                flags(*f),
                addr_literal(addr)
            )
        }
        Op::Recv { bufsize, flags: f } => format!("{name}.recv({bufsize}{})", flags(*f)),
        Op::RecvFrom { bufsize, flags: f } => format!("{name}.recvfrom({bufsize}{})", flags(*f)),
        // (nbytes comes before flags: it is written out when flags are.)
        Op::RecvInto { nbytes, flags: f } => format!(
            "{name}.recv_into(bytearray({nbytes}){})",
            into_flags(*nbytes, *f)
        ),
        Op::RecvFromInto { nbytes, flags: f } => format!(
            "{name}.recvfrom_into(bytearray({nbytes}){})",
            into_flags(*nbytes, *f)
        ),
        Op::Close | Op::Release => format!("{name}.close()"),
        Op::GetSockOpt {
            level,
            name: opt,
            buflen,
        } => match buflen {
            None => format!(
                "{name}.getsockopt({}, {})",
                level_name(*level),
                opt_name(*level, *opt)
            ),
            Some(n) => format!(
                "{name}.getsockopt({}, {}, {n})",
                level_name(*level),
                opt_name(*level, *opt)
            ),
        },
        Op::GetTimeout => format!("{name}.gettimeout()"),
        Op::GetSockName => format!("{name}.getsockname()"),
        Op::GetPeerName => format!("{name}.getpeername()"),
        Op::FileNo => format!("{name}.fileno()"),
        // Continuous modes have no single Python call; the journal says what they are.
        Op::AutoReceive { on, bufsize } => {
            let said = if *on {
                t!("journal-auto-receive-on", bufsize = bufsize.to_string())
            } else {
                t!("journal-auto-receive-off")
            };
            format!("# {name}: {said}")
        }
        Op::AutoAccept { on, .. } => {
            let said = if *on {
                t!("journal-auto-accept-on")
            } else {
                t!("journal-auto-accept-off")
            };
            format!("# {name}: {said}")
        }
        Op::JoinMulticast { group, interface } => format!(
            "# {name}: {}",
            t!(
                "journal-join",
                group = group.to_string(),
                interface = format!("{interface:?}")
            )
        ),
        Op::LeaveMulticast { group, interface } => format!(
            "# {name}: {}",
            t!(
                "journal-leave",
                group = group.to_string(),
                interface = format!("{interface:?}")
            )
        ),
        Op::Inspect { .. } => format!("# {name}: {}", t!("journal-inspect")),
        Op::Interrupt { .. } => format!("# Ctrl+C: {}", t!("journal-interrupt", name = name)),
        Op::Rename { name: new } => format!("{new} = {name}"),
        Op::StartSending { job } => format!("# {name}: {}", job_text(job)),
        Op::StopSending => format!("# {name}: {}", t!("journal-stop-sending")),
        Op::Respond { responder: Some(r) } => format!(
            "# {name}: {}",
            t!("journal-answer-with", responder = r.describe())
        ),
        Op::Respond { responder: None } => format!("# {name}: {}", t!("journal-stop-answering")),
        Op::LimitClients { max: Some(n) } => {
            format!("# {name}: {}", t!("journal-limit", n = n.to_string()))
        }
        Op::LimitClients { max: None } => format!("# {name}: {}", t!("journal-no-limit")),
        Op::Record { path: Some(p), .. } => format!(
            "# {name}: {}",
            t!("journal-record", path = str_repr(&p.display().to_string()))
        ),
        Op::Record { path: None, .. } => format!("# {name}: {}", t!("journal-record-off")),
        Op::StartTls { spec } => tls_line(name, spec),
    }
}

/// wrap_socket as a tutorial writes it: the context, then the socket wrapped under its
/// own name.
fn tls_line(name: &str, spec: &crate::engine::tls::TlsSpec) -> String {
    use crate::engine::tls::{CertSource, TlsSpec, Verify};
    let list = |alpn: &[String]| {
        let items: Vec<String> = alpn.iter().map(|p| str_repr(p)).collect();
        format!("[{}]", items.join(", "))
    };
    let (ctx, alpn, wrap) = match spec {
        TlsSpec::Client {
            server_name,
            alpn,
            verify,
            ..
        } => (
            match verify {
                Verify::System => "ssl.create_default_context()".to_string(),
                Verify::CaFile { path } => format!(
                    "ssl.create_default_context(cafile={})",
                    str_repr(&path.display().to_string())
                ),
                Verify::Off => "ssl._create_unverified_context()".to_string(),
            },
            alpn,
            format!("server_hostname={}", str_repr(server_name)),
        ),
        TlsSpec::Server { cert, alpn } => (
            match cert {
                CertSource::Files { cert, key } => format!(
                    "ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain({}, {})",
                    str_repr(&cert.display().to_string()),
                    str_repr(&key.display().to_string())
                ),
                CertSource::SelfSigned => {
                    "ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(CERT, KEY)"
                        .to_string()
                }
            },
            alpn,
            "server_side=True".to_string(),
        ),
    };
    let alpn = if alpn.is_empty() {
        String::new()
    } else {
        format!("; ctx.set_alpn_protocols({})", list(alpn))
    };
    let note = match spec {
        TlsSpec::Server {
            cert: CertSource::SelfSigned,
            ..
        } => format!("  # {}", t!("journal-tls-self-signed")),
        _ => String::new(),
    };
    format!("ctx = {ctx}{alpn}; {name} = ctx.wrap_socket({name}, {wrap}){note}")
}

/// A send job in words: what, how often, and how.
pub fn job_text(job: &SendJob) -> String {
    let what = match &job.source {
        SendSource::Bytes { data } => {
            let mut r = bytes_repr(&data[..data.len().min(64)]);
            if data.len() > 64 {
                r.push_str(&t!("journal-job-more", len = data.len().to_string()));
            }
            r
        }
        SendSource::File { path } => t!(
            "journal-job-file",
            path = str_repr(&path.display().to_string())
        ),
    };
    let times = match job.times {
        Some(1) => String::new(),
        Some(n) => t!("journal-job-times", n = n.to_string()),
        None => t!("journal-job-until-stopped"),
    };
    let every = if job.interval.is_zero() || job.times == Some(1) {
        String::new()
    } else {
        t!(
            "journal-job-every",
            secs = float_repr(job.interval.as_secs_f64())
        )
    };
    let call = match (&job.to, job.all) {
        (Some(a), _) => format!("sendto {}", addr_literal(a)),
        (None, true) => "sendall".into(),
        (None, false) => "send".into(),
    };
    t!(
        "journal-job",
        what = what,
        times = times,
        every = every,
        call = call
    )
}

/// What the console prints for a reply (None when it prints nothing).
pub fn reply_text(reply: &Reply, conn_name: Option<&str>) -> Option<String> {
    Some(match reply {
        Reply::Unit => return None,
        Reply::Int(_) | Reply::Errno(_) => reply.int()?.to_string(),
        Reply::Bytes(b) => bytes_repr(b),
        Reply::BytesFrom { data, from } => {
            let a = from.as_ref().map_or("None".into(), endpoint_repr);
            format!("({}, {a})", bytes_repr(data))
        }
        Reply::Addr(a) => endpoint_repr(a),
        Reply::Timeout(t) => return t.as_secs().map(float_repr),
        Reply::Sent { progress, stopped } => {
            return Some(format!(
                "# {}",
                t!(
                    "journal-sent",
                    bytes = progress.bytes,
                    calls = progress.sends,
                    stopped = if *stopped { "yes" } else { "no" }
                )
            ));
        }
        Reply::Accepted { peer, .. } => {
            format!("({}, {})", conn_name.unwrap_or("conn"), endpoint_repr(peer))
        }
        // wrap_socket's result is assigned: nothing printed (the inspector shows it).
        Reply::Tls(_) => return None,
    })
}

/// The journal as a script that `socklab run` and python3 replay.
pub fn as_script<'e>(entries: impl IntoIterator<Item = &'e JournalEntry>) -> String {
    let mut out = String::from("import socket\n");
    for e in entries {
        out.push_str(&e.line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{AddrSpec, OptValue, Timeout};

    #[test]
    fn lines_read_as_python() {
        let a = AddrSpec::Inet {
            host: "127.0.0.1".into(),
            port: 9000,
        };
        assert_eq!(
            op_line("s1", &Op::Bind { addr: a }),
            "s1.bind(('127.0.0.1', 9000))"
        );
        assert_eq!(
            op_line(
                "s2",
                &Op::Send {
                    data: b"hi\x00".to_vec(),
                    flags: 0
                }
            ),
            "s2.send(b'hi\\x00')"
        );
        assert_eq!(
            op_line(
                "s1",
                &Op::SetSockOpt {
                    level: libc::SOL_SOCKET,
                    name: libc::SO_REUSEADDR,
                    value: OptValue::Int(1)
                }
            ),
            "s1.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)"
        );
        assert_eq!(
            op_line(
                "s1",
                &Op::SetTimeout {
                    timeout: Timeout::Secs(5.0)
                }
            ),
            "s1.settimeout(5.0)"
        );
        // recv_into's nbytes comes before its flags.
        let into = |nbytes, flags| Op::RecvInto { nbytes, flags };
        assert_eq!(op_line("s1", &into(8, 0)), "s1.recv_into(bytearray(8))");
        assert_eq!(
            op_line("s1", &into(8, libc::MSG_PEEK)),
            "s1.recv_into(bytearray(8), 8, 2)"
        );
        assert_eq!(
            op_line(
                "s1",
                &Op::RecvFromInto {
                    nbytes: 3,
                    flags: 0
                }
            ),
            "s1.recvfrom_into(bytearray(3))"
        );
        assert_eq!(
            socket_call(Family::Inet6, Kind::Dgram),
            "socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)"
        );
        assert_eq!(
            reply_text(&Reply::Bytes(b"x".to_vec()), None).as_deref(),
            Some("b'x'")
        );
    }

    #[test]
    fn the_saved_journal_is_a_script_socklab_run_accepts() {
        let a = AddrSpec::Inet {
            host: "127.0.0.1".into(),
            port: 0,
        };
        let mut entries = Journal::default();
        for (i, line) in [
            format!("s1 = {}", socket_call(Family::Inet, Kind::Stream)),
            op_line("s1", &Op::Bind { addr: a }),
            op_line("s1", &Op::Listen { backlog: 5 }),
            op_line(
                "s1",
                &Op::AutoAccept {
                    on: true,
                    receive: true,
                },
            ),
            op_line(
                "s1",
                &Op::SetTimeout {
                    timeout: Timeout::Secs(0.5),
                },
            ),
            op_line("s1", &Op::Close),
        ]
        .into_iter()
        .enumerate()
        {
            entries.push(ReqId(i as u64), None, line);
        }
        let text = as_script(entries.iter());
        // Each line is a statement of the console, run as `socklab run -i` runs it.
        let session = crate::pyrt::session::Session::start("journal-test").unwrap();
        for line in text.lines() {
            let (_, rx) = session.run(line);
            let mut said = String::new();
            loop {
                match rx.recv_timeout(std::time::Duration::from_secs(60)) {
                    Ok(crate::pyrt::session::Output::Text { text, .. }) => said.push_str(&text),
                    Ok(crate::pyrt::session::Output::Done { raised }) => {
                        assert!(!raised, "{line}: {said}");
                        break;
                    }
                    other => panic!("{line}: {other:?} {said}"),
                }
            }
        }
    }

    #[test]
    fn an_answer_finds_its_own_line_after_older_lines_were_dropped() {
        let mut j = Journal::default();
        // A call still running in the first line...
        j.push(ReqId(1), None, "first.recv(1024)".into());
        for i in 2..=MAX_LINES as u64 + 5 {
            j.push(ReqId(i), None, format!("line {i}"));
            j.ended(ReqId(i)).unwrap().done = true;
        }
        assert_eq!(j.len(), MAX_LINES);
        // ...whose line is gone: its answer lands on no other line.
        assert!(j.running(ReqId(1)).is_none());
        assert!(j.ended(ReqId(1)).is_none());
        // A call whose line is still there finds it, the ring having moved on.
        j.push(ReqId(99_999), None, "late.send(b'x')".into());
        let e = j.ended(ReqId(99_999)).unwrap();
        e.result = Some("1".into());
        e.done = true;
        let last = j.iter().last().unwrap();
        assert_eq!(
            (last.line.as_str(), last.result.as_deref()),
            ("late.send(b'x')", Some("1"))
        );
        // Clearing keeps what still runs, and its answer still finds it.
        j.push(ReqId(7), None, "blocked.accept()".into());
        j.clear_done();
        assert_eq!(j.len(), 1);
        j.ended(ReqId(7)).unwrap().result = Some("(conn1, ...)".into());
        assert_eq!(j.iter().last().unwrap().line, "blocked.accept()");
        assert_eq!(
            j.iter().last().unwrap().result.as_deref(),
            Some("(conn1, ...)")
        );
    }
}
