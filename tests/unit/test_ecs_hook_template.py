"""The ECS hook in the stack: the function ECS invokes, the role ECS assumes to invoke it, and the outputs."""

from __future__ import annotations

from typing import Any

import pytest

from greenlight.engine.project import Project
from tests.conftest import ROOT
from tests.support.template import policy_statements, translated

pytestmark = pytest.mark.unit


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
