# The classic programs of socket tutorials, written as straight-line statements.
import socket, hmac, os
# A server that greets, an upper-casing echo.
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('127.0.0.1', 0))
server.listen(5)
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect(server.getsockname())
conn, addr = server.accept()
conn.send(b'hello!')
client.recv(1024)
client.send('你好'.encode('utf-8'))
data = conn.recv(1024)
data.decode('utf-8')
conn.send(('Hello, ' + data.decode('utf-8') + '!').encode('utf-8'))
client.recv(1024).decode()
client.send(b'upper me')
conn.send(conn.recv(1024).upper())
client.recv(1024)
# HMAC client authentication: the server sends 32 random bytes...
secret_key = b'sharedkey'
message = os.urandom(32)
conn.send(message)
challenge = client.recv(32)
len(challenge)
# ...the client answers with the HMAC of them under the shared key...
client.send(hmac.new(secret_key, challenge, 'md5').digest())
response = conn.recv(len(hmac.new(secret_key, message, 'md5').digest()))
# ...and the server compares in constant time.
hmac.compare_digest(hmac.new(secret_key, message, 'md5').digest(), response)
hmac.compare_digest(hmac.new(b'wrong', message, 'md5').digest(), response)
# Messages sent separately may arrive merged on a stream.
client.sendall(b'part1'); client.sendall(b'part2')
conn.settimeout(2)
conn.recv(5)
# The peer closes: recv returns b'' (forever).
client.close()
conn.recv(1024)
conn.recv(1024)
conn.close()
server.close()
# A UDP upper-casing server: no connection, no accept.
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(('127.0.0.1', 0))
chat = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
chat.sendto('hi there'.encode(), udp.getsockname())
msg, who = udp.recvfrom(1024)
udp.sendto(msg.upper(), who)
chat.recvfrom(1024)[0]
udp.close(); chat.close()
