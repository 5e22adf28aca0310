# socklab: run before every program, in a scope of its own.

# socklab's socket class goes into _socket before anything imports socket.py, which
# subclasses _socket.socket: every socket of the program is then the engine's.
import _socket, _socklab
_socket.socket = _socket.SocketType = _socklab.socket

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
