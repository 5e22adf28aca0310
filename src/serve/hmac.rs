//! HMAC challenge authentication, both sides. The server sends 32 random bytes and expects
//! their HMAC under a shared key, as hex (64 characters for sha256) or as the raw digest (as
//! the Python Cookbook's client sends it); it compares in constant time, answers `OK` or
//! `FAIL`, reports which, and after a pass echoes what follows. The client side answers a
//! challenge on a connected socket with the hex HMAC and reports the server's verdict.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::engine::note::{HmacFailure, Note};
use crate::engine::{Ctx, Endpoint, MakeResponder, Out, Responder};
use crate::pyfmt::hashing::{compare_digest, hmac_digest, Algo};
use crate::pyfmt::to_hex as hex;

/// Challenge size in bytes.
pub const CHALLENGE: usize = 32;
/// Datagram peers remembered at once by the UDP server side.
const MAX_PEERS: usize = 1024;

#[derive(Clone, Debug, PartialEq)]
pub struct HmacServer {
    pub key: Vec<u8>,
    pub algo: Algo,
    /// How long a client has to answer a challenge before it FAILs.
    pub timeout: Duration,
    /// Over UDP, a challenge goes only to a request of at least CHALLENGE / udp_ratio
    /// bytes: a spoofed little datagram must not bring a victim a bigger answer.
    pub udp_ratio: usize,
}

/// A challenge's answer time unless the user gives another.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Debug, PartialEq)]
pub struct HmacClient {
    pub key: Vec<u8>,
    pub algo: Algo,
}

fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    if getrandom::fill(&mut buf).is_err() {
        // No kernel randomness: fall back to the time, never to a fixed challenge.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        for (i, b) in buf.iter_mut().enumerate() {
            *b = (t >> (i % 16 * 8)) as u8 ^ i as u8;
        }
    }
    buf
}

/// What one challenge waits for. Only what a valid answer can use is kept — the first
/// digest-length bytes (a raw digest) and the first 2 x digest-length hex characters — and
/// every byte is looked at once: whatever a client sends, its session holds a few hundred
/// bytes and costs time in proportion to what arrived.
struct Pending {
    challenge: Vec<u8>,
    want: Vec<u8>,
    /// The answer's first bytes, up to the digest's length.
    head: Vec<u8>,
    /// A byte that is neither a hex digit nor whitespace came in the head: a raw digest.
    raw: bool,
    /// Hex digits (and any other non-whitespace) seen, lower-cased, up to twice the digest.
    text: Vec<u8>,
    deadline: Instant,
    passed: bool,
}

impl Pending {
    fn new(spec: &HmacServer) -> Pending {
        let challenge = random_bytes(CHALLENGE);
        let want = hmac_digest(spec.algo, &spec.key, &challenge);
        Pending {
            challenge,
            want,
            head: Vec::new(),
            raw: false,
            text: Vec::new(),
            deadline: Instant::now() + spec.timeout,
            passed: false,
        }
    }

    /// Takes the new bytes of the answer; the verdict once it is complete.
    fn take(&mut self, data: &[u8]) -> Option<bool> {
        let n = self.want.len();
        for &b in data {
            if self.head.len() < n {
                self.head.push(b);
                self.raw |= !b.is_ascii_hexdigit() && !b.is_ascii_whitespace();
            }
            if !b.is_ascii_whitespace() && self.text.len() < 2 * n {
                self.text.push(b.to_ascii_lowercase());
            }
            if self.head.len() == n && self.raw {
                return Some(compare_digest(&self.head, &self.want));
            }
            if !self.raw && self.text.len() == 2 * n {
                return Some(compare_digest(&self.text, hex(&self.want).as_bytes()));
            }
        }
        None
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
        format!("hmac ({})", self.algo.name())
    }
}

impl Responder for ServerConn {
    fn on_open(&mut self, _ctx: &Ctx) -> Vec<Out> {
        let p = Pending::new(&self.spec);
        let data = p.challenge.clone();
        self.pending.insert(None, p);
        vec![Out::Send { data }]
    }

    fn on_data(&mut self, data: &[u8], ctx: &Ctx) -> Vec<Out> {
        let stream = self.pending.contains_key(&None);
        let key = if stream { None } else { ctx.peer.clone() };
        if !stream && !self.pending.contains_key(&key) {
            // A datagram peer's first message asks for a challenge, if it carried enough
            // bytes that the challenge amplifies nothing.
            let least = CHALLENGE.div_ceil(self.spec.udp_ratio.max(1));
            if data.len() < least {
                return vec![Out::Note {
                    note: Note::NoChallenge {
                        peer: ctx.peer.clone(),
                        carried: data.len(),
                        challenge: CHALLENGE,
                        least,
                    },
                }];
            }
            if self.pending.len() >= MAX_PEERS {
                self.pending.clear();
            }
            let p = Pending::new(&self.spec);
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
        let peer = ctx.peer.clone();
        match p.take(data) {
            None => Vec::new(),
            Some(true) => {
                p.passed = true;
                vec![
                    Out::Note {
                        note: Note::HmacPassed { peer },
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
                        note: Note::HmacFailed {
                            peer,
                            why: HmacFailure::WrongAnswer,
                        },
                    },
                    Out::Send {
                        data: b"FAIL\n".to_vec(),
                    },
                    Out::Close,
                ]
            }
        }
    }

    fn deadline(&self) -> Option<Instant> {
        self.pending
            .values()
            .filter(|p| !p.passed)
            .map(|p| p.deadline)
            .min()
    }

    fn on_timer(&mut self, ctx: &Ctx) -> Vec<Out> {
        let now = Instant::now();
        let secs = self.spec.timeout.as_secs_f64();
        let late: Vec<Option<Endpoint>> = self
            .pending
            .iter()
            .filter(|(_, p)| !p.passed && now >= p.deadline)
            .map(|(k, _)| k.clone())
            .collect();
        let mut outs = Vec::new();
        for key in late {
            self.pending.remove(&key);
            let peer = key.as_ref().or(ctx.peer.as_ref());
            outs.push(Out::Note {
                note: Note::HmacFailed {
                    peer: peer.cloned(),
                    why: HmacFailure::NoAnswer { secs },
                },
            });
            if key.is_none() {
                // A stream's client hears the verdict, then the server hangs up.
                outs.push(Out::Send {
                    data: b"FAIL\n".to_vec(),
                });
                outs.push(Out::Close);
            }
        }
        outs
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
        format!("hmac-client ({})", self.algo.name())
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
                    note: Note::Answered { mac: mac.clone() },
                },
                Out::Send {
                    data: format!("{mac}\n").into_bytes(),
                },
            ];
        }
        let text = String::from_utf8_lossy(&self.got).trim().to_string();
        self.got.clear();
        vec![Out::Note {
            note: Note::ServerSays { text },
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
            timeout: DEFAULT_TIMEOUT,
            udp_ratio: 1,
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
        assert!(
            matches!(&outs[0], Out::Note { note } if note.to_string().starts_with("HMAC check passed"))
        );
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
            matches!(&outs[0], Out::Note { note } if note.to_string().starts_with("HMAC check passed")),
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
        assert!(matches!(&outs[0], Out::Note { note } if note.to_string().contains("FAILED")));
    }

    #[test]
    fn an_answer_is_read_once_and_kept_small() {
        let spec = HmacServer {
            key: b"k".to_vec(),
            algo: Algo::Sha256,
            timeout: DEFAULT_TIMEOUT,
            udp_ratio: 1,
        };
        // 31 hex characters, then endless spaces: nothing grows, nothing is decided.
        let mut p = Pending::new(&spec);
        assert_eq!(p.take(&[b'a'; 31]), None);
        let spaces = vec![b' '; 1 << 20];
        for _ in 0..16 {
            assert_eq!(p.take(&spaces), None);
        }
        assert!(
            p.head.len() <= 32 && p.text.len() <= 64,
            "kept {} + {}",
            p.head.len(),
            p.text.len()
        );
        // Whitespace around and inside a hex answer is accepted.
        let mut p = Pending::new(&spec);
        let good = hex(&p.want);
        let spaced: String = good
            .as_bytes()
            .chunks(2)
            .map(|c| format!(" {}\t", String::from_utf8_lossy(c)))
            .collect();
        assert_eq!(p.take(format!("\n{spaced}\r\n").as_bytes()), Some(true));
        // A raw digest with a whitespace byte in it still reads as raw.
        let mut p = Pending::new(&spec);
        let mut raw = p.want.clone();
        raw[0] = b' ';
        raw[1] = 0xff;
        assert_eq!(p.take(&raw), Some(false), "a wrong raw digest fails");
    }

    #[test]
    fn an_unanswered_challenge_fails_when_its_time_is_up() {
        let spec = HmacServer {
            key: b"k".to_vec(),
            algo: Algo::Sha256,
            timeout: std::time::Duration::ZERO,
            udp_ratio: 1,
        };
        let mut s = spec.make();
        s.on_open(&ctx());
        let due = s.deadline().expect("a challenge waits for its answer");
        assert!(due <= Instant::now());
        let outs = s.on_timer(&ctx());
        assert!(
            matches!(&outs[0], Out::Note { note } if note.to_string().contains("no complete answer within 0 s")),
            "{outs:?}"
        );
        assert!(outs.contains(&Out::Send {
            data: b"FAIL\n".to_vec()
        }));
        assert!(outs.contains(&Out::Close));
        assert_eq!(s.deadline(), None, "nothing waits any more");
    }
}
