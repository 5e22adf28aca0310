# The language the tutorials are written in, run as a program (python3 FILE).
import sys

def greet(name, greeting='Hello', *rest, punct='!', **extra):
    return f'{greeting}, {name}{punct}' + (f' {rest}' if rest else '') + (f' {extra}' if extra else '')

print(greet('Michael'))
print(greet('Tracy', 'Hi', 1, 2, punct='?', x=3))

class Handler:
    count = 0
    def __init__(self, name):
        self.name = name
        Handler.count += 1
    def handle(self):
        return 'handled ' + self.name
    def __repr__(self):
        return f'Handler({self.name!r})'

class Upper(Handler):
    def handle(self):
        return super().handle().upper()

h = Upper('conn')
print(h.handle(), Handler.count, h, type(h), type(h).__mro__[1].__name__)
print(h.handle)

total = 0
i = 0
while True:
    i += 1
    if i % 2 == 0:
        continue
    elif i > 9:
        break
    else:
        total += i
print('total', total)

for word in ['a', 'bb', 'ccc']:
    if len(word) == 2:
        print('found', word)
        break
else:
    print('not found')

squares = [x * x for x in range(6) if x % 2]
table = {w: len(w) for w in ('one', 'three')}
letters = {c for c in 'hello'}
print(squares, table, sorted(letters), dict(a=1) | {'b': 2})

big = 2 ** 100 + 1
print(big, big * big, -big // 7, big % 1000, hex(big), int('1' * 30) + 1)

f = lambda a, b=2: a * b
print(f(3), f(3, 4), (lambda: 'x')())

counter = 0
def bump():
    global counter
    counter += 1
bump(); bump()
print('counter', counter)

d = {'k': 1, 'j': 2}
del d['k']
print(d, 'k' in d, d.get('k', 'none'))

print('%s has %d bytes (%.2f%%) %r %5s|%-5s|%x' % ('msg', 42, 12.5, 'q', 'ab', 'cd', 255))
print('{} {:>6} {:<4}| {:08.3f} {name}'.format('a', 'right', 'l', 3.14159, name='kw'))
n = 7
print(f'{n:03d} {n!r} {n * 2 = } {"nested"} {3.5:.1f}')

x = 5 if n > 3 else 6
print(x, not x, x and 'yes', 0 or 'default')

try:
    {}['missing']
except KeyError as e:
    print('KeyError', e)
else:
    print('no error')
finally:
    print('finally ran')

try:
    raise ValueError('bad value')
except (TypeError, ValueError) as e:
    print(type(e).__name__, e.args)

def check(v):
    assert v > 0, 'must be positive'
    return v
try:
    check(-1)
except AssertionError as e:
    print('AssertionError', e)

try:
    undefined_name
except NameError as e:
    print(e)

try:
    'text'.no_such_method()
except AttributeError as e:
    print(e)

class Resource:
    def __enter__(self):
        print('enter')
        return self
    def __exit__(self, *exc):
        print('exit', exc[0].__name__ if exc[0] else None)
        return True
def swallow():
    # RustPython 0.5 defect: a later raise in this same frame would stop it (README).
    with Resource() as r:
        raise RuntimeError('swallowed')
    print('after with')
swallow()

print(int(b'1024'), str(b'abc', encoding='ascii'), bytes([104, 105]), bytearray(b'x') + b'y')
print(sys.argv[1:], len(sys.argv))
sys.stdout.write('written\n')
sys.exit(3)
