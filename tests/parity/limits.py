import socket, time
s = socket.socket()
s.listen(2**40)
s.listen(-2**40)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2**40)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2**31)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, -2**31-1)
s.setsockopt(2**40, socket.SO_RCVBUF, 1)
s.send(b'x', 2**40)
s.recv(2**40)
s.settimeout(1e300)
s.settimeout(float('inf'))
s.settimeout(float('-inf'))
s.settimeout(float('nan'))
s.settimeout(9.3e9)
s.settimeout(9.2e9)
s.gettimeout()
s.settimeout(-1)
s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2**40)
s.shutdown(2**40)
s.close()
time.sleep(float('inf'))
time.sleep(float('nan'))
time.sleep(1e300)
time.sleep(-1)
time.sleep(-0.0)
socket.setdefaulttimeout(1e300)
socket.create_connection(('127.0.0.1', 9), 1e300)
int('1', 0)
int('0x1f', 0)
int('0o17', 0)
int('0b101', 0)
int('010', 0)
int('0_0', 0)
int('1_000')
int('1__000')
int('_1')
int('1', 37)
int('ff', -1)
int('ff', 16)
int('0xff', 16)
int('-9223372036854775808')
int('9223372036854775807')
int(' -12 ')
int(-1e18)
int(float('nan'))
int(float('inf'))
int(1, 2)
b'abc'[1::9223372036854775807]
b'abc'[::-9223372036854775807]
'abc'[-9223372036854775807::2]
(-9223372036854775807-1) % -1
7 // -2, -7 // 2, 7 % -2, -7 % 2
hex(-9223372036854775807-1)
2.0**2000
10.0**400
0.0**-1
0**-1
2**-1
1e308*10
chr(2**40)
chr(-1)
chr(0x110000)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(('127.0.0.1', 0))
v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
v.sendto(b'x' * 60000, u.getsockname())
r = u.recv(4, socket.MSG_TRUNC)
len(r), r[:4]
v.sendto(b'abcdefgh', u.getsockname())
d, a = u.recvfrom(3, socket.MSG_TRUNC)
len(d), d[:3]
u.close(); v.close()
