# files

# Why a file was not written or read (src/ui/files.rs); $path as typed, $said the system's
# words with the errno's name, $what and $hint from the files-what- and files-hint- below.
files-exists = { $path } 已存在
files-could-not-write = 无法将{ $what }写入 { $path }：{ $said }；{ $hint }
files-could-not-read = 无法从 { $path } 读取{ $what }：{ $said }；{ $hint }
files-too-big = { $path } 有 { $size } 字节；{ $what }最多 { $max } 字节
files-folder = { $path } 是文件夹，不是文件：请选其中的一个文件
files-not-valid = { $path } 不是{ $what }（第 { $line } 行，第 { $column } 列）：{ $why }；{ $hint }

# What is written or read.
files-what-journal = 日志
files-what-library = 载荷库
files-what-library-file = 载荷库文件
files-what-socklab-library = socklab 载荷库
files-what-file-to-send = 要发送的文件
files-what-settings = 设置
files-what-received = 接收到的字节
files-what-csv = CSV 格式的流量记录
files-what-jsonl = JSON Lines 格式的流量记录

# What a file job is doing (src/ui/writes.rs), as its status line says it.
files-doing-save-journal = 保存日志
files-doing-save-received = 保存接收到的字节
files-doing-save-csv = 将流量记录保存为 CSV
files-doing-save-jsonl = 将流量记录保存为 JSON Lines
files-doing-read-library = 读取载荷库
files-doing-save-library = 保存载荷库
files-doing-check-file = 查看文件
files-doing = 正在{ $what }...
files-doing-pct = 正在{ $what }（{ $pct }%）

# What to do about a failure.
files-hint-check-path = 请检查路径
files-hint-no-new-files = 该文件夹不能新建文件：请另选一个
files-hint-no-folder = 文件夹不存在：请选一个存在的文件夹
files-hint-may-read = 请选一个你有权读取的文件
files-hint-can-write = 请选一个你能写入的文件夹
files-hint-read-only = 该文件系统是只读的：请选另一块磁盘上的文件夹
files-hint-disk-full = 磁盘已满：请腾出空间或另选一块磁盘
files-hint-is-folder = 那是一个文件夹：请指定其中的一个文件
files-hint-not-folder = 路径中有一部分是文件而不是文件夹：请检查路径
files-hint-name-too-long = 名称太长：请换一个短一些的
files-hint-library-format = 从 socklab 导出一个载荷库即可看到格式

# A file job that did not do it, or did not start ($n files at once at most).
files-exists-replace = { $path } 已存在：替换它，或另选一个名字
files-job-panicked = 文件任务失败：{ $why }（socklab 的缺陷）
files-busy-same = 仍在忙：{ $what }须等上一项完成
files-busy-full = 已有 { $n } 个文件正在读写：{ $what }须等其中一个完成
files-busy-no-thread = 无法开始{ $what }：{ $why }

# What a traffic export leaves out (src/ui/export.rs); $n is a number of bytes.
files-missing-evicted = 早先因内存上限被丢弃的 { $n } 字节
files-missing-skipped = 视图未跟上的 { $n } 字节
files-missing-cleared = 已清除的 { $n } 字节
files-list-separator = 、
files-not-included = 未包含：{ $parts }（要保留每个字节，请用“接收到文件”）

# The titles of the desktop's file dialogs (src/ui/dialogs.rs).
files-dialog-file-to-send = 要发送的文件
files-dialog-receive-to = 接收到文件
files-dialog-save-traffic = 保存流量到
files-dialog-library = 载荷库文件
files-dialog-script = 要运行的 Python 文件

# Workspaces.
files-what-workspace = 工作区
files-doing-save-workspace = 保存工作区
files-doing-read-workspace = 读取工作区
files-dialog-workspace-open = 打开工作区
files-dialog-workspace-save = 保存工作区
