"""What the report draws travels in each result: latency buckets, distinct failures, metric series per period.

Bounded by construction: the largest realistic inputs (every request failing differently, the longest metric
window with a baseline and many custom checks) keep a result far below Step Functions' payload limit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from common.config import MetricsConfig, SyntheticConfig
from common.payload.limits import CHARTS_BUDGET_BYTES, FAIL_CAUSE_LIMIT_CHARACTERS, RESULT_BUDGET_BYTES, size
from common.payload.models import TargetGroup
from common.payload.validation import run
from greenlight.engine import patches
from validate_metrics.checks import check_metrics
from validate_metrics.queries import builtin_queries, custom_query, window
from validate_synthetic.charts import MAX_DISTINCT_FAILURES, distinct_failures, latency_histogram
from validate_synthetic.checks import judge
from validate_synthetic.traffic import Sample

LB = "app/svc/50dc6c495c0c9188"
GREEN = TargetGroup(name="svc-green", dimension="targetgroup/svc-green/1", load_balancer_dimension=LB)
BLUE = TargetGroup(name="svc-blue", dimension="targetgroup/svc-blue/2", load_balancer_dimension=LB)
NOW = datetime(2026, 11, 27, 12, 30, 10, tzinfo=UTC)


def test_latency_buckets_count_every_answer_and_span_fastest_to_slowest() -> None:
    latencies = [5.0] * 90 + [40.0] * 9 + [5000.0]
    histogram = latency_histogram(latencies)
    assert sum(histogram["counts"]) == 100
    assert histogram["edges_ms"][0] <= 5.0 and histogram["edges_ms"][-1] >= 4999.9
    # a timeout does not squash the rest: the 5 ms and 40 ms answers land in different buckets
    assert histogram["counts"][0] == 90 and 9 in histogram["counts"] and histogram["counts"][-1] == 1


def test_distinct_failures_name_each_request_and_expectation_once_most_frequent_first() -> None:
    samples = [Sample("list items", 500, 12.0, None, ["status 500, expected [200]"])] * 40
    samples += [Sample("list items", 200, 1000.0 + i, None, [f"took {1000 + i} ms, budget 900 ms"]) for i in range(7)]
    samples += [Sample("login", None, 3.0, "connection")] * 2 + [Sample("list items", 200, 9.0)] * 100
    failures = distinct_failures(samples)
    assert [(f["request"], f["count"]) for f in failures] == [("list items", 40), ("list items", 7), ("login", 2)]
    assert failures[1]["problem"] == "took 1000 ms, budget 900 ms"  # one real sample, not a pattern
    assert failures[2] == {"request": "login", "status": None, "problem": "connection", "count": 2}


def test_the_largest_synthetic_result_keeps_its_charts_and_stays_small() -> None:
    # GIVEN 10,000 answers, each failing on a different, long JSON assertion of one of 50 requests
    long = "x" * 3000
    samples = [
        Sample(f"request {i % 50}", 200, 1.0 + i, None, [f"json field{i} = {long!r}, expected 'y'"])
        for i in range(10_000)
    ]
    config = SyntheticConfig(total_requests=10_000)

    def check() -> Any:
        outcome = judge(samples, config)
        outcome.charts = {"latency_histogram": latency_histogram([s.latency_ms for s in samples])}
        return outcome

    result = run("synthetic", False, check)
    text = json.dumps(result)
    assert len(text.encode()) <= RESULT_BUDGET_BYTES and len(text) < FAIL_CAUSE_LIMIT_CHARACTERS
    assert "cut" not in result["charts"] and sum(result["charts"]["latency_histogram"]["counts"]) == 10_000
    assert len(result["observed"]["distinct_failures"]) <= MAX_DISTINCT_FAILURES + 1


@pytest.fixture
def cloudwatch() -> Iterator[Any]:
    patches.apply()
    with mock_aws():
        yield boto3.client("cloudwatch", region_name="us-east-1")


def put(cloudwatch: Any, group: TargetGroup, at: datetime, requests: float, errors: float, latency: float) -> None:
    dimensions = [{"Name": "TargetGroup", "Value": group.dimension}, {"Name": "LoadBalancer", "Value": LB}]
    data = [("RequestCount", requests, "Count"), ("HTTPCode_Target_5XX_Count", errors, "Count")]
    data += [("TargetResponseTime", latency, "Seconds")] * 5
    cloudwatch.put_metric_data(
        Namespace="AWS/ApplicationELB",
        MetricData=[
            {"MetricName": n, "Value": v, "Unit": u, "Timestamp": at, "Dimensions": dimensions} for n, v, u in data
        ],
    )


def test_metric_series_are_per_period_for_green_and_blue_with_their_limits(cloudwatch: Any) -> None:
    # GIVEN GREEN failing in the second of three periods, BLUE steady, and a baseline
    config = MetricsConfig.model_validate({"window_seconds": 180, "baseline": {}})
    start, _ = window(NOW - timedelta(minutes=10), NOW, config)
    for period, errors in enumerate([0.0, 30.0, 0.0]):
        at = start + timedelta(seconds=60 * period + 5)
        put(cloudwatch, GREEN, at, 100.0, errors, 0.05)
        put(cloudwatch, BLUE, at, 100.0, 1.0, 0.04)
    # WHEN the check runs (no UnHealthyHostCount was put: it polls to its deadline, without sleeping here)
    outcome = check_metrics(cloudwatch, GREEN, BLUE, config, NOW - timedelta(minutes=10), NOW, sleep=lambda _: None)
    # THEN each check has its values per period, on the window's periods, for both sides, and its limit
    charts = outcome.charts
    assert charts["start"] == start.isoformat() and charts["step_seconds"] == 60
    series = {s["check"]: s for s in charts["series"]}
    assert series["5xx_rate"]["green"][:3] == [0.0, 0.3, 0.0] and series["5xx_rate"]["blue"][:3] == [0.01] * 3
    assert series["5xx_rate"]["limit"] == 0.01 and series["5xx_rate"]["comparison"] == "<="
    assert series["request_count"]["green"][:3] == [100.0] * 3 and series["request_count"]["limit"] is None
    assert series["p99_response_time"]["green"][1] == pytest.approx(0.05)


def test_the_longest_window_with_many_checks_keeps_its_charts_and_stays_small() -> None:
    """Three hours of one-minute periods, a baseline and 20 custom checks, every query answering every period."""
    from tests.support.stubs import stubbed

    checks = [{"name": f"custom-{i}", "namespace": "Shop", "metric": f"Metric{i}", "threshold": 1} for i in range(20)]
    config = MetricsConfig.model_validate({"window_seconds": 10_800, "baseline": {}, "checks": checks})
    prepared = NOW - timedelta(hours=4)
    start, end = window(prepared, NOW, config)
    queries = builtin_queries("green", GREEN, 60) + builtin_queries("blue", BLUE, 60)
    queries += [custom_query(check, 60) for check in config.checks]
    stamps = [end - timedelta(seconds=60 * (i + 1)) for i in range(int((end - start).total_seconds()) // 60)]
    answer = {
        "MetricDataResults": [
            {
                "Id": q["Id"],
                "Label": q["Id"],
                "Timestamps": stamps,
                "Values": [0.0001234567] * len(stamps),
                "StatusCode": "Complete",
            }
            for q in queries
        ],
        "Messages": [],
    }
    with stubbed("cloudwatch") as (client, stubber):
        stubber.add_response("get_metric_data", answer)
        result = run("metrics", False, lambda: check_metrics(client, GREEN, BLUE, config, prepared, NOW))
    text = json.dumps(result)
    assert len(stamps) == 181 and "cut" not in result["charts"]
    assert size(result["charts"]) <= CHARTS_BUDGET_BYTES
    assert len(text.encode()) <= RESULT_BUDGET_BYTES and len(text) < FAIL_CAUSE_LIMIT_CHARACTERS
    series = result["charts"]["series"]
    assert len(series) == 10 and result["charts"]["series_left_out"] == 14
    assert all(len(s["green"]) <= 36 for s in series) and result["charts"]["step_seconds"] == 360
    print(f"largest metrics result: {len(text.encode())} bytes, charts {size(result['charts'])} bytes")
