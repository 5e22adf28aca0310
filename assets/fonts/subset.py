# Which characters the bundled CJK font keeps: every character of the national standard
# sets a CJK text is written in (GB2312, Big5, JIS X 0208, KS X 1001: with their arrows,
# box drawing and other symbols), CJK punctuation, kana, Hangul compatibility jamo and
# full-width forms; not Latin, Greek or Cyrillic, which egui's own fonts draw.
import sys
chars = set()
def add_codec(codec, lead_range, trail_range):
    for a in lead_range:
        for b in trail_range:
            try:
                c = bytes([a, b]).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(c) == 1:
                chars.add(ord(c))
add_codec('gb2312', range(0xA1, 0xF8), range(0xA1, 0xFF))
add_codec('big5', range(0xA1, 0xFA), list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)))
add_codec('euc_jp', range(0xA1, 0xFF), range(0xA1, 0xFF))
add_codec('euc_kr', range(0xA1, 0xFF), range(0xA1, 0xFF))
for lo, hi in [(0x3000, 0x303F), (0x3040, 0x30FF), (0x3130, 0x318F), (0xFF00, 0xFFEF), (0x31F0, 0x31FF)]:
    chars.update(range(lo, hi + 1))
chars = {c for c in chars if c > 0x052F}  # Latin, Greek and Cyrillic come from egui's own fonts
print(len(chars), file=sys.stderr)
print(",".join("U+%04X" % c for c in sorted(chars)))
