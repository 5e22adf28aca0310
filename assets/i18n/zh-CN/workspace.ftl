# workspace：选中套接字的页面（src/ui/panels/workspace.rs）。

# 尚未选中套接字。
workspace-welcome = 用左侧的“新建 TCP”、“新建 UDP”或“新建 Unix”创建一个套接字。每次点击都会在真实的套接字上执行一条 Python 调用，并显示在下方的日志中。
workspace-welcome-lessons = 刚开始学套接字？课程会一步一步带你运行教程里的程序，并告诉你该看哪里：
workspace-welcome-console = 也可以在下方的 Python 控制台 (F2) 中输入教程里的 Python 代码：它创建的套接字会以你起的名字出现在左侧。

# 已关闭的套接字；$state 是内核仍保留的状态（如 TIME_WAIT 及剩余时间）。
workspace-closed-held = 这个套接字已关闭；内核仍保留着它的连接：{ $state }。
workspace-closed-held-ticking = 这个套接字已关闭；内核仍保留着它的连接：{ $state }。在此期间，要再次绑定它的端口，新套接字需要设置 SO_REUSEADDR，而且这个套接字也要在连接之前设置过它（对于被接受的连接，要在它的监听套接字上设置）。
workspace-closed-forgotten = 这个套接字已关闭，内核也已不再保留它的连接。
workspace-closed = 这个套接字已关闭。
workspace-closed-note = 已关闭：这个套接字不能再做任何操作。它的流量仍留在下方，可以查看和导出；要把它从列表中去掉，点列表上方的“移除已关闭”，或右键点击它所在的行。

# 套接字页与流量视图之间的分隔条。
workspace-split-tip = 拖动以给套接字页或流量视图更多空间
workspace-split-label = 套接字页与流量视图的分隔条

# 各行的标题。
workspace-row-bind = 绑定
workspace-row-listen = 监听
workspace-row-connect = 连接
workspace-row-send = 发送
workspace-row-receive = 接收
workspace-row-serve = 服务
workspace-row-record = 记录
workspace-row-timeout = 超时
workspace-row-end = 结束

# 绑定行。
workspace-bind-host = 绑定主机
workspace-bind-path = 绑定路径
workspace-bind-port = 绑定端口
workspace-recent-bind = 最近绑定
workspace-recent-bind-empty = 之前绑定过的地址会出现在这里。
workspace-bind-port-missing = 请输入端口（0 表示由内核挑一个空闲端口）
workspace-bind-tip-bound = 已经绑定过：内核会以 EINVAL 拒绝。
workspace-bind-tip = 给套接字设定本地地址（端口 0 让内核挑选）。

# 监听行。
workspace-backlog = backlog（等待队列）
workspace-backlog-unix-tip = 可以有多少个连接等待 accept()：Linux 允许 backlog 再加一个（上限是 net.core.somaxconn）；再多的话，新客户端的 connect() 会一直等到 accept() 腾出位置（非阻塞的则以 EAGAIN 失败）。
workspace-listen-tip = 等待连接；backlog 是内核在 accept() 之前能排队的已完成连接的数量。
workspace-listen-tip-udp = UDP 没有连接：内核会以 EOPNOTSUPP 拒绝。
workspace-accept-tip = 从 accept 队列中取出一个连接（阻塞直到有连接到来）。
workspace-accept-tip-not-listening = 未在监听：内核会以 EINVAL 拒绝。
workspace-auto-accept = 自动接受连接
workspace-auto-accept-tip = 接受每个连接；每个连接都显示在这个监听套接字下面。

# 连接行。
workspace-peer-host = 对端主机
workspace-peer-path = 对端路径
workspace-peer-port = 对端端口
workspace-peer-port-missing = 请输入对端的端口
workspace-recent = 最近
workspace-recent-empty = 连接过或发送过的对端会出现在这里。
workspace-reconnect = 重新连接
workspace-reconnect-tip = 一个套接字只能连接一次：这会用本页的选项、超时和载荷新建一个套接字，连接到 { $peer } 并持续接收。这个套接字仍然打开着（它的连接已结束）：不再需要它的页面时请关闭它。
workspace-reconnect-hint = 到 { $peer } 的连接已结束；“重新连接”会新建一个套接字连过去
workspace-connect-tip = 连接到对端（失败时抛出异常）。
workspace-connect-ex-tip = 与 connect 相同，但返回 errno（0 = 已连接）。

# 接收行。
workspace-recv-tip = 最多接收 bufsize 字节（按超时设置阻塞）。
workspace-recvfrom-tip = 接收一个数据报，连同发送方的地址。
workspace-auto-receive = 自动接收数据
workspace-auto-receive-tip = 循环调用 recv()：每个数据块都显示在流量视图中。
workspace-auto-receive-tip-datagrams = 循环调用 recvfrom()：每个数据报连同发送方都显示在流量视图中。

# 记录（接收到文件）。
workspace-record-to = 记录到
workspace-record-file = 记录文件...
workspace-record-file-tip = 选择接收到的字节写入的文件
workspace-receive-to-file = 接收到文件
workspace-receive-to-file-tip = 把收到的每个字节在到达时原样写入文件（流量视图的内存上限不适用）。已有的文件只有在你确认后才会被替换。
workspace-recording = 已写入 { $size } 到 { $path }

# 超时行。
workspace-timeout = 超时（秒）
workspace-settimeout-tip = 留空或 None：阻塞；0：非阻塞；x：x 秒后放弃。
workspace-nonblocking-tip = 非阻塞：没有就绪的数据时，调用会抛出 BlockingIOError。
workspace-blocking-tip = 阻塞：调用会一直等待，直到能完成。

# 结束行。
workspace-shutdown-tip = 关闭一个或两个方向；套接字仍保持打开。
workspace-close-tip = 释放套接字（正在阻塞的调用会立即结束）(Ctrl+W)。

# 正在等待的调用：$what 说明已等多久，$way 说明什么能结束它，$ops 是同时等待的其他调用。
workspace-waiting = { $what }：{ $way }
workspace-waiting-overlaps = { $what }：{ $way }（与 { $ops } 重叠，就像两个线程同时调用那样）

# Workspace files (the top bar's Workspace menu; socklab --workspace FILE).
workspace-menu = 工作区
workspace-menu-open = 打开工作区…
workspace-menu-open-tip = 按工作区文件重新创建其中的套接字（像当时一样绑定、监听、连接），与这里已有的并存；其中的载荷加入载荷库。
workspace-menu-save = 保存工作区…
workspace-menu-save-tip = 把这些套接字（地址、在这里设置的选项、应答器、自动模式、载荷）和载荷库保存为 TOML 文件。连接本身不保存：打开时会重新建立。下次启动时会重新打开最后保存或打开的工作区。
workspace-file-saved = 已把 { $n } 个套接字和载荷库中的 { $payloads } 个载荷保存到 { $path }。
workspace-file-left-accepted = { $n } 个已接受的连接没有保存：客户端重新连接时它们会再次出现。
workspace-file-left-other = 未保存（工作区不支持的协议族或类型）：{ $names }。
workspace-file-opened = 已打开 { $path }：创建了 { $n } 个套接字。
workspace-file-opened-failed = 其中 { $n } 个的调用失败：各自的页面说明了是哪个调用以及原因。
workspace-file-opened-not-made = 有 { $n } 个套接字未能创建（原因见上方的错误）。
workspace-file-library = 载荷库：从工作区加入 { $added } 个，{ $kept } 个因同名已存在而保持原样。
workspace-file-damaged = { $path } 不是 socklab 能读取的工作区（{ $why }）。它已原样移到 { $aside }，下次启动不会再遇到它；没有打开任何内容。请打开从“工作区”菜单保存的工作区，或重新保存一个。
workspace-file-damaged-kept = { $path } 不是 socklab 能读取的工作区（{ $why }），而且无法移开；没有打开任何内容。请打开从“工作区”菜单保存的工作区，或重新保存一个。
workspace-file-not-one = 文件中没有 socklab_workspace = 1 这一行，所以它不是 socklab 工作区
workspace-file-too-many = 它包含 { $n } 个套接字；一个工作区最多打开 { $max } 个
workspace-file-wrong-family = 该地址与套接字的协议族不符
workspace-file-unknown-option = 工作区设置了 { $name }，socklab 不认识这个选项；未设置。
workspace-file-no-such-socket = 工作区让这个套接字连接到 { $name }，但其中没有这个名字的套接字；未连接。
workspace-file-peer-failed = 未连接：工作区中的 { $name } 没有得到可连接的地址（原因见它的页面）。
workspace-notice-dismiss = 知道了
workspace-file-bad-address = 工作区中的 { $call } 地址未使用：{ $why }。
workspace-menu-file = 工作区文件
workspace-menu-open-typed = 打开这个文件
workspace-menu-save-typed = 保存到这个文件

# A UDP socket's multicast row.
multicast-row = 组播
multicast-group = 组
multicast-interface = 接口
multicast-interface-tip = 这个组成员关系所属的网络接口：IPv4 以其地址表示（127.0.0.1 是环回接口），IPv6 以其名称表示。“任意”表示由内核按路由表选择。
multicast-any = 任意（由内核选择）
multicast-join = 加入
multicast-join-tip = IP_ADD_MEMBERSHIP（IPv6：IPV6_JOIN_GROUP）：发往该组的数据报会到达本套接字，前提是它绑定在这些数据报的目标端口上（绑定组地址或 0.0.0.0，以及发送到的端口）。
multicast-leave = 退出
multicast-leave-tip = IP_DROP_MEMBERSHIP（IPv6：IPV6_LEAVE_GROUP）。在 Linux 上，只要本机另一个套接字仍在该接口上是组成员，本套接字仍会收到该组的数据报，除非关闭 IP_MULTICAST_ALL（见检查器）。
multicast-send-from = 发送接口
multicast-send-from-tip = IP_MULTICAST_IF：本套接字的组播数据报从哪个接口发出。TTL（IP_MULTICAST_TTL）以及是否回送到本机（IP_MULTICAST_LOOP）在检查器中。
multicast-listing = 正在列出网络接口…
multicast-not-group-v4 = IPv4 组播组是 224.0.0.0 到 239.255.255.255 之间的地址（自用请选 239.x.x.x）
multicast-not-group-v6 = IPv6 组播组以 ff 开头（例如 ff15::1）
workspace-file-refused = { $path } 不是 socklab 能读取的工作区（{ $why }）；文件保持原样，没有打开任何内容。请打开用“保存工作区…”保存的文件。
workspace-file-bad-name = 第 { $n } 个套接字的名字 { $name } 不是 Python 名字（字母、数字和 _，不以数字开头，最多 64 个字符）
workspace-file-too-many-options = 第 { $n } 个套接字设置了 { $count } 个选项（或加入了同样多的组）；一个套接字最多 { $max } 个
workspace-file-peer-late = 未连接：它要连接的工作区套接字在 { $secs } 秒内没有准备好（原因见那个套接字的页面）。
workspace-file-not-listening = 未监听：它的 bind 失败了（原因见错误说明），而不先 bind 就 listen() 会在所有网络接口上占用一个端口。先让出这个地址，再 bind 和 listen。
workspace-file-tls-where = 没有启动 TLS：文件把它给了一个既不连接（客户端一端，经由 TCP）也不监听（服务器一端）的套接字。它的设置已填入 TLS 一行。
workspace-file-tls-unverified = 按保存时的设置启动了 TLS，不检查服务器的证书：中间的任何人都能读取和篡改发送的内容。仅用于测试。
workspace-file-no-dialog = 没有选择文件。如果文件对话框打不开（没有桌面门户），请在“工作区”菜单的文件栏中输入文件路径，再点“打开这个文件”或“保存到这个文件”。
workspace-file-at = 第 { $line } 行第 { $column } 列：{ $why }
workspace-file-opened-renamed = { $n } 个套接字保留了 socklab 给的名字：它们原来的名字在这里已被其他套接字占用。
