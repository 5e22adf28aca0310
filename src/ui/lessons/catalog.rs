//! The lessons. Console 0 is the server's ("python"), console 1 the client's
//! ("python (2)"); `{PORT}` becomes the lesson's port.

use super::{Code, Lesson, Seen, Step};
use crate::engine::inspect::TcpState;

use Code::{Interrupt, Python};

const SERVER: usize = 0;
const CLIENT: usize = 1;

/// A listening TCP server on 127.0.0.1:PORT in console 0.
const LISTEN: Code = Python {
    console: SERVER,
    text: "import socket\nPORT = {PORT}\nsrv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\nsrv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\nsrv.bind(('127.0.0.1', PORT))\nsrv.listen()",
};
/// A client connected to it in console 1, and the server's accept in console 0.
const CONNECT: Code = Python {
    console: CLIENT,
    text: "import socket\nPORT = {PORT}\ncli = socket.create_connection(('127.0.0.1', PORT))",
};
const ACCEPT: Code = Python {
    console: SERVER,
    text: "conn, addr = srv.accept()",
};

fn listening(s: &Seen) -> bool {
    s.serving("srv")
}
fn pair(s: &Seen) -> bool {
    s.connected("cli") && s.connected("conn")
}

pub static LESSONS: [Lesson; 11] = [
    Lesson {
        key: "echo",
        title: "lessons-echo-title",
        summary: "lessons-echo-summary",
        port: 50007,
        steps: &[
            Step {
                say: "lessons-echo-1-say",
                code: &[LISTEN],
                look: "lessons-echo-1-look",
                show: "srv",
                check: listening,
            },
            Step {
                say: "lessons-echo-2-say",
                code: &[ACCEPT],
                look: "lessons-echo-2-look",
                show: "srv",
                check: |s| s.waiting("accept"),
            },
            Step {
                say: "lessons-echo-3-say",
                code: &[CONNECT],
                look: "lessons-echo-3-look",
                show: "conn",
                check: pair,
            },
            Step {
                say: "lessons-echo-4-say",
                code: &[
                    Python { console: CLIENT, text: "cli.sendall(b'hello')" },
                    Python { console: SERVER, text: "data = conn.recv(1024)\nconn.sendall(data)" },
                ],
                look: "lessons-echo-4-look",
                show: "conn",
                check: |s| s.received("conn") >= 5 && s.sent("conn") >= 5,
            },
            Step {
                say: "lessons-echo-5-say",
                code: &[Python { console: CLIENT, text: "cli.recv(1024)" }],
                look: "lessons-echo-5-look",
                show: "cli",
                check: |s| s.received("cli") >= 5,
            },
            Step {
                say: "lessons-echo-6-say",
                code: &[
                    Python { console: CLIENT, text: "cli.close()" },
                    Python { console: SERVER, text: "conn.recv(1024)" },
                ],
                look: "lessons-echo-6-look",
                show: "cli",
                check: |s| s.closed("cli") && s.printed(SERVER, "b''"),
            },
            Step {
                say: "lessons-echo-7-say",
                code: &[Python { console: SERVER, text: "conn.close()\nsrv.close()" }],
                look: "lessons-echo-7-look",
                show: "cli",
                check: |s| {
                    s.closed("conn") && s.closed("srv") && s.after_close("cli", TcpState::TimeWait)
                },
            },
        ],
    },
    Lesson {
        key: "udp-chat",
        title: "lessons-udp-chat-title",
        summary: "lessons-udp-chat-summary",
        port: 50017,
        steps: &[
            Step {
                say: "lessons-udp-chat-1-say",
                code: &[Python {
                    console: SERVER,
                    text: "import socket\nPORT = {PORT}\na = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\na.bind(('127.0.0.1', PORT))",
                }],
                look: "lessons-udp-chat-1-look",
                show: "a",
                check: |s| s.state_is("a", crate::engine::SockState::Bound),
            },
            Step {
                say: "lessons-udp-chat-2-say",
                code: &[Python {
                    console: CLIENT,
                    text: "import socket\nPORT = {PORT}\nb = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nb.sendto(b'hi a', ('127.0.0.1', PORT))",
                }],
                look: "lessons-udp-chat-2-look",
                show: "b",
                check: |s| s.sent("b") >= 4,
            },
            Step {
                say: "lessons-udp-chat-3-say",
                code: &[Python {
                    console: SERVER,
                    text: "data, addr = a.recvfrom(1024)\nprint(data, addr)",
                }],
                look: "lessons-udp-chat-3-look",
                show: "a",
                check: |s| s.received("a") >= 4 && s.printed(SERVER, "b'hi a' ('127.0.0.1',"),
            },
            Step {
                say: "lessons-udp-chat-4-say",
                code: &[Python { console: SERVER, text: "a.sendto(b'hi b', addr)" }],
                look: "lessons-udp-chat-4-look",
                show: "a",
                check: |s| s.sent("a") >= 4,
            },
            Step {
                say: "lessons-udp-chat-5-say",
                code: &[Python { console: CLIENT, text: "b.recvfrom(1024)" }],
                look: "lessons-udp-chat-5-look",
                show: "b",
                check: |s| s.received("b") >= 4,
            },
            Step {
                say: "lessons-udp-chat-6-say",
                code: &[
                    Python { console: CLIENT, text: "b.close()" },
                    Python { console: SERVER, text: "a.close()" },
                ],
                look: "lessons-udp-chat-6-look",
                show: "b",
                check: |s| s.closed("a") && s.closed("b"),
            },
        ],
    },
    Lesson {
        key: "threads",
        title: "lessons-threads-title",
        summary: "lessons-threads-summary",
        port: 50027,
        steps: &[
            Step {
                say: "lessons-threads-1-say",
                code: &[Python {
                    console: SERVER,
                    text: "import socket, threading\nPORT = {PORT}\ndef handle(c):\n    with c:\n        while True:\n            data = c.recv(1024)\n            if not data:\n                break\n            c.sendall(data.upper())\n\nsrv = socket.socket()\nsrv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\nsrv.bind(('127.0.0.1', PORT))\nsrv.listen()",
                }],
                look: "lessons-threads-1-look",
                show: "srv",
                check: listening,
            },
            Step {
                say: "lessons-threads-2-say",
                code: &[Python {
                    console: SERVER,
                    text: "def serve():\n    while True:\n        try:\n            c, addr = srv.accept()\n        except OSError:\n            return\n        threading.Thread(target=handle, args=(c,), daemon=True).start()\n\nthreading.Thread(target=serve, daemon=True).start()",
                }],
                look: "lessons-threads-2-look",
                show: "srv",
                check: |s| s.waiting("accept"),
            },
            Step {
                say: "lessons-threads-3-say",
                code: &[Python {
                    console: CLIENT,
                    text: "import socket\nPORT = {PORT}\nc1 = socket.create_connection(('127.0.0.1', PORT))\nc2 = socket.create_connection(('127.0.0.1', PORT))",
                }],
                look: "lessons-threads-3-look",
                show: "srv",
                check: |s| s.accepted("srv") >= 2,
            },
            Step {
                say: "lessons-threads-4-say",
                code: &[Python {
                    console: CLIENT,
                    text: "c2.sendall(b'two')\nprint(c2.recv(1024))\nc1.sendall(b'one')\nprint(c1.recv(1024))",
                }],
                look: "lessons-threads-4-look",
                // The listener: its diagram has both connections, both clients.
                show: "srv",
                check: |s| s.received("c1") >= 3 && s.received("c2") >= 3,
            },
            Step {
                say: "lessons-threads-5-say",
                code: &[Python { console: CLIENT, text: "c1.close()\nc2.close()" }],
                look: "lessons-threads-5-look",
                show: "srv",
                check: |s| s.accepted_closed("srv") >= 2,
            },
            Step {
                say: "lessons-threads-6-say",
                code: &[Python {
                    console: SERVER,
                    text: "srv.shutdown(socket.SHUT_RDWR)\nsrv.close()",
                }],
                look: "lessons-threads-6-look",
                show: "srv",
                check: |s| s.closed("srv") && !s.waiting("accept"),
            },
        ],
    },
    Lesson {
        key: "hmac",
        title: "lessons-hmac-title",
        summary: "lessons-hmac-summary",
        port: 50037,
        steps: &[
            Step {
                say: "lessons-hmac-1-say",
                code: &[Python {
                    console: SERVER,
                    text: "import socket, hmac, hashlib, os\nPORT = {PORT}\nKEY = b'a secret both sides know'\nsrv = socket.socket()\nsrv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\nsrv.bind(('127.0.0.1', PORT))\nsrv.listen()",
                }],
                look: "lessons-hmac-1-look",
                show: "srv",
                check: listening,
            },
            Step {
                say: "lessons-hmac-2-say",
                code: &[Python {
                    console: CLIENT,
                    text: "import socket, hmac, hashlib\nPORT = {PORT}\nKEY = b'a secret both sides know'\ncli = socket.create_connection(('127.0.0.1', PORT))",
                }],
                look: "lessons-hmac-2-look",
                show: "srv",
                check: |s| s.connected("cli") && s.queued("srv") >= 1,
            },
            Step {
                say: "lessons-hmac-3-say",
                code: &[Python {
                    console: SERVER,
                    text: "conn, addr = srv.accept()\nchallenge = os.urandom(16)\nconn.sendall(challenge)",
                }],
                look: "lessons-hmac-3-look",
                show: "conn",
                check: |s| s.sent("conn") >= 16,
            },
            Step {
                say: "lessons-hmac-4-say",
                code: &[Python {
                    console: CLIENT,
                    text: "challenge = cli.recv(16)\ncli.sendall(hmac.new(KEY, challenge, hashlib.sha256).digest())",
                }],
                look: "lessons-hmac-4-look",
                show: "cli",
                check: |s| s.received("cli") >= 16 && s.sent("cli") >= 32,
            },
            Step {
                say: "lessons-hmac-5-say",
                code: &[Python {
                    console: SERVER,
                    text: "answer = conn.recv(32)\nexpected = hmac.new(KEY, challenge, hashlib.sha256).digest()\nprint('client knows the key:', hmac.compare_digest(answer, expected))",
                }],
                look: "lessons-hmac-5-look",
                show: "conn",
                check: |s| s.printed(SERVER, "client knows the key: True"),
            },
            Step {
                say: "lessons-hmac-6-say",
                code: &[
                    Python { console: CLIENT, text: "cli.close()" },
                    Python { console: SERVER, text: "conn.close()\nsrv.close()" },
                ],
                look: "lessons-hmac-6-look",
                show: "srv",
                check: |s| s.closed("cli") && s.closed("conn") && s.closed("srv"),
            },
        ],
    },
    Lesson {
        key: "reuse",
        title: "lessons-reuse-title",
        summary: "lessons-reuse-summary",
        port: 50047,
        steps: &[
            Step {
                say: "lessons-reuse-1-say",
                code: &[LISTEN],
                look: "lessons-reuse-1-look",
                show: "srv",
                check: listening,
            },
            Step {
                say: "lessons-reuse-2-say",
                code: &[CONNECT, ACCEPT],
                look: "lessons-reuse-2-look",
                show: "conn",
                check: pair,
            },
            Step {
                say: "lessons-reuse-3-say",
                code: &[Python { console: SERVER, text: "conn.close()\nsrv.close()" }],
                look: "lessons-reuse-3-look",
                show: "conn",
                check: |s| s.closed("srv") && s.after_close("conn", TcpState::FinWait2),
            },
            Step {
                say: "lessons-reuse-4-say",
                code: &[Python { console: CLIENT, text: "cli.close()" }],
                look: "lessons-reuse-4-look",
                show: "conn",
                check: |s| s.after_close("conn", TcpState::TimeWait),
            },
            Step {
                say: "lessons-reuse-5-say",
                code: &[Python {
                    console: SERVER,
                    text: "srv = socket.socket()\nsrv.bind(('127.0.0.1', PORT))",
                }],
                look: "lessons-reuse-5-look",
                show: "srv",
                check: |s| s.failed_with("srv", "EADDRINUSE") && !s.listening("srv"),
            },
            Step {
                say: "lessons-reuse-6-say",
                code: &[Python {
                    console: SERVER,
                    text: "srv = socket.socket()\nsrv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\nsrv.bind(('127.0.0.1', PORT))\nsrv.listen()",
                }],
                look: "lessons-reuse-6-look",
                show: "srv",
                check: listening,
            },
            Step {
                say: "lessons-reuse-7-say",
                code: &[Python { console: SERVER, text: "srv.close()" }],
                look: "lessons-reuse-7-look",
                show: "srv",
                check: |s| s.closed("srv"),
            },
        ],
    },
    Lesson {
        key: "backlog",
        title: "lessons-backlog-title",
        summary: "lessons-backlog-summary",
        port: 50057,
        steps: &[
            Step {
                say: "lessons-backlog-1-say",
                code: &[Python {
                    console: SERVER,
                    text: "import socket\nPORT = {PORT}\nsrv = socket.socket()\nsrv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\nsrv.bind(('127.0.0.1', PORT))\nsrv.listen(1)",
                }],
                look: "lessons-backlog-1-look",
                show: "srv",
                check: listening,
            },
            Step {
                say: "lessons-backlog-2-say",
                code: &[Python {
                    console: CLIENT,
                    text: "import socket\nPORT = {PORT}\nc1 = socket.create_connection(('127.0.0.1', PORT))\nc2 = socket.create_connection(('127.0.0.1', PORT))",
                }],
                look: "lessons-backlog-2-look",
                show: "srv",
                check: |s| s.connected("c1") && s.connected("c2") && s.queued("srv") >= 2,
            },
            Step {
                say: "lessons-backlog-3-say",
                code: &[Python {
                    console: CLIENT,
                    text: "c3 = socket.socket()\nc3.connect(('127.0.0.1', PORT))",
                }],
                look: "lessons-backlog-3-look",
                show: "c3",
                check: |s| s.waiting("connect"),
            },
            Step {
                say: "lessons-backlog-4-say",
                code: &[Python { console: SERVER, text: "conn, addr = srv.accept()" }],
                look: "lessons-backlog-4-look",
                show: "c3",
                check: |s| s.connected("c3"),
            },
            Step {
                say: "lessons-backlog-5-say",
                code: &[
                    Python { console: CLIENT, text: "c1.close()\nc2.close()\nc3.close()" },
                    Python { console: SERVER, text: "conn.close()\nsrv.close()" },
                ],
                look: "lessons-backlog-5-look",
                show: "srv",
                check: |s| s.closed("c3") && s.closed("srv"),
            },
        ],
    },
    Lesson {
        key: "blocking",
        title: "lessons-blocking-title",
        summary: "lessons-blocking-summary",
        port: 50067,
        steps: &[
            Step {
                say: "lessons-blocking-1-say",
                code: &[LISTEN, CONNECT, ACCEPT],
                look: "lessons-blocking-1-look",
                show: "conn",
                check: pair,
            },
            Step {
                say: "lessons-blocking-2-say",
                code: &[Python { console: CLIENT, text: "cli.recv(1024)" }],
                look: "lessons-blocking-2-look",
                show: "cli",
                check: |s| s.waiting("recv"),
            },
            Step {
                say: "lessons-blocking-3-say",
                code: &[Interrupt { console: CLIENT }],
                look: "lessons-blocking-3-look",
                show: "cli",
                check: |s| s.printed(CLIENT, "KeyboardInterrupt") && !s.waiting("recv"),
            },
            Step {
                say: "lessons-blocking-4-say",
                code: &[Python { console: CLIENT, text: "cli.settimeout(2)\ncli.recv(1024)" }],
                look: "lessons-blocking-4-look",
                show: "cli",
                check: |s| s.printed(CLIENT, "TimeoutError: timed out"),
            },
            Step {
                say: "lessons-blocking-5-say",
                code: &[Python { console: CLIENT, text: "cli.setblocking(False)\ncli.recv(1024)" }],
                look: "lessons-blocking-5-look",
                show: "cli",
                check: |s| s.printed(CLIENT, "BlockingIOError"),
            },
            Step {
                say: "lessons-blocking-6-say",
                code: &[Python { console: SERVER, text: "conn.sendall(b'data at last')" }],
                look: "lessons-blocking-6-look",
                show: "conn",
                check: |s| s.sent("conn") >= 12,
            },
            Step {
                say: "lessons-blocking-7-say",
                code: &[Python { console: CLIENT, text: "cli.recv(1024)" }],
                look: "lessons-blocking-7-look",
                show: "cli",
                check: |s| s.received("cli") >= 12,
            },
            Step {
                say: "lessons-blocking-8-say",
                code: &[
                    Python { console: CLIENT, text: "cli.close()" },
                    Python { console: SERVER, text: "conn.close()\nsrv.close()" },
                ],
                look: "lessons-blocking-8-look",
                show: "cli",
                check: |s| s.closed("cli") && s.closed("conn") && s.closed("srv"),
            },
        ],
    },
    Lesson {
        key: "shutdown",
        title: "lessons-shutdown-title",
        summary: "lessons-shutdown-summary",
        port: 50077,
        steps: &[
            Step {
                say: "lessons-shutdown-1-say",
                code: &[LISTEN, CONNECT, ACCEPT],
                look: "lessons-shutdown-1-look",
                show: "cli",
                check: pair,
            },
            Step {
                say: "lessons-shutdown-2-say",
                code: &[Python { console: CLIENT, text: "cli.shutdown(socket.SHUT_WR)" }],
                look: "lessons-shutdown-2-look",
                show: "cli",
                check: |s| s.state_is("cli", crate::engine::SockState::HalfClosed),
            },
            Step {
                say: "lessons-shutdown-3-say",
                code: &[Python { console: SERVER, text: "conn.recv(1024)" }],
                look: "lessons-shutdown-3-look",
                show: "conn",
                check: |s| s.printed(SERVER, "b''"),
            },
            Step {
                say: "lessons-shutdown-4-say",
                code: &[Python { console: SERVER, text: "conn.sendall(b'still here')\nconn.close()" }],
                look: "lessons-shutdown-4-look",
                show: "conn",
                check: |s| s.sent("conn") >= 10 && s.closed("conn"),
            },
            Step {
                say: "lessons-shutdown-5-say",
                code: &[Python { console: CLIENT, text: "print(cli.recv(1024), cli.recv(1024))\ncli.close()" }],
                look: "lessons-shutdown-5-look",
                show: "cli",
                check: |s| s.received("cli") >= 10 && s.closed("cli"),
            },
            Step {
                say: "lessons-shutdown-6-say",
                code: &[
                    Python {
                        console: CLIENT,
                        text: "import struct\nrst = socket.create_connection(('127.0.0.1', PORT))\nrst.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))",
                    },
                    ACCEPT,
                ],
                look: "lessons-shutdown-6-look",
                show: "rst",
                check: |s| s.connected("rst") && s.connected("conn"),
            },
            Step {
                say: "lessons-shutdown-7-say",
                code: &[Python { console: CLIENT, text: "rst.close()" }],
                look: "lessons-shutdown-7-look",
                show: "rst",
                check: |s| s.closed("rst"),
            },
            Step {
                say: "lessons-shutdown-8-say",
                code: &[Python { console: SERVER, text: "conn.recv(1024)" }],
                look: "lessons-shutdown-8-look",
                show: "conn",
                check: |s| s.failed_with("conn", "ECONNRESET"),
            },
            Step {
                say: "lessons-shutdown-9-say",
                code: &[Python { console: SERVER, text: "conn.close()\nsrv.close()" }],
                look: "lessons-shutdown-9-look",
                show: "conn",
                check: |s| s.closed("conn") && s.closed("srv"),
            },
        ],
    },
    Lesson {
        key: "framing",
        title: "lessons-framing-title",
        summary: "lessons-framing-summary",
        port: 50087,
        steps: &[
            Step {
                say: "lessons-framing-1-say",
                code: &[LISTEN, CONNECT, ACCEPT],
                look: "lessons-framing-1-look",
                show: "cli",
                check: pair,
            },
            Step {
                say: "lessons-framing-2-say",
                code: &[Python {
                    console: CLIENT,
                    text: "cli.send(b'one')\ncli.send(b'two')\ncli.send(b'three')",
                }],
                look: "lessons-framing-2-look",
                show: "cli",
                check: |s| s.sent("cli") >= 11,
            },
            Step {
                say: "lessons-framing-3-say",
                code: &[Python { console: SERVER, text: "conn.recv(1024)" }],
                look: "lessons-framing-3-look",
                show: "conn",
                check: |s| s.largest_recv("conn") > 5,
            },
            Step {
                say: "lessons-framing-4-say",
                code: &[Python {
                    console: CLIENT,
                    text: "import struct\ndef send_msg(s, data):\n    s.sendall(struct.pack('!I', len(data)) + data)\n\nsend_msg(cli, b'one')\nsend_msg(cli, b'two')\nsend_msg(cli, b'three')",
                }],
                look: "lessons-framing-4-look",
                show: "cli",
                check: |s| s.sent("cli") >= 11 + 23,
            },
            Step {
                say: "lessons-framing-5-say",
                code: &[Python {
                    console: SERVER,
                    text: "import struct\ndef recv_exact(s, n):\n    buf = b''\n    while len(buf) < n:\n        chunk = s.recv(n - len(buf))\n        if not chunk:\n            raise ConnectionError('closed in the middle of a message')\n        buf += chunk\n    return buf\n\ndef recv_msg(s):\n    (length,) = struct.unpack('!I', recv_exact(s, 4))\n    return recv_exact(s, length)\n\nprint(recv_msg(conn), recv_msg(conn), recv_msg(conn))",
                }],
                look: "lessons-framing-5-look",
                show: "conn",
                check: |s| s.printed(SERVER, "b'one' b'two' b'three'"),
            },
            Step {
                say: "lessons-framing-6-say",
                code: &[
                    Python { console: CLIENT, text: "cli.close()" },
                    Python { console: SERVER, text: "conn.close()\nsrv.close()" },
                ],
                look: "lessons-framing-6-look",
                show: "conn",
                check: |s| s.closed("cli") && s.closed("conn") && s.closed("srv"),
            },
        ],
    },
    Lesson {
        key: "udp-connect",
        title: "lessons-udp-connect-title",
        summary: "lessons-udp-connect-summary",
        port: 50097,
        steps: &[
            Step {
                say: "lessons-udp-connect-1-say",
                code: &[Python {
                    console: SERVER,
                    text: "import socket\nPORT = {PORT}\na = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\na.bind(('127.0.0.1', PORT))",
                }],
                look: "lessons-udp-connect-1-look",
                show: "a",
                check: |s| s.state_is("a", crate::engine::SockState::Bound),
            },
            Step {
                say: "lessons-udp-connect-2-say",
                code: &[Python {
                    console: CLIENT,
                    text: "import socket\nPORT = {PORT}\nu = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nu.connect(('127.0.0.1', PORT))\nu.send(b'to a')",
                }],
                look: "lessons-udp-connect-2-look",
                show: "u",
                check: |s| s.connected("u") && s.sent("u") >= 4,
            },
            Step {
                say: "lessons-udp-connect-3-say",
                code: &[Python {
                    console: SERVER,
                    text: "data, addr = a.recvfrom(1024)\na.sendto(b'from a', addr)",
                }],
                look: "lessons-udp-connect-3-look",
                show: "a",
                check: |s| s.sent("a") >= 6,
            },
            Step {
                say: "lessons-udp-connect-4-say",
                code: &[Python {
                    console: CLIENT,
                    text: "other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nother.sendto(b'stranger', u.getsockname())\nprint(u.recv(1024))\nu.settimeout(1)\nu.recv(1024)",
                }],
                look: "lessons-udp-connect-4-look",
                show: "u",
                check: |s| s.printed(CLIENT, "b'from a'") && s.printed(CLIENT, "TimeoutError"),
            },
            Step {
                say: "lessons-udp-connect-5-say",
                code: &[Python { console: SERVER, text: "a.close()" }],
                look: "lessons-udp-connect-5-look",
                show: "a",
                check: |s| s.closed("a"),
            },
            Step {
                say: "lessons-udp-connect-6-say",
                code: &[Python { console: CLIENT, text: "u.send(b'anyone there?')\nu.recv(1024)" }],
                look: "lessons-udp-connect-6-look",
                show: "u",
                check: |s| s.printed(CLIENT, "ConnectionRefusedError"),
            },
            Step {
                say: "lessons-udp-connect-7-say",
                code: &[Python { console: CLIENT, text: "u.close()\nother.close()" }],
                look: "lessons-udp-connect-7-look",
                show: "u",
                check: |s| s.closed("u") && s.closed("other"),
            },
        ],
    },
    Lesson {
        key: "ipv6",
        title: "lessons-ipv6-title",
        summary: "lessons-ipv6-summary",
        port: 50107,
        steps: &[
            Step {
                say: "lessons-ipv6-1-say",
                code: &[Python {
                    console: SERVER,
                    text: "import socket\nPORT = {PORT}\nsrv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)\nsrv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\nsrv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)\nsrv.bind(('::', PORT))\nsrv.listen()",
                }],
                look: "lessons-ipv6-1-look",
                show: "srv",
                check: listening,
            },
            Step {
                say: "lessons-ipv6-2-say",
                code: &[
                    Python {
                        console: CLIENT,
                        text: "import socket\nPORT = {PORT}\nc4 = socket.create_connection(('127.0.0.1', PORT))",
                    },
                    Python { console: SERVER, text: "conn, addr = srv.accept()\nprint(addr)" },
                ],
                look: "lessons-ipv6-2-look",
                show: "conn",
                check: |s| s.printed(SERVER, "('::ffff:127.0.0.1',"),
            },
            Step {
                say: "lessons-ipv6-3-say",
                code: &[
                    Python { console: CLIENT, text: "c4.close()" },
                    Python {
                        console: SERVER,
                        text: "conn.close()\nsrv.close()\nsrv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)\nsrv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\nsrv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)\nsrv.bind(('::', PORT))\nsrv.listen()",
                    },
                ],
                look: "lessons-ipv6-3-look",
                show: "srv",
                // The new server, IPv6 only: the one before still listens until its close,
                // after c4's.
                check: |s| {
                    s.closed("c4") && s.serving("srv") && s.option("srv", "IPV6_V6ONLY") == Some(1)
                },
            },
            Step {
                say: "lessons-ipv6-4-say",
                code: &[Python {
                    console: CLIENT,
                    text: "c4 = socket.create_connection(('127.0.0.1', PORT), timeout=2)",
                }],
                look: "lessons-ipv6-4-look",
                show: "srv",
                check: |s| s.printed(CLIENT, "ConnectionRefusedError"),
            },
            Step {
                say: "lessons-ipv6-5-say",
                code: &[
                    Python {
                        console: CLIENT,
                        text: "c6 = socket.create_connection(('::1', PORT))",
                    },
                    Python { console: SERVER, text: "conn, addr = srv.accept()\nprint(addr)" },
                ],
                look: "lessons-ipv6-5-look",
                show: "conn",
                check: |s| s.printed(SERVER, "('::1',"),
            },
            Step {
                say: "lessons-ipv6-6-say",
                code: &[
                    Python { console: CLIENT, text: "c6.close()" },
                    Python { console: SERVER, text: "conn.close()\nsrv.close()" },
                ],
                look: "lessons-ipv6-6-look",
                show: "srv",
                check: |s| s.closed("c6") && s.closed("srv"),
            },
        ],
    },
];
