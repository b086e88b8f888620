"""What an HTTP exchange gave back, and each way it can fail named as a person debugging it would.

Shared by the two clients that read services: common.http.client (aiohttp's session: health probes, webhooks) and the
synthetic traffic's kept-alive connections (validate_synthetic.keepalive). Both raise aiohttp's parser errors
and the socket's own; `failed` names either the same way, so a kind means one thing whichever client met it.
"""

from __future__ import annotations

import errno
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import chain

import aiohttp
from aiohttp import http_exceptions

TIMEOUT = "timeout"
# What went wrong with the connection itself: each a failure kind of its own.
CONNECTION_REFUSED, CONNECTION_RESET, CONNECTION_FAILED = "connection refused", "connection reset", "connection failed"
TLS_HANDSHAKE = "TLS handshake failed"
CONNECTION_KINDS = (CONNECTION_REFUSED, CONNECTION_RESET, CONNECTION_FAILED)
MALFORMED_STATUS, HEADER_OVER, MALFORMED_HEADER = "malformed status line", "header over limit", "malformed header"
TRUNCATED, MALFORMED = "truncated body", "malformed answer"
TLS_CERTIFICATE = "TLS certificate"
# What the exchanges raise when they fail (anything else is a bug, and raised).
EXCHANGE_ERRORS = (TimeoutError, aiohttp.ClientError, http_exceptions.HttpProcessingError, OSError)


class AnswerCutError(aiohttp.ServerDisconnectedError):
    """The service closed the connection after part of its answer came (validate_synthetic.keepalive raises it)."""


@dataclass
class Answer:
    """What came back: a status, or the kind of failure (`problem`) and, for a person, `detail`."""

    status: int | None
    latency_ms: float
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    problem: str | None = None
    detail: str = ""


def elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def size_text(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"


def body_over(limit: int) -> str:
    return f"body over {size_text(limit)}"


def head_bytes(raw_headers: tuple[tuple[bytes, bytes], ...]) -> int:
    """The size of a head's header lines as sent (name, `: `, value, CRLF)."""
    return sum(map(len, chain.from_iterable(raw_headers))) + 4 * len(raw_headers)


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


def connection_kind(error: OSError) -> str:
    """Refused, reset, or another failure of the connection, from the operating system's error."""
    if isinstance(error, ConnectionRefusedError) or error.errno == errno.ECONNREFUSED:
        return CONNECTION_REFUSED
    if isinstance(error, ConnectionResetError | BrokenPipeError) or error.errno in (errno.ECONNRESET, errno.EPIPE):
        return CONNECTION_RESET
    return CONNECTION_FAILED


def failed(error: BaseException, where: str, started: float, deadline_s: float) -> Answer:
    """The answer of an exchange with `where` (host:port) that raised `error`, one of EXCHANGE_ERRORS."""
    latency_ms = elapsed_ms(started)
    if isinstance(error, TimeoutError):
        detail = f"timeout: no complete answer within {round(deadline_s, 2):g} s"
        return Answer(None, latency_ms, problem=TIMEOUT, detail=detail)
    if isinstance(
        error, aiohttp.ClientResponseError | aiohttp.ClientPayloadError | http_exceptions.HttpProcessingError
    ):
        return Answer(getattr(error, "status", None), latency_ms, problem=answer_problem(error))
    certificate = getattr(error, "certificate_error", error)  # aiohttp wraps the ssl module's error, a socket does not
    if isinstance(certificate, ssl.SSLCertVerificationError):
        why = str(getattr(certificate, "verify_message", None) or certificate).rstrip(".")
        return Answer(None, latency_ms, problem=TLS_CERTIFICATE, detail=f"{TLS_CERTIFICATE} not accepted: {why}")
    handshake = error.os_error if isinstance(error, aiohttp.ClientConnectorSSLError) else error
    if isinstance(handshake, ssl.SSLError):
        reason = getattr(handshake, "reason", None) or handshake.strerror or type(handshake).__name__
        return Answer(None, latency_ms, problem=TLS_HANDSHAKE, detail=f"{TLS_HANDSHAKE} with {where}: {reason}")
    if isinstance(error, aiohttp.ClientConnectorError):
        kind = connection_kind(error.os_error)
        return Answer(None, latency_ms, problem=kind, detail=f"{kind} by {where}")
    if isinstance(error, aiohttp.ServerDisconnectedError):
        # aiohttp gives the head it had read when the answer was cut within its head; keepalive says it was cut
        cut = isinstance(error, AnswerCutError) or not isinstance(error.message, str)
        how = "in the middle of its answer" if cut else "without answering"
        detail = f"{CONNECTION_RESET}: {where} closed the connection {how}"
        return Answer(None, latency_ms, problem=CONNECTION_RESET, detail=detail)
    cause = error.__cause__ if isinstance(error.__cause__, OSError) else error
    kind = connection_kind(cause) if isinstance(cause, OSError) else CONNECTION_FAILED
    return Answer(None, latency_ms, problem=kind, detail=f"{kind} by {where}")


def describe(answer: Answer) -> str:
    """One phrase for a person: `HTTP 200`, `timeout: no complete answer within 2 s`, `malformed status line`."""
    if answer.problem is None:
        return f"HTTP {answer.status}"
    named = (TIMEOUT, TLS_CERTIFICATE, TLS_HANDSHAKE, *CONNECTION_KINDS)
    return answer.detail if answer.problem in named and answer.detail else answer.problem
