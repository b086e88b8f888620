"""GREEN against BLUE over the same window (CloudWatch), so a problem production already has does not block its fix.

Never silent: each configured comparison is judged, or reported as not judged and why. Without BLUE data (BLUE took
no requests in the window: a service without production traffic then, or no BLUE task set) the config's
`baseline.no_blue_data` decides: `ignore` (the default: reported as not judged, and GREEN is still held to the
absolute limits; a quiet service must not be held up for the traffic it lacks), `inconclusive` or `fail`. A local run
that serves no BLUE release reports it not judged whatever the config says: that is the run's setup, not the release.
"""

from __future__ import annotations

from collections.abc import Callable

from common.config import MetricsConfig
from common.payload.models import TargetGroup, ValidationStatus
from common.runtime.standin_signals import NO_BLUE_HERE, no_blue_here
from validate_metrics.judging import RATE, SECONDS, CheckResult, amount, inconclusive, not_judged

Values = dict[str, list[float]]
Reader = Callable[[Values, str], float | None]


def _without_blue(name: str, query: str, limit: str, why: str, config: MetricsConfig) -> CheckResult:
    policy = config.baseline.no_blue_data if config.baseline else "ignore"
    if no_blue_here():
        return not_judged(name, query, limit, NO_BLUE_HERE)
    if policy == "ignore":
        return not_judged(name, query, limit, f"{why} (metrics.baseline.no_blue_data: ignore)")
    if policy == "fail":
        return CheckResult(name, query, None, limit, ValidationStatus.FAILED, f"{why} (no_blue_data: fail)")
    return inconclusive(name, query, limit, f"{why} (no_blue_data: inconclusive)")


def rate_vs_blue(green: float | None, blue: float, allowance: float) -> CheckResult:
    name, limit = "5xx_rate_vs_blue", f"<= BLUE + {allowance * 100:.3g} points"
    query = "GREEN 5xx rate vs BLUE 5xx rate, same window"
    if green is None:
        return inconclusive(name, query, limit, "no GREEN requests in the window")
    ok = green <= blue + allowance
    decision = (
        f"GREEN's 5xx rate {amount(green, RATE)} vs BLUE's {amount(blue, RATE)}: "
        f"{(green - blue) * 100:+.3g} points, {'within' if ok else 'over'} the +{allowance * 100:.3g} points allowed"
    )
    status = ValidationStatus.PASSED if ok else ValidationStatus.FAILED
    return CheckResult(name, query, round(green, 6), limit, status, decision, RATE, round(blue, 6))


def p99_vs_blue(green: float | None, blue: float, allowance: float) -> CheckResult:
    name, limit = "p99_vs_blue", f"<= {allowance:g} x BLUE ({amount(blue * allowance, SECONDS)})"
    query = "GREEN TargetResponseTime p99 vs BLUE's, same window"
    if green is None:
        return inconclusive(name, query, limit, "no GREEN response times in the window")
    ok = green <= blue * allowance
    ratio = f"{green / blue:.3g}x" if blue > 0 else "infinitely"
    decision = (
        f"GREEN's p99 response time {amount(green, SECONDS)} is {ratio} BLUE's {amount(blue, SECONDS)}, "
        f"{'within' if ok else 'over'} the {allowance:g}x allowed ({amount(blue * allowance, SECONDS)})"
    )
    status = ValidationStatus.PASSED if ok else ValidationStatus.FAILED
    return CheckResult(name, query, round(green, 6), limit, status, decision, SECONDS, round(blue, 6))


def baseline_checks(
    values: Values, config: MetricsConfig, blue: TargetGroup | None, rate: Reader, p99: Reader
) -> list[CheckResult]:
    baseline = config.baseline
    if baseline is None:
        return []
    checks: list[CheckResult] = []
    wanted = [
        ("5xx_rate_vs_blue", baseline.max_5xx_rate_increase, rate, rate_vs_blue),
        ("p99_vs_blue", baseline.max_p99_ratio, p99, p99_vs_blue),
    ]
    for name, allowance, read, compare in wanted:
        if allowance is None:
            continue
        blue_value = read(values, "blue") if blue is not None else None
        if blue_value is None:
            why = (
                "no BLUE task set to compare with"
                if blue is None
                else "no BLUE data in the window: BLUE took no requests"
            )
            checks.append(
                _without_blue(name, "GREEN vs BLUE, same window", f"against BLUE ({allowance:g})", why, config)
            )
        else:
            checks.append(compare(read(values, "green"), blue_value, allowance))
    return checks
