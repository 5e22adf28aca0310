//! The socket module's constants (Linux values), and the enum classes some belong to.

use super::value::Value;

include!("constants_table.rs");

/// The value `socket.NAME` has, if the module has it.
pub fn lookup(name: &str) -> Option<Value> {
    CONSTANTS
        .iter()
        .find(|c| c.0 == name)
        .map(|&(_, v, class, _)| match class {
            "int" => Value::Int(v),
            "AddressFamily" => Value::Enum {
                class: "AddressFamily",
                value: v,
            },
            "SocketKind" => Value::Enum {
                class: "SocketKind",
                value: v,
            },
            _ => Value::Enum {
                class: "MsgFlag",
                value: v,
            },
        })
}

/// The member name an enum class shows for a value (the first defined, as Python does).
pub fn member_name(class: &str, value: i64) -> Option<&'static str> {
    CONSTANTS
        .iter()
        .find(|c| c.2 == class && c.1 == value)
        .map(|c| c.3)
}

/// An int as the enum member Python would give back (e.g. a socket's family), or a plain int.
pub fn as_enum(class: &'static str, value: i64) -> Value {
    if member_name(class, value).is_some() {
        Value::Enum { class, value }
    } else {
        Value::Int(value)
    }
}

/// Every constant, for `from socket import *`.
pub fn all() -> impl Iterator<Item = (&'static str, Value)> {
    CONSTANTS
        .iter()
        .filter_map(|c| lookup(c.0).map(|v| (c.0, v)))
}
