# payload
# Why a payload's text or hex does not parse (shown under the field, after payload-at's position).
# $char: the character as Rust's Debug shows it ('中'); $encoding: UTF-8, GBK...
payload-no-bytes-for = { $encoding } has no bytes for { $char }
payload-lone-backslash = a lone backslash at the end: write \\ for a backslash
# $octal: the escape's value in octal (400...).
payload-octal-too-big = octal escape \{ $octal } is above \377
payload-x-digits = \x takes two hex digits, as in \x0a
# $escape: u or U; $len: 4 or 8.
payload-u-digits = \{ $escape } takes { $len } hex digits naming a character
payload-hex-lone-digit = a lone hex digit: bytes take two digits
payload-hex-bad-digit = '{ $char }' is not a hex digit
payload-hex-odd = an odd number of hex digits: the last byte lacks a digit
# Where a payload stops parsing ($n counts characters from 1), before why.
payload-at = at character { $n }: { $message }
payload-file-mode = File mode streams a file from disk: use “send file”
