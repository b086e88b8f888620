"""The baseline against BLUE: a release no worse than production let through, a worse one stopped, and BLUE's data
missing (no task set, a local run without BLUE) reported or judged as the config says."""

from __future__ import annotations

from typing import Any

import pytest

from common.payload.models import TargetGroup, ValidationStatus
from tests.functions.validate_metrics.conftest import GREEN, LB, run, seed

BLUE = TargetGroup(name="svc-blue", dimension="targetgroup/svc-blue/2", load_balancer_dimension=LB)


def test_baseline_lets_through_a_release_no_worse_than_production(cloudwatch: Any) -> None:
    seed(cloudwatch, GREEN, requests=1000, errors=50)
    seed(cloudwatch, BLUE, requests=1000, errors=48)
    outcome = run(cloudwatch, BLUE, max_5xx_rate=None, baseline={"max_5xx_rate_increase": 0.005})
    assert outcome.status is ValidationStatus.PASSED
    assert {c["check"] for c in outcome.observed["checks"]} >= {"5xx_rate_vs_blue", "p99_vs_blue"}


def test_baseline_stops_a_release_worse_than_production(cloudwatch: Any) -> None:
    seed(cloudwatch, GREEN, requests=1000, errors=100, latency_s=0.5)
    seed(cloudwatch, BLUE, requests=1000, errors=10, latency_s=0.1)
    outcome = run(cloudwatch, BLUE, max_5xx_rate=None, baseline={})
    assert outcome.status is ValidationStatus.FAILED
    # THEN each reason names the quantity, GREEN's and BLUE's values with their unit, and the limit
    assert "5xx_rate_vs_blue: GREEN's 5xx rate 10% vs BLUE's 1%: +9 points, over the +0.5 points allowed" in (
        outcome.reason
    )
    assert "p99_vs_blue: GREEN's p99 response time 0.5 s is 5x BLUE's 0.1 s, over the 1.2x allowed (0.12 s)" in (
        outcome.reason
    )
    checks = {c["check"]: c for c in outcome.observed["checks"]}
    assert (checks["p99_vs_blue"]["value"], checks["p99_vs_blue"]["blue_value"]) == (0.5, 0.1)


def test_a_baseline_without_blue_data_is_reported_not_judged_by_default(cloudwatch: Any) -> None:
    # GIVEN BLUE took no requests in the window (a service without production traffic then)
    seed(cloudwatch, GREEN, requests=500, errors=0)
    outcome = run(cloudwatch, BLUE, baseline={})
    checks = {c["check"]: c for c in outcome.observed["checks"]}
    # THEN the baseline is reported as exactly that, GREEN is judged on the absolute limits, and it passes
    assert outcome.status is ValidationStatus.PASSED
    assert checks["5xx_rate_vs_blue"]["status"] == "skipped" and checks["p99_vs_blue"]["status"] == "skipped"
    assert (
        "5xx_rate_vs_blue and p99_vs_blue not judged: no BLUE data in the window: BLUE took no requests "
        "(metrics.baseline.no_blue_data: ignore)." in outcome.reason
    )
    assert outcome.reason.startswith("3 metric checks passed")


@pytest.mark.parametrize(
    ("policy", "status"), [("inconclusive", ValidationStatus.INCONCLUSIVE), ("fail", ValidationStatus.FAILED)]
)
def test_the_config_decides_what_no_blue_data_means(cloudwatch: Any, policy: str, status: ValidationStatus) -> None:
    seed(cloudwatch, GREEN, requests=500, errors=0)
    outcome = run(cloudwatch, BLUE, baseline={"no_blue_data": policy})
    assert outcome.status is status
    assert f"no BLUE data in the window: BLUE took no requests (no_blue_data: {policy})" in outcome.reason


def test_a_local_run_without_blue_never_judges_the_baseline(cloudwatch: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENLIGHT_LOCAL_NO_BLUE", "1")
    seed(cloudwatch, GREEN, requests=500, errors=0)
    outcome = run(cloudwatch, BLUE, baseline={"no_blue_data": "fail"})
    assert outcome.status is ValidationStatus.PASSED
    assert "not judged: cannot be judged here: this local run serves no BLUE release" in outcome.reason


def test_a_baseline_with_no_blue_task_set_says_so(cloudwatch: Any) -> None:
    seed(cloudwatch, GREEN, requests=500, errors=0)
    outcome = run(cloudwatch, None, baseline={"max_p99_ratio": None, "no_blue_data": "inconclusive"})
    assert outcome.status is ValidationStatus.INCONCLUSIVE
    assert outcome.reason == ("5xx_rate_vs_blue: no BLUE task set to compare with (no_blue_data: inconclusive).")
