# journal

# The journal's bar (src/ui/panels/journal.rs). Its entries are Python lines: never here.
journal-title = 日志
journal-copy = 复制日志
journal-copy-tip = 把每一行复制为 socklab run 和 python3 都能重放的脚本。按 Ctrl+J 可跳到这里。
journal-clear = 清空日志
journal-file = 日志文件
journal-save = 保存日志
journal-save-tip = 把日志写成 Python 脚本（用 socklab run FILE 或 python3 可重放）。

# Beside an entry still running; $secs is already formatted ("4.2").
journal-waiting-timeout = 等待中，{ $secs } 秒后超时
journal-waiting = 等待中...
# Under the whole line, in its tooltip.
journal-click-to-copy = 点击复制这一行。
# 日志在各行之间写的注释（$name：套接字在 Python 中的名字）。
journal-overlap = { $name }.{ $with }() 等待期间执行了 { $name }.{ $op }()
journal-closed-by = { $name } 被 socklab 关闭：{ $why }（{ $responder }）
journal-after-forgot = { $name } 关闭之后：内核已忘记这个连接
journal-after-for = { $name } 关闭之后：{ $state }，还剩 { $secs } 秒
journal-after = { $name } 关闭之后：{ $state }
# 点击所做的、没有对应的单个 Python 调用的操作（写在 "# 名字: " 之后）。
journal-auto-receive-on = 开启自动接收（循环调用 recv({ $bufsize })）
journal-auto-receive-on-datagrams = 开启自动接收（循环调用 recvfrom({ $bufsize })，每个数据报连同发送方）
journal-auto-receive-off = 关闭自动接收
journal-auto-accept-on = 开启自动接受连接
journal-auto-accept-off = 关闭自动接受连接
journal-join = 在 { $interface } 上加入组播组 { $group }
journal-leave = 在 { $interface } 上退出组播组 { $group }
journal-inspect = 查看
journal-interrupt = { $name } 正在等待的调用被中断
journal-stop-sending = 停止发送
journal-answer-with = 用 { $responder } 应答器应答
journal-stop-answering = 停止应答
journal-limit = 同时最多 { $n } 个客户端
journal-no-limit = 不限客户端数
journal-record = 接收到文件 { $path }
journal-record-off = 停止接收到文件
# 发送任务：$what（字节或 journal-job-file），$times、$every（为空或以空格开头），
# $call（send、sendall、sendto 地址：代码）。
journal-job = 发送 { $what }{ $times }{ $every }（{ $call }）
journal-job-more = ...（共 { $len } 字节）
journal-job-file = 文件 { $path }
journal-job-times = { " " }{ $n } 次
journal-job-until-stopped = { " " }直到停止
journal-job-every = ，每 { $secs } 秒一次
# 发送任务结束时控制台打印的内容；$stopped 为 yes 或 no。
journal-sent = 用 { $calls } 次调用发送了 { $bytes } 字节{ $stopped ->
        [yes] ，已停止
       *[no] {""}
    }
journal-tls-self-signed = CERT、KEY：socklab 为 localhost、127.0.0.1 和 ::1 生成的证书
journal-respond-children = 它已打开的 { $n } 个连接也一样
