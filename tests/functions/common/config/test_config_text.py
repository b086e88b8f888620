"""A config is written by people and read by a gate: refused clearly, on one line, or used as validated.

Each bad file of tests/support/bad_configs.py is refused with a message naming the field or the cause; what
validates runs (the plan's JSON round trip and the validators' own reading of it accept it).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from common.config import (
    ConfigError,
    GreenlightConfig,
    HealthConfig,
    SyntheticConfig,
    dump,
    parse_bytes,
    parse_document,
    validate,
)
from common.config.parsing import MAX_CONFIG_BYTES
from tests.conftest import ROOT
from tests.support.bad_configs import BAD_CONFIGS, alias_bomb
from validate_synthetic.traffic import prepare_requests


def refusal(data: bytes) -> str:
    with pytest.raises(ConfigError) as error:
        validate(parse_bytes(data, "ssm:/greenlight/app/dg"), "ssm:/greenlight/app/dg")
    return str(error.value)


@pytest.mark.parametrize(("data", "phrase"), [pytest.param(*case, id=name) for name, case in BAD_CONFIGS.items()])
def test_each_bad_config_is_refused_on_one_line_naming_the_cause(data: bytes, phrase: str) -> None:
    message = refusal(data)
    assert phrase in message
    assert "\n" not in message and "ssm:/greenlight/app/dg" in message


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    # GIVEN 778 bytes that expand to 9**9 strings, a size that once made Prepare's dump ask for 8 GB
    bomb = alias_bomb()
    assert len(bomb) < 1000
    # THEN the first alias is refused; nothing was expanded
    assert "uses the YAML alias *a (line 2" in refusal(bomb)


def test_anchors_alone_are_harmless_and_accepted() -> None:
    assert parse_document("health: &h {path: /health}\n", "t") == {"health": {"path": "/health"}}


def test_duplicate_keys_are_refused_at_any_depth() -> None:
    assert "'enabled' twice" in refusal(b"metrics:\n  enabled: true\n  enabled: false\n")


def test_dates_stay_the_text_written() -> None:
    document = parse_document("synthetic: {requests: [{expect: {json: [{path: day, equals: 2024-01-31}]}}]}", "t")
    assert document["synthetic"]["requests"][0]["expect"]["json"][0]["equals"] == "2024-01-31"


def test_the_size_limit_is_the_ssm_advanced_tier_value_limit() -> None:
    assert MAX_CONFIG_BYTES == 8192
    just_fits = b"# " + b"x" * (MAX_CONFIG_BYTES - 3) + b"\n"
    assert parse_bytes(just_fits, "t") == {}
    assert "over the 8192 bytes" in refusal(just_fits + b"x")


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"health": {"interval_seconds": 0.99}}, "health.interval_seconds"),
        ({"health": {"max_body_bytes": 100}}, "health.max_body_bytes"),
        ({"synthetic": {"max_header_bytes": 1 << 20}}, "synthetic.max_header_bytes"),
        ({"synthetic": {"timeout_seconds": 631}}, "synthetic.timeout_seconds"),
        ({"synthetic": {"requests": [{"headers": {"Bad Name": "x"}}]}}, "synthetic.requests.0.headers.Bad Name"),
        ({"synthetic": {"requests": [{"headers": {"A": {"ssm": "/a", "secretsmanager": "b"}}}]}}, "headers.A"),
        ({"synthetic": {"requests": [{"path": "/a b"}]}}, "synthetic.requests.0.path"),
        ({"synthetic": {"requests": [{"host": "exa mple.com"}]}}, "synthetic.requests.0.host"),
        ({"synthetic": {"requests": [{"expect": {"max_latency_ms": float("inf")}}]}}, "max_latency_ms"),
        ({"metrics": {"checks": [{"name": "c", "expression": "1", "threshold": float("nan")}]}}, "threshold"),
        ({"metrics": {"min_request_count": 10**12}}, "metrics.min_request_count"),
    ],
)
def test_model_rules_name_the_field(document: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError, match="invalid config") as error:
        validate(document, "t")
    assert field in str(error.value)


def test_what_validates_runs() -> None:
    """Every example config survives the plan's JSON round trip and builds its requests as the validator will."""
    for path in sorted((ROOT / "examples").rglob("*greenlight*.yaml")):
        config = validate(parse_bytes(path.read_bytes(), str(path)), str(path))
        plan_config = json.loads(json.dumps(dump(config)))  # as Step Functions carries it
        health = HealthConfig.model_validate(plan_config["health"])
        synthetic = SyntheticConfig.model_validate(plan_config["synthetic"])
        requests = prepare_requests("http://127.0.0.1:8080", synthetic, health.path, lambda reference: "secret")
        assert len(requests) == max(1, len(synthetic.requests))
        assert GreenlightConfig.model_validate(plan_config) == config
