//! What the window remembers between runs (window size, panel layout and theme are kept by
//! eframe and egui themselves): recent addresses, the saved-payload library, the send
//! history and the traffic cap. Read field by field, so a damaged or older entry falls back
//! to its default instead of losing the rest.

use crate::ui::files::Phrase;
use serde::{Deserialize, Serialize};

use crate::engine::AddrSpec;
use crate::ui::sending::SavedPayload;

const KEY: &str = "socklab-settings";
/// Recent addresses kept.
pub const MAX_RECENT: usize = 12;

/// Largest settings file read at start. What socklab writes stays far below: a full
/// library of payloads (1,000) with the history and recent addresses.
pub const MAX_FILE: u64 = 8 << 20;

/// Largest traffic cap per socket that can be set, in MiB.
pub const MAX_CAP_MIB: usize = 4096;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Peers ("host port" pairs or Unix paths) stream sockets connected to, most recent
    /// first.
    pub recent: Vec<String>,
    /// Peers datagram sockets connected or sent to, apart from the streams' (a UDP
    /// device's port offered to a TCP client would only be refused).
    pub recent_dgram: Vec<String>,
    /// Local addresses bound, most recent first.
    pub recent_bind: Vec<String>,
    pub library: Vec<SavedPayload>,
    /// Recent sends, most recent first.
    pub history: Vec<SavedPayload>,
    /// Memory cap of each socket's traffic log.
    pub traffic_cap_mib: usize,
    /// Statements typed into the Python console, oldest first.
    pub console_history: Vec<String>,
    /// The window's language as chosen in its menu; None follows the desktop's locale.
    pub lang: Option<crate::i18n::Lang>,
    /// The lessons finished (every check passed), by key.
    pub lessons_done: Vec<String>,
    /// The window's zoom (1.0: as drawn; Ctrl+plus and Ctrl+minus change it too).
    pub zoom: f32,
    /// The address a new IPv4 socket's bind field starts with.
    pub bind_v4: String,
    /// How the traffic view shows when each row came.
    pub time_format: TimeFormat,
    /// CSV exports start with a UTF-8 byte-order mark (spreadsheet programs then read the
    /// text as UTF-8, not their own code page). None until chosen: see `csv_bom()`. Kept
    /// under a key of its own: older versions wrote `csv_bom: false` whether or not it
    /// was chosen.
    #[serde(rename = "csv_mark")]
    pub csv_bom: Option<bool>,
    /// The workspace file saved or opened last: opened again at start.
    pub last_workspace: Option<String>,
    /// The sequence diagram's account of how it is drawn folded away (read once, it took
    /// five lines from the rows): it stays folded at the next start.
    pub diagram_how_folded: bool,
}

/// How a row's time is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimeFormat {
    /// Seconds since the log's first row (+1.234 s).
    #[default]
    Relative,
    /// The time of day in the system's time zone.
    Local,
    /// The time of day in UTC.
    Utc,
}

/// The zoom a person may set (the settings file is clamped to it too).
pub const ZOOM: std::ops::RangeInclusive<f32> = 0.5..=3.0;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            recent: Vec::new(),
            recent_dgram: Vec::new(),
            recent_bind: Vec::new(),
            library: Vec::new(),
            history: Vec::new(),
            traffic_cap_mib: crate::ui::traffic::DEFAULT_CAP >> 20,
            console_history: Vec::new(),
            lang: None,
            lessons_done: Vec::new(),
            zoom: 1.0,
            bind_v4: "127.0.0.1".into(),
            time_format: TimeFormat::Relative,
            csv_bom: None,
            last_workspace: None,
            diagram_how_folded: false,
        }
    }
}

/// The settings file in socklab's data folder (eframe's own file holds window and layout;
/// this one holds what would hurt to lose, so it is written atomically).
pub const FILE: &str = "settings.json";

impl Settings {
    /// Reads the settings file in `dir`, field by field: a damaged field falls back to its
    /// default, a damaged file is kept aside (settings.json.damaged) rather than overwritten.
    /// With no file yet, what an older socklab kept in eframe's storage is taken over.
    /// A file past MAX_FILE is set aside like a damaged one: a settings file that size was
    /// not written by socklab, and reading it would cost far more memory than it.
    pub fn load_dir(dir: &std::path::Path, older: Option<&dyn eframe::Storage>) -> Settings {
        use crate::ui::files::{read_capped, set_aside, FileError};
        let path = dir.join(FILE);
        let text = match read_capped(&path, MAX_FILE, Phrase::Settings) {
            Ok(t) => t,
            Err(FileError::TooBig { .. }) => {
                let _ = set_aside(&path, ".damaged");
                return Settings::default();
            }
            Err(_) => return Settings::load(older).capped(),
        };
        match serde_json::from_slice::<serde_json::Value>(&text) {
            Ok(v) => Settings::from_value(&v),
            Err(_) => {
                // Never over one set aside before: each damaged file is kept.
                let _ = set_aside(&path, ".damaged");
                Settings::default()
            }
        }
    }

    /// The lists cut to what socklab keeps (a file written by hand, or by another
    /// program, may hold more).
    fn capped(mut self) -> Settings {
        self.recent.truncate(MAX_RECENT);
        self.recent_dgram.truncate(MAX_RECENT);
        self.recent_bind.truncate(MAX_RECENT);
        self.history.truncate(crate::ui::sending::MAX_HISTORY);
        self.library.truncate(crate::ui::sending::MAX_LIBRARY);
        crate::ui::console::cap_history(&mut self.console_history);
        self.lessons_done
            .truncate(crate::ui::lessons::LESSONS.len());
        self.zoom = if self.zoom.is_finite() {
            self.zoom.clamp(*ZOOM.start(), *ZOOM.end())
        } else {
            1.0
        };
        // An address is short; a file's megabyte of text is not one.
        if self.bind_v4.len() > 255 {
            self.bind_v4 = Settings::default().bind_v4;
        }
        if self.last_workspace.as_ref().is_some_and(|p| p.len() > 4096) {
            self.last_workspace = None;
        }
        self
    }

    /// The settings a file holds, field by field (a damaged field takes its default).
    pub fn from_json(text: &str) -> Settings {
        serde_json::from_str::<serde_json::Value>(text)
            .map(|v| Settings::from_value(&v))
            .unwrap_or_default()
    }

    fn from_value(v: &serde_json::Value) -> Settings {
        fn field<T: serde::de::DeserializeOwned>(v: &serde_json::Value, k: &str, d: T) -> T {
            v.get(k)
                .and_then(|x| serde_json::from_value(x.clone()).ok())
                .unwrap_or(d)
        }
        let d = Settings::default();
        Settings {
            recent: field(v, "recent", d.recent),
            recent_dgram: field(v, "recent_dgram", d.recent_dgram),
            recent_bind: field(v, "recent_bind", d.recent_bind),
            library: field(v, "library", d.library),
            history: field(v, "history", d.history),
            traffic_cap_mib: field(v, "traffic_cap_mib", d.traffic_cap_mib),
            console_history: field(v, "console_history", d.console_history),
            lang: field(v, "lang", d.lang),
            lessons_done: field(v, "lessons_done", d.lessons_done),
            zoom: field(v, "zoom", d.zoom),
            bind_v4: field(v, "bind_v4", d.bind_v4),
            time_format: field(v, "time_format", d.time_format),
            // An older file's `true` was a choice; its `false` may have been the default.
            csv_bom: field(v, "csv_mark", d.csv_bom)
                .or_else(|| field(v, "csv_bom", false).then_some(true)),
            last_workspace: field(v, "last_workspace", d.last_workspace),
            diagram_how_folded: field(v, "diagram_how_folded", d.diagram_how_folded),
        }
        .capped()
    }

    /// Whether CSV exports start with a byte-order mark: as chosen, or else with one when the
    /// window speaks Chinese (Excel on a Chinese Windows reads a CSV without one as GBK,
    /// and 你好 comes out garbled).
    pub fn csv_bom(&self) -> bool {
        self.csv_bom
            .unwrap_or(crate::i18n::current() == crate::i18n::Lang::ZhCn)
    }

    /// The settings as the file holds them.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Writes the settings file in `dir` atomically (a crash leaves the old file whole).
    pub fn save_dir(&self, dir: &std::path::Path) -> Result<(), crate::ui::files::FileError> {
        write_text(dir, &self.to_json())
    }

    pub fn traffic_cap_bytes(&self) -> usize {
        self.traffic_cap_mib.clamp(1, MAX_CAP_MIB) << 20
    }

    pub fn load(storage: Option<&dyn eframe::Storage>) -> Settings {
        storage
            .and_then(|s| eframe::get_value::<Settings>(s, KEY))
            .unwrap_or_default()
    }

    pub fn store(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, KEY, self);
    }

    /// Remembers an address in the list it belongs to, most recent first, without
    /// duplicates.
    pub fn remember_in(&mut self, list: Recent, entry: String) {
        let l = match list {
            Recent::Bind => &mut self.recent_bind,
            Recent::StreamPeer => &mut self.recent,
            Recent::DgramPeer => &mut self.recent_dgram,
        };
        Self::push(l, entry);
    }

    fn push(list: &mut Vec<String>, entry: String) {
        list.retain(|e| *e != entry);
        list.insert(0, entry);
        list.truncate(MAX_RECENT);
    }

    /// The peers a socket of this kind is offered.
    pub fn recent_peers(&self, kind: crate::engine::Kind) -> &[String] {
        match Recent::peer_of(kind) {
            Recent::DgramPeer => &self.recent_dgram,
            _ => &self.recent,
        }
    }
}

impl Recent {
    /// The list a peer of a socket of this kind goes in.
    pub fn peer_of(kind: crate::engine::Kind) -> Recent {
        if kind == crate::engine::Kind::Dgram {
            Recent::DgramPeer
        } else {
            Recent::StreamPeer
        }
    }
}

/// Which list of recent addresses one belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recent {
    /// Local addresses bound.
    Bind,
    StreamPeer,
    DgramPeer,
}

/// How an address is remembered: "host port", or a Unix path.
pub fn entry(addr: &AddrSpec) -> String {
    match addr {
        AddrSpec::Inet { host, port } | AddrSpec::Inet6 { host, port, .. } => {
            format!("{host} {port}")
        }
        AddrSpec::Unix { path } => format!("{UNIX_TAG}{}", String::from_utf8_lossy(path)),
    }
}

/// Marks a Unix path among the remembered entries: a path such as "my sock 12" read like a
/// host and a port. (No host or IPv6 address starts so; entries from before it had none.)
const UNIX_TAG: &str = "unix:";

/// An entry as its menu shows it: a Unix path without its mark.
pub fn shown(entry: &str) -> &str {
    entry.strip_prefix(UNIX_TAG).unwrap_or(entry)
}

/// The host (or path) and port fields an entry fills in.
pub fn fields(entry: &str, unix: bool) -> (String, String) {
    if unix {
        return (shown(entry).to_string(), String::new());
    }
    match entry.rsplit_once(' ') {
        Some((h, p)) => (h.to_string(), p.to_string()),
        None => (entry.to_string(), String::new()),
    }
}

/// Whether a remembered entry is an address of this family: a menu of an IPv4 socket's
/// row lists no IPv6 peer nor Unix path (picking one would only be refused).
pub fn fits(entry: &str, family: crate::engine::Family) -> bool {
    use crate::engine::Family;
    if entry.starts_with(UNIX_TAG) {
        return matches!(family, Family::Unix | Family::Other(_));
    }
    // Untagged: a host and a port, or a Unix path remembered before paths were marked.
    // (An empty host is a bind to every address: " 8080".)
    let inet = entry.rsplit_once(' ').filter(|(h, p)| {
        !h.contains('/') && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())
    });
    match (family, inet) {
        (Family::Unix, inet) => inet.is_none(),
        (Family::Inet, Some((h, _))) => !h.contains(':'),
        (Family::Inet6, Some((h, _))) => h.parse::<std::net::Ipv4Addr>().is_err(),
        (Family::Other(_), _) => true,
        (_, None) => false,
    }
}

/// Writes settings already turned into text as the settings file in `dir`, atomically.
fn write_text(dir: &std::path::Path, text: &str) -> Result<(), crate::ui::files::FileError> {
    use crate::ui::files::{write_atomic, FileError, Replace};
    let path = dir.join(FILE);
    std::fs::create_dir_all(dir).map_err(|e| FileError::io("write", Phrase::Settings, &path, e))?;
    write_atomic(&path, Replace::Yes, Phrase::Settings, |w| {
        w.write_all(text.as_bytes())
    })
}

/// Writes the settings file on a thread of its own: the window hands the text over and
/// goes on (a folder on a slow or hung disk never stalls a frame); what happened comes back
/// through a channel that frames look at without waiting.
pub struct SettingsWriter {
    texts: Option<crossbeam_channel::Sender<String>>,
    /// Why a write failed comes back as it is, and is said on the thread that looks (the
    /// window's, in its language).
    results: crossbeam_channel::Receiver<Result<String, crate::ui::files::FileError>>,
}

impl SettingsWriter {
    /// A writer into `dir`; `wake` is called when a result is there to look at.
    pub fn start(
        dir: std::path::PathBuf,
        wake: impl Fn() + Send + 'static,
    ) -> std::io::Result<SettingsWriter> {
        // One text waits at most: a newer one is offered again at the next save.
        let (texts, todo) = crossbeam_channel::bounded::<String>(1);
        let (said, results) = crossbeam_channel::bounded(4);
        std::thread::Builder::new()
            .name("socklab-settings".into())
            .spawn(move || {
                for text in todo {
                    let r = write_text(&dir, &text).map(|()| text);
                    // Frames take the results; while none do, this waits (and so does the
                    // next text). Nobody looking any more (the window closed) is fine.
                    if said.send(r).is_err() {
                        return;
                    }
                    wake();
                }
            })?;
        Ok(SettingsWriter {
            texts: Some(texts),
            results,
        })
    }

    /// Hands `text` over to be written; false when the last one is not written yet (the
    /// next save offers it again).
    pub fn offer(&self, text: String) -> bool {
        self.texts
            .as_ref()
            .is_some_and(|t| t.try_send(text).is_ok())
    }

    /// What the writes that ended since the last look did: the text written, or why not
    /// (in this thread's language).
    pub fn results(&self) -> Vec<Result<String, String>> {
        self.results
            .try_iter()
            .map(|r| r.map_err(|e| e.to_string()))
            .collect()
    }

    /// At exit: writes `last` (when given) after whatever is pending, and waits up to
    /// `wait` for it to be written. False when it was not written in that time.
    pub fn finish(mut self, last: Option<String>, wait: std::time::Duration) -> bool {
        let until = std::time::Instant::now() + wait;
        let Some(texts) = self.texts.take() else {
            return false;
        };
        let Some(last) = last else {
            return true;
        };
        if texts.send_deadline(last.clone(), until).is_err() {
            return false;
        }
        drop(texts);
        while let Ok(r) = self.results.recv_deadline(until) {
            if r.as_ref().is_ok_and(|t| *t == last) {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[derive(Default)]
    struct Mem(HashMap<String, String>);
    impl eframe::Storage for Mem {
        fn get_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set_string(&mut self, key: &str, value: String) {
            self.0.insert(key.to_string(), value);
        }
        fn remove_string(&mut self, key: &str) {
            self.0.remove(key);
        }
        fn flush(&mut self) {}
    }

    #[test]
    fn settings_are_written_off_the_ui_thread_and_the_last_at_exit() {
        let dir = tempfile::tempdir().unwrap();
        let w = SettingsWriter::start(dir.path().to_path_buf(), || {}).unwrap();
        assert!(w.offer("{\"recent\": []}".into()));
        let got = w
            .results
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap();
        assert_eq!(
            got.as_deref().map_err(|e| e.to_string()),
            Ok("{\"recent\": []}")
        );
        assert!(w.finish(Some("{}".into()), std::time::Duration::from_secs(10)));
        assert_eq!(
            std::fs::read_to_string(dir.path().join(FILE)).unwrap(),
            "{}"
        );
        // A folder that cannot be made: said, with the path, the errno and what to do.
        let file = dir.path().join("a-file");
        std::fs::write(&file, b"x").unwrap();
        let w = SettingsWriter::start(file.join("sub"), || {}).unwrap();
        assert!(w.offer("{}".into()));
        let e = w
            .results
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap()
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("could not write the settings to") && e.contains("ENOTDIR"),
            "{e}"
        );
    }

    /// Until chosen, CSV files get a byte-order mark in Chinese (Excel there reads one
    /// without it as GBK); a choice holds in either language, and an older file's `false`
    /// is kept as the choice it was.
    #[test]
    fn a_csv_byte_order_mark_follows_the_language_until_chosen() {
        use crate::i18n::{set, Lang};
        let mut s = Settings::default();
        set(Lang::ZhCn);
        assert!(s.csv_bom());
        set(Lang::En);
        assert!(!s.csv_bom());
        s.csv_bom = Some(true);
        assert!(s.csv_bom());
        s.csv_bom = Some(false);
        set(Lang::ZhCn);
        assert!(!s.csv_bom());
        // An older file wrote false whether chosen or not: read as not chosen; its true
        // was chosen.
        let older = |t: &str| Settings::from_json(t).csv_bom;
        assert_eq!(older(r#"{"csv_bom": false}"#), None);
        assert_eq!(older(r#"{"csv_bom": true}"#), Some(true));
        assert_eq!(
            older(r#"{"csv_mark": false, "csv_bom": true}"#),
            Some(false)
        );
        assert_eq!(older("{}"), None);
        let chosen = Settings {
            csv_bom: Some(false),
            ..Settings::default()
        };
        assert_eq!(older(&chosen.to_json()), Some(false));
        set(Lang::En);
    }

    #[test]
    fn a_recent_address_is_offered_to_its_family_only() {
        use crate::engine::Family::{Inet, Inet6, Unix};
        // As entry() writes them: "host port" (an IPv6 host without brackets, an empty one
        // for every address), a Unix path as it is (an abstract name with its NUL).
        let all = [
            "127.0.0.1 9000",
            "localhost 80",
            " 8080",
            "::1 9000",
            "fe80::1%eth0 22",
            "/tmp/echo.sock",
            "\0abstract",
            "my dir/s 1",
        ];
        let keep = |f| {
            all.iter()
                .copied()
                .filter(|e| fits(e, f))
                .collect::<Vec<_>>()
        };
        assert_eq!(keep(Inet), ["127.0.0.1 9000", "localhost 80", " 8080"]);
        assert_eq!(
            keep(Inet6),
            ["localhost 80", " 8080", "::1 9000", "fe80::1%eth0 22"]
        );
        assert_eq!(keep(Unix), ["/tmp/echo.sock", "\0abstract", "my dir/s 1"]);
        // A path remembered now is marked: one that reads like a host and a port is still
        // a path, offered to Unix sockets only, and fills the path field as it was.
        let path = entry(&AddrSpec::Unix {
            path: b"my sock 12".to_vec(),
        });
        assert!(fits(&path, Unix));
        assert!(!fits(&path, Inet) && !fits(&path, Inet6));
        assert_eq!(shown(&path), "my sock 12");
        assert_eq!(fields(&path, true), ("my sock 12".into(), String::new()));
        // The old way, read as it reads (no mark: a host and a port).
        assert!(fits("my sock 12", Inet));
    }

    #[test]
    fn the_settings_file_is_read_field_by_field_and_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Settings::default();
        s.remember_in(Recent::StreamPeer, "127.0.0.1 9000".into());
        s.history.push(SavedPayload {
            payload: "PING".into(),
            ..Default::default()
        });
        // The console's history (a block whole), the language and the lessons finished
        // come back in the next run.
        s.console_history = vec![
            "srv.listen()".into(),
            "for i in range(2):\n    print(i)".into(),
        ];
        s.lang = Some(crate::i18n::Lang::ZhCn);
        s.lessons_done = vec!["echo".into()];
        s.zoom = 1.25;
        s.bind_v4 = "0.0.0.0".into();
        s.time_format = TimeFormat::Utc;
        s.csv_bom = Some(true);
        s.recent_dgram = vec!["127.0.0.1 7000".into()];
        s.save_dir(dir.path()).unwrap();
        assert_eq!(Settings::load_dir(dir.path(), None), s);
        // A damaged field falls back alone; the rest survives.
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(FILE)).unwrap()).unwrap();
        v["traffic_cap_mib"] = "lots".into();
        std::fs::write(dir.path().join(FILE), v.to_string()).unwrap();
        let back = Settings::load_dir(dir.path(), None);
        assert_eq!(back.traffic_cap_mib, 64);
        assert_eq!(back.history, s.history);
        // A damaged file is kept aside, not lost; a second one does not replace the first.
        std::fs::write(dir.path().join(FILE), "{not json").unwrap();
        assert_eq!(Settings::load_dir(dir.path(), None), Settings::default());
        assert!(dir.path().join("settings.json.damaged").exists());
        std::fs::write(dir.path().join(FILE), "{second").unwrap();
        assert_eq!(Settings::load_dir(dir.path(), None), Settings::default());
        assert_eq!(
            std::fs::read(dir.path().join("settings.json.damaged")).unwrap(),
            b"{not json"
        );
        assert_eq!(
            std::fs::read(dir.path().join("settings.json.damaged-2")).unwrap(),
            b"{second"
        );
        // No file yet: an older socklab's eframe storage is taken over.
        let mut mem = Mem::default();
        s.store(&mut mem);
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load_dir(empty.path(), Some(&mem)), s);
    }

    #[test]
    fn what_is_read_at_start_is_capped() {
        let dir = tempfile::tempdir().unwrap();
        // Lists longer than socklab keeps are cut as they are read.
        let long = serde_json::json!({
            "recent": (0..10_000).map(|i| format!("127.0.0.1 {i}")).collect::<Vec<_>>(),
            "history": (0..10_000).map(|i| serde_json::json!({"payload": i.to_string()})).collect::<Vec<_>>(),
        });
        std::fs::write(dir.path().join(FILE), long.to_string()).unwrap();
        let s = Settings::load_dir(dir.path(), None);
        assert_eq!(s.recent.len(), MAX_RECENT);
        assert_eq!(s.history.len(), crate::ui::sending::MAX_HISTORY);
        // A file far larger than socklab writes is set aside unread.
        let big = dir.path().join(FILE);
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(100 << 20).unwrap();
        assert_eq!(Settings::load_dir(dir.path(), None), Settings::default());
        assert!(!big.exists());
        let aside = dir.path().join("settings.json.damaged");
        assert_eq!(std::fs::metadata(aside).unwrap().len(), 100 << 20);
    }

    #[test]
    fn recent_addresses_survive_a_restart() {
        let mut s = Settings::default();
        for i in 0..20 {
            s.remember_in(Recent::StreamPeer, format!("127.0.0.1 {i}"));
        }
        s.remember_in(Recent::StreamPeer, "127.0.0.1 5".into());
        s.library.push(SavedPayload {
            name: "hello".into(),
            payload: "hello\\n".into(),
            ..Default::default()
        });
        s.traffic_cap_mib = 8;
        assert_eq!(s.recent.len(), MAX_RECENT);
        assert_eq!(s.recent[0], "127.0.0.1 5");
        assert_eq!(s.recent.iter().filter(|e| *e == "127.0.0.1 5").count(), 1);
        let mut mem = Mem::default();
        s.store(&mut mem);
        assert_eq!(Settings::load(Some(&mem)), s);
        // A damaged entry falls back to the defaults.
        mem.0.insert(KEY.into(), "not ron".into());
        assert_eq!(Settings::load(Some(&mem)), Settings::default());
        assert_eq!(fields("::1 80", false), ("::1".into(), "80".into()));
    }
}
