"""No silent passes, with real local runs: an expectation that checks nothing is refused, one endpoint's tail past
its own limit fails the release naming it, a tail regression against BLUE fails compare_with_blue, a good service
with a baseline is not failed for want of a BLUE, and a wrong port is named as a refused connection."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from greenlight.cli.main import main
from greenlight.engine import LocalRunOptions, LocalRunResult, run_local
from greenlight.project import Project
from greenlight.samples.service import GOOD, Release, SampleService
from tests.support.quick_config import TIME_SCALE, quick_config
from tests.support.servers import closed_port

pytestmark = pytest.mark.engine

# One endpoint answers 10 % of its requests after 1.5 s; the other is fast.
ORDERS_TAIL = Release(version="v4-orders-tail", slow_ratio=0.1, slow_seconds=1.5, slow_path="/api/orders")
# 6 % of every answer after 4 s: the median stays BLUE's, the p99 is many times it (BLUE's p99 through the local
# listener was 53 ms on a busy 2-core machine, 179 ms during a full suite with four others running beside it).
TAIL_ONLY = Release(version="v5-tail", slow_ratio=0.06, slow_seconds=4.0)


def validation(result: LocalRunResult, name: str) -> tuple[str, str, dict[str, object]]:
    found = next(v for v in result.validations if v.name == name)
    return found.status.value, found.reason, found.observed


def test_a_predicate_less_expectation_is_refused_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "greenlight.yaml"
    config.write_text(
        yaml.safe_dump({"synthetic": {"requests": [{"path": "/api/orders", "expect": {"json": [{"path": "nope"}]}}]}})
    )
    code = main(["local", "run", "--target-url", "http://127.0.0.1:8080", "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert (
        "synthetic.requests.0.expect.json.0: json path nope asserts nothing: give it equals, exists or matches" in err
    )


def test_one_endpoints_tail_past_its_own_p99_limit_fails_naming_it(project: Project) -> None:
    scenario = [
        {"name": "health", "path": "/health"},
        {"name": "list orders", "path": "/api/orders", "expect": {"max_p99_ms": 800}},
    ]
    config = quick_config(
        alone=True,
        synthetic={"requests": scenario, "total_requests": 200, "concurrency": 10, "request_timeout_seconds": 3},
        metrics={"enabled": False},
    )
    with SampleService(ORDERS_TAIL) as service:
        result = run_local(LocalRunOptions(target_url=service.url, config_text=config, time_scale=TIME_SCALE), project)
    status, reason, observed = validation(result, "synthetic")
    assert result.verdict == "Failed" and status == "failed"
    # (a loaded machine adds to the 1.5 s, or pushes an answer past the 3 s deadline: a timeout counts at 3 s)
    named = re.search(r"list orders: p99 latency (\d+) ms is over its limit of 800 ms", reason)
    assert named and 1400 <= int(named.group(1)) <= 3100, reason
    per_request = observed["per_request"]
    assert per_request["list orders"]["p99_ms"] > 1400  # type: ignore[index]
    assert per_request["health"]["p99_ms"] < 800  # type: ignore[index]
    assert "health: p99" not in reason


def test_a_tail_fifteen_times_blues_with_the_same_median_fails_compare_with_blue(project: Project) -> None:
    config = quick_config(
        alone=True,
        synthetic={
            "requests": [{"path": "/api/items"}],
            "total_requests": 400,
            "concurrency": 4,  # light load: the medians say how fast each release is, not how busy the machine
            "request_timeout_seconds": 6,
            "max_p99_ms": 5000,  # the overall limit is not what this is about
            "compare_with_blue": {},  # the defaults
        },
        metrics={"enabled": False},
    )
    with SampleService(TAIL_ONLY) as green, SampleService(GOOD, seed=8) as blue:
        options = LocalRunOptions(target_url=green.url, blue_url=blue.url, config_text=config, time_scale=TIME_SCALE)
        result = run_local(options, project)
    status, reason, observed = validation(result, "synthetic")
    vs_blue = observed["vs_blue"]
    assert isinstance(vs_blue, dict)
    # GIVEN the medians alike and GREEN's p99 over 15 times BLUE's
    assert abs(vs_blue["green_p50_ms"] - vs_blue["blue_p50_ms"]) < 10
    assert vs_blue["green_p99_ms"] > 15 * vs_blue["blue_p99_ms"]
    # THEN compare_with_blue fails on the tail, its reason giving both p50s and p99s, the ratio, limit and test figure
    assert status == "failed" and result.verdict == "Failed"
    assert reason.startswith("GREEN's tail is slower than BLUE's (p")  # the tail alone fails it
    assert re.search(r"p99 \d+ vs \d+ ms \(ratio [\d.]+, at least [\d.]+ with 99\.50% confidence", reason)
    assert "limit 1.5x and +25 ms" in reason and "with 99.50% confidence" in reason and "Mann-Whitney p=" in reason
    assert f"p50 {vs_blue['green_p50_ms']:g} vs {vs_blue['blue_p50_ms']:g} ms" in reason
    p99 = next(tail for tail in vs_blue["tails"] if tail["quantile"] == "p99")  # type: ignore[attr-defined]
    assert p99["request"] == "all requests" and p99["lower_bound"] > 1.5


def test_a_good_service_with_a_baseline_succeeds_locally_without_blue_and_says_it_was_not_judged(
    project: Project,
) -> None:
    config = quick_config(
        synthetic={"request_timeout_seconds": 3},  # a busy machine's hiccup is not what this is about
        metrics={"baseline": {"max_p99_ratio": 1.2, "no_blue_data": "fail"}},
    )
    document = yaml.safe_load(config) | {"inconclusive_policy": "fail"}
    with SampleService(GOOD) as service:
        options = LocalRunOptions(target_url=service.url, config_text=yaml.safe_dump(document), time_scale=TIME_SCALE)
        result = run_local(options, project)
    status, reason, observed = validation(result, "metrics")
    assert result.verdict == "Succeeded", result.reason
    assert status == "passed"
    assert "not judged: cannot be judged here: this local run serves no BLUE release" in reason
    checks = {c["check"]: c["status"] for c in observed["checks"]}  # type: ignore[attr-defined]
    assert checks["p99_vs_blue"] == checks["5xx_rate_vs_blue"] == "skipped"


def test_a_wrong_ports_reasons_say_connection_refused(project: Project) -> None:
    config = quick_config(synthetic={"requests": [{"path": "/api/items"}]})
    options = LocalRunOptions(target_url=f"http://127.0.0.1:{closed_port()}", config_text=config, time_scale=TIME_SCALE)
    result = run_local(options, project)
    status, reason, _ = validation(result, "health")
    assert result.verdict == "Failed" and status == "failed"
    assert "Target.FailedHealthChecks: the load balancer could not connect to it (connection refused" in reason
