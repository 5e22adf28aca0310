//! `_socklab.socket`: the class under Python's `socket.socket`. Its sockets are the
//! engine's (a worker thread each, as the window's), so what a program does is what the
//! engine reports; the rest of `_socket` (getaddrinfo, inet_*, constants...) stays
//! RustPython's. The prelude puts this class in `_socket` before `socket.py` subclasses it.

pub(crate) use _socklab::module_def;

#[rustpython_vm::pymodule]
mod _socklab {
    use std::sync::Mutex;

    use rustpython_vm::convert::TryFromObject;
    use rustpython_vm::pyclass;

    use rustpython_vm::{
        builtins::PyBaseExceptionRef,
        function::{ArgBytesLike, ArgMemoryBuffer, Either, OptionalArg, OptionalOption},
        types::{Constructor, DefaultConstructor, Destructor, Initializer, Representable},
        Py, PyObjectRef, PyPayload, PyRef, PyResult, VirtualMachine,
    };

    use crate::engine::command::{ns_to_secs, python_ns, python_ns_from_int};
    use crate::engine::{
        AddrSpec, Create, Endpoint, ErrorKind, Family, How, Kind, Op, OpError, OptValue, Reply,
        SocketId, Timeout,
    };
    use crate::pyrt::engine_link::link;

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
            }
        }
    }

    impl DefaultConstructor for EngineSocket {}

    #[derive(rustpython_vm::FromArgs)]
    pub struct InitArgs {
        #[pyarg(any, optional)]
        family: OptionalArg<i32>,
        #[pyarg(any, optional)]
        r#type: OptionalArg<i32>,
        #[pyarg(any, optional)]
        proto: OptionalArg<i32>,
        #[pyarg(any, optional)]
        fileno: OptionalOption<PyObjectRef>,
    }

    impl Initializer for EngineSocket {
        type Args = InitArgs;

        fn init(zelf: PyRef<Self>, args: Self::Args, vm: &VirtualMachine) -> PyResult<()> {
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
                    if let Some(id) = link().take_accepted(fd) {
                        return zelf.wrap_accepted(id, fd, &args, vm);
                    }
                    if link().owns_fd(fd) {
                        // One of socklab's own sockets: two objects would close it twice.
                        return Err(errno_error(vm, libc::EBUSY));
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
            let made = link().create(how, &mut || vm.check_signals())?;
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
            *self.lock() = Inner {
                id: Some(id),
                fd,
                family: args.family.unwrap_or(libc::AF_INET),
                kind: args.r#type.unwrap_or(libc::SOCK_STREAM),
                proto: args.proto.unwrap_or(0),
                timeout: None,
            };
            let default = default_timeout(vm)?;
            if default.is_some() {
                self.set_timeout(default, vm)?;
            }
            Ok(())
        }
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
        fn del(zelf: &Py<Self>, _vm: &VirtualMachine) -> PyResult<()> {
            // As CPython closes a socket nobody holds (without waiting for the engine).
            let id = {
                let mut i = zelf.lock();
                i.fd = -1;
                i.id.take()
            };
            if let Some(id) = id {
                link().send(id, Op::Close);
                link().closed(id);
            }
            Ok(())
        }
    }

    /// An OpError as the exception CPython raises for it.
    fn op_error(vm: &VirtualMachine, e: &OpError) -> PyBaseExceptionRef {
        match &e.kind {
            ErrorKind::Os { errno } => errno_error(vm, *errno),
            ErrorKind::Timeout => {
                exception(vm, vm.ctx.exceptions.timeout_error.to_owned(), "timed out")
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
                let ty = vm
                    .builtins
                    .get_attr(*class, vm)
                    .ok()
                    .and_then(|t| t.downcast::<rustpython_vm::builtins::PyType>().ok());
                match ty {
                    Some(ty) => exception(vm, ty, message),
                    None => vm.new_os_error(message.clone()),
                }
            }
            ErrorKind::Internal { message } => vm.new_os_error(message.clone()),
        }
    }

    /// An exception of class `ty` with one message: OSError's subclasses carry a payload
    /// of their own and are made their way.
    fn exception(
        vm: &VirtualMachine,
        ty: rustpython_vm::builtins::PyTypeRef,
        msg: &str,
    ) -> PyBaseExceptionRef {
        if ty.fast_issubclass(vm.ctx.exceptions.os_error) {
            vm.new_os_subtype_error(ty, None, msg.to_owned()).upcast()
        } else {
            vm.new_exception_msg(ty, msg.to_owned().into())
        }
    }

    fn errno_error(vm: &VirtualMachine, errno: i32) -> PyBaseExceptionRef {
        vm.new_errno_error(errno, crate::engine::errors::strerror(errno))
            .upcast()
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

        /// The engine's id, or EBADF as CPython raises on a closed socket.
        fn id(&self, vm: &VirtualMachine) -> PyResult<SocketId> {
            self.lock().id.ok_or_else(|| errno_error(vm, libc::EBADF))
        }

        fn call(&self, op: Op, vm: &VirtualMachine) -> PyResult<Reply> {
            let id = self.id(vm)?;
            link()
                .call(id, op, &mut || vm.check_signals())?
                .map_err(|e| op_error(vm, &e))
        }

        /// A Python address for this socket's family, as the engine takes it.
        fn addr(&self, obj: &PyObjectRef, op: &str, vm: &VirtualMachine) -> PyResult<AddrSpec> {
            let family = self.lock().family;
            match family {
                libc::AF_UNIX => {
                    let path = if let Some(s) = obj.downcast_ref::<rustpython_vm::builtins::PyStr>()
                    {
                        s.to_string_lossy().as_bytes().to_vec()
                    } else {
                        ArgBytesLike::try_from_object(vm, obj.clone())
                            .map_err(|_| {
                                vm.new_type_error(format!(
                                    "a bytes-like object is required, not '{}'",
                                    obj.class().name()
                                ))
                            })?
                            .borrow_buf()
                            .to_vec()
                    };
                    Ok(AddrSpec::Unix { path })
                }
                libc::AF_INET | libc::AF_INET6 => {
                    let name = if family == libc::AF_INET {
                        "AF_INET"
                    } else {
                        "AF_INET6"
                    };
                    let tuple = obj
                        .downcast_ref::<rustpython_vm::builtins::PyTuple>()
                        .ok_or_else(|| {
                            vm.new_type_error(format!(
                                "{}(): {name} address must be tuple, not {}",
                                op,
                                obj.class().name()
                            ))
                        })?;
                    let items = tuple.as_slice();
                    let wanted = if family == libc::AF_INET {
                        2..=2
                    } else {
                        2..=4
                    };
                    if !wanted.contains(&items.len()) {
                        return Err(vm.new_type_error(format!(
                            "{op}(): {name} address must be a pair (host, port)"
                        )));
                    }
                    let host = match items[0].downcast_ref::<rustpython_vm::builtins::PyStr>() {
                        Some(s) => s.to_string_lossy().into_owned(),
                        None => {
                            let b = ArgBytesLike::try_from_object(vm, items[0].clone()).map_err(
                                |_| {
                                    vm.new_type_error(format!(
                                        "str, bytes or bytearray expected, not {}",
                                        items[0].class().name()
                                    ))
                                },
                            )?;
                            let host = String::from_utf8_lossy(&b.borrow_buf()).into_owned();
                            host
                        }
                    };
                    let port: i64 = items[1].clone().try_into_value(vm)?;
                    let port = u16::try_from(port).map_err(|_| {
                        vm.new_overflow_error(format!("{op}(): port must be 0-65535."))
                    })?;
                    if family == libc::AF_INET {
                        return Ok(AddrSpec::Inet { host, port });
                    }
                    let flowinfo: i64 = match items.get(2) {
                        Some(v) => v.clone().try_into_value(vm)?,
                        None => 0,
                    };
                    let flowinfo = u32::try_from(flowinfo)
                        .ok()
                        .filter(|f| *f <= 0xfffff)
                        .ok_or_else(|| {
                            vm.new_overflow_error(format!("{op}(): flowinfo must be 0-1048575."))
                        })?;
                    let scope_id: i64 = match items.get(3) {
                        Some(v) => v.clone().try_into_value(vm)?,
                        None => 0,
                    };
                    let scope_id = u32::try_from(scope_id).map_err(|_| {
                        vm.new_overflow_error("scope_id is out of range".to_owned())
                    })?;
                    Ok(AddrSpec::Inet6 {
                        host,
                        port,
                        flowinfo,
                        scope_id,
                    })
                }
                _ => Err(errno_error(vm, libc::EAFNOSUPPORT)),
            }
        }

        fn set_timeout(&self, timeout: Option<f64>, vm: &VirtualMachine) -> PyResult<()> {
            let t = match timeout {
                None => Timeout::Blocking,
                Some(0.0) => Timeout::NonBlocking,
                Some(s) => Timeout::Secs(s),
            };
            self.call(Op::SetTimeout { timeout: t }, vm)?;
            self.lock().timeout = timeout;
            Ok(())
        }

        fn bytes_of(reply: Reply, vm: &VirtualMachine) -> PyResult<Vec<u8>> {
            match reply {
                Reply::Bytes(b) => Ok(b),
                other => Err(vm.new_system_error(format!("unexpected answer {other:?}"))),
            }
        }

        fn int_of(reply: Reply, vm: &VirtualMachine) -> PyResult<i64> {
            match reply {
                Reply::Int(i) => Ok(i),
                other => Err(vm.new_system_error(format!("unexpected answer {other:?}"))),
            }
        }
    }

    fn bufsize(n: isize, op: &str, vm: &VirtualMachine) -> PyResult<usize> {
        usize::try_from(n).map_err(|_| vm.new_value_error(format!("negative buffersize in {op}")))
    }

    /// Seconds as CPython takes them for a timeout: whole nanoseconds; NaN, negative values
    /// and what 64 bits of nanoseconds cannot hold raise as in CPython.
    fn timeout_arg(v: PyObjectRef, vm: &VirtualMachine) -> PyResult<Option<f64>> {
        if vm.is_none(&v) {
            return Ok(None);
        }
        let ns = if let Some(f) = v.downcast_ref::<rustpython_vm::builtins::PyFloat>() {
            python_ns(f.to_f64())
        } else {
            // As CPython: any integer (__index__), and past 64 bits the same OverflowError
            // as a product that does not fit.
            let i = v.try_index(vm)?;
            python_ns_from_int(i.try_to_primitive::<i64>(vm).unwrap_or(i64::MAX))
        };
        let ns = ns.map_err(|(class, msg)| {
            let ty = vm
                .builtins
                .get_attr(class, vm)
                .ok()
                .and_then(|t| t.downcast::<rustpython_vm::builtins::PyType>().ok())
                .unwrap_or_else(|| vm.ctx.exceptions.value_error.to_owned());
            exception(vm, ty, msg)
        })?;
        if ns < 0 {
            return Err(vm.new_value_error("Timeout value out of range".to_owned()));
        }
        Ok(Some(ns_to_secs(ns)))
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
        fn settimeout(&self, value: PyObjectRef, vm: &VirtualMachine) -> PyResult<()> {
            let t = timeout_arg(value, vm)?;
            self.set_timeout(t, vm)
        }

        #[pymethod]
        fn setblocking(&self, flag: PyObjectRef, vm: &VirtualMachine) -> PyResult<()> {
            let block = flag.try_to_bool(vm)?;
            self.set_timeout(if block { None } else { Some(0.0) }, vm)
        }

        #[pymethod]
        fn getblocking(&self, vm: &VirtualMachine) -> PyResult<bool> {
            self.id(vm)?;
            Ok(self.lock().timeout != Some(0.0))
        }

        #[pymethod]
        fn bind(&self, address: PyObjectRef, vm: &VirtualMachine) -> PyResult<()> {
            let addr = self.addr(&address, "bind", vm)?;
            self.call(Op::Bind { addr }, vm).map(drop)
        }

        #[pymethod]
        fn listen(&self, backlog: OptionalArg<i32>, vm: &VirtualMachine) -> PyResult<()> {
            // CPython's default: min(SOMAXCONN, 128); a negative backlog is 0.
            let backlog = backlog.unwrap_or(libc::SOMAXCONN.min(128)).max(0);
            self.call(Op::Listen { backlog }, vm).map(drop)
        }

        #[pymethod]
        fn _accept(&self, vm: &VirtualMachine) -> PyResult<(i32, PyObjectRef)> {
            match self.call(Op::Accept, vm)? {
                Reply::Accepted { conn, peer } => {
                    let fd = link().fd_of(conn).unwrap_or(-1);
                    link().hold_accepted(fd, conn);
                    Ok((fd, endpoint(vm, &peer)))
                }
                other => Err(vm.new_system_error(format!("unexpected answer {other:?}"))),
            }
        }

        #[pymethod]
        fn connect(&self, address: PyObjectRef, vm: &VirtualMachine) -> PyResult<()> {
            let addr = self.addr(&address, "connect", vm)?;
            self.call(Op::Connect { addr }, vm).map(drop)
        }

        #[pymethod]
        fn connect_ex(&self, address: PyObjectRef, vm: &VirtualMachine) -> PyResult<i64> {
            let addr = self.addr(&address, "connect_ex", vm)?;
            let open = self.lock().id.is_some();
            if !open {
                return Ok(i64::from(libc::EBADF));
            }
            Self::int_of(self.call(Op::ConnectEx { addr }, vm)?, vm)
        }

        #[pymethod]
        fn send(
            &self,
            data: ArgBytesLike,
            flags: OptionalArg<i32>,
            vm: &VirtualMachine,
        ) -> PyResult<i64> {
            let data = data.borrow_buf().to_vec();
            let reply = self.call(
                Op::Send {
                    data,
                    flags: flags.unwrap_or(0),
                },
                vm,
            )?;
            Self::int_of(reply, vm)
        }

        #[pymethod]
        fn sendall(
            &self,
            data: ArgBytesLike,
            flags: OptionalArg<i32>,
            vm: &VirtualMachine,
        ) -> PyResult<()> {
            let data = data.borrow_buf().to_vec();
            self.call(
                Op::SendAll {
                    data,
                    flags: flags.unwrap_or(0),
                },
                vm,
            )
            .map(drop)
        }

        #[pymethod]
        fn sendto(
            &self,
            data: ArgBytesLike,
            flags_or_address: PyObjectRef,
            address: OptionalArg<PyObjectRef>,
            vm: &VirtualMachine,
        ) -> PyResult<i64> {
            let (flags, address) = match address {
                OptionalArg::Present(a) => (flags_or_address.try_into_value::<i32>(vm)?, a),
                OptionalArg::Missing => (0, flags_or_address),
            };
            let addr = self.addr(&address, "sendto", vm)?;
            let data = data.borrow_buf().to_vec();
            let reply = self.call(Op::SendTo { data, flags, addr }, vm)?;
            Self::int_of(reply, vm)
        }

        #[pymethod]
        fn recv(
            &self,
            n: isize,
            flags: OptionalArg<i32>,
            vm: &VirtualMachine,
        ) -> PyResult<Vec<u8>> {
            let bufsize = bufsize(n, "recv", vm)?;
            let reply = self.call(
                Op::Recv {
                    bufsize,
                    flags: flags.unwrap_or(0),
                },
                vm,
            )?;
            Self::bytes_of(reply, vm)
        }

        #[pymethod]
        fn recv_into(
            &self,
            buffer: ArgMemoryBuffer,
            nbytes: OptionalArg<isize>,
            flags: OptionalArg<i32>,
            vm: &VirtualMachine,
        ) -> PyResult<usize> {
            let room = buffer.borrow_buf_mut().len();
            let n = match nbytes.unwrap_or(0) {
                0 => room,
                n if n < 0 => {
                    return Err(vm.new_value_error("negative buffersize in recv_into".to_owned()))
                }
                n if n as usize > room => {
                    return Err(
                        vm.new_value_error("buffer too small for requested bytes".to_owned())
                    )
                }
                n => n as usize,
            };
            let reply = self.call(
                Op::Recv {
                    bufsize: n,
                    flags: flags.unwrap_or(0),
                },
                vm,
            )?;
            let data = Self::bytes_of(reply, vm)?;
            // The engine never answers more than was asked; clamp anyway.
            let len = data.len().min(n);
            buffer.borrow_buf_mut()[..len].copy_from_slice(&data[..len]);
            Ok(len)
        }

        #[pymethod]
        fn recvfrom(
            &self,
            n: isize,
            flags: OptionalArg<i32>,
            vm: &VirtualMachine,
        ) -> PyResult<(Vec<u8>, PyObjectRef)> {
            let bufsize = bufsize(n, "recvfrom", vm)?;
            match self.call(
                Op::RecvFrom {
                    bufsize,
                    flags: flags.unwrap_or(0),
                },
                vm,
            )? {
                Reply::BytesFrom { data, from } => {
                    let addr = from.map_or_else(|| vm.ctx.none(), |e| endpoint(vm, &e));
                    Ok((data, addr))
                }
                other => Err(vm.new_system_error(format!("unexpected answer {other:?}"))),
            }
        }

        #[pymethod]
        fn recvfrom_into(
            &self,
            buffer: ArgMemoryBuffer,
            nbytes: OptionalArg<isize>,
            flags: OptionalArg<i32>,
            vm: &VirtualMachine,
        ) -> PyResult<(usize, PyObjectRef)> {
            let room = buffer.borrow_buf_mut().len();
            let n = match nbytes.unwrap_or(0) {
                0 => room,
                n if n < 0 => {
                    return Err(
                        vm.new_value_error("negative buffersize in recvfrom_into".to_owned())
                    )
                }
                n if n as usize > room => {
                    return Err(vm.new_value_error(
                        "nbytes is greater than the length of the buffer".to_owned(),
                    ))
                }
                n => n as usize,
            };
            match self.call(
                Op::RecvFrom {
                    bufsize: n,
                    flags: flags.unwrap_or(0),
                },
                vm,
            )? {
                Reply::BytesFrom { data, from } => {
                    let len = data.len().min(n);
                    buffer.borrow_buf_mut()[..len].copy_from_slice(&data[..len]);
                    let addr = from.map_or_else(|| vm.ctx.none(), |e| endpoint(vm, &e));
                    Ok((len, addr))
                }
                other => Err(vm.new_system_error(format!("unexpected answer {other:?}"))),
            }
        }

        #[pymethod]
        fn shutdown(&self, how: i32, vm: &VirtualMachine) -> PyResult<()> {
            let how = How::from_raw(how).ok_or_else(|| errno_error(vm, libc::EINVAL))?;
            self.call(Op::Shutdown { how }, vm).map(drop)
        }

        #[pymethod]
        fn close(&self, vm: &VirtualMachine) -> PyResult<()> {
            let id = {
                let mut i = self.lock();
                i.fd = -1;
                i.id.take()
            };
            let Some(id) = id else { return Ok(()) };
            let res = link().call(id, Op::Close, &mut || vm.check_signals())?;
            link().closed(id);
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

        #[pymethod]
        fn getsockname(&self, vm: &VirtualMachine) -> PyResult<PyObjectRef> {
            match self.call(Op::GetSockName, vm)? {
                Reply::Addr(e) => Ok(endpoint(vm, &e)),
                other => Err(vm.new_system_error(format!("unexpected answer {other:?}"))),
            }
        }

        #[pymethod]
        fn getpeername(&self, vm: &VirtualMachine) -> PyResult<PyObjectRef> {
            match self.call(Op::GetPeerName, vm)? {
                Reply::Addr(e) => Ok(endpoint(vm, &e)),
                other => Err(vm.new_system_error(format!("unexpected answer {other:?}"))),
            }
        }

        #[pymethod]
        fn setsockopt(
            &self,
            level: i32,
            name: i32,
            value: Option<Either<ArgBytesLike, i64>>,
            optlen: OptionalArg<u32>,
            vm: &VirtualMachine,
        ) -> PyResult<()> {
            let value = match (value, optlen) {
                (Some(Either::A(b)), OptionalArg::Missing) => {
                    OptValue::Bytes(b.borrow_buf().to_vec())
                }
                (Some(Either::B(i)), OptionalArg::Missing) => OptValue::Int(i),
                (None, OptionalArg::Present(n)) => {
                    OptValue::Bytes(vec![0; n.min(1 << 16) as usize])
                }
                _ => {
                    return Err(
                        vm.new_type_error("expected the value arg xor the optlen arg".to_owned())
                    )
                }
            };
            self.call(Op::SetSockOpt { level, name, value }, vm)
                .map(drop)
        }

        #[pymethod]
        fn getsockopt(
            &self,
            level: i32,
            name: i32,
            buflen: OptionalArg<i32>,
            vm: &VirtualMachine,
        ) -> PyResult<PyObjectRef> {
            let buflen = match buflen {
                OptionalArg::Missing => None,
                OptionalArg::Present(n) if (1..=1024).contains(&n) => Some(n as usize),
                OptionalArg::Present(_) => {
                    return Err(errno_error(vm, libc::EINVAL));
                }
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
                other => Err(vm.new_system_error(format!("unexpected answer {other:?}"))),
            }
        }
    }
}
