"""The threaded loopback HTTP server the emulated listener, the sample service and the tests' servers share."""

from __future__ import annotations

from http.server import ThreadingHTTPServer
from socketserver import StreamRequestHandler
from typing import Any


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # never wait on a client that keeps its connection open
    request_queue_size = 256  # the default of 5 drops connections under concurrency (1 s SYN retry)

    def __init__(self, handler: type[StreamRequestHandler]) -> None:
        # Headers and body leave in one buffered write with Nagle off: small separate writes meet the peer's
        # delayed ACK and cost 40 ms a response.
        handler.disable_nagle_algorithm = True
        handler.wbufsize = 1 << 16
        super().__init__(("127.0.0.1", 0), handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client closing its kept-alive connection is normal traffic, not an error to print."""
