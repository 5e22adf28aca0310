# 整个窗口共用的词。

lang-menu = 语言
count-bytes = { $n } 字节
