# options
# Each socket option's description, shown in the inspector.
options-so-reuseaddr = Allow bind() to an address whose old connections are still in TIME_WAIT; set it before bind.
options-so-reuseport = Let several sockets bind the same address and port; the kernel spreads connections among them.
options-so-keepalive = Send keepalive probes on an idle connection to find out whether the peer is gone.
options-so-linger = What close() does with unsent data: on with 0 s resets the connection at once (no TIME_WAIT).
options-so-rcvbuf = Kernel receive buffer size in bytes; Linux doubles what you set to leave room for bookkeeping.
options-so-sndbuf = Kernel send buffer size in bytes; Linux doubles what you set. A full buffer makes send() block or send less.
options-so-rcvtimeo = Kernel receive timeout (0 = none). Python's settimeout() does not use it; it polls instead.
options-so-sndtimeo = Kernel send timeout (0 = none). Python's settimeout() does not use it; it polls instead.
options-so-broadcast = Permit sending datagrams to a broadcast address (otherwise sendto fails with EACCES).
options-so-type = The socket type: SOCK_STREAM (1) or SOCK_DGRAM (2).
options-so-error = The pending error, e.g. the result of a non-blocking connect; reading it clears it.
options-so-acceptconn = 1 when the socket is listening.
options-so-rcvlowat = Minimum number of bytes before a receive is reported ready.
options-so-oobinline = Deliver TCP urgent data in the normal data stream.
options-so-priority = Queueing priority of outgoing packets (0-6 without privileges).
options-tcp-nodelay = Disable Nagle's algorithm: send small writes at once instead of waiting to merge them.
options-tcp-keepidle = Seconds of idleness before the first keepalive probe (needs SO_KEEPALIVE).
options-tcp-keepintvl = Seconds between keepalive probes.
options-tcp-keepcnt = Unanswered keepalive probes before the connection is dropped.
options-tcp-maxseg = Maximum segment size: the largest TCP payload per packet (536 before connecting).
options-tcp-quickack = Acknowledge at once instead of delaying ACKs (the kernel may switch it back).
options-tcp-user-timeout = Milliseconds unacknowledged data may wait before the connection is dropped (0 = kernel default).
options-ip-ttl = Time to live of outgoing IPv4 packets: how many routers they may cross.
options-ip-tos = Type of service / DSCP byte of outgoing IPv4 packets.
options-ip-multicast-ttl = TTL of outgoing IPv4 multicast datagrams (1 = stay on the local network).
options-ip-multicast-loop = Deliver our own IPv4 multicast datagrams back to this host.
options-ip-multicast-all = Linux: receive the datagrams of every group any socket on this host joined on the interface, not only this socket's own (on by default; off, leaving a group is felt at once).
options-ip-multicast-if = The interface (by its IPv4 address) this socket sends multicast datagrams from; 0.0.0.0 lets the routing table choose. Set it from the page's multicast row.
options-ipv6-v6only = Accept only IPv6; when off, an IPv6 socket bound to :: also takes IPv4 as ::ffff:a.b.c.d. Set before bind.
options-ipv6-unicast-hops = Hop limit of outgoing IPv6 packets (-1 = system default).
options-ipv6-multicast-hops = Hop limit of outgoing IPv6 multicast datagrams.
options-ipv6-multicast-loop = Deliver our own IPv6 multicast datagrams back to this host.
