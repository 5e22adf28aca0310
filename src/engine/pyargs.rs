//! A call's arguments as Python writes them (`('127.0.0.1', 8888)`, `1`,
//! `socket.SOL_SOCKET, socket.SO_REUSEADDR, 1`): the journal's lines, and what a finished
//! call carries so the sequence diagram can write `listen(1)` whoever made it.

use super::{AddrSpec, Op, OptValue, Timeout};
use crate::pyfmt::{bytes_repr, float_repr, str_repr};

/// An address argument as Python writes it.
pub fn addr_literal(a: &AddrSpec) -> String {
    match a {
        AddrSpec::Inet { host, port } => format!("({}, {port})", str_repr(host)),
        AddrSpec::Inet6 {
            host,
            port,
            flowinfo,
            scope_id,
        } => {
            if *flowinfo == 0 && *scope_id == 0 {
                format!("({}, {port})", str_repr(host))
            } else {
                format!("({}, {port}, {flowinfo}, {scope_id})", str_repr(host))
            }
        }
        AddrSpec::Unix { path } => match std::str::from_utf8(path) {
            Ok(s) if !s.starts_with('\0') => str_repr(s),
            _ => bytes_repr(path),
        },
    }
}

pub fn timeout_literal(t: Timeout) -> String {
    match t.as_secs() {
        None => "None".into(),
        Some(x) => float_repr(x),
    }
}

pub fn level_name(level: i32) -> String {
    match level {
        libc::SOL_SOCKET => "socket.SOL_SOCKET".into(),
        libc::IPPROTO_TCP => "socket.IPPROTO_TCP".into(),
        libc::IPPROTO_IP => "socket.IPPROTO_IP".into(),
        libc::IPPROTO_IPV6 => "socket.IPPROTO_IPV6".into(),
        x => x.to_string(),
    }
}

pub fn opt_name(level: i32, opt: i32) -> String {
    super::options::CATALOG
        .iter()
        .find(|o| o.level == level && o.optname == opt)
        .map(|o| format!("socket.{}", o.name))
        .unwrap_or_else(|| opt.to_string())
}

/// Bytes of an option's value written out at most.
const SHOWN_BYTES: usize = 32;

impl Op {
    /// The arguments of the calls the sequence diagram writes out: the set-up calls a
    /// learner types (bind, listen, connect, shutdown, the options and the timeout), an
    /// option's long bytes value cut. None for the others (their bytes or their result
    /// tell them).
    pub fn shown_args(&self) -> Option<String> {
        self.args_text(Some(SHOWN_BYTES))
    }

    /// The same arguments whole, as a script must have them (the journal).
    pub fn python_args(&self) -> Option<String> {
        self.args_text(None)
    }

    fn args_text(&self, most: Option<usize>) -> Option<String> {
        Some(match self {
            Op::Bind { addr } | Op::Connect { addr } | Op::ConnectEx { addr } => addr_literal(addr),
            Op::Listen { backlog } => backlog.to_string(),
            Op::Shutdown { how } => format!("socket.{}", how.python_name()),
            Op::SetSockOpt { level, name, value } => {
                // (A long value, cut: the row is one line, and 64 KiB of repr is no
                // reading.)
                let v = match value {
                    OptValue::Int(i) => i.to_string(),
                    OptValue::Bytes(b) if most.is_some_and(|m| b.len() > m) => {
                        let m = most.unwrap_or_default();
                        format!("{}…", bytes_repr(&b[..m]))
                    }
                    OptValue::Bytes(b) => bytes_repr(b),
                };
                format!("{}, {}, {v}", level_name(*level), opt_name(*level, *name))
            }
            Op::SetTimeout { timeout } => timeout_literal(*timeout),
            Op::SetBlocking { blocking } => if *blocking { "True" } else { "False" }.into(),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_option_value_is_cut_for_the_diagram_and_whole_for_a_script() {
        let op = Op::SetSockOpt {
            level: libc::SOL_SOCKET,
            name: libc::SO_LINGER,
            value: OptValue::Bytes(vec![0; 100]),
        };
        let shown = op.shown_args().unwrap();
        assert!(shown.ends_with("…"), "{shown}");
        assert_eq!(shown.matches("\\x00").count(), SHOWN_BYTES, "{shown}");
        let whole = op.python_args().unwrap();
        assert_eq!(whole.matches("\\x00").count(), 100, "{whole}");
        assert!(
            whole.starts_with("socket.SOL_SOCKET, socket.SO_LINGER, b'"),
            "{whole}"
        );
    }
}
