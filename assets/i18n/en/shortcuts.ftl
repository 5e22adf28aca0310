# shortcuts: F1's overlay of keyboard shortcuts (the keys themselves stay as written in the code).

shortcuts-new-tcp = New TCP socket
shortcuts-new-udp = New UDP socket
shortcuts-close = Close the selected socket
shortcuts-clear = Clear the selected socket's traffic
shortcuts-search = Search the selected socket's traffic
shortcuts-journal = Go to the journal
shortcuts-console = Go to the Python console
# Up / Down
shortcuts-history = In the console: the statements typed before
shortcuts-interrupt = In the console: interrupt the statement running
shortcuts-step-line = Stepping through a file: run the highlighted line
shortcuts-step-rest = Stepping through a file: run the rest
shortcuts-send = In the payload: send (the highlighted button)
shortcuts-new-line = In the payload: a new line
# Enter / Esc
shortcuts-option-field = In an option's field: set it / drop what was typed
shortcuts-help = This help
shortcuts-intro = Every click runs a Python socket call on a real socket; the journal at the bottom shows it as the line you would type. Hover a socket's state for what it means.
# Help (F1): the overlay, and the Help menu in the top bar.
help-title = Help (F1)
help-menu = Help
help-open = Help and shortcuts (F1)
help-open-tip = Every keyboard shortcut, the Python socklab runs, and the lessons
help-keys = Keyboard
help-python = Python
help-python-console = The console: type the tutorials' lines; Tab completes, Up and Down bring back what was typed
help-python-run = Runs a program as python3 does, its sockets socklab's (no window needed)
help-python-run-i = Runs it statement by statement, as the console does
help-python-serve = A server without the window (echo, upper, greet, daytime, chargen, hmac, rules...)
help-python-subset = The Python is RustPython 0.5's (the language of Python 3.13) with socket, socketserver, selectors, threading, struct, json, hmac, hashlib and most of the standard library; what Python prints is CPython's.
help-lessons = Lessons
help-lessons-intro = Each lesson takes you through a tutorial's program step by step and checks what the kernel shows:
help-start-lesson = Start a lesson
help-close = Close (Esc)
