"""An example custom check for greenlight: a smoke test a service team owns, run as a webhook or as a Lambda check.

greenlight sends it a document (docs/check-request.schema.json): which deployment is judged, at which stage, and how to
reach GREEN (the listener's URL, and the headers and query an Amazon ECS test rule needs). It GETs each path in
SMOKE_PATHS on GREEN and answers (docs/check-answer.schema.json) `passed` when each answers 200 with JSON, `failed`
naming what did not, `inconclusive` when it ran out of time before judging. Standard library only.

As a Lambda check: deploy it (template.yaml) as a function named with the stack's CheckFunctionPrefix; its handler is
`smoke_check.handler`. As a webhook: `python smoke_check.py --port 9000` serves POST /check.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import ssl
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode, urlsplit

SMOKE_PATHS = [path for path in os.environ.get("SMOKE_PATHS", "/api/items").split(",") if path]
REQUEST_TIMEOUT_S = 5.0
MAX_BODY_BYTES = 1 << 20


class _NamedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the load balancer's address, verifying the certificate against the service's name (SNI too)."""

    def __init__(self, host: str, port: int | None, server_name: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._server_name = server_name

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._server_name)  # type: ignore[attr-defined]


def _get(green: dict[str, Any], path: str, timeout: float) -> str | None:
    """What is wrong with GREEN's answer to GET `path` (None: 200 and JSON)."""
    url = urlsplit(green["test_url"])
    server_name = green.get("server_name")
    connection: http.client.HTTPConnection
    if url.scheme == "https" and server_name:
        connection = _NamedHTTPSConnection(url.hostname or "", url.port, server_name, timeout)
    elif url.scheme == "https":
        connection = http.client.HTTPSConnection(url.hostname or "", url.port, timeout=timeout)
    else:
        connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=timeout)
    headers = {"Accept": "application/json", **green.get("headers", {})}
    if server_name and "Host" not in headers:
        headers["Host"] = server_name
    query = urlencode(green.get("query", {}))
    try:
        connection.request("GET", path + (f"?{query}" if query else ""), headers=headers)
        answer = connection.getresponse()
        body = answer.read(MAX_BODY_BYTES + 1)
    except (OSError, http.client.HTTPException) as error:
        return f"{path}: {type(error).__name__}: {error}"
    finally:
        connection.close()
    if answer.status != 200:
        return f"{path}: HTTP {answer.status}"
    try:
        json.loads(body)
    except ValueError:
        return f"{path}: the body is not JSON"
    return None


def evaluate(document: dict[str, Any]) -> dict[str, Any]:
    """The answer to one check request."""
    if not SMOKE_PATHS:  # a check with nothing to check must not vouch for the release
        return {"status": "inconclusive", "reason": "SMOKE_PATHS names no path to check on GREEN", "observed": {}}
    deadline = datetime.fromisoformat(document["deadline"].replace("Z", "+00:00")).timestamp() - 1.0
    problems, checked = [], 0
    for path in SMOKE_PATHS:
        left = deadline - time.time()
        if left <= 0:
            break
        checked += 1
        if (problem := _get(document["green"], path, min(REQUEST_TIMEOUT_S, left))) is not None:
            problems.append(problem)
    stage = document.get("stage") or document["lifecycle_event"]
    observed = {"paths": len(SMOKE_PATHS), "checked": checked, "failed": len(problems), "stage": stage}
    if problems:
        return {"status": "failed", "reason": "; ".join(problems)[:1000], "observed": observed}
    if checked < len(SMOKE_PATHS):
        reason = f"ran out of time after {checked} of {len(SMOKE_PATHS)} paths"
        return {"status": "inconclusive", "reason": reason, "observed": observed}
    paths = f"{checked} path{'' if checked == 1 else 's'}"
    reason = f"{paths} answered 200 with JSON on GREEN of {document['application']}/{document['group']}"
    return {"status": "passed", "reason": reason, "observed": observed}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda check: greenlight invokes the function with the document as its event."""
    return evaluate(event)


class _Webhook(BaseHTTPRequestHandler):
    """The webhook: POST /check with the document; the answer as JSON with HTTP 200."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if self.path != "/check" or not 0 < length <= 64 << 10:
            self._send(404 if self.path != "/check" else 400, {"error": "POST a greenlight check request to /check"})
            return
        try:
            self._send(200, evaluate(json.loads(self.rfile.read(length))))
        except (ValueError, KeyError) as error:
            self._send(400, {"error": f"not a greenlight check request: {error}"})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def main() -> None:
    parser = argparse.ArgumentParser(description="greenlight's example smoke check, as a webhook")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), _Webhook)
    print(f"smoke check listening on http://{args.host}:{server.server_address[1]}/check", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
