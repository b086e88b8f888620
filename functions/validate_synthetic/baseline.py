"""GREEN against BLUE on the same requests: the scenario also sent through the production listener (which routes to
BLUE until AllowTraffic) in the same window, and GREEN's latencies compared with BLUE's, centre and tail.

Comparing CloudWatch's p99 of GREEN (synthetic requests only) with BLUE's (production traffic) compares different
workloads; the same requests at the same time compare releases. Two judgements, each needing a difference that is
both significant and material:

- the centre, by the Mann-Whitney U test (as Kayenta does): p-value below `alpha`, and a GREEN answer slower than a
  BLUE one with a probability above `max_slower_probability`;
- the tail, p95 and p99 of each request kind (tails, tailtest): the one-sided lower
  confidence bound of GREEN's quantile over BLUE's above `max_tail_ratio`, and GREEN's quantile more than
  `min_tail_increase_ms` above BLUE's. A rank-sum test is blind to a slow tail; this is not, given answers enough
  (a slow 3 % needs about 1,200 of one kind; with fewer it is reported as over its limit here but not beyond chance).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common.config.sections.synthetic import CompareWithBlueConfig
from common.payload.models import ValidationStatus
from common.payload.validation import Outcome
from common.runtime.standin_signals import NO_BLUE_HERE
from validate_synthetic.ranksum import mann_whitney, percentile
from validate_synthetic.tails import tails_by_request
from validate_synthetic.traffic import Sample


@dataclass(frozen=True)
class Comparison:
    status: ValidationStatus
    sentence: str
    observed: dict[str, Any]


def latencies(samples: list[Sample]) -> list[float]:
    """Latencies of complete answers (as the p99 counts them)."""
    return sorted(s.latency_ms for s in samples if s.complete)


def not_compared(why: str) -> Comparison:
    """The comparison could not be made here: said, and counted as nothing (the config's limits still judge GREEN)."""
    return Comparison(ValidationStatus.SKIPPED, f"compared with BLUE: not judged, {why}", {"compared": False})


def compare(
    green: list[Sample], blue: list[Sample] | None, config: CompareWithBlueConfig, blue_served: bool = True
) -> Comparison:
    if not blue_served:
        return not_compared(NO_BLUE_HERE)
    if blue is None:  # known before anything was sent, and not the release's doing: the config says what it means
        why = (
            "no listener routes to BLUE at this event (the production listener already routes to GREEN, or no BLUE); "
            f"no_blue_data: {config.no_blue_data}"
        )
        if config.no_blue_data == "ignore":
            return not_compared(why)
        status = ValidationStatus.FAILED if config.no_blue_data == "fail" else ValidationStatus.INCONCLUSIVE
        return Comparison(status, f"no comparison with BLUE: {why}", {"compared": False})
    green_ms, blue_ms = latencies(green), latencies(blue)
    observed: dict[str, Any] = {"green_answers": len(green_ms), "blue_answers": len(blue_ms)}
    if min(len(green_ms), len(blue_ms)) < config.min_samples:
        sentence = (
            f"too few answers to compare with BLUE ({len(green_ms)} from GREEN, {len(blue_ms)} from BLUE through the "
            f"production listener; at least {config.min_samples} each)"
        )
        return Comparison(ValidationStatus.INCONCLUSIVE, sentence, observed | {"compared": False})
    test = mann_whitney(green_ms, blue_ms)
    tails = tails_by_request(green, blue, config)
    observed |= {
        "compared": True,
        "test": "Mann-Whitney U (two-sided, normal approximation, tie-corrected); tail: exact bootstrap bound",
        "u": test.u,
        "p_value": float(f"{test.p_value:.3g}"),
        "probability_green_slower": round(test.probability_larger, 4),
    }
    for name, fraction in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        observed[f"green_{name}_ms"] = round(percentile(green_ms, fraction), 1)
        observed[f"blue_{name}_ms"] = round(percentile(blue_ms, fraction), 1)
    observed["tails"] = [tail.as_dict() for tail in tails]
    centre = (
        f"p50 {observed['green_p50_ms']:g} vs {observed['blue_p50_ms']:g} ms (Mann-Whitney p={test.p_value:.2g}, "
        f"P(GREEN slower) {test.probability_larger:.2f}; limit {config.max_slower_probability:g} at alpha "
        f"{config.alpha:g})"
    )
    slower_centre = test.p_value < config.alpha and test.probability_larger > config.max_slower_probability
    slower_tails = [tail for tail in tails if tail.slower(config)]
    # A tail over its limits in these answers but not beyond chance: said as such, never as "no slower".
    unproven = [tail for tail in tails if tail.over_here(config) and not tail.slower(config)]
    closest = max((t for t in tails if t.quantile == "p99"), key=lambda t: t.ratio.lower_bound)
    # The slower tails, and always a p99 of both (the closest to its limit when none is slower).
    named = slower_tails + ([] if any(t.quantile == "p99" for t in slower_tails) else [closest])
    tail = "; ".join(t.phrase(config) for t in named)
    if slower_centre:  # the whole distribution moved: the centre says it first, the tail follows
        return Comparison(
            ValidationStatus.FAILED, f"GREEN is slower than BLUE on the same requests ({centre}; {tail})", observed
        )
    if slower_tails:
        return Comparison(ValidationStatus.FAILED, f"GREEN's tail is slower than BLUE's ({tail}; {centre})", observed)
    if unproven:
        shown = "; ".join(t.phrase(config) for t in unproven)
        sentence = (
            f"not shown slower than BLUE: GREEN's tail is over its limit in these answers, but not beyond chance "
            f"with so few of them ({shown}); more requests (total_requests) would tell ({centre})"
        )
        return Comparison(ValidationStatus.PASSED, sentence, observed)
    return Comparison(ValidationStatus.PASSED, f"no slower than BLUE on the same requests ({centre}; {tail})", observed)


def with_comparison(outcome: Outcome, comparison: Comparison) -> Outcome:
    """The synthetic outcome with the comparison's verdict folded in: failed over inconclusive over passed; a
    comparison not judged only adds its sentence."""
    outcome.observed["vs_blue"] = comparison.observed
    if comparison.status in (ValidationStatus.PASSED, ValidationStatus.SKIPPED):
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
