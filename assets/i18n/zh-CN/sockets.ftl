# sockets
