//! Saving a socket's traffic: the received bytes as a file, and the log as CSV or JSON lines
//! (one row per call, with exact hex), written atomically and streamed, not built in memory.

use crate::ui::files::Phrase;
use std::io::{self, Write};
use std::path::Path;
use std::time::SystemTime;

use std::sync::atomic::Ordering;

use super::files::{FileError, Replace};
use super::traffic::{Names, TrafficLog, TrafficRow};
use super::writes::Progress;
use crate::engine::Direction;
use crate::payload::Encoding;
use crate::t;
pub use crate::timefmt::iso_time;
use crate::timefmt::Zone;

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

/// The log as CSV (RFC 4180): time, seconds since `origin` (the session's, as the view's
/// relative times count; without one, the first row), direction, length, peer,
/// text in the view's encoding with control characters made visible, and exact hex.
/// A listener's log (its connections' rows, see `TrafficRow::via`) has one more column,
/// last: the connection each row came through, by the name it has now.
pub fn export_csv(
    path: &Path,
    replace: Replace,
    log: &TrafficLog,
    origin: Option<SystemTime>,
    (enc, flavour, zone): (Encoding, CsvFlavour, &Zone),
    names: &Names,
    progress: &Progress,
) -> Result<Written, FileError> {
    let first = origin.or(log.get(0).map(|r| r.at));
    let gathered = log.iter().any(|r| r.via.is_some());
    let mut header = Vec::new();
    if flavour == CsvFlavour::Bom {
        header.extend_from_slice(b"\xef\xbb\xbf");
    }
    header.extend_from_slice(b"time,seconds,direction,length,peer,text,hex");
    if gathered {
        header.extend_from_slice(b",connection");
    }
    header.extend_from_slice(b"\r\n");
    let each = |w: &mut dyn Write, r: &TrafficRow| {
        let f = Fields::of(r, first, enc, zone);
        write!(
            w,
            "{},{:.6},{},{},{},{},{}",
            f.time,
            f.seconds,
            f.direction,
            r.len,
            csv_field(&f.peer),
            csv_field(&f.text),
            // Spaced: a spreadsheet takes 0203000000010000 for a number and drops its
            // zeros.
            crate::payload::render_hex(&r.data)
        )?;
        if gathered {
            let via = r.via.as_ref().map_or("", |v| v.named(names));
            write!(w, ",{}", csv_field(via))?;
        }
        w.write_all(b"\r\n")?;
        Ok(r.len as u64)
    };
    write_rows(
        path,
        replace,
        Phrase::Csv,
        log,
        progress,
        &header,
        |_| true,
        each,
    )
}

/// The log as JSON lines: one object per row, `hex` exact, `text` for reading.
/// A listener's rows also name their connection (`connection`).
pub fn export_jsonl(
    path: &Path,
    replace: Replace,
    log: &TrafficLog,
    origin: Option<SystemTime>,
    (enc, zone): (Encoding, &Zone),
    names: &Names,
    progress: &Progress,
) -> Result<Written, FileError> {
    let first = origin.or(log.get(0).map(|r| r.at));
    let each = |w: &mut dyn Write, r: &TrafficRow| {
        let f = Fields::of(r, first, enc, zone);
        let mut obj = serde_json::json!({
            "time": f.time,
            "seconds": (f.seconds * 1e6).round() / 1e6,
            "direction": f.direction,
            "length": r.len,
            "peer": if f.peer.is_empty() { serde_json::Value::Null } else { f.peer.into() },
            "truncated": r.data.len() < r.len,
            "text": f.text,
            "hex": f.hex,
        });
        if let Some(v) = &r.via {
            obj["connection"] = v.named(names).into();
        }
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
    fn of(r: &TrafficRow, first: Option<SystemTime>, enc: Encoding, zone: &Zone) -> Fields {
        Fields {
            time: zone.iso(r.at),
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

    /// A listener's log names each row's connection, by its name now (a connection
    /// renamed since, as the console's `conn` is when another takes the name, is not
    /// mistaken for the newer one).
    #[test]
    fn a_listeners_export_names_each_rows_connection() {
        use crate::engine::SocketId;
        use crate::ui::traffic::Via;
        let via = |id, name: &str| {
            Some(std::sync::Arc::new(Via {
                id: SocketId(id),
                name: name.into(),
            }))
        };
        let mut log = TrafficLog::default();
        for (id, data) in [(3, &b"one"[..]), (4, b"two")] {
            log.push(TrafficRow {
                via: via(id, "conn"),
                ..row(Direction::In, data, 100)
            });
        }
        let names: Names = [(SocketId(3), "conn (1)".to_string())].into();
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("l.csv");
        export_csv(
            &csv,
            Replace::No,
            &log,
            None,
            (Encoding::Utf8, CsvFlavour::Plain, &Zone::utc()),
            &names,
            &Progress::default(),
        )
        .unwrap();
        let text = std::fs::read_to_string(&csv).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "time,seconds,direction,length,peer,text,hex,connection"
        );
        assert!(lines[1].ends_with(",one,6f 6e 65,conn (1)"), "{}", lines[1]);
        // One no longer listed keeps the name it had.
        assert!(lines[2].ends_with(",two,74 77 6f,conn"), "{}", lines[2]);
        let jl = dir.path().join("l.jsonl");
        export_jsonl(
            &jl,
            Replace::No,
            &log,
            None,
            (Encoding::Utf8, &Zone::utc()),
            &names,
            &Progress::default(),
        )
        .unwrap();
        let rows: Vec<serde_json::Value> = std::fs::read_to_string(&jl)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(rows[0]["connection"], "conn (1)");
        assert_eq!(rows[1]["connection"], "conn");
    }

    /// The files' seconds count as the view's relative times do: from the session's origin,
    /// not from the first row the log still holds.
    #[test]
    fn exported_seconds_count_from_the_sessions_origin() {
        let mut log = TrafficLog::default();
        log.push(row(Direction::In, b"x", 150));
        let origin = Some(SystemTime::UNIX_EPOCH + Duration::from_secs(100));
        let dir = tempfile::tempdir().unwrap();
        let (csv, jl) = (dir.path().join("o.csv"), dir.path().join("o.jsonl"));
        let (names, progress) = (Names::new(), Progress::default());
        let flavour = (Encoding::Utf8, CsvFlavour::Plain, &Zone::utc());
        export_csv(&csv, Replace::No, &log, origin, flavour, &names, &progress).unwrap();
        let text = std::fs::read_to_string(&csv).unwrap();
        assert!(text.contains("Z,50.000000,in,1,"), "{text}");
        let how = (Encoding::Utf8, &Zone::utc());
        export_jsonl(&jl, Replace::No, &log, origin, how, &names, &progress).unwrap();
        let line: serde_json::Value =
            serde_json::from_str(std::fs::read_to_string(&jl).unwrap().trim()).unwrap();
        assert_eq!(line["seconds"], 50.0);
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
            None,
            (Encoding::Utf8, CsvFlavour::Plain, &Zone::utc()),
            &Names::new(),
            &Progress::default(),
        )
        .unwrap();
        assert_eq!(w, Written { rows: 2, bytes: 10 });
        let text = std::fs::read_to_string(&csv).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "time,seconds,direction,length,peer,text,hex");
        assert!(lines[1].starts_with("1970-01-01T00:01:40.000000Z,0.000000,out,7,,"));
        assert!(lines[1].ends_with(",61 2c 22 62 22 0d 0a"), "{}", lines[1]);
        assert!(lines[1].contains("\"a,\"\"b\"\""), "quoted: {}", lines[1]);
        assert!(lines[2].ends_with(",00 ff 0a"));
        // With a byte-order mark, for spreadsheet programs: those three bytes first, the
        // rest the same.
        let bom = dir.path().join("bom.csv");
        export_csv(
            &bom,
            Replace::No,
            &log,
            None,
            (Encoding::Utf8, CsvFlavour::Bom, &Zone::utc()),
            &Names::new(),
            &Progress::default(),
        )
        .unwrap();
        let with = std::fs::read(&bom).unwrap();
        assert_eq!(&with[..3], b"\xef\xbb\xbf");
        assert_eq!(&with[3..], text.as_bytes());

        // A socket's own log has no connection column, nor key.
        assert!(!text.contains("connection"));
        let jl = dir.path().join("t.jsonl");
        export_jsonl(
            &jl,
            Replace::No,
            &log,
            None,
            (Encoding::Utf8, &Zone::utc()),
            &Names::new(),
            &Progress::default(),
        )
        .unwrap();
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
