"""The Amazon ECS hook when something goes wrong: a start failing on AWS's side tried again then failed, the outage
policy letting an outage through, a misconfiguration failed at once, older and malformed events, anything
unexpected; any event at all gets a valid hook status."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ConnectTimeoutError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ecs_hook.app
from ecs_hook.app import handler
from ecs_hook.contract import DETAILS_KEY, EcsHookEvent
from ecs_hook.workflow import MAX_START_ATTEMPTS
from tests.conftest import load_event
from tests.functions.ecs_hook.conftest import ALIAS, STATUSES, call, ecs_event, mine
from tests.support.stubs import stubbed

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
