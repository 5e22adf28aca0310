# journal

# The journal's bar (src/ui/panels/journal.rs). Its entries are Python lines: never here.
journal-title = Journal
journal-copy = Copy journal
journal-copy-tip = Copy every line as a script socklab run and python3 can replay. Ctrl+J comes here.
journal-clear = Clear journal
journal-file = journal file
journal-save = Save journal
journal-save-tip = Write the journal as a Python script (socklab run FILE or python3 replays it).

# Beside an entry still running; $secs is already formatted ("4.2").
journal-waiting-timeout = waiting, times out in { $secs } s
journal-waiting = waiting...
# Under the whole line, in its tooltip.
journal-click-to-copy = Click to copy this line.
