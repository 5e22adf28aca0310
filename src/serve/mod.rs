//! Servers to test against: responders the engine runs in each socket's worker (echo,
//! upper-case echo, greet, discard, chargen, daytime, fixed reply, HMAC challenge, rules),
//! and `socklab serve`, which runs one without the window.

pub mod basic;
pub mod cli;
pub mod hmac;
pub mod rules;

use crate::engine::ResponderSpec;
use crate::python::hashing::Algo;

pub use basic::Basic;
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
}

/// Builds the responder called `name`, or says what is wrong.
pub fn build(name: &str, o: &Options) -> Result<ResponderSpec, String> {
    let algo = || {
        let d = if o.digest.is_empty() {
            "sha256"
        } else {
            &o.digest
        };
        Algo::from_name(d).ok_or_else(|| format!("unknown digest {d:?}: use md5, sha1 or sha256"))
    };
    let key = || {
        if o.key.is_empty() {
            Err("the HMAC responders need a key (--key)".to_string())
        } else {
            Ok(o.key.as_bytes().to_vec())
        }
    };
    Ok(match name {
        "echo" => ResponderSpec::new(Basic::Echo),
        "upper" => ResponderSpec::new(Basic::Upper),
        "greet" => ResponderSpec::new(Basic::Greet),
        "discard" => ResponderSpec::new(Basic::Discard),
        "chargen" => ResponderSpec::new(Basic::Chargen),
        "daytime" => ResponderSpec::new(Basic::Daytime),
        "fixed" => {
            let reply = crate::payload::parse_text(&o.reply, crate::payload::Encoding::Utf8)
                .map_err(|e| format!("the fixed reply: {e}"))?;
            ResponderSpec::new(Basic::Fixed { reply })
        }
        "hmac" => ResponderSpec::new(HmacServer {
            key: key()?,
            algo: algo()?,
        }),
        "hmac-client" => ResponderSpec::new(HmacClient {
            key: key()?,
            algo: algo()?,
        }),
        "rules" => {
            if o.rules.is_empty() {
                return Err("the rules responder needs at least one rule".into());
            }
            ResponderSpec::new(Rules::new(o.rules.clone())?)
        }
        other => {
            return Err(format!(
                "unknown responder {other:?}: one of {}",
                NAMES.join(", ")
            ))
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

/// The warning shown before a server binds an address others can reach.
pub fn exposure_warning(host: &str) -> Option<String> {
    exposed(host).then(|| {
        format!("{host} is reachable from the network: anyone who can reach this machine can talk to this server. Use 127.0.0.1 (or ::1) to keep it local.")
    })
}
