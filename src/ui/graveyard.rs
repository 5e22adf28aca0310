//! Rows a traffic log evicts are freed on a thread of their own. Under a flood a frame
//! evicts hundreds of received buffers (64 KiB each, allocated by the receiving thread), and
//! freeing them on the window's thread took a sixth of its frame. One thread, started with
//! the first batch; a bounded queue: when it is full (or the thread could not start) the
//! batch is freed where it was buried, as before.

use std::sync::{Arc, OnceLock};

use crossbeam_channel::{Sender, TrySendError};

use super::traffic::TrafficRow;

/// Batches waiting to be freed, at most.
const WAITING: usize = 8;
/// A log hands its evicted rows over once it holds this many of them...
pub const BATCH_ROWS: usize = 64;
/// ...or this many bytes of theirs (so a log holds at most this much beyond its cap).
pub const BATCH_BYTES: usize = 4 << 20;

/// Evicted rows not yet handed over. Cloning a log (for an export) does not clone them.
#[derive(Debug, Default)]
pub struct Graveyard {
    rows: Vec<Arc<TrafficRow>>,
    bytes: usize,
}

impl Clone for Graveyard {
    fn clone(&self) -> Graveyard {
        Graveyard::default()
    }
}

impl Graveyard {
    /// Keeps an evicted row; hands the batch over once it is large enough.
    pub fn bury(&mut self, row: Arc<TrafficRow>, held: usize) {
        self.rows.push(row);
        self.bytes += held;
        if self.rows.len() >= BATCH_ROWS || self.bytes >= BATCH_BYTES {
            // (The next batch's room at once: grown a row at a time, it cost four
            // reallocations a batch.)
            free(std::mem::replace(
                &mut self.rows,
                Vec::with_capacity(BATCH_ROWS),
            ));
            self.bytes = 0;
        }
    }

    /// Rows kept, not yet handed over.
    #[cfg(test)]
    pub fn held(&self) -> usize {
        self.rows.len()
    }
}

/// Frees `rows` on the freeing thread (here when it is behind or absent).
pub fn free(rows: Vec<Arc<TrafficRow>>) {
    if rows.is_empty() {
        return;
    }
    static FREER: OnceLock<Option<Sender<Vec<Arc<TrafficRow>>>>> = OnceLock::new();
    let tx = FREER.get_or_init(|| {
        let (tx, rx) = crossbeam_channel::bounded::<Vec<Arc<TrafficRow>>>(WAITING);
        std::thread::Builder::new()
            .name("socklab-free".into())
            .spawn(move || {
                for batch in rx {
                    drop(batch);
                }
            })
            .ok()
            .map(|_| tx)
    });
    match tx {
        Some(tx) => match tx.try_send(rows) {
            Ok(()) => {}
            Err(TrySendError::Full(rows) | TrySendError::Disconnected(rows)) => drop(rows),
        },
        None => drop(rows),
    }
}
