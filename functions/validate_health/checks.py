"""Health: every GREEN target healthy in its target group, and N consecutive good answers through the listener."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from common.config import HealthConfig
from common.http.client import ReadLimits, TlsTarget, probe
from common.payload.models import TargetGroup, ValidationStatus
from common.payload.validation import Outcome
from common.runtime import clock

if TYPE_CHECKING:
    from mypy_boto3_elbv2 import ElasticLoadBalancingv2Client

# elbv2 TargetHealthStateEnum. A draining target is leaving the group (a previous deployment's task, deregistering):
# an ALB sends it no new requests, so it is not one of GREEN's targets. An initial one is not healthy *yet*: it is
# registering or in its first health checks.
HEALTHY, DRAINING, INITIAL = "healthy", "draining", "initial"
# What the ELB API reference (TargetHealth) says each reason code of an unhealthy target means, for the reason.
REASON_MEANINGS = {
    "Target.FailedHealthChecks": "the load balancer could not connect to it (connection refused, reset or timed "
    "out) or its answer was malformed: check that the service listens on the target group's port",
    "Target.Timeout": "the load balancer's health checks timed out",
    "Elb.InternalError": "the health checks failed for an internal error of the load balancer",
}


@dataclass
class Progress:
    target_states: list[dict[str, str]] = field(default_factory=list)
    consecutive: int = 0
    probes: int = 0
    attempts: int = 0
    last_answer: str = "no request sent yet"
    elapsed_s: float = 0.0  # real seconds the polling took

    @property
    def serving(self) -> list[dict[str, str]]:
        """GREEN's targets as the ALB routes to them: every registered target but those draining away."""
        return [t for t in self.target_states if t["state"] != DRAINING]

    def targets_ok(self, expected: int) -> bool:
        healthy = [t for t in self.serving if t["state"] == HEALTHY]
        return len(healthy) == len(self.serving) and len(healthy) >= expected


def describe_targets(elbv2: ElasticLoadBalancingv2Client, target_group_arn: str) -> list[dict[str, str]]:
    descriptions = elbv2.describe_target_health(TargetGroupArn=target_group_arn)["TargetHealthDescriptions"]
    return [
        {
            "target": f"{d['Target']['Id']}:{d['Target'].get('Port', '')}".rstrip(":"),
            "state": d["TargetHealth"]["State"],
            "reason": d["TargetHealth"].get("Reason", ""),
            "description": d["TargetHealth"].get("Description", ""),
        }
        for d in descriptions
    ]


def poll(
    elbv2: ElasticLoadBalancingv2Client,
    green: TargetGroup,
    url: str,
    config: HealthConfig,
    expected_targets: int,
    tls: TlsTarget,
    headers: dict[str, str] | None = None,
) -> Progress:
    """Poll targets, then HTTP, until enough consecutive good answers, the attempts run out or the deadline passes."""
    attempts = max(1, math.ceil(config.timeout_seconds / config.interval_seconds))
    limits = ReadLimits(config.max_body_bytes, config.max_header_bytes)
    progress = Progress()
    started = time.monotonic()
    deadline = started + config.timeout_seconds
    while progress.attempts < attempts and (remaining := deadline - time.monotonic()) > 0:
        progress.attempts += 1
        if config.check_targets and not progress.targets_ok(expected_targets):
            progress.target_states = describe_targets(elbv2, green.arn)
        if config.check_http and (not config.check_targets or progress.targets_ok(expected_targets)):
            # The check's deadline holds inside a probe too: a body trickling in cannot carry the check past it.
            answer = probe(url, min(config.request_timeout_seconds, remaining), limits, tls, headers)
            status, progress.last_answer = answer
            progress.probes += 1
            progress.consecutive = progress.consecutive + 1 if status in config.healthy_status_codes else 0
            if progress.consecutive >= config.consecutive_successes:
                break
            if progress.consecutive > 0:
                continue  # successes are counted back to back, as a load balancer's health check does
        elif not config.check_http and progress.targets_ok(expected_targets):
            break
        clock.sleep(min(config.interval_seconds, max(deadline - time.monotonic(), 0.0)))
    progress.elapsed_s = time.monotonic() - started
    return progress


def tls_observed(url: str, tls: TlsTarget) -> dict[str, object]:
    """For an HTTPS listener, the name verified (or that nothing was), so the report shows it."""
    if not url.startswith("https:"):
        return {}
    return {"tls_server_name": tls.server_name, "tls_verified": tls.verify}


def describe_target(target: dict[str, str]) -> str:
    if target["state"] == INITIAL:  # Elb.RegistrationInProgress / Elb.InitialHealthChecking: not a fault yet
        return f"{target['target']} (not yet healthy: still registering or in its first health checks)"
    code = target["reason"] or "no reason given"
    meaning = REASON_MEANINGS.get(code) or target.get("description") or ""
    return f"{target['target']} ({target['state']}: {code}" + (f": {meaning})" if meaning else ")")


def targets_reason(progress: Progress, green: TargetGroup, expected_targets: int, config: HealthConfig) -> str:
    not_healthy = [describe_target(t) for t in progress.serving if t["state"] != HEALTHY]
    healthy = len(progress.serving) - len(not_healthy)
    draining = len(progress.target_states) - len(progress.serving)
    aside = f" ({draining} draining from an earlier deployment, not counted)" if draining else ""
    waited = clock.elapsed_against(progress.elapsed_s, config.timeout_seconds, "health.timeout_seconds")
    return (
        f"GREEN target group {green.name} has {healthy} healthy of {expected_targets} expected targets{aside} "
        f"{waited}; not healthy: {', '.join(not_healthy) or 'none'}."
    )


def check_health(
    elbv2: ElasticLoadBalancingv2Client,
    green: TargetGroup,
    url: str,
    config: HealthConfig,
    tls: TlsTarget | None = None,
    headers: dict[str, str] | None = None,
) -> Outcome:
    """`tls` says how to meet an HTTPS listener (common.http.client.TlsTarget); for plain HTTP it changes nothing.
    `headers` are what the listener rule needs to send the probe to GREEN (an ECS test rule's conditions)."""
    tls = tls or TlsTarget()
    expected_targets = config.min_healthy_targets or max(green.desired_count, 1)
    expected = {
        "healthy_targets_at_least": expected_targets if config.check_targets else "not checked",
        "consecutive_successes": config.consecutive_successes,
        "status_codes": config.healthy_status_codes,
        "within_seconds": config.timeout_seconds,
    }
    progress = poll(elbv2, green, url, config, expected_targets, tls, headers)
    observed = {
        "url": url,
        **tls_observed(url, tls),
        "targets": progress.target_states,
        "http_probes": progress.probes,
        "consecutive_successes": progress.consecutive,
        "last_answer": progress.last_answer,
    }
    if config.check_targets and not progress.targets_ok(expected_targets):
        reason = targets_reason(progress, green, expected_targets, config)
        return Outcome(ValidationStatus.FAILED, reason, observed, expected, progress.attempts)
    if not config.check_http:
        reason = f"All {len(progress.serving)} GREEN targets healthy in {green.name} (no HTTP check at this event)."
        return Outcome(ValidationStatus.PASSED, reason, observed, expected, progress.attempts)
    if progress.consecutive < config.consecutive_successes:
        waited = clock.elapsed_against(progress.elapsed_s, config.timeout_seconds, "health.timeout_seconds")
        wanted = " or ".join(str(code) for code in config.healthy_status_codes)
        reason = (
            f"health path {config.path}: last answer {progress.last_answer}, expected HTTP {wanted}; "
            f"{progress.consecutive} good answers in a row of the {config.consecutive_successes} required, "
            f"{waited} ({progress.probes} probes of {url})."
        )
        return Outcome(ValidationStatus.FAILED, reason, observed, expected, progress.attempts)
    reason = f"All GREEN targets healthy and {progress.consecutive} consecutive good answers from {url}."
    return Outcome(ValidationStatus.PASSED, reason, observed, expected, progress.attempts)
