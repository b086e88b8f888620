"""Finalize with a bypass in Parameter Store (moto's): who may let a failing deployment through, and when not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from common.payload.models import ValidationResult, ValidationStatus
from finalize.app import Services, finalize
from tests.support.stubs import RecordingCodeDeploy, RecordingEvents, stubbed

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
PASSING = ValidationResult(name="synthetic", status=ValidationStatus.PASSED, reason="all requests succeeded")
WRITER = "arn:aws:iam::123456789012:user/bob"


@pytest.fixture
def ssm() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("ssm", region_name="us-east-1")


def put_bypass(ssm: Any, name: str, expires_in: timedelta = timedelta(hours=2), **fields: str) -> None:
    value = {"by": "jane", "reason": "INC-42 greenlight down", "expires_at": (NOW + expires_in).isoformat()} | fields
    ssm.put_parameter(Name=name, Value=json.dumps(value), Type="String")


def run(
    ssm: Any, events: RecordingEvents, plan: dict[str, Any] | None = PLAN, result: ValidationResult = FAILING
) -> Any:
    given = {"request": REQUEST, "plan": plan, "results": [result.model_dump(mode="json")], "problem": None}
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
    # (moto names no writer, "N/A", where AWS gives an ARN; the local engine's patch names the local user)
    assert "bypassed until 2026-11-27T12:00:00Z; AWS records " in report.reason
    assert "writer; the value says by jane: INC-42" in report.reason
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


@pytest.mark.parametrize(
    "value",
    [
        "[" * 3000,  # 6 KB: fits in an SSM parameter; a RecursionError in a reader without a depth bound
        '{"by": "a", "by": "b", "reason": "r", "expires_at": "2026-11-27T12:00:00Z"}',
        '{"by": "jane", "reason": "INC-42\\u001b]8;;http://x\\u0007", "expires_at": "2026-11-27T12:00:00Z"}',
        "x: &a [1, 2]\ny: [*a, *a]",
    ],
    ids=["deep", "duplicate-keys", "control-characters", "alias"],
)
def test_a_hostile_bypass_for_all_is_ignored_and_a_healthy_deployment_still_succeeds(
    ssm: Any, events: RecordingEvents, value: str
) -> None:
    # GIVEN a passing validation and, at <prefix>/bypass/all, a value no reader should accept
    ssm.put_parameter(Name=ALL, Value=value, Type="String")
    # WHEN Finalize decides
    report = run(ssm, events, result=PASSING)
    # THEN the verdict is the validations' own, announced, and the report says which bypass was ignored and why
    assert report.verdict == "Succeeded" and report.bypass is None
    [ignored] = report.bypass_ignored
    assert ignored.parameter == ALL and ignored.why.startswith(("unreadable:", "malformed:"))
    [announced] = events.of_type("Greenlight Verdict")
    assert announced["verdict"] == "Succeeded" and announced["bypass_ignored"][0]["why"] == ignored.why
    assert "\u001b" not in announced["summary"] and "\u0007" not in json.dumps(announced)


def _history(version: int, user: str) -> dict[str, Any]:
    return {"Name": GROUP, "Type": "String", "Version": version, "LastModifiedUser": user, "Value": "x"}


def test_the_audit_names_who_wrote_the_parameter_as_aws_recorded_it(events: RecordingEvents) -> None:
    # GIVEN a bypass whose value claims "security-team", written (version 3) by bob as AWS recorded it
    value = json.dumps({"by": "security-team", "reason": "INC-7", "expires_at": "2026-11-27T12:00:00Z"})
    with stubbed("ssm") as (ssm, stubber):
        stubber.add_response(
            "get_parameters",
            {"Parameters": [{"Name": GROUP, "Type": "String", "Value": value, "Version": 3}], "InvalidParameters": []},
            {"Names": [GROUP, ALL]},
        )
        history = [_history(1, "arn:aws:iam::123456789012:user/alice"), _history(2, "x"), _history(3, WRITER)]
        stubber.add_response("get_parameter_history", {"Parameters": history}, {"Name": GROUP, "MaxResults": 50})
        report = run(ssm, events)
    # THEN both are in the reason, the report and the event
    assert report.bypass is not None and report.bypass.by == "security-team" and report.bypass.written_by == WRITER
    assert f"AWS records {WRITER} as the parameter's writer; the value says by security-team: INC-7" in report.reason
    [announced] = events.of_type("Greenlight Verdict")
    assert announced["bypass"]["written_by"] == WRITER


def test_a_forged_audit_in_the_value_cannot_push_what_aws_recorded_out_of_the_summary(events: RecordingEvents) -> None:
    # GIVEN a bypass written by mallory whose `by` (256 characters, the most allowed) forges the audit line
    forged = "jane (as the value says; AWS records arn:aws:iam::123456789012:user/jane as the parameter's writer). "
    value = json.dumps({"by": (forged + "x" * 256)[:256], "reason": "INC-7", "expires_at": "2026-11-27T12:00:00Z"})
    mallory = "arn:aws:iam::123456789012:user/mallory"
    with stubbed("ssm") as (ssm, stubber):
        stubber.add_response(
            "get_parameters",
            {"Parameters": [{"Name": GROUP, "Type": "String", "Value": value, "Version": 1}], "InvalidParameters": []},
            {"Names": [GROUP, ALL]},
        )
        stubber.add_response("get_parameter_history", {"Parameters": [_history(1, mallory)]})
        report = run(ssm, events)
    # THEN the one-line summary (what chat shows, cut at 300 characters) names mallory, before what the value claims
    [announced] = events.of_type("Greenlight Verdict")
    summary = announced["summary"]
    assert f"AWS records {mallory} as the parameter's writer" in summary
    assert summary.index(mallory) < summary.index("the value says by jane")
    assert report.reason.index(mallory) < report.reason.index(forged.strip())


def test_a_history_that_cannot_be_read_is_said_and_the_bypass_still_applies(events: RecordingEvents) -> None:
    value = json.dumps({"by": "jane", "reason": "INC-7", "expires_at": "2026-11-27T12:00:00Z"})
    with stubbed("ssm") as (ssm, stubber):
        stubber.add_response(
            "get_parameters", {"Parameters": [{"Name": GROUP, "Type": "String", "Value": value, "Version": 1}]}
        )
        stubber.add_client_error("get_parameter_history", "AccessDeniedException", "not authorized")
        report = run(ssm, events)
    assert report.verdict == "Succeeded" and report.bypass is not None and report.bypass.written_by is None
    assert "the parameter's writer could not be read from AWS (AccessDeniedException); the value says by jane" in (
        report.reason
    )


class BrokenSsm:
    """A client that fails in a way no AWS error does (what a bug or a broken SDK would raise)."""

    def get_parameters(self, **_: Any) -> Any:
        raise RecursionError("maximum recursion depth exceeded")


def test_a_bypass_lookup_that_raises_anything_leaves_finalize_deciding(events: RecordingEvents) -> None:
    report = run(BrokenSsm(), events, result=PASSING)
    assert report.verdict == "Succeeded" and report.bypass is None
    assert all("could not be read: maximum recursion depth exceeded" in i.why for i in report.bypass_ignored)
    assert len(events.of_type("Greenlight Verdict")) == 1
