from socket import *
u = socket(AF_INET, SOCK_DGRAM)
u.bind(('127.0.0.1', 0))
u.type
v = socket(AF_INET, SOCK_DGRAM)
dest = u.getsockname()
v.sendto(b'one', dest)
v.sendto(b'', dest)
v.sendto(b'three', 0, dest)
data, src = u.recvfrom(100)
data
src[0]
u.recvfrom(100)[0]
u.recv(2)
u.settimeout(0.1)
u.recvfrom(10)
u.setblocking(False)
u.recv(10)
u.close()
v.close()
w = socket(AF_INET6, SOCK_DGRAM)
w.bind(('::1', 0))
w.family
x = socket(AF_INET6, SOCK_DGRAM)
x.sendto(b'six', w.getsockname())
d6, a6 = w.recvfrom(10)
d6
a6[0], a6[2], a6[3]
len(w.getsockname())
w.getsockname()[0]
t6 = socket(AF_INET6, SOCK_STREAM)
t6.bind(('::1', 0))
t6.listen()
k = create_connection(t6.getsockname()[:2], 3)
k.family
k.proto
k.gettimeout()
c6, p6 = t6.accept()
c6.gettimeout()
k.sendall(b'over v6')
c6.recv(100)
t6.getsockopt(IPPROTO_IPV6, IPV6_V6ONLY)
w.close(); x.close(); k.close(); c6.close(); t6.close()
s1 = socket(AF_INET, SOCK_DGRAM)
s1.bind(('127.0.0.1', 0))
s2 = socket(AF_INET, SOCK_DGRAM)
s2.bind(('127.0.0.1', 0))
s1.connect(s2.getsockname())
s1.shutdown(SHUT_RD)
s1.recv(10)
s1.recvfrom(10)
s1.settimeout(0.2)
s1.recv(10)
s1.close()
s2.close()
s3 = socket(AF_INET, SOCK_DGRAM)
try:
    s3.shutdown(SHUT_RD)
except OSError as e:
    print(e.errno)

s3.recvfrom(10)
s3.settimeout(0.2)
s3.recv(10)
s3.close()
