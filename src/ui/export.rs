//! Saving a socket's traffic: the received bytes as a file, and the log as CSV or JSON lines
//! (one row per call, with exact hex), written atomically and streamed, not built in memory.

use crate::ui::files::Phrase;
use std::io::{self, Write};
use std::path::Path;
use std::time::SystemTime;

use std::sync::atomic::Ordering;

use super::files::{FileError, Replace};
use super::traffic::{TrafficLog, TrafficRow};
use super::writes::Progress;
use crate::engine::Direction;
use crate::payload::Encoding;
use crate::t;
pub use crate::timefmt::iso_time;

/// What an export wrote, and what it could not include.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub rows: u64,
    pub bytes: u64,
}

/// Why a saved file is not everything the socket ever moved, if it is not (in this thread's
/// language).
pub fn incompleteness(log: &TrafficLog) -> Option<String> {
    let mut parts = Vec::new();
    if log.evicted_bytes > 0 {
        parts.push(t!(
            "files-missing-evicted",
            n = log.evicted_bytes.to_string()
        ));
    }
    if log.skipped_bytes > 0 {
        parts.push(t!(
            "files-missing-skipped",
            n = log.skipped_bytes.to_string()
        ));
    }
    if log.cleared_bytes > 0 {
        parts.push(t!(
            "files-missing-cleared",
            n = log.cleared_bytes.to_string()
        ));
    }
    (!parts.is_empty()).then(|| {
        t!(
            "files-not-included",
            parts = parts.join(&t!("files-list-separator"))
        )
    })
}

/// Every received byte the log holds, in order.
pub fn save_received(
    path: &Path,
    replace: Replace,
    log: &TrafficLog,
    progress: &Progress,
) -> Result<Written, FileError> {
    let each = |w: &mut dyn Write, r: &TrafficRow| {
        w.write_all(&r.data)?;
        Ok(r.data.len() as u64)
    };
    write_rows(
        path,
        replace,
        Phrase::Received,
        log,
        progress,
        b"",
        |r| r.direction == Direction::In,
        each,
    )
}

/// How a CSV file starts: plain UTF-8, or with a byte-order mark for spreadsheet programs
/// that otherwise read it in their own code page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvFlavour {
    Plain,
    Bom,
}

/// The log as CSV (RFC 4180): time, seconds since the first row, direction, length, peer,
/// text in the view's encoding with control characters made visible, and exact hex.
pub fn export_csv(
    path: &Path,
    replace: Replace,
    log: &TrafficLog,
    (enc, flavour): (Encoding, CsvFlavour),
    progress: &Progress,
) -> Result<Written, FileError> {
    let first = log.get(0).map(|r| r.at);
    const HEADER: &[u8] = b"time,seconds,direction,length,peer,text,hex\r\n";
    const WITH_BOM: &[u8] = b"\xef\xbb\xbftime,seconds,direction,length,peer,text,hex\r\n";
    let header = match flavour {
        CsvFlavour::Plain => HEADER,
        CsvFlavour::Bom => WITH_BOM,
    };
    let each = |w: &mut dyn Write, r: &TrafficRow| {
        let f = Fields::of(r, first, enc);
        write!(
            w,
            "{},{:.6},{},{},{},{},{}\r\n",
            f.time,
            f.seconds,
            f.direction,
            r.len,
            csv_field(&f.peer),
            csv_field(&f.text),
            f.hex
        )?;
        Ok(r.len as u64)
    };
    write_rows(
        path,
        replace,
        Phrase::Csv,
        log,
        progress,
        header,
        |_| true,
        each,
    )
}

/// The log as JSON lines: one object per row, `hex` exact, `text` for reading.
pub fn export_jsonl(
    path: &Path,
    replace: Replace,
    log: &TrafficLog,
    enc: Encoding,
    progress: &Progress,
) -> Result<Written, FileError> {
    let first = log.get(0).map(|r| r.at);
    let each = |w: &mut dyn Write, r: &TrafficRow| {
        let f = Fields::of(r, first, enc);
        let obj = serde_json::json!({
            "time": f.time,
            "seconds": (f.seconds * 1e6).round() / 1e6,
            "direction": f.direction,
            "length": r.len,
            "peer": if f.peer.is_empty() { serde_json::Value::Null } else { f.peer.into() },
            "truncated": r.data.len() < r.len,
            "text": f.text,
            "hex": f.hex,
        });
        serde_json::to_writer(&mut *w, &obj).map_err(io::Error::other)?;
        w.write_all(b"\n")?;
        Ok(r.len as u64)
    };
    write_rows(
        path,
        replace,
        Phrase::Jsonl,
        log,
        progress,
        b"",
        |_| true,
        each,
    )
}

/// Writes `header`, then each row `keep` accepts through `each` (which says how many of the
/// socket's bytes the row stands for), atomically, counting rows into `progress`.
#[allow(clippy::too_many_arguments)] // one call per format, each naming all of them
fn write_rows(
    path: &Path,
    replace: Replace,
    what: Phrase,
    log: &TrafficLog,
    progress: &Progress,
    header: &[u8],
    keep: impl Fn(&TrafficRow) -> bool,
    mut each: impl FnMut(&mut dyn Write, &TrafficRow) -> io::Result<u64>,
) -> Result<Written, FileError> {
    let mut out = Written { rows: 0, bytes: 0 };
    progress.total.store(log.len() as u64, Ordering::Relaxed);
    super::files::write_atomic(path, replace, what, |w| {
        w.write_all(header)?;
        for r in log.iter() {
            if keep(r) {
                out.bytes += each(w, r)?;
                out.rows += 1;
            }
            // Rows passed over count too: the progress reaches its total.
            progress.done.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    })?;
    Ok(out)
}

struct Fields {
    time: String,
    seconds: f64,
    direction: &'static str,
    peer: String,
    text: String,
    hex: String,
}

impl Fields {
    fn of(r: &TrafficRow, first: Option<SystemTime>, enc: Encoding) -> Fields {
        Fields {
            time: iso_time(r.at),
            seconds: first
                .and_then(|f| r.at.duration_since(f).ok())
                .map_or(0.0, |d| d.as_secs_f64()),
            direction: match r.direction {
                Direction::In => "in",
                Direction::Out => "out",
            },
            peer: r.peer.as_ref().map(|p| p.to_string()).unwrap_or_default(),
            text: super::traffic::visible_text(&r.data, enc),
            hex: crate::pyfmt::to_hex(&r.data),
        }
    }
}

/// Quotes a CSV field when it needs it (comma, quote, CR or LF), doubling quotes.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn row(dir: Direction, data: &[u8], secs: u64) -> TrafficRow {
        TrafficRow {
            at: SystemTime::UNIX_EPOCH + Duration::from_secs(secs),
            direction: dir,
            len: data.len(),
            data: data.to_vec().into(),
            peer: None,
            cut: 0,
            tls: false,
            via: None,
        }
    }

    #[test]
    fn csv_and_json_lines_hold_every_row_exactly() {
        let mut log = TrafficLog::default();
        log.push(row(Direction::Out, b"a,\"b\"\r\n", 100));
        log.push(row(Direction::In, &[0, 255, 10], 101));
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("t.csv");
        let w = export_csv(
            &csv,
            Replace::No,
            &log,
            (Encoding::Utf8, CsvFlavour::Plain),
            &Progress::default(),
        )
        .unwrap();
        assert_eq!(w, Written { rows: 2, bytes: 10 });
        let text = std::fs::read_to_string(&csv).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "time,seconds,direction,length,peer,text,hex");
        assert!(lines[1].starts_with("1970-01-01T00:01:40.000000Z,0.000000,out,7,,"));
        assert!(lines[1].ends_with(",612c2262220d0a"), "{}", lines[1]);
        assert!(lines[1].contains("\"a,\"\"b\"\""), "quoted: {}", lines[1]);
        assert!(lines[2].ends_with(",00ff0a"));
        // With a byte-order mark, for spreadsheet programs: those three bytes first, the
        // rest the same.
        let bom = dir.path().join("bom.csv");
        export_csv(
            &bom,
            Replace::No,
            &log,
            (Encoding::Utf8, CsvFlavour::Bom),
            &Progress::default(),
        )
        .unwrap();
        let with = std::fs::read(&bom).unwrap();
        assert_eq!(&with[..3], b"\xef\xbb\xbf");
        assert_eq!(&with[3..], text.as_bytes());

        let jl = dir.path().join("t.jsonl");
        export_jsonl(&jl, Replace::No, &log, Encoding::Utf8, &Progress::default()).unwrap();
        let text = std::fs::read_to_string(&jl).unwrap();
        let rows: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1]["hex"], "00ff0a");
        assert_eq!(rows[1]["direction"], "in");
        assert_eq!(rows[1]["seconds"], 1.0);
        assert_eq!(rows[0]["peer"], serde_json::Value::Null);

        let bin = dir.path().join("rx.bin");
        let w = save_received(&bin, Replace::No, &log, &Progress::default()).unwrap();
        assert_eq!(w.bytes, 3);
        assert_eq!(std::fs::read(&bin).unwrap(), [0, 255, 10]);
        assert_eq!(incompleteness(&log), None);
        log.set_cap(1);
        assert!(incompleteness(&log).unwrap().contains("evicted"));
    }
}
