"""The bundled sample service: a small JSON API whose release can be good or bad, for the demo and the tests; it also
serves a custom check (POST /checks/smoke, greenlight.samples.check) a team would run beside it."""

from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from greenlight.engine.balancer.loopback import LoopbackServer
from greenlight.samples.check import SMOKE_PATH, answer_webhook

MAX_REQUEST_BYTES = 64 << 10  # a check request is a few hundred bytes


@dataclass
class Release:
    """What this release does wrong: a share of 5xx answers, slow answers, a broken health check."""

    version: str = "v2-good"
    error_ratio: float = 0.0
    slow_ratio: float = 0.0
    slow_seconds: float = 0.0
    healthy: bool = True
    slow_path: str = "/"  # only requests whose path starts with this may be slow (one endpoint's tail)


GOOD = Release()
BAD = Release(version="v3-bad", error_ratio=0.2, slow_ratio=0.1, slow_seconds=1.5)


class SampleService:
    def __init__(self, release: Release = GOOD, seed: int = 7) -> None:
        self.release = release
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                service.answer(self)

            def do_POST(self) -> None:
                announced = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(announced, MAX_REQUEST_BYTES))
                self.close_connection = announced > MAX_REQUEST_BYTES  # the rest is never read
                status, answer = answer_webhook(body) if self.path == SMOKE_PATH else (404, {"error": "not found"})
                service.send(self, status, answer)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = LoopbackServer(Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), name="sample-service", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}"

    def __enter__(self) -> SampleService:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        release = self.release
        with self._lock:
            roll_error, roll_slow = self._random.random(), self._random.random()
        body: dict[str, Any]
        if request.path.startswith("/health"):
            status, body = (200, {"status": "ok"}) if release.healthy else (503, {"status": "failing"})
        elif roll_error < release.error_ratio:
            status, body = 500, {"error": "internal error"}
        else:
            if roll_slow < release.slow_ratio and request.path.startswith(release.slow_path):
                time.sleep(release.slow_seconds)
            status, body = 200, {"version": release.version, "items": [{"id": 1, "name": "widget"}]}
        self.send(request, status, body)

    @staticmethod
    def send(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)
