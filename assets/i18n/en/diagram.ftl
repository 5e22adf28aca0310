# diagram

# Rows on a lane of the sequence diagram, and the calls of the state timeline.
diagram-accepted-from = accepted from { $name }
diagram-call-raised = { $call } raised { $result }
diagram-call-failed = { $op }() failed
diagram-kernel-state = kernel: { $state }
diagram-kernel-forgot = kernel: forgot the connection
diagram-rst-said = reset:
# A SYN captured again (the same one as before: no answer came).
diagram-sent-again = (sent again)
diagram-tip-syn-again = The same SYN again: no SYN, ACK came back in time (a listener whose accept queue is full drops new clients' SYNs), so the client's kernel sends it again. This machine's kernel waits { $gaps }... s between tries and gives up after { $give_up } s, unless a timeout on the socket ends connect() first (another machine's kernel has settings of its own).
diagram-tip-again = The same segment again: no answer came in time, so the kernel sent it once more.
# What a captured segment is, on hover over its row.
diagram-tip-syn = SYN: the first segment of a connection. connect() makes the kernel send it to the listener's port.
diagram-tip-syn-ack = SYN, ACK: the listener's kernel answers the SYN. When the client's ACK comes back, the connection waits in the accept queue until accept() takes it.
diagram-tip-fin = FIN: this side will send nothing more (close(), or shutdown(SHUT_WR)). The other side's recv() returns b'' once it has read the bytes before it.
diagram-tip-rst = RST: the kernel reset the connection, which ends at once. Bytes that had already arrived can still be read; then the other side's next call raises ConnectionResetError (ECONNRESET), and a send after that BrokenPipeError. A close() while received bytes were still unread sends it, as does a close() with SO_LINGER set to 0; a connect() to a port where nobody listens gets one back (ConnectionRefusedError).
diagram-tip-data = Data: { $len } bytes of the stream (seq counts from this side's first byte). The receiving kernel queues them until recv() takes them.
diagram-tip-ack = ACK: the kernel says how much it has received (ack: the next byte it expects). The kernel sends it on its own; the handshake's last ACK is part of connect().
diagram-tip-reset-raised = This socket's connection was reset: the other side closed it while bytes it had received were still unread, or closed it with SO_LINGER set to 0 (over TCP, an RST segment says so). Bytes that had already arrived were read first; this recv raised ConnectionResetError (ECONNRESET), and a send after it raises BrokenPipeError.
diagram-recv-cut = ({ $cut } cut off, lost)
# A datagram's row: where it went, where it came from (after "sendto 7 B" / "recvfrom → 5 B").
diagram-datagram-to = { " " }to { $peer }
diagram-datagram-from = { " " }from { $peer }
diagram-tip-cut = The datagram was larger than the buffer: this call got its first bytes, the kernel dropped the other { $cut }, and Python said nothing. A bufsize as large as the largest datagram keeps them whole (65507 bytes for UDP over IPv4).
diagram-handshake = SYN, SYN-ACK, ACK (handshake by the kernels)
diagram-unix-connect = connect (no handshake)
diagram-unix-end = end of stream (no FIN)

# The sequence diagram.
diagram-segments-lost = ({ $n } segments were not kept: the window fell behind)
diagram-thinned = (a flood: while it lasts, the capture keeps every segment with SYN, FIN or RST but only one in { $n } of the others)
diagram-captured = The grey arrows are the TCP segments captured on loopback as they went ([SYN], [SYN, ACK], [PSH, ACK], [FIN, ACK]...; seq and ack count from each side's first, as Wireshark shows them){ $lost }; the blue ones, each send's bytes to the recv they arrived in.
diagram-captured-from = Segments are captured from { $at } on (when the sequence diagram was first shown, the Python console opened, or a lesson began): rows before it have no captured segments (their handshakes and FINs, where drawn, are guessed from the calls).
diagram-guessed = Drawn from the socket calls and the states the kernel reported: the handshake and FIN arrows mark where the kernels did them; { $why }.
diagram-not-tcp = The arrows go from each send to the recv its bytes arrived in (UDP and Unix sockets have no handshake, FIN or TCP segments to draw).
diagram-no-segments = A connection here goes to a program outside socklab: its peer has no lane, so that connection's segments are drawn on this side's lane alone, without arrows, each naming the other end. The handshake's SYNs are the listening socket's; what came after them, even before accept(), is the connection's: the kernel had made it, and it waited in the accept queue with its bytes until accept() gave it to the program.
diagram-some-guessed = The purple and orange arrows are drawn from the calls: their connections began before the capture, or are Unix sockets.
diagram-clear = Clear diagram
diagram-clear-tip = Start the drawing again from now (the sockets stay).
diagram-how-show = How it is drawn
diagram-how-hide = Hide how it is drawn
diagram-truncated = Only the last { $n } events are kept: the drawing begins later than the sockets.
diagram-no-sockets = No sockets yet: make one on the left, or in the Python console (F2).
diagram-bytes-received = { $name } received { $n } bytes:
diagram-bytes-sent = { $name } sent { $n } bytes:
diagram-bytes-gone = Those bytes are no longer kept (the traffic log's cap let them go).

# The state timeline.
diagram-timeline-about = Each socket's states, one column per call or change of state (time at the top): the socket as the window sees it, and under it the kernel's TCP state once the connection is closing; the calls that moved it below. Hover a state for what it means.
diagram-timeline-earlier = ← { $n ->
    [one] 1 earlier column
   *[other] { $n } earlier columns
}
diagram-timeline-earlier-tip = The timeline opens at now; this scrolls back to its first column (the scroll bar below moves it too).
diagram-now = now
diagram-kernel = kernel
diagram-kernel-later = the kernel's TCP state shows here once the connection closes (FIN_WAIT, TIME_WAIT…)
diagram-forgotten = forgotten
diagram-forgotten-tip = The kernel holds nothing of this connection any more.

# The graphs.
diagram-graphs-none = Select a socket on the left: its rate, rtt, cwnd and queues are drawn here.
diagram-graphs-about = { $name }: readings over time ({ $n } so far; a reading comes when something changed). Seconds from the first.
diagram-graphs-few = Not enough readings yet: send or receive something.
diagram-graph-rate = rate (bytes/s)
diagram-graph-in = in
diagram-graph-out = out
diagram-graph-queues = receive and send queue (bytes)
diagram-graph-recv-queue = receive queue
diagram-graph-recv-buffer = receive buffer used
diagram-graph-send-queue = send queue
diagram-graph-rtt = rtt (µs, TCP_INFO)
diagram-graph-cwnd = cwnd (segments, TCP_INFO)
diagram-graph-hover = { $name }: { $value }
diagram-graph-hover-time = { $secs } s after the first reading
diagram-graph-segments = { $n } segments
diagram-graphs-tcp-only = rtt and cwnd: the kernel measures them for TCP connections only.

# The message boundaries.
diagram-boundaries-about = TCP carries a stream of bytes, not messages: what one send() gave may arrive split over several recv() calls or joined with the next send's (粘包). Each line across is where a call began or ended; a recv is as long as what had arrived when it was called (up to its bufsize).
diagram-boundaries-outside = The other end, { $peer }, is another program: its send() calls are not seen here, only how this side's recv() calls cut what arrived (three sends may arrive in one recv). Make both ends in this window to see both sides.
diagram-boundaries-unseen = its { $call }() calls not seen
diagram-boundaries-other = { $peer } (another program)
diagram-boundaries-none = Select one end of a TCP connection whose other end is in this window too (made here or in the Python console): its sends and the other end's recvs are drawn side by side.
diagram-boundaries-way = { $from } → { $to }: { $sends }; { $recvs }
diagram-boundaries-calls = { $n ->
    [one] { $n } { $call }() call
   *[other] { $n } { $call }() calls
}
diagram-boundaries-unread = { $n } B not read yet: waiting in { $name }'s receive queue
diagram-boundaries-empty = Nothing sent this way yet (or not yet received).
diagram-boundaries-ended = { $to }.{ $call }() → { $result }: { $from } closed its side (FIN), and { $to } has read every byte before it. The stream this way has ended; every later { $call } returns { $result } at once.
diagram-boundaries-ended-unix = { $to }.{ $call }() → { $result }: { $from } closed its side (a Unix socket sends no FIN: the kernel marks the end itself), and { $to } has read every byte before it. The stream this way has ended; every later { $call } returns { $result } at once.

# A datagram socket's page of the boundaries: each datagram whole, and what a small buffer cut off.
diagram-datagrams-about = Datagrams keep their boundaries: one sendto() is one datagram, and one recv() or recvfrom() takes exactly one, never parts of two. A recv whose bufsize is smaller than the datagram gets the first bufsize bytes; the kernel drops the rest of that datagram (red: cut off, lost), and Python says nothing.
diagram-datagrams-none = No datagram sent or received on this socket yet.
diagram-datagrams-count = { $name }: the last { $n } datagrams ({ $got } received, { $sent } sent), { $cut } of those received cut off by a small buffer
diagram-datagrams-dropped = { $n ->
    [one] The kernel dropped { $n } datagram whole on its way in, before any recv could take it, mostly because the receive buffer (SO_RCVBUF) was full: a datagram arrives whole or not at all, and neither sendto() nor recvfrom() is told.
   *[other] The kernel dropped { $n } datagrams whole on their way in, before any recv could take them, mostly because the receive buffer (SO_RCVBUF) was full: a datagram arrives whole or not at all, and neither sendto() nor recvfrom() is told.
}
diagram-datagrams-waiting = Waiting in the kernel, not received yet: the next datagram is { $n } B (the kernel tells only the next one's size; its sender shows once a recv takes it).
diagram-datagrams-waiting-buffer = Waiting in the kernel, not received yet: the next datagram is { $n } B, and the receive buffer counts { $used } B used (the kernel tells only the next one's size; its sender shows once a recv takes it).
diagram-datagram-out = → sent { $n } B to { $peer }
diagram-datagram-in = ← received { $n } B from { $peer }, whole
diagram-datagram-cut = ← received { $kept } B of a { $whole } B datagram from { $peer }: { $cut } B cut off (bufsize too small; lost)
diagram-datagram-unnamed = an unnamed socket
diagram-lanes-of = Lanes: { $name } and the sockets it talks to.{ $n ->
    [0] {""}
    [one] { " " }1 more in the list is not drawn here: select it for its own.
   *[other] { " " }{ $n } more in the list are not drawn here: select one for its own.
}
diagram-lanes-cut = Not drawn, { $max } lanes at most: { $names } (the segments of their connections are on this side's lane alone, without arrows).
diagram-lanes-cut-more = { $n } more
diagram-waited = { $op }() blocks: waited { $secs } s
