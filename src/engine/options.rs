//! The option catalog: every socket option socklab reads back from the kernel, with its
//! level, how its value is encoded, and a one-line explanation.

use std::os::fd::BorrowedFd;

use super::addr::{Family, Kind};
use super::errors::errno_name;

/// How an option's value is laid out in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptKind {
    /// An int used as on/off.
    Bool,
    /// A plain int.
    Int,
    /// struct linger { int l_onoff; int l_linger; }.
    Linger,
    /// struct timeval, a duration (0 = none).
    Timeval,
    /// SO_TYPE: an int naming the socket type.
    SockType,
    /// SO_ERROR: a pending errno (reading it clears it, so the inspector skips it on ticks).
    Errno,
    /// struct in_addr (IP_MULTICAST_IF): an IPv4 address, as a number in network order.
    Addr4,
}

/// Which sockets an option applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    All,
    Ip4,
    Ip6,
    Tcp,
    Udp,
}

#[derive(Clone, Copy, Debug)]
pub struct OptionSpec {
    pub name: &'static str,
    pub level: i32,
    pub level_name: &'static str,
    pub optname: i32,
    pub kind: OptKind,
    pub applies: Applies,
    /// Whether setsockopt can change it.
    pub settable: bool,
    /// The message id of its one-line explanation (options.ftl); `doc()` gives the text.
    pub doc_id: &'static str,
}

macro_rules! opt {
    ($name:literal, $level:ident, $opt:ident, $kind:ident, $applies:ident, $settable:literal, $doc_id:literal) => {
        OptionSpec {
            name: $name,
            level: libc::$level,
            level_name: stringify!($level),
            optname: libc::$opt,
            kind: OptKind::$kind,
            applies: Applies::$applies,
            settable: $settable,
            doc_id: $doc_id,
        }
    };
}

/// Every option the inspector shows, in display order; its explanation is the message
/// of its id in options.ftl.
#[rustfmt::skip]
pub const CATALOG: &[OptionSpec] = &[
    opt!("SO_REUSEADDR", SOL_SOCKET, SO_REUSEADDR, Bool, All, true, "options-so-reuseaddr"),
    opt!("SO_REUSEPORT", SOL_SOCKET, SO_REUSEPORT, Bool, All, true, "options-so-reuseport"),
    opt!("SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE, Bool, Tcp, true, "options-so-keepalive"),
    opt!("SO_LINGER", SOL_SOCKET, SO_LINGER, Linger, All, true, "options-so-linger"),
    opt!("SO_RCVBUF", SOL_SOCKET, SO_RCVBUF, Int, All, true, "options-so-rcvbuf"),
    opt!("SO_SNDBUF", SOL_SOCKET, SO_SNDBUF, Int, All, true, "options-so-sndbuf"),
    opt!("SO_RCVTIMEO", SOL_SOCKET, SO_RCVTIMEO, Timeval, All, true, "options-so-rcvtimeo"),
    opt!("SO_SNDTIMEO", SOL_SOCKET, SO_SNDTIMEO, Timeval, All, true, "options-so-sndtimeo"),
    opt!("SO_BROADCAST", SOL_SOCKET, SO_BROADCAST, Bool, Udp, true, "options-so-broadcast"),
    opt!("SO_TYPE", SOL_SOCKET, SO_TYPE, SockType, All, false, "options-so-type"),
    opt!("SO_ERROR", SOL_SOCKET, SO_ERROR, Errno, All, false, "options-so-error"),
    opt!("SO_ACCEPTCONN", SOL_SOCKET, SO_ACCEPTCONN, Bool, All, false, "options-so-acceptconn"),
    opt!("SO_RCVLOWAT", SOL_SOCKET, SO_RCVLOWAT, Int, All, true, "options-so-rcvlowat"),
    opt!("SO_OOBINLINE", SOL_SOCKET, SO_OOBINLINE, Bool, Tcp, true, "options-so-oobinline"),
    opt!("SO_PRIORITY", SOL_SOCKET, SO_PRIORITY, Int, All, true, "options-so-priority"),
    opt!("TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY, Bool, Tcp, true, "options-tcp-nodelay"),
    opt!("TCP_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE, Int, Tcp, true, "options-tcp-keepidle"),
    opt!("TCP_KEEPINTVL", IPPROTO_TCP, TCP_KEEPINTVL, Int, Tcp, true, "options-tcp-keepintvl"),
    opt!("TCP_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT, Int, Tcp, true, "options-tcp-keepcnt"),
    opt!("TCP_MAXSEG", IPPROTO_TCP, TCP_MAXSEG, Int, Tcp, true, "options-tcp-maxseg"),
    opt!("TCP_QUICKACK", IPPROTO_TCP, TCP_QUICKACK, Bool, Tcp, true, "options-tcp-quickack"),
    opt!("TCP_USER_TIMEOUT", IPPROTO_TCP, TCP_USER_TIMEOUT, Int, Tcp, true, "options-tcp-user-timeout"),
    opt!("IP_TTL", IPPROTO_IP, IP_TTL, Int, Ip4, true, "options-ip-ttl"),
    opt!("IP_TOS", IPPROTO_IP, IP_TOS, Int, Ip4, true, "options-ip-tos"),
    opt!("IP_MULTICAST_TTL", IPPROTO_IP, IP_MULTICAST_TTL, Int, Ip4, true, "options-ip-multicast-ttl"),
    opt!("IP_MULTICAST_LOOP", IPPROTO_IP, IP_MULTICAST_LOOP, Bool, Ip4, true, "options-ip-multicast-loop"),
    opt!("IP_MULTICAST_ALL", IPPROTO_IP, IP_MULTICAST_ALL, Bool, Ip4, true, "options-ip-multicast-all"),
    // Set from the page's multicast row (an interface's address), not typed as a number.
    opt!("IP_MULTICAST_IF", IPPROTO_IP, IP_MULTICAST_IF, Addr4, Ip4, false, "options-ip-multicast-if"),
    opt!("IPV6_V6ONLY", IPPROTO_IPV6, IPV6_V6ONLY, Bool, Ip6, true, "options-ipv6-v6only"),
    opt!("IPV6_UNICAST_HOPS", IPPROTO_IPV6, IPV6_UNICAST_HOPS, Int, Ip6, true, "options-ipv6-unicast-hops"),
    opt!("IPV6_MULTICAST_HOPS", IPPROTO_IPV6, IPV6_MULTICAST_HOPS, Int, Ip6, true, "options-ipv6-multicast-hops"),
    opt!("IPV6_MULTICAST_LOOP", IPPROTO_IPV6, IPV6_MULTICAST_LOOP, Bool, Ip6, true, "options-ipv6-multicast-loop"),
];

impl OptionSpec {
    /// The one-line explanation, in this thread's language.
    pub fn doc(&self) -> String {
        crate::i18n::text(self.doc_id, None)
    }

    pub fn applies_to(&self, family: Family, kind: Kind) -> bool {
        let ip = matches!(family, Family::Inet | Family::Inet6);
        match self.applies {
            Applies::All => true,
            Applies::Ip4 => family == Family::Inet,
            Applies::Ip6 => family == Family::Inet6,
            Applies::Tcp => ip && kind == Kind::Stream,
            Applies::Udp => ip && kind == Kind::Dgram,
        }
    }

    /// Encodes a value typed as an integer (seconds for durations, 0/1 for flags, the linger
    /// time for SO_LINGER with -1 meaning off) into the bytes setsockopt takes.
    pub fn encode(&self, value: i64) -> Vec<u8> {
        match self.kind {
            OptKind::Linger => {
                // struct linger { int l_onoff; int l_linger; }: two ints, no padding.
                let onoff = i32::from(value >= 0);
                let secs = value.clamp(0, i32::MAX as i64) as i32;
                [onoff.to_ne_bytes(), secs.to_ne_bytes()].concat()
            }
            OptKind::Timeval => {
                // struct timeval { time_t tv_sec; suseconds_t tv_usec; }, field by field.
                let sec = value.max(0) as libc::time_t;
                let usec: libc::suseconds_t = 0;
                [&sec.to_ne_bytes()[..], &usec.to_ne_bytes()[..]].concat()
            }
            // struct in_addr: the address's four bytes as they are written.
            OptKind::Addr4 => (value as u32).to_be_bytes().to_vec(),
            _ => (value as i32).to_ne_bytes().to_vec(),
        }
    }
}

/// Finds a catalog entry by its name (SO_RCVBUF...).
pub fn find(name: &str) -> Option<&'static OptionSpec> {
    CATALOG.iter().find(|o| o.name == name)
}

/// An option as read back from the kernel.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionReading {
    pub name: &'static str,
    pub level_name: &'static str,
    pub kind: OptKind,
    pub settable: bool,
    /// The message id of its one-line explanation; `doc()` gives the text.
    pub doc_id: &'static str,
    /// The value as a number (seconds for durations, linger seconds or -1 when off), or the
    /// errno that getsockopt failed with.
    pub value: Result<i64, i32>,
    /// The value as a person reads it.
    pub text: String,
}

impl OptionReading {
    /// The option's one-line explanation, in this thread's language (the window's, where
    /// the inspector shows it).
    pub fn doc(&self) -> String {
        crate::i18n::text(self.doc_id, None)
    }
}

/// Raw getsockopt into a buffer of `len` bytes; returns the bytes the kernel wrote.
pub fn getsockopt_raw(
    fd: BorrowedFd<'_>,
    level: i32,
    name: i32,
    len: usize,
) -> Result<Vec<u8>, i32> {
    crate::sys::getsockopt_raw(fd, level, name, len)
}

/// Raw getsockopt of an int, as Python's getsockopt(level, name) does.
pub fn getsockopt_int(fd: BorrowedFd<'_>, level: i32, name: i32) -> Result<i32, i32> {
    let b = getsockopt_raw(fd, level, name, 4)?;
    Ok(i32::from_ne_bytes(field(&b, 0)))
}

/// Raw setsockopt.
pub fn setsockopt_raw(fd: BorrowedFd<'_>, level: i32, name: i32, value: &[u8]) -> Result<(), i32> {
    crate::sys::setsockopt_raw(fd, level, name, value)
}

/// `N` bytes of an option's value at `at`, zeros where the kernel wrote fewer.
fn field<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(src) = b.get(at..) {
        let n = src.len().min(N);
        out[..n].copy_from_slice(&src[..n]);
    }
    out
}

/// Reads one option back from the kernel.
pub fn read(fd: BorrowedFd<'_>, spec: &OptionSpec) -> OptionReading {
    let value: Result<i64, i32> = match spec.kind {
        OptKind::Linger => getsockopt_raw(
            fd,
            spec.level,
            spec.optname,
            std::mem::size_of::<libc::linger>(),
        )
        .map(|b| {
            let onoff = i32::from_ne_bytes(field(&b, 0));
            let secs = i32::from_ne_bytes(field(&b, 4));
            if onoff != 0 {
                secs as i64
            } else {
                -1
            }
        }),
        OptKind::Timeval => getsockopt_raw(
            fd,
            spec.level,
            spec.optname,
            std::mem::size_of::<libc::timeval>(),
        )
        .map(|b| {
            let sec = i64::from_ne_bytes(field(&b, 0));
            let usec = i64::from_ne_bytes(field(&b, 8));
            sec.saturating_mul(1_000_000).saturating_add(usec)
        }),
        OptKind::Addr4 => getsockopt_raw(fd, spec.level, spec.optname, 4)
            .map(|b| i64::from(u32::from_be_bytes(field(&b, 0)))),
        _ => getsockopt_int(fd, spec.level, spec.optname).map(i64::from),
    };
    let text = match &value {
        Err(e) => format!("unavailable ({})", errno_name(*e)),
        Ok(v) => render(spec.kind, *v),
    };
    // Durations are kept in microseconds internally; expose whole seconds as the number.
    let value = match spec.kind {
        OptKind::Timeval => value.map(|us| us / 1_000_000),
        _ => value,
    };
    OptionReading {
        name: spec.name,
        level_name: spec.level_name,
        kind: spec.kind,
        settable: spec.settable,
        doc_id: spec.doc_id,
        value,
        text,
    }
}

fn render(kind: OptKind, v: i64) -> String {
    match kind {
        OptKind::Bool => {
            if v != 0 {
                format!("on ({v})")
            } else {
                "off (0)".into()
            }
        }
        OptKind::Int => v.to_string(),
        OptKind::Linger => {
            if v < 0 {
                "off".into()
            } else {
                format!("on, {v} s")
            }
        }
        OptKind::Timeval => {
            if v == 0 {
                "none (0)".into()
            } else {
                format!("{} s", v as f64 / 1e6)
            }
        }
        OptKind::SockType => match v as i32 {
            libc::SOCK_STREAM => "1 (SOCK_STREAM)".into(),
            libc::SOCK_DGRAM => "2 (SOCK_DGRAM)".into(),
            x => x.to_string(),
        },
        OptKind::Addr4 => {
            let a = std::net::Ipv4Addr::from(v as u32);
            if a.is_unspecified() {
                "0.0.0.0 (the routing table's choice)".into()
            } else {
                a.to_string()
            }
        }
        OptKind::Errno => {
            if v == 0 {
                "0 (no error)".into()
            } else {
                format!("{v} ({})", errno_name(v as i32))
            }
        }
    }
}

/// Reads every applicable option of the catalog. SO_ERROR is skipped unless asked for, since
/// reading it clears a pending error the user may want to read themselves.
pub fn read_all(
    fd: BorrowedFd<'_>,
    family: Family,
    kind: Kind,
    include_so_error: bool,
) -> Vec<OptionReading> {
    CATALOG
        .iter()
        .filter(|o| o.applies_to(family, kind))
        .filter(|o| include_so_error || o.kind != OptKind::Errno)
        .map(|o| read(fd, o))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::i18n::{text_in, Lang};

    /// Each option's description is a message in both languages (a typo'd id would show
    /// itself in the inspector).
    #[test]
    fn every_option_is_described_in_both_languages() {
        for spec in super::CATALOG {
            for lang in Lang::ALL {
                assert_ne!(text_in(lang, spec.doc_id), spec.doc_id, "{}", spec.name);
            }
        }
    }
}
