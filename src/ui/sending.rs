//! Sending beyond one call, as the window holds it: repeat settings turned into a send job,
//! a running job's progress, the saved-payload library and the history of recent sends.

use crate::ui::files::Phrase;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::files::FileError;
use crate::engine::{AddrSpec, Progress, ReqId, SendJob, SendSource};
use crate::payload::{Encoding, LineEnding, Mode};
use crate::t;

/// Recent sends kept in the history.
pub const MAX_HISTORY: usize = 50;
/// Saved payloads kept in the library (a file imported with more is cut here, and says so).
pub const MAX_LIBRARY: usize = 1000;
/// Largest library file read on import.
const MAX_LIBRARY_FILE: u64 = 16 << 20;

/// A payload as the editor holds it, with the name it is saved under.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedPayload {
    pub name: String,
    /// The editor's text: escapes, hex digits, or a file's path.
    pub payload: String,
    pub mode: Mode,
    pub encoding: Encoding,
    pub ending: LineEnding,
    /// The check value appended (older files have none).
    pub check: crate::payload::Checksum,
}

impl SavedPayload {
    /// The exact bytes (for Text and Hex), or why there are none.
    pub fn bytes(&self) -> Result<Vec<u8>, crate::payload::PayloadError> {
        crate::payload::bytes_of(
            self.mode,
            &self.payload,
            self.encoding,
            self.ending,
            self.check,
        )
    }

    /// One line for lists: the name, or the start of the payload.
    pub fn label(&self) -> String {
        let body: String = self.payload.chars().take(40).collect();
        let more = if self.payload.chars().count() > 40 {
            "..."
        } else {
            ""
        };
        let mode = match self.mode {
            Mode::Text => t!("send-saved-text"),
            Mode::Hex => t!("send-saved-hex"),
            Mode::File => t!("send-saved-file"),
        };
        let body = body.replace(['\n', '\r'], " ");
        if self.name.is_empty() {
            format!("[{mode}] {body}{more}")
        } else {
            format!("{} [{mode}] {body}{more}", self.name)
        }
    }
}

/// Puts a send at the front of the history, without duplicates.
pub fn remember_send(history: &mut Vec<SavedPayload>, mut p: SavedPayload) {
    p.name.clear();
    history.retain(|h| *h != p);
    history.insert(0, p);
    history.truncate(MAX_HISTORY);
}

/// Adds to the library, replacing an entry of the same name.
pub fn save_to_library(library: &mut Vec<SavedPayload>, p: SavedPayload) {
    match library.iter_mut().find(|e| e.name == p.name) {
        Some(e) => *e = p,
        None => library.push(p),
    }
    library.truncate(MAX_LIBRARY);
}

/// The library file format: a versioned JSON object, readable and diffable.
#[derive(Serialize, Deserialize)]
struct LibraryFile {
    socklab_library: u32,
    payloads: Vec<SavedPayload>,
}

/// Writes the library as JSON, atomically.
pub fn export_library(
    path: &Path,
    replace: super::files::Replace,
    library: &[SavedPayload],
) -> Result<(), FileError> {
    let file = LibraryFile {
        socklab_library: 1,
        payloads: library.to_vec(),
    };
    super::files::write_atomic(path, replace, Phrase::Library, |w| {
        serde_json::to_writer_pretty(&mut *w, &file).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })
}

/// Reads a library file and merges it in (same name: the file's entry wins). Returns how
/// many entries were read.
pub fn import_library(path: &Path, library: &mut Vec<SavedPayload>) -> Result<usize, FileError> {
    let payloads = read_library(path)?;
    let n = payloads.len();
    for p in payloads {
        save_to_library(library, p);
    }
    Ok(n)
}

/// The payloads of a library file (read no further than a library file can be).
pub fn read_library(path: &Path) -> Result<Vec<SavedPayload>, FileError> {
    let text = super::files::read_capped(path, MAX_LIBRARY_FILE, Phrase::LibraryFile)?;
    let file: LibraryFile = serde_json::from_slice(&text).map_err(|e| FileError::NotValid {
        path: path.to_path_buf(),
        what: Phrase::SocklabLibrary,
        line: e.line(),
        column: e.column(),
        why: e.to_string(),
        hint: Phrase::LibraryFormat,
    })?;
    Ok(file.payloads)
}

/// How often to send, as typed next to the send buttons.
#[derive(Clone, Debug, PartialEq)]
pub struct RepeatForm {
    pub times: String,
    pub interval_ms: String,
    /// Until stopped, ignoring `times`.
    pub forever: bool,
    /// sendall (every byte) rather than send (what the kernel takes at once).
    pub all: bool,
    /// Datagram size when a file goes over UDP.
    pub datagram: String,
}

impl Default for RepeatForm {
    fn default() -> Self {
        RepeatForm {
            times: "10".into(),
            interval_ms: "1000".into(),
            forever: false,
            all: true,
            datagram: "1400".into(),
        }
    }
}

impl RepeatForm {
    /// Repetitions (None: until stopped) and the interval.
    pub fn schedule(&self) -> Result<(Option<u64>, Duration), String> {
        let times = if self.forever {
            None
        } else {
            match self.times.trim().parse::<u64>() {
                Ok(n) if n >= 1 => Some(n),
                _ => return Err(t!("send-times-invalid")),
            }
        };
        let ms: f64 = self
            .interval_ms
            .trim()
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite() && *x >= 0.0 && *x <= 86_400_000.0)
            .ok_or_else(|| t!("send-interval-invalid"))?;
        Ok((times, Duration::from_secs_f64(ms / 1000.0)))
    }

    pub fn datagram_size(&self) -> Result<usize, String> {
        match self.datagram.trim().parse::<usize>() {
            Ok(n) if (1..=65_507).contains(&n) => Ok(n),
            _ => Err(t!("send-datagram-invalid")),
        }
    }

    /// The send job for these settings.
    pub fn job(
        &self,
        source: SendSource,
        once: bool,
        to: Option<AddrSpec>,
    ) -> Result<SendJob, String> {
        let (times, interval) = if once {
            (Some(1), Duration::ZERO)
        } else {
            self.schedule()?
        };
        let datagram = if matches!(source, SendSource::File { .. }) {
            self.datagram_size().unwrap_or(1400)
        } else {
            65_507
        };
        Ok(SendJob {
            source,
            times,
            interval,
            all: self.all,
            to,
            datagram,
        })
    }
}

/// The size of a file to send (a folder is no file); read off the frame.
pub fn file_size(path: &Path) -> Result<u64, FileError> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(FileError::Folder {
            path: path.to_path_buf(),
        }),
        Ok(m) => Ok(m.len()),
        Err(e) => Err(FileError::io("read", Phrase::FileToSend, path, e)),
    }
}

/// The file a send is to read, as typed: a path, or what to do without one.
pub fn file_to_send(path: &str) -> Result<PathBuf, String> {
    let p = path.trim();
    if p.is_empty() {
        return Err(t!("send-pick-file"));
    }
    Ok(PathBuf::from(p))
}

/// What a finished send job says.
pub fn ended_text(p: &Progress, stopped: bool) -> String {
    let bytes = t!("count-bytes", n = p.bytes);
    let calls = t!("send-calls", n = p.sends);
    let reps = t!("send-repetitions", n = p.repetitions);
    let mut s = if stopped {
        t!(
            "send-job-stopped",
            bytes = bytes,
            calls = calls,
            reps = reps
        )
    } else {
        t!("send-job-done", bytes = bytes, calls = calls, reps = reps)
    };
    if let Some((took, offered)) = p.partial {
        s.push_str(&t!("send-job-partial", took = took, offered = offered));
    }
    s
}

/// A running send job as the window shows it.
#[derive(Clone, Debug)]
pub struct JobView {
    pub req: ReqId,
    pub what: String,
    pub progress: Progress,
    pub started: Instant,
}

impl JobView {
    /// Done so far, when the total is known.
    pub fn fraction(&self) -> Option<f32> {
        let total = self.progress.total?;
        if total == 0 {
            return Some(1.0);
        }
        Some((self.progress.bytes as f64 / total as f64).min(1.0) as f32)
    }

    pub fn status(&self) -> String {
        let p = &self.progress;
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        let sent = super::traffic::human_bytes(p.bytes as f64);
        let calls = t!("send-calls", n = p.sends);
        let reps = t!("send-repetitions", n = p.repetitions);
        let rate = super::traffic::human_bytes(p.bytes as f64 / secs);
        let mut s = match p.total {
            Some(total) => t!(
                "send-job-status-total",
                sent = sent,
                total = super::traffic::human_bytes(total as f64),
                calls = calls,
                reps = reps,
                rate = rate
            ),
            None => t!(
                "send-job-status",
                sent = sent,
                calls = calls,
                reps = reps,
                rate = rate
            ),
        };
        if let Some((took, offered)) = p.partial {
            s.push_str(&t!("send-job-partial", took = took, offered = offered));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeat_settings_are_checked() {
        let mut r = RepeatForm::default();
        assert_eq!(r.schedule(), Ok((Some(10), Duration::from_millis(1000))));
        r.forever = true;
        r.interval_ms = "0".into();
        assert_eq!(r.schedule(), Ok((None, Duration::ZERO)));
        r.forever = false;
        r.times = "0".into();
        assert!(r.schedule().is_err());
        r.times = "3".into();
        r.interval_ms = "-1".into();
        assert!(r.schedule().is_err());
        r.datagram = "70000".into();
        assert!(r.datagram_size().is_err());
    }

    #[test]
    fn history_and_library_keep_order_and_names() {
        let mut h = Vec::new();
        for i in 0..60 {
            remember_send(
                &mut h,
                SavedPayload {
                    payload: format!("p{i}"),
                    ..Default::default()
                },
            );
        }
        remember_send(
            &mut h,
            SavedPayload {
                payload: "p30".into(),
                ..Default::default()
            },
        );
        assert_eq!(h.len(), MAX_HISTORY);
        assert_eq!(h[0].payload, "p30");
        assert_eq!(h.iter().filter(|p| p.payload == "p30").count(), 1);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lib.json");
        let lib = vec![
            SavedPayload {
                name: "ping".into(),
                payload: "PING\\r\\n".into(),
                ..Default::default()
            },
            SavedPayload {
                name: "modbus".into(),
                payload: "01 03 00 00 00 0a c5 cd".into(),
                mode: Mode::Hex,
                ..Default::default()
            },
        ];
        export_library(&path, crate::ui::files::Replace::No, &lib).unwrap();
        let mut other = vec![SavedPayload {
            name: "ping".into(),
            payload: "old".into(),
            ..Default::default()
        }];
        assert_eq!(import_library(&path, &mut other).unwrap(), 2);
        assert_eq!(other, lib, "same name: the imported entry wins");
        assert_eq!(other[1].bytes().unwrap()[..3], [1, 3, 0]);

        std::fs::write(&path, "{\"payloads\": 3}").unwrap();
        let e = import_library(&path, &mut other).unwrap_err();
        assert!(matches!(e, FileError::NotValid { .. }), "{e:?}");
        assert!(e.to_string().contains("is not a socklab library"), "{e}");
        let e = import_library(&dir.path().join("none.json"), &mut other).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("could not read a library file from"),
            "{e}"
        );
    }
}
