# state

# What a send took, said on the socket's status line.
state-took-part = { $call }() took { $n } of { $len } bytes: the kernel had room for no more; the other { $rest } were not sent (sendall sends every byte)
state-took-all = { $call }() took all { $n } of { $len } bytes
# After b'' on a diagram's lane.
state-peer-ended = (the peer ended its stream)
state-own-shut-read = (its own shutdown(SHUT_RD) ended its receiving)
state-empty-datagram = (an empty datagram)
state-nothing-asked = (recv(0) asks for no bytes and gets none at once; nothing is read)
# Why the sequence diagram draws no captured segments.
state-capture-needs-root = capturing the real segments needs root or CAP_NET_RAW ({ $why }): e.g. sudo setcap cap_net_raw+ep on the socklab binary
state-capture-refused = the real segments cannot be captured here ({ $why })

# Fields checked as they are typed.
state-enter-path = enter a path
state-path-too-long = a path holds at most 107 bytes ({ $n } given)
state-ipv6-needs-inet6 = an IPv6 address needs an AF_INET6 socket
state-host-spaces = a host has no spaces
state-enter-port = enter a port
state-port-not-number = port '{ $port }' is not a number
state-port-out-of-range = port { $port } is out of range 0-65535
state-whole-number = { $what } must be a whole number
state-settimeout-would-raise = settimeout() would raise { $class }: { $msg }
state-timeout-seconds = a timeout is a number of seconds >= 0, or None

# A call waiting on its socket ($left: seconds).
state-wait-blocked-left = { $op } blocked - { $left } s left
state-wait-room-left = { $op } waits for room - { $left } s left
state-wait-blocked = { $op } blocked (no timeout)
state-wait-room = { $op } waits for room (no timeout)
state-wait-short-blocked-left = { $op } blocked, { $left } s left
state-wait-short-room-left = { $op } waits, { $left } s left
state-wait-short-blocked = { $op } blocked
state-wait-short-room = { $op } waits

# A closed connection as the kernel still holds it.
state-forgotten = forgotten
state-after-close-left = { $state }, { $left } s left

# The house widgets.
state-warning = Warning: { $text }
state-default-button-tip = { $tip } Enter in the payload field presses it (Shift+Enter starts a new line).
state-failed-errno = { $op } failed - { $errno }
# connect_ex answers a failure as its number instead of raising.
state-returned-errno = { $op }() returned { $n } - { $errno }
state-failed = { $op } failed
# When the failure was heard of: its explanation was true then.
state-failed-at = at { $clock }
state-since-connected = The connect it started has since completed: connected at { $clock }. Nothing is left to wait for.
state-since-ended = The connect it started ended at { $clock } without a connection (refused, unreachable, timed out, or the socket closed first).
# A socket timeout (settimeout): TimeoutError, no errno.
state-timed-out = { $op } timed out
state-interrupted = { $op } interrupted
state-hint = Hint: { $hint }

state-settings-no-thread = settings will not be saved: no thread to write them ({ $error })

# Files written and read.
state-kept = kept { $path } as it was: nothing written
state-saved-journal = saved the journal ({ $calls }) to { $path }
state-count-calls = { $n ->
    [one] { $n } call
   *[other] { $n } calls
}
state-count-rows = { $n ->
    [one] { $n } row
   *[other] { $n } rows
}
state-enter-export-file = enter a file to save to (or Save as...)
state-saved-export = saved { $what } ({ $rows }, { $bytes }) to { $path }
state-no-file-chosen = No file was chosen. Where no file dialog opens (no desktop portal), type the file's path in the field beside the button.
state-saved-log = saved { $what } ({ $rows }, { $bytes } of traffic; the file is { $size }) to { $path }
state-enter-library-file = enter the library file's path (or Library file...)
state-imported = imported { $n } payloads from { $path }
state-exported = exported { $n } payloads to { $path }
state-library-working = working on the library file...
doing-at = { $state } at { $local }
doing-with-peer = { $state }, peer { $peer }
