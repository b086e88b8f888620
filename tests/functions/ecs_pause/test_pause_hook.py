"""The pause hook's contract pieces, offline: the template's rule against the guide's events (EventBridge's pattern
matching as moto implements it), the opt-in tag, the stand-in's event against the guide's, and the workflow's
last-resort path for a pause hook."""

from __future__ import annotations

import json
from typing import Any

import pytest
from moto.events.models import EventPattern

from common.ecs.pause_hook import GATE_TAG, PAUSE_STAGES, gated_stages
from greenlight.engine.conformance import NonConformingResponseError, check_pause_event
from tests.conftest import ROOT
from tests.support.pause_ecs import guide_event
from tests.support.template import translated


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    return dict(translated(str(ROOT))["Resources"])


def rule_pattern(resources: dict[str, Any]) -> EventPattern:
    pattern = resources["EcsPauseHookFunctionPauseHookAwaitingAction"]["Properties"]["EventPattern"]
    return EventPattern.load(json.dumps(pattern))


@pytest.mark.parametrize("name", ["HOOK_AWAITING_ACTION", "HOOK_AWAITING_ACTION.pause-hooks-page"])
def test_the_rule_matches_both_of_the_guides_events(resources: dict[str, Any], name: str) -> None:
    assert rule_pattern(resources).matches_event(guide_event(name))


@pytest.mark.parametrize(
    "change",
    [
        {"eventName": "HOOK_SUCCEEDED"},
        {"eventName": "HOOK_FAILED"},
        {"eventName": "HOOK_TIMED_OUT"},
        {"eventName": "HOOK_IN_PROGRESS"},
        {"hookType": "AWS_LAMBDA"},
    ],
)
def test_the_rule_takes_no_other_hook_event(resources: dict[str, Any], change: dict[str, str]) -> None:
    event = guide_event()
    event["detail"] |= change
    assert not rule_pattern(resources).matches_event(event)


def test_the_rule_takes_no_event_greenlight_or_anyone_else_could_put(resources: dict[str, Any]) -> None:
    event = guide_event() | {"source": "greenlight"}  # only ECS's own events (no account may put aws.* sources)
    assert not rule_pattern(resources).matches_event(event)


@pytest.mark.parametrize(
    ("value", "stages", "ignored"),
    [
        ("POST_TEST_TRAFFIC_SHIFT", {"POST_TEST_TRAFFIC_SHIFT"}, []),
        (
            "POST_TEST_TRAFFIC_SHIFT  PRE_PRODUCTION_TRAFFIC_SHIFT",
            {"POST_TEST_TRAFFIC_SHIFT", "PRE_PRODUCTION_TRAFFIC_SHIFT"},
            [],
        ),
        (
            "PRODUCTION_TRAFFIC_SHIFT post_test_traffic_shift",
            set(),
            ["PRODUCTION_TRAFFIC_SHIFT", "post_test_traffic_shift"],
        ),
        ("", set(), []),
    ],
)
def test_the_gate_tag_names_pause_stages_only(value: str, stages: set[str], ignored: list[str]) -> None:
    found, unknown = gated_stages(
        [{"key": "team", "value": "POST_TEST_TRAFFIC_SHIFT"}, {"key": GATE_TAG, "value": value}]
    )
    assert (set(found), unknown) == (stages, ignored)


def test_pause_stages_are_botocores_hook_stages_but_the_two_traffic_shifts() -> None:
    import botocore.session

    stages = botocore.session.get_session().get_service_model("ecs").shape_for("DeploymentLifecycleHookStage").enum
    assert set(PAUSE_STAGES) == set(stages) - {"TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"}


def entry_of(event: dict[str, Any]) -> dict[str, Any]:
    return {"Source": event["source"], "DetailType": event["detail-type"], "Detail": json.dumps(event["detail"])}


@pytest.mark.parametrize("name", ["HOOK_AWAITING_ACTION", "HOOK_AWAITING_ACTION.pause-hooks-page"])
def test_the_guides_events_pass_the_check_the_stand_ins_event_passes(name: str) -> None:
    check_pause_event(entry_of(guide_event(name)))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"targetType": "PAUSE"}, "unexpected targetType"),
        ({"hookType": "Pause"}, "detail.hookType 'Pause' is not one of"),
        ({"lifecycleStage": "BAKE_TIME"}, "detail.lifecycleStage 'BAKE_TIME'"),
        ({"serviceDeploymentArn": "0EYSiB0qap8xf0N76FsbE"}, "detail.serviceDeploymentArn"),
    ],
)
def test_an_event_unlike_the_guides_is_caught(change: dict[str, str], problem: str) -> None:
    event = guide_event()
    event["detail"] |= change
    with pytest.raises(NonConformingResponseError, match=problem):
        check_pause_event(entry_of(event))


def test_the_last_resort_of_a_pause_hook_goes_through_the_safety_nets_function() -> None:
    definition = json.loads((ROOT / "statemachines" / "validation.asl.json").read_text())
    states = definition["States"]
    # Finalize down: a pause hook is told ROLLBACK (not CodeDeploy), then the execution fails for the safety net
    [pause_rule, *_] = states["CodeDeploy Deployment?"]["Choices"]
    assert pause_rule["Next"] == "Roll Back Paused Deployment"
    assert {"Variable": "$.request.hook_type", "StringEquals": "PAUSE"} in pause_rule["And"]
    roll_back = states["Roll Back Paused Deployment"]
    assert roll_back["Resource"] == "arn:${Partition}:states:::lambda:invoke"
    assert roll_back["Parameters"]["FunctionName"] == "${SafetyNetFunctionArn}"
    assert roll_back["Next"] == roll_back["Catch"][0]["Next"] == "Finalize Failed"
    # ... and the request Finalize gets after Prepare failed is the execution's input, hook_type and all
    assert states["Record Prepare Error"]["Parameters"]["request.$"] == "$$.Execution.Input"


def test_the_pause_hooks_aws_calls_end_before_its_function_times_out(resources: dict[str, Any]) -> None:
    # A start that fails is answered at once as the outage policy says (README): that holds for a Step Functions (or
    # ECS) endpoint that hangs only if every AWS call one invocation makes, each at its worst (every attempt hanging
    # until its timeouts, the retry backoff between), ends before the function's timeout. Otherwise the function times
    # out, Lambda retries it twice, and ECS waits out the hook's timeout (a day when unset) instead of the policy.
    from ecs_pause import app
    from tests.support.ecs_pause_faults import FRONT_DOOR_ATTEMPTS

    config = app.PAUSE_CLIENT_CONFIG
    attempts = config.retries["total_max_attempts"]
    assert attempts == FRONT_DOOR_ATTEMPTS  # the fault rows throttle every attempt of the front door's calls
    # botocore's standard mode: up to min(2 ** i, 20) s between attempts, 5 s more when AWS asks (x-amz-retry-after)
    backoff = sum(min(2.0 ** (attempt - 1), 20.0) + 5.0 for attempt in range(1, attempts))
    worst_call = attempts * (config.connect_timeout + config.read_timeout) + backoff
    # ListTagsForResource, DescribeServiceDeployments, StartExecution, DescribeExecution, ContinueServiceDeployment,
    # DescribeServiceDeployments (a refusal's hook status), PutEvents
    assert app.MAX_AWS_CALLS == 7
    assert app.MAX_AWS_CALLS * worst_call < resources["EcsPauseHookFunction"]["Properties"]["Timeout"]
