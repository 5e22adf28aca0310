# console

# 记录里的说明（socklab 自己的话，不是 Python 的输出）。
console-which-file = （哪个文件？在“文件”栏输入它的路径，或点“打开...”选择。）
console-run-file = 运行 { $file }
console-step-file = 逐行运行 { $file }
console-restart = === RESTART: { $path } ===（新的会话，与 IDLE 的 Run Module 一样：之前输入的名字都没有了，它们持有的套接字随那个会话结束而关闭）
console-session-ended = （会话已结束：退出码 { $code }；下一条语句会开始新的会话）
console-file-kept = （文件已运行结束或被中断；与 python3 -i 一样，它的套接字仍然打开，留给你查看：{ $sockets }。若用 python3 FILE 运行，进程结束时（它的线程都结束之后）它们就会被关闭。再次“运行文件”会关闭它们；每个套接字的 close() 也会关闭它。）
console-file-kept-one = { $name }：{ $doing }
console-file-kept-separator = ；
console-session-lost = （Python 会话停止了：socklab 内嵌的 RustPython 的一项内部检查失败；它的套接字仍留在列表中，下一条语句会开始新的会话）
console-no-thread = Python 控制台无法启动它的线程：{ $error }
console-more-characters = （还有 { $n } 个字符未显示）
# socklab's word under an error a socket call raised in the console (Python's line stays as python3 prints it).
console-explained = → socklab：{ $why }{ $hint }
console-explained-why = → socklab：{ $why }

# 面板。
console-split = 并排两个控制台
console-split-tip = 第二个控制台，有自己的会话，使用同样的套接字：教程里的服务器在一个里，客户端在另一个里。
console-about = 像 python3 控制台那样运行 Python，作用于窗口中的套接字。
console-about-tip = 在这里创建的套接字以你给它们的名字（srv、conn）出现在列表中；窗口中的套接字在这里用列表里显示的名字（echo_server、client、s1...）。上下方向键找回输入过的内容，Tab 补全；代码块在空行处结束。
console-file = 文件
console-file-tip = 在这里运行的 .py 文件，就像 python3 -i FILE 运行它那样。
console-open = 打开...
console-open-tip = 用桌面的文件对话框选择文件。
console-arguments = 参数
console-arguments-tip = sys.argv[1:]，用空格分隔（端口、主机...）。
console-run-button = 运行文件
console-run-button-tip = 在一个新的会话中运行文件，与 IDLE 的 Run Module 和 python3 -i FILE ARGS 一样：之前输入的名字都没有了，在提示符下创建的套接字会被关闭。它打印的内容显示在这里，它的套接字出现在列表中，它的名字留给之后的语句使用。
console-step-button = 逐行运行
console-step-button-tip = 一次运行文件的一行：在每一行（高亮的那行）之前停下，直到点“下一行”；它的套接字随运行逐个出现。
console-close-file = 关闭文件
console-close-file-tip = 隐藏文件的文本；会话保留它的名字。
console-clear = 清空控制台
console-clear-tip = 清除记录（会话保留它的名字）。
console-file-stopped = { $name }：停在第 { $line } 行之前
console-file-running-line = { $name }：正在运行第 { $line } 行
console-file-running = { $name }：运行中
console-file-not-run = { $name }：未运行（原因见控制台）
console-file-ended = { $name }：已结束
console-file-and-more = 另外 { $n } 个
console-file-ended-threads = { $name }：主程序已结束，它的线程仍在运行，等待于 { $calls }
console-next-line = 下一行 (F10)
console-next-line-tip = 运行高亮的那一行，并在下一行之前停下。
console-continue = 继续 (F5)
console-continue-tip = 不停顿地运行文件的剩余部分。
console-interrupt = 中断 (Ctrl+C)
console-interrupt-tip = 在正在运行的语句中引发 KeyboardInterrupt，就像在 python3 中按 Ctrl+C（阻塞的 accept 或 recv 什么也没拿到就结束）；在 ... 提示符下，丢弃已输入的代码块。

# 正在运行的内容，以及它在等待的每个套接字调用。
console-times-out = { $secs } s 后超时
console-blocking = 无超时：{ $way }
console-waiting-more = ……还有 { $n } 个本控制台的调用在等待（列表中各套接字的行会分别显示）
console-waiting = { $calls } 等待中，{ $left }（Ctrl+C 可中断）
console-running = 正在运行：{ $what }
# 在 select()、poll() 或 epoll 的 poll() 中等待（selectors、socketserver 的 serve_forever()）：
# $call 是调用，$what 是它在等什么（console-select-...，用 console-select-or 连接）。
console-selecting = { $call }() 等待中，直到 { $what }（Ctrl+C 可中断）
console-select-accept = { $name } 有连接可以 accept
console-select-read = { $name } 有数据或对端的关闭可读
console-select-datagram = { $name } 有数据报可读
console-select-write = { $name } 有发送空间
console-select-fd-read = 描述符 { $fd } 可读
console-select-fd-write = 描述符 { $fd } 可写
console-select-or = ，或{" "}
console-select-more = （还有 { $n } 个）
console-selecting-nothing = { $call }() 等待中，没有监视任何可读或可写的对象（Ctrl+C 可中断）
console-selecting-more = ……还有 { $n } 个本控制台的线程在 select() 或 poll() 中等待
# 一个常见陷阱的异常是什么意思（src/pyrt/explained.rs 的 PyHint），显示在 Python 那一行之后。
explain-str-not-bytes = send() 一类的调用只接受 bytes，而这里传的是 str（文本）。
explain-str-not-bytes-hint = 先编码：send('hello'.encode()) 或 send(b'hello')；recv() 返回的内容用 .decode() 解码。
explain-used-closed = 这个套接字之前已经关闭了（close()、with 语句结束或 detach()）：它不再有描述符（fileno() 是 -1），不能再用它发送、接收或连接。
explain-used-closed-hint = 还要通信就新建一个套接字（socket()，再 connect() 或 bind()）；服务器在循环里用 accept() 为每个连接得到一个新套接字，用完再关闭它。
explain-not-tuple = 地址是一个参数：TCP 和 UDP 的地址是一个 (主机, 端口) 元组，要单独放在一对括号里（Unix 套接字的地址只是它的路径）。
explain-not-tuple-hint = 写成 connect(('127.0.0.1', 8888)) 或 bind(('', 8888))：两层括号，里面那层就是地址。
explain-cut-utf8 = 这些字节在一个 UTF-8 字符的中间结束：在流上，recv() 可能只返回一个字符的一部分，因为 TCP 不保留消息边界。
explain-cut-utf8-hint = 解码完整的消息：先把字节收集到一条消息完整（用长度前缀或 b'\n' 这样的分隔符），或者用 codecs.getincrementaldecoder('utf-8')() 解码。
explain-not-utf8 = 这些字节在这里不是有效的 UTF-8：可能是一个字符被两次 recv() 切开（这里开头是上一个字符的后半），也可能发送方用的是别的编码（中文 Windows 上常见 GBK）。
explain-not-utf8-hint = 解码完整的消息（先收齐一条消息的字节）；如果发送方用 GBK，用 data.decode('gbk')。
# A loop reading a stream whose peer closed: recv() returns b'' at once, again and again.
console-stream-ended-loop = { $name }.recv() 已经返回 b'' { $n } 次：对端已经关闭了它那一端，此后每次 recv() 都会立刻返回 b''。循环必须在收到 b'' 时结束（if not data: break）；按 Ctrl+C 可以中断这个循环。
console-stream-shut-loop = { $name }.recv() 已经返回 b'' { $n } 次：它自己的 shutdown(SHUT_RD) 结束了接收，没有排队的数据时每次 recv() 都会立刻返回 b''。循环必须在收到 b'' 时结束（if not data: break）；按 Ctrl+C 可以中断这个循环。
console-answered = → socklab：{ $n } 就是 { $errno }。{ $why }{ $hint }
explain-peer-closed = recv() 返回 b''（空字节串）表示对端已经关闭了它那一端：它发来了 FIN，之后每次 recv() 都会立刻返回 b''。
explain-peer-closed-hint = 读取数据的循环要在这时停下：if not data: break；然后 close() 这个连接。
console-run-busy = 这个控制台里还有代码在运行：先用“中断 (Ctrl+C)”停下它，再运行文件。它的套接字会一直打开，直到再次运行文件。
console-queued = 排队，等它结束后运行：{ $line }
console-queued-more = ……还有 { $n } 行在排队
console-dropped = （未运行：{ $line } —— Ctrl+C 会丢弃提前输入的行，和终端里一样）
