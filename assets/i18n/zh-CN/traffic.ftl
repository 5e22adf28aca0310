# traffic：套接字的流量视图（行、搜索与筛选、总计与速率、保存与导出）。

traffic-heading = 流量
traffic-search = 搜索流量
traffic-search-tip = 查找包含这段文本或这些字节的行（Ctrl+F）。
traffic-hex-pattern = 按十六进制搜索
traffic-hex-pattern-tip = 搜索内容是十六进制字节（01 03 或 0103），不是文本。
traffic-show-hex = 十六进制显示
traffic-show-hex-tip = 每行以十六进制显示字节，而不是文本（点击一行可看完整的十六进制转储）。
traffic-all = 全部
traffic-in-only = 仅接收
traffic-out-only = 仅发送
traffic-relative-time = 相对时间
traffic-time-of-day = 时刻
traffic-merge = 合并数据块
traffic-pause = 暂停视图
traffic-pause-tip = 冻结显示的行；流量仍会继续接收、记录和计数
traffic-clear = 清空流量
traffic-clear-tip = 清除显示的行（计数继续累计）（Ctrl+L）。
traffic-save-and-export = 保存与导出
traffic-save-to = 保存到
traffic-save-as = 另存为...
traffic-save-as-tip = 选择要保存到的文件
traffic-save-received = 保存接收的字节
traffic-save-received-tip = 把记录中所有接收到的字节按顺序保存为二进制文件
traffic-export-csv = 导出 CSV
traffic-export-csv-tip = 每次调用一行：时间、秒数、方向、长度、对端、文本、十六进制
traffic-export-json = 导出 JSON Lines
traffic-export-json-tip = 每次调用一个 JSON 对象，附带精确的十六进制
traffic-cap = 内存上限（MiB）
traffic-cap-tip = 当前每个套接字 { $cap } MiB：超过后最早的行会被移除（计数仍包含全部）。范围 1 到 { $max } MiB。
traffic-set-cap = 设置上限
traffic-search-problem = 搜索：{ $problem }
traffic-rows = { $n } 行
traffic-paused-shown = 已暂停：显示 { $total } 行中的 { $shown } 行
traffic-match = { $total } 行中有 { $shown } 行匹配
traffic-evicted = 最早的 { $n } 行（{ $size }）因内存上限被移除；计数仍包含它们
traffic-skipped = { $size } 未显示（视图跟不上）
traffic-msgs = { $n } 条消息
traffic-chunks = { $n } 个数据块
traffic-datagrams = { $n } 个数据报
traffic-drops = 内核为这个套接字丢弃了 { $n } 个数据报，大多是因为它的接收缓冲区已满。
traffic-counters = 接收 { $bytes_in }（{ $msgs_in }），{ $rate_in }/s | 发送 { $bytes_out }（{ $msgs_out }），{ $rate_out }/s
# 行中的方向：收 = 接收，发 = 发送。
traffic-dir-in = 收
traffic-dir-out = 发
traffic-unread-stream = 内核的接收队列里有 { $n } 字节在等待：它们还没有被读取，所以流量视图里还看不到。点击 recv，或者：
traffic-unread-datagram = 内核里有一个 { $n } 字节的数据报（后面可能还有）在等待：它还没有被读取，所以流量视图里还看不到。点击 recv，或者：
traffic-unread-auto = 到达即接收（自动接收）
traffic-end-of-stream = （流结束）
traffic-empty-datagram = （空数据报，不是结束）
traffic-run = { $n } 个数据块，共 { $bytes } 字节：
traffic-copy-text = 复制为文本
traffic-copy-hex = 复制为十六进制
traffic-copy-python = 复制为 Python bytes

# 数据报中超出 recv 缓冲区、被内核丢弃的字节。
traffic-cut = （另有 { $n } B 被截掉）
