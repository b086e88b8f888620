"""CloudWatch's statistics as AWS computes them: percentiles (`p99`) and metric math's arithmetic."""

from __future__ import annotations

import ast
import math
import operator
import re
from typing import Any

import moto.cloudwatch.models as cloudwatch_models
from moto.cloudwatch.models import Statistics

from greenlight.engine.patches.originals import ORIGINALS, PatchList

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


PATCHES: PatchList = [
    (Statistics, "get_statistics_for_type", get_statistics_for_type),
    (cloudwatch_models, "parse_expression", parse_expression),
]
