"""The ECS hook on ECS's real contract: payloads as the guide shows them (tests/events/ecs), every forward stage
judged, a rollback decided from what ECS says, an invocation it cannot classify failed. Each LINEAR/CANARY step:
test_ecs_hook_linear_steps.py; its own decisions announced: test_ecs_hook_announced.py.

Each case drives the real `respond` with a conforming Step Functions stub and a service deployment shaped as
DescribeServiceDeployments answers (botocore-validated, enums included).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from common.ecs.deployment import ServiceDeploymentNotFoundError, ServiceDeploymentView
from common.runtime.lifecycle import ECS_STAGES
from ecs_hook.contract import DETAILS_KEY
from tests.conftest import client_error
from tests.support.ecs_hook_steps import (
    BLUE,
    GREEN,
    call,
    deployment,
    first_call,
    guide,
    name,
    starts,
    unread,
)
from tests.support.stubs import RecordingEvents, stubbed

STAGES = list(ECS_STAGES)  # botocore's DeploymentLifecycleHookStage, in order (pinned in test_ecs_payloads)


# --- item 2: a forward stage is judged, a rollback is what ECS says it is


@pytest.mark.parametrize("stage", STAGES)
def test_every_forward_stage_of_the_guide_is_judged_never_waved_through(stage: str) -> None:
    event = guide(stage)
    response = first_call(event, deployment("IN_PROGRESS"))
    assert response["hookStatus"] == "IN_PROGRESS"  # the workflow judges it
    assert response["hookDetails"][DETAILS_KEY]["started"] is True


@pytest.mark.parametrize("stage", [s for s in STAGES if s not in ("TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT")])
def test_a_stage_ecs_never_reinvokes_in_a_rollback_needs_no_read_of_ecs(stage: str) -> None:
    event = guide(stage)
    assert first_call(event, unread)["hookStatus"] == "IN_PROGRESS"


def test_the_guides_rollback_payload_succeeds_at_once_without_reading_anything() -> None:
    event = guide("PRODUCTION_TRAFFIC_SHIFT.rollback")
    with stubbed("stepfunctions") as (sfn, _):  # nothing queued: any call fails the test
        response = call(sfn, event, unread)
    assert response["hookStatus"] == "SUCCEEDED"
    assert "rolling back" in response["hookDetails"][DETAILS_KEY]["reason"]


def test_pre_production_traffic_shift_at_0_and_100_is_going_forward() -> None:
    event = guide("PRE_PRODUCTION_TRAFFIC_SHIFT")  # the guide's forward example: GREEN 0, BLUE 100
    assert event["executionDetails"]["productionTrafficWeights"] == {GREEN: 0, BLUE: 100}
    assert first_call(event, unread)["hookStatus"] == "IN_PROGRESS"


@pytest.mark.parametrize(
    "weights",
    [{}, {GREEN.replace("service-revision/", "service-revision/x/"): 0, BLUE: 100}, {GREEN: 0}, {GREEN: 0, BLUE: 90}],
    ids=["empty", "another-arn-form", "green-only", "not-0-and-100"],
)
@pytest.mark.parametrize("stage", ["TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"])
def test_weights_that_are_not_the_guides_rollback_ask_ecs(stage: str, weights: dict[str, float]) -> None:
    event = guide(stage)
    event["executionDetails"]["productionTrafficWeights"] = weights
    # ECS says it is going forward: judged (an empty map at a step stage: the step is told by ECS's requested weight)
    requested = 0.0 if stage == "PRODUCTION_TRAFFIC_SHIFT" and not weights else None
    with stubbed("stepfunctions") as (sfn, stubber):
        starts(stubber, name(event, requested))
        assert call(sfn, event, deployment("IN_PROGRESS"))["hookStatus"] == "IN_PROGRESS"
    # ECS says it is rolling back: let through at once
    for status in ("ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS"):
        with stubbed("stepfunctions") as (sfn, _):
            response = call(sfn, event, deployment(status))
        assert response["hookStatus"] == "SUCCEEDED", status
        assert status in response["hookDetails"][DETAILS_KEY]["reason"]


@pytest.mark.parametrize("reading", ["test-weights-back", "production-weights"])
def test_a_rollback_at_test_traffic_shift_is_let_through_under_both_readings(reading: str) -> None:
    event = guide("TEST_TRAFFIC_SHIFT")
    details = event["executionDetails"]
    if reading == "test-weights-back":  # the guide is silent: test weights back to BLUE, production {}
        details["testTrafficWeights"], details["productionTrafficWeights"] = {GREEN: 0, BLUE: 100}, {}
        ecs = deployment("ROLLBACK_IN_PROGRESS")
    else:  # or the rollback example's production weights: the guide's definition holds, nothing to read
        details["testTrafficWeights"], details["productionTrafficWeights"] = {}, {GREEN: 0, BLUE: 100}
        ecs = unread
    with stubbed("stepfunctions") as (sfn, _):
        assert call(sfn, event, ecs)["hookStatus"] == "SUCCEEDED"


def _unreadable(error: Exception) -> Callable[[], ServiceDeploymentView]:
    def read() -> ServiceDeploymentView:
        raise error

    return read


@pytest.mark.parametrize(
    ("ecs", "says"),
    [
        (_unreadable(client_error("AccessDeniedException", "DescribeServiceDeployments")), "AccessDenied"),
        (_unreadable(ServiceDeploymentNotFoundError("ECS describes no service deployment x (MISSING: )")), "MISSING"),
        (deployment("SUCCESSFUL"), "SUCCESSFUL"),
        (deployment("STOP_REQUESTED"), "STOP_REQUESTED"),
        (deployment("ROLLBACK_FAILED"), "ROLLBACK_FAILED"),
    ],
    ids=["access-denied", "not-found", "successful", "stop-requested", "rollback-failed"],
)
def test_an_invocation_greenlight_cannot_classify_is_failed_never_succeeded(ecs: Any, says: str) -> None:
    event = guide("TEST_TRAFFIC_SHIFT")
    events = RecordingEvents()
    with stubbed("stepfunctions") as (sfn, _):  # nothing is started for it
        response = call(sfn, event, ecs, events)
    assert response["hookStatus"] == "FAILED"
    assert says in response["hookDetails"][DETAILS_KEY]["reason"]
    [announced] = events.of_type("Greenlight Verdict")
    assert (announced["engine"], announced["stage"], announced["decided_by"]) == ("ecs", "TEST_TRAFFIC_SHIFT", "hook")


def test_a_throttled_read_of_ecs_asks_ecs_to_call_again_and_starts_nothing() -> None:
    throttled = _unreadable(client_error("ThrottlingException", "DescribeServiceDeployments"))
    with stubbed("stepfunctions") as (sfn, _):
        response = call(sfn, guide("TEST_TRAFFIC_SHIFT"), throttled)
    assert (response["hookStatus"], response["callBackDelay"]) == ("IN_PROGRESS", 7)


def test_the_hook_decided_failures_are_counted(capsys: pytest.CaptureFixture[str]) -> None:
    with stubbed("stepfunctions") as (sfn, _):
        call(sfn, guide("TEST_TRAFFIC_SHIFT"), deployment("STOPPED"), RecordingEvents())
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert any("Verdict_Failed" in metric for metric in emitted)


def test_a_forward_test_traffic_shift_carrying_productions_weights_as_they_are_is_judged() -> None:
    # The API reference's TEST_TRAFFIC_SHIFT: "The blue service revision handles 100% of the production traffic", while
    # GREEN takes test traffic. Production weights GREEN 0 / BLUE 100 there describe going forward as well as a
    # rollback: the guide's definition does not settle it, ECS's status does.
    event = guide("TEST_TRAFFIC_SHIFT")  # test weights: GREEN 100
    event["executionDetails"]["productionTrafficWeights"] = {GREEN: 0, BLUE: 100}
    assert first_call(event, deployment("IN_PROGRESS"))["hookStatus"] == "IN_PROGRESS"  # judged
    with stubbed("stepfunctions") as (sfn, _):
        response = call(sfn, event, deployment("ROLLBACK_IN_PROGRESS"))
    assert response["hookStatus"] == "SUCCEEDED"
    assert "ROLLBACK_IN_PROGRESS" in response["hookDetails"][DETAILS_KEY]["reason"]
