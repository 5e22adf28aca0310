//! Bytes as hex, as bytes.hex() and the `\xNN` escape write them: one table lookup per
//! digit, no formatting machinery per byte (the traffic view and exports write millions).

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Appends a byte's two lower-case hex digits.
pub fn push_hex(out: &mut String, b: u8) {
    out.push(DIGITS[usize::from(b >> 4)] as char);
    out.push(DIGITS[usize::from(b & 15)] as char);
}

/// Appends `\xNN`.
pub fn push_escape(out: &mut String, b: u8) {
    out.push_str("\\x");
    push_hex(out, b);
}

/// Bytes as lower-case hex, two digits each, `sep` between them (bytes.hex(sep)).
pub fn to_hex_sep(bytes: &[u8], sep: &str) -> String {
    let mut out = String::with_capacity(bytes.len() * (2 + sep.len()));
    for (i, &b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        push_hex(&mut out, b);
    }
    out
}

/// Bytes as lower-case hex, two digits each (bytes.hex()).
pub fn to_hex(bytes: &[u8]) -> String {
    to_hex_sep(bytes, "")
}

#[cfg(test)]
mod tests {
    #[test]
    fn as_python_writes_them() {
        assert_eq!(super::to_hex(b"\x00\x0f\xa0\xff"), "000fa0ff");
        assert_eq!(super::to_hex_sep(b"\xde\xad", ":"), "de:ad");
        let mut s = String::new();
        super::push_escape(&mut s, 0x7f);
        assert_eq!(s, "\\x7f");
    }
}
