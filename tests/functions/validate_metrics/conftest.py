"""What the metric checks' tests share: moto's CloudWatch with seeded data points for GREEN and BLUE, and a run of the
checks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from common.config import MetricsConfig
from common.payload.models import TargetGroup
from greenlight.engine import patches
from validate_metrics.checks import check_metrics

LB = "app/svc/50dc6c495c0c9188"
GREEN = TargetGroup(name="svc-green", dimension="targetgroup/svc-green/1", load_balancer_dimension=LB)
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
