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
