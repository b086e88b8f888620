"""The hook: start once per hook execution, report Failed at once when the start fails, survive bad events."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ConnectTimeoutError
from moto import mock_aws

import hook.app
from common.runtime.observability import logger
from hook.app import execution_name, handler, start
from tests.conftest import ROOT, load_event
from tests.support.aws import bare_deployment, callbacks, local_aws
from tests.support.stubs import RecordingCodeDeploy, RecordingEvents, stubbed

ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:greenlight-validation"
DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})


@pytest.fixture
def state_machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:
    with mock_aws():
        sfn = boto3.client("stepfunctions")
        role = "arn:aws:iam::123456789012:role/greenlight"
        arn = sfn.create_state_machine(name="greenlight-validation", definition=DEFINITION, roleArn=role)[
            "stateMachineArn"
        ]
        monkeypatch.setenv("STATE_MACHINE_ARN", arn)
        yield sfn, arn


def test_starts_one_execution_named_after_the_hook_execution(
    state_machine: tuple[Any, str], lambda_context: Any
) -> None:
    sfn, arn = state_machine
    event = load_event("codedeploy_lifecycle_hook")
    # WHEN CodeDeploy invokes the hook
    result = handler(event, lambda_context)
    # THEN one execution runs, named from the hook id, with both ids as input
    assert result == {"outcome": "started"}
    executions = sfn.list_executions(stateMachineArn=arn)["executions"]
    assert [e["name"] for e in executions] == [execution_name(event["LifecycleEventHookExecutionId"])]
    described = sfn.describe_execution(executionArn=executions[0]["executionArn"])
    assert json.loads(described["input"]) == {
        "deployment_id": event["DeploymentId"],
        "lifecycle_event_hook_execution_id": event["LifecycleEventHookExecutionId"],
    }


def test_repeated_invocation_starts_nothing_new(state_machine: tuple[Any, str], lambda_context: Any) -> None:
    sfn, arn = state_machine
    event = load_event("codedeploy_lifecycle_hook")
    handler(event, lambda_context)
    sfn.stop_execution(executionArn=sfn.list_executions(stateMachineArn=arn)["executions"][0]["executionArn"])
    # WHEN Lambda retries the asynchronous invocation after the first execution ended
    result = handler(event, lambda_context)
    # THEN the name collides and nothing new starts
    assert result == {"outcome": "already-started"}
    assert len(sfn.list_executions(stateMachineArn=arn)["executions"]) == 1


def test_execution_name_is_valid_for_any_hook_id() -> None:
    name = execution_name("a/b#c%d:e " + "x" * 500)
    assert len(name) <= 80
    assert not set(name) & set(" #%:/<>{}[]?*\"'")
    assert execution_name("same") == execution_name("same") != execution_name("other")


def failing_start(sfn: Any, stubber: Any, error: str) -> None:
    """StartExecution answers `error`: an AWS error code, or a connect timeout before any answer."""
    if error == "connect-timeout":

        def timeout(**_: Any) -> None:
            raise ConnectTimeoutError(endpoint_url="https://states.us-east-1.amazonaws.com")

        stubber.deactivate()  # no answer at all: the call fails before any request could be sent
        sfn.meta.events.register("before-call.sfn.StartExecution", timeout)
    else:
        stubber.add_client_error("start_execution", error)


@pytest.mark.parametrize(
    "error", ["ThrottlingException", "AccessDeniedException", "StateMachineDoesNotExist", "connect-timeout"]
)
def test_start_failure_reports_failed_at_once(
    error: str, codedeploy: RecordingCodeDeploy, events: RecordingEvents
) -> None:
    with stubbed("stepfunctions") as (sfn, stubber):
        failing_start(sfn, stubber, error)
        outcome = start(sfn, codedeploy, ARN, "d-1", "hook-1", "fail", lambda: events)
    assert outcome == "start-failed:reported"
    assert codedeploy.callbacks == [
        {"deploymentId": "d-1", "lifecycleEventHookExecutionId": "hook-1", "status": "Failed"}
    ]
    # ... and the stopped deployment is announced once, saying why
    [announced] = events.of_type("Greenlight Verdict")
    assert (announced["verdict"], announced["decided_by"], announced["deployment_id"]) == ("Failed", "hook", "d-1")
    assert announced["reason"].startswith("The validation workflow could not start")


def test_start_failure_after_a_verdict_is_already_in_is_fine(events: RecordingEvents) -> None:
    codedeploy = RecordingCodeDeploy(faults=["LifecycleEventAlreadyCompletedException"])
    with stubbed("stepfunctions") as (sfn, stubber):
        failing_start(sfn, stubber, "ThrottlingException")
        outcome = start(sfn, codedeploy, ARN, "d-1", "hook-1", "fail", lambda: events)
    assert outcome == "start-failed:already-completed"
    assert events.entries == []  # the verdict that is in is someone else's to announce


@pytest.mark.parametrize("error", ["ThrottlingException", "ServiceUnavailable", "InternalFailure", "connect-timeout"])
def test_allow_lets_a_deployment_through_an_outage_on_aws_side(
    error: str, codedeploy: RecordingCodeDeploy, events: RecordingEvents
) -> None:
    # GIVEN the outage policy `allow`, and Step Functions failing on its side after the SDK's retries
    with stubbed("stepfunctions") as (sfn, stubber):
        failing_start(sfn, stubber, error)
        # WHEN CodeDeploy invokes the hook
        outcome = start(sfn, codedeploy, ARN, "d-1", "hook-1", "allow", lambda: events)
    # THEN CodeDeploy is told Succeeded, and the audit event names what failed
    assert outcome == "outage-allowed:reported"
    assert [c["status"] for c in codedeploy.callbacks] == ["Succeeded"]
    [audit] = events.of_type("Greenlight Outage Allowed")
    assert (audit["deployment_id"], audit["policy"], audit["state_machine_arn"]) == ("d-1", "allow", ARN)
    assert audit["error"] and '"' not in audit["summary"]
    assert events.of_type("Greenlight Verdict") == []


@pytest.mark.parametrize("error", ["AccessDeniedException", "StateMachineDoesNotExist", "InvalidArn", "no-arn"])
def test_allow_never_lets_a_misconfiguration_through(
    error: str, codedeploy: RecordingCodeDeploy, events: RecordingEvents
) -> None:
    # GIVEN the outage policy `allow`, and a start that fails because the stack is wrong
    with stubbed("stepfunctions") as (sfn, stubber):
        if error != "no-arn":
            failing_start(sfn, stubber, error)
        outcome = start(sfn, codedeploy, "" if error == "no-arn" else ARN, "d-1", "hook-1", "allow", lambda: events)
    # THEN CodeDeploy is told Failed, as under `fail`
    assert outcome == "start-failed:reported"
    assert [c["status"] for c in codedeploy.callbacks] == ["Failed"]
    assert events.of_type("Greenlight Outage Allowed") == []
    assert [e["verdict"] for e in events.of_type("Greenlight Verdict")] == ["Failed"]


def test_missing_state_machine_setting_reports_failed(monkeypatch: pytest.MonkeyPatch, lambda_context: Any) -> None:
    monkeypatch.delenv("STATE_MACHINE_ARN", raising=False)
    with local_aws() as aws:
        deployment = bare_deployment(aws["codedeploy"], aws["iam"])
        result = handler({"DeploymentId": deployment, "LifecycleEventHookExecutionId": "hook-1"}, lambda_context)
        assert result == {"outcome": "start-failed:reported"}
        assert [c["status"] for c in callbacks()] == ["Failed"]


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"DeploymentId": "d-1"},
        {"LifecycleEventHookExecutionId": "h"},
        {"DeploymentId": "", "LifecycleEventHookExecutionId": "h"},
        {"DeploymentId": 5, "LifecycleEventHookExecutionId": None},
        [],
        "not json",
        None,
    ],
)
def test_malformed_event_is_logged_and_ignored(
    event: Any, lambda_context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_client(service: str) -> None:
        raise AssertionError(f"a malformed event must not reach {service}")

    monkeypatch.setattr(hook.app, "client", no_client)
    stream = io.StringIO()
    monkeypatch.setattr(logger.registered_handler, "stream", stream)
    assert handler(event, lambda_context) == {"outcome": "ignored"}
    assert "Not a CodeDeploy lifecycle hook event" in stream.getvalue()


@pytest.mark.parametrize("module", ["hook.app", "ecs_hook.app", "ecs_pause.app"])
def test_the_hook_starts_without_pydantic_or_the_validators(module: str) -> None:
    """What a hook imports is what its cold start costs: no pydantic, no X-Ray SDK, no validator code (ECS waits on
    its hook synchronously)."""
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.split('.')[0] in WATCHED))"
    watched = ["pydantic", "aws_xray_sdk", "prepare", "validate_health", "validate_synthetic", "finalize", "aiohttp"]
    result = subprocess.run(
        [sys.executable, "-c", f"WATCHED = {watched!r}; {code}"],
        cwd=ROOT / "functions",
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"


def test_an_unknown_policy_is_treated_as_fail(codedeploy: RecordingCodeDeploy, events: RecordingEvents) -> None:
    with stubbed("stepfunctions") as (sfn, stubber):
        failing_start(sfn, stubber, "ThrottlingException")
        outcome = start(sfn, codedeploy, ARN, "d-1", "hook-1", "Allow", lambda: events)
    assert outcome == "start-failed:reported" and [c["status"] for c in codedeploy.callbacks] == ["Failed"]
