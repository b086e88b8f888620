"""How the pause hook's verdict reaches ECS: ContinueServiceDeployment's refusals recorded or raised, Finalize telling
ECS the verdict (or recording a hook a person already continued), a throttled answer retried, a Lambda hook
deployment still answered through the output, and the safety net and the last resort answering a pause hook."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from common.ecs.continuation import continue_deployment
from finalize.app import CallbackError, Services, finalize
from safety_net.app import last_resort, report_failure
from tests.functions.finalize.test_finalize import emf_blobs, plan, result
from tests.support.pause_ecs import DEPLOYMENT, HOOK_ID, SERVICE, RecordingEcs
from tests.support.stubs import RecordingCodeDeploy, RecordingEvents, stubbed

EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:greenlight-validation:greenlight-1"
REQUEST = {
    "deployment_id": DEPLOYMENT,
    "lifecycle_event_hook_execution_id": HOOK_ID,
    "hook_type": "PAUSE",
    "ecs": {
        "lifecycle_stage": "POST_TEST_TRAFFIC_SHIFT",
        "service_arn": SERVICE,
        "target_service_revision_arn": "arn:aws:ecs:us-east-1:123456789012:service-revision/shop-cluster/shop/1",
    },
}


@pytest.fixture
def ssm() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("ssm", region_name="us-east-1")


# --- ContinueServiceDeployment ---------------------------------------------------------------------------------


@pytest.mark.parametrize("refusal", ["ClientException", "InvalidParameterException"])  # the docs name neither
@pytest.mark.parametrize("hook_status", ["TIMED_OUT", "SUCCEEDED", "FAILED"])
def test_a_hook_no_longer_awaiting_action_is_recorded_under_either_refusal(refusal: str, hook_status: str) -> None:
    ecs = RecordingEcs()
    ecs.refusal = refusal
    ecs.hook["status"] = hook_status  # timed out, or a person continued or rolled back first
    answered = continue_deployment(ecs, DEPLOYMENT, HOOK_ID, "ROLLBACK")  # type: ignore[arg-type]
    assert (answered.outcome, answered.hook_status) == ("already-completed", hook_status)
    assert f"the pause hook is {hook_status}" in answered.note and len(ecs.calls) == 1  # not retried


def test_a_refusal_while_the_hook_still_awaits_action_is_an_error() -> None:
    ecs = RecordingEcs(faults={"ContinueServiceDeployment": ["ClientException"]})
    with pytest.raises(Exception, match="ClientException"):
        continue_deployment(ecs, DEPLOYMENT, HOOK_ID, "CONTINUE")  # type: ignore[arg-type]


def test_a_stopped_or_gone_deployment_is_recorded() -> None:
    stopped = RecordingEcs()
    stopped.deployment["status"] = "STOPPED"
    assert continue_deployment(stopped, DEPLOYMENT, HOOK_ID, "CONTINUE").outcome == "already-completed"  # type: ignore[arg-type]
    gone = continue_deployment(RecordingEcs(), DEPLOYMENT + "x", HOOK_ID, "CONTINUE")  # type: ignore[arg-type]
    assert gone.outcome == "already-completed" and "has no service deployment" in gone.note


# --- Finalize ---------------------------------------------------------------------------------------------------


def pause_plan() -> dict[str, Any]:
    return plan() | {"request": REQUEST, "engine": "ecs", "stage": "POST_TEST_TRAFFIC_SHIFT", "strategy": "BLUE_GREEN"}


def finalize_pause(status: str, ecs: RecordingEcs, events: RecordingEvents, ssm: Any) -> dict[str, Any]:
    given = {
        "request": REQUEST,
        "plan": pause_plan(),
        "results": [result("health", status)],
        "execution_arn": EXECUTION,
    }
    services = Services(RecordingCodeDeploy(), events, ssm, ecs=ecs)  # type: ignore[arg-type]
    return finalize(given, services).model_dump(mode="json")


@pytest.mark.parametrize(
    ("status", "verdict", "action"), [("passed", "Succeeded", "CONTINUE"), ("failed", "Failed", "ROLLBACK")]
)
def test_finalize_tells_ecs_the_verdict(
    status: str, verdict: str, action: str, ssm: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    ecs, events = RecordingEcs(), RecordingEvents()
    report = finalize_pause(status, ecs, events, ssm)
    assert (report["verdict"], report["callback"], report["pause_answer"]["action"]) == (verdict, "reported", action)
    assert ecs.accepted == [action]
    [announced] = events.of_type("Greenlight Verdict")
    assert (announced["verdict"], announced["engine"], announced["decided_by"]) == (verdict, "ecs", "finalize")
    assert any(f"Verdict_{verdict}" in blob for blob in emf_blobs(capsys))


def test_finalize_records_a_hook_a_person_already_continued_and_announces_nothing(
    ssm: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    ecs, events = RecordingEcs(), RecordingEvents()
    ecs.hook["status"] = "SUCCEEDED"  # a person continued from the console
    report = finalize_pause("failed", ecs, events, ssm)
    assert report["callback"] == "already-completed" and report["pause_answer"]["hook_status"] == "SUCCEEDED"
    assert ecs.accepted == [] and len(ecs.calls) == 1 and events.entries == []
    assert not any(name.startswith("Verdict_") for blob in emf_blobs(capsys) for name in blob)


def test_a_throttled_answer_makes_the_workflow_retry_finalize(ssm: Any) -> None:
    ecs = RecordingEcs(faults={"ContinueServiceDeployment": ["ThrottlingException"]})
    with pytest.raises(CallbackError, match="ContinueServiceDeployment failed"):
        finalize_pause("passed", ecs, RecordingEvents(), ssm)
    # the retried Finalize decides the same verdict, and ECS takes it once
    report = finalize_pause("passed", ecs, RecordingEvents(), ssm)
    assert report["callback"] == "reported" and ecs.accepted == ["CONTINUE"]


def test_a_lambda_hook_deployment_is_still_answered_through_the_output(ssm: Any) -> None:
    ecs, events = RecordingEcs(), RecordingEvents()
    lambda_hook = {k: v for k, v in REQUEST.items() if k != "hook_type"}
    given = {
        "request": lambda_hook,
        "plan": pause_plan() | {"request": lambda_hook},
        "results": [result("health", "passed")],
    }
    report = finalize(given, Services(RecordingCodeDeploy(), events, ssm, ecs=ecs))  # type: ignore[arg-type]
    assert report.callback is None and ecs.calls == []


# --- The safety net and the last resort ------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["FAILED", "TIMED_OUT", "ABORTED"])
def test_the_safety_net_tells_a_pause_hook_rollback(status: str, capsys: pytest.CaptureFixture[str]) -> None:
    ecs, events = RecordingEcs(), RecordingEvents()
    detail = {"executionArn": EXECUTION, "status": status, "input": json.dumps(REQUEST)}
    with stubbed("stepfunctions") as (sfn, _):
        outcome = report_failure({"detail": detail}, sfn, RecordingCodeDeploy(), events, lambda: ecs)  # type: ignore[arg-type]
    assert outcome == {"outcome": "reported", "execution_status": status} and ecs.accepted == ["ROLLBACK"]
    [announced] = events.of_type("Greenlight Verdict")
    assert (announced["verdict"], announced["decided_by"], announced["stage"]) == (
        "Failed",
        "safety-net",
        "POST_TEST_TRAFFIC_SHIFT",
    )
    counted = {name for blob in emf_blobs(capsys) for name in blob if name.startswith(("SafetyNet_", "Verdict_"))}
    assert counted == {"SafetyNet_reported", "Verdict_Failed"}


def test_the_last_resort_answers_rollback_and_the_safety_net_after_it_finds_the_hook_answered() -> None:
    ecs, events = RecordingEcs(), RecordingEvents()
    error = {"Error": "Lambda.ServiceException", "Cause": "Finalize is down"}
    first = last_resort({"request": REQUEST, "error": error, "execution_arn": EXECUTION}, ecs, events)  # type: ignore[arg-type]
    detail = {"executionArn": EXECUTION, "status": "FAILED", "input": json.dumps(REQUEST)}
    with stubbed("stepfunctions") as (sfn, _):
        second = report_failure({"detail": detail}, sfn, RecordingCodeDeploy(), events, lambda: ecs)  # type: ignore[arg-type]
    assert (first["outcome"], second["outcome"]) == ("reported", "already-completed")
    assert ecs.accepted == ["ROLLBACK"] and len(ecs.calls) == 2
    [announced] = events.of_type("Greenlight Verdict")  # announced once, by the answer ECS took
    assert "Finalize failed (Lambda.ServiceException)" in announced["reason"]
