"""Finalize and the safety net: verdict, report, metrics, callback, and the ways a callback can go."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from common.payload.models import ValidationResult, ValidationStatus
from finalize.app import CallbackError, Services, finalize
from safety_net.app import report_failure
from tests.conftest import load_event
from tests.support.stubs import RecordingCodeDeploy, RecordingEvents, aws_response, stubbed

REQUEST = {"deployment_id": "d-1", "lifecycle_event_hook_execution_id": "hook-1"}
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:greenlight-validation:greenlight-1"


def result(name: str, status: str, dry_run: bool = False) -> dict[str, Any]:
    return ValidationResult(
        name=name, status=ValidationStatus(status), reason=f"{name} {status}", dry_run=dry_run
    ).model_dump(mode="json")


def plan(**config: Any) -> dict[str, Any]:
    return {
        "request": REQUEST,
        "lifecycle_event": "AfterAllowTestTraffic",
        "application_name": "app",
        "deployment_group_name": "dg",
        "green": {"name": "svc-green"},
        "test_url": "http://lb:8080",
        "config": {"inconclusive_policy": "fail", **config},
        "planned": {"health": True, "metrics": True},
    }


def event(results: list[dict[str, Any]], problem: dict[str, str] | None = None, **config: Any) -> dict[str, Any]:
    return {
        "request": REQUEST,
        "plan": plan(**config),
        "results": results,
        "problem": problem,
        "execution_arn": EXECUTION,
    }


@pytest.fixture
def ssm() -> Iterator[Any]:
    """Parameter Store as moto keeps it: empty unless a test puts a bypass there."""
    with mock_aws():
        yield boto3.client("ssm", region_name="us-east-1")


def services(codedeploy: Any, events: RecordingEvents | None = None, ssm: Any = None) -> Services:
    return Services(codedeploy, events or RecordingEvents(), ssm)  # type: ignore[arg-type]


def run_finalize(
    given: dict[str, Any], codedeploy: RecordingCodeDeploy, ssm: Any, events: RecordingEvents | None = None
) -> dict[str, Any]:
    """Finalize's output as the state machine receives it."""
    return finalize(given, services(codedeploy, events, ssm)).model_dump(mode="json")


def emf_blobs(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]


def test_all_passed_reports_succeeded(
    codedeploy: RecordingCodeDeploy, ssm: Any, events: RecordingEvents, capsys: pytest.CaptureFixture[str]
) -> None:
    report = run_finalize(event([result("health", "passed"), result("metrics", "passed")]), codedeploy, ssm, events)
    assert report["verdict"] == "Succeeded" and report["callback"] == "reported"
    assert codedeploy.callbacks == [
        {"deploymentId": "d-1", "lifecycleEventHookExecutionId": "hook-1", "status": "Succeeded"}
    ]
    assert report["application_name"] == "app" and len(report["validations"]) == 2
    emitted = emf_blobs(capsys)
    assert [blob["Verdict_Succeeded"] for blob in emitted if "Verdict_Succeeded" in blob] == [[1.0]]
    per_validation = {
        (blob["Validation"], name)
        for blob in emitted
        if "Validation" in blob
        for name in blob
        if name.startswith("Validation")
    }
    assert {
        ("health", "Validation_passed"),
        ("health", "ValidationDuration"),
        ("metrics", "ValidationDuration"),
    } <= per_validation
    # ... and the verdict is announced once, with each validation and where it ran
    [announced] = events.of_type("Greenlight Verdict")
    assert (announced["verdict"], announced["decided_by"], announced["stage"]) == (
        "Succeeded",
        "finalize",
        "AfterAllowTestTraffic",
    )
    assert [(v["name"], v["status"]) for v in announced["validations"]] == [("health", "passed"), ("metrics", "passed")]
    assert announced["execution_arn"] == EXECUTION and events.entries[0]["Resources"] == [EXECUTION]


def test_a_failure_reports_failed_with_reason(codedeploy: RecordingCodeDeploy, ssm: Any) -> None:
    report = run_finalize(event([result("health", "passed"), result("metrics", "failed")]), codedeploy, ssm)
    assert report["verdict"] == "Failed"
    assert "metrics (failed: metrics failed)" in report["reason"]
    assert codedeploy.callbacks[0]["status"] == "Failed"


def test_inconclusive_policy_pass_lets_the_deployment_through(codedeploy: RecordingCodeDeploy, ssm: Any) -> None:
    report = run_finalize(
        event([result("health", "passed"), result("metrics", "inconclusive")], inconclusive_policy="pass"),
        codedeploy,
        ssm,
    )
    assert report["verdict"] == "Succeeded"


def test_a_failed_state_becomes_an_error_result(codedeploy: RecordingCodeDeploy, ssm: Any) -> None:
    problem = {"state": "Prepare", "error": "Lambda.Unknown", "cause": "boom"}
    report = run_finalize({"request": REQUEST, "plan": None, "results": [], "problem": problem}, codedeploy, ssm)
    assert report["verdict"] == "Failed"
    assert report["validations"][0]["name"] == "prepare"
    assert "The Prepare step failed: Lambda.Unknown: boom" in report["reason"]


def test_validations_cut_short_by_fail_fast_are_listed(codedeploy: RecordingCodeDeploy, ssm: Any) -> None:
    report = run_finalize(event([result("health", "failed")], fail_fast=True), codedeploy, ssm)
    names = {v["name"]: v["status"] for v in report["validations"]}
    assert names == {"health": "failed", "metrics": "skipped"}


def test_already_completed_callback_is_done(
    ssm: Any, events: RecordingEvents, capsys: pytest.CaptureFixture[str]
) -> None:
    codedeploy = RecordingCodeDeploy(faults=["LifecycleEventAlreadyCompletedException"])
    report = run_finalize(event([result("health", "passed")]), codedeploy, ssm, events)
    assert report["callback"] == "already-completed"
    # The verdict in is not this one: nothing is counted or announced for it.
    assert events.entries == [] and emf_blobs(capsys) == []


def test_refused_callback_raises_for_the_state_machine_to_retry(
    ssm: Any, events: RecordingEvents, capsys: pytest.CaptureFixture[str]
) -> None:
    codedeploy = RecordingCodeDeploy(faults=["ThrottlingException"])
    with pytest.raises(CallbackError, match="ThrottlingException"):
        finalize(event([result("health", "passed")]), services(codedeploy, events, ssm))
    # Nothing is counted or announced until the verdict is delivered, so the retried Finalize does it once.
    assert emf_blobs(capsys) == [] and events.entries == []
    run_finalize(event([result("health", "passed")]), codedeploy, ssm, events)
    assert len(events.of_type("Greenlight Verdict")) == 1


def test_safety_net_reports_failed_for_a_timed_out_execution(
    codedeploy: RecordingCodeDeploy, events: RecordingEvents, capsys: pytest.CaptureFixture[str]
) -> None:
    status_change = load_event("execution_status_change_timed_out")
    with stubbed("stepfunctions") as (sfn, _):  # the event carries the input: nothing to describe
        outcome = report_failure(status_change, sfn, codedeploy, events)  # type: ignore[arg-type]
    assert outcome == {"outcome": "reported", "execution_status": "TIMED_OUT"}
    assert codedeploy.callbacks == [
        {"deploymentId": "d-ABCDEF123", "lifecycleEventHookExecutionId": "hook-123", "status": "Failed"}
    ]
    [announced] = events.of_type("Greenlight Verdict")
    assert (announced["verdict"], announced["decided_by"]) == ("Failed", "safety-net")
    assert "TIMED_OUT" in announced["reason"] and announced["execution_arn"] == status_change["detail"]["executionArn"]
    counted = {name for blob in emf_blobs(capsys) for name in blob if name.startswith(("SafetyNet_", "Verdict_"))}
    assert counted == {"SafetyNet_reported", "Verdict_Failed"}


def test_safety_net_reads_the_input_when_eventbridge_left_it_out(
    codedeploy: RecordingCodeDeploy, events: RecordingEvents
) -> None:
    status_change = load_event("execution_status_change_timed_out")
    status_change["detail"]["input"] = None
    described = aws_response("stepfunctions/DescribeExecution")
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_response("describe_execution", described, {"executionArn": status_change["detail"]["executionArn"]})
        report_failure(status_change, sfn, codedeploy, events)  # type: ignore[arg-type]
    assert codedeploy.callbacks[0]["deploymentId"] == json.loads(described["input"])["deployment_id"]


def test_safety_net_after_a_verdict_is_fine(events: RecordingEvents, capsys: pytest.CaptureFixture[str]) -> None:
    codedeploy = RecordingCodeDeploy(faults=["LifecycleEventAlreadyCompletedException"])
    with stubbed("stepfunctions") as (sfn, _):
        outcome = report_failure(load_event("execution_status_change_timed_out"), sfn, codedeploy, events)  # type: ignore[arg-type]
    assert outcome["outcome"] == "already-completed"
    assert events.entries == []
    counted = {name for blob in emf_blobs(capsys) for name in blob if name.startswith(("SafetyNet_", "Verdict_"))}
    assert counted == {"SafetyNet_already-completed"}


def with_checks(given: dict[str, Any], checks: list[dict[str, Any]]) -> dict[str, Any]:
    given["plan"]["checks"] = checks
    return given


def planned_check(name: str, dry_run: bool = False, planned: bool = True, enabled: bool = True) -> dict[str, Any]:
    return {"name": name, "kind": "webhook", "planned": planned, "enabled": enabled, "dry_run": dry_run}


def test_the_custom_checks_results_count_like_a_validations(
    codedeploy: RecordingCodeDeploy, ssm: Any, events: RecordingEvents
) -> None:
    # GIVEN the Validate Parallel's output: a result per validation, and the custom checks' branch's list
    checks = [result("smoke", "failed"), result("db", "failed", dry_run=True)]
    validations = [result("health", "passed"), result("metrics", "passed")]
    given = with_checks(event([*validations, checks]), [planned_check("smoke"), planned_check("db", True)])
    report = run_finalize(given, codedeploy, ssm, events)
    # THEN each check is a validation of the report, the one counted blocks, the dry-run one is reported only
    assert [v["name"] for v in report["validations"]] == ["health", "metrics", "smoke", "db"]
    assert report["verdict"] == "Failed" and report["reason"] == "Blocked by smoke (failed: smoke failed)"
    [detail] = events.of_type("Greenlight Verdict")
    statuses = {v["name"]: v["status"] for v in detail["validations"]}
    assert statuses == {"health": "passed", "metrics": "passed", "smoke": "failed", "db": "failed"}


def test_a_check_cut_short_by_fail_fast_or_switched_off_says_so(codedeploy: RecordingCodeDeploy, ssm: Any) -> None:
    skipped = result("off", "skipped")
    checks = [planned_check("slow"), planned_check("off", planned=False, enabled=False)]
    given = with_checks(event([result("health", "failed"), [skipped]]), checks)
    report = run_finalize(given, codedeploy, ssm)
    reasons = {v["name"]: (v["status"], v["reason"]) for v in report["validations"]}
    assert reasons["slow"] == ("skipped", "Not finished: fail_fast ended the run when another validation failed.")
    assert reasons["off"] == ("skipped", "Disabled in the config.")
