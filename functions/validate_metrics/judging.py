"""How one metric check decides: a value against a limit, and what no data means."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any

from common.config import Comparison, NoDataPolicy
from common.payload.models import ValidationStatus

COMPARE = {
    Comparison.LT: operator.lt,
    Comparison.LE: operator.le,
    Comparison.GT: operator.gt,
    Comparison.GE: operator.ge,
}
# The worst status decides the validation; a check not judged (SKIPPED) never counts.
SEVERITY = [ValidationStatus.FAILED, ValidationStatus.ERROR, ValidationStatus.INCONCLUSIVE, ValidationStatus.PASSED]
RATE, SECONDS, HOSTS = "ratio", "s", "hosts"
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
    unit: str = ""
    blue_value: float | None = None  # what BLUE had, for a check against BLUE

    def as_dict(self) -> dict[str, Any]:
        shown = {
            "check": self.name,
            "query": self.query,
            "value": self.value,
            "unit": self.unit,
            "threshold": self.threshold,
            "status": self.status.value,
            "decision": self.decision,
        }
        return shown | ({"blue_value": self.blue_value} if self.blue_value is not None else {})


def amount(value: float, unit: str) -> str:
    """A value with its unit, as a person reads it: 12.5%, 1.52 s, 2 hosts, 7 (Sum)."""
    if unit == RATE:
        return f"{value * 100:.3g}%"
    if unit == SECONDS:
        return f"{value:.3g} s"
    if unit == HOSTS:
        return f"{value:g} host{'' if value == 1 else 's'}"
    return (f"{unit} " if unit else "") + f"{value:.4g}"  # a custom metric: its statistic, CloudWatch has its unit


def aggregate(values: list[float] | None, statistic: str) -> float | None:
    """One value over the window: counts add up, everything else takes the worst period."""
    if not values:
        return None
    return sum(values) if statistic in ("Sum", "SampleCount") else max(values)


def judge(
    name: str,
    query: str,
    value: float | None,
    comparison: Comparison,
    threshold: float,
    no_data: NoDataPolicy,
    unit: str = "",
    why_no_data: str = "",
) -> CheckResult | None:
    """The check's result; None when there is no data and the policy says to ignore that. `why_no_data`: what the
    absence means, when it is known (GREEN took no requests)."""
    limit = f"{comparison.value} {amount(threshold, unit) if unit in (RATE, SECONDS, HOSTS) else f'{threshold:g}'}"
    if value is None:
        if no_data is NoDataPolicy.IGNORE:
            return None
        decision = (
            f"no data in the window{f' ({why_no_data})' if why_no_data else ''}; the no-data policy is {no_data.value}"
        )
        return CheckResult(name, query, None, limit, NO_DATA_STATUS[no_data], decision, unit)
    ok = COMPARE[comparison](value, threshold)
    status = ValidationStatus.PASSED if ok else ValidationStatus.FAILED
    decision = f"{amount(value, unit)} {'meets' if ok else 'breaks'} the limit {limit}"
    return CheckResult(name, query, round(value, 6), limit, status, decision, unit)


def inconclusive(name: str, query: str, limit: str, why: str) -> CheckResult:
    return CheckResult(name, query, None, limit, ValidationStatus.INCONCLUSIVE, why)


def not_judged(name: str, query: str, limit: str, why: str) -> CheckResult:
    """A check that could not be made here and does not count (reported, never silent)."""
    return CheckResult(name, query, None, limit, ValidationStatus.SKIPPED, f"not judged: {why}")
