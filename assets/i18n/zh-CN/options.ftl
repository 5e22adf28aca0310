# options
# 每个套接字选项的说明，显示在检查器中。
options-so-reuseaddr = 允许 bind() 到一个旧连接仍处于 TIME_WAIT 的地址；要在 bind 之前设置。
options-so-reuseport = 让多个套接字绑定同一个地址和端口；内核把连接分摊给它们。
options-so-keepalive = 在空闲的连接上发送保活（keepalive）探测，以发现对端是否已经不在了。
options-so-linger = close() 如何处理尚未发出的数据：开启且时间为 0 秒时，立即复位（RST）连接（不进入 TIME_WAIT）。
options-so-rcvbuf = 内核接收缓冲区的大小（字节）；Linux 会把你设置的值翻倍，为内部管理开销留出空间。
options-so-sndbuf = 内核发送缓冲区的大小（字节）；Linux 会把你设置的值翻倍。缓冲区满时，send() 会阻塞或只发送一部分。
options-so-rcvtimeo = 内核的接收超时（0 = 无）。Python 的 settimeout() 不使用它，而是用轮询（poll）来等待。
options-so-sndtimeo = 内核的发送超时（0 = 无）。Python 的 settimeout() 不使用它，而是用轮询（poll）来等待。
options-so-broadcast = 允许向广播地址发送数据报（否则 sendto 会以 EACCES 失败）。
options-so-type = 套接字类型：SOCK_STREAM (1) 或 SOCK_DGRAM (2)。
options-so-error = 待处理的错误，例如非阻塞 connect 的结果；读取后它就被清除。
options-so-acceptconn = 套接字正在监听时为 1。
options-so-rcvlowat = 至少有多少字节可读时，才报告接收就绪。
options-so-oobinline = 把 TCP 紧急数据放在普通数据流中交付。
options-so-priority = 发出的数据包的排队优先级（没有特权时为 0-6）。
options-tcp-nodelay = 禁用 Nagle 算法：小块写入立即发出，而不是等待合并。
options-tcp-keepidle = 连接空闲多少秒后发送第一个保活探测（需要开启 SO_KEEPALIVE）。
options-tcp-keepintvl = 两次保活探测之间的间隔秒数。
options-tcp-keepcnt = 连续多少个保活探测没有应答后，断开连接。
options-tcp-maxseg = 最大报文段长度（MSS）：每个数据包中 TCP 载荷的最大字节数（连接之前为 536）。
options-tcp-quickack = 立即确认，而不是延迟发送 ACK（内核可能会自行把它改回去）。
options-tcp-user-timeout = 已发出但未被确认的数据最多可以等待多少毫秒，超过就断开连接（0 = 内核默认值）。
options-ip-ttl = 发出的 IPv4 数据包的生存时间（TTL）：最多可以经过多少个路由器。
options-ip-tos = 发出的 IPv4 数据包的服务类型（TOS）/ DSCP 字节。
options-ip-multicast-ttl = 发出的 IPv4 组播数据报的 TTL（1 = 只在本地网络内）。
options-ip-multicast-loop = 把本机发出的 IPv4 组播数据报也投递回本机。
options-ip-multicast-all = Linux：只要本机任一套接字在该接口上加入了某个组，就接收该组的数据报，而不仅是本套接字自己加入的组（默认开启；关闭后，退出组立即生效）。
options-ip-multicast-if = 本套接字发送 IPv4 组播数据报所用的网络接口（以其 IPv4 地址表示）；0.0.0.0 表示由路由表决定。在套接字页的组播一行中设置。
options-ipv6-v6only = 只接受 IPv6；关闭时，绑定到 :: 的 IPv6 套接字也会接收 IPv4，地址表示为 ::ffff:a.b.c.d。要在 bind 之前设置。
options-ipv6-unicast-hops = 发出的 IPv6 数据包的跳数限制（-1 = 系统默认值）。
options-ipv6-multicast-hops = 发出的 IPv6 组播数据报的跳数限制。
options-ipv6-multicast-loop = 把本机发出的 IPv6 组播数据报也投递回本机。
