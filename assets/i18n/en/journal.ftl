# journal

# The journal's bar (src/ui/panels/journal.rs). Its entries are Python lines: never here.
journal-title = Journal
journal-copy = Copy journal
journal-copy-tip = Copy every line as a script socklab run and python3 can replay. Ctrl+J comes here.
journal-clear = Clear journal
journal-file = journal file
journal-save = Save journal
journal-save-tip = Write the journal as a Python script (socklab run FILE or python3 replays it).

# Beside an entry still running; $secs is already formatted ("4.2").
journal-waiting-timeout = waiting, times out in { $secs } s
journal-waiting = waiting...
# Under the whole line, in its tooltip.
journal-click-to-copy = Click to copy this line.
# Comments the journal writes between its lines ($name: the socket's Python name).
journal-overlap = { $name }.{ $op }() ran while { $name }.{ $with }() waited
journal-closed-by = { $name } closed by socklab: { $why } ({ $responder })
journal-after-forgot = { $name } after close: the kernel forgot the connection
journal-after-for = { $name } after close: { $state } for { $secs } s
journal-after = { $name } after close: { $state }
# What a click did that has no single Python call (after "# name: ").
journal-auto-receive-on = auto-receive on (recv({ $bufsize }) in a loop)
journal-auto-receive-on-datagrams = auto-receive on (recvfrom({ $bufsize }) in a loop, each datagram with its sender)
journal-auto-receive-off = auto-receive off
journal-auto-accept-on = auto-accept on
journal-auto-accept-off = auto-accept off
journal-join = join multicast group { $group } on { $interface }
journal-leave = leave multicast group { $group } on { $interface }
journal-inspect = inspect
journal-interrupt = { $name }'s waiting call interrupted
journal-stop-sending = stop sending
journal-answer-with = answer with the { $responder } responder
journal-stop-answering = stop answering
journal-limit = at most { $n } clients at once
journal-no-limit = no limit on clients
journal-record = receive to file { $path }
journal-record-off = receive to file off
# A send job: $what (bytes or journal-job-file), $times, $every (each empty or with a
# leading space), $call (send, sendall, sendto ADDRESS: code).
journal-job = send { $what }{ $times }{ $every } ({ $call })
journal-job-more = ... ({ $len } bytes)
journal-job-file = file { $path }
journal-job-times = { " " }{ $n } times
journal-job-until-stopped = { " " }until stopped
journal-job-every = { " " }every { $secs } s
# A send job's end, as the console prints it; $stopped is yes or no.
journal-sent = sent { $bytes } { $bytes ->
        [one] byte
       *[other] bytes
    } in { $calls } { $calls ->
        [one] call
       *[other] calls
    }{ $stopped ->
        [yes] , stopped
       *[no] {""}
    }
journal-tls-self-signed = CERT, KEY: a certificate socklab made for localhost, 127.0.0.1 and ::1
journal-respond-children = { $n ->
    [one] so is its open connection
   *[other] so are its { $n } open connections
}
