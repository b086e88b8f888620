"""The AWS-shaped fixtures: each one a response AWS could send, and one for every operation greenlight calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from greenlight.engine.conformance import problems
from tests.conftest import ROOT
from tests.support.stubs import AWS_EVENTS, fixture_operation
from tests.support.template import policy_statements, translated

FIXTURES = sorted(AWS_EVENTS.rglob("*.json"))
# IAM's service prefix -> botocore's service name, for the services whose answers greenlight code reads.
SERVICES = {
    "codedeploy": "codedeploy",
    "elasticloadbalancing": "elbv2",
    "cloudwatch": "cloudwatch",
    "ssm": "ssm",
    "secretsmanager": "secretsmanager",
    "states": "stepfunctions",
    "events": "events",
    "lambda": "lambda",
    "s3": "s3",
    "appconfig": "appconfigdata",  # the two AppConfig actions granted are AppConfig Data's operations
}
# IAM actions whose API operation has another name (Service Authorization Reference): Lambda's Invoke, and S3's
# GetObject with a versionId, authorized as GetObjectVersion.
OPERATIONS = {("lambda", "InvokeFunction"): "Invoke", ("s3", "GetObjectVersion"): "GetObject"}


def name(path: Path) -> str:
    return str(path.relative_to(AWS_EVENTS).with_suffix(""))


@pytest.mark.parametrize("path", FIXTURES, ids=name)
def test_every_fixture_is_a_response_aws_could_send(path: Path) -> None:
    service, operation = fixture_operation(name(path))
    assert problems(service, operation, json.loads(path.read_text())) == []


def test_every_operation_the_stack_may_call_has_a_fixture() -> None:
    granted = set()
    for _, statement in policy_statements(translated(str(ROOT))["Resources"]):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        for action in actions:
            prefix, _, operation = action.partition(":")
            if prefix in SERVICES:
                granted.add((SERVICES[prefix], OPERATIONS.get((prefix, operation), operation)))
    covered = {fixture_operation(name(path)) for path in FIXTURES}
    assert granted - covered == set()
    assert len(granted) >= 14


def test_there_is_a_deployment_target_for_each_ecs_lifecycle_hook() -> None:
    hooks = {"BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic", "AfterAllowTraffic"}
    assert {path.name.split(".")[1] for path in AWS_EVENTS.glob("codedeploy/GetDeploymentTarget.*.json")} == hooks


@pytest.mark.parametrize(
    "event", ["BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic", "AfterAllowTraffic"]
)
def test_the_local_stand_in_reports_each_event_as_aws_does(event: str) -> None:
    """The stand-in's ECS target has the fixture's events, statuses, task set labels and traffic weights."""
    from greenlight.engine.standin import ecs_target
    from tests.support.stubs import aws_response

    aws = aws_response(f"codedeploy/GetDeploymentTarget.{event}")["deploymentTarget"]["ecsTarget"]
    local = ecs_target("d-LOCAL1234", event)
    assert [(e["lifecycleEventName"], e["status"]) for e in local["lifecycleEvents"]] == [
        (e["lifecycleEventName"], e["status"]) for e in aws["lifecycleEvents"]
    ]
    assert {(t["taskSetLabel"], t["trafficWeight"], t["status"]) for t in local["taskSetsInfo"]} == {
        (t["taskSetLabel"], t["trafficWeight"], t["status"]) for t in aws["taskSetsInfo"]
    }
