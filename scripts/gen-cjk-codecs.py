#!/usr/bin/env python3
"""Writes assets/codecs/<codec>.bin: CPython's own gbk, gb2312, gb18030 and big5 tables,
read from the python3 that runs this script, for socklab's Python (src/pyrt/codecs.rs).

Layout (little-endian):
  u32 n, then n u16: the two-byte decode grid, lead 0x81..=0xFE by trail 0x40..=0xFE
      (0xFFFF: not a character);
  u32 n, then n (u32 code point, u32 code): where CPython's encoder differs from the
      inverse of the decode tables (the lowest two-byte code, then gb18030's four-byte
      ranges): code 0 = not encodable, <= 0xFFFF a two-byte code, else four bytes;
  u32 n, then n (u32 first linear index, u32 first code point): gb18030's four-byte BMP
      ranges (0xFFFFFFFF: not a character), sorted; none for the others.
tests/cli/codecs.rs compares every code point and every one- and two-byte sequence with
python3 at test time, so a table that drifts from CPython fails there.
"""
import struct, sys, os

LEADS = range(0x81, 0xFF)
TRAILS = range(0x40, 0xFF)
BMP_LIMIT = 39420


def lseq_bytes(lseq):
    b4 = lseq % 10; lseq //= 10
    b3 = lseq % 126; lseq //= 126
    b2 = lseq % 10; b1 = lseq // 10
    return bytes([b1 + 0x81, b2 + 0x30, b3 + 0x81, b4 + 0x30])


def main(out_dir):
    for codec in ('gbk', 'gb2312', 'gb18030', 'big5'):
        grid = []
        for lead in LEADS:
            for trail in TRAILS:
                try:
                    s = bytes([lead, trail]).decode(codec)
                except UnicodeDecodeError:
                    s = None
                if s is not None and len(s) == 1 and ord(s) < 0xFFFF:
                    grid.append(ord(s))
                else:
                    assert s is None, (codec, lead, trail, s)
                    grid.append(0xFFFF)
        inverse = {}
        for i, cp in enumerate(grid):
            if cp != 0xFFFF and cp not in inverse:
                lead, trail = LEADS[i // len(TRAILS)], TRAILS[i % len(TRAILS)]
                inverse[cp] = (lead << 8) | trail
        ranges = []
        four = {}
        if codec == 'gb18030':
            prev = None
            for lseq in range(BMP_LIMIT):
                try:
                    s = lseq_bytes(lseq).decode(codec)
                    cp = ord(s)
                except UnicodeDecodeError:
                    cp = 0xFFFFFFFF
                if cp != 0xFFFFFFFF:
                    four.setdefault(cp, lseq)
                if prev is None or cp == 0xFFFFFFFF or prev[1] == 0xFFFFFFFF or cp != prev[1] + (lseq - prev[0]):
                    if prev is None or not (cp == 0xFFFFFFFF and prev[1] == 0xFFFFFFFF):
                        ranges.append((lseq, cp))
                        prev = (lseq, cp)
        exceptions = []
        for cp in range(0x80, 0x10000):
            if 0xD800 <= cp <= 0xDFFF:
                continue
            try:
                b = chr(cp).encode(codec)
            except UnicodeEncodeError:
                b = None
            want = 0 if b is None else int.from_bytes(b, 'big')
            naive = inverse.get(cp)
            if naive is None and cp in four:
                naive = int.from_bytes(lseq_bytes(four[cp]), 'big')
            if naive is None:
                naive = 0
            if want != naive:
                exceptions.append((cp, want))
        with open(os.path.join(out_dir, codec + '.bin'), 'wb') as f:
            f.write(struct.pack('<I', len(grid)))
            f.write(struct.pack('<%dH' % len(grid), *grid))
            f.write(struct.pack('<I', len(exceptions)))
            for cp, code in exceptions:
                f.write(struct.pack('<II', cp, code))
            f.write(struct.pack('<I', len(ranges)))
            for lseq, cp in ranges:
                f.write(struct.pack('<II', lseq, cp))
        print(codec, 'grid', sum(c != 0xFFFF for c in grid), 'exceptions', len(exceptions), 'ranges', len(ranges))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', 'assets', 'codecs'))
