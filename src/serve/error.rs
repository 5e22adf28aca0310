//! Why a responder cannot be built or the command line cannot be read: typed, each variant
//! carrying what it is about, said as the person typed it.

use crate::payload::PayloadError;
use crate::t;

/// A responder that cannot be built from its name and options. Said in the language of
/// the thread that shows it (the window's form; the command line's English).
#[derive(Clone, Debug, PartialEq)]
pub enum BuildError {
    UnknownResponder {
        name: String,
    },
    UnknownDigest {
        name: String,
    },
    NoKey,
    NoRules,
    FixedReply(PayloadError),
    /// A rule (1-based, as the list shows them) that does not compile.
    Rule {
        number: usize,
        why: RuleError,
    },
}

/// What is wrong with one rule.
#[derive(Clone, Debug, PartialEq)]
pub enum RuleError {
    /// The regex crate's own words.
    Regex(String),
    Pattern(PayloadError),
    Reply(PayloadError),
    LoneClose,
    Unclosed,
    Placeholder {
        name: String,
    },
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            BuildError::UnknownResponder { name } => t!(
                "serve-error-unknown-responder",
                name = format!("{name:?}"),
                names = super::NAMES.join(", ")
            ),
            BuildError::UnknownDigest { name } => {
                t!("serve-error-unknown-digest", name = format!("{name:?}"))
            }
            BuildError::NoKey => t!("serve-error-no-key"),
            BuildError::NoRules => t!("serve-error-no-rules"),
            BuildError::FixedReply(e) => t!("serve-error-fixed-reply", why = e.to_string()),
            BuildError::Rule { number, why } => t!(
                "serve-error-rule",
                n = number.to_string(),
                why = why.to_string()
            ),
        })
    }
}

impl std::error::Error for BuildError {}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            RuleError::Regex(why) => t!("serve-error-regex", why = why.as_str()),
            RuleError::Pattern(e) => t!("serve-error-pattern", why = e.to_string()),
            RuleError::Reply(e) => t!("serve-error-reply", why = e.to_string()),
            RuleError::LoneClose => t!("serve-error-lone-close"),
            RuleError::Unclosed => t!("serve-error-unclosed"),
            RuleError::Placeholder { name } => {
                t!("serve-error-placeholder", name = name.as_str())
            }
        })
    }
}

impl std::error::Error for RuleError {}

/// `socklab serve`'s command line, not understood.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum UsageError {
    /// What lexopt says of an option it does not know or a value missing.
    #[error("{0}")]
    Syntax(String),
    #[error("{what} {value:?} is not UTF-8 text")]
    NotText {
        what: &'static str,
        value: std::ffi::OsString,
    },
    /// `--rule` text not in the form KIND:PATTERN=>REPLY.
    #[error("rule {rule:?}: {want}")]
    Rule { rule: String, want: &'static str },
    #[error("{option} {value:?}: {want}")]
    Value {
        option: &'static str,
        value: String,
        want: &'static str,
    },
    #[error("give a responder and an address")]
    Arguments,
    #[error("{value:?} is not a port (0-65535)")]
    Port { value: String },
    /// A TLS option that cannot be honoured as given.
    #[error("{0}")]
    Tls(&'static str),
    /// `--help`, where a server was expected (the text-only parser used by tests).
    #[error("help asked")]
    Help,
}
