"""Health against real loopback servers and an in-memory ELB: every decision the check can make."""

from __future__ import annotations

import re
from typing import Any

import pytest

from common.config import HealthConfig
from common.payload.models import TargetGroup, ValidationStatus
from common.runtime import clock
from greenlight.engine.conformance import check
from tests.support.servers import Behaviour, closed_port, serve
from validate_health.checks import check_health

GREEN = TargetGroup(
    name="svc-green", arn="arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/svc-green/1", desired_count=2
)


class FakeElb:
    """DescribeTargetHealth answering one round of targets per call (the last repeats), each answer conforming."""

    def __init__(self, *rounds: list[tuple[str, str, str]]) -> None:
        self.rounds = list(rounds)
        self.calls = 0

    def describe_target_health(self, TargetGroupArn: str) -> dict[str, Any]:  # noqa: N803
        targets = self.rounds[min(self.calls, len(self.rounds) - 1)]
        self.calls += 1
        answer = {
            "TargetHealthDescriptions": [
                {
                    "Target": {"Id": ip, "Port": 80},
                    "TargetHealth": {"State": state, **({"Reason": reason} if reason else {})},
                }
                for ip, state, reason in targets
            ]
        }
        return dict(check("elbv2", "DescribeTargetHealth", answer))


HEALTHY = [("10.0.0.1", "healthy", ""), ("10.0.0.2", "healthy", "")]


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.TIME_SCALE_VARIABLE, "0")


def config(**overrides: Any) -> HealthConfig:
    return HealthConfig.model_validate(
        {"path": "/health", "interval_seconds": 1, "timeout_seconds": 10, "request_timeout_seconds": 0.5, **overrides}
    )


def test_healthy_targets_and_consecutive_successes_pass() -> None:
    with serve() as (url, behaviour):
        outcome = check_health(FakeElb(HEALTHY), GREEN, url + "/health", config())
    assert outcome.status is ValidationStatus.PASSED
    assert outcome.observed["consecutive_successes"] == 3
    assert len(behaviour.requests) == 3


def test_targets_becoming_healthy_within_the_deadline_pass() -> None:
    initial = [("10.0.0.1", "initial", "Elb.RegistrationInProgress"), ("10.0.0.2", "healthy", "")]
    with serve() as (url, _):
        outcome = check_health(FakeElb(initial, initial, HEALTHY), GREEN, url + "/health", config())
    assert outcome.status is ValidationStatus.PASSED


def test_unhealthy_target_is_named_with_its_reason_code() -> None:
    unhealthy = [("10.0.0.1", "healthy", ""), ("10.0.0.2", "unhealthy", "Target.ResponseCodeMismatch")]
    with serve() as (url, _):
        outcome = check_health(FakeElb(unhealthy), GREEN, url + "/health", config())
    assert outcome.status is ValidationStatus.FAILED
    assert "10.0.0.2:80 (unhealthy: Target.ResponseCodeMismatch)" in outcome.reason


def test_fewer_targets_than_the_desired_count_fail() -> None:
    with serve() as (url, _):
        outcome = check_health(FakeElb([("10.0.0.1", "healthy", "")]), GREEN, url + "/health", config())
    assert outcome.status is ValidationStatus.FAILED
    assert "1 healthy of 2 expected" in outcome.reason


def test_http_5xx_fails_with_the_last_answer() -> None:
    with serve(Behaviour(status=503)) as (url, _):
        outcome = check_health(FakeElb(HEALTHY), GREEN, url + "/health", config())
    assert outcome.status is ValidationStatus.FAILED
    # THEN the reason names the path, the status seen and the one expected
    assert "health path /health: last answer HTTP 503, expected HTTP 200; 0 good answers in a row of the 3" in (
        outcome.reason
    )


def test_a_failure_resets_the_consecutive_count() -> None:
    with serve(Behaviour(error_every=2)) as (url, behaviour):
        outcome = check_health(FakeElb(HEALTHY), GREEN, url + "/health", config(consecutive_successes=2))
    assert outcome.status is ValidationStatus.FAILED
    assert outcome.observed["consecutive_successes"] < 2
    assert len(behaviour.requests) > 2


def test_refused_connection_fails_and_says_so() -> None:
    port = closed_port()
    outcome = check_health(FakeElb(HEALTHY), GREEN, f"http://127.0.0.1:{port}/health", config(timeout_seconds=3))
    assert outcome.status is ValidationStatus.FAILED
    assert f"last answer connection refused by 127.0.0.1:{port}" in outcome.reason


def test_a_reset_connection_is_named_connection_reset() -> None:
    with serve(Behaviour(reset=True)) as (url, _):
        outcome = check_health(FakeElb(HEALTHY), GREEN, url + "/health", config(timeout_seconds=2))
    assert outcome.status is ValidationStatus.FAILED
    assert "last answer connection reset" in outcome.reason


def test_the_reason_gives_real_seconds_and_says_the_run_was_time_scaled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENLIGHT_TIME_SCALE", "0.05")
    with serve(Behaviour(status=503)) as (url, _):
        outcome = check_health(FakeElb(HEALTHY), GREEN, url + "/health", config(timeout_seconds=4, interval_seconds=1))
    assert re.search(r"after \d+\.\d s \(health\.timeout_seconds 4 s, time-scaled x0\.05\)", outcome.reason)


def test_a_hang_past_the_request_timeout_fails() -> None:
    with serve(Behaviour(hang_s=0.6)) as (url, _):
        outcome = check_health(
            FakeElb(HEALTHY), GREEN, url + "/health", config(timeout_seconds=1, request_timeout_seconds=0.2)
        )
    assert outcome.status is ValidationStatus.FAILED
    assert "no complete answer within 0.2 s" in outcome.reason


def test_redirects_are_not_followed() -> None:
    with serve(Behaviour(redirect_to="http://169.254.169.254/latest/meta-data/")) as (url, _):
        outcome = check_health(FakeElb(HEALTHY), GREEN, url + "/health", config(timeout_seconds=2))
    assert outcome.status is ValidationStatus.FAILED
    assert "HTTP 302" in outcome.reason


def test_accepted_status_codes_come_from_the_config() -> None:
    with serve(Behaviour(status=204, body=b"")) as (url, _):
        outcome = check_health(FakeElb(HEALTHY), GREEN, url + "/health", config(healthy_status_codes=[200, 204]))
    assert outcome.status is ValidationStatus.PASSED


def test_target_check_can_be_switched_off() -> None:
    with serve() as (url, _):
        elb = FakeElb([])
        outcome = check_health(elb, GREEN, url + "/health", config(check_targets=False))
    assert outcome.status is ValidationStatus.PASSED
    assert elb.calls == 0


def test_targets_draining_from_an_earlier_deployment_are_not_counted() -> None:
    draining = [*HEALTHY, ("10.0.0.9", "draining", "Target.DeregistrationInProgress")]
    with serve() as (url, _):
        outcome = check_health(FakeElb(draining), GREEN, url + "/health", config())
    assert outcome.status is ValidationStatus.PASSED


def failing_reason(targets: list[tuple[str, str, str]]) -> str:
    with serve() as (url, _):
        outcome = check_health(FakeElb(targets), GREEN, url + "/health", config(timeout_seconds=2))
    assert outcome.status is ValidationStatus.FAILED
    return outcome.reason


def test_a_target_still_initial_is_reported_as_not_yet_healthy() -> None:
    reason = failing_reason([("10.0.0.1", "healthy", ""), ("10.0.0.2", "initial", "Elb.RegistrationInProgress")])
    assert "10.0.0.2:80 (not yet healthy: still registering or in its first health checks)" in reason
    assert "RegistrationInProgress" not in reason


def test_draining_targets_are_named_apart_when_green_is_short() -> None:
    reason = failing_reason([("10.0.0.1", "healthy", ""), ("10.0.0.9", "draining", "Target.DeregistrationInProgress")])
    assert "1 healthy of 2 expected targets (1 draining from an earlier deployment, not counted)" in reason


def test_with_http_off_only_target_health_is_checked() -> None:
    with serve() as (url, behaviour):
        outcome = check_health(FakeElb(HEALTHY), GREEN, url + "/health", config(check_http=False))
    assert outcome.status is ValidationStatus.PASSED
    assert behaviour.requests == [] and "no HTTP check" in outcome.reason
