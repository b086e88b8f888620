"""Limits AWS enforces, enforced by the local engine too, so a local pass means something on AWS."""

from __future__ import annotations

import json
from typing import Any

import pytest

from greenlight.engine import LocalEngine
from greenlight.engine.standins.codedeploy import ACCOUNT

pytestmark = pytest.mark.engine

ROLE = f"arn:aws:iam::{ACCOUNT}:role/greenlight-local"


def run_definition(engine: LocalEngine, name: str, definition: dict[str, Any], given: dict[str, Any]) -> Any:
    sfn = engine.clients["stepfunctions"]
    arn = sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE)["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, name="run", input=json.dumps(given))["executionArn"]
    return engine.wait(execution, deadline_s=30)


def test_an_output_over_256_kib_fails_the_execution_even_under_a_catch_all(engine: LocalEngine) -> None:
    # GIVEN a branch whose output (two copies of a 150 KiB input) is over Step Functions' 256 KiB quota,
    # under a Catch States.ALL
    definition = {
        "StartAt": "Work",
        "States": {
            "Work": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "Double",
                        "States": {
                            "Double": {"Type": "Pass", "End": True, "Parameters": {"a.$": "$.text", "b.$": "$.text"}}
                        },
                    }
                ],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Succeed"},
        },
    }
    # WHEN it runs
    run = run_definition(engine, "data-limit", definition, {"text": "x" * (150 * 1024)})
    # THEN the execution fails with States.DataLimitExceeded, as on AWS: States.ALL does not catch it
    assert run.status == "FAILED"
    assert run.error == "States.DataLimitExceeded"
    assert "Caught" not in {state["state"] for state in run.states}


def test_a_runtime_error_is_not_caught_by_a_catch_all(engine: LocalEngine) -> None:
    # GIVEN a Task (a Pass state has no Catch: AWS refuses one, moto ignored it, so this passed without the patch)
    # whose ResultSelector reads a member its result does not have, under a Catch States.ALL
    definition = {
        "StartAt": "Read",
        "States": {
            "Read": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:sfn:listStateMachines",
                "ResultSelector": {"v.$": "$.NoSuchMember"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Succeed"},
        },
    }
    # WHEN it runs
    run = run_definition(engine, "runtime-error", definition, {})
    # THEN the execution fails with States.Runtime, as on AWS: States.ALL does not catch it
    assert (run.status, run.error) == ("FAILED", "States.Runtime")
    assert "Caught" not in {state["state"] for state in run.states}


def test_a_fail_state_cause_over_the_api_limit_fails_loudly(engine: LocalEngine) -> None:
    definition = {"StartAt": "Stop", "States": {"Stop": {"Type": "Fail", "Error": "Big", "CausePath": "$.cause"}}}
    run = run_definition(engine, "long-cause", definition, {"cause": "y" * 40_000})
    assert (run.status, run.error) == ("FAILED", "States.Runtime")
    assert "40000 characters, over the API's 32768" in (run.cause or "")
    within = run_definition(engine, "cause-at-limit", definition, {"cause": "y" * 32768})
    assert (within.status, within.error, within.cause) == ("FAILED", "Big", "y" * 32768)


def test_a_named_error_is_still_caught(engine: LocalEngine) -> None:
    definition = {
        "StartAt": "Stop",
        "States": {
            "Stop": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Custom", "Cause": "c"}}}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Succeed"},
        },
    }
    run = run_definition(engine, "custom-error", definition, {})
    assert run.status == "SUCCEEDED"
