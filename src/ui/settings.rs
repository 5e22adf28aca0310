//! What the window remembers between runs (window size, panel layout and theme are kept by
//! eframe and egui themselves): recent addresses, the saved-payload library, the send
//! history and the traffic cap. Read field by field, so a damaged or older entry falls back
//! to its default instead of losing the rest.

use serde::{Deserialize, Serialize};

use crate::engine::AddrSpec;
use crate::ui::sending::SavedPayload;

const KEY: &str = "socklab-settings";
/// Recent addresses kept.
pub const MAX_RECENT: usize = 12;

/// Largest traffic cap per socket that can be set, in MiB.
pub const MAX_CAP_MIB: usize = 4096;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// "host port" pairs (or Unix paths), most recent first.
    pub recent: Vec<String>,
    pub library: Vec<SavedPayload>,
    /// Recent sends, most recent first.
    pub history: Vec<SavedPayload>,
    /// Memory cap of each socket's traffic log.
    pub traffic_cap_mib: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            recent: Vec::new(),
            library: Vec::new(),
            history: Vec::new(),
            traffic_cap_mib: crate::ui::traffic::DEFAULT_CAP >> 20,
        }
    }
}

impl Settings {
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

    /// Remembers an address, most recent first, without duplicates.
    pub fn remember(&mut self, entry: String) {
        self.recent.retain(|e| *e != entry);
        self.recent.insert(0, entry);
        self.recent.truncate(MAX_RECENT);
    }
}

/// How an address is remembered: "host port", or a Unix path.
pub fn entry(addr: &AddrSpec) -> String {
    match addr {
        AddrSpec::Inet { host, port } | AddrSpec::Inet6 { host, port, .. } => {
            format!("{host} {port}")
        }
        AddrSpec::Unix { path } => String::from_utf8_lossy(path).into_owned(),
    }
}

/// The host (or path) and port fields an entry fills in.
pub fn fields(entry: &str, unix: bool) -> (String, String) {
    if unix {
        return (entry.to_string(), String::new());
    }
    match entry.rsplit_once(' ') {
        Some((h, p)) => (h.to_string(), p.to_string()),
        None => (entry.to_string(), String::new()),
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
    fn recent_addresses_survive_a_restart() {
        let mut s = Settings::default();
        for i in 0..20 {
            s.remember(format!("127.0.0.1 {i}"));
        }
        s.remember("127.0.0.1 5".into());
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
