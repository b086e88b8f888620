"""Step Functions Local's MockConfigFile, read into moto's own MockTestCase (moto 5.2.5 stubs the loader)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from moto.stepfunctions.parser.mocking.mock_config import MockTestCase, _mock_test_case_from_raw
from pydantic import BaseModel, ConfigDict, RootModel, ValidationError

from greenlight.engine.guards import conformance
from greenlight.engine.interface import MockConfigError


class _Throw(BaseModel):
    Error: str
    Cause: str = ""


class _Response(BaseModel):
    model_config = ConfigDict(extra="forbid")
    Return: RootModel[Any] | None = None
    Throw: _Throw | None = None


class _TestCase(RootModel[dict[str, str]]):
    pass


class _StateMachine(BaseModel):
    TestCases: dict[str, _TestCase]


class _MockConfig(BaseModel):
    StateMachines: dict[str, _StateMachine]
    MockedResponses: dict[str, dict[str, _Response]]


def read(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text())
        _MockConfig.model_validate(document)
    except (OSError, ValueError, ValidationError) as error:
        raise MockConfigError(f"mock config {path}: {error}".splitlines()[0]) from error
    return dict(document)


LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
AWS_SDK = "arn:aws:states:::aws-sdk:"
SDK_SERVICES = {"sfn": "stepfunctions", "elasticloadbalancingv2": "elbv2"}  # the States language's names, boto3's


def _task_resources(definition: dict[str, Any]) -> dict[str, str]:
    """State name -> its Task resource, in the machine, every branch and every Map's iteration (placeholders
    substituted or not)."""
    found: dict[str, str] = {}
    for name, state in definition.get("States", {}).items():
        if state.get("Type") == "Task":
            found[name] = str(state.get("Resource", "")).replace("arn:${Partition}:", "arn:aws:")
        for branch in [*state.get("Branches", []), *filter(None, [state.get("ItemProcessor")])]:
            found |= _task_resources(branch)
    return found


def answer_problems(document: dict[str, Any], machine_name: str, definition: dict[str, Any]) -> list[str]:
    """Every mocked answer is one the integration could give: a Lambda invoke's envelope, an aws-sdk call's output.

    A Lambda invoke answers with the Invoke API's members (the payload as JSON, as Step Functions passes it on);
    an aws-sdk task answers with its operation's output (its members in PascalCase, as the integration gives them, or
    in the API's own casing), checked against botocore's model.
    """
    resources = _task_resources(definition)
    invoke = conformance.operation_model("lambda", "Invoke").output_shape
    lambda_members = set(invoke.members if invoke is not None else {})
    problems: list[str] = []
    for case, states in document.get("StateMachines", {}).get(machine_name, {}).get("TestCases", {}).items():
        for state, mock in states.items():
            resource = resources.get(state, "")
            for key, response in document.get("MockedResponses", {}).get(mock, {}).items():
                answer, where = response.get("Return"), f"{case}: {state} -> {mock}[{key}]"
                if answer is None:
                    continue
                if resource == LAMBDA_INVOKE:
                    unknown = set(answer) - lambda_members
                    problems += [f"{where}: Lambda Invoke answers have no member {m!r}" for m in sorted(unknown)]
                    if not isinstance(answer.get("StatusCode"), int):
                        problems.append(f"{where}: a Lambda Invoke answer has an integer StatusCode")
                elif resource.startswith(AWS_SDK):
                    service, _, action = resource.removeprefix(AWS_SDK).partition(":")
                    service = SDK_SERVICES.get(service, service)
                    # The integration's result, as a mock gives it: PascalCase on AWS, matched to the API's names here
                    native = conformance.by_shape_names(
                        answer, conformance.operation_model(service, action).output_shape
                    )
                    problems += [f"{where}: {p}" for p in conformance.problems(service, action, native)]
    return problems


def case_names(document: dict[str, Any], machine_name: str) -> list[str]:
    return list(document.get("StateMachines", {}).get(machine_name, {}).get("TestCases", {}))


def load_test_case(document: dict[str, Any], machine_name: str, case: str) -> MockTestCase:
    raw = _MockConfig.model_validate(document)
    try:
        return _mock_test_case_from_raw(state_machine_name=machine_name, test_case_name=case, raw_mock_config=raw)
    except RuntimeError as error:
        raise MockConfigError(str(error)) from error
