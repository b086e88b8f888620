"""The emulated ALB's side of an exchange with the service under test: bounded as an ALB bounds it.

The head (status line and headers) must arrive within the listener's upstream timeout, whole: a watchdog shuts
the socket when the time is up, so a head trickling in cannot hold the listener. Each line is bounded by
http.client (64 KiB, at most 100 headers) and all the headers together by the ALB's own limit for a target's
response, 32 KiB (Elastic Load Balancing quotas, "HTTP headers"); a head that breaks any of these is the ALB's
502, as for a malformed answer. The body is relayed as it comes, chunk by chunk, never held whole: a body of
gigabytes or an endless one costs one chunk of memory and ends when the client goes away.
"""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from io import BufferedIOBase

RESPONSE_HEADER_LIMIT_BYTES = 32 << 10
RELAY_CHUNK_BYTES = 64 << 10
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"}


# Why the ALB answers for the target, with its status and whether a connection to the target was established
# (TargetConnectionErrorCount counts only connections that were not): the ALB troubleshooting page's causes.
FAILURES = {
    "connect-timeout": (504, True),  # no connection within the connection timeout
    "refused": (502, True),  # refused or reset while connecting
    "timeout": (504, False),  # connected, no answer in time
    "reset": (502, False),  # connected, then closed or reset before an answer
    "malformed": (502, False),  # connected, an answer that cannot be parsed or is over the limits
}


@dataclass
class Head:
    """What came back before the body: the target's response, or why the ALB answers for it (FAILURES)."""

    response: http.client.HTTPResponse | None
    failure: str | None = None


@contextmanager
def deadline(connection: http.client.HTTPConnection, seconds: float) -> Iterator[threading.Event]:
    """Shut the connection's socket when `seconds` pass; the event says whether that happened."""
    fired = threading.Event()

    def expire() -> None:
        fired.set()
        if connection.sock is not None:
            with suppress(OSError):  # already closed: nothing left to stop
                connection.sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield fired
    finally:
        timer.cancel()


def quick_ack(connection: http.client.HTTPConnection) -> None:
    """ACK the target's answer at once: a target that writes its head and body apart (Python's http.server does)
    has its body held by Nagle's algorithm until the head is ACKed, and a delayed ACK costs 40 ms an answer on a
    kept-alive connection. Linux resets the flag as it goes, so it is set again for each request."""
    if connection.sock is not None and hasattr(socket, "TCP_QUICKACK"):
        with suppress(OSError):
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


def head_bytes(response: http.client.HTTPResponse) -> int:
    return sum(len(name) + len(value) + 4 for name, value in response.getheaders())


def open_response(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict[str, str],
    timeout: float,
    header_limit: int = RESPONSE_HEADER_LIMIT_BYTES,
) -> Head:
    """Connect (unless the connection is a kept-alive one), send the request and read the head within `timeout`,
    bounded; the body is left to `relay`."""
    if connection.sock is None:
        try:
            connection.connect()
        except TimeoutError:
            return Head(None, "connect-timeout")
        except OSError:
            return Head(None, "refused")
    with deadline(connection, timeout) as fired:
        try:
            connection.request(method, path, body=body, headers=headers)
            quick_ack(connection)
            response = connection.getresponse()
        except TimeoutError:
            return Head(None, "timeout")
        except OSError:
            return Head(None, "timeout" if fired.is_set() else "reset")
        except http.client.HTTPException:  # bad status line, a line over 64 KiB, over 100 headers
            return Head(None, "timeout" if fired.is_set() else "malformed")
    if head_bytes(response) > header_limit:
        response.close()
        return Head(None, "malformed")
    return Head(response)


def drain(connection: http.client.HTTPConnection, response: http.client.HTTPResponse, timeout: float) -> None:
    """Read and drop a short body of announced length, within `timeout`: closing with the target's answer unread
    resets the connection while the target may still write (a broken pipe in its log for every health check). Any
    other body (endless, chunked, or on a connection the target closes itself) is left unread: the health check's
    thread must never wait on it."""
    bounded = response.length is not None and response.length <= RELAY_CHUNK_BYTES
    if not bounded or response.will_close or connection.sock is None:
        return
    with deadline(connection, timeout), suppress(OSError, ValueError, http.client.HTTPException):
        response.read()


def relay(
    response: http.client.HTTPResponse, out: BufferedIOBase, chunked: bool, body_read: Callable[[], None]
) -> bool:
    """Copy the body to `out` as it comes, one chunk at a time; False when either side broke off.

    `body_read` is called once the target's answer is all read, before its last bytes go to the client: the
    connection is free for the next request before the client can send one (else that request would find the pool
    empty and open a second connection, as often as the machine is slow)."""
    done = False
    try:
        while chunk := response.read1(RELAY_CHUNK_BYTES):
            if response.length == 0 and not done:  # all it announced is read (http.client leaves the response open)
                done = True
                body_read()
            out.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            out.flush()  # each chunk leaves at once: a client that went away is noticed at the next one
        if response.length:  # the target closed before the length it announced: the client must see it cut
            return False
        if not done:
            body_read()
        if chunked:
            out.write(b"0\r\n\r\n")
            out.flush()
    except (OSError, ValueError, http.client.HTTPException):  # the client left, the target broke off or went idle
        return False
    return True


@dataclass(frozen=True)
class ElbAnswer:
    """What the load balancer answered a request with, and whether that answer came from the target."""

    status: int | None = None
    from_target: bool = False
    connection_error: bool = False  # no connection to the target could be established

    @classmethod
    def of(cls, target_status: int | None, failure: str | None) -> ElbAnswer:
        if target_status is not None:
            return cls(target_status, from_target=True)
        status, connection_error = FAILURES.get(failure or "", (502, False))
        return cls(status, connection_error=connection_error)


def answer_for_target(request: BaseHTTPRequestHandler, failure: str | None) -> None:
    """The ALB's own answer when the target gave none it could use: 504 after a timeout, 502 otherwise."""
    status, _ = FAILURES.get(failure or "", (502, False))
    payload = b"504 Gateway Time-out" if status == 504 else b"502 Bad Gateway"
    request.send_response(status)
    request.send_header("Content-Length", str(len(payload)))
    request.end_headers()
    if request.command != "HEAD":
        request.wfile.write(payload)


def relay_response(
    request: BaseHTTPRequestHandler, response: http.client.HTTPResponse, body_read: Callable[[], None]
) -> bool:
    """The target's answer, streamed: with its length when it gave one, chunked otherwise. False when cut short.
    `body_read`: the target's answer is all read (its connection is free), called before the client has it all."""
    request.send_response(response.status)
    for name, value in response.getheaders():
        if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
            request.send_header(name, value)
    length = response.length if response.length is not None and not response.chunked else None
    bodiless = request.command == "HEAD" or response.status in (204, 304)
    if bodiless or length is not None:
        request.send_header("Content-Length", str(length or response.getheader("Content-Length") or 0))
    else:
        request.send_header("Transfer-Encoding", "chunked")
    if bodiless:
        response.close()  # nothing follows the head: the exchange is over and the connection reusable
        body_read()
        request.end_headers()
        return True
    request.end_headers()
    if not relay(response, request.wfile, length is None, body_read):
        request.close_connection = True  # cut short: the client must not wait for the rest
        return False
    return True


def answer_elsewhere(request: BaseHTTPRequestHandler) -> None:
    """A request the test rule does not match goes to the production rule's target group (BLUE), which the local
    engine does not run: answered 503, as an ALB answers for a target group without targets, and kept out of
    GREEN's metrics."""
    payload = b"503 Service Temporarily Unavailable (not routed to GREEN: the test rule's conditions were not met)"
    request.send_response(503)
    request.send_header("Content-Length", str(len(payload)))
    request.end_headers()
    if request.command != "HEAD":
        request.wfile.write(payload)
