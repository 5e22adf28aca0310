# files

# Why a file was not written or read (src/ui/files.rs); $path as typed, $said the system's
# words with the errno's name, $what and $hint from the files-what- and files-hint- below.
files-exists = { $path } already exists
files-could-not-write = could not write { $what } to { $path }: { $said }; { $hint }
files-could-not-read = could not read { $what } from { $path }: { $said }; { $hint }
files-too-big = { $path } is { $size } bytes; { $what } holds at most { $max }
files-folder = { $path } is a folder, not a file: pick a file in it
files-not-valid = { $path } is not { $what } (line { $line }, column { $column }): { $why }; { $hint }

# What is written or read.
files-what-journal = the journal
files-what-library = the library
files-what-library-file = a library file
files-what-socklab-library = a socklab library
files-what-file-to-send = the file to send
files-what-settings = the settings
files-what-received = the received bytes
files-what-csv = the traffic log as CSV
files-what-jsonl = the traffic log as JSON lines

# What a file job is doing (src/ui/writes.rs), as its status line says it.
files-doing-save-journal = saving the journal
files-doing-save-received = saving the received bytes
files-doing-save-csv = saving the traffic log as CSV
files-doing-save-jsonl = saving the traffic log as JSON lines
files-doing-read-library = reading the library
files-doing-save-library = saving the library
files-doing-check-file = looking at the file
files-doing = { $what }...
files-doing-pct = { $what } ({ $pct }%)

# What to do about a failure.
files-hint-check-path = check the path
files-hint-no-new-files = that folder takes no new files: pick another
files-hint-no-folder = the folder does not exist: pick one that does
files-hint-may-read = pick a file you may read
files-hint-can-write = pick a folder you can write to
files-hint-read-only = that file system is read-only: pick a folder on another disk
files-hint-disk-full = the disk is full: free some space or pick another disk
files-hint-is-folder = that is a folder: name a file in it
files-hint-not-folder = a part of the path is a file, not a folder: check the path
files-hint-name-too-long = the name is too long: pick a shorter one
files-hint-library-format = export one from socklab to see the format

# A file job that did not do it, or did not start ($n files at once at most).
files-exists-replace = { $path } already exists: replace it, or pick another name
files-job-panicked = the file job failed: { $why } (a bug in socklab)
files-busy-same = still busy: { $what } waits for the last one to finish
files-busy-full = { $n } files are being written or read: { $what } waits for one of them
files-busy-no-thread = cannot start { $what }: { $why }

# What a traffic export leaves out (src/ui/export.rs); $n is a number of bytes.
files-missing-evicted = { $n } bytes evicted earlier by the memory cap
files-missing-skipped = { $n } bytes the view fell behind on
files-missing-cleared = { $n } bytes cleared
files-list-separator = {", "}
files-not-included = not included: { $parts } (use Receive to file to keep every byte)

# The titles of the desktop's file dialogs (src/ui/dialogs.rs).
files-dialog-file-to-send = File to send
files-dialog-receive-to = Receive to file
files-dialog-save-traffic = Save traffic to
files-dialog-library = Payload library file
files-dialog-script = Python file to run

# Workspaces.
files-what-workspace = the workspace
files-doing-save-workspace = saving the workspace
files-doing-read-workspace = reading the workspace
files-dialog-workspace-open = Open a workspace
files-dialog-workspace-save = Save the workspace
