"""How one metric check decides: a value against a limit, and what no data means."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any

from common.config import Comparison, NoDataPolicy
from common.models import ValidationStatus

COMPARE = {
    Comparison.LT: operator.lt,
    Comparison.LE: operator.le,
    Comparison.GT: operator.gt,
    Comparison.GE: operator.ge,
}
# The worst status decides the validation.
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


def aggregate(values: list[float] | None, statistic: str) -> float | None:
    """One value over the window: counts add up, everything else takes the worst period."""
    if not values:
        return None
    return sum(values) if statistic in ("Sum", "SampleCount") else max(values)


def judge(
    name: str, query: str, value: float | None, comparison: Comparison, threshold: float, no_data: NoDataPolicy
) -> CheckResult | None:
    """The check's result; None when there is no data and the policy says to ignore that."""
    limit = f"{comparison.value} {threshold:g}"
    if value is None:
        if no_data is NoDataPolicy.IGNORE:
            return None
        decision = f"no data; no-data policy is {no_data.value}"
        return CheckResult(name, query, None, limit, NO_DATA_STATUS[no_data], decision)
    ok = COMPARE[comparison](value, threshold)
    status = ValidationStatus.PASSED if ok else ValidationStatus.FAILED
    return CheckResult(
        name, query, round(value, 6), limit, status, f"{value:.4g} {'meets' if ok else 'breaks'} {limit}"
    )


def inconclusive(name: str, query: str, limit: str, why: str) -> CheckResult:
    return CheckResult(name, query, None, limit, ValidationStatus.INCONCLUSIVE, why)
