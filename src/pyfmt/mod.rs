//! Python's way of writing things, for everyone who shows them: reprs of str, bytes and
//! float, socket addresses as Python tuples, the codecs of str.encode/bytes.decode and the
//! hashes of hashlib/hmac. Not part of the interpreter, which uses it like the window, the
//! servers and the payload editor do.

pub mod codecs;
pub mod hashing;
pub mod hex;
mod repr;

pub use hex::{push_escape, push_hex, to_hex, to_hex_sep};
pub use repr::{bytes_repr, float_repr, str_repr};

use crate::engine::Endpoint;

/// A socket address as Python's repr shows it: `('127.0.0.1', 80)`,
/// `('::1', 80, 0, 0)`, a Unix path as a str, an abstract name as bytes, else `None`.
pub fn endpoint_repr(e: &Endpoint) -> String {
    match e {
        Endpoint::V4(a) => format!("({}, {})", str_repr(&a.ip().to_string()), a.port()),
        Endpoint::V6(a) => format!(
            "({}, {}, {}, {})",
            str_repr(&a.ip().to_string()),
            a.port(),
            a.flowinfo(),
            a.scope_id()
        ),
        Endpoint::Unix(p) if p.first() == Some(&0) => bytes_repr(p),
        Endpoint::Unix(p) => str_repr(&String::from_utf8_lossy(p)),
        Endpoint::Other => "None".into(),
    }
}
