"""Synthetic requests against real loopback servers with fault modes; the host guard; secrets."""

from __future__ import annotations

import json
from typing import Any

import pytest

from common.config import SecretRef, SyntheticConfig
from common.http.guard import HostNotAllowedError
from common.payload.models import ValidationStatus
from tests.support.servers import Behaviour, closed_port, serve
from validate_synthetic.checks import check_synthetic, percentile
from validate_synthetic.traffic import prepare_requests

SECRET = "s3cr3t-token-value"


def resolve(reference: SecretRef) -> str:
    return SECRET


def config(**overrides: Any) -> SyntheticConfig:
    return SyntheticConfig.model_validate(
        {"total_requests": 60, "concurrency": 6, "request_timeout_seconds": 1.0, **overrides}
    )


def test_default_scenario_gets_the_health_path_and_passes() -> None:
    with serve() as (url, behaviour):
        outcome = check_synthetic(url, "/health", config(), resolve)
    assert outcome.status is ValidationStatus.PASSED
    assert outcome.observed["requests"] == 60 and outcome.observed["success_ratio"] == 1.0
    assert {r["path"] for r in behaviour.requests} == {"/health"}


def test_5xx_burst_fails_with_the_breakdown() -> None:
    with serve(Behaviour(error_every=5)) as (url, _):
        outcome = check_synthetic(url, "/", config(), resolve)
    assert outcome.status is ValidationStatus.FAILED
    assert outcome.observed["failures_by_kind"] == {"status 500": 12}
    assert "80.0% of 60 requests succeeded" in outcome.reason


def test_slow_answers_break_the_p99_budget() -> None:
    with serve(Behaviour(delay_s=0.15)) as (url, _):
        outcome = check_synthetic(url, "/", config(total_requests=12, max_p99_ms=100), resolve)
    assert outcome.status is ValidationStatus.FAILED
    assert "p99 latency" in outcome.reason
    assert outcome.observed["p99_ms"] >= 150


def test_wrong_body_fails_each_json_assertion_with_its_request() -> None:
    scenario = [
        {
            "name": "items",
            "path": "/api/items",
            "expect": {"json": [{"path": "items.0.id", "equals": 2}, {"path": "next", "exists": True}]},
        }
    ]
    with serve() as (url, _):
        outcome = check_synthetic(url, "/", config(requests=scenario, total_requests=5), resolve)
    assert outcome.status is ValidationStatus.FAILED
    problem = outcome.observed["distinct_failures"][0]
    assert problem["request"] == "items"
    assert outcome.observed["failures_by_kind"] == {"json": 5}
    assert "json items.0.id = 1, expected 2" in problem["problem"] and "json next missing" in problem["problem"]


def test_header_and_latency_expectations() -> None:
    scenario = [{"path": "/", "expect": {"headers": {"X-Version": "^v2"}, "max_latency_ms": 50}}]
    with serve(Behaviour(headers={"X-Version": "v1"})) as (url, _):
        outcome = check_synthetic(url, "/", config(requests=scenario, total_requests=3), resolve)
    assert outcome.status is ValidationStatus.FAILED
    assert 'header X-Version = "v1", expected to match /^v2/' in outcome.observed["distinct_failures"][0]["problem"]


def test_a_header_expectation_fails_a_missing_header_even_when_its_pattern_matches_empty_text() -> None:
    scenario = [{"path": "/", "expect": {"headers": {"X-Request-Id": ".*", "X-Version": "^v"}}}]
    with serve(Behaviour(headers={"X-Version": "v1"})) as (url, _):
        outcome = check_synthetic(url, "/", config(requests=scenario, total_requests=3), resolve)
    assert outcome.status is ValidationStatus.FAILED
    assert outcome.observed["distinct_failures"][0]["problem"] == "header X-Request-Id missing, expected to match /.*/"


def test_json_matches_reads_json_values_as_json_writes_them_and_says_what_it_saw() -> None:
    body = {"enabled": True, "ratio": 0.5, "owner": None, "tags": ["a"], "name": "orders"}
    good = [
        {"path": "enabled", "matches": "^(true|false)$"},
        {"path": "ratio", "matches": "^0\\.5$"},
        {"path": "tags", "matches": '^\\["a"\\]$'},
        {"path": "name", "matches": "^orders$"},
    ]
    with serve(Behaviour(body=body)) as (url, _):
        outcome = check_synthetic(url, "/", config(requests=[{"path": "/", "expect": {"json": good}}]), resolve)
        assert outcome.status is ValidationStatus.PASSED, outcome.reason
        # a null is JSON's null, not Python's "None"
        owner = [{"path": "owner", "matches": "^N"}]
        outcome = check_synthetic(url, "/", config(requests=[{"path": "/", "expect": {"json": owner}}]), resolve)
    assert outcome.status is ValidationStatus.FAILED
    assert outcome.observed["distinct_failures"][0]["problem"] == "json owner = null, expected to match /^N/"


def test_reset_connections_are_named_connection_reset() -> None:
    with serve(Behaviour(reset=True)) as (url, _):
        outcome = check_synthetic(url, "/", config(total_requests=10), resolve)
    assert outcome.status is ValidationStatus.FAILED
    assert outcome.observed["failures_by_kind"] == {"connection reset": 10}
    assert "10 connection reset" in outcome.reason


def test_refused_connections_are_named_connection_refused() -> None:
    port = closed_port()
    outcome = check_synthetic(f"http://127.0.0.1:{port}", "/", config(total_requests=5), resolve)
    assert outcome.status is ValidationStatus.FAILED
    assert outcome.observed["failures_by_kind"] == {"connection refused": 5}
    assert f"connection refused by 127.0.0.1:{port}" in outcome.reason


def test_hangs_past_the_timeout_are_timeouts() -> None:
    with serve(Behaviour(hang_s=0.5)) as (url, _):
        outcome = check_synthetic(
            url, "/", config(total_requests=4, concurrency=4, request_timeout_seconds=0.2), resolve
        )
    assert outcome.status is ValidationStatus.FAILED
    assert outcome.observed["failures_by_kind"] == {"timeout": 4}


def test_duration_shape_keeps_sending_until_time_is_up() -> None:
    with serve() as (url, behaviour):
        outcome = check_synthetic(url, "/", config(duration_seconds=0.3, concurrency=2), resolve)
    assert outcome.status is ValidationStatus.PASSED
    assert len(behaviour.requests) == outcome.observed["requests"] > 10


def test_secret_header_is_sent_but_never_reported() -> None:
    scenario = [{"path": "/", "headers": {"Authorization": {"ssm": "/greenlight/token"}}, "expect": {"status": [201]}}]
    with serve() as (url, behaviour):
        outcome = check_synthetic(url, "/", config(requests=scenario, total_requests=3), resolve)
    assert behaviour.requests[0]["headers"]["Authorization"] == SECRET
    assert SECRET not in repr(outcome)


@pytest.mark.parametrize(
    "scenario",
    [
        {"path": "/", "host": "10.1.2.3"},
        {"path": "/", "host": "example.com"},
        {"path": "/", "headers": {"host": "internal.example:8080"}},
    ],
)
def test_hosts_outside_the_allowed_set_are_refused(scenario: dict[str, Any]) -> None:
    with pytest.raises(HostNotAllowedError, match=r"neither the test listener's host nor in synthetic\.allowed_hosts"):
        prepare_requests("http://127.0.0.1:8080", config(requests=[scenario]), "/", resolve)


def test_a_full_url_cannot_hide_in_the_path() -> None:
    with pytest.raises(ValueError, match="path"):
        config(requests=[{"path": "//169.254.169.254/latest"}])


def test_redirect_to_another_host_is_not_followed() -> None:
    with serve(Behaviour(redirect_to="http://169.254.169.254/latest/meta-data/")) as (url, behaviour):
        outcome = check_synthetic(url, "/", config(total_requests=3), resolve)
    assert outcome.status is ValidationStatus.FAILED
    assert outcome.observed["failures_by_kind"] == {"status 302": 3}
    assert len(behaviour.requests) == 3


def test_an_allowed_host_is_reached() -> None:
    with serve() as (url, behaviour):
        port = url.rsplit(":", 1)[1]
        scenario = [{"path": "/", "host": "localhost"}]
        outcome = check_synthetic(
            f"http://127.0.0.1:{port}",
            "/",
            config(requests=scenario, allowed_hosts=["localhost"], total_requests=2),
            resolve,
        )
    assert outcome.status is ValidationStatus.PASSED
    assert behaviour.requests[0]["headers"]["Host"].startswith("localhost")


def test_nearest_rank_percentile() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.99), percentile([], 0.5)) == (50.0, 99.0, 0.0)


def test_slow_answers_are_judged_per_request_not_in_the_error_budget() -> None:
    # GIVEN every answer right but slower than the request's max_latency_ms
    scenario = [{"name": "list orders", "path": "/", "expect": {"max_latency_ms": 20}}]
    with serve(Behaviour(delay_s=0.05)) as (url, _):
        outcome = check_synthetic(url, "/", config(requests=scenario, total_requests=4), resolve)
    # THEN they are successes for min_success_ratio, and the request fails on its slow share, naming it
    assert outcome.status is ValidationStatus.FAILED
    assert outcome.observed["success_ratio"] == 1.0 and outcome.observed["failures_by_kind"] == {}
    assert "list orders: 4 of 4 answers (100.0%) took longer than 20 ms, over the 1.0% tolerated" in outcome.reason
    assert outcome.observed["per_request"]["list orders"]["slow"] == 4


def test_an_endpoints_timeouts_count_in_its_latency_not_only_in_the_error_budget() -> None:
    # GIVEN one request in 50 never answered within the request's deadline: 2 %, inside a 98 % success ratio
    scenario = [{"name": "search", "path": "/", "expect": {"max_p99_ms": 200, "max_latency_ms": 200}}]
    synthetic = config(
        requests=scenario, total_requests=100, concurrency=5, request_timeout_seconds=0.3, min_success_ratio=0.98
    )
    with serve(Behaviour(hang_s=0.6, hang_every=50)) as (url, _):
        outcome = check_synthetic(url, "/", synthetic, resolve)
    # THEN the timeouts are the endpoint's slowest answers: its p99 and slow share break its limits, named
    assert outcome.observed["success_ratio"] == 0.98 and outcome.observed["failures_by_kind"] == {"timeout": 2}
    assert outcome.status is ValidationStatus.FAILED, outcome.reason
    assert "search: p99 latency 3" in outcome.reason and "is over its limit of 200 ms" in outcome.reason
    assert "search: 2 of 100 answers (2.0%) took longer than 200 ms" in outcome.reason
    assert "2 got no answer in time, counted at the time waited" in outcome.reason
    assert outcome.observed["per_request"]["search"]["timed_out"] == 2


def test_method_query_and_json_body_are_sent_as_written() -> None:
    scenario = [{"method": "POST", "path": "/api/orders", "query": {"dry": "1"}, "body": {"sku": "A-1", "qty": 2}}]
    with serve() as (url, behaviour):
        outcome = check_synthetic(url, "/", config(requests=scenario, total_requests=2), resolve)
    assert outcome.status is ValidationStatus.PASSED
    request = behaviour.requests[0]
    assert (request["method"], request["path"]) == ("POST", "/api/orders?dry=1")
    assert json.loads(request["body"]) == {"sku": "A-1", "qty": 2}
    assert request["headers"]["Content-Type"] == "application/json"


def test_connections_are_reused() -> None:
    with serve() as (url, behaviour):
        check_synthetic(url, "/", config(total_requests=40, concurrency=2), resolve)
    ports = {r["client_port"] for r in behaviour.requests}
    assert len(ports) <= 2  # two workers, two kept-alive connections
