# shortcuts: F1's overlay of keyboard shortcuts (the keys themselves stay as written in the code).

shortcuts-title = Keyboard shortcuts (F1)
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
