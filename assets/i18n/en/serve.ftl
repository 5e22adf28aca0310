# serve: the Serve row, responders, rules and a listener's clients (src/ui/panels/serve.rs).

serve-responder = responder
# What each responder does, beside its name (the names stay: `socklab serve` takes them).
serve-what-echo = sends back every byte it receives
serve-what-upper = sends back what it receives in capitals
serve-what-greet = answers each message X with Hello, X! (a TCP client also gets hello! as it connects, and exit closes it)
serve-what-discard = reads everything and answers nothing (RFC 863)
serve-what-chargen = sends lines of characters (RFC 864): without end on TCP; on UDP, a datagram of them for each one received
serve-what-daytime = sends the date and time (RFC 867); a TCP connection is closed after it
serve-what-fixed = answers every message with the reply you give
serve-what-hmac = challenges each client to prove it knows the key (HMAC)
serve-what-hmac-client = answers an hmac server's challenge with the key
serve-what-rules = answers by your rules: each chunk one recv() returns is matched, then its reply (a message the network split in two is not joined)
serve-fixed-reply = fixed reply
serve-key = key
serve-digest = digest
serve-hmac-note = md5 is the tutorials' digest; sha256 is today's choice. After OK the server echoes what follows; after FAIL it closes.
serve-answer = answer
serve-answer-tip-listening = The connections this listener has accepted, and every one it accepts from now, are answered by the responder (turn on auto-accept to accept them all).
serve-answer-tip = What arrives on this socket is answered by the responder (receiving starts by itself).
serve-stop-answering = stop answering
serve-stop-answering-tip = The socket stops answering; what it receives still shows.
# $responder: the responder answering, as it describes itself.
serve-answering = answering: { $responder }
serve-answering-changed = answering: { $responder } (the form has changed since: press answer to apply it)
serve-not-answering = not answering
serve-hmac-checks = HMAC checks: { $passed } passed, { $failed } failed
serve-last-report = the latest of { $n } reports kept: { $note }

# Rules ($n: the rule's number).
serve-rule = rule { $n }
serve-rule-hex = hex { $n }
serve-rule-hex-tip = Match the message as hex digits (regex) or a hex pattern
serve-rule-pattern = pattern { $n }
serve-rule-reply = reply { $n }
serve-rule-reply-tip = {"{"}0{"}"} the match, {"{"}1{"}"}..{"{"}9{"}"} its groups, {"{"}count{"}"}, {"{"}time{"}"}, {"{"}peer{"}"}, {"{"}data{"}"}; Python escapes such as \r\n
serve-rule-delay = rule { $n } delay (ms)
serve-rule-remove = remove rule { $n }
serve-add-rule = add rule
serve-add-rule-tip = Rules are tried in order; the first that matches answers

# A listener's clients.
serve-clients-open = { $open } clients open
serve-clients-open-limit = { $open } clients open (at most { $limit })
serve-max-clients = max clients
serve-max-clients-invalid = max clients is a whole number (empty: no limit)
serve-set-limit = set limit
serve-set-limit-tip = Past the limit, connections wait in the kernel's accept queue until a client leaves.
serve-broadcast = broadcast
serve-broadcast-tip = sendall the payload editor's bytes to every open client of this listener
serve-close-all = close all
serve-close-all-tip = Close every open client of this listener

# The accept queue.
serve-queue-empty = accept queue empty (backlog { $backlog })
serve-queue-waiting = { $n } waiting in the accept queue (backlog { $backlog }): connected, not yet accepted
serve-queue-waiting-manual = { $n } waiting in the accept queue (backlog { $backlog }): connected, not yet accepted; accept() takes the one that completed first
serve-queue-entry-tip = Completed by the kernel, waiting for accept() (listed in the kernel's order)
serve-queue-more = ... and { $n } more

# Warnings before a server is reachable from the network (the window's and `socklab serve`'s).
serve-every-interface = { $any } (every interface: an empty host binds them all)
serve-exposed = { $shown } is reachable from the network: anyone who can reach this machine can talk to this server. Use 127.0.0.1 (or ::1) to keep it local.
serve-unbound-listen = listen() before bind() binds { $any } (every interface) on a port the kernel picks: reachable from the network. Bind 127.0.0.1 (or ::1) first to keep it local.

# What the engine reports of its own accord: a responder's verdict, a listener that paused.
# $from is note-from or nothing.
note-from = { " " }from { $peer }
note-hmac-passed = HMAC check passed{ $from }
note-hmac-wrong = HMAC check FAILED{ $from }: wrong key or digest
note-hmac-late = HMAC check FAILED{ $from }: no complete answer within { $secs } s
note-no-challenge = no challenge sent{ $from }: the request carried { $carried } bytes and a challenge is { $challenge }; over UDP a request must carry at least { $least } (a higher UDP amplification limit answers shorter ones)
note-answered = answered the challenge with { $mac }
note-server-says = the server says { $text }
note-rule-fired = rule { $rule } ({ $kind } { $pattern }) fired, time { $count }
note-paused-process-files = accept paused: EMFILE: the process has reached its limit of { $limit } open files (RLIMIT_NOFILE), { $sockets } of them socklab's sockets; connections wait in the listen backlog, and accepting resumes when one closes. Raise the limit (ulimit -n) or close connections
note-paused-system-files = accept paused: ENFILE: the whole system has run out of open files (fs.file-max), socklab holds { $sockets } sockets; connections wait in the listen backlog, and accepting resumes when one closes
note-paused-memory = accept paused: { $errno }: the kernel is short of memory for new connections; connections wait in the listen backlog, and accepting resumes when one closes
note-paused-sockets = accept paused: { $max } sockets are open, the engine's limit; connections wait in the listen backlog, and accepting resumes when one closes
note-paused-consumer = accept paused: { $queued } events wait for the window to read them; connections wait in the listen backlog, and accepting resumes when the window catches up
note-accepting-again = accepting again (tries that found the shortage still there: { $tries })
note-not-followed = its life after close is not followed: { $max } closed connections are followed already
note-unfollowed-thread = its life after close is not followed: no thread could be started to follow it: { $errno }
note-unfollowed-behind = its life after close is not followed: the thread that follows closed connections is too far behind
note-still-there = still { $state } after { $secs } s; no longer followed
note-left-out = { $n } notes and reports were left out while the window fell behind
# Python's close() while another thread's call waits on the socket (CPython's behaviour).
note-held-by-call = close() returned, but { $op }() waiting in another thread still holds the socket: the kernel keeps it, and its port, until that call returns, as in CPython.
note-held-by-call-shutdown = To end such a wait, call shutdown(socket.SHUT_RDWR) before close().
note-held-by-call-timeout = close() returned, but { $op }() waiting in another thread still holds the socket: the kernel keeps it, and its port, until that call ends. With a timeout set it ends with EBADF when something happens on the socket or the timeout runs out, as CPython's does while no new socket has taken the old descriptor's number.
# Why socklab hung up a responder's connection.
note-hangup-ended = the responder ended the session
note-hangup-peer-closed = the peer closed its side, so the server hung up too
note-hangup-peer-gone = the peer is gone (sending to it failed)

# Why a responder cannot be built from the form ($name quoted; $why: the part's own error).
serve-error-unknown-responder = unknown responder { $name }: one of { $names }
serve-error-unknown-digest = unknown digest { $name }: use md5, sha1 or sha256
serve-error-no-key = the HMAC responders need a key
serve-error-no-rules = the rules responder needs at least one rule
serve-error-fixed-reply = the fixed reply: { $why }
serve-error-rule = rule { $n }: { $why }
serve-error-regex = bad regex: { $why }
serve-error-pattern = pattern: { $why }
serve-error-reply = reply: { $why }
serve-error-lone-close = reply: a lone '{"}"}' (write '{"}}"}' for a brace)
serve-error-unclosed = reply: '{"{"}' without '{"}"}' (write '{"{{"}' for a brace)
serve-error-placeholder = reply: unknown placeholder {"{"}{ $name }{"}"}: use {"{0}..{9}, {count}, {time}, {peer}"} or {"{data}"}
# How a rule matches a message.
serve-kind-exact = exact
serve-kind-contains = contains
serve-kind-prefix = prefix
serve-kind-suffix = suffix
serve-kind-regex = regex
# RLIMIT_NOFILE unlimited, in note-paused-process-files's $limit.
note-no-limit = unlimited
# A closed connection followed for $secs whose state was never read.
note-still-followed = still in the kernel's table after { $secs } s; no longer followed
note-no-rule-matched = no rule matched the { $len } bytes received, { $head }, so nothing was sent back (time { $count } on this connection). Rules are matched against each chunk one recv() returns: a message that arrives in two pieces is matched as two.
serve-clients-last-report = the latest report of its connection { $name }: { $note }
