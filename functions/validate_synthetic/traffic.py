"""An async request engine: a scenario sent with a traffic shape, each answer checked against its expectations."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import cycle
from typing import Any

import aiohttp
from yarl import URL

from common.config import Expectation, JsonAssertion, RequestSpec, SecretRef, SyntheticConfig
from validate_synthetic.guard import GuardedResolver, HostNotAllowedError, check_host

MISSING = object()


@dataclass
class Sample:
    request: str
    status: int | None
    latency_ms: float
    error: str | None = None  # "timeout", "connection", "refused-host" or None
    failed_expectations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failed_expectations


@dataclass
class PreparedRequest:
    label: str
    method: str
    url: URL
    headers: dict[str, str]
    body: bytes | None
    expect: Expectation


def json_path(document: Any, path: str) -> Any:
    current = document
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.lstrip("-").isdigit() and -len(current) <= int(part) < len(current):
            current = current[int(part)]
        else:
            return MISSING
    return current


def assertion_failure(document: Any, assertion: JsonAssertion) -> str | None:
    value = json_path(document, assertion.path)
    if assertion.exists is not None and (value is not MISSING) != assertion.exists:
        return f"json {assertion.path} {'missing' if value is MISSING else 'present'}"
    if "equals" in assertion.model_fields_set and value != assertion.equals:
        return (
            f"json {assertion.path} = {value if value is not MISSING else 'missing'!r}, expected {assertion.equals!r}"
        )
    if assertion.matches is not None and (value is MISSING or not re.search(assertion.matches, str(value))):
        return f"json {assertion.path} does not match /{assertion.matches}/"
    return None


def expectation_failures(expect: Expectation, status: int, headers: Any, body: bytes, latency_ms: float) -> list[str]:
    failures = []
    if status not in expect.status:
        failures.append(f"status {status}, expected {expect.status}")
    for name, pattern in expect.headers.items():
        if not re.search(pattern, headers.get(name, "")):
            failures.append(f"header {name} = {headers.get(name)!r} does not match /{pattern}/")
    if expect.json_body:
        try:
            document = json.loads(body)
        except ValueError:
            failures.append("body is not JSON")
        else:
            failures.extend(f for a in expect.json_body if (f := assertion_failure(document, a)))
    if expect.max_latency_ms is not None and latency_ms > expect.max_latency_ms:
        failures.append(f"took {latency_ms:.0f} ms, budget {expect.max_latency_ms:g} ms")
    return failures


def prepare_requests(
    base_url: str, config: SyntheticConfig, default_path: str, resolve_secret: Callable[[SecretRef], str]
) -> list[PreparedRequest]:
    """Build every request once; refuse any that would leave the allowed hosts. Secrets live only in the headers."""
    base = URL(base_url)
    allowed = {str(base.host).lower(), *(host.lower() for host in config.allowed_hosts)}
    specs = config.requests or [RequestSpec(path=default_path)]
    prepared = []
    for index, spec in enumerate(specs):
        host = spec.host or str(base.host)
        check_host(host, allowed)
        headers: dict[str, str] = {"User-Agent": "greenlight-synthetic"}
        for name, given in spec.headers.items():
            if isinstance(given, SecretRef):
                headers[name] = resolve_secret(given)
                continue
            if name.lower() == "host":
                check_host(given.split(":", 1)[0], allowed)
            headers[name] = given
        body = None
        if spec.body is not None:
            body = spec.body.encode() if isinstance(spec.body, str) else json.dumps(spec.body).encode()
            headers.setdefault("Content-Type", "application/json" if not isinstance(spec.body, str) else "text/plain")
        url = URL.build(scheme=base.scheme, host=host, port=base.port, path=spec.path, query=spec.query or None)
        label = spec.name or f"#{index} {spec.method} {spec.path}"
        prepared.append(PreparedRequest(label, spec.method, url, headers, body, spec.expect))
    return prepared


async def send(session: aiohttp.ClientSession, request: PreparedRequest) -> Sample:
    started = time.perf_counter()
    try:
        async with session.request(
            request.method, request.url, headers=request.headers, data=request.body, allow_redirects=False
        ) as response:
            body = await response.read()
            latency_ms = (time.perf_counter() - started) * 1000
            failures = expectation_failures(request.expect, response.status, response.headers, body, latency_ms)
            return Sample(request.label, response.status, latency_ms, None, failures)
    except HostNotAllowedError:
        return Sample(request.label, None, (time.perf_counter() - started) * 1000, "refused-host")
    except TimeoutError:
        return Sample(request.label, None, (time.perf_counter() - started) * 1000, "timeout")
    except (aiohttp.ClientError, OSError):
        return Sample(request.label, None, (time.perf_counter() - started) * 1000, "connection")


async def run_traffic(
    requests: list[PreparedRequest], total: int, duration_seconds: float | None, concurrency: int, timeout: float
) -> list[Sample]:
    """Send `total` requests (or keep sending for `duration_seconds`) over at most `concurrency` connections."""
    samples: list[Sample] = []
    order = cycle(requests)
    deadline = time.monotonic() + duration_seconds if duration_seconds else None
    budget = total if deadline is None else None
    connector = aiohttp.TCPConnector(limit=concurrency, resolver=GuardedResolver(), force_close=False)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session:

        async def worker() -> None:
            nonlocal budget
            while True:
                if deadline is not None and time.monotonic() >= deadline:
                    return
                if budget is not None:
                    if budget <= 0:
                        return
                    budget -= 1
                samples.append(await send(session, next(order)))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return samples
