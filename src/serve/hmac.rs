//! HMAC challenge authentication, both sides. The server sends 32 random bytes and expects
//! their HMAC under a shared key, as hex (64 characters for sha256) or as the raw digest (as
//! the Python Cookbook's client sends it); it compares in constant time, answers `OK` or
//! `FAIL`, reports which, and after a pass echoes what follows. The client side answers a
//! challenge on a connected socket with the hex HMAC and reports the server's verdict.

use std::collections::HashMap;

use crate::engine::{Ctx, Endpoint, MakeResponder, Out, Responder};
use crate::python::hashing::{compare_digest, hex, hmac_digest, Algo};

/// Challenge size in bytes.
pub const CHALLENGE: usize = 32;
/// Datagram peers remembered at once by the UDP server side.
const MAX_PEERS: usize = 1024;

#[derive(Clone, Debug, PartialEq)]
pub struct HmacServer {
    pub key: Vec<u8>,
    pub algo: Algo,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HmacClient {
    pub key: Vec<u8>,
    pub algo: Algo,
}

fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    let mut filled = 0;
    while filled < n {
        // SAFETY: the pointer and length describe the unfilled rest of `buf`.
        let r = unsafe { libc::getrandom(buf[filled..].as_mut_ptr().cast(), n - filled, 0) };
        if r > 0 {
            filled += r as usize;
        } else if std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            // No kernel randomness: fall back to the time, never to a fixed challenge.
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos();
            for (i, b) in buf.iter_mut().enumerate() {
                *b = (t >> (i % 16 * 8)) as u8 ^ i as u8;
            }
            break;
        }
    }
    buf
}

/// What one challenge waits for.
struct Pending {
    challenge: Vec<u8>,
    got: Vec<u8>,
    passed: bool,
}

impl Pending {
    fn new() -> Pending {
        Pending {
            challenge: random_bytes(CHALLENGE),
            got: Vec::new(),
            passed: false,
        }
    }
}

struct ServerConn {
    spec: HmacServer,
    /// Stream: one challenge (key None); datagrams: one per peer.
    pending: HashMap<Option<Endpoint>, Pending>,
}

impl MakeResponder for HmacServer {
    fn make(&self) -> Box<dyn Responder> {
        Box::new(ServerConn {
            spec: self.clone(),
            pending: HashMap::new(),
        })
    }
    fn describe(&self) -> String {
        format!("HMAC challenge ({})", self.algo.name())
    }
}

/// The client's answer once complete: a raw digest, or its hex (whitespace ignored).
fn verdict(spec: &HmacServer, p: &Pending) -> Option<bool> {
    let want = hmac_digest(spec.algo, &spec.key, &p.challenge);
    let n = want.len();
    if p.got.len() >= n && !p.got[..n].iter().all(u8::is_ascii_hexdigit) {
        return Some(compare_digest(&p.got[..n], &want));
    }
    let text: Vec<u8> = p
        .got
        .iter()
        .filter(|b| !b.is_ascii_whitespace())
        .map(u8::to_ascii_lowercase)
        .collect();
    if text.len() >= 2 * n {
        return Some(compare_digest(&text[..2 * n], hex(&want).as_bytes()));
    }
    None
}

impl Responder for ServerConn {
    fn on_open(&mut self, _ctx: &Ctx) -> Vec<Out> {
        let p = Pending::new();
        let data = p.challenge.clone();
        self.pending.insert(None, p);
        vec![Out::Send { data }]
    }

    fn on_data(&mut self, data: &[u8], ctx: &Ctx) -> Vec<Out> {
        let stream = self.pending.contains_key(&None);
        let key = if stream { None } else { ctx.peer.clone() };
        if !stream && !self.pending.contains_key(&key) {
            // A datagram peer's first message asks for a challenge.
            if self.pending.len() >= MAX_PEERS {
                self.pending.clear();
            }
            let p = Pending::new();
            let data = p.challenge.clone();
            self.pending.insert(key, p);
            return vec![Out::Send { data }];
        }
        let Some(p) = self.pending.get_mut(&key) else {
            return Vec::new();
        };
        if p.passed {
            return vec![Out::Send {
                data: data.to_vec(),
            }];
        }
        p.got.extend_from_slice(data);
        let who = ctx
            .peer
            .as_ref()
            .map(|e| format!(" from {e}"))
            .unwrap_or_default();
        match verdict(&self.spec, p) {
            None => Vec::new(),
            Some(true) => {
                p.passed = true;
                vec![
                    Out::Note {
                        text: format!("HMAC check passed{who}"),
                    },
                    Out::Send {
                        data: b"OK\n".to_vec(),
                    },
                ]
            }
            Some(false) => {
                self.pending.remove(&key);
                vec![
                    Out::Note {
                        text: format!("HMAC check FAILED{who}: wrong key or digest"),
                    },
                    Out::Send {
                        data: b"FAIL\n".to_vec(),
                    },
                    Out::Close,
                ]
            }
        }
    }
}

struct ClientConn {
    spec: HmacClient,
    got: Vec<u8>,
    answered: bool,
}

impl MakeResponder for HmacClient {
    fn make(&self) -> Box<dyn Responder> {
        Box::new(ClientConn {
            spec: self.clone(),
            got: Vec::new(),
            answered: false,
        })
    }
    fn describe(&self) -> String {
        format!("HMAC answer ({})", self.algo.name())
    }
}

impl Responder for ClientConn {
    fn on_open(&mut self, _ctx: &Ctx) -> Vec<Out> {
        Vec::new()
    }

    fn on_data(&mut self, data: &[u8], _ctx: &Ctx) -> Vec<Out> {
        self.got.extend_from_slice(data);
        if !self.answered {
            if self.got.len() < CHALLENGE {
                return Vec::new();
            }
            self.answered = true;
            let challenge: Vec<u8> = self.got.drain(..CHALLENGE).collect();
            let mac = hex(&hmac_digest(self.spec.algo, &self.spec.key, &challenge));
            return vec![
                Out::Note {
                    text: format!("answered the challenge with {mac}"),
                },
                Out::Send {
                    data: format!("{mac}\n").into_bytes(),
                },
            ];
        }
        let text = String::from_utf8_lossy(&self.got).trim().to_string();
        self.got.clear();
        vec![Out::Note {
            text: format!("the server says {text:?}"),
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        Ctx {
            peer: None,
            local: None,
            now: std::time::SystemTime::now(),
        }
    }

    #[test]
    fn a_right_answer_passes_hex_or_raw_and_a_wrong_one_fails() {
        let spec = HmacServer {
            key: b"peekaboo".to_vec(),
            algo: Algo::Sha256,
        };
        let client = HmacClient {
            key: b"peekaboo".to_vec(),
            algo: Algo::Sha256,
        };
        // Hex, in two pieces, through the client side.
        let mut s = spec.make();
        let mut c = client.make();
        let Out::Send { data: challenge } = s.on_open(&ctx()).remove(0) else {
            panic!()
        };
        assert_eq!(challenge.len(), CHALLENGE);
        let outs = c.on_data(&challenge, &ctx());
        let Some(Out::Send { data: answer }) = outs.last().cloned() else {
            panic!()
        };
        assert_eq!(answer.len(), 65);
        assert!(s.on_data(&answer[..10], &ctx()).is_empty());
        let outs = s.on_data(&answer[10..], &ctx());
        assert!(matches!(&outs[0], Out::Note { text } if text.starts_with("HMAC check passed")));
        // After a pass, the session echoes.
        assert_eq!(
            s.on_data(b"hi", &ctx()),
            vec![Out::Send {
                data: b"hi".to_vec()
            }]
        );
        // The raw digest, as the Python Cookbook's client sends it.
        let mut s = spec.make();
        let Out::Send { data: challenge } = s.on_open(&ctx()).remove(0) else {
            panic!()
        };
        let raw = hmac_digest(Algo::Sha256, b"peekaboo", &challenge);
        let outs = s.on_data(&raw, &ctx());
        assert!(
            matches!(&outs[0], Out::Note { text } if text.starts_with("HMAC check passed")),
            "{outs:?}"
        );
        // The wrong key fails and closes.
        let mut s = spec.make();
        let Out::Send { data: challenge } = s.on_open(&ctx()).remove(0) else {
            panic!()
        };
        let wrong = hex(&hmac_digest(Algo::Sha256, b"guess", &challenge));
        let outs = s.on_data(wrong.as_bytes(), &ctx());
        assert!(outs.contains(&Out::Close));
        assert!(matches!(&outs[0], Out::Note { text } if text.contains("FAILED")));
    }
}
