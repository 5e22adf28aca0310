//! Payloads: exactly the bytes a person means to send, from text with Python's escapes in a
//! chosen encoding, or from hex; and the way back, for showing and copying bytes.

pub mod check;
pub mod hex;
pub mod text;

pub use check::Checksum;
pub use hex::{parse_hex, render_hex};
pub use text::{parse_text, render_text, Encoding, LineEnding};

/// Why a payload cannot be sent, and where in the input.
/// Its message is worded in the language of the thread that made it; the position's words
/// in the language of the thread that shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayloadError {
    /// Character position in the input (0-based).
    pub pos: usize,
    pub message: String,
}

impl std::fmt::Display for PayloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::t!(
            "payload-at",
            n = (self.pos + 1).to_string(),
            message = self.message.as_str()
        ))
    }
}

impl std::error::Error for PayloadError {}

/// How the editor reads its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Mode {
    #[default]
    Text,
    Hex,
    /// A file streamed from disk; its bytes are never all in memory.
    File,
}

/// The bytes an editor's content stands for: a text's line ending after it, and the
/// check value (if any) after everything, computed over all before it.
pub fn bytes_of(
    mode: Mode,
    input: &str,
    encoding: Encoding,
    ending: LineEnding,
    check: Checksum,
) -> Result<Vec<u8>, PayloadError> {
    match mode {
        Mode::Text => {
            let mut b = parse_text(input, encoding)?;
            b.extend_from_slice(ending.bytes(encoding));
            check.append(&mut b);
            Ok(b)
        }
        Mode::Hex => {
            let mut b = parse_hex(input)?;
            check.append(&mut b);
            Ok(b)
        }
        Mode::File => Err(PayloadError {
            pos: 0,
            message: crate::t!("payload-file-mode"),
        }),
    }
}
