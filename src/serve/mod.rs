//! Servers to test against: responders the engine runs in each socket's worker (echo,
//! upper-case echo, greet, discard, chargen, daytime, fixed reply, HMAC challenge, rules),
//! and `socklab serve`, which runs one without the window.

pub mod basic;
pub mod cli;
pub mod error;
pub mod hmac;
pub mod rules;

use crate::engine::ResponderSpec;
use crate::pyfmt::hashing::Algo;

pub use basic::Basic;
pub use error::{BuildError, RuleError, UsageError};
pub use hmac::{HmacClient, HmacServer};
pub use rules::{MatchKind, Rule, Rules};

/// The responders a person picks from, by name.
pub const NAMES: [&str; 10] = [
    "echo",
    "upper",
    "greet",
    "discard",
    "chargen",
    "daytime",
    "fixed",
    "hmac",
    "hmac-client",
    "rules",
];

/// What a responder needs beyond its name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    /// fixed: the reply (Python escapes).
    pub reply: String,
    /// hmac, hmac-client: the shared key and the digest.
    pub key: String,
    pub digest: String,
    pub rules: Vec<Rule>,
    /// Over UDP, chargen and hmac answer a datagram with at most this many times the bytes
    /// it carried (0 counts as 1): a spoofed source must not make them a victim's
    /// amplifier. Raised with `--udp-amplify N`.
    pub udp_amplify: usize,
    /// hmac: how long a client has to answer (None: 10 s). `--challenge-timeout SECS`.
    pub challenge_timeout: Option<std::time::Duration>,
}

/// Builds the responder called `name`, or says what is wrong.
pub fn build(name: &str, o: &Options) -> Result<ResponderSpec, BuildError> {
    let algo = || {
        // The tutorials' digest (the Python Cookbook uses md5); sha256 is today's choice.
        let d = if o.digest.is_empty() {
            "md5"
        } else {
            &o.digest
        };
        Algo::from_name(d).ok_or_else(|| BuildError::UnknownDigest {
            name: d.to_string(),
        })
    };
    let key = || {
        if o.key.is_empty() {
            Err(BuildError::NoKey)
        } else {
            Ok(o.key.as_bytes().to_vec())
        }
    };
    Ok(match name {
        "echo" => ResponderSpec::new(Basic::Echo),
        "upper" => ResponderSpec::new(Basic::Upper),
        "greet" => ResponderSpec::new(Basic::Greet),
        "discard" => ResponderSpec::new(Basic::Discard),
        "chargen" => ResponderSpec::new(Basic::Chargen {
            udp_ratio: o.udp_amplify.max(1),
        }),
        "daytime" => ResponderSpec::new(Basic::Daytime),
        "fixed" => {
            let reply = crate::payload::parse_text(&o.reply, crate::payload::Encoding::Utf8)
                .map_err(BuildError::FixedReply)?;
            ResponderSpec::new(Basic::Fixed { reply })
        }
        "hmac" => ResponderSpec::new(HmacServer {
            key: key()?,
            algo: algo()?,
            timeout: o.challenge_timeout.unwrap_or(hmac::DEFAULT_TIMEOUT),
            udp_ratio: o.udp_amplify.max(1),
        }),
        "hmac-client" => ResponderSpec::new(HmacClient {
            key: key()?,
            algo: algo()?,
        }),
        "rules" => {
            if o.rules.is_empty() {
                return Err(BuildError::NoRules);
            }
            ResponderSpec::new(Rules::new(o.rules.clone())?)
        }
        other => {
            return Err(BuildError::UnknownResponder {
                name: other.to_string(),
            })
        }
    })
}

/// Whether binding `host` makes a server reachable from other machines.
pub fn exposed(host: &str) -> bool {
    let h = host.trim().trim_start_matches('[').trim_end_matches(']');
    match h.parse::<std::net::IpAddr>() {
        Ok(ip) => !ip.is_loopback(),
        // An empty host is every interface (as in Python); names may resolve to any.
        Err(_) => h != "localhost",
    }
}

/// The warning shown before a server binds an address others can reach. An empty host
/// (every interface, as in Python) is named: 0.0.0.0, or :: for an IPv6 socket.
pub fn exposure_warning(host: &str, v6: bool) -> Option<String> {
    exposed(host).then(|| {
        let shown = match host.trim() {
            "" if v6 => crate::t!("serve-every-interface", any = "::"),
            "" => crate::t!("serve-every-interface", any = "0.0.0.0"),
            h => h.to_string(),
        };
        crate::t!("serve-exposed", shown = shown)
    })
}

/// The warning for listen() on a socket never bound: the kernel binds it to every
/// interface (0.0.0.0, or :: for IPv6) on a port it picks.
pub fn unbound_listen_warning(v6: bool) -> String {
    let any = if v6 { "::" } else { "0.0.0.0" };
    crate::t!("serve-unbound-listen", any = any)
}
