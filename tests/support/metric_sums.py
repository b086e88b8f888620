"""What the (local) CloudWatch can tell of a metric right now: the sum of its data points over recent minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any


def sums(cloudwatch: Any, name: str, dimensions: list[dict[str, str]], namespace: str, minutes: int = 5) -> float:
    now = datetime.now(UTC)
    answer = cloudwatch.get_metric_statistics(
        Namespace=namespace,
        MetricName=name,
        Dimensions=dimensions,
        StartTime=now - timedelta(minutes=minutes),
        EndTime=now + timedelta(minutes=1),
        Period=60,
        Statistics=["Sum"],
    )
    return float(sum(point["Sum"] for point in answer["Datapoints"]))
