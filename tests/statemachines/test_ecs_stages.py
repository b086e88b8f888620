"""The real ECS hook and Prepare, on the local engine, at every stage of BLUE_GREEN and at two successive steps of
CANARY and LINEAR, with the payloads ECS sends (the stand-in's, conformance-checked against the guide) and ECS's
service deployment as DescribeServiceDeployments gives it (botocore-validated, enums included).

At every forward stage a workflow judges GREEN = the target revision's target group against BLUE = the source's;
only a real rollback is answered SUCCEEDED at once. Where the guide is silent (tests/events/ecs/README.md), each
reading is played.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from greenlight.engine import LocalRunOptions, run_local
from greenlight.engine.run.ecs_lambda_hook import execution_arn_of
from greenlight.engine.standins.ecs_payloads import Readings
from greenlight.project import Project
from greenlight.samples.service import GOOD, SampleService
from tests.support.quick_config import TIME_SCALE, quick_config

pytestmark = [pytest.mark.engine, pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")]

WITH_GREEN = [
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
]
ROUTED_ALONE = ["POST_TEST_TRAFFIC_SHIFT", "PRE_PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"]
# Target health wherever GREEN exists, requests where one rule forwards to GREEN alone; no metrics (their bake time
# would only slow the sweep down: test_ecs_controller judges them).
CONFIG = quick_config(
    health={"check_http": False, "lifecycle_events": WITH_GREEN},
    synthetic={"lifecycle_events": ROUTED_ALONE, "total_requests": 8, "concurrency": 2},
    metrics={"enabled": False},
    alone=True,
)


def play(project: Project, stage: str, **options: Any) -> tuple[Any, list[dict[str, Any]]]:
    """Run the stage; returns the result and, per step, the plan Prepare made (read before the engine closes)."""
    plans: list[dict[str, Any]] = []
    readings = options.pop("readings", Readings())

    def watch(engine: Any, deployment: Any) -> None:
        deployment.readings = readings

        def after(engine: Any, deployment: Any, answer: dict[str, Any]) -> None:
            if answer.get("hookStatus") == "IN_PROGRESS":
                return
            arn = execution_arn_of(engine, deployment, deployment.step)
            if arn is None:
                return
            engine.wait(arn, deadline_s=10.0)
            history = engine.clients["stepfunctions"].get_execution_history(executionArn=arn, maxResults=1000)
            for event in history["events"]:
                output = (event.get("stateExitedEventDetails") or {}).get("output")
                if event["type"] == "TaskStateExited" and event["stateExitedEventDetails"]["name"] == "Prepare":
                    plans.append(json.loads(output)["plan"] | {"step": deployment.step})

        deployment.after_answer = after

    with SampleService(GOOD) as service:
        run = LocalRunOptions(
            target_url=service.url,
            config_text=CONFIG,
            time_scale=TIME_SCALE,
            deadline_s=90.0,
            controller="ecs",
            stage=stage,
            **options,
        )
        return run_local(run, project, before_start=watch), plans


def judged(result: Any, plans: list[dict[str, Any]], steps: int = 1) -> None:
    assert result.hook_status == "SUCCEEDED", result.reason
    assert len(plans) == steps and len({plan["request"]["lifecycle_event_hook_execution_id"] for plan in plans}) >= 1
    for plan in plans:
        assert (plan["green"]["name"], plan["blue"]["name"]) == ("sample-service-green", "sample-service-blue")
        assert plan["engine"] == "ecs"
    executions = {answer.execution for answer in result.hook_answers if answer.execution}
    assert len(executions) == steps  # one execution per step, none reused for another step


@pytest.mark.parametrize("stage", WITH_GREEN)
def test_every_forward_stage_of_blue_green_is_judged(project: Project, stage: str) -> None:
    result, plans = play(project, stage)
    judged(result, plans)
    [plan] = plans
    assert plan["stage"] == stage and plan["planned"]["health"] is True
    assert plan["planned"]["synthetic"] is (stage in ROUTED_ALONE)  # requests only where they reach GREEN alone
    if stage in ROUTED_ALONE:
        synthetic = next(v for v in result.validations if v.name == "synthetic")
        assert synthetic.status.value == "passed", synthetic.reason  # the requests reached GREEN


@pytest.mark.parametrize("stage", ["PRE_SCALE_UP", "RECONCILE_SERVICE"])
def test_a_stage_before_green_exists_is_judged_with_nothing_to_judge(project: Project, stage: str) -> None:
    result, plans = play(project, stage)
    assert result.hook_status == "SUCCEEDED" and "No validation was planned" in result.reason
    [plan] = plans
    assert plan["stage"] == stage and not any(plan["planned"].values())


@pytest.mark.parametrize(
    "readings",
    [
        Readings(),
        Readings(new_execution_id_per_step=False),
        Readings(step_weights=False),
        Readings(step_weights=False, new_execution_id_per_step=False),
    ],
    ids=["weights-new-id", "weights-reused-id", "no-weights-new-id", "no-weights-reused-id"],
)
@pytest.mark.parametrize("strategy", ["CANARY", "LINEAR"])
@pytest.mark.parametrize("stage", ["PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"])
def test_two_successive_steps_are_each_judged(project: Project, stage: str, strategy: str, readings: Readings) -> None:
    result, plans = play(project, stage, strategy=strategy, readings=readings)
    judged(result, plans, steps=2)
    assert [answer.step for answer in result.hook_answers if answer.hook_status != "IN_PROGRESS"] == [1, 2]
    if stage == "PRODUCTION_TRAFFIC_SHIFT":  # the production rule's weights: GREEN's share after each step
        shares = [plan["green"]["traffic_weight"] for plan in plans]
        assert shares == ([10.0, 100.0] if strategy == "CANARY" else [50.0, 100.0])  # from ECS, if not the payload


@pytest.mark.parametrize("stage", ["PRODUCTION_TRAFFIC_SHIFT", "TEST_TRAFFIC_SHIFT"])
@pytest.mark.parametrize("production_weights", [False, True], ids=["test-weights-back", "production-weights"])
def test_only_a_real_rollback_is_let_through_at_once(project: Project, stage: str, production_weights: bool) -> None:
    readings = Readings(rollback_production_weights_at_test_shift=production_weights)
    result, plans = play(project, stage, rollback=True, readings=readings)
    assert result.hook_status == "SUCCEEDED" and plans == []
    [answer] = result.hook_answers
    assert answer.execution is None and "rolling back" in (answer.reason or "")
