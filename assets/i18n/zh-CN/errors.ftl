# errors
# 出错操作的通俗解释和提示（Python 异常行本身保持 CPython 的英文）。$at 是“ 地址”（带前导空格）或空；
# $op 是调用名（bind、recv……），保持原样。

# 占用地址的套接字属于谁。
errors-owner-process = 进程 { $pid }（{ $command }）
errors-owner-console = { $name }（控制台 { $n }）
errors-owner-unknown = 另一个进程的套接字（inode { $inode }；/proc 没有显示它属于谁）
errors-close-ours = 关闭 { $name }
errors-close-process = 结束进程 { $pid }
errors-close-unknown = 结束占用它的进程

# EADDRINUSE，以及占用该地址的是什么。
errors-holder-listener = { $owner } 正在监听{ $at }。
errors-holder-listener-hint = 换一个端口，或者先{ $close }。SO_REUSEADDR 不能让两个套接字监听同一个端口；只有两个套接字都在 bind() 之前设置了 SO_REUSEPORT 才可以。
errors-holder-connection = { $owner } 到 { $peer } 的一个连接（{ $state }）正以{ $at } 作为本地地址。
errors-holder-connection-hint-ours = 在 bind() 之前，把这个套接字和建立那个连接的套接字（若那是 accept 得到的连接，则是它的监听套接字）的 SO_REUSEADDR 都设为 1；或者关闭 { $name }（即那个连接），或者换一个端口。
errors-holder-connection-hint = 在 bind() 之前，把这个套接字和建立那个连接的套接字（若那是 accept 得到的连接，则是它的监听套接字）的 SO_REUSEADDR 都设为 1；或者结束那个连接，或者换一个端口。
errors-holder-time-wait = 一个从{ $at } 到 { $peer } 的已关闭连接仍处于 TIME_WAIT，还剩 { $secs } 秒（先关闭的一端要等 2MSL，让旧连接迟到的报文段在网络中消失，不被同一地址上的新连接误收）。
errors-holder-time-wait-hint-reuse = 这个套接字已设置 SO_REUSEADDR；但 Linux 还要求建立那个连接的套接字也设置它（对服务器来说是监听套接字，而且要在它 accept 之前设置）。等这 { $secs } 秒过去后再绑定，或者下次在那个套接字上也设置 SO_REUSEADDR。
errors-holder-time-wait-hint-here = 在 bind() 之前把这个套接字的 SO_REUSEADDR 设为 1：建立那个连接的套接字已经设置了它，缺的只是这个套接字的。或者等这 { $secs } 秒过去后再绑定，或者换一个端口。
errors-holder-time-wait-hint = 在 bind() 之前把 SO_REUSEADDR 设为 1（这个套接字上，以及建立那个连接的套接字上：对服务器来说是它的监听套接字）；或者等这 { $secs } 秒过去后再绑定，或者换一个端口。
errors-holder-closing = 一个从{ $at } 到 { $peer } 的已关闭连接还没有结束（{ $state }）：它的套接字已经关闭，内核会保留这个连接，直到对端那一侧处理完。
errors-holder-closing-fin-wait2-left = 对端（{ $peer }）还没有关闭它那一端：它关闭后，这个连接会进入 TIME_WAIT；如果它一直不关闭，内核会在 { $secs } 秒后丢弃这个连接（tcp_fin_timeout）。到时再绑定，或者换一个端口。
errors-holder-closing-fin-wait2 = 对端（{ $peer }）还没有关闭它那一端：它关闭后，这个连接会进入 TIME_WAIT；如果它一直不关闭，内核会在关闭后经过 tcp_fin_timeout 丢弃这个连接。到时再绑定，或者换一个端口。
errors-holder-closing-acked = 内核在等 { $peer } 确认它发出的 FIN，确认后（或重传放弃后）就会放掉这个连接。到时再绑定，或者换一个端口。
errors-holder-closing-reuse = 只有建立那个连接的套接字（若那是 accept 得到的连接，则是它 accept 之前的监听套接字）也设置了 SO_REUSEADDR，在 bind() 之前设置它才能绕过这个连接：下次在两个套接字上都设置。
errors-holder-closing-reuse-here = 这个套接字已设置 SO_REUSEADDR；但建立那个连接的套接字（若那是 accept 得到的连接，则是它 accept 之前的监听套接字）没有设置，而 Linux 要求两边都设置。
errors-holder-unseen = 另一个套接字占用了{ $at }：它可能只是绑定了（没有监听），也可能是 UDP 套接字，而内核的 TCP 表不会列出这两种套接字。
errors-holder-unseen-hint = 关闭另一个套接字，或者换一个端口；两个套接字都设置 SO_REUSEADDR 后，只要都不监听，就能共用这个地址。
errors-holder-bound-only = { $owner } 已经绑定了{ $at }。
errors-holder-bound-only-hint = 直接使用 { $owner }，或者先关闭它，或者把这个套接字绑定到别的端口；两个套接字都设置 SO_REUSEADDR 后，只要都不监听，就能共用这个地址。

# 调用正在等待时，它的套接字被 close() 了。
errors-closed-while-waiting = { $op } 正在等待时，这个套接字被调用了 close()：等待就此结束，套接字已关闭。
errors-released-while-waiting = { $op } 带着超时正在等待时，另一个线程对这个套接字调用了 close()：和 CPython 一样，{ $op } 继续等到套接字上有动静或超时到点，然后发现套接字已关闭。
errors-released-while-waiting-hint = 要让正在等待的 { $op } 立刻结束，请在 close() 之前先调用 shutdown(socket.SHUT_RDWR)（对已连接或正在监听的套接字）。
errors-closed-while-waiting-hint-recv = 创建一个新的套接字。若想结束正在等待的 { $op } 又保留套接字，请改为调用 shutdown(socket.SHUT_RD)：这时 { $op } 会返回 b''。
errors-closed-while-waiting-hint-recv-into = 创建一个新的套接字。若想结束正在等待的 { $op } 又保留套接字，请改为调用 shutdown(socket.SHUT_RD)：这时 { $op } 会返回 0（没有写入任何字节）。
errors-closed-while-waiting-hint-send = 创建一个新的套接字。对端一直不读取时，{ $op } 会一直等待；用 settimeout() 给套接字设置超时，它就会自己放弃。
errors-closed-while-waiting-hint = 创建一个新的套接字。若想让 { $op } 自己放弃，请在调用它之前用 settimeout() 给套接字设置超时。

errors-timeout = { $op } 等待的时间超过了套接字的超时时间，已放弃。
errors-timeout-hint-nothing-heard = 如果只是回复慢，用 settimeout() 调大超时。但这个套接字发送过，却什么也没收到：发到没有程序监听的端口的数据报会被丢弃，而未连接的套接字不会得到通知（先 connect() 到服务器，recv 就会改为抛出 ConnectionRefusedError），所以再等也可能没用。请检查服务器是否在那个地址和端口上运行。
errors-timeout-hint = 用 settimeout() 把超时调大，或者用 settimeout(None) 一直等待。
errors-timeout-hint-no-port = 再等也没用：这个套接字没有端口（从没绑定过，也没发送过，getsockname() 的端口是 0），谁也发不到它。服务器要先 bind() 到自己的地址；客户端要先 sendto()（内核这时给它一个端口，回复就会回到它这里）。
errors-gai = 无法把这个主机名解析为该地址族的地址。
errors-gai-hint = 检查拼写，或者直接填写数字地址，例如 127.0.0.1 或 ::1。
errors-python = Python 不接受这些参数。
errors-interrupted = 这个调用本身没有错：{ $op } 在等待时被中断了（Ctrl+C 或“中断”按钮），于是 Python 抛出了 KeyboardInterrupt。
errors-interrupted-hint = 套接字仍然打开，这次等待什么也没取走：再调用一次 { $op } 就会接着等待。
errors-interrupted-hint-connect = 内核仍在继续它已开始的连接：连接进行中再调用 { $op } 会抛出 EALREADY（连上之后是 EISCONN）；想重新来过，就关闭这个套接字，再新建一个。
errors-interrupted-hint-send = 可能已经有一部分字节发出去了，而 Python 不会告诉你是多少：再调用一次 { $op } 可能会把它们发送两遍。
errors-internal = socklab 的内部错误在 { $op } 期间终止了这个套接字的工作线程；套接字已关闭，所以没有任何调用还在等它。
errors-internal-hint = 重新创建这个套接字。这是 socklab 的缺陷：请连同导致它的操作步骤一起报告。

# 文件操作（发送任务读取的文件、接收到文件），在句子中的名称。
errors-op-read-file = 读取文件
errors-op-record = 记录到文件
errors-op-write-file = 写入文件
errors-file-enoent = 路径{ $at } 处没有文件。
errors-file-enoent-hint = 检查路径，或者重新选择文件。
errors-file-eacces = 没有权限{ $op }{ $at }。
errors-file-eacces-hint = 选择一个你有权读取的文件，或者一个你有权写入的文件夹。
errors-file-eexist = 路径{ $at } 处已有文件；socklab 不会未经询问就替换文件。
errors-file-eexist-hint = 在询问时选择替换（窗口会在顶部询问），或者换一个文件名。
errors-file-eisdir = 路径{ $at } 是文件夹，不是文件。
errors-file-eisdir-hint = 选择文件夹中的一个文件。
errors-file-enospc = 磁盘（或你的配额）已满：文件中保留着此前已写入的内容。
errors-file-enospc-hint = 腾出空间，或者记录到另一个磁盘。
# $error：C 库对该 errno 的说明（英文）。
errors-file-failed = { $op }{ $at } 失败：{ $error }。

# 套接字调用，按 errno 分类。
errors-eaddrinuse = 地址{ $at } 已被占用：被另一个套接字，或被一个仍处于 TIME_WAIT 的已关闭连接。
errors-eaddrinuse-hint = 在 bind() 之前把 SO_REUSEADDR 设为 1（这样就能绑定仍处于 TIME_WAIT 的地址），或者换一个端口，或者关闭另一个套接字。
errors-eacces-bind = 不允许绑定{ $at }：1024 以下的端口是特权端口，而 Unix 套接字路径需要对其所在目录有写权限。
errors-eacces-bind-hint = 使用 1024 或以上的端口，或者以 root 身份运行，或者授予 CAP_NET_BIND_SERVICE 权限。
errors-eacces = { $op }{ $at } 不被允许。
errors-eacces-send-hint = 发往广播地址（255.255.255.255，或子网的最后一个地址，如 192.168.1.255）时：先在这个套接字上把 SO_BROADCAST 设为 1（在检查器中，或 setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)）。否则是防火墙规则拒绝了它。
errors-eacces-hint = 内核拒绝了它：特权操作需要 root 或相应的能力（capability），或者防火墙规则、安全模块（AppArmor、SELinux）禁止了它。
errors-eaddrnotavail = 地址{ $at } 不属于本机的任何网络接口（或者已没有可用的临时端口）。
errors-eaddrnotavail-hint = 绑定本机拥有的地址，例如 127.0.0.1、0.0.0.0、::1 或 ::。
errors-econnrefused = 地址{ $at } 上没有程序在监听：对端用复位（RST）回应了连接请求，或者被防火墙拒绝了。
errors-econnrefused-hint = 先启动服务器，并检查主机和端口。
errors-econnrefused-bound-only = 地址{ $at } 上没有程序在监听：{ $owner } 绑定了这个地址，但套接字要在调用 listen() 之后才会接受连接。
errors-econnrefused-bound-only-hint = 先对 { $owner } 调用 listen()，再重新连接。
errors-econnrefused-abstract = 抽象地址{ $at } 上没有程序应答：没有套接字占用这个抽象名字，或占用它的流套接字没有在监听。
errors-econnrefused-abstract-hint = 先启动服务器，并检查名字：抽象名字会随占用它的套接字一起消失。
errors-econnrefused-unix = 套接字文件{ $at } 上没有程序在监听：文件还在，但已经没有套接字在它上面监听（数据报则是绑定）；程序结束后会留下这个文件。
errors-econnrefused-unix-hint = 先启动服务器。如果它已经结束，新服务器绑定这个路径之前先删掉旧文件。
errors-econnrefused-later = { $op }() 得知之前发出的东西被拒绝了：另一端没有程序在监听（UDP 数据报收到了 ICMP 端口不可达，非阻塞 connect() 收到了复位，或者 Unix 数据报套接字的对端已经不在了）。
errors-econnrefused-later-hint = 先启动接收的程序，并检查这个套接字发往的地址。
errors-econnrefused-udp = { $op }() 得知这个套接字之前发出的一个数据报被拒绝了：它发往的端口上当时没有程序在监听（收到了 ICMP 端口不可达）。
errors-econnreset = 对端重置了连接：它在还有未读数据时关闭了连接、在 SO_LINGER 设为 0 时中止了连接、在这个连接还在 accept 队列里等待时关闭了监听套接字，或者它的主机为一条已不存在的连接作了应答。
errors-econnreset-hint = 把它当作连接已关闭来处理：关闭这个套接字，然后重新连接。
errors-epipe = 这个连接已不能再发送：它的写方向已被关闭（shutdown），或者已被对端关闭，或者从未连接。
errors-epipe-hint = 先连接；对端关闭后，这个套接字也要关闭。
errors-epipe-connected = 这个连接已不能再发送：对端关闭或重置了它，或者它的写方向已被关闭（shutdown）。
errors-epipe-connected-hint = 这个连接已经结束：关闭这个套接字；要再发送，请用新的套接字重新连接。
errors-connection-over-accepted-hint = 这个连接已经结束；它是监听套接字 accept() 得到的，不能再重新连接：关闭它；下一个客户端要由仍在监听的套接字 accept() 接受。
errors-epipe-shut-write = 这一端自己调用的 shutdown()（SHUT_WR 或 SHUT_RDWR）结束了发送：这个连接上不能再发送任何数据。
errors-epipe-shut-write-hint = 在 shutdown(socket.SHUT_WR) 之前把数据都发完；之后这个套接字仍然可以接收。
errors-epipe-shut-both-hint = 在 shutdown() 之前把数据都发完；shutdown(socket.SHUT_RDWR) 之后这个套接字既不能发送也不能接收：关闭它。
errors-edestaddrreq = { $op }() 不知道发到哪里：这个数据报套接字没有 connect()，而 { $op }() 不带地址。
errors-edestaddrreq-hint = 用 sendto(data, (host, port))，或者先 connect() 到对方（之后 send() 就发到那里）。
errors-enotconn = { $op } 需要已连接的套接字，而这个套接字没有连接。
errors-enotconn-hint = 先 connect()（或者在监听套接字上 accept()），UDP 则用 sendto()/recvfrom()。
errors-emsgsize = 这个数据报超过了协议允许的单条消息大小。
errors-emsgsize-hint = 每个 UDP 数据报（IPv4）最多发送 65,507 字节；要传输字节流，请改用 TCP。
errors-eopnotsupp = 这种套接字不支持 { $op }。
errors-eopnotsupp-hint = listen() 和 accept() 只用于 SOCK_STREAM 套接字；UDP 没有连接可接受。
errors-eisconn = 这个套接字已经连接了。
errors-eisconn-hint = 一个套接字只能连接一次；要建立另一个连接，请创建新的套接字。
errors-einval = 在这个套接字当前的状态下，内核拒绝了 { $op } 的参数（是否已经绑定、正在监听或已经 shutdown？）。
errors-einval-hint = 一个套接字只能绑定一次；listen() 需要一个已绑定或未绑定的流套接字。
errors-einval-accept = accept() 只能用在正在监听的套接字上，而这个套接字没有在监听：它没有调用过 listen()（客户端套接字和 accept() 得到的连接都不会调用），或者 shutdown() 结束了它的监听。
errors-einval-accept-shut = 这个 Unix 监听套接字自己调用的 shutdown()（SHUT_RD 或 SHUT_RDWR）使它不再接受新连接：它拒绝新的连接（对方的 connect() 得到 ECONNREFUSED），再调用 listen() 也不能恢复。
errors-einval-accept-shut-hint = 关闭它（如果它有文件，再用 os.unlink(path) 删除；抽象地址没有文件），然后把一个新的套接字绑定到这个地址，再 listen() 和 accept()。要停止服务器，应关闭监听套接字，而不是对它调用 shutdown()。
errors-einval-accept-hint = 在服务器的监听套接字上调用 accept()：服务器要先 bind()，再 listen()，然后才能 accept()：srv.bind(('127.0.0.1', 8888)); srv.listen(); conn, addr = srv.accept()。
errors-eagain = 套接字是非阻塞的，而 { $op } 此刻没有可以立即完成的内容。
errors-eagain-accept = 套接字是非阻塞的，而此刻它的 accept 队列里没有等待 accept() 取走的连接。
errors-eagain-recv = 套接字是非阻塞的，而此刻还没有数据到达，{ $op } 没有可读的内容。
errors-eagain-send = 套接字是非阻塞的，而内核此刻没有空间容纳 { $op } 的数据：之前发送的数据还没有发出去（在 TCP 上，是对端或网络处理得比这边发得慢；Unix 数据报套接字则是接收方的队列满了）。
errors-eagain-hint = 稍后再试，或者设置超时来等待（settimeout），或者 setblocking(True)。
errors-eagain-dontwait = { $op } 带了 MSG_DONTWAIT，所以在没有可立即完成的内容时立刻返回了（套接字本身是阻塞的）。
errors-eagain-dontwait-hint = 稍后再试，或者去掉 MSG_DONTWAIT 来等待。
errors-einprogress = 一个非阻塞的 connect 已经开始，但还没有完成。
errors-einprogress-hint = 等到套接字可写，再读取 SO_ERROR；或者改用超时。
errors-ealready = 这个套接字上已有一个 connect 正在进行。
errors-ebadf = 这个套接字已关闭。
errors-ebadf-hint = 创建一个新的套接字。
errors-enoent = 路径{ $at } 上没有 Unix 套接字。
errors-enoent-hint = 先启动绑定该路径的服务器。
errors-eafnosupport = 该协议不支持这个地址族。
errors-eafnosupport-hint = 使用与套接字同一地址族的地址（AF_INET 用 IPv4，AF_INET6 用 IPv6）。
errors-enoprotoopt = 对这种套接字，这个层级上没有这个选项。
errors-enoprotoopt-hint = 检查层级（SOL_SOCKET、IPPROTO_TCP、IPPROTO_IP、IPPROTO_IPV6）和套接字类型。
errors-unreachable = 没有到{ $at } 的路由。
errors-etimedout = 对端没有及时应答（内核自己的重试次数已经用完）。
errors-emfile = 打开的文件太多了。
errors-emfile-hint = 关闭不再需要的套接字。
# $error：C 库对该 errno 的说明（英文）。
errors-failed = { $op } 失败：{ $error }。
errors-tls-expired = 服务器的证书已过期：它的“有效期至”日期已经过去，所以客户端拒绝了它。
errors-tls-expired-hint = 更新服务器的证书（如果是本机时钟错了，就把时钟调对）。仅用于测试时，可以用“不验证”启动 TLS 继续，并在检查器里查看这个证书。
errors-tls-not-yet-valid = 服务器的证书尚未生效：它的“生效日期”在将来。
errors-tls-not-yet-valid-hint = 检查两台机器的时钟，或者签发一个生效日期已过的证书。
errors-tls-wrong-name = 服务器的证书上没有 { $name } 这个名字：它是为别的名字签发的，所以这可能是另一台服务器。
errors-tls-wrong-name-hint = 填写证书上带的服务器名（检查器把它们列为 SAN），或者签发一个包含 { $name } 的证书。
errors-tls-unknown-issuer = 服务器的证书由一个本客户端不信任的签发者签名。
errors-tls-unknown-issuer-hint = 把签发者的 CA 证书作为 CA 文件给出，或者把它装进系统信任的根证书里。
errors-tls-self-signed = 服务器的证书是自签名的，这里没有任何东西信任它。
errors-tls-self-signed-hint = 把这个证书本身作为 CA 文件给出以信任它；或者仅用于测试时，用“不验证”启动 TLS。
errors-tls-eof = 连接在 TLS 握手中途结束了：对端关闭了它（也许它在这个端口上不说 TLS，或者拒绝了所提供的内容）。
errors-tls-eof-hint = 确认对端在这个端口上说 TLS，并查看它自己的日志了解它为何放弃。
errors-tls-alert = 对端用一个警报结束了 TLS 会话：{ $alert }。
errors-tls-alert-hint = 警报说明了对端反对什么：它不信任的证书、它不提供的协议或 ALPN。改好那一端，然后重新连接。
errors-tls-other = TLS 失败：两端无法达成一致，或者收到的内容不是 TLS 此时允许的（上面一行是 rustls 的原话）。
errors-tls-other-hint = 比较两端的 TLS 设置（协议版本、密码套件、ALPN、证书类型），并确认两端在这条连接上都说 TLS，然后重新连接。
# What socklab refuses on a socket in the state the window put it in (Refusal).
errors-refused-auto-receiving = 这个套接字开着自动接收：到达的每一块数据都已经被接收，显示在它的流量里。
errors-refused-auto-receiving-hint = 在流量里查看它们；要自己调用 recv，请先关闭自动接收。
errors-refused-auto-accepting = 这个监听套接字开着自动接受连接：每个连接一到就被接受，并列在它下面。
errors-refused-auto-accepting-hint = 使用列在监听套接字下面的连接；要自己调用 accept，请先关闭自动接受连接。
errors-refused-listener-data = 监听套接字接收的是连接，不是数据。
errors-refused-listener-data-hint = 先接受一个连接（或开启自动接受连接），再在那个连接上接收。
errors-refused-send-job = 这个套接字上还有一个发送任务（重复发送或发送文件）在运行。
errors-refused-send-job-hint = 用“停止发送”停止它，或等它结束，再开始下一个。
errors-refused-respond = 没有连接的流式套接字（TCP 或 Unix 流）没有可以应答的对象。
errors-refused-respond-hint = 先连接它；或者在监听套接字上选择应答器：它的连接在被接受时就会应答。
errors-refused-tls-not-tcp = TLS 运行在 TCP 连接之上，而这个套接字不是。
errors-refused-tls-not-tcp-hint = 创建一个 TCP 套接字（IPv4 或 IPv6，流式），连接后再在它上面启动 TLS。
errors-refused-tls-listener = 监听套接字只负责交出连接：它上面的 TLS 是服务器一端，由它接受的连接采用。
errors-refused-tls-listener-hint = 为监听套接字选择服务器一端（一个证书）；或者在已连接的套接字上以客户端身份启动 TLS。
errors-refused-tls-auto-receiving = 自动接收开着：客户端的第一条握手消息可能已经被当作数据接收了，所以服务器一端无法开始握手。
errors-refused-tls-auto-receiving-hint = 在监听套接字上启动 TLS，让它的连接在被接受时就握手；或者不开自动接收地接受这个连接，在接收任何数据之前启动 TLS。
