//! TLS on the engine's TCP sockets against peers nobody here wrote: Debian's `openssl
//! s_server`/`s_client` and Python's ssl module (OpenSSL too), on 127.0.0.1: handshakes
//! both ways, data both ways, 100 MB with equal SHA-256, a wrong host name and an expired
//! certificate refused with CPython's words.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use socklab::engine::tls::{CertSource, TlsFailure, TlsSpec, Verification, Verify};
use socklab::engine::{
    AddrSpec, ErrorKind, Event, Family, Kind, Op, Reply, SendJob, SendSource, SockState,
};

use crate::common::{random_file, DEADLINE};
use crate::driver::{bytes_of, file_hash, have_python, Driver};

/// Whether openssl runs here; under CI it must.
fn have_openssl() -> bool {
    let ok = Command::new("openssl")
        .arg("version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "under CI openssl must be installed"
        );
        println!("NOTICE: openssl is missing; this test is skipped");
    }
    ok
}

/// A certificate for `names` signed by itself (valid now, or expired in 2021), written
/// as PEM: (certificate, key).
fn cert(dir: &Path, names: &[&str], expired: bool) -> (PathBuf, PathBuf) {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params =
        rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, names[0]);
    if expired {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let made = params.self_signed(&key).unwrap();
    let (c, k) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&c, made.pem()).unwrap();
    std::fs::write(&k, key.serialize_pem()).unwrap();
    (c, k)
}

/// A peer process, killed when dropped, and the port it said it listens on.
struct Peer {
    child: Child,
    port: u16,
    /// Its standard output after the line that gave the port.
    lines: crossbeam_channel::Receiver<String>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Peer {
    /// Starts `cmd`, reading its output until a line `port_line` picks a port from.
    fn start(mut cmd: Command, port_line: impl Fn(&str) -> Option<u16>) -> Peer {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the peer starts");
        let out = child.stdout.take();
        let (tx, lines) = crossbeam_channel::unbounded();
        // Killed when dropped, even if it never says its port.
        let mut peer = Peer {
            child,
            port: 0,
            lines,
        };
        let Some(out) = out else {
            panic!("the peer's output");
        };
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let until = Instant::now() + DEADLINE;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            let line = peer
                .lines
                .recv_timeout(left)
                .expect("the peer says where it listens");
            if let Some(port) = port_line(&line) {
                peer.port = port;
                return peer;
            }
        }
    }

    /// The next line of its output (with a deadline).
    fn line(&self) -> String {
        self.lines
            .recv_timeout(DEADLINE)
            .expect("a line from the peer")
    }

    fn addr(&self) -> AddrSpec {
        AddrSpec::Inet {
            host: "127.0.0.1".into(),
            port: self.port,
        }
    }
}

/// `openssl s_server` with this certificate on a port of its choosing.
fn s_server(c: &Path, k: &Path, extra: &[&str]) -> Peer {
    let mut cmd = Command::new("openssl");
    cmd.args([
        "s_server",
        "-accept",
        "127.0.0.1:0",
        "-naccept",
        "1",
        "-cert",
    ])
    .arg(c)
    .arg("-key")
    .arg(k)
    .args(extra);
    // Its diagnostics (a refused certificate's alert) are not the test's output.
    cmd.stderr(Stdio::null());
    Peer::start(cmd, |l| {
        l.strip_prefix("ACCEPT 127.0.0.1:")
            .and_then(|p| p.trim().parse().ok())
    })
}

/// A python3 program given on its command line, which prints "PORT n" first if it
/// listens.
fn python(code: &str, args: &[&str]) -> Peer {
    let mut cmd = Command::new("python3");
    cmd.arg("-u").arg("-c").arg(code).args(args);
    Peer::start(cmd, |l| {
        l.strip_prefix("PORT ").and_then(|p| p.parse().ok())
    })
}

fn client_spec(name: &str, verify: Verify) -> TlsSpec {
    TlsSpec::Client {
        server_name: name.into(),
        alpn: Vec::new(),
        verify,
        check_name: true,
    }
}

/// The SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` writes it.
fn fingerprint(c: &Path) -> String {
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(c)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.trim()
        .split_once('=')
        .map(|(_, f)| f.to_string())
        .expect("a fingerprint")
}

/// Receives until `want` has arrived whole (TLS records may split it).
fn recv_until(d: &mut Driver, id: socklab::engine::SocketId, want: &[u8]) -> Vec<u8> {
    let mut got = Vec::new();
    let until = Instant::now() + DEADLINE;
    while !got.windows(want.len()).any(|w| w == want) {
        assert!(Instant::now() < until, "{want:?} not received; got {got:?}");
        let r = d.ok(
            id,
            Op::Recv {
                bufsize: 4096,
                flags: 0,
            },
        );
        let chunk = bytes_of(r);
        assert!(!chunk.is_empty(), "the stream ended; got {got:?}");
        got.extend(chunk);
    }
    got
}

#[test]
fn a_client_handshakes_with_openssl_s_server_and_talks_both_ways() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (c, k) = cert(dir.path(), &["localhost"], false);
    // -rev: each line comes back reversed, so what arrives was read by the server.
    let server = s_server(&c, &k, &["-rev", "-alpn", "echo"]);
    let mut d = Driver::new();
    let s = d.create(Family::Inet, Kind::Stream);
    d.connect(s, server.addr());
    let spec = TlsSpec::Client {
        server_name: "localhost".into(),
        alpn: vec!["echo".into()],
        verify: Verify::CaFile { path: c.clone() },
        check_name: true,
    };
    // wrap_socket answers with the session as it stands.
    let Reply::Tls(answered) = d.ok(s, Op::StartTls { spec }) else {
        panic!("wrap_socket answers with the session");
    };
    assert_eq!(answered.version.as_deref(), Some("TLSv1.3"));
    d.ok(
        s,
        Op::SendAll {
            data: b"hello tls\n".to_vec(),
            flags: 0,
        },
    );
    recv_until(&mut d, s, b"slt olleh");
    let snap = d.snapshot(s);
    let tls = snap.tls.expect("TLS in the snapshot");
    assert_eq!(tls.version.as_deref(), Some("TLSv1.3"));
    assert!(
        tls.suite
            .as_deref()
            .is_some_and(|s| s.starts_with("TLS13_")),
        "{tls:?}"
    );
    assert_eq!(tls.alpn.as_deref(), Some("echo"));
    assert_eq!(tls.sni.as_deref(), Some("localhost"));
    assert_eq!(tls.verification, Verification::Trusted);
    let leaf = &tls.chain[0];
    assert_eq!(leaf.subject, "CN=localhost");
    assert_eq!(leaf.sans, ["DNS:localhost"]);
    assert_eq!(leaf.sha256, fingerprint(&c));
    // The counters count the plaintext; the wire carried more (records, handshake).
    assert_eq!(snap.counters.bytes_out, 10);
    assert!(tls.wire_out > 10 && tls.wire_in > snap.counters.bytes_in);
    // Plaintext rows say they were TLS.
    let data = d.take_kept();
    assert!(data.iter().any(|e| matches!(e,
        Event::Data { id, chunk } if *id == s && chunk.tls)));
    // recv with flags and recvfrom are refused as CPython's SSLSocket refuses them.
    let e = d.err(
        s,
        Op::Recv {
            bufsize: 10,
            flags: libc::MSG_PEEK,
        },
    );
    assert_eq!(
        e.python_line(),
        "ValueError: non-zero flags not allowed in calls to recv() on <class 'ssl.SSLSocket'>"
    );
    // By the name of the call made, as ssl.py's own methods say it.
    let e = d.err(
        s,
        Op::RecvInto {
            nbytes: 10,
            flags: libc::MSG_PEEK,
        },
    );
    assert_eq!(
        e.python_line(),
        "ValueError: non-zero flags not allowed in calls to recv_into() on <class 'ssl.SSLSocket'>"
    );
    let e = d.err(
        s,
        Op::RecvFromInto {
            nbytes: 10,
            flags: 0,
        },
    );
    assert_eq!(
        e.python_line(),
        "ValueError: recvfrom_into not allowed on instances of <class 'ssl.SSLSocket'>"
    );
    d.close(s);
}

/// What python3's ssl module says when it refuses the server's certificate.
fn cpython_refusal(port: u16, ca: &Path, name: &str) -> String {
    let code = "import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2] or None)
try:
    ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))), server_hostname=sys.argv[3])
    print('accepted')
except ssl.SSLError as e:
    print(type(e).__name__ + ': ' + str(e))
";
    let out = Command::new("python3")
        .args(["-c", code, &port.to_string()])
        .arg(ca)
        .arg(name)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn a_wrong_name_and_an_expired_certificate_are_refused_with_cpythons_words() {
    if !have_openssl() || !have_python() {
        return;
    }
    for (expired, name, want) in [
        (
            false,
            "wrong.example",
            TlsFailure::WrongName {
                name: "wrong.example".into(),
            },
        ),
        (true, "localhost", TlsFailure::Expired),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (c, k) = cert(dir.path(), &["localhost"], expired);
        // One server for python3 and one for the engine (each takes one connection; -rev,
        // as s_server's interactive mode ends when its input does).
        let reference = s_server(&c, &k, &["-rev"]);
        let cpython = cpython_refusal(reference.port, &c, name);
        let server = s_server(&c, &k, &["-rev"]);
        let mut d = Driver::new();
        let s = d.create(Family::Inet, Kind::Stream);
        d.connect(s, server.addr());
        let e = d.err(
            s,
            Op::StartTls {
                spec: client_spec(name, Verify::CaFile { path: c.clone() }),
            },
        );
        assert_eq!(
            e.kind,
            ErrorKind::Tls {
                failure: want.clone()
            },
            "{e}"
        );
        assert_eq!(
            format!("SSLCertVerificationError: {}", e.python_message()),
            cpython,
            "socklab's words and CPython's"
        );
        // The explanation is in plain words, the hint true for the case.
        let (why, hint) = e.explanation();
        let hint = hint.unwrap();
        if expired {
            assert!(
                why.contains("expired") && hint.contains("Renew"),
                "{why} {hint}"
            );
        } else {
            assert!(
                why.contains("wrong.example") && hint.contains("SAN"),
                "{why} {hint}"
            );
            assert!(
                hint.contains("includes wrong.example"),
                "the name in the hint: {hint}"
            );
        }
        // The inspector still shows the certificate that was refused, and why.
        let tls = d.snapshot(s).tls.expect("TLS in the snapshot");
        assert_eq!(tls.verification, Verification::Refused { why: want });
        assert_eq!(tls.chain[0].sha256, fingerprint(&c));
        d.close(s);
    }
}

/// The self-signed certificate a tester makes with `openssl req -x509` is a CA's (its
/// basic constraints say so), which webpki refuses as a server's own before it looks for
/// an issuer: refused as CPython refuses it, self-signed, with the hint for that.
#[test]
fn an_openssl_made_self_signed_certificate_is_refused_as_self_signed() {
    if !have_openssl() || !have_python() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (c, k) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-days", "30", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost", "-keyout"])
        .arg(&k)
        .arg("-out")
        .arg(&c)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(made.success());
    let text = Command::new("openssl")
        .args(["x509", "-noout", "-text", "-in"])
        .arg(&c)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("CA:TRUE"),
        "the case this test is about: a CA certificate"
    );
    let reference = s_server(&c, &k, &["-rev"]);
    let cpython = cpython_refusal(reference.port, Path::new(""), "localhost");
    let server = s_server(&c, &k, &["-rev"]);
    let mut d = Driver::new();
    let s = d.create(Family::Inet, Kind::Stream);
    d.connect(s, server.addr());
    let e = d.err(
        s,
        Op::StartTls {
            spec: client_spec("localhost", Verify::System),
        },
    );
    assert_eq!(
        e.kind,
        ErrorKind::Tls {
            failure: TlsFailure::SelfSigned
        },
        "{e}"
    );
    assert_eq!(
        format!("SSLCertVerificationError: {}", e.python_message()),
        cpython,
        "socklab's words and CPython's"
    );
    let (why, hint) = e.explanation();
    assert!(why.contains("signed by itself"), "{why}");
    assert!(
        hint.is_some_and(|h| h.contains("CA file") && h.contains("don't verify")),
        "the hint names the ways on"
    );
    d.close(s);
}

#[test]
fn dont_verify_goes_on_and_says_what_checking_would_have_found() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (c, k) = cert(dir.path(), &["localhost"], true);
    let server = s_server(&c, &k, &["-rev"]);
    let mut d = Driver::new();
    let s = d.create(Family::Inet, Kind::Stream);
    d.connect(s, server.addr());
    d.ok(
        s,
        Op::StartTls {
            spec: client_spec("localhost", Verify::Off),
        },
    );
    d.ok(
        s,
        Op::SendAll {
            data: b"abc\n".to_vec(),
            flags: 0,
        },
    );
    recv_until(&mut d, s, b"cba");
    let tls = d.snapshot(s).tls.unwrap();
    // Checked against the system's roots: this self-signed one is trusted by none.
    assert!(
        matches!(&tls.verification, Verification::NotEnforced { would_fail: Some(f) } if f.is_certificate()),
        "{:?}",
        tls.verification
    );
}

/// A client's handshake with auto-receive already on (the window's quick start turns it
/// on first): the handshake begins with the client's own message, and auto-receive takes
/// the plaintext after it. A server's side on such a connection is refused, and says why.
#[test]
fn auto_receive_on_before_tls_gets_the_plaintext_and_a_server_side_says_why_not() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (c, k) = cert(dir.path(), &["localhost"], false);
    let server = s_server(&c, &k, &["-rev"]);
    let mut d = Driver::new();
    let s = d.create(Family::Inet, Kind::Stream);
    d.connect(s, server.addr());
    let auto = Op::AutoReceive {
        on: true,
        bufsize: 65536,
    };
    d.ok(s, auto.clone());
    d.ok(
        s,
        Op::StartTls {
            spec: client_spec("localhost", Verify::Off),
        },
    );
    d.ok(
        s,
        Op::SendAll {
            data: b"abc\n".to_vec(),
            flags: 0,
        },
    );
    let mut got = Vec::new();
    d.wait_for("the reversed line, decrypted", |e| {
        if let Event::Data { id, chunk } = e {
            if *id == s {
                got.extend_from_slice(&chunk.data);
            }
        }
        got.ends_with(b"cba\n")
    });
    assert!(got.ends_with(b"cba\n"), "plaintext, not records: {got:?}");
    d.close(s);

    let (l, addr) = d.listener(Family::Inet);
    let cl = d.create(Family::Inet, Kind::Stream);
    d.connect(cl, addr);
    let (conn, _) = d.accept(l);
    d.ok(conn, auto);
    let e = d.err(
        conn,
        Op::StartTls {
            spec: TlsSpec::Server {
                cert: CertSource::SelfSigned,
                alpn: Vec::new(),
            },
        },
    );
    assert_eq!(
        e.detail,
        socklab::engine::Detail::Refused(socklab::engine::Refusal::TlsServerAutoReceiving)
    );
    let (why, hint) = e.explanation();
    assert!(why.contains("handshake message"), "{why}");
    assert!(hint.is_some_and(|h| h.contains("listener")));
    for id in [conn, cl, l] {
        d.close(id);
    }

    // A connection a TLS listener accepted has its session from the first record: its
    // do_handshake() with auto-receive on goes ahead.
    let (l, addr) = d.listener(Family::Inet);
    let port = match &addr {
        AddrSpec::Inet { port, .. } => *port,
        other => panic!("{other:?}"),
    };
    let server_side = Op::StartTls {
        spec: TlsSpec::Server {
            cert: CertSource::SelfSigned,
            alpn: Vec::new(),
        },
    };
    d.ok(l, server_side.clone());
    let mut client = Command::new("openssl")
        .args(["s_client", "-connect"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-servername", "localhost", "-quiet", "-ign_eof"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (conn, _) = d.accept(l);
    d.auto_receive(conn, 65536);
    d.ok(conn, server_side);
    let _ = client.kill();
    let _ = client.wait();
    d.close(conn);
    d.close(l);
}

#[test]
fn a_server_side_answers_python_and_openssl_s_client() {
    if !have_openssl() || !have_python() {
        return;
    }
    let mut d = Driver::new();
    let (l, addr) = d.listener(Family::Inet);
    let port = match &addr {
        AddrSpec::Inet { port, .. } => *port,
        other => panic!("{other:?}"),
    };
    d.ok(
        l,
        Op::StartTls {
            spec: TlsSpec::Server {
                cert: CertSource::SelfSigned,
                alpn: Vec::new(),
            },
        },
    );
    let own = d
        .snapshot(l)
        .tls
        .and_then(|t| t.own)
        .expect("its certificate");
    assert!(own.sans.contains(&"DNS:localhost".to_string()), "{own:?}");
    assert!(own.sans.contains(&"IP:127.0.0.1".to_string()), "{own:?}");
    // python3's ssl client: trusts nothing but what it is told, so it checks nothing
    // here; it prints what it saw.
    let code = "import hashlib, socket, ssl, sys
print('PORT 0')
ctx = ssl._create_unverified_context()
s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))), server_hostname='localhost')
print(s.version(), hashlib.sha256(s.getpeercert(binary_form=True)).hexdigest())
s.sendall(b'ping')
got = b''
while not got.endswith(b'!'):
    got += s.recv(100)
print(got.decode())
s.close()
";
    let client = python(code, &[&port.to_string()]);
    let (conn, _) = d.accept(l);
    // The handshake is the connection's own; its first recv sees the plaintext.
    assert_eq!(recv_until(&mut d, conn, b"ping"), b"ping");
    d.ok(
        conn,
        Op::SendAll {
            data: b"pong!".to_vec(),
            flags: 0,
        },
    );
    let seen = client.line();
    let hex: String = own.sha256.split(':').collect::<String>().to_lowercase();
    assert_eq!(seen, format!("TLSv1.3 {hex}"));
    assert_eq!(client.line(), "pong!");
    let tls = d.snapshot(conn).tls.unwrap();
    assert_eq!(tls.sni.as_deref(), Some("localhost"));
    assert_eq!(tls.version.as_deref(), Some("TLSv1.3"));
    d.close(conn);

    // openssl s_client, whose data the connection's auto-receive takes as it comes.
    let mut cmd = Command::new("openssl");
    cmd.args(["s_client", "-connect"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-servername", "localhost", "-quiet", "-ign_eof"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let (conn, _) = d.accept(l);
    d.auto_receive(conn, 65536);
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        input.write_all(b"from s_client\n").unwrap();
        let mut got = Vec::new();
        d.wait_for("s_client's line", |e| {
            if let Event::Data { id, chunk } = e {
                if *id == conn {
                    got.extend_from_slice(&chunk.data);
                }
            }
            got.ends_with(b"from s_client\n")
        });
        drop(input);
    }
    let _ = child.kill();
    let _ = child.wait();
    d.close(conn);
    d.close(l);
}

/// 100 MB each way through TLS with python3's ssl module at the other end: a send job
/// (a file) to a server that hashes what it reads; a server sending a file to a
/// connection that records it to disk. The SHA-256 of both sides must be equal.
#[test]
fn a_hundred_megabytes_each_way_keep_their_sha256() {
    if !have_python() {
        return;
    }
    const SIZE: usize = 100 << 20;
    let dir = tempfile::tempdir().unwrap();
    let (c, k) = cert(dir.path(), &["localhost"], false);
    let file = dir.path().join("payload");
    let sha = random_file(&file, SIZE, 20);
    let hex = |h: &[u8; 32]| h.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let code = "import hashlib, socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
l = socket.create_server(('127.0.0.1', 0))
print('PORT', l.getsockname()[1])
with ctx.wrap_socket(l.accept()[0], server_side=True) as s:
    h, n = hashlib.sha256(), 0
    while True:
        b = s.recv(1 << 16)
        if not b:
            break
        h.update(b)
        n += len(b)
    print(n, h.hexdigest())
with ctx.wrap_socket(l.accept()[0], server_side=True) as s:
    with open(sys.argv[3], 'rb') as f:
        while b := f.read(1 << 16):
            s.sendall(b)
    s.unwrap()
";
    let peer = python(
        code,
        &[
            c.to_str().unwrap(),
            k.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
    );
    let mut d = Driver::new();
    let verify = Verify::CaFile { path: c.clone() };
    // Out: a send job streams the file through the session.
    let s = d.create(Family::Inet, Kind::Stream);
    d.connect(s, peer.addr());
    d.ok(
        s,
        Op::StartTls {
            spec: client_spec("localhost", verify.clone()),
        },
    );
    let job = SendJob {
        source: SendSource::File { path: file.clone() },
        times: Some(1),
        interval: Duration::ZERO,
        all: true,
        to: None,
        datagram: 1400,
    };
    let started = Instant::now();
    let r = d.client.send(s, Op::StartSending { job });
    let done = d
        .client
        .answer_until(r, Some(Instant::now() + Duration::from_secs(300)))
        .expect("the job ends");
    assert!(
        matches!(done, Ok(Reply::Sent { stopped: false, .. })),
        "{done:?}"
    );
    d.close(s);
    assert_eq!(peer.line(), format!("{SIZE} {}", hex(&sha)));
    // In: the connection records what it receives.
    let r = d.create(Family::Inet, Kind::Stream);
    d.connect(r, peer.addr());
    d.ok(
        r,
        Op::StartTls {
            spec: client_spec("localhost", verify),
        },
    );
    let got = dir.path().join("received");
    d.ok(
        r,
        Op::Record {
            path: Some(got.clone()),
            replace: false,
        },
    );
    d.auto_receive(r, 1 << 16);
    // The server's close_notify ends the stream: the connection is half-closed.
    let ended = d.client.wait_for(
        Some(Instant::now() + Duration::from_secs(300)),
        |e| matches!(e, Event::State { id, to: SockState::HalfClosed, .. } if *id == r),
    );
    assert!(ended.is_some(), "the stream's end within 300 s");
    let snap = d.snapshot(r);
    assert_eq!(snap.counters.bytes_in, SIZE as u64);
    assert!(snap.tls.is_some_and(|t| t.peer_closed));
    d.ok(
        r,
        Op::Record {
            path: None,
            replace: false,
        },
    );
    assert_eq!(file_hash(&got), (SIZE as u64, sha));
    eprintln!("100 MB each way through TLS in {:?}", started.elapsed());
    d.close(r);
}

/// A listener on 127.0.0.1 that speaks TLS (a certificate made for localhost) and answers
/// every connection with the responder `name`: its driver, id and port.
fn tls_responder(name: &str) -> (Driver, socklab::engine::SocketId, u16) {
    let mut d = Driver::new();
    let (l, addr) = d.listener(Family::Inet);
    let AddrSpec::Inet { port, .. } = addr else {
        panic!("an IPv4 listener")
    };
    let responder = socklab::serve::build(name, &socklab::serve::Options::default()).unwrap();
    for op in [
        Op::StartTls {
            spec: TlsSpec::Server {
                cert: CertSource::SelfSigned,
                alpn: Vec::new(),
            },
        },
        Op::Respond {
            responder: Some(responder),
        },
        Op::AutoAccept {
            on: true,
            receive: true,
        },
    ] {
        d.ok(l, op);
    }
    (d, l, port)
}

/// A listener answering with a responder over TLS: what python3's ssl client sends is
/// answered through the session (echo, upper), and a responder that greets before the
/// handshake has ended and hangs up after it (daytime) has its greeting delivered once
/// the handshake is done, before the close.
#[test]
fn responders_answer_over_tls() {
    if !have_python() {
        return;
    }
    let code = "import socket, ssl, sys
print('PORT 0')
ctx = ssl._create_unverified_context()
s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))), server_hostname='localhost')
s.settimeout(20)
if sys.argv[2]:
    s.sendall(sys.argv[2].encode())
got = b''
while len(got) < int(sys.argv[3]):
    b = s.recv(100)
    if not b:
        break
    got += b
print(repr(got))
";
    for (name, send, want) in [
        ("echo", "hello over tls", "b'hello over tls'"),
        ("upper", "shout", "b'SHOUT'"),
    ] {
        let (mut d, l, port) = tls_responder(name);
        let client = python(code, &[&port.to_string(), send, &send.len().to_string()]);
        assert_eq!(client.line(), want, "{name}");
        d.close(l);
    }
    // daytime: its line, then the close (python sees the line, then the end).
    let (_d, _l, port) = tls_responder("daytime");
    let client = python(code, &[&port.to_string(), "", "1000"]);
    let line = client.line();
    assert!(
        line.starts_with("b'") && line.ends_with("\\r\\n'") && line.len() > 12,
        "{line}"
    );
}

/// shutdown(SHUT_WR) right after a sendall: the records the session still held go out
/// before the FIN (the peer, python3's ssl, counts every byte), and a close afterwards
/// loses nothing either.
#[test]
fn shutdown_after_sendall_sends_every_record_first() {
    if !have_python() {
        return;
    }
    const SIZE: usize = 8 << 20;
    let dir = tempfile::tempdir().unwrap();
    let (c, k) = cert(dir.path(), &["localhost"], false);
    let code = "import socket, ssl, sys, time
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
l = socket.create_server(('127.0.0.1', 0))
print('PORT', l.getsockname()[1])
with ctx.wrap_socket(l.accept()[0], server_side=True) as s:
    n = 0
    while True:
        try:
            b = s.recv(1 << 16)
        except ssl.SSLError as e:
            print('error', e)
            break
        if not b:
            break
        n += len(b)
        time.sleep(0.005)
    print(n)
";
    let peer = python(code, &[c.to_str().unwrap(), k.to_str().unwrap()]);
    let mut d = Driver::new();
    let s = d.create(Family::Inet, Kind::Stream);
    d.connect(s, peer.addr());
    d.ok(
        s,
        Op::StartTls {
            spec: client_spec("localhost", Verify::CaFile { path: c.clone() }),
        },
    );
    d.ok(
        s,
        Op::SendAll {
            data: vec![7u8; SIZE],
            flags: 0,
        },
    );
    d.ok(
        s,
        Op::Shutdown {
            how: socklab::engine::How::Write,
        },
    );
    assert_eq!(peer.line(), SIZE.to_string());
    d.close(s);
}
