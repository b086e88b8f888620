"""The ECS hook on ECS's real contract: payloads as the guide shows them (tests/events/ecs), a rollback decided from
what ECS says, every LINEAR/CANARY step judged on its own, and its own decisions announced.

Each case drives the real `respond` with a conforming Step Functions stub and a service deployment shaped as
DescribeServiceDeployments answers (botocore-validated, enums included).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import ANY

from common.ecs.deployment import ServiceDeploymentNotFoundError, ServiceDeploymentView, view_of
from common.runtime.lifecycle import ECS_STAGES
from common.runtime.names import execution_arn
from ecs_hook.app import respond
from ecs_hook.contract import DETAILS_KEY, EcsHookEvent
from ecs_hook.steps import execution_name_for, step_key
from ecs_hook.workflow import Workflow
from greenlight.engine.conformance import check, hook_event_problems
from tests.conftest import EVENTS, client_error
from tests.support.stubs import RecordingEvents, aws_response, stubbed

STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:greenlight-validation"
STAGES = list(ECS_STAGES)  # botocore's DeploymentLifecycleHookStage, in order (pinned in test_ecs_payloads)


def guide(name: str) -> dict[str, Any]:
    """The guide's payload for a stage (tests/events/ecs), checked against the guide's shape."""
    event = dict(json.loads((EVENTS / "ecs" / f"{name}.json").read_text()))
    assert hook_event_problems(event) == []
    return event


GREEN = guide("POST_TEST_TRAFFIC_SHIFT")["executionDetails"]["targetServiceRevisionArn"]
BLUE = GREEN.rsplit("/", 1)[0] + "/4980306466373577095"


def deployment(status: str = "IN_PROGRESS", production: float = 0.0) -> Callable[[], ServiceDeploymentView]:
    """DescribeServiceDeployments as ECS answers it for this deployment (conformance-checked), in `status`."""
    answer = copy.deepcopy(aws_response("ecs/DescribeServiceDeployments"))
    found = answer["serviceDeployments"][0]
    found["status"] = status
    found["targetServiceRevision"]["requestedProductionTrafficWeight"] = production
    check("ecs", "DescribeServiceDeployments", answer)
    return lambda: view_of(found)


def unread() -> ServiceDeploymentView:
    raise AssertionError("the payload settles it: DescribeServiceDeployments must not be called")


def name(event: dict[str, Any], requested: float | None = None) -> str:
    return execution_name_for(event["executionId"], step_key(EcsHookEvent.parse(event), requested))


def described(event_name: str, status: str, output: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "executionArn": execution_arn(STATE_MACHINE, event_name),
        "stateMachineArn": STATE_MACHINE,
        "name": event_name,
        "status": status,
        "startDate": datetime(2026, 11, 27, tzinfo=UTC),
    }
    if output is not None:
        answer["output"] = json.dumps(output)
    return answer


def call(
    sfn: Any, event: dict[str, Any], ecs: Callable[[], ServiceDeploymentView], events: Any = None
) -> dict[str, Any]:
    workflow = Workflow(sfn, STATE_MACHINE, callback_delay=7, events=lambda: events)
    response = respond(EcsHookEvent.parse(event), workflow, ecs)
    assert response["hookStatus"] in ("SUCCEEDED", "FAILED", "IN_PROGRESS")
    return response


def starts(stubber: Any, execution: str) -> None:
    """The step has no execution yet: the hook must start exactly this one."""
    stubber.add_client_error("describe_execution", "ExecutionDoesNotExist")
    stubber.add_response(
        "start_execution",
        {"executionArn": execution_arn(STATE_MACHINE, execution), "startDate": datetime.now(UTC)},
        {"stateMachineArn": STATE_MACHINE, "name": execution, "input": ANY},
    )


# --- item 2: a forward stage is judged, a rollback is what ECS says it is


@pytest.mark.parametrize("stage", STAGES)
def test_every_forward_stage_of_the_guide_is_judged_never_waved_through(stage: str) -> None:
    event = guide(stage)
    with stubbed("stepfunctions") as (sfn, stubber):
        starts(stubber, name(event))
        response = call(sfn, event, deployment("IN_PROGRESS"))
    assert response["hookStatus"] == "IN_PROGRESS"  # the workflow judges it
    assert response["hookDetails"][DETAILS_KEY]["started"] is True


@pytest.mark.parametrize("stage", [s for s in STAGES if s not in ("TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT")])
def test_a_stage_ecs_never_reinvokes_in_a_rollback_needs_no_read_of_ecs(stage: str) -> None:
    event = guide(stage)
    with stubbed("stepfunctions") as (sfn, stubber):
        starts(stubber, name(event))
        assert call(sfn, event, unread)["hookStatus"] == "IN_PROGRESS"


def test_the_guides_rollback_payload_succeeds_at_once_without_reading_anything() -> None:
    event = guide("PRODUCTION_TRAFFIC_SHIFT.rollback")
    with stubbed("stepfunctions") as (sfn, _):  # nothing queued: any call fails the test
        response = call(sfn, event, unread)
    assert response["hookStatus"] == "SUCCEEDED"
    assert "rolling back" in response["hookDetails"][DETAILS_KEY]["reason"]


def test_pre_production_traffic_shift_at_0_and_100_is_going_forward() -> None:
    event = guide("PRE_PRODUCTION_TRAFFIC_SHIFT")  # the guide's forward example: GREEN 0, BLUE 100
    assert event["executionDetails"]["productionTrafficWeights"] == {GREEN: 0, BLUE: 100}
    with stubbed("stepfunctions") as (sfn, stubber):
        starts(stubber, name(event))
        assert call(sfn, event, unread)["hookStatus"] == "IN_PROGRESS"


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


# --- item 3: every LINEAR/CANARY step is judged on its own

CANARY_STEPS = [{GREEN: 10, BLUE: 90}, {GREEN: 100, BLUE: 0}]


def step_event(step: int, execution_id: str, weights: dict[str, float] | None = None) -> dict[str, Any]:
    event = guide("PRODUCTION_TRAFFIC_SHIFT")
    event["executionId"] = execution_id
    event["executionDetails"]["productionTrafficWeights"] = CANARY_STEPS[step] if weights is None else weights
    return event


def judged_step(event: dict[str, Any], ecs: Any, requested: float | None = None) -> dict[str, Any]:
    """A step's first call, then its call once the workflow decided Succeeded: the hookDetails ECS will pass on."""
    execution = name(event, requested)
    with stubbed("stepfunctions") as (sfn, stubber):
        starts(stubber, execution)
        first = call(sfn, event, ecs)
    assert first["hookStatus"] == "IN_PROGRESS"
    event = event | {"hookDetails": first["hookDetails"]}
    with stubbed("stepfunctions") as (sfn, stubber):
        report = {"verdict": "Succeeded", "reason": f"step judged by {execution}"}
        stubber.add_response("describe_execution", described(execution, "SUCCEEDED", report))
        final = call(sfn, event, ecs)
    assert final["hookStatus"] == "SUCCEEDED"
    assert final["hookDetails"][DETAILS_KEY]["execution"] == execution
    return final


@pytest.mark.parametrize("reused", [False, True], ids=["new-execution-id", "reused-execution-id"])
def test_the_second_step_starts_its_own_workflow_with_the_first_steps_hook_details(reused: bool) -> None:
    # GIVEN step 1 of a canary judged Succeeded; ECS keeps the hookDetails it returned for the next invocation
    first = judged_step(step_event(0, "step-1-id"), deployment("IN_PROGRESS", 10.0))
    assert first["hookDetails"][DETAILS_KEY]["started"] is True
    # WHEN step 2 arrives with them, under a new executionId or the same one
    event = step_event(1, "step-1-id" if reused else "step-2-id") | {"hookDetails": first["hookDetails"]}
    # THEN it is judged by a new execution: never "execution gone", never step 1's verdict
    with stubbed("stepfunctions") as (sfn, stubber):
        if reused:  # the entry names this executionId: its execution (step 1's) has ended, so this is a new step
            previous = first["hookDetails"][DETAILS_KEY]["execution"]
            stubber.add_response("describe_execution", described(previous, "SUCCEEDED", {"verdict": "Succeeded"}))
        starts(stubber, name(event))
        response = call(sfn, event, deployment("IN_PROGRESS", 100.0))
    assert response["hookStatus"] == "IN_PROGRESS"
    assert (
        response["hookDetails"][DETAILS_KEY]["execution"]
        == name(event)
        != first["hookDetails"][DETAILS_KEY]["execution"]
    )


def test_steps_whose_payloads_carry_no_weights_are_told_apart_by_ecs_requested_weight() -> None:
    # the guide is silent on a step's weights: with {} at both steps and the executionId reused, only ECS's requested
    # production weight for GREEN tells the steps apart
    first = judged_step(step_event(0, "same-id", {}), deployment("IN_PROGRESS", 10.0), requested=10.0)
    event = step_event(1, "same-id", {}) | {"hookDetails": first["hookDetails"]}
    with stubbed("stepfunctions") as (sfn, stubber):
        previous = first["hookDetails"][DETAILS_KEY]["execution"]
        stubber.add_response("describe_execution", described(previous, "SUCCEEDED", {"verdict": "Succeeded"}))
        starts(stubber, name(event, 100.0))
        response = call(sfn, event, deployment("IN_PROGRESS", 100.0))
    assert response["hookStatus"] == "IN_PROGRESS"
    assert name(event, 100.0) != previous


def test_a_payload_that_changes_while_its_step_runs_keeps_the_steps_execution() -> None:
    event = step_event(0, "drift-id")
    with stubbed("stepfunctions") as (sfn, stubber):
        starts(stubber, name(event))
        first = call(sfn, event, deployment("IN_PROGRESS", 10.0))
    execution = first["hookDetails"][DETAILS_KEY]["execution"]
    drifted = step_event(0, "drift-id", {GREEN: 12, BLUE: 88}) | {"hookDetails": first["hookDetails"]}
    with stubbed("stepfunctions") as (sfn, stubber):
        # the step's last answer was IN_PROGRESS: this call is the same step's, its execution is read once
        stubber.add_response("describe_execution", described(execution, "RUNNING"))
        response = call(sfn, drifted, deployment("IN_PROGRESS", 10.0))
    assert response["hookStatus"] == "IN_PROGRESS"
    assert response["hookDetails"][DETAILS_KEY]["execution"] == execution  # nothing new started


def test_a_retried_first_call_of_a_step_finds_its_execution() -> None:
    event = step_event(1, "retry-id")  # no entry: the answer to the first call was lost, ECS calls again
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_response("describe_execution", described(name(event), "RUNNING"))
        assert call(sfn, event, deployment("IN_PROGRESS", 100.0))["hookStatus"] == "IN_PROGRESS"


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


@pytest.mark.parametrize("verdict", ["Failed", "Succeeded"])
def test_a_payload_that_changes_after_its_steps_execution_ended_gets_that_executions_verdict(verdict: str) -> None:
    # GIVEN a step under way: its first call started an execution and was answered IN_PROGRESS
    event = step_event(0, "ended-drift-id")
    with stubbed("stepfunctions") as (sfn, stubber):
        starts(stubber, name(event))
        first = call(sfn, event, deployment("IN_PROGRESS", 10.0))
    execution = first["hookDetails"][DETAILS_KEY]["execution"]
    # WHEN ECS calls again (the step's answer so far: IN_PROGRESS) with other weights, after that execution ended
    drifted = step_event(0, "ended-drift-id", {GREEN: 12, BLUE: 88}) | {"hookDetails": first["hookDetails"]}
    with stubbed("stepfunctions") as (sfn, stubber):  # nothing new may start
        report = {"verdict": verdict, "reason": f"GREEN judged {verdict} by {execution}"}
        stubber.add_response("describe_execution", described(execution, "SUCCEEDED", report))
        response = call(sfn, drifted, deployment("IN_PROGRESS", 10.0))
    # THEN ECS hears that execution's verdict: ECS has not yet had a final answer for this step
    assert response["hookStatus"] == ("SUCCEEDED" if verdict == "Succeeded" else "FAILED")
    assert response["hookDetails"][DETAILS_KEY]["execution"] == execution
    assert verdict in response["hookDetails"][DETAILS_KEY]["reason"]


def test_a_forward_test_traffic_shift_carrying_productions_weights_as_they_are_is_judged() -> None:
    # The API reference's TEST_TRAFFIC_SHIFT: "The blue service revision handles 100% of the production traffic", while
    # GREEN takes test traffic. Production weights GREEN 0 / BLUE 100 there describe going forward as well as a
    # rollback: the guide's definition does not settle it, ECS's status does.
    event = guide("TEST_TRAFFIC_SHIFT")  # test weights: GREEN 100
    event["executionDetails"]["productionTrafficWeights"] = {GREEN: 0, BLUE: 100}
    with stubbed("stepfunctions") as (sfn, stubber):
        starts(stubber, name(event))
        assert call(sfn, event, deployment("IN_PROGRESS"))["hookStatus"] == "IN_PROGRESS"  # judged
    with stubbed("stepfunctions") as (sfn, _):
        response = call(sfn, event, deployment("ROLLBACK_IN_PROGRESS"))
    assert response["hookStatus"] == "SUCCEEDED"
    assert "ROLLBACK_IN_PROGRESS" in response["hookDetails"][DETAILS_KEY]["reason"]
