"""Prepare with custom checks and layers past 8 KB: what it plans, what it reads, what it refuses and why."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from common.config.layers import LayerStores
from common.payload.limits import PLAN_BUDGET_BYTES
from common.payload.models import HookRequest
from greenlight.engine.standins.codedeploy import APPLICATION, DEPLOYMENT_GROUP, LocalDeployment, create_deployment
from prepare.app import prepare
from tests.functions.common.config.test_config_layers import large_config
from tests.support.aws import local_aws

PREFIX, BUCKET = "/greenlight", "orders-greenlight-configs"
GROUP_LAYER = f"{PREFIX}/{APPLICATION}/{DEPLOYMENT_GROUP}"


@pytest.fixture
def aws() -> Iterator[tuple[dict[str, Any], LocalDeployment]]:
    with local_aws() as clients:
        deployment = create_deployment(clients, "http://127.0.0.1:9", "/health")
        clients["s3"].create_bucket(Bucket=BUCKET)
        clients["s3"].put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        try:
            yield clients, deployment
        finally:
            deployment.listener.close()


def run_prepare(clients: dict[str, Any], deployment: LocalDeployment, **options: Any) -> dict[str, Any]:
    request = HookRequest(deployment_id=deployment.deployment_id, lifecycle_event_hook_execution_id="hook-1")
    stores = LayerStores(bucket=BUCKET, s3=clients["s3"])
    output = prepare(request, clients["codedeploy"], clients["elbv2"], clients["ssm"], PREFIX, stores=stores, **options)
    return output.model_dump(mode="json")


def group_layer(clients: dict[str, Any], text: str) -> None:
    clients["ssm"].put_parameter(Name=GROUP_LAYER, Value=text, Type="String", Overwrite=True)


def test_each_check_is_planned_where_its_events_say(aws: tuple[dict[str, Any], LocalDeployment]) -> None:
    clients, deployment = aws
    checks = {
        "webhooks": [
            {"name": "smoke", "url": "http://127.0.0.1:9/smoke", "dry_run": False},
            {"name": "later", "url": "http://127.0.0.1:9/later", "lifecycle_events": ["BeforeAllowTraffic"]},
        ],
        "lambda_checks": [{"name": "db", "function": "greenlight-check-db", "enabled": False}],
    }
    group_layer(clients, yaml.safe_dump(checks))
    plan = run_prepare(clients, deployment)["plan"]
    assert plan["checks"] == [
        {"name": "smoke", "kind": "webhook", "planned": True, "enabled": True, "dry_run": False},
        {"name": "later", "kind": "webhook", "planned": False, "enabled": True, "dry_run": True},
        {"name": "db", "kind": "lambda", "planned": False, "enabled": False, "dry_run": True},
    ]
    assert plan["config"]["webhooks"][0]["url"] == "http://127.0.0.1:9/smoke"  # the check's settings travel once


def test_a_lambda_check_outside_the_stacks_prefix_is_a_failed_plan(aws: tuple[dict[str, Any], LocalDeployment]) -> None:
    clients, deployment = aws
    group_layer(clients, "lambda_checks: [{name: db, function: greenlight-check-db}]")
    refused = run_prepare(clients, deployment, check_function_prefix="orders-check-")
    assert refused["ready"] is False
    assert "does not start with orders-check-, the stack's CheckFunctionPrefix" in refused["results"][0]["reason"]
    assert run_prepare(clients, deployment)["ready"] is True


def test_a_40_kb_layer_in_s3_is_planned_with_the_version_read(aws: tuple[dict[str, Any], LocalDeployment]) -> None:
    clients, deployment = aws
    version = clients["s3"].put_object(Bucket=BUCKET, Key="orders.yaml", Body=large_config().encode())["VersionId"]
    group_layer(clients, f"s3://{BUCKET}/orders.yaml")
    plan = run_prepare(clients, deployment)["plan"]
    assert len(plan["config"]["synthetic"]["requests"]) == 100
    assert plan["config_source"][-1] == f"ssm:{GROUP_LAYER} -> s3://{BUCKET}/orders.yaml?versionId={version}"


@pytest.mark.parametrize(
    ("stored", "pointer", "named"),
    [
        ("x" * (64 * 1024 + 1), f"s3://{BUCKET}/big.yaml", "over the 65536 bytes a config may have (a layer from S3"),
        ("health: {}", "s3://another-teams-bucket/big.yaml", f"only the stack's ConfigBucketName ({BUCKET})"),
        ("health: {}", f"s3://{BUCKET}/missing.yaml", "cannot be read: NoSuchKey"),
    ],
)
def test_a_layer_that_cannot_be_read_is_a_failed_plan_naming_why(
    aws: tuple[dict[str, Any], LocalDeployment], stored: str, pointer: str, named: str
) -> None:
    clients, deployment = aws
    clients["s3"].put_object(Bucket=BUCKET, Key="big.yaml", Body=stored.encode())
    group_layer(clients, pointer)
    refused = run_prepare(clients, deployment)
    assert refused["ready"] is False and named in refused["results"][0]["reason"]


def test_a_plan_over_its_budget_is_refused_naming_it(aws: tuple[dict[str, Any], LocalDeployment]) -> None:
    # GIVEN two layers of 60 KiB, the default one's metric checks and the group's scenario, each within its limit
    clients, deployment = aws
    scenario = [{"path": "/api/items", "body": "b" * 560} for _ in range(100)]
    checks = [
        {"name": f"c{i}", "namespace": "Orders", "metric": "Latency", "threshold": 1, "comparison": "<=",
         "dimensions": {"Service": "orders-" + "d" * 500}}
        for i in range(100)
    ]  # fmt: skip
    for key, layer in (
        ("group.yaml", {"synthetic": {"requests": scenario}}),
        ("default.yaml", {"metrics": {"checks": checks}}),
    ):
        clients["s3"].put_object(Bucket=BUCKET, Key=key, Body=yaml.safe_dump(layer, width=10_000).encode())
    clients["ssm"].put_parameter(Name=f"{PREFIX}/default", Value=f"s3://{BUCKET}/default.yaml", Type="String")
    group_layer(clients, f"s3://{BUCKET}/group.yaml")
    # WHEN Prepare merges them THEN the plan they make is refused, saying why, before any state carries it
    refused = run_prepare(clients, deployment)
    assert refused["ready"] is False
    assert f"over the {PLAN_BUDGET_BYTES} greenlight allows" in refused["results"][0]["reason"]
