# shortcuts：F1 打开的键盘快捷键列表（按键名称保持代码中的写法）。

shortcuts-new-tcp = 新建 TCP 套接字
shortcuts-new-udp = 新建 UDP 套接字
shortcuts-close = 关闭选中的套接字
shortcuts-clear = 清空选中套接字的流量
shortcuts-search = 搜索选中套接字的流量
shortcuts-journal = 转到日志
shortcuts-console = 转到 Python 控制台
shortcuts-history = 在控制台中：之前输入过的语句
shortcuts-interrupt = 在控制台中：中断正在运行的语句
shortcuts-step-line = 单步执行文件时：运行高亮的那一行
shortcuts-step-rest = 单步执行文件时：运行剩下的部分
shortcuts-send = 在载荷中：发送（高亮的按钮）
shortcuts-new-line = 在载荷中：换行
shortcuts-option-field = 在选项的输入框中：设置它 / 放弃已输入的内容
shortcuts-help = 本帮助
shortcuts-intro = 每次点击都会在一个真实的套接字上执行一次 Python 套接字调用；底部的日志会把它显示成你要输入的那行代码。把鼠标悬停在套接字的状态上，可以看到它的含义。
# 帮助（F1）：浮层，以及顶栏的“帮助”菜单。
help-title = 帮助（F1）
help-menu = 帮助
help-open = 帮助与快捷键（F1）
help-open-tip = 所有键盘快捷键、socklab 运行的 Python，以及课程
help-keys = 键盘
# same
help-python = Python
help-python-console = 控制台：输入教程里的代码；Tab 补全，上下方向键找回输入过的语句
help-python-run = 像 python3 一样运行程序，它的套接字由 socklab 管理（不需要窗口）
help-python-run-i = 像控制台一样逐条语句运行
help-python-serve = 不开窗口的服务器（echo、upper、greet、daytime、chargen、hmac、rules……）
help-python-subset = Python 由 RustPython 0.5 实现（Python 3.13 的语法），带有 socket、socketserver、selectors、threading、struct、json、hmac、hashlib 以及大部分标准库；Python 打印的内容与 CPython 一致。
help-lessons = 课程
help-lessons-intro = 每一课带你一步一步运行教程里的程序，并检查内核显示的结果：
help-start-lesson = 开始一课
help-close = 关闭（Esc）
