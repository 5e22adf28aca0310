# 窗口的框架：顶栏、各页的标签、替换文件前的询问。

confirm-replace = { $path } 已经存在。要用{ $what }替换它吗？
confirm-replace-yes = 替换
confirm-replace-yes-tip = 覆盖现在的文件（保留它的权限）。
confirm-replace-no = 保留
confirm-replace-no-tip = 文件保持原样，什么也不写。
theme = 主题：
theme-system = 跟随系统
theme-dark = 深色
theme-light = 浅色
lang-desktop = { $lang }（跟随桌面）
lang-desktop-choice = 跟随桌面
centre-page = 套接字页
centre-page-tip = 选中套接字的调用、字节，以及内核报告的信息。
centre-sequence = 时序图
centre-sequence-tip = 选中的套接字和与它通信的套接字，各占一条泳道，时间向下流动：每个调用、每次 send 和 recv，以及它们之间传送的内容。
centre-timeline = 状态时间线
centre-timeline-tip = 每个套接字经历的状态（包括关闭后内核中的状态，如 TIME_WAIT），与引起状态变化的调用对照。
centre-graphs = 图表
centre-graphs-tip = 选中套接字随时间变化的收发速率、rtt 和 cwnd（TCP_INFO）以及队列。
centre-boundaries = 消息边界
centre-boundaries-tip = 一条连接的 send 与 recv 在同一段字节上并排显示：消息在哪里被合并或拆分（粘包）。
bottom-journal = 日志
bottom-journal-tip = 窗口发出的每个调用，写成作用相同的 Python 语句 (Ctrl+J)。
bottom-console = Python 控制台
bottom-console-tip = 像在 python3 控制台里一样输入 Python 套接字调用，作用于窗口中的套接字 (F2)。
# 第一次启动：一个回显服务器和一个已连接到它的客户端已准备好。
first-run-hint = 已准备好：127.0.0.1 上的回显服务器（echo_server），以及已连接到它的客户端（client）。在 client 的页面上按 Enter 发送载荷，echo_server 会原样发回（下方的流量会显示两个方向）。
first-run-payload = 你好，socklab！
first-run-echoed = 已回显：你的字节从 echo_server 原样回来了（下方的流量显示两个方向）。可以继续发送，或用“新建 TCP”“新建 UDP”创建自己的套接字。
