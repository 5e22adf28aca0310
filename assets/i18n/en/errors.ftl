# errors
# Plain-language explanations and hints of a failed operation (the Python exception line
# itself stays CPython's English). $at is " ADDRESS" (with its leading space) or empty;
# $op is the call's name (bind, recv...).

# Whose socket holds an address.
errors-owner-process = process { $pid } ({ $command })
errors-owner-console = { $name } (console { $n })
errors-owner-unknown = a socket of another process (inode { $inode }; /proc does not say whose)
errors-close-ours = close { $name }
errors-close-process = stop process { $pid }
errors-close-unknown = stop the process that holds it

# EADDRINUSE with what holds the address.
errors-holder-listener = { $owner } is listening on{ $at }.
errors-holder-listener-hint = Pick another port, or { $close } first. SO_REUSEADDR does not let two sockets listen on one port; only SO_REUSEPORT, set on both before bind(), does.
errors-holder-connection = A connection of { $owner } to { $peer } ({ $state }) has{ $at } as its local address.
errors-holder-connection-hint-ours = Set SO_REUSEADDR to 1 before bind() on this socket and on the one that made that connection (for an accepted one, its listener); or close { $name }, the connection, or pick another port.
errors-holder-connection-hint = Set SO_REUSEADDR to 1 before bind() on this socket and on the one that made that connection (for an accepted one, its listener); or end the connection, or pick another port.
errors-holder-time-wait = A closed connection from{ $at } to { $peer } was still in TIME_WAIT, with { $secs } s left (the side that closes first waits 2MSL, so that a late segment of the old connection dies out rather than reach a new one on the same addresses).
errors-holder-time-wait-hint-reuse = This socket has SO_REUSEADDR; Linux also wants it on the socket that made that connection (for a server, the listener, before it accepted). Bind again once those { $secs } s have passed, or set SO_REUSEADDR there next time.
errors-holder-time-wait-hint-here = Set SO_REUSEADDR to 1 on this socket before bind(): the socket that made that connection had it, so this socket's is all that is missing. Or bind again once those { $secs } s have passed, or pick another port.
errors-holder-time-wait-hint = Set SO_REUSEADDR to 1 before bind() (on this socket, and on the one that made that connection: for a server, its listener); or bind again once those { $secs } s have passed, or pick another port.
errors-holder-closing = A closed connection from{ $at } to { $peer } is still finishing ({ $state }): its socket was closed, and the kernel keeps the connection until the peer's side is done with it.
errors-holder-closing-fin-wait2-left = The peer ({ $peer }) has not closed its end yet: once it does, the connection moves on to TIME_WAIT; if it never does, the kernel drops it in { $secs } s (tcp_fin_timeout). Bind again then, or pick another port.
errors-holder-closing-fin-wait2 = The peer ({ $peer }) has not closed its end yet: once it does, the connection moves on to TIME_WAIT; if it never does, the kernel drops it tcp_fin_timeout after the close. Bind again then, or pick another port.
errors-holder-closing-acked = The kernel is waiting for { $peer } to acknowledge its FIN, and lets the connection go once it has (or after its retries give up). Bind again then, or pick another port.
errors-holder-closing-reuse = SO_REUSEADDR set before bind() gets past it only if the socket that made that connection had it too (for an accepted one, its listener before it accepted): set it on both next time.
errors-holder-closing-reuse-here = This socket has SO_REUSEADDR; the socket that made that connection did not (for an accepted one, its listener before it accepted), and Linux wants both.
errors-holder-unseen = Another socket holds{ $at }: one only bound (not listening), or a UDP socket, which the kernel's TCP table does not list.
errors-holder-unseen-hint = Close the other socket, or pick another port; SO_REUSEADDR set on both lets them share it while neither listens.
# $owner: one of this socklab's sockets, by name. Bound, neither listening nor connected.
errors-holder-bound-only = { $owner } is already bound to{ $at }.
errors-holder-bound-only-hint = Use { $owner } itself, close it first, or bind this socket to another port; SO_REUSEADDR set on both lets them share it while neither listens.

# A call that was waiting when close() was called on its socket.
errors-closed-while-waiting = close() was called on this socket while { $op } was waiting: the wait ended there, and the socket is closed.
errors-released-while-waiting = close() was called on this socket from another thread while { $op } was waiting with a timeout: as in CPython, { $op } went on until something happened on the socket or its timeout ran out, then found the socket closed.
errors-released-while-waiting-hint = To end a waiting { $op } at once, call shutdown(socket.SHUT_RDWR) before close() (on a connected or listening socket).
errors-closed-while-waiting-hint-recv = Create a new socket. To end a waiting { $op } and keep the socket, call shutdown(socket.SHUT_RD) instead: the { $op } then returns b''.
errors-closed-while-waiting-hint-recv-into = Create a new socket. To end a waiting { $op } and keep the socket, call shutdown(socket.SHUT_RD) instead: the { $op } then returns 0 (no bytes written).
errors-closed-while-waiting-hint-send = Create a new socket. A { $op } waits while the peer reads nothing; give the socket a timeout with settimeout() so it gives up on its own.
errors-closed-while-waiting-hint = Create a new socket. To have { $op } give up on its own, give the socket a timeout with settimeout() before calling it.

errors-timeout = { $op } waited longer than the socket's timeout and gave up.
errors-timeout-hint = Raise the timeout with settimeout(), or settimeout(None) to wait forever.
errors-timeout-hint-no-port = Waiting longer will not help: this socket has no port (it was never bound and has sent nothing, getsockname() is port 0), so nothing can reach it. A server bind()s it to its address first; a client sendto()s first (the kernel then gives it a port, and the answer comes back to it).
errors-timeout-hint-nothing-heard = If the answer is only slow, raise the timeout with settimeout(). But this socket sent and has heard nothing back: a datagram sent to a port where nothing listens is dropped, and an unconnected socket is not told (after connect() to the server, recv raises ConnectionRefusedError instead), so waiting longer may not help. Check that the server runs at that address and port.
errors-gai = The host name could not be resolved to an address of this family.
errors-gai-hint = Check the spelling, or give a numeric address such as 127.0.0.1 or ::1.
errors-python = Python rejects these arguments.
errors-interrupted = Nothing was wrong with the call: { $op } was interrupted while it waited (Ctrl+C, or the Interrupt button), and Python raised KeyboardInterrupt there.
errors-interrupted-hint = The socket stays open and the wait took nothing: call { $op } again to wait again.
errors-interrupted-hint-connect = The kernel goes on with the connection it began: { $op } again raises EALREADY while it is under way (EISCONN once it is made); to start over, close the socket and make a new one.
errors-interrupted-hint-send = Some of the bytes may have gone already, and Python does not say how many: calling { $op } again could send them twice.
errors-internal = An internal error in socklab ended this socket's worker during { $op }; the socket was closed, so nothing waits for it.
errors-internal-hint = Create the socket again. This is a bug in socklab: please report it with the steps that led here.

# Operations on files (a send job's file, receive-to-file), as a sentence names them.
errors-op-read-file = read file
errors-op-record = record
errors-op-write-file = write file
errors-file-enoent = No file exists at{ $at }.
errors-file-enoent-hint = Check the path, or pick the file again.
errors-file-eacces = { $op } was not permitted{ $at }.
errors-file-eacces-hint = Pick a file you may read, or a folder you may write to.
errors-file-eexist = A file already exists at{ $at }; socklab does not replace a file without asking.
errors-file-eexist-hint = Say to replace it when asked (the window asks at its top), or pick another name.
errors-file-eisdir = The path{ $at } is a folder, not a file.
errors-file-eisdir-hint = Pick a file inside it.
errors-file-enospc = The disk (or your quota) is full: the file holds what was written before.
errors-file-enospc-hint = Free space, or record to another disk.
# $error: the C library's message for the errno (English).
errors-file-failed = { $op } failed{ $at }: { $error }.

# Socket calls, by errno.
errors-eaddrinuse = Another socket, or a closed connection still in TIME_WAIT, holds the address{ $at }.
errors-eaddrinuse-hint = Set SO_REUSEADDR to 1 before bind() (it lets you bind over TIME_WAIT), pick another port, or close the other socket.
errors-eacces-bind = Binding{ $at } is not permitted: ports below 1024 are privileged, and Unix socket paths need write access to their directory.
errors-eacces-bind-hint = Use a port of 1024 or above, run as root, or grant CAP_NET_BIND_SERVICE.
errors-eacces = { $op } was not permitted{ $at }.
errors-eacces-send-hint = To a broadcast address (255.255.255.255, or a subnet's last address such as 192.168.1.255): set SO_BROADCAST to 1 on this socket first (the inspector, or setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)). Otherwise a firewall rule refused it.
errors-eacces-hint = The kernel refused it: a privileged operation needs root or a capability, or a firewall rule or security module (AppArmor, SELinux) forbids it.
errors-eaddrnotavail = The address{ $at } does not belong to any interface of this machine (or no ephemeral port is left).
errors-eaddrnotavail-hint = Bind to an address this host has, such as 127.0.0.1, 0.0.0.0, ::1 or ::.
errors-econnrefused = Nothing is listening at{ $at }: the peer answered the connection request with a reset (RST), or a firewall refused it.
errors-econnrefused-hint = Start the server first, and check the host and port.
# $owner: one of this socklab's sockets, bound at the address and not listening.
errors-econnrefused-bound-only = Nothing is listening at{ $at }: { $owner } is bound there, but a socket takes connections only once listen() has been called on it.
errors-econnrefused-bound-only-hint = Call listen() on { $owner } first, then connect again.
errors-econnrefused-abstract = Nothing answers at{ $at }: no socket holds that abstract name, or the stream socket that holds it is not listening.
errors-econnrefused-abstract-hint = Start the server first, and check the name: an abstract name goes away with the socket that held it.
# A Unix socket's path: the file is there, no socket listens (or is bound, for datagrams).
errors-econnrefused-unix = Nothing is listening at the socket file{ $at }: the file exists, but no socket is listening on it (or bound to it, for datagrams) any more; a program that ended leaves its file behind.
errors-econnrefused-unix-hint = Start the server first. If it ended, remove the old file before a new server binds that path.
# $op: recv, send... A refusal told on a later call: UDP's ICMP port unreachable, or a
# non-blocking connect's reset.
errors-econnrefused-later = { $op }() was told that something sent earlier was refused: nothing is listening at the other end (a UDP datagram got an ICMP port unreachable back, a non-blocking connect() a reset, or a Unix datagram socket's peer is gone).
errors-econnrefused-later-hint = Start the receiving program first, and check the address this socket sends to.
errors-econnrefused-udp = { $op }() was told that a datagram this socket sent earlier was refused: nothing was listening at the port it went to (an ICMP port unreachable came back).
errors-econnreset = The peer reset the connection: it closed with data it had not read, aborted with SO_LINGER set to 0, closed its listener while this connection still waited in the accept queue, or its host answered for a connection it no longer has.
errors-econnreset-hint = Treat it like a closed connection: close this socket and reconnect.
errors-epipe = The connection can no longer send: it was shut down for writing, closed by the peer, or never connected.
errors-epipe-hint = Connect first; after the peer closes, close this socket too.
errors-epipe-connected = The connection can no longer send: the peer closed or reset it, or it was shut down for writing.
errors-epipe-connected-hint = The connection is over: close this socket, and connect a new one to send again.
errors-connection-over-accepted-hint = This connection is over, and a listener's accept() made it, so it cannot connect again: close it; the next client comes through accept() on a listener still open.
errors-epipe-shut-write = This side's own shutdown() (SHUT_WR or SHUT_RDWR) ended its sending: nothing more can be sent on this connection.
errors-epipe-shut-write-hint = Send everything before shutdown(socket.SHUT_WR); after it, this socket can still receive.
errors-epipe-shut-both-hint = Send everything before shutdown(); after shutdown(socket.SHUT_RDWR) this socket can neither send nor receive: close it.
errors-edestaddrreq = { $op }() has nowhere to send: this datagram socket is not connected, and { $op }() takes no address.
errors-edestaddrreq-hint = Use sendto(data, (host, port)), or connect() it to the peer first (then send() goes there).
errors-enotconn = { $op } needs a connected socket, and this one is not connected.
errors-enotconn-hint = connect() first (or accept() on a listener), or use sendto()/recvfrom() for UDP.
errors-emsgsize = The datagram is larger than the protocol allows in one message.
errors-emsgsize-hint = Send at most 65,507 bytes per UDP datagram (IPv4), or use TCP for a stream.
errors-eopnotsupp = { $op } is not supported on this kind of socket.
errors-eopnotsupp-hint = listen() and accept() are for SOCK_STREAM sockets; UDP has no connections to accept.
errors-eisconn = The socket is already connected.
errors-eisconn-hint = A socket connects once; create a new socket for another connection.
errors-einval = The kernel rejected the arguments of { $op } in this socket's state (already bound, listening, or shut down?).
errors-einval-hint = A socket can be bound only once; listen() needs a bound or unbound stream socket.
errors-einval-accept = accept() works only on a listening socket, and this one is not listening: it never called listen() (a client, or a connection accept() gave, never does), or shutdown() ended its listening.
errors-einval-accept-shut = This Unix listening socket's own shutdown() (SHUT_RD or SHUT_RDWR) ended its accepting: it refuses new connections (their connect() gets ECONNREFUSED), and listen() again does not undo it.
errors-einval-accept-shut-hint = Close it (and remove its file, os.unlink(path), if it has one: an abstract address has none), then bind a new socket to the address, listen() and accept(). To stop a server, close its listening socket instead of shutting it down.
errors-einval-accept-hint = Call accept() on the server's listening socket: a server calls bind(), then listen(), then accept(): srv.bind(('127.0.0.1', 8888)); srv.listen(); conn, addr = srv.accept().
errors-eagain = The socket is non-blocking and { $op } had nothing ready.
errors-eagain-accept = The socket is non-blocking and no connection is waiting in its accept queue now.
errors-eagain-recv = The socket is non-blocking and nothing has arrived for { $op } to read.
errors-eagain-send = The socket is non-blocking and the kernel has no room for { $op } now: what was sent before has not left yet (over TCP, the peer or the network takes it slower than this side sends; a Unix datagram socket's receiver has a full queue).
errors-eagain-hint = Try again later, wait with a timeout (settimeout), or setblocking(True).
errors-eagain-dontwait = { $op } was given MSG_DONTWAIT, so it returned at once with nothing ready (the socket itself blocks).
errors-eagain-dontwait-hint = Try again later, or call it without MSG_DONTWAIT to wait.
errors-einprogress = A non-blocking connect was started and has not finished yet.
errors-einprogress-hint = Wait until the socket is writable, then read SO_ERROR; or use a timeout instead.
errors-ealready = A connect on this socket is already in progress.
errors-ebadf = The socket is closed.
errors-ebadf-hint = Create a new socket.
errors-enoent = No Unix socket exists at{ $at }.
errors-enoent-hint = Start the server that binds that path first.
errors-eafnosupport = This address family is not supported by the protocol.
errors-eafnosupport-hint = Use an address of the socket's family (IPv4 for AF_INET, IPv6 for AF_INET6).
errors-enoprotoopt = This option does not exist at this level for this kind of socket.
errors-enoprotoopt-hint = Check the level (SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP, IPPROTO_IPV6) and the socket type.
errors-unreachable = No route to{ $at }.
errors-etimedout = The peer did not answer in time (the kernel's own retries ran out).
errors-emfile = Too many open files.
errors-emfile-hint = Close sockets you no longer need.
# $error: the C library's message for the errno (English).
errors-failed = { $op } failed: { $error }.
errors-tls-expired = The server's certificate has expired: its "valid until" date is in the past, so the client refused it.
errors-tls-expired-hint = Renew the server's certificate (or, if the machine's clock is wrong, set it right). Only for a test, start TLS with "don't verify" to go on and see the certificate in the inspector.
errors-tls-not-yet-valid = The server's certificate is not valid yet: its "valid from" date is in the future.
errors-tls-not-yet-valid-hint = Check the clocks of both machines, or issue the certificate with a start date that has passed.
errors-tls-wrong-name = The server's certificate does not name { $name }: it was issued for other names, so this could be a different server.
errors-tls-wrong-name-hint = Give the server name its certificate carries (the inspector lists them as SANs), or issue a certificate that includes { $name }.
errors-tls-unknown-issuer = The server's certificate was signed by an issuer this client does not trust.
errors-tls-unknown-issuer-hint = Give the issuer's CA certificate as the CA file, or install it among the system's trusted roots.
errors-tls-self-signed = The server's certificate is signed by itself and nothing here trusts it.
errors-tls-self-signed-hint = Give that certificate itself as the CA file to trust it, or, only for a test, start TLS with "don't verify".
errors-tls-eof = The connection ended in the middle of the TLS handshake: the peer closed it (perhaps it does not speak TLS on this port, or it refused what was offered).
errors-tls-eof-hint = Check that the peer speaks TLS on this port and look at its own log for why it gave up.
errors-tls-alert = The peer ended the TLS session with an alert: { $alert }.
errors-tls-alert-hint = The alert says what the peer objected to: a certificate it does not trust, a protocol or ALPN it does not offer. Change that side, then connect again.
errors-tls-other = TLS failed: the two ends could not agree, or what arrived was not what TLS allows at this point (the line above gives rustls's words).
errors-tls-other-hint = Compare both ends' TLS settings (protocol versions, cipher suites, ALPN, certificate type) and check that both speak TLS on this connection, then connect again.
# What socklab refuses on a socket in the state the window put it in (Refusal).
errors-refused-auto-receiving = Auto-receive is on for this socket: every chunk that arrives is already received, and shown in its traffic.
errors-refused-auto-receiving-hint = Read it in the traffic, or turn auto-receive off to call recv yourself.
errors-refused-auto-accepting = Auto-accept is on for this listener: every connection is accepted as it arrives and appears under it.
errors-refused-auto-accepting-hint = Use the connections under the listener, or turn auto-accept off to call accept yourself.
errors-refused-listener-data = A listening socket receives connections, not data.
errors-refused-listener-data-hint = Accept a connection (or turn auto-accept on) and receive on the connection.
errors-refused-send-job = A send job (a repeat, or a file) is still running on this socket.
errors-refused-send-job-hint = Stop it with "stop sending", or wait for it to end, then start the next.
errors-refused-respond = A stream socket (TCP, or Unix stream) that is not connected has nobody to answer.
errors-refused-respond-hint = Connect it first, or choose the responder on a listener: its connections answer as they are accepted.
errors-refused-tls-not-tcp = TLS runs over a TCP connection; this socket is not one.
errors-refused-tls-not-tcp-hint = Make a TCP socket (IPv4 or IPv6, stream) and start TLS on it once connected.
errors-refused-tls-listener = A listener only hands out connections: TLS on it is the server's side, which its connections take.
errors-refused-tls-listener-hint = Choose the server's side (a certificate) for the listener, or start TLS as the client on a connected socket.
errors-refused-tls-auto-receiving = Auto-receive is on: the client's first handshake message may already have been received as data, so the server's side could not begin.
errors-refused-tls-auto-receiving-hint = Start TLS on the listener, so its connections handshake as they are accepted; or accept the connection without auto-receive and start TLS before receiving anything.
