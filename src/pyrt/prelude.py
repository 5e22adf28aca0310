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
    while exc is not None and id(exc) not in seen:
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
def _excepthook(kind, value, tb, _shown=sys.excepthook):
    _without_codec_notes(value)
    _shown(kind, value, tb)
sys.excepthook = _excepthook
def _thread_excepthook(args, _shown=threading.excepthook):
    _without_codec_notes(args.exc_value)
    _shown(args)
threading.excepthook = _thread_excepthook

# Ctrl+C during a wait: RustPython's sleep, select, lock waits and joins do not wake for
# it (CPython's do), so a server blocked there could not be stopped. They wait here in
# slices of 0.1 s, between which the interpreter takes the KeyboardInterrupt.
import time as _time, select as _select
_SLICE = 0.1
def _until(timeout):
    return None if timeout is None else _time.monotonic() + timeout
def _left(deadline):
    return _SLICE if deadline is None else max(0.0, min(_SLICE, deadline - _time.monotonic()))
def sleep(secs, /, _sleep=_time.sleep):
    if not isinstance(secs, (int, float)) or isinstance(secs, bool) or not _SLICE < secs < 1e9:
        return _sleep(secs)  # short, or refused (inf, NaN, too large) by the original
    deadline = _until(secs)
    while True:
        left = deadline - _time.monotonic()
        if left <= 0:
            return None
        _sleep(min(left, _SLICE))
sleep.__doc__ = _time.sleep.__doc__
_time.sleep = sleep
def select(rlist, wlist, xlist, timeout=None, /, _select_=_select.select):
    if timeout is not None and not (isinstance(timeout, (int, float)) and timeout > _SLICE):
        return _select_(rlist, wlist, xlist, timeout)
    deadline = _until(timeout)
    while True:
        ready = _select_(rlist, wlist, xlist, _left(deadline))
        if ready[0] or ready[1] or ready[2]:
            return ready
        if deadline is not None and _time.monotonic() >= deadline:
            return ready
select.__doc__ = _select.select.__doc__
_select.select = select
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
