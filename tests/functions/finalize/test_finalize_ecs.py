"""Finalize and the safety net for an Amazon ECS deployment: the verdict goes into the output, nobody is called."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from finalize.app import Services, finalize
from safety_net.app import report_failure
from tests.functions.finalize.test_finalize import plan, result
from tests.support.stubs import RecordingCodeDeploy, RecordingEvents, stubbed

DEPLOYMENT = "arn:aws:ecs:us-east-1:123456789012:service-deployment/shop-cluster/shop/ejGvqq2ilnbKT9qj0vLJe"
REQUEST = {
    "deployment_id": DEPLOYMENT,
    "lifecycle_event_hook_execution_id": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
    "ecs": {
        "lifecycle_stage": "POST_TEST_TRAFFIC_SHIFT",
        "service_arn": "arn:aws:ecs:us-east-1:123456789012:service/shop-cluster/shop",
        "target_service_revision_arn": "arn:aws:ecs:us-east-1:123456789012:service-revision/shop-cluster/shop/1",
    },
}
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:greenlight-validation:greenlight-1"


@pytest.fixture
def ssm() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("ssm", region_name="us-east-1")


def ecs_plan() -> dict[str, Any]:
    return plan() | {"request": REQUEST, "engine": "ecs", "stage": "POST_TEST_TRAFFIC_SHIFT", "strategy": "BLUE_GREEN"}


@pytest.mark.parametrize(("status", "verdict"), [("passed", "Succeeded"), ("failed", "Failed")])
def test_the_verdict_is_recorded_in_the_output_and_nobody_is_called(status: str, verdict: str, ssm: Any) -> None:
    codedeploy, events = RecordingCodeDeploy(), RecordingEvents()
    given = {"request": REQUEST, "plan": ecs_plan(), "results": [result("health", status)], "execution_arn": EXECUTION}
    report = finalize(given, Services(codedeploy, events, ssm)).model_dump(mode="json")  # type: ignore[arg-type]
    assert (report["verdict"], report["engine"], report["stage"]) == (verdict, "ecs", "POST_TEST_TRAFFIC_SHIFT")
    assert report["callback"] is None
    assert codedeploy.callbacks == []
    [announced] = events.of_type("Greenlight Verdict")  # still announced, once
    assert announced["verdict"] == verdict
    # a rule on `engine: [ecs]` or on an ECS stage matches it: the ECS stage, not its CodeDeploy equivalent
    assert (announced["engine"], announced["stage"], announced["decided_by"]) == (
        "ecs",
        "POST_TEST_TRAFFIC_SHIFT",
        "finalize",
    )
    assert "at POST_TEST_TRAFFIC_SHIFT" in announced["summary"]


def test_without_a_plan_the_report_still_names_the_engine_and_stage(ssm: Any) -> None:
    codedeploy = RecordingCodeDeploy()
    problem = {"state": "Prepare", "error": "Lambda.ServiceException", "cause": "down"}
    given = {"request": REQUEST, "plan": None, "results": [], "problem": problem, "execution_arn": EXECUTION}
    report = finalize(given, Services(codedeploy, RecordingEvents(), ssm))  # type: ignore[arg-type]
    assert (report.verdict.value, report.engine, report.stage) == ("Failed", "ecs", "POST_TEST_TRAFFIC_SHIFT")
    assert codedeploy.callbacks == []  # nor was CodeDeploy asked for the deployment group of the bypass


def test_the_safety_net_leaves_ecs_deployments_to_the_hook() -> None:
    codedeploy, events = RecordingCodeDeploy(), RecordingEvents()
    detail = {"executionArn": EXECUTION, "status": "TIMED_OUT", "input": json.dumps(REQUEST)}
    with stubbed("stepfunctions") as (sfn, _):
        outcome = report_failure({"detail": detail}, sfn, codedeploy, events)  # type: ignore[arg-type]
    assert outcome == {"outcome": "not-codedeploy", "execution_status": "TIMED_OUT"}
    assert codedeploy.callbacks == [] and events.entries == []
