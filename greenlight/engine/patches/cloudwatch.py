"""CloudWatch as AWS runs it: percentiles (`p99`), metric math's arithmetic, and the delay of an ALB's metrics.

An ALB sends its metrics per 60-second period, and CloudWatch has a period's data points a while after the period
ends ("a minute or more"; the ALB metrics page says only that they are sent in 60-second intervals). moto has every
data point the moment it is put. Here a period of `AWS/ApplicationELB` data becomes readable, all at once, when it
has ended and the engine's `alb_metrics_delay_s` more has passed, both scaled by the engine's time scale (as its
Wait states are): at time scale 1 exactly as on AWS, at 0 (or with no delay set) at once.
"""

from __future__ import annotations

import ast
import math
import operator
import re
import time
from typing import Any

import moto.cloudwatch.models as cloudwatch_models
from moto.cloudwatch.models import CloudWatchBackend, MetricDatumBase, Statistics

from greenlight.engine.core.context import current
from greenlight.engine.patches.originals import ORIGINALS, PatchList

ALB_NAMESPACE = "AWS/ApplicationELB"
ALB_PERIOD_S = 60  # an ALB sends its metrics per minute

_PERCENTILE = re.compile(r"p(\d{1,2}(?:\.\d+)?)")
_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def get_statistics_for_type(self: Statistics, stat: str) -> Any:
    """`pNN` from the stored values, nearest rank (moto has no percentile statistics)."""
    match = _PERCENTILE.fullmatch(stat)
    if match is None:
        return ORIGINALS["statistics"](self, stat)
    values = sorted(self.metric_single_values_list)
    if not values:
        return None
    rank = max(1, math.ceil(float(match.group(1)) / 100 * len(values)))
    return values[rank - 1]


def _evaluate(node: ast.AST, values: dict[str, float]) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand, values)
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        return float(_ARITHMETIC[type(node.op)](_evaluate(node.left, values), _evaluate(node.right, values)))
    raise ValueError(f"unsupported metric math: {ast.dump(node)}")


def parse_expression(expression: str, results: list[dict[str, Any]]) -> tuple[list[float], list[Any]]:
    """Metric math's arithmetic (+ - * / over query ids and numbers), per timestamp; moto only echoes an id."""
    tree = ast.parse(expression.strip(), mode="eval")
    series = {r["id"]: dict(zip(r["timestamps"], r["values"], strict=True)) for r in results}
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    if not names <= set(series):
        return [], []
    timestamps = sorted(set.intersection(*(set(series[name]) for name in names))) if names else []
    values, kept = [], []
    for timestamp in timestamps:
        try:
            values.append(_evaluate(tree, {name: float(series[name][timestamp]) for name in names}))
        except ZeroDivisionError:
            continue  # CloudWatch drops such points too
        kept.append(timestamp)
    return values, kept


def readable_from(period_start: float, delay_s: float, time_scale: float) -> float:
    """When a period of an ALB's data becomes readable: its end plus the delay, in the engine's scaled time."""
    return period_start + (ALB_PERIOD_S + delay_s) * time_scale


def get_all_metrics(self: CloudWatchBackend) -> list[MetricDatumBase]:
    """Every data point, but an ALB's only once CloudWatch would have published their period."""
    data: list[MetricDatumBase] = ORIGINALS["all_metrics"](self)
    settings = current()
    if settings is None or settings.time_scale <= 0 or settings.alb_metrics_delay_s is None:
        return data
    now, delay_s = time.time(), settings.alb_metrics_delay_s

    def readable(datum: MetricDatumBase) -> bool:
        if datum.namespace != ALB_NAMESPACE:
            return True
        stamp = datum.timestamp.timestamp()
        period_start = stamp - stamp % ALB_PERIOD_S
        return now >= readable_from(period_start, delay_s, settings.time_scale)

    return [datum for datum in data if readable(datum)]


PATCHES: PatchList = [
    (Statistics, "get_statistics_for_type", get_statistics_for_type),
    (cloudwatch_models, "parse_expression", parse_expression),
    (CloudWatchBackend, "get_all_metrics", get_all_metrics),
]
