"""Health: every GREEN target healthy in its target group, and N consecutive good answers through the listener."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from common import clock
from common.config import HealthConfig
from common.http import ReadLimits, probe
from common.models import TargetGroup, ValidationStatus
from common.validation import Outcome

if TYPE_CHECKING:
    from mypy_boto3_elbv2 import ElasticLoadBalancingv2Client

HEALTHY = "healthy"  # elbv2 TargetHealthStateEnum


@dataclass
class Progress:
    target_states: list[dict[str, str]] = field(default_factory=list)
    consecutive: int = 0
    probes: int = 0
    attempts: int = 0
    last_answer: str = "no request sent yet"

    def targets_ok(self, expected: int) -> bool:
        healthy = [t for t in self.target_states if t["state"] == HEALTHY]
        return len(healthy) == len(self.target_states) and len(healthy) >= expected


def describe_targets(elbv2: ElasticLoadBalancingv2Client, target_group_arn: str) -> list[dict[str, str]]:
    descriptions = elbv2.describe_target_health(TargetGroupArn=target_group_arn)["TargetHealthDescriptions"]
    return [
        {
            "target": f"{d['Target']['Id']}:{d['Target'].get('Port', '')}".rstrip(":"),
            "state": d["TargetHealth"]["State"],
            "reason": d["TargetHealth"].get("Reason", ""),
        }
        for d in descriptions
    ]


def poll(
    elbv2: ElasticLoadBalancingv2Client,
    green: TargetGroup,
    url: str,
    config: HealthConfig,
    expected_targets: int,
    headers: dict[str, str] | None = None,
) -> Progress:
    """Poll targets, then HTTP, until enough consecutive good answers, the attempts run out or the deadline passes."""
    attempts = max(1, math.ceil(config.timeout_seconds / config.interval_seconds))
    limits = ReadLimits(config.max_body_bytes, config.max_header_bytes)
    progress = Progress()
    deadline = time.monotonic() + config.timeout_seconds
    while progress.attempts < attempts and (remaining := deadline - time.monotonic()) > 0:
        progress.attempts += 1
        if config.check_targets and not progress.targets_ok(expected_targets):
            progress.target_states = describe_targets(elbv2, green.arn)
        if not config.check_targets or progress.targets_ok(expected_targets):
            # The check's deadline holds inside a probe too: a body trickling in cannot carry the check past it.
            status, progress.last_answer = probe(url, min(config.request_timeout_seconds, remaining), limits, headers)
            progress.probes += 1
            progress.consecutive = progress.consecutive + 1 if status in config.healthy_status_codes else 0
            if progress.consecutive >= config.consecutive_successes:
                break
            if progress.consecutive > 0:
                continue  # successes are counted back to back, as a load balancer's health check does
        clock.sleep(min(config.interval_seconds, max(deadline - time.monotonic(), 0.0)))
    return progress


def check_health(
    elbv2: ElasticLoadBalancingv2Client,
    green: TargetGroup,
    url: str,
    config: HealthConfig,
    headers: dict[str, str] | None = None,
) -> Outcome:
    expected_targets = config.min_healthy_targets or max(green.desired_count, 1)
    expected = {
        "healthy_targets_at_least": expected_targets if config.check_targets else "not checked",
        "consecutive_successes": config.consecutive_successes,
        "status_codes": config.healthy_status_codes,
        "within_seconds": config.timeout_seconds,
    }
    progress = poll(elbv2, green, url, config, expected_targets, headers)
    observed = {
        "url": url,
        "targets": progress.target_states,
        "http_probes": progress.probes,
        "consecutive_successes": progress.consecutive,
        "last_answer": progress.last_answer,
    }
    if config.check_targets and not progress.targets_ok(expected_targets):
        unhealthy = [
            f"{t['target']} ({t['state']}: {t['reason'] or 'no reason given'})"
            for t in progress.target_states
            if t["state"] != HEALTHY
        ]
        detail = ", ".join(unhealthy) or "none unhealthy"
        reason = (
            f"GREEN target group {green.name} has {len(progress.target_states) - len(unhealthy)} healthy of "
            f"{expected_targets} expected targets after {config.timeout_seconds} s; unhealthy: {detail}."
        )
        return Outcome(ValidationStatus.FAILED, reason, observed, expected, progress.attempts)
    if progress.consecutive < config.consecutive_successes:
        reason = (
            f"GET {url} did not answer {config.healthy_status_codes} {config.consecutive_successes} times in a row "
            f"within {config.timeout_seconds} s; last answer: {progress.last_answer}."
        )
        return Outcome(ValidationStatus.FAILED, reason, observed, expected, progress.attempts)
    reason = f"All GREEN targets healthy and {progress.consecutive} consecutive good answers from {url}."
    return Outcome(ValidationStatus.PASSED, reason, observed, expected, progress.attempts)
