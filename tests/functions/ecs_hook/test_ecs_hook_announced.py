"""What the ECS hook decides itself is announced: an execution gone is the hook's failure, an outage let through is
announced and counted, and a verdict the workflow reached is Finalize's to announce."""

from __future__ import annotations

import pytest

from common.runtime.names import execution_arn
from ecs_hook.app import respond
from ecs_hook.contract import DETAILS_KEY, EcsHookEvent
from ecs_hook.steps import step_key
from ecs_hook.workflow import Workflow
from tests.support.ecs_hook_steps import (
    STATE_MACHINE,
    call,
    described,
    guide,
    name,
    unread,
)
from tests.support.stubs import RecordingEvents, stubbed

# --- item 6: what the hook decides itself is announced


def test_an_execution_gone_is_announced_as_the_hooks_failed(capsys: pytest.CaptureFixture[str]) -> None:
    event = guide("POST_TEST_TRAFFIC_SHIFT")
    key = step_key(EcsHookEvent.parse(event))
    event["hookDetails"] = {
        DETAILS_KEY: {"execution_id": event["executionId"], "step": key, "execution": name(event), "started": True}
    }
    events = RecordingEvents()
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_client_error("describe_execution", "ExecutionDoesNotExist")
        response = call(sfn, event, unread, events)
    assert response["hookStatus"] == "FAILED"
    [announced] = events.of_type("Greenlight Verdict")
    assert announced["verdict"] == "Failed" and "is gone" in announced["reason"]
    assert (announced["engine"], announced["stage"], announced["decided_by"]) == (
        "ecs",
        "POST_TEST_TRAFFIC_SHIFT",
        "hook",
    )
    assert (announced["application_name"], announced["deployment_group_name"]) == ("shop-cluster", "shop")
    assert announced["execution_arn"] == execution_arn(STATE_MACHINE, name(event))


def test_an_outage_let_through_is_announced_and_counted(capsys: pytest.CaptureFixture[str]) -> None:
    event = guide("POST_TEST_TRAFFIC_SHIFT")
    key = step_key(EcsHookEvent.parse(event))
    event["hookDetails"] = {DETAILS_KEY: {"execution_id": event["executionId"], "step": key, "start_attempts": 2}}
    events = RecordingEvents()
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_client_error("describe_execution", "ExecutionDoesNotExist")
        stubber.add_client_error("start_execution", "ServiceUnavailable")
        workflow = Workflow(sfn, STATE_MACHINE, "allow", callback_delay=7, events=lambda: events)
        response = respond(EcsHookEvent.parse(event), workflow, unread)
    assert response["hookStatus"] == "SUCCEEDED"
    [allowed] = events.of_type("Greenlight Outage Allowed")
    assert (allowed["engine"], allowed["deployment_id"]) == ("ecs", event["resourceArn"])
    assert events.of_type("Greenlight Verdict") == []
    emitted = capsys.readouterr().out
    assert '"OutageAllowed"' in emitted


def test_a_verdict_the_workflow_reached_is_finalizes_to_announce() -> None:
    event = guide("POST_TEST_TRAFFIC_SHIFT")
    events = RecordingEvents()
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_response("describe_execution", described(name(event), "SUCCEEDED", {"verdict": "Failed"}))
        assert call(sfn, event, unread, events)["hookStatus"] == "FAILED"
    assert events.entries == []
