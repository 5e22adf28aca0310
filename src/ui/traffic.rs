//! A socket's traffic log: one row per recv()/send() call, capped in memory (the oldest rows
//! go first, and the log says how much went), with filtering and the renderings a row is
//! copied as.

use std::collections::VecDeque;
use std::time::SystemTime;

use crate::engine::{Direction, Endpoint};
use crate::payload::{parse_hex, render_hex};
use crate::python::value::bytes_repr;

/// Default memory cap of one socket's log.
pub const DEFAULT_CAP: usize = 64 << 20;
/// What a row costs beyond its bytes.
const ROW_COST: usize = 96;

#[derive(Clone, Debug)]
pub struct TrafficRow {
    pub at: SystemTime,
    pub direction: Direction,
    /// Bytes the call moved (the content may have been dropped upstream when the window
    /// fell behind: then `data` is shorter).
    pub len: usize,
    pub data: Vec<u8>,
    pub peer: Option<Endpoint>,
}

#[derive(Clone, Debug)]
pub struct TrafficLog {
    rows: VecDeque<TrafficRow>,
    bytes: usize,
    cap: usize,
    /// Rows and bytes evicted by the cap.
    pub evicted_rows: u64,
    pub evicted_bytes: u64,
    /// Bytes the engine reported but did not deliver (the window fell behind).
    pub skipped_bytes: u64,
    /// Bumped on every change, so views can cache what they derive.
    pub generation: u64,
}

impl Default for TrafficLog {
    fn default() -> Self {
        TrafficLog::with_cap(DEFAULT_CAP)
    }
}

impl TrafficLog {
    pub fn with_cap(cap: usize) -> TrafficLog {
        TrafficLog {
            rows: VecDeque::new(),
            bytes: 0,
            cap,
            evicted_rows: 0,
            evicted_bytes: 0,
            skipped_bytes: 0,
            generation: 0,
        }
    }

    pub fn push(&mut self, row: TrafficRow) {
        self.bytes += row.data.len() + ROW_COST;
        self.rows.push_back(row);
        self.evict();
        self.generation += 1;
    }

    pub fn set_cap(&mut self, cap: usize) {
        self.cap = cap.max(ROW_COST);
        // Re-applying the cap evicts at once.
        self.evict();
        self.generation += 1;
    }

    /// Drops the oldest rows until the log fits its cap (the newest row always stays).
    fn evict(&mut self) {
        while self.bytes > self.cap && self.rows.len() > 1 {
            if let Some(old) = self.rows.pop_front() {
                self.bytes -= old.data.len() + ROW_COST;
                self.evicted_rows += 1;
                self.evicted_bytes += old.len as u64;
            }
        }
    }

    pub fn clear(&mut self) {
        self.rows.clear();
        self.bytes = 0;
        self.generation += 1;
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&TrafficRow> {
        self.rows.get(i)
    }

    pub fn iter(&self) -> impl Iterator<Item = &TrafficRow> {
        self.rows.iter()
    }

    /// Memory the log holds now.
    pub fn bytes_held(&self) -> usize {
        self.bytes
    }
}

/// Which rows a view shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// Text to find (in the row's bytes), or hex when `hex` is set.
    pub pattern: String,
    pub hex: bool,
    pub direction: Option<Direction>,
}

impl Filter {
    pub fn is_active(&self) -> bool {
        !self.pattern.is_empty() || self.direction.is_some()
    }

    /// The bytes to look for, or why the pattern is not usable.
    pub fn needle(&self) -> Result<Vec<u8>, String> {
        if self.hex {
            parse_hex(&self.pattern).map_err(|e| e.to_string())
        } else {
            Ok(self.pattern.as_bytes().to_vec())
        }
    }

    pub fn matches(&self, row: &TrafficRow, needle: &[u8]) -> bool {
        if self.direction.is_some_and(|d| d != row.direction) {
            return false;
        }
        needle.is_empty() || row.data.windows(needle.len()).any(|w| w == needle)
    }

    /// Indices of the rows that pass.
    pub fn apply(&self, log: &TrafficLog) -> Vec<usize> {
        let needle = self.needle().unwrap_or_default();
        log.iter()
            .enumerate()
            .filter(|(_, r)| self.matches(r, &needle))
            .map(|(i, _)| i)
            .collect()
    }
}

/// A row's bytes as text with control characters made visible.
pub fn visible_text(data: &[u8], enc: crate::payload::Encoding) -> String {
    let text = enc.decode_lossy(data);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A hex dump: offset | hex | ASCII, 16 bytes a line.
pub fn hexdump(data: &[u8]) -> String {
    let mut out = String::new();
    for (n, chunk) in data.chunks(16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String = chunk
            .iter()
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        out.push_str(&format!(
            "{:08x}  {:<47}  |{}|\n",
            n * 16,
            hex.join(" "),
            ascii
        ));
    }
    out
}

/// The three ways a row is copied.
pub fn copy_as_text(row: &TrafficRow) -> String {
    String::from_utf8_lossy(&row.data).into_owned()
}
pub fn copy_as_hex(row: &TrafficRow) -> String {
    render_hex(&row.data)
}
pub fn copy_as_python(row: &TrafficRow) -> String {
    bytes_repr(&row.data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(dir: Direction, data: &[u8]) -> TrafficRow {
        TrafficRow {
            at: SystemTime::now(),
            direction: dir,
            len: data.len(),
            data: data.to_vec(),
            peer: None,
        }
    }

    #[test]
    fn the_cap_evicts_the_oldest_and_says_how_much() {
        let mut log = TrafficLog::with_cap(10 * (100 + ROW_COST));
        for i in 0..25u8 {
            log.push(row(Direction::In, &[i; 100]));
        }
        assert_eq!(log.len(), 10);
        assert_eq!(log.evicted_rows, 15);
        assert_eq!(log.evicted_bytes, 1500);
        assert_eq!(log.get(0).unwrap().data[0], 15, "the oldest went first");
        assert!(log.bytes_held() <= 10 * (100 + ROW_COST));
    }

    #[test]
    fn filters_by_text_hex_and_direction() {
        let mut log = TrafficLog::default();
        log.push(row(Direction::In, b"hello world"));
        log.push(row(Direction::Out, b"\x00\xffhello"));
        log.push(row(Direction::In, b"bye"));
        let f = Filter {
            pattern: "hello".into(),
            ..Filter::default()
        };
        assert_eq!(f.apply(&log), vec![0, 1]);
        let f = Filter {
            pattern: "00 ff".into(),
            hex: true,
            ..Filter::default()
        };
        assert_eq!(f.apply(&log), vec![1]);
        let f = Filter {
            direction: Some(Direction::In),
            ..Filter::default()
        };
        assert_eq!(f.apply(&log), vec![0, 2]);
        let f = Filter {
            pattern: "0".into(),
            hex: true,
            ..Filter::default()
        };
        assert!(f.needle().is_err());
        let r = row(Direction::In, b"a\x00\n");
        assert_eq!(copy_as_python(&r), "b'a\\x00\\n'");
        assert_eq!(copy_as_hex(&r), "61 00 0a");
        assert!(hexdump(b"0123456789abcdefXYZ").contains("00000010  58 59 5a"));
        assert_eq!(
            visible_text(b"a\r\n\x01", crate::payload::Encoding::Utf8),
            "a\\r\\n\\x01"
        );
    }
}
