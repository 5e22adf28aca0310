//! The bytes of one recv()/send() call as events carry them: a buffer of their own, or a
//! share of one allocation that a batch of datagrams received together fills. A flood of
//! small datagrams then costs one allocation per batch instead of one per datagram.
//!
//! Not the `bytes` crate: the traffic log's memory cap counts what a buffer keeps allocated
//! (a Vec's capacity, see `held`), which `bytes::Bytes` does not tell.

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

#[derive(Clone, Default)]
pub struct Bytes {
    repr: Repr,
}

#[derive(Clone)]
enum Repr {
    Owned(Vec<u8>),
    Shared {
        // A Vec filled as it is built: no zeroing first, no copy after (an Arc<[u8]> is
        // either made zeroed and then written, or copied from a Vec).
        batch: Arc<Vec<u8>>,
        range: Range<usize>,
    },
}

impl Default for Repr {
    fn default() -> Self {
        Repr::Owned(Vec::new())
    }
}

impl Bytes {
    /// Memory these bytes keep allocated: a buffer's capacity, or a share's length (the
    /// batch goes when its last share does).
    pub fn held(&self) -> usize {
        match &self.repr {
            Repr::Owned(v) => v.capacity(),
            // A buffer shared whole (see `share`) keeps its capacity allocated.
            Repr::Shared { batch, range } if range.start == 0 && range.end == batch.len() => {
                batch.capacity()
            }
            Repr::Shared { range, .. } => range.len(),
        }
    }

    /// Another handle on the same bytes, not a copy: a buffer of its own becomes shared
    /// (moved behind a count, not copied) first.
    pub fn share(&mut self) -> Bytes {
        if let Repr::Owned(v) = &mut self.repr {
            let v = std::mem::take(v);
            let range = 0..v.len();
            self.repr = Repr::Shared {
                batch: Arc::new(v),
                range,
            };
        }
        self.clone()
    }

    pub fn into_vec(self) -> Vec<u8> {
        match self.repr {
            Repr::Owned(v) => v,
            Repr::Shared { batch, range } => batch[range].to_vec(),
        }
    }

    /// A share of `range` of `batch` (clamped to it): a datagram the kernel wrote into a
    /// batch's allocation in place.
    pub(crate) fn share_of(batch: &Arc<Vec<u8>>, range: Range<usize>) -> Bytes {
        let end = range.end.min(batch.len());
        Bytes {
            repr: Repr::Shared {
                batch: batch.clone(),
                range: range.start.min(end)..end,
            },
        }
    }
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match &self.repr {
            Repr::Owned(v) => v,
            Repr::Shared { batch, range } => &batch[range.clone()],
        }
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Bytes {
        Bytes {
            repr: Repr::Owned(v),
        }
    }
}

impl From<&[u8]> for Bytes {
    fn from(v: &[u8]) -> Bytes {
        Bytes::from(v.to_vec())
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq for Bytes {
    fn eq(&self, other: &Bytes) -> bool {
        **self == **other
    }
}

impl Eq for Bytes {}

impl PartialEq<[u8]> for Bytes {
    fn eq(&self, other: &[u8]) -> bool {
        **self == *other
    }
}

impl PartialEq<&[u8]> for Bytes {
    fn eq(&self, other: &&[u8]) -> bool {
        **self == **other
    }
}

impl PartialEq<Vec<u8>> for Bytes {
    fn eq(&self, other: &Vec<u8>) -> bool {
        **self == **other
    }
}

impl<const N: usize> PartialEq<[u8; N]> for Bytes {
    fn eq(&self, other: &[u8; N]) -> bool {
        **self == *other
    }
}

impl<const N: usize> PartialEq<&[u8; N]> for Bytes {
    fn eq(&self, other: &&[u8; N]) -> bool {
        **self == **other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_of_a_batch_keep_each_piece_and_count_its_length() {
        let all = Arc::new(b"abcde\x00\xff".to_vec());
        let got: Vec<Bytes> = [0..2, 2..2, 2..5, 5..7]
            .into_iter()
            .map(|r| Bytes::share_of(&all, r))
            .collect();
        let pieces: [&[u8]; 4] = [b"ab", b"", b"cde", b"\x00\xff"];
        for (b, p) in got.iter().zip(pieces) {
            assert_eq!(b, &p);
            assert_eq!(b.held(), p.len());
        }
        assert_eq!(got[2].clone().into_vec(), b"cde".to_vec());
        // A range past the batch is clamped to it.
        assert_eq!(Bytes::share_of(&all, 6..10), b"\xff");
        assert!(Bytes::share_of(&all, 9..12).is_empty());
        // Dropping all but one share keeps that one intact.
        drop(all);
        let last = got.into_iter().nth(3).unwrap();
        assert_eq!(last, b"\x00\xff");
    }

    #[test]
    fn an_owned_buffer_counts_its_capacity() {
        let mut v = Vec::with_capacity(100);
        v.extend_from_slice(b"xyz");
        let b = Bytes::from(v);
        assert_eq!(b.held(), 100);
        assert_eq!(b, b"xyz");
    }

    /// A buffer shared is the same memory for both handles, still counted whole.
    #[test]
    fn sharing_moves_a_buffer_without_copying_it() {
        let mut v = Vec::with_capacity(100);
        v.extend_from_slice(b"xyz");
        let at = v.as_ptr();
        let mut b = Bytes::from(v);
        let other = b.share();
        assert_eq!(b.as_ptr(), at);
        assert_eq!(other.as_ptr(), at);
        assert_eq!((b.held(), other.held()), (100, 100));
        assert_eq!(other, b"xyz");
        // A piece of a batch stays counted as its piece.
        let mut piece = Bytes::share_of(&Arc::new(b"abc".to_vec()), 0..2);
        assert_eq!(piece.share().held(), 2);
    }
}
