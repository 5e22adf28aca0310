"""Reference runner for the parity tests: feeds a file to CPython's interactive console
line by line, printing what the console prints, but only the last line of each traceback,
and everything on stdout so the order is kept."""
import code
import sys
import traceback


class Console(code.InteractiveConsole):
    def _last_line(self):
        t, v, _ = sys.exc_info()
        sys.stdout.write(traceback.format_exception_only(t, v)[-1])

    def showtraceback(self):
        self._last_line()

    def showsyntaxerror(self, filename=None, **kwargs):
        self._last_line()


def main():
    path = sys.argv[1]
    console = Console()
    with open(path, encoding="utf-8") as f:
        for line in f:
            console.push(line.rstrip("\n"))
    console.push("")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
