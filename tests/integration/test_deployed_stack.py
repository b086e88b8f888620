"""Against a deployed greenlight stack in a real account (opt-in: GREENLIGHT_INTEGRATION=1 and GREENLIGHT_STACK).

Only calls that change nothing: the hook answers a malformed event without starting anything, and the
deployed state machine is the one in this repository.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
import pytest

from greenlight.authoring.asl import parse_definition
from greenlight.project import Project

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        os.environ.get("GREENLIGHT_INTEGRATION") != "1" or not os.environ.get("GREENLIGHT_STACK"),
        reason="real AWS is opt-in: set GREENLIGHT_INTEGRATION=1 and GREENLIGHT_STACK to a deployed stack's name",
    ),
]


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    stack = boto3.client("cloudformation").describe_stacks(StackName=os.environ["GREENLIGHT_STACK"])["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack["Outputs"]}


def test_hook_ignores_a_malformed_event(outputs: dict[str, str]) -> None:
    assert outputs["HookFunctionName"].startswith("CodeDeployHook_")
    response = boto3.client("lambda").invoke(FunctionName=outputs["HookFunctionName"], Payload=b'{"unexpected": true}')
    assert "FunctionError" not in response
    assert json.loads(response["Payload"].read()) == {"outcome": "ignored"}


def test_deployed_state_machine_has_this_repositorys_states(outputs: dict[str, str], project: Project) -> None:
    deployed: dict[str, Any] = json.loads(
        boto3.client("stepfunctions").describe_state_machine(stateMachineArn=outputs["StateMachineArn"])["definition"]
    )
    local = parse_definition(project.definition_text())
    assert set(deployed["States"]) == set(local["States"])
    assert deployed["TimeoutSeconds"] <= 3300
