# An echo conversation on loopback: run with `socklab run examples/echo.py`.
import socket
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', 0))
srv.listen(5)
cli = socket.create_connection(srv.getsockname(), 5)
conn, addr = srv.accept()
cli.sendall(b'hello')
data = conn.recv(1024)
data
conn.sendall(b'Echo=>' + data)
cli.recv(1024)
conn.settimeout(0.5)
conn.recv(1024)
cli.close()
conn.recv(1024)
conn.close()
srv.close()
