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
workspace-connect-tip = Connect to the peer (raises on failure).
workspace-connect-ex-tip = Like connect, but returns the errno (0 = connected).

# Receive row.
workspace-recv-tip = Receive at most bufsize bytes (blocks per the timeout).
workspace-recvfrom-tip = Receive a datagram with its sender's address.
workspace-auto-receive = auto-receive
workspace-auto-receive-tip = recv() in a loop: every chunk shows in the traffic view.

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
