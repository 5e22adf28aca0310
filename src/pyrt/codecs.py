# socklab: CPython's gbk, gb2312, gb18030 and big5 codecs for RustPython (which has none),
# registered as a codec search function; the tables and the work are Rust (cjk.rs).
import codecs as _codecs
import _socklab_codecs as _native

_ALIASES = {
    'gbk': 'gbk', 'cp936': 'gbk', 'ms936': 'gbk', '936': 'gbk',
    'gb2312': 'gb2312', 'chinese': 'gb2312', 'csiso58gb231280': 'gb2312',
    'euc_cn': 'gb2312', 'euccn': 'gb2312', 'eucgb2312_cn': 'gb2312',
    'gb2312_1980': 'gb2312', 'gb2312_80': 'gb2312', 'iso_ir_58': 'gb2312',
    'gb18030': 'gb18030', 'gb18030_2000': 'gb18030',
    'big5': 'big5', 'big5_tw': 'big5', 'csbig5': 'big5',
}


def _encode(codec, text, errors):
    if not isinstance(text, str):
        raise TypeError(f"encode() argument 'str' must be str, not {type(text).__name__}")
    return _native.encode(codec, text, errors)


def _decode(codec, data, errors, final):
    data = bytes(data)
    out = []
    pos = 0
    end = len(data)
    while True:
        text, pos, bad, reason = _native.decode_run(codec, data, pos, final, errors)
        out.append(text)
        if bad == 0:
            return ''.join(out), pos
        exc = UnicodeDecodeError(codec, data, pos, pos + bad, reason)
        rep, pos = _codecs.lookup_error(errors)(exc)
        out.append(rep)
        if pos < 0:
            pos += end
        if not 0 <= pos <= end:
            raise IndexError(f'position {pos} from error handler out of bounds')


def _info(codec):
    def encode(input, errors='strict'):
        return _encode(codec, input, errors), len(input)

    def decode(input, errors='strict'):
        return _decode(codec, input, errors, True)

    class IncrementalEncoder(_codecs.IncrementalEncoder):
        def encode(self, input, final=False):
            return _encode(codec, input, self.errors)

    class IncrementalDecoder(_codecs.BufferedIncrementalDecoder):
        def _buffer_decode(self, input, errors, final):
            return _decode(codec, input, errors, final)

    class StreamWriter(_codecs.StreamWriter):
        def encode(self, input, errors='strict'):
            return encode(input, errors)

    class StreamReader(_codecs.StreamReader):
        def decode(self, input, errors='strict'):
            return _decode(codec, input, errors, False)

    return _codecs.CodecInfo(
        name=codec, encode=encode, decode=decode,
        incrementalencoder=IncrementalEncoder, incrementaldecoder=IncrementalDecoder,
        streamwriter=StreamWriter, streamreader=StreamReader)


def _search(name):
    import encodings
    codec = _ALIASES.get(encodings.normalize_encoding(name).lower())
    return None if codec is None else _info(codec)


_codecs.register(_search)


# RustPython names the codec 'utf-16'/'utf-32' in a decode error where CPython names the
# byte order the data turned out to have ('utf-16-le'), and says "codepoint" where CPython
# says "code point".
def _ordered(fn, width, bom_be, takes_order):
    def order_of(data, order):
        if order:
            return 'be' if order > 0 else 'le'
        return 'be' if bytes(data[:width]) == bom_be else 'le'

    def wrapped(data, errors='strict', *rest):
        try:
            return fn(data, errors, *rest)
        except UnicodeDecodeError as e:
            order = rest[0] if takes_order and rest else 0
            e.encoding = 'utf-%d-%s' % (width * 8, order_of(data, order))
            e.reason = e.reason.replace('codepoint', 'code point')
            raise
    return wrapped


import _codecs as _c
for _name, _width, _bom, _takes in (
        ('utf_16_decode', 2, b'\xfe\xff', False), ('utf_16_ex_decode', 2, b'\xfe\xff', True),
        ('utf_32_decode', 4, b'\x00\x00\xfe\xff', False), ('utf_32_ex_decode', 4, b'\x00\x00\xfe\xff', True)):
    _w = _ordered(getattr(_c, _name), _width, _bom, _takes)
    setattr(_c, _name, _w)
    setattr(_codecs, _name, _w)
