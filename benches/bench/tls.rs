//! TLS: receive throughput with the receiver's CPU per GB, and 32-byte echo round trips,
//! for `socklab serve --tls` against `openssl s_server` and `socat OPENSSL-LISTEN`, each
//! loaded by the same rustls client (roles `tls-send`, `tls-echo`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use super::*;

/// The servers' certificate, made once per run: (cert, key, both in one file for socat).
fn certificate(dir: &Path) -> Result<(String, String, String), String> {
    let key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
    let params =
        rcgen::CertificateParams::new(vec!["localhost".to_string()]).map_err(|e| e.to_string())?;
    let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
    let (c, k, both) = (
        dir.join("cert.pem"),
        dir.join("key.pem"),
        dir.join("both.pem"),
    );
    std::fs::write(&c, cert.pem()).map_err(|e| e.to_string())?;
    std::fs::write(&k, key.serialize_pem()).map_err(|e| e.to_string())?;
    std::fs::write(&both, cert.pem() + &key.serialize_pem()).map_err(|e| e.to_string())?;
    let p = |p: &Path| p.display().to_string();
    Ok((p(&c), p(&k), p(&both)))
}

impl Bench {
    fn tls_server(
        &self,
        subject: &str,
        port: u16,
        echo: bool,
        files: &(String, String, String),
    ) -> Result<Proc, String> {
        let (cert, key, both) = files;
        match subject {
            "socklab" => start_server(
                self.socklab.to_str().unwrap_or("socklab"),
                &[
                    s("serve"),
                    s(if echo { "echo" } else { "discard" }),
                    format!("127.0.0.1:{port}"),
                    s("--tls"),
                    s("--cert"),
                    s(cert),
                    s("--key-file"),
                    s(key),
                    s("--quiet"),
                ],
                port,
                Some("serving"),
            ),
            "openssl" => {
                let mut args = vec![
                    s("s_server"),
                    s("-quiet"),
                    s("-accept"),
                    format!("127.0.0.1:{port}"),
                    s("-cert"),
                    s(cert),
                    s("-key"),
                    s(key),
                ];
                if echo {
                    // Lines come back reversed: a 32-byte line is 32 bytes back.
                    args.push(s("-rev"));
                }
                start_server("openssl", &args, port, None)
            }
            "socat" => start_server(
                "socat",
                &[
                    s(if echo { "-b65536" } else { "-u" }),
                    format!(
                        "OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork,cert={both},verify=0"
                    ),
                    s(if echo { "PIPE" } else { "OPEN:/dev/null" }),
                ],
                port,
                None,
            ),
            other => Err(format!("no TLS server {other}")),
        }
    }

    /// 9. TLS receive (GB/s and the receiver's CPU seconds per GB) and echo round trips.
    pub fn tls(&mut self) {
        let bytes: u64 = if self.quick { 128 << 20 } else { 1 << 30 };
        let n: usize = if self.quick { 2000 } else { 10_000 };
        let me = self.me.to_string_lossy().into_owned();
        let dir = match tempfile::tempdir() {
            Ok(d) => d,
            Err(e) => {
                eprintln!("tls: {e}");
                return;
            }
        };
        let files = match certificate(dir.path()) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("tls: {e}");
                return;
            }
        };
        for run in 0..self.runs {
            for subject in ["socklab", "openssl", "socat"] {
                if !available(subject) {
                    continue;
                }
                eprintln!("tls run {run}: {subject}");
                let port = free_port();
                let result = (|| -> Result<(f64, f64), String> {
                    let srv = self.tls_server(subject, port, false, &files)?;
                    let before = cpu_secs(srv.0.id());
                    let out = run_client(&me, &[s("role"), s("tls-send"), s(port), s(bytes)])?;
                    // socat serves each connection in a child: its CPU is the children's,
                    // not read here.
                    let after = cpu_secs(srv.0.id());
                    let v = roles::parse_json(&out.stdout)?;
                    let gbps = v["gbps"].as_f64().ok_or("no gbps")?;
                    let cpu = match (before, after) {
                        (Some(b), Some(a)) if subject != "socat" => (a - b) / (bytes as f64 / 1e9),
                        _ => f64::NAN,
                    };
                    Ok((gbps, cpu))
                })();
                self.record(
                    "tls-receive",
                    subject,
                    "throughput",
                    "GB/s",
                    true,
                    result.clone().map(|r| r.0),
                );
                if subject != "socat" {
                    self.record(
                        "tls-receive",
                        subject,
                        "cpu",
                        "s/GB",
                        false,
                        result.map(|r| r.1),
                    );
                }
                let port = free_port();
                let result = (|| -> Result<(f64, f64, f64), String> {
                    let _srv = self.tls_server(subject, port, true, &files)?;
                    let out = run_client(&me, &[s("role"), s("tls-echo"), s(port), s(n), s(32)])?;
                    let v = roles::parse_json(&out.stdout)?;
                    Ok((
                        v["median_us"].as_f64().ok_or("no median")?,
                        v["p99_us"].as_f64().ok_or("no p99")?,
                        v["p999_us"].as_f64().ok_or("no p99.9")?,
                    ))
                })();
                self.record(
                    "tls-echo-rtt",
                    subject,
                    "median",
                    "us",
                    false,
                    result.clone().map(|r| r.0),
                );
                self.record(
                    "tls-echo-rtt",
                    subject,
                    "p99",
                    "us",
                    false,
                    result.clone().map(|r| r.1),
                );
                self.record(
                    "tls-echo-rtt",
                    subject,
                    "p99.9",
                    "us",
                    false,
                    result.map(|r| r.2),
                );
            }
        }
    }
}

/// The load's side checks nothing: every server here shows a certificate made for it.
#[derive(Debug)]
struct Anything;

impl ServerCertVerifier for Anything {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        rustls::crypto::ring::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

fn tls_connect(
    port: u16,
) -> Result<rustls::StreamOwned<rustls::ClientConnection, TcpStream>, String> {
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .dangerous()
    .with_custom_certificate_verifier(Arc::new(Anything))
    .with_no_client_auth();
    let name = ServerName::try_from("localhost").map_err(|e| e.to_string())?;
    let conn = rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
    let until = Instant::now() + Duration::from_secs(10);
    let sock = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => break s,
            Err(e) if Instant::now() < until => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(format!("connect 127.0.0.1:{port}: {e}")),
        }
    };
    sock.set_nodelay(true).map_err(|e| e.to_string())?;
    Ok(rustls::StreamOwned::new(conn, sock))
}

/// Role tls-send: writes `bytes` through TLS, says close_notify, waits for the server's
/// close; the time from connect to then.
pub fn tls_send(port: u16, bytes: u64) -> Result<(), String> {
    let block = vec![0x5au8; 256 << 10];
    let t0 = Instant::now();
    let mut s = tls_connect(port)?;
    let mut left = bytes;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        s.write_all(&block[..n]).map_err(|e| format!("send: {e}"))?;
        left -= n as u64;
    }
    s.conn.send_close_notify();
    s.flush().map_err(|e| e.to_string())?;
    let _ = s.sock.shutdown(std::net::Shutdown::Write);
    let mut sink = [0u8; 4096];
    while matches!(s.sock.read(&mut sink), Ok(n) if n > 0) {}
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "{{\"secs\": {secs}, \"gbps\": {}}}",
        bytes as f64 / secs / 1e9
    );
    Ok(())
}

/// Role tls-echo: `n` sequential round trips of a `size`-byte line through TLS.
pub fn tls_echo(port: u16, n: usize, size: usize) -> Result<(), String> {
    let mut s = tls_connect(port)?;
    let mut msg = vec![b'x'; size];
    if let Some(last) = msg.last_mut() {
        *last = b'\n';
    }
    roles::round_trips(&mut s, &msg, n)
}
