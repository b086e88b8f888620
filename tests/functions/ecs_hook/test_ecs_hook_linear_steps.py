"""The ECS hook on LINEAR and CANARY deployments: every step judged on its own, by its own workflow (told apart by
ECS's requested weight when payloads carry no weights), a payload changing while its step runs or after its
execution ended, and a retried first call of a step."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_hook.contract import DETAILS_KEY
from tests.support.ecs_hook_steps import BLUE, GREEN, call, deployment, described, first_call, guide, name, starts
from tests.support.stubs import stubbed

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
    first = first_call(event, ecs, requested)
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
    first = first_call(event, deployment("IN_PROGRESS", 10.0))
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


@pytest.mark.parametrize("verdict", ["Failed", "Succeeded"])
def test_a_payload_that_changes_after_its_steps_execution_ended_gets_that_executions_verdict(verdict: str) -> None:
    # GIVEN a step under way: its first call started an execution and was answered IN_PROGRESS
    event = step_event(0, "ended-drift-id")
    first = first_call(event, deployment("IN_PROGRESS", 10.0))
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
