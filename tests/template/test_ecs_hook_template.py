"""The ECS hook in the stack: the function ECS invokes, the role ECS assumes to invoke it, and the outputs."""

from __future__ import annotations

from typing import Any

import pytest

from greenlight.engine.project import Project
from tests.conftest import ROOT
from tests.support.template import policy_statements, translated


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    return dict(translated(str(ROOT))["Resources"])


def test_ecs_assumes_a_role_that_may_invoke_the_ecs_hook_and_nothing_else(resources: dict[str, Any]) -> None:
    role = resources["EcsHookInvokeRole"]["Properties"]
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert (trust["Principal"], trust["Action"]) == ({"Service": "ecs.amazonaws.com"}, "sts:AssumeRole")
    statements = [s for name, s in policy_statements(resources) if name == "EcsHookInvokeRole"]
    assert [(s["Action"], s["Effect"]) for s in statements] == [("lambda:InvokeFunction", "Allow")]
    [granted] = statements
    assert "${EcsHookFunction}" in granted["Resource"]["Fn::Sub"]  # that function's ARN, not a pattern


def test_the_ecs_hook_starts_executions_through_the_alias_and_may_read_them(resources: dict[str, Any]) -> None:
    function = resources["EcsHookFunction"]["Properties"]
    assert function["Handler"] == "ecs_hook.app.handler"
    assert function["Environment"]["Variables"]["STATE_MACHINE_ARN"] == {"Ref": "ValidationStateMachineAliaslive"}
    actions = {
        action
        for name, statement in policy_statements(resources)
        if name == "EcsHookFunctionRole"
        for action in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
    }
    assert {"states:StartExecution", "states:DescribeExecution"} <= actions
    assert not any(action.startswith("codedeploy:") for action in actions)  # ECS reads the answer; nobody is called


def test_outputs_give_what_the_service_lifecycle_hook_needs(project: Project) -> None:
    outputs = project.template["Outputs"]
    assert outputs["EcsHookFunctionArn"]["Value"] == {"Fn::GetAtt": ["EcsHookFunction", "Arn"]}
    assert outputs["EcsHookRoleArn"]["Value"] == {"Fn::GetAtt": ["EcsHookInvokeRole", "Arn"]}


def test_the_ecs_hooks_aws_calls_end_before_its_function_times_out(resources: dict[str, Any]) -> None:
    # ECS rolls the deployment back when the hook's function fails (developer guide, "Lambda hooks for Amazon ECS
    # service deployments"), a timeout included, whatever the outage policy says: every AWS call one invocation makes,
    # each at its worst (every attempt hanging until its timeouts, the retry backoff between), ends before it.
    from ecs_hook import app

    config = app.HOOK_CLIENT_CONFIG
    attempts = config.retries["total_max_attempts"]
    # botocore's standard mode: up to min(2 ** i, 20) s between attempts, 5 s more when AWS asks (x-amz-retry-after)
    backoff = sum(min(2.0 ** (attempt - 1), 20.0) + 5.0 for attempt in range(1, attempts))
    worst_call = attempts * (config.connect_timeout + config.read_timeout) + backoff
    timeout = resources["EcsHookFunction"]["Properties"]["Timeout"]
    assert app.MAX_AWS_CALLS * worst_call < timeout
