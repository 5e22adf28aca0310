# serve：“服务”一行，应答器、规则和监听套接字的客户端（src/ui/panels/serve.rs）。

serve-responder = 应答器
# What each responder does, beside its name (the names stay: `socklab serve` takes them).
serve-what-echo = 把收到的每个字节原样发回
serve-what-upper = 把收到的内容转成大写发回
serve-what-greet = 对每条消息 X 回复 Hello, X!（TCP 客户端连上时还会先收到 hello!，发送 exit 就关闭连接）
serve-what-discard = 读取一切，什么也不回（RFC 863）
serve-what-chargen = 发送一行行字符（RFC 864）：TCP 上不停地发；UDP 上每收到一个数据报，就回一个装着几行字符的数据报
serve-what-daytime = 发送当前日期和时间（RFC 867）；TCP 连接随后关闭
serve-what-fixed = 对每条消息都回复你给定的内容
serve-what-hmac = 向每个客户端发出挑战，验证它是否知道密钥（HMAC）
serve-what-hmac-client = 用密钥回答 hmac 服务器的挑战
serve-what-rules = 按你的规则回复：每次 recv() 收到的一块数据分别匹配，再回复对应内容（被网络拆成两块的消息不会被拼起来）
serve-fixed-reply = 固定回复
serve-key = 密钥
serve-digest = 摘要算法
serve-hmac-note = 教程里用的摘要算法是 md5；如今应选 sha256。回复 OK 之后，服务器回显随后收到的内容；回复 FAIL 之后，它关闭连接。
serve-answer = 应答
serve-answer-tip-listening = 这个监听套接字已接受的连接和之后接受的每个连接都由应答器应答（打开“自动接受连接”即可接受所有连接）。
serve-answer-tip = 到达这个套接字的数据由应答器应答（会自动开始接收）。
serve-stop-answering = 停止应答
serve-stop-answering-tip = 套接字不再应答；收到的内容仍会显示。
# $responder：正在应答的应答器，按它自己的描述。
serve-answering = 正在应答：{ $responder }
serve-answering-changed = 正在应答：{ $responder }（表单在那之后改过：按“应答”才会生效）
serve-not-answering = 未在应答
serve-hmac-checks = HMAC 校验：{ $passed } 次通过，{ $failed } 次失败
serve-last-report = 保留的 { $n } 条报告中最新的一条：{ $note }

# 规则（$n：规则的序号）。
serve-rule = 规则 { $n }
serve-rule-hex = 十六进制 { $n }
serve-rule-hex-tip = 把消息当作十六进制数字来匹配（正则）或使用十六进制模式
serve-rule-pattern = 模式 { $n }
serve-rule-reply = 回复 { $n }
serve-rule-reply-tip = {"{"}0{"}"} 表示匹配到的内容，{"{"}1{"}"}..{"{"}9{"}"} 表示各个分组，还可以用 {"{"}count{"}"}、{"{"}time{"}"}、{"{"}peer{"}"}、{"{"}data{"}"}；可使用 Python 转义，如 \r\n
serve-rule-delay = 规则 { $n } 的延迟（毫秒）
serve-rule-remove = 删除规则 { $n }
serve-add-rule = 添加规则
serve-add-rule-tip = 按顺序尝试各条规则；第一条匹配的规则负责应答

# 监听套接字的客户端。
serve-clients-open = 打开的客户端：{ $open } 个
serve-clients-open-limit = 打开的客户端：{ $open } 个（最多 { $limit } 个）
serve-max-clients = 最大客户端数
serve-max-clients-invalid = 最大客户端数必须是整数（留空：不限）
serve-set-limit = 设置上限
serve-set-limit-tip = 超过上限后，新连接在内核的 accept 队列中等待，直到有客户端离开。
serve-broadcast = 广播
serve-broadcast-tip = 用 sendall 把载荷编辑器中的字节发给这个监听套接字的每个打开的客户端
serve-close-all = 全部关闭
serve-close-all-tip = 关闭这个监听套接字的所有打开的客户端

# accept 队列。
serve-queue-empty = accept 队列为空（backlog { $backlog }）
serve-queue-waiting = accept 队列中有 { $n } 个连接在等待（backlog { $backlog }）：已连接，尚未被接受
serve-queue-waiting-manual = accept 队列中有 { $n } 个连接在等待（backlog { $backlog }）：已连接，尚未被接受；accept() 会取走最先完成握手的那个
serve-queue-entry-tip = 内核已完成握手，正在等待 accept()（按内核中的顺序列出）
serve-queue-more = ... 还有 { $n } 个

# 服务器可从网络访问前的警告（窗口和 `socklab serve` 共用）。
serve-every-interface = { $any }（所有网络接口：主机留空就绑定全部接口）
serve-exposed = { $shown } 可以从网络访问：任何能连到这台机器的人都能和这个服务器通信。要只在本机使用，请用 127.0.0.1（或 ::1）。
serve-unbound-listen = 没有 bind() 就调用 listen()，内核会把它绑定到 { $any }（所有网络接口）上一个由内核选的端口：可以从网络访问。要只在本机使用，请先绑定 127.0.0.1（或 ::1）。

# 引擎主动报告的事：应答器的判定、暂停接受连接的监听套接字。
# $from 为 note-from 或空。
note-from = ，来自 { $peer }
note-hmac-passed = HMAC 校验通过{ $from }
note-hmac-wrong = HMAC 校验失败{ $from }：密钥或摘要不对
note-hmac-late = HMAC 校验失败{ $from }：{ $secs } 秒内没有收到完整的回答
note-no-challenge = 未发送挑战{ $from }：请求只有 { $carried } 字节，而挑战有 { $challenge } 字节；UDP 上的请求至少要有 { $least } 字节（调高 UDP 放大倍数上限可应答更短的请求）
note-answered = 已用 { $mac } 回答挑战
note-server-says = 服务器回复 { $text }
note-rule-fired = 规则 { $rule }（{ $kind } { $pattern }）第 { $count } 次触发
note-paused-process-files = 暂停接受连接：EMFILE：进程已达到打开文件数上限 { $limit }（RLIMIT_NOFILE），其中 { $sockets } 个是 socklab 的套接字；新连接在监听队列中等待，有连接关闭时恢复接受。请调高上限（ulimit -n）或关闭一些连接
note-paused-system-files = 暂停接受连接：ENFILE：整个系统的打开文件数已用尽（fs.file-max），socklab 持有 { $sockets } 个套接字；新连接在监听队列中等待，有连接关闭时恢复接受
note-paused-memory = 暂停接受连接：{ $errno }：内核没有足够内存建立新连接；新连接在监听队列中等待，有连接关闭时恢复接受
note-paused-sockets = 暂停接受连接：已打开 { $max } 个套接字，达到引擎上限；新连接在监听队列中等待，有连接关闭时恢复接受
note-paused-consumer = 暂停接受连接：{ $queued } 个事件等待窗口读取；新连接在监听队列中等待，窗口跟上后恢复接受
note-accepting-again = 恢复接受连接（期间有 { $tries } 次尝试时资源仍然不足）
note-not-followed = 不再跟踪它关闭后的状态：已在跟踪 { $max } 个关闭的连接
note-unfollowed-thread = 不跟踪它关闭后的状态：无法启动跟踪线程：{ $errno }
note-unfollowed-behind = 不跟踪它关闭后的状态：跟踪关闭连接的线程积压太多
note-still-there = { $secs } 秒后仍处于 { $state }；不再跟踪
note-left-out = 窗口处理不过来时略去了 { $n } 条报告
# 另一个线程的调用还在等待时，Python 调用了 close()（CPython 的行为）。
note-held-by-call = close() 已返回，但另一个线程里等待中的 { $op }() 仍占着这个套接字：内核会保留它（连同端口），直到那个调用返回——CPython 也是这样。
note-held-by-call-shutdown = 要结束这种等待，请在 close() 之前先调用 shutdown(socket.SHUT_RDWR)。
note-held-by-call-timeout = close() 已返回，但另一个线程里等待中的 { $op }() 仍占着这个套接字：内核会保留它（连同端口），直到那个调用结束。设了超时的调用会在套接字上有动静或超时到点时以 EBADF 结束——CPython 在旧描述符编号没被新套接字占用时也是这样。
# socklab 挂断应答器连接的原因。
note-hangup-ended = 应答器结束了会话
note-hangup-peer-closed = 对端关闭了它那一端，服务器也随之挂断
note-hangup-peer-gone = 对端已不在（向它发送失败）

# 应答器无法按表单建立的原因（$name 带引号；$why：该部分自己的错误）。
serve-error-unknown-responder = 未知的应答器 { $name }：可选 { $names }
serve-error-unknown-digest = 未知的摘要算法 { $name }：请用 md5、sha1 或 sha256
serve-error-no-key = HMAC 应答器需要密钥
serve-error-no-rules = 规则应答器至少需要一条规则
serve-error-fixed-reply = 固定回复：{ $why }
serve-error-rule = 规则 { $n }：{ $why }
serve-error-regex = 正则表达式有误：{ $why }
serve-error-pattern = 模式：{ $why }
serve-error-reply = 回复：{ $why }
serve-error-lone-close = 回复：有一个单独的 '{"}"}'（要表示花括号本身，请写 '{"}}"}'）
serve-error-unclosed = 回复：'{"{"}' 没有配对的 '{"}"}'（要表示花括号本身，请写 '{"{{"}'）
serve-error-placeholder = 回复：未知的占位符 {"{"}{ $name }{"}"}：请用 {"{0}..{9}, {count}, {time}, {peer}"} 或 {"{data}"}
# 规则如何匹配一条消息。
serve-kind-exact = 完全相同
serve-kind-contains = 包含
serve-kind-prefix = 开头是
serve-kind-suffix = 结尾是
serve-kind-regex = 正则
# RLIMIT_NOFILE 无限制时，note-paused-process-files 里的 $limit。
note-no-limit = 无限制
# 跟踪了 $secs 秒、但从未读到状态的已关闭连接。
note-still-followed = { $secs } 秒后仍在内核的表中；不再跟踪
note-no-rule-matched = 没有规则匹配收到的 { $len } 字节 { $head }，所以没有回复（这个连接第 { $count } 次）。规则按每次 recv() 返回的数据块匹配：一条消息若分两次到达，两半各自匹配。
serve-clients-last-report = 它的连接 { $name } 最新的报告：{ $note }
