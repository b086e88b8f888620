"""The local CloudWatch has an ALB's data points only once AWS's would: after their minute ends and the delay."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from greenlight.engine import patches
from greenlight.engine.core.context import EngineSettings, installed
from tests.support.metric_sums import sums

DIMENSIONS = [{"Name": "TargetGroup", "Value": "targetgroup/g/1"}]


@pytest.fixture
def cloudwatch() -> Iterator[Any]:
    patches.apply()
    with mock_aws():
        yield boto3.client("cloudwatch", region_name="us-east-1")


def put(cloudwatch: Any, namespace: str, at: datetime) -> None:
    datum = {"MetricName": "RequestCount", "Value": 1.0, "Timestamp": at, "Dimensions": DIMENSIONS}
    cloudwatch.put_metric_data(Namespace=namespace, MetricData=[datum])


def readable(cloudwatch: Any, namespace: str) -> float:
    return sums(cloudwatch, "RequestCount", DIMENSIONS, namespace, minutes=10)


def test_an_albs_minute_is_readable_after_it_ends_and_the_delay_passes(cloudwatch: Any) -> None:
    now = datetime.now(UTC)
    put(cloudwatch, "AWS/ApplicationELB", now)  # this minute: not ended
    put(cloudwatch, "AWS/ApplicationELB", now - timedelta(minutes=5))  # ended 4 minutes ago at least
    with installed(EngineSettings(time_scale=1.0, alb_metrics_delay_s=60.0)):
        assert readable(cloudwatch, "AWS/ApplicationELB") == 1.0
    # outside an engine moto answers as shipped: everything at once
    assert readable(cloudwatch, "AWS/ApplicationELB") == 2.0


def test_the_delay_scales_with_the_engines_time_and_spares_other_namespaces(cloudwatch: Any) -> None:
    now = datetime.now(UTC)
    put(cloudwatch, "AWS/ApplicationELB", now)
    put(cloudwatch, "Orders", now)
    with installed(EngineSettings(time_scale=1.0, alb_metrics_delay_s=60.0)):
        assert readable(cloudwatch, "Orders") == 1.0  # the user's own metrics: not an ALB's delay
    with installed(EngineSettings(time_scale=0.0)):
        assert readable(cloudwatch, "AWS/ApplicationELB") == 1.0  # time scale 0: no waiting anywhere
