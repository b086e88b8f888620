"""A service as a newcomer writes one: Python's stock ThreadingHTTPServer, its listen backlog left at 5."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ITEMS = {"items": [{"id": 1, "name": "first"}], "version": "2.0"}


class OrdersHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as any JSON API that sets Content-Length can

    def do_GET(self) -> None:
        body = json.dumps(ITEMS if self.path.startswith("/api/items") else {"status": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def stock_service(handler: type[BaseHTTPRequestHandler] = OrdersHandler) -> Iterator[str]:
    """Serve on a loopback port with nothing tuned (request_queue_size stays 5); yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    assert server.request_queue_size == 5  # the stock backlog: what this helper is for
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
