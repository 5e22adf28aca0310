//! `socklab run` with Python's ssl module as tutorials use it, against python3 running the
//! same program: a client of `openssl s_server` (a certificate made as `openssl req -x509`
//! makes one, trusted through cafile), its version, cipher, certificate and echo; a wrong
//! host name and an expired certificate refused with CPython's exception and words; and a
//! server with load_cert_chain whose client is python3. The outputs must be identical.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::parity::python;

const CLIENT: &str = r#"import socket, ssl, sys
port, cafile, name = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=cafile)
if len(sys.argv) > 4:
    ctx.check_hostname = False
try:
    with socket.create_connection(('127.0.0.1', port)) as sock:
        with ctx.wrap_socket(sock, server_hostname=name) as ssock:
            print(ssock.version(), ssock.cipher())
            print(ssock.getpeercert())
            ssock.sendall(b'hello tls\n')
            got = b''
            while not got.endswith(b'\n'):
                got += ssock.recv(100)
            print(got)
except ssl.SSLError as e:
    print(type(e).__module__, type(e).__name__, e.errno, isinstance(e, ValueError))
    print(e)
"#;

/// A server, wrapping its listener (argv[3] "listener") or each connection it accepted
/// (the other way tutorials write it).
const SERVER: &str = r#"import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
with socket.socket() as s:
    s.bind(('127.0.0.1', 0))
    s.listen()
    print('PORT', s.getsockname()[1], flush=True)
    if sys.argv[3] == 'listener':
        ss = ctx.wrap_socket(s, server_side=True)
        conn, addr = ss.accept()
    else:
        plain, addr = s.accept()
        conn = ctx.wrap_socket(plain, server_side=True)
    with conn:
        print(conn.version(), conn.cipher()[0])
        data = conn.recv(100)
        print('got', data)
        conn.sendall(data.upper())
"#;

/// A certificate as `openssl req -x509` makes it (CN and SAN localhost, a CA itself),
/// valid now, or expired.
fn openssl_cert(dir: &Path, expired: bool) -> (String, String) {
    let (c, k) = (dir.join("cert.pem"), dir.join("key.pem"));
    if expired {
        // openssl req cannot date a certificate in the past; rcgen can.
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "localhost");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        let made = params.self_signed(&key).unwrap();
        std::fs::write(&c, made.pem()).unwrap();
        std::fs::write(&k, key.serialize_pem()).unwrap();
    } else {
        let ok = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
            ])
            .args(["-nodes", "-days", "2", "-subj", "/CN=localhost"])
            .args(["-addext", "subjectAltName=DNS:localhost", "-keyout"])
            .arg(&k)
            .arg("-out")
            .arg(&c)
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(ok.success());
    }
    (c.display().to_string(), k.display().to_string())
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `openssl s_server -rev` taking one connection; its port.
fn s_server(c: &str, k: &str) -> (Killed, u16) {
    let mut child = Command::new("openssl")
        .args([
            "s_server",
            "-accept",
            "127.0.0.1:0",
            "-naccept",
            "1",
            "-rev",
            "-cert",
            c,
            "-key",
            k,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let child = Killed(child);
    for line in BufReader::new(out).lines().map_while(Result::ok) {
        if let Some(p) = line.strip_prefix("ACCEPT 127.0.0.1:") {
            return (child, p.trim().parse().unwrap());
        }
    }
    panic!("s_server gave no port");
}

/// Each program ends within a minute, or the test fails instead of hanging.
fn socklab() -> Command {
    let mut cmd = Command::new("timeout");
    cmd.args(["60", env!("CARGO_BIN_EXE_socklab"), "run"]);
    cmd
}

fn python3() -> Command {
    let mut cmd = Command::new("timeout");
    cmd.args(["60", "python3"]);
    cmd
}

fn output(mut cmd: Command) -> String {
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn have_peers() -> bool {
    let openssl = Command::new("openssl")
        .arg("version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let ok = openssl && python().is_some();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "under CI openssl and python3 must be installed"
        );
    }
    ok
}

#[test]
fn a_tls_client_prints_what_python3_prints() {
    if !have_peers() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let prog = dir.path().join("client.py");
    std::fs::write(&prog, CLIENT).unwrap();
    // (expired, the name asked for, check_hostname off)
    for (expired, name, nocheck) in [
        (false, "localhost", false),
        (false, "wrong.example", false),
        (false, "wrong.example", true),
        (true, "localhost", false),
    ] {
        let sub = tempfile::tempdir().unwrap();
        let (c, k) = openssl_cert(sub.path(), expired);
        let mut outs = Vec::new();
        for socklab_run in [false, true] {
            let (_server, port) = s_server(&c, &k);
            let mut cmd = if socklab_run { socklab() } else { python3() };
            cmd.arg(&prog).args([&port.to_string(), &c, name]);
            if nocheck {
                cmd.arg("nocheck");
            }
            outs.push(output(cmd));
        }
        assert_eq!(
            outs[1], outs[0],
            "socklab run (left) and python3 (right), {name} expired={expired} nocheck={nocheck}"
        );
        assert!(!outs[0].contains("Traceback"), "{}", outs[0]);
    }
}

#[test]
fn a_tls_server_prints_what_python3_prints() {
    if !have_peers() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let prog = dir.path().join("server.py");
    std::fs::write(&prog, SERVER).unwrap();
    let (c, k) = openssl_cert(dir.path(), false);
    let client = "import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
with ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))), server_hostname='localhost') as s:
    s.sendall(b'shout')
    print(s.recv(100))
";
    let mut outs = Vec::new();
    for (socklab_run, wrapped) in [
        (false, "listener"),
        (true, "listener"),
        (false, "connection"),
        (true, "connection"),
    ] {
        let mut cmd = if socklab_run { socklab() } else { python3() };
        let mut server = cmd
            .arg(&prog)
            .args([c.as_str(), k.as_str(), wrapped])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = server.stdout.take();
        // Killed when dropped, whatever fails below.
        let server = Killed(server);
        let mut lines = BufReader::new(out.unwrap());
        let mut first = String::new();
        lines.read_line(&mut first).unwrap();
        let port = first
            .trim()
            .strip_prefix("PORT ")
            .unwrap_or_else(|| panic!("{first:?}"))
            .to_string();
        let said = python3().args(["-c", client, &port, &c]).output().unwrap();
        let mut rest = String::new();
        for l in lines.lines().map_while(Result::ok) {
            rest.push_str(&l);
            rest.push('\n');
        }
        drop(server);
        outs.push(format!("{}{rest}", String::from_utf8_lossy(&said.stdout)));
    }
    assert_eq!(
        outs[1], outs[0],
        "socklab run (left) and python3 (right), a wrapped listener"
    );
    assert_eq!(
        outs[3], outs[2],
        "socklab run (left) and python3 (right), a wrapped connection"
    );
    for out in &outs {
        assert!(
            out.contains("b'SHOUT'") && out.contains("got b'shout'"),
            "{out}"
        );
    }
}
