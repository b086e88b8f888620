"""The threaded loopback HTTP server the emulated listener, the sample service and the tests' servers share.

It sleeps between connections: socketserver's own loop wakes every `poll_interval` to see whether it was asked to
shut down (50 times a second for the listener), which a waiting run paid for; here `shutdown()` wakes it instead.
"""

from __future__ import annotations

import os
import selectors
import threading
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
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        self._wake_descriptors: tuple[int, ...] = (self._wake_read, self._wake_write)
        self._stopping = False
        self._served = threading.Event()
        self._served.set()  # not serving: shutdown() has nothing to wait for

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Serve until `shutdown()`, asleep while no connection arrives (`poll_interval` is socketserver's, unused)."""
        self._served.clear()
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self, selectors.EVENT_READ)
                selector.register(self._wake_read, selectors.EVENT_READ)
                while not self._stopping:
                    for key, _ in selector.select():
                        if key.fileobj is self:
                            self._handle_request_noblock()  # type: ignore[attr-defined]  # as socketserver does
                        else:
                            os.read(self._wake_read, 64)
                    self.service_actions()
        finally:
            self._stopping = False
            self._served.set()

    def shutdown(self) -> None:
        """Stop `serve_forever` (called from another thread) and wait until it has returned."""
        self._stopping = True
        os.write(self._wake_write, b"\0")
        self._served.wait()

    def server_close(self) -> None:
        super().server_close()
        descriptors, self._wake_descriptors = self._wake_descriptors, ()
        for descriptor in descriptors:  # once: a second close could close a number reused meanwhile
            os.close(descriptor)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client closing its kept-alive connection is normal traffic, not an error to print."""
