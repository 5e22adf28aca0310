# workspace: the selected socket's page (src/ui/panels/workspace.rs).

# No socket selected yet.
workspace-welcome = Create a socket with New TCP, New UDP or New Unix on the left. Every click runs the Python call shown in the journal below, on a real socket.
workspace-welcome-lessons = New to sockets? The lessons take you through the tutorials' programs a step at a time, and show what to look at:
workspace-welcome-console = Or type the Python of a tutorial in the Python console below (F2): its sockets appear on the left under the names you give them.

# A closed socket; $state is what the kernel still holds (e.g. TIME_WAIT, with the time left).
workspace-closed-held = This socket is closed; the kernel still holds its connection: { $state }.
workspace-closed-held-ticking = This socket is closed; the kernel still holds its connection: { $state }. Until then, binding its port again needs SO_REUSEADDR on the new socket, and set on this one before it connected (for an accepted connection, on its listener).
workspace-closed-forgotten = This socket is closed, and the kernel forgot its connection.
workspace-closed = This socket is closed.
workspace-closed-note = Closed: nothing more can be done with this socket. Its traffic stays below to read and export; take it off the list with "remove closed" above the list, or right-click its row.

# The bar between the page and the traffic view.
workspace-split-tip = Drag to give the page or the traffic view more room
workspace-split-label = page and traffic divider

# Row titles.
workspace-row-bind = Bind
workspace-row-listen = Listen
workspace-row-connect = Connect
workspace-row-send = Send
workspace-row-receive = Receive
workspace-row-serve = Serve
workspace-row-record = Record
workspace-row-timeout = Timeout
workspace-row-end = End

# Bind row.
workspace-bind-host = bind host
workspace-bind-path = bind path
workspace-bind-port = bind port
workspace-recent-bind = recent bind
workspace-recent-bind-empty = Addresses bound before appear here.
workspace-bind-port-missing = enter a port (0 picks a free one)
workspace-bind-tip-bound = Already bound: the kernel will refuse with EINVAL.
workspace-bind-tip = Give the socket its local address (port 0 lets the kernel pick).

# Listen row.
workspace-backlog = backlog
workspace-backlog-unix-tip = How many connections may wait for accept(): Linux lets the backlog plus one wait (capped by net.core.somaxconn); past that a new client's connect() waits until accept() makes room (a non-blocking one fails with EAGAIN).
workspace-listen-tip = Wait for connections; the backlog is how many completed connections the kernel queues before accept().
workspace-listen-tip-udp = UDP has no connections: the kernel will refuse with EOPNOTSUPP.
workspace-accept-tip = Take one connection from the accept queue (blocks until one arrives).
workspace-accept-tip-not-listening = Not listening: the kernel will refuse with EINVAL.
workspace-auto-accept = auto-accept
workspace-auto-accept-tip = Accept every connection; each appears under this listener.

# Connect row.
workspace-peer-host = peer host
workspace-peer-path = peer path
workspace-peer-port = peer port
workspace-peer-port-missing = enter the peer's port
workspace-recent = recent
workspace-recent-empty = Peers connected or sent to appear here.
workspace-reconnect = reconnect
workspace-reconnect-tip = A socket connects only once: this makes a new socket with this page's options, timeout and payload, connects it to { $peer } and receives continuously. This socket stays open, its connection over: close it when its page is no longer needed.
workspace-reconnect-hint = the connection to { $peer } is over; reconnect makes a new socket to it
workspace-connect-tip = Connect to the peer (raises on failure).
workspace-connect-ex-tip = Like connect, but returns the errno (0 = connected).

# Receive row.
workspace-recv-tip = Receive at most bufsize bytes (blocks per the timeout).
workspace-recvfrom-tip = Receive a datagram with its sender's address.
workspace-auto-receive = auto-receive
workspace-auto-receive-tip = recv() in a loop: every chunk shows in the traffic view.
workspace-auto-receive-tip-datagrams = recvfrom() in a loop: every datagram shows in the traffic view with its sender.

# Record (receive to file).
workspace-record-to = record to
workspace-record-file = Record file...
workspace-record-file-tip = Pick the file received bytes go to
workspace-receive-to-file = receive to file
workspace-receive-to-file-tip = Write every received byte to the file as it arrives, byte-exact (the traffic view's memory cap does not apply). A file already there is replaced only once you say so.
workspace-recording = { $size } written to { $path }

# Timeout row.
workspace-timeout = timeout (s)
workspace-settimeout-tip = Empty or None: block; 0: non-blocking; x: give up after x seconds.
workspace-nonblocking-tip = Non-blocking: calls raise BlockingIOError when nothing is ready.
workspace-blocking-tip = Blocking: calls wait as long as needed.

# End row.
workspace-shutdown-tip = Shut one or both directions; the socket stays open.
workspace-close-tip = Release the socket (a blocked call ends at once) (Ctrl+W).

# A call that waits: $what says how long, $way what ends it, $ops the other calls waiting.
workspace-waiting = { $what }: { $way }
workspace-waiting-overlaps = { $what }: { $way } (overlaps { $ops }, as two threads would)

# Workspace files (the top bar's Workspace menu; socklab --workspace FILE).
workspace-menu = Workspace
workspace-menu-open = Open workspace…
workspace-menu-open-tip = Make the sockets of a workspace file again (bound, listening, connected as they were), beside the ones here; its payloads join the library.
workspace-menu-save = Save workspace…
workspace-menu-save-tip = Keep these sockets (addresses, options set here, responders, auto modes, payloads) and the payload library in a TOML file. Connections are not kept: opening it makes them again. The last workspace saved or opened comes back at the next start.
workspace-file-saved = Saved { $n ->
    [one] { $n } socket
   *[other] { $n } sockets
} and the library's { $payloads ->
    [one] { $payloads } payload
   *[other] { $payloads } payloads
} to { $path }.
workspace-file-left-accepted = { " " }{ $n ->
    [one] One accepted connection is not kept: it comes again when its client connects.
   *[other] { $n } accepted connections are not kept: they come again when their clients connect.
}
workspace-file-left-other = { " " }Not kept (a family or type a workspace does not hold): { $names }.
workspace-file-opened = Opened { $path }: { $n ->
    [one] { $n } socket made.
   *[other] { $n } sockets made.
}
workspace-file-opened-failed = { " " }{ $n ->
    [one] A call failed on one of them: its page says which and why.
   *[other] Calls failed on { $n } of them: their pages say which and why.
}
workspace-file-opened-not-made = { " " }{ $n ->
    [one] One socket could not be made (the error above says why).
   *[other] { $n } sockets could not be made (the error above says why).
}
workspace-file-library = Library: { $added } added from the workspace, { $kept } already there by name (kept as they were).
workspace-file-damaged = { $path } is not a workspace socklab can read ({ $why }). It was moved aside to { $aside }, unchanged, so the next start does not meet it; nothing was opened. Open a workspace saved from the Workspace menu, or save one again.
workspace-file-damaged-kept = { $path } is not a workspace socklab can read ({ $why }), and it could not be moved aside; nothing was opened. Open a workspace saved from the Workspace menu, or save one again.
workspace-file-not-one = it has no socklab_workspace = 1 line, so it is not a socklab workspace
workspace-file-too-many = it holds { $n } sockets; a workspace opens { $max } at most
workspace-file-wrong-family = the address does not suit the socket's family
workspace-file-unknown-option = The workspace sets { $name }, an option socklab does not know; it was not set.
workspace-file-no-such-socket = The workspace connects this socket to { $name }, but it has no socket of that name; it was not connected.
workspace-file-peer-failed = Not connected: the workspace's { $name } did not get an address to connect to (its page says why).
workspace-notice-dismiss = OK
workspace-file-bad-address = The workspace's { $call } address was not used: { $why }.
workspace-menu-file = workspace file
workspace-menu-open-typed = Open this file
workspace-menu-save-typed = Save to this file

# A UDP socket's multicast row.
multicast-row = Multicast
multicast-group = group
multicast-interface = on
multicast-interface-tip = The interface whose group membership this is: for IPv4 by its address (127.0.0.1 is loopback), for IPv6 by its name. "any" lets the kernel pick by the routing table.
multicast-any = any (the kernel's choice)
multicast-join = join
multicast-join-tip = IP_ADD_MEMBERSHIP (IPv6: IPV6_JOIN_GROUP): datagrams sent to the group reach this socket, if it is bound to their port (bind to the group's address, or 0.0.0.0, and the port they are sent to).
multicast-leave = leave
multicast-leave-tip = IP_DROP_MEMBERSHIP (IPv6: IPV6_LEAVE_GROUP). On Linux a socket still gets the group's datagrams while another socket of this host is a member on that interface, unless IP_MULTICAST_ALL is off (inspector).
multicast-send-from = send from
multicast-send-from-tip = IP_MULTICAST_IF: the interface this socket's multicast datagrams leave by. TTL (IP_MULTICAST_TTL) and whether they come back to this host (IP_MULTICAST_LOOP) are in the inspector.
multicast-listing = listing the interfaces…
multicast-not-group-v4 = an IPv4 multicast group is an address from 224.0.0.0 to 239.255.255.255 (239.x.x.x for your own use)
multicast-not-group-v6 = an IPv6 multicast group starts with ff (ff15::1, say)
workspace-file-refused = { $path } is not a workspace socklab can read ({ $why }); it was left as it is and nothing was opened. Open a file saved with Save workspace…
workspace-file-bad-name = socket { $n }'s name { $name } is not a Python name (letters, digits and _, not starting with a digit, 64 at most)
workspace-file-too-many-options = socket { $n } sets { $count } options (or joins as many groups); a socket sets { $max } at most
workspace-file-peer-late = Not connected: the socket of the workspace it connects to was not ready within { $secs } s (its page says why).
workspace-file-not-listening = Not listening: its bind failed (the error says why), and listen() without it would take a port on every interface. Free the address, then bind and listen.
workspace-file-tls-where = TLS not started: the file gives it to a socket that neither connects (a client's side, over TCP) nor listens (a server's side). The TLS row holds its settings.
workspace-file-tls-unverified = TLS started without checking the server's certificate, as it was saved: anyone in between could read and change what is sent. Only for testing.
workspace-file-no-dialog = No file was chosen. Where no file dialog opens (no desktop portal), type the file's path in the Workspace menu's field, then Open this file or Save to this file.
workspace-file-at = line { $line }, column { $column }: { $why }
workspace-file-opened-renamed = { " " }{ $n ->
    [one] One socket kept the name socklab gave it: its own is taken here by another.
   *[other] { $n } sockets kept the names socklab gave them: their own are taken here by others.
}
