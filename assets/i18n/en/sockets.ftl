# sockets: the sockets list (New buttons, every socket's row and tooltip).

sockets-heading = Sockets
sockets-new-tcp = New TCP
sockets-new-udp = New UDP
# A Unix socket's kind, after its family (TCP and UDP stay as they are).
sockets-unix-stream = Unix stream
sockets-unix-dgram = Unix datagram
# A Unix socket with no address (getsockname() gives '').
address-unnamed = (unnamed)
sockets-new-tcp6 = New TCP6
sockets-new-udp6 = New UDP6
sockets-new-unix = New Unix
sockets-new-unix-dgram = New Unix dgram
# Pieces of every kind of socket: a recv's or send's chunk, a datagram.
sockets-msgs = { $n ->
    [one] { $n } piece
   *[other] { $n } pieces
}
# $bytes_in, $bytes_out: sizes as "1.5 KiB"; $msgs_in, $msgs_out: sockets-msgs.
sockets-totals = all sockets: in { $bytes_in } ({ $msgs_in }) | out { $bytes_out } ({ $msgs_out })
sockets-remove-closed = remove closed ({ $n })
sockets-remove-closed-tip = Take every closed socket off this list (their traffic goes with them).
sockets-remove = remove from the list
# A row's second line: its addresses and byte counts.
sockets-row-addresses = { $local } -> { $peer }   in { $bytes_in } / out { $bytes_out }
# A row's tooltip. $what: the kernel's TCP state explained (inspector-tcp-...).
sockets-tip-kernel = Kernel: { $what }
sockets-tip-forgotten-time-wait = Kernel: forgotten — its TIME_WAIT has ended, and the kernel holds nothing of this connection any more.
sockets-tip-forgotten = Kernel: forgotten — the kernel holds nothing of this connection any more (no TIME_WAIT on this side).
# $op: the call's name (recv); $way: what ends it (inspector-way-out-...).
sockets-tip-waits = { $op } waits: { $way }.
# Which console's program made the socket (shown with two consoles side by side).
sockets-made-by-console = console { $n }
sockets-queued = in { $listener }'s queue
sockets-queued-tip = Not accepted yet: the kernel completed the handshake, so connect() returned and this side reads ESTABLISHED, but the connection waits in { $listener }'s accept queue until { $listener }.accept() takes it. What is sent now waits in the kernel; if { $listener } closes first, the kernel resets the connection (ConnectionResetError at the next call).
