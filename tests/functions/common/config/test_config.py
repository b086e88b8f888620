"""The config model: defaults that make sense, errors that name the field, layers, the generated schema."""

from __future__ import annotations

import json

import pytest

from common.config import ConfigError, GreenlightConfig, json_schema, merge, parse_document, validate
from tests.conftest import ROOT


def test_defaults_validate_with_nothing_set() -> None:
    config = validate({}, "defaults")
    assert config.health.consecutive_successes == 3
    assert config.synthetic.total_requests == 300 and config.synthetic.min_success_ratio == 0.99
    assert config.synthetic.max_p99_ms == 1000
    assert config.inconclusive_policy.value == "fail"
    assert all(
        section.lifecycle_events == ["AfterAllowTestTraffic"]
        for section in (config.health, config.synthetic, config.metrics)
    )


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"health": {"consecutive_successes": 0}}, "health.consecutive_successes"),
        ({"health": {"path": "health"}}, "health.path"),
        ({"synthetic": {"concurrency": "many"}}, "synthetic.concurrency"),
        ({"synthetic": {"requests": [{"method": "TRACE"}]}}, "synthetic.requests.0.method"),
        ({"metrics": {"no_data": "maybe"}}, "metrics.no_data"),
        ({"metrics": {"checks": [{"name": "x", "threshold": 1}]}}, "metrics.checks.0"),
        ({"helth": {}}, "helth"),
        ({"inconclusive_policy": "ignore"}, "inconclusive_policy"),
        ({"metrics": {"lifecycle_events": ["AfterInstal"]}}, "metrics.lifecycle_events.0"),
        ({"metrics": {"period_seconds": 90}}, "metrics.period_seconds"),
        ({"metrics": {"period_seconds": 10}}, "metrics.period_seconds"),
    ],
)
def test_invalid_config_names_the_offending_field(document: dict[str, object], field: str) -> None:
    with pytest.raises(ConfigError) as error:
        validate(document, "ssm:/greenlight/app/dg")
    assert f"{field}:" in str(error.value)
    assert "ssm:/greenlight/app/dg" in str(error.value)


def test_traffic_of_a_duration_needs_no_bake_time_to_cover_it() -> None:
    # the metrics read waits for the minute the traffic ends in (validate_metrics.traffic), whatever the bake time
    config = validate({"synthetic": {"duration_seconds": 120}}, "test")
    assert (config.synthetic.duration_seconds, config.metrics.bake_seconds) == (120, 0)


@pytest.mark.parametrize(("text", "message"), [("[1, 2]", "must be a mapping"), ("health: [", "not valid YAML")])
def test_unusable_documents_are_refused(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_document(text, "ssm:/x")


def test_layers_merge_deeply_and_lists_replace() -> None:
    base = {"health": {"path": "/a", "healthy_status_codes": [200]}, "fail_fast": False}
    override = {"health": {"healthy_status_codes": [204]}, "fail_fast": True}
    assert merge(base, override) == {"health": {"path": "/a", "healthy_status_codes": [204]}, "fail_fast": True}


def test_json_assertion_keeps_explicit_null_apart_from_unset() -> None:
    config = validate(
        {
            "synthetic": {
                "requests": [{"expect": {"json": [{"path": "a", "exists": True}, {"path": "b", "equals": None}]}}]
            }
        },
        "t",
    )
    dumped = json.loads(config.model_dump_json(by_alias=True))["synthetic"]["requests"][0]["expect"]["json"]
    assert dumped == [{"path": "a", "exists": True}, {"path": "b", "equals": None}]
    # ... and the plan's round trip (dump, then validate in a validator) gives back the same config
    assert validate(json.loads(config.model_dump_json(by_alias=True)), "plan") == config


def test_schema_is_generated_from_the_model_and_committed() -> None:
    committed = json.loads((ROOT / "docs" / "config.schema.json").read_text())
    assert committed == json_schema(), "run `greenlight schema > docs/config.schema.json`"
    assert set(committed["properties"]) == set(GreenlightConfig.model_fields)


def test_example_configs_are_valid() -> None:
    examples = sorted((ROOT / "examples").rglob("*greenlight*.yaml"))
    assert examples
    for path in examples:
        validate(parse_document(path.read_text(), str(path)), str(path))


def test_metric_periods_are_whole_minutes_as_alb_metrics_are() -> None:
    """ALB metrics are standard resolution: a period must be a multiple of 60 s (CloudWatch GetMetricData)."""
    with pytest.raises(ConfigError, match=r"metrics.period_seconds: Input should be a multiple of 60"):
        validate({"metrics": {"period_seconds": 90}}, "test")
    assert validate({"metrics": {"period_seconds": 120, "window_seconds": 600}}, "test").metrics.period_seconds == 120


def _request(**fields: object) -> dict[str, object]:
    return {"synthetic": {"requests": [{"path": "/", **fields}]}}


@pytest.mark.parametrize(
    "name",
    [
        "Transfer-Encoding",
        "transfer-encoding",
        "CONTENT-LENGTH",
        "Connection",
        "Upgrade",
        "TE",
        "Trailer",
        "Keep-Alive",
        "Expect",
        "Proxy-Authorization",
        "proxy-connection",
    ],
)
def test_hop_by_hop_and_framing_headers_are_refused_naming_the_header(name: str) -> None:
    with pytest.raises(ConfigError) as error:
        validate(_request(headers={name: "chunked"}), "ssm:/greenlight/app/dg")
    assert f"the header {name} may not be set" in str(error.value)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        # Python's `$` also matches before a final line break: each of these passed the pattern before
        ({"headers": {"Transfer-Encoding\n": "chunked"}}, "synthetic.requests.0.headers.Transfer-Encoding\n"),
        ({"headers": {"X-Token": "value\n"}}, "synthetic.requests.0.headers.X-Token"),
        ({"headers": {"Host": "localhost\n"}}, "synthetic.requests.0"),
        ({"path": "/items\n"}, "synthetic.requests.0.path"),
    ],
)
def test_a_final_line_break_is_refused_as_any_other(fields: dict[str, object], field: str) -> None:
    """A config that validates must run: the HTTP client refuses a line break in a header at send time."""
    with pytest.raises(ConfigError) as error:
        validate(_request(**fields), "ssm:/greenlight/app/dg")
    assert f"{field}" in str(error.value)


def test_a_health_path_with_a_final_line_break_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"health\.path"):
        validate({"health": {"path": "/healthz\n"}}, "ssm:/greenlight/app/dg")
