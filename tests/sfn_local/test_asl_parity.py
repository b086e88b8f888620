"""The same small machines on both interpreters: how each reads the States language where our patches touch it.

The parity tier (test_parity.py) runs greenlight's own workflow, which never reads an indexed path, an aws-sdk
result or a Runtime error under a Catch: a patch of ours could read those unlike AWS and no row would notice (two
did: a definite path's value and aws-sdk results, tests/greenlight/engine/patches/test_asl_semantics.py). Here each
machine has the answer AWS's documentation gives; the embedded engine must give it, and LocalStack too, unless the case
names how LocalStack differs (then its answer is pinned, so the day it changes this says so).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from greenlight.engine.run.executions import follow
from greenlight.engine.run.local_engine import LocalEngine, external_stepfunctions
from greenlight.engine.standins.codedeploy import ACCOUNT
from greenlight.project import Project

pytestmark = [pytest.mark.sfn_local, pytest.mark.timeout(300)]

ROLE = f"arn:aws:iam::{ACCOUNT}:role/greenlight-local"
DEADLINE_S = 60.0
RUNTIME_NOT_CAUGHT = (
    "States.ALL does not catch States.Runtime or States.DataLimitExceeded (developer guide, error handling): "
    "LocalStack's does"
)


@dataclass(frozen=True)
class Case:
    definition: dict[str, Any]
    given: dict[str, Any]
    aws: tuple[str, Any]  # (status, output) or (status, error) as AWS's documentation says
    localstack_differs: str = ""  # how LocalStack differs, when it does
    localstack: tuple[str, Any] | None = None  # ... and what it answers instead


def _read(path: str) -> dict[str, Any]:
    return {"StartAt": "Read", "States": {"Read": {"Type": "Pass", "Parameters": {"v.$": path}, "End": True}}}


def _caught(failing: dict[str, Any]) -> dict[str, Any]:
    """`failing` inside a Parallel under a Catch States.ALL."""
    return {
        "StartAt": "Work",
        "States": {
            "Work": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "Inner", "States": {"Inner": failing}}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.caught", "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Pass", "Result": {"caught": True}, "End": True},
        },
    }


LIST_MACHINES = {
    "Type": "Task",
    "Resource": "arn:aws:states:::aws-sdk:sfn:listStateMachines",
    "Parameters": {"MaxResults": 1000},
    "End": True,
}
FIRST_TYPE = "$.StateMachines[0].Type"  # the API's `stateMachines[0].type`, PascalCase as aws-sdk results are
GIVEN = {"results": [{"ok": False}, {"ok": True}], "matrix": [[7], [8, 9]], "text": "x" * (150 * 1024)}
CASES = {
    "definite path": Case(_read("$.results[0].ok"), GIVEN, ("SUCCEEDED", {"v": False})),
    "negative index": Case(_read("$.results[-1].ok"), GIVEN, ("SUCCEEDED", {"v": True})),
    "one-element list value": Case(_read("$.matrix[0]"), GIVEN, ("SUCCEEDED", {"v": [7]})),
    "aws-sdk result in PascalCase": Case(
        {"StartAt": "List", "States": {"List": {**LIST_MACHINES, "ResultSelector": {"t.$": FIRST_TYPE}}}},
        {},
        ("SUCCEEDED", {"t": "STANDARD"}),
    ),
    "a Runtime error under a Catch States.ALL": Case(
        {
            "StartAt": "List",
            "States": {
                "List": {
                    **LIST_MACHINES,
                    "ResultSelector": {"v.$": "$.NoSuchMember"},
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                },
                "Caught": {"Type": "Pass", "Result": {"caught": True}, "End": True},
            },
        },
        {},
        ("FAILED", "States.Runtime"),
        RUNTIME_NOT_CAUGHT,
        ("SUCCEEDED", {"caught": True}),
    ),
    "an output over 256 KiB under a Catch States.ALL": Case(
        _caught({"Type": "Pass", "Parameters": {"a.$": "$.text", "b.$": "$.text"}, "End": True}),
        GIVEN,
        ("FAILED", "States.DataLimitExceeded"),
        "a branch's States.* error fails its Parallel with States.Runtime (a ValueError on the reserved prefix)",
        ("FAILED", "States.Runtime"),
    ),
    "a Choice matching nothing, without Default": Case(
        {
            "StartAt": "Ready?",
            "States": {
                "Ready?": {"Type": "Choice", "Choices": [{"Variable": "$.ready", "BooleanEquals": True, "Next": "Go"}]},
                "Go": {"Type": "Succeed"},
            },
        },
        {"ready": False},
        ("FAILED", "States.NoChoiceMatched"),
        "a Choice matching nothing fails with States.Runtime, not the States Language's States.NoChoiceMatched",
        ("FAILED", "States.Runtime"),
    ),
    "a named error under a Catch States.ALL": Case(
        _caught({"Type": "Fail", "Error": "Greenlight.FailFast", "Cause": "c"}), {}, ("SUCCEEDED", {"caught": True})
    ),
}


def run(sfn: Any, case: Case) -> tuple[str, Any]:
    name = f"asl-parity-{uuid.uuid4().hex[:8]}"
    arn = sfn.create_state_machine(name=name, definition=json.dumps(case.definition), roleArn=ROLE)["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, name=name, input=json.dumps(case.given))["executionArn"]
    ended = follow(sfn, execution, DEADLINE_S, None, 0.1)
    assert ended.status != "RUNNING", f"{name} still running after {DEADLINE_S:.0f} s"
    if ended.status == "SUCCEEDED":
        return ended.status, ended.output
    return ended.status, ended.error


@pytest.fixture(scope="module")
def engines(project: Project, localstack: str) -> Iterator[dict[str, Any]]:
    with LocalEngine(project, time_scale=0.0) as engine:
        yield {"embedded": engine.clients["stepfunctions"], "localstack": external_stepfunctions(localstack)}


@pytest.mark.parametrize("name", list(CASES))
def test_each_engine_reads_the_machine_as_aws_documents_or_names_how_it_differs(
    engines: dict[str, Any], name: str
) -> None:
    case = CASES[name]
    # GIVEN a small machine and the answer AWS's documentation gives, WHEN it runs on each engine
    embedded, other = run(engines["embedded"], case), run(engines["localstack"], case)
    # THEN the embedded engine (moto with our patches) answers as AWS does
    assert embedded == case.aws, f"embedded engine: {embedded}, AWS: {case.aws}"
    # ... and LocalStack too, or as the case says it differs
    expected = case.localstack if case.localstack_differs else case.aws
    assert other == expected, f"LocalStack: {other}, expected {expected} ({case.localstack_differs or 'as AWS'})"
