"""How the metric checks read CloudWatch: every page and every alarm type, a named composite alarm never missing, a
healthy GREEN on the answer CloudWatch gives, the window (never before the deployment, its end covering now), and
the read waiting until CloudWatch published the window's last minute, or judging at the deadline."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from common.config import MetricsConfig
from common.payload.models import TargetGroup, ValidationStatus
from tests.functions.validate_metrics.conftest import GREEN, NOW, PREPARED, publish_through_now, seed
from validate_metrics import publication
from validate_metrics.alarms import alarm_checks
from validate_metrics.checks import check_metrics
from validate_metrics.queries import builtin_queries, window


def test_window_never_reaches_before_the_deployment() -> None:
    start, end = window(PREPARED, NOW, MetricsConfig(window_seconds=3600, period_seconds=60))
    assert PREPARED - timedelta(seconds=60) < start <= PREPARED
    assert end >= NOW and int(end.timestamp()) % 60 == 0


@pytest.mark.parametrize("fraction", [0.0, 0.25, 0.999])
def test_window_end_covers_now_at_any_point_of_a_period(fraction: float) -> None:
    now = datetime(2026, 11, 27, 3, 26, tzinfo=UTC) + timedelta(seconds=fraction)
    _, end = window(now - timedelta(minutes=5), now, MetricsConfig(period_seconds=60))
    assert end >= now and int(end.timestamp()) % 60 == 0


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


def test_the_read_waits_until_cloudwatch_published_the_windows_last_minute(
    cloudwatch: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN traffic whose last minute CloudWatch publishes only after three polls, on a clock the naps advance
    seed(cloudwatch, GREEN, requests=300, errors=0, published=False)
    naps: list[float] = []
    real = [1000.0]
    monkeypatch.setattr(publication, "time", SimpleNamespace(monotonic=lambda: real[0]))

    def nap(seconds: float) -> None:
        naps.append(seconds)
        real[0] += seconds / 2  # real seconds differ from the config's (a time-scaled local run)
        if len(naps) == 3:
            publish_through_now(cloudwatch, GREEN)

    # WHEN the metrics are read
    outcome = check_metrics(cloudwatch, GREEN, None, MetricsConfig(), PREPARED, NOW, sleep=nap)
    # THEN it polled every 5 s until the data was there, then judged it
    assert naps == [5, 5, 5]
    published = outcome.observed["publication"]
    assert (published["published"], published["reads"]) == (True, 4)
    assert published["waited_for"] == "the minute of the read"
    assert published["waited_seconds"] == 7.5  # the real seconds the naps took, not the config's 15
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
