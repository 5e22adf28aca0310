//! Operators, indexing, slicing and the methods of str and bytes, with CPython's results and
//! error messages.
//!
//! Longer than socklab's files usually are (~600 lines): the interpreter is rebuilt for
//! the tutorials' Python (issue 17), and is left whole until then rather than split along
//! seams the new one will not have.

use std::rc::Rc;

use super::eval::{PyErr, R};
use super::value::Value;
use crate::pyfmt::codecs::Codec;

fn type_err<T>(msg: impl Into<String>) -> R<T> {
    Err(PyErr::new("TypeError", msg))
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Float(f) => Some(*f),
        other => other.as_int().map(|i| i as f64),
    }
}

fn is_int_like(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_) | Value::Enum { .. })
}

pub(super) fn overflow() -> PyErr {
    PyErr::new(
        "OverflowError",
        "integer result too large for socklab (64-bit ints)",
    )
}

/// Largest value (its bytes: a str's or bytes' length, a tuple's or list's items) the
/// interpreter makes. Past it, CPython's MemoryError, never an allocation that aborts.
pub const MAX_VALUE_BYTES: usize = 1 << 30;

thread_local! {
    /// The limit for scripts run on this thread (a fuzzer sets a small one).
    static VALUE_LIMIT: std::cell::Cell<usize> = const { std::cell::Cell::new(MAX_VALUE_BYTES) };
}

/// The largest value scripts on this thread may make, in bytes.
pub fn value_limit() -> usize {
    VALUE_LIMIT.get()
}

/// Lowers (or restores) the largest value scripts on this thread may make.
pub fn set_value_limit(bytes: usize) {
    VALUE_LIMIT.set(bytes.min(MAX_VALUE_BYTES));
}

/// MemoryError unless a value of `bytes` bytes (None: a size that overflowed) may be made.
pub fn room_for(bytes: Option<usize>) -> R<usize> {
    match bytes {
        Some(b) if b <= VALUE_LIMIT.get() => Ok(b),
        _ => Err(PyErr::new("MemoryError", "")),
    }
}

/// The bytes a tuple or list of `n` items holds.
pub fn items_bytes(n: usize) -> Option<usize> {
    n.checked_mul(std::mem::size_of::<Value>())
}

/// A sequence's size in bytes, for the checks above.
fn seq_bytes(v: &Value) -> Option<usize> {
    match v {
        Value::Str(s) => Some(s.len()),
        Value::Bytes(b) => Some(b.len()),
        Value::Tuple(t) | Value::List(t) => items_bytes(t.len()),
        _ => Some(0),
    }
}

fn float_result(r: f64, x: f64, y: f64) -> R<Value> {
    // CPython raises where a power of finite numbers leaves the floats.
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return Err(PyErr::new(
            "OverflowError",
            "(34, 'Numerical result out of range')",
        ));
    }
    Ok(Value::Float(r))
}

fn float_pow(x: f64, y: f64) -> R<Value> {
    if x == 0.0 && y < 0.0 {
        return Err(PyErr::new(
            "ZeroDivisionError",
            "0.0 cannot be raised to a negative power",
        ));
    }
    if x < 0.0 && y.fract() != 0.0 && y.is_finite() {
        // CPython answers with a complex number, which this subset does not have.
        return Err(PyErr::new(
            "NotImplementedError",
            "a negative number to a fractional power is complex, and socklab run has no complex numbers",
        ));
    }
    float_result(x.powf(y), x, y)
}

pub fn binary(op: &str, a: &Value, b: &Value) -> R<Value> {
    // Flags stay flags under | & ^, as IntFlag does.
    if let (
        Value::Enum {
            class: "MsgFlag",
            value: x,
        },
        Some(y),
    ) = (a, b.as_int())
    {
        if matches!(op, "|" | "&" | "^") && is_int_like(b) {
            let v = match op {
                "|" => x | y,
                "&" => x & y,
                _ => x ^ y,
            };
            return Ok(Value::Enum {
                class: "MsgFlag",
                value: v,
            });
        }
    }
    if is_int_like(a) && is_int_like(b) {
        let (x, y) = (a.as_int().unwrap_or(0), b.as_int().unwrap_or(0));
        if let (Value::Bool(p), Value::Bool(q)) = (a, b) {
            match op {
                "&" => return Ok(Value::Bool(*p & *q)),
                "|" => return Ok(Value::Bool(*p | *q)),
                "^" => return Ok(Value::Bool(*p ^ *q)),
                _ => {}
            }
        }
        let r = match op {
            "+" => x.checked_add(y),
            "-" => x.checked_sub(y),
            "*" => x.checked_mul(y),
            "/" => {
                if y == 0 {
                    return Err(PyErr::new("ZeroDivisionError", "division by zero"));
                }
                return Ok(Value::Float(x as f64 / y as f64));
            }
            "//" => {
                if y == 0 {
                    return Err(PyErr::new(
                        "ZeroDivisionError",
                        "integer division or modulo by zero",
                    ));
                }
                if y == -1 {
                    // The one quotient past the range: -(-2**63).
                    x.checked_neg()
                } else {
                    // Floor division: Euclid's quotient is one too high when the divisor
                    // is negative and something remains.
                    let q = x.div_euclid(y);
                    Some(if x.rem_euclid(y) != 0 && y < 0 {
                        q - 1
                    } else {
                        q
                    })
                }
            }
            "%" => {
                if y == 0 {
                    return Err(PyErr::new("ZeroDivisionError", "integer modulo by zero"));
                }
                if y == -1 {
                    Some(0)
                } else {
                    let m = x % y;
                    Some(if m != 0 && ((m < 0) != (y < 0)) {
                        m + y
                    } else {
                        m
                    })
                }
            }
            "**" => {
                if y < 0 {
                    return float_pow(x as f64, y as f64);
                }
                u32::try_from(y).ok().and_then(|e| x.checked_pow(e))
            }
            "&" => Some(x & y),
            "|" => Some(x | y),
            "^" => Some(x ^ y),
            "<<" => {
                if y < 0 {
                    return Err(PyErr::new("ValueError", "negative shift count"));
                }
                if y >= 63 {
                    if x == 0 {
                        Some(0)
                    } else {
                        None
                    }
                } else {
                    x.checked_mul(1i64 << y)
                }
            }
            ">>" => {
                if y < 0 {
                    return Err(PyErr::new("ValueError", "negative shift count"));
                }
                Some(x >> y.min(63))
            }
            _ => None,
        };
        return r.map(Value::Int).ok_or_else(overflow);
    }
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        if matches!(a, Value::Float(_)) || matches!(b, Value::Float(_)) {
            let r = match op {
                "+" => x + y,
                "-" => x - y,
                "*" => x * y,
                "/" | "//" | "%" if y == 0.0 => {
                    let m = match op {
                        "/" => "float division by zero",
                        "//" => "float floor division by zero",
                        _ => "float modulo",
                    };
                    return Err(PyErr::new("ZeroDivisionError", m));
                }
                "/" => x / y,
                "//" => (x / y).floor(),
                "%" => {
                    let m = x % y;
                    if m != 0.0 && ((m < 0.0) != (y < 0.0)) {
                        m + y
                    } else {
                        m
                    }
                }
                "**" => return float_pow(x, y),
                _ => return unsupported(op, a, b),
            };
            return Ok(Value::Float(r));
        }
    }
    if op == "+"
        && matches!(
            (a, b),
            (Value::Str(_), Value::Str(_))
                | (Value::Bytes(_), Value::Bytes(_))
                | (Value::Tuple(_), Value::Tuple(_))
                | (Value::List(_), Value::List(_))
        )
    {
        let total = seq_bytes(a)
            .zip(seq_bytes(b))
            .and_then(|(p, q)| p.checked_add(q));
        room_for(total)?;
    }
    match (op, a, b) {
        ("+", Value::Str(x), Value::Str(y)) => Ok(Value::Str(Rc::from(format!("{x}{y}")))),
        ("+", Value::Bytes(x), Value::Bytes(y)) => {
            Ok(Value::Bytes([&x[..], &y[..]].concat().into()))
        }
        ("+", Value::Tuple(x), Value::Tuple(y)) => {
            Ok(Value::Tuple([&x[..], &y[..]].concat().into()))
        }
        ("+", Value::List(x), Value::List(y)) => Ok(Value::List([&x[..], &y[..]].concat().into())),
        ("+", Value::Str(_), other) => type_err(format!(
            "can only concatenate str (not \"{}\") to str",
            other.type_name()
        )),
        ("+", Value::Bytes(_), other) => {
            type_err(format!("can't concat {} to bytes", other.type_name()))
        }
        ("+", Value::Tuple(_), other) => type_err(format!(
            "can only concatenate tuple (not \"{}\") to tuple",
            other.type_name()
        )),
        ("+", Value::List(_), other) => type_err(format!(
            "can only concatenate list (not \"{}\") to list",
            other.type_name()
        )),
        ("*", seq @ (Value::Str(_) | Value::Bytes(_) | Value::Tuple(_) | Value::List(_)), n)
        | ("*", n, seq @ (Value::Str(_) | Value::Bytes(_) | Value::Tuple(_) | Value::List(_))) => {
            let Some(k) = n.as_int().filter(|_| is_int_like(n)) else {
                return type_err(format!(
                    "can't multiply sequence by non-int of type '{}'",
                    n.type_name()
                ));
            };
            let k = usize::try_from(k.max(0)).unwrap_or(usize::MAX);
            // Counted in bytes: a tuple's item is a whole value, not one byte.
            room_for(seq_bytes(seq).and_then(|size| size.checked_mul(k)))?;
            Ok(match seq {
                Value::Str(s) => Value::Str(Rc::from(s.repeat(k))),
                Value::Bytes(b) => Value::Bytes(b.repeat(k).into()),
                Value::Tuple(t) => Value::Tuple(repeat_items(t, k).into()),
                Value::List(t) => Value::List(repeat_items(t, k).into()),
                _ => unreachable!("matched above"),
            })
        }
        ("%", Value::Str(_), _) | ("%", Value::Bytes(_), _) => Err(PyErr::new(
            "NotImplementedError",
            "socklab run does not support % formatting",
        )),
        _ => unsupported(op, a, b),
    }
}

fn repeat_items(t: &[Value], k: usize) -> Vec<Value> {
    (0..k).flat_map(|_| t.iter().cloned()).collect()
}

fn unsupported<T>(op: &str, a: &Value, b: &Value) -> R<T> {
    type_err(format!(
        "unsupported operand type(s) for {op}: '{}' and '{}'",
        a.type_name(),
        b.type_name()
    ))
}

pub fn unary(op: &str, v: &Value) -> R<Value> {
    match (op, v) {
        ("-", Value::Float(f)) => Ok(Value::Float(-f)),
        ("+", Value::Float(f)) => Ok(Value::Float(*f)),
        (_, x) if is_int_like(x) => {
            let i = x.as_int().unwrap_or(0);
            match op {
                "-" => i.checked_neg().map(Value::Int).ok_or_else(overflow),
                "+" => Ok(Value::Int(i)),
                _ => Ok(Value::Int(!i)),
            }
        }
        _ => type_err(format!(
            "bad operand type for unary {op}: '{}'",
            v.type_name()
        )),
    }
}

/// ==, raising RecursionError where containers nest past MAX_NESTING (as CPython does).
pub fn equal(a: &Value, b: &Value) -> R<bool> {
    equal_in(a, b, 0).ok_or_else(|| {
        PyErr::new(
            "RecursionError",
            "maximum recursion depth exceeded in comparison",
        )
    })
}

fn equal_in(a: &Value, b: &Value, depth: usize) -> Option<bool> {
    if depth > super::value::MAX_NESTING {
        return None;
    }
    Some(match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::Tuple(x), Value::Tuple(y)) | (Value::List(x), Value::List(y)) => {
            if x.same(y) {
                return Some(true);
            }
            if x.len() != y.len() {
                return Some(false);
            }
            for (p, q) in x.iter().zip(y.iter()) {
                if !equal_in(p, q, depth + 1)? {
                    return Some(false);
                }
            }
            true
        }
        (Value::Socket(x), Value::Socket(y)) => Rc::ptr_eq(x, y),
        (Value::Module(x), Value::Module(y)) => x == y,
        (Value::Func(x), Value::Func(y)) => x == y,
        (Value::SocketClass, Value::SocketClass) => true,
        _ => match (num(a), num(b)) {
            (Some(x), Some(y)) => {
                x == y && !(matches!(a, Value::Str(_)) || matches!(b, Value::Str(_)))
            }
            _ => false,
        },
    })
}

pub fn compare(op: &str, a: &Value, b: &Value) -> R<bool> {
    match op {
        "==" => return equal(a, b),
        "!=" => return equal(a, b).map(|e| !e),
        "is" => return Ok(identical(a, b)),
        "is not" => return Ok(!identical(a, b)),
        "in" => return contains(b, a),
        "not in" => return contains(b, a).map(|x| !x),
        _ => {}
    }
    let ord = match (a, b) {
        (Value::Str(x), Value::Str(y)) => x.cmp(y),
        (Value::Bytes(x), Value::Bytes(y)) => x.cmp(y),
        _ => match (num(a), num(b)) {
            (Some(x), Some(y)) if !matches!(a, Value::Str(_)) => {
                x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)
            }
            _ => {
                return type_err(format!(
                    "'{op}' not supported between instances of '{}' and '{}'",
                    a.type_name(),
                    b.type_name()
                ))
            }
        },
    };
    Ok(match op {
        "<" => ord.is_lt(),
        ">" => ord.is_gt(),
        "<=" => ord.is_le(),
        _ => ord.is_ge(),
    })
}

fn identical(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y && (-5..=256).contains(x),
        // Only these are one object each; their equality nests nothing.
        _ => {
            matches!(
                a,
                Value::Socket(_) | Value::Module(_) | Value::Func(_) | Value::SocketClass
            ) && equal_in(a, b, 0) == Some(true)
        }
    }
}

fn contains(container: &Value, item: &Value) -> R<bool> {
    match (container, item) {
        (Value::Str(s), Value::Str(x)) => Ok(s.contains(&**x)),
        (Value::Str(_), other) => type_err(format!(
            "'in <string>' requires string as left operand, not {}",
            other.type_name()
        )),
        (Value::Bytes(s), Value::Bytes(x)) => {
            Ok(x.is_empty() || s.windows(x.len()).any(|w| w == &x[..]))
        }
        (Value::Bytes(s), other) if is_int_like(other) => {
            let v = other.as_int().unwrap_or(-1);
            if !(0..=255).contains(&v) {
                return Err(PyErr::new("ValueError", "byte must be in range(0, 256)"));
            }
            Ok(s.contains(&(v as u8)))
        }
        (Value::Bytes(_), other) => type_err(format!(
            "a bytes-like object is required, not '{}'",
            other.type_name()
        )),
        (Value::Tuple(t) | Value::List(t), x) => {
            for e in t.iter() {
                if equal(e, x)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        (other, _) => type_err(format!(
            "argument of type '{}' is not iterable",
            other.type_name()
        )),
    }
}

/// The items of an iterable value (for unpacking, list(), tuple(), min/max).
pub fn items(v: &Value) -> R<Vec<Value>> {
    let n = match v {
        Value::Str(s) => s.len(),
        Value::Bytes(b) => b.len(),
        _ => 0,
    };
    room_for(items_bytes(n))?;
    Ok(match v {
        Value::Tuple(t) | Value::List(t) => t.to_vec(),
        Value::Str(s) => s
            .chars()
            .map(|c| Value::Str(Rc::from(c.to_string())))
            .collect(),
        Value::Bytes(b) => b.iter().map(|x| Value::Int(*x as i64)).collect(),
        other => return type_err(format!("'{}' object is not iterable", other.type_name())),
    })
}

fn seq_len(v: &Value) -> Option<usize> {
    match v {
        Value::Str(s) => Some(s.chars().count()),
        Value::Bytes(b) => Some(b.len()),
        Value::Tuple(t) | Value::List(t) => Some(t.len()),
        _ => None,
    }
}

pub fn len(v: &Value) -> R<Value> {
    match seq_len(v) {
        Some(n) => Ok(Value::Int(n as i64)),
        None => type_err(format!("object of type '{}' has no len()", v.type_name())),
    }
}

pub fn index(obj: &Value, idx: &Value) -> R<Value> {
    let Some(n) = seq_len(obj) else {
        return type_err(format!("'{}' object is not subscriptable", obj.type_name()));
    };
    let Some(i) = idx.as_int().filter(|_| is_int_like(idx)) else {
        let msg = match obj {
            Value::Str(_) => format!("string indices must be integers, not '{}'", idx.type_name()),
            Value::Bytes(_) => format!(
                "byte indices must be integers or slices, not {}",
                idx.type_name()
            ),
            other => format!(
                "{} indices must be integers or slices, not {}",
                other.type_name(),
                idx.type_name()
            ),
        };
        return type_err(msg);
    };
    let j = if i < 0 { i + n as i64 } else { i };
    if j < 0 || j >= n as i64 {
        let msg = match obj {
            Value::Str(_) => "string index out of range",
            Value::Bytes(_) => "index out of range",
            Value::Tuple(_) => "tuple index out of range",
            _ => "list index out of range",
        };
        return Err(PyErr::new("IndexError", msg));
    }
    let j = j as usize;
    Ok(match obj {
        Value::Str(s) => Value::Str(Rc::from(
            s.chars().nth(j).map(String::from).unwrap_or_default(),
        )),
        Value::Bytes(b) => Value::Int(b[j] as i64),
        Value::Tuple(t) | Value::List(t) => t[j].clone(),
        _ => Value::None,
    })
}

fn slice_arg(v: Option<&Value>) -> R<Option<i64>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(x) if is_int_like(x) => Ok(x.as_int()),
        Some(_) => type_err("slice indices must be integers or None or have an __index__ method"),
    }
}

pub fn slice(
    obj: &Value,
    start: Option<&Value>,
    stop: Option<&Value>,
    step: Option<&Value>,
) -> R<Value> {
    let Some(n) = seq_len(obj) else {
        return type_err(format!("'{}' object is not subscriptable", obj.type_name()));
    };
    let n = n as i64;
    let step = slice_arg(step)?.unwrap_or(1);
    if step == 0 {
        return Err(PyErr::new("ValueError", "slice step cannot be zero"));
    }
    let adjust = |v: Option<i64>, default: i64, lo: i64, hi: i64| -> i64 {
        match v {
            None => default,
            Some(mut x) => {
                if x < 0 {
                    x += n;
                    if x < lo {
                        x = lo;
                    }
                } else if x > hi {
                    x = hi;
                }
                x
            }
        }
    };
    let (start, stop) = if step > 0 {
        (
            adjust(slice_arg(start)?, 0, 0, n),
            adjust(slice_arg(stop)?, n, 0, n),
        )
    } else {
        (
            adjust(slice_arg(start)?, n - 1, -1, n - 1),
            adjust(slice_arg(stop)?, -1, -1, n - 1),
        )
    };
    // How many items the slice takes (as CPython's PySlice_AdjustIndices counts them),
    // then each of them computed: no list of positions the size of the result.
    let (a, z, d) = (start as i128, stop as i128, step as i128);
    let count = if d > 0 && a < z {
        ((z - a - 1) / d + 1) as usize
    } else if d < 0 && a > z {
        ((a - z - 1) / -d + 1) as usize
    } else {
        0
    };
    let at = move |k: usize| (a + k as i128 * d) as usize;
    Ok(match obj {
        Value::Str(s) => {
            room_for(s.len().checked_mul(4))?;
            let chars: Vec<char> = s.chars().collect();
            Value::Str(Rc::from(
                (0..count).map(|k| chars[at(k)]).collect::<String>(),
            ))
        }
        Value::Bytes(b) if d == 1 => Value::Bytes(b[at(0).min(b.len())..][..count].into()),
        Value::Bytes(b) => {
            room_for(Some(count))?;
            Value::Bytes((0..count).map(|k| b[at(k)]).collect::<Vec<u8>>().into())
        }
        Value::Tuple(t) | Value::List(t) => {
            room_for(items_bytes(count))?;
            let items: Vec<Value> = (0..count).map(|k| t[at(k)].clone()).collect();
            if matches!(obj, Value::Tuple(_)) {
                Value::Tuple(items.into())
            } else {
                Value::List(items.into())
            }
        }
        _ => Value::None,
    })
}

/// Python's whitespace for str.strip().
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

const BYTES_SPACE: &[u8] = b" \t\n\r\x0b\x0c";

pub fn str_method(s: &str, name: &str, args: &[Value], kwargs: &[(String, Value)]) -> R<Value> {
    let arg = |i: usize, kw: &str| -> Option<&Value> {
        args.get(i)
            .or_else(|| kwargs.iter().find(|(k, _)| k == kw).map(|(_, v)| v))
    };
    match name {
        "encode" => {
            let enc = match arg(0, "encoding") {
                None => "utf-8".to_string(),
                Some(Value::Str(e)) => e.to_string(),
                Some(o) => {
                    return type_err(format!(
                        "encode() argument 'encoding' must be str, not {}",
                        o.type_name()
                    ))
                }
            };
            let codec = Codec::lookup(&enc).map_err(|(c, m)| PyErr::new(c, m))?;
            // No codec more than quadruples a text.
            room_for(s.len().checked_mul(4))?;
            codec
                .encode(s)
                .map(|b| Value::Bytes(b.into()))
                .map_err(|(c, m)| PyErr::new(c, m))
        }
        "upper" | "lower" => {
            // A character's case mapping is at most three times its UTF-8 length.
            room_for(s.len().checked_mul(3))?;
            let r = if name == "upper" {
                s.to_uppercase()
            } else {
                s.to_lowercase()
            };
            Ok(Value::Str(Rc::from(r)))
        }
        "strip" | "lstrip" | "rstrip" => {
            let chars: Option<Vec<char>> = match arg(0, "chars") {
                None | Some(Value::None) => None,
                Some(Value::Str(c)) => Some(c.chars().collect()),
                Some(o) => {
                    return type_err(format!(
                        "{name} arg must be None or str, not {}",
                        o.type_name()
                    ))
                }
            };
            let pred = |c: char| {
                chars
                    .as_ref()
                    .map_or(is_py_space(c), |set| set.contains(&c))
            };
            let r = match name {
                "strip" => s.trim_matches(pred),
                "lstrip" => s.trim_start_matches(pred),
                _ => s.trim_end_matches(pred),
            };
            Ok(Value::Str(Rc::from(r)))
        }
        _ => Err(PyErr::new(
            "AttributeError",
            format!("'str' object has no attribute '{name}'"),
        )),
    }
}

pub fn bytes_method(b: &[u8], name: &str, args: &[Value], kwargs: &[(String, Value)]) -> R<Value> {
    let arg = |i: usize, kw: &str| -> Option<&Value> {
        args.get(i)
            .or_else(|| kwargs.iter().find(|(k, _)| k == kw).map(|(_, v)| v))
    };
    match name {
        "decode" => {
            let enc = match arg(0, "encoding") {
                None => "utf-8".to_string(),
                Some(Value::Str(e)) => e.to_string(),
                Some(o) => {
                    return type_err(format!(
                        "decode() argument 'encoding' must be str, not {}",
                        o.type_name()
                    ))
                }
            };
            let codec = Codec::lookup(&enc).map_err(|(c, m)| PyErr::new(c, m))?;
            room_for(b.len().checked_mul(4))?;
            codec
                .decode(b)
                .map(|s| Value::Str(Rc::from(s)))
                .map_err(|(c, m)| PyErr::new(c, m))
        }
        "upper" => Ok(Value::Bytes(b.to_ascii_uppercase().into())),
        "lower" => Ok(Value::Bytes(b.to_ascii_lowercase().into())),
        "strip" | "lstrip" | "rstrip" => {
            let set: Vec<u8> = match arg(0, "bytes") {
                None | Some(Value::None) => BYTES_SPACE.to_vec(),
                Some(Value::Bytes(c)) => c.to_vec(),
                Some(o) => {
                    return type_err(format!(
                        "a bytes-like object is required, not '{}'",
                        o.type_name()
                    ))
                }
            };
            let mut lo = 0;
            let mut hi = b.len();
            if name != "rstrip" {
                while lo < hi && set.contains(&b[lo]) {
                    lo += 1;
                }
            }
            if name != "lstrip" {
                while hi > lo && set.contains(&b[hi - 1]) {
                    hi -= 1;
                }
            }
            Ok(Value::Bytes(b[lo..hi].into()))
        }
        "hex" => {
            let sep = match arg(0, "sep") {
                None => None,
                Some(Value::Str(s)) if s.chars().count() == 1 => Some(s.to_string()),
                Some(Value::Bytes(s)) if s.len() == 1 => Some((s[0] as char).to_string()),
                Some(_) => return Err(PyErr::new("ValueError", "sep must be length 1.")),
            };
            if sep.as_ref().is_some_and(|s| !s.is_ascii()) {
                return Err(PyErr::new("ValueError", "sep must be ASCII."));
            }
            let per = if sep.is_some() { 3 } else { 2 };
            room_for(b.len().checked_mul(per))?;
            let out = crate::pyfmt::to_hex_sep(b, sep.as_deref().unwrap_or(""));
            Ok(Value::Str(Rc::from(out)))
        }
        "fromhex" => match arg(0, "string") {
            Some(Value::Str(s)) => fromhex(s),
            Some(o) => type_err(format!(
                "fromhex() argument must be str, not {}",
                o.type_name()
            )),
            None => type_err("fromhex() takes exactly one argument (0 given)"),
        },
        _ => Err(PyErr::new(
            "AttributeError",
            format!("'bytes' object has no attribute '{name}'"),
        )),
    }
}

/// bytes.fromhex: pairs of hex digits, whitespace allowed between pairs.
pub fn fromhex(s: &str) -> R<Value> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let bad = |pos: usize| {
        PyErr::new(
            "ValueError",
            format!("non-hexadecimal number found in fromhex() arg at position {pos}"),
        )
    };
    while i < chars.len() {
        if chars[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let hi = chars[i].to_digit(16).ok_or_else(|| bad(i))?;
        let lo = chars
            .get(i + 1)
            .and_then(|c| c.to_digit(16))
            .ok_or_else(|| bad(i + 1))?;
        out.push((hi * 16 + lo) as u8);
        i += 2;
    }
    Ok(Value::Bytes(out.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(n: usize) -> Value {
        Value::Bytes(vec![b'a'; n].into())
    }

    #[test]
    fn every_size_is_checked_in_bytes_before_it_is_made() {
        set_value_limit(1000);
        let x = bytes(400);
        let two = binary("+", &x, &x).unwrap();
        assert_eq!(binary("+", &two, &x).unwrap_err().class, "MemoryError");
        assert_eq!(
            binary("*", &x, &Value::Int(3)).unwrap_err().class,
            "MemoryError"
        );
        assert_eq!(
            binary("*", &x, &Value::Int(i64::MAX)).unwrap_err().class,
            "MemoryError"
        );
        // A tuple's items are whole values, not bytes.
        let t = Value::tuple(vec![Value::Int(1), Value::Int(2)]);
        assert_eq!(
            binary("*", &t, &Value::Int(40)).unwrap_err().class,
            "MemoryError"
        );
        let sep = [Value::str(" ")];
        assert_eq!(
            bytes_method(&[b'a'; 400], "hex", &sep, &[])
                .unwrap_err()
                .class,
            "MemoryError"
        );
        assert!(bytes_method(&[b'a'; 300], "hex", &sep, &[]).is_ok());
        assert_eq!(items(&bytes(100)).unwrap_err().class, "MemoryError");
        set_value_limit(MAX_VALUE_BYTES);
    }

    #[test]
    fn integer_edges_raise_instead_of_panicking() {
        let min = Value::Int(i64::MIN);
        let m1 = Value::Int(-1);
        assert_eq!(binary("//", &min, &m1).unwrap_err().class, "OverflowError");
        assert_eq!(binary("%", &min, &m1).unwrap().as_int(), Some(0));
        assert_eq!(unary("-", &min).unwrap_err().class, "OverflowError");
        assert_eq!(
            binary("<<", &Value::Int(1), &Value::Int(63))
                .unwrap_err()
                .class,
            "OverflowError"
        );
        assert_eq!(
            binary("**", &Value::Int(0), &m1).unwrap_err().class,
            "ZeroDivisionError"
        );
        let b = bytes(3);
        let one = slice(&b, Some(&Value::Int(1)), None, Some(&Value::Int(i64::MAX))).unwrap();
        assert!(matches!(one, Value::Bytes(v) if &v[..] == b"a"));
        let back = slice(&b, None, None, Some(&Value::Int(i64::MIN))).unwrap();
        assert!(matches!(back, Value::Bytes(v) if &v[..] == b"a"));
    }
}
