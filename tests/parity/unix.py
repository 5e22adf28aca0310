import socket
path = '@TMP@/srv.sock'
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv
srv.getsockname()
srv.bind(path)
srv.getsockname() == path
srv.listen(1)
cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
cli.connect(path)
conn, addr = srv.accept()
addr
cli.getpeername() == path
cli.sendall(b'local only')
conn.recv(100)
srv.bind(path)
again = socket.socket(socket.AF_UNIX)
again.bind(path)
d1 = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
d1.bind('@TMP@/d1.sock')
d2 = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
d2.sendto(b'first', '@TMP@/d1.sock')
d2.sendto(b'second', '@TMP@/d1.sock')
d1.recvfrom(100)
d1.recv(100)
d1.type
