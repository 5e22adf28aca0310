# The library the tutorials import, on real sockets on loopback.
import socket, struct, json, binascii, errno, hmac, hashlib, os, time, random, select, selectors
import threading

print(struct.pack('!HI', 1, 2), struct.unpack('>I', b'\x00\x00\x01\x00'), struct.calcsize('!HI'))
print(json.dumps({'a': [1, 2.5, None, True]}), json.loads('{"x": "\\u4e2d"}'))
print(binascii.hexlify(b'\x01\xff'), binascii.unhexlify('00ff'), binascii.crc32(b'abc'))
print(errno.ECONNREFUSED, errno.errorcode[errno.EADDRINUSE])
print(hmac.new(b'key', b'msg', 'md5').hexdigest(), hashlib.sha256(b'abc').hexdigest()[:16])
print(len(os.urandom(16)), type(time.time()).__name__, random.Random(1).randint(1, 100))

print(socket.inet_aton('127.0.0.1'), socket.inet_ntoa(b'\x7f\x00\x00\x01'))
print(socket.inet_pton(socket.AF_INET6, '::1'), socket.inet_ntop(socket.AF_INET6, b'\x00' * 15 + b'\x01'))
print(socket.htons(1), socket.ntohs(256), socket.htonl(1), socket.ntohl(16777216))
print(socket.getservbyname('http', 'tcp'), socket.getservbyport(22))
print(sorted(set(a[4] for a in socket.getaddrinfo('127.0.0.1', 80, socket.AF_INET, socket.SOCK_STREAM))))
print(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK, socket.SOCK_CLOEXEC)

a, b = socket.socketpair()
a.sendall(b'over the pair')
print(b.recv(100), a.family, a.type)
f = b.makefile('rwb')
a.sendall(b'line one\nline two\n')
print(f.readline(), f.readline())
a.close(); b.close(); f.close()

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', 0))
srv.listen(5)
port = srv.getsockname()[1]
done = threading.Event()
lock = threading.Lock()
got = []

def serve():
    conn, addr = srv.accept()
    with conn:
        while True:
            data = conn.recv(1024)
            if not data:
                break
            with lock:
                got.append(data)
            conn.sendall(b'ack:' + data)
    done.set()

t = threading.Thread(target=serve)
t.start()
with socket.create_connection(('127.0.0.1', port)) as c:
    for word in (b'one', b'two'):
        c.sendall(word)
        r, _, _ = select.select([c], [], [], 5)
        print('readable', len(r), c.recv(100))
t.join()
print(done.is_set(), got)

sel = selectors.DefaultSelector()
u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u1.bind(('127.0.0.1', 0))
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sel.register(u1, selectors.EVENT_READ, 'u1')
u2.sendto(b'datagram', u1.getsockname())
for key, mask in sel.select(5):
    print(key.data, mask, key.fileobj.recvfrom(100)[0])
sel.close()
u1.close(); u2.close()

srv.close()
print(srv)
probe = socket.socket()
print(probe.connect_ex(('127.0.0.1', port)), probe.gettimeout())
probe.close()
try:
    socket.create_connection(('127.0.0.1', port), timeout=2)
except ConnectionRefusedError as e:
    print('refused', e.errno, e)
