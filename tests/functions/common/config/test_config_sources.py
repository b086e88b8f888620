"""Where each value of the effective config comes from: the last layer that set it, else the defaults."""

from __future__ import annotations

import pytest

from common.config import ConfigError
from common.config.sources import DEFAULTS, Layer, effective, label, layered, read_layers
from tests.support.stubs import aws_response, stubbed

DEFAULT = Layer(
    "ssm:/greenlight/default", "health: {path: /healthz, interval_seconds: 5}\nsynthetic: {requests: [{path: /a}]}\n"
)
GROUP = Layer(
    "ssm:/greenlight/orders/orders-dg", "health: {interval_seconds: 1}\nsynthetic: {requests: [{path: /b}]}\n"
)


def test_the_last_layer_that_set_a_leaf_is_its_source() -> None:
    _, dumped, sources = effective([DEFAULT, GROUP])
    assert dumped["health"]["path"] == "/healthz" and sources[("health", "path")] == DEFAULT.source
    assert dumped["health"]["interval_seconds"] == 1 and sources[("health", "interval_seconds")] == GROUP.source
    assert sources[("health", "consecutive_successes")] == DEFAULTS


def test_a_list_is_replaced_whole_by_the_later_layer() -> None:
    _, dumped, sources = effective([DEFAULT, GROUP])
    assert [r["path"] for r in dumped["synthetic"]["requests"]] == ["/b"]
    assert sources[("synthetic", "requests")] == GROUP.source


def test_a_value_below_a_mapping_a_layer_replaced_names_that_layer() -> None:
    baseline = Layer("file:baseline.yaml", "metrics: {baseline: {max_p99_ratio: 1.5}}\n")
    _, dumped, sources = effective([baseline])
    assert sources[("metrics", "baseline", "max_p99_ratio")] == baseline.source
    assert sources[("metrics", "baseline", "max_5xx_rate_increase")] == DEFAULTS  # the model filled it in
    assert dumped["metrics"]["baseline"]["max_5xx_rate_increase"] == 0.005
    unset = Layer("file:later.yaml", "metrics: {baseline: null}\n")
    _, dumped, sources = effective([baseline, unset])
    assert dumped["metrics"]["baseline"] is None and sources[("metrics", "baseline")] == unset.source


def test_the_merge_is_the_one_prepare_makes() -> None:
    """The same layers through Prepare's load (SSM as AWS answers it) and through the preview give one config."""
    answer = aws_response("ssm/GetParameters")
    layers = [Layer(f"ssm:{p['Name']}", p["Value"]) for p in answer["Parameters"]]
    names = [p["Name"] for p in answer["Parameters"]]
    with stubbed("ssm") as (ssm, stubber):
        stubber.add_response("get_parameters", answer, {"Names": names, "WithDecryption": True})
        read = read_layers(ssm, "/greenlight", "shop", "shop-dg")
    assert read == layers
    previewed, _, _ = effective(layers)
    assert previewed == effective(read)[0] and label(read).split(" + ")[1:] == [layer.source for layer in layers]


def test_an_invalid_layering_names_the_layers_and_the_field() -> None:
    with pytest.raises(
        ConfigError, match=r"defaults \+ ssm:/greenlight/default \+ file:x.yaml\): health.interval_seconds"
    ):
        effective([DEFAULT, Layer("file:x.yaml", "health: {interval_seconds: -1}")])
    document, _ = layered([DEFAULT])
    assert document["health"]["path"] == "/healthz"
