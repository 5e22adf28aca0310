//! Workspaces: the window's set of sockets — family, type, bind and peer addresses, the
//! options a person set, responders with their rules, the auto modes, each payload editor —
//! and the payload library, kept as a TOML file and opened again. Connections are not
//! kept: opening a workspace makes its sockets again with the calls a person would click
//! (`restore`), listeners first, then what connects to them.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::engine::{AddrSpec, Endpoint, Family, Kind, SockState, Timeout};
use crate::t;
use crate::ui::files::{FileError, Phrase, Replace};
use crate::ui::sending::SavedPayload;
use crate::ui::state::UiState;

mod files;
pub mod restore;

/// The format written; a file of a later one is read as far as its fields are known.
pub const FORMAT: u32 = 1;
/// Largest workspace file read: far above what a window's sockets make (a thousand
/// sockets with rules and payloads stay under a megabyte).
pub const MAX_FILE: u64 = 4 << 20;
/// Sockets made from one workspace at most (each is a socket and a worker).
pub const MAX_SOCKETS: usize = 256;
/// Options one socket of a workspace sets at most (the catalog has fewer).
pub const MAX_OPTIONS: usize = 64;
/// A socket's name: a Python name (the journal and the console use it as one) this long
/// at most.
pub const MAX_NAME: usize = 64;

/// A workspace file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    /// The format's version (FORMAT).
    pub socklab_workspace: u32,
    #[serde(default, rename = "socket", skip_serializing_if = "Vec::is_empty")]
    pub sockets: Vec<SavedSocket>,
    /// The payload library.
    #[serde(default, rename = "payload", skip_serializing_if = "Vec::is_empty")]
    pub library: Vec<SavedPayload>,
}

/// One socket as it is made again.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedSocket {
    /// Its name in the window and the console (None: the one the engine gives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub family: SavedFamily,
    #[serde(rename = "type")]
    pub kind: SavedKind,
    /// Where it is bound (the kernel's address when it was saved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind: Option<Place>,
    /// It listens, with this backlog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listen: Option<i32>,
    /// What it connects to: an address, or another socket of the workspace by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect: Option<Place>,
    /// settimeout(): absent blocks, 0 is non-blocking, seconds otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<f64>,
    /// Options set by name, as the inspector sets them (SO_REUSEADDR = 1).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, i64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub auto_accept: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub auto_receive: bool,
    /// recv()'s bufsize, as the page's field holds it (auto-receive reads this much).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bufsize: Option<usize>,
    /// A listener's limit of connections open at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_clients: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responder: Option<SavedResponder>,
    /// What its payload editor held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<SavedPayload>,
    /// Multicast groups joined (UDP).
    #[serde(default, rename = "group", skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<SavedGroup>,
    /// TLS, started once it is connected (a client) or listening (a server's side for the
    /// connections it accepts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<SavedTls>,
    /// The page's repeat settings, where they are not the defaults (not started).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<SavedRepeat>,
}

/// The send row's repetitions as set on the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedRepeat {
    pub times: String,
    pub interval_ms: String,
    pub forever: bool,
    pub all: bool,
    pub datagram: String,
}

impl Default for SavedRepeat {
    fn default() -> Self {
        SavedRepeat::of(&crate::ui::sending::RepeatForm::default())
    }
}

impl SavedRepeat {
    fn of(r: &crate::ui::sending::RepeatForm) -> SavedRepeat {
        SavedRepeat {
            times: r.times.clone(),
            interval_ms: r.interval_ms.clone(),
            forever: r.forever,
            all: r.all,
            datagram: r.datagram.clone(),
        }
    }

    /// The row it fills in (a field too long for one is cut: the page checks it as typed).
    pub fn form(&self) -> crate::ui::sending::RepeatForm {
        let cut = |s: &str| s.chars().take(32).collect::<String>();
        crate::ui::sending::RepeatForm {
            times: cut(&self.times),
            interval_ms: cut(&self.interval_ms),
            forever: self.forever,
            all: self.all,
            datagram: cut(&self.datagram),
        }
    }
}

/// The page's repeat settings unless they are the defaults.
fn saved_repeat(s: &crate::ui::state::SockView) -> Option<SavedRepeat> {
    let r = SavedRepeat::of(&s.form.repeat);
    (r != SavedRepeat::default()).then_some(r)
}

/// A socket's TLS row, as it was when its session started.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedTls {
    #[serde(default, skip_serializing_if = "is_false")]
    pub server: bool,
    /// The server's name a client asks for (SNI, and the name its certificate must carry).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub server_name: String,
    /// ALPN protocols, comma-separated.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub alpn: String,
    /// How a client checks the certificate (against the system's roots unless said).
    #[serde(default, skip_serializing_if = "is_system_roots")]
    pub verify: crate::ui::state::TlsVerify,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ca_file: String,
    /// A server's certificate and key files (none: one made for localhost).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cert: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// Only the page's row is filled in, TLS not started (a reconnection after a refused
    /// handshake: the person changes the row first). Never in a file.
    #[serde(skip)]
    pub row_only: bool,
}

impl SavedTls {
    pub fn of(f: &crate::ui::state::TlsForm) -> SavedTls {
        SavedTls {
            server: f.server,
            server_name: if f.server {
                String::new()
            } else {
                f.name.clone()
            },
            alpn: f.alpn.clone(),
            verify: f.verify,
            ca_file: f.ca.clone(),
            cert: if f.own_files {
                f.cert.clone()
            } else {
                String::new()
            },
            key: if f.own_files {
                f.key.clone()
            } else {
                String::new()
            },
            row_only: false,
        }
    }

    /// What a started session asked for.
    pub fn of_spec(spec: &crate::engine::tls::TlsSpec) -> SavedTls {
        use crate::engine::tls::{CertSource, TlsSpec, Verify};
        use crate::ui::state::TlsVerify;
        match spec {
            TlsSpec::Client {
                server_name,
                alpn,
                verify,
                ..
            } => {
                let (verify, ca_file) = match verify {
                    Verify::System => (TlsVerify::System, String::new()),
                    Verify::CaFile { path } => (TlsVerify::CaFile, path.display().to_string()),
                    Verify::Off => (TlsVerify::Off, String::new()),
                };
                SavedTls {
                    server_name: server_name.clone(),
                    alpn: alpn.join(", "),
                    verify,
                    ca_file,
                    ..Default::default()
                }
            }
            TlsSpec::Server { cert, alpn } => {
                let (cert, key) = match cert {
                    CertSource::SelfSigned => (String::new(), String::new()),
                    CertSource::Files { cert, key } => {
                        (cert.display().to_string(), key.display().to_string())
                    }
                };
                SavedTls {
                    server: true,
                    alpn: alpn.join(", "),
                    cert,
                    key,
                    ..Default::default()
                }
            }
        }
    }

    /// The row it fills in (a field too long for one is cut: no name or path is longer).
    pub fn form(&self) -> crate::ui::state::TlsForm {
        let d = crate::ui::state::TlsForm::default();
        let cut = |s: &str, most: usize| s.chars().take(most).collect::<String>();
        crate::ui::state::TlsForm {
            server: self.server,
            name: if self.server_name.is_empty() {
                d.name
            } else {
                cut(&self.server_name, 255)
            },
            alpn: cut(&self.alpn, 1024),
            verify: self.verify,
            ca: cut(&self.ca_file, 4096),
            own_files: !self.cert.is_empty() || !self.key.is_empty(),
            cert: cut(&self.cert, 4096),
            key: cut(&self.key, 4096),
        }
    }
}

/// The TLS a socket started, as it was asked for. After a refused handshake, the row as
/// it is now (changed since, maybe, to try again), only to fill in.
fn saved_tls(s: &crate::ui::state::SockView) -> Option<SavedTls> {
    let tls = s.snapshot.as_ref()?.tls.as_ref()?;
    if tls.failure.is_some() {
        return Some(SavedTls {
            row_only: true,
            ..SavedTls::of(&s.form.tls)
        });
    }
    s.tls_started.clone()
}

/// A multicast group joined, on an interface ("" for the kernel's choice).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedGroup {
    pub group: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub interface: String,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_system_roots(v: &crate::ui::state::TlsVerify) -> bool {
    *v == crate::ui::state::TlsVerify::System
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SavedFamily {
    #[default]
    Inet,
    Inet6,
    Unix,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SavedKind {
    #[default]
    Stream,
    Dgram,
}

/// An address in a workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Place {
    Inet {
        host: String,
        port: u16,
    },
    Unix {
        path: String,
    },
    /// The address another socket of the workspace has once it is bound (a listener bound
    /// to port 0 gets a new port each time).
    Socket {
        socket: String,
    },
}

/// A responder and what it needs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedResponder {
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reply: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub key: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub digest: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<crate::serve::Rule>,
}

impl SavedResponder {
    pub fn options(&self) -> crate::serve::Options {
        crate::serve::Options {
            reply: self.reply.clone(),
            key: self.key.clone(),
            digest: self.digest.clone(),
            rules: self.rules.clone(),
            ..Default::default()
        }
    }
}

impl SavedFamily {
    /// The family as a workspace keeps it (None: one it cannot make again).
    pub fn of(family: Family) -> Option<SavedFamily> {
        match family {
            Family::Inet => Some(SavedFamily::Inet),
            Family::Inet6 => Some(SavedFamily::Inet6),
            Family::Unix => Some(SavedFamily::Unix),
            Family::Other(_) => None,
        }
    }

    pub fn family(self) -> Family {
        match self {
            SavedFamily::Inet => Family::Inet,
            SavedFamily::Inet6 => Family::Inet6,
            SavedFamily::Unix => Family::Unix,
        }
    }
}

impl SavedKind {
    pub fn kind(self) -> Kind {
        match self {
            SavedKind::Stream => Kind::Stream,
            SavedKind::Dgram => Kind::Dgram,
        }
    }
}

impl Place {
    /// An address the kernel reported, as a workspace keeps it (None: nothing a workspace
    /// can name, as an unnamed or non-UTF-8 Unix address).
    pub fn of(e: &Endpoint) -> Option<Place> {
        match e {
            Endpoint::V4(a) => Some(Place::Inet {
                host: a.ip().to_string(),
                port: a.port(),
            }),
            Endpoint::V6(a) => Some(Place::Inet {
                host: a.ip().to_string(),
                port: a.port(),
            }),
            Endpoint::Unix(p) if !p.is_empty() => String::from_utf8(p.clone())
                .ok()
                .map(|path| Place::Unix { path }),
            _ => None,
        }
    }

    /// The address for a socket of `family`, or why it is not one (another socket's
    /// address is resolved by `restore`, not here).
    pub fn spec(&self, family: Family) -> Result<AddrSpec, String> {
        match (self, family) {
            (Place::Unix { path }, Family::Unix) => {
                crate::ui::state::validate_addr(family, path, "")
            }
            (Place::Inet { host, port }, Family::Inet | Family::Inet6) => {
                crate::ui::state::validate_addr(family, host, &port.to_string())
            }
            (Place::Socket { socket }, _) => Err(socket.clone()),
            _ => Err(t!("workspace-file-wrong-family")),
        }
    }

    /// The host (or path) and port fields of a socket's page for it.
    pub fn fields(&self) -> Option<(String, String)> {
        match self {
            Place::Inet { host, port } => Some((host.clone(), port.to_string())),
            Place::Unix { path } => Some((path.clone(), String::new())),
            Place::Socket { .. } => None,
        }
    }
}

/// What saving left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LeftOut {
    /// Connections a listener accepted: they come again when their clients connect.
    pub accepted: usize,
    /// Sockets of a family or type a workspace does not keep (raw, seqpacket...).
    pub other: Vec<String>,
}

impl UiState {
    /// A workspace of one socket like `id` (its options, timeout, payload, bufsize),
    /// connecting to the peer it had (SockView::reconnect_to) and receiving continuously.
    pub fn reconnection(&self, id: crate::engine::SocketId) -> Option<Workspace> {
        let s = self.sockets.get(&id)?;
        let saved = SavedSocket {
            family: SavedFamily::of(s.info.family)?,
            kind: SavedKind::Stream,
            connect: Some(Place::of(s.reconnect_to()?)?),
            timeout: saved_timeout(s),
            options: options(s),
            // A device's replies are seen as they come, whatever the old socket did (over
            // TLS too: auto-receive reads the plaintext after the handshake).
            auto_receive: true,
            bufsize: saved_bufsize(s),
            payload: saved_payload(s),
            tls: saved_tls(s),
            repeat: saved_repeat(s),
            ..Default::default()
        };
        Some(Workspace {
            socklab_workspace: FORMAT,
            sockets: vec![saved],
            library: Vec::new(),
        })
    }
}

impl Workspace {
    /// The window's open sockets and its library, as a workspace keeps them.
    pub fn of(state: &UiState) -> (Workspace, LeftOut) {
        let mut left = LeftOut::default();
        let open: Vec<&crate::ui::state::SockView> =
            state.sockets.values().filter(|s| !s.closed).collect();
        let mut sockets = Vec::new();
        for s in &open {
            if s.info.parent.is_some() {
                left.accepted += 1;
                continue;
            }
            let Some(family) = SavedFamily::of(s.info.family) else {
                left.other.push(s.info.name.clone());
                continue;
            };
            let kind = match s.info.kind {
                Kind::Stream => SavedKind::Stream,
                Kind::Dgram => SavedKind::Dgram,
                Kind::Other(_) => {
                    left.other.push(s.info.name.clone());
                    continue;
                }
            };
            let snap = s.snapshot.as_ref();
            let listening = s.state() == SockState::Listening;
            let bind = if s.bound || listening {
                s.local().and_then(Place::of)
            } else {
                None
            };
            let listen = listening.then(|| {
                snap.and_then(|x| x.tcp.as_ref())
                    .and_then(|t| t.accept_queue())
                    .map(|(_, max)| max as i32)
                    .or_else(|| s.form.backlog.trim().parse().ok())
                    .unwrap_or(5)
            });
            let connect = match (s.state(), s.info.kind) {
                (SockState::Connected, _) | (_, Kind::Dgram) => s.peer().and_then(|p| {
                    same_as(&open, s.info.id, p)
                        .map(|socket| Place::Socket { socket })
                        .or_else(|| Place::of(p))
                }),
                // A client whose peer ended the connection (a device restarted) is still
                // that peer's client: opened again, it connects (to its server of the
                // workspace by name, as a connected one does).
                _ => s.reconnect_to().and_then(|p| {
                    same_as(&open, s.info.id, p)
                        .map(|socket| Place::Socket { socket })
                        .or_else(|| Place::of(p))
                }),
            };
            // What was applied, not what the form says now (it may have changed since).
            let responder = snap
                .and_then(|x| x.responder.as_ref())
                .and(s.answering.as_ref())
                .map(|(name, o)| SavedResponder {
                    name: name.clone(),
                    reply: o.reply.clone(),
                    key: o.key.clone(),
                    // The digest is the HMAC responders' only.
                    digest: if name.starts_with("hmac") {
                        o.digest.clone()
                    } else {
                        String::new()
                    },
                    rules: o.rules.clone(),
                });
            sockets.push(SavedSocket {
                name: saved_name(&s.info.name),
                family,
                kind,
                bind,
                listen,
                connect,
                timeout: saved_timeout(s),
                options: options(s),
                auto_accept: snap.is_some_and(|x| x.auto_accept),
                auto_receive: snap.is_some_and(|x| x.auto_receive),
                bufsize: saved_bufsize(s),
                max_clients: snap.and_then(|x| x.clients).and_then(|c| c.1),
                responder,
                payload: saved_payload(s),
                groups: snap
                    .map(|x| {
                        x.groups
                            .iter()
                            .map(|(group, interface)| SavedGroup {
                                group: group.clone(),
                                interface: interface.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                // A refused handshake is not kept: the file starts what worked.
                tls: saved_tls(s).filter(|t| !t.row_only),
                repeat: saved_repeat(s),
            });
        }
        (
            Workspace {
                socklab_workspace: FORMAT,
                sockets,
                library: state.settings.library.clone(),
            },
            left,
        )
    }

    /// The file's text.
    pub fn to_toml(&self) -> Result<String, String> {
        let body = toml::to_string(self).map_err(|e| e.to_string())?;
        Ok(format!(
            "# A socklab workspace: its sockets are made again when it is opened.\n{body}"
        ))
    }

    /// Reads a workspace's text; why not, with the line where it went wrong.
    pub fn parse(text: &str) -> Result<Workspace, String> {
        let ws: Workspace = toml::from_str(text).map_err(|e| {
            // One line, where it went wrong and why (the crate's own account draws a caret
            // under the text, which a proportional font puts in the wrong place).
            let why = e.message().trim().to_string();
            match e.span().and_then(|sp| text.get(..sp.start)) {
                Some(before) => t!(
                    "workspace-file-at",
                    line = before.matches('\n').count() + 1,
                    column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
                    why = why
                ),
                None => why,
            }
        })?;
        if ws.socklab_workspace == 0 {
            return Err(t!("workspace-file-not-one"));
        }
        if ws.sockets.len() > MAX_SOCKETS {
            return Err(t!(
                "workspace-file-too-many",
                n = ws.sockets.len(),
                max = MAX_SOCKETS
            ));
        }
        for (k, s) in ws.sockets.iter().enumerate() {
            if let Some(name) = &s.name {
                if !is_python_name(name) {
                    let shown: String = name.chars().take(40).collect();
                    return Err(t!("workspace-file-bad-name", n = k + 1, name = shown));
                }
            }
            if s.options.len() > MAX_OPTIONS || s.groups.len() > MAX_OPTIONS {
                return Err(t!(
                    "workspace-file-too-many-options",
                    n = k + 1,
                    count = s.options.len().max(s.groups.len()),
                    max = MAX_OPTIONS
                ));
            }
        }
        Ok(ws)
    }
}

/// A name Python takes as a variable (what the journal and the console call it), short.
fn is_python_name(name: &str) -> bool {
    name.len() <= MAX_NAME && crate::pyrt::session::is_identifier(name)
}

/// Options off until set, kept when the kernel says they are on (a console's
/// setsockopt goes past the window's inspector).
const OFF_UNTIL_SET: [&str; 7] = [
    "SO_REUSEADDR",
    "SO_REUSEPORT",
    "SO_KEEPALIVE",
    "SO_BROADCAST",
    "SO_OOBINLINE",
    "TCP_NODELAY",
    "IPV6_V6ONLY",
];

/// The options a workspace sets again: what the window's inspector asked for (as asked),
/// then those the kernel has on that are off until set, and a linger that is on.
/// The socket's timeout as the kernel-side snapshot last said it (None: blocking).
fn saved_timeout(s: &crate::ui::state::SockView) -> Option<f64> {
    match s.snapshot.as_ref().map(|x| x.timeout) {
        Some(Timeout::NonBlocking) => Some(0.0),
        Some(Timeout::Secs(x)) => Some(x),
        _ => None,
    }
}

/// The page's bufsize, when not the default.
fn saved_bufsize(s: &crate::ui::state::SockView) -> Option<usize> {
    s.form.bufsize.trim().parse().ok().filter(|n| *n != 1024)
}

/// The page's payload, when there is one (a file to send counts).
fn saved_payload(s: &crate::ui::state::SockView) -> Option<crate::ui::sending::SavedPayload> {
    (s.form.mode == crate::payload::Mode::File || !s.form.payload.is_empty())
        .then(|| s.form.saved(""))
}

fn options(s: &crate::ui::state::SockView) -> BTreeMap<String, i64> {
    let mut out: BTreeMap<String, i64> = s.asked.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    for r in s.snapshot.iter().flat_map(|x| &x.options) {
        let on = match (r.name, r.value) {
            ("SO_LINGER", Ok(v)) => v >= 0,
            (name, Ok(v)) => OFF_UNTIL_SET.contains(&name) && v != 0,
            _ => false,
        };
        if on {
            if let Ok(v) = r.value {
                out.entry(r.name.to_string()).or_insert(v);
            }
        }
    }
    out
}

/// The name of another open socket (not accepted) whose address `peer` is, or whose
/// wildcard address has `peer`'s port: a client of the workspace's own listener.
fn same_as(
    open: &[&crate::ui::state::SockView],
    me: crate::engine::SocketId,
    peer: &Endpoint,
) -> Option<String> {
    open.iter()
        .filter(|o| o.info.id != me && o.info.parent.is_none())
        .find(|o| {
            o.local().is_some_and(|l| {
                l == peer
                    || match (l.inet(), peer.inet()) {
                        (Some(l), Some(p)) => l.ip().is_unspecified() && l.port() == p.port(),
                        _ => false,
                    }
            }) && (o.state() == SockState::Listening || (o.info.kind == Kind::Dgram && o.bound))
        })
        .and_then(|o| saved_name(&o.info.name))
}

/// A socket's name as a workspace keeps it: a Python name. One the window numbered
/// (`conn (1)`: a name the program gave to another socket since) is kept as `conn_1`.
fn saved_name(name: &str) -> Option<String> {
    if is_python_name(name) {
        return Some(name.to_string());
    }
    let mut kept = String::new();
    for c in name.chars() {
        let c = if c.is_alphanumeric() || c == '_' {
            c
        } else {
            '_'
        };
        if !(c == '_' && kept.ends_with('_')) {
            kept.push(c);
        }
    }
    let kept = kept.trim_end_matches('_').to_string();
    is_python_name(&kept).then_some(kept)
}

/// Why a workspace file could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// Reading it failed (it is left where it is).
    File(FileError),
    /// It is not a workspace socklab can read: set aside (`aside`) so nothing later
    /// overwrites it, with why.
    Damaged {
        path: std::path::PathBuf,
        aside: Option<std::path::PathBuf>,
        /// It was to be moved aside (`aside` None: it could not be).
        moved: bool,
        why: String,
    },
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::File(e) => write!(f, "{e}"),
            OpenError::Damaged {
                path,
                aside,
                moved,
                why,
            } => {
                let path = path.display().to_string();
                f.write_str(&match (aside, moved) {
                    (Some(a), _) => t!(
                        "workspace-file-damaged",
                        path = path,
                        aside = a.display().to_string(),
                        why = why.trim()
                    ),
                    (None, true) => {
                        t!("workspace-file-damaged-kept", path = path, why = why.trim())
                    }
                    (None, false) => t!("workspace-file-refused", path = path, why = why.trim()),
                })
            }
        }
    }
}

/// Reads and checks a workspace file (off the window's thread). One that is not a
/// workspace is refused; with `set_aside` (the last workspace, reopened at start) it is
/// also moved aside, so the next start does not meet it again. A file a person opened on
/// purpose stays where it is: it may be anything (a Cargo.toml picked by mistake).
pub fn read(path: &Path, set_aside: bool) -> Result<Workspace, OpenError> {
    let damaged = |why: String| OpenError::Damaged {
        path: path.to_path_buf(),
        aside: set_aside
            .then(|| crate::ui::files::set_aside(path, ".damaged").ok())
            .flatten(),
        moved: set_aside,
        why,
    };
    let bytes = match crate::ui::files::read_capped(path, MAX_FILE, Phrase::Workspace) {
        Ok(b) => b,
        Err(e @ FileError::TooBig { .. }) => return Err(damaged(e.to_string())),
        Err(e) => return Err(OpenError::File(e)),
    };
    let text = String::from_utf8(bytes).map_err(|e| damaged(e.to_string()))?;
    Workspace::parse(&text).map_err(damaged)
}

/// Writes a workspace file atomically (never over an existing file unless `replace`).
pub fn write(path: &Path, replace: Replace, ws: &Workspace) -> Result<(), FileError> {
    let text = ws.to_toml().map_err(|why| {
        FileError::io(
            "write",
            Phrase::Workspace,
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, why),
        )
    })?;
    crate::ui::files::write_atomic(path, replace, Phrase::Workspace, |w| {
        w.write_all(text.as_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workspace_reads_back_as_written() {
        let ws = Workspace {
            socklab_workspace: FORMAT,
            sockets: vec![
                SavedSocket {
                    name: Some("srv".into()),
                    bind: Some(Place::Inet {
                        host: "127.0.0.1".into(),
                        port: 5000,
                    }),
                    listen: Some(5),
                    options: [("SO_REUSEADDR".to_string(), 1)].into(),
                    auto_accept: true,
                    responder: Some(SavedResponder {
                        name: "rules".into(),
                        rules: vec![crate::serve::Rule {
                            pattern: "ping".into(),
                            reply: "pong\\n".into(),
                            ..Default::default()
                        }],
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                SavedSocket {
                    name: Some("c".into()),
                    connect: Some(Place::Socket {
                        socket: "srv".into(),
                    }),
                    timeout: Some(2.5),
                    payload: Some(SavedPayload {
                        payload: "你好\\x00".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                SavedSocket {
                    family: SavedFamily::Unix,
                    kind: SavedKind::Dgram,
                    bind: Some(Place::Unix {
                        path: "/tmp/a b.sock".into(),
                    }),
                    ..Default::default()
                },
            ],
            library: vec![SavedPayload {
                name: "hello".into(),
                payload: "hello".into(),
                ..Default::default()
            }],
        };
        let text = ws.to_toml().unwrap();
        assert!(text.contains("[[socket]]"), "{text}");
        assert!(
            text.contains("[socket.connect]\nsocket = \"srv\""),
            "{text}"
        );
        assert_eq!(Workspace::parse(&text), Ok(ws));
    }

    #[test]
    fn what_is_not_a_workspace_says_where() {
        let e = Workspace::parse("socklab_workspace = 1\n[[socket]]\nfamily = \"inet\"\ntype = \"stream\"\nlisten = \"five\"\n")
            .unwrap_err();
        assert!(e.contains("line 5"), "{e}");
        assert!(Workspace::parse("[[socket]]\nfamily = \"inet\"\ntype = \"stream\"\n").is_err());
        assert!(Workspace::parse("hello").is_err());
        let many = "socklab_workspace = 1\n".to_string()
            + &"[[socket]]\nfamily = \"inet\"\ntype = \"dgram\"\n".repeat(MAX_SOCKETS + 1);
        assert!(Workspace::parse(&many).is_err());
        // A name that is not a Python name (the journal writes it as code) is refused.
        let e = Workspace::parse(
            "socklab_workspace = 1\n[[socket]]\nname = \"a\\nimport os\"\nfamily = \"inet\"\ntype = \"dgram\"\n",
        )
        .unwrap_err();
        assert!(e.contains("not a Python name"), "{e}");
        // A later socklab's fields are passed over.
        assert!(Workspace::parse("socklab_workspace = 2\nsomething_new = true\n").is_ok());
    }
}
