"""The Amazon ECS hook: IN_PROGRESS while the workflow runs, the verdict once it ends, never an error or no status."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ConnectTimeoutError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ecs_hook.app
from common.ecs.deployment import ServiceDeploymentView, view_of
from common.runtime.names import execution_arn
from ecs_hook.app import handler, respond
from ecs_hook.contract import DETAILS_KEY, EcsHookEvent
from ecs_hook.steps import execution_name_for, step_key
from ecs_hook.workflow import MAX_START_ATTEMPTS, Workflow
from tests.conftest import load_event
from tests.support.stubs import aws_response, stubbed

STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:greenlight-validation"
ALIAS = STATE_MACHINE + ":live"
STATUSES = {"SUCCEEDED", "FAILED", "IN_PROGRESS"}


def ecs_event(**changes: Any) -> dict[str, Any]:
    event = load_event("ecs_lifecycle_hook")
    return event | changes


def name_of(event: dict[str, Any]) -> str:
    return execution_name_for(event["executionId"], step_key(EcsHookEvent.parse(event)))


def arn_of(event: dict[str, Any]) -> str:
    return execution_arn(STATE_MACHINE, name_of(event))


def forward_deployment() -> ServiceDeploymentView:
    return view_of(aws_response("ecs/DescribeServiceDeployments")["serviceDeployments"][0])


def unread() -> ServiceDeploymentView:
    raise AssertionError("the payload settles it: DescribeServiceDeployments must not be called")


def described(event: dict[str, Any], status: str, output: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "executionArn": arn_of(event),
        "stateMachineArn": STATE_MACHINE,
        "name": name_of(event),
        "status": status,
        "startDate": datetime(2026, 11, 27, tzinfo=UTC),
    }
    if output is not None:
        answer["output"] = json.dumps(output)
    return answer


def call(
    sfn: Any, event: dict[str, Any], policy: str = "fail", deployment: Any = forward_deployment, events: Any = None
) -> dict[str, Any]:
    workflow = Workflow(sfn, ALIAS, policy, callback_delay=7, events=lambda: events)
    response = respond(EcsHookEvent.parse(event), workflow, deployment)
    assert response["hookStatus"] in STATUSES  # never a missing or invalid status
    json.dumps(response)  # what Lambda serialises for ECS
    return response


def test_first_call_starts_the_workflow_and_answers_in_progress() -> None:
    event = ecs_event()
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_client_error("describe_execution", "ExecutionDoesNotExist")
        expected_start = {
            "stateMachineArn": ALIAS,
            "name": name_of(event),
            "input": json.dumps(EcsHookEvent.parse(event).workflow_input()),
        }
        stubber.add_response(
            "start_execution", {"executionArn": arn_of(event), "startDate": datetime.now(UTC)}, expected_start
        )
        response = call(sfn, event)
    assert (response["hookStatus"], response["callBackDelay"]) == ("IN_PROGRESS", 7)
    # the service's own hookDetails pass through; greenlight's entry says it started this hook execution's workflow
    assert response["hookDetails"]["team"] == "payments"
    assert response["hookDetails"][DETAILS_KEY]["started"] is True
    started_input = json.loads(expected_start["input"])
    assert started_input["deployment_id"] == event["resourceArn"]
    assert started_input["ecs"]["lifecycle_stage"] == "POST_TEST_TRAFFIC_SHIFT"


def test_a_retried_first_call_starts_nothing_new() -> None:
    event = ecs_event()  # no greenlight entry in hookDetails: ECS (or Lambda) retried the first call
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_response("describe_execution", described(event, "RUNNING"), {"executionArn": arn_of(event)})
        response = call(sfn, event)  # the stubber refuses any start_execution it was not given
    assert response["hookStatus"] == "IN_PROGRESS"


def test_a_start_racing_another_one_is_already_started() -> None:
    event = ecs_event()
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_client_error("describe_execution", "ExecutionDoesNotExist")
        stubber.add_client_error("start_execution", "ExecutionAlreadyExists")
        assert call(sfn, event)["hookStatus"] == "IN_PROGRESS"


@pytest.mark.parametrize(("verdict", "status"), [("Succeeded", "SUCCEEDED"), ("Failed", "FAILED")])
def test_the_verdict_becomes_the_hook_status(verdict: str, status: str) -> None:
    event = ecs_event()
    with stubbed("stepfunctions") as (sfn, stubber):
        report = {"verdict": verdict, "reason": "because"}
        stubber.add_response("describe_execution", described(event, "SUCCEEDED", report))
        response = call(sfn, event)
    assert response["hookStatus"] == status
    assert response["hookDetails"][DETAILS_KEY]["reason"] == "because"
    assert "callBackDelay" not in response


@pytest.mark.parametrize("ended", ["FAILED", "TIMED_OUT", "ABORTED"])
def test_an_execution_that_ended_without_a_verdict_is_failed(ended: str) -> None:
    event = ecs_event()
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_response("describe_execution", described(event, ended))
        response = call(sfn, event)
    assert response["hookStatus"] == "FAILED"
    assert ended in response["hookDetails"][DETAILS_KEY]["reason"]


def test_an_output_without_a_verdict_is_failed() -> None:
    event = ecs_event()
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_response("describe_execution", described(event, "SUCCEEDED", {"no": "verdict"}))
        assert call(sfn, event)["hookStatus"] == "FAILED"


def mine(event: dict[str, Any], **entry: Any) -> dict[str, Any]:
    """greenlight's hookDetails entry as the hook wrote it for this event's hook execution and step."""
    key = step_key(EcsHookEvent.parse(event))
    return {"execution_id": event["executionId"], "step": key, "execution": name_of(event)} | entry


def test_an_execution_gone_after_it_started_is_failed_not_restarted() -> None:
    event = ecs_event()
    event["hookDetails"] = {DETAILS_KEY: mine(event, started=True)}
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_client_error("describe_execution", "ExecutionDoesNotExist")
        response = call(sfn, event)
    assert response["hookStatus"] == "FAILED"
    assert "gone" in response["hookDetails"][DETAILS_KEY]["reason"]


def test_a_rollback_succeeds_at_once_without_touching_the_workflow() -> None:
    target = load_event("ecs_lifecycle_hook")["executionDetails"]["targetServiceRevisionArn"]
    source = target.rsplit("/", 1)[0] + "/4980306466373577095"
    details = load_event("ecs_lifecycle_hook")["executionDetails"] | {
        "productionTrafficWeights": {target: 0, source: 100}
    }
    event = ecs_event(lifecycleStage="PRODUCTION_TRAFFIC_SHIFT", executionDetails=details)
    with stubbed("stepfunctions") as (sfn, _):  # no answer queued: any call would fail the test
        assert call(sfn, event, deployment=unread)["hookStatus"] == "SUCCEEDED"


def test_green_without_production_weight_alone_is_no_rollback() -> None:
    # the target at 0 with no other revision at 100 is not the guide's definition: ECS's status is asked, and says
    # the deployment goes forward, so the step is judged
    target = load_event("ecs_lifecycle_hook")["executionDetails"]["targetServiceRevisionArn"]
    details = load_event("ecs_lifecycle_hook")["executionDetails"] | {"productionTrafficWeights": {target: 0}}
    event = ecs_event(lifecycleStage="PRODUCTION_TRAFFIC_SHIFT", executionDetails=details)
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_response("describe_execution", described(event, "RUNNING"))
        assert call(sfn, event)["hookStatus"] == "IN_PROGRESS"


def test_a_production_step_with_green_serving_is_judged_not_waved_through() -> None:
    target = load_event("ecs_lifecycle_hook")["executionDetails"]["targetServiceRevisionArn"]
    details = load_event("ecs_lifecycle_hook")["executionDetails"] | {"productionTrafficWeights": {target: 10.0}}
    event = ecs_event(lifecycleStage="PRODUCTION_TRAFFIC_SHIFT", executionDetails=details)
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_response("describe_execution", described(event, "RUNNING"))
        assert call(sfn, event)["hookStatus"] == "IN_PROGRESS"


def start_fails(stubber: Any, sfn: Any, error: str) -> None:
    stubber.add_client_error("describe_execution", "ExecutionDoesNotExist")
    if error == "connect-timeout":

        def timeout(**_: Any) -> None:
            raise ConnectTimeoutError(endpoint_url="https://states.us-east-1.amazonaws.com")

        sfn.start_execution = timeout  # no answer at all: the call fails before any request could be sent
    else:
        stubber.add_client_error("start_execution", error)


@pytest.mark.parametrize("error", ["ThrottlingException", "connect-timeout"])
def test_a_start_failing_on_aws_side_is_tried_again_then_failed(error: str) -> None:
    event = ecs_event()
    answers = []
    for _ in range(MAX_START_ATTEMPTS):
        with stubbed("stepfunctions") as (sfn, stubber):
            start_fails(stubber, sfn, error)
            response = call(sfn, event)
        answers.append(response["hookStatus"])
        event = event | {"hookDetails": response["hookDetails"]}  # ECS passes the hookDetails back
    assert answers == ["IN_PROGRESS"] * (MAX_START_ATTEMPTS - 1) + ["FAILED"]


def test_the_outage_policy_allow_lets_an_aws_side_outage_through_after_the_attempts() -> None:
    event = ecs_event()
    event["hookDetails"] = {DETAILS_KEY: mine(event, start_attempts=MAX_START_ATTEMPTS - 1)}
    with stubbed("stepfunctions") as (sfn, stubber):
        start_fails(stubber, sfn, "ServiceUnavailable")
        assert call(sfn, event, policy="allow")["hookStatus"] == "SUCCEEDED"


@pytest.mark.parametrize("error", ["AccessDeniedException", "StateMachineDoesNotExist"])
def test_a_misconfiguration_fails_at_once_whatever_the_policy(error: str) -> None:
    with stubbed("stepfunctions") as (sfn, stubber):
        start_fails(stubber, sfn, error)
        assert call(sfn, ecs_event(), policy="allow")["hookStatus"] == "FAILED"


def test_older_events_with_the_details_at_the_top_level_are_read() -> None:
    event = load_event("ecs_lifecycle_hook")
    flat = {k: v for k, v in event.items() if k != "executionDetails"} | event["executionDetails"]
    assert EcsHookEvent.parse(flat) == EcsHookEvent.parse(event)


@pytest.mark.parametrize(
    "event",
    [
        None,
        [],
        {},
        {"executionId": "x"},
        ecs_event(lifecycleStage="SCALE_UP"),  # a service deployment stage, not a hook stage
        ecs_event(executionDetails={"serviceArn": "s"}),
        ecs_event(executionDetails=load_event("ecs_lifecycle_hook")["executionDetails"] | {"testTrafficWeights": 5}),
    ],
)
def test_a_malformed_event_is_answered_failed_never_an_error(event: Any, lambda_context: Any) -> None:
    response = handler(event, lambda_context)
    assert response["hookStatus"] == "FAILED"
    assert "not an Amazon ECS lifecycle hook event" in response["hookDetails"][DETAILS_KEY]["reason"]


def test_anything_unexpected_is_answered_failed_never_an_error(
    monkeypatch: pytest.MonkeyPatch, lambda_context: Any
) -> None:
    def broken(service: str) -> Any:
        raise RuntimeError("no client today")

    monkeypatch.setenv("STATE_MACHINE_ARN", ALIAS)
    monkeypatch.setattr(ecs_hook.app, "client", broken)
    response = handler(ecs_event(), lambda_context)
    assert response["hookStatus"] == "FAILED"
    assert "no client today" in response["hookDetails"][DETAILS_KEY]["reason"]


def test_a_missing_state_machine_setting_is_failed(monkeypatch: pytest.MonkeyPatch, lambda_context: Any) -> None:
    monkeypatch.delenv("STATE_MACHINE_ARN", raising=False)
    response = handler(ecs_event(), lambda_context)
    assert response["hookStatus"] == "FAILED"
    assert "STATE_MACHINE_ARN" in response["hookDetails"][DETAILS_KEY]["reason"]


def test_execution_arn_names_the_state_machine_not_its_alias() -> None:
    assert execution_arn(ALIAS, "n") == execution_arn(STATE_MACHINE, "n")
    assert execution_arn(ALIAS, "n") == "arn:aws:states:us-east-1:123456789012:execution:greenlight-validation:n"
    with pytest.raises(ValueError, match="not a state machine ARN"):
        execution_arn("arn:aws:lambda:us-east-1:1:function:f", "n")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)
events = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "executionId": json_values,
            "lifecycleStage": st.sampled_from(["POST_TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "X"]),
            "resourceArn": json_values,
            "executionDetails": json_values,
            "hookDetails": json_values,
        },
    ),
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=events)
def test_any_event_gets_a_valid_hook_status(event: Any, lambda_context: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    class Unreachable:
        def __getattr__(self, name: str) -> Any:
            raise ConnectTimeoutError(endpoint_url="https://states.us-east-1.amazonaws.com")

    monkeypatch.setenv("STATE_MACHINE_ARN", ALIAS)
    monkeypatch.setattr(ecs_hook.app, "client", lambda service: Unreachable())
    response = handler(event, lambda_context)
    assert response["hookStatus"] in STATUSES
    json.dumps(response)
