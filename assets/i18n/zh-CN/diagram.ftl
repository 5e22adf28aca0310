# diagram

# 时序图泳道上的行，以及状态时间线上的调用。
diagram-accepted-from = 由 { $name } 接受
diagram-call-raised = { $call } 引发 { $result }
diagram-call-failed = { $op }() 失败
diagram-kernel-state = 内核：{ $state }
diagram-rst-said = 连接被重置
diagram-sent-again = （重发）
diagram-tip-syn-again = 同一个 SYN 又发了一次：没有及时收到 SYN, ACK（监听方的 accept 队列满了时，内核会丢弃新客户端的 SYN），所以客户端的内核重发它。本机内核每次重试之间等待 { $gaps }……秒，{ $give_up } 秒后放弃，除非套接字的超时让 connect() 先结束（别的机器的内核有它自己的设置）。
diagram-tip-again = 同一个报文段又发了一次：没有及时收到应答，内核再发一次。
diagram-tip-syn = SYN：连接的第一个报文段。connect() 让内核把它发往监听方的端口。
diagram-tip-syn-ack = SYN, ACK：监听方的内核回应 SYN。等客户端的 ACK 回来，这个连接就在 accept 队列里等待，直到 accept() 把它取走。
diagram-tip-fin = FIN：这一端不会再发送任何数据（close()，或 shutdown(SHUT_WR)）。对端读完它之前的字节后，recv() 返回 b''。
diagram-tip-rst = RST：内核重置了连接，连接立即结束。已经到达的字节仍然可以读出；之后对端的下一个调用会抛出 ConnectionResetError（ECONNRESET），再 send 则抛出 BrokenPipeError。在收到的字节还没读完时 close() 会发送 RST，把 SO_LINGER 设为 0 后 close() 也会；connect() 到没有程序监听的端口，会收到一个 RST（ConnectionRefusedError）。
diagram-tip-data = 数据：流中的 { $len } 字节（seq 从这一端的第一个字节起计数）。接收方内核把它们排队，直到 recv() 取走。
diagram-tip-ack = ACK：内核告知它已收到多少（ack：它期待的下一个字节）。它由内核自行发送；握手的最后一个 ACK 属于 connect()。
diagram-tip-reset-raised = 这个套接字的连接被重置了：对端在收到的字节还没读完时关闭了连接，或者把 SO_LINGER 设为 0 后关闭（TCP 上由一个 RST 报文段告知）。已经到达的字节会先被读出；这次 recv 抛出了 ConnectionResetError（ECONNRESET），之后再 send 会抛出 BrokenPipeError。
diagram-recv-cut = （截掉 { $cut }，已丢失）
# 数据报的那一行：发往哪里、来自哪里（接在 "sendto 7 B" / "recvfrom → 5 B" 之后）。
diagram-datagram-to = ，发往 { $peer }
diagram-datagram-from = ，来自 { $peer }
diagram-tip-cut = 数据报比缓冲区大：这次调用只拿到它开头的字节，内核丢掉了其余的 { $cut }，Python 不会有任何提示。bufsize 不小于最大的数据报，才能完整收到（IPv4 上的 UDP 为 65507 字节）。
diagram-kernel-forgot = 内核：已释放这条连接
diagram-handshake = SYN, SYN-ACK, ACK（由内核完成的握手）
diagram-unix-connect = connect（无握手）
diagram-unix-end = 流结束（无 FIN）

# 时序图。
diagram-segments-lost = （有 { $n } 个报文段没有保留：窗口跟不上了）
diagram-thinned = （流量过大：在此期间，捕获保留所有带 SYN、FIN 或 RST 的报文段，其余报文段只保留 { $n } 个中的 1 个）
diagram-captured = 灰色箭头是在回环接口上捕获到的 TCP 报文段，按发送顺序画出（[SYN]、[SYN, ACK]、[PSH, ACK]、[FIN, ACK]...；seq 和 ack 从各自一方的第一个开始计数，与 Wireshark 的显示方式相同）{ $lost }；蓝色箭头表示每次 send 的字节到达了哪次 recv。
diagram-captured-from = 从 { $at } 起才抓取报文段（第一次打开时序图、Python 控制台或开始课程时）：在它之前的行没有抓到的报文段（其中画出的握手和 FIN 是根据调用推测的）。
diagram-guessed = 根据套接字调用和内核报告的状态画出：握手和 FIN 箭头标出内核完成它们的位置；{ $why }。
diagram-not-tcp = 箭头从每次 send 指向收到这些字节的那次 recv（UDP 和 Unix 套接字没有握手、FIN 或 TCP 报文段可画）。
diagram-no-segments = 这里有连接通向 socklab 之外的程序：对方没有泳道，所以这条连接的报文段只画在本端的泳道上，没有箭头，每一行写明对端的地址。握手的 SYN 属于监听套接字；之后到达的报文段（即使在 accept() 之前）属于这个连接：内核已经建立了它，它带着收到的字节在 accept 队列里等待，直到 accept() 把它交给程序。
diagram-some-guessed = 紫色和橙色箭头是根据调用画出的：这些连接在捕获开始之前就已建立，或者是 Unix 套接字。
diagram-clear = 清空时序图
diagram-clear-tip = 从现在起重新绘制（套接字保留）。
diagram-how-show = 说明：这张图怎么画的
diagram-how-hide = 收起说明
diagram-truncated = 只保留最近 { $n } 个事件：图的开始晚于套接字的创建。
diagram-no-sockets = 还没有套接字：在左侧创建一个，或在 Python 控制台 (F2) 中创建。
diagram-bytes-received = { $name } 接收了 { $n } 字节：
diagram-bytes-sent = { $name } 发送了 { $n } 字节：
diagram-bytes-gone = 这些字节已不再保留（流量记录的容量上限让它们被丢弃了）。

# 状态时间线。
diagram-timeline-about = 每个套接字的状态，每个调用或状态变化一列（时间在顶部）：上面是窗口看到的套接字状态，连接关闭时下面是内核的 TCP 状态；再下面是引起变化的调用。鼠标悬停在状态上可查看含义。
diagram-timeline-earlier = ← 左边还有 { $n } 列更早的
diagram-timeline-earlier-tip = 时间线打开时显示“现在”；点这里滚回第一列（下面的滚动条也可以拖动）。
diagram-now = 现在
diagram-kernel = 内核
diagram-kernel-later = 连接关闭后，这里显示内核的 TCP 状态（FIN_WAIT、TIME_WAIT 等）
diagram-forgotten = 已释放
diagram-forgotten-tip = 内核已不再保存这条连接的任何信息。

# 图表。
diagram-graphs-none = 在左侧选择一个套接字：这里会画出它的速率、rtt、cwnd 和队列。
diagram-graphs-about = { $name }：随时间变化的读数（目前 { $n } 个；有变化时才会有新读数）。横轴为距第一个读数的秒数。
diagram-graphs-few = 读数还不够：发送或接收一些数据。
diagram-graph-rate = 速率（字节/秒）
diagram-graph-in = 收
diagram-graph-out = 发
diagram-graph-queues = 接收队列和发送队列（字节）
diagram-graph-recv-queue = 接收队列
diagram-graph-recv-buffer = 接收缓冲区已用
diagram-graph-send-queue = 发送队列
diagram-graph-rtt = rtt（µs，TCP_INFO）
diagram-graphs-tcp-only = rtt 和 cwnd：内核只为 TCP 连接测量它们。
diagram-graph-cwnd = cwnd（报文段，TCP_INFO）
diagram-graph-hover = { $name }：{ $value }
diagram-graph-hover-time = 第一个读数后 { $secs } 秒
diagram-graph-segments = { $n } 个报文段

# 消息边界。
diagram-boundaries-about = TCP 传输的是字节流，而不是消息：一次 send() 交出的数据可能拆分到几次 recv() 中到达，也可能和下一次 send 的数据合在一起（粘包）。每条横线是某个调用开始或结束的位置；一次 recv 的长度等于它被调用时已到达的数据量（最多为它的 bufsize）。
diagram-boundaries-outside = 另一端 { $peer } 是另一个程序：这里看不到它的 send() 调用，只能看到本端的 recv() 调用怎样切分到达的字节（三次 send 可能在一次 recv 中到达）。两端都在这个窗口中创建，就能看到两边。
diagram-boundaries-unseen = 看不到它的 { $call }() 调用
diagram-boundaries-other = { $peer }（另一个程序）
diagram-boundaries-none = 选择一条 TCP 连接的一端，它的另一端也要在这个窗口中（在这里或在 Python 控制台中创建）：它的 send 和另一端的 recv 会并排画出。
diagram-boundaries-way = { $from } → { $to }：{ $sends }；{ $recvs }
diagram-boundaries-calls = { $n } 次 { $call }() 调用
diagram-boundaries-ended = { $to }.{ $call }() → { $result }：{ $from } 关闭了它的一端（FIN），{ $to } 已读完它之前的全部字节。这个方向的流已结束；之后每次 { $call } 都立即返回 { $result }。
diagram-boundaries-ended-unix = { $to }.{ $call }() → { $result }：{ $from } 关闭了它的一端（Unix 套接字不发送 FIN，由内核直接标记结束），{ $to } 已读完它之前的全部字节。这个方向的流已结束；之后每次 { $call } 都立即返回 { $result }。
diagram-boundaries-unread = { $n } B 还没有被读取：在 { $name } 的接收队列中等待
diagram-boundaries-empty = 这个方向还没有发送任何数据（或还没有收到）。

# 数据报套接字的消息边界页：每个数据报都完整显示，以及缓冲区太小截掉的部分。
diagram-datagrams-about = 数据报保留边界：一次 sendto() 就是一个数据报，一次 recv() 或 recvfrom() 恰好取走一个，绝不会取两个数据报的各一部分。如果 recv 的 bufsize 比数据报小，只能得到前 bufsize 个字节，内核会丢掉这个数据报的其余部分（红色：被截掉，已丢失），Python 对此不会有任何提示。
diagram-datagrams-none = 这个套接字还没有发送或接收过数据报。
diagram-datagrams-count = { $name }：最近 { $n } 个数据报（收到 { $got } 个，发出 { $sent } 个），收到的其中 { $cut } 个被过小的缓冲区截断
diagram-datagrams-dropped = 内核在送入途中整个丢弃了 { $n } 个数据报，没等任何 recv 取走，大多是因为接收缓冲区（SO_RCVBUF）已满：数据报要么完整到达，要么整个丢失，sendto() 和 recvfrom() 都不会得知。
diagram-datagrams-waiting = 在内核中等待、还没被接收：下一个数据报 { $n } B（内核只告诉下一个的大小；recv 取走它之后才显示发送方）。
diagram-datagrams-waiting-buffer = 在内核中等待、还没被接收：下一个数据报 { $n } B，接收缓冲区记为已用 { $used } B（内核只告诉下一个的大小；recv 取走它之后才显示发送方）。
diagram-datagram-out = → 发送 { $n } B 到 { $peer }
diagram-datagram-in = ← 从 { $peer } 完整接收 { $n } B
diagram-datagram-cut = ← 从 { $peer } 的 { $whole } B 数据报中只收到 { $kept } B：截掉了 { $cut } B（bufsize 太小，已丢失）
diagram-datagram-unnamed = 一个未命名的套接字
diagram-lanes-of = 泳道：{ $name } 以及与它通信的套接字。{ $n ->
    [0] {""}
   *[other] 列表里另有 { $n } 个没有画在这里：选中其中一个就能看到它的时序图。
}
diagram-lanes-cut = 最多画 { $max } 条泳道，没画出：{ $names }（它们那些连接的报文段只画在本端泳道上，没有箭头）。
diagram-lanes-cut-more = 另外 { $n } 个
diagram-waited = { $op }() 阻塞：等了 { $secs } s
