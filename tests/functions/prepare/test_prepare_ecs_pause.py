"""Prepare for the ECS pause hook: a hook still awaiting action is planned as the Lambda hook is, one ECS no longer
waits on is not validated."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

import pytest

from greenlight.engine.guards.conformance import check
from prepare.app import prepare
from tests.support.prepare_ecs import DEPLOYMENT, queue, request
from tests.support.stubs import aws_response, stubbed


def run_pause(deployments: dict[str, Any], plan_follows: bool) -> Any:
    """Prepare for a pause hook (request.hook_type PAUSE, the hookId of DescribeServiceDeployments.pause)."""
    hook_id = "ecs-pause-e7tK9G_WRJqNF_EOMjztDXfKenlJuEUVjsNStf4WLKw"
    given = request("POST_TEST_TRAFFIC_SHIFT", {}).model_copy(
        update={"lifecycle_event_hook_execution_id": hook_id, "hook_type": "PAUSE"}
    )
    with ExitStack() as stack:
        ecs, ecs_stub = stack.enter_context(stubbed("ecs"))
        elbv2, elbv2_stub = stack.enter_context(stubbed("elbv2"))
        ssm, ssm_stub = stack.enter_context(stubbed("ssm"))
        codedeploy, _ = stack.enter_context(stubbed("codedeploy"))
        if plan_follows:
            queue(ecs_stub, elbv2_stub, ssm_stub, "ecs/DescribeServiceDeployments.pause", "test", None)
        else:  # only the deployment is read: nothing is left to gate
            arn = DEPLOYMENT["serviceDeploymentArn"]
            ecs_stub.add_response("describe_service_deployments", deployments, {"serviceDeploymentArns": [arn]})
        return prepare(given, codedeploy, elbv2, ssm, "/greenlight", ecs)


def test_a_pause_hook_still_awaiting_action_is_planned_as_the_lambda_hook_is() -> None:
    output = run_pause(aws_response("ecs/DescribeServiceDeployments.pause"), plan_follows=True)
    assert output.ready, output.results
    assert output.request.hook_type == "PAUSE" and output.plan.request.hook_type == "PAUSE"
    assert (output.plan.stage, output.plan.green.name) == ("POST_TEST_TRAFFIC_SHIFT", "shop-green")


@pytest.mark.parametrize(
    ("hook_status", "deployment_status", "why"),
    [
        (
            "TIMED_OUT",
            "ROLLBACK_IN_PROGRESS",
            "the pause hook ecs-pause-e7tK9G_WRJqNF_EOMjztDXfKenlJuEUVjsNStf4WLKw is TIMED_OUT",
        ),
        ("SUCCEEDED", "IN_PROGRESS", "is SUCCEEDED: ECS no longer waits"),
        ("AWAITING_ACTION", "STOPPED", "the service deployment is STOPPED"),
    ],
)
def test_a_pause_hook_ecs_no_longer_waits_on_is_not_validated(
    hook_status: str, deployment_status: str, why: str
) -> None:
    deployments = aws_response("ecs/DescribeServiceDeployments.pause")
    deployments["serviceDeployments"][0]["status"] = deployment_status
    deployments["serviceDeployments"][0]["lifecycleHookDetails"][0]["status"] = hook_status
    output = run_pause(check("ecs", "DescribeServiceDeployments", deployments), plan_follows=False)  # type: ignore[arg-type]
    assert not output.ready and why in output.results[0].reason
