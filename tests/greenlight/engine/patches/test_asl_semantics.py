"""How the embedded engine reads the ASL where our patches make moto read it as AWS does: definite JSONPath values
and aws-sdk results. Found by running the same small machines on LocalStack's interpreter (tests/sfn_local), which
read them as AWS does while the embedded engine did not; a state a user adds must mean the same locally."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from greenlight.engine import LocalEngine
from greenlight.engine.standins.codedeploy import ACCOUNT

pytestmark = pytest.mark.engine

ROLE = f"arn:aws:iam::{ACCOUNT}:role/greenlight-local"


def run_definition(engine: LocalEngine, name: str, definition: dict[str, Any], given: dict[str, Any]) -> Any:
    sfn = engine.clients["stepfunctions"]
    name = f"{name}-{uuid.uuid4().hex[:8]}"  # the engine is the module's: one machine per run
    arn = sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE)["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, name="run", input=json.dumps(given))["executionArn"]
    return engine.wait(execution, deadline_s=30)


GIVEN = {"results": [{"ok": False}, {"ok": True}], "matrix": [[7], [8, 9]], "a b": [5]}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("$.results[0].ok", False),  # moto: [false]
        ("$.results[-1].ok", True),  # a negative index counts from the end; moto: [true], so a Choice took Default
        ("$.matrix[0]", [7]),  # the value is a one-element list: it stays one (the first patch made it 7)
        ("$.matrix[1]", [8, 9]),
        ("$['a b'][0]", 5),
        ("$.results[1]", {"ok": True}),
    ],
)
def test_a_definite_path_yields_the_value_at_it(engine: LocalEngine, path: str, value: Any) -> None:
    # GIVEN a Pass state reading one definite path (names and single indexes only)
    definition = {"StartAt": "Read", "States": {"Read": {"Type": "Pass", "Parameters": {"v.$": path}, "End": True}}}
    # WHEN it runs
    run = run_definition(engine, "definite-path", definition, GIVEN)
    # THEN it yields the value at the path, as AWS's JSONPath does (and LocalStack's interpreter)
    assert (run.status, run.output) == ("SUCCEEDED", {"v": value}), run.cause


def test_a_choice_on_a_negative_index_takes_the_matching_rule(engine: LocalEngine) -> None:
    choice = {"Variable": "$.results[-1].ok", "BooleanEquals": True, "Next": "Yes"}
    definition = {
        "StartAt": "Last Ok?",
        "States": {
            "Last Ok?": {"Type": "Choice", "Choices": [choice], "Default": "No"},
            "Yes": {"Type": "Succeed"},
            "No": {"Type": "Fail", "Error": "TookDefault"},
        },
    }
    run = run_definition(engine, "negative-index", definition, GIVEN)
    assert run.status == "SUCCEEDED", (run.error, run.cause)


def test_an_aws_sdk_result_has_its_members_in_pascal_case(engine: LocalEngine) -> None:
    # GIVEN an aws-sdk task (Step Functions' own ListStateMachines, whose API answers `stateMachines[].name`) and a
    # selector written as on AWS, where aws-sdk results are PascalCase as their parameters are
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:sfn:listStateMachines",
        "Parameters": {"MaxResults": 100},
        "ResultSelector": {
            "names.$": "$.StateMachines[*].Name",
            "arn.$": "$.StateMachines[0].StateMachineArn",
            "type.$": "$.StateMachines[0].Type",
        },
        "End": True,
    }
    # WHEN it runs
    run = run_definition(engine, "sdk-result", {"StartAt": "List", "States": {"List": task}}, {})
    # THEN the selector finds the members by those names, nested ones included
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    assert any(name.startswith("sdk-result-") for name in run.output["names"]), run.output
    assert run.output["arn"].startswith(f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:")
    assert run.output["type"] == "STANDARD"


def test_an_execution_output_is_json_text_whatever_the_result(engine: LocalEngine) -> None:
    # GIVEN machines ending on a string, and on an aws-sdk result holding a timestamp (CreationDate)
    text = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "Result": "done", "End": True}}}
    listed = {
        "StartAt": "List",
        "States": {
            "List": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:sfn:listStateMachines",
                "OutputPath": "$.StateMachines[0]",
                "End": True,
            }
        },
    }
    # WHEN they run, THEN DescribeExecution's output is JSON text, as on AWS: the string quoted (moto passed `done`
    # on as is), the timestamp a string (moto's DescribeExecution failed on it)
    run = run_definition(engine, "string-output", text, {})
    assert (run.status, run.output) == ("SUCCEEDED", "done"), run.cause
    run = run_definition(engine, "timestamp-output", listed, {})
    assert run.status == "SUCCEEDED", run.cause
    assert isinstance(run.output["CreationDate"], str) and run.output["Type"] == "STANDARD"


NO_MATCH = {
    "Type": "Choice",
    "Choices": [{"Variable": "$.ready", "BooleanEquals": True, "Next": "Ready"}],
}


def test_a_choice_matching_nothing_without_default_fails_with_no_choice_matched(engine: LocalEngine) -> None:
    # GIVEN a Choice with no Default whose only rule does not match, alone and in a branch under a Catch States.ALL
    alone = {"StartAt": "Ready?", "States": {"Ready?": NO_MATCH, "Ready": {"Type": "Succeed"}}}
    branch = {"StartAt": "Ready?", "States": {"Ready?": NO_MATCH, "Ready": {"Type": "Succeed"}}}
    caught = {
        "StartAt": "Work",
        "States": {
            "Work": {
                "Type": "Parallel",
                "Branches": [branch],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Pass", "OutputPath": "$.error.Error", "End": True},
        },
    }
    # WHEN each runs, THEN it fails with States.NoChoiceMatched (AWS's name for it; moto's was States.Runtime, which
    # States.ALL does not catch), and a Parallel's Catch States.ALL catches it as on AWS
    run = run_definition(engine, "no-choice", alone, {"ready": False})
    assert (run.status, run.error) == ("FAILED", "States.NoChoiceMatched"), run.cause
    run = run_definition(engine, "no-choice-caught", caught, {"ready": False})
    assert (run.status, run.output) == ("SUCCEEDED", "States.NoChoiceMatched"), run.cause
