"""Kept-alive HTTP/1.1 connections for the synthetic traffic: aiohttp's response parser without its request machinery.

The traffic sends the same few requests thousands of times. Through aiohttp's ClientSession, most of a loopback
request's CPU went to building request, response and connection objects (bench/synthetic_vs_hey.py). Here each
request is serialized once (`wire`) and each answer read by aiohttp's own ResponseHandler: the same C parser with
the same limits on the status line, header lines and header count, the same decompression and the same errors, so
common.http.answers names every failure as it does for common.http.client. What that client guarantees holds here
too: a total deadline per request (connection, head and body), head and body capped (after decompression), a
redirect answered is only read, never followed, and every address dialled is checked by common.http.guard first.

A connection carries one request at a time (never pipelined) and is kept for the next only after a complete answer
that did not ask to close. A kept connection the service closed meanwhile (before any byte of an answer) gets the
request once more on a new one when the method is idempotent, as browsers and Go's client do; on a new connection,
or once the service has begun to answer, a failure is the service's answer. A name's addresses are raced as
aiohttp's connector races them (happy eyeballs, RFC 8305: the next address 250 ms after the last one started), and
a name is resolved and dialled as the guard judged it: in its ASCII (IDNA 2008) form.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass

import aiohappyeyeballs
from aiohttp import ClientOSError, ServerDisconnectedError
from aiohttp.client_proto import ResponseHandler
from aiohttp.http import RawResponseMessage
from aiohttp.streams import StreamReader
from yarl import URL

from common.http.answers import (
    EXCHANGE_ERRORS,
    HEADER_OVER,
    Answer,
    AnswerCutError,
    body_over,
    elapsed_ms,
    failed,
    head_bytes,
)
from common.http.client import ReadLimits, TlsTarget, read_body
from common.http.guard import GuardedResolver, guarded_socket
from common.http.read_limits import HEADER_LINE_BYTES, MAX_HEADER_COUNT

# RFC 9110 9.2.2: a request the service may receive twice with the effect of once.
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Methods aiohttp sends without a Content-Length when there is no body; the others say `Content-Length: 0`.
BODILESS = frozenset({"GET", "HEAD", "OPTIONS"})
SENDING = frozenset({"POST", "PUT", "PATCH"})  # aiohttp gives them a Content-Type when none is given
ACCEPT_ENCODING = "gzip, deflate"  # what aiohttp asks for and decompresses (its brotli and zstd are not installed)
LINE_BREAKS = ("\r", "\n", "\0")
HAPPY_EYEBALLS_DELAY_S = 0.25  # aiohttp's connector's: the next address is tried when one has not connected by then


class Connection(ResponseHandler):
    """aiohttp's response reader, noting whether any byte of an answer came since the request was sent."""

    answering = False

    def data_received(self, data: bytes) -> None:
        if data:
            self.answering = True
        super().data_received(data)


@dataclass(frozen=True)
class Endpoint:
    """Where a connection goes, and for HTTPS how its certificate is met (None: plain HTTP)."""

    host: str
    port: int
    tls: TlsTarget | None = None

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Wire:
    """A request as it is sent, built once for every time it is."""

    endpoint: Endpoint
    method: str
    data: bytes


def wire(method: str, url: URL, headers: Mapping[str, str], body: bytes | None, tls: TlsTarget | None) -> Wire:
    """The request's bytes: `headers` over the defaults aiohttp sends (Host, Accept, Accept-Encoding, a POST's
    Content-Type), and the body's length.

    `tls` is how an HTTPS listener is met; None for an HTTPS host of `allowed_hosts` (verified under its own name).
    """
    defaults = [("Host", url.host_port_subcomponent or ""), ("Accept", "*/*"), ("Accept-Encoding", ACCEPT_ENCODING)]
    if method in SENDING:
        defaults.append(("Content-Type", "application/octet-stream"))
    fields = {name.lower(): (name, value) for name, value in [*defaults, *headers.items()]}
    if body or method not in BODILESS:
        fields["content-length"] = ("Content-Length", str(len(body or b"")))
    for name, value in fields.values():
        if any(mark in name or mark in value for mark in LINE_BREAKS):  # the config refuses them; never sent
            raise ValueError(f"header {name} holds a line break or NUL; it cannot be sent")
    lines = [f"{method} {url.raw_path_qs} HTTP/1.1", *(f"{name}: {value}" for name, value in fields.values())]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    secure = (tls or TlsTarget()) if url.scheme == "https" else None
    # The raw host: a Unicode name would go to the resolver as it is, which encodes it as IDNA 2003 (`ß` as `ss`), a
    # host other than the one common.http.guard allowed (IDNA 2008, as yarl encodes it).
    return Wire(Endpoint(str(url.raw_host), int(url.port or 0), secure), method, head + (body or b""))


class Pool:
    """Kept-alive connections to the endpoints of the traffic, each lent to one request at a time."""

    def __init__(self, limits: ReadLimits, resolver: GuardedResolver) -> None:
        self._limits = limits
        self._resolver = resolver
        self._idle: dict[Endpoint, list[Connection]] = {}
        self._contexts: dict[TlsTarget, ssl.SSLContext] = {}
        self.opened = 0  # connections made, for tests and benches to see the reuse

    async def send(self, request: Wire, deadline_s: float, keep_body: bool) -> Answer:
        """One exchange, over within `deadline_s`; a failure is an Answer naming its kind, never raised (but
        common.http.guard's refusal of a host, which is the config's problem, not the service's)."""
        started = time.perf_counter()
        try:
            async with asyncio.timeout(max(deadline_s, 0.0)):
                return await self._exchange(request, keep_body, started)
        except EXCHANGE_ERRORS as error:
            return failed(error, str(request.endpoint), started, deadline_s)

    async def close(self) -> None:
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
        self._idle.clear()
        await self._resolver.close()

    async def _exchange(self, request: Wire, keep_body: bool, started: float) -> Answer:
        connection, reused = await self._connection(request.endpoint)
        kept = False
        try:
            try:
                message, payload = await self._head(connection, request)
            except (ServerDisconnectedError, ClientOSError) as error:
                if connection.answering and isinstance(error, ServerDisconnectedError):
                    raise AnswerCutError() from error  # it was answering: its answer, never retried
                if not reused or request.method not in IDEMPOTENT or connection.answering:
                    raise
                connection.close()  # closed by the service while it was kept: once more, on a new connection
                connection = await self._connect(request.endpoint)
                message, payload = await self._head(connection, request)
            answer = await self._answer(message, payload, keep_body, started)
            kept = answer.problem is None and not connection.should_close
            return answer
        finally:  # a connection with anything unread or unsent (a timeout, a cap) is never lent again
            if kept:
                self._idle.setdefault(request.endpoint, []).append(connection)
            else:
                connection.close()

    async def _head(self, connection: Connection, request: Wire) -> tuple[RawResponseMessage, StreamReader]:
        connection.set_response_params(
            skip_payload=request.method == "HEAD",
            read_until_eof=True,  # an answer with neither length nor chunks ends when the connection does
            max_line_size=HEADER_LINE_BYTES,
            max_field_size=HEADER_LINE_BYTES,
            max_headers=MAX_HEADER_COUNT,
        )
        if connection.transport is None:
            raise ServerDisconnectedError()
        connection.answering = False
        connection.transport.write(request.data)
        while True:  # interim answers (100 Continue) are passed over, as aiohttp does
            message, payload = await connection.read()
            if not 100 <= message.code <= 199 or message.code == 101:
                return message, payload

    async def _answer(
        self, message: RawResponseMessage, payload: StreamReader, keep_body: bool, started: float
    ) -> Answer:
        if head_bytes(message.raw_headers) > self._limits.max_header_bytes:
            return Answer(message.code, elapsed_ms(started), problem=HEADER_OVER)
        body = await read_body(payload, message.headers, self._limits.max_body_bytes, keep_body)
        if body is None:
            return Answer(message.code, elapsed_ms(started), problem=body_over(self._limits.max_body_bytes))
        return Answer(message.code, elapsed_ms(started), message.headers, body)

    async def _connection(self, endpoint: Endpoint) -> tuple[Connection, bool]:
        """A kept connection still open (and whether it was kept), or a new one."""
        idle = self._idle.get(endpoint)
        while idle:
            connection = idle.pop()
            if connection.is_connected() and not connection.should_close:
                return connection, True
            connection.close()
        return await self._connect(endpoint), False

    async def _connect(self, endpoint: Endpoint) -> Connection:
        """A new connection to the first of the name's addresses to answer, raced as aiohttp races them.

        The guarded resolver refuses a name with any forbidden address before one is dialled (HostNotAllowedError,
        raised): that refusal must come from it, since a race counts a socket factory's refusal as one failed
        attempt and goes on to the next address. `guarded_socket` stays the last look at each address dialled."""
        loop = asyncio.get_running_loop()
        found = await self._resolver.resolve(endpoint.host, endpoint.port, socket.AF_UNSPEC)
        if not found:
            raise OSError(f"{endpoint.host} resolves to no address")
        addresses = [
            (entry["family"], socket.SOCK_STREAM, entry["proto"], "", (entry["host"], entry["port"])) for entry in found
        ]
        sock = await aiohappyeyeballs.start_connection(
            addresses, happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY_S, loop=loop, socket_factory=guarded_socket
        )
        context = self._context(endpoint.tls)
        server_name = (endpoint.tls.server_name or endpoint.host) if endpoint.tls else None
        try:
            _, connection = await loop.create_connection(
                lambda: Connection(loop), sock=sock, ssl=context, server_hostname=server_name
            )
        except BaseException:
            sock.close()
            raise
        self.opened += 1
        return connection

    def _context(self, tls: TlsTarget | None) -> ssl.SSLContext | None:
        if tls is None:
            return None
        if tls not in self._contexts:
            self._contexts[tls] = tls.context()
        return self._contexts[tls]
