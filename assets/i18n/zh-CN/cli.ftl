# 命令行的说明（socklab --help、socklab run --help），按这里的样子原样输出：每行在共同
# 的四个空格之外的缩进都会保留。
cli-usage =
    socklab — 套接字工作台

    用法：
      socklab              打开工作台窗口（上次保存或打开的工作区会一起回来）
      socklab --workspace FILE
                           打开窗口并载入工作区 FILE（一个 .toml 文件，在窗口的
                           “工作区”菜单里保存）
      socklab run FILE [ARGS...]
                           像 `python3 FILE ARGS...` 那样运行一个 Python 程序，它的套接字
                           由 socklab 的引擎提供（- 表示从标准输入读程序）
      socklab run -i FILE  像 Python 的交互式控制台那样逐条运行它：打印每个表达式的
                           repr 和每个错误
      socklab serve RESPONDER [HOST:]PORT [选项]
                           运行一个应答器（echo、upper、greet、discard、chargen、daytime、
                           fixed、hmac、hmac-client、rules），直到被中断；每个连接、每条
                           消息记一行日志（socklab serve --help 有更多说明）
      socklab --help       显示这段说明
      socklab --version    显示 socklab 的版本

cli-run-usage =
    用法：socklab run [-i] FILE|- [ARGS...]
      像 `python3 FILE ARGS...` 那样运行 Python 程序 FILE（- 表示读标准输入）：只输出
      它打印的内容；未捕获的异常把回溯写到标准错误，退出状态为 1；否则退出状态为
      sys.exit 给出的值。
      -i  改为像 Python 的交互式控制台那样运行 FILE 中的语句：每个表达式语句的值的
          repr、每个错误回溯的最后一行，然后是下一条语句。退出状态：没有异常时为 0，
          有语句抛出异常时为 1，文件超出 socklab 控制台能接受的语句范围时为 2。
# socklab serve --help.
cli-serve-usage =
    用法：socklab serve RESPONDER [HOST:]PORT [--udp] [--tls [--cert FILE --key-file FILE]] [--quiet] [--key KEY] [--digest md5|sha1|sha256] [--reply TEXT] [--rule KIND:PATTERN=>REPLY]... [--challenge-timeout SECS] [--udp-amplify N]
      RESPONDER（应答器）：echo、upper、greet、discard、chargen、daytime、fixed、hmac、hmac-client、rules
      HOST 默认是 127.0.0.1；IPv6 写成 [::1]:9000。KIND（规则的匹配方式）：exact、contains、prefix、suffix、regex
      （前面加 hex- 按十六进制匹配，如 hex-exact）。--tls：每个连接都讲 TLS，证书默认为 localhost 现做一张，
      也可以用 --cert 和 --key-file（PEM 文件）指定。
      --quiet：只记录连接和报告，不记每条消息。--key、--digest：hmac 的密钥和摘要算法。--reply：fixed 的回复。
      --challenge-timeout：hmac 等待回答的秒数（默认 10）。--udp-amplify：chargen 和 hmac 对一个数据报的回复
      最多是它大小的几倍（默认 1）。
      例子：socklab serve rules 9000 --rule 'regex:^GET (\w+)=>got {"{"}1{"}"}\n'
