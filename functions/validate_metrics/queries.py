"""What the metrics validation asks CloudWatch: the built-in ALB queries per target group, and the user's own."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from common.config import MetricCheck, MetricsConfig
from common.payload.models import TargetGroup

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient

ELB_NAMESPACE = "AWS/ApplicationELB"


class BuiltinMetric(NamedTuple):
    key: str  # the query id is `<green|blue>_<key>`
    metric: str
    statistic: str


REQUESTS = BuiltinMetric("requests", "RequestCount", "Sum")
TARGET_5XX = BuiltinMetric("errors_5xx", "HTTPCode_Target_5XX_Count", "Sum")
# Connections to GREEN that could not be established (refused, or no answer to the connect): the ALB answers
# those itself (HTTPCode_ELB_5XX_Count, which has no TargetGroup dimension), so HTTPCode_Target_5XX_Count
# never sees them; this per-target-group count does (ALB metrics page).
CONNECTION_ERRORS = BuiltinMetric("connection_errors", "TargetConnectionErrorCount", "Sum")
P99 = BuiltinMetric("p99", "TargetResponseTime", "p99")
UNHEALTHY = BuiltinMetric("unhealthy", "UnHealthyHostCount", "Maximum")
BUILTIN_METRICS = (REQUESTS, TARGET_5XX, CONNECTION_ERRORS, P99, UNHEALTHY)


def query_id(side: str, metric: BuiltinMetric) -> str:
    return f"{side}_{metric.key}"


def custom_query_id(check: MetricCheck) -> str:
    """A check's query id: lower case, `-` as `_` (CloudWatch ids start lower case and hold `[a-zA-Z0-9_]`)."""
    return f"custom_{check.name.lower().replace('-', '_')}"


def window(prepared_at: datetime, now: datetime, config: MetricsConfig) -> tuple[datetime, datetime]:
    """From when GREEN began taking test traffic (never before: the target group may hold an older release's data)
    to the end of the current period, partial."""
    start = max(prepared_at, now - timedelta(seconds=config.window_seconds))
    period = config.period_seconds
    start = datetime.fromtimestamp(int(start.timestamp()) // period * period, start.tzinfo)
    end = datetime.fromtimestamp(math.ceil(now.timestamp() / period) * period, now.tzinfo)
    return start, max(end, start + timedelta(seconds=period))


def _dimensions(group: TargetGroup) -> list[dict[str, str]]:
    dimensions = [{"Name": "TargetGroup", "Value": group.dimension}]
    if group.load_balancer_dimension:
        dimensions.append({"Name": "LoadBalancer", "Value": group.load_balancer_dimension})
    return dimensions


def builtin_queries(side: str, group: TargetGroup, period: int) -> list[dict[str, Any]]:
    metric_of = {"Namespace": ELB_NAMESPACE, "Dimensions": _dimensions(group)}
    return [
        {
            "Id": query_id(side, metric),
            "MetricStat": {
                "Metric": metric_of | {"MetricName": metric.metric},
                "Period": period,
                "Stat": metric.statistic,
            },
        }
        for metric in BUILTIN_METRICS
    ]


def custom_query(check: MetricCheck, period: int) -> dict[str, Any]:
    if check.expression:
        return {"Id": custom_query_id(check), "Expression": check.expression, "Period": period}
    dimensions = [{"Name": name, "Value": value} for name, value in check.dimensions.items()]
    metric = {"Namespace": check.namespace, "MetricName": check.metric, "Dimensions": dimensions}
    return {"Id": custom_query_id(check), "MetricStat": {"Metric": metric, "Period": period, "Stat": check.statistic}}


Points = dict[str, list[tuple[datetime, float]]]


def fetch(cloudwatch: CloudWatchClient, queries: list[dict[str, Any]], start: datetime, end: datetime) -> Points:
    """Every (timestamp, value) of every query over every page, by query id (an id with no data is absent)."""
    points: Points = {}
    kwargs: dict[str, Any] = {"MetricDataQueries": queries, "StartTime": start, "EndTime": end}
    while True:
        response = cloudwatch.get_metric_data(**kwargs)
        for result in response["MetricDataResults"]:
            pairs = zip(result.get("Timestamps", []), result.get("Values", []), strict=False)
            points.setdefault(result["Id"], []).extend((stamp, float(value)) for stamp, value in pairs)
        if not response.get("NextToken"):
            return points
        kwargs["NextToken"] = response["NextToken"]


def values_of(points: Points) -> dict[str, list[float]]:
    return {query: [value for _, value in pairs] for query, pairs in points.items()}
