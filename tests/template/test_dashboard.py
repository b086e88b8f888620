"""The dashboard plots what the code emits: every widget's metric, substituted as CloudFormation would, is one
Finalize, the hook or the safety net writes (name, namespace and dimensions), or an AWS/States execution metric."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from common.ecs.pause_hook import PauseHookEvent
from common.payload.models import ValidationResult, ValidationStatus
from common.runtime.environment import HookSettings
from ecs_pause.app import start as start_pause
from finalize.app import Services, finalize
from greenlight.engine.project import Project
from hook.app import start
from safety_net.app import report_failure
from tests.conftest import load_event
from tests.support.pause_ecs import RecordingEcs, story_event
from tests.support.stubs import RecordingCodeDeploy, RecordingEvents, stubbed

STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:ValidationStateMachine-abc"
SUBSTITUTIONS = {
    "${AWS::Region}": "us-east-1",
    "${ValidationStateMachine}": STATE_MACHINE,
    "${ValidationStateMachineAliaslive}": f"{STATE_MACHINE}:live",
}
# The execution metrics Step Functions publishes (developer guide, "Step Functions metrics for CloudWatch").
STATES_METRICS = {
    "ExecutionsStarted",
    "ExecutionsSucceeded",
    "ExecutionsFailed",
    "ExecutionsTimedOut",
    "ExecutionsAborted",
}
SEARCH = re.compile(r"^SEARCH\('\{(?P<schema>[^}]*)\} MetricName=\"(?P<name>[^\"]+)\"', '\w+', \d+\)$")
Metric = tuple[str, str, frozenset[str]]  # namespace, name, dimension names


def dashboard(project: Project) -> dict[str, Any]:
    """DashboardBody after CloudFormation's Fn::Sub."""
    body = project.resources["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    for placeholder, value in SUBSTITUTIONS.items():
        body = body.replace(placeholder, value)
    assert "${" not in body, "a placeholder the test does not substitute"
    return dict(json.loads(body))


def plotted(body: dict[str, Any]) -> list[tuple[Metric, dict[str, str]]]:
    found = []
    for widget in body["widgets"]:
        for line in widget["properties"]["metrics"]:
            if isinstance(line[0], dict):
                match = SEARCH.match(line[0]["expression"])
                assert match, line[0]["expression"]
                namespace, *dimensions = match["schema"].split(",")
                found.append(((namespace, match["name"], frozenset(dimensions)), {}))
            else:
                namespace, name, *rest = [part for part in line if not isinstance(part, dict)]
                dimensions = dict(zip(rest[::2], rest[1::2], strict=True))
                found.append(((namespace, name, frozenset(dimensions)), dimensions))
    return found


@pytest.fixture
def emitted(capsys: pytest.CaptureFixture[str]) -> set[Metric]:
    """Every metric the code writes as EMF, over every path that writes one."""
    with mock_aws():
        ssm = boto3.client("ssm", region_name="us-east-1")
        expires_at = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
        ssm.put_parameter(
            Name="/greenlight/bypass/all",
            Value=json.dumps({"by": "a", "reason": "b", "expires_at": expires_at}),
            Type="String",
        )
        results = [
            ValidationResult(name=s.value, status=s, reason=s.value).model_dump(mode="json") for s in ValidationStatus
        ]
        request = {"deployment_id": "d-1", "lifecycle_event_hook_execution_id": "hook-1"}
        finalize({"request": request, "results": results}, Services(RecordingCodeDeploy(), RecordingEvents(), ssm))  # type: ignore[arg-type]
    for outcome_faults in ([], ["LifecycleEventAlreadyCompletedException"]):
        with stubbed("stepfunctions") as (sfn, _):
            report_failure(
                load_event("execution_status_change_timed_out"),
                sfn,
                RecordingCodeDeploy(outcome_faults),
                RecordingEvents(),
            )  # type: ignore[arg-type]
    for policy in ("fail", "allow"):
        with stubbed("stepfunctions") as (sfn, stubber):
            stubber.add_client_error("start_execution", "ThrottlingException")
            start(sfn, RecordingCodeDeploy(), STATE_MACHINE, "d-1", "hook-1", policy, RecordingEvents)  # type: ignore[arg-type]
    # a pause hook an opted-in service asked for, left alone (another pause hook awaits action at its stage)
    ecs = RecordingEcs()
    ecs.deployment["lifecycleHookDetails"].append(ecs.hook | {"hookId": "ecs-pause-theirs"})
    with stubbed("stepfunctions") as (sfn, _):
        settings = HookSettings(state_machine_arn=STATE_MACHINE, outage_policy="fail")
        start_pause(sfn, ecs, PauseHookEvent.parse(story_event()), settings, RecordingEvents)  # type: ignore[arg-type]
    found = set()
    for line in capsys.readouterr().out.splitlines():
        if '"_aws"' in line:
            directive = json.loads(line)["_aws"]["CloudWatchMetrics"][0]
            for metric in directive["Metrics"]:
                found.add((directive["Namespace"], metric["Name"], frozenset(directive["Dimensions"][0])))
    return found


def not_emitted(body: dict[str, Any], emitted: set[Metric]) -> set[Metric]:
    return {metric for metric, _ in plotted(body) if metric[0] == "Greenlight"} - emitted


def test_every_greenlight_metric_on_the_dashboard_is_emitted(project: Project, emitted: set[Metric]) -> None:
    body = dashboard(project)
    mine = [(metric, dims) for metric, dims in plotted(body) if metric[0] == "Greenlight"]
    assert len(mine) >= 10
    assert not_emitted(body, emitted) == set()
    assert all(value == "greenlight" for _, dims in mine for key, value in dims.items() if key == "service")


def test_every_validation_outcome_and_the_safety_net_are_plotted(project: Project) -> None:
    names = {metric[1] for metric, _ in plotted(dashboard(project))}
    assert {f"Validation_{status.value}" for status in ValidationStatus} <= names
    assert {"Verdict_Succeeded", "Verdict_Failed", "ValidationDuration", "Bypassed", "OutageAllowed"} <= names
    assert {"SafetyNet_reported", "SafetyNet_already-completed"} <= names


def test_the_state_machines_executions_are_plotted_by_its_arn(project: Project) -> None:
    states = [(metric, dims) for metric, dims in plotted(dashboard(project)) if metric[0] == "AWS/States"]
    assert {metric[1] for metric, _ in states} == STATES_METRICS
    assert {dims["StateMachineArn"] for _, dims in states} == {STATE_MACHINE, f"{STATE_MACHINE}:live"}


def test_a_metric_the_code_does_not_emit_is_caught(project: Project, emitted: set[Metric]) -> None:
    body = dashboard(project)
    body["widgets"][0]["properties"]["metrics"].append(["Greenlight", "Verdict_Skipped", "service", "greenlight"])
    body["widgets"][2]["properties"]["metrics"].append(
        [{"expression": "SEARCH('{Greenlight,Validation} MetricName=\"ValidationDuration\"', 'Sum', 300)", "id": "x"}]
    )
    assert not_emitted(body, emitted) == {
        ("Greenlight", "Verdict_Skipped", frozenset({"service"})),
        ("Greenlight", "ValidationDuration", frozenset({"Validation"})),  # the service dimension is missing
    }
