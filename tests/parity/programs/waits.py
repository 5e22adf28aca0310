# select(), poll(), epoll and selectors: socklab wraps each (the window shows what it waits
# for, and Ctrl+C ends the wait); results, timeouts and errors as CPython's.
import copy, socket, select, selectors, time
a, b = socket.socketpair()
b.send(b'x')
print(select.select([a], [], [], 1.0)[0] == [a])
print(select.select(iter([a]), (), [], 0.2)[0] == [a])
t = time.monotonic(); print(select.select([], [], [], 0.15), time.monotonic() - t >= 0.14)
p = select.poll()
p.register(a, select.POLLIN); print(p.poll(1000) == [(a.fileno(), select.POLLIN)])
p.modify(a, select.POLLOUT); print(p.poll(None) == [(a.fileno(), select.POLLOUT)])
p.unregister(a)
t = time.monotonic(); print(p.poll(50.5), time.monotonic() - t >= 0.04)
p.register(a.fileno()); print(p.poll(-1) == [(a.fileno(), select.POLLIN | select.POLLOUT)])
e = select.epoll(); e.register(a, select.EPOLLIN)
print(e.poll(1.0) == [(a.fileno(), select.EPOLLIN)], e.poll(-1, 1) == e.poll(None))
e.unregister(a)
print(e.poll(0.12), e.closed); e.close(); print(e.closed)
with select.epoll() as e2:
    print(type(e2).__name__, e2.fileno() > 0)
s = selectors.DefaultSelector(); s.register(a, selectors.EVENT_READ)
print([(k.fileobj is a, m) for k, m in s.select(1)], len(s.select(0.11)))
s2 = selectors.PollSelector(); s2.register(a, selectors.EVENT_READ | selectors.EVENT_WRITE)
print(sorted(m for k, m in s2.select()))
a.recv(1)
print(s.select(0.11), select.select([a], [], [], 0))
for call, args in [(select.select, ([a], [], [], -1)), (select.select, ([a], [], [], float('nan'))),
                   (select.select, (5, [], [], 1)), (select.select, ([a], [], [], 'x')),
                   (p.poll, ('x',)), (p.poll, (float('nan'),)), (e.poll, (1.0,)),
                   (select.select, ([a], [], [], float('inf'))), (select.select, ([a], [], [], 1e10)),
                   (select.select, ([a], [], [], 10**10)), (select.select, ([-1], [], [], 0)),
                   (select.select, ([5000], [], [], 1)), (p.poll, (float('inf'),)),
                   (p.poll, (2**31,)), (p.poll, (2147483647.5,)), (p.poll, (-2**31 - 1,)),
                   (p.poll, (9.3e18,)), (p.poll, (10**17,)), (p.register, (a, 1, 2)),
                   (select.epoll().poll, (float('inf'),)), (select.epoll().poll, (2147483.648,)),
                   (select.epoll().poll, (10**10,)), (select.epoll().poll, (-2147483.649,)),
                   (copy.copy, (select.poll(),)), (copy.copy, (select.epoll(),))]:
    try:
        print(call(*args))
    except Exception as ex:
        print(type(ex).__name__, ex)
print(type(select.poll()).__name__, select.epoll.__name__, select.epoll.__module__)
closed = socket.socket(); closed.close()
try:
    select.select([closed], [], [], 1)
except ValueError as ex:
    print('closed', ex)
e3 = select.epoll(); e3.register(a.fileno(), eventmask=select.EPOLLOUT)
print(e3.poll(timeout=1, maxevents=4) == [(a.fileno(), select.EPOLLOUT)])
e3.modify(fd=a, eventmask=select.EPOLLIN); print(e3.poll(0.05))
# Below a millisecond, a negative timeout rounds up to none (-1 ms and below wait for ever).
print(e3.poll(-0.0), e3.poll(-0.0005), e3.poll(-0.0009999))
print(p.poll(-0.0) == p.poll(0))
b.send(b'y'); print(select.select([a], [], [], 9223372036)[0] == [a])
