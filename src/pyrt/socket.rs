//! `_socklab.socket`: the class under Python's `socket.socket`. Its sockets are the
//! engine's (a worker thread each, as the window's), so what a program does is what the
//! engine reports; the rest of `_socket` (getaddrinfo, inet_*, constants...) stays
//! RustPython's. The prelude puts this class in `_socket` before `socket.py` subclasses it.

pub(crate) use _socklab::module_def;

/// The engine's socket a Python socket object holds (also through socket.py's subclass).
pub(crate) fn engine_id(obj: &rustpython_vm::PyObject) -> Option<crate::engine::SocketId> {
    obj.downcast_ref::<_socklab::EngineSocket>()
        .and_then(|s| s.engine_id())
}

/// Lets go of the engine's socket without closing it (a socket the window made and shared
/// into a session that ends: the window's socket stays).
pub(crate) fn forget(obj: &rustpython_vm::PyObject) {
    if let Some(s) = obj.downcast_ref::<_socklab::EngineSocket>() {
        s.forget();
    }
}

#[rustpython_vm::pymodule]
mod _socklab {
    use std::sync::Mutex;

    use rustpython_vm::convert::TryFromObject;
    use rustpython_vm::pyclass;

    use rustpython_vm::{
        builtins::PyBaseExceptionRef,
        function::{ArgMemoryBuffer, FuncArgs, OptionalArg, OptionalOption},
        types::{Constructor, DefaultConstructor, Destructor, Initializer, Representable},
        AsObject, Py, PyObjectRef, PyPayload, PyRef, PyResult, VirtualMachine,
    };

    use crate::engine::command::{ns_to_secs, python_ns, python_ns_from_int};
    use crate::engine::{
        AddrSpec, Create, Endpoint, ErrorKind, Family, How, Kind, Op, OpError, OptValue, Reply,
        SocketId, Timeout,
    };
    use crate::pyrt::args::{self, Counts};
    use crate::pyrt::engine_link as link;

    /// What a socket object knows without asking the engine.
    #[derive(Debug, Clone, Copy)]
    struct Inner {
        /// None once closed or detached.
        id: Option<SocketId>,
        fd: i32,
        family: i32,
        kind: i32,
        proto: i32,
        /// Python's view: None blocks, 0.0 never waits, else seconds.
        timeout: Option<f64>,
    }

    #[pyattr]
    #[pyclass(module = "_socket", name = "socket")]
    #[derive(Debug, PyPayload)]
    pub struct EngineSocket {
        inner: Mutex<Inner>,
        owner: Owner,
    }

    /// The session whose engine holds the socket. RustPython's cycle collector is one for
    /// the whole process: run by another session's thread, it may drop an object there,
    /// and the `__del__` it runs is handed that session's interpreter, not this one's.
    #[derive(Default)]
    struct Owner(Mutex<Option<std::sync::Arc<link::Link>>>);

    impl std::fmt::Debug for Owner {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Owner")
        }
    }

    impl Owner {
        fn set(&self, link: std::sync::Arc<link::Link>) {
            *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(link);
        }

        /// The owning session's link, else (never given one) the calling interpreter's.
        fn get(&self, vm: &VirtualMachine) -> std::sync::Arc<link::Link> {
            let owner = self.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
            owner.unwrap_or_else(|| link::of(vm))
        }

        /// The link, let go of (the socket is closed or forgotten): an object kept long
        /// after, in a cycle, does not keep its session's engine alive.
        fn take(&self) -> Option<std::sync::Arc<link::Link>> {
            self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
        }
    }

    impl Default for EngineSocket {
        fn default() -> Self {
            EngineSocket {
                inner: Mutex::new(Inner {
                    id: None,
                    fd: -1,
                    family: libc::AF_INET,
                    kind: libc::SOCK_STREAM,
                    proto: 0,
                    timeout: None,
                }),
                owner: Owner::default(),
            }
        }
    }

    impl DefaultConstructor for EngineSocket {}

    #[derive(rustpython_vm::FromArgs)]
    pub struct RawInitArgs {
        #[pyarg(any, optional)]
        family: OptionalArg<PyObjectRef>,
        #[pyarg(any, optional)]
        r#type: OptionalArg<PyObjectRef>,
        #[pyarg(any, optional)]
        proto: OptionalArg<PyObjectRef>,
        #[pyarg(any, optional)]
        fileno: OptionalOption<PyObjectRef>,
    }

    /// socket()'s arguments, converted as CPython converts them ("|iiiO").
    pub struct InitArgs {
        family: OptionalArg<i32>,
        r#type: OptionalArg<i32>,
        proto: OptionalArg<i32>,
        fileno: OptionalOption<PyObjectRef>,
    }

    fn int_arg(v: OptionalArg<PyObjectRef>, vm: &VirtualMachine) -> PyResult<OptionalArg<i32>> {
        match v {
            OptionalArg::Present(o) => Ok(OptionalArg::Present(args::c_int(&o, vm)?)),
            OptionalArg::Missing => Ok(OptionalArg::Missing),
        }
    }

    impl Initializer for EngineSocket {
        type Args = RawInitArgs;

        fn init(zelf: PyRef<Self>, raw: Self::Args, vm: &VirtualMachine) -> PyResult<()> {
            let args = InitArgs {
                family: int_arg(raw.family, vm)?,
                r#type: int_arg(raw.r#type, vm)?,
                proto: int_arg(raw.proto, vm)?,
                fileno: raw.fileno,
            };
            let flags = libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
            let given_type = args.r#type.unwrap_or(-1);
            let how = match args.fileno.clone().flatten() {
                Some(obj) => {
                    let fd: i64 = obj.try_into_value(vm)?;
                    let fd = i32::try_from(fd)
                        .map_err(|_| vm.new_overflow_error("fd is too large".to_owned()))?;
                    if fd < 0 {
                        return Err(vm.new_value_error("negative file descriptor".to_owned()));
                    }
                    if let Some(id) = link::of(vm).take_accepted(fd) {
                        return zelf.wrap_accepted(id, fd, &args, vm);
                    }
                    Create::Adopt { fd }
                }
                None => Create::New {
                    family: Family::from_raw(args.family.unwrap_or(libc::AF_INET).max(0)),
                    kind: Kind::from_raw(match given_type {
                        -1 => libc::SOCK_STREAM,
                        t => t & !flags,
                    }),
                    proto: args.proto.unwrap_or(0).max(0),
                },
            };
            let adopted = matches!(how, Create::Adopt { .. });
            let made = link::of(vm).create(how, &mut || interrupted(vm))?;
            let (id, fd) = made.map_err(|e| op_error(vm, &e))?;
            let mut inner = Inner {
                id: Some(id),
                fd,
                family: args.family.unwrap_or(libc::AF_INET),
                kind: match given_type {
                    -1 => libc::SOCK_STREAM,
                    t => t & !flags,
                },
                proto: args.proto.unwrap_or(0).max(0),
                timeout: None,
            };
            if adopted {
                // As CPython: what the kernel says, where the caller did not say.
                let what = zelf_kind_of(fd);
                if args.family.is_missing() || args.family.as_option() == Some(&-1) {
                    inner.family = what.0;
                }
                if given_type == -1 {
                    inner.kind = what.1;
                }
                if args.proto.is_missing() || args.proto.as_option() == Some(&-1) {
                    inner.proto = what.2;
                }
            }
            *zelf.lock() = inner;
            zelf.owner.set(link::of(vm));
            // socket.setdefaulttimeout() applies to new sockets; SOCK_NONBLOCK in the
            // type makes one non-blocking.
            let default = default_timeout(vm)?;
            let timeout = if given_type != -1 && given_type & libc::SOCK_NONBLOCK != 0 {
                Some(0.0)
            } else {
                default
            };
            if timeout.is_some() {
                zelf.set_timeout(timeout, vm)?;
            }
            Ok(())
        }
    }

    impl EngineSocket {
        /// The object of a connection accept() answered: the listener's family, type and
        /// proto as socket.py passes them; blocking, or the default timeout.
        fn wrap_accepted(
            &self,
            id: SocketId,
            fd: i32,
            args: &InitArgs,
            vm: &VirtualMachine,
        ) -> PyResult<()> {
            // As CPython: what the kernel says, where the caller did not say.
            let said = |a: &OptionalArg<i32>| a.as_option().copied().filter(|v| *v != -1);
            let kernel = zelf_kind_of(fd);
            *self.lock() = Inner {
                id: Some(id),
                fd,
                family: said(&args.family).unwrap_or(kernel.0),
                kind: said(&args.r#type).unwrap_or(kernel.1),
                proto: said(&args.proto).unwrap_or(kernel.2),
                timeout: None,
            };
            self.owner.set(link::of(vm));
            let default = default_timeout(vm)?;
            if default.is_some() {
                self.set_timeout(default, vm)?;
            }
            Ok(())
        }
    }

    /// Refuses source that nests past CPython's limits before RustPython's parser sees it
    /// (guard.rs), then calls the built-in the prelude kept as `_original_NAME`. Native,
    /// so eval() and exec() without namespaces still see their caller's names.
    fn guarded(name: &str, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        if let Some(first) = args.args.first() {
            let text = match first.downcast_ref::<rustpython_vm::builtins::PyStr>() {
                Some(s) => Some(s.to_string_lossy().into_owned()),
                None => first
                    .downcast_ref::<rustpython_vm::builtins::PyBytes>()
                    .map(|b| String::from_utf8_lossy(b.as_bytes()).into_owned()),
            };
            if let Some(text) = text {
                crate::pyrt::refuse_too_deep(vm, &text, "<string>")?;
                let arg = |at: usize, key: &str| {
                    args.args
                        .get(at)
                        .or_else(|| args.kwargs.get(key))
                        .and_then(|v| v.downcast_ref::<rustpython_vm::builtins::PyStr>())
                        .map(|s| s.to_string_lossy().into_owned())
                };
                if name == "compile" && arg(2, "mode").as_deref() == Some("single") {
                    let file = arg(1, "filename").unwrap_or_else(|| "<string>".into());
                    crate::pyrt::refuse_more_than_one(vm, &text, &file)?;
                }
            }
        }
        let module = vm.import("_socklab", 0)?;
        let original = module.get_attr(&*vm.ctx.new_str(format!("_original_{name}")), vm)?;
        original.call(args, vm)
    }

    /// A timeout as socket.setdefaulttimeout takes it (CPython's checks and messages).
    /// The source of socklab's ssl module (ssl.py), which the prelude's importer runs.
    #[pyfunction]
    fn ssl_source() -> &'static str {
        include_str!("ssl.py")
    }

    #[pyfunction]
    fn timeout_value(v: PyObjectRef, vm: &VirtualMachine) -> PyResult<Option<f64>> {
        timeout_arg(v, vm)
    }

    /// The prelude's select(), poll() and epoll poll(): this thread waits in `call` for the
    /// descriptors `read` and `write` (sequences of ints) to become ready.
    #[pyfunction]
    fn select_begins(
        call: String,
        read: PyObjectRef,
        write: PyObjectRef,
        vm: &VirtualMachine,
    ) -> PyResult<()> {
        let read: Vec<i32> = read.try_to_value(vm)?;
        let write: Vec<i32> = write.try_to_value(vm)?;
        let link = link::of(vm);
        if link.tells() {
            // The sockets waited for go by the names the program has given them so far (a
            // statement that makes a socket and waits for it never ends to give them).
            crate::pyrt::session::name_main(vm);
            link.select_begins(&call, read, write);
        }
        Ok(())
    }

    /// This thread's wait ended, with something `ready` or not.
    #[pyfunction]
    fn select_ends(ready: bool, vm: &VirtualMachine) {
        link::of(vm).select_ends(ready);
    }

    #[pyfunction]
    fn eval(args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        guarded("eval", args, vm)
    }

    #[pyfunction]
    fn exec(args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        guarded("exec", args, vm)
    }

    #[pyfunction]
    fn compile(args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        guarded("compile", args, vm)
    }

    /// What a waiting call asks every 100 ms: Ctrl+C (a signal), or its session's
    /// interrupt.
    fn interrupted(vm: &VirtualMachine) -> PyResult<()> {
        vm.check_signals()?;
        crate::pyrt::session::check_interrupt(vm)
    }

    /// (family, type, proto) of a socket the engine adopted, as the kernel reports them.
    fn zelf_kind_of(fd: i32) -> (i32, i32, i32) {
        crate::sys::socket_kind_of(fd)
            .map(|w| (w.domain, w.kind, w.protocol))
            .unwrap_or((libc::AF_INET, libc::SOCK_STREAM, 0))
    }

    fn default_timeout(vm: &VirtualMachine) -> PyResult<Option<f64>> {
        let module = vm.import("_socket", 0)?;
        let t = module.get_attr("getdefaulttimeout", vm)?.call((), vm)?;
        if vm.is_none(&t) {
            Ok(None)
        } else {
            Ok(Some(t.try_into_value::<f64>(vm)?))
        }
    }

    impl Representable for EngineSocket {
        fn repr_str(zelf: &Py<Self>, _vm: &VirtualMachine) -> PyResult<String> {
            let i = *zelf.lock();
            Ok(format!(
                "<socket object, fd={}, family={}, type={}, proto={}>",
                i.fd, i.family, i.kind, i.proto
            ))
        }
    }

    impl Destructor for EngineSocket {
        fn del(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<()> {
            // As CPython closes a socket nobody holds (without waiting for the engine).
            let id = {
                let mut i = zelf.lock();
                i.fd = -1;
                i.id.take()
            };
            if let Some(id) = id {
                let link = zelf.owner.take().unwrap_or_else(|| link::of(vm));
                link.send(id, Op::Close);
            }
            Ok(())
        }
    }

    /// The last word when the object's memory goes: a collection whose `__del__` found no
    /// interpreter on the collecting thread (RustPython's `with_vm` then skips it, and the
    /// object counts as finalized) still closes the engine's socket, through its owner.
    impl Drop for EngineSocket {
        fn drop(&mut self) {
            let id = self
                .inner
                .get_mut()
                .unwrap_or_else(|p| p.into_inner())
                .id
                .take();
            // (One the session's end closed already is not closed again.)
            if let (Some(id), Some(link)) = (id, self.owner.take()) {
                if link.fd_of(id).is_some() {
                    link.send(id, Op::Close);
                }
            }
        }
    }

    /// An OpError as the exception CPython raises for it.
    fn op_error(vm: &VirtualMachine, e: &OpError) -> PyBaseExceptionRef {
        let exc = python_error(vm, e);
        crate::pyrt::explained::remember(vm, &exc, e);
        exc
    }

    fn python_error(vm: &VirtualMachine, e: &OpError) -> PyBaseExceptionRef {
        match &e.kind {
            ErrorKind::Os { errno } => errno_error(vm, *errno),
            ErrorKind::Timeout => {
                args::exception(vm, vm.ctx.exceptions.timeout_error.to_owned(), "timed out")
            }
            ErrorKind::Gai { code, message } => {
                let class = vm
                    .import("_socket", 0)
                    .and_then(|m| m.get_attr("gaierror", vm));
                match class {
                    Ok(class) => match class.call((*code, message.clone()), vm) {
                        Ok(exc) => exc
                            .downcast()
                            .unwrap_or_else(|_| vm.new_os_error(message.clone())),
                        Err(e) => e,
                    },
                    Err(e) => e,
                }
            }
            ErrorKind::Python { class, message } => {
                args::exception(vm, args::builtin_class(vm, class), message)
            }
            ErrorKind::Internal { message } => vm.new_os_error(message.clone()),
            // ssl.py's classes, with CPython's words (and errno: 1 for a refused
            // certificate, 8 for EOF, as OpenSSL's error codes are).
            ErrorKind::Tls { failure } => {
                let name = failure.python_class().trim_start_matches("ssl.");
                let code = match failure {
                    crate::engine::tls::TlsFailure::Eof => 8,
                    _ => 1,
                };
                let class = vm.import("ssl", 0).and_then(|m| m.get_attr(name, vm));
                match class {
                    Ok(class) => match class.call((code, failure.python_message()), vm) {
                        Ok(exc) => exc
                            .downcast()
                            .unwrap_or_else(|_| vm.new_os_error(failure.python_message())),
                        Err(e) => e,
                    },
                    Err(e) => e,
                }
            }
        }
    }

    /// OSError(errno, strerror) as CPython raises it: the subclass for the errno
    /// (ConnectionRefusedError...) and exactly those two args (`code, msg = e.args`).
    /// RustPython's own builder would add three Nones to args.
    fn errno_error(vm: &VirtualMachine, errno: i32) -> PyBaseExceptionRef {
        let text = crate::engine::errors::strerror(errno);
        let made = vm
            .ctx
            .exceptions
            .os_error
            .to_owned()
            .as_object()
            .call((errno, text.clone()), vm)
            .and_then(|e| {
                e.downcast::<rustpython_vm::builtins::PyBaseException>()
                    .map_err(|_| vm.new_type_error("OSError() made no exception".to_owned()))
            });
        made.unwrap_or_else(|_| vm.new_errno_error(errno, text).upcast())
    }

    /// EBADF as CPython raises it on a closed (or detached) socket, remembered as such for
    /// the console's word on it.
    fn closed_error(vm: &VirtualMachine) -> PyBaseExceptionRef {
        let e = errno_error(vm, libc::EBADF);
        crate::pyrt::explained::used_closed(&e);
        e
    }

    /// A socket address as Python gives it.
    fn endpoint(vm: &VirtualMachine, e: &Endpoint) -> PyObjectRef {
        match e {
            Endpoint::V4(a) => vm.new_tuple((a.ip().to_string(), a.port())).into(),
            Endpoint::V6(a) => vm
                .new_tuple((a.ip().to_string(), a.port(), a.flowinfo(), a.scope_id()))
                .into(),
            Endpoint::Unix(p) if p.first() == Some(&0) => vm.ctx.new_bytes(p.clone()).into(),
            Endpoint::Unix(p) => vm
                .ctx
                .new_str(String::from_utf8_lossy(p).into_owned())
                .into(),
            Endpoint::Other => vm.ctx.none(),
        }
    }

    impl EngineSocket {
        fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
            self.inner.lock().unwrap_or_else(|p| p.into_inner())
        }

        /// The engine's socket this object holds (None once closed or detached).
        pub(crate) fn engine_id(&self) -> Option<SocketId> {
            self.lock().id
        }

        /// No longer the engine's socket's object (closing it closes nothing).
        pub(crate) fn forget(&self) {
            let mut i = self.lock();
            i.id = None;
            i.fd = -1;
            self.owner.take();
        }

        /// The engine's id, or EBADF as CPython raises on a closed socket.
        fn id(&self, vm: &VirtualMachine) -> PyResult<SocketId> {
            self.lock().id.ok_or_else(|| closed_error(vm))
        }

        fn call(&self, op: Op, vm: &VirtualMachine) -> PyResult<Reply> {
            let id = self.id(vm)?;
            self.owner
                .get(vm)
                .call(id, op, &mut || interrupted(vm))?
                .map_err(|e| op_error(vm, &e))
        }

        /// A Python address for this socket's family, as the engine takes it, refused as
        /// CPython refuses it.
        fn addr(&self, obj: &PyObjectRef, op: &str, vm: &VirtualMachine) -> PyResult<AddrSpec> {
            let family = self.lock().family;
            match family {
                libc::AF_UNIX => {
                    let path = match obj.downcast_ref::<rustpython_vm::builtins::PyStr>() {
                        Some(s) => s.to_string_lossy().as_bytes().to_vec(),
                        None => args::bytes_like(obj, vm)?,
                    };
                    // sun_path holds 108 bytes (an abstract name may use them all).
                    let room = if path.first() == Some(&0) { 108 } else { 107 };
                    if path.len() > room {
                        return Err(vm.new_os_error("AF_UNIX path too long".to_owned()));
                    }
                    Ok(AddrSpec::Unix { path })
                }
                libc::AF_INET => {
                    let tuple = obj
                        .downcast_ref::<rustpython_vm::builtins::PyTuple>()
                        .ok_or_else(|| {
                            vm.new_type_error(format!(
                                "{op}(): AF_INET address must be tuple, not {}",
                                obj.class().name()
                            ))
                        })?;
                    let [h, p] = tuple.as_slice() else {
                        return Err(vm.new_type_error(
                            "AF_INET address must be a pair (host, port)".to_owned(),
                        ));
                    };
                    let host = args::host(h, vm)?;
                    let port = port(p, op, vm)?;
                    Ok(AddrSpec::Inet { host, port })
                }
                libc::AF_INET6 => {
                    let tuple = obj
                        .downcast_ref::<rustpython_vm::builtins::PyTuple>()
                        .ok_or_else(|| {
                            vm.new_type_error(format!(
                                "{op}(): AF_INET6 address must be tuple, not {}",
                                obj.class().name()
                            ))
                        })?;
                    let items = tuple.as_slice();
                    if !(2..=4).contains(&items.len()) {
                        return Err(vm.new_type_error(
                            "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])"
                                .to_owned(),
                        ));
                    }
                    let host = args::host(&items[0], vm)?;
                    let port = port(&items[1], op, vm)?;
                    let flowinfo = match items.get(2) {
                        Some(v) => {
                            let f = args::index(v, vm)?.try_to_primitive::<i64>(vm).ok();
                            f.and_then(|f| u32::try_from(f).ok())
                                .filter(|f| *f <= 0xfffff)
                                .ok_or_else(|| {
                                    vm.new_overflow_error(format!(
                                        "{op}(): flowinfo must be 0-1048575."
                                    ))
                                })?
                        }
                        None => 0,
                    };
                    let scope_id = match items.get(3) {
                        Some(v) => {
                            args::index(v, vm)?
                                .try_to_primitive::<u32>(vm)
                                .map_err(|_| {
                                    vm.new_overflow_error(
                                        "Python int too large to convert to C unsigned long"
                                            .to_owned(),
                                    )
                                })?
                        }
                        None => 0,
                    };
                    Ok(AddrSpec::Inet6 {
                        host,
                        port,
                        flowinfo,
                        scope_id,
                    })
                }
                _ => Err(vm.new_os_error(format!("{op}(): bad family"))),
            }
        }

        fn set_timeout(&self, timeout: Option<f64>, vm: &VirtualMachine) -> PyResult<()> {
            let t = match timeout {
                None => Timeout::Blocking,
                Some(0.0) => Timeout::NonBlocking,
                Some(s) => Timeout::Secs(s),
            };
            self.set_timeout_by(timeout, Op::SetTimeout { timeout: t }, vm)
        }

        /// The timeout set by `op` (settimeout, or setblocking: named in the window as the
        /// call it was).
        fn set_timeout_by(
            &self,
            timeout: Option<f64>,
            op: Op,
            vm: &VirtualMachine,
        ) -> PyResult<()> {
            // As CPython: a closed socket keeps the value, then the call fails.
            if self.lock().id.is_none() {
                self.lock().timeout = timeout;
                return Err(closed_error(vm));
            }
            self.call(op, vm)?;
            self.lock().timeout = timeout;
            Ok(())
        }
    }

    /// A port: an integer (CPython's TypeError otherwise) in 0..=65535.
    fn port(obj: &PyObjectRef, op: &str, vm: &VirtualMachine) -> PyResult<u16> {
        let p = args::index(obj, vm)?;
        p.try_to_primitive::<u16>(vm)
            .map_err(|_| vm.new_overflow_error(format!("{op}(): port must be 0-65535.")))
    }

    /// Largest buffer a recv may ask for: CPython makes the whole buffer first, so a size
    /// no memory holds is its MemoryError (socklab's line is at 1 GiB, as `-i`'s).
    const MAX_BUFSIZE: usize = 1 << 30;

    /// recv's and recvfrom's size: CPython's ValueError below zero, MemoryError past what
    /// can be made.
    fn bufsize(obj: &PyObjectRef, op: &str, vm: &VirtualMachine) -> PyResult<usize> {
        let n = args::ssize(obj, vm)?;
        let n = usize::try_from(n)
            .map_err(|_| vm.new_value_error(format!("negative buffersize in {op}")))?;
        if n > MAX_BUFSIZE {
            return Err(vm.new_memory_error(String::new()));
        }
        Ok(n)
    }

    /// The flags argument (a C int), 0 when absent.
    fn flags(v: Option<&PyObjectRef>, vm: &VirtualMachine) -> PyResult<i32> {
        v.map_or(Ok(0), |v| args::c_int(v, vm))
    }

    /// Seconds as CPython takes them for a timeout: whole nanoseconds; NaN, negative values
    /// and what 64 bits of nanoseconds cannot hold raise as in CPython.
    fn timeout_arg(v: PyObjectRef, vm: &VirtualMachine) -> PyResult<Option<f64>> {
        if vm.is_none(&v) {
            return Ok(None);
        }
        let ns = if let Some(f) = args::float(&v) {
            python_ns(f)
        } else {
            // As CPython: any integer (__index__), and past 64 bits the same OverflowError
            // as a product that does not fit.
            let i = v.try_index(vm)?;
            python_ns_from_int(i.try_to_primitive::<i64>(vm).unwrap_or(i64::MAX))
        };
        let ns =
            ns.map_err(|(class, msg)| args::exception(vm, args::builtin_class(vm, class), msg))?;
        if ns < 0 {
            return Err(vm.new_value_error("Timeout value out of range".to_owned()));
        }
        Ok(Some(ns_to_secs(ns)))
    }

    fn unexpected(reply: Reply, vm: &VirtualMachine) -> PyBaseExceptionRef {
        vm.new_system_error(format!("unexpected answer from the engine: {reply:?}"))
    }

    /// Copies what a recv_into of `nbytes` got into the caller's buffer, and answers the
    /// kernel's count, as CPython does: with MSG_TRUNC a datagram's whole length, of which
    /// only `nbytes` were written.
    fn into_buffer(
        buffer: &PyObjectRef,
        data: &[u8],
        nbytes: usize,
        vm: &VirtualMachine,
    ) -> PyResult<usize> {
        let buf = ArgMemoryBuffer::try_from_object(vm, buffer.clone())?;
        let mut b = buf.borrow_buf_mut();
        let len = data.len().min(nbytes).min(b.len());
        b[..len].copy_from_slice(&data[..len]);
        Ok(data.len())
    }

    /// The count a recv_into asks for: nbytes, or (0) the whole buffer.
    fn into_size(
        buffer: &PyObjectRef,
        nbytes: Option<&PyObjectRef>,
        op: &str,
        vm: &VirtualMachine,
    ) -> PyResult<usize> {
        let buf = ArgMemoryBuffer::try_from_object(vm, buffer.clone()).map_err(|_| {
            vm.new_type_error(format!(
                "{op}() argument 1 must be read-write bytes-like object, not {}",
                buffer.class().name()
            ))
        })?;
        let room = buf.borrow_buf_mut().len();
        let n = match nbytes {
            Some(v) => args::ssize(v, vm)?,
            None => 0,
        };
        match n {
            n if n < 0 => Err(vm.new_value_error(format!("negative buffersize in {op}"))),
            0 => Ok(room),
            n if n as usize > room => Err(vm.new_value_error(if op == "recv_into" {
                "buffer too small for requested bytes".to_owned()
            } else {
                "nbytes is greater than the length of the buffer".to_owned()
            })),
            n => Ok(n as usize),
        }
    }

    fn int_answer(reply: Reply, vm: &VirtualMachine) -> PyResult<i64> {
        match reply.int() {
            Some(i) => Ok(i),
            None => Err(unexpected(reply, vm)),
        }
    }

    fn addr_answer(reply: Reply, vm: &VirtualMachine) -> PyResult<PyObjectRef> {
        match reply {
            Reply::Addr(e) => Ok(endpoint(vm, &e)),
            other => Err(unexpected(other, vm)),
        }
    }

    fn from_answer(reply: Reply, vm: &VirtualMachine) -> PyResult<(Vec<u8>, PyObjectRef)> {
        match reply {
            Reply::BytesFrom { data, from } => {
                let addr = from.map_or_else(|| vm.ctx.none(), |e| endpoint(vm, &e));
                Ok((data, addr))
            }
            other => Err(unexpected(other, vm)),
        }
    }

    #[pyclass(
        with(Constructor, Initializer, Representable, Destructor),
        flags(BASETYPE)
    )]
    impl EngineSocket {
        #[pygetset]
        fn family(&self) -> i32 {
            self.lock().family
        }

        #[pygetset(name = "type")]
        fn kind(&self) -> i32 {
            self.lock().kind
        }

        #[pygetset]
        fn proto(&self) -> i32 {
            self.lock().proto
        }

        #[pygetset]
        fn timeout(&self) -> Option<f64> {
            self.lock().timeout
        }

        #[pymethod]
        fn fileno(&self) -> i32 {
            self.lock().fd
        }

        #[pymethod]
        fn gettimeout(&self) -> Option<f64> {
            self.lock().timeout
        }

        #[pymethod]
        fn settimeout(&self, a: FuncArgs, vm: &VirtualMachine) -> PyResult<()> {
            let a = args::positional(a, "settimeout", 1, 1, Counts::One, vm)?;
            let t = timeout_arg(a[0].clone(), vm)?;
            self.set_timeout(t, vm)
        }

        #[pymethod]
        fn setblocking(&self, a: FuncArgs, vm: &VirtualMachine) -> PyResult<()> {
            let a = args::positional(a, "setblocking", 1, 1, Counts::One, vm)?;
            let block = a[0].clone().try_to_bool(vm)?;
            let t = if block { None } else { Some(0.0) };
            self.set_timeout_by(t, Op::SetBlocking { blocking: block }, vm)
        }

        #[pymethod]
        fn getblocking(&self) -> bool {
            self.lock().timeout != Some(0.0)
        }

        #[pymethod]
        fn bind(&self, a: FuncArgs, vm: &VirtualMachine) -> PyResult<()> {
            let a = args::positional(a, "bind", 1, 1, Counts::One, vm)?;
            let addr = self.addr(&a[0], "bind", vm)?;
            self.call(Op::Bind { addr }, vm).map(drop)
        }

        #[pymethod]
        fn listen(&self, a: FuncArgs, vm: &VirtualMachine) -> PyResult<()> {
            let a = args::positional(a, "listen", 0, 1, Counts::Range, vm)?;
            // CPython's default: min(SOMAXCONN, 128); a negative backlog is 0.
            let backlog = match a.first() {
                Some(b) => args::c_int(b, vm)?.max(0),
                None => libc::SOMAXCONN.min(128),
            };
            self.call(Op::Listen { backlog }, vm).map(drop)
        }

        #[pymethod]
        fn _accept(&self, vm: &VirtualMachine) -> PyResult<(i32, PyObjectRef)> {
            match self.call(Op::Accept, vm)? {
                Reply::Accepted { conn, peer } => {
                    let link = self.owner.get(vm);
                    let fd = link.fd_of(conn).unwrap_or(-1);
                    link.hold_accepted(fd, conn);
                    link.made(conn);
                    Ok((fd, endpoint(vm, &peer)))
                }
                other => Err(unexpected(other, vm)),
            }
        }

        #[pymethod]
        fn connect(&self, a: FuncArgs, vm: &VirtualMachine) -> PyResult<()> {
            let a = args::positional(a, "connect", 1, 1, Counts::One, vm)?;
            let addr = self.addr(&a[0], "connect", vm)?;
            self.call(Op::Connect { addr }, vm).map(drop)
        }

        #[pymethod]
        fn connect_ex(&self, a: FuncArgs, vm: &VirtualMachine) -> PyResult<i64> {
            let a = args::positional(a, "connect_ex", 1, 1, Counts::One, vm)?;
            let addr = self.addr(&a[0], "connect_ex", vm)?;
            let open = self.lock().id.is_some();
            if !open {
                return Ok(i64::from(libc::EBADF));
            }
            let reply = self.call(Op::ConnectEx { addr }, vm)?;
            if let Reply::Errno(e) = &reply {
                crate::pyrt::explained::answered(e);
            }
            int_answer(reply, vm)
        }

        #[pymethod]
        fn send(&self, a: FuncArgs, vm: &VirtualMachine) -> PyResult<i64> {
            let a = args::positional(a, "send", 1, 2, Counts::Range, vm)?;
            let data = args::bytes_like(&a[0], vm)?;
            let flags = flags(a.get(1), vm)?;
            int_answer(self.call(Op::Send { data, flags }, vm)?, vm)
        }

        #[pymethod]
        fn sendall(&self, a: FuncArgs, vm: &VirtualMachine) -> PyResult<()> {
            let a = args::positional(a, "sendall", 1, 2, Counts::Range, vm)?;
            let data = args::bytes_like(&a[0], vm)?;
            let flags = flags(a.get(1), vm)?;
            self.call(Op::SendAll { data, flags }, vm).map(drop)
        }

        #[pymethod]
        fn sendto(&self, a: FuncArgs, vm: &VirtualMachine) -> PyResult<i64> {
            let a = args::positional(a, "sendto", 2, 3, Counts::Either, vm)?;
            let data = args::bytes_like(&a[0], vm)?;
            let (flags, address) = match a.len() {
                3 => (args::c_int(&a[1], vm)?, &a[2]),
                _ => (0, &a[1]),
            };
            let addr = self.addr(address, "sendto", vm)?;
            int_answer(self.call(Op::SendTo { data, flags, addr }, vm)?, vm)
        }

        #[pymethod]
        fn recv(&self, a: FuncArgs, vm: &VirtualMachine) -> PyResult<Vec<u8>> {
            let a = args::positional(a, "recv", 1, 2, Counts::Range, vm)?;
            let bufsize = bufsize(&a[0], "recv", vm)?;
            let flags = flags(a.get(1), vm)?;
            // CPython answers recv(0) without a system call, even on a closed socket.
            if bufsize == 0 {
                return Ok(Vec::new());
            }
            match self.call(Op::Recv { bufsize, flags }, vm)? {
                Reply::Bytes(b) => {
                    let stream = self.lock().kind & 0xf == libc::SOCK_STREAM;
                    if b.is_empty() && stream {
                        crate::pyrt::explained::read_ended(self.id(vm)?);
                    }
                    Ok(b)
                }
                other => Err(unexpected(other, vm)),
            }
        }

        #[pymethod]
        fn recv_into(&self, a: FuncArgs, vm: &VirtualMachine) -> PyResult<usize> {
            let a = args::positional(a, "recv_into", 1, 3, Counts::Range, vm)?;
            let n = into_size(&a[0], a.get(1), "recv_into", vm)?;
            let flags = flags(a.get(2), vm)?;
            if n == 0 {
                return Ok(0);
            }
            match self.call(Op::RecvInto { nbytes: n, flags }, vm)? {
                Reply::Bytes(b) => into_buffer(&a[0], &b, n, vm),
                other => Err(unexpected(other, vm)),
            }
        }

        #[pymethod]
        fn recvfrom(&self, a: FuncArgs, vm: &VirtualMachine) -> PyResult<(Vec<u8>, PyObjectRef)> {
            let a = args::positional(a, "recvfrom", 1, 2, Counts::Range, vm)?;
            let bufsize = bufsize(&a[0], "recvfrom", vm)?;
            let flags = flags(a.get(1), vm)?;
            from_answer(self.call(Op::RecvFrom { bufsize, flags }, vm)?, vm)
        }

        #[pymethod]
        fn recvfrom_into(
            &self,
            a: FuncArgs,
            vm: &VirtualMachine,
        ) -> PyResult<(usize, PyObjectRef)> {
            let a = args::positional(a, "recvfrom_into", 1, 3, Counts::Range, vm)?;
            let n = into_size(&a[0], a.get(1), "recvfrom_into", vm)?;
            let flags = flags(a.get(2), vm)?;
            let (data, addr) =
                from_answer(self.call(Op::RecvFromInto { nbytes: n, flags }, vm)?, vm)?;
            Ok((into_buffer(&a[0], &data, n, vm)?, addr))
        }

        #[pymethod]
        fn shutdown(&self, a: FuncArgs, vm: &VirtualMachine) -> PyResult<()> {
            let a = args::positional(a, "shutdown", 1, 1, Counts::One, vm)?;
            let how = args::c_int_strict(&a[0], vm)?;
            let how = How::from_raw(how).ok_or_else(|| errno_error(vm, libc::EINVAL))?;
            let id = self.id(vm)?;
            let done = self.call(Op::Shutdown { how }, vm).map(drop);
            // Its b'' is then its own doing, not a peer's close (said otherwise). Even a
            // failed one may have shut it (an unconnected UDP socket's ENOTCONN).
            if matches!(how, How::Read | How::Both) {
                crate::pyrt::explained::shut_read(id);
            }
            done
        }

        #[pymethod]
        fn close(&self, vm: &VirtualMachine) -> PyResult<()> {
            // A file that closes its socket before the window's next look at its names
            // (a short client) still shows it under the name it gave it.
            crate::pyrt::session::name_main(vm);
            let id = {
                let mut i = self.lock();
                i.fd = -1;
                i.id.take()
            };
            let Some(id) = id else { return Ok(()) };
            // Not interruptible: it does not wait on the network, and an interrupted close
            // would leave the descriptor open with no object to close it.
            let link = self.owner.take().unwrap_or_else(|| link::of(vm));
            let res = link.call(id, Op::Release, &mut || Ok::<(), PyBaseExceptionRef>(()))?;
            // As CPython: a close whose socket the kernel had already reset is no error.
            match res {
                Err(e) if e.errno() != Some(libc::ECONNRESET) => Err(op_error(vm, &e)),
                _ => Ok(()),
            }
        }

        /// CPython hands the descriptor itself over; the engine keeps its own, so this
        /// hands over a duplicate of it and closes the engine's.
        #[pymethod]
        fn detach(&self, vm: &VirtualMachine) -> PyResult<i32> {
            let fd = self.lock().fd;
            if fd < 0 {
                return Ok(-1);
            }
            let os = vm.import("os", 0)?;
            let dup: i32 = os
                .get_attr("dup", vm)?
                .call((fd,), vm)?
                .try_into_value(vm)?;
            self.close(vm)?;
            Ok(dup)
        }

        /// What ssl.py's SSLSocket asks of the engine: TLS from now on (side "client" or
        /// "server"; a socket that has a session finishes its handshake), with
        /// (side, server_hostname, verify, cafile, certfile, keyfile, alpn, check_hostname),
        /// answered with
        /// (version, cipher, alpn, verified, chain) where chain holds (subject, issuer,
        /// not_before, not_after, sans, der, serial) per certificate.
        #[pymethod]
        fn _socklab_tls(&self, a: FuncArgs, vm: &VirtualMachine) -> PyResult<PyObjectRef> {
            use crate::engine::tls::{CertSource, TlsSpec, Verification, Verify};
            let a = args::positional(a, "_socklab_tls", 8, 8, Counts::Range, vm)?;
            let text = |o: &PyObjectRef| -> PyResult<Option<String>> {
                if vm.is_none(o) {
                    return Ok(None);
                }
                o.str(vm).map(|s| Some(s.to_string_lossy().into_owned()))
            };
            let side = text(&a[0])?.unwrap_or_default();
            let alpn: Vec<String> = match text(&a[6])? {
                Some(list) => list
                    .split(',')
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect(),
                None => Vec::new(),
            };
            let spec = match side.as_str() {
                "server" => {
                    let cert = match (text(&a[4])?, text(&a[5])?) {
                        (Some(c), Some(k)) => CertSource::Files {
                            cert: c.into(),
                            key: k.into(),
                        },
                        _ => CertSource::SelfSigned,
                    };
                    TlsSpec::Server { cert, alpn }
                }
                _ => {
                    let verify = match (text(&a[2])?.as_deref(), text(&a[3])?) {
                        (Some("cafile"), Some(path)) => Verify::CaFile { path: path.into() },
                        (Some("none"), _) => Verify::Off,
                        _ => Verify::System,
                    };
                    TlsSpec::Client {
                        // None: no SNI, the peer's address as the name (as OpenSSL).
                        server_name: text(&a[1])?.unwrap_or_default(),
                        alpn,
                        verify,
                        check_name: a[7].clone().try_to_bool(vm)?,
                    }
                }
            };
            let info = match self.call(Op::StartTls { spec }, vm)? {
                Reply::Tls(info) => info,
                other => return Err(unexpected(other, vm)),
            };
            let opt = |s: &Option<String>| -> PyObjectRef {
                match s {
                    Some(s) => vm.ctx.new_str(s.as_str()).into(),
                    None => vm.ctx.none(),
                }
            };
            let chain: Vec<PyObjectRef> = info
                .chain
                .iter()
                .map(|c| {
                    let sans: Vec<PyObjectRef> = c
                        .sans
                        .iter()
                        .map(|s| vm.ctx.new_str(s.as_str()).into())
                        .collect();
                    vm.ctx
                        .new_tuple(vec![
                            vm.ctx.new_str(c.subject.as_str()).into(),
                            vm.ctx.new_str(c.issuer.as_str()).into(),
                            vm.ctx.new_str(c.not_before.as_str()).into(),
                            vm.ctx.new_str(c.not_after.as_str()).into(),
                            vm.ctx.new_list(sans).into(),
                            vm.ctx.new_bytes(c.der.to_vec()).into(),
                            vm.ctx.new_str(c.serial.as_str()).into(),
                        ])
                        .into()
                })
                .collect();
            let verified = matches!(info.verification, Verification::Trusted);
            Ok(vm
                .ctx
                .new_tuple(vec![
                    opt(&info.version),
                    opt(&info.suite),
                    opt(&info.alpn),
                    vm.ctx.new_bool(verified).into(),
                    vm.ctx.new_list(chain).into(),
                ])
                .into())
        }

        #[pymethod]
        fn getsockname(&self, vm: &VirtualMachine) -> PyResult<PyObjectRef> {
            addr_answer(self.call(Op::GetSockName, vm)?, vm)
        }

        #[pymethod]
        fn getpeername(&self, vm: &VirtualMachine) -> PyResult<PyObjectRef> {
            addr_answer(self.call(Op::GetPeerName, vm)?, vm)
        }

        #[pymethod]
        fn setsockopt(&self, a: FuncArgs, vm: &VirtualMachine) -> PyResult<()> {
            let four = a.args.len() == 4;
            let want = if four { 4 } else { 3 };
            let a = args::positional(a, "setsockopt", want, want, Counts::Range, vm)?;
            let level = args::c_int(&a[0], vm)?;
            let name = args::c_int(&a[1], vm)?;
            let value = if four {
                if !vm.is_none(&a[2]) {
                    return Err(vm.new_type_error(format!(
                        "setsockopt() argument 3 must be NoneType, not {}",
                        a[2].class().name()
                    )));
                }
                let len = args::index(&a[3], vm)?
                    .try_to_primitive::<u32>(vm)
                    .map_err(|_| {
                        vm.new_overflow_error(
                            "Python int too large to convert to C unsigned long".to_owned(),
                        )
                    })?;
                OptValue::Bytes(vec![0; (len as usize).min(1 << 16)])
            } else {
                // As CPython: an int that fits a C int, else a bytes-like value.
                match args::c_int(&a[2], vm) {
                    Ok(i) => OptValue::Int(i64::from(i)),
                    Err(_) => OptValue::Bytes(args::bytes_like(&a[2], vm)?),
                }
            };
            self.call(Op::SetSockOpt { level, name, value }, vm)
                .map(drop)
        }

        #[pymethod]
        fn getsockopt(&self, a: FuncArgs, vm: &VirtualMachine) -> PyResult<PyObjectRef> {
            let a = args::positional(a, "getsockopt", 2, 3, Counts::Range, vm)?;
            let level = args::c_int(&a[0], vm)?;
            let name = args::c_int(&a[1], vm)?;
            let buflen = match a.get(2) {
                None => None,
                Some(v) => match args::c_int(v, vm)? {
                    // As CPython: 0 reads the option as an int.
                    0 => None,
                    n if (1..=1024).contains(&n) => Some(n as usize),
                    _ => return Err(vm.new_os_error("getsockopt buflen out of range".to_owned())),
                },
            };
            match self.call(
                Op::GetSockOpt {
                    level,
                    name,
                    buflen,
                },
                vm,
            )? {
                Reply::Int(i) => Ok(vm.ctx.new_int(i).into()),
                Reply::Bytes(b) => Ok(vm.ctx.new_bytes(b).into()),
                other => Err(unexpected(other, vm)),
            }
        }
    }
}
