"""The hook, the validators and Finalize on answers shaped exactly as AWS gives them (tests/events/aws/).

Each call is queued on a Stubber with the parameters the code must send, so both sides of the contract are
pinned: what greenlight asks, and what AWS answers.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import ANY

from common.config import HealthConfig, SecretRef
from common.payload.models import SecretGrant, TargetGroup, ValidationStatus
from common.runtime import clock
from common.secrets.reader import SecretReader
from common.secrets.scope import Namespaces
from finalize.app import Services, finalize
from hook.app import execution_name, start
from tests.support.servers import serve
from tests.support.stubs import RecordingCodeDeploy, RecordingEvents, aws_response, stubbed
from validate_health.checks import check_health

STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:greenlight-validation"
GREEN = TargetGroup(
    name="shop-green",
    arn="arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-green/fedcba9876543210",
    desired_count=2,
)


def test_the_hook_starts_the_workflow_as_step_functions_answers_it() -> None:
    with stubbed("stepfunctions") as (sfn, stubber):
        expected = {
            "stateMachineArn": STATE_MACHINE,
            "name": execution_name("hook-1"),
            "input": json.dumps({"deployment_id": "d-SHOP12345", "lifecycle_event_hook_execution_id": "hook-1"}),
        }
        stubber.add_response("start_execution", aws_response("stepfunctions/StartExecution"), expected)
        outcome = start(sfn, RecordingCodeDeploy(), STATE_MACHINE, "d-SHOP12345", "hook-1", "fail", RecordingEvents)
        assert outcome == "started"


def test_the_hook_treats_an_existing_execution_as_started() -> None:
    codedeploy = RecordingCodeDeploy()
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_client_error("start_execution", "ExecutionAlreadyExists")
        outcome = start(sfn, codedeploy, STATE_MACHINE, "d-SHOP12345", "hook-1", "fail", RecordingEvents)
        assert outcome == "already-started"
    assert codedeploy.callbacks == []


def test_health_passes_on_healthy_targets_as_elb_reports_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.TIME_SCALE_VARIABLE, "0")
    config = HealthConfig(path="/health", interval_seconds=1, timeout_seconds=10, request_timeout_seconds=0.5)
    with serve() as (url, behaviour), stubbed("elbv2") as (elbv2, stubber):
        stubber.add_response(
            "describe_target_health", aws_response("elbv2/DescribeTargetHealth"), {"TargetGroupArn": GREEN.arn}
        )
        outcome = check_health(elbv2, GREEN, url + "/health", config)
    assert outcome.status is ValidationStatus.PASSED, outcome.reason
    assert [t["state"] for t in outcome.observed["targets"]] == ["healthy", "healthy"]
    assert len(behaviour.requests) == 3


def test_an_unhealthy_target_is_named_with_the_reason_elb_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.TIME_SCALE_VARIABLE, "0")
    unhealthy = aws_response("elbv2/DescribeTargetHealth.unhealthy")
    [target] = unhealthy["TargetHealthDescriptions"]
    config = HealthConfig(path="/health", interval_seconds=1, timeout_seconds=2, min_healthy_targets=1)
    with serve() as (url, _), stubbed("elbv2") as (elbv2, stubber):
        for _ in range(2):  # one look per interval until the deadline
            stubber.add_response("describe_target_health", unhealthy, {"TargetGroupArn": GREEN.arn})
        outcome = check_health(elbv2, GREEN, url + "/health", config)
    assert outcome.status is ValidationStatus.FAILED
    assert target["Target"]["Id"] in outcome.reason and target["TargetHealth"]["Reason"] in outcome.reason


@pytest.mark.parametrize(
    ("reference", "service", "operation", "fixture"),
    [
        (SecretRef(ssm="/greenlight/tenants/shop/shop-dg/api-token"), "ssm", "get_parameter", "ssm/GetParameter"),
        (
            SecretRef(secretsmanager="greenlight/tenants/shop/shop-dg/api-key"),
            "secretsmanager",
            "get_secret_value",
            "secretsmanager/GetSecretValue",
        ),
    ],
)
def test_secret_header_values_are_read_as_aws_answers_them(
    reference: SecretRef, service: str, operation: str, fixture: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the plan's grant for shop/shop-dg and the stack's secret reader
    grant = SecretGrant(application="shop", deployment_group="shop-dg")
    role = "arn:aws:iam::123456789012:role/greenlight-secret-reader/stack/SecretReaderRole-X"
    answer = aws_response(fixture)
    params: dict[str, Any] = (
        {"Name": reference.ssm, "WithDecryption": True} if reference.ssm else {"SecretId": reference.secretsmanager}
    )
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    with stubbed("sts") as (sts, sts_stubber), stubbed(service) as (client, stubber):
        tags = [
            {"Key": "greenlight-application", "Value": "shop"},
            {"Key": "greenlight-deployment-group", "Value": "shop-dg"},
        ]
        expected = {"RoleArn": role, "RoleSessionName": ANY, "DurationSeconds": 900, "Policy": ANY, "Tags": tags}
        sts_stubber.add_response("assume_role", aws_response("sts/AssumeRole"), expected)
        stubber.add_response(operation, answer, params)
        monkeypatch.setattr(boto3.Session, "client", lambda self, name, **kwargs: client)
        # WHEN the synthetic function reads the header's value
        reader = SecretReader(grant, Namespaces("/greenlight", "greenlight/"), role, sts=sts)
        value = reader.read(reference)
    # THEN it read it as AWS answers, through a session tagged with the deployment group
    assert value == (answer["Parameter"]["Value"] if reference.ssm else answer["SecretString"])


def test_finalize_reports_the_verdict_as_codedeploy_takes_it() -> None:
    request = {"deployment_id": "d-SHOP12345", "lifecycle_event_hook_execution_id": "hook-1"}
    passed = {"name": "health", "status": "passed", "reason": "ok"}
    bypasses = ["/greenlight/bypass/shop/shop-dg", "/greenlight/bypass/all"]
    with stubbed("codedeploy") as (codedeploy, stubber), stubbed("ssm") as (ssm, ssm_stubber):
        # With no plan (Prepare failed), GetDeployment names the deployment group a bypass would be for.
        stubber.add_response(
            "get_deployment", aws_response("codedeploy/GetDeployment"), {"deploymentId": "d-SHOP12345"}
        )
        no_bypass = {"Parameters": [], "InvalidParameters": bypasses}
        ssm_stubber.add_response("get_parameters", no_bypass, {"Names": bypasses})
        stubber.add_response(
            "put_lifecycle_event_hook_execution_status",
            aws_response("codedeploy/PutLifecycleEventHookExecutionStatus"),
            {"deploymentId": "d-SHOP12345", "lifecycleEventHookExecutionId": "hook-1", "status": "Succeeded"},
        )
        with stubbed("events") as (events, events_stubber):
            events_stubber.add_response("put_events", aws_response("events/PutEvents"), {"Entries": ANY})
            given = {"request": request, "plan": None, "results": [passed], "problem": None}
            report = finalize(given, Services(codedeploy, events, ssm))
    assert (report.verdict, report.callback, report.bypass) == ("Succeeded", "reported", None)


def test_finalize_applies_a_bypass_as_ssm_answers_it() -> None:
    request = {"deployment_id": "d-SHOP12345", "lifecycle_event_hook_execution_id": "hook-1"}
    failed = {"name": "metrics", "status": "error", "reason": "CloudWatch throttled"}
    answer = aws_response("ssm/GetParameters.bypass")
    bypasses = ["/greenlight/bypass/shop/shop-dg", "/greenlight/bypass/all"]
    with stubbed("codedeploy") as (codedeploy, stubber), stubbed("ssm") as (ssm, ssm_stubber):
        stubber.add_response(
            "get_deployment", aws_response("codedeploy/GetDeployment"), {"deploymentId": "d-SHOP12345"}
        )
        ssm_stubber.add_response("get_parameters", answer, {"Names": bypasses})
        history = aws_response("ssm/GetParameterHistory.bypass")
        ssm_stubber.add_response("get_parameter_history", history, {"Name": bypasses[0], "MaxResults": 50})
        stubber.add_response(
            "put_lifecycle_event_hook_execution_status",
            aws_response("codedeploy/PutLifecycleEventHookExecutionStatus"),
            {"deploymentId": "d-SHOP12345", "lifecycleEventHookExecutionId": "hook-1", "status": "Succeeded"},
        )
        with stubbed("events") as (events, events_stubber):
            events_stubber.add_response("put_events", aws_response("events/PutEvents"), {"Entries": ANY})
            given = {"request": request, "plan": None, "results": [failed], "problem": None}
            now = datetime(2026, 11, 27, 10, 7, 55, tzinfo=UTC)
            report = finalize(given, Services(codedeploy, events, ssm, now=lambda: now))
    assert report.verdict == "Succeeded" and report.bypass is not None
    assert report.bypass.parameter == bypasses[0] and report.bypass.verdict_without_bypass == "Failed"
    jane = "arn:aws:sts::123456789012:assumed-role/platform-oncall/jane"
    assert f"AWS records {jane} as the parameter's writer; the value says by {jane}: INC-4711" in report.reason
    assert report.bypass.written_by == jane
    assert "until 2026-11-27T18:00:00Z" in report.reason
