"""What the report draws for the metrics check: each check's value per period over the window, GREEN and BLUE.

One value per period, aligned on the window's periods (None where CloudWatch had no data); a long window is
folded to at most MAX_POINTS values, each the worst of the periods it covers, so the data stays small (at most about
5 KiB for the longest window with every built-in check, a baseline and custom checks).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from common.config import Comparison, MetricsConfig
from validate_metrics.queries import (
    CONNECTION_ERRORS,
    P99,
    REQUESTS,
    TARGET_5XX,
    UNHEALTHY,
    BuiltinMetric,
    Points,
    custom_query_id,
    query_id,
)

MAX_POINTS = 36
MAX_SERIES = 10
Grid = list[float | None]


def on_grid(pairs: list[tuple[datetime, float]] | None, start: datetime, period: int, length: int) -> Grid:
    """The values placed on the window's periods; a period CloudWatch gave nothing for is None."""
    grid: Grid = [None] * length
    for stamp, value in pairs or []:
        index = int((stamp.timestamp() - start.timestamp()) // period)
        if 0 <= index < length:
            grid[index] = value  # CloudWatch gives one value per period and query
    return grid


def folded(grid: Grid, factor: int, worst: Callable[[list[float]], float]) -> Grid:
    """Every `factor` periods as one value: the worst of them, so a short spike still shows."""
    chunks = [[v for v in grid[i : i + factor] if v is not None] for i in range(0, len(grid), factor)]
    return [float(f"{worst(chunk):.4g}") if chunk else None for chunk in chunks]  # 4 digits draw well enough


def _rate(errors: list[Grid], requests: Grid) -> Grid:
    counts = [sum(v or 0.0 for v in values) for values in zip(*errors, strict=True)]
    return [None if not total else min(count / total, 1.0) for count, total in zip(counts, requests, strict=True)]


def builtin_series(config: MetricsConfig) -> list[tuple[str, str, float | None, Comparison, Callable[..., Grid]]]:
    """The built-in checks as (name, unit, limit, comparison, reader of one side's values per period)."""

    def metric(chosen: BuiltinMetric) -> Callable[[Callable[[str], Grid], str], Grid]:
        return lambda grid, side: grid(query_id(side, chosen))

    def rate(grid: Callable[[str], Grid], side: str) -> Grid:
        errors = [grid(query_id(side, TARGET_5XX)), grid(query_id(side, CONNECTION_ERRORS))]
        return _rate(errors, grid(query_id(side, REQUESTS)))

    return [
        ("5xx_rate", "ratio", config.max_5xx_rate, Comparison.LE, rate),
        ("p99_response_time", "s", config.max_p99_seconds, Comparison.LE, metric(P99)),
        ("unhealthy_hosts", "hosts", config.max_unhealthy_hosts, Comparison.LE, metric(UNHEALTHY)),
        ("request_count", "requests", None, Comparison.GE, metric(REQUESTS)),
    ]


def metric_series(
    points: Points, config: MetricsConfig, start: datetime, end: datetime, with_blue: bool = False
) -> dict[str, Any]:
    """Each check's values per period for GREEN (and BLUE when a baseline read it, data or not), with its limit."""
    period = config.period_seconds
    length = max(1, math.ceil((end - start).total_seconds() / period))
    factor = math.ceil(length / MAX_POINTS)

    def grid(query: str) -> Grid:
        return on_grid(points.get(query), start, period, length)

    wanted = [(*builtin, with_blue) for builtin in builtin_series(config)]
    for check in config.checks:
        custom = _custom(custom_query_id(check))
        wanted.append((check.name, check.statistic, check.threshold, check.comparison, custom, False))
    series = []
    for name, unit, limit, comparison, read, per_side in wanted[:MAX_SERIES]:
        worst = min if comparison in (Comparison.GT, Comparison.GE) and limit is not None else max
        sides = ("green", "blue") if per_side else ("green",)
        drawn = {side: folded(read(grid, side), factor, worst) for side in sides}
        series.append({"check": name, "unit": unit, "limit": limit, "comparison": comparison.value, **drawn})
    charts: dict[str, Any] = {
        "start": start.isoformat(),
        "period_seconds": period,
        "step_seconds": period * factor,
        "series": series,
    }
    if len(wanted) > MAX_SERIES:
        charts["series_left_out"] = len(wanted) - MAX_SERIES
    return charts


def _custom(query: str) -> Callable[[Callable[[str], Grid], str], Grid]:
    return lambda grid, _side: grid(query)  # a custom check has one query, not one per target group
