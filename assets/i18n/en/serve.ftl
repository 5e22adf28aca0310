# serve: the Serve row, responders, rules and a listener's clients (src/ui/panels/serve.rs).

serve-responder = responder
serve-fixed-reply = fixed reply
serve-key = key
serve-digest = digest
serve-hmac-note = md5 is the tutorials' digest; sha256 is today's choice. After OK the server echoes what follows; after FAIL it closes.
serve-answer = answer
serve-answer-tip-listening = Every connection this listener accepts is answered by the responder (turn on auto-accept to accept them all).
serve-answer-tip = What arrives on this socket is answered by the responder (receiving starts by itself).
serve-stop-answering = stop answering
serve-stop-answering-tip = The socket stops answering; what it receives still shows.
# $responder: the responder answering, as it describes itself.
serve-answering = answering: { $responder }
serve-not-answering = not answering
serve-hmac-checks = HMAC checks: { $passed } passed, { $failed } failed
serve-last-report = last report: { $note } ({ $n } in all)

# Rules ($n: the rule's number).
serve-rule = rule { $n }
serve-rule-hex = hex { $n }
serve-rule-hex-tip = Match the message as hex digits (regex) or a hex pattern
serve-rule-pattern = pattern { $n }
serve-rule-reply = reply { $n }
serve-rule-reply-tip = {"{"}0{"}"} the match, {"{"}1{"}"}..{"{"}9{"}"} its groups, {"{"}count{"}"}, {"{"}time{"}"}, {"{"}peer{"}"}, {"{"}data{"}"}; Python escapes such as \r\n
serve-rule-delay = delay { $n } (ms)
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
