//! `socklab serve` as scripts use it: the ready line names the address, every connection and
//! message is logged, bad arguments exit 2, and exposing a server says so.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(20);

struct Server {
    child: Child,
    lines: BufReader<ChildStdout>,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_socklab"))
            .arg("serve")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        lines.read_line(&mut first).unwrap();
        assert!(first.starts_with("serving "), "ready line: {first:?}");
        let port = first
            .split_whitespace()
            .find_map(|w| w.rsplit_once(':').and_then(|(_, p)| p.parse().ok()))
            .unwrap();
        Server { child, lines, port }
    }

    /// Reads log lines until one contains `what`.
    fn expect(&mut self, what: &str) -> String {
        let mut seen = Vec::new();
        loop {
            let mut l = String::new();
            let n = self.lines.read_line(&mut l).unwrap();
            assert!(n > 0, "log ended before {what:?}; saw {seen:?}");
            if l.contains(what) {
                return l;
            }
            seen.push(l);
        }
    }
}

#[test]
fn echo_over_tcp_logs_every_connection_and_message() {
    let mut s = Server::start(&["echo", "127.0.0.1:0"]);
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    c.set_read_timeout(Some(DEADLINE)).unwrap();
    c.write_all(b"hello").unwrap();
    let mut b = [0u8; 5];
    c.read_exact(&mut b).unwrap();
    assert_eq!(&b, b"hello");
    drop(c);
    assert!(s.expect("+ conn1 from 127.0.0.1:").starts_with('+'));
    s.expect("< conn1 5 b'hello'");
    s.expect("> conn1 5 b'hello'");
    s.expect("- conn1 closing: the peer closed its side, so the server hung up too (echo)");
    s.expect("- conn1 closed");
}

#[test]
fn udp_and_hmac_from_the_command_line() {
    let mut s = Server::start(&["upper", "127.0.0.1:0", "--udp"]);
    let u = UdpSocket::bind("127.0.0.1:0").unwrap();
    u.set_read_timeout(Some(DEADLINE)).unwrap();
    u.send_to(b"abc", ("127.0.0.1", s.port)).unwrap();
    let mut b = [0u8; 16];
    let (n, _) = u.recv_from(&mut b).unwrap();
    assert_eq!(&b[..n], b"ABC");
    s.expect("< server 127.0.0.1:");

    let mut s = Server::start(&["hmac", "0", "--key", "k", "--digest", "md5"]);
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    c.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut challenge = [0u8; 32];
    c.read_exact(&mut challenge).unwrap();
    let mac =
        socklab::pyfmt::hashing::hmac_digest(socklab::pyfmt::hashing::Algo::Md5, b"k", &challenge);
    c.write_all(socklab::pyfmt::to_hex(&mac).as_bytes())
        .unwrap();
    let mut ok = [0u8; 3];
    c.read_exact(&mut ok).unwrap();
    assert_eq!(&ok, b"OK\n");
    s.expect("! conn1 HMAC check passed");
}

#[test]
fn bad_arguments_exit_2_and_exposure_is_warned() {
    for args in [
        &["nosuch", "9000"][..],
        &["echo"],
        &["hmac", "9000"],
        &["echo", "70000"],
        &["rules", "9000", "--rule", "regex:(=>x"],
        &["chargen", "9000", "--udp", "--udp-amplify", "0"],
        &["hmac", "9000", "--key", "k", "--challenge-timeout", "inf"],
        &["echo", "9000", "--tls", "--udp"],
        &["echo", "9000", "--tls", "--cert", "c.pem"],
        &["echo", "9000", "--key-file", "k.pem"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_socklab"))
            .arg("serve")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} says why");
    }
    for (addr, named) in [
        ("0.0.0.0:0", "0.0.0.0 is"),
        (":0", "0.0.0.0 (every interface"),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_socklab"))
            .args(["serve", "echo", addr])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut l = String::new();
        err.read_line(&mut l).unwrap();
        let _ = child.kill();
        let _ = child.wait();
        assert!(l.contains("reachable from the network"), "{l}");
        assert!(l.contains(named), "the address is named: {l}");
    }
}

/// `--tls`: a client speaking TLS (python3's ssl module) gets its echo, and the
/// certificate it was shown is the one the ready line names by its SHA-256.
#[test]
fn echo_over_tls_names_its_certificate() {
    let have = Command::new("python3").arg("-c").arg("pass").status();
    if !have.is_ok_and(|s| s.success()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "under CI python3 must be installed"
        );
        return;
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(["serve", "echo", "127.0.0.1:0", "--tls"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    lines.read_line(&mut first).unwrap();
    let server = Server {
        child,
        lines,
        port: 0,
    };
    assert!(first.contains("TCP over TLS"), "{first}");
    let port: u16 = first
        .split_whitespace()
        .find_map(|w| w.strip_prefix("127.0.0.1:").and_then(|p| p.parse().ok()))
        .unwrap();
    let sha = first
        .split("SHA-256 ")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .unwrap()
        .replace(':', "")
        .to_lowercase();
    let code = "import hashlib, socket, ssl, sys
ctx = ssl._create_unverified_context()
s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))), server_hostname='localhost')
s.sendall(b'over tls')
got = b''
while len(got) < 8:
    got += s.recv(100)
print(got.decode(), hashlib.sha256(s.getpeercert(binary_form=True)).hexdigest())
";
    let out = Command::new("python3")
        .args(["-c", code, &port.to_string()])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("over tls {sha}"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(server);
}

/// A client that speaks no TLS to a `--tls` server (it connects and says nothing) costs
/// the server no CPU: the greeting chargen makes before the handshake waits for the
/// handshake's records, not for an idle socket's room (which spun before).
#[test]
fn a_silent_client_of_a_tls_server_costs_no_cpu() {
    let mut server = Server::start(&["chargen", "127.0.0.1:0", "--tls"]);
    let _client = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    server.expect("+ conn1");
    let cpu = |pid: u32| -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let f: Vec<&str> = stat
            .rsplit_once(')')
            .unwrap()
            .1
            .split_whitespace()
            .collect();
        (f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap()) / 100.0
    };
    let pid = server.child.id();
    let before = cpu(pid);
    // Measured over two seconds of wall time (a spin would use all of them).
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu(pid) - before;
    assert!(used < 0.2, "{used} s of CPU in 2 s with one silent client");
}
