"""Metric thresholds on the GREEN target group over the observation window, optionally against BLUE."""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from common.config import Comparison, MetricCheck, MetricsConfig, NoDataPolicy
from common.models import TargetGroup, ValidationStatus
from common.validation import Outcome

ELB_NAMESPACE = "AWS/ApplicationELB"
BUILTIN_METRICS = {  # query id: (metric name, statistic)
    "requests": ("RequestCount", "Sum"),
    "errors_5xx": ("HTTPCode_Target_5XX_Count", "Sum"),
    # Connections to GREEN that could not be established (refused, or no answer to the connect): the ALB answers
    # those itself (HTTPCode_ELB_5XX_Count, which has no TargetGroup dimension), so HTTPCode_Target_5XX_Count
    # never sees them; this per-target-group count does (ALB metrics page).
    "connection_errors": ("TargetConnectionErrorCount", "Sum"),
    "p99": ("TargetResponseTime", "p99"),
    "unhealthy": ("UnHealthyHostCount", "Maximum"),
}
COMPARE = {
    Comparison.LT: operator.lt,
    Comparison.LE: operator.le,
    Comparison.GT: operator.gt,
    Comparison.GE: operator.ge,
}
SEVERITY = [ValidationStatus.FAILED, ValidationStatus.ERROR, ValidationStatus.INCONCLUSIVE, ValidationStatus.PASSED]
NO_DATA_STATUS = {
    NoDataPolicy.FAIL: ValidationStatus.FAILED,
    NoDataPolicy.PASS: ValidationStatus.PASSED,
    NoDataPolicy.INCONCLUSIVE: ValidationStatus.INCONCLUSIVE,
}


@dataclass
class CheckResult:
    name: str
    query: str
    value: float | None
    threshold: str
    status: ValidationStatus
    decision: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.name,
            "query": self.query,
            "value": self.value,
            "threshold": self.threshold,
            "status": self.status.value,
            "decision": self.decision,
        }


def window(prepared_at: datetime, now: datetime, config: MetricsConfig) -> tuple[datetime, datetime]:
    """From when GREEN began taking test traffic (never before: the target group may hold an older release's data)."""
    start = max(prepared_at, now - timedelta(seconds=config.window_seconds))
    period = config.period_seconds
    start = datetime.fromtimestamp(int(start.timestamp()) // period * period, start.tzinfo)
    end = datetime.fromtimestamp(
        math.ceil(now.timestamp() / period) * period, now.tzinfo
    )  # the current period, partial
    return start, max(end, start + timedelta(seconds=period))


def _dimensions(group: TargetGroup) -> list[dict[str, str]]:
    dimensions = [{"Name": "TargetGroup", "Value": group.dimension}]
    if group.load_balancer_dimension:
        dimensions.append({"Name": "LoadBalancer", "Value": group.load_balancer_dimension})
    return dimensions


def builtin_queries(prefix: str, group: TargetGroup, period: int) -> list[dict[str, Any]]:
    return [
        {
            "Id": f"{prefix}_{query_id}",
            "MetricStat": {
                "Metric": {"Namespace": ELB_NAMESPACE, "MetricName": metric, "Dimensions": _dimensions(group)},
                "Period": period,
                "Stat": stat,
            },
        }
        for query_id, (metric, stat) in BUILTIN_METRICS.items()
    ]


def custom_query(check: MetricCheck, period: int) -> dict[str, Any]:
    if check.expression:
        return {
            "Id": f"custom_{check.name.lower().replace('-', '_')}",
            "Expression": check.expression,
            "Period": period,
        }
    dimensions = [{"Name": name, "Value": value} for name, value in check.dimensions.items()]
    metric = {"Namespace": check.namespace, "MetricName": check.metric, "Dimensions": dimensions}
    return {
        "Id": f"custom_{check.name.lower().replace('-', '_')}",
        "MetricStat": {"Metric": metric, "Period": period, "Stat": check.statistic},
    }


def fetch(cloudwatch: Any, queries: list[dict[str, Any]], start: datetime, end: datetime) -> dict[str, list[float]]:
    values: dict[str, list[float]] = {query["Id"]: [] for query in queries}
    kwargs: dict[str, Any] = {"MetricDataQueries": queries, "StartTime": start, "EndTime": end}
    while True:
        response = cloudwatch.get_metric_data(**kwargs)
        for result in response["MetricDataResults"]:
            values.setdefault(result["Id"], []).extend(float(v) for v in result.get("Values", []))
        if not response.get("NextToken"):
            return values
        kwargs["NextToken"] = response["NextToken"]


def aggregate(values: list[float], statistic: str) -> float | None:
    if not values:
        return None
    return sum(values) if statistic in ("Sum", "SampleCount") else max(values)


def judge(
    name: str, query: str, value: float | None, comparison: Comparison, threshold: float, no_data: NoDataPolicy
) -> CheckResult | None:
    limit = f"{comparison.value} {threshold:g}"
    if value is None:
        if no_data is NoDataPolicy.IGNORE:
            return None
        return CheckResult(
            name, query, None, limit, NO_DATA_STATUS[no_data], f"no data; no-data policy is {no_data.value}"
        )
    ok = COMPARE[comparison](value, threshold)
    status = ValidationStatus.PASSED if ok else ValidationStatus.FAILED
    return CheckResult(
        name, query, round(value, 6), limit, status, f"{value:.4g} {'meets' if ok else 'breaks'} {limit}"
    )


def server_errors(values: dict[str, list[float]], prefix: str) -> float:
    """Requests GREEN (or BLUE) failed: its own 5xx answers plus the connections it refused or reset."""
    return sum(aggregate(values[f"{prefix}_{query}"], "Sum") or 0.0 for query in ("errors_5xx", "connection_errors"))


def builtin_checks(
    values: dict[str, list[float]], config: MetricsConfig, group: TargetGroup
) -> list[CheckResult | None]:
    """5xx rate and p99 need enough requests to mean anything: too few is inconclusive, none is the no-data policy."""
    requests = aggregate(values["green_requests"], "Sum")
    errors = server_errors(values, "green")
    where = f"{ELB_NAMESPACE} TargetGroup={group.dimension}"
    # name, query, value seen, limit (None = off), whether it is a rate that needs enough requests
    candidates = [
        ("5xx_rate", f"(HTTPCode_Target_5XX_Count + TargetConnectionErrorCount) Sum / RequestCount Sum, {where}",
         min(errors / requests, 1.0) if requests else None, config.max_5xx_rate, True),
        ("p99_response_time", f"TargetResponseTime p99 (worst period), {where}",
         aggregate(values["green_p99"], "p99"), config.max_p99_seconds, True),
        ("unhealthy_hosts", f"UnHealthyHostCount Maximum, {where}",
         aggregate(values["green_unhealthy"], "Maximum"), config.max_unhealthy_hosts, False),
    ]  # fmt: skip
    too_few = requests is not None and requests < config.min_request_count
    checks: list[CheckResult | None] = []
    if too_few and any(limit is not None and rate for _, _, _, limit, rate in candidates):
        reason = f"{requests:g} requests in the window; too few to judge rates"
        limit_text = f">= {config.min_request_count}"
        checks.append(CheckResult("request_count", f"RequestCount Sum, {where}", requests, limit_text,
                                  ValidationStatus.INCONCLUSIVE, reason))  # fmt: skip
    for name, query, value, limit, rate in candidates:
        if limit is not None and not (rate and too_few):
            checks.append(judge(name, query, value, Comparison.LE, limit, config.no_data))
    return checks


def baseline_checks(values: dict[str, list[float]], config: MetricsConfig) -> list[CheckResult | None]:
    """GREEN against BLUE over the same window, so a problem production already has does not block its fix."""
    if config.baseline is None:
        return []
    checks: list[CheckResult | None] = []
    green_requests, blue_requests = (
        aggregate(values["green_requests"], "Sum"),
        aggregate(values["blue_requests"], "Sum"),
    )
    if config.baseline.max_5xx_rate_increase is not None and green_requests and blue_requests:
        green_rate = min(server_errors(values, "green") / green_requests, 1.0)
        blue_rate = min(server_errors(values, "blue") / blue_requests, 1.0)
        limit = blue_rate + config.baseline.max_5xx_rate_increase
        checks.append(
            judge(
                "5xx_rate_vs_blue",
                f"GREEN 5xx rate vs BLUE 5xx rate ({blue_rate:.4g}) + {config.baseline.max_5xx_rate_increase:g}",
                green_rate,
                Comparison.LE,
                limit,
                config.no_data,
            )
        )
    green_p99, blue_p99 = aggregate(values["green_p99"], "p99"), aggregate(values["blue_p99"], "p99")
    if config.baseline.max_p99_ratio is not None and green_p99 is not None and blue_p99:
        checks.append(
            judge(
                "p99_vs_blue",
                f"GREEN p99 vs {config.baseline.max_p99_ratio:g} x BLUE p99 ({blue_p99:.4g} s)",
                green_p99,
                Comparison.LE,
                blue_p99 * config.baseline.max_p99_ratio,
                config.no_data,
            )
        )
    return checks


# Every kind of alarm DescribeAlarms knows; without AlarmTypes it returns metric alarms only.
ALARM_TYPES = ["CompositeAlarm", "MetricAlarm", "LogAlarm"]
ALARM_LISTS = ("CompositeAlarms", "MetricAlarms", "LogAlarms")
IN_ALARM = "ALARM"  # cloudwatch StateValue
MAX_ALARM_NAMES = 100  # DescribeAlarms takes at most 100 names a call


def describe_alarms(cloudwatch: Any, **selector: Any) -> list[dict[str, Any]]:
    """Every alarm the selector matches, of every type, over every page."""
    pages = cloudwatch.get_paginator("describe_alarms").paginate(AlarmTypes=ALARM_TYPES, **selector)
    return [alarm for page in pages for kind in ALARM_LISTS for alarm in page.get(kind, [])]


def alarm_checks(cloudwatch: Any, config: MetricsConfig) -> list[CheckResult | None]:
    if not config.alarms and not config.alarm_prefix:
        return []
    found: list[dict[str, Any]] = []
    for start in range(0, len(config.alarms), MAX_ALARM_NAMES):
        found += describe_alarms(cloudwatch, AlarmNames=config.alarms[start : start + MAX_ALARM_NAMES])
    if config.alarm_prefix:
        found += describe_alarms(cloudwatch, AlarmNamePrefix=config.alarm_prefix)
    by_name = {alarm["AlarmName"]: alarm for alarm in found}
    checks: list[CheckResult | None] = []
    for missing in sorted(set(config.alarms) - set(by_name)):
        checks.append(
            CheckResult(
                f"alarm:{missing}", "DescribeAlarms", None, "not ALARM", ValidationStatus.ERROR, "alarm does not exist"
            )
        )
    for name, alarm in sorted(by_name.items()):
        state = alarm["StateValue"]
        status = ValidationStatus.FAILED if state == IN_ALARM else ValidationStatus.PASSED
        checks.append(CheckResult(f"alarm:{name}", "DescribeAlarms", None, "not ALARM", status, f"state {state}"))
    return checks


def check_metrics(
    cloudwatch: Any,
    green: TargetGroup,
    blue: TargetGroup | None,
    config: MetricsConfig,
    prepared_at: datetime,
    now: datetime,
) -> Outcome:
    start, end = window(prepared_at, now, config)
    queries = builtin_queries("green", green, config.period_seconds)
    if config.baseline is not None and blue is not None:
        queries += builtin_queries("blue", blue, config.period_seconds)
    queries += [custom_query(check, config.period_seconds) for check in config.checks]
    values = fetch(cloudwatch, queries, start, end)
    for query_id in BUILTIN_METRICS:
        values.setdefault(f"blue_{query_id}", [])

    results = builtin_checks(values, config, green) + baseline_checks(values, config)
    for check, query in zip(config.checks, queries[-len(config.checks) :] if config.checks else [], strict=True):
        description = check.expression or f"{check.namespace} {check.metric} {check.statistic} {check.dimensions}"
        results.append(
            judge(
                check.name,
                description,
                aggregate(values[query["Id"]], check.statistic),
                check.comparison,
                check.threshold,
                check.no_data or config.no_data,
            )
        )
    results += alarm_checks(cloudwatch, config)
    decided = [result for result in results if result is not None]

    observed = {
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "checks": [r.as_dict() for r in decided],
    }
    expected = {r.name: r.threshold for r in decided}
    if not decided:
        return Outcome(
            ValidationStatus.PASSED, "No metric check applied (all ignored for lack of data).", observed, expected
        )
    status = min((r.status for r in decided), key=SEVERITY.index)
    named = [f"{r.name} {r.decision}" for r in decided if r.status is status]
    if status is ValidationStatus.PASSED:
        reason = f"{len(decided)} metric checks passed over {int((end - start).total_seconds())} s."
    else:
        reason = "; ".join(named) + "."
    return Outcome(status, reason, observed, expected)
