# The command line's help (socklab --help, socklab run --help), printed as it is here: each
# line's indent past the common four spaces is kept.
cli-usage =
    socklab — a socket workbench

    usage:
      socklab              open the workbench window (the workspace saved or opened
                           last comes back with it)
      socklab --workspace FILE
                           open the window with the workspace FILE (a .toml file saved
                           from the window's Workspace menu)
      socklab run FILE [ARGS...]
                           run a Python program as `python3 FILE ARGS...` would, its
                           sockets on socklab's engine (- reads it from standard input)
      socklab run -i FILE  run it line by line as Python's interactive console does,
                           printing the repr of each expression and each error
      socklab serve RESPONDER [HOST:]PORT [options]
                           run a responder (echo, upper, greet, discard, chargen, daytime,
                           fixed, hmac, hmac-client, rules) until interrupted, logging a line
                           per connection and per message (socklab serve --help says more)
      socklab --help       this text
      socklab --version    socklab's version

cli-run-usage =
    usage: socklab run [-i] FILE|- [ARGS...]
      Runs the Python program FILE (- reads standard input) as `python3 FILE ARGS...` does:
      only what it prints, an uncaught exception's traceback on standard error and exit
      status 1, sys.exit's status otherwise.
      -i  runs the statements of FILE as Python's interactive console does instead: the repr
          of each expression statement's value, the last line of each error's traceback, then
          the next statement. Exit status: 0 when nothing raised, 1 when a statement raised,
          2 when the file is outside the statements socklab's console takes.
# socklab serve --help.
cli-serve-usage =
    usage: socklab serve RESPONDER [HOST:]PORT [--udp] [--tls [--cert FILE --key-file FILE]] [--quiet] [--key KEY] [--digest md5|sha1|sha256] [--reply TEXT] [--rule KIND:PATTERN=>REPLY]... [--challenge-timeout SECS] [--udp-amplify N]
      RESPONDER: echo, upper, greet, discard, chargen, daytime, fixed, hmac, hmac-client, rules
      HOST defaults to 127.0.0.1; [::1]:9000 for IPv6. KIND: exact, contains, prefix, suffix, regex
      (hex-exact... to match hex). --tls: each connection speaks TLS, with a certificate made for
      localhost unless --cert and --key-file (PEM) are given.
      --quiet: log connections and reports only, not every message. --key, --digest: hmac's key and
      digest. --reply: fixed's reply. --challenge-timeout: how long hmac waits for an answer (10 s).
      --udp-amplify: chargen and hmac answer a datagram with up to N times its size (1).
      Example: socklab serve rules 9000 --rule 'regex:^GET (\w+)=>got {"{"}1{"}"}\n'
