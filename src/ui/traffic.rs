//! A socket's traffic log: one row per recv()/send() call, capped in memory (the oldest rows
//! go first, and the log says how much went), with filtering and the renderings a row is
//! copied as.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::SystemTime;

use crate::engine::{Bytes, Direction, Endpoint};
use crate::payload::{parse_hex, render_hex};
use crate::pyfmt::bytes_repr;

/// Default memory cap of one socket's log.
pub const DEFAULT_CAP: usize = 64 << 20;
/// What a row costs beyond its bytes: the row, its Arc's counts, the allocator's header,
/// and its place in the ring.
pub const ROW_COST: usize =
    std::mem::size_of::<TrafficRow>() + 16 + 16 + std::mem::size_of::<Kept>();

/// A row in the ring, with what evicting it needs to know: eviction then never reads the
/// row itself, written a whole cap of bytes ago and long out of the caches (under a flood
/// a frame evicts over a thousand, and those reads were a third of its draining).
#[derive(Clone, Debug)]
struct Kept {
    row: Arc<TrafficRow>,
    /// The memory it keeps (its bytes' `held`, plus ROW_COST).
    held: usize,
    /// Its `len`.
    len: usize,
}

#[derive(Clone, Debug)]
pub struct TrafficRow {
    pub at: SystemTime,
    pub direction: Direction,
    /// Bytes the call moved (the content may have been dropped upstream when the window
    /// fell behind: then `data` is shorter).
    pub len: usize,
    pub data: Bytes,
    pub peer: Option<Endpoint>,
    /// A datagram's bytes past the recv's buffer, which the kernel dropped.
    pub cut: usize,
    /// Plaintext of a TLS session.
    pub tls: bool,
    /// On a listener's log, the connection it accepted that moved these bytes (a listener
    /// moves none itself: its view gathers its connections').
    pub via: Option<Arc<Via>>,
}

/// A listener's connections still listed, by their names now.
pub type Names = std::collections::BTreeMap<crate::engine::SocketId, String>;

impl Via {
    /// Its name now if it is still listed, else the one it had.
    pub fn named<'a>(&'a self, names: &'a Names) -> &'a str {
        names.get(&self.id).unwrap_or(&self.name)
    }
}

/// The connection a listener's row came through (one per connection, shared by its rows).
#[derive(Clone, Debug, PartialEq)]
pub struct Via {
    pub id: crate::engine::SocketId,
    /// Its name when its first row came (the view says its name now while it is listed).
    pub name: String,
}

/// Cloned (for an export running off the frame) by sharing its rows, not copying them: a
/// clone costs a ring entry per row, whatever the rows hold.
#[derive(Clone, Debug)]
pub struct TrafficLog {
    rows: VecDeque<Kept>,
    bytes: usize,
    cap: usize,
    /// Rows and bytes evicted by the cap.
    pub evicted_rows: u64,
    pub evicted_bytes: u64,
    /// Bytes the engine reported but did not deliver (the window fell behind).
    pub skipped_bytes: u64,
    /// Bytes of rows the person cleared.
    pub cleared_bytes: u64,
    /// Sequence number of the first row held (rows ever pushed before it).
    first_seq: u64,
    /// Bumped on every change, so views can cache what they derive.
    pub generation: u64,
    /// When the first row ever arrived: relative times count from it, so they stay put
    /// while old rows are evicted or cleared.
    origin: Option<SystemTime>,
    /// Every row ever pushed, counted as it came (eviction and clearing keep them).
    pub totals: Totals,
    /// Evicted rows on their way to be freed off the window's thread.
    graveyard: crate::ui::graveyard::Graveyard,
}

/// What a socket's rows added up to, counted on push: read each frame without a scan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// The most one row (a recv call, a datagram) brought in.
    pub largest_in: u64,
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
            cleared_bytes: 0,
            first_seq: 0,
            generation: 0,
            origin: None,
            totals: Totals::default(),
            graveyard: Default::default(),
        }
    }

    pub fn push(&mut self, row: TrafficRow) {
        self.origin.get_or_insert(row.at);
        let len = row.len as u64;
        match row.direction {
            crate::engine::Direction::In => {
                self.totals.bytes_in += len;
                self.totals.largest_in = self.totals.largest_in.max(len);
            }
            crate::engine::Direction::Out => self.totals.bytes_out += len,
        }
        // What the row really holds: a received buffer may be larger than its bytes.
        let held = row.data.held() + ROW_COST;
        self.bytes += held;
        let len = row.len;
        self.rows.push_back(Kept {
            row: Arc::new(row),
            held,
            len,
        });
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
                self.bytes -= old.held;
                self.evicted_rows += 1;
                self.evicted_bytes += old.len as u64;
                self.first_seq += 1;
                self.graveyard.bury(old.row, old.held);
            }
        }
    }

    pub fn clear(&mut self) {
        self.cleared_bytes += self.rows.iter().map(|r| r.len as u64).sum::<u64>();
        self.first_seq += self.rows.len() as u64;
        crate::ui::graveyard::free(self.rows.drain(..).map(|k| k.row).collect());
        self.bytes = 0;
        self.generation += 1;
    }

    /// When the first row ever pushed arrived (relative times count from it).
    pub fn origin(&self) -> Option<SystemTime> {
        self.origin
    }

    /// Sequence number the next row gets (for pausing the view at a row).
    pub fn next_seq(&self) -> u64 {
        self.first_seq + self.rows.len() as u64
    }

    /// The sequence number of the row held at index `i`.
    pub fn seq_of(&self, i: usize) -> u64 {
        self.first_seq + i as u64
    }

    /// The row with sequence number `seq`, while the log still holds it.
    pub fn by_seq(&self, seq: u64) -> Option<&TrafficRow> {
        let i = usize::try_from(seq.checked_sub(self.first_seq)?).ok()?;
        self.get(i)
    }

    /// Rows held with a sequence number below `seq`.
    pub fn rows_before(&self, seq: u64) -> usize {
        seq.saturating_sub(self.first_seq)
            .min(self.rows.len() as u64) as usize
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&TrafficRow> {
        self.rows.get(i).map(|k| &*k.row)
    }

    pub fn iter(&self) -> impl Iterator<Item = &TrafficRow> {
        self.rows.iter().map(|k| &*k.row)
    }

    /// Memory the log holds now.
    pub fn bytes_held(&self) -> usize {
        self.bytes
    }
}

/// A byte count as people read it.
pub fn human_bytes(b: f64) -> String {
    if b >= (1u64 << 30) as f64 {
        format!("{:.2} GiB", b / (1u64 << 30) as f64)
    } else if b >= (1u64 << 20) as f64 {
        format!("{:.1} MiB", b / (1u64 << 20) as f64)
    } else if b >= 1024.0 {
        format!("{:.1} KiB", b / 1024.0)
    } else {
        format!("{b:.0} B")
    }
}

/// The rows a view shows, kept up to date incrementally: a frame costs the rows that
/// arrived since the last one, not the whole log, so a million rows stay smooth.
#[derive(Clone, Debug, Default)]
pub struct RowIndex {
    filter: Filter,
    /// Sequence numbers of matching rows (only while the filter is active).
    seqs: VecDeque<u64>,
    /// Rows up to this sequence number have been looked at.
    scanned: u64,
    /// The log's first sequence number when last refreshed (detects clear and eviction).
    first: u64,
    valid: bool,
}

impl RowIndex {
    /// Brings the index up to date with the log and filter.
    pub fn refresh(&mut self, log: &TrafficLog, filter: &Filter) {
        if !self.valid || self.filter != *filter {
            self.filter = filter.clone();
            self.seqs.clear();
            self.scanned = log.first_seq;
            self.valid = true;
        }
        self.first = log.first_seq;
        if !self.filter.is_active() {
            self.scanned = log.next_seq();
            return;
        }
        while self.seqs.front().is_some_and(|&q| q < log.first_seq) {
            self.seqs.pop_front();
        }
        let needle = self.filter.needle().unwrap_or_default();
        let from = self.scanned.max(log.first_seq);
        for seq in from..log.next_seq() {
            let i = (seq - log.first_seq) as usize;
            if log.get(i).is_some_and(|r| self.filter.matches(r, &needle)) {
                self.seqs.push_back(seq);
            }
        }
        self.scanned = log.next_seq();
    }

    /// Rows shown, counting only those before `until` (a paused view).
    pub fn len(&self, log: &TrafficLog, until: Option<u64>) -> usize {
        let limit = until.unwrap_or(u64::MAX);
        if !self.filter.is_active() {
            return log.rows_before(limit);
        }
        self.seqs.partition_point(|&q| q < limit)
    }

    /// The log index of the k-th row shown.
    pub fn get(&self, k: usize) -> Option<usize> {
        if !self.filter.is_active() {
            return Some(k);
        }
        self.seqs.get(k).map(|&q| (q - self.first) as usize)
    }
}

/// Consecutive rows of one direction, as the merged stream view shows them: (direction,
/// first and last position among the given rows). With a gap, a row read more than that
/// after the one before starts a run of its own: a device's frame that TCP split comes
/// within milliseconds, its next frame much later.
pub fn runs(
    log: &TrafficLog,
    rows: impl Iterator<Item = usize>,
    gap: Option<std::time::Duration>,
) -> Vec<(Direction, usize, usize)> {
    let mut out: Vec<(Direction, usize, usize)> = Vec::new();
    // A listener's rows join only within one connection: two clients' bytes are not one
    // stream; nor are two senders' datagrams.
    let mut from = None;
    let mut last: Option<SystemTime> = None;
    for (k, i) in rows.enumerate() {
        let Some(r) = log.get(i) else { continue };
        let who = (r.via.as_ref().map(|v| v.id), r.peer.as_ref());
        // A clock stepped back counts as no gap (the next is measured from this row).
        let near = match (gap, last) {
            (Some(g), Some(t)) => r.at.duration_since(t).map_or(true, |d| d <= g),
            _ => true,
        };
        match out.last_mut() {
            Some((d, _, end)) if *d == r.direction && Some(who) == from && near => *end = k,
            _ => out.push((r.direction, k, k)),
        }
        from = Some(who);
        last = Some(r.at);
    }
    out
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

/// A row's bytes as text with control characters made visible. Bytes that are not valid
/// UTF-8 show as \xNN, so nothing is hidden behind a replacement character.
pub fn visible_text(data: &[u8], enc: crate::payload::Encoding) -> String {
    let mut out = String::with_capacity(data.len());
    if enc == crate::payload::Encoding::Utf8 {
        for chunk in data.utf8_chunks() {
            push_visible(&mut out, chunk.valid());
            for b in chunk.invalid() {
                crate::pyfmt::push_escape(&mut out, *b);
            }
        }
    } else {
        push_visible(&mut out, &enc.decode_lossy(data));
    }
    out
}

fn push_visible(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            '\u{fffd}' => out.push_str("\\ufffd"),
            // Control characters are all below U+00A0: one byte each.
            c if c.is_control() => crate::pyfmt::push_escape(out, c as u32 as u8),
            c => out.push(c),
        }
    }
}

/// A hex dump: offset | hex | ASCII, 16 bytes a line.
pub fn hexdump(data: &[u8]) -> String {
    let mut out = String::new();
    for (n, chunk) in data.chunks(16).enumerate() {
        let hex = crate::pyfmt::to_hex_sep(chunk, " ");
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
        out.push_str(&format!("{:08x}  {:<47}  |{}|\n", n * 16, hex, ascii));
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
pub(crate) mod tests {
    use super::*;

    #[test]
    fn a_clone_for_an_export_shares_the_rows() {
        let mut log = TrafficLog::default();
        log.push(row(Direction::In, &[7; 4096]));
        let copy = log.clone();
        // The same row, not a copy of its bytes.
        assert!(std::ptr::eq(log.get(0).unwrap(), copy.get(0).unwrap()));
        // The log goes on without touching the clone.
        log.clear();
        assert_eq!(copy.get(0).unwrap().data.len(), 4096);
    }

    /// A row of `data` moved now, with nothing else to it (for other modules' tests too).
    pub(crate) fn row(dir: Direction, data: &[u8]) -> TrafficRow {
        TrafficRow {
            at: SystemTime::now(),
            direction: dir,
            len: data.len(),
            data: data.to_vec().into(),
            peer: None,
            cut: 0,
            tls: false,
            via: None,
        }
    }

    /// With a gap, chunks further apart than it are runs of their own; a clock stepped back
    /// is no gap, and the next gap counts from the row it stepped back to.
    #[test]
    fn runs_split_where_the_gap_is_longer() {
        use std::time::Duration;
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let mut log = TrafficLog::default();
        for ms in [0, 5, 30, 1_000, 999, 1_020] {
            log.push(TrafficRow {
                at: t0 + Duration::from_millis(ms),
                ..row(Direction::In, b"x")
            });
        }
        let gap = |ms| runs(&log, 0..log.len(), Some(Duration::from_millis(ms)));
        assert_eq!(
            gap(20),
            vec![
                (Direction::In, 0, 1),
                (Direction::In, 2, 2),
                (Direction::In, 3, 4),
                (Direction::In, 5, 5)
            ]
        );
        assert_eq!(gap(6), gap(20));
        assert_eq!(gap(30), vec![(Direction::In, 0, 2), (Direction::In, 3, 5)]);
        assert_eq!(
            gap(21),
            vec![
                (Direction::In, 0, 1),
                (Direction::In, 2, 2),
                (Direction::In, 3, 5)
            ]
        );
        assert_eq!(gap(970), vec![(Direction::In, 0, 5)]);
        assert_eq!(runs(&log, 0..log.len(), None), vec![(Direction::In, 0, 5)]);
    }

    /// Two senders' datagrams are not one run either.
    #[test]
    fn runs_join_one_senders_datagrams_only() {
        let from = |port| {
            Some(Endpoint::V4(std::net::SocketAddrV4::new(
                [127, 0, 0, 1].into(),
                port,
            )))
        };
        let mut log = TrafficLog::default();
        for port in [7000, 7000, 7001, 7000] {
            log.push(TrafficRow {
                peer: from(port),
                ..row(Direction::In, b"x")
            });
        }
        assert_eq!(
            runs(&log, 0..log.len(), None),
            vec![
                (Direction::In, 0, 1),
                (Direction::In, 2, 2),
                (Direction::In, 3, 3)
            ]
        );
    }

    /// On a listener's log two clients' bytes are two streams, however they interleave.
    #[test]
    fn runs_join_a_connections_rows_only() {
        let via = |id: u64, name: &str| {
            Some(Arc::new(Via {
                id: crate::engine::SocketId(id),
                name: name.into(),
            }))
        };
        let mut log = TrafficLog::default();
        for (id, name) in [(1, "c1"), (1, "c1"), (2, "c2"), (1, "c1")] {
            log.push(TrafficRow {
                via: via(id, name),
                ..row(Direction::In, b"x")
            });
        }
        assert_eq!(
            runs(&log, 0..log.len(), None),
            vec![
                (Direction::In, 0, 1),
                (Direction::In, 2, 2),
                (Direction::In, 3, 3)
            ]
        );
    }

    /// Evicted rows are freed in batches (off this thread): never more than a batch held
    /// beyond the cap, and a clone for an export holds none of them.
    #[test]
    fn evicted_rows_are_freed_in_batches() {
        let mut log = TrafficLog::with_cap(4 * (1000 + ROW_COST));
        log.push(row(Direction::In, &[1; 1000]));
        let first = std::sync::Arc::downgrade(&log.rows[0].row);
        for _ in 1..4 {
            log.push(row(Direction::In, &[2; 1000]));
        }
        // Evicted, and waiting for its batch: held still.
        log.push(row(Direction::In, &[3; 1000]));
        assert_eq!(log.evicted_rows, 1);
        assert_eq!(log.graveyard.held(), 1);
        assert!(first.upgrade().is_some());
        assert_eq!(log.clone().graveyard.held(), 0);
        let mut freed = std::sync::Arc::downgrade(&log.rows[0].row);
        for i in 0..5 * crate::ui::graveyard::BATCH_ROWS {
            if i == crate::ui::graveyard::BATCH_ROWS {
                freed = std::sync::Arc::downgrade(&log.rows[0].row);
            }
            log.push(row(Direction::In, &[4; 1000]));
            assert!(log.graveyard.held() < crate::ui::graveyard::BATCH_ROWS);
        }
        // Handed over with its batch, the first row is freed (by the freeing thread).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while first.upgrade().is_some() || freed.upgrade().is_some() {
            assert!(
                std::time::Instant::now() < deadline,
                "evicted rows never freed"
            );
            std::thread::yield_now();
        }
        assert_eq!(log.len(), 4);
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
    fn totals_count_every_row_through_eviction_and_clearing() {
        let mut log = TrafficLog::with_cap(2 * (100 + ROW_COST));
        for i in 1..=5usize {
            log.push(row(Direction::In, &vec![0; i * 10]));
        }
        log.push(row(Direction::Out, &[1; 7]));
        log.clear();
        log.push(row(Direction::In, &[2; 3]));
        assert_eq!(
            log.totals,
            Totals {
                bytes_in: 10 + 20 + 30 + 40 + 50 + 3,
                bytes_out: 7,
                largest_in: 50
            }
        );
    }

    #[test]
    fn relative_times_count_from_the_first_row_ever() {
        let mut log = TrafficLog::with_cap(2 * (10 + ROW_COST));
        let t0 = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1000);
        for i in 0..5u64 {
            let mut r = row(Direction::In, &[0; 10]);
            r.at = t0 + std::time::Duration::from_secs(i);
            log.push(r);
        }
        assert_ne!(log.get(0).unwrap().at, t0, "the first rows were evicted");
        assert_eq!(log.origin(), Some(t0));
        log.clear();
        assert_eq!(log.origin(), Some(t0));
        assert_eq!(TrafficLog::default().origin(), None);
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
        assert_eq!(
            visible_text(b"ok\xff\xfe\xe4\xb8\xad", crate::payload::Encoding::Utf8),
            "ok\\xff\\xfe\u{4e2d}"
        );
        assert_eq!(
            runs(&log, 0..log.len(), None),
            vec![
                (Direction::In, 0, 0),
                (Direction::Out, 1, 1),
                (Direction::In, 2, 2)
            ]
        );
    }

    #[test]
    fn the_row_index_follows_appends_eviction_clear_and_pause() {
        let mut log = TrafficLog::with_cap(20 * (1 + ROW_COST));
        let f = Filter {
            pattern: "a".into(),
            ..Filter::default()
        };
        let mut idx = RowIndex::default();
        let check = |log: &TrafficLog, idx: &RowIndex, until: Option<u64>| {
            // The incremental index agrees with a full scan.
            let full: Vec<usize> = f
                .apply(log)
                .into_iter()
                .filter(|&i| {
                    until.is_none_or(|u| (log.next_seq() - log.len() as u64) + (i as u64) < u)
                })
                .collect();
            let got: Vec<usize> = (0..idx.len(log, until))
                .map(|k| idx.get(k).unwrap())
                .collect();
            assert_eq!(got, full);
        };
        for i in 0..50u8 {
            log.push(row(Direction::In, if i % 3 == 0 { b"a" } else { b"b" }));
            idx.refresh(&log, &f);
            check(&log, &idx, None);
        }
        assert!(log.evicted_rows > 0);
        let pause = log.next_seq() - 5;
        check(&log, &idx, Some(pause));
        log.clear();
        idx.refresh(&log, &f);
        check(&log, &idx, None);
        log.push(row(Direction::In, b"a"));
        idx.refresh(&log, &f);
        assert_eq!(idx.len(&log, None), 1);
        // Without a filter every row shows, and nothing is stored per row.
        let mut all = RowIndex::default();
        all.refresh(&log, &Filter::default());
        assert_eq!(all.len(&log, None), 1);
        assert!(all.seqs.is_empty());
    }

    #[test]
    fn byte_counts_and_clock_times_read_as_people_read_them() {
        assert_eq!(human_bytes(1536.0), "1.5 KiB");
        assert_eq!(
            crate::timefmt::Zone::utc()
                .clock(SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(3_723_004)),
            "01:02:03.004"
        );
    }
}
