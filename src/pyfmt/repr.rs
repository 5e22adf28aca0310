//! repr() of str, bytes and float exactly as CPython writes them: what the journal, the
//! traffic view's "copy as Python", the servers' logs and the interpreter all show.

/// float.__repr__: the shortest digits that round-trip, in fixed notation for exponents
/// -4 <= e < 16, scientific otherwise.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // Rust's {:e} gives the shortest round-trip digits: "1.2345e-5".
    let sci = format!("{:e}", f.abs());
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let sign = if f < 0.0 { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let n = digits.len() as i32;
        let s = if exp >= 0 {
            let int_len = exp + 1;
            if n <= int_len {
                format!("{}{}.0", digits, "0".repeat((int_len - n) as usize))
            } else {
                format!(
                    "{}.{}",
                    &digits[..int_len as usize],
                    &digits[int_len as usize..]
                )
            }
        } else {
            format!("0.{}{}", "0".repeat((-exp - 1) as usize), digits)
        };
        format!("{sign}{s}")
    } else {
        let m = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits
        };
        let es = if exp < 0 { "-" } else { "+" };
        format!("{sign}{m}e{es}{:02}", exp.abs())
    }
}

/// str.__repr__: single quotes unless the text has ' and no ", escapes for what is not
/// printable.
pub fn str_repr(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => {
                let v = c as u32;
                if v < 0x100 {
                    super::push_escape(&mut out, v as u8);
                } else if v < 0x10000 {
                    out.push_str(&format!("\\u{v:04x}"));
                } else {
                    out.push_str(&format!("\\U{v:08x}"));
                }
            }
        }
    }
    out.push(q);
    out
}

/// An approximation of str.isprintable for repr: controls, separators other than the
/// space, format characters, private use and unassigned planes are not printable.
fn is_printable(c: char) -> bool {
    let v = c as u32;
    if v < 0x20 || (0x7f..=0xa0).contains(&v) || v == 0xad {
        return false;
    }
    !matches!(v,
        0x0600..=0x0605 | 0x061c | 0x06dd | 0x070f | 0x1680 | 0x180e | 0x2000..=0x200f | 0x2028..=0x202f
        | 0x205f..=0x2064 | 0x2066..=0x206f | 0x3000 | 0xd800..=0xf8ff | 0xfeff | 0xfff9..=0xfffb
        | 0xe0000..=0xe0fff | 0xf0000..=0x10ffff | 0xfffe | 0xffff)
}

/// bytes.__repr__.
pub fn bytes_repr(b: &[u8]) -> String {
    let q = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::with_capacity(b.len() + 3);
    out.push('b');
    out.push(q as char);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            c => super::push_escape(&mut out, c),
        }
    }
    out.push(q as char);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_like_cpython() {
        for (f, s) in [
            (5.0, "5.0"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e16, "1e+16"),
            (1e-5, "1e-05"),
            (2.5e-3, "0.0025"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (1e15, "1000000000000000.0"),
            (-1.5, "-1.5"),
            (0.0001, "0.0001"),
        ] {
            assert_eq!(float_repr(f), s);
        }
    }

    #[test]
    fn strings_and_bytes_like_cpython() {
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("a\nb\x00中"), "'a\\nb\\x00中'");
        assert_eq!(bytes_repr(b"\x00\xffA'\""), "b'\\x00\\xffA\\'\"'");
    }
}
