"""JSON assertion paths: the dotted form as before, one-value JSONPath understood, the rest refused at load."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from common.config import GreenlightConfig
from common.http.json_paths import MISSING, JsonPathError, json_path, normalise

BODY = {"items": [{"status": "ok", "tags": ["a", "b"]}], "meta": {"count:total": 3}}


@pytest.mark.parametrize(
    ("written", "dotted", "value"),
    [
        ("items.0.status", "items.0.status", "ok"),
        ("$.items[0].status", "items.0.status", "ok"),
        ("$['items'][0][\"status\"]", "items.0.status", "ok"),
        ("items[0].tags[-1]", "items.0.tags.-1", "b"),
        ("$.items[ 0 ].tags[1]", "items.0.tags.1", "b"),
        ("meta.count:total", "meta.count:total", 3),
        ("$.meta['count:total']", "meta.count:total", 3),
    ],
)
def test_one_value_paths_are_understood_and_find_the_value(written: str, dotted: str, value: object) -> None:
    assert normalise(written) == dotted
    assert json_path(BODY, normalise(written)) == value


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("$.items[*].status", "wildcards"),
        ("$.items.*", "many values"),
        ("items.*.status", "many values"),
        ("$..status", "'..'"),
        ("items..status", "'..'"),
        ("$.items[?(@.status)]", "filters"),
        ("$.items[0:2]", "slices"),
        ("$", "whole body"),
        ("$['a.b']", "dotted form cannot hold"),
    ],
)
def test_paths_that_could_never_match_are_refused_saying_why(written: str, says: str) -> None:
    with pytest.raises(JsonPathError) as refused:
        normalise(written)
    assert says in str(refused.value)


def test_the_config_stores_the_dotted_form_and_names_the_field_when_refused() -> None:
    request = {"path": "/api", "expect": {"json": [{"path": "$.items[0].status", "equals": "ok"}]}}
    config = GreenlightConfig.model_validate({"synthetic": {"requests": [request]}})
    assert config.synthetic.requests[0].expect.json_body[0].path == "items.0.status"
    request["expect"] = {"json": [{"path": "$.items[*].status", "equals": "ok"}]}
    with pytest.raises(ValidationError) as refused:
        GreenlightConfig.model_validate({"synthetic": {"requests": [request]}})
    assert "synthetic.requests.0.expect.json.0.path" in str(refused.value)
    assert "wildcards" in str(refused.value)


def test_a_path_past_the_end_is_missing_not_an_error() -> None:
    assert json_path(BODY, normalise("$.items[1].status")) is MISSING
