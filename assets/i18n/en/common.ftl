# Words used across the window.

# The language menu (in the top bar).
lang-menu = Language
count-bytes = { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
}
