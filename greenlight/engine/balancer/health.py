"""The emulated ALB's health checks of its target, as an ALB makes them, and the target health they give.

A check is a GET of the health path on a new connection (closed after it), judged within HealthCheckTimeoutSeconds
however the bytes trickle; the target turns healthy or unhealthy after as many agreeing checks in a row as the
thresholds say, with the reason codes the ELB API reference gives (DescribeTargetHealth's TargetHealth).
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from typing import Any

from greenlight.engine.balancer.upstream import drain, open_response

DRAIN_SECONDS = 0.2  # what a health check waits for the rest of a short body before closing


@dataclass
class TargetState:
    state: str = "initial"
    reason: str = "Elb.RegistrationInProgress"
    description: str = "Target registration is in progress"
    successes: int = 0
    failures: int = 0

    def record(self, ok: bool, reason: tuple[str, str], healthy_threshold: int, unhealthy_threshold: int) -> bool:
        """Count one check; whether the target's state has settled (the check agreed with it)."""
        self.successes, self.failures = (self.successes + 1, 0) if ok else (0, self.failures + 1)
        if self.successes >= healthy_threshold:
            self.state, self.reason, self.description = "healthy", "", ""
        elif self.failures >= unhealthy_threshold:
            self.state, (self.reason, self.description) = "unhealthy", reason
        return self.state == ("healthy" if ok else "unhealthy")

    def described(self, host: str, port: int) -> list[dict[str, Any]]:
        """The target's health as DescribeTargetHealth gives it."""
        return [
            {
                "id": host,
                "port": port,
                "state": self.state,
                "reason": self.reason or None,
                "description": self.description or None,
            }
        ]


def check(host: str, port: int, path: str, timeout: float, max_header_bytes: int) -> tuple[bool, tuple[str, str]]:
    """One check on a new connection: whether it passed, and the reason code and description if not."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        # HealthCheckTimeoutSeconds: no whole answer within it is a failed check, however the bytes trickle.
        head = open_response(
            connection,
            "GET",
            path,
            None,
            {"User-Agent": "ELB-HealthChecker/2.0"},
            timeout,
            max_header_bytes,
        )
        if head.response is not None:
            drain(connection, head.response, min(timeout, DRAIN_SECONDS))
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
