//! Arguments of socklab's socket methods, taken as CPython's C code takes them: the same
//! counts, conversions and messages (`recv() takes at least 1 argument (0 given)`,
//! `signed integer is greater than maximum`), which RustPython's own argument parsing words
//! differently.

use rustpython_vm::builtins::{PyFloat, PyInt, PyStr, PyTypeRef};
use rustpython_vm::function::{ArgBytesLike, FuncArgs};
use rustpython_vm::{PyObjectRef, PyResult, TryFromObject, VirtualMachine};

/// The positional arguments of a method that takes no keywords, between `min` and `max`
/// of them; `counts` words the message for a wrong count as the method's C code does.
pub fn positional(
    args: FuncArgs,
    name: &str,
    min: usize,
    max: usize,
    counts: Counts,
    vm: &VirtualMachine,
) -> PyResult<Vec<PyObjectRef>> {
    if !args.kwargs.is_empty() {
        return Err(vm.new_type_error(format!("{name}() takes no keyword arguments")));
    }
    let n = args.args.len();
    if (min..=max).contains(&n) {
        return Ok(args.args);
    }
    let plural = |k: usize| if k == 1 { "argument" } else { "arguments" };
    let msg = match counts {
        Counts::One => format!("socket.{name}() takes exactly one argument ({n} given)"),
        Counts::Range if min == max => {
            format!("{name}() takes exactly {min} {} ({n} given)", plural(min))
        }
        Counts::Range if n < min => {
            format!("{name}() takes at least {min} {} ({n} given)", plural(min))
        }
        Counts::Range => format!("{name}() takes at most {max} {} ({n} given)", plural(max)),
        Counts::Either => format!("{name}() takes {min} or {max} arguments ({n} given)"),
    };
    Err(vm.new_type_error(msg))
}

/// How CPython words a wrong number of arguments for a method.
#[derive(Clone, Copy)]
pub enum Counts {
    /// METH_O: `socket.bind() takes exactly one argument (2 given)`.
    One,
    /// PyArg_ParseTuple: `recv() takes at least 1 argument (0 given)`.
    Range,
    /// `sendto() takes 2 or 3 arguments (1 given)`.
    Either,
}

fn is_negative(i: &PyInt) -> bool {
    i.as_bigint().to_string().starts_with('-')
}

/// An integer as `__index__` gives it (CPython's TypeError for anything else).
pub fn index(obj: &PyObjectRef, vm: &VirtualMachine) -> PyResult<rustpython_vm::PyRef<PyInt>> {
    obj.try_index(vm)
}

/// A C int ("i"): OverflowError past its range, in CPython's words.
pub fn c_int(obj: &PyObjectRef, vm: &VirtualMachine) -> PyResult<i32> {
    let i = index(obj, vm)?;
    match i.try_to_primitive::<i32>(vm) {
        Ok(v) => Ok(v),
        Err(_) if is_negative(&i) => {
            Err(vm.new_overflow_error("signed integer is less than minimum".to_owned()))
        }
        Err(_) => Err(vm.new_overflow_error("signed integer is greater than maximum".to_owned())),
    }
}

/// A C int as _PyLong_AsInt takes it (shutdown's how).
pub fn c_int_strict(obj: &PyObjectRef, vm: &VirtualMachine) -> PyResult<i32> {
    index(obj, vm)?
        .try_to_primitive::<i32>(vm)
        .map_err(|_| vm.new_overflow_error("Python int too large to convert to C int".to_owned()))
}

/// A Py_ssize_t ("n").
pub fn ssize(obj: &PyObjectRef, vm: &VirtualMachine) -> PyResult<isize> {
    index(obj, vm)?.try_to_primitive::<isize>(vm).map_err(|_| {
        vm.new_overflow_error("Python int too large to convert to C ssize_t".to_owned())
    })
}

/// The bytes of a bytes-like object ("y*").
pub fn bytes_like(obj: &PyObjectRef, vm: &VirtualMachine) -> PyResult<Vec<u8>> {
    match ArgBytesLike::try_from_object(vm, obj.clone()) {
        Ok(b) => {
            let v = b.borrow_buf().to_vec();
            Ok(v)
        }
        Err(_) => Err(vm.new_type_error(format!(
            "a bytes-like object is required, not '{}'",
            obj.class().name()
        ))),
    }
}

/// A host as CPython's address parsing takes it: str, bytes or bytearray.
pub fn host(obj: &PyObjectRef, vm: &VirtualMachine) -> PyResult<String> {
    if let Some(s) = obj.downcast_ref::<PyStr>() {
        return Ok(s.to_string_lossy().into_owned());
    }
    match ArgBytesLike::try_from_object(vm, obj.clone()) {
        Ok(b) => {
            let host = String::from_utf8_lossy(&b.borrow_buf()).into_owned();
            Ok(host)
        }
        Err(_) => Err(vm.new_type_error(format!(
            "str, bytes or bytearray expected, not {}",
            obj.class().name()
        ))),
    }
}

/// Whether the object is a float (timeouts treat floats and ints apart).
pub fn float(obj: &PyObjectRef) -> Option<f64> {
    obj.downcast_ref::<PyFloat>().map(|f| f.to_f64())
}

/// An exception of class `ty` with one message: OSError's subclasses carry a payload of
/// their own and are made their way.
pub fn exception(
    vm: &VirtualMachine,
    ty: PyTypeRef,
    msg: &str,
) -> rustpython_vm::builtins::PyBaseExceptionRef {
    if ty.fast_issubclass(vm.ctx.exceptions.os_error) {
        vm.new_os_subtype_error(ty, None, msg.to_owned()).upcast()
    } else {
        vm.new_exception_msg(ty, msg.to_owned().into())
    }
}

/// A built-in exception class by name (`ValueError`), or OSError.
pub fn builtin_class(vm: &VirtualMachine, name: &str) -> PyTypeRef {
    vm.builtins
        .get_attr(&*vm.ctx.new_str(name), vm)
        .ok()
        .and_then(|t| t.downcast::<rustpython_vm::builtins::PyType>().ok())
        .unwrap_or_else(|| vm.ctx.exceptions.os_error.to_owned())
}
