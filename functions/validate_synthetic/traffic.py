"""An async request engine: a scenario sent with a traffic shape, each answer checked against its expectations.

Every answer is read bounded on kept-alive connections (validate_synthetic.keepalive, with common.http.client's caps): a
total deadline per request that never outlasts the check's own, capped heads and bodies, malformed answers named as
the kind of failure they are. Expectation regexes run in
RE2 (linear time) and JSON bodies are parsed only when shallow enough (common.http.bounded_json), so no answer can
hold the event loop that every other request shares.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from functools import cached_property
from itertools import cycle
from typing import Any, TypeVar

from yarl import URL

try:
    import uvloop
except ImportError:  # no build of it for Windows: the standard loop sends the same traffic, more slowly
    uvloop = None  # type: ignore[assignment]

from common.config import Expectation, RequestSpec, SecretRef, SyntheticConfig
from common.http import bounded_json
from common.http import client as http
from common.http.assertions import as_json, assertion_failure
from common.http.guard import GuardedResolver, HostNotAllowedError, allowed_set, check_host, check_host_header
from common.http.patterns import search
from common.secrets.values import header_value
from validate_synthetic.keepalive import Pool, Wire, wire

REFUSED_HOST = "refused-host"
# What an Application Load Balancer's own errors mean (ALB troubleshooting, "The load balancer generates an HTTP
# error"): behind the test listener, these are how a refused, reset or silent target shows.
BALANCER_ANSWERS = {
    502: "as a load balancer answers when it could not connect to the target (connection refused or reset) or the "
    "target's answer was malformed",
    503: "as a load balancer answers when the target group has no registered target to route to",
    504: "as a load balancer answers when the target did not accept the connection or answer in time",
}
T = TypeVar("T")


def run_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run the traffic to its end on uvloop's event loop (libuv), which sends about 1.4 times the requests per second
    of asyncio's own from one core (bench/synthetic_vs_hey.py)."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop if uvloop is not None else None) as runner:
        return runner.run(coroutine)


@dataclass
class Sample:
    request: str
    status: int | None
    latency_ms: float
    error: str | None = None  # the failure kind: "timeout", "connection refused", "refused-host", "body over 1 MiB"
    failed_expectations: list[str] = field(default_factory=list)
    slow: bool = False  # slower than its request's max_latency_ms, a timeout too (judged per request, not here)
    detail: str = ""  # the failure for a person: "connection refused by 10.0.1.5:8080"

    @property
    def ok(self) -> bool:
        """A right answer, however slow: latency is judged per request kind and overall (validate_synthetic.checks)."""
        return self.error is None and not self.failed_expectations

    @property
    def complete(self) -> bool:
        """An answer whose latency says something about the service (a cut-off or refused one does not)."""
        return self.status is not None and self.error is None

    @property
    def timed(self) -> bool:
        """A request whose latency counts against its own request's limits: a complete answer, or none within the
        deadline, which is slower than the time waited. Leaving timeouts out would drop the slowest answers from the
        request's p99 and slow answers, so an endpoint's tail could hide in the error budget by never answering."""
        return self.complete or self.error == http.TIMEOUT


@dataclass
class PreparedRequest:
    label: str
    method: str
    url: URL
    headers: dict[str, str]
    body: bytes | None
    expect: Expectation
    tls: http.TlsTarget | None = None  # how the HTTPS listener is met (SNI, verification); None for other hosts

    @property
    def needs_body(self) -> bool:
        return bool(self.expect.json_body)

    @cached_property
    def wire(self) -> Wire:
        return wire(self.method, self.url, self.headers, self.body, self.tls)


def expectation_failures(expect: Expectation, status: int, headers: Any, body: bytes) -> list[str]:
    """What is wrong with an answer (status, headers, JSON); its latency is judged apart (Sample.slow)."""
    failures = []
    if status not in expect.status:
        wanted = " or ".join(str(code) for code in expect.status)
        if status in BALANCER_ANSWERS:  # most likely the load balancer's own: its body says nothing of the service
            return [f"status {status}, expected {wanted} ({BALANCER_ANSWERS[status]})"]
        failures.append(f"status {status}, expected {wanted}")
    for name, pattern in (expect.headers or {}).items():
        seen = headers.get(name)
        # A missing header fails, whatever the pattern: `.*` would match the empty text and check nothing.
        if seen is None or not search(pattern, seen):
            shown = "missing" if seen is None else f"= {as_json(seen)}"
            failures.append(f"header {name} {shown}, expected to match /{pattern}/")
    if expect.json_body:
        try:
            document = bounded_json.parse(body)
        except bounded_json.JsonBodyError as error:
            failures.append(str(error))
        else:
            failures.extend(f for a in expect.json_body if (f := assertion_failure(document, a)))
    return failures


def _headers(spec: RequestSpec, allowed: set[str], resolve_secret: Callable[[SecretRef], str]) -> dict[str, str]:
    """The request's headers, secrets resolved; every Host header is checked whatever its source."""
    headers: dict[str, str] = {"User-Agent": "greenlight-synthetic"}
    for name, given in spec.headers.items():
        value = header_value(name, resolve_secret(given)) if isinstance(given, SecretRef) else given
        if name.lower() == "host":
            try:
                check_host_header(value, allowed)
            except HostNotAllowedError:
                if not isinstance(given, SecretRef):
                    raise
                # The reason would quote the secret: say which header, not what it holds.
                raise HostNotAllowedError(
                    f"header {name} read from a secret names a host requests may not reach"
                ) from None
        headers[name] = value
    return headers


def prepare_requests(
    base_url: str,
    config: SyntheticConfig,
    default_path: str,
    resolve_secret: Callable[[SecretRef], str],
    tls: http.TlsTarget | None = None,
) -> list[PreparedRequest]:
    """Build every request once; refuse any that would leave the allowed hosts. Secrets live only in the headers.

    A request to an HTTPS listener carries its server name (`tls`) as SNI and Host, and is verified against it.
    """
    tls = tls or http.TlsTarget()
    base = URL(base_url)
    listener_names = [tls.server_name] if tls.server_name else []
    allowed = allowed_set(str(base.host), [*config.allowed_hosts, *listener_names])
    specs = config.requests or [RequestSpec(path=default_path)]
    prepared = []
    for index, spec in enumerate(specs):
        host = check_host(spec.host or str(base.host), allowed)
        to_listener = spec.host is None
        given = _headers(spec, allowed, resolve_secret)
        own_host = any(name.lower() == "host" for name in given)
        headers = (tls.host_header(base) if to_listener and not own_host else {}) | given
        body = None
        if spec.body is not None:
            body = spec.body.encode() if isinstance(spec.body, str) else json.dumps(spec.body).encode()
            headers.setdefault("Content-Type", "application/json" if not isinstance(spec.body, str) else "text/plain")
        url = URL.build(scheme=base.scheme, host=host, port=base.port, path=spec.path, query=spec.query or None)
        label = spec.name or f"#{index} {spec.method} {spec.path}"
        request = PreparedRequest(label, spec.method, url, headers, body, spec.expect, tls if to_listener else None)
        prepared.append(request)
        request.wire  # noqa: B018 (built here, so a header that cannot be sent stops the check before any traffic)
    return prepared


async def send(pool: Pool, request: PreparedRequest, deadline_s: float) -> Sample:
    """One request, over within `deadline_s`; the answer judged, or its failure kind recorded."""
    started = time.perf_counter()
    try:
        answer = await pool.send(request.wire, deadline_s, keep_body=request.needs_body)
    except HostNotAllowedError:
        return Sample(request.label, None, (time.perf_counter() - started) * 1000, REFUSED_HOST)
    budget = request.expect.max_latency_ms
    if answer.problem is not None:
        slow = answer.problem == http.TIMEOUT and budget is not None and answer.latency_ms > budget
        return Sample(request.label, answer.status, answer.latency_ms, answer.problem, slow=slow, detail=answer.detail)
    assert answer.status is not None  # an answer without a problem has its status
    failures = expectation_failures(request.expect, answer.status, answer.headers, answer.body)
    return Sample(
        request.label,
        answer.status,
        answer.latency_ms,
        None,
        failures,
        budget is not None and answer.latency_ms > budget,
    )


async def run_traffic(
    requests: list[PreparedRequest],
    total: int,
    duration_seconds: float | None,
    concurrency: int,
    timeout: float,
    deadline_s: float | None = None,
    limits: http.ReadLimits | None = None,
) -> list[Sample]:
    """Send `total` requests (or keep sending for `duration_seconds`), `concurrency` at a time, each on a kept-alive
    connection of its own while it is in flight (validate_synthetic.keepalive).

    Nothing is sent after `deadline_s` (the check's own deadline), and no request outlasts it: each gets
    `timeout` or what is left of the deadline, whichever is shorter.
    """
    samples: list[Sample] = []
    order = cycle(requests)
    started = time.monotonic()
    check_deadline = started + deadline_s if deadline_s is not None else float("inf")
    stop_sending = min(started + duration_seconds if duration_seconds else float("inf"), check_deadline)
    budget = total if not duration_seconds else None
    pool = Pool(limits or http.ReadLimits(), GuardedResolver())

    async def worker() -> None:
        nonlocal budget
        while (now := time.monotonic()) < stop_sending:
            if budget is not None:
                if budget <= 0:
                    return
                budget -= 1
            samples.append(await send(pool, next(order), min(timeout, check_deadline - now)))

    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    finally:
        await pool.close()
    return samples
