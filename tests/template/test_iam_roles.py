"""What each role may do, beyond the scoping every action gets: calling back for any deployment, the ECS hook
announcing its decisions, the role ECS assumes guarded against a confused deputy, only the secret reader reading
secrets, and the custom checks function invoking only functions under the check prefix."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.support.template import policy_statements, translated
from tests.template.conftest import ACCOUNT, REGION, _as_list, grants, sample_arn


@pytest.mark.parametrize(
    "role", ["HookFunctionRole", "FinalizeFunctionRole", "SafetyNetFunctionRole", "ValidationStateMachineRole"]
)
def test_every_role_that_calls_back_may_do_so_for_any_deployment(resources: dict[str, Any], role: str) -> None:
    assert grants(resources)[(role, "codedeploy:PutLifecycleEventHookExecutionStatus")] == ["*"]


def test_the_ecs_hook_may_announce_what_it_decides(resources: dict[str, Any]) -> None:
    assert grants(resources)[("EcsHookFunctionRole", "events:PutEvents")] == [
        f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
    ]


def test_the_role_ecs_assumes_for_the_hook_is_guarded_against_a_confused_deputy(resources: dict[str, Any]) -> None:
    [statement] = resources["EcsHookInvokeRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "ecs.amazonaws.com"} and statement["Action"] == "sts:AssumeRole"
    condition = statement["Condition"]
    # IfExists: no ECS page says ECS sends these keys when it assumes the role; a plain StringEquals on a key it does
    # not send would deny every invocation (and ECS would roll back every deployment).
    assert condition["StringEqualsIfExists"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    source = sample_arn(condition["ArnLikeIfExists"]["aws:SourceArn"], resources)
    assert source == f"arn:aws:ecs:{REGION}:{ACCOUNT}:x"  # any ECS resource of this account and region only
    [policy] = resources["EcsHookInvokeRole"]["Properties"]["Policies"]
    [invoke] = policy["PolicyDocument"]["Statement"]
    assert invoke["Action"] == "lambda:InvokeFunction"
    assert sample_arn(invoke["Resource"], resources) == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:name"


def test_only_the_secret_reader_role_reads_secrets(resources: dict[str, Any]) -> None:
    """The synthetic function's own role reads no secret: only a SecretReaderRole session tagged with the
    deployment group does (common.secrets.scope), so a config naming another team's secret meets AccessDenied."""
    reads = {"ssm:GetParameter", "secretsmanager:GetSecretValue"}
    readers = {role for role, statement in policy_statements(resources) if reads & set(_as_list(statement["Action"]))}
    assert readers == {"SecretReaderRole"}


def test_the_custom_checks_function_may_invoke_only_functions_under_the_check_prefix(resources: dict[str, Any]) -> None:
    """A config cannot make greenlight invoke an arbitrary function: Prepare refuses a name outside CheckFunctionPrefix
    (tests/functions/common/config/sections/test_config_checks.py), and IAM allows only `function:<prefix>*` (the
    reference's `function` type)."""
    invokes = [
        (role, s) for role, s in policy_statements(resources) if "lambda:InvokeFunction" in _as_list(s["Action"])
    ]
    [(_, statement)] = [(role, s) for role, s in invokes if role == "CustomChecksFunctionRole"]
    # ... and no other role (the state machine's invokes the stack's own functions) reaches a team's function
    others = json.dumps([s["Resource"] for role, s in invokes if role != "CustomChecksFunctionRole"])
    assert "CheckFunctionPrefix" not in others and ":function:*" not in others
    assert statement["Resource"] == {
        "Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${CheckFunctionPrefix}*"
    }
    parameter = translated(str(ROOT))["Parameters"]["CheckFunctionPrefix"]
    assert parameter["Default"] == "greenlight-check-" and parameter.get("AllowedPattern")
