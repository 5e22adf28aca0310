//! The subset's boundary: which modules, built-ins and attributes a script may use. Anything
//! else is rejected before the first statement runs.

use super::lexer::Pos;
use super::parser::{Arg, Expr, Index, Stmt, Target, Unsupported};

pub const MODULES: &[&str] = &["socket", "time", "hmac", "os", "hashlib"];

/// Built-ins the interpreter implements.
pub const BUILTINS: &[&str] = &[
    "print", "len", "hex", "repr", "str", "int", "float", "bytes", "bool", "list", "tuple", "type",
    "ord", "chr", "abs", "min", "max",
];

/// Python built-ins outside the subset: naming one is rejected (other unknown names are a
/// NameError at run time, as in Python).
const OTHER_BUILTINS: &[&str] = &[
    "open",
    "range",
    "input",
    "dict",
    "set",
    "frozenset",
    "sum",
    "sorted",
    "enumerate",
    "zip",
    "map",
    "filter",
    "isinstance",
    "issubclass",
    "bytearray",
    "memoryview",
    "format",
    "round",
    "iter",
    "next",
    "id",
    "hash",
    "any",
    "all",
    "divmod",
    "pow",
    "vars",
    "dir",
    "help",
    "exit",
    "quit",
    "getattr",
    "setattr",
    "hasattr",
    "delattr",
    "callable",
    "exec",
    "eval",
    "compile",
    "globals",
    "locals",
    "super",
    "object",
    "slice",
    "staticmethod",
    "classmethod",
    "property",
    "reversed",
    "ascii",
    "bin",
    "oct",
    "breakpoint",
    "complex",
    "__import__",
];

pub const SOCKET_METHODS: &[&str] = &[
    "bind",
    "listen",
    "accept",
    "connect",
    "connect_ex",
    "send",
    "sendall",
    "sendto",
    "recv",
    "recvfrom",
    "shutdown",
    "close",
    "setsockopt",
    "getsockopt",
    "settimeout",
    "gettimeout",
    "setblocking",
    "getblocking",
    "getsockname",
    "getpeername",
    "fileno",
    "family",
    "type",
    "proto",
];

pub const SOCKET_FUNCS: &[&str] = &[
    "socket",
    "create_connection",
    "gethostname",
    "gethostbyname",
    "getdefaulttimeout",
    "setdefaulttimeout",
];

const OTHER_ATTRS: &[&str] = &[
    // time, os, hmac, hashlib
    "sleep",
    "time",
    "monotonic",
    "urandom",
    "new",
    "compare_digest",
    "md5",
    "sha1",
    "sha256",
    "hexdigest",
    "digest",
    "update", // str and bytes
    "encode",
    "decode",
    "upper",
    "lower",
    "strip",
    "lstrip",
    "rstrip",
    "hex",
    "fromhex",
];

pub const CONSTANT_PREFIXES: &[&str] = &[
    "AF_",
    "SOCK_",
    "SOL_",
    "SO_",
    "IPPROTO_",
    "TCP_",
    "IP_",
    "IPV6_",
    "SHUT_",
    "MSG_",
    "INADDR_",
    "SOMAXCONN",
    "SCM_",
];

pub fn is_constant_name(n: &str) -> bool {
    CONSTANT_PREFIXES.iter().any(|p| n.starts_with(p))
}

fn attr_ok(n: &str) -> bool {
    SOCKET_METHODS.contains(&n)
        || SOCKET_FUNCS.contains(&n)
        || OTHER_ATTRS.contains(&n)
        || is_constant_name(n)
}

/// Names `from M import name` may bring in.
pub fn importable(module: &str, name: &str) -> bool {
    match module {
        "socket" => SOCKET_FUNCS.contains(&name) || is_constant_name(name),
        "time" => matches!(name, "sleep" | "time" | "monotonic"),
        "os" => name == "urandom",
        "hmac" => matches!(name, "new" | "compare_digest"),
        "hashlib" => matches!(name, "md5" | "sha1" | "sha256"),
        _ => false,
    }
}

fn bad<T>(pos: Pos, what: impl Into<String>) -> Result<T, Unsupported> {
    Err(Unsupported {
        pos,
        what: what.into(),
        python: None,
    })
}

pub fn stmt(s: &Stmt) -> Result<(), Unsupported> {
    match s {
        Stmt::Import { modules, pos } => {
            for (m, _) in modules {
                if !MODULES.contains(&m.as_str()) {
                    return bad(
                        *pos,
                        format!("the module '{m}' (socket, time, hmac, os and hashlib are)"),
                    );
                }
            }
            Ok(())
        }
        Stmt::FromImport { module, names, pos } => {
            if !MODULES.contains(&module.as_str()) {
                return bad(*pos, format!("the module '{module}'"));
            }
            match names {
                None if module != "socket" => bad(*pos, format!("'from {module} import *'")),
                None => Ok(()),
                Some(ns) => {
                    for (n, _) in ns {
                        if !importable(module, n) {
                            return bad(*pos, format!("'{n}' from {module}"));
                        }
                    }
                    Ok(())
                }
            }
        }
        Stmt::Assign { targets, value } => {
            for t in targets {
                target(t)?;
            }
            expr(value)
        }
        Stmt::AugAssign { value, .. } => expr(value),
        Stmt::Expr(e) => expr(e),
        Stmt::Pass => Ok(()),
    }
}

fn target(t: &Target) -> Result<(), Unsupported> {
    match t {
        Target::Name(_) => Ok(()),
        Target::Seq { items, .. } => items.iter().try_for_each(target),
    }
}

fn expr(e: &Expr) -> Result<(), Unsupported> {
    match e {
        Expr::Lit(_) => Ok(()),
        Expr::Name { name, pos } => {
            if OTHER_BUILTINS.contains(&name.as_str()) {
                return bad(*pos, format!("the built-in {name}()"));
            }
            Ok(())
        }
        Expr::Tuple(items) | Expr::List(items) => items.iter().try_for_each(expr),
        Expr::Attr { obj, name, pos } => {
            if !attr_ok(name) {
                return bad(*pos, format!("the attribute or method '.{name}'"));
            }
            expr(obj)
        }
        Expr::Call { func, args, .. } => {
            expr(func)?;
            for a in args {
                match a {
                    Arg::Pos(e) | Arg::Kw(_, e) => expr(e)?,
                }
            }
            Ok(())
        }
        Expr::Index { obj, index, .. } => {
            expr(obj)?;
            match index.as_ref() {
                Index::Single(e) => expr(e),
                Index::Slice(a, b, c) => [a, b, c]
                    .iter()
                    .filter_map(|x| x.as_ref())
                    .try_for_each(expr),
            }
        }
        Expr::Binary {
            op,
            left,
            right,
            pos,
        } => {
            if *op == "@" {
                return bad(*pos, "the '@' operator");
            }
            expr(left)?;
            expr(right)
        }
        Expr::Unary { operand, .. } => expr(operand),
        Expr::Compare { first, rest, .. } => {
            expr(first)?;
            rest.iter().try_for_each(|(_, e)| expr(e))
        }
        Expr::And(terms) | Expr::Or(terms) => terms.iter().try_for_each(expr),
        Expr::Not(a) => expr(a),
    }
}
