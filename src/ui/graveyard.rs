//! Rows a traffic log evicts are freed on a thread of their own. Under a flood a frame
//! evicts hundreds of received buffers (64 KiB each, allocated by the receiving thread), and
//! freeing them on the window's thread took a sixth of its frame. One thread, started with
//! the first batch; a bounded queue: when it is full (or the thread could not start) the
//! batch is freed where it was buried, as before.

use std::sync::{Arc, OnceLock};

use crossbeam_channel::{Receiver, Sender, TrySendError};

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
    /// Batch vectors allocated here rather than taken back from the freeing thread.
    #[cfg(test)]
    fresh: usize,
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
            // The next batch in a vector the freeing thread emptied and sent back: one
            // allocated here each batch took the allocator's slow path (this thread's
            // allocator never gets back what the other thread frees).
            let next = freer()
                .and_then(|f| f.spare.try_recv().ok())
                .unwrap_or_else(|| {
                    #[cfg(test)]
                    {
                        self.fresh += 1;
                    }
                    Vec::with_capacity(BATCH_ROWS)
                });
            free(std::mem::replace(&mut self.rows, next));
            self.bytes = 0;
        }
    }

    /// Rows kept, not yet handed over.
    #[cfg(test)]
    pub fn held(&self) -> usize {
        self.rows.len()
    }
}

/// The freeing thread's ends: batches to it, emptied vectors back.
struct Freer {
    batches: Sender<Vec<Arc<TrafficRow>>>,
    spare: Receiver<Vec<Arc<TrafficRow>>>,
}

/// The freeing thread, started at the first call; None if it could not start.
fn freer() -> Option<&'static Freer> {
    static FREER: OnceLock<Option<Freer>> = OnceLock::new();
    FREER
        .get_or_init(|| {
            let (batches, rx) = crossbeam_channel::bounded::<Vec<Arc<TrafficRow>>>(WAITING);
            let (back, spare) = crossbeam_channel::bounded(WAITING);
            std::thread::Builder::new()
                .name("socklab-free".into())
                .spawn(move || {
                    for mut batch in rx {
                        // A frame of the window's on this core goes first.
                        crate::engine::gate::give_way();
                        // A cleared log's rows come as one vector of any size: only a
                        // batch's goes back, so a batch's room is what comes back.
                        if !(BATCH_ROWS..=2 * BATCH_ROWS).contains(&batch.capacity()) {
                            continue;
                        }
                        batch.clear();
                        // (Dropped here when enough wait to be taken again.)
                        let _ = back.try_send(batch);
                    }
                })
                .ok()
                .map(|_| Freer { batches, spare })
        })
        .as_ref()
}

/// Frees `rows` on the freeing thread (here when it is behind or absent).
pub fn free(rows: Vec<Arc<TrafficRow>>) {
    if rows.is_empty() {
        return;
    }
    match freer() {
        Some(f) => match f.batches.try_send(rows) {
            Ok(()) => {}
            Err(TrySendError::Full(rows) | TrySendError::Disconnected(rows)) => drop(rows),
        },
        None => drop(rows),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Arc<TrafficRow> {
        Arc::new(crate::ui::traffic::tests::row(
            crate::engine::Direction::In,
            b"x",
        ))
    }

    /// A batch's vector comes back emptied and carries a later batch: no allocation per
    /// batch once the first ones are made.
    #[test]
    fn batch_vectors_come_back_to_be_used_again() {
        let mut g = Graveyard::default();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        // Other tests' logs share the thread and its spares: some later batch of this
        // graveyard's must come in a vector sent back.
        let mut batches = 0;
        while g.fresh == batches {
            assert!(
                std::time::Instant::now() < deadline,
                "no vector came back in {batches} batches"
            );
            for _ in 0..BATCH_ROWS {
                g.bury(row(), 1);
            }
            batches += 1;
            assert_eq!(g.held(), 0, "a batch handed over");
            assert!(g.rows.capacity() >= BATCH_ROWS);
            std::thread::yield_now();
        }
    }
}
