//! Tokens of the Python subset, with line and column for every one.

use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Name(String),
    Int(i64),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    /// Punctuation and operators: ( ) [ ] { } , . = ; : + - * / // % ** += == != < > <= >= | & ^ ~ << >> @ ->
    Op(&'static str),
    Newline,
    Eof,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub pos: Pos,
}

/// A lexing failure: where, and what.
#[derive(Clone, Debug, PartialEq)]
pub struct LexError {
    pub pos: Pos,
    pub message: String,
    /// Python itself refuses this (class, message), as opposed to something outside the
    /// subset.
    pub python: Option<(&'static str, String)>,
}

/// Brackets open at once past which CPython's tokenizer refuses (MAXLEVEL).
pub const MAX_NESTING: usize = 200;

const OPS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "->", "**", "//", "==", "!=", "<=", ">=", "<<", ">>", "+=", "-=",
    "*=", "/=", "%=", "&=", "|=", "^=", ":=", "(", ")", "[", "]", "{", "}", ",", ".", "=", ";",
    ":", "+", "-", "*", "/", "%", "<", ">", "|", "&", "^", "~", "@",
];

pub fn lex(src: &str) -> Result<Vec<Token>, LexError> {
    let chars: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let mut col = 1;
    let mut depth = 0usize;
    let mut line_start = true;
    macro_rules! err {
        ($p:expr, $($m:tt)*) => {
            return Err(LexError { pos: $p, message: format!($($m)*), python: None })
        };
    }
    while i < chars.len() {
        let c = chars[i];
        let pos = Pos { line, col };
        if line_start && depth == 0 {
            // Indentation at the start of a statement means a block, which the subset lacks.
            let mut j = i;
            while j < chars.len() && (chars[j] == ' ' || chars[j] == '\t') {
                j += 1;
            }
            let blank = j >= chars.len() || chars[j] == '\n' || chars[j] == '#' || chars[j] == '\r';
            if j > i && !blank {
                // Reported by the parser, so an earlier line's error comes first.
                toks.push(Token {
                    tok: Tok::Op("INDENT"),
                    pos,
                });
            }
            line_start = false;
        }
        match c {
            '\n' => {
                if depth == 0 {
                    if !matches!(
                        toks.last(),
                        Some(Token {
                            tok: Tok::Newline,
                            ..
                        }) | None
                    ) {
                        toks.push(Token {
                            tok: Tok::Newline,
                            pos,
                        });
                    }
                    line_start = true;
                }
                i += 1;
                line += 1;
                col = 1;
            }
            ' ' | '\t' | '\r' | '\x0c' => {
                i += 1;
                col += 1;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                line += 1;
                col = 1;
            }
            c if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                let start = i;
                let (tok, len) = number(&chars[i..]).map_err(|m| LexError {
                    pos,
                    message: m,
                    python: None,
                })?;
                i += len;
                col += i - start;
                toks.push(Token { tok, pos });
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                // A string prefix?
                if i < chars.len() && (chars[i] == '\'' || chars[i] == '"') {
                    let p = word.to_ascii_lowercase();
                    if matches!(
                        p.as_str(),
                        "b" | "r" | "u" | "br" | "rb" | "f" | "rf" | "fr"
                    ) {
                        if p.contains('f') {
                            err!(pos, "f-strings");
                        }
                        col += i - start;
                        let (tok, used, lines, endcol) =
                            string(&chars[i..], p.contains('b'), p.contains('r'), col).map_err(
                                |m| LexError {
                                    pos,
                                    message: m,
                                    python: None,
                                },
                            )?;
                        i += used;
                        line += lines;
                        col = endcol;
                        push_string(&mut toks, tok, pos).map_err(|m| LexError {
                            pos,
                            message: m,
                            python: None,
                        })?;
                        continue;
                    }
                }
                col += i - start;
                toks.push(Token {
                    tok: Tok::Name(word),
                    pos,
                });
            }
            '\'' | '"' => {
                let (tok, used, lines, endcol) =
                    string(&chars[i..], false, false, col).map_err(|m| LexError {
                        pos,
                        message: m,
                        python: None,
                    })?;
                i += used;
                line += lines;
                col = endcol;
                push_string(&mut toks, tok, pos).map_err(|m| LexError {
                    pos,
                    message: m,
                    python: None,
                })?;
            }
            _ => {
                let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
                let Some(op) = OPS.iter().find(|o| rest.starts_with(**o)) else {
                    err!(pos, "the character {c:?}");
                };
                match *op {
                    "(" | "[" | "{" if depth >= MAX_NESTING => {
                        return Err(LexError {
                            pos,
                            message: "brackets nested too deeply".into(),
                            python: Some(("SyntaxError", "too many nested parentheses".into())),
                        });
                    }
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" => depth = depth.saturating_sub(1),
                    _ => {}
                }
                i += op.chars().count();
                col += op.chars().count();
                toks.push(Token {
                    tok: Tok::Op(op),
                    pos,
                });
            }
        }
    }
    let pos = Pos { line, col };
    if !matches!(
        toks.last(),
        Some(Token {
            tok: Tok::Newline,
            ..
        }) | None
    ) {
        toks.push(Token {
            tok: Tok::Newline,
            pos,
        });
    }
    toks.push(Token { tok: Tok::Eof, pos });
    Ok(toks)
}

/// Adjacent literals concatenate, as in Python; str and bytes may not mix.
fn push_string(toks: &mut Vec<Token>, tok: Tok, pos: Pos) -> Result<(), String> {
    match (toks.last_mut().map(|t| &mut t.tok), tok) {
        (Some(Tok::Str(a)), Tok::Str(b)) => a.push_str(&b),
        (Some(Tok::Bytes(a)), Tok::Bytes(b)) => a.extend_from_slice(&b),
        (Some(Tok::Str(_)), Tok::Bytes(_)) | (Some(Tok::Bytes(_)), Tok::Str(_)) => {
            return Err("mixing bytes and str literals".into())
        }
        (_, tok) => toks.push(Token { tok, pos }),
    }
    Ok(())
}

fn number(c: &[char]) -> Result<(Tok, usize), String> {
    let mut i = 0;
    let take = |i: &mut usize, ok: &dyn Fn(char) -> bool| {
        let s = *i;
        while *i < c.len() && (ok(c[*i]) || c[*i] == '_') {
            *i += 1;
        }
        c[s..*i].iter().filter(|x| **x != '_').collect::<String>()
    };
    if c[0] == '0' && c.len() > 1 && matches!(c[1], 'x' | 'X' | 'o' | 'O' | 'b' | 'B') {
        let radix = match c[1] {
            'x' | 'X' => 16,
            'o' | 'O' => 8,
            _ => 2,
        };
        i = 2;
        let digits = take(&mut i, &|ch| ch.is_digit(radix));
        let v = i64::from_str_radix(&digits, radix)
            .map_err(|_| "this integer literal (too large?)".to_string())?;
        return Ok((Tok::Int(v), i));
    }
    let int_part = take(&mut i, &|ch| ch.is_ascii_digit());
    let mut is_float = false;
    let mut text = int_part;
    if i < c.len() && c[i] == '.' {
        is_float = true;
        i += 1;
        text.push('.');
        text.push_str(&take(&mut i, &|ch| ch.is_ascii_digit()));
    }
    if i < c.len() && (c[i] == 'e' || c[i] == 'E') {
        let save = i;
        let mut exp = String::from("e");
        i += 1;
        if i < c.len() && (c[i] == '+' || c[i] == '-') {
            exp.push(c[i]);
            i += 1;
        }
        let d = take(&mut i, &|ch| ch.is_ascii_digit());
        if d.is_empty() {
            i = save;
        } else {
            is_float = true;
            text.push_str(&exp);
            text.push_str(&d);
        }
    }
    if i < c.len() && (c[i] == 'j' || c[i] == 'J') {
        return Err("complex numbers".into());
    }
    if is_float {
        let t = if text.starts_with('.') {
            format!("0{text}")
        } else {
            text
        };
        let v: f64 = t.parse().map_err(|_| "this float literal".to_string())?;
        Ok((Tok::Float(v), i))
    } else {
        let v: i64 = text
            .parse()
            .map_err(|_| "integers this large".to_string())?;
        Ok((Tok::Int(v), i))
    }
}

/// Lexes a string literal starting at its quote. Returns the token, chars used, newlines
/// crossed and the column after it.
fn string(
    c: &[char],
    bytes: bool,
    raw: bool,
    col: usize,
) -> Result<(Tok, usize, usize, usize), String> {
    let q = c[0];
    let triple = c.len() >= 3 && c[1] == q && c[2] == q;
    let mut i = if triple { 3 } else { 1 };
    let mut out: Vec<u32> = Vec::new();
    let mut lines = 0;
    let mut col = col + i;
    loop {
        if i >= c.len() {
            return Err("an unterminated string literal".into());
        }
        let ch = c[i];
        if triple && ch == q && c.get(i + 1) == Some(&q) && c.get(i + 2) == Some(&q) {
            i += 3;
            col += 3;
            break;
        }
        if !triple && ch == q {
            i += 1;
            col += 1;
            break;
        }
        if ch == '\n' {
            if !triple {
                return Err("an unterminated string literal".into());
            }
            lines += 1;
            col = 1;
            out.push('\n' as u32);
            i += 1;
            continue;
        }
        if ch == '\\' {
            let Some(&n) = c.get(i + 1) else {
                return Err("an unterminated string literal".into());
            };
            if raw {
                out.push('\\' as u32);
                out.push(n as u32);
                if n == '\n' {
                    lines += 1;
                    col = 0;
                }
                i += 2;
                col += 2;
                continue;
            }
            i += 2;
            col += 2;
            match n {
                '\n' => {
                    lines += 1;
                    col = 1;
                }
                '\\' => out.push('\\' as u32),
                '\'' => out.push('\'' as u32),
                '"' => out.push('"' as u32),
                'a' => out.push(7),
                'b' => out.push(8),
                'f' => out.push(12),
                'n' => out.push(10),
                'r' => out.push(13),
                't' => out.push(9),
                'v' => out.push(11),
                '0'..='7' => {
                    let mut v = n.to_digit(8).unwrap_or(0);
                    let mut k = 0;
                    while k < 2 && i < c.len() && c[i].is_digit(8) {
                        v = v * 8 + c[i].to_digit(8).unwrap_or(0);
                        i += 1;
                        col += 1;
                        k += 1;
                    }
                    out.push(v);
                }
                'x' => {
                    let h: String = c
                        .get(i..i + 2)
                        .map(|s| s.iter().collect())
                        .unwrap_or_default();
                    let v = u32::from_str_radix(&h, 16).ok().filter(|_| h.len() == 2);
                    let Some(v) = v else {
                        return Err("a truncated \\xXX escape".into());
                    };
                    out.push(v);
                    i += 2;
                    col += 2;
                }
                'u' | 'U' if !bytes => {
                    let n_digits = if n == 'u' { 4 } else { 8 };
                    let h: String = c
                        .get(i..i + n_digits)
                        .map(|s| s.iter().collect())
                        .unwrap_or_default();
                    let v = u32::from_str_radix(&h, 16)
                        .ok()
                        .filter(|_| h.len() == n_digits);
                    let Some(v) = v else {
                        return Err(format!("a truncated \\{n} escape"));
                    };
                    if char::from_u32(v).is_none() {
                        return Err("surrogate or out-of-range code points".into());
                    }
                    out.push(v);
                    i += n_digits;
                    col += n_digits;
                }
                'N' if !bytes => return Err("\\N{...} escapes".into()),
                other => {
                    // Unknown escapes keep their backslash, as Python does.
                    out.push('\\' as u32);
                    out.push(other as u32);
                }
            }
            continue;
        }
        if bytes && !ch.is_ascii() {
            return Err("non-ASCII characters in a bytes literal".into());
        }
        out.push(ch as u32);
        i += 1;
        col += 1;
    }
    let tok = if bytes {
        Tok::Bytes(out.iter().map(|v| *v as u8).collect())
    } else {
        let s: String = out.iter().filter_map(|v| char::from_u32(*v)).collect();
        Tok::Str(s)
    };
    Ok((tok, i, lines, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_literals_and_escapes() {
        let t = lex("b'\\x00\\n' 'a' \"b\" 0x1F 1.5e3 r'\\n'");
        assert!(t.is_err(), "bytes and str literals may not be adjacent");
        let t = lex("b'\\x00\\n', 'a' \"b\", 0x1F, 1.5e3, r'\\n'").unwrap();
        let toks: Vec<Tok> = t
            .into_iter()
            .map(|t| t.tok)
            .filter(|t| *t != Tok::Op(","))
            .collect();
        assert_eq!(toks[0], Tok::Bytes(vec![0, 10]));
        assert_eq!(toks[1], Tok::Str("ab".into()));
        assert_eq!(toks[2], Tok::Int(31));
        assert_eq!(toks[3], Tok::Float(1500.0));
        assert_eq!(toks[4], Tok::Str("\\n".into()));
    }

    #[test]
    fn newlines_inside_brackets_join_lines() {
        let t = lex("f(1,\n 2)\nx").unwrap();
        let newlines = t.iter().filter(|t| t.tok == Tok::Newline).count();
        assert_eq!(newlines, 2);
    }

    #[test]
    fn rejects_fstrings_and_marks_indents() {
        assert!(lex("if x:\n    y\n")
            .unwrap()
            .iter()
            .any(|t| t.tok == Tok::Op("INDENT")));
        assert!(lex("f'{x}'").is_err());
    }
}
