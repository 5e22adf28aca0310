//! The interpreter: runs parsed lines, printing what CPython's interactive console prints.
//! Socket calls go to the engine and wait for its answer; this thread never touches a socket.

use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;

use crate::engine::{Client, Create, Event, OpError, Reply, SocketId, SocketInfo};

use super::check::BUILTINS;
use super::constants;
use super::lexer::Pos;
use super::net;
use super::ops;
use super::parser::{Arg, Expr, Index, Line, Lit, Stmt, Target};
use super::value::{checked_repr, checked_str, ReprError, SockObj, Value};

/// A Python exception: its class and message, as the traceback's last line shows them.
#[derive(Clone, Debug, PartialEq)]
pub struct PyErr {
    pub class: String,
    pub msg: String,
}

impl PyErr {
    pub fn new(class: &str, msg: impl Into<String>) -> PyErr {
        PyErr {
            class: class.to_string(),
            msg: msg.into(),
        }
    }
    pub fn line(&self) -> String {
        if self.msg.is_empty() {
            self.class.clone()
        } else {
            format!("{}: {}", self.class, self.msg)
        }
    }
}

impl From<OpError> for PyErr {
    fn from(e: OpError) -> PyErr {
        PyErr {
            class: e.python_class().to_string(),
            msg: e.python_message(),
        }
    }
}

pub type R<T> = Result<T, PyErr>;

pub struct Interp<'a> {
    /// The engine, waited on call by call; it keeps only the sockets it announces (the
    /// connections accepted, named by accept's answer).
    client: Client,
    vars: HashMap<String, Value>,
    out: &'a mut dyn Write,
    pub(super) default_timeout: Option<f64>,
}

impl<'a> Interp<'a> {
    pub fn new(client: Client, out: &'a mut dyn Write) -> Interp<'a> {
        Interp {
            client: client.keeping(|e| matches!(e, Event::Created { .. })),
            vars: HashMap::new(),
            out,
            default_timeout: None,
        }
    }

    /// The engine's client, given back (to shut it down).
    pub fn into_client(self) -> Client {
        self.client
    }

    /// Runs every line; returns whether any statement raised.
    pub fn run(&mut self, lines: &[Line]) -> bool {
        let mut raised = false;
        for line in lines {
            for stmt in &line.stmts {
                if let Err(e) = self.exec(stmt) {
                    let _ = writeln!(self.out, "{}", e.line());
                    raised = true;
                    break;
                }
            }
            let _ = self.out.flush();
        }
        raised
    }

    fn exec(&mut self, stmt: &Stmt) -> R<()> {
        match stmt {
            Stmt::Pass => Ok(()),
            Stmt::Import { modules, .. } => {
                for (m, alias) in modules {
                    let v = Value::Module(module_name(m));
                    self.vars
                        .insert(alias.clone().unwrap_or_else(|| m.clone()), v);
                }
                Ok(())
            }
            Stmt::FromImport { module, names, .. } => {
                let m = Value::Module(module_name(module));
                match names {
                    None => {
                        for (n, v) in constants::all() {
                            self.vars.insert(n.to_string(), v);
                        }
                        for f in super::check::SOCKET_FUNCS {
                            let v = self.getattr(&m, f)?;
                            self.vars.insert(f.to_string(), v);
                        }
                    }
                    Some(ns) => {
                        for (n, alias) in ns {
                            let v = self.getattr(&m, n).map_err(|_| {
                                PyErr::new(
                                    "ImportError",
                                    format!("cannot import name '{n}' from '{module}'"),
                                )
                            })?;
                            self.vars
                                .insert(alias.clone().unwrap_or_else(|| n.clone()), v);
                        }
                    }
                }
                Ok(())
            }
            Stmt::Assign { targets, value } => {
                let v = self.eval(value)?;
                for t in targets {
                    self.assign(t, v.clone())?;
                }
                Ok(())
            }
            Stmt::AugAssign {
                name, op, value, ..
            } => {
                let cur = self.lookup(name)?;
                let rhs = self.eval(value)?;
                let v = ops::binary(op, &cur, &rhs)?;
                self.vars.insert(name.clone(), v);
                Ok(())
            }
            Stmt::Expr(e) => {
                let v = self.eval(e)?;
                if !matches!(v, Value::None) {
                    let text = self.repr(&v)?;
                    let _ = writeln!(self.out, "{text}");
                    self.vars.insert("_".into(), v);
                }
                Ok(())
            }
        }
    }

    fn assign(&mut self, t: &Target, v: Value) -> R<()> {
        match t {
            Target::Name(n) => {
                self.vars.insert(n.clone(), v);
                Ok(())
            }
            Target::Seq { items, .. } => {
                let vals = match &v {
                    Value::Tuple(_) | Value::List(_) | Value::Str(_) | Value::Bytes(_) => {
                        ops::items(&v)?
                    }
                    other => {
                        return Err(PyErr::new(
                            "TypeError",
                            format!("cannot unpack non-iterable {} object", other.type_name()),
                        ))
                    }
                };
                if vals.len() < items.len() {
                    return Err(PyErr::new(
                        "ValueError",
                        format!(
                            "not enough values to unpack (expected {}, got {})",
                            items.len(),
                            vals.len()
                        ),
                    ));
                }
                if vals.len() > items.len() {
                    return Err(PyErr::new(
                        "ValueError",
                        format!("too many values to unpack (expected {})", items.len()),
                    ));
                }
                for (t, v) in items.iter().zip(vals) {
                    self.assign(t, v)?;
                }
                Ok(())
            }
        }
    }

    fn lookup(&self, name: &str) -> R<Value> {
        if let Some(v) = self.vars.get(name) {
            return Ok(v.clone());
        }
        if let Some(b) = BUILTINS.iter().find(|b| **b == name) {
            return Ok(Value::Func(b));
        }
        Err(PyErr::new(
            "NameError",
            format!("name '{name}' is not defined"),
        ))
    }

    pub(super) fn repr(&mut self, v: &Value) -> R<String> {
        let mut draw = |s: &SockObj| net::socket_repr(&mut self.client, s);
        checked_repr(v, &mut draw, ops::value_limit()).map_err(refused)
    }

    fn str_of(&mut self, v: &Value) -> R<String> {
        let mut draw = |s: &SockObj| net::socket_repr(&mut self.client, s);
        checked_str(v, &mut draw, ops::value_limit()).map_err(refused)
    }

    fn eval(&mut self, e: &Expr) -> R<Value> {
        match e {
            Expr::Lit(l) => Ok(match l {
                Lit::None => Value::None,
                Lit::Bool(b) => Value::Bool(*b),
                Lit::Int(i) => Value::Int(*i),
                Lit::Float(f) => Value::Float(*f),
                Lit::Str(s) => Value::str(s),
                Lit::Bytes(b) => Value::bytes(b),
            }),
            Expr::Name { name, .. } => self.lookup(name),
            Expr::Tuple(items) => Ok(Value::Tuple(self.eval_all(items)?.into())),
            Expr::List(items) => Ok(Value::List(self.eval_all(items)?.into())),
            Expr::Attr { obj, name, .. } => {
                let o = self.eval(obj)?;
                self.getattr(&o, name)
            }
            Expr::Call { func, args, pos } => {
                let f = self.eval(func)?;
                let mut pos_args = Vec::new();
                let mut kw = Vec::new();
                for a in args {
                    match a {
                        Arg::Pos(e) => pos_args.push(self.eval(e)?),
                        Arg::Kw(k, e) => kw.push((k.clone(), self.eval(e)?)),
                    }
                }
                self.call(&f, pos_args, kw, *pos)
            }
            Expr::Index { obj, index, .. } => {
                let o = self.eval(obj)?;
                match index.as_ref() {
                    Index::Single(i) => {
                        let i = self.eval(i)?;
                        ops::index(&o, &i)
                    }
                    Index::Slice(a, b, c) => {
                        let a = a.as_ref().map(|x| self.eval(x)).transpose()?;
                        let b = b.as_ref().map(|x| self.eval(x)).transpose()?;
                        let c = c.as_ref().map(|x| self.eval(x)).transpose()?;
                        ops::slice(&o, a.as_ref(), b.as_ref(), c.as_ref())
                    }
                }
            }
            Expr::Binary {
                op, left, right, ..
            } => {
                let l = self.eval(left)?;
                let r = self.eval(right)?;
                ops::binary(op, &l, &r)
            }
            Expr::Unary { op, operand, .. } => {
                let v = self.eval(operand)?;
                ops::unary(op, &v)
            }
            Expr::Compare { first, rest, .. } => {
                let mut left = self.eval(first)?;
                for (op, e) in rest {
                    let right = self.eval(e)?;
                    if !ops::compare(op, &left, &right)? {
                        return Ok(Value::Bool(false));
                    }
                    left = right;
                }
                Ok(Value::Bool(true))
            }
            // The first falsy (and) or truthy (or) term, else the last: as Python.
            Expr::And(terms) | Expr::Or(terms) => {
                let or = matches!(e, Expr::Or(_));
                let mut last = Value::None;
                for t in terms {
                    last = self.eval(t)?;
                    if last.truthy() == or {
                        break;
                    }
                }
                Ok(last)
            }
            Expr::Not(a) => Ok(Value::Bool(!self.eval(a)?.truthy())),
        }
    }

    fn eval_all(&mut self, items: &[Expr]) -> R<Vec<Value>> {
        items.iter().map(|e| self.eval(e)).collect()
    }

    pub(super) fn getattr(&mut self, o: &Value, name: &str) -> R<Value> {
        let method = |o: &Value| {
            Ok(Value::Method {
                obj: Box::new(o.clone()),
                name: Rc::from(name),
            })
        };
        let missing = |what: String| Err(PyErr::new("AttributeError", what));
        match o {
            Value::Module(m) => {
                let qualified = format!("{m}.{name}");
                if let Some(f) = MODULE_FUNCS.iter().find(|f| **f == qualified) {
                    return Ok(Value::Func(f));
                }
                if *m == "socket" {
                    if name == "socket" {
                        return Ok(Value::SocketClass);
                    }
                    if let Some(v) = constants::lookup(name) {
                        return Ok(v);
                    }
                }
                missing(format!("module '{m}' has no attribute '{name}'"))
            }
            Value::Socket(s) => match name {
                "family" => Ok(constants::as_enum("AddressFamily", s.family)),
                "type" => Ok(constants::as_enum("SocketKind", s.kind)),
                "proto" => Ok(Value::Int(s.proto)),
                n if super::check::SOCKET_METHODS.contains(&n) => method(o),
                _ => missing(format!("'socket' object has no attribute '{name}'")),
            },
            Value::SocketClass => {
                missing(format!("type object 'socket' has no attribute '{name}'"))
            }
            Value::Str(_)
                if matches!(
                    name,
                    "encode" | "upper" | "lower" | "strip" | "lstrip" | "rstrip"
                ) =>
            {
                method(o)
            }
            Value::Bytes(_)
                if matches!(
                    name,
                    "decode"
                        | "upper"
                        | "lower"
                        | "strip"
                        | "lstrip"
                        | "rstrip"
                        | "hex"
                        | "fromhex"
                ) =>
            {
                method(o)
            }
            Value::Func("bytes") if name == "fromhex" => Ok(Value::Func("bytes.fromhex")),
            Value::Mac(_) | Value::Hash(_) if matches!(name, "hexdigest" | "digest" | "update") => {
                method(o)
            }
            other => missing(format!(
                "'{}' object has no attribute '{name}'",
                other.type_name()
            )),
        }
    }

    fn call(
        &mut self,
        f: &Value,
        args: Vec<Value>,
        kw: Vec<(String, Value)>,
        _pos: Pos,
    ) -> R<Value> {
        match f {
            Value::Func(name) => self.call_func(name, args, kw),
            Value::SocketClass => self.call_func("socket.socket", args, kw),
            Value::Method { obj, name } => match obj.as_ref() {
                Value::Socket(s) => {
                    let s = s.clone();
                    net::socket_method(self, &s, name, args, kw)
                }
                Value::Str(s) => ops::str_method(s, name, &args, &kw),
                Value::Bytes(b) => ops::bytes_method(b, name, &args, &kw),
                Value::Mac(_) | Value::Hash(_) => net::digest_method(obj, name, args),
                other => Err(PyErr::new(
                    "TypeError",
                    format!("'{}' object is not callable", other.type_name()),
                )),
            },
            other => Err(PyErr::new(
                "TypeError",
                format!("'{}' object is not callable", other.type_name()),
            )),
        }
    }

    fn call_func(&mut self, name: &str, args: Vec<Value>, kw: Vec<(String, Value)>) -> R<Value> {
        match name {
            "print" => {
                let mut sep = " ".to_string();
                let mut end = "\n".to_string();
                for (k, v) in &kw {
                    let s = match v {
                        Value::None => None,
                        Value::Str(s) => Some(s.to_string()),
                        o => {
                            return Err(PyErr::new(
                                "TypeError",
                                format!("{k} must be None or a string, not {}", o.type_name()),
                            ))
                        }
                    };
                    match k.as_str() {
                        "sep" => sep = s.unwrap_or_else(|| " ".into()),
                        "end" => end = s.unwrap_or_else(|| "\n".into()),
                        "flush" => {}
                        _ => {
                            return Err(PyErr::new(
                                "TypeError",
                                format!("'{k}' is an invalid keyword argument for print()"),
                            ))
                        }
                    }
                }
                let parts = args
                    .iter()
                    .map(|a| self.str_of(a))
                    .collect::<R<Vec<String>>>()?;
                let _ = write!(self.out, "{}{}", parts.join(&sep), end);
                Ok(Value::None)
            }
            "repr" => {
                let a = one_arg("repr", &args)?;
                Ok(Value::str(&self.repr(a)?))
            }
            "str" => match args.as_slice() {
                [] => Ok(Value::str("")),
                [v] => Ok(Value::str(&self.str_of(v)?)),
                [Value::Bytes(b), enc, ..] => {
                    ops::bytes_method(b, "decode", std::slice::from_ref(enc), &[])
                }
                [o, ..] => Err(PyErr::new(
                    "TypeError",
                    format!(
                        "decoding to str: need a bytes-like object, {} found",
                        o.type_name()
                    ),
                )),
            },
            _ => net::call_builtin(self, name, args, kw),
        }
    }

    /// Sends one operation to a socket and waits for its answer.
    pub(super) fn call_socket(&mut self, id: SocketId, op: crate::engine::Op) -> R<Reply> {
        self.call_engine(id, op).map_err(PyErr::from)
    }

    /// The engine's answer as it gave it (for the calls that look at the errno).
    pub(super) fn call_engine(
        &mut self,
        id: SocketId,
        op: crate::engine::Op,
    ) -> Result<Reply, crate::engine::OpError> {
        self.client.call(id, op)
    }

    /// Creates a socket through the engine and waits for it.
    pub(super) fn create_socket(&mut self, how: Create) -> R<SocketInfo> {
        self.client.create(how).map_err(PyErr::from)
    }

    /// What the engine announced of a connection it accepted.
    pub(super) fn take_created(&mut self, id: SocketId) -> Option<SocketInfo> {
        self.client.created(id)
    }
}

/// A repr() refused: nested past what CPython's recursion limit allows, or larger than a
/// value may be.
fn refused(e: ReprError) -> PyErr {
    match e {
        ReprError::TooDeep => PyErr::new(
            "RecursionError",
            "maximum recursion depth exceeded while getting the repr of an object",
        ),
        ReprError::TooBig => PyErr::new("MemoryError", ""),
    }
}

/// Module functions the subset implements.
pub const MODULE_FUNCS: &[&str] = &[
    "socket.create_connection",
    "socket.gethostname",
    "socket.gethostbyname",
    "socket.getdefaulttimeout",
    "socket.setdefaulttimeout",
    "time.sleep",
    "time.time",
    "time.monotonic",
    "os.urandom",
    "hmac.new",
    "hmac.compare_digest",
    "hashlib.md5",
    "hashlib.sha1",
    "hashlib.sha256",
];

fn module_name(m: &str) -> &'static str {
    super::check::MODULES
        .iter()
        .find(|x| **x == m)
        .copied()
        .unwrap_or("socket")
}

pub(super) fn one_arg<'v>(fname: &str, args: &'v [Value]) -> R<&'v Value> {
    match args {
        [a] => Ok(a),
        _ => Err(PyErr::new(
            "TypeError",
            format!(
                "{fname}() takes exactly one argument ({} given)",
                args.len()
            ),
        )),
    }
}
