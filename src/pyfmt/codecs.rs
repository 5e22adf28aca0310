//! str.encode and bytes.decode for utf-8, gbk/gb2312/gb18030, latin-1 and ascii, with
//! CPython's error messages.

use encoding_rs::{DecoderResult, EncoderResult, Encoding, GB18030, GBK};

use super::str_repr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    Utf8,
    Latin1,
    Ascii,
    Gbk,
    Gb2312,
    Gb18030,
}

/// (exception class, message)
pub type CodecError = (&'static str, String);

impl Codec {
    /// Python's codec lookup: case and '-'/'_'/' ' insensitive aliases.
    pub fn lookup(name: &str) -> Result<Codec, CodecError> {
        let n = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Ok(match n.as_str() {
            "utf_8" | "utf8" | "u8" | "utf" | "cp65001" => Codec::Utf8,
            "latin_1" | "latin1" | "iso8859_1" | "iso_8859_1" | "l1" | "8859" | "cp819"
            | "latin" | "iso8859" => Codec::Latin1,
            "ascii" | "us_ascii" | "646" => Codec::Ascii,
            "gbk" | "936" | "cp936" | "ms936" => Codec::Gbk,
            "gb2312" | "chinese" | "euc_cn" | "euccn" => Codec::Gb2312,
            "gb18030" | "gb18030_2000" => Codec::Gb18030,
            _ => return Err(("LookupError", format!("unknown encoding: {name}"))),
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Codec::Utf8 => "utf-8",
            Codec::Latin1 => "latin-1",
            Codec::Ascii => "ascii",
            Codec::Gbk => "gbk",
            Codec::Gb2312 => "gb2312",
            Codec::Gb18030 => "gb18030",
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            Codec::Gb18030 => GB18030,
            _ => GBK,
        }
    }

    pub fn encode(self, s: &str) -> Result<Vec<u8>, CodecError> {
        match self {
            Codec::Utf8 => Ok(s.as_bytes().to_vec()),
            Codec::Latin1 | Codec::Ascii => {
                let limit = if self == Codec::Latin1 { 256 } else { 128 };
                let chars: Vec<char> = s.chars().collect();
                let mut out = Vec::with_capacity(chars.len());
                for (i, c) in chars.iter().enumerate() {
                    if (*c as u32) < limit {
                        out.push(*c as u8);
                    } else {
                        let mut end = i;
                        while end + 1 < chars.len() && (chars[end + 1] as u32) >= limit {
                            end += 1;
                        }
                        return Err(encode_error(
                            self,
                            &chars,
                            i,
                            end,
                            &format!("ordinal not in range({limit})"),
                        ));
                    }
                }
                Ok(out)
            }
            Codec::Gbk | Codec::Gb2312 | Codec::Gb18030 => {
                let chars: Vec<char> = s.chars().collect();
                let mut enc = self.encoding().new_encoder();
                let mut out = Vec::with_capacity(s.len() * 2 + 8);
                let mut buf = [0u8; 8];
                for (i, c) in chars.iter().enumerate() {
                    let mut tmp = [0u8; 4];
                    let cs = c.encode_utf8(&mut tmp);
                    let (res, _, written) =
                        enc.encode_from_utf8_without_replacement(cs, &mut buf, false);
                    let ok = matches!(res, EncoderResult::InputEmpty)
                        && (self != Codec::Gb2312
                            || written < 2
                            || (buf[0] >= 0xa1 && buf[1] >= 0xa1));
                    if !ok {
                        return Err(encode_error(
                            self,
                            &chars,
                            i,
                            i,
                            "illegal multibyte sequence",
                        ));
                    }
                    out.extend_from_slice(&buf[..written]);
                }
                Ok(out)
            }
        }
    }

    pub fn decode(self, b: &[u8]) -> Result<String, CodecError> {
        match self {
            Codec::Utf8 => match std::str::from_utf8(b) {
                Ok(s) => Ok(s.to_string()),
                Err(e) => {
                    let start = e.valid_up_to();
                    let (end, reason) = match e.error_len() {
                        None => (b.len() - 1, "unexpected end of data"),
                        Some(n) => {
                            let first = b[start];
                            let reason = if (0x80..=0xc1).contains(&first) || first >= 0xf5 {
                                "invalid start byte"
                            } else {
                                "invalid continuation byte"
                            };
                            (start + n - 1, reason)
                        }
                    };
                    Err(decode_error(self, b, start, end, reason))
                }
            },
            Codec::Latin1 => Ok(b.iter().map(|&c| c as char).collect()),
            Codec::Ascii => match b.iter().position(|c| *c >= 0x80) {
                None => Ok(b.iter().map(|&c| c as char).collect()),
                Some(i) => Err(decode_error(self, b, i, i, "ordinal not in range(128)")),
            },
            Codec::Gbk | Codec::Gb2312 | Codec::Gb18030 => {
                let mut dec = self.encoding().new_decoder_without_bom_handling();
                let mut out = String::with_capacity(b.len() * 2);
                let mut read_total = 0;
                loop {
                    out.reserve(b.len() * 3 + 16);
                    let (res, read) =
                        dec.decode_to_string_without_replacement(&b[read_total..], &mut out, true);
                    read_total += read;
                    match res {
                        DecoderResult::InputEmpty => return Ok(out),
                        DecoderResult::OutputFull => continue,
                        DecoderResult::Malformed(bad, extra) => {
                            let bad_start = read_total - bad as usize - extra as usize;
                            let reason = if read_total - extra as usize >= b.len()
                                && bad > 0
                                && bad_start + 1 >= b.len()
                            {
                                "incomplete multibyte sequence"
                            } else {
                                "illegal multibyte sequence"
                            };
                            return Err(decode_error(self, b, bad_start, bad_start, reason));
                        }
                    }
                }
            }
        }
    }
}

fn encode_error(c: Codec, chars: &[char], start: usize, end: usize, reason: &str) -> CodecError {
    let msg = if start == end {
        format!(
            "'{}' codec can't encode character {} in position {start}: {reason}",
            c.name(),
            ascii_repr_char(chars[start])
        )
    } else {
        format!(
            "'{}' codec can't encode characters in position {start}-{end}: {reason}",
            c.name()
        )
    };
    ("UnicodeEncodeError", msg)
}

fn decode_error(c: Codec, b: &[u8], start: usize, end: usize, reason: &str) -> CodecError {
    let msg = if start == end {
        format!(
            "'{}' codec can't decode byte 0x{:02x} in position {start}: {reason}",
            c.name(),
            b[start]
        )
    } else {
        format!(
            "'{}' codec can't decode bytes in position {start}-{end}: {reason}",
            c.name()
        )
    };
    ("UnicodeDecodeError", msg)
}

/// A character as the codec errors show it: '\xe9', '\u4e2d'.
fn ascii_repr_char(c: char) -> String {
    let v = c as u32;
    if v < 0x80 {
        str_repr(&c.to_string())
    } else if v < 0x100 {
        format!("'\\x{v:02x}'")
    } else if v < 0x10000 {
        format!("'\\u{v:04x}'")
    } else {
        format!("'\\U{v:08x}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_errors() {
        let g = Codec::lookup("GBK").unwrap();
        let b = g.encode("中文").unwrap();
        assert_eq!(b, vec![0xd6, 0xd0, 0xce, 0xc4]);
        assert_eq!(g.decode(&b).unwrap(), "中文");
        assert_eq!(
            Codec::Utf8.decode(b"\xff").unwrap_err().1,
            "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"
        );
        assert_eq!(
            Codec::Utf8.decode(b"\xe4\xb8").unwrap_err().1,
            "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"
        );
        assert_eq!(
            Codec::Latin1.encode("中").unwrap_err().1,
            "'latin-1' codec can't encode character '\\u4e2d' in position 0: ordinal not in range(256)"
        );
        assert!(Codec::lookup("nope").is_err());
    }
}
