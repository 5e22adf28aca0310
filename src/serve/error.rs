//! Why a responder cannot be built or the command line cannot be read: typed, each variant
//! carrying what it is about, said as the person typed it.

use crate::payload::PayloadError;

/// A responder that cannot be built from its name and options.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum BuildError {
    #[error("unknown responder {name:?}: one of {}", super::NAMES.join(", "))]
    UnknownResponder { name: String },
    #[error("unknown digest {name:?}: use md5, sha1 or sha256")]
    UnknownDigest { name: String },
    #[error("the HMAC responders need a key")]
    NoKey,
    #[error("the rules responder needs at least one rule")]
    NoRules,
    #[error("the fixed reply: {0}")]
    FixedReply(PayloadError),
    /// A rule (1-based, as the list shows them) that does not compile.
    #[error("rule {number}: {why}")]
    Rule { number: usize, why: RuleError },
}

/// What is wrong with one rule.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RuleError {
    #[error("bad regex: {0}")]
    Regex(String),
    #[error("pattern: {0}")]
    Pattern(PayloadError),
    #[error("reply: {0}")]
    Reply(PayloadError),
    #[error("reply: a lone '}}' (write '}}}}' for a brace)")]
    LoneClose,
    #[error("reply: '{{' without '}}' (write '{{{{' for a brace)")]
    Unclosed,
    #[error("reply: unknown placeholder {{{name}}}: use {{0}}..{{9}}, {{count}}, {{time}}, {{peer}} or {{data}}")]
    Placeholder { name: String },
}

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
    /// `--help`, where a server was expected (the text-only parser used by tests).
    #[error("help asked")]
    Help,
}
