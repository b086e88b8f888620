"""Finalize with a bypass in Parameter Store (moto's): who may let a failing deployment through, and when not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from common.models import ValidationResult, ValidationStatus
from finalize.app import Services, finalize
from tests.support.stubs import RecordingCodeDeploy, RecordingEvents, stubbed

pytestmark = pytest.mark.functional

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
GROUP, ALL = "/greenlight/bypass/app/dg", "/greenlight/bypass/all"
REQUEST = {"deployment_id": "d-1", "lifecycle_event_hook_execution_id": "hook-1"}
PLAN = {
    "request": REQUEST,
    "lifecycle_event": "AfterAllowTestTraffic",
    "application_name": "app",
    "deployment_group_name": "dg",
    "green": {"name": "svc-green"},
    "test_url": "http://lb:8080",
    "config": {"inconclusive_policy": "fail"},
}
FAILING = ValidationResult(name="synthetic", status=ValidationStatus.FAILED, reason="40% of requests failed")


@pytest.fixture
def ssm() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("ssm", region_name="us-east-1")


def put_bypass(ssm: Any, name: str, expires_in: timedelta = timedelta(hours=2), **fields: str) -> None:
    value = {"by": "jane", "reason": "INC-42 greenlight down", "expires_at": (NOW + expires_in).isoformat()} | fields
    ssm.put_parameter(Name=name, Value=json.dumps(value), Type="String")


def run(ssm: Any, events: RecordingEvents, plan: dict[str, Any] | None = PLAN) -> Any:
    given = {"request": REQUEST, "plan": plan, "results": [FAILING.model_dump(mode="json")], "problem": None}
    codedeploy = RecordingCodeDeploy()
    report = finalize(given, Services(codedeploy, events, ssm, now=lambda: NOW))  # type: ignore[arg-type]
    assert [c["status"] for c in codedeploy.callbacks] == [report.verdict.value]
    return report


def test_a_valid_bypass_lets_a_failing_deployment_through_and_says_so(
    ssm: Any, events: RecordingEvents, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a failing validation and a bypass for this deployment group
    put_bypass(ssm, GROUP)
    # WHEN Finalize decides
    report = run(ssm, events)
    # THEN CodeDeploy gets Succeeded, the validation still reports failed, and the reason says who, why, until when
    assert report.verdict == "Succeeded" and report.validations[0].status is ValidationStatus.FAILED
    assert "bypassed by jane: INC-42 greenlight down, until 2026-11-27T12:00:00Z" in report.reason
    assert "Without the bypass: Failed: Blocked by synthetic" in report.reason
    assert report.bypass is not None and report.bypass.parameter == GROUP
    assert report.bypass.verdict_without_bypass == "Failed"
    # ... the announcement carries the bypass, and it is counted
    [announced] = events.of_type("Greenlight Verdict")
    assert announced["verdict"] == "Succeeded" and announced["bypass"]["by"] == "jane"
    assert '"Bypassed"' in capsys.readouterr().out


def test_an_expired_bypass_is_ignored_and_the_verdict_stands(ssm: Any, events: RecordingEvents) -> None:
    put_bypass(ssm, GROUP, expires_in=timedelta(minutes=-1))
    report = run(ssm, events)
    assert report.verdict == "Failed" and report.bypass is None
    assert [(i.parameter, i.why.split(" ")[0]) for i in report.bypass_ignored] == [(GROUP, "expired")]
    [announced] = events.of_type("Greenlight Verdict")
    assert announced["verdict"] == "Failed" and announced["bypass_ignored"][0]["parameter"] == GROUP


def test_the_bypass_for_all_applies_when_the_group_has_none(ssm: Any, events: RecordingEvents) -> None:
    put_bypass(ssm, ALL, by="platform-oncall")
    report = run(ssm, events)
    assert report.verdict == "Succeeded" and report.bypass is not None and report.bypass.parameter == ALL


def test_the_group_bypass_wins_and_a_malformed_one_falls_back_to_all(ssm: Any, events: RecordingEvents) -> None:
    put_bypass(ssm, ALL, by="platform-oncall")
    ssm.put_parameter(Name=GROUP, Value="please let it through", Type="String")
    report = run(ssm, events)
    assert report.bypass is not None and report.bypass.by == "platform-oncall"
    assert [i.parameter for i in report.bypass_ignored] == [GROUP]


def test_without_a_plan_the_deployment_names_the_group(ssm: Any, events: RecordingEvents) -> None:
    # GIVEN Prepare failed (no plan) and a bypass for the group GetDeployment names (shop/shop-dg)
    put_bypass(ssm, "/greenlight/bypass/shop/shop-dg")
    report = run(ssm, events, plan=None)
    assert report.verdict == "Succeeded" and report.bypass is not None


def test_an_unreadable_bypass_leaves_the_verdict_and_says_why(events: RecordingEvents) -> None:
    with stubbed("ssm") as (ssm, stubber):
        stubber.add_client_error("get_parameters", "AccessDeniedException")
        report = run(ssm, events)
    assert report.verdict == "Failed"
    assert [i.parameter for i in report.bypass_ignored] == [GROUP, ALL]
    assert all("could not be read" in i.why for i in report.bypass_ignored)
