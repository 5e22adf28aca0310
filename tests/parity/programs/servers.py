# socketserver as the tutorials use it, and a selectors server, each with clients in the
# same program, on loopback.
import socket, socketserver, threading, selectors


class Upper(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            self.wfile.write(line.upper())


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        sock.sendto(b'udp:' + data, self.client_address)


class Threaded(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


with Threaded(('127.0.0.1', 0), Upper) as server:
    t = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05})
    t.start()
    host, port = server.server_address
    for words in (b'one two\n', b'three\n'):
        with socket.create_connection((host, port)) as c:
            f = c.makefile('rwb')
            f.write(words)
            f.flush()
            print('tcp', f.readline())
            f.close()
    server.shutdown()
    t.join()
print('tcp server closed', server.socket.fileno())

with socketserver.UDPServer(('127.0.0.1', 0), Echo) as server:
    t = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05})
    t.start()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(5)
    for word in (b'a', b'bc'):
        u.sendto(word, server.server_address)
        data, addr = u.recvfrom(100)
        print('udp', data, addr == server.server_address)
    u.close()
    server.shutdown()
    t.join()

sel = selectors.DefaultSelector()
lsock = socket.socket()
lsock.bind(('127.0.0.1', 0))
lsock.listen()
lsock.setblocking(False)
sel.register(lsock, selectors.EVENT_READ, 'accept')
clients = [socket.create_connection(lsock.getsockname()) for _ in range(3)]
for i, c in enumerate(clients):
    c.sendall(b'msg%d' % i)
got = []
while len(got) < 3:
    for key, mask in sel.select(timeout=5):
        if key.data == 'accept':
            conn, _ = key.fileobj.accept()
            conn.setblocking(False)
            sel.register(conn, selectors.EVENT_READ, 'read')
        else:
            data = key.fileobj.recv(100)
            if data:
                got.append(data)
                key.fileobj.sendall(data[::-1])
            sel.unregister(key.fileobj)
            key.fileobj.close()
print('selectors', sorted(got), [c.recv(100) for c in clients])
for c in clients:
    c.close()
sel.close()
lsock.close()
