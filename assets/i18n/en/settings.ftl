# settings
# The settings window (top bar: Settings).
settings-button = Settings
settings-button-tip = Theme, zoom, language, the default bind address, the traffic cap, times, CSV
settings-title = Settings
settings-zoom = Zoom
settings-zoom-reset = reset to 100%
settings-language = Language
settings-bind = Default bind address
settings-bind-field = IPv4 bind address
settings-bind-tip = The address a new IPv4 socket's bind field starts with. 127.0.0.1 is reachable from this machine only; 0.0.0.0 from every network it is on.
settings-bind-not-ipv4 = not an IPv4 address (as 127.0.0.1): new sockets' bind field starts with it anyway, and bind() will say what is wrong
settings-bind-exposed = not loopback: a server bound there is reachable from the network
settings-cap = Traffic kept per socket
settings-cap-set = set
settings-time = Times in the traffic view
settings-time-relative = since the first event
settings-time-local = local time of day
settings-time-utc = UTC time of day
settings-csv = CSV files
settings-csv-plain = plain UTF-8
settings-csv-bom = UTF-8 with a byte-order mark
settings-csv-bom-tip = For spreadsheet programs that read a CSV file in their own code page unless it starts with a byte-order mark (Excel): 你好 stays 你好. Until you choose, it is on while the window speaks Chinese.
settings-kept = Kept between runs, with the recent addresses and the payload library.
settings-close = Close
settings-zoom-out = smaller (Ctrl+−)
settings-zoom-in = larger (Ctrl++)
