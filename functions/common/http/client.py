"""Bounded HTTP: every answer read with a total deadline and caps on its head and body.

A service under test may answer with a body of gigabytes, an endless chunked body, one byte a second, or a
status line or headers no client should accept. Each request here ends within its deadline (connection, head
and body together), holds at most `max_body_bytes` of body (and nothing when the body is not needed), and a
malformed answer is named, never raised: it is the service that is wrong.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp.streams import EMPTY_PAYLOAD
from yarl import URL

from common.config.requests import TlsConfig
from common.http.answers import (
    EXCHANGE_ERRORS,
    HEADER_OVER,
    TIMEOUT,
    Answer,
    body_over,
    describe,
    elapsed_ms,
    failed,
    head_bytes,
)
from common.http.read_limits import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_HEADER_BYTES,
    HEADER_LINE_BYTES,
    MAX_HEADER_COUNT,
)
from common.payload.models import Plan

# A CA file trusted besides the system's (the local engine's own CA for its HTTPS listener); unset on Lambda.
CA_BUNDLE_VARIABLE = "GREENLIGHT_CA_BUNDLE"


@dataclass(frozen=True)
class TlsTarget:
    """How to meet an HTTPS listener: the name its certificate must carry (SNI, verification and Host), or no
    verification at all. For plain HTTP it changes nothing."""

    server_name: str | None = None
    verify: bool = True

    def options(self, url: URL) -> dict[str, Any]:
        """aiohttp request options for `url`: its SSL context (or none: not verified) and the name for SNI."""
        if url.scheme != "https":
            return {}
        context: ssl.SSLContext | bool = ssl_context() if self.verify else False
        return {"ssl": context} | ({"server_hostname": self.server_name} if self.server_name else {})

    def context(self) -> ssl.SSLContext:
        """The SSL context of a connection to an HTTPS listener: verified (`ssl_context`), or not at all."""
        if self.verify:
            return ssl_context()
        unverified = ssl.create_default_context()
        unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
        return unverified

    def host_header(self, url: URL) -> dict[str, str]:
        """The Host header a client of `server_name` sends (with the port when it is not the scheme's default)."""
        if url.scheme != "https" or not self.server_name:
            return {}
        return {"Host": self.server_name if url.is_default_port() else f"{self.server_name}:{url.port}"}


def tls_target(plan: Plan) -> TlsTarget:
    """How this run meets an HTTPS listener: Prepare's server name, and whether the config verifies it."""
    return TlsTarget(plan.server_name, TlsConfig.model_validate(plan.config.get("tls", {})).verify)


@dataclass(frozen=True)
class GreenRequest:
    """Where a GET reaches GREEN through the listener, and what it must carry to get there."""

    url: str
    tls: TlsTarget = field(default_factory=TlsTarget)
    headers: dict[str, str] = field(default_factory=dict)


def toward_green(plan: Plan, path: str) -> GreenRequest:
    """`path` on the listener that routes to GREEN, with what its rule needs (an ECS test rule's host, header and
    query conditions) and the TLS name of an HTTPS listener."""
    url = plan.test_url.rstrip("/") + path
    if plan.test_request.query:
        url = str(URL(url).update_query(plan.test_request.query))
    return GreenRequest(url, tls_target(plan), plan.test_request.all_headers())


def ssl_context() -> ssl.SSLContext:
    """The system's trusted CAs, and the file named by GREENLIGHT_CA_BUNDLE when it is set."""
    context = ssl.create_default_context()
    extra = os.environ.get(CA_BUNDLE_VARIABLE)
    if extra:
        context.load_verify_locations(cafile=extra)
    return context


@dataclass(frozen=True)
class ReadLimits:
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES


def session(connector: aiohttp.BaseConnector | None = None) -> aiohttp.ClientSession:
    """A session whose parser refuses long lines and too many headers before it holds them."""
    return aiohttp.ClientSession(
        connector=connector,
        max_line_size=HEADER_LINE_BYTES,
        max_field_size=HEADER_LINE_BYTES,
        max_headers=MAX_HEADER_COUNT,
        timeout=aiohttp.ClientTimeout(total=None),  # the deadline is the caller's, around the whole exchange
    )


async def read_body(content: aiohttp.StreamReader, headers: Mapping[str, str], limit: int, keep: bool) -> bytes | None:
    """The body (empty when not kept), or None as soon as it is over `limit`."""
    if content is EMPTY_PAYLOAD:  # no body follows (HEAD, 204, 304), whatever Content-Length announces
        return b""
    announced = headers.get("Content-Length")
    length = int(announced) if announced is not None and announced.isdigit() else None
    if length is not None and length > limit:
        return None
    if length is not None and headers.get("Content-Encoding", "identity") == "identity":
        # The parser stops at the announced length, within the limit: one read, and none to wait for when it all came.
        body = content.read_nowait() if content.is_eof() else await content.read()
        return body if keep else b""
    chunks: list[bytes] = []
    received = 0
    while chunk := await content.readany():
        received += len(chunk)
        if received > limit:
            return None
        if keep:
            chunks.append(chunk)
    return b"".join(chunks)


async def _exchange(
    client: aiohttp.ClientSession, request: dict[str, Any], limits: ReadLimits, keep_body: bool, started: float
) -> Answer:
    async with client.request(**request, allow_redirects=False) as response:
        if head_bytes(response.raw_headers) > limits.max_header_bytes:
            response.close()
            return Answer(response.status, elapsed_ms(started), problem=HEADER_OVER)
        body = await read_body(response.content, response.headers, limits.max_body_bytes, keep_body)
        if body is None:
            response.close()  # never reuse a connection with an unread body
            return Answer(response.status, elapsed_ms(started), problem=body_over(limits.max_body_bytes))
        return Answer(response.status, elapsed_ms(started), response.headers, body)


async def fetch(
    client: aiohttp.ClientSession,
    request: dict[str, Any],
    limits: ReadLimits,
    deadline_s: float,
    keep_body: bool = True,
) -> Answer:
    """One request (`method`, `url`, `headers`, `data`), never a redirect followed, over within `deadline_s`."""
    started = time.perf_counter()
    try:
        async with asyncio.timeout(max(deadline_s, 0.0)):
            return await _exchange(client, request, limits, keep_body, started)
    except EXCHANGE_ERRORS as error:
        return failed(error, _where(request), started, deadline_s)


def _where(request: dict[str, Any]) -> str:
    """host:port of a request, as the connection was made."""
    url = URL(str(request["url"]))
    return f"{url.host}:{url.port}"


async def _probe(url: str, deadline_s: float, limits: ReadLimits, tls: TlsTarget, headers: Mapping[str, str]) -> Answer:
    connector = aiohttp.TCPConnector(force_close=True)  # a new connection per probe, as a health check makes
    async with session(connector) as client:
        target = URL(url)
        sent = {"User-Agent": "greenlight-health"} | tls.host_header(target) | dict(headers)
        request = {"method": "GET", "url": target, "headers": sent, **tls.options(target)}
        return await fetch(client, request, limits, deadline_s, keep_body=False)


def probe(
    url: str,
    timeout: float,
    limits: ReadLimits | None = None,
    tls: TlsTarget | None = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[int | None, str]:
    """One GET, no redirects followed, over within `timeout` seconds, body drained up to the cap and dropped.
    `headers` are what a listener rule's conditions need (an ECS test rule's host or header).

    Returns the status (None when no usable answer came back) and a description of the answer.
    """
    answer = asyncio.run(_probe(url, timeout, limits or ReadLimits(), tls or TlsTarget(), headers or {}))
    return (answer.status if answer.problem is None else None), describe(answer)


# Answer, describe and TIMEOUT come with the client: its callers read them from here.
__all__ = [
    "CA_BUNDLE_VARIABLE",
    "TIMEOUT",
    "Answer",
    "GreenRequest",
    "ReadLimits",
    "TlsTarget",
    "describe",
    "fetch",
    "probe",
    "read_body",
    "session",
    "ssl_context",
    "tls_target",
    "toward_green",
]
