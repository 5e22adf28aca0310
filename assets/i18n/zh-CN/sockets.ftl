# sockets：套接字列表（新建按钮、每个套接字的行和提示）。

sockets-heading = 套接字
sockets-new-tcp = 新建 TCP
sockets-new-udp = 新建 UDP
sockets-unix-stream = Unix 流套接字
sockets-unix-dgram = Unix 数据报套接字
address-unnamed = （未命名）
sockets-new-tcp6 = 新建 TCP6
sockets-new-udp6 = 新建 UDP6
sockets-new-unix = 新建 Unix
sockets-new-unix-dgram = 新建 Unix 数据报
sockets-msgs = { $n } 次
sockets-totals = 全部套接字：接收 { $bytes_in }（{ $msgs_in }）| 发送 { $bytes_out }（{ $msgs_out }）
sockets-remove-closed = 移除已关闭（{ $n }）
sockets-remove-closed-tip = 把所有已关闭的套接字从列表中移除（它们的流量记录也一并移除）。
sockets-remove = 从列表中移除
sockets-row-addresses = { $local } -> { $peer }   收 { $bytes_in } / 发 { $bytes_out }
sockets-tip-kernel = 内核：{ $what }
sockets-tip-forgotten-time-wait = 内核：已遗忘——它的 TIME_WAIT 已经结束，内核不再保留这个连接的任何信息。
sockets-tip-forgotten = 内核：已遗忘——内核不再保留这个连接的任何信息（本端没有 TIME_WAIT）。
sockets-tip-waits = { $op } 正在等待：{ $way }。
# Which console's program made the socket (shown with two consoles side by side).
sockets-made-by-console = 控制台 { $n }
sockets-queued = 在 { $listener } 的队列中
sockets-queued-tip = 还没有被 accept：内核已完成握手，所以 connect() 返回了，这一端也显示 ESTABLISHED；但这个连接还在 { $listener } 的 accept 队列里等着，直到 { $listener }.accept() 取走它。现在发送的数据会先留在内核里；如果 { $listener } 先关闭，内核会重置这个连接（下一次调用抛出 ConnectionResetError）。
