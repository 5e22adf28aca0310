import socket, time, hmac, os
import hashlib
b'\x00\x01\r\n\t\\\'"' + b"'"
'it\'s'
"say \"hi\""
'tab\there\n\x00\u4e2d\U0001F600'
'\a\b\f\v\0\101\x41'
b'\101\0\x7f\xff'
r'raw\n' + 'x'
'''tri
ple'''
'a' 'b' 'c'
'abc' * 3
3 * b'ab'
len('中文'), len('中文'.encode()), len('中文'.encode('gbk'))
'中文'.encode('gb18030')
'中文'.encode('GBK').decode('gbk')
'é'.encode('latin-1')
b'\xe9'.decode('latin1')
'hi'.encode('ascii')
'é'.encode('ascii')
b'\xff'.decode()
b'\xe4\xb8'.decode()
b'\xe4\x41'.decode()
b'\xff\xfe'.decode('gbk')
'\u4e2d'.encode('latin-1')
'x'.encode('nope')
'Hello'.upper(), 'Hello'.lower(), b'Hi'.upper(), b'Hi'.lower()
'  pad \n'.strip(), 'xxhixx'.strip('x'), '  l'.lstrip(), 'r  '.rstrip()
b'  pad \r\n'.strip()
b'\x00\xffab'.hex()
b'abc'.hex(':')
bytes.fromhex('de ad be ef')
bytes.fromhex('abc')
bytes.fromhex('zz')
b'abc'[0], b'abc'[-1], b'abc'[1:], b'abcdef'[::2], b'abc'[::-1]
'hello'[1:3], 'hello'[-3:], 'hello'[::-1], 'hello'[10:]
b'abc'[5]
'abc'[5]
(1, 2)[5]
[1, 2, 3][1]
(1,)
()
[]
len(1)
b'a' + 'b'
'a' + b'b'
'a' * 'b'
1 + 'a'
1 / 0
1 // 0
7 // 2, -7 // 2, 7 % 3, -7 % 3, 2 ** 10, 7 / 2
0.1 + 0.2, 1e16, 1e-5, 2.5e-3, 1.0, 100.0, 1e22, 123456789.123
hex(255), hex(-1), int('42'), int('ff', 16), int(3.9), float('1.5'), str(5), str(b'x')
int('x')
bytes(3), bytes([65, 66]), bytes('hé', 'utf-8')
bytes('x')
ord('A'), chr(20013), abs(-3), min(3, 1, 2), max([4, 9, 2])
True, False, None
1 == 1.0, 'a' == 'a', b'a' == 'a', 1 != 2, 'b' in 'abc', 3 in (1, 2, 3), 97 in b'abc'
not 0, 1 and 2, 0 or 'x'
socket.AF_INET, socket.SOCK_DGRAM, socket.SOL_SOCKET, socket.SO_REUSEADDR, socket.SHUT_RDWR
socket.MSG_PEEK | socket.MSG_WAITALL
socket.AF_INET + 0
print(socket.AF_INET, socket.SOCK_STREAM, socket.MSG_PEEK)
print('a', 1, 2.0, b'x', None, (1, 'b'), sep='-', end='!\n')
print()
k = b'secret'
m = b'message'
hmac.new(k, m, 'md5').hexdigest()
hmac.new(k, m, 'sha1').hexdigest()
h = hmac.new(k, m, digestmod='sha256')
h.hexdigest()
h.update(b'more')
h.digest()
hmac.new(k, m, hashlib.sha256).hexdigest()
hmac.new(k, m)
hmac.new('str', m, 'md5')
hmac.compare_digest(b'abc', b'abc'), hmac.compare_digest(b'abc', b'abd'), hmac.compare_digest('a', 'a')
hmac.compare_digest('a', b'a')
hashlib.sha256(b'abc').hexdigest()
hashlib.md5(b'').hexdigest()
len(os.urandom(32))
os.urandom(-1)
time.sleep(0)
time.sleep(-1)
x = 5
x += 2
x
y = z = 'same'
y, z
a, (b, c) = 1, (2, 3)
a, b, c
p, q = 1
p, q = (1, 2, 3)
p, q = [1]
_
