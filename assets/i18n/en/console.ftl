# console

# Notes in the transcript (socklab's own words, not Python's).
console-which-file = (which file? type its path in the file field, or pick it with Open...)
console-run-file = run { $file }
console-step-file = step through { $file }
console-restart = === RESTART: { $path } === (a fresh session, as IDLE's Run Module does: the names typed before are gone, and the sockets they held close as that session ends)
console-session-ended = (the session ended: exit code { $code }; the next statement starts a new one)
console-file-kept = (the file has run to its end or was stopped, and its sockets stay open, as after python3 -i, to be looked at: { $sockets }. Under python3 FILE they would close as its process ends (once its threads have). Run file again closes them; so does each one's close().)
console-file-kept-one = { $name }: { $doing }
console-file-kept-separator = {"; "}
console-session-lost = (the Python session stopped: an internal check of RustPython, which socklab embeds, failed; its sockets stay in the list, and the next statement starts a new session)
console-no-thread = the Python console cannot start its thread: { $error }
console-more-characters = ({ $n } more characters not shown)
# socklab's word under an error a socket call raised in the console (Python's line stays as python3 prints it).
console-explained = → socklab: { $why } { $hint }
console-explained-why = → socklab: { $why }

# The panel.
console-split = Two consoles side by side
console-split-tip = A second console with a session of its own, on the same sockets: the tutorial's server in one, its client in the other.
console-about = Python as python3's console runs it, on the window's sockets.
console-about-tip = Sockets made here appear in the list under the names they are given (srv, conn); the window's sockets are here under the names the list shows (echo_server, client, s1...). Up and Down bring back what was typed, Tab completes; a block ends at an empty line.
console-file = file
console-file-tip = The .py file to run here, as python3 -i FILE runs it.
console-open = Open...
console-open-tip = Pick the file with the desktop's file dialog.
console-arguments = arguments
console-arguments-tip = sys.argv[1:], separated by spaces (a port, a host...).
console-run-button = Run file
console-run-button-tip = Runs the file in a fresh session, as IDLE's Run Module and python3 -i FILE ARGS do: the names typed before are gone and the sockets made at the prompt close. What it prints comes here, its sockets appear in the list, its names stay for the next statements.
console-step-button = Step through
console-step-button-tip = Runs the file a line at a time: it stops before each line (the one highlighted) until Next line; its sockets appear as it goes.
console-close-file = Close file
console-close-file-tip = Hides the file's text; the session keeps its names.
console-clear = Clear console
console-clear-tip = Forget the transcript (the session keeps its names).
console-file-stopped = { $name }: stopped before line { $line }
console-file-running-line = { $name }: running line { $line }
console-file-running = { $name }: running
console-file-not-run = { $name }: not run (the console says why)
console-file-ended = { $name }: ended
console-file-and-more = and { $n } more
console-file-ended-threads = { $name }: its main code ended, its threads still run, waiting in { $calls }
console-next-line = Next line (F10)
console-next-line-tip = Runs the highlighted line and stops before the next.
console-continue = Continue (F5)
console-continue-tip = Runs the rest of the file without stopping.
console-interrupt = Interrupt (Ctrl+C)
console-interrupt-tip = KeyboardInterrupt in the statement running, as Ctrl+C in python3 (a blocked accept or recv ends having taken nothing); at a ... prompt, drops the block.

# What runs now, and each socket call it waits in.
console-times-out = times out in { $secs } s
# $way: what ends the wait (inspector-way-out-...).
console-blocking = no timeout: { $way }
console-waiting-more = … and { $n } more calls of this console waiting (each socket's row in the list says its own)
console-waiting = { $calls } waiting, { $left } (Ctrl+C interrupts)
console-running = running: { $what }
# A wait in select(), poll() or epoll's poll() (selectors, socketserver's serve_forever()):
# $call is the call, $what what it waits for (console-select-..., joined by console-select-or).
console-selecting = { $call }() waiting until { $what } (Ctrl+C interrupts)
console-select-accept = { $name } has a connection to accept
console-select-read = { $name } has data or the peer's close to read
console-select-datagram = { $name } has a datagram to read
console-select-write = { $name } has room to send
console-select-fd-read = descriptor { $fd } can be read
console-select-fd-write = descriptor { $fd } can be written
console-select-or = {" "}or{" "}
console-select-more = {" "}(or { $n } more)
console-selecting-nothing = { $call }() waiting, watching nothing to read or write (Ctrl+C interrupts)
console-selecting-more = … and { $n } more threads of this console waiting in select() or poll()
# What a pitfall's exception means (src/pyrt/explained.rs PyHint), after Python's line.
explain-str-not-bytes = send() and its kin take bytes, and this was a str (text).
explain-str-not-bytes-hint = Encode it first: send('hello'.encode()) or send(b'hello'); and .decode() what recv() returns.
explain-used-closed = This socket was closed before (close(), or with, or detach()): it has no descriptor any more (fileno() is -1), so nothing can be sent, received or connected on it.
explain-used-closed-hint = To talk again, make a new socket (socket(), then connect() or bind()); a server gets a new socket from accept() for each connection, in its loop, and closes each when done with it.
explain-not-tuple = The address is one argument: for TCP and UDP a (host, port) tuple in its own parentheses (a Unix socket's is its path alone).
explain-not-tuple-hint = Write connect(('127.0.0.1', 8888)) or bind(('', 8888)): two pairs of parentheses, the inner one the address.
explain-cut-utf8 = The bytes end in the middle of a UTF-8 character: on a stream, recv() may return part of a character, since TCP keeps no message boundaries.
explain-cut-utf8-hint = Decode whole messages: collect the bytes until a message is complete (a length prefix, or a delimiter such as b'\n'), or decode with codecs.getincrementaldecoder('utf-8')().
explain-not-utf8 = These bytes are not valid UTF-8 here: either a character was cut between two recv() calls (this starts with the rest of one), or the sender uses another encoding (GBK is common on Chinese Windows).
explain-not-utf8-hint = Decode whole messages (collect a message's bytes first); if the sender uses GBK, data.decode('gbk').
# A loop reading a stream whose peer closed: recv() returns b'' at once, again and again.
console-stream-ended-loop = { $name }.recv() has returned b'' { $n } times: its peer closed its end, so every recv() now returns b'' at once. A loop must stop on it (if not data: break); Ctrl+C ends this one.
# The same after the socket's own shutdown(SHUT_RD).
console-stream-shut-loop = { $name }.recv() has returned b'' { $n } times: its own shutdown(SHUT_RD) ended its receiving, so recv() returns b'' at once while nothing is queued. A loop must stop on it (if not data: break); Ctrl+C ends this one.
# After a typed connect_ex(...) that answered a failure as its number (111).
console-answered = → socklab: { $n } is { $errno }. { $why } { $hint }
explain-peer-closed = recv() returning b'' (empty bytes) means the peer has closed its side: it sent a FIN, and every recv() from now on returns b'' at once.
explain-peer-closed-hint = A loop reading the data must stop there: if not data: break; then close() the connection.
console-run-busy = Something still runs in this console: stop it first with Interrupt (Ctrl+C), then run the file. Its sockets stay open until the file runs again.
console-queued = queued, runs after it: { $line }
console-queued-more = … and { $n } more lines queued
console-dropped = (not run: { $line } — Ctrl+C drops the lines typed ahead, as a terminal does)
