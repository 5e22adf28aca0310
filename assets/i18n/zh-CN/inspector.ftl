# inspector：检查器面板（内核报告的所选套接字信息）。

inspector-heading = 检查器
inspector-button = 检查器
inspector-button-tip = 显示或隐藏检查器（内核报告的所选套接字的信息）。隐藏后，套接字页和各个图会占用它的宽度。
inspector-select = 请选择一个套接字。
inspector-waiting = 正在等待内核的第一次报告……
inspector-closed-at-close = 已关闭：下面的值是在关闭时读取的。
inspector-closed-before = 已关闭：下面的值是关闭前最后一次读取的。
inspector-local = 本地地址
inspector-peer = 对端地址
inspector-peer-connecting = -（正在连接 { $to }）
inspector-peer-was = -（曾是 { $peer }）
inspector-timeout-blocking = None（阻塞）
inspector-timeout-non-blocking = 0.0（非阻塞）
inspector-timeout-tip = 这个套接字在 Python 里的模式，即 gettimeout() 的返回值：None 一直等到有结果；0.0 从不等待（改为抛出 BlockingIOError）；一个秒数则最多等这么久，然后抛出 TimeoutError。settimeout() 和 setblocking() 会改变它。
inspector-flag-set-for-timeout = 已设置（由超时设置）
inspector-nonblock-tip = 内核在这个描述符上的非阻塞标志。CPython 给每个设了超时的套接字都设置它，不只是 setblocking(False) 之后：然后由它自己用 poll() 等待，最多等到超时。所以 settimeout(3) 之后它也显示已设置，和 setblocking(False) 一样；要区分两者看 gettimeout()。
inspector-flag-set = 已设置
inspector-flag-clear = 未设置
inspector-shut = 本端 shutdown() 关闭的方向
inspector-shut-read = 接收（SHUT_RD）
inspector-shut-write = 发送（SHUT_WR）
inspector-shut-both = 收发两个方向（SHUT_RDWR）
inspector-shut-tip-other = 这个套接字自己的 shutdown() 关闭了哪个方向。SHUT_WR：本端再 send() 会引发 BrokenPipeError。SHUT_RD：没有排队的数据时，本端阻塞的 recv() 立刻返回 b''（在数据报套接字上，设了超时的 recv() 会一直等到超时：内核说它可读，却没有数据可给）。
inspector-shut-tip = 这个套接字自己的 shutdown() 关闭了哪个方向；对端的关闭显示为 TCP 状态 CLOSE_WAIT，不在这里。SHUT_WR 发出 FIN：对端的 recv() 返回 b''，本端再 send() 会引发 BrokenPipeError。SHUT_RD：没有排队的数据时，本端的 recv() 立刻返回 b''（Linux 仍会交付之后到达的字节）。
inspector-closed-after = 已关闭，{ $state }
inspector-closed = 已关闭
inspector-tcp-state = TCP 状态
inspector-accept-queue = accept 队列
inspector-half-open = 半连接（SYN-RECV）
inspector-half-open-list = { $n } 个：{ $list }
inspector-half-open-tip = 本机内核还没有完成握手的客户端：内核已经用 SYN, ACK 回答了它们的 SYN，但它们的 ACK 没有在这里完成握手。它们的 connect() 多半已经返回，所以它们以为已经连上，可能已经在发送数据；但这里没有任何套接字持有它们，accept() 也取不到。最常见的原因是它们的 ACK 到达时 accept 队列已满，被丢弃了：内核会再发 SYN, ACK（最多 net.ipv4.tcp_synack_retries 次），如果那时队列有空位，下一个 ACK 就完成连接；最后一次之后内核忘掉它们，客户端的下一个报文段会收到 RST（它的 recv() 抛出 ConnectionResetError）。（设置了 TCP_DEFER_ACCEPT 的监听套接字会把它们留在这里，直到收到第一批数据。）
inspector-accept-waiting = { $q } 个在等待（backlog { $backlog }）
inspector-queued = 还没有：在 { $listener } 的 accept 队列中等待
inspector-accept-queue-tip = 内核已完成握手、等着 accept() 取走的连接。Linux 允许 backlog 再加一个连接在这里等待（backlog 的上限是 net.core.somaxconn）；再多的话，它会丢掉新客户端的 SYN，对方内核稍后重发（本机每次重试之间等待 { $gaps }……秒），所以它们的 connect() 要等，在本机最多 { $give_up } 秒。
inspector-accept-full = accept 队列已满（{ $q } 个在等待，backlog { $backlog }：Linux 允许 backlog 再加一个）。内核现在丢弃新客户端的 SYN；它们的 connect() 会等待，其内核重发 SYN（本机每次重试之间等待 { $gaps }……秒），accept() 腾出位置后的下一次重发才能连上（如果没有及时重发到，本机上没有设置超时的阻塞 connect() 会在第一个 SYN 之后 { $give_up } 秒以 ETIMEDOUT 失败；设置了超时则更早结束）。在队列满之前 SYN 已经得到回答的客户端，可能以为自己已经连上，而它的 ACK 被丢弃了：它列在“半连接”里。
inspector-rtt-value = { $rtt } 微秒（±{ $var }）
inspector-cwnd-value = { $cwnd } 个报文段 / { $mss } 字节
inspector-retransmits = 重传
inspector-retransmits-value = 当前 { $now } 次，累计 { $total } 次
inspector-bytes = 接收 / 发送字节数
inspector-messages = 接收 / 发送消息数
inspector-chunks = 接收 / 发送数据块数
inspector-chunks-tip = 一个数据块就是一次 recv() 返回的或一次 send() 交给内核的字节。TCP 不保留消息边界，所以这两个数只说明字节碰巧是怎样被读写的，不是程序想发多少条消息。
inspector-datagrams = 接收 / 发送数据报数
inspector-receive-queue = 接收队列
inspector-drops = 被内核丢弃
inspector-buffer-used = 接收缓冲区：已用 { $used } / { $size } 字节
inspector-buffer-used-tip = 接收缓冲区已记账的字节数（SO_MEMINFO），每个到达的数据报都要和它比较：缓冲区满时到达的数据报会被丢弃。每个等待中的数据报比它的载荷多占几百字节（内核的记账开销）；已读走的数据报占用的部分是分批归还的：欠下的达到缓冲区的四分之一，或者队列空了，才一起归还，所以 recv 之后这个数可能还不会下降。ss 的 Recv-Q 不算这部分欠账。
inspector-buffer-overhead = 每个等待中的数据报在这里比它的载荷多占几百字节（内核的记账开销）；已读走的数据报占用的部分是分批归还的（攒到缓冲区的四分之一，或队列空了的时候）。
inspector-next-datagram = 下一个数据报：{ $n } 字节
inspector-next-datagram-tip = 下一次 recv 会得到的长度（SIOCINQ：在数据报套接字上是下一个数据报的大小，而不是所有等待数据的总和）；没有数据报等待或它为空时为 0。
inspector-drops-value = { $n } 个数据报
inspector-drops-tip = 内核在送入这个套接字时丢弃的数据报（SO_MEMINFO），大多是因为它的接收缓冲区（SO_RCVBUF）已满；UDP 不会通知发送方。请更及时地读取（自动接收），或调大 SO_RCVBUF。（被套接字过滤器拒绝或校验和错误的数据报也计入这里。）
inspector-send-queue = 发送队列
inspector-queue-bytes = { $queue }：{ $n } 字节
inspector-send-queue-closed = { $queue }：空（内核报的 { $n } 在这里不是字节数，悬停看原因）
inspector-send-queue-closed-tip = 处于 CLOSE 的 TCP 套接字没有要发送的东西：连接失败或结束时，内核已清空它的发送队列。SIOCOUTQ 算的不是字节数，而是“下一个要写入的序号”减去“最早未确认的序号”：失败的 connect() 会把它发出的 SYN 算在里面（1）；阻塞的 connect() 失败后，内核还会跳过两个序号（再加上对端的窗口），免得以后连接的报文段被当成这一次的（3）。
inspector-options = 选项（从内核读回的值）
inspector-number-tip = 内核中的值是 { $value }。输入一个数字并按 Enter 设置（按 Escape 放弃）。
inspector-whole-number = 请输入整数；按 Enter 设置，按 Escape 放弃
inspector-read-back = 请求 { $asked } → 内核保存为 { $kernel }
inspector-read-back-why = 请求 { $asked } → 内核保存为 { $kernel }，{ $why }
inspector-why-doubles = 内核把它翻倍，多出的部分用于内部记账
inspector-why-doubled-held = 内核把它翻倍用于内部记账，并限制在最小值与 net.core.rmem_max/wmem_max 之间
inspector-why-adjusts = 内核对它做了调整

# 每个状态的含义（套接字列表、检查器和时间线的提示）。
inspector-sock-created = 已创建：socket() 刚创建了它，它还没有地址。下一步：用 bind() 给它一个地址；或者 connect()（内核会自动选一个本地端口）；或者 listen()（内核会把它绑定到所有网络接口）；UDP 套接字第一次 sendto() 时，内核也会自动绑定它。
inspector-sock-bound = 已绑定：它已经有了本地地址。下一步：listen() 开始接受连接；connect() 连接到对端；或者（UDP）直接 recvfrom/sendto。
inspector-sock-listening = 监听中：内核会替它完成握手，并把连接放进队列排队（在 Linux 上最多 backlog 再加一个）。下一步：accept() 取出一个连接；close() 停止监听。
inspector-sock-connecting = 连接中：SYN 已经发出，内核正在等待对端回应。离开此状态：握手完成（变为已连接）；对端拒绝（回到原来的状态）；或者连接超时。
inspector-sock-connected = 已连接：数据可以双向传输。离开此状态：shutdown() 关闭一个方向；对端关闭后 recv() 会返回 b''；close() 结束连接。
inspector-sock-half-closed = 半关闭：一个方向已经关闭（本端调用了 shutdown()，或者对端关闭了它那一侧：recv() 返回 b''）。另一个方向仍然可用；close() 把两个方向都关闭。
inspector-sock-closed = 已关闭：文件描述符已经释放。TCP 连接可能还会在内核中保留一段时间（FIN_WAIT、TIME_WAIT），显示在它旁边。
inspector-sock-error = 出错：连接以重置（reset）、管道断开（broken pipe）或超时结束，由某个失败的调用或内核的 TCP 状态得知（对端已经不在了；重置之前到达的字节仍可读出，之后的调用会抛出错误）。请关闭它；需要新建一个套接字。

# 内核的 TCP 状态。
inspector-tcp-established = ESTABLISHED：握手已完成，可以传输数据。离开此状态：任意一方发出 FIN。
inspector-tcp-syn-sent = SYN_SENT：connect() 已发出 SYN，正在等待 SYN-ACK。离开此状态：收到 SYN-ACK（变为 ESTABLISHED）、收到 RST（连接被拒绝），或者重试次数用完。
inspector-tcp-syn-recv = SYN_RECV：收到了 SYN，也回复了 SYN-ACK；正在等待握手的最后一个 ACK。
inspector-tcp-fin-wait1 = FIN_WAIT1：本端已关闭并发出 FIN；正在等待对端确认。
inspector-tcp-fin-wait2 = FIN_WAIT2：对端已确认本端的 FIN；正在等待对端自己的 FIN（对端还没有关闭）。
inspector-tcp-time-wait = TIME_WAIT：双方都已关闭，且本端先关闭；内核会把这个连接保留 60 秒，让迟到的数据包自然消失。在此之前该地址仍被占用，除非设置了 SO_REUSEADDR。
inspector-tcp-close-short = CLOSE（没有连接）
inspector-tcp-close = CLOSE：没有连接（刚创建、只绑定了地址、被拒绝或被重置）。
inspector-tcp-close-wait = CLOSE_WAIT：对端已关闭它那一侧（recv() 返回 b''）；本端仍然可以发送。离开此状态：在本端调用 close()。
inspector-tcp-last-ack = LAST_ACK：对端先关闭，随后本端也关闭了；正在等待对本端 FIN 的 ACK。
inspector-tcp-listen = LISTEN：正在等待连接；完成握手的连接会排队，直到被 accept() 取走。
inspector-tcp-closing = CLOSING：双方同时发出了 FIN；正在等待对本端 FIN 的 ACK。
inspector-tcp-unknown = 这个版本的 socklab 不认识的状态。

# 什么会结束一个正在等待的调用（“recv 正在等待：……”）。
inspector-way-out-recv = 数据到达、对端关闭连接（得到 b''）或 close 按钮会结束等待（shutdown(SHUT_RD) 也会）
inspector-way-out-recv-datagram = 数据报到达或 close 按钮会结束等待
inspector-way-out-recv-datagram-unconnected = 数据报到达或 close 按钮会结束等待。这个套接字发往没有程序监听的端口的数据报会被悄无声息地丢弃：内核收到了“端口不可达”，却只会通知已连接的套接字（connect() 之后，recv 会抛出 ConnectionRefusedError），除非设置了 IP_RECVERR
inspector-way-out-accept = 新连接到达、shutdown(SHUT_RDWR) 或 close 按钮会结束等待
inspector-way-out-connect = 对端应答、内核放弃（它会重发 SYN，约两分钟后放弃）或 close 按钮会结束等待
inspector-way-out-connect-unix = 监听方接收它（它的队列已满）或 close 按钮会结束等待
inspector-way-out-connect-timed = 对端应答、超时到期或 close 按钮会结束等待
inspector-way-out-send = 对端读取数据、连接失效或 close 按钮会结束等待
inspector-way-out-send-timed = 对端读取数据、超时到期或 close 按钮会结束等待
inspector-way-out-close = close 按钮会结束等待

# socklab's state of a socket, as its badge says it.
inspector-word-created = 已创建
inspector-word-bound = 已绑定
inspector-word-listening = 监听中
inspector-word-connecting = 连接中
inspector-word-connected = 已连接
inspector-word-half-closed = 半关闭
inspector-word-half-closed-peer = 半关闭（对端不再发送）
inspector-word-half-closed-out = 半关闭（本端不再发送）
inspector-word-half-closed-in = 半关闭（本端的读方向已关闭）
inspector-word-half-closed-over = 半关闭（连接已结束：双方的 FIN 都已发出，或收到了重置）
inspector-word-half-closed-both = 半关闭（双方都不再发送）
inspector-word-closed = 已关闭
inspector-word-error = 出错

# 引起套接字状态变化的原因（调用名保持代码原样）。
inspector-cause-failed-connect = connect 失败
inspector-cause-connect-ended = 内核结束了这次 connect（被拒绝、不可达或超时）
inspector-cause-peer-closed = 对端关闭了它那一端
inspector-cause-receive-failed = 接收失败
inspector-cause-internal = 内部错误
inspector-cause-handshake = 握手完成
inspector-cause-kernel = 内核的 TCP 状态
inspector-cause-aborted = 被重置，或重传超时放弃
inspector-cause-socklab = 由 socklab 关闭
inspector-cause-kernel-bound = 内核在第一次 sendto 时给了它地址

# 内核中选项的值（数字和名字保持原样）。
inspector-opt-unavailable = 无法读取（{ $errno }）
inspector-opt-off = 未开启 (0)
inspector-opt-on = 已开启 ({ $v })
inspector-linger-on = 开启
inspector-linger-secs = 秒数
inspector-linger-zero = 开启且为 0 秒：TCP 连接的 close() 发送 RST 而不是 FIN，丢弃尚未发出的数据；不会有 TIME_WAIT。
inspector-opt-linger-off = 未开启
inspector-opt-linger-on = 已开启，{ $secs } 秒
inspector-opt-none = 无 (0)
inspector-opt-no-error = 0（没有错误）
inspector-opt-any-interface = 0.0.0.0（由路由表决定）
inspector-groups = 已加入的组播组：
inspector-group = { $group }，接口 { $on }
inspector-not-measured = 未测量：还没有连接
