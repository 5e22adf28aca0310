//! Addresses as people type them (host, port, path), resolved the way CPython resolves them,
//! and socket addresses rendered the way Python shows them.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use socket2::SockAddr;

use super::errors::{ErrorKind, OpError};

/// glibc's EAI_ADDRFAMILY ("Address family for hostname not supported"), absent from libc.
const EAI_ADDRFAMILY: i32 = -9;

/// An address family, as socket() takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    Inet,
    Inet6,
    Unix,
    /// Any other value, passed to the kernel as is (it will usually refuse it).
    Other(i32),
}

impl Family {
    pub fn from_raw(v: i32) -> Family {
        match v {
            libc::AF_INET => Family::Inet,
            libc::AF_INET6 => Family::Inet6,
            libc::AF_UNIX => Family::Unix,
            x => Family::Other(x),
        }
    }
    pub fn raw(self) -> i32 {
        match self {
            Family::Inet => libc::AF_INET,
            Family::Inet6 => libc::AF_INET6,
            Family::Unix => libc::AF_UNIX,
            Family::Other(x) => x,
        }
    }
    pub fn name(self) -> String {
        match self {
            Family::Inet => "AF_INET".into(),
            Family::Inet6 => "AF_INET6".into(),
            Family::Unix => "AF_UNIX".into(),
            Family::Other(x) => format!("family {x}"),
        }
    }
}

/// A socket type, as socket() takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Stream,
    Dgram,
    Other(i32),
}

impl Kind {
    pub fn from_raw(v: i32) -> Kind {
        match v {
            libc::SOCK_STREAM => Kind::Stream,
            libc::SOCK_DGRAM => Kind::Dgram,
            x => Kind::Other(x),
        }
    }
    pub fn raw(self) -> i32 {
        match self {
            Kind::Stream => libc::SOCK_STREAM,
            Kind::Dgram => libc::SOCK_DGRAM,
            Kind::Other(x) => x,
        }
    }
    pub fn name(self) -> String {
        match self {
            Kind::Stream => "SOCK_STREAM".into(),
            Kind::Dgram => "SOCK_DGRAM".into(),
            Kind::Other(x) => format!("type {x}"),
        }
    }
}

/// An address as the user gives it, before resolution.
#[derive(Clone, Debug, PartialEq)]
pub enum AddrSpec {
    /// `(host, port)`; host may be a name, a numeric address, '' (any) or '<broadcast>'.
    Inet { host: String, port: u16 },
    /// `(host, port, flowinfo, scope_id)`.
    Inet6 {
        host: String,
        port: u16,
        flowinfo: u32,
        scope_id: u32,
    },
    /// A filesystem path, or an abstract name starting with a NUL byte.
    Unix { path: Vec<u8> },
}

impl fmt::Display for AddrSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddrSpec::Inet { host, port } => write!(f, "{host}:{port}"),
            AddrSpec::Inet6 { host, port, .. } => write!(f, "[{host}]:{port}"),
            // An abstract name as `ss` and the window show it: its NUL as '@'.
            AddrSpec::Unix { path } => match path.split_first() {
                Some((0, name)) => write!(f, "@{}", String::from_utf8_lossy(name)),
                _ => write!(f, "{}", String::from_utf8_lossy(path)),
            },
        }
    }
}

impl AddrSpec {
    /// Resolves to a kernel address for a socket of `family`, as CPython's getsockaddrarg does.
    pub fn resolve(&self, family: Family, op: &'static str) -> Result<SockAddr, OpError> {
        let shown = Some(self.to_string());
        match (self, family) {
            (AddrSpec::Inet { host, port }, Family::Inet) => {
                let ip = resolve_host(host, libc::AF_INET, op, &shown)?;
                match ip {
                    IpAddr::V4(v4) => Ok(SockAddr::from(SocketAddrV4::new(v4, *port))),
                    IpAddr::V6(_) => Err(gai_error(op, &shown, EAI_ADDRFAMILY)),
                }
            }
            (
                AddrSpec::Inet6 {
                    host,
                    port,
                    flowinfo,
                    scope_id,
                },
                Family::Inet6,
            ) => {
                let ip = resolve_host(host, libc::AF_INET6, op, &shown)?;
                match ip {
                    IpAddr::V6(v6) => Ok(SockAddr::from(SocketAddrV6::new(
                        v6, *port, *flowinfo, *scope_id,
                    ))),
                    IpAddr::V4(_) => Err(gai_error(op, &shown, EAI_ADDRFAMILY)),
                }
            }
            (AddrSpec::Inet { host, port }, Family::Inet6) => {
                let ip = resolve_host(host, libc::AF_INET6, op, &shown)?;
                match ip {
                    IpAddr::V6(v6) => Ok(SockAddr::from(SocketAddrV6::new(v6, *port, 0, 0))),
                    IpAddr::V4(_) => Err(gai_error(op, &shown, EAI_ADDRFAMILY)),
                }
            }
            (AddrSpec::Unix { path }, Family::Unix) => unix_addr(path, op, &shown),
            (spec, fam) => Err(OpError {
                op,
                addr: shown,
                kind: ErrorKind::Python {
                    class: "TypeError",
                    message: format!("{op}(): {} address does not fit {spec}", fam.name()),
                },
                holder: None,
                closed_while_waiting: false,
                detail: Default::default(),
            }),
        }
    }
}

fn gai_error(op: &'static str, shown: &Option<String>, code: i32) -> OpError {
    OpError {
        op,
        addr: shown.clone(),
        kind: ErrorKind::Gai {
            code,
            message: gai_strerror(code),
        },
        holder: None,
        closed_while_waiting: false,
        detail: Default::default(),
    }
}

pub fn gai_strerror(code: i32) -> String {
    crate::sys::gai_strerror(code)
}

/// CPython's setipaddr: '' is the wildcard, '<broadcast>' the broadcast address, numeric
/// addresses are parsed directly, and anything else goes through getaddrinfo.
fn resolve_host(
    host: &str,
    af: i32,
    op: &'static str,
    shown: &Option<String>,
) -> Result<IpAddr, OpError> {
    if host.is_empty() {
        return Ok(if af == libc::AF_INET6 {
            IpAddr::V6(Ipv6Addr::UNSPECIFIED)
        } else {
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        });
    }
    if host == "<broadcast>" || host == "255.255.255.255" {
        if af != libc::AF_INET {
            return Err(OpError {
                op,
                addr: shown.clone(),
                kind: ErrorKind::Os {
                    errno: libc::EAFNOSUPPORT,
                },
                holder: None,
                closed_while_waiting: false,
                detail: Default::default(),
            });
        }
        return Ok(IpAddr::V4(Ipv4Addr::BROADCAST));
    }
    if af == libc::AF_INET {
        if let Ok(v4) = host.parse::<Ipv4Addr>() {
            return Ok(IpAddr::V4(v4));
        }
    } else if let Ok(v6) = host.parse::<Ipv6Addr>() {
        return Ok(IpAddr::V6(v6));
    }
    getaddrinfo(host, af)
        .map(|a| a.ip())
        .map_err(|code| gai_error(op, shown, code))
}

/// Resolves a name with getaddrinfo(3) and returns the first address, or the EAI_* code.
pub fn getaddrinfo(host: &str, af: i32) -> Result<SocketAddr, i32> {
    getaddrinfo_all(host, 0, af, 0).and_then(|v| v.into_iter().next().ok_or(libc::EAI_NONAME))
}

/// Every address getaddrinfo(3) gives for host/port, in its order, with the protocol of each.
pub fn getaddrinfo_all(
    host: &str,
    port: u16,
    af: i32,
    socktype: i32,
) -> Result<Vec<SocketAddr>, i32> {
    Ok(getaddrinfo_full(host, port, af, socktype)?
        .into_iter()
        .map(|(a, _)| a)
        .collect())
}

/// getaddrinfo(3) results as (address, protocol) pairs.
pub fn getaddrinfo_full(
    host: &str,
    port: u16,
    af: i32,
    socktype: i32,
) -> Result<Vec<(SocketAddr, i32)>, i32> {
    crate::sys::getaddrinfo(host, port, af, socktype)
}

fn unix_addr(path: &[u8], op: &'static str, shown: &Option<String>) -> Result<SockAddr, OpError> {
    // sun_path holds 108 bytes; CPython raises OSError "AF_UNIX path too long".
    if path.len() > 107 && path.first() != Some(&0) || path.len() > 108 {
        return Err(OpError {
            op,
            addr: shown.clone(),
            kind: ErrorKind::Python {
                class: "OSError",
                message: "AF_UNIX path too long".into(),
            },
            holder: None,
            closed_while_waiting: false,
            detail: Default::default(),
        });
    }
    let p =
        std::path::Path::new(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(path));
    SockAddr::unix(p).map_err(|e| OpError::from_io(op, shown.clone(), &e))
}

/// A socket address as the kernel reported it, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    V4(SocketAddrV4),
    V6(SocketAddrV6),
    /// A Unix address: a path, an abstract name (leading NUL), or empty when unnamed.
    Unix(Vec<u8>),
    /// A family socklab does not decode.
    Other,
}

impl Endpoint {
    pub fn from_sockaddr(sa: &SockAddr) -> Endpoint {
        if let Some(v4) = sa.as_socket_ipv4() {
            return Endpoint::V4(v4);
        }
        if let Some(v6) = sa.as_socket_ipv6() {
            return Endpoint::V6(v6);
        }
        if sa.is_unix() {
            if let Some(p) = sa.as_pathname() {
                return Endpoint::Unix(
                    <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::as_bytes(p.as_os_str())
                        .to_vec(),
                );
            }
            if let Some(name) = sa.as_abstract_namespace() {
                let mut v = vec![0u8];
                v.extend_from_slice(name);
                return Endpoint::Unix(v);
            }
            return Endpoint::Unix(Vec::new());
        }
        Endpoint::Other
    }

    /// The IP address and port, for IP endpoints.
    pub fn inet(&self) -> Option<SocketAddr> {
        match self {
            Endpoint::V4(a) => Some((*a).into()),
            Endpoint::V6(a) => Some((*a).into()),
            _ => None,
        }
    }

    /// The port, for IP endpoints.
    pub fn port(&self) -> Option<u16> {
        match self {
            Endpoint::V4(a) => Some(a.port()),
            Endpoint::V6(a) => Some(a.port()),
            _ => None,
        }
    }

    /// The same address as input for bind/connect/sendto.
    pub fn to_spec(&self) -> Option<AddrSpec> {
        match self {
            Endpoint::V4(a) => Some(AddrSpec::Inet {
                host: a.ip().to_string(),
                port: a.port(),
            }),
            Endpoint::V6(a) => Some(AddrSpec::Inet6 {
                host: a.ip().to_string(),
                port: a.port(),
                flowinfo: a.flowinfo(),
                scope_id: a.scope_id(),
            }),
            Endpoint::Unix(p) => Some(AddrSpec::Unix { path: p.clone() }),
            Endpoint::Other => None,
        }
    }

    /// Whether Python's repr() of the address is "empty" (an unnamed Unix socket: '').
    pub fn is_unnamed(&self) -> bool {
        matches!(self, Endpoint::Unix(p) if p.is_empty())
    }
}

impl From<SocketAddr> for Endpoint {
    fn from(a: SocketAddr) -> Endpoint {
        match a {
            SocketAddr::V4(a) => Endpoint::V4(a),
            SocketAddr::V6(a) => Endpoint::V6(a),
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::V4(a) => write!(f, "{a}"),
            Endpoint::V6(a) => write!(f, "[{}]:{}", a.ip(), a.port()),
            Endpoint::Unix(p) if p.is_empty() => write!(f, "(unnamed)"),
            Endpoint::Unix(p) if p[0] == 0 => {
                write!(f, "@{}", String::from_utf8_lossy(&p[1..]))
            }
            Endpoint::Unix(p) => write!(f, "{}", String::from_utf8_lossy(p)),
            Endpoint::Other => write!(f, "?"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_cpython() {
        let a = AddrSpec::Inet {
            host: "".into(),
            port: 5,
        }
        .resolve(Family::Inet, "bind")
        .unwrap();
        assert_eq!(Endpoint::from_sockaddr(&a).to_string(), "0.0.0.0:5");
        let a = AddrSpec::Inet {
            host: "localhost".into(),
            port: 5,
        }
        .resolve(Family::Inet, "bind")
        .unwrap();
        assert_eq!(Endpoint::from_sockaddr(&a).to_string(), "127.0.0.1:5");
    }

    #[test]
    fn an_abstract_name_is_shown_as_the_kernel_reads_it_back() {
        let spec = AddrSpec::Unix {
            path: b"\0name".to_vec(),
        };
        assert_eq!(spec.to_string(), "@name");
        let path = AddrSpec::Unix {
            path: b"/tmp/s".to_vec(),
        };
        assert_eq!(path.to_string(), "/tmp/s");
    }
}
