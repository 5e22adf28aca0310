//! Certificates: the configs rustls runs with, a verifier that records what it found (so
//! "don't verify" can still say what checking would have said), what the inspector shows
//! of a certificate, and a self-signed one for localhost.

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use sha2::Digest;

use super::{CertSource, TlsFailure, Verify};
use crate::engine::errors::OpError;

/// Largest certificate or key file read (a chain is a few KiB).
const MAX_PEM: u64 = 1 << 20;

pub(super) fn provider() -> Arc<CryptoProvider> {
    static P: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    P.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider()))
        .clone()
}

/// The system's trusted roots, read once (rustls-native-certs: the distribution's bundle).
fn system_roots() -> Arc<RootCertStore> {
    static R: OnceLock<Arc<RootCertStore>> = OnceLock::new();
    R.get_or_init(|| {
        let mut store = RootCertStore::empty();
        let found = rustls_native_certs::load_native_certs();
        store.add_parsable_certificates(found.certs);
        Arc::new(store)
    })
    .clone()
}

/// A PEM file's bytes, read with a bound.
fn read_pem(path: &Path, op: &'static str) -> Result<Vec<u8>, OpError> {
    use std::io::Read;
    let shown = Some(path.display().to_string());
    let f = std::fs::File::open(path).map_err(|e| OpError::from_io(op, shown.clone(), &e))?;
    let mut data = Vec::new();
    f.take(MAX_PEM + 1)
        .read_to_end(&mut data)
        .map_err(|e| OpError::from_io(op, shown.clone(), &e))?;
    if data.len() as u64 > MAX_PEM {
        return Err(OpError::python(
            op,
            "ssl.SSLError",
            format!(
                "{}: larger than 1 MiB, not a certificate or key file",
                path.display()
            ),
        ));
    }
    Ok(data)
}

fn pem_error(op: &'static str, path: &Path, what: &str) -> OpError {
    OpError::python(
        op,
        "ssl.SSLError",
        format!(
            "[SSL] PEM lib: {}: no {what} found (_ssl.c:3900)",
            path.display()
        ),
    )
}

fn certs_of(path: &Path, op: &'static str) -> Result<Vec<CertificateDer<'static>>, OpError> {
    let data = read_pem(path, op)?;
    let certs: Vec<_> = CertificateDer::pem_slice_iter(&data)
        .filter_map(Result::ok)
        .collect();
    if certs.is_empty() {
        return Err(pem_error(op, path, "certificate"));
    }
    Ok(certs)
}

/// A certificate for localhost, 127.0.0.1 and ::1, signed by its own key, valid from
/// yesterday (clocks that differ a little) for a year.
pub fn self_signed() -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), String> {
    let names = ["localhost", "127.0.0.1", "::1"]
        .map(str::to_string)
        .to_vec();
    let mut params = rcgen::CertificateParams::new(names).map_err(|e| e.to_string())?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "socklab (self-signed)");
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::UTC)
        .date();
    let day = |d: jiff::civil::Date| {
        rcgen::date_time_ymd(d.year().into(), d.month() as u8, d.day() as u8)
    };
    params.not_before = day(today.yesterday().map_err(|e| e.to_string())?);
    params.not_after = day(today
        .checked_add(jiff::Span::new().years(1))
        .map_err(|e| e.to_string())?);
    let key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
    let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok((vec![cert.der().clone()], key))
}

pub(super) fn server_config(
    cert: &CertSource,
    alpn: &[String],
    op: &'static str,
) -> Result<super::ServerSide, OpError> {
    let (chain, key) = match cert {
        CertSource::SelfSigned => {
            self_signed().map_err(|e| OpError::python(op, "ssl.SSLError", e))?
        }
        CertSource::Files { cert, key } => {
            let chain = certs_of(cert, op)?;
            let data = read_pem(key, op)?;
            let key = PrivateKeyDer::from_pem_slice(&data)
                .map_err(|_| pem_error(op, key, "private key"))?;
            (chain, key)
        }
    };
    let own = chain.first().and_then(summary);
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| OpError::python(op, "ssl.SSLError", e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| {
            OpError::python(
                op,
                "ssl.SSLError",
                format!("[SSL: KEY_VALUES_MISMATCH] {e} (_ssl.c:3900)"),
            )
        })?;
    config.alpn_protocols = alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
    Ok(super::ServerSide {
        config: Arc::new(config),
        own,
    })
}

/// What the verifier saw: the chain shown, and what checking it found (None: trusted).
#[derive(Debug, Default)]
pub(super) struct Seen {
    pub chain: Vec<CertificateDer<'static>>,
    pub checked: Option<Option<TlsFailure>>,
}

/// A client's verifier: webpki's check, recorded, and enforced unless told not to.
#[derive(Debug)]
struct Recorder {
    inner: Option<Arc<WebPkiServerVerifier>>,
    enforce: bool,
    seen: Arc<Mutex<Seen>>,
    /// The CA file's certificates: one of them shown as the server's own is trusted as
    /// it stands, as OpenSSL trusts a certificate in its store (webpki refuses a CA
    /// certificate as an end entity: `openssl req -x509` makes such self-signed ones).
    pinned: Vec<CertificateDer<'static>>,
    /// The certificate must name the server (CPython's check_hostname).
    check_name: bool,
}

/// OpenSSL's view of a certificate trusted as it stands: still in its validity, and
/// naming the server (its SANs; its CN where it has none).
fn check_pinned(
    der: &CertificateDer<'_>,
    name: &ServerName<'_>,
    now: UnixTime,
) -> Result<(), CertificateError> {
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der.as_ref()) else {
        return Err(CertificateError::BadEncoding);
    };
    let now = now.as_secs() as i64;
    if now < cert.validity().not_before.timestamp() {
        return Err(CertificateError::NotValidYet);
    }
    if now > cert.validity().not_after.timestamp() {
        return Err(CertificateError::Expired);
    }
    use x509_parser::extensions::GeneralName;
    let sans: Vec<GeneralName> = match cert.subject_alternative_name() {
        Ok(Some(ext)) => ext.value.general_names.clone(),
        _ => Vec::new(),
    };
    let dns_matches = |pattern: &str, host: &str| {
        let (p, h) = (pattern.to_ascii_lowercase(), host.to_ascii_lowercase());
        match p.strip_prefix("*.") {
            Some(rest) => h
                .split_once('.')
                .is_some_and(|(first, tail)| !first.is_empty() && tail == rest),
            None => p == h,
        }
    };
    let ok = match name {
        ServerName::DnsName(d) => {
            let host = d.as_ref();
            let dns: Vec<&str> = sans
                .iter()
                .filter_map(|n| match n {
                    GeneralName::DNSName(s) => Some(*s),
                    _ => None,
                })
                .collect();
            if dns.is_empty() {
                cert.subject()
                    .iter_common_name()
                    .filter_map(|cn| cn.as_str().ok())
                    .any(|cn| dns_matches(cn, host))
            } else {
                dns.iter().any(|p| dns_matches(p, host))
            }
        }
        ServerName::IpAddress(ip) => {
            let want: std::net::IpAddr = (*ip).into();
            sans.iter().any(|n| match n {
                GeneralName::IPAddress(b) => match b.len() {
                    4 => <[u8; 4]>::try_from(*b).is_ok_and(|a| std::net::IpAddr::from(a) == want),
                    16 => <[u8; 16]>::try_from(*b).is_ok_and(|a| std::net::IpAddr::from(a) == want),
                    _ => false,
                },
                _ => false,
            })
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(CertificateError::NotValidForName)
    }
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut result = match &self.inner {
            Some(v) => v
                .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
                .map(|_| ()),
            None => Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            )),
        };
        if result.is_err()
            && self
                .pinned
                .iter()
                .any(|p| p.as_ref() == end_entity.as_ref())
        {
            result = check_pinned(end_entity, server_name, now)
                .map_err(rustls::Error::InvalidCertificate);
        }
        // check_hostname off: a chain that only names another host is trusted.
        let other_name = |e: &rustls::Error| {
            matches!(
                e,
                rustls::Error::InvalidCertificate(
                    CertificateError::NotValidForName
                        | CertificateError::NotValidForNameContext { .. }
                )
            )
        };
        if !self.check_name && result.as_ref().err().is_some_and(other_name) {
            result = Ok(());
        }
        let self_issued =
            intermediates.is_empty() && summary(end_entity).is_some_and(|s| s.subject == s.issuer);
        let failure = result
            .as_ref()
            .err()
            .map(|e| failure_of(e, server_name, self_issued));
        if let Ok(mut seen) = self.seen.lock() {
            seen.chain = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.clone().into_owned())
                .collect();
            seen.checked = Some(failure);
        }
        match result {
            Err(e) if self.enforce => Err(e),
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &provider().signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &provider().signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A client's config for `verify`, with the place its verifier records what it saw.
pub(super) fn client_config(
    verify: &Verify,
    alpn: &[String],
    check_name: bool,
    op: &'static str,
) -> Result<(Arc<rustls::ClientConfig>, Arc<Mutex<Seen>>), OpError> {
    let mut pinned = Vec::new();
    let roots = match verify {
        Verify::System | Verify::Off => system_roots(),
        Verify::CaFile { path } => {
            let mut store = RootCertStore::empty();
            pinned = certs_of(path, op)?;
            let (added, _) = store.add_parsable_certificates(pinned.clone());
            if added == 0 {
                return Err(pem_error(op, path, "CA certificate"));
            }
            Arc::new(store)
        }
    };
    // No roots at all (a system without a bundle): nothing can be trusted, and "don't
    // verify" says so.
    let inner = WebPkiServerVerifier::builder_with_provider(roots, provider())
        .build()
        .ok();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let verifier = Recorder {
        inner,
        enforce: *verify != Verify::Off,
        seen: seen.clone(),
        pinned,
        check_name,
    };
    let mut config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| OpError::python(op, "ssl.SSLError", e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
    Ok((Arc::new(config), seen))
}

/// A rustls error as a failure in plain words.
pub(super) fn failure_of(
    e: &rustls::Error,
    name: &ServerName<'_>,
    self_issued: bool,
) -> TlsFailure {
    use rustls::Error as E;
    match e {
        E::InvalidCertificate(c) => match c {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                TlsFailure::Expired
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                TlsFailure::NotYetValid
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                TlsFailure::WrongName {
                    name: name.to_str().into_owned(),
                }
            }
            CertificateError::UnknownIssuer if self_issued => TlsFailure::SelfSigned,
            CertificateError::UnknownIssuer => TlsFailure::UnknownIssuer,
            // webpki refuses a CA certificate as the server's own before it looks for an
            // issuer; OpenSSL does not care, and finds none it trusts (`openssl req -x509`
            // makes such self-signed ones). A trusted one never gets here: a CA file's is
            // pinned, and no system root serves a site.
            CertificateError::Other(o)
                if matches!(
                    o.0.downcast_ref::<webpki::Error>(),
                    Some(webpki::Error::CaUsedAsEndEntity)
                ) =>
            {
                if self_issued {
                    TlsFailure::SelfSigned
                } else {
                    TlsFailure::UnknownIssuer
                }
            }
            other => TlsFailure::Other {
                message: format!("invalid certificate: {other:?}"),
            },
        },
        E::AlertReceived(alert) => TlsFailure::Alert {
            alert: format!("{alert:?}"),
        },
        other => TlsFailure::Other {
            message: other.to_string(),
        },
    }
}

/// One certificate as the inspector shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct CertSummary {
    pub subject: String,
    pub issuer: String,
    /// Validity, as "2026-12-02 16:00:00 UTC".
    pub not_before: String,
    pub not_after: String,
    /// Subject alternative names: "DNS:localhost", "IP:127.0.0.1".
    pub sans: Vec<String>,
    /// SHA-256 of the DER, as "AB:CD:..." (openssl x509 -fingerprint -sha256 writes it so).
    pub sha256: String,
    /// The serial number in hexadecimal, as OpenSSL writes it ("41B06B35...").
    pub serial: String,
    /// The certificate itself (getpeercert(binary_form=True)); shared, not copied, by
    /// each snapshot.
    pub der: std::sync::Arc<[u8]>,
}

/// A serial number as OpenSSL writes it (BN_bn2hex): whole bytes in upper-case hex, the
/// sign's leading zero bytes left out ("022BCE...", not "22BCE...").
fn serial_hex(raw: &[u8]) -> String {
    let start = raw
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(raw.len().saturating_sub(1));
    raw[start..].iter().map(|b| format!("{b:02X}")).collect()
}

fn utc(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|_| format!("{secs} s after 1970"))
}

/// What a DER certificate says, or None if it does not parse.
pub(super) fn summary(der: &CertificateDer<'_>) -> Option<CertSummary> {
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    let sans = match cert.subject_alternative_name() {
        Ok(Some(ext)) => ext
            .value
            .general_names
            .iter()
            .filter_map(|n| match n {
                x509_parser::extensions::GeneralName::DNSName(d) => Some(format!("DNS:{d}")),
                x509_parser::extensions::GeneralName::IPAddress(b) => match b.len() {
                    4 => Some(format!(
                        "IP:{}",
                        std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*b).ok()?)
                    )),
                    16 => Some(format!(
                        "IP:{}",
                        std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*b).ok()?)
                    )),
                    _ => None,
                },
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let digest = sha2::Sha256::digest(der.as_ref());
    let sha256 = digest
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    Some(CertSummary {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: utc(cert.validity().not_before.timestamp()),
        not_after: utc(cert.validity().not_after.timestamp()),
        sans,
        sha256,
        serial: serial_hex(cert.raw_serial()),
        der: der.as_ref().into(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn serials_are_whole_bytes_as_openssl_writes_them() {
        assert_eq!(super::serial_hex(&[0x00, 0x82, 0x01]), "8201");
        assert_eq!(super::serial_hex(&[0x02, 0x2B]), "022B");
        assert_eq!(super::serial_hex(&[0x00]), "00");
    }
}
