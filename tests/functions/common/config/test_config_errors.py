"""Config errors a person can act on: an expectation that checks nothing is refused, a mistyped key gets the nearest
valid one, and no message carries pydantic's or Python's own wording."""

from __future__ import annotations

from typing import Any

import pytest

from common.config import ConfigError, dump, validate


def refusal(document: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as error:
        validate(document, "file:orders.yaml")
    return str(error.value)


def requests(*specs: dict[str, Any]) -> dict[str, Any]:
    return {"synthetic": {"requests": list(specs)}}


def test_a_json_path_without_a_predicate_is_refused_naming_the_field() -> None:
    # GIVEN a JSON assertion with a path and nothing to check at it (every answer would pass it)
    message = refusal(requests({"path": "/api/orders", "expect": {"json": [{"path": "nope"}]}}))
    # THEN the field and what to add are named
    assert "synthetic.requests.0.expect.json.0: json path nope asserts nothing: give it equals, exists or matches" in (
        message
    )


@pytest.mark.parametrize("predicate", [{"equals": None}, {"exists": False}, {"matches": "^a"}, {"equals": 3}])
def test_any_one_predicate_is_enough(predicate: dict[str, Any]) -> None:
    config = validate(requests({"path": "/", "expect": {"json": [{"path": "a", **predicate}]}}), "file:x")
    assert (config.synthetic.requests[0].expect.json_body or [])[0].path == "a"


def test_an_empty_expect_is_refused_naming_the_field() -> None:
    message = refusal(requests({"path": "/api/orders", "expect": {}}))
    assert "synthetic.requests.0.expect: expect is empty, so it checks nothing" in message


@pytest.mark.parametrize(
    ("expect", "refused"),
    [
        ({"json": []}, "synthetic.requests.0.expect: json is empty, so it checks nothing"),
        ({"headers": {}}, "synthetic.requests.0.expect: headers is empty, so it checks nothing"),
        ({"max_slow_ratio": 0}, "synthetic.requests.0.expect: max_slow_ratio without max_latency_ms checks nothing"),
        (
            {"max_latency_ms": 500, "max_slow_ratio": 1},
            "synthetic.requests.0.expect: max_slow_ratio 1 tolerates every answer being slow, so it checks nothing",
        ),
        (
            {"max_latency_ms": 9000},
            "synthetic: requests.0.expect.max_latency_ms (9000 ms) is over request_timeout_seconds (5 s): no request "
            "waits that long, so it can never be broken",
        ),
        ({"max_p99_ms": 6000}, "synthetic: requests.0.expect.max_p99_ms (6000 ms) is over request_timeout_seconds"),
    ],
)
def test_every_other_part_of_an_expectation_that_checks_nothing_is_refused(
    expect: dict[str, Any], refused: str
) -> None:
    assert refused in refusal(requests({"path": "/", "expect": expect}))


def test_a_latency_budget_keeps_its_default_share_and_survives_the_plans_round_trip() -> None:
    config = validate(requests({"path": "/", "expect": {"max_latency_ms": 500}}, {"path": "/b"}), "file:x")
    first, second = (request.expect for request in config.synthetic.requests)
    assert (first.max_slow_ratio, second.max_slow_ratio, second.json_body, second.headers) == (0.01, None, None, None)
    assert validate(dump(config), "plan") == config  # what Prepare writes, the validators read back


def test_two_requests_of_one_name_are_refused_naming_both() -> None:
    # GIVEN two requests named alike: their figures and limits are reported under that name, one hiding the other's
    message = refusal(
        requests(
            {"name": "api", "path": "/search", "expect": {"max_p99_ms": 800}},
            {"name": "api", "path": "/orders"},
        )
    )
    assert "synthetic: requests.1.name 'api' is also requests.0's" in message


@pytest.mark.parametrize(
    ("metrics", "refused"),
    [
        (
            {"max_5xx_rate": None, "max_p99_seconds": None, "max_unhealthy_hosts": None},
            "metrics: metrics.max_5xx_rate, max_p99_seconds and max_unhealthy_hosts are all null and there is no "
            "baseline, checks, alarms or alarm_prefix: nothing left to check",
        ),
        (
            {"baseline": {"max_5xx_rate_increase": None, "max_p99_ratio": None}},
            "metrics.baseline: max_5xx_rate_increase and max_p99_ratio are both null: the baseline compares nothing",
        ),
    ],
)
def test_metrics_that_check_nothing_are_refused(metrics: dict[str, Any], refused: str) -> None:
    assert refused in refusal({"metrics": metrics})


def test_metrics_switched_off_may_leave_every_check_off_and_one_check_is_enough() -> None:
    off = {"max_5xx_rate": None, "max_p99_seconds": None, "max_unhealthy_hosts": None}
    assert not validate({"metrics": {**off, "enabled": False}}, "file:x").metrics.enabled
    assert validate({"metrics": {**off, "alarms": ["orders-latency"]}}, "file:x").metrics.alarms == ["orders-latency"]


def test_one_status_code_may_be_written_without_a_list() -> None:
    config = validate(
        {"health": {"healthy_status_codes": 204}, **requests({"path": "/", "expect": {"status": 201}})}, "x"
    )
    assert (config.health.healthy_status_codes, config.synthetic.requests[0].expect.status) == ([204], [201])
    assert "synthetic.requests.0.expect.status.0" in refusal(requests({"path": "/", "expect": {"status": 99}}))


def test_a_request_without_expect_still_expects_200() -> None:
    config = validate(requests({"path": "/"}), "file:x")
    assert config.synthetic.requests[0].expect.status == [200]


@pytest.mark.parametrize(
    ("document", "suggestion"),
    [
        ({"sythetic": {}}, "sythetic: unknown key; did you mean synthetic?"),
        ({"metrics": {"baseline": {"max_p99_ration": 2}}}, "metrics.baseline.max_p99_ration: unknown key; did you "),
        (requests({"path": "/", "headrs": {}}), "synthetic.requests.0.headrs: unknown key; did you mean headers?"),
        (requests({"expect": {"jsn": []}}), "synthetic.requests.0.expect.jsn: unknown key; did you mean json?"),
        ({"synthetic": {"compare_with_blue": {"max_tail_ration": 2}}}, "did you mean max_tail_ratio?"),
    ],
)
def test_a_mistyped_key_gets_the_nearest_valid_one(document: dict[str, Any], suggestion: str) -> None:
    assert suggestion in refusal(document)


def test_a_key_like_nothing_valid_lists_what_is_valid_there() -> None:
    message = refusal({"tls": {"zzzz": 1}})
    assert "tls.zzzz: unknown key (valid here: server_name, verify)" in message


@pytest.mark.parametrize(
    "document",
    [
        {"health": {"check_http": False, "check_targets": False}},
        requests({"path": "/", "expect": 5}),
        {"synthetic": {"compare_with_blue": 3}},
        {"sythetic": 1, "metrics": {"checks": [{"name": "x", "threshold": 1}]}},
    ],
)
def test_no_message_carries_python_wording(document: dict[str, Any]) -> None:
    message = refusal(document)
    for internal in ("Value error,", "instance of", "Extra inputs are not permitted", "dictionary", "{'", "None"):
        assert internal not in message, message
