"""An emulated ALB test listener: a loopback proxy to the service under test that records what an ALB publishes.

Per request it records RequestCount, HTTPCode_Target_5XX_Count and TargetResponseTime for the GREEN target
group; TargetConnectionErrorCount when no connection to GREEN can be established; the ALB's own 502 (refused,
reset, garbled) or 504 (no answer in time) in HTTPCode_ELB_*, which carry the LoadBalancer dimension only.
Its own health checks give target health (and UnHealthyHostCount), so every validation sees real data from
real traffic. Metrics reach the local CloudWatch through `put_metric_data`, as an ALB's would.
"""

from __future__ import annotations

import http.client
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

from greenlight.engine.loopback import LoopbackServer
from greenlight.engine.pool import ConnectionPool
from greenlight.engine.upstream import (
    HOP_BY_HOP,
    RESPONSE_HEADER_LIMIT_BYTES,
    ElbAnswer,
    Head,
    answer_elsewhere,
    answer_for_target,
    drain,
    open_response,
    relay_response,
)

NAMESPACE = "AWS/ApplicationELB"
CLOSE_JOIN_S = 5.0  # a health check under way ends within its timeout; a flush within moto's answer
DRAIN_SECONDS = 0.2  # what a health check waits for the rest of a short body before closing
FLUSH_BATCH_S = 0.05  # how long after a first data point its metrics thread publishes it, with what came meanwhile


@dataclass
class TargetState:
    state: str = "initial"
    reason: str = "Elb.RegistrationInProgress"
    description: str = "Target registration is in progress"
    successes: int = 0
    failures: int = 0


@dataclass
class ListenerSettings:
    upstream: str  # http://host:port of the service under test
    health_path: str = "/"
    health_interval: float = 0.05  # while the target's state is settling (registering, or a check disagreed)
    settled_health_interval: float = 1.0  # once it has settled: a waiting run then costs next to no CPU
    healthy_threshold: int = 2
    unhealthy_threshold: int = 2
    health_timeout: float = 1.0
    upstream_timeout: float = 10.0  # for the head, whole; then the idle time allowed between body chunks
    max_response_header_bytes: int = RESPONSE_HEADER_LIMIT_BYTES
    dimensions: list[dict[str, str]] = field(default_factory=list)
    # ECS: the test listener rule's conditions; a request that does not satisfy them never reaches GREEN
    routes_to_green: Callable[[str, str, Any], bool] | None = None
    tls: ssl.SSLContext | None = None  # an HTTPS listener: its certificate, the TLS ending here as on an ALB


class TestListener:
    """Start with `start()`, stop with `close()`; `url` is what Prepare discovers through the local ELB."""

    __test__ = False  # not a pytest test class

    def __init__(self, settings: ListenerSettings, cloudwatch: Any) -> None:
        self.settings = settings
        self._cloudwatch = cloudwatch
        upstream = urlsplit(settings.upstream)
        self.upstream_host, self.upstream_port = upstream.hostname or "127.0.0.1", upstream.port or 80
        self.target = TargetState()
        self._pool = ConnectionPool(
            lambda: http.client.HTTPConnection(
                self.upstream_host, self.upstream_port, timeout=self.settings.upstream_timeout
            ),
            opening_wait_s=self.settings.upstream_timeout,
        )
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._recorded = threading.Event()  # set when data points wait for the metrics thread
        listener = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self) -> None:
                listener.forward(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _forward  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = LoopbackServer(Handler)
        if settings.tls is not None:
            # The handshake happens on the first read, in the connection's own thread, never in the accept loop.
            self._server.socket = settings.tls.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
        self._threads = [
            threading.Thread(target=self._server.serve_forever, args=(0.02,), name="listener", daemon=True),
            threading.Thread(target=self._health_loop, name="listener-health", daemon=True),
            threading.Thread(target=self._flush_loop, name="listener-metrics", daemon=True),
        ]

    @property
    def port(self) -> int:
        return self._server.port

    def start(self) -> TestListener:
        for thread in self._threads:
            thread.start()
        return self

    def close(self) -> None:
        """Stop serving, then wait for the health and metrics threads: none may call the AWS stand-in after the
        run that owns it has ended (a flush still under way then reaches for real AWS and is refused)."""
        self._stop.set()
        self._recorded.set()  # wakes the metrics thread to see the stop
        self._server.shutdown()
        self._server.server_close()
        for thread in self._threads[1:]:
            if thread.is_alive():
                thread.join(timeout=CLOSE_JOIN_S)
        self._pool.close()
        self.flush()

    # --- traffic

    def forward(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else None
        gate = self.settings.routes_to_green
        if gate is not None and not gate(request.command, request.path, request.headers):
            answer_elsewhere(request)
            return
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        started = time.perf_counter()
        upstream, head = self._exchange(request.command, request.path, body, headers)
        # TargetResponseTime ends when the target's head arrives (the access log's target_processing_time).
        answer = ElbAnswer.of(head.response.status if head.response else None, head.failure)
        self._record(answer, time.perf_counter() - started)
        if head.response is None:
            upstream.close()
            answer_for_target(request, head.failure)
            return
        response, released = head.response, list[bool]()

        def body_read() -> None:  # before the client has the answer: the next request finds the connection free
            released.append(True)
            self._pool.give_back(upstream, response)

        if not relay_response(request, response, body_read) and not released:
            upstream.close()

    def _exchange(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[http.client.HTTPConnection, Head]:
        """Send on a kept-alive connection when there is one; one the target closed meanwhile (a reset before any
        answer) is dropped and the request sent once more on a new connection, as a pooling proxy does."""
        while True:
            upstream, reused = self._pool.take()
            head = open_response(
                upstream,
                method,
                path,
                body,
                headers,
                self.settings.upstream_timeout,
                self.settings.max_response_header_bytes,
            )
            self._pool.settle(upstream)
            if not (reused and head.failure == "reset"):
                return upstream, head
            upstream.close()

    def _record(self, answer: ElbAnswer, elapsed: float) -> None:
        """What an ALB publishes for one request, each metric with the dimensions AWS gives it (ALB metrics
        page): the target's own answers per target group, the ALB's own 502/504 per load balancer only, and
        connections it could not establish to the target as TargetConnectionErrorCount."""
        now = datetime.now(UTC)
        group = self.settings.dimensions  # TargetGroup and LoadBalancer
        balancer = [d for d in group if d["Name"] == "LoadBalancer"]
        datums = [("RequestCount", 1.0, "Count", group)]
        if answer.from_target:
            datums.append(("TargetResponseTime", elapsed, "Seconds", group))
            if (answer.status or 0) >= 500:
                datums.append(("HTTPCode_Target_5XX_Count", 1.0, "Count", group))
        else:
            datums += [
                (f"HTTPCode_ELB_{answer.status}_Count", 1.0, "Count", balancer),
                ("HTTPCode_ELB_5XX_Count", 1.0, "Count", balancer),
            ]
        if answer.connection_error:
            datums.append(("TargetConnectionErrorCount", 1.0, "Count", group))
        with self._lock:
            self._pending.extend(
                {"MetricName": name, "Value": value, "Unit": unit, "Timestamp": now, "Dimensions": dimensions}
                for name, value, unit, dimensions in datums
            )
        self._recorded.set()

    # --- health checks, as the ALB's own

    def _health_loop(self) -> None:
        interval = self.settings.health_interval
        while not self._stop.wait(interval):
            settled = self._check_once()
            interval = self.settings.settled_health_interval if settled else self.settings.health_interval

    def _check_once(self) -> bool:
        """One health check and its data point; whether the target's state has settled (the check agreed with it)."""
        ok, reason = self._health_check()
        target = self.target
        target.successes, target.failures = (target.successes + 1, 0) if ok else (0, target.failures + 1)
        if target.successes >= self.settings.healthy_threshold:
            target.state, target.reason, target.description = "healthy", "", ""
        elif target.failures >= self.settings.unhealthy_threshold:
            target.state, (target.reason, target.description) = "unhealthy", reason
        unhealthy = 1.0 if target.state == "unhealthy" else 0.0
        with self._lock:
            self._pending.append(
                {
                    "MetricName": "UnHealthyHostCount",
                    "Value": unhealthy,
                    "Unit": "Count",
                    "Timestamp": datetime.now(UTC),
                    "Dimensions": self.settings.dimensions,
                }
            )
        self._recorded.set()
        return target.state == ("healthy" if ok else "unhealthy")

    def _health_check(self) -> tuple[bool, tuple[str, str]]:
        """One check as the ALB makes it: whether it passed, and the reason code and description if not."""
        with self._pool.opening_slot(self.settings.health_timeout):
            return self._health_check_on_new_connection()

    def _health_check_on_new_connection(self) -> tuple[bool, tuple[str, str]]:
        connection = http.client.HTTPConnection(
            self.upstream_host, self.upstream_port, timeout=self.settings.health_timeout
        )
        try:
            # HealthCheckTimeoutSeconds: no whole answer within it is a failed check, however the bytes trickle.
            head = open_response(
                connection,
                "GET",
                self.settings.health_path,
                None,
                {"User-Agent": "ELB-HealthChecker/2.0"},
                self.settings.health_timeout,
                self.settings.max_response_header_bytes,
            )
            if head.response is not None:
                drain(connection, head.response, min(self.settings.health_timeout, DRAIN_SECONDS))
        finally:
            connection.close()  # as an ALB does after each health check
        if head.response is not None:
            status = head.response.status
            return 200 <= status < 400, (
                "Target.ResponseCodeMismatch",
                f"Health checks failed with these codes: [{status}]",
            )
        if head.failure == "timeout":
            return False, ("Target.Timeout", "Request timed out")
        # refused, reset or malformed: Target.FailedHealthChecks, as the ELB API reference describes it
        return False, ("Target.FailedHealthChecks", "Health checks failed")

    def target_health(self) -> list[dict[str, Any]]:
        t = self.target
        return [
            {
                "id": self.upstream_host,
                "port": self.upstream_port,
                "state": t.state,
                "reason": t.reason or None,
                "description": t.description or None,
            }
        ]

    # --- publishing

    def _flush_loop(self) -> None:
        """Asleep until a data point is recorded; then what is recorded within FLUSH_BATCH_S is published at once."""
        while True:
            self._recorded.wait()
            if self._stop.wait(FLUSH_BATCH_S):
                return  # close() publishes the rest
            self._recorded.clear()
            self.flush()

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        for start in range(0, len(pending), 1000):
            self._cloudwatch.put_metric_data(Namespace=NAMESPACE, MetricData=pending[start : start + 1000])
