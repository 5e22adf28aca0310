//! CPython's own gbk, gb2312, gb18030 and big5 codecs (RustPython 0.5 has none): CPython's
//! tables (assets/codecs/, written from python3 by scripts/gen-cjk-codecs.py) and its
//! decoders' rules for where an error starts and how long it is. The codec functions the
//! program sees are Python (codecs.py beside this file); they call these for the work.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The four codecs, by their canonical names.
pub const CODECS: [&str; 4] = ["gbk", "gb2312", "gb18030", "big5"];

const LEADS: std::ops::RangeInclusive<u8> = 0x81..=0xFE;
const TRAILS: std::ops::RangeInclusive<u8> = 0x40..=0xFE;
const TRAIL_COUNT: usize = 0xFE - 0x40 + 1;
const NONE: u16 = 0xFFFF;
/// gb18030's four-byte sequences below this linear index are BMP characters.
const BMP_LIMIT: u32 = 39420;
/// The linear index of U+10000 (first byte 0x90).
const ASTRAL_BASE: u32 = 15 * 12600;

pub struct Table {
    grid: Vec<u16>,
    /// Code point -> two-byte code, the lowest that decodes to it.
    inverse: HashMap<u32, u16>,
    /// Where CPython's encoder differs from `inverse` (0: not encodable).
    exceptions: HashMap<u32, u32>,
    /// gb18030: (first linear index, first code point), by index.
    ranges: Vec<(u32, u32)>,
    /// The same, by code point: (first code point, first index, length).
    by_cp: Vec<(u32, u32, u32)>,
}

fn data(codec: &str) -> Option<&'static [u8]> {
    Some(match codec {
        "gbk" => include_bytes!("../../assets/codecs/gbk.bin"),
        "gb2312" => include_bytes!("../../assets/codecs/gb2312.bin"),
        "gb18030" => include_bytes!("../../assets/codecs/gb18030.bin"),
        "big5" => include_bytes!("../../assets/codecs/big5.bin"),
        _ => return None,
    })
}

/// Reads the little-endian words of a table file; a short file gives what it has.
struct Words<'a>(&'a [u8]);

impl Words<'_> {
    fn u32(&mut self) -> u32 {
        let (head, rest) = self.0.split_at(self.0.len().min(4));
        self.0 = rest;
        let mut b = [0u8; 4];
        b[..head.len()].copy_from_slice(head);
        u32::from_le_bytes(b)
    }
    fn u16(&mut self) -> u16 {
        let (head, rest) = self.0.split_at(self.0.len().min(2));
        self.0 = rest;
        let mut b = [0u8; 2];
        b[..head.len()].copy_from_slice(head);
        u16::from_le_bytes(b)
    }
    /// A count, no larger than the words left could hold.
    fn count(&mut self, each: usize) -> usize {
        (self.u32() as usize).min(self.0.len() / each)
    }
}

fn load(bytes: &[u8]) -> Table {
    let mut w = Words(bytes);
    let n = w.count(2);
    let grid: Vec<u16> = (0..n).map(|_| w.u16()).collect();
    let mut inverse = HashMap::new();
    for (i, &cp) in grid.iter().enumerate() {
        if cp != NONE {
            let lead = 0x81 + (i / TRAIL_COUNT) as u16;
            let trail = 0x40 + (i % TRAIL_COUNT) as u16;
            inverse.entry(u32::from(cp)).or_insert((lead << 8) | trail);
        }
    }
    let n = w.count(8);
    let exceptions = (0..n).map(|_| (w.u32(), w.u32())).collect();
    let n = w.count(8);
    let ranges: Vec<(u32, u32)> = (0..n).map(|_| (w.u32(), w.u32())).collect();
    let mut by_cp: Vec<(u32, u32, u32)> = ranges
        .iter()
        .enumerate()
        .filter(|(_, r)| r.1 != u32::MAX)
        .map(|(i, &(index, cp))| {
            let end = ranges.get(i + 1).map_or(BMP_LIMIT, |r| r.0);
            (cp, index, end.saturating_sub(index))
        })
        .collect();
    by_cp.sort_unstable();
    Table {
        grid,
        inverse,
        exceptions,
        ranges,
        by_cp,
    }
}

/// The table of one of the four codecs, read once.
pub fn table(codec: &str) -> Option<&'static Table> {
    static TABLES: [OnceLock<Table>; 4] = [const { OnceLock::new() }; 4];
    let i = CODECS.iter().position(|c| *c == codec)?;
    Some(TABLES[i].get_or_init(|| load(data(codec).unwrap_or(&[]))))
}

/// The four bytes of gb18030's linear index `lin`.
fn four_bytes(lin: u32) -> [u8; 4] {
    let b4 = lin % 10;
    let b3 = (lin / 10) % 126;
    let b2 = (lin / 1260) % 10;
    let b1 = lin / 12600;
    [
        (b1 + 0x81) as u8,
        (b2 + 0x30) as u8,
        (b3 + 0x81) as u8,
        (b4 + 0x30) as u8,
    ]
}

impl Table {
    fn two_byte(&self, lead: u8, trail: u8) -> Option<u32> {
        if !LEADS.contains(&lead) || !TRAILS.contains(&trail) {
            return None;
        }
        let i = usize::from(lead - 0x81) * TRAIL_COUNT + usize::from(trail - 0x40);
        self.grid
            .get(i)
            .copied()
            .filter(|&c| c != NONE)
            .map(u32::from)
    }

    /// A code point's bytes, appended to `out`; false when the codec has none for it.
    pub fn encode_char(&self, gb18030: bool, cp: u32, out: &mut Vec<u8>) -> bool {
        if cp < 0x80 {
            out.push(cp as u8);
            return true;
        }
        let code = match self.exceptions.get(&cp) {
            Some(&code) => code,
            None => match self.inverse.get(&cp) {
                Some(&code) => u32::from(code),
                None if gb18030 => self.four_byte_code(cp),
                None => 0,
            },
        };
        match code {
            0 => false,
            c if c <= 0xFFFF => {
                out.extend_from_slice(&(c as u16).to_be_bytes());
                true
            }
            c => {
                out.extend_from_slice(&c.to_be_bytes());
                true
            }
        }
    }

    /// gb18030's four-byte code of a code point, as a big-endian word (0: none).
    fn four_byte_code(&self, cp: u32) -> u32 {
        if (0xD800..=0xDFFF).contains(&cp) || cp > 0x10FFFF {
            return 0;
        }
        let lin = if cp >= 0x10000 {
            cp - 0x10000 + ASTRAL_BASE
        } else {
            let at = self.by_cp.partition_point(|r| r.0 <= cp);
            match at.checked_sub(1).map(|i| self.by_cp[i]) {
                Some((first, index, len)) if cp - first < len => index + (cp - first),
                _ => return 0,
            }
        };
        u32::from_be_bytes(four_bytes(lin))
    }

    /// Decodes from `data[start..]` into `out` until an error or the end. What stopped it:
    /// Done(end), Incomplete(at) (a sequence cut by the end of a non-final chunk), or
    /// Error(at, length, reason).
    pub fn decode(
        &self,
        gb18030: bool,
        data: &[u8],
        start: usize,
        last: bool,
        out: &mut String,
    ) -> Stop {
        let mut i = start;
        while i < data.len() {
            let c = data[i];
            if c < 0x80 {
                out.push(char::from(c));
                i += 1;
                continue;
            }
            let left = data.len() - i;
            let incomplete = |i: usize| {
                if last {
                    Stop::Error(i, data.len() - i, "incomplete multibyte sequence")
                } else {
                    Stop::Incomplete(i)
                }
            };
            if left < 2 {
                return incomplete(i);
            }
            let c2 = data[i + 1];
            if gb18030 && (0x30..=0x39).contains(&c2) {
                if left < 4 {
                    return incomplete(i);
                }
                let (c3, c4) = (data[i + 2], data[i + 3]);
                if !LEADS.contains(&c) || !LEADS.contains(&c3) || !(0x30..=0x39).contains(&c4) {
                    return Stop::Error(i, 1, ILLEGAL);
                }
                let lin = ((u32::from(c - 0x81) * 10 + u32::from(c2 - 0x30)) * 126
                    + u32::from(c3 - 0x81))
                    * 10
                    + u32::from(c4 - 0x30);
                let cp = if lin < BMP_LIMIT {
                    let at = self.ranges.partition_point(|r| r.0 <= lin);
                    at.checked_sub(1)
                        .map(|k| self.ranges[k])
                        .filter(|r| r.1 != u32::MAX)
                        .map(|(index, first)| first + (lin - index))
                } else if lin >= ASTRAL_BASE {
                    Some(lin - ASTRAL_BASE + 0x10000).filter(|&cp| cp <= 0x10FFFF)
                } else {
                    None
                };
                match cp.and_then(char::from_u32) {
                    Some(ch) => {
                        out.push(ch);
                        i += 4;
                        continue;
                    }
                    None => return Stop::Error(i, 1, ILLEGAL),
                }
            }
            match self.two_byte(c, c2).and_then(char::from_u32) {
                Some(ch) => {
                    out.push(ch);
                    i += 2;
                }
                None => return Stop::Error(i, 1, ILLEGAL),
            }
        }
        Stop::Done(i)
    }
}

const ILLEGAL: &str = "illegal multibyte sequence";

#[derive(Debug, PartialEq)]
pub enum Stop {
    Done(usize),
    Incomplete(usize),
    Error(usize, usize, &'static str),
}

/// The error handlers CPython's multibyte codecs apply themselves; others go through
/// codecs.lookup_error in Python.
#[derive(Clone, Copy, PartialEq)]
pub enum Handler {
    Strict,
    Ignore,
    Replace,
    BackslashReplace,
    XmlCharRefReplace,
    Other,
}

impl Handler {
    pub fn of(name: &str) -> Handler {
        match name {
            "strict" => Handler::Strict,
            "ignore" => Handler::Ignore,
            "replace" => Handler::Replace,
            "backslashreplace" => Handler::BackslashReplace,
            "xmlcharrefreplace" => Handler::XmlCharRefReplace,
            _ => Handler::Other,
        }
    }
}

/// Encodes code points from `start`, applying the built-in handlers; stops at an error
/// the caller must handle (strict, or a handler of the program's): (bytes, where).
pub fn encode(codec: &str, text: &[u32], start: usize, handler: Handler) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(text.len().saturating_sub(start) * 2);
    let Some(t) = table(codec) else {
        return (out, start);
    };
    let gb18030 = codec == "gb18030";
    let mut i = start;
    while i < text.len() {
        let cp = text[i];
        if !t.encode_char(gb18030, cp, &mut out) {
            match handler {
                Handler::Ignore => {}
                Handler::Replace => out.push(b'?'),
                Handler::BackslashReplace => {
                    let esc = match cp {
                        0..=0xFF => format!("\\x{cp:02x}"),
                        0x100..=0xFFFF => format!("\\u{cp:04x}"),
                        _ => format!("\\U{cp:08x}"),
                    };
                    out.extend_from_slice(esc.as_bytes());
                }
                Handler::XmlCharRefReplace => out.extend_from_slice(format!("&#{cp};").as_bytes()),
                Handler::Strict | Handler::Other => return (out, i),
            }
        }
        i += 1;
    }
    (out, i)
}

/// Decodes from `start`, applying the built-in handlers; stops at an error the caller must
/// handle, or at a sequence a non-final chunk cut: (text, where, error length, reason).
pub fn decode(
    codec: &str,
    data: &[u8],
    start: usize,
    last: bool,
    handler: Handler,
) -> (String, usize, usize, &'static str) {
    let mut out = String::with_capacity(data.len().saturating_sub(start));
    let Some(t) = table(codec) else {
        return (out, start, 0, "");
    };
    let gb18030 = codec == "gb18030";
    let mut i = start;
    loop {
        match t.decode(gb18030, data, i, last, &mut out) {
            Stop::Done(end) | Stop::Incomplete(end) => return (out, end, 0, ""),
            Stop::Error(at, len, reason) => match handler {
                Handler::Ignore => i = at + len,
                Handler::Replace => {
                    out.push('\u{FFFD}');
                    i = at + len;
                }
                Handler::BackslashReplace => {
                    for b in &data[at..at + len] {
                        out.push_str(&format!("\\x{b:02x}"));
                    }
                    i = at + len;
                }
                _ => return (out, at, len, reason),
            },
        }
    }
}

pub(crate) use _socklab_codecs::module_def;

/// What codecs.py calls.
#[rustpython_vm::pymodule]
mod _socklab_codecs {
    use rustpython_vm::builtins::PyStrRef;
    use rustpython_vm::function::ArgBytesLike;
    use rustpython_vm::{AsObject, PyObjectRef, PyResult, TryFromObject, VirtualMachine};

    use super::Handler;

    /// Encodes the whole text, as CPython's multibyte encoder does: the built-in handlers
    /// here, any other through codecs.lookup_error (its replacement encoded in turn),
    /// reading the text's code points once.
    #[pyfunction]
    fn encode(
        codec: PyStrRef,
        text: PyStrRef,
        errors: PyStrRef,
        vm: &VirtualMachine,
    ) -> PyResult<Vec<u8>> {
        let name = codec.to_string_lossy().into_owned();
        let points: Vec<u32> = text.as_wtf8().code_points().map(|c| c.to_u32()).collect();
        let handler = Handler::of(&errors.to_string_lossy());
        let mut out = Vec::new();
        let mut pos = 0;
        // The program's handler, looked up at the first error.
        let mut handle: Option<PyObjectRef> = None;
        loop {
            let (done, stop) = super::encode(&name, &points, pos, handler);
            out.extend_from_slice(&done);
            if stop >= points.len() {
                return Ok(out);
            }
            let exc = vm
                .ctx
                .exceptions
                .unicode_encode_error
                .to_owned()
                .as_object()
                .call(
                    (
                        name.as_str(),
                        text.clone(),
                        stop,
                        stop + 1,
                        "illegal multibyte sequence",
                    ),
                    vm,
                )?;
            if handle.is_none() {
                handle = Some(
                    vm.import("_codecs", 0)?
                        .get_attr("lookup_error", vm)?
                        .call((errors.clone(),), vm)?,
                );
            }
            let answer = handle
                .as_ref()
                .map_or_else(|| Ok(vm.ctx.none()), |h| h.call((exc.clone(),), vm))?;
            let pair = answer
                .downcast_ref::<rustpython_vm::builtins::PyTuple>()
                .filter(|t| t.len() == 2)
                .map(|t| (t.as_slice()[0].clone(), t.as_slice()[1].clone()))
                .ok_or_else(|| {
                    vm.new_type_error(
                        "encoding error handler must return (str/bytes, int) tuple".to_owned(),
                    )
                })?;
            let (replacement, next): (PyObjectRef, isize) = (pair.0, pair.1.try_into_value(vm)?);
            if let Some(s) = replacement.downcast_ref::<rustpython_vm::builtins::PyStr>() {
                let rep: Vec<u32> = s.as_wtf8().code_points().map(|c| c.to_u32()).collect();
                let (bytes, end) = super::encode(&name, &rep, 0, Handler::Strict);
                if end < rep.len() {
                    return Err(exc
                        .downcast()
                        .unwrap_or_else(|_| vm.new_value_error("bad replacement".to_owned())));
                }
                out.extend_from_slice(&bytes);
            } else {
                out.extend_from_slice(
                    &ArgBytesLike::try_from_object(vm, replacement)?.borrow_buf(),
                );
            }
            let len = points.len() as isize;
            let next = if next < 0 { next + len } else { next };
            if !(0..=len).contains(&next) {
                return Err(
                    vm.new_index_error(format!("position {next} from error handler out of bounds"))
                );
            }
            pos = next as usize;
        }
    }

    /// (text, where it stopped, error length, reason): length 0 when done or when a
    /// non-final chunk ends inside a sequence (then it stopped where that begins).
    #[pyfunction]
    fn decode_run(
        codec: PyStrRef,
        data: ArgBytesLike,
        start: usize,
        last: bool,
        errors: PyStrRef,
        _vm: &VirtualMachine,
    ) -> PyResult<(String, usize, usize, &'static str)> {
        let handler = Handler::of(&errors.to_string_lossy());
        let bytes = data.borrow_buf();
        Ok(super::decode(
            &codec.to_string_lossy(),
            &bytes,
            start.min(bytes.len()),
            last,
            handler,
        ))
    }
}
