"""Metric thresholds against moto CloudWatch with seeded data points: every decision each check makes (the baseline
against BLUE in test_validate_metrics_baseline.py, how CloudWatch is read in test_validate_metrics_reading.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from common.payload.models import ValidationStatus
from tests.functions.validate_metrics.conftest import GREEN, NOW, run, seed


def test_healthy_traffic_passes_with_every_query_reported(cloudwatch: Any) -> None:
    seed(cloudwatch, GREEN, requests=500, errors=1)
    outcome = run(cloudwatch)
    assert outcome.status is ValidationStatus.PASSED
    checks = {c["check"]: c for c in outcome.observed["checks"]}
    assert set(checks) == {"5xx_rate", "p99_response_time", "unhealthy_hosts"}
    assert checks["5xx_rate"]["value"] == pytest.approx(0.002)
    assert "TargetGroup=targetgroup/svc-green/1" in checks["5xx_rate"]["query"]
    assert checks["5xx_rate"]["threshold"] == "<= 1%" and checks["5xx_rate"]["unit"] == "ratio"


def test_5xx_rate_over_the_threshold_fails(cloudwatch: Any) -> None:
    seed(cloudwatch, GREEN, requests=200, errors=20)
    outcome = run(cloudwatch)
    assert outcome.status is ValidationStatus.FAILED
    assert "5xx_rate: 10% breaks the limit <= 1%" in outcome.reason


def test_slow_p99_fails(cloudwatch: Any) -> None:
    seed(cloudwatch, GREEN, requests=200, errors=0, latency_s=1.8)
    outcome = run(cloudwatch)
    assert outcome.status is ValidationStatus.FAILED
    assert "p99_response_time: 1.8 s breaks the limit <= 1 s" in outcome.reason


def test_too_few_requests_is_inconclusive_not_failed(cloudwatch: Any) -> None:
    seed(cloudwatch, GREEN, requests=5, errors=5)
    outcome = run(cloudwatch)
    assert outcome.status is ValidationStatus.INCONCLUSIVE
    assert "5 requests in the window" in outcome.reason


@pytest.mark.parametrize(
    ("policy", "status"),
    [
        ("inconclusive", ValidationStatus.INCONCLUSIVE),
        ("fail", ValidationStatus.FAILED),
        ("pass", ValidationStatus.PASSED),
    ],
)
def test_no_data_follows_the_policy(cloudwatch: Any, policy: str, status: ValidationStatus) -> None:
    outcome = run(cloudwatch, no_data=policy, min_request_count=0, max_5xx_rate=None)
    assert outcome.status is status
    assert all(c["value"] is None for c in outcome.observed["checks"])


def test_no_requests_at_all_say_that_green_took_none(cloudwatch: Any) -> None:
    # GIVEN a quiet GREEN: nothing sent requests through the test listener (synthetic off), so RequestCount has no data
    outcome = run(cloudwatch)
    # THEN the reason says what the missing data means, not only that it is missing
    assert outcome.status is ValidationStatus.INCONCLUSIVE
    assert (
        "5xx_rate: no data in the window (GREEN's target group took no requests: nothing sent any through the test "
        "listener); the no-data policy is inconclusive" in outcome.reason
    )


def test_no_data_ignored_leaves_nothing_to_fail(cloudwatch: Any) -> None:
    outcome = run(cloudwatch, no_data="ignore", min_request_count=0, max_5xx_rate=None)
    assert outcome.status is ValidationStatus.PASSED
    assert outcome.observed["checks"] == []


def test_unhealthy_hosts_fail(cloudwatch: Any) -> None:
    seed(cloudwatch, GREEN, requests=200, errors=0, unhealthy=1)
    outcome = run(cloudwatch)
    assert outcome.status is ValidationStatus.FAILED
    assert "unhealthy_hosts: 1 host breaks the limit <= 0 hosts" in outcome.reason


def test_custom_metric_check(cloudwatch: Any) -> None:
    cloudwatch.put_metric_data(
        Namespace="Shop",
        MetricData=[{"MetricName": "CheckoutErrors", "Value": 7.0, "Timestamp": NOW - timedelta(minutes=1)}],
    )
    seed(cloudwatch, GREEN, requests=100, errors=0)
    check = {
        "name": "checkout-errors",
        "namespace": "Shop",
        "metric": "CheckoutErrors",
        "statistic": "Sum",
        "threshold": 5,
    }
    outcome = run(cloudwatch, checks=[check])
    assert outcome.status is ValidationStatus.FAILED
    assert "checkout-errors: Sum 7 breaks the limit <= 5" in outcome.reason


def test_alarm_in_alarm_state_fails_and_missing_alarm_is_an_error(cloudwatch: Any) -> None:
    seed(cloudwatch, GREEN, requests=100, errors=0)
    cloudwatch.put_metric_alarm(
        AlarmName="svc-latency",
        MetricName="x",
        Namespace="y",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanThreshold",
    )
    cloudwatch.set_alarm_state(AlarmName="svc-latency", StateValue="ALARM", StateReason="test")
    outcome = run(cloudwatch, alarms=["svc-latency", "svc-missing"])
    assert outcome.status is ValidationStatus.FAILED
    checks = {c["check"]: c for c in outcome.observed["checks"]}
    assert checks["alarm:svc-latency"]["status"] == "failed"
    assert checks["alarm:svc-missing"]["status"] == "error"


def test_custom_metric_math_over_the_builtin_queries(cloudwatch: Any) -> None:
    seed(cloudwatch, GREEN, requests=400, errors=8)
    check = {"name": "error-percent", "expression": "100 * green_errors_5xx / green_requests", "threshold": 1}
    outcome = run(cloudwatch, checks=[check], max_5xx_rate=None)
    assert outcome.status is ValidationStatus.FAILED
    assert "error-percent: Average 2 breaks the limit <= 1" in outcome.reason


def test_too_few_requests_matter_only_to_the_rate_checks(cloudwatch: Any) -> None:
    seed(cloudwatch, GREEN, requests=5, errors=5)
    outcome = run(cloudwatch, max_5xx_rate=None, max_p99_seconds=None)
    assert outcome.status is ValidationStatus.PASSED
    assert [c["check"] for c in outcome.observed["checks"]] == ["unhealthy_hosts"]


def test_connections_green_refuses_count_as_errors(cloudwatch: Any) -> None:
    """The ALB answers refused connections itself (HTTPCode_ELB_502), so only TargetConnectionErrorCount shows them."""
    seed(cloudwatch, GREEN, requests=200, errors=0, connection_errors=20)
    outcome = run(cloudwatch)
    assert outcome.status is ValidationStatus.FAILED
    assert "5xx_rate: 10% breaks the limit <= 1%" in outcome.reason
    assert "TargetConnectionErrorCount" in {c["check"]: c for c in outcome.observed["checks"]}["5xx_rate"]["query"]
