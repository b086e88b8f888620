"""The metrics are read as soon as the run's traffic is published: no bake time covering it, no minute more."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from common.config import MetricsConfig, SyntheticConfig
from common.payload.models import ValidationStatus
from tests.functions.validate_metrics.conftest import GREEN, LB, NOW, PREPARED, seed
from validate_metrics.checks import check_metrics
from validate_metrics.traffic import START_MARGIN_S, Traffic, of_synthetic


def heartbeat(cloudwatch: Any, minutes_from_now: int) -> None:
    """CloudWatch published the minute `minutes_from_now` (its UnHealthyHostCount data point is there)."""
    dimensions = [{"Name": "TargetGroup", "Value": GREEN.dimension}, {"Name": "LoadBalancer", "Value": LB}]
    at = NOW + timedelta(minutes=minutes_from_now)
    datum = {"MetricName": "UnHealthyHostCount", "Value": 0.0, "Unit": "Count", "Timestamp": at}
    cloudwatch.put_metric_data(Namespace="AWS/ApplicationELB", MetricData=[{**datum, "Dimensions": dimensions}])


def read(cloudwatch: Any, traffic: Traffic, naps: list[float], on_nap: Any = None) -> Any:
    def nap(seconds: float) -> None:
        naps.append(seconds)
        if on_nap:
            on_nap(len(naps))

    return check_metrics(cloudwatch, GREEN, None, MetricsConfig(), PREPARED, NOW, sleep=nap, traffic=traffic)


def test_all_of_the_synthetic_requests_published_is_judged_at_once(cloudwatch: Any) -> None:
    # GIVEN the 300 requests synthetic sent, published, while the minute of the read is not yet
    seed(cloudwatch, GREEN, requests=300, errors=0, published=False)
    naps: list[float] = []
    outcome = read(cloudwatch, Traffic(requests=300), naps)
    # THEN it judged at the first read, without waiting for the read's own minute
    assert naps == []
    assert outcome.status is ValidationStatus.PASSED, outcome.reason
    assert outcome.observed["publication"]["waited_for"] == "synthetic's 300 requests to the test listener"


def test_the_read_waits_until_the_last_requests_are_published(cloudwatch: Any) -> None:
    # GIVEN 100 of 300 requests published; the other 200 after the second poll
    seed(cloudwatch, GREEN, requests=100, errors=0, published=False)
    naps: list[float] = []
    outcome = read(
        cloudwatch, Traffic(requests=300), naps, lambda n: n == 2 and seed(cloudwatch, GREEN, 200, 0, 0.05, 0, 0, False)
    )
    assert naps == [5, 5]
    assert outcome.observed["publication"]["published"] is True
    assert outcome.observed["checks"][0]["value"] == 0.0  # 5xx rate over all 300


def test_traffic_that_stopped_short_is_judged_once_a_later_minute_holds_no_request(cloudwatch: Any) -> None:
    # GIVEN 100 of 300 requests (synthetic stopped at its deadline) a minute ago
    seed(cloudwatch, GREEN, requests=100, errors=0, published=False)
    heartbeat(cloudwatch, 0)  # the minute of the read: published so far, not over
    naps: list[float] = []
    outcome = read(cloudwatch, Traffic(requests=300), naps)
    # THEN it waited for that later minute to be over, not for requests that never come
    assert 0 < sum(naps) <= 60 and outcome.observed["publication"]["published"] is True


def test_traffic_of_a_duration_waits_for_the_minute_it_ends_in(cloudwatch: Any) -> None:
    # GIVEN traffic over by two minutes from now, whose minute CloudWatch publishes after the third poll
    seed(cloudwatch, GREEN, requests=300, errors=0, published=True)
    naps: list[float] = []
    ends_by = NOW + timedelta(minutes=2)
    outcome = read(cloudwatch, Traffic(ends_by=ends_by), naps, lambda n: n == 3 and heartbeat(cloudwatch, 2))
    assert naps == [5, 5, 5]
    assert outcome.observed["publication"]["published"] is True
    assert outcome.observed["publication"]["last_period"].startswith(ends_by.replace(second=0).isoformat()[:16])


def test_the_traffic_is_what_the_synthetic_config_sends_to_the_test_listener() -> None:
    scenario = [{"path": "/a"}, {"path": "/b", "host": "other.example.com"}, {"path": "/c"}]
    config = SyntheticConfig.model_validate(
        {"total_requests": 10, "requests": scenario, "allowed_hosts": ["other.example.com"]}
    )
    assert of_synthetic(config, PREPARED) == Traffic(requests=7)  # every third request goes elsewhere
    timed = SyntheticConfig.model_validate({"duration_seconds": 30, "request_timeout_seconds": 2})
    assert of_synthetic(timed, PREPARED) == Traffic(ends_by=PREPARED + timedelta(seconds=32 + START_MARGIN_S))
    assert of_synthetic(SyntheticConfig(enabled=False), PREPARED) == Traffic()
