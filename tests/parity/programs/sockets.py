# Socket calls at their edges, as a program: each failure caught and printed.
import socket, os, tempfile, threading

def attempt(what, f, *args):
    try:
        print(what, '->', repr(f(*args)))
    except Exception as e:
        print(what, '->', type(e).__name__, e)

s = socket.socket()

attempt('gettimeout', s.gettimeout)
attempt('getblocking', s.getblocking)
attempt('settimeout -1', s.settimeout, -1)
attempt('settimeout nan', s.settimeout, float('nan'))
attempt('settimeout str', s.settimeout, 'x')
s.settimeout(0.25)
attempt('timeout', lambda: s.timeout)
attempt('getblocking', s.getblocking)
s.bind(('127.0.0.1', 0))
s.listen()
port = s.getsockname()[1]
attempt('accept timeout', s.accept)
s.setblocking(False)
attempt('accept nonblocking', s.accept)
attempt('gettimeout', s.gettimeout)

other = socket.socket()
attempt('bind in use', other.bind, ('127.0.0.1', port))
attempt('bind bad port', other.bind, ('127.0.0.1', 70000))
attempt('bind not tuple', other.bind, '127.0.0.1')
attempt('connect_ex refused', other.connect_ex, ('127.0.0.1', 1))
other.close()
attempt('send closed', other.send, b'x')
attempt('fileno closed', other.fileno)
attempt('close twice', other.close)
attempt('connect refused', socket.create_connection, ('127.0.0.1', 1))

c = socket.create_connection(('127.0.0.1', port))
s.setblocking(True)
conn, addr = s.accept()
attempt('peer is client', lambda: addr == c.getsockname())
attempt('accepted blocking', conn.getblocking)
attempt('accepted type', lambda: (conn.family, conn.type, conn.proto))
c.sendall(b'hello')
attempt('recv', conn.recv, 1024)
attempt('recv negative', conn.recv, -1)
conn.settimeout(0.2)
attempt('recv timeout', conn.recv, 10)
buf = bytearray(8)
c.send(b'into')
attempt('recv_into', conn.recv_into, buf)
print(buf)
c.shutdown(socket.SHUT_WR)
attempt('recv eof', conn.recv, 10)
attempt('shutdown bad', c.shutdown, 7)
attempt('rcvbuf', lambda: (c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096), c.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)))
attempt('nodelay', lambda: (c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1), c.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)))
attempt('linger bytes', lambda: len(c.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8)))
conn.close(); c.close(); s.close()

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(('127.0.0.1', 0))
v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM | socket.SOCK_NONBLOCK)
attempt('nonblock type', lambda: (v.type, v.gettimeout()))
attempt('recvfrom nothing', v.recvfrom, 10)
v.sendto(b'datagram one', u.getsockname())
data, frm = u.recvfrom(4)
attempt('cut datagram', lambda: (data, frm == v.getsockname()))
v.sendto(b'two', 0, u.getsockname())
nb = bytearray(10)
attempt('recvfrom_into', lambda: u.recvfrom_into(nb)[0])
u.close(); v.close()

six = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
six.bind(('::1', 0))
attempt('v6 name', lambda: six.getsockname()[0::2])
six.close()

d = tempfile.mkdtemp()
path = os.path.join(d, 'sock')
us = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
us.bind(path)
us.listen(1)
uc = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
uc.connect(path)
ua, _ = us.accept()
uc.sendall('中文'.encode('utf-8'))
attempt('unix recv', lambda: ua.recv(10).decode())
attempt('unix names', lambda: (us.getsockname() == path, uc.getsockname(), _))
dup = socket.fromfd(ua.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
uc.sendall(b'via dup')
attempt('fromfd recv', dup.recv, 10)
d2 = ua.dup()
attempt('dup family', lambda: (d2.family, d2.type))
for x in (dup, d2, ua, uc, us):
    x.close()
os.unlink(path)
os.rmdir(d)

a, b = socket.socketpair()
attempt('pair', lambda: (a.family, a.type, b.getpeername()))
with a, b:
    a.sendall(b'ping')
    attempt('pair recv', b.recv, 4)
attempt('closed after with', lambda: a.fileno())

# Errors as tutorials unpack them, and getaddrinfo's empty canonical name.
try:
    socket.create_connection(('127.0.0.1', 1))
except OSError as e:
    code, msg = e.args
    print('args', code, msg, repr(e), e.errno, e.strerror)
try:
    socket.getaddrinfo('127.0.0.1', 'nosuchservice')
except socket.gaierror as e:
    print('gaierror', e.args)
print(repr(socket.getaddrinfo('127.0.0.1', 80, socket.AF_INET, socket.SOCK_STREAM)[0][3]))
