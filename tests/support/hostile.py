"""Loopback services built to break a client: huge, endless, trickling, malformed and echoing answers.

Each mode writes raw bytes on the socket, so answers no HTTP server library would send are possible. Every
answer is bounded: it stops when the client goes away, after `max_seconds`, and a gigabyte body is streamed
from one reused chunk, never stored. The health path answers 200 unless `hostile_health` is set, so a test can
choose whether the health check or only the synthetic traffic meets the hostile answer.
"""

from __future__ import annotations

import functools
import json
import select
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

CHUNK = b"0" * 65536
REDOS_BAIT = "a" * 40 + "!"  # `^(a+)+$` backtracks exponentially on this with a backtracking engine


@dataclass
class Hostile:
    mode: str
    body_bytes: int = 2 << 30  # "gigabyte": 2 GiB, announced in Content-Length
    trickle_interval: float = 1.0  # "trickle": one byte this often
    max_seconds: float = 60.0  # no answer lasts longer, whatever the client does
    hostile_health: bool = False
    echo_header: str = "Authorization"  # "echo": reflected in X-Echo and in the JSON field `echo`
    connections: int = 0  # how many the server accepted (a test can check traffic reached it)
    answer_delay_s: float = 0.0  # wait this long before each answer
    pipelined: int = 0  # requests that came while the one before on their connection was still unanswered


def _head(status: str, headers: list[tuple[str, str]], keep_alive: bool = False) -> bytes:
    """A response head; one that closes says so, so a client never reuses a connection the service is closing."""
    closing = [] if keep_alive else [("Connection", "close")]
    lines = [f"HTTP/1.1 {status}", *(f"{name}: {value}" for name, value in [*headers, *closing]), "", ""]
    return "\r\n".join(lines).encode("latin-1")


def _json(body: object, extra: list[tuple[str, str]] | None = None) -> bytes:
    """A complete JSON answer on a kept-alive connection."""
    payload = json.dumps(body).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload))), *(extra or [])]
    return _head("200 OK", headers, keep_alive=True) + payload


def _gigabyte(sock: socket.socket, behaviour: Hostile, alive: Callable[[], bool], request: dict[str, str]) -> None:
    length = str(behaviour.body_bytes)
    sock.sendall(_head("200 OK", [("Content-Type", "application/json"), ("Content-Length", length)]))
    sent = 0
    while sent < behaviour.body_bytes and alive():
        piece = CHUNK[: behaviour.body_bytes - sent]
        sock.sendall(piece)
        sent += len(piece)


def _endless(sock: socket.socket, behaviour: Hostile, alive: Callable[[], bool], request: dict[str, str]) -> None:
    sock.sendall(_head("200 OK", [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]))
    frame = f"{len(CHUNK):x}\r\n".encode() + CHUNK + b"\r\n"
    while alive():
        sock.sendall(frame)


def _trickle(sock: socket.socket, behaviour: Hostile, alive: Callable[[], bool], request: dict[str, str]) -> None:
    sock.sendall(_head("200 OK", [("Content-Type", "application/json"), ("Content-Length", "1000000")]))
    while alive():
        sock.sendall(b" ")
        time.sleep(behaviour.trickle_interval)


def _big_header(sock: socket.socket, behaviour: Hostile, alive: Callable[[], bool], request: dict[str, str]) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nX-Big: ")
    for _ in range(16):  # 1 MiB of one header value
        sock.sendall(CHUNK)
    sock.sendall(b"\r\nContent-Length: 0\r\n\r\n")


def _deep_json(sock: socket.socket, behaviour: Hostile, alive: Callable[[], bool], request: dict[str, str]) -> None:
    payload = b"[" * 100_000 + b"]" * 100_000
    sock.sendall(_head("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]))
    sock.sendall(payload)


def _echo(sock: socket.socket, behaviour: Hostile, alive: Callable[[], bool], request: dict[str, str]) -> None:
    value = request.get(behaviour.echo_header.lower(), "")
    sock.sendall(_json({"status": "ok", "echo": value}, [("X-Echo", value)]))


@functools.cache
def gzip_bomb() -> bytes:
    """256 MiB of zeros, gzip-compressed to about a MiB: made once, streamed in pieces so it is never held whole."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)  # 31: the gzip container
    return b"".join(compressor.compress(CHUNK * 16) for _ in range(256)) + compressor.flush()


def _gzip_bomb(sock: socket.socket, behaviour: Hostile, alive: Callable[[], bool], request: dict[str, str]) -> None:
    payload = gzip_bomb()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Encoding", "gzip"),
        ("Content-Length", str(len(payload))),
    ]
    sock.sendall(_head("200 OK", headers) + payload)


def _fixed(answer: bytes) -> Callable[[socket.socket, Hostile, Callable[[], bool], dict[str, str]], None]:
    return lambda sock, behaviour, alive, request: sock.sendall(answer)


ANSWERS: dict[str, Callable[[socket.socket, Hostile, Callable[[], bool], dict[str, str]], None]] = {
    "ok": _fixed(_json({"status": "ok"})),
    "gigabyte": _gigabyte,
    "endless": _endless,
    "trickle": _trickle,
    "bad-status": _fixed(b"HTTP/1.1 OK-ish\r\nContent-Length: 0\r\n\r\n"),
    "big-header": _big_header,
    "many-headers": _fixed(_head("200 OK", [(f"X-H{i}", "v") for i in range(10_000)] + [("Content-Length", "0")])),
    "truncated": _fixed(_head("200 OK", [("Content-Type", "application/json"), ("Content-Length", "1000")]) + b'{"st'),
    "redos": _fixed(_json({"status": REDOS_BAIT}, [("X-Bait", REDOS_BAIT)])),
    "wide-headers": _fixed(_json({"status": "ok"}, [(f"X-Wide-{i}", "w" * 100) for i in range(20)])),
    "deep-json": _deep_json,
    "gzip-bomb": _gzip_bomb,
    "echo": _echo,
    "head": _fixed(_head("200 OK", [("Content-Length", str(2 << 30))], keep_alive=True)),  # a HEAD's answer: no body
}
MODES = tuple(ANSWERS)
KEEP_ALIVE = ("ok", "echo", "redos", "wide-headers", "head")  # complete answers: the connection serves the next request


def _stream(sock: socket.socket, behaviour: Hostile, request: dict[str, str]) -> None:
    """Write the hostile answer; any socket error (the client left) ends it, and so does `max_seconds`."""
    deadline = time.monotonic() + behaviour.max_seconds
    ANSWERS[behaviour.mode](sock, behaviour, lambda: time.monotonic() < deadline, request)


def _read_request(sock: socket.socket, leftover: bytearray) -> tuple[str, dict[str, str]] | None:
    """The request line's path and the headers (lower-cased names); None when the client sent nothing usable.
    What came after the head (the next request, from a client that pipelines) stays in `leftover`."""
    data = bytes(leftover)
    while b"\r\n\r\n" not in data and len(data) < 65536:
        piece = sock.recv(4096)
        if not piece:
            return None
        data += piece
    raw_head, _, rest = data.partition(b"\r\n\r\n")
    leftover[:] = rest
    head = raw_head.decode("latin-1").split("\r\n")
    parts = head[0].split(" ")
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return (parts[1] if len(parts) > 1 else "/"), headers


def _sent_more(sock: socket.socket) -> bool:
    """Whether bytes wait on the socket (a client's end of the connection is not one)."""
    return bool(select.select([sock], [], [], 0)[0] and sock.recv(1, socket.MSG_PEEK))


def _serve_connection(sock: socket.socket, behaviour: Hostile) -> None:
    sock.settimeout(behaviour.max_seconds)
    leftover = bytearray()
    try:
        while True:  # keep-alive: the ok, echo and redos modes answer many requests on one connection
            request = _read_request(sock, leftover)
            if request is None:
                return
            path, headers = request
            if behaviour.answer_delay_s:
                time.sleep(behaviour.answer_delay_s)
            if leftover or _sent_more(sock):  # the client did not wait for this answer
                behaviour.pipelined += 1
            if path.startswith("/health") and not behaviour.hostile_health:
                sock.sendall(_json({"status": "ok"}))
                continue
            _stream(sock, behaviour, headers)
            if behaviour.mode not in KEEP_ALIVE:
                return
    except OSError:
        return
    finally:
        sock.close()


@contextmanager
def hostile_service(behaviour: Hostile) -> Iterator[str]:
    """Yields the base URL of a loopback service answering as `behaviour` says."""
    if behaviour.mode == "gzip-bomb":
        gzip_bomb()  # made before serving: compressing 256 MiB must not eat the first request's deadline
    listener = socket.create_server(("127.0.0.1", 0), backlog=128)
    listener.settimeout(0.05)
    stop = threading.Event()
    open_sockets: list[socket.socket] = []

    def accept_loop() -> None:
        while not stop.is_set():
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            behaviour.connections += 1
            open_sockets.append(sock)
            threading.Thread(target=_serve_connection, args=(sock, behaviour), daemon=True).start()

    thread = threading.Thread(target=accept_loop, name="hostile-service", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
        for sock in open_sockets:  # no answer outlives the service, whatever the client did
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
