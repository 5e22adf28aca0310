//! Hex payloads: tolerant of spaces, colons, commas, dashes, newlines and 0x prefixes; strict
//! about digits, reporting an odd nibble or a bad digit with its position.

use super::PayloadError;
use crate::t;

pub fn parse_hex(input: &str) -> Result<Vec<u8>, PayloadError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::with_capacity(chars.len() / 2);
    let mut high: Option<(u8, usize)> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '0' && high.is_none() && matches!(chars.get(i + 1), Some('x' | 'X')) {
            i += 2;
            continue;
        }
        if c.is_whitespace() || matches!(c, ':' | ',' | '-' | ';') {
            if let Some((_, at)) = high {
                return Err(PayloadError {
                    pos: at,
                    message: t!("payload-hex-lone-digit"),
                });
            }
            i += 1;
            continue;
        }
        let Some(d) = c.to_digit(16) else {
            return Err(PayloadError {
                pos: i,
                message: t!("payload-hex-bad-digit", char = c.to_string()),
            });
        };
        match high.take() {
            None => high = Some((d as u8, i)),
            Some((h, _)) => out.push(h << 4 | d as u8),
        }
        i += 1;
    }
    if let Some((_, at)) = high {
        return Err(PayloadError {
            pos: at,
            message: t!("payload-hex-odd"),
        });
    }
    Ok(out)
}

/// Bytes as spaced lower-case hex pairs: "de ad be ef".
pub fn render_hex(bytes: &[u8]) -> String {
    crate::pyfmt::to_hex_sep(bytes, " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerant_of_separators_strict_about_digits() {
        assert_eq!(
            parse_hex("de ad\nBE:EF,00"),
            Ok(vec![0xde, 0xad, 0xbe, 0xef, 0])
        );
        assert_eq!(parse_hex("0x01 0x02 0XfF"), Ok(vec![1, 2, 255]));
        assert_eq!(parse_hex("0102"), Ok(vec![1, 2]));
        assert_eq!(parse_hex(""), Ok(vec![]));
        let e = parse_hex("01 0g").unwrap_err();
        assert_eq!(e.pos, 4);
        let e = parse_hex("01 2").unwrap_err();
        assert_eq!(e.pos, 3);
        assert!(e.message.contains("odd"));
        assert_eq!(parse_hex("1 23").unwrap_err().pos, 0);
    }

    #[test]
    fn render_then_parse_gives_the_same_bytes() {
        let mut rng = crate::payload::text::tests::Rng(0x9e3779b97f4a7c15);
        for _ in 0..2000 {
            let n = (rng.next() % 64) as usize;
            let b: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            assert_eq!(parse_hex(&render_hex(&b)), Ok(b));
        }
    }
}
