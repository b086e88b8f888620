"""The emulated ALB listener publishes what an ALB publishes, with the dimensions AWS gives each metric."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from greenlight.engine.listener import NAMESPACE, ListenerSettings, TestListener
from tests.support.servers import Behaviour, closed_port, serve

pytestmark = pytest.mark.functional

GROUP = [{"Name": "TargetGroup", "Value": "targetgroup/g/1"}, {"Name": "LoadBalancer", "Value": "app/lb/2"}]


@pytest.fixture
def cloudwatch() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("cloudwatch", region_name="us-east-1")


def sums(cloudwatch: Any, name: str, dimensions: list[dict[str, str]]) -> float:
    now = datetime.now(UTC)
    answer = cloudwatch.get_metric_statistics(
        Namespace=NAMESPACE,
        MetricName=name,
        Dimensions=dimensions,
        StartTime=now - timedelta(minutes=5),
        EndTime=now + timedelta(minutes=1),
        Period=60,
        Statistics=["Sum"],
    )
    return float(sum(point["Sum"] for point in answer["Datapoints"]))


def send(listener: TestListener, count: int) -> list[int]:
    statuses = []
    for _ in range(count):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{listener.port}/", timeout=5) as answer:
                statuses.append(answer.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    return statuses


def test_a_refused_connection_is_a_target_connection_error_and_the_albs_own_502(cloudwatch: Any) -> None:
    listener = TestListener(
        ListenerSettings(upstream=f"http://127.0.0.1:{closed_port()}", dimensions=GROUP), cloudwatch
    ).start()
    try:
        assert send(listener, 3) == [502, 502, 502]
    finally:
        listener.close()
    assert sums(cloudwatch, "TargetConnectionErrorCount", GROUP) == 3
    assert sums(cloudwatch, "RequestCount", GROUP) == 3
    assert sums(cloudwatch, "HTTPCode_ELB_502_Count", GROUP[1:]) == 3  # LoadBalancer only, as AWS publishes it
    assert sums(cloudwatch, "HTTPCode_ELB_502_Count", GROUP) == 0
    assert sums(cloudwatch, "HTTPCode_Target_5XX_Count", GROUP) == 0


def test_a_target_5xx_is_the_targets_own(cloudwatch: Any) -> None:
    with serve(Behaviour(status=503)) as (url, _):
        listener = TestListener(ListenerSettings(upstream=url, dimensions=GROUP), cloudwatch).start()
        try:
            assert send(listener, 2) == [503, 503]
        finally:
            listener.close()
    assert sums(cloudwatch, "HTTPCode_Target_5XX_Count", GROUP) == 2
    assert sums(cloudwatch, "TargetConnectionErrorCount", GROUP) == 0


def test_a_reset_after_connecting_is_the_albs_502_without_a_connection_error(cloudwatch: Any) -> None:
    """The connection was established, so TargetConnectionErrorCount does not count it (ALB metrics page)."""
    with serve(Behaviour(reset=True)) as (url, _):
        listener = TestListener(ListenerSettings(upstream=url, dimensions=GROUP), cloudwatch).start()
        try:
            assert send(listener, 2) == [502, 502]
        finally:
            listener.close()
    assert sums(cloudwatch, "HTTPCode_ELB_502_Count", GROUP[1:]) == 2
    assert sums(cloudwatch, "TargetConnectionErrorCount", GROUP) == 0


def test_no_answer_in_time_is_the_albs_504(cloudwatch: Any) -> None:
    with serve(Behaviour(hang_s=1.0)) as (url, _):
        settings = ListenerSettings(upstream=url, dimensions=GROUP, upstream_timeout=0.2)
        listener = TestListener(settings, cloudwatch).start()
        try:
            assert send(listener, 1) == [504]
        finally:
            listener.close()
    assert sums(cloudwatch, "HTTPCode_ELB_504_Count", GROUP[1:]) == 1
    assert sums(cloudwatch, "TargetConnectionErrorCount", GROUP) == 0
