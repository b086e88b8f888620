"""The stand-in sends what ECS sends: at each stage of BLUE_GREEN, the guide's payload (tests/events/ecs); at the steps
of LINEAR and CANARY, each reading of what the guide leaves silent, in the guide's shape."""

from __future__ import annotations

import json
from typing import Any

import pytest

from common.runtime.lifecycle import ECS_STAGES
from greenlight.engine.guards.ecs_hooks import hook_event_problems
from greenlight.engine.standins.ecs_payloads import Readings, hook_event, production_steps, weights
from tests.conftest import EVENTS

STAGES = list(ECS_STAGES)  # botocore's DeploymentLifecycleHookStage, in order (pinned in test_ecs_payloads)


def guide(name: str) -> dict[str, Any]:
    return dict(json.loads((EVENTS / "ecs" / f"{name}.json").read_text()))


GREEN = guide("PRE_SCALE_UP")["executionDetails"]["targetServiceRevisionArn"]
BLUE = GREEN.rsplit("/", 1)[0] + "/4980306466373577095"


def stand_in(stage: str, before: float = 0.0, after: float = 100.0, rollback: bool = False, **reading: Any) -> Any:
    return weights(stage, GREEN, BLUE, before, after, rollback, Readings(**reading))


@pytest.mark.parametrize("stage", STAGES)
def test_each_blue_green_stage_carries_the_guides_weights(stage: str) -> None:
    expected = guide(stage)["executionDetails"]
    assert stand_in(stage) == (expected["testTrafficWeights"], expected["productionTrafficWeights"])


def test_a_rollback_production_traffic_shift_carries_the_guides_weights() -> None:
    expected = guide("PRODUCTION_TRAFFIC_SHIFT.rollback")["executionDetails"]
    assert stand_in("PRODUCTION_TRAFFIC_SHIFT", rollback=True) == ({}, expected["productionTrafficWeights"])


def test_a_rollback_test_traffic_shift_under_each_reading() -> None:
    assert stand_in("TEST_TRAFFIC_SHIFT", rollback=True) == ({GREEN: 0, BLUE: 100}, {})
    production = stand_in("TEST_TRAFFIC_SHIFT", rollback=True, rollback_production_weights_at_test_shift=True)
    assert production == ({}, {GREEN: 0, BLUE: 100})


def test_canary_and_linear_shift_production_in_two_steps() -> None:
    assert production_steps("CANARY") == [10.0, 100.0]
    assert production_steps("LINEAR") == [50.0, 100.0]
    assert production_steps("BLUE_GREEN") == [100.0]


@pytest.mark.parametrize("step_weights", [True, False])
@pytest.mark.parametrize("strategy", ["CANARY", "LINEAR"])
def test_each_step_of_a_gradual_strategy_is_shaped_as_the_guide_shows(strategy: str, step_weights: bool) -> None:
    shares = production_steps(strategy)
    for index, after in enumerate(shares):
        before = shares[index - 1] if index else 0.0
        for stage in ("PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"):
            test, production = stand_in(stage, before, after, step_weights=step_weights)
            share = before if stage.startswith("PRE_") else after
            assert production == ({GREEN: share, BLUE: 100 - share} if step_weights else {})
            event = hook_event(
                "id",
                stage,
                guide("PRE_SCALE_UP")["resourceArn"],
                guide("PRE_SCALE_UP")["executionDetails"]["serviceArn"],
                GREEN,
                test,
                production,
            )
            assert hook_event_problems(event) == []


@pytest.mark.parametrize("name", [*STAGES, "PRODUCTION_TRAFFIC_SHIFT.rollback"])
def test_every_fixture_is_shaped_as_the_guide_shows(name: str) -> None:
    assert hook_event_problems(guide(name)) == []


def test_a_payload_unlike_the_guides_is_caught() -> None:
    event = guide("PRODUCTION_TRAFFIC_SHIFT")
    event["executionDetails"]["productionTrafficWeights"] = {"service-revision/2": 100, GREEN: 5}
    event["lifecycleStage"] = "SCALE_UP"  # a service deployment stage, not a hook stage
    del event["resourceArn"]
    problems = hook_event_problems(event)
    assert "missing resourceArn" in problems
    assert any("SCALE_UP" in p for p in problems)
    assert any("'service-revision/2' is not a service revision ARN" in p for p in problems)


def test_a_service_with_a_short_arn_is_one_ecs_may_name() -> None:
    # Services created before 2021 may keep service/<name> (developer guide, "Migrate an Amazon ECS short service ARN
    # to a long ARN"); the hook and the stand-in accept both forms, and nothing else.
    event = guide("POST_TEST_TRAFFIC_SHIFT")
    event["executionDetails"]["serviceArn"] = "arn:aws:ecs:us-east-1:123456789012:service/shop"
    assert hook_event_problems(event) == []
    event["executionDetails"]["serviceArn"] = "arn:aws:ecs:us-east-1:123456789012:service/a/b/c"
    assert any("serviceArn" in p for p in hook_event_problems(event))


def test_the_stages_are_botocores_in_its_order() -> None:
    import botocore.session

    model = botocore.session.get_session().get_service_model("ecs")
    assert list(ECS_STAGES) == model.shape_for("DeploymentLifecycleHookStage").metadata["enum"]
