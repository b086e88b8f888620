"""Bounded HTTP: every answer read with a total deadline and caps on its head and body.

A service under test may answer with a body of gigabytes, an endless chunked body, one byte a second, or a
status line or headers no client should accept. Each request here ends within its deadline (connection, head
and body together), holds at most `max_body_bytes` of body (and nothing when the body is not needed), and a
malformed answer is named, never raised: it is the service that is wrong.
"""

from __future__ import annotations

import asyncio
import errno
import os
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import http_exceptions
from yarl import URL

from common.config.requests import TlsConfig
from common.http.read_limits import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_HEADER_BYTES,
    HEADER_LINE_BYTES,
    MAX_HEADER_COUNT,
)
from common.payload.models import Plan

TIMEOUT = "timeout"
# What went wrong with the connection itself, named as a person debugging it would: each a failure kind of its own.
CONNECTION_REFUSED, CONNECTION_RESET, CONNECTION_FAILED = "connection refused", "connection reset", "connection failed"
TLS_HANDSHAKE = "TLS handshake failed"
CONNECTION_KINDS = (CONNECTION_REFUSED, CONNECTION_RESET, CONNECTION_FAILED)
MALFORMED_STATUS, HEADER_OVER, MALFORMED_HEADER = "malformed status line", "header over limit", "malformed header"
TRUNCATED, MALFORMED = "truncated body", "malformed answer"
TLS_CERTIFICATE = "TLS certificate"
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


@dataclass
class Answer:
    """What came back: a status, or the kind of failure (`problem`) and, for a person, `detail`."""

    status: int | None
    latency_ms: float
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    problem: str | None = None
    detail: str = ""


def size_text(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"


def body_over(limit: int) -> str:
    return f"body over {size_text(limit)}"


def session(connector: aiohttp.BaseConnector | None = None) -> aiohttp.ClientSession:
    """A session whose parser refuses long lines and too many headers before it holds them."""
    return aiohttp.ClientSession(
        connector=connector,
        max_line_size=HEADER_LINE_BYTES,
        max_field_size=HEADER_LINE_BYTES,
        max_headers=MAX_HEADER_COUNT,
        timeout=aiohttp.ClientTimeout(total=None),  # the deadline is the caller's, around the whole exchange
    )


def answer_problem(error: BaseException) -> str:
    """The failure kind of an answer the parser refused, from the exception and the ones it was raised from."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, http_exceptions.BadStatusLine):
            return MALFORMED_STATUS
        if isinstance(seen, http_exceptions.LineTooLong) or "Too many headers" in str(seen):
            return HEADER_OVER
        if isinstance(seen, http_exceptions.InvalidHeader):
            return MALFORMED_HEADER
        if isinstance(seen, http_exceptions.ContentLengthError | http_exceptions.TransferEncodingError):
            return TRUNCATED
        seen = seen.__cause__ or seen.__context__
    return MALFORMED


async def _read_body(response: aiohttp.ClientResponse, limit: int, keep: bool) -> bytes | None:
    """The body (empty when not kept), or None as soon as it is over `limit`."""
    if response.content_length is not None and response.content_length > limit:
        return None
    if response.content_length is not None and response.headers.get("Content-Encoding", "identity") == "identity":
        body = await response.read()  # the parser stops at the announced length, within the limit: one read
        return body if keep else b""
    chunks: list[bytes] = []
    received = 0
    while chunk := await response.content.readany():
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
        head_bytes = sum(len(name) + len(value) + 4 for name, value in response.raw_headers)
        if head_bytes > limits.max_header_bytes:
            response.close()
            return Answer(response.status, _ms(started), problem=HEADER_OVER)
        body = await _read_body(response, limits.max_body_bytes, keep_body)
        if body is None:
            response.close()  # never reuse a connection with an unread body
            return Answer(response.status, _ms(started), problem=body_over(limits.max_body_bytes))
        return Answer(response.status, _ms(started), response.headers, body)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


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
    except TimeoutError:
        detail = f"timeout: no complete answer within {round(deadline_s, 2):g} s"
        return Answer(None, _ms(started), problem=TIMEOUT, detail=detail)
    except (aiohttp.ClientResponseError, aiohttp.ClientPayloadError) as error:
        return Answer(getattr(error, "status", None), _ms(started), problem=answer_problem(error))
    except aiohttp.ClientConnectorCertificateError as error:
        why = str(getattr(error.certificate_error, "verify_message", error)).rstrip(".")
        detail = f"{TLS_CERTIFICATE} not accepted: {why}"
        return Answer(None, _ms(started), problem=TLS_CERTIFICATE, detail=detail)
    except aiohttp.ClientConnectorSSLError as error:
        reason = getattr(error.os_error, "reason", None) or error.os_error.strerror or type(error.os_error).__name__
        return Answer(
            None, _ms(started), problem=TLS_HANDSHAKE, detail=f"{TLS_HANDSHAKE} with {_where(request)}: {reason}"
        )
    except aiohttp.ClientConnectorError as error:
        kind = connection_kind(error.os_error)
        return Answer(None, _ms(started), problem=kind, detail=f"{kind} by {_where(request)}")
    except aiohttp.ServerDisconnectedError:
        detail = f"{CONNECTION_RESET}: {_where(request)} closed the connection without answering"
        return Answer(None, _ms(started), problem=CONNECTION_RESET, detail=detail)
    except (aiohttp.ClientError, OSError) as error:
        cause = error.__cause__ if isinstance(error.__cause__, OSError) else error
        kind = connection_kind(cause) if isinstance(cause, OSError) else CONNECTION_FAILED
        return Answer(None, _ms(started), problem=kind, detail=f"{kind} by {_where(request)}")


def connection_kind(error: OSError) -> str:
    """Refused, reset, or another failure of the connection, from the operating system's error."""
    if isinstance(error, ConnectionRefusedError) or error.errno == errno.ECONNREFUSED:
        return CONNECTION_REFUSED
    if isinstance(error, ConnectionResetError | BrokenPipeError) or error.errno in (errno.ECONNRESET, errno.EPIPE):
        return CONNECTION_RESET
    return CONNECTION_FAILED


def _where(request: dict[str, Any]) -> str:
    """host:port of a request, as the connection was made."""
    url = URL(str(request["url"]))
    return f"{url.host}:{url.port}"


def describe(answer: Answer) -> str:
    """One phrase for a person: `HTTP 200`, `timeout: no complete answer within 2 s`, `malformed status line`."""
    if answer.problem is None:
        return f"HTTP {answer.status}"
    named = (TIMEOUT, TLS_CERTIFICATE, TLS_HANDSHAKE, *CONNECTION_KINDS)
    return answer.detail if answer.problem in named and answer.detail else answer.problem


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
