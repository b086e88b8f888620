"""Metric thresholds against moto CloudWatch with seeded data points: every decision each check makes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from common.config import MetricsConfig
from common.payload.models import TargetGroup, ValidationStatus
from greenlight.engine import patches
from validate_metrics.alarms import alarm_checks
from validate_metrics.checks import check_metrics
from validate_metrics.queries import builtin_queries, window

LB = "app/svc/50dc6c495c0c9188"
GREEN = TargetGroup(name="svc-green", dimension="targetgroup/svc-green/1", load_balancer_dimension=LB)
BLUE = TargetGroup(name="svc-blue", dimension="targetgroup/svc-blue/2", load_balancer_dimension=LB)
NOW = datetime.now(UTC)
PREPARED = NOW - timedelta(minutes=4)


@pytest.fixture
def cloudwatch() -> Iterator[Any]:
    patches.apply()  # percentile statistics (p99) for moto's CloudWatch
    with mock_aws():
        yield boto3.client("cloudwatch", region_name="us-east-1")


def seed(
    cloudwatch: Any,
    group: TargetGroup,
    requests: int,
    errors: int,
    latency_s: float = 0.05,
    unhealthy: float = 0,
    connection_errors: int = 0,
    published: bool = True,
) -> None:
    """Traffic a minute ago; `published`: CloudWatch also has the current minute (the read needs not wait)."""
    dimensions = [{"Name": "TargetGroup", "Value": group.dimension}, {"Name": "LoadBalancer", "Value": LB}]
    at = NOW - timedelta(minutes=1)
    data = [
        {"MetricName": "RequestCount", "Value": float(requests), "Unit": "Count"},
        {"MetricName": "HTTPCode_Target_5XX_Count", "Value": float(errors), "Unit": "Count"},
        {"MetricName": "UnHealthyHostCount", "Value": float(unhealthy), "Unit": "Count"},
        {"MetricName": "TargetConnectionErrorCount", "Value": float(connection_errors), "Unit": "Count"},
    ]
    data += [{"MetricName": "TargetResponseTime", "Value": latency_s, "Unit": "Seconds"}] * 20
    cloudwatch.put_metric_data(
        Namespace="AWS/ApplicationELB", MetricData=[{**d, "Timestamp": at, "Dimensions": dimensions} for d in data]
    )
    if published:
        publish_through_now(cloudwatch, group)


def publish_through_now(cloudwatch: Any, group: TargetGroup) -> None:
    """The health-count data point an ALB reports for every minute, for the current one: CloudWatch published it."""
    dimensions = [{"Name": "TargetGroup", "Value": group.dimension}, {"Name": "LoadBalancer", "Value": LB}]
    heartbeat = {"MetricName": "UnHealthyHostCount", "Value": 0.0, "Unit": "Count", "Timestamp": NOW}
    cloudwatch.put_metric_data(Namespace="AWS/ApplicationELB", MetricData=[{**heartbeat, "Dimensions": dimensions}])


def run(cloudwatch: Any, blue: TargetGroup | None = None, **overrides: Any) -> Any:
    naps: list[float] = []
    return check_metrics(
        cloudwatch, GREEN, blue, MetricsConfig.model_validate(overrides), PREPARED, NOW, sleep=naps.append
    )


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


def test_baseline_lets_through_a_release_no_worse_than_production(cloudwatch: Any) -> None:
    seed(cloudwatch, GREEN, requests=1000, errors=50)
    seed(cloudwatch, BLUE, requests=1000, errors=48)
    outcome = run(cloudwatch, BLUE, max_5xx_rate=None, baseline={"max_5xx_rate_increase": 0.005})
    assert outcome.status is ValidationStatus.PASSED
    assert {c["check"] for c in outcome.observed["checks"]} >= {"5xx_rate_vs_blue", "p99_vs_blue"}


def test_baseline_stops_a_release_worse_than_production(cloudwatch: Any) -> None:
    seed(cloudwatch, GREEN, requests=1000, errors=100, latency_s=0.5)
    seed(cloudwatch, BLUE, requests=1000, errors=10, latency_s=0.1)
    outcome = run(cloudwatch, BLUE, max_5xx_rate=None, baseline={})
    assert outcome.status is ValidationStatus.FAILED
    # THEN each reason names the quantity, GREEN's and BLUE's values with their unit, and the limit
    assert "5xx_rate_vs_blue: GREEN's 5xx rate 10% vs BLUE's 1%: +9 points, over the +0.5 points allowed" in (
        outcome.reason
    )
    assert "p99_vs_blue: GREEN's p99 response time 0.5 s is 5x BLUE's 0.1 s, over the 1.2x allowed (0.12 s)" in (
        outcome.reason
    )
    checks = {c["check"]: c for c in outcome.observed["checks"]}
    assert (checks["p99_vs_blue"]["value"], checks["p99_vs_blue"]["blue_value"]) == (0.5, 0.1)


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


def test_window_never_reaches_before_the_deployment() -> None:
    start, end = window(PREPARED, NOW, MetricsConfig(window_seconds=3600, period_seconds=60))
    assert PREPARED - timedelta(seconds=60) < start <= PREPARED
    assert end >= NOW and int(end.timestamp()) % 60 == 0


def test_custom_metric_math_over_the_builtin_queries(cloudwatch: Any) -> None:
    seed(cloudwatch, GREEN, requests=400, errors=8)
    check = {"name": "error-percent", "expression": "100 * green_errors_5xx / green_requests", "threshold": 1}
    outcome = run(cloudwatch, checks=[check], max_5xx_rate=None)
    assert outcome.status is ValidationStatus.FAILED
    assert "error-percent: Average 2 breaks the limit <= 1" in outcome.reason


@pytest.mark.parametrize("fraction", [0.0, 0.25, 0.999])
def test_window_end_covers_now_at_any_point_of_a_period(fraction: float) -> None:
    now = datetime(2026, 11, 27, 3, 26, tzinfo=UTC) + timedelta(seconds=fraction)
    _, end = window(now - timedelta(minutes=5), now, MetricsConfig(period_seconds=60))
    assert end >= now and int(end.timestamp()) % 60 == 0


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


def test_a_healthy_green_passes_on_the_answer_cloudwatch_gives() -> None:
    """GetMetricData as AWS answers it (tests/events/aws/), with the queries greenlight sends pinned."""
    from tests.support.stubs import aws_response, stubbed

    green = TargetGroup(
        name="shop-green",
        dimension="targetgroup/shop-green/fedcba9876543210",
        load_balancer_dimension="app/shop-alb/50dc6c495c0c9188",
    )
    config = MetricsConfig(data_timeout_seconds=0)  # one read: the fixture's minutes are not the current one
    start, end = window(PREPARED, NOW, config)
    with stubbed("cloudwatch") as (client, stubber):
        expected = {"MetricDataQueries": builtin_queries("green", green, 60), "StartTime": start, "EndTime": end}
        stubber.add_response("get_metric_data", aws_response("cloudwatch/GetMetricData"), expected)
        outcome = check_metrics(client, green, None, config, PREPARED, NOW)
    assert outcome.status is ValidationStatus.PASSED, outcome.reason
    checks = {c["check"]: c["value"] for c in outcome.observed["checks"]}
    values = {r["Id"]: r["Values"] for r in aws_response("cloudwatch/GetMetricData")["MetricDataResults"]}
    assert checks["5xx_rate"] == pytest.approx(
        sum(values["green_errors_5xx"]) / sum(values["green_requests"]), abs=1e-6
    )
    assert checks["p99_response_time"] == pytest.approx(0.0871)


def test_every_page_and_every_alarm_type_is_read() -> None:
    """A composite alarm in ALARM on the first page, a metric alarm in ALARM on the second: both are named."""
    from tests.support.stubs import aws_response, stubbed

    config = MetricsConfig(alarm_prefix="shop-")
    first, second = aws_response("cloudwatch/DescribeAlarms"), aws_response("cloudwatch/DescribeAlarms.page2")
    with stubbed("cloudwatch") as (client, stubber):
        selector = {"AlarmTypes": ["CompositeAlarm", "MetricAlarm", "LogAlarm"], "AlarmNamePrefix": "shop-"}
        stubber.add_response("describe_alarms", first, selector)
        stubber.add_response("describe_alarms", second, {**selector, "NextToken": first["NextToken"]})
        checks = [c for c in alarm_checks(client, config) if c is not None]
    states = {c.name: c.status for c in checks}
    assert states == {
        "alarm:shop-deploy-blockers": ValidationStatus.FAILED,
        "alarm:shop-green-p99": ValidationStatus.PASSED,
        "alarm:shop-service-memory-high": ValidationStatus.FAILED,
    }


def test_a_named_composite_alarm_is_never_reported_missing() -> None:
    from tests.support.stubs import aws_response, stubbed

    composite = aws_response("cloudwatch/DescribeAlarms")["CompositeAlarms"]
    answer = {"CompositeAlarms": composite, "MetricAlarms": []}  # as asked by that one name
    with stubbed("cloudwatch") as (client, stubber):
        stubber.add_response(
            "describe_alarms",
            answer,
            {"AlarmTypes": ["CompositeAlarm", "MetricAlarm", "LogAlarm"], "AlarmNames": ["shop-deploy-blockers"]},
        )
        [check] = [c for c in alarm_checks(client, MetricsConfig(alarms=["shop-deploy-blockers"])) if c]
    assert (check.name, check.status, check.decision) == (
        "alarm:shop-deploy-blockers",
        ValidationStatus.FAILED,
        "state ALARM",
    )


def test_a_baseline_without_blue_data_is_reported_not_judged_by_default(cloudwatch: Any) -> None:
    # GIVEN BLUE took no requests in the window (a service without production traffic then)
    seed(cloudwatch, GREEN, requests=500, errors=0)
    outcome = run(cloudwatch, BLUE, baseline={})
    checks = {c["check"]: c for c in outcome.observed["checks"]}
    # THEN the baseline is reported as exactly that, GREEN is judged on the absolute limits, and it passes
    assert outcome.status is ValidationStatus.PASSED
    assert checks["5xx_rate_vs_blue"]["status"] == "skipped" and checks["p99_vs_blue"]["status"] == "skipped"
    assert (
        "5xx_rate_vs_blue and p99_vs_blue not judged: no BLUE data in the window: BLUE took no requests "
        "(metrics.baseline.no_blue_data: ignore)." in outcome.reason
    )
    assert outcome.reason.startswith("3 metric checks passed")


@pytest.mark.parametrize(
    ("policy", "status"), [("inconclusive", ValidationStatus.INCONCLUSIVE), ("fail", ValidationStatus.FAILED)]
)
def test_the_config_decides_what_no_blue_data_means(cloudwatch: Any, policy: str, status: ValidationStatus) -> None:
    seed(cloudwatch, GREEN, requests=500, errors=0)
    outcome = run(cloudwatch, BLUE, baseline={"no_blue_data": policy})
    assert outcome.status is status
    assert f"no BLUE data in the window: BLUE took no requests (no_blue_data: {policy})" in outcome.reason


def test_a_local_run_without_blue_never_judges_the_baseline(cloudwatch: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENLIGHT_LOCAL_NO_BLUE", "1")
    seed(cloudwatch, GREEN, requests=500, errors=0)
    outcome = run(cloudwatch, BLUE, baseline={"no_blue_data": "fail"})
    assert outcome.status is ValidationStatus.PASSED
    assert "not judged: cannot be judged here: this local run serves no BLUE release" in outcome.reason


def test_a_baseline_with_no_blue_task_set_says_so(cloudwatch: Any) -> None:
    seed(cloudwatch, GREEN, requests=500, errors=0)
    outcome = run(cloudwatch, None, baseline={"max_p99_ratio": None, "no_blue_data": "inconclusive"})
    assert outcome.status is ValidationStatus.INCONCLUSIVE
    assert outcome.reason == ("5xx_rate_vs_blue: no BLUE task set to compare with (no_blue_data: inconclusive).")


def test_the_read_waits_until_cloudwatch_published_the_windows_last_minute(cloudwatch: Any) -> None:
    # GIVEN traffic whose last minute CloudWatch publishes only after three polls
    seed(cloudwatch, GREEN, requests=300, errors=0, published=False)
    naps: list[float] = []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 3:
            publish_through_now(cloudwatch, GREEN)

    # WHEN the metrics are read
    outcome = check_metrics(cloudwatch, GREEN, None, MetricsConfig(), PREPARED, NOW, sleep=nap)
    # THEN it polled every 5 s until the data was there, then judged it
    assert naps == [5, 5, 5]
    publication = outcome.observed["publication"]
    assert (publication["published"], publication["reads"]) == (True, 4)
    assert publication["waited_for"] == "the minute of the read"
    assert 0 <= publication["waited_seconds"] < 5  # real seconds: the naps here take none
    assert outcome.status is ValidationStatus.PASSED, outcome.reason


def test_data_never_published_is_judged_at_the_deadline_and_the_reason_says_so(cloudwatch: Any) -> None:
    naps: list[float] = []
    config = MetricsConfig(data_timeout_seconds=25, poll_interval_seconds=10, no_data="inconclusive")
    outcome = check_metrics(cloudwatch, GREEN, None, config, PREPARED, NOW, sleep=naps.append)
    assert naps == [10, 10, 5]  # never past the deadline
    assert outcome.status is ValidationStatus.INCONCLUSIVE
    assert outcome.observed["publication"]["published"] is False
    assert "CloudWatch had not published the period from" in outcome.reason
    # ... in real seconds (the naps here take none), beside the setting they count against
    assert re.search(
        r"UTC after \d+\.\d s \(metrics\.data_timeout_seconds 25 s\) of polling; judged on what it had\.",
        outcome.reason,
    )
