//! Values of the Python subset, and their repr() and str() exactly as CPython writes them.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::engine::SocketId;

use super::constants;
use crate::pyfmt::hashing::{HashObj, MacObj};
pub use crate::pyfmt::{bytes_repr, float_repr, str_repr};

/// A socket object as the script sees it.
#[derive(Debug)]
pub struct SockObj {
    pub id: SocketId,
    pub family: i64,
    pub kind: i64,
    pub proto: i64,
    /// -1 once closed.
    pub fd: Cell<i64>,
    pub timeout: Cell<Option<f64>>,
}

/// A tuple's or list's items. The last owner frees them without recursion: a value nested
/// a million deep (`x = [x]`, line after line) must not take a million stack frames to go,
/// as CPython's "trashcan" makes sure for its objects.
#[derive(Clone, Debug)]
pub struct Items(Rc<[Value]>);

impl Items {
    fn empty() -> Rc<[Value]> {
        thread_local! {
            static EMPTY: Rc<[Value]> = Rc::from(Vec::new());
        }
        EMPTY.with(Rc::clone)
    }
}

impl Items {
    /// The same items (one object in Python: `x == x` needs no look inside).
    pub fn same(&self, other: &Items) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Items {
    type Target = [Value];
    fn deref(&self) -> &[Value] {
        &self.0
    }
}

impl From<Vec<Value>> for Items {
    fn from(v: Vec<Value>) -> Items {
        Items(Rc::from(v))
    }
}

impl Drop for Items {
    fn drop(&mut self) {
        if Rc::strong_count(&self.0) != 1 {
            // Others still hold them: this owner only lets go.
            return;
        }
        let mut pending = vec![std::mem::replace(&mut self.0, Items::empty())];
        while let Some(mut rc) = pending.pop() {
            if let Some(slots) = Rc::get_mut(&mut rc) {
                for v in slots.iter_mut() {
                    if let Value::Tuple(items) | Value::List(items) = v {
                        // Moved out, so freeing `rc` below goes one level deep only.
                        pending.push(std::mem::replace(&mut items.0, Items::empty()));
                    }
                }
            }
            drop(rc);
        }
    }
}

#[derive(Clone, Debug)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    Tuple(Items),
    List(Items),
    /// A member of AddressFamily, SocketKind or MsgFlag: an int with a name.
    Enum {
        class: &'static str,
        value: i64,
    },
    Socket(Rc<SockObj>),
    Module(&'static str),
    /// socket.socket, the class (after `from socket import *`, the name `socket`).
    SocketClass,
    /// A function of a module or a built-in, by qualified name ("print", "time.sleep").
    Func(&'static str),
    /// A method bound to its object.
    Method {
        obj: Box<Value>,
        name: Rc<str>,
    },
    Mac(Rc<RefCell<MacObj>>),
    Hash(Rc<RefCell<HashObj>>),
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }
    pub fn bytes(b: &[u8]) -> Value {
        Value::Bytes(Rc::from(b))
    }
    pub fn tuple(v: Vec<Value>) -> Value {
        Value::Tuple(v.into())
    }

    /// Python's type name, as error messages use it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Bytes(_) => "bytes",
            Value::Tuple(_) => "tuple",
            Value::List(_) => "list",
            Value::Enum { class, .. } => class,
            Value::Socket(_) => "socket",
            Value::Module(_) => "module",
            Value::SocketClass => "type",
            Value::Func(_) => "builtin_function_or_method",
            Value::Method { .. } => "method",
            Value::Mac(_) => "HMAC",
            Value::Hash(_) => "_hashlib.HASH",
        }
    }

    /// The value as an int, for ints, bools and enum members.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(v) | Value::Enum { value: v, .. } => Some(*v),
            Value::Bool(b) => Some(*b as i64),
            _ => None,
        }
    }

    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(v) | Value::Enum { value: v, .. } => *v != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::Tuple(t) | Value::List(t) => !t.is_empty(),
            _ => true,
        }
    }
}

/// Containers nested this deep make repr and comparison raise RecursionError, as
/// CPython's recursion limit (1000 frames, a few of them already used) makes them.
pub const MAX_NESTING: usize = 996;

/// Why repr gave up, as CPython would have: containers nested past MAX_NESTING
/// (RecursionError), or a text larger than a value may be (MemoryError).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReprError {
    TooDeep,
    TooBig,
}

/// repr(), with sockets drawn by the caller (their repr asks the kernel for addresses).
/// What `checked_repr` refuses shows as `[...]`.
pub fn repr(v: &Value, sock: &mut dyn FnMut(&SockObj) -> String) -> String {
    checked_repr(v, sock, super::ops::MAX_VALUE_BYTES).unwrap_or_else(|_| "[...]".into())
}

/// repr() of at most `limit` bytes, or why not. Its size is bounded first, each shared
/// tuple or list counted once (x = [x, x] forty times over is 2**40 items shown but 40
/// objects): a repr too large is refused at once, not after building a gigabyte of it.
pub fn checked_repr(
    v: &Value,
    sock: &mut dyn FnMut(&SockObj) -> String,
    limit: usize,
) -> Result<String, ReprError> {
    let bound = repr_bound(v, 0, &mut std::collections::HashMap::new())?;
    if bound > limit {
        return Err(ReprError::TooBig);
    }
    let mut left = limit;
    repr_in(v, sock, 0, &mut left)
}

/// At least as many bytes as the repr of `v` takes (saturating), or TooDeep.
fn repr_bound(
    v: &Value,
    depth: usize,
    seen: &mut std::collections::HashMap<*const Value, usize>,
) -> Result<usize, ReprError> {
    if depth > MAX_NESTING {
        return Err(ReprError::TooDeep);
    }
    Ok(match v {
        Value::Str(s) => s.len().saturating_mul(4).saturating_add(2),
        Value::Bytes(b) => b.len().saturating_mul(4).saturating_add(3),
        Value::Tuple(items) | Value::List(items) => {
            let key = items.as_ptr();
            if let Some(&n) = seen.get(&key) {
                return Ok(n);
            }
            let mut n = 3usize.saturating_add(items.len().saturating_mul(2));
            for x in items.iter() {
                n = n.saturating_add(repr_bound(x, depth + 1, seen)?);
            }
            seen.insert(key, n);
            n
        }
        Value::Method { obj, name } => 64usize
            .saturating_add(name.len())
            .saturating_add(repr_bound(obj, depth + 1, seen)?),
        // An address with a Unix path is the longest of the rest.
        Value::Socket(_) => 512,
        Value::Enum { class, value } => enum_repr(class, *value).len(),
        _ => 64,
    })
}

/// str() of at most `limit` bytes, or why not.
pub fn checked_str(
    v: &Value,
    sock: &mut dyn FnMut(&SockObj) -> String,
    limit: usize,
) -> Result<String, ReprError> {
    match v {
        Value::Str(s) if s.len() <= limit => Ok(s.to_string()),
        Value::Str(_) => Err(ReprError::TooBig),
        Value::Enum { value, .. } => Ok(value.to_string()),
        other => checked_repr(other, sock, limit),
    }
}

/// Takes `n` bytes of the text's budget (counted before they are made).
fn spend(left: &mut usize, n: usize) -> Result<(), ReprError> {
    *left = left.checked_sub(n).ok_or(ReprError::TooBig)?;
    Ok(())
}

fn repr_in(
    v: &Value,
    sock: &mut dyn FnMut(&SockObj) -> String,
    depth: usize,
    left: &mut usize,
) -> Result<String, ReprError> {
    if depth > MAX_NESTING {
        return Err(ReprError::TooDeep);
    }
    let text = match v {
        Value::None => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => float_repr(*f),
        // A byte or a character is at most four bytes of its repr (\x00, \U0010ffff is
        // ten for four).
        Value::Str(s) => {
            spend(left, s.len().saturating_mul(4).saturating_add(2))?;
            return Ok(str_repr(s));
        }
        Value::Bytes(b) => {
            spend(left, b.len().saturating_mul(4).saturating_add(3))?;
            return Ok(bytes_repr(b));
        }
        Value::Tuple(items) | Value::List(items) => {
            spend(left, 2 + 2 * items.len())?;
            let mut parts = Vec::with_capacity(items.len());
            for x in items.iter() {
                parts.push(repr_in(x, sock, depth + 1, left)?);
            }
            return Ok(match v {
                Value::Tuple(_) if parts.len() == 1 => format!("({},)", parts[0]),
                Value::Tuple(_) => format!("({})", parts.join(", ")),
                _ => format!("[{}]", parts.join(", ")),
            });
        }
        Value::Enum { class, value } => enum_repr(class, *value),
        Value::Socket(s) => sock(s),
        Value::Module(m) => format!("<module '{m}'>"),
        Value::SocketClass => "<class 'socket.socket'>".into(),
        Value::Func(f) => match f.split_once('.') {
            Some((_, name)) => format!("<built-in function {name}>"),
            None => format!("<built-in function {f}>"),
        },
        Value::Method { obj, name } => {
            let inner = repr_in(obj, sock, depth + 1, left)?;
            format!("<bound method {name} of {inner}>")
        }
        Value::Mac(_) => "<hmac.HMAC object>".into(),
        Value::Hash(h) => format!("<{} _hashlib.HASH object>", h.borrow().name()),
    };
    spend(left, text.len())?;
    Ok(text)
}

/// str(): strings as they are, everything else as repr (enum members as their number).
pub fn to_str(v: &Value, sock: &mut dyn FnMut(&SockObj) -> String) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        Value::Enum { value, .. } => value.to_string(),
        other => repr(other, sock),
    }
}

fn enum_repr(class: &str, value: i64) -> String {
    if let Some(name) = constants::member_name(class, value) {
        return format!("<{class}.{name}: {value}>");
    }
    if class == "MsgFlag" {
        let mut names = Vec::new();
        let mut rest = value;
        for bit in 0..63 {
            let b = 1i64 << bit;
            if value & b != 0 {
                if let Some(n) = constants::member_name(class, b) {
                    names.push(n);
                    rest &= !b;
                }
            }
        }
        if rest == 0 && !names.is_empty() {
            return format!("<{class}.{}: {value}>", names.join("|"));
        }
    }
    format!("<{class}: {value}>")
}
