"""The Amazon ECS hook: IN_PROGRESS while the workflow runs, the verdict once it ends, never an error or no status."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from common.ecs.deployment import ServiceDeploymentView
from common.runtime.names import execution_arn
from ecs_hook.contract import DETAILS_KEY, EcsHookEvent
from tests.conftest import load_event
from tests.functions.ecs_hook.conftest import ALIAS, call, ecs_event, mine
from tests.support.ecs_hook_steps import STATE_MACHINE, name
from tests.support.stubs import stubbed


def arn_of(event: dict[str, Any]) -> str:
    return execution_arn(STATE_MACHINE, name(event))


def unread() -> ServiceDeploymentView:
    raise AssertionError("the payload settles it: DescribeServiceDeployments must not be called")


def described(event: dict[str, Any], status: str, output: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "executionArn": arn_of(event),
        "stateMachineArn": STATE_MACHINE,
        "name": name(event),
        "status": status,
        "startDate": datetime(2026, 11, 27, tzinfo=UTC),
    }
    if output is not None:
        answer["output"] = json.dumps(output)
    return answer


def test_first_call_starts_the_workflow_and_answers_in_progress() -> None:
    event = ecs_event()
    with stubbed("stepfunctions") as (sfn, stubber):
        stubber.add_client_error("describe_execution", "ExecutionDoesNotExist")
        expected_start = {
            "stateMachineArn": ALIAS,
            "name": name(event),
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


def test_execution_arn_names_the_state_machine_not_its_alias() -> None:
    assert execution_arn(ALIAS, "n") == execution_arn(STATE_MACHINE, "n")
    assert execution_arn(ALIAS, "n") == "arn:aws:states:us-east-1:123456789012:execution:greenlight-validation:n"
    with pytest.raises(ValueError, match="not a state machine ARN"):
        execution_arn("arn:aws:lambda:us-east-1:1:function:f", "n")
