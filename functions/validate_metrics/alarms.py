"""CloudWatch alarms that must not be in ALARM: named ones and those under a prefix, of every type, every page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from common.config import MetricsConfig
from common.payload.models import ValidationStatus
from validate_metrics.judging import CheckResult

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient

# Every kind of alarm DescribeAlarms knows; without AlarmTypes it returns metric alarms only.
ALARM_TYPES = ["CompositeAlarm", "MetricAlarm", "LogAlarm"]
ALARM_LISTS = ("CompositeAlarms", "MetricAlarms", "LogAlarms")
IN_ALARM = "ALARM"  # cloudwatch StateValue
MAX_ALARM_NAMES = 100  # DescribeAlarms takes at most 100 names a call


def describe_alarms(cloudwatch: CloudWatchClient, **selector: Any) -> list[dict[str, Any]]:
    """Every alarm the selector matches, of every type, over every page."""
    pages = cloudwatch.get_paginator("describe_alarms").paginate(AlarmTypes=ALARM_TYPES, **selector)  # type: ignore[arg-type]
    found: list[dict[str, Any]] = []
    for page in pages:
        answer: dict[str, Any] = dict(page)
        found += [dict(alarm) for kind in ALARM_LISTS for alarm in answer.get(kind, [])]
    return found


def alarm_checks(cloudwatch: CloudWatchClient, config: MetricsConfig) -> list[CheckResult]:
    if not config.alarms and not config.alarm_prefix:
        return []
    found: list[dict[str, Any]] = []
    for start in range(0, len(config.alarms), MAX_ALARM_NAMES):
        found += describe_alarms(cloudwatch, AlarmNames=config.alarms[start : start + MAX_ALARM_NAMES])
    if config.alarm_prefix:
        found += describe_alarms(cloudwatch, AlarmNamePrefix=config.alarm_prefix)
    by_name = {alarm["AlarmName"]: alarm for alarm in found}
    checks = [
        CheckResult(
            f"alarm:{name}", "DescribeAlarms", None, "not ALARM", ValidationStatus.ERROR, "alarm does not exist"
        )
        for name in sorted(set(config.alarms) - set(by_name))
    ]
    for name, alarm in sorted(by_name.items()):
        state = alarm["StateValue"]
        status = ValidationStatus.FAILED if state == IN_ALARM else ValidationStatus.PASSED
        checks.append(CheckResult(f"alarm:{name}", "DescribeAlarms", None, "not ALARM", status, f"state {state}"))
    return checks
