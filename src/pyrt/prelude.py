# socklab: run before every program, in a scope of its own.

# socklab's socket class goes into _socket before anything imports socket.py, which
# subclasses _socket.socket: every socket of the program is then the engine's.
import _socket, _socklab
_socket.socket = _socket.SocketType = _socklab.socket

# RustPython's own _socket functions raise OSError with three Nones after (errno, message)
# in args, where CPython's have just the two (`code, msg = e.args` in tutorials), and
# getaddrinfo gives None for an empty canonical name where CPython gives ''.
def _plain_args(f):
    def call(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except OSError as e:
            if len(e.args) > 2 and all(x is None for x in e.args[2:]):
                raise type(e)(*e.args[:2]) from None
            raise
    call.__name__ = call.__qualname__ = f.__name__
    call.__doc__ = f.__doc__
    return call
for _name in ('getaddrinfo', 'gethostbyname', 'gethostbyname_ex', 'gethostbyaddr',
              'getnameinfo', 'getservbyname', 'getservbyport', 'getprotobyname',
              'inet_aton', 'inet_ntoa', 'inet_pton', 'inet_ntop', 'if_nametoindex',
              'if_indextoname', 'socketpair', 'dup', 'close', 'sethostname'):
    if hasattr(_socket, _name):
        setattr(_socket, _name, _plain_args(getattr(_socket, _name)))
def _getaddrinfo(*args, _found=_socket.getaddrinfo, **kwargs):
    return [(f, t, p, '' if c is None else c, a) for f, t, p, c, a in _found(*args, **kwargs)]
_getaddrinfo.__name__ = _getaddrinfo.__qualname__ = 'getaddrinfo'
_socket.getaddrinfo = _getaddrinfo
# The default timeout is checked as a socket's own timeout is (RustPython takes 1e300).
def _setdefaulttimeout(timeout, /, _set=_socket.setdefaulttimeout):
    _set(_socklab.timeout_value(timeout))
_setdefaulttimeout.__name__ = _setdefaulttimeout.__qualname__ = 'setdefaulttimeout'
_setdefaulttimeout.__doc__ = _socket.setdefaulttimeout.__doc__
_socket.setdefaulttimeout = _setdefaulttimeout

# eval, exec and compile (and so ast.parse and imports) check nesting first, as the
# program itself is checked: RustPython's parser would overflow the stack (guard.rs).
import builtins
for _name in ('eval', 'exec', 'compile'):
    setattr(_socklab, '_original_' + _name, getattr(builtins, _name))
    setattr(builtins, _name, getattr(_socklab, _name))

# RustPython 0.5 runs a WeakSet's callback when a finished thread drops the last reference
# to its Thread object, after that thread has left the interpreter (a debug assertion
# fires there). threading._dangling is that WeakSet and only serves os.fork's clean-up of
# threads nobody holds, so it becomes a set that keeps nothing.
import threading
class _KeepsNothing:
    def add(self, item): pass
    def __iter__(self): return iter(())
threading._dangling = _KeepsNothing()

# A thread's stack is the main thread's (256 MiB, reserved, used as needed): RustPython's
# frames are large (up to ~25 KiB each unoptimised), and recursion must end in
# RecursionError before the end of a stack. For the same reason sys.setrecursionlimit
# takes at most 3,000 (what those stacks hold), where CPython takes what it is given.
threading.stack_size(256 << 20)
import sys
def _limited(limit, _set=sys.setrecursionlimit):
    if isinstance(limit, int) and not isinstance(limit, bool):
        limit = min(limit, 3000)
    _set(limit)
_limited.__name__ = _limited.__qualname__ = 'setrecursionlimit'
sys.setrecursionlimit = _limited

# RustPython notes "decoding with 'utf-8' codec failed" on every codec error, which
# CPython 3.11 does not: a traceback's last line must be the error's, as python3 prints it.
import sys
def _without_codec_notes(exc, seen=None):
    seen = set() if seen is None else seen
    while isinstance(exc, BaseException) and id(exc) not in seen:
        seen.add(id(exc))
        notes = getattr(exc, '__notes__', None)
        if notes:
            kept = [n for n in notes if not (isinstance(n, str) and n.endswith("' codec failed")
                                             and n.startswith(('decoding with ', 'encoding with ')))]
            if kept:
                exc.__notes__ = kept
            else:
                del exc.__notes__
        _without_codec_notes(exc.__cause__, seen)
        exc = exc.__context__
# Nor does a traceback name this prelude's frames (its waits in slices, below): they are
# socklab's, not the program's or the standard library's; python3's ends at the call that
# was waiting. Each is left out of the chain, whatever it called kept.
def _prelude_frames_out(tb):
    while tb is not None and tb.tb_frame.f_code.co_filename == '<socklab prelude>':
        tb = tb.tb_next
    first = tb
    while tb is not None:
        after = tb.tb_next
        while after is not None and after.tb_frame.f_code.co_filename == '<socklab prelude>':
            after = after.tb_next
        tb.tb_next = after
        tb = after
    return first
def _without_prelude(exc, seen=None):
    seen = set() if seen is None else seen
    while isinstance(exc, BaseException) and id(exc) not in seen:
        seen.add(id(exc))
        tb = exc.__traceback__
        if tb is not None:
            kept = _prelude_frames_out(tb)
            if kept is not tb and kept is not None:
                exc.__traceback__ = kept
        _without_prelude(exc.__cause__, seen)
        exc = exc.__context__
# CPython 3.11 points at where in a line a binary operation or a subscript failed, not at a
# call's brackets (3.13 does, and RustPython follows it): under a failing call 3.11's carets
# are all '^'. Set on the traceback module when a traceback is first shown (importing it at
# start would slow every start).
def _carets_as_311():
    import traceback
    anchors = traceback._extract_caret_anchors_from_line_segment
    if getattr(anchors, '_as_311', False):
        return
    def _anchors(segment, _anchors=anchors):
        import ast
        try:
            body = ast.parse('(\n' + segment + '\n)').body
        except SyntaxError:
            return None
        if len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Call):
            return None
        return _anchors(segment)
    _anchors._as_311 = True
    traceback._extract_caret_anchors_from_line_segment = _anchors
def _excepthook(kind, value, tb, _shown=sys.excepthook):
    _carets_as_311()
    _without_codec_notes(value)
    _without_prelude(value)
    _shown(kind, value, _prelude_frames_out(tb) if type(tb).__name__ == 'traceback' else tb)
sys.excepthook = _excepthook
def _thread_excepthook(args, _shown=threading.excepthook):
    _carets_as_311()
    _without_codec_notes(args.exc_value)
    _without_prelude(args.exc_value)
    if args.exc_value is not None and args.exc_traceback is not None:
        args = type(args)((args.exc_type, args.exc_value, args.exc_value.__traceback__, args.thread))
    _shown(args)
threading.excepthook = _thread_excepthook
# An exception nobody could catch (raised in __del__, or by a thread _thread started) is
# said as python3 says it: RustPython's hook leaves out "Traceback (most recent call last):".
def _unraisablehook(u, _original=sys.unraisablehook):
    f = sys.stderr
    if f is None:
        return
    try:
        import traceback
        _carets_as_311()
        _without_codec_notes(u.exc_value)
        _without_prelude(u.exc_value)
        said = []
        if u.object is not None:
            try:
                what = repr(u.object)
            except Exception:
                what = '<object repr() failed>'
            said.append(f"{'Exception ignored in' if u.err_msg is None else u.err_msg}: {what}\n")
        elif u.err_msg is not None:
            said.append(f"{u.err_msg}:\n")
        tb = _prelude_frames_out(u.exc_traceback)
        if tb is not None:
            said.append('Traceback (most recent call last):\n')
            said.extend(traceback.format_tb(tb))
        if u.exc_type is not None:
            said.extend(traceback.format_exception_only(u.exc_type, u.exc_value))
    except Exception:
        return _original(u)
    f.write(''.join(said))
    f.flush()
sys.unraisablehook = _unraisablehook

# Ctrl+C during a wait: RustPython's sleep, select, lock waits and joins do not wake for
# it (CPython's do), so a server blocked there could not be stopped. They wait here in
# slices of 0.1 s, between which the interpreter takes the KeyboardInterrupt.
import time as _time, select as _select, math as _math
_SLICE = 0.1
def _until(timeout):
    return None if timeout is None else _time.monotonic() + timeout
def _left(deadline):
    return _SLICE if deadline is None else max(0.0, min(_SLICE, deadline - _time.monotonic()))
import operator as _operator
def _sleep_length(secs):
    # CPython 3.11's reading of a sleep's length (_PyTime_FromSecondsObject): a float, or
    # what __index__ makes an int (not a Fraction or a Decimal); its errors, in its order.
    if isinstance(secs, float):
        if secs != secs:
            raise ValueError('Invalid value NaN (not a number)')
        if not -2.0**63 <= secs * 1e9 < 2.0**63:
            raise OverflowError('timestamp out of range for platform time_t')
    else:
        try:
            secs = _operator.index(secs)
        except TypeError:
            kind = type(secs)
            # (CPython names a C type by its module: its Decimal is decimal.Decimal.)
            name = 'decimal.Decimal' if kind.__name__ == 'Decimal' and kind.__module__ in ('decimal', '_decimal', '_pydecimal') else kind.__name__
            raise TypeError(f"'{name}' object cannot be interpreted as an integer") from None
        if not -2**63 <= secs * 10**9 < 2**63:
            raise OverflowError('timestamp too large to convert to C _PyTime_t')
    if secs < 0:
        raise ValueError('sleep length must be non-negative')
    return secs
def sleep(secs, /, _sleep=_time.sleep):
    secs = _sleep_length(secs)
    if secs <= _SLICE:
        return _sleep(secs)
    deadline = _until(secs)
    while True:
        left = deadline - _time.monotonic()
        if left <= 0:
            return None
        _sleep(min(left, _SLICE))
sleep.__doc__ = _time.sleep.__doc__
_time.sleep = sleep
# A wait in select(), poll() or epoll's poll() (selectors, socketserver) is not a socket
# call, so the engine does not see it: each tells the window's console what it waits for,
# the descriptors to read from and to write to, as it begins and as it ends (in `socklab
# run`, nobody is told). Waits that cannot be told (a zero timeout, refused arguments) go
# straight to the original, after CPython's checks where RustPython's differ or panic.
def _fd(obj):
    fd = obj if isinstance(obj, int) else obj.fileno()
    return fd if isinstance(fd, int) and -2**31 <= fd < 2**31 else None
def _fds(objs):
    fds = []
    for obj in objs:
        try:
            fd = _fd(obj)
        except Exception:
            continue  # the original raises what fileno() raises
        if fd is not None:
            fds.append(fd)
    return fds
def _listed(objs):
    try:
        return objs if isinstance(objs, (list, tuple)) else list(objs)
    except TypeError:
        raise TypeError('arguments 1-3 must be sequences') from None
_NS_MAX = 2**63 - 1
_INT_MAX = 2**31 - 1
def _in_range(timeout, unit_ns):
    # CPython's conversion of a timeout to nanoseconds.
    if isinstance(timeout, float) and timeout == timeout and abs(timeout) * unit_ns > _NS_MAX:
        raise OverflowError('timestamp out of range for platform time_t')
    if isinstance(timeout, int) and abs(timeout) * unit_ns > _NS_MAX:
        raise OverflowError('timestamp too large to convert to C _PyTime_t')
def _ms(timeout, unit_ns, away):
    # CPython's conversion of a number timeout to whole milliseconds: to nanoseconds (a
    # float rounded away from zero), then to milliseconds rounded away from zero (poll's)
    # or up (epoll's), so epoll.poll(0.067) waits 68 ms and poll(-0.4) for ever, as there.
    if isinstance(timeout, float):
        d = timeout * unit_ns
        ns = int(_math.ceil(d) if d >= 0 else _math.floor(d))
    else:
        ns = int(timeout) * unit_ns
    def up(n):
        return -(-n // 10**6)
    return -up(-ns) if ns < 0 and away else up(ns)
def _checked(timeout, wrong_type, unit_ns):
    # CPython's refusals of a timeout, where RustPython's differ or it panics.
    if not (timeout is None or isinstance(timeout, (int, float))
            or hasattr(type(timeout), '__index__')):
        raise TypeError(wrong_type)
    if isinstance(timeout, float) and timeout != timeout:
        raise ValueError('Invalid value NaN (not a number)')
    _in_range(timeout, unit_ns)
def _waits(timeout, scale=1, negative_waits=False):
    # A timeout that waits (None, a number above zero, or below zero where that waits for
    # ever), in units of 1/`scale` s: its deadline (None: none), else False.
    number = isinstance(timeout, (int, float))
    if timeout is None or (negative_waits and number and timeout < 0):
        return None
    if number and timeout > 0:
        return _until(timeout / scale)
    return False
def _told(call, read, write, wait, ready):
    # Runs wait(slice) until ready(result) or the deadline, told as a wait all along.
    got = None
    try:
        _socklab.select_begins(call, read, write)
        while True:
            got = wait()
            if ready(got):
                return got
    finally:
        _socklab.select_ends(got is not None and ready(got, True))
def select(rlist, wlist, xlist, timeout=None, /, _select_=_select.select):
    _checked(timeout, 'timeout must be a float or None', 10**9)
    if isinstance(timeout, (int, float)) and timeout < 0:
        raise ValueError('timeout must be non-negative')
    deadline = _waits(timeout)
    rlist, wlist, xlist = _listed(rlist), _listed(wlist), _listed(xlist)
    for fd in _fds(rlist) + _fds(wlist) + _fds(xlist):
        if fd < 0:
            raise ValueError(f'file descriptor cannot be a negative integer ({fd})')
        if fd >= 1024:
            raise ValueError('filedescriptor out of range in select()')
    if deadline is False:
        return _select_(rlist, wlist, xlist, timeout)
    def wait():
        if not (rlist or wlist or xlist):
            # Nothing to watch: RustPython returns at once, CPython sleeps the timeout.
            sleep(_left(deadline))
            return ([], [], [])
        return _select_(rlist, wlist, xlist, _left(deadline))
    def ready(got, told=False):
        if got[0] or got[1] or got[2]:
            return True
        return not told and deadline is not None and _time.monotonic() >= deadline
    return _told('select', _fds(rlist), _fds(wlist), wait, ready)
select.__doc__ = _select.select.__doc__
_select.select = select
class _Registered:
    # What a poll or epoll object has registered, by descriptor: its event mask.
    def _masks_init(self, wrapped, default):
        self._wrapped, self._masks, self._default = wrapped, {}, default
    def _register(self, fd, eventmask):
        self._wrapped.register(fd, *eventmask)
        self._masks[_fd(fd)] = eventmask[0] if eventmask else self._default
    def modify(self, fd, eventmask, /):
        self._wrapped.modify(fd, eventmask)
        self._masks[_fd(fd)] = eventmask
    def unregister(self, fd, /):
        self._wrapped.unregister(fd)
        self._masks.pop(_fd(fd), None)
    def __reduce_ex__(self, protocol):
        # CPython's poll and epoll objects cannot be copied or pickled.
        raise TypeError(f"cannot pickle 'select.{type(self).__name__}' object")
    def __reduce__(self):
        self.__reduce_ex__(0)
    def _wait(self, call, deadline, scale, one):
        masks = list(self._masks.items())
        read = [fd for fd, m in masks if m & (_select.POLLIN | _select.POLLPRI)]
        write = [fd for fd, m in masks if m & _select.POLLOUT]
        def ready(got, told=False):
            return bool(got) or (not told and deadline is not None
                                 and _time.monotonic() >= deadline)
        return _told(call, read, write, lambda: one(_left(deadline) * scale), ready)
class _Poll(_Registered):
    def __init__(self, _make=_select.poll):
        self._masks_init(_make(), _select.POLLIN | _select.POLLPRI | _select.POLLOUT)
    def register(self, fd, *eventmask):
        if len(eventmask) > 1:
            raise TypeError(f'register expected at most 2 arguments, got {1 + len(eventmask)}')
        self._register(fd, eventmask)
    def poll(self, timeout=None, /):
        _checked(timeout, 'timeout must be an integer or None', 10**6)
        if isinstance(timeout, (int, float)):
            whole = _ms(timeout, 10**6, True)
            if not -_INT_MAX - 1 <= whole <= _INT_MAX:
                raise OverflowError('timeout is too large')
            timeout = whole
        deadline = _waits(timeout, 1000, True)
        if deadline is False:
            return self._wrapped.poll(timeout)
        # Whole milliseconds: RustPython 0.5 takes a float as that many seconds.
        return self._wait('poll', deadline, 1000, lambda ms: self._wrapped.poll(-int(-ms // 1)))
_Poll.__name__ = _Poll.__qualname__ = 'poll'
_Poll.__module__ = 'select'
_select.poll = _Poll
if hasattr(_select, 'epoll'):
    _EPOLL_DEFAULT = _select.EPOLLIN | _select.EPOLLPRI | _select.EPOLLOUT
    class _Epoll(_Registered):
        def __init__(self, *args, _make=_select.epoll, **kwargs):
            self._masks_init(_make(*args, **kwargs), _EPOLL_DEFAULT)
        @classmethod
        def fromfd(cls, fd, /, _from=_select.epoll.fromfd):
            made = cls.__new__(cls)
            made._masks_init(_from(fd), _EPOLL_DEFAULT)
            return made
        def register(self, fd, eventmask=_EPOLL_DEFAULT):
            self._register(fd, (eventmask,))
        def modify(self, fd, eventmask):
            _Registered.modify(self, fd, eventmask)
        def unregister(self, fd):
            _Registered.unregister(self, fd)
        def __getattr__(self, name):
            if name.startswith('_'):
                raise AttributeError(name)
            return getattr(self._wrapped, name)
        def __enter__(self):
            self._wrapped.__enter__()
            return self
        def __exit__(self, *exc):
            return self._wrapped.__exit__(*exc)
        def poll(self, timeout=None, maxevents=-1):
            _checked(timeout, 'timeout must be an integer or None', 10**9)
            if isinstance(timeout, (int, float)):
                # As CPython's: -0.0005 s is 0 ms and returns at once (RustPython waits
                # for ever on any negative number, -0.0 too).
                whole = _ms(timeout, 10**9, False)
                if not -_INT_MAX - 1 <= whole <= _INT_MAX:
                    raise OverflowError('timeout is too large')
                timeout = max(whole, -1) / 1000
            deadline = _waits(timeout, 1, True)
            if deadline is False:
                return self._wrapped.poll(timeout if timeout else 0, maxevents)
            return self._wait('epoll.poll', deadline, 1,
                              lambda t: self._wrapped.poll(t, maxevents))
    _Epoll.__name__ = _Epoll.__qualname__ = 'epoll'
    _Epoll.__module__ = 'select'
    _select.epoll = _Epoll
def _cond_wait(self, timeout=None, _wait=threading.Condition.wait):
    if timeout is not None and timeout <= _SLICE:
        return _wait(self, timeout)
    deadline = _until(timeout)
    while True:
        if _wait(self, _left(deadline)):
            return True
        if deadline is not None and _time.monotonic() >= deadline:
            return False
_cond_wait.__name__ = _cond_wait.__qualname__ = 'wait'
threading.Condition.wait = _cond_wait
def _join(self, timeout=None, _join_=threading.Thread.join):
    if timeout is not None and timeout <= _SLICE:
        return _join_(self, timeout)
    deadline = _until(timeout)
    while True:
        _join_(self, _left(deadline))
        if not self.is_alive() or (deadline is not None and _time.monotonic() >= deadline):
            return None
_join.__name__ = _join.__qualname__ = 'join'
threading.Thread.join = _join

# ssl: the part of Python's ssl module tutorials use, on the engine's TLS (ssl.py beside
# this file), made when a program first imports it.
import sys
class _SocklabSsl:
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != 'ssl':
            return None
        import importlib.util
        return importlib.util.spec_from_loader('ssl', cls, origin='socklab')
    @staticmethod
    def create_module(spec):
        return None
    @staticmethod
    def exec_module(module, _source=_socklab.ssl_source):
        exec(compile(_source(), '<socklab ssl>', 'exec'), module.__dict__)
sys.meta_path.insert(0, _SocklabSsl)
