//! The text fields of a socket's actions, and checking what is typed as it is typed.

use crate::engine::{AddrSpec, Family};
use crate::t;

use crate::ui::sending::{RepeatForm, SavedPayload};

/// The text fields of a socket's actions.
#[derive(Clone, Debug)]
pub struct Form {
    pub bind_host: String,
    pub bind_port: String,
    /// What the window itself put in the bind row (a failed console bind's address, or the
    /// kernel's after an implicit bind): a row still holding it is as untouched as a fresh
    /// one, so a later reading replaces it.
    tried: Option<(String, String)>,
    pub backlog: String,
    pub peer_host: String,
    pub peer_port: String,
    pub payload: String,
    pub mode: crate::payload::Mode,
    pub encoding: crate::payload::Encoding,
    pub ending: crate::payload::LineEnding,
    /// The check value appended after the payload (Text and Hex).
    pub check: crate::payload::Checksum,
    pub bufsize: String,
    pub timeout: String,
    /// File mode's file.
    pub file_path: String,
    pub repeat: RepeatForm,
    /// Receive-to-file's file.
    pub record_path: String,
    /// Where the traffic is saved or exported.
    pub export_path: String,
    /// The name a payload is saved to the library under.
    pub payload_name: String,
    /// The responder picked, its options, and a listener's client limit as typed.
    pub responder: String,
    pub serve: crate::serve::Options,
    pub max_clients: String,
    /// The multicast group typed, and the interface picked to join it on ("" for the
    /// kernel's choice; an address for IPv4, a name for IPv6).
    pub group: String,
    pub group_interface: String,
    /// Number options being typed in the inspector, by name: applied once, on Enter or
    /// when the field loses focus; until then the field shows what is typed.
    pub option_edits: std::collections::BTreeMap<&'static str, String>,
    /// The TLS row's choices.
    pub tls: TlsForm,
}

/// A host as a fresh page has it (empty, loopback, every interface): one typed (a name,
/// another address) keeps the row as typed, port included.
fn untouched(host: &str) -> bool {
    let host = host.trim();
    host.is_empty()
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_loopback() || a.is_unspecified())
}

impl Form {
    /// A bind that failed elsewhere (typed in a console): the address it tried, as the
    /// engine shows it ("host:port", "[host]:port"), goes in the bind row if the row is as
    /// a fresh page has it, so the port beside the error is the one that failed (not the
    /// page's 0) and bind tries it again.
    pub fn tried_bind(&mut self, family: crate::engine::Family, shown: &str) {
        use crate::engine::Family;
        if !matches!(family, Family::Inet | Family::Inet6) || !self.bind_untouched() {
            return;
        }
        let Some((host, port)) = shown.rsplit_once(':') else {
            return;
        };
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        // (A link-local address's scope, given by number, is not in what the engine shows:
        // the row would bind without it.)
        let link_local = host
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|a| a.segments()[0] & 0xffc0 == 0xfe80);
        if port.parse::<u16>().is_ok_and(|p| p != 0) && !link_local {
            (self.bind_host, self.bind_port) = (host.to_string(), port.to_string());
            self.tried = Some((self.bind_host.clone(), self.bind_port.clone()));
        }
    }

    /// The bind row as a fresh page has it (port empty or 0, host untouched), or as a failed
    /// console bind left it.
    fn bind_untouched(&self) -> bool {
        let fresh = matches!(self.bind_port.trim(), "" | "0") && untouched(&self.bind_host);
        fresh
            || self
                .tried
                .as_ref()
                .is_some_and(|(h, p)| *h == self.bind_host && *p == self.bind_port)
    }

    /// A socket that was bound or connected elsewhere (the console, a program, the kernel
    /// at a first sendto) shows where in its fields, as it would had they been used; what a
    /// person typed there is kept (only a row with its port empty, or bind's 0, and its
    /// host as a fresh page has it is filled).
    pub fn fill_from(
        &mut self,
        before: Option<&crate::engine::Snapshot>,
        now: &crate::engine::Snapshot,
    ) {
        fn ip(e: &crate::engine::Endpoint) -> Option<(String, u16)> {
            match e {
                crate::engine::Endpoint::V4(a) => Some((a.ip().to_string(), a.port())),
                crate::engine::Endpoint::V6(a) if a.scope_id() != 0 => {
                    Some((format!("{}%{}", a.ip(), a.scope_id()), a.port()))
                }
                crate::engine::Endpoint::V6(a) => Some((a.ip().to_string(), a.port())),
                _ => None,
            }
        }
        let port_of = |s: Option<&crate::engine::Snapshot>, peer: bool| {
            s.and_then(|s| {
                if peer {
                    s.peer.as_ref()
                } else {
                    s.local.as_ref()
                }
            })
            .and_then(|e| e.port())
            .filter(|p| *p != 0)
        };
        if port_of(before, true).is_none()
            && self.peer_port.trim().is_empty()
            && untouched(&self.peer_host)
        {
            // (Where a connect still waiting goes, too: the page's peer row is not empty
            // while the list says "connecting to 127.0.0.1:33465".)
            let peer = now.peer.as_ref().or(now.connecting_to.as_ref());
            if let Some((host, port)) = peer.and_then(ip).filter(|a| a.1 != 0) {
                (self.peer_host, self.peer_port) = (host, port.to_string());
            }
        }
        // A row the window filled follows the kernel's port: a connect tried again after a
        // refusal takes another one (getsockname() kept the refused one's meanwhile).
        let filled = self
            .tried
            .as_ref()
            .is_some_and(|(h, p)| *h == self.bind_host && *p == self.bind_port);
        let moved = port_of(Some(now), false) != port_of(before, false);
        if (port_of(before, false).is_none() && self.bind_untouched()) || (filled && moved) {
            if let Some((host, port)) = now.local.as_ref().and_then(ip).filter(|a| a.1 != 0) {
                (self.bind_host, self.bind_port) = (host, port.to_string());
                self.tried = Some((self.bind_host.clone(), self.bind_port.clone()));
            }
        }
        // Listening (listen() from the console: Python's default is 128), or listening
        // again with another backlog: the field says the kernel's, unless the field holds a
        // number typed since (neither the fresh page's 5 nor the kernel's last).
        let backlog = |s: Option<&crate::engine::Snapshot>| {
            s.and_then(|s| s.tcp.as_ref())
                .and_then(|t| t.accept_queue())
                .map(|(_, b)| b.to_string())
        };
        if let Some(b) = backlog(Some(now)) {
            let shown = self.backlog.trim();
            let untouched = match backlog(before) {
                Some(last) => shown == last,
                None => matches!(shown, "" | "5"),
            };
            if untouched {
                self.backlog = b;
            }
        }
    }
}

/// How a client checks the server's certificate, as the TLS row offers it (and a
/// workspace keeps it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsVerify {
    #[default]
    System,
    CaFile,
    Off,
}

/// The TLS row as filled in (its checks and the spec it makes: panels/tls.rs).
#[derive(Clone, Debug, PartialEq)]
pub struct TlsForm {
    /// This end is the server.
    pub server: bool,
    pub name: String,
    /// ALPN protocols, comma-separated.
    pub alpn: String,
    pub verify: TlsVerify,
    pub ca: String,
    /// The server's certificate from files (else one made for localhost).
    pub own_files: bool,
    pub cert: String,
    pub key: String,
}

impl Default for TlsForm {
    fn default() -> Self {
        TlsForm {
            server: false,
            name: "localhost".into(),
            alpn: String::new(),
            verify: TlsVerify::default(),
            ca: String::new(),
            own_files: false,
            cert: String::new(),
            key: String::new(),
        }
    }
}

impl Form {
    /// The exact bytes the payload editor stands for, or why there are none.
    pub fn payload_bytes(&self) -> Result<Vec<u8>, crate::payload::PayloadError> {
        crate::payload::bytes_of(
            self.mode,
            &self.payload,
            self.encoding,
            self.ending,
            self.check,
        )
    }

    /// The editor's content, as the library and history keep it.
    pub fn saved(&self, name: &str) -> SavedPayload {
        SavedPayload {
            name: name.to_string(),
            payload: if self.mode == crate::payload::Mode::File {
                self.file_path.clone()
            } else {
                self.payload.clone()
            },
            mode: self.mode,
            encoding: self.encoding,
            ending: self.ending,
            check: self.check,
        }
    }

    /// Puts a saved payload back into the editor.
    pub fn load(&mut self, p: &SavedPayload) {
        self.mode = p.mode;
        self.encoding = p.encoding;
        self.ending = p.ending;
        self.check = p.check;
        if p.mode == crate::payload::Mode::File {
            self.file_path = p.payload.clone();
        } else {
            self.payload = p.payload.clone();
        }
    }

    /// A new socket's form; `bind_v4`: where an IPv4 socket's bind field starts (the
    /// settings' default bind address).
    pub(super) fn new(family: Family, bind_v4: &str) -> Form {
        let host = match family {
            Family::Inet6 => "::1",
            Family::Unix => "/tmp/socklab.sock",
            _ => "127.0.0.1",
        };
        Form {
            bind_host: match family {
                Family::Inet => bind_v4.into(),
                _ => host.into(),
            },
            bind_port: "0".into(),
            tried: None,
            backlog: "5".into(),
            peer_host: host.into(),
            peer_port: String::new(),
            payload: String::new(),
            mode: Default::default(),
            encoding: Default::default(),
            ending: Default::default(),
            check: Default::default(),
            bufsize: "1024".into(),
            timeout: String::new(),
            file_path: String::new(),
            repeat: RepeatForm::default(),
            record_path: String::new(),
            export_path: String::new(),
            payload_name: String::new(),
            responder: "echo".into(),
            serve: crate::serve::Options {
                digest: "md5".into(),
                ..Default::default()
            },
            max_clients: String::new(),
            group: match family {
                Family::Inet6 => "ff15::1".into(),
                _ => "239.255.0.1".into(),
            },
            group_interface: String::new(),
            option_edits: Default::default(),
            tls: TlsForm::default(),
        }
    }
}

/// The window's own fields as typed: what a view may edit directly, as it edits a socket's
/// form. Nothing happens until an action carries what they say.
#[derive(Clone, Debug, PartialEq)]
pub struct Inputs {
    /// Where "Save journal" writes.
    pub journal_path: String,
    /// The payload library file to import from or export to.
    pub library_path: String,
    /// The traffic cap field (MiB).
    pub cap_text: String,
    /// The workspace file typed in the Workspace menu.
    pub workspace_path: String,
}

impl Default for Inputs {
    fn default() -> Self {
        Inputs {
            journal_path: String::new(),
            library_path: String::new(),
            cap_text: (crate::ui::traffic::DEFAULT_CAP >> 20).to_string(),
            workspace_path: String::new(),
        }
    }
}

/// Checks a host and port as typed; the reason when they are not usable.
pub fn validate_addr(family: Family, host: &str, port: &str) -> Result<AddrSpec, String> {
    match family {
        Family::Unix => {
            if host.is_empty() {
                return Err(t!("state-enter-path"));
            }
            if host.len() > 107 {
                return Err(t!("state-path-too-long", n = host.len()));
            }
            Ok(AddrSpec::Unix {
                path: host.as_bytes().to_vec(),
            })
        }
        _ => {
            let h = host.trim();
            let h = h
                .strip_prefix('[')
                .and_then(|x| x.strip_suffix(']'))
                .unwrap_or(h);
            if family == Family::Inet && h.contains(':') {
                return Err(t!("state-ipv6-needs-inet6"));
            }
            if h.chars().any(|c| c.is_whitespace()) {
                return Err(t!("state-host-spaces"));
            }
            let p = port.trim();
            if p.is_empty() {
                return Err(t!("state-enter-port"));
            }
            let n: u32 = p
                .parse()
                .map_err(|_| t!("state-port-not-number", port = p))?;
            if n > 65535 {
                return Err(t!("state-port-out-of-range", port = n));
            }
            Ok(match family {
                Family::Inet6 => AddrSpec::Inet6 {
                    host: h.to_string(),
                    port: n as u16,
                    flowinfo: 0,
                    scope_id: 0,
                },
                _ => AddrSpec::Inet {
                    host: h.to_string(),
                    port: n as u16,
                },
            })
        }
    }
}

/// Parses a non-negative integer field.
pub fn validate_count(text: &str, what: &str) -> Result<usize, String> {
    text.trim()
        .parse::<usize>()
        .map_err(|_| t!("state-whole-number", what = what))
}

/// Parses a timeout field: empty or "None" blocks, 0 is non-blocking, x seconds otherwise.
pub fn validate_timeout(text: &str) -> Result<Option<f64>, String> {
    let t = text.trim();
    if t.is_empty() || t == "None" {
        return Ok(None);
    }
    match t.parse::<f64>() {
        // What settimeout() would say of it (NaN, beyond what a clock holds).
        Ok(x) if x >= 0.0 || x.is_nan() => crate::engine::command::python_seconds(x)
            .map(Some)
            .map_err(|(class, msg)| t!("state-settimeout-would-raise", class = class, msg = msg)),
        _ => Err(t!("state-timeout-seconds")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_field_says_what_settimeout_would() {
        assert_eq!(validate_timeout(""), Ok(None));
        assert_eq!(validate_timeout("None"), Ok(None));
        assert_eq!(validate_timeout("0"), Ok(Some(0.0)));
        assert_eq!(validate_timeout("2.5e-10"), Ok(Some(1e-9)));
        assert_eq!(
            validate_timeout("1e300"),
            Err("settimeout() would raise OverflowError: timestamp out of range for platform time_t".into())
        );
        assert_eq!(
            validate_timeout("inf"),
            Err("settimeout() would raise OverflowError: timestamp out of range for platform time_t".into())
        );
        assert_eq!(
            validate_timeout("nan"),
            Err("settimeout() would raise ValueError: Invalid value NaN (not a number)".into())
        );
        assert!(validate_timeout("-1").is_err());
        assert!(validate_timeout("soon").is_err());
    }
}
