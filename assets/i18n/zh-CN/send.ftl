# send
