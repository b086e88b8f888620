"""Metric thresholds on the GREEN target group over the observation window, optionally against BLUE."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from common.config import Comparison, MetricsConfig
from common.payload.models import TargetGroup, ValidationStatus
from common.payload.validation import Outcome
from common.runtime import clock
from validate_metrics.alarms import alarm_checks
from validate_metrics.baseline import baseline_checks
from validate_metrics.judging import HOSTS, RATE, SECONDS, SEVERITY, CheckResult, aggregate, inconclusive, judge
from validate_metrics.publication import Publication, read_published
from validate_metrics.queries import (
    CONNECTION_ERRORS,
    ELB_NAMESPACE,
    P99,
    REQUESTS,
    TARGET_5XX,
    UNHEALTHY,
    BuiltinMetric,
    builtin_queries,
    custom_query,
    custom_query_id,
    query_id,
    values_of,
)
from validate_metrics.series import metric_series
from validate_metrics.traffic import Traffic

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient

Values = dict[str, list[float]]


class Candidate(NamedTuple):
    """A built-in check on GREEN: what it reads, the value seen, its limit (None: off), whether it is a rate."""

    name: str
    query: str
    value: float | None
    limit: float | None
    is_rate: bool
    unit: str


def total(values: Values, side: str, *metrics: BuiltinMetric) -> float | None:
    """The sum over the window of these built-in metrics for GREEN or BLUE; None when CloudWatch had none."""
    series = [values.get(query_id(side, metric)) for metric in metrics]
    return None if all(not s for s in series) else sum(aggregate(s, "Sum") or 0.0 for s in series)


def error_rate(values: Values, side: str) -> float | None:
    """Requests GREEN (or BLUE) failed, its own 5xx answers and connections it refused, over its requests."""
    requests = total(values, side, REQUESTS)
    if not requests:
        return None
    return min((total(values, side, TARGET_5XX, CONNECTION_ERRORS) or 0.0) / requests, 1.0)


def builtin_checks(values: Values, config: MetricsConfig, group: TargetGroup) -> list[CheckResult | None]:
    """5xx rate and p99 need enough requests to mean anything: too few is inconclusive, none is the no-data policy."""
    where = f"{ELB_NAMESPACE} TargetGroup={group.dimension}"
    requests = total(values, "green", REQUESTS)
    candidates = [
        Candidate(
            "5xx_rate",
            f"(HTTPCode_Target_5XX_Count + TargetConnectionErrorCount) Sum / RequestCount Sum, {where}",
            error_rate(values, "green"),
            config.max_5xx_rate,
            is_rate=True,
            unit=RATE,
        ),
        Candidate(
            "p99_response_time",
            f"TargetResponseTime p99 (worst period), {where}",
            aggregate(values.get(query_id("green", P99)), "p99"),
            config.max_p99_seconds,
            is_rate=True,
            unit=SECONDS,
        ),
        Candidate(
            "unhealthy_hosts",
            f"UnHealthyHostCount Maximum, {where}",
            aggregate(values.get(query_id("green", UNHEALTHY)), "Maximum"),
            config.max_unhealthy_hosts,
            is_rate=False,
            unit=HOSTS,
        ),
    ]
    too_few = requests is not None and requests < config.min_request_count
    # An ALB publishes no RequestCount for a minute without requests: then a rate or a p99 has nothing to say.
    idle = (
        "GREEN's target group took no requests: nothing sent any through the test listener" if requests is None else ""
    )
    checks: list[CheckResult | None] = []
    if too_few and any(c.limit is not None and c.is_rate for c in candidates):
        why = f"{requests:g} requests in the window; too few to judge rates"
        checks.append(
            inconclusive("request_count", f"RequestCount Sum, {where}", f">= {config.min_request_count}", why)
        )
    for candidate in candidates:
        if candidate.limit is not None and not (candidate.is_rate and too_few):
            checks.append(
                judge(
                    candidate.name,
                    candidate.query,
                    candidate.value,
                    Comparison.LE,
                    candidate.limit,
                    config.no_data,
                    candidate.unit,
                    idle if candidate.is_rate else "",
                )
            )
    return checks


def _p99(values: Values, side: str) -> float | None:
    return aggregate(values.get(query_id(side, P99)), "p99")


def custom_checks(values: Values, config: MetricsConfig) -> list[CheckResult | None]:
    """Each of the user's checks, paired with its own query by id."""
    results: list[CheckResult | None] = []
    for check in config.checks:
        description = check.expression or f"{check.namespace} {check.metric} {check.statistic} {check.dimensions}"
        value = aggregate(values.get(custom_query_id(check)), check.statistic)
        no_data = check.no_data or config.no_data
        results.append(
            judge(check.name, description, value, check.comparison, check.threshold, no_data, check.statistic)
        )
    return results


def check_metrics(
    cloudwatch: CloudWatchClient,
    green: TargetGroup,
    blue: TargetGroup | None,
    config: MetricsConfig,
    prepared_at: datetime,
    now: datetime,
    sleep: Callable[[float], None] = clock.sleep,
    traffic: Traffic | None = None,
) -> Outcome:
    """Judge the window from the deployment's start on, once CloudWatch published the period in which the run's
    `traffic` ends (validate_metrics.publication), or at the deadline."""
    queries = builtin_queries("green", green, config.period_seconds)
    if config.baseline is not None and blue is not None:
        queries += builtin_queries("blue", blue, config.period_seconds)
    queries += [custom_query(check, config.period_seconds) for check in config.checks]
    points, (start, end), publication = read_published(cloudwatch, queries, prepared_at, now, config, sleep, traffic)
    values = values_of(points)
    results = (
        builtin_checks(values, config, green)
        + baseline_checks(values, config, blue, error_rate, _p99)
        + custom_checks(values, config)
    )
    decided = [result for result in [*results, *alarm_checks(cloudwatch, config)] if result is not None]
    judged = outcome(decided, start, end, publication)
    judged.charts = metric_series(
        points, config, start, end, with_blue=config.baseline is not None and blue is not None
    )
    return judged


def outcome(decided: list[CheckResult], start: datetime, end: datetime, publication: Publication) -> Outcome:
    observed = {
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "publication": publication.as_dict(),
        "checks": [r.as_dict() for r in decided],
    }
    expected = {r.name: r.threshold for r in decided}
    counted = [r for r in decided if r.status is not ValidationStatus.SKIPPED]
    skipped: dict[str, list[str]] = {}
    for r in decided:
        if r.status is ValidationStatus.SKIPPED:
            skipped.setdefault(r.decision, []).append(r.name)
    aside = "".join(f" {' and '.join(names)} {decision}." for decision, names in skipped.items())
    if not counted:
        reason = "No metric check applied (all ignored for lack of data)." + aside + publication.note()
        return Outcome(ValidationStatus.PASSED, reason, observed, expected)
    status = min((r.status for r in counted), key=SEVERITY.index)
    if status is ValidationStatus.PASSED:
        periods = round((end - start).total_seconds() / 60)
        reason = (
            f"{len(counted)} metric checks passed on the window {start.strftime('%H:%M')}-{end.strftime('%H:%M')} UTC "
            f"({periods} min of CloudWatch periods)."
        )
    else:
        reason = "; ".join(f"{r.name}: {r.decision}" for r in counted if r.status is status) + "."
    return Outcome(status, reason + aside + publication.note(), observed, expected)
