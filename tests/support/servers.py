"""Real loopback HTTP servers with fault modes, for the validators' tests."""

from __future__ import annotations

import json
import socket
import ssl
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from greenlight.engine.balancer.loopback import LoopbackServer


@dataclass
class Behaviour:
    """What the server does; tests change it between requests."""

    status: int = 200
    body: Any = field(default_factory=lambda: {"status": "ok", "items": [{"id": 1}]})
    delay_s: float = 0.0
    error_every: int = 0  # every Nth request answers 500
    reset: bool = False  # close the connection with RST instead of answering
    hang_s: float = 0.0  # accept, then say nothing for this long
    hang_every: int = 0  # with hang_s: only every Nth request hangs (0: every one)
    hold: threading.Event | None = None  # accept, then say nothing until the test sets it (30 s at most); then close
    held_out: int = 0  # the holds that ended at 30 s, never set by the test
    close_after: bool = False  # close the connection after answering, without saying so (an idle timeout)
    # From this request on a connection (counted from 1), read it and close without answering: an idle timeout that
    # meets a request the client sent on a connection it had kept (0: never).
    drop_from: int = 0
    # From this request on a connection (counted from 1), begin a 500's head and close: a crash while answering.
    cut_from: int = 0
    redirect_to: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)


def _say_nothing(behaviour: Behaviour, lock: threading.Lock) -> None:
    """A hanging service: until the test sets `hold` (30 s at most, counted in held_out), or for hang_s."""
    if behaviour.hold is None:
        time.sleep(behaviour.hang_s)
    elif not behaviour.hold.wait(30):
        with lock:
            behaviour.held_out += 1


def _handler(behaviour: Behaviour) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with lock:
                behaviour.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body,
                        "client_port": self.client_address[1],
                    }
                )
                count = len(behaviour.requests)
            self.served = getattr(self, "served", 0) + 1  # one handler per connection: its requests so far
            if behaviour.drop_from and self.served >= behaviour.drop_from:
                self.close_connection = True
                return
            if behaviour.cut_from and self.served >= behaviour.cut_from:
                self.wfile.write(b"HTTP/1.1 500 Internal Server Error\r\nContent-Le")
                self.close_connection = True
                return
            if behaviour.reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return
            hangs = behaviour.hang_s and (not behaviour.hang_every or count % behaviour.hang_every == 0)
            if behaviour.hold is not None or hangs:
                _say_nothing(behaviour, lock)
                self.close_connection = True
                return
            if behaviour.delay_s:
                time.sleep(behaviour.delay_s)
            status = 500 if behaviour.error_every and count % behaviour.error_every == 0 else behaviour.status
            payload = behaviour.body if isinstance(behaviour.body, bytes) else json.dumps(behaviour.body).encode()
            self.send_response(302 if behaviour.redirect_to else status)
            if behaviour.redirect_to:
                self.send_header("Location", behaviour.redirect_to)
            for name, value in behaviour.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            if behaviour.close_after:
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def serve(behaviour: Behaviour | None = None, tls: ssl.SSLContext | None = None) -> Iterator[tuple[str, Behaviour]]:
    """Yields the base URL (http: even when `tls` makes it serve HTTPS) and the behaviour object."""
    behaviour = behaviour or Behaviour()
    server = LoopbackServer(_handler(behaviour))
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}", behaviour
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
