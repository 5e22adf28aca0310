//! The classic responders of socket tutorials and RFCs: echo, upper-case echo, greet,
//! discard, chargen (RFC 864), daytime (RFC 867) and a fixed reply.

use std::time::SystemTime;

use crate::engine::{Ctx, MakeResponder, Out, Responder};

/// A responder whose every connection behaves alike and keeps no state.
#[derive(Clone, Debug, PartialEq)]
pub enum Basic {
    Echo,
    Upper,
    /// Sends `hello!` on accept, answers each message X with `Hello, X!`, closes on `exit`.
    Greet,
    Discard,
    /// Over UDP a datagram is answered with at most `udp_ratio` times its own size.
    Chargen {
        udp_ratio: usize,
    },
    Daytime,
    Fixed {
        reply: Vec<u8>,
    },
}

impl MakeResponder for Basic {
    fn make(&self) -> Box<dyn Responder> {
        Box::new(BasicConn {
            kind: self.clone(),
            line: 0,
        })
    }

    fn describe(&self) -> String {
        match self {
            Basic::Echo => "echo".into(),
            Basic::Upper => "upper".into(),
            Basic::Greet => "greet".into(),
            Basic::Discard => "discard".into(),
            Basic::Chargen { .. } => "chargen".into(),
            Basic::Daytime => "daytime".into(),
            Basic::Fixed { reply } => format!(
                "fixed {}",
                crate::pyfmt::bytes_repr(&reply[..reply.len().min(32)])
            ),
        }
    }
}

struct BasicConn {
    kind: Basic,
    /// Chargen's next line (datagram mode).
    line: usize,
}

/// The message as the greeting sees it: text without its line ending.
fn trimmed(data: &[u8]) -> &[u8] {
    let mut end = data.len();
    while end > 0 && matches!(data[end - 1], b'\r' | b'\n') {
        end -= 1;
    }
    &data[..end]
}

impl Responder for BasicConn {
    fn on_open(&mut self, ctx: &Ctx) -> Vec<Out> {
        match &self.kind {
            Basic::Greet => vec![Out::Send {
                data: b"hello!".to_vec(),
            }],
            Basic::Chargen { .. } => vec![Out::Stream {
                block: chargen_cycle(),
            }],
            Basic::Daytime => vec![
                Out::Send {
                    data: daytime(ctx.now).into_bytes(),
                },
                Out::Close,
            ],
            _ => Vec::new(),
        }
    }

    fn on_data(&mut self, data: &[u8], ctx: &Ctx) -> Vec<Out> {
        let send = |data: Vec<u8>| vec![Out::Send { data }];
        match &self.kind {
            Basic::Echo => send(data.to_vec()),
            Basic::Upper => send(data.to_ascii_uppercase()),
            Basic::Greet => {
                let x = trimmed(data);
                if x == b"exit" {
                    return vec![Out::Close];
                }
                let mut reply = b"Hello, ".to_vec();
                reply.extend_from_slice(x);
                reply.extend_from_slice(b"!");
                send(reply)
            }
            Basic::Discard => Vec::new(),
            // Over UDP every datagram is answered with one (RFC 864: 0 to 512 characters),
            // no bigger than the request allows: a spoofed sender gets no amplifier.
            Basic::Chargen { udp_ratio } => {
                let n = (self.line % 7 * 74).min(data.len().saturating_mul(*udp_ratio));
                let block = chargen_cycle();
                let start = self.line % 95 * 74;
                self.line += 1;
                send(block[start..start + n.min(block.len() - start)].to_vec())
            }
            Basic::Daytime => send(daytime(ctx.now).into_bytes()),
            Basic::Fixed { reply } => send(reply.clone()),
        }
    }
}

/// RFC 864's pattern: 95 lines of 72 printable characters, each starting one further on.
pub fn chargen_cycle() -> Vec<u8> {
    let printable: Vec<u8> = (0x20u8..0x7f).collect();
    let mut out = Vec::with_capacity(95 * 74);
    for i in 0..printable.len() {
        for k in 0..72 {
            out.push(printable[(i + k) % printable.len()]);
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// RFC 867 leaves the format free; this is the common one, in UTC:
/// "Monday, November 23, 2026 02:15:08-UTC\r\n".
pub fn daytime(now: SystemTime) -> String {
    const DAYS: [&str; 7] = [
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
    ];
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let iso = crate::timefmt::iso_time(now);
    let secs = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let day = DAYS[(secs / 86_400 % 7) as usize];
    let (y, m, d) = (&iso[0..4], &iso[5..7], &iso[8..10]);
    let month = MONTHS[m.parse::<usize>().unwrap_or(1).clamp(1, 12) - 1];
    format!(
        "{day}, {month} {}, {y} {}-UTC\r\n",
        d.trim_start_matches('0'),
        &iso[11..19]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        Ctx {
            peer: None,
            local: None,
            now: SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_795_400_108),
        }
    }

    #[test]
    fn greet_and_friends_answer_as_the_tutorials_do() {
        let mut g = Basic::Greet.make();
        assert_eq!(
            g.on_open(&ctx()),
            vec![Out::Send {
                data: b"hello!".to_vec()
            }]
        );
        assert_eq!(
            g.on_data(b"Bob\r\n", &ctx()),
            vec![Out::Send {
                data: b"Hello, Bob!".to_vec()
            }]
        );
        assert_eq!(g.on_data(b"exit", &ctx()), vec![Out::Close]);
        let mut u = Basic::Upper.make();
        assert_eq!(
            u.on_data(b"abc\xff", &ctx()),
            vec![Out::Send {
                data: b"ABC\xff".to_vec()
            }]
        );
        let c = chargen_cycle();
        assert_eq!(c.len(), 95 * 74);
        assert!(c.starts_with(b" !\"#$%&"));
        assert_eq!(&c[74..76], b"!\"");
        assert_eq!(
            daytime(ctx().now),
            "Monday, November 23, 2026 02:15:08-UTC\r\n"
        );
    }
}
