# payload
# 载荷的文本或十六进制无法解析的原因（显示在输入框下方，前面是 payload-at 的位置）。
payload-no-bytes-for = { $encoding } 无法编码 { $char }
payload-lone-backslash = 末尾有一个单独的反斜杠：要表示反斜杠本身，请写 \\
payload-octal-too-big = 八进制转义 \{ $octal } 超过了 \377
payload-x-digits = \x 后面要跟两位十六进制数字，例如 \x0a
payload-u-digits = \{ $escape } 后面要跟 { $len } 位十六进制数字，表示一个字符
payload-hex-lone-digit = 单独的一位十六进制数字：每个字节要用两位数字
payload-hex-bad-digit = '{ $char }' 不是十六进制数字
payload-hex-odd = 十六进制数字的个数是奇数：最后一个字节少了一位数字
# 载荷在哪里无法解析（$n 从 1 数字符），后面是原因。
payload-at = 第 { $n } 个字符：{ $message }
payload-file-mode = 文件模式从磁盘流式发送文件：请用“发送文件”
