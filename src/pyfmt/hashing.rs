//! hashlib and hmac for the subset: md5, sha1 and sha256.

use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algo {
    Md5,
    Sha1,
    Sha256,
}

impl Algo {
    pub fn from_name(n: &str) -> Option<Algo> {
        match n.to_ascii_lowercase().as_str() {
            "md5" => Some(Algo::Md5),
            "sha1" => Some(Algo::Sha1),
            "sha256" => Some(Algo::Sha256),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Algo::Md5 => "md5",
            Algo::Sha1 => "sha1",
            Algo::Sha256 => "sha256",
        }
    }
}

/// A hashlib object: the algorithm and everything fed to it so far.
#[derive(Debug)]
pub struct HashObj {
    pub algo: Algo,
    pub data: Vec<u8>,
}

impl HashObj {
    pub fn name(&self) -> &'static str {
        self.algo.name()
    }
    pub fn digest(&self) -> Vec<u8> {
        match self.algo {
            Algo::Md5 => Md5::digest(&self.data).to_vec(),
            Algo::Sha1 => Sha1::digest(&self.data).to_vec(),
            Algo::Sha256 => Sha256::digest(&self.data).to_vec(),
        }
    }
}

/// An hmac.HMAC object.
#[derive(Debug)]
pub struct MacObj {
    pub algo: Algo,
    pub key: Vec<u8>,
    pub data: Vec<u8>,
}

impl MacObj {
    pub fn digest(&self) -> Vec<u8> {
        hmac_digest(self.algo, &self.key, &self.data)
    }
}

pub fn hmac_digest(algo: Algo, key: &[u8], msg: &[u8]) -> Vec<u8> {
    // new_from_slice accepts keys of any length for HMAC.
    match algo {
        Algo::Md5 => {
            let mut m = <Hmac<Md5> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
            m.update(msg);
            m.finalize().into_bytes().to_vec()
        }
        Algo::Sha1 => {
            let mut m =
                <Hmac<Sha1> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
            m.update(msg);
            m.finalize().into_bytes().to_vec()
        }
        Algo::Sha256 => {
            let mut m =
                <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
            m.update(msg);
            m.finalize().into_bytes().to_vec()
        }
    }
}

/// Constant-time comparison, as hmac.compare_digest.
pub fn compare_digest(a: &[u8], b: &[u8]) -> bool {
    let mut diff = (a.len() != b.len()) as u8;
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0);
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_known_vector() {
        // RFC 4231 test case 2.
        let d = hmac_digest(Algo::Sha256, b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            crate::pyfmt::to_hex(&d),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(compare_digest(b"abc", b"abc"));
        assert!(!compare_digest(b"abc", b"abd"));
        assert!(!compare_digest(b"abc", b"ab"));
    }
}
