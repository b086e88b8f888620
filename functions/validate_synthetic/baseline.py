"""GREEN against BLUE on the same requests: the scenario also sent through the production listener (which routes to
BLUE until AllowTraffic) in the same window, and the two latency distributions compared by the Mann-Whitney U test.

Comparing CloudWatch's p99 of GREEN (synthetic requests only) with BLUE's (production traffic) compares different
workloads; the same requests at the same time compare releases. GREEN is judged slower only when the difference
is significant (p-value below `alpha`) and large enough to matter (a GREEN answer slower than a BLUE one with a
probability above `max_slower_probability`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common.config_http import CompareWithBlueConfig
from common.models import ValidationStatus
from common.ranksum import mann_whitney, percentile
from common.validation import Outcome
from validate_synthetic.traffic import Sample


@dataclass(frozen=True)
class Comparison:
    status: ValidationStatus
    sentence: str
    observed: dict[str, Any]


def latencies(samples: list[Sample]) -> list[float]:
    """Latencies of complete answers (as the p99 counts them)."""
    return sorted(s.latency_ms for s in samples if s.status is not None and s.error is None)


def compare(green: list[Sample], blue: list[Sample] | None, config: CompareWithBlueConfig) -> Comparison:
    if blue is None:
        why = "no listener routes to BLUE at this event (the production listener already routes to GREEN, or no BLUE)"
        return Comparison(ValidationStatus.INCONCLUSIVE, f"no comparison with BLUE: {why}", {"compared": False})
    green_ms, blue_ms = latencies(green), latencies(blue)
    observed: dict[str, Any] = {"green_answers": len(green_ms), "blue_answers": len(blue_ms)}
    if min(len(green_ms), len(blue_ms)) < config.min_samples:
        sentence = (
            f"too few answers to compare with BLUE ({len(green_ms)} from GREEN, {len(blue_ms)} from BLUE through the "
            f"production listener; at least {config.min_samples} each)"
        )
        return Comparison(ValidationStatus.INCONCLUSIVE, sentence, observed | {"compared": False})
    test = mann_whitney(green_ms, blue_ms)
    observed |= {
        "compared": True,
        "test": "Mann-Whitney U (two-sided, normal approximation, tie-corrected)",
        "u": test.u,
        "p_value": float(f"{test.p_value:.3g}"),
        "probability_green_slower": round(test.probability_larger, 4),
        "green_p50_ms": round(percentile(green_ms, 0.5), 1),
        "blue_p50_ms": round(percentile(blue_ms, 0.5), 1),
        "blue_p99_ms": round(percentile(blue_ms, 0.99), 1),
    }
    figures = (
        f"P(GREEN slower) {test.probability_larger:.2f}, Mann-Whitney p={test.p_value:.2g}, p50 "
        f"{observed['green_p50_ms']:g} vs {observed['blue_p50_ms']:g} ms"
    )
    if test.p_value < config.alpha and test.probability_larger > config.max_slower_probability:
        return Comparison(
            ValidationStatus.FAILED, f"GREEN is slower than BLUE on the same requests ({figures})", observed
        )
    return Comparison(ValidationStatus.PASSED, f"no slower than BLUE on the same requests ({figures})", observed)


def with_comparison(outcome: Outcome, comparison: Comparison) -> Outcome:
    """The synthetic outcome with the comparison's verdict folded in: failed over inconclusive over passed."""
    outcome.observed["vs_blue"] = comparison.observed
    if comparison.status is ValidationStatus.PASSED:
        outcome.reason = f"{outcome.reason.rstrip('.')}; {comparison.sentence}."
        return outcome
    if outcome.status is ValidationStatus.PASSED:
        outcome.status, outcome.reason = (
            comparison.status,
            comparison.sentence[0].upper() + comparison.sentence[1:] + ".",
        )
    elif comparison.status is ValidationStatus.FAILED or outcome.status is ValidationStatus.FAILED:
        outcome.status = ValidationStatus.FAILED
        outcome.reason = f"{outcome.reason.rstrip('.')}; {comparison.sentence}."
    return outcome
