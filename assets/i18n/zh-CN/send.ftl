# send：载荷编辑器、发送按钮、重复发送、载荷库与历史
# （src/ui/panels/send.rs、src/ui/sending.rs）。

send-listener-note = 监听套接字自己不发送任何数据：下方“服务”一行中的“广播”会把这些字节发给它的每个客户端。
send-stop = 停止发送
send-stop-tip = 立即结束发送任务（已发出的不会撤回）。

# 编辑器。
send-mode-text = 文本
send-mode-text-tip = 文本，可使用 Python 转义：\x00 \r \n \t \\ \' \" \0, \u4e2d
send-mode-hex = 十六进制
send-mode-hex-tip = 十六进制数字；空格、冒号、逗号、换行和 0x 会被忽略
send-mode-file = 文件
send-mode-file-tip = 任意大小的文件，边从磁盘读取边发送，显示进度并可取消
send-encoding = 编码
send-line-ending = 换行符
send-line-ending-none = 无
send-file-to-send = 要发送的文件
send-open-file = 打开文件...
send-open-file-tip = 选择要发送的文件
send-file-size = { $size } 字节，发送时才从磁盘读取
send-file-looking = 正在查看文件...
send-payload = 载荷
# 载荷生成的字节：先是字节数，再是十六进制。
send-payload-bytes = { $n } 字节：{ $hex }
send-nothing-sent = 不会发送任何数据：{ $error }

# 发送按钮。
send-file = 发送文件
send-file-tip-stream = 通过连接发送整个文件（sendall，一块一块地发送）。
send-file-tip-datagram = 把文件分成下面设定大小的数据报发送。
send-send-tip = 发送一次；内核可能只接收一部分（会显示实际字节数）。
send-send-tip-not-connected = 未连接：内核会拒绝（EPIPE 或 ENOTCONN）。
send-sendall-tip = 发送全部字节，必要时等待缓冲区腾出空间。
send-sendto-tip = 向上面填写的对端地址发送一个数据报。

# 重复发送。
send-repeat = 重复：
send-times = 次数
send-until-stopped = 直到停止
send-interval = 间隔（ms）
send-each-sendall = 每次用 sendall
send-each-datagram = 每条消息一个数据报，用 { $call } 发送
send-each-sendall-tip = 每条消息的每个字节都发出，必要时等待空间
send-each-send = 每次用 send
send-each-send-tip = 每条消息调用一次 send()：内核只收下放得下的部分，没有全部发出时视图会说明
send-datagram-size = 数据报大小
send-start-repeating = 开始重复
send-start-repeating-tip = 按给定次数（或直到停止）发送载荷，每次相隔一个间隔，期间套接字仍可使用。
send-times-invalid = 次数必须是不小于 1 的整数
send-interval-invalid = 间隔是 0 到 86400000 之间的毫秒数
send-datagram-invalid = 一个数据报可容纳 1 到 65507 字节
send-pick-file = 请选择一个文件（打开文件...）或输入它的路径

# 载荷库与历史。
send-library = 载荷库：
send-payload-name = 载荷名称
send-save-to-library = 存入载荷库
send-save-to-library-tip = 以这个名称保存载荷（连同模式、编码和换行符）
send-library-menu = 载荷库（{ $n }）
send-library-empty = 给载荷起个名字并保存，它就会出现在这里。
send-send-saved = 发送
send-send-saved-tip = 立即把它发送到这个套接字
send-edit-saved = 编辑
send-edit-saved-tip = 把它放进编辑器
send-delete-saved = 删除
send-library-file = 载荷库文件
send-library-file-button = 载荷库文件...
send-library-file-tip = 选择载荷库文件
send-import = 导入
send-import-tip = 加入一个载荷库文件中的载荷（同名时以文件中的为准）
send-export = 导出
send-export-tip = 把载荷库写成 JSON 文件
send-history-menu = 历史（{ $n }）
send-history-empty = 你发送的内容会出现在这里。
send-send-again = 再次发送
send-edit-again = 再次编辑
send-no-peer = 没有可发送的对端：{ $error }
send-not-sent = 未发送：{ $error }
# 列表中已保存载荷的模式：“[文本] PING\r\n”。
send-saved-text = 文本
send-saved-hex = 十六进制
send-saved-file = 文件

# 发送任务：运行中和结束时。
send-calls = { $n } 次调用
send-repetitions = 重复 { $n } 轮
send-job-done = 发送任务已完成：{ $bytes }，{ $calls }，{ $reps }
send-job-stopped = 发送任务已停止：{ $bytes }，{ $calls }，{ $reps }
send-job-partial = ；有一次 send() 只接收了 { $offered } 字节中的 { $took } 字节（那条消息的其余部分没有发送）
# $sent 和 $total 是大小（“1.5 MiB”），$rate 是每秒的量。
send-job-status = 已发送 { $sent }，{ $calls }（{ $reps }），{ $rate }/s
send-job-status-total = 已发送 { $sent } / { $total }，{ $calls }（{ $reps }），{ $rate }/s
send-hex-as-typed = 十六进制按输入的字节发送（再加上所选的校验值）：编码和换行符都不适用。
send-check = 校验
send-check-tip = 附加在载荷最后的校验值，按它前面的全部字节（文本模式含换行符）计算；上面的字节预览里能看到它。
send-check-none-tip = 不附加校验值。
send-check-sum8-tip = 所有字节相加，取最低的一个字节（累加和）。
send-check-xor8-tip = 所有字节依次异或，得到一个字节。
send-check-modbus-tip = Modbus RTU 用的 CRC-16（多项式 0xA001 反射，初值 0xFFFF），低字节在前，两个字节。
send-check-ccitt-tip = CRC-16/CCITT-FALSE（多项式 0x1021，初值 0xFFFF），高字节在前；与 Python 的 binascii.crc_hqx(data, 0xFFFF) 相同。
send-check-xmodem-tip = CRC-16/XMODEM（多项式 0x1021，初值 0），高字节在前；与 Python 的 binascii.crc_hqx(data, 0) 相同。
send-check-crc32-tip = CRC-32（与 Python 的 zlib.crc32 相同），高字节在前，四个字节。
