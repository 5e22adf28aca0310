# settings
# 设置窗口（顶栏：设置）。
settings-button = 设置
settings-button-tip = 主题、缩放、语言、默认绑定地址、流量上限、时间、CSV
settings-title = 设置
settings-zoom = 缩放
settings-zoom-reset = 恢复为 100%
settings-language = 语言
settings-bind = 默认绑定地址
settings-bind-field = IPv4 绑定地址
settings-bind-tip = 新建 IPv4 套接字时绑定地址栏的初始值。127.0.0.1 只能从本机访问；0.0.0.0 可以从本机所在的每个网络访问。
settings-bind-not-ipv4 = 不是 IPv4 地址（例如 127.0.0.1）：新套接字的绑定地址栏仍以它开头，bind() 会说明哪里不对
settings-bind-exposed = 不是回环地址：绑定在这里的服务器可以从网络上访问
settings-cap = 每个套接字保留的流量
settings-cap-set = 设置
settings-time = 流量视图中的时间
settings-time-relative = 距第一个事件的时间
settings-time-local = 本地时间
settings-time-utc = UTC 时间
settings-csv = CSV 文件
settings-csv-plain = 普通 UTF-8
settings-csv-bom = 带字节顺序标记（BOM）的 UTF-8
settings-csv-bom-tip = 有些电子表格程序（如 Excel）除非文件以字节顺序标记开头，否则会按自己的代码页读取 CSV：这样 你好 仍是 你好。在你选择之前，界面为中文时默认使用此项。
settings-kept = 与最近用过的地址和载荷库一起，在下次运行时保留。
settings-close = 关闭
settings-zoom-out = 缩小（Ctrl+−）
settings-zoom-in = 放大（Ctrl++）
