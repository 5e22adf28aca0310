# inspector: the inspector panel (what the kernel reports about the selected socket).

inspector-heading = Inspector
inspector-button = Inspector
inspector-button-tip = Show or hide the inspector: what the kernel reports about the selected socket. Hidden, the page and the diagrams get its width.
inspector-select = Select a socket.
inspector-waiting = Waiting for the kernel's first report...
inspector-closed-at-close = Closed: the values below were read as it closed.
inspector-closed-before = Closed: the values below are the last ones read before close.
inspector-local = local address
inspector-peer = peer address
inspector-peer-connecting = - (connecting to { $to })
inspector-peer-was = - (was { $peer })
inspector-timeout-blocking = None (blocking)
inspector-timeout-non-blocking = 0.0 (non-blocking)
inspector-timeout-tip = Python's mode for this socket, as gettimeout() returns it: None waits as long as it takes; 0.0 never waits (BlockingIOError instead); a number of seconds waits that long, then raises TimeoutError. settimeout() and setblocking() change it.
# O_NONBLOCK set because the socket has a timeout (CPython does that).
inspector-flag-set-for-timeout = set (by the timeout)
inspector-nonblock-tip = The kernel's non-blocking flag on the descriptor. CPython sets it for every socket with a timeout, not only after setblocking(False): it then waits for the socket with poll() itself, up to the timeout. So settimeout(3) shows it set as setblocking(False) does; gettimeout() tells them apart.
# O_NONBLOCK's value.
inspector-flag-set = set
inspector-flag-clear = clear
# What the socket's own shutdown() ended (shown once it called one).
inspector-shut = shut by its shutdown()
inspector-shut-read = receiving (SHUT_RD)
inspector-shut-write = sending (SHUT_WR)
inspector-shut-both = both ways (SHUT_RDWR)
inspector-shut-tip = What this socket's own shutdown() ended; the peer's closing shows as the TCP state CLOSE_WAIT instead. SHUT_WR sends a FIN: the peer's recv() returns b'', and a send() here raises BrokenPipeError. SHUT_RD: a recv() here returns b'' at once while nothing is queued (Linux still delivers bytes that arrive later).
inspector-shut-tip-other = What this socket's own shutdown() ended. SHUT_WR: a send() here raises BrokenPipeError. SHUT_RD: a blocking recv() here returns b'' at once while nothing is queued (on a datagram socket one with a timeout waits it out: the kernel says it is readable, yet has nothing to give).
# $state: the connection's state after close, as "TIME_WAIT 42 s".
inspector-closed-after = closed, { $state }
inspector-closed = closed
inspector-tcp-state = TCP state
inspector-accept-queue = accept queue
inspector-accept-waiting = { $q } waiting (backlog { $backlog })
inspector-half-open = half-open (SYN-RECV)
inspector-half-open-list = { $n }: { $list }
inspector-half-open-tip = Clients whose handshake this kernel has not completed: it answered their SYN with SYN, ACK, and no ACK of theirs has completed it here. Their connect() has most likely returned, so they think they are connected and may send, but no socket here holds them, and accept() cannot take them. Most often their ACK came while the accept queue was full and was dropped: the kernel sends SYN, ACK again (up to net.ipv4.tcp_synack_retries times), and the next ACK completes the connection if the queue has room then; after the last try it forgets them, and the client's next segment is answered with RST (its recv() raises ConnectionResetError). (A listener with TCP_DEFER_ACCEPT keeps them here until their first bytes.)
inspector-queued = not yet: waits in { $listener }'s accept queue
inspector-accept-queue-tip = Connections whose handshake the kernel has completed, waiting for accept() to take them. Linux lets the backlog plus one wait (the backlog is capped by net.core.somaxconn); past that it drops new clients' SYNs, and their kernels send them again later (this machine's waits { $gaps }... s between tries), so their connect() waits, here for { $give_up } s at most.
# $q waiting, more than $backlog: the queue is full.
inspector-accept-full = The accept queue is full ({ $q } waiting, backlog { $backlog }: Linux lets the backlog plus one wait). The kernel now drops new clients' SYNs; their connect() waits while their kernel sends the SYN again (this machine's waits { $gaps }... s between tries), and goes on at the first SYN after accept() made room (if none comes in time, a blocking connect() on this machine without a timeout fails with ETIMEDOUT { $give_up } s after its first SYN; a timeout ends it sooner). A client whose SYN was answered before the queue filled may think it is connected while its ACK was dropped: it is listed as half-open.
inspector-rtt-value = { $rtt } µs (±{ $var })
inspector-cwnd-value = { $cwnd } segments / { $mss } bytes
inspector-retransmits = retransmits
inspector-retransmits-value = { $now } now, { $total } total
inspector-syn-resent = SYN resent
inspector-syn-resent-value = { $n ->
    [one] once
   *[other] { $n } times
  }; waiting up to { $rto } s after the latest for a SYN-ACK
inspector-syn-last-value = { $n ->
    [one] once
   *[other] { $n } times
  }, the last: without a SYN-ACK within { $rto } s of it, connect() fails with ETIMEDOUT
inspector-syn-resent-tip = connect() sent a SYN and no SYN-ACK has come back: the listener's accept queue is full (it drops new SYNs), a firewall drops them, or no host answers. The kernel sends the SYN again (this machine's waits { $gaps }... s between tries); if no SYN-ACK comes, connect() fails with ETIMEDOUT (TimeoutError) { $give_up } s after the first SYN, sooner with a timeout.
inspector-bytes = bytes in / out
inspector-messages = messages in / out
inspector-chunks = chunks in / out
inspector-chunks-tip = A chunk is what one recv() returned or one send() took. TCP keeps no message boundaries, so these say how the bytes happened to be read and written, not how many messages the programs meant.
inspector-datagrams = datagrams in / out
inspector-receive-queue = receive queue
inspector-drops = dropped by the kernel
inspector-buffer-used = receive buffer: { $used } of { $size } bytes used
inspector-buffer-used-tip = What the receive buffer has charged (SO_MEMINFO), which each arriving datagram is checked against: one that arrives when it is full is dropped. Each waiting datagram costs several hundred bytes more than its payload (the kernel's bookkeeping), and what a datagram read took is given back in batches, once a quarter of the buffer is owed or the queue is empty, so after a recv this may not fall yet. ss's Recv-Q leaves out what is owed back.
inspector-buffer-overhead = Each waiting datagram takes several hundred bytes more than its payload here (the kernel's bookkeeping), and what a read one took is given back in batches (a quarter of the buffer, or when the queue empties).
inspector-next-datagram = next datagram: { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
}
inspector-next-datagram-tip = What the next recv gets (SIOCINQ: on a datagram socket the size of the next datagram, not of all that wait); 0 when none waits or it is empty.
inspector-drops-value = { $n ->
    [one] { $n } datagram
   *[other] { $n } datagrams
}
inspector-drops-tip = Datagrams the kernel dropped on their way into this socket (SO_MEMINFO), mostly because its receive buffer (SO_RCVBUF) was full; UDP never tells the sender. Read sooner (auto-receive), or raise SO_RCVBUF. (A socket filter or a checksum error counts here too.)
inspector-send-queue = send queue
# $queue: inspector-receive-queue or inspector-send-queue.
inspector-queue-bytes = { $queue }: { $n } bytes
# A TCP socket in CLOSE whose SIOCOUTQ is not 0 (a failed connect() leaves it so).
inspector-send-queue-closed = { $queue }: empty (the kernel's { $n } here is not bytes; hover for why)
inspector-send-queue-closed-tip = A TCP socket in CLOSE has nothing to send: the kernel emptied its send queue when the connection failed or ended. SIOCOUTQ is not a count of bytes but the next sequence number to write minus the oldest unacknowledged one: a failed connect() leaves its SYN counted there (1), and after a blocking connect() failed, two more numbers (plus the peer's window) that the kernel skips so that a later connection's segments are not taken for this one's (3).
inspector-options = Options (read back from the kernel)
# After the option's description; $value: the kernel's value.
inspector-number-tip = The kernel holds { $value }. Type a number and press Enter to set it (Escape drops it).
inspector-whole-number = a whole number; press Enter to set it, Escape to drop it
inspector-read-back = asked { $asked } → kernel keeps { $kernel }
# $why: one of the three below.
inspector-read-back-why = asked { $asked } → kernel keeps { $kernel }, { $why }
inspector-why-doubles = it doubles it for bookkeeping
inspector-why-doubled-held = doubled for bookkeeping and held between its minimum and net.core.rmem_max/wmem_max
inspector-why-adjusts = the kernel adjusts it

# What each state means (tooltips of the sockets list, the inspector and the timeline).
inspector-sock-created = created: socket() made it; it has no address yet. Next: bind() to give it one, connect() (the kernel picks a local port), or listen() (the kernel binds every interface); a UDP socket's first sendto() makes the kernel bind it too.
inspector-sock-bound = bound: it has its local address. Next: listen() to take connections, connect() to a peer, or (UDP) recvfrom/sendto.
inspector-sock-listening = listening: the kernel completes handshakes and queues the connections (on Linux, up to the backlog plus one). Next: accept() takes one; close() stops listening.
inspector-sock-connecting = connecting: the SYN is sent and the kernel waits for the answer. Out: the handshake completes (connected), the peer refuses (back to where it was), or the connect times out.
inspector-sock-connected = connected: data flows both ways. Out: shutdown() ends one direction, the peer closing makes recv() return b'', close() ends it.
inspector-sock-half-closed = half-closed: one direction is shut (by shutdown() here, or the peer closed its side: recv() returns b''). The other still works; close() ends both.
inspector-sock-closed = closed: the descriptor is gone. A TCP connection may live on in the kernel a while (FIN_WAIT, TIME_WAIT), shown beside it.
# A datagram socket's own words for the states it shares with streams: UDP's (udp-), a Unix
# datagram socket's (unix-dgram-), and what both share (dgram-).
inspector-udp-created = created: socket() made it; it has no address yet. Next: bind() to give it one (a receiver needs a known port), or sendto() (the kernel binds it to a free port first); connect() fixes one peer.
inspector-unix-dgram-created = created: socket() made it; it has no address yet. Next: bind() to a path to receive there; sendto(path) or connect(path) to a bound socket. A sender that never binds stays unnamed: its receiver gets None as its address and cannot answer it.
inspector-dgram-bound = bound: it has its local address; datagrams sent to it queue in the kernel until recvfrom() takes them, one whole datagram each. Next: recvfrom() or sendto(); connect() fixes one peer. A datagram socket does not listen() or accept().
inspector-udp-connected = connected: connect() only fixed its peer — no handshake, nothing was sent. send() and recv() use that peer, and the kernel drops datagrams from anyone else. When a datagram finds nothing receiving at that port, the kernel is told (ICMP port unreachable) and a later call raises ConnectionRefusedError. close() ends it.
inspector-unix-dgram-connected = connected: connect() only fixed its peer's address — nothing was sent. send() and recv() use that peer; another socket's sendto() to this one gets PermissionError. Once the peer is closed, the next send() raises ConnectionRefusedError and the kernel forgets the peer. close() ends it.
inspector-dgram-half-closed = half-closed: this side's shutdown() ended one direction. After SHUT_RD a blocking recv() returns b'' once nothing is queued (with a timeout it times out); after SHUT_WR, send() raises BrokenPipeError. Nothing was sent to the peer: datagrams have no closing handshake.
inspector-udp-closed = closed: the descriptor is gone, and the port with it: datagrams sent there now are dropped (a connected UDP sender is told by an ICMP port unreachable). Nothing lives on in the kernel: no TIME_WAIT.
inspector-unix-dgram-closed = closed: the descriptor is gone; a file it was bound to stays until removed (os.unlink), and a datagram sent to that path now raises ConnectionRefusedError. Nothing lives on in the kernel: no TIME_WAIT.
inspector-dgram-error = error: the last call failed with an error the kernel reported for this socket (ConnectionRefusedError: a datagram it sent found nothing receiving; BrokenPipeError: a send after its own SHUT_WR). A datagram socket goes on working: the next call tries again.
inspector-sock-error = error: the connection ended in a reset, a broken pipe or a timeout, said by a failed call or by the kernel's TCP state (the peer is gone; bytes that came before a reset can still be read, then a call raises the error). Close it; a new socket is needed.

# The kernel's TCP states.
inspector-tcp-established = ESTABLISHED: the handshake is done; data flows. Out: a FIN from either side.
inspector-tcp-syn-sent = SYN_SENT: connect() sent a SYN and waits for SYN-ACK. Out: the SYN-ACK (ESTABLISHED), a RST (refused) or the retries running out.
inspector-tcp-syn-recv = SYN_RECV: a SYN came and the SYN-ACK went; waiting for the last ACK of the handshake.
inspector-tcp-fin-wait1 = FIN_WAIT1: this side closed and sent its FIN; waiting for the peer to acknowledge it.
inspector-tcp-fin-wait2 = FIN_WAIT2: the peer acknowledged this side's FIN; waiting for the peer's own FIN (the peer has not closed yet).
inspector-tcp-time-wait = TIME_WAIT: both sides closed and this side closed first; the kernel keeps the connection 60 s so late packets die out. Until then its address is taken, unless SO_REUSEADDR is set.
inspector-tcp-close-short = CLOSE (no connection)
inspector-tcp-close = CLOSE: no connection (new, only bound, refused or reset).
inspector-tcp-close-wait = CLOSE_WAIT: the peer closed its side (recv() returns b''); this side may still send. Out: close() here.
inspector-tcp-last-ack = LAST_ACK: the peer closed first, then this side; waiting for the ACK of this side's FIN.
inspector-tcp-listen = LISTEN: waiting for connections; completed ones queue until accept().
inspector-tcp-closing = CLOSING: both sides sent a FIN at once; waiting for the ACK of this side's.
inspector-tcp-unknown = A state this version of socklab does not know.

# What ends a waiting call ("recv waits: ...").
inspector-way-out-recv = data arriving, the peer closing the connection (b''), or the close button ends it (shutdown(SHUT_RD) too)
inspector-way-out-recv-datagram = a datagram arriving or the close button ends it
inspector-way-out-recv-datagram-unconnected = a datagram arriving or the close button ends it. One this socket sent to a port where nothing listens is lost without a word: the kernel hears "port unreachable" but tells only a connected socket (after connect(), recv raises ConnectionRefusedError), unless IP_RECVERR is set
inspector-way-out-accept = a connection arriving, shutdown(SHUT_RDWR) or the close button ends it
inspector-way-out-connect = the peer's answer, the kernel giving up (it sends the SYN again for about two minutes) or the close button ends it
inspector-way-out-connect-unix = the listener taking it (its queue is full) or the close button ends it
inspector-way-out-connect-timed = the peer's answer, the timeout or the close button ends it
inspector-way-out-send = the peer reading, the connection failing or the close button ends it
inspector-way-out-send-timed = the peer reading, the timeout or the close button ends it
inspector-way-out-close = the close button ends it

# socklab's state of a socket, as its badge says it.
inspector-word-created = created
inspector-word-bound = bound
inspector-word-listening = listening
inspector-word-connecting = connecting
inspector-word-connected = connected
inspector-word-half-closed = half-closed
inspector-word-half-closed-peer = half-closed (peer done sending)
inspector-word-half-closed-out = half-closed (done sending)
inspector-word-half-closed-in = half-closed (its reading shut)
inspector-word-half-closed-over = half-closed (connection over: FINs both ways, or a reset)
inspector-word-half-closed-both = half-closed (both done sending)
inspector-word-closed = closed
inspector-word-error = error

# What moved a socket to its state, when the engine names it in words (calls stay as code).
inspector-cause-failed-connect = a failed connect
inspector-cause-connect-ended = the kernel ended the connect (refused, unreachable or timed out)
inspector-cause-peer-closed = the peer closed its side
inspector-cause-receive-failed = a receive failed
inspector-cause-internal = an internal error
inspector-cause-handshake = the handshake completed
inspector-cause-kernel = the kernel's TCP state
inspector-cause-aborted = reset, or retransmission given up
inspector-cause-socklab = closed by socklab
inspector-cause-kernel-bound = the kernel gave it an address at its first send (sendto or send, even one that failed)

# An option's value as the kernel holds it (numbers and names stay).
inspector-opt-unavailable = unavailable ({ $errno })
inspector-opt-off = off (0)
inspector-opt-on = on ({ $v })
inspector-linger-on = on
inspector-linger-secs = seconds
inspector-linger-zero = On with 0 s: a TCP connection's close() sends RST instead of FIN, dropping what is unsent; no TIME_WAIT.
inspector-opt-linger-off = off
inspector-opt-linger-on = on, { $secs } s
inspector-opt-none = none (0)
inspector-opt-no-error = 0 (no error)
inspector-opt-any-interface = 0.0.0.0 (the routing table's choice)
inspector-groups = Multicast groups joined:
inspector-group = { $group } on { $on }
inspector-not-measured = not measured: no connection yet
