# The window's frame: its top bar, the pages' tabs, the question before replacing a file.

confirm-replace = { $path } already exists. Replace it with { $what }?
confirm-replace-yes = Replace it
confirm-replace-yes-tip = Write over the file that is there now (its permissions are kept).
confirm-replace-no = Keep it
confirm-replace-no-tip = Leave the file as it is; nothing is written.
theme = Theme:
theme-system = System
theme-dark = Dark
theme-light = Light
lang-desktop = { $lang } (the desktop's)
lang-desktop-choice = As the desktop
centre-page = Socket page
centre-page-tip = The selected socket's calls, its bytes and what the kernel says.
centre-sequence = Sequence diagram
centre-sequence-tip = The selected socket and those it talks to, a lane each, time going down: each call, each send and recv, and what travelled between them.
centre-timeline = State timeline
centre-timeline-tip = The states each socket went through, the kernel's on the way out (TIME_WAIT), against the calls that moved it.
centre-graphs = Graphs
centre-graphs-tip = The selected socket's rate in and out, rtt and cwnd (TCP_INFO), and its queues, over time.
centre-boundaries = Message boundaries
centre-boundaries-tip = A connection's sends beside its recvs over the same bytes: where messages were joined or split (粘包).
bottom-journal = Journal
bottom-journal-tip = Every call the window made, as the Python line that does the same (Ctrl+J).
bottom-console = Python console
bottom-console-tip = Type Python socket calls as in python3's console, on the window's sockets (F2).
# The first start: an echo server and a client connected to it are ready.
first-run-hint = Ready: an echo server on 127.0.0.1 (echo_server) and a client connected to it (client). On client's page, press Enter to send its payload; echo_server sends it back (the traffic below shows both ways).
first-run-payload = Hello, socklab!
first-run-echoed = Echoed: your bytes came back from echo_server (the traffic below shows both ways). Send more, or make sockets of your own with New TCP or New UDP.
