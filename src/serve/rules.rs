//! Rule-based auto-reply: an ordered list of rules, the first that matches a message answers
//! it. A rule matches exactly, by containing, as a prefix, as a suffix, or by a regular
//! expression, over the message's bytes as text or as hex; its reply is a template that can
//! use the match ({0}), its captures ({1}..{9}), how often the rule fired ({count}), the time
//! ({time}), the peer ({peer}) and the message ({data}), with Python escapes (\r\n, \x00).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use regex::bytes::Regex;
use serde::{Deserialize, Serialize};

use super::{BuildError, RuleError};
use crate::engine::note::Note;
use crate::engine::{Ctx, MakeResponder, Out, Responder};
use crate::payload::{parse_hex, parse_text, Encoding};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatchKind {
    /// The whole message (a trailing line ending ignored).
    #[default]
    Exact,
    Contains,
    Prefix,
    Suffix,
    Regex,
}

impl MatchKind {
    pub const ALL: [MatchKind; 5] = [
        MatchKind::Exact,
        MatchKind::Contains,
        MatchKind::Prefix,
        MatchKind::Suffix,
        MatchKind::Regex,
    ];
    pub fn name(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Contains => "contains",
            MatchKind::Prefix => "prefix",
            MatchKind::Suffix => "suffix",
            MatchKind::Regex => "regex",
        }
    }
    pub fn from_name(n: &str) -> Option<MatchKind> {
        MatchKind::ALL.into_iter().find(|k| k.name() == n)
    }
}

/// One rule as a person writes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rule {
    pub kind: MatchKind,
    /// Match the message's hex (lower case, no spaces) instead of its bytes as text.
    pub hex: bool,
    pub pattern: String,
    pub reply: String,
    pub delay_ms: u64,
}

enum Matcher {
    Bytes(Vec<u8>),
    Regex(Regex),
}

enum Piece {
    Lit(Vec<u8>),
    Group(usize),
    Count,
    Time,
    Peer,
    Data,
}

struct Compiled {
    rule: Rule,
    matcher: Matcher,
    reply: Vec<Piece>,
    fired: AtomicU64,
}

/// The rule set, checked once; shared by every connection it answers.
#[derive(Clone)]
pub struct Rules(Arc<Vec<Compiled>>);

impl std::fmt::Debug for Rules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rules({})", self.0.len())
    }
}

/// Parses a reply template into literal bytes and placeholders.
fn template(t: &str) -> Result<Vec<Piece>, RuleError> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut rest = t;
    let flush = |lit: &mut String, out: &mut Vec<Piece>| -> Result<(), RuleError> {
        if !lit.is_empty() {
            let b = parse_text(lit, Encoding::Utf8).map_err(RuleError::Reply)?;
            out.push(Piece::Lit(b));
            lit.clear();
        }
        Ok(())
    };
    while let Some(i) = rest.find(['{', '}']) {
        lit.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            lit.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('}') {
            return Err(RuleError::LoneClose);
        }
        let Some(end) = tail.find('}') else {
            return Err(RuleError::Unclosed);
        };
        let name = &tail[1..end];
        flush(&mut lit, &mut out)?;
        out.push(match name {
            "count" => Piece::Count,
            "time" => Piece::Time,
            "peer" => Piece::Peer,
            "data" => Piece::Data,
            n => match n.parse::<usize>() {
                Ok(g) if g <= 9 => Piece::Group(g),
                _ => {
                    return Err(RuleError::Placeholder {
                        name: n.to_string(),
                    })
                }
            },
        });
        rest = &tail[end + 1..];
    }
    lit.push_str(rest);
    flush(&mut lit, &mut out)?;
    Ok(out)
}

impl Rules {
    /// Checks every rule; the error names the rule (1-based) and what is wrong.
    pub fn new(rules: Vec<Rule>) -> Result<Rules, BuildError> {
        let mut out = Vec::new();
        for (i, r) in rules.into_iter().enumerate() {
            let at = |why: RuleError| BuildError::Rule { number: i + 1, why };
            let matcher = match (r.kind, r.hex) {
                (MatchKind::Regex, _) => Matcher::Regex(
                    Regex::new(&r.pattern).map_err(|e| at(RuleError::Regex(e.to_string())))?,
                ),
                (_, true) => {
                    Matcher::Bytes(parse_hex(&r.pattern).map_err(|e| at(RuleError::Pattern(e)))?)
                }
                (_, false) => Matcher::Bytes(
                    parse_text(&r.pattern, Encoding::Utf8)
                        .map_err(|e| at(RuleError::Pattern(e)))?,
                ),
            };
            let reply = template(&r.reply).map_err(at)?;
            out.push(Compiled {
                rule: r,
                matcher,
                reply,
                fired: AtomicU64::new(0),
            });
        }
        Ok(Rules(Arc::new(out)))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn hex_of(data: &[u8]) -> Vec<u8> {
    crate::pyfmt::to_hex(data).into_bytes()
}

fn trim_eol(data: &[u8]) -> &[u8] {
    let mut end = data.len();
    while end > 0 && matches!(data[end - 1], b'\r' | b'\n') {
        end -= 1;
    }
    &data[..end]
}

/// The match and its groups, when the rule matches.
fn matches(c: &Compiled, data: &[u8]) -> Option<Vec<Vec<u8>>> {
    let hay: Vec<u8> = if c.rule.hex && c.rule.kind == MatchKind::Regex {
        hex_of(data)
    } else {
        data.to_vec()
    };
    match &c.matcher {
        Matcher::Regex(re) => re.captures(&hay).map(|caps| {
            caps.iter()
                .map(|m| m.map(|m| m.as_bytes().to_vec()).unwrap_or_default())
                .collect()
        }),
        Matcher::Bytes(p) => {
            let ok = match c.rule.kind {
                MatchKind::Exact => trim_eol(&hay) == trim_eol(p),
                MatchKind::Contains => p.is_empty() || hay.windows(p.len()).any(|w| w == p),
                MatchKind::Prefix => hay.starts_with(p),
                MatchKind::Suffix => trim_eol(&hay).ends_with(trim_eol(p)) || hay.ends_with(p),
                MatchKind::Regex => false,
            };
            ok.then(|| vec![p.clone()])
        }
    }
}

impl MakeResponder for Rules {
    fn make(&self) -> Box<dyn Responder> {
        Box::new(RulesConn(self.clone(), 0))
    }
    fn describe(&self) -> String {
        format!("rules ({})", self.0.len())
    }
}

/// A connection's rules: the set, and how many of its chunks matched none.
struct RulesConn(Rules, u64);

impl Responder for RulesConn {
    fn on_open(&mut self, _ctx: &Ctx) -> Vec<Out> {
        Vec::new()
    }

    fn on_data(&mut self, data: &[u8], ctx: &Ctx) -> Vec<Out> {
        for (i, c) in self.0 .0.iter().enumerate() {
            let Some(groups) = matches(c, data) else {
                continue;
            };
            let count = c.fired.fetch_add(1, Ordering::AcqRel) + 1;
            let mut reply = Vec::new();
            for p in &c.reply {
                match p {
                    Piece::Lit(b) => reply.extend_from_slice(b),
                    Piece::Group(g) => {
                        reply.extend_from_slice(groups.get(*g).map_or(&[][..], |v| v))
                    }
                    Piece::Count => reply.extend_from_slice(count.to_string().as_bytes()),
                    Piece::Time => {
                        reply.extend_from_slice(crate::timefmt::iso_time(ctx.now).as_bytes())
                    }
                    Piece::Peer => reply.extend_from_slice(
                        ctx.peer
                            .as_ref()
                            .map(|p| p.to_string())
                            .unwrap_or_default()
                            .as_bytes(),
                    ),
                    Piece::Data => reply.extend_from_slice(data),
                }
            }
            let mut outs = vec![Out::Note {
                note: Note::RuleFired {
                    rule: i + 1,
                    kind: c.rule.kind.name(),
                    pattern: c.rule.pattern.clone(),
                    count,
                },
            }];
            if c.rule.delay_ms > 0 {
                outs.push(Out::Wait {
                    delay: Duration::from_millis(c.rule.delay_ms),
                });
            }
            if !reply.is_empty() {
                outs.push(Out::Send { data: reply });
            }
            return outs;
        }
        // Said, or a device's request that got no answer looks like a reply lost.
        self.1 += 1;
        vec![Out::Note {
            note: Note::NoRuleMatched {
                len: data.len(),
                head: data[..data.len().min(NO_MATCH_HEAD)].to_vec(),
                count: self.1,
            },
        }]
    }
}

/// Bytes of an unmatched chunk its note carries (enough to recognise a request).
const NO_MATCH_HEAD: usize = 32;

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        Ctx {
            peer: None,
            local: None,
            now: std::time::SystemTime::UNIX_EPOCH,
        }
    }

    fn reply(outs: Vec<Out>) -> Option<Vec<u8>> {
        outs.into_iter().find_map(|o| match o {
            Out::Send { data } => Some(data),
            _ => None,
        })
    }

    #[test]
    fn the_first_matching_rule_answers_with_its_template() {
        let rules = Rules::new(vec![
            Rule {
                kind: MatchKind::Regex,
                pattern: r"^GET (\w+)".into(),
                reply: "got {1} ({count})\\r\\n".into(),
                ..Rule::default()
            },
            Rule {
                kind: MatchKind::Exact,
                pattern: "ping".into(),
                reply: "pong".into(),
                ..Rule::default()
            },
            Rule {
                kind: MatchKind::Prefix,
                hex: true,
                pattern: "01 03".into(),
                reply: "\\x01\\x03\\x02\\x00\\x2a".into(),
                delay_ms: 5,
            },
            Rule {
                kind: MatchKind::Contains,
                pattern: "{".into(),
                reply: "brace {{ and {data}".into(),
                ..Rule::default()
            },
        ])
        .unwrap();
        let mut r = rules.make();
        assert_eq!(
            reply(r.on_data(b"GET temp\n", &ctx())).unwrap(),
            b"got temp (1)\r\n"
        );
        assert_eq!(
            reply(r.on_data(b"GET hum", &ctx())).unwrap(),
            b"got hum (2)\r\n"
        );
        assert_eq!(reply(r.on_data(b"ping\r\n", &ctx())).unwrap(), b"pong");
        let outs = r.on_data(&[1, 3, 0, 0], &ctx());
        assert!(outs.contains(&Out::Wait {
            delay: Duration::from_millis(5)
        }));
        assert_eq!(reply(outs).unwrap(), [1, 3, 2, 0, 42]);
        assert_eq!(
            reply(r.on_data(b"a{b", &ctx())).unwrap(),
            b"brace { and a{b"
        );
        // Nothing answers a chunk no rule matches, and that is said, counted per
        // connection, with the chunk's first bytes.
        assert_eq!(
            r.on_data(b"nothing", &ctx()),
            vec![Out::Note {
                note: Note::NoRuleMatched {
                    len: 7,
                    head: b"nothing".to_vec(),
                    count: 1
                }
            }]
        );
        let long = [b'x'; 100];
        assert_eq!(
            r.on_data(&long, &ctx()),
            vec![Out::Note {
                note: Note::NoRuleMatched {
                    len: 100,
                    head: vec![b'x'; 32],
                    count: 2
                }
            }]
        );
        assert_eq!(
            Note::NoRuleMatched {
                len: 100,
                head: b"ab".to_vec(),
                count: 2
            }
            .to_string(),
            "no rule matched the 100 bytes received (b'ab'...), so nothing was sent back (time 2 on this connection); rules are matched against each chunk one recv() returns"
        );
        // Mistakes are named with their rule.
        let e = Rules::new(vec![Rule {
            kind: MatchKind::Regex,
            pattern: "(".into(),
            ..Rule::default()
        }])
        .unwrap_err();
        assert!(
            matches!(
                &e,
                BuildError::Rule {
                    number: 1,
                    why: RuleError::Regex(_)
                }
            ),
            "{e:?}"
        );
        assert!(e.to_string().starts_with("rule 1: bad regex"), "{e}");
        let e = Rules::new(vec![Rule {
            reply: "{nope}".into(),
            ..Rule::default()
        }])
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "rule 1: reply: unknown placeholder {nope}: use {0}..{9}, {count}, {time}, {peer} or {data}"
        );
    }
}
