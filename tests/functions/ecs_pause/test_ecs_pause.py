"""The ECS pause hook's front door, driven with the guide's event and AWS-shaped answers: the event read as the guide
gives it, one workflow started per hookId for services that opt in, other teams' hooks and late events left alone,
a failed start answered as the outage policy says. How the answer reaches ECS: test_ecs_pause_answers.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.stub import ANY

from common.ecs.pause_hook import NotAPauseHookEventError, PauseHookEvent
from common.runtime.environment import HookSettings
from common.runtime.names import execution_name
from ecs_pause.app import start
from tests.functions.finalize.test_finalize import emf_blobs
from tests.support.pause_ecs import DEPLOYMENT, HOOK_ID, RecordingEcs, guide_event, story_event
from tests.support.stubs import RecordingEvents, aws_response, stubbed

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:greenlight-validation:live"


def settings(policy: str = "fail") -> HookSettings:
    return HookSettings(state_machine_arn=MACHINE, outage_policy=policy)


# --- The event -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["HOOK_AWAITING_ACTION", "HOOK_AWAITING_ACTION.pause-hooks-page"])
def test_both_of_the_guides_events_are_read(name: str) -> None:
    event = PauseHookEvent.parse(guide_event(name))
    assert event.hook_id == "ecs-pause-e7tK9G_WRJqNF_EOMjztDXfKenlJuEUVjsNStf4WLKw"
    assert event.stage == "POST_TEST_TRAFFIC_SHIFT"
    assert event.deployment_arn.startswith("arn:aws:ecs:us-west-2:123456789012:service-deployment/my-cluster/")
    assert event.service_arn == "arn:aws:ecs:us-west-2:123456789012:service/my-cluster/my-service"


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"eventName": "HOOK_SUCCEEDED"}, "only a PAUSE hook's HOOK_AWAITING_ACTION"),
        ({"hookType": "AWS_LAMBDA"}, "only a PAUSE hook's HOOK_AWAITING_ACTION"),
        ({"lifecycleStage": "PRODUCTION_TRAFFIC_SHIFT"}, "not a stage a pause hook pauses at"),
        ({"hookId": ""}, "detail.hookId must be a non-empty string"),
        ({"serviceDeploymentArn": "arn:aws:ecs:us-east-1:123456789012:service/c/s"}, "is not of the form"),
    ],
)
def test_an_event_unlike_the_guides_is_refused_naming_why(change: dict[str, str], why: str) -> None:
    event = guide_event()
    event["detail"] |= change
    with pytest.raises(NotAPauseHookEventError, match=why):
        PauseHookEvent.parse(event)


# --- The front door ----------------------------------------------------------------------------------------------


def test_an_opted_in_service_starts_one_workflow_named_from_the_hook_id() -> None:
    ecs, events = RecordingEcs(), RecordingEvents()
    event = PauseHookEvent.parse(story_event())
    with stubbed("stepfunctions") as (sfn, stubber):
        expected = {"stateMachineArn": MACHINE, "name": execution_name(HOOK_ID), "input": ANY}
        stubber.add_response("start_execution", aws_response("stepfunctions/StartExecution"), expected)
        # GIVEN EventBridge delivers the same event again: the second start names the same execution
        stubber.add_client_error("start_execution", "ExecutionAlreadyExists", expected_params=expected)
        first = start(sfn, ecs, event, settings(), lambda: events)  # type: ignore[arg-type]
        again = start(sfn, ecs, event, settings(), lambda: events)  # type: ignore[arg-type]
    assert (first, again) == ("started", "already-started")
    assert ecs.calls == [] and events.entries == []  # nobody answers ECS but Finalize


def test_the_workflow_is_told_what_ecs_says_of_the_deployment() -> None:
    ecs, captured = RecordingEcs(), {}

    class Sfn:
        class exceptions:  # noqa: N801  (boto3's attribute)
            ExecutionAlreadyExists = type("ExecutionAlreadyExists", (Exception,), {})

        def start_execution(self, **kwargs: Any) -> dict[str, Any]:
            captured.update(kwargs)
            return aws_response("stepfunctions/StartExecution")

    start(Sfn(), ecs, PauseHookEvent.parse(story_event()), settings(), RecordingEvents)  # type: ignore[arg-type]
    given = json.loads(captured["input"])
    assert given["hook_type"] == "PAUSE" and given["lifecycle_event_hook_execution_id"] == HOOK_ID
    assert given["deployment_id"] == DEPLOYMENT
    deployment = aws_response("ecs/DescribeServiceDeployments.pause")["serviceDeployments"][0]
    green, blue = deployment["targetServiceRevision"]["arn"], deployment["sourceServiceRevisions"][0]["arn"]
    assert given["ecs"]["target_service_revision_arn"] == green
    # the event names no weights: the deployment's requested weights stand in for them
    assert given["ecs"]["test_traffic_weights"] == {green: 100.0, blue: 0.0}
    assert given["ecs"]["production_traffic_weights"] == {green: 0.0, blue: 100.0}


@pytest.mark.parametrize(
    ("tags", "why"),
    [
        ([], "names nothing"),
        ([{"key": "greenlight:gate", "value": "POST_PRODUCTION_TRAFFIC_SHIFT"}], "does not name POST_TEST"),
        ([{"key": "approval", "value": "POST_TEST_TRAFFIC_SHIFT"}], "names nothing"),
    ],
)
def test_another_teams_pause_hook_is_never_answered(
    tags: list[dict[str, str]], why: str, caplog: pytest.LogCaptureFixture
) -> None:
    ecs = RecordingEcs(tags=tags)
    with stubbed("stepfunctions") as (sfn, _):  # no start queued: a start would fail the test
        outcome = start(sfn, ecs, PauseHookEvent.parse(story_event()), settings(), RecordingEvents)  # type: ignore[arg-type]
    assert outcome == "not-gated" and ecs.calls == []


def test_two_pause_hooks_awaiting_at_one_stage_are_both_left_alone() -> None:
    # GIVEN a person's approval hook awaits action at the stage greenlight gates, beside greenlight's
    ecs = RecordingEcs()
    ecs.deployment["lifecycleHookDetails"].append(ecs.hook | {"hookId": "ecs-pause-theirs"})
    with stubbed("stepfunctions") as (sfn, _):
        outcome = start(sfn, ecs, PauseHookEvent.parse(story_event()), settings(), RecordingEvents)  # type: ignore[arg-type]
    # THEN greenlight cannot tell its own, so it answers neither (their timeouts act)
    assert outcome == "not-gated" and ecs.calls == []


def test_tags_greenlight_may_not_read_fail_closed_and_a_throttled_read_is_retried_by_lambda() -> None:
    event = PauseHookEvent.parse(story_event())
    with stubbed("stepfunctions") as (sfn, _):
        denied = RecordingEcs(faults={"ListTagsForResource": ["AccessDeniedException"]})
        assert start(sfn, denied, event, settings(), RecordingEvents) == "not-gated"  # type: ignore[arg-type]
        throttled = RecordingEcs(faults={"ListTagsForResource": ["ThrottlingException"]})
        with pytest.raises(Exception, match="ThrottlingException"):  # Lambda's async retry takes the event again
            start(sfn, throttled, event, settings(), RecordingEvents)  # type: ignore[arg-type]
        assert denied.calls == throttled.calls == []


@pytest.mark.parametrize(
    ("policy", "error", "action", "detail_type"),
    [
        ("fail", "ThrottlingException", "ROLLBACK", "Greenlight Verdict"),
        ("allow", "ThrottlingException", "CONTINUE", "Greenlight Outage Allowed"),
        ("allow", "StateMachineDoesNotExist", "ROLLBACK", "Greenlight Verdict"),  # never let a misconfiguration by
    ],
)
def test_a_start_that_fails_is_answered_as_the_outage_policy_says(
    policy: str, error: str, action: str, detail_type: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ecs, events = RecordingEcs(), RecordingEvents()
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_client_error("start_execution", error)
        outcome = start(sfn, ecs, PauseHookEvent.parse(story_event()), settings(policy), lambda: events)  # type: ignore[arg-type]
    assert ecs.accepted == [action]
    assert outcome == ("outage-allowed:reported" if action == "CONTINUE" else "start-failed:reported")
    [announced] = events.of_type(detail_type)
    assert announced["engine"] == "ecs" and announced["lifecycle_event_hook_execution_id"] == HOOK_ID
    counted = {name for blob in emf_blobs(capsys) for name in blob if name in ("OutageAllowed", "StartFailed")}
    assert counted == ({"OutageAllowed"} if action == "CONTINUE" else {"StartFailed"})


@pytest.mark.parametrize("policy", ["fail", "allow"])
def test_a_repeated_event_whose_start_fails_leaves_the_answer_to_the_running_workflow(policy: str) -> None:
    # GIVEN the first delivery started the workflow, and EventBridge delivers the event again (at least once)
    ecs, events = RecordingEcs(), RecordingEvents()
    event = PauseHookEvent.parse(story_event())
    name = execution_name(HOOK_ID)
    running = aws_response("stepfunctions/DescribeExecution") | {"status": "RUNNING", "name": name}
    running.pop("stopDate"), running.pop("error"), running.pop("cause")
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_response("start_execution", aws_response("stepfunctions/StartExecution"))
        # WHEN the second delivery's start fails on AWS's side (throttled through every SDK attempt)
        stubber.add_client_error("start_execution", "ThrottlingException")
        arn = f"arn:aws:states:us-east-1:123456789012:execution:greenlight-validation:{name}"
        stubber.add_response("describe_execution", running, {"executionArn": arn})
        first = start(sfn, ecs, event, settings(policy), lambda: events)  # type: ignore[arg-type]
        again = start(sfn, ecs, event, settings(policy), lambda: events)  # type: ignore[arg-type]
    # THEN the outage policy is not applied to a hook whose workflow runs: it alone answers ECS (neither a ROLLBACK of
    # a release it may pass, nor, under `allow`, a CONTINUE of one it may fail)
    assert (first, again) == ("started", "already-started")
    assert ecs.calls == [] and events.entries == []


def test_a_start_that_fails_with_no_workflow_under_way_is_still_answered() -> None:
    ecs, events = RecordingEcs(), RecordingEvents()
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_client_error("start_execution", "ThrottlingException")
        stubber.add_client_error("describe_execution", "ExecutionDoesNotExist")
        outcome = start(sfn, ecs, PauseHookEvent.parse(story_event()), settings(), lambda: events)  # type: ignore[arg-type]
    assert outcome == "start-failed:reported" and ecs.accepted == ["ROLLBACK"]


@pytest.mark.parametrize("hook_status", ["SUCCEEDED", "FAILED", "TIMED_OUT"])
def test_a_late_event_for_a_hook_no_longer_awaiting_action_starts_nothing(hook_status: str) -> None:
    # GIVEN EventBridge delivers the event late (its retries last up to an hour): a person or the timeout answered
    ecs = RecordingEcs()
    ecs.hook["status"] = hook_status
    with stubbed("stepfunctions") as (sfn, _):  # no start queued: a start would fail the test
        outcome = start(sfn, ecs, PauseHookEvent.parse(story_event()), settings(), RecordingEvents)  # type: ignore[arg-type]
    assert outcome == "not-gated" and ecs.calls == []


def _left_alone_counts(capsys: pytest.CaptureFixture[str]) -> int:
    return sum(1 for blob in emf_blobs(capsys) if "PauseHookLeftAlone" in blob)


def test_a_hook_an_opted_in_service_asked_for_but_greenlight_leaves_alone_is_a_warning_and_a_metric(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN the service's tag names the stage, but a person's approval hook awaits action beside greenlight's
    ecs = RecordingEcs()
    ecs.deployment["lifecycleHookDetails"].append(ecs.hook | {"hookId": "ecs-pause-theirs"})
    with stubbed("stepfunctions") as (sfn, _), caplog.at_level("INFO", logger="greenlight"):
        outcome = start(sfn, ecs, PauseHookEvent.parse(story_event()), settings(), RecordingEvents)  # type: ignore[arg-type]
    # THEN the deployment waits out its hook's timeout (a day when unset): the team that opted in must see why
    assert outcome == "not-gated" and ecs.calls == []
    [record] = [r for r in caplog.records if r.getMessage().startswith("Not answered by greenlight")]
    assert record.levelname == "WARNING" and "other pause hook(s) await action" in record.getMessage()
    assert _left_alone_counts(capsys) == 1


@pytest.mark.parametrize("late", [False, True])
def test_another_teams_hook_or_a_late_event_is_no_warning(
    late: bool, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    ecs = RecordingEcs(tags=None if late else [])
    if late:
        ecs.hook["status"] = "SUCCEEDED"
    with stubbed("stepfunctions") as (sfn, _), caplog.at_level("INFO", logger="greenlight"):
        outcome = start(sfn, ecs, PauseHookEvent.parse(story_event()), settings(), RecordingEvents)  # type: ignore[arg-type]
    assert outcome == "not-gated"
    [record] = [r for r in caplog.records if r.getMessage().startswith("Not answered by greenlight")]
    assert record.levelname == "INFO" and _left_alone_counts(capsys) == 0
