"""Config errors a person can act on: an expectation that checks nothing is refused, a mistyped key gets the nearest
valid one, and no message carries pydantic's or Python's own wording."""

from __future__ import annotations

from typing import Any

import pytest

from common.config import ConfigError, validate

pytestmark = pytest.mark.unit


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
    assert config.synthetic.requests[0].expect.json_body[0].path == "a"


def test_an_empty_expect_is_refused_naming_the_field() -> None:
    message = refusal(requests({"path": "/api/orders", "expect": {}}))
    assert "synthetic.requests.0.expect: expect is empty, so it checks nothing" in message


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
