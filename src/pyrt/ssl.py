# socklab: the part of Python's ssl module that tutorials use, on the engine's TLS
# (rustls): contexts, wrap_socket on either side, the handshake, and CPython's exceptions.
import socket as _socket
import _socket as _raw
import os as _os

OPENSSL_VERSION = 'socklab TLS (rustls)'
PROTOCOL_TLS = 2
PROTOCOL_TLS_CLIENT = 16
PROTOCOL_TLS_SERVER = 17
CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED = 0, 1, 2
HAS_SNI = HAS_ALPN = True
HAS_TLSv1_2 = HAS_TLSv1_3 = True


class _Purpose:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f'<Purpose.{self.name}>'


class Purpose:
    SERVER_AUTH = _Purpose('SERVER_AUTH')
    CLIENT_AUTH = _Purpose('CLIENT_AUTH')


class SSLError(OSError):
    def __str__(self):
        if isinstance(self.strerror, str):
            return self.strerror
        return super().__str__()


class SSLZeroReturnError(SSLError):
    pass


class SSLWantReadError(SSLError):
    pass


class SSLWantWriteError(SSLError):
    pass


class SSLSyscallError(SSLError):
    pass


class SSLEOFError(SSLError):
    pass


class SSLCertVerificationError(SSLError, ValueError):
    pass


CertificateError = SSLCertVerificationError

for _cls in (SSLError, SSLZeroReturnError, SSLWantReadError, SSLWantWriteError,
             SSLSyscallError, SSLEOFError, SSLCertVerificationError):
    _cls.__module__ = 'ssl'


def _must_exist(path):
    if path is not None and not _os.path.exists(path):
        raise FileNotFoundError(2, 'No such file or directory')


class SSLContext:
    def __init__(self, protocol=PROTOCOL_TLS, *args, **kwargs):
        self.protocol = protocol
        client = protocol == PROTOCOL_TLS_CLIENT
        self.check_hostname = client
        self.verify_mode = CERT_REQUIRED if client else CERT_NONE
        self._cafile = None
        self._certfile = None
        self._keyfile = None
        self._alpn = []

    def load_cert_chain(self, certfile, keyfile=None, password=None):
        _must_exist(certfile)
        _must_exist(keyfile)
        self._certfile = _os.fspath(certfile)
        self._keyfile = _os.fspath(keyfile) if keyfile is not None else self._certfile

    def load_verify_locations(self, cafile=None, capath=None, cadata=None):
        if cafile is None and capath is None and cadata is None:
            raise TypeError('cafile, capath and cadata cannot be all omitted')
        _must_exist(cafile)
        if cafile is not None:
            self._cafile = _os.fspath(cafile)

    def load_default_certs(self, purpose=Purpose.SERVER_AUTH):
        pass

    def set_default_verify_paths(self):
        pass

    def set_alpn_protocols(self, alpn_protocols):
        self._alpn = [str(p) for p in alpn_protocols]

    def set_ciphers(self, ciphers):
        pass

    def wrap_socket(self, sock, server_side=False, do_handshake_on_connect=True,
                    suppress_ragged_eofs=True, server_hostname=None, session=None):
        if server_side and server_hostname:
            raise ValueError('server_hostname can only be specified in client mode')
        if not server_side and self.check_hostname and not server_hostname:
            raise ValueError('check_hostname requires server_hostname')
        if server_side and self._certfile is None:
            # As OpenSSL's handshake fails with no certificate to show.
            raise SSLError(1, '[SSL: NO_SHARED_CIPHER] no shared cipher (_ssl.c:1006)')
        return SSLSocket._create(sock, self, server_side, server_hostname,
                                 do_handshake_on_connect)

    def _verify(self):
        if self.verify_mode == CERT_NONE:
            return 'none', None
        if self._cafile is not None:
            return 'cafile', self._cafile
        return 'system', None


def create_default_context(purpose=Purpose.SERVER_AUTH, *, cafile=None, capath=None,
                           cadata=None):
    if purpose is Purpose.SERVER_AUTH:
        ctx = SSLContext(PROTOCOL_TLS_CLIENT)
    else:
        ctx = SSLContext(PROTOCOL_TLS_SERVER)
    if cafile or capath or cadata:
        ctx.load_verify_locations(cafile, capath, cadata)
    return ctx


def _create_unverified_context(protocol=None, *, cert_reqs=CERT_NONE, check_hostname=False,
                               purpose=Purpose.SERVER_AUTH, certfile=None, keyfile=None,
                               cafile=None, capath=None, cadata=None):
    ctx = SSLContext(PROTOCOL_TLS_SERVER if purpose is Purpose.CLIENT_AUTH
                     else PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = check_hostname
    ctx.verify_mode = cert_reqs
    if certfile or keyfile:
        ctx.load_cert_chain(certfile, keyfile)
    if cafile or capath or cadata:
        ctx.load_verify_locations(cafile, capath, cadata)
    return ctx


# OpenSSL's names of the suites rustls negotiates, and their bits.
_SUITES = {
    'TLS13_AES_256_GCM_SHA384': ('TLS_AES_256_GCM_SHA384', 256),
    'TLS13_AES_128_GCM_SHA256': ('TLS_AES_128_GCM_SHA256', 128),
    'TLS13_CHACHA20_POLY1305_SHA256': ('TLS_CHACHA20_POLY1305_SHA256', 256),
    'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384': ('ECDHE-ECDSA-AES256-GCM-SHA384', 256),
    'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256': ('ECDHE-ECDSA-AES128-GCM-SHA256', 128),
    'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256': ('ECDHE-ECDSA-CHACHA20-POLY1305', 256),
    'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384': ('ECDHE-RSA-AES256-GCM-SHA384', 256),
    'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256': ('ECDHE-RSA-AES128-GCM-SHA256', 128),
    'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256': ('ECDHE-RSA-CHACHA20-POLY1305', 256),
}

_NAMES = {'CN': 'commonName', 'O': 'organizationName', 'OU': 'organizationalUnitName',
          'C': 'countryName', 'ST': 'stateOrProvinceName', 'L': 'localityName',
          'emailAddress': 'emailAddress', 'DC': 'domainComponent'}
_MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split()


def _name(text):
    out = []
    for part in text.split(', '):
        key, _, value = part.partition('=')
        out.append(((_NAMES.get(key, key), value),))
    return tuple(out)


def _when(text):
    # "2027-12-02 00:00:00 UTC" as OpenSSL writes it: "Dec  2 00:00:00 2027 GMT".
    date, clock, _ = text.split(' ')
    y, m, d = date.split('-')
    return f'{_MONTHS[int(m) - 1]} {int(d):2d} {clock} {y} GMT'


class SSLSocket(_socket.socket):
    def __init__(self, *args, **kwargs):
        raise TypeError(f'{self.__class__.__name__} does not have a public constructor. '
                        'Instances are returned by SSLContext.wrap_socket().')

    @classmethod
    def _from_fd(cls, family, type, proto, fd, timeout, context, server_side, hostname):
        self = cls.__new__(cls)
        _socket.socket.__init__(self, family, type, proto, fileno=fd)
        self.settimeout(timeout)
        self._context = context
        self.server_side = server_side
        self.server_hostname = hostname
        self._session = None
        return self

    @classmethod
    def _create(cls, sock, context, server_side, hostname, handshake):
        if sock.type != _socket.SOCK_STREAM:
            raise NotImplementedError('only stream sockets are supported')
        timeout = sock.gettimeout()
        family, type, proto = sock.family, sock.type, sock.proto
        self = cls._from_fd(family, type, proto, sock.detach(), timeout, context,
                            server_side, hostname)
        try:
            self.getpeername()
            connected = True
        except OSError:
            connected = False
        listening = bool(self.getsockopt(_socket.SOL_SOCKET, _socket.SO_ACCEPTCONN))
        try:
            # A connected socket's handshake runs now even with do_handshake_on_connect
            # False: nothing may go out in the clear before it (CPython does it on the
            # first read or write).
            if listening and server_side:
                self._start()
            elif connected:
                self._start()
        except:
            self.close()
            raise
        return self

    def _start(self):
        ctx = self._context
        verify, cafile = ctx._verify()
        self._session = self._socklab_tls(
            'server' if self.server_side else 'client', self.server_hostname, verify,
            cafile, ctx._certfile, ctx._keyfile, ','.join(ctx._alpn),
            bool(ctx.check_hostname))

    @property
    def context(self):
        return self._context

    def connect(self, address):
        super().connect(address)
        self._start()

    def connect_ex(self, address):
        err = super().connect_ex(address)
        if err == 0:
            self._start()
        return err

    def listen(self, *args):
        super().listen(*args)
        # Wrapped before it listened: its connections speak TLS from now on.
        if self.server_side and self._session is None:
            self._start()

    def do_handshake(self, block=False):
        self._start()

    def accept(self):
        fd, addr = self._accept()
        conn = SSLSocket._from_fd(self.family, self.type, self.proto, fd,
                                  _socket.getdefaulttimeout(), self._context, True, None)
        try:
            conn._start()
        except:
            conn.close()
            raise
        return conn, addr

    def version(self):
        return self._session[0] if self._session else None

    def cipher(self):
        if not self._session or not self._session[1]:
            return None
        name, bits = _SUITES.get(self._session[1], (self._session[1], 0))
        return (name, self._session[0], bits)

    def selected_alpn_protocol(self):
        return self._session[2] if self._session else None

    def getpeercert(self, binary_form=False):
        if not self._session:
            raise ValueError('handshake not done yet')
        chain = self._session[4]
        if not chain:
            return None
        subject, issuer, not_before, not_after, sans, der, serial = chain[0]
        if binary_form:
            return der
        if not self._session[3]:
            # As CPython: a certificate not validated gives an empty dict.
            return {}
        alt = []
        for s in sans:
            kind, _, value = s.partition(':')
            alt.append(('DNS' if kind == 'DNS' else 'IP Address', value))
        out = {'subject': _name(subject), 'issuer': _name(issuer), 'version': 3,
               'serialNumber': serial, 'notBefore': _when(not_before),
               'notAfter': _when(not_after)}
        if alt:
            out['subjectAltName'] = tuple(alt)
        return out

    def recvfrom(self, buflen=1024, flags=0):
        raise ValueError(f'recvfrom not allowed on instances of {self.__class__}')

    def sendto(self, data, flags_or_addr, addr=None):
        raise ValueError(f'sendto not allowed on instances of {self.__class__}')


def wrap_socket(sock, keyfile=None, certfile=None, server_side=False, cert_reqs=CERT_NONE,
                ssl_version=PROTOCOL_TLS, ca_certs=None, do_handshake_on_connect=True,
                suppress_ragged_eofs=True, ciphers=None):
    raise AttributeError("module 'ssl' has no attribute 'wrap_socket'")


del wrap_socket
