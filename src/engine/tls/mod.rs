//! TLS on a TCP socket (rustls): what a front end asks for (`TlsSpec`), what the inspector
//! shows of a session (`TlsInfo`), and how a failure is told (`TlsFailure`). The worker
//! keeps a `Layer` (layer.rs) between its socket and the calls, so recv and send carry the
//! plaintext while the kernel carries the records.

mod certs;
mod layer;

use std::path::PathBuf;
use std::sync::Arc;

pub use certs::{self_signed, CertSummary};
pub(crate) use layer::Layer;

use super::errors::OpError;

/// How a socket's TLS starts.
#[derive(Clone, Debug, PartialEq)]
pub enum TlsSpec {
    /// This end is the client (a connected socket): the server's name (SNI and the name
    /// its certificate must carry), the protocols offered by ALPN, how the certificate is
    /// checked.
    Client {
        server_name: String,
        alpn: Vec<String>,
        verify: Verify,
        /// The certificate must name `server_name` (CPython's check_hostname); off, the
        /// chain is still checked. An empty `server_name` sends no SNI.
        check_name: bool,
    },
    /// This end is the server: on a connected socket it answers its peer's handshake; on
    /// a listener, every connection it accepts from now on does.
    Server { cert: CertSource, alpn: Vec<String> },
}

/// How a client checks the server's certificate.
#[derive(Clone, Debug, PartialEq)]
pub enum Verify {
    /// Against the system's trusted roots.
    System,
    /// Against the CA certificates in this PEM file.
    CaFile { path: PathBuf },
    /// Not at all: the handshake goes on whatever the certificate is (the inspector still
    /// says what checking it against the system's roots would have found).
    Off,
}

/// A server's certificate and key.
#[derive(Clone, Debug, PartialEq)]
pub enum CertSource {
    /// Made now, for localhost, 127.0.0.1 and ::1, valid from now for a year.
    SelfSigned,
    /// PEM files: the chain (leaf first) and its private key.
    Files { cert: PathBuf, key: PathBuf },
}

/// Which end of the handshake this socket is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsSide {
    Client,
    Server,
}

/// What checking the peer's certificate found.
#[derive(Clone, Debug, PartialEq)]
pub enum Verification {
    /// Checked and trusted.
    Trusted,
    /// Checked and refused: the handshake failed for this.
    Refused { why: TlsFailure },
    /// Not enforced ("don't verify"): what the check would have said (None: trusted).
    NotEnforced { would_fail: Option<TlsFailure> },
    /// Nothing to check (a server whose clients show no certificate), or not yet.
    None,
}

/// What the inspector shows of a socket's TLS.
#[derive(Clone, Debug, PartialEq)]
pub struct TlsInfo {
    pub side: TlsSide,
    /// The handshake is still going on.
    pub handshaking: bool,
    /// "TLSv1.3", once negotiated.
    pub version: Option<String>,
    /// "TLS13_AES_256_GCM_SHA384", once negotiated.
    pub suite: Option<String>,
    /// The protocol ALPN settled on.
    pub alpn: Option<String>,
    /// The server name: sent (client) or received (server).
    pub sni: Option<String>,
    /// The peer's certificates, leaf first.
    pub chain: Vec<CertSummary>,
    /// A server's own certificate (leaf).
    pub own: Option<CertSummary>,
    pub verification: Verification,
    /// Bytes on the wire (records, handshake included), where the counters count the
    /// plaintext.
    pub wire_in: u64,
    pub wire_out: u64,
    /// The session ended in an error (a failed handshake, a bad record, an alert).
    pub failure: Option<TlsFailure>,
    /// The peer said close_notify.
    pub peer_closed: bool,
}

/// Why TLS failed, in words a person can act on (and CPython's line for it).
#[derive(Clone, Debug, PartialEq)]
pub enum TlsFailure {
    Expired,
    NotYetValid,
    /// The certificate does not name the server asked for.
    WrongName {
        name: String,
    },
    /// Signed by an issuer nobody trusts here.
    UnknownIssuer,
    /// Signed by itself and not trusted.
    SelfSigned,
    /// The connection ended in the middle of the handshake.
    Eof,
    /// The peer sent an alert (its name, as rustls gives it).
    Alert {
        alert: String,
    },
    /// Anything else, in rustls's words.
    Other {
        message: String,
    },
}

impl TlsFailure {
    pub fn is_certificate(&self) -> bool {
        matches!(
            self,
            TlsFailure::Expired
                | TlsFailure::NotYetValid
                | TlsFailure::WrongName { .. }
                | TlsFailure::UnknownIssuer
                | TlsFailure::SelfSigned
        )
    }

    /// CPython's exception class.
    pub fn python_class(&self) -> &'static str {
        match self {
            f if f.is_certificate() => "ssl.SSLCertVerificationError",
            TlsFailure::Eof => "ssl.SSLEOFError",
            _ => "ssl.SSLError",
        }
    }

    /// CPython's message (OpenSSL's reason words).
    pub fn python_message(&self) -> String {
        const AT: &str = "(_ssl.c:1006)";
        let verify = |why: &str| {
            format!("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {why} {AT}")
        };
        match self {
            TlsFailure::Expired => verify("certificate has expired"),
            TlsFailure::NotYetValid => verify("certificate is not yet valid"),
            TlsFailure::WrongName { name } => verify(&format!(
                "Hostname mismatch, certificate is not valid for '{name}'."
            )),
            TlsFailure::UnknownIssuer => verify("unable to get local issuer certificate"),
            TlsFailure::SelfSigned => verify("self-signed certificate"),
            TlsFailure::Eof => format!(
                "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol {AT}"
            ),
            TlsFailure::Alert { alert } => {
                let reason = alert_reason(alert);
                let words = reason
                    .to_ascii_lowercase()
                    .replacen('_', " ", 2)
                    .replace('_', " ");
                format!("[SSL: {reason}] {words} {AT}")
            }
            TlsFailure::Other { message } => format!("[SSL] {message} {AT}"),
        }
    }

    /// The failure as an error of `op`.
    pub fn error(&self, op: &'static str, addr: Option<String>) -> OpError {
        OpError::tls(op, addr, self.clone())
    }
}

/// An alert's name as OpenSSL words its reason ("TLSV1_ALERT_UNKNOWN_CA"; the alerts
/// SSL 3 already had are "SSLV3_ALERT_BAD_CERTIFICATE").
fn alert_reason(alert: &str) -> String {
    const SSLV3: &[&str] = &[
        "CloseNotify",
        "UnexpectedMessage",
        "BadRecordMac",
        "DecompressionFailure",
        "HandshakeFailure",
        "NoCertificate",
        "BadCertificate",
        "UnsupportedCertificate",
        "CertificateRevoked",
        "CertificateExpired",
        "CertificateUnknown",
        "IllegalParameter",
    ];
    let mut out = String::from(if SSLV3.contains(&alert) {
        "SSLV3_ALERT_"
    } else {
        "TLSV1_ALERT_"
    });
    let mut lower_before = false;
    for c in alert.chars() {
        if c.is_ascii_uppercase() && lower_before {
            out.push('_');
        }
        lower_before = c.is_ascii_lowercase();
        out.push(c.to_ascii_uppercase());
    }
    out
}

impl std::fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.python_message())
    }
}

impl std::error::Error for TlsFailure {}

/// A listener's server side, made once and shared by the connections it accepts.
#[derive(Clone)]
pub(crate) struct ServerSide {
    pub(crate) config: Arc<rustls::ServerConfig>,
    /// The certificate it presents, as the inspector shows it.
    pub(crate) own: Option<CertSummary>,
}

/// Builds the server side of `spec` (certificates read, or made) for a listener or a
/// connection; `op` names the call that failed.
pub(crate) fn server_config(
    cert: &CertSource,
    alpn: &[String],
    op: &'static str,
) -> Result<ServerSide, OpError> {
    // A key made, files parsed: deep in an unoptimised build, more than a worker's stack
    // holds (it overflowed 256 KiB), so it runs on a thread of its own with room.
    let (cert, alpn) = (cert.clone(), alpn.to_vec());
    let made = std::thread::Builder::new()
        .name("tls-config".into())
        .stack_size(CONFIG_STACK)
        .spawn(move || certs::server_config(&cert, &alpn, op));
    match made.map(|h| h.join()) {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(OpError::internal(
            op,
            "making the TLS configuration panicked",
        )),
        Err(e) => Err(OpError::from_io(op, None, &e)),
    }
}

/// The stack of the thread that makes a configuration.
const CONFIG_STACK: usize = 8 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_say_what_cpython_says() {
        assert_eq!(
            TlsFailure::Expired.python_message(),
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)"
        );
        assert_eq!(
            TlsFailure::WrongName {
                name: "wrong.example".into()
            }
            .python_class(),
            "ssl.SSLCertVerificationError"
        );
        assert_eq!(alert_reason("UnknownCA"), "TLSV1_ALERT_UNKNOWN_CA");
        assert_eq!(
            alert_reason("BadCertificate"),
            "SSLV3_ALERT_BAD_CERTIFICATE"
        );
        assert_eq!(
            TlsFailure::Alert {
                alert: "UnknownCA".into()
            }
            .python_message(),
            "[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca (_ssl.c:1006)"
        );
    }
}
