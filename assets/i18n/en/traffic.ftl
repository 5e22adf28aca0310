# traffic: a socket's traffic view (rows, search and filter, totals and rates, saving and exporting).

traffic-heading = Traffic
traffic-search = search traffic
traffic-search-tip = Find rows holding this text or these bytes (Ctrl+F).
traffic-hex-pattern = hex pattern
traffic-hex-pattern-tip = The search is hex bytes (01 03 or 0103), not text.
traffic-show-hex = show hex
traffic-show-hex-tip = Each row shows its bytes in hex instead of as text (click a row for its full hex dump).
# Which rows show: every one, received only, sent only.
traffic-all = all
traffic-in-only = in only
traffic-out-only = out only
traffic-relative-time = relative time
traffic-time-of-day = time of day
traffic-merge = merge chunks
traffic-merge-tip = Show consecutive chunks of one direction as one stream of bytes, which is all TCP delivers: where one recv() ended and the next began is not drawn.
traffic-merge-tip-datagram = Show consecutive datagrams of one direction and one peer as one row, to read them together: each is still a message of its own, and where one ended is not drawn.
traffic-merge-gap = gap ≤
traffic-merge-gap-tip = Join only a chunk that came at most this long after the one before it (0: any gap). A device's frame that TCP split arrives within milliseconds, its next frame much later: with a gap of, say, 20 ms each frame is one row.
traffic-pause = pause view
traffic-pause-tip = Freeze the rows shown; traffic keeps being received, logged and counted
traffic-clear = Clear traffic
traffic-clear-tip = Forget the rows shown (the counters keep counting) (Ctrl+L).
traffic-save-and-export = save and export
traffic-save-to = save to
traffic-save-as = Save as...
traffic-save-as-tip = Pick the file to save to
traffic-save-received = save received bytes
traffic-save-received-tip = Every received byte the log holds, in order, as a binary file
traffic-export-csv = export CSV
traffic-export-csv-tip = One line per call: time, seconds, direction, length, peer, text, hex
traffic-export-json = export JSON lines
traffic-export-json-tip = One JSON object per call, with exact hex
traffic-cap = memory cap (MiB)
traffic-cap-tip = Now { $cap } MiB per socket: past it the oldest rows are evicted (the counters still count everything). 1 to { $max } MiB.
traffic-set-cap = set cap
# $problem: why the search pattern is not usable.
traffic-search-problem = search: { $problem }
traffic-rows = { $n ->
    [one] { $n } row
   *[other] { $n } rows
}
traffic-paused-shown = paused: { $shown } of { $total } rows shown
traffic-match = { $shown } of { $total } rows match
# $size: as "1.5 KiB".
traffic-evicted = { $n } oldest rows ({ $size }) evicted by the memory cap; the counters still count them
traffic-skipped = { $size } not shown (the view fell behind)
traffic-msgs = { $n ->
    [one] { $n } msg
   *[other] { $n } msgs
}
# A stream's pieces: what one recv() returned or one send() took.
traffic-chunks = { $n ->
    [one] { $n } chunk
   *[other] { $n } chunks
}
traffic-datagrams = { $n ->
    [one] { $n } datagram
   *[other] { $n } datagrams
}
traffic-drops = { $n ->
    [one] The kernel dropped { $n } datagram for this socket, mostly because its receive buffer was full.
   *[other] The kernel dropped { $n } datagrams for this socket, mostly because its receive buffer was full.
}
# $bytes_in, $rate_in...: sizes as "1.5 KiB"; $msgs_in, $msgs_out: traffic-msgs.
traffic-counters = in { $bytes_in } ({ $msgs_in }) | out { $bytes_out } ({ $msgs_out }) | last second: in { $rate_in }/s, out { $rate_out }/s
traffic-counters-tip = The bytes and pieces are what this socket's calls received and sent since it was made. The rates are the bytes that moved in the second before the latest reading of the socket (one every quarter second while bytes move), in and out over that same second, as the Graphs page draws them; both fall to 0 about 1.5 s after bytes stop moving.
# A row's direction, padded to three characters in the row.
traffic-dir-in = in
traffic-dir-out = out
# After b'' in a row of nothing received.
traffic-end-of-stream = (end of stream)
# Bytes in the kernel's receive queue that nothing reads (no recv, auto-receive off).
traffic-unread-stream = { $n ->
    [one] 1 byte waits in the kernel's receive queue: nothing has read it, so it is not in the view yet. Read it:
   *[other] { $n } bytes wait in the kernel's receive queue: nothing has read them, so they are not in the view yet. Read them:
}
traffic-unread-datagram = A datagram of { $n } bytes (maybe more behind it) waits in the kernel: nothing has read it, so it is not in the view yet. Read it:
traffic-unread-auto = Receive as they come (auto-receive)
traffic-empty-datagram = (an empty datagram, not an end)
# The merged view: consecutive chunks of one direction, then their text.
traffic-run = { $n ->
    [one] { $n } chunk
   *[other] { $n } chunks
}, { $bytes } bytes:
traffic-copy-text = Copy as text
traffic-copy-hex = Copy as hex
traffic-copy-python = Copy as Python bytes

# A datagram's bytes past the recv's buffer, dropped by the kernel.
traffic-cut = (+{ $n } B cut off)
traffic-listener-gathers = A listening socket sends and receives nothing itself. Below is what each connection it accepted (a new socket accept() returned) sent and received, in the order it came, the connection and its client's address in brackets; right-click a row to go to that connection.
traffic-go-to-connection = Go to connection { $name }
traffic-gathered-counters = its connections together: in { $bytes_in } | out { $bytes_out }
traffic-save-and-export-tip = Show saving the received bytes, exporting CSV or JSON lines, and the memory cap.
traffic-save-received-listener = A listener's rows come from several connections: their received bytes interleaved are no one connection's stream. Save a connection's received bytes from its own page.
traffic-dump-of = hex dump of the row { $at } { $dir } { $n } B (click the row again to close it)
traffic-relative-time-tip = Seconds since the first event of this run (the first socket the window saw), the same clock as the sequence diagram's and the state timeline's: one message reads one time on its connection's page, its listener's and in the diagrams, and sockets can be compared.
