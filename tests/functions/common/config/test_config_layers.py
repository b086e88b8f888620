"""Config layers past 8 KB: an SSM parameter pointing at S3 or AppConfig, read as AWS answers, scoped to the stack."""

from __future__ import annotations

import io
from typing import Any

import pytest
import yaml
from botocore.exceptions import ClientError
from botocore.response import StreamingBody

from common.config import ConfigError
from common.config.layers import LayerError, LayerStores, is_pointer, read_layer
from common.config.parsing import MAX_LAYER_BYTES
from common.config.sources import effective, read_layers
from tests.support.stubs import aws_response, stubbed

BUCKET, APPLICATION = "orders-greenlight-configs", "abc1234"
POINTER = f"s3://{BUCKET}/orders/orders-dg.yaml"


def body(text: str) -> StreamingBody:
    data = text.encode()
    return StreamingBody(io.BytesIO(data), len(data))


def large_config(requests: int = 100) -> str:
    """A scenario of `requests` requests (about 40 KB at 100): what outgrows an SSM parameter's 8 KB."""
    scenario = [
        {
            "name": f"catalogue case {i:03d}",
            "path": "/api/items",
            "query": {"id": str(i), "view": "full"},
            "headers": {"X-Tenant": "orders", "X-Case": f"case-{i:03d}"},
            "expect": {"status": [200], "json": [{"path": "items.0.id", "exists": True}], "max_latency_ms": 800},
        }
        for i in range(requests)
    ]
    return yaml.safe_dump({"synthetic": {"total_requests": 200, "requests": scenario}}) + "# " + "x" * 6000 + "\n"


def s3_answer(text: str, version: str | None = None) -> dict[str, Any]:
    answer = aws_response("s3/GetObject") | {"ContentLength": len(text.encode()), "Body": body(text)}
    return answer | ({"VersionId": version} if version else {})


def stores(s3: Any = None, appconfig: Any = None) -> LayerStores:
    return LayerStores(bucket=BUCKET, appconfig_application=APPLICATION, s3=s3, appconfig=appconfig)


@pytest.mark.parametrize(
    ("value", "pointer"),
    [(POINTER, True), (f"  {POINTER}\n", True), ("appconfig://abc1234/prod/orders", True), ("health: {}", False)],
)
def test_a_pointer_is_one_line_naming_s3_or_appconfig(value: str, pointer: bool) -> None:
    assert is_pointer(value) is pointer


def test_a_40_kb_layer_in_s3_is_read_whole_and_its_version_named() -> None:
    text = large_config()
    assert 30_000 < len(text.encode()) <= MAX_LAYER_BYTES
    with stubbed("s3") as (s3, stubber):
        stubber.add_response("get_object", s3_answer(text), {"Bucket": BUCKET, "Key": "orders/orders-dg.yaml"})
        layer = read_layer(POINTER, "ssm:/greenlight/orders/orders-dg", stores(s3=s3))
    assert layer.text == text and layer.large
    version = aws_response("s3/GetObject")["VersionId"]
    assert layer.source == f"ssm:/greenlight/orders/orders-dg -> {POINTER}?versionId={version}"


def test_a_pinned_version_is_the_one_read() -> None:
    with stubbed("s3") as (s3, stubber):
        expected = {"Bucket": BUCKET, "Key": "orders/orders-dg.yaml", "VersionId": "v-7"}
        stubber.add_response("get_object", s3_answer("health: {}\n", "v-7"), expected)
        layer = read_layer(f"{POINTER}?versionId=v-7", "ssm:/greenlight/default", stores(s3=s3))
    assert layer.source.endswith("?versionId=v-7")


def test_a_layer_over_the_limit_is_refused_naming_the_limit_before_it_is_read() -> None:
    with stubbed("s3") as (s3, stubber):
        stubber.add_response("get_object", s3_answer("x" * (MAX_LAYER_BYTES + 1)))
        with pytest.raises(LayerError, match=r"65537 bytes, over the 65536 bytes a config may have \(a layer from S3"):
            read_layer(POINTER, "ssm:/greenlight/default", stores(s3=s3))


@pytest.mark.parametrize(
    ("pointer", "named"),
    [
        ("s3://payments-configs/x.yaml", "only the stack's ConfigBucketName (orders-greenlight-configs)"),
        ("appconfig://zzz9999/prod/orders", "only the stack's ConfigAppConfigApplicationId (abc1234)"),
        ("s3://BadBucket/x", "neither s3://<bucket>/<key>"),
        ("appconfig://abc1234/prod", "neither s3://<bucket>/<key>"),
    ],
)
def test_a_pointer_outside_the_stacks_stores_is_refused_unread(pointer: str, named: str) -> None:
    with pytest.raises(LayerError, match=named.replace("(", r"\(").replace(")", r"\)")):
        read_layer(pointer, "ssm:/greenlight/orders/orders-dg", stores())


def test_a_stack_without_a_bucket_reads_no_layer_from_s3() -> None:
    with pytest.raises(LayerError, match="the stack has no ConfigBucketName"):
        read_layer(POINTER, "ssm:/greenlight/default", LayerStores())


def test_a_missing_object_is_a_layer_error_a_throttle_is_left_to_the_retry() -> None:
    with stubbed("s3") as (s3, stubber):
        stubber.add_client_error("get_object", "NoSuchKey", "The specified key does not exist.", 404)
        stubber.add_client_error("get_object", "ServiceUnavailable", "Please reduce your request rate.", 503)
        with pytest.raises(LayerError, match=f"config {POINTER} cannot be read: NoSuchKey"):
            read_layer(POINTER, "ssm:/greenlight/default", stores(s3=s3))
        with pytest.raises(ClientError):
            read_layer(POINTER, "ssm:/greenlight/default", stores(s3=s3))


def test_an_appconfig_layer_is_read_through_one_session() -> None:
    text = large_config(60)
    started = aws_response("appconfigdata/StartConfigurationSession")
    latest = aws_response("appconfigdata/GetLatestConfiguration") | {"Configuration": body(text)}
    with stubbed("appconfigdata") as (appconfig, stubber):
        stubber.add_response(
            "start_configuration_session",
            started,
            {
                "ApplicationIdentifier": APPLICATION,
                "EnvironmentIdentifier": "prod",
                "ConfigurationProfileIdentifier": "orders-dg",
                "RequiredMinimumPollIntervalInSeconds": 15,
            },
        )
        stubber.add_response(
            "get_latest_configuration", latest, {"ConfigurationToken": started["InitialConfigurationToken"]}
        )
        layer = read_layer(
            f"appconfig://{APPLICATION}/prod/orders-dg", "ssm:/greenlight/default", stores(appconfig=appconfig)
        )
    assert layer.text == text
    assert layer.source == f"ssm:/greenlight/default -> appconfig://{APPLICATION}/prod/orders-dg (version 2)"


def test_prepare_loads_a_large_layer_with_the_same_strict_reader() -> None:
    """As Prepare reads it (read_layers, effective): the pointer followed, YAML read strictly, sources named."""
    duplicate = "synthetic: {total_requests: 10}\nsynthetic: {total_requests: 20}\n" + "# pad\n" * 2000
    names = ["/greenlight/default", "/greenlight/orders/orders-dg"]
    parameters = aws_response("ssm/GetParameters")["Parameters"][:1]
    parameters = [parameters[0] | {"Name": names[1], "Value": POINTER}]
    for text, outcome in ((large_config(), None), (duplicate, "has the key 'synthetic' twice")):
        with stubbed("ssm") as (ssm, ssm_stubber), stubbed("s3") as (s3, s3_stubber):
            answer = {"Parameters": parameters, "InvalidParameters": [names[0]]}
            ssm_stubber.add_response("get_parameters", answer, {"Names": names, "WithDecryption": True})
            s3_stubber.add_response("get_object", s3_answer(text))
            if outcome is None:
                layers = read_layers(ssm, "/greenlight", "orders", "orders-dg", stores(s3=s3))
                config, _, _ = effective(layers)
                assert len(config.synthetic.requests) == 100 and layers[0].source.startswith(
                    f"ssm:{names[1]} -> {POINTER}"
                )
                continue
            with pytest.raises(ConfigError, match=outcome):
                effective(read_layers(ssm, "/greenlight", "orders", "orders-dg", stores(s3=s3)))


def test_a_value_left_in_ssm_is_still_capped_at_its_8_kb() -> None:
    names = ["/greenlight/default", "/greenlight/orders/orders-dg"]
    parameter = aws_response("ssm/GetParameters")["Parameters"][0] | {"Name": names[0], "Value": large_config()}
    with stubbed("ssm") as (ssm, stubber):
        answer = {"Parameters": [parameter], "InvalidParameters": [names[1]]}
        stubber.add_response("get_parameters", answer, {"Names": names, "WithDecryption": True})
        with pytest.raises(ConfigError, match=r"over the 8192 bytes a config may have \(an SSM parameter's 8 KB\)"):
            effective(read_layers(ssm, "/greenlight", "orders", "orders-dg", stores()))


def test_the_object_is_read_only_from_a_bucket_the_stacks_account_owns() -> None:
    # S3 answers 403 to ExpectedBucketOwner naming another account: a bucket of that name elsewhere is never read.
    with stubbed("s3") as (s3, stubber):
        expected = {"Bucket": BUCKET, "Key": "orders/orders-dg.yaml", "ExpectedBucketOwner": "123456789012"}
        stubber.add_response("get_object", s3_answer("health: {}\n"), expected)
        owned = LayerStores(bucket=BUCKET, bucket_owner="123456789012", s3=s3)
        assert read_layer(POINTER, "ssm:/greenlight/orders/orders-dg", owned).text == "health: {}\n"
