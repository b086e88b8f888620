"""Services built to break the validators: every answer is read bounded and named as the kind of failure it is.

The services are on loopback (tests/support/hostile.py) and every answer stops when the client leaves or after
its own bound. These tests assert the verdict and the failure kind; how long and how much memory a run takes
against the same services is measured by bench/hostile_services.py, not asserted here.
"""

from __future__ import annotations

from typing import Any

import pytest

from common.config import HealthConfig, SecretRef, SyntheticConfig
from common.payload.models import TargetGroup, ValidationStatus
from common.runtime import clock
from tests.support.hostile import REDOS_BAIT, Hostile, hostile_service
from validate_health.checks import check_health
from validate_synthetic.checks import check_synthetic

GREEN = TargetGroup(name="svc-green", arn="arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/svc-green/1")
KINDS = {
    "gigabyte": "body over 1 MiB",
    "endless": "body over 1 MiB",
    "bad-status": "malformed status line",
    "big-header": "header over limit",
    "many-headers": "header over limit",
    "truncated": "truncated body",
    "gzip-bomb": "body over 1 MiB",  # counted after decompression: 256 MiB of zeros in about a MiB
}


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.TIME_SCALE_VARIABLE, "0.0")


def no_secrets(reference: SecretRef) -> str:
    raise AssertionError("no secret in these scenarios")


def health(**overrides: Any) -> HealthConfig:
    settings = {"path": "/health", "interval_seconds": 1, "timeout_seconds": 3, "request_timeout_seconds": 0.5}
    return HealthConfig.model_validate({**settings, "check_targets": False, **overrides})


def synthetic(**overrides: Any) -> SyntheticConfig:
    # Deadlines far beyond what a loopback answer needs: only the hostile answer may decide the outcome.
    settings = {"total_requests": 8, "concurrency": 4, "request_timeout_seconds": 5, "timeout_seconds": 30}
    return SyntheticConfig.model_validate({**settings, **overrides})


@pytest.mark.parametrize(("mode", "kind"), KINDS.items())
def test_a_malformed_or_oversized_answer_is_a_failed_probe_and_polling_goes_on(mode: str, kind: str) -> None:
    with hostile_service(Hostile(mode, hostile_health=True)) as url:
        outcome = check_health(None, GREEN, url + "/health", health())
    # THEN each answer counted as a failed probe, the check polled on to its deadline, and the kind is named
    assert outcome.status is ValidationStatus.FAILED
    assert outcome.observed["http_probes"] == 3  # timeout_seconds / interval_seconds
    assert outcome.observed["last_answer"] == kind and kind in outcome.reason


def test_a_trickling_body_ends_at_the_request_deadline_not_when_the_body_does() -> None:
    with hostile_service(Hostile("trickle", hostile_health=True, trickle_interval=0.05)) as url:
        outcome = check_health(None, GREEN, url + "/health", health(timeout_seconds=1, request_timeout_seconds=0.3))
    assert outcome.status is ValidationStatus.FAILED
    assert outcome.observed["last_answer"].startswith("timeout: no complete answer within")


def test_the_health_deadline_holds_while_a_body_is_read() -> None:
    # GIVEN a check of 2 s that may probe twice, each probe allowed 2 s, and a body trickling in for a minute
    config = health(timeout_seconds=2, request_timeout_seconds=2)
    with hostile_service(Hostile("trickle", hostile_health=True, trickle_interval=0.05)) as url:
        outcome = check_health(None, GREEN, url + "/health", config)
    # THEN the first probe was cut at the check's deadline, and no second one started
    assert outcome.status is ValidationStatus.FAILED
    assert outcome.observed["http_probes"] == 1
    assert outcome.observed["last_answer"] == "timeout: no complete answer within 2 s"


@pytest.mark.parametrize(("mode", "kind"), KINDS.items())
def test_synthetic_counts_each_hostile_answer_by_its_kind(mode: str, kind: str) -> None:
    with hostile_service(Hostile(mode)) as url:
        outcome = check_synthetic(url, "/api", synthetic(), no_secrets)
    assert outcome.status is ValidationStatus.FAILED
    assert outcome.observed["failures_by_kind"] == {kind: 8}


def test_a_body_cap_from_the_config_is_the_one_applied() -> None:
    with hostile_service(Hostile("gigabyte", body_bytes=4096)) as url:
        small_cap = check_synthetic(url, "/api", synthetic(max_body_bytes=2048), no_secrets)
        default_cap = check_synthetic(url, "/api", synthetic(), no_secrets)
    assert small_cap.observed["failures_by_kind"] == {"body over 2 KiB": 8}
    assert default_cap.status is ValidationStatus.PASSED  # 4 KiB is well under 1 MiB


def test_a_header_cap_from_the_config_is_the_one_applied() -> None:
    with hostile_service(Hostile("wide-headers")) as url:  # 20 headers of 100 bytes
        small_cap = check_synthetic(url, "/api", synthetic(max_header_bytes=1024), no_secrets)
        default_cap = check_synthetic(url, "/api", synthetic(), no_secrets)
    assert small_cap.observed["failures_by_kind"] == {"header over limit": 8}
    assert default_cap.status is ValidationStatus.PASSED  # about 2.3 KiB is well under 32 KiB


def test_redos_bait_meets_a_linear_time_regex_engine() -> None:
    # GIVEN a pattern that backtracks exponentially on the bait in a backtracking engine
    expect = {"headers": {"X-Bait": "^(a+)+$"}, "json": [{"path": "status", "matches": "^(a+)+$"}]}
    with hostile_service(Hostile("redos")) as url:
        outcome = check_synthetic(url, "/api", synthetic(requests=[{"path": "/api", "expect": expect}]), no_secrets)
    # THEN every answer was judged (no match) rather than holding the event loop
    assert outcome.observed["failures_by_kind"] == {"header": 8}
    problem = outcome.observed["distinct_failures"][0]["problem"]
    assert "header X-Bait = " in problem and "json status = " in problem and "expected to match /^(a+)+$/" in problem
    assert REDOS_BAIT in problem  # the observed value, quoted


def test_deeply_nested_json_is_one_failed_answer_not_an_error() -> None:
    expect = {"json": [{"path": "status", "exists": True}]}
    with hostile_service(Hostile("deep-json")) as url:
        outcome = check_synthetic(url, "/api", synthetic(requests=[{"path": "/api", "expect": expect}]), no_secrets)
    assert outcome.status is ValidationStatus.FAILED
    assert outcome.observed["failures_by_kind"] == {"json": 8}
    assert outcome.observed["distinct_failures"][0]["problem"] == "body JSON nested deeper than 64 levels"


def test_the_synthetic_deadline_stops_the_traffic_and_says_so() -> None:
    # GIVEN 40 requests of up to 0.5 s each, over 2 connections, in a check that may last 1 s
    config = synthetic(total_requests=40, concurrency=2, request_timeout_seconds=0.5, timeout_seconds=1)
    with hostile_service(Hostile("trickle", trickle_interval=0.05)) as url:
        outcome = check_synthetic(url, "/api", config, no_secrets)
    assert outcome.status is ValidationStatus.FAILED
    assert outcome.observed["stopped_at_deadline"] is True
    assert outcome.observed["requests"] < 40 and set(outcome.observed["failures_by_kind"]) == {"timeout"}
    assert "fit in the check's 1 s deadline" in outcome.reason
