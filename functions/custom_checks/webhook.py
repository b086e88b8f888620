"""A webhook check: the document POSTed as JSON, the answer read with the synthetic engine's bounded client.

The same bounds as every request greenlight sends: one deadline for connection, head and body (the check's
`timeout_seconds`), capped head and body (an answer over 1 MiB is refused unread), no redirect followed, and the
host guard: only the host the webhook's URL names, judged again on every address it resolves to and right before
connecting, so link-local, metadata and unspecified addresses are never reached.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from yarl import URL

from common.config import SecretRef, WebhookCheck
from common.http import client as http
from common.http import guard
from common.http.read_limits import DEFAULT_MAX_HEADER_BYTES
from common.payload.check_contract import MAX_ANSWER_BYTES
from common.payload.limits import cut_text
from common.secrets.values import SecretResolver, header_value
from custom_checks.answer import Reply

USER_AGENT = "greenlight-check"
BODY_QUOTE_CHARACTERS = 200  # of a refused answer's body, in its reason: enough to recognise an error page


def headers_for(check: WebhookCheck, resolve: SecretResolver) -> dict[str, str]:
    """The request's headers: greenlight's own, then the config's, secrets read now (and registered for redaction)."""
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    for name, given in check.headers.items():
        headers[name] = header_value(name, resolve(given)) if isinstance(given, SecretRef) else given
    return headers


async def _post(url: URL, headers: dict[str, str], body: bytes, deadline_s: float) -> http.Answer:
    connector = aiohttp.TCPConnector(
        limit=1, force_close=True, resolver=guard.GuardedResolver(), socket_factory=guard.guarded_socket
    )
    async with http.session(connector) as client:
        request: dict[str, Any] = {"method": "POST", "url": url, "headers": headers, "data": body}
        request |= http.TlsTarget().options(url)
        limits = http.ReadLimits(MAX_ANSWER_BYTES, DEFAULT_MAX_HEADER_BYTES)
        return await http.fetch(client, request, limits, deadline_s)


def _refused(answer: http.Answer) -> str:
    status = answer.status
    text = cut_text(answer.body.decode("utf-8", errors="replace").strip(), BODY_QUOTE_CHARACTERS)
    quoted = f": {text}" if text else ""
    if status is not None and 300 <= status < 400:
        return f"the webhook answered HTTP {status}, a redirect, which is not followed: give the final URL"
    return f"the webhook answered HTTP {status}{quoted}"


def call_webhook(check: WebhookCheck, document: dict[str, Any], resolve: SecretResolver) -> Reply:
    """POST the document to the webhook; its answer's bytes, or why there is none."""
    url = URL(check.url)
    try:
        guard.check_host(str(url.host), guard.allowed_set(str(url.host), []))
    except guard.HostNotAllowedError as error:
        return Reply(None, f"the webhook's host may not be called: {error}")
    headers = headers_for(check, resolve)
    body = json.dumps(document).encode()
    try:
        answer = asyncio.run(_post(url, headers, body, check.timeout_seconds))
    except guard.HostNotAllowedError as error:
        return Reply(None, f"the webhook's host may not be called: {error}")
    details = {"http_status": answer.status} if answer.status is not None else {}
    if answer.problem is not None:
        return Reply(None, f"the webhook gave no usable answer: {http.describe(answer)}", answer.latency_ms, details)
    if answer.status is None or not 200 <= answer.status < 300:
        return Reply(None, _refused(answer), answer.latency_ms, details)
    return Reply(answer.body, None, answer.latency_ms, details)
