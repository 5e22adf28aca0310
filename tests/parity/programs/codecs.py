# CPython's CJK codecs, compared with python3 over every code point and every one- and
# two-byte sequence (digests, so the output stays short), and the text codecs' edges.
import codecs, hashlib

def digest(x):
    if isinstance(x, str):
        x = x.encode('utf-8', 'surrogatepass')
    return hashlib.sha256(x).hexdigest()[:16]

bmp = ''.join(chr(c) for c in range(0x80, 0x10000) if not 0xD800 <= c <= 0xDFFF)
astral = ''.join(chr(c) for c in range(0x10000, 0x110000, 7))
for codec in ('gbk', 'gb2312', 'gb18030', 'big5'):
    print(codec, codecs.lookup(codec).name)
    for errors in ('backslashreplace', 'replace', 'ignore', 'xmlcharrefreplace'):
        print(codec, 'encode bmp', errors, digest(bmp.encode(codec, errors)))
    print(codec, 'encode astral', digest(astral.encode(codec, 'backslashreplace')))
    for lead in range(0x80, 0x100):
        pairs = b''.join(bytes([lead, t]) + b'\n' for t in range(256))
        print(codec, 'decode lead', hex(lead), digest(pairs.decode(codec, 'backslashreplace')))
    print(codec, 'decode replace', digest(bytes(range(256)).decode(codec, 'replace')))
    print(codec, 'decode ignore', digest(bytes(range(256)).decode(codec, 'ignore')))
    singles = [bytes([b]).decode(codec, 'backslashreplace') for b in range(256)]
    print(codec, 'singles', digest(''.join(singles)))
    for bad in ('€', '\udc80', '\U0001F600', 'a中b€'):
        try:
            print(codec, repr(bad.encode(codec)))
        except UnicodeEncodeError as e:
            print(codec, 'UnicodeEncodeError', e)
    for bad in (b'\x81', b'\xa1', b'\x81\x30', b'a\x81\x20b', b'\xff\xfe', b'\x84\x31\xa5\x30'):
        try:
            print(codec, repr(bad.decode(codec)))
        except UnicodeDecodeError as e:
            print(codec, 'UnicodeDecodeError', e)
    text = '你好，世界！Hello 中文 ' + ''.join(chr(c) for c in range(0x4e00, 0x4e80))
    data = text.encode(codec, 'replace')
    dec = codecs.getincrementaldecoder(codec)()
    pieces = ''.join(dec.decode(data[i:i + 1]) for i in range(len(data))) + dec.decode(b'', final=True)
    print(codec, 'incremental', pieces == data.decode(codec), digest(pieces))
    enc = codecs.getincrementalencoder(codec)('replace')
    print(codec, 'incremental encode', b''.join(enc.encode(ch) for ch in text) == data)
    print(codec, str(data[:8], encoding=codec), str(data[:8], codec, "strict"))

codecs.register_error('socklab_test', lambda e: ('<%d>' % e.start, e.end))
codecs.register_error('socklab_bytes', lambda e: (b'#', e.end))
codecs.register_error('socklab_back', lambda e: ('!', e.start + 2 if e.start + 2 <= len(e.object) else e.end))
many = '中€é\udc80x' * 1000
for codec in ('gbk', 'gb18030', 'big5'):
    for h in ('namereplace', 'socklab_test', 'socklab_bytes', 'socklab_back'):
        try:
            print(codec, h, digest(many.encode(codec, h)))
        except UnicodeError as e:
            print(codec, h, type(e).__name__, e)
    try:
        '€'.encode(codec, 'surrogateescape')
    except UnicodeEncodeError as e:
        print(codec, 'surrogateescape', e)

four = b''.join(bytes([0x81 + l // 12600, 0x30 + l // 1260 % 10, 0x81 + l // 10 % 126, 0x30 + l % 10]) + b'\n'
                for l in list(range(0, 39500)) + list(range(189000, 189000 + 1114112 - 65536, 13)))
print('gb18030 four-byte', digest(four.decode('gb18030', 'backslashreplace')))
print('€'.encode('gb18030'), '\u00b7'.encode('gbk'), '—'.encode('gbk'), b'\xa1\xa4'.decode('gb2312'))

for codec in ('utf-16', 'utf-16-le', 'utf-16-be', 'utf-32', 'utf-32-le', 'utf-32-be', 'utf-8-sig'):
    b = 'a中😀'.encode(codec)
    print(codec, b, b.decode(codec))
print(b'\xff\xfea\x00'.decode('utf-16'), b'\xfe\xff\x00a'.decode('utf-16'))
try:
    b'\xff\xfea'.decode('utf-16')
except UnicodeDecodeError as e:
    print('UnicodeDecodeError', e)
for h in ('strict', 'ignore', 'replace', 'backslashreplace'):
    try:
        print(h, b'a\xff\xfe\xe4\xb8b'.decode('utf-8', h), 'a€\udc80'.encode('latin-1', h))
    except UnicodeError as e:
        print(h, type(e).__name__, e)
print(int(b'1024'), int(' 7 '), type(b'x'), type('x').__name__, str(b'caf\xc3\xa9', 'utf-8'))
