//! Text payloads: Python's bytes-literal escapes (\x00 \r \n \t \\ \' \" \0 and octal, plus
//! \u and \U for characters) in a chosen encoding. Escaped bytes go on the wire as they are;
//! characters are encoded.

use super::PayloadError;
use crate::t;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Encoding {
    #[default]
    Utf8,
    Gbk,
    Gb18030,
    Latin1,
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    pub const ALL: [Encoding; 6] = [
        Encoding::Utf8,
        Encoding::Gbk,
        Encoding::Gb18030,
        Encoding::Latin1,
        Encoding::Utf16Le,
        Encoding::Utf16Be,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gbk => "GBK",
            Encoding::Gb18030 => "GB18030",
            Encoding::Latin1 => "Latin-1",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }

    /// Encodes one character, or None when the encoding has no bytes for it.
    pub fn encode_char(self, c: char, out: &mut Vec<u8>) -> bool {
        match self {
            Encoding::Utf8 => {
                let mut b = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
                true
            }
            Encoding::Latin1 => {
                if (c as u32) < 256 {
                    out.push(c as u32 as u8);
                    true
                } else {
                    false
                }
            }
            Encoding::Utf16Le | Encoding::Utf16Be => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let b = if self == Encoding::Utf16Le {
                        u.to_le_bytes()
                    } else {
                        u.to_be_bytes()
                    };
                    out.extend_from_slice(&b);
                }
                true
            }
            Encoding::Gbk | Encoding::Gb18030 => {
                let codec = if self == Encoding::Gbk {
                    crate::pyfmt::codecs::Codec::Gbk
                } else {
                    crate::pyfmt::codecs::Codec::Gb18030
                };
                match codec.encode(c.encode_utf8(&mut [0u8; 4])) {
                    Ok(b) => {
                        out.extend_from_slice(&b);
                        true
                    }
                    Err(_) => false,
                }
            }
        }
    }

    /// Decodes bytes for display, replacing what does not decode.
    pub fn decode_lossy(self, b: &[u8]) -> String {
        match self {
            Encoding::Utf8 => String::from_utf8_lossy(b).into_owned(),
            Encoding::Latin1 => b.iter().map(|&x| x as char).collect(),
            Encoding::Utf16Le | Encoding::Utf16Be => {
                let units: Vec<u16> = b
                    .chunks(2)
                    .map(|p| {
                        let pair = [p[0], p.get(1).copied().unwrap_or(0)];
                        if self == Encoding::Utf16Le {
                            u16::from_le_bytes(pair)
                        } else {
                            u16::from_be_bytes(pair)
                        }
                    })
                    .collect();
                String::from_utf16_lossy(&units)
            }
            Encoding::Gbk => encoding_rs::GBK
                .decode_without_bom_handling(b)
                .0
                .into_owned(),
            Encoding::Gb18030 => encoding_rs::GB18030
                .decode_without_bom_handling(b)
                .0
                .into_owned(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum LineEnding {
    #[default]
    None,
    Lf,
    Cr,
    CrLf,
}

impl LineEnding {
    pub const ALL: [LineEnding; 4] = [
        LineEnding::None,
        LineEnding::Lf,
        LineEnding::Cr,
        LineEnding::CrLf,
    ];

    pub fn name(self) -> &'static str {
        match self {
            LineEnding::None => "none",
            LineEnding::Lf => "LF",
            LineEnding::Cr => "CR",
            LineEnding::CrLf => "CRLF",
        }
    }

    /// The ending's bytes in an encoding (two bytes per character in UTF-16).
    pub fn bytes(self, enc: Encoding) -> &'static [u8] {
        let utf16 = matches!(enc, Encoding::Utf16Le | Encoding::Utf16Be);
        match (self, utf16, enc == Encoding::Utf16Le) {
            (LineEnding::None, _, _) => b"",
            (LineEnding::Lf, false, _) => b"\n",
            (LineEnding::Cr, false, _) => b"\r",
            (LineEnding::CrLf, false, _) => b"\r\n",
            (LineEnding::Lf, true, true) => b"\n\0",
            (LineEnding::Cr, true, true) => b"\r\0",
            (LineEnding::CrLf, true, true) => b"\r\0\n\0",
            (LineEnding::Lf, true, false) => b"\0\n",
            (LineEnding::Cr, true, false) => b"\0\r",
            (LineEnding::CrLf, true, false) => b"\0\r\0\n",
        }
    }
}

/// Parses text with escapes into bytes.
pub fn parse_text(input: &str, enc: Encoding) -> Result<Vec<u8>, PayloadError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    let err = |pos: usize, message: String| Err(PayloadError { pos, message });
    let put = |c: char, pos: usize, out: &mut Vec<u8>| -> Result<(), PayloadError> {
        if enc.encode_char(c, out) {
            Ok(())
        } else {
            Err(PayloadError {
                pos,
                message: t!(
                    "payload-no-bytes-for",
                    encoding = enc.name(),
                    char = format!("{c:?}")
                ),
            })
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if c != '\\' {
            put(c, i, &mut out)?;
            i += 1;
            continue;
        }
        let Some(&n) = chars.get(i + 1) else {
            return err(i, t!("payload-lone-backslash"));
        };
        let start = i;
        i += 2;
        match n {
            'n' => out.push(b'\n'),
            'r' => out.push(b'\r'),
            't' => out.push(b'\t'),
            'a' => out.push(7),
            'b' => out.push(8),
            'f' => out.push(12),
            'v' => out.push(11),
            '\\' => out.push(b'\\'),
            '\'' => out.push(b'\''),
            '"' => out.push(b'"'),
            '0'..='7' => {
                let mut v = n.to_digit(8).unwrap_or(0);
                let mut k = 0;
                while k < 2 && chars.get(i).is_some_and(|d| d.is_digit(8)) {
                    v = v * 8 + chars[i].to_digit(8).unwrap_or(0);
                    i += 1;
                    k += 1;
                }
                if v > 0o377 {
                    return err(start, t!("payload-octal-too-big", octal = format!("{v:o}")));
                }
                out.push(v as u8);
            }
            'x' => {
                let h: String = chars
                    .get(i..i + 2)
                    .map(|s| s.iter().collect())
                    .unwrap_or_default();
                match u8::from_str_radix(&h, 16) {
                    Ok(v) if h.len() == 2 => out.push(v),
                    _ => return err(start, t!("payload-x-digits")),
                }
                i += 2;
            }
            'u' | 'U' => {
                let len = if n == 'u' { 4 } else { 8 };
                let h: String = chars
                    .get(i..i + len)
                    .map(|s| s.iter().collect())
                    .unwrap_or_default();
                let ch = u32::from_str_radix(&h, 16)
                    .ok()
                    .filter(|_| h.len() == len)
                    .and_then(char::from_u32);
                let Some(ch) = ch else {
                    return err(
                        start,
                        t!("payload-u-digits", escape = n.to_string(), len = len),
                    );
                };
                put(ch, start, &mut out)?;
                i += len;
            }
            other => {
                // As in Python, an unknown escape keeps its backslash.
                put('\\', start, &mut out)?;
                put(other, start + 1, &mut out)?;
            }
        }
    }
    Ok(out)
}

/// Writes bytes as escaped text that parse_text turns back into the same bytes: printable
/// ASCII (and, in UTF-8, whole printable characters) as they are, everything else escaped.
pub fn render_text(bytes: &[u8], enc: Encoding) -> String {
    let ascii_ok = !matches!(enc, Encoding::Utf16Le | Encoding::Utf16Be);
    let mut s = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if enc == Encoding::Utf8 && b >= 0x80 {
            let end = (i + 4).min(bytes.len());
            let ch =
                (i + 2..=end).find_map(|j| std::str::from_utf8(&bytes[i..j]).ok().map(|t| (t, j)));
            if let Some((t, j)) = ch {
                let c = t.chars().next().unwrap_or('\u{fffd}');
                if !c.is_control() && !c.is_whitespace() {
                    s.push_str(t);
                    i = j;
                    continue;
                }
            }
        }
        match b {
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e if ascii_ok => s.push(b as char),
            _ => crate::pyfmt::push_escape(&mut s, b),
        }
        i += 1;
    }
    s
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small deterministic generator for property tests.
    pub struct Rng(pub u64);
    impl Rng {
        pub fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn escapes_mean_exactly_their_bytes() {
        assert_eq!(
            parse_text("a\\x00\\r\\n\\t\\\\\\'\\\"\\0", Encoding::Utf8).unwrap(),
            b"a\x00\r\n\t\\'\"\x00"
        );
        assert_eq!(parse_text("\\101\\7", Encoding::Utf8).unwrap(), b"A\x07");
        assert_eq!(parse_text("中", Encoding::Utf8).unwrap(), "中".as_bytes());
        assert_eq!(parse_text("中", Encoding::Gbk).unwrap(), vec![0xd6, 0xd0]);
        assert_eq!(
            parse_text("\\u4e2d", Encoding::Gb18030).unwrap(),
            vec![0xd6, 0xd0]
        );
        assert_eq!(parse_text("é", Encoding::Latin1).unwrap(), vec![0xe9]);
        assert_eq!(parse_text("A", Encoding::Utf16Le).unwrap(), vec![0x41, 0]);
        assert_eq!(
            parse_text("A\\x00", Encoding::Utf16Be).unwrap(),
            vec![0, 0x41, 0]
        );
        assert_eq!(parse_text("\\q", Encoding::Utf8).unwrap(), b"\\q");
        let e = parse_text("ab\\x4", Encoding::Utf8).unwrap_err();
        assert_eq!(e.pos, 2);
        assert!(parse_text("x\\", Encoding::Utf8).is_err());
        assert_eq!(parse_text("a中", Encoding::Latin1).unwrap_err().pos, 1);
        assert_eq!(LineEnding::CrLf.bytes(Encoding::Utf8), b"\r\n");
        assert_eq!(LineEnding::Lf.bytes(Encoding::Utf16Le), b"\n\0");
    }

    #[test]
    fn render_then_parse_gives_the_same_bytes() {
        let mut rng = Rng(0x2545f4914f6cdd1d);
        for round in 0..3000 {
            let n = (rng.next() % 48) as usize;
            let mut b: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            if round % 3 == 0 {
                b.extend_from_slice("中文 ü".as_bytes());
            }
            for enc in Encoding::ALL {
                let text = render_text(&b, enc);
                assert_eq!(parse_text(&text, enc).as_ref(), Ok(&b), "{enc:?} {text:?}");
            }
        }
    }

    #[test]
    fn parse_then_render_then_parse_is_stable() {
        let mut rng = Rng(0xdeadbeefcafef00d);
        let alphabet: Vec<char> = "ab\\xn0t7'\"中 é\u{1F600}u4e2d".chars().collect();
        for _ in 0..3000 {
            let n = (rng.next() % 24) as usize;
            let s: String = (0..n)
                .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
                .collect();
            for enc in [Encoding::Utf8, Encoding::Gb18030, Encoding::Utf16Be] {
                if let Ok(b) = parse_text(&s, enc) {
                    assert_eq!(parse_text(&render_text(&b, enc), enc), Ok(b), "{s:?}");
                }
            }
        }
    }
}
