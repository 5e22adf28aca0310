# state

# 一次 send 交给内核的字节数，显示在套接字的状态行上。
state-took-part = { $call }() 只接受了 { $len } 字节中的 { $n } 字节：内核没有空间容纳更多；其余 { $rest } 字节没有发送（sendall 会发送每一个字节）
state-took-all = { $call }() 接受了全部字节：{ $n } / { $len } 字节
# 时序图泳道上 b'' 之后的说明。
state-peer-ended = （对端结束了它的流）
state-own-shut-read = （它自己的 shutdown(SHUT_RD) 结束了接收）
state-empty-datagram = （一个空数据报）
state-nothing-asked = （recv(0) 不请求任何字节，立即得到空结果；什么也没有读取）
# 时序图为什么没有画出捕获的报文段。
state-capture-needs-root = 捕获真实的报文段需要 root 权限或 CAP_NET_RAW（{ $why }）：例如对 socklab 可执行文件执行 sudo setcap cap_net_raw+ep
state-capture-refused = 这里无法捕获真实的报文段（{ $why }）

# 输入时检查的字段。
state-enter-path = 请输入路径
state-path-too-long = 路径最多 107 字节（输入了 { $n } 字节）
state-ipv6-needs-inet6 = IPv6 地址需要 AF_INET6 套接字
state-host-spaces = 主机名中不能有空格
state-enter-port = 请输入端口
state-port-not-number = 端口 '{ $port }' 不是数字
state-port-out-of-range = 端口 { $port } 超出范围 0-65535
state-whole-number = { $what } 必须是整数
state-settimeout-would-raise = settimeout() 会引发 { $class }: { $msg }
state-timeout-seconds = 超时是 >= 0 的秒数，或 None

# 在套接字上等待的调用（$left：秒数）。
state-wait-blocked-left = { $op } 阻塞中 - 剩余 { $left } s
state-wait-room-left = { $op } 等待缓冲区空间 - 剩余 { $left } s
state-wait-blocked = { $op } 阻塞中（无超时）
state-wait-room = { $op } 等待缓冲区空间（无超时）
state-wait-short-blocked-left = { $op } 阻塞，剩 { $left } s
state-wait-short-room-left = { $op } 等待，剩 { $left } s
state-wait-short-blocked = { $op } 阻塞
state-wait-short-room = { $op } 等待

# 内核中仍保留的已关闭连接。
state-forgotten = 已释放
state-after-close-left = { $state }，剩余 { $left } s

# 通用控件。
state-warning = 警告：{ $text }
state-default-button-tip = { $tip } 在载荷输入框中按 Enter 即按下此按钮（Shift+Enter 换行）。
state-failed-errno = { $op } 失败 - { $errno }
state-returned-errno = { $op }() 返回了 { $n } - { $errno }
state-failed = { $op } 失败
# When the failure was heard of: its explanation was true then.
state-failed-at = 发生于 { $clock }
state-since-connected = 它开始的 connect 之后已经完成：{ $clock } 已连接，不用再等了。
state-since-ended = 它开始的 connect 在 { $clock } 结束了，没有连上（被拒绝、不可达、超时，或者套接字先关闭了）。
state-timed-out = { $op } 超时
state-interrupted = { $op } 被中断
state-hint = 提示：{ $hint }

state-settings-no-thread = 设置将不会被保存：没有可用来写入的线程（{ $error }）

# 写入和读取的文件。
state-kept = { $path } 保持原样：没有写入任何内容
state-saved-journal = 已将日志（{ $calls }）保存到 { $path }
state-count-calls = { $n } 个调用
state-count-rows = { $n } 行
state-enter-export-file = 请输入要保存到的文件（或点“另存为...”）
state-saved-export = 已将{ $what }（{ $rows }，{ $bytes }）保存到 { $path }
state-no-file-chosen = 没有选择文件。如果文件对话框打不开（没有桌面门户），请在按钮旁的文件栏中输入文件路径。
state-saved-log = 已将{ $what }（{ $rows }，流量 { $bytes }；文件 { $size }）保存到 { $path }
state-enter-library-file = 请输入载荷库文件的路径（或点“载荷库文件...”）
state-imported = 从 { $path } 导入了 { $n } 个载荷
state-exported = 已将 { $n } 个载荷导出到 { $path }
state-library-working = 正在处理载荷库文件...
doing-at = { $state }，本端 { $local }
doing-with-peer = { $state }，对端 { $peer }
