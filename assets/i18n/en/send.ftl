# send: the payload editor, the send buttons, repeats, the library and history
# (src/ui/panels/send.rs, src/ui/sending.rs).

send-listener-note = A listener sends nothing itself: broadcast (in the Serve row, below) sends these bytes to each of its clients.
send-stop = stop sending
send-stop-tip = End the send job now (what was sent stays sent).

# The editor.
send-mode-text = Text
send-mode-text-tip = Text with Python escapes: \x00 \r \n \t \\ \' \" \0, \u4e2d
send-mode-hex = Hex
send-mode-hex-tip = Hex digits; spaces, colons, commas, newlines and 0x are ignored
send-mode-file = File
send-mode-file-tip = A file of any size, streamed from disk with progress and cancel
send-encoding = encoding
send-line-ending-none = none
send-line-ending = line ending
send-file-to-send = file to send
send-open-file = Open file...
send-open-file-tip = Pick the file to send
send-file-size = { $size } bytes, read from disk as they are sent
send-file-looking = looking at the file...
send-payload = payload
# The bytes the payload makes: their count, then their hex.
send-payload-bytes = { $n } bytes: { $hex }
send-nothing-sent = nothing is sent: { $error }

# The send buttons.
send-file = send file
send-file-tip-stream = Stream the whole file over the connection (sendall, chunk by chunk).
send-file-tip-datagram = Send the file as datagrams of the size set below.
send-send-tip = Send once; the kernel may take only part (the count is shown).
send-send-tip-not-connected = Not connected: the kernel will refuse (EPIPE or ENOTCONN).
send-sendall-tip = Send every byte, waiting for room as needed.
send-sendto-tip = Send one datagram to the peer address above.

# Repeats.
send-repeat = Repeat:
send-times = times
send-until-stopped = until stopped
send-interval = interval (ms)
send-each-sendall = each with sendall
send-each-sendall-tip = Every byte of every message, waiting for room
send-each-send = each with send
send-each-datagram = each message one datagram, with { $call }
send-each-send-tip = One send() per message: the kernel keeps what it has room for, and the view says when that was not all
send-datagram-size = datagram size
send-start-repeating = start repeating
send-start-repeating-tip = Send the payload the given number of times (or until stopped), one interval apart, while the socket stays usable.
send-times-invalid = times must be a whole number of at least 1
send-interval-invalid = the interval is a number of milliseconds from 0 to 86400000
send-datagram-invalid = a datagram holds 1 to 65507 bytes
send-pick-file = pick a file (Open file...) or type its path

# The library and history.
send-library = Library:
send-payload-name = payload name
send-save-to-library = save to library
send-save-to-library-tip = Keep this payload (mode, encoding and line ending too) under its name
send-library-menu = library ({ $n })
send-library-empty = Name a payload and save it to find it here.
send-send-saved = send saved
send-send-saved-tip = Send it to this socket now
send-edit-saved = edit saved
send-edit-saved-tip = Put it in the editor
send-delete-saved = delete saved
send-library-file = library file
send-library-file-button = Library file...
send-library-file-tip = Pick the library file
send-import = import
send-import-tip = Add the payloads of a library file (same name: the file's wins)
send-export = export
send-export-tip = Write the library as JSON
send-history-menu = history ({ $n })
send-history-empty = What you send appears here.
send-send-again = send again
send-edit-again = edit again
send-no-peer = no peer to send to: { $error }
send-not-sent = not sent: { $error }
# A saved payload's mode, in the lists: "[text] PING\r\n".
send-saved-text = text
send-saved-hex = hex
send-saved-file = file

# A send job: while it runs, and once it ends. $bytes, $calls and $reps are the counts below.
send-calls = { $n ->
    [one] { $n } call
   *[other] { $n } calls
}
send-repetitions = { $n ->
    [one] { $n } repetition
   *[other] { $n } repetitions
}
send-job-done = send job done: { $bytes } in { $calls }, { $reps }
send-job-stopped = send job stopped: { $bytes } in { $calls }, { $reps }
send-job-partial = ; a send() took only { $took } of { $offered } bytes (the rest of that message was not sent)
# $sent and $total are sizes ("1.5 MiB"), $rate one per second.
send-job-status = { $sent } sent in { $calls } ({ $reps }), { $rate }/s
send-job-status-total = { $sent } of { $total } sent in { $calls } ({ $reps }), { $rate }/s
send-hex-as-typed = Hex sends the bytes as typed (and the check value chosen): no encoding or line ending applies.
send-check = check value
send-check-tip = A check value appended after the payload, computed over every byte before it (in text mode the line ending too); the byte preview above shows it.
send-check-none-tip = Nothing appended.
send-check-sum8-tip = The bytes added up, the lowest byte of the sum.
send-check-xor8-tip = The bytes XORed together: one byte.
send-check-modbus-tip = The CRC-16 of Modbus RTU (reflected polynomial 0xA001, start 0xFFFF), low byte first: two bytes.
send-check-ccitt-tip = CRC-16/CCITT-FALSE (polynomial 0x1021, start 0xFFFF), high byte first; Python's binascii.crc_hqx(data, 0xFFFF).
send-check-xmodem-tip = CRC-16/XMODEM (polynomial 0x1021, start 0), high byte first; Python's binascii.crc_hqx(data, 0).
send-check-crc32-tip = CRC-32 (Python's zlib.crc32), high byte first: four bytes.
