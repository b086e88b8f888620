"""What Amazon ECS sends its Lambda hook at each stage, strategy and step, as the stand-in sends it.

Where the ECS developer guide shows the payload ("Lambda hooks for Amazon ECS service deployments": every stage of a
deployment, and PRODUCTION_TRAFFIC_SHIFT during a rollback; RECONCILE_SERVICE on "Lifecycle hooks for Amazon ECS
service deployments"), the stand-in sends that shape: tests/events/ecs/ holds the guide's examples and a test
compares. Where the guide is silent, `Readings` names the choice, and the tests run each one (the fixtures' README
lists them):

- `step_weights`: a LINEAR or CANARY step's PRE_PRODUCTION_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT payloads carry
  the weights before and after the step, as BLUE_GREEN's examples do (GREEN 0/100 before, 100/0 after), or `{}`;
- `new_execution_id_per_step`: each step is a new hook execution with its own `executionId` (the guide's examples
  show a new one per stage), or ECS reuses the step's first one;
- `rollback_production_weights_at_test_shift`: in a rollback, TEST_TRAFFIC_SHIFT carries test weights shifting
  back (GREEN 0, BLUE 100) and `productionTrafficWeights: {}`, or the production weights of the rollback example.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FULL = 100.0
NO_WEIGHTS: dict[str, float] = {}
# The stand-in's step sizes: CANARY shifts 10 % first (canaryPercent), LINEAR 50 % a step (stepPercent), so each
# shifts production in two steps.
CANARY_PERCENT = 10.0
LINEAR_STEP_PERCENT = 50.0


@dataclass(frozen=True)
class Readings:
    step_weights: bool = True
    new_execution_id_per_step: bool = True
    rollback_production_weights_at_test_shift: bool = False


def production_steps(strategy: str) -> list[float]:
    """GREEN's share of production after each step."""
    if strategy == "CANARY":
        return [CANARY_PERCENT, FULL]
    if strategy == "LINEAR":
        steps, share = [], 0.0
        while share < FULL:
            share = min(FULL, share + LINEAR_STEP_PERCENT)
            steps.append(share)
        return steps
    return [FULL]


def _split(target: str, source: str, green: float) -> dict[str, float]:
    return {target: green, source: FULL - green}


def weights(
    stage: str, target: str, source: str, before: float, after: float, rollback: bool, readings: Readings
) -> tuple[dict[str, float], dict[str, float]]:
    """(testTrafficWeights, productionTrafficWeights) of one invocation; `before` and `after` are GREEN's production
    share before and after this step (0 and 100 for BLUE_GREEN)."""
    if rollback:  # the guide's rollback example: production back to BLUE
        if stage == "TEST_TRAFFIC_SHIFT" and not readings.rollback_production_weights_at_test_shift:
            return _split(target, source, 0.0), NO_WEIGHTS
        return NO_WEIGHTS, _split(target, source, 0.0)
    gradual = (before, after) != (0.0, FULL)
    if stage == "RECONCILE_SERVICE":
        return _split(target, source, FULL), _split(target, source, FULL)
    if stage == "TEST_TRAFFIC_SHIFT":
        return _split(target, source, FULL), NO_WEIGHTS
    if stage == "PRE_PRODUCTION_TRAFFIC_SHIFT":
        return NO_WEIGHTS, (_split(target, source, before) if readings.step_weights or not gradual else NO_WEIGHTS)
    if stage == "PRODUCTION_TRAFFIC_SHIFT":
        return NO_WEIGHTS, (_split(target, source, after) if readings.step_weights or not gradual else NO_WEIGHTS)
    return NO_WEIGHTS, NO_WEIGHTS  # PRE_SCALE_UP, POST_SCALE_UP, POST_TEST_ and POST_PRODUCTION_TRAFFIC_SHIFT


def hook_event(
    execution_id: str,
    stage: str,
    deployment_arn: str,
    service_arn: str,
    target: str,
    test: dict[str, float],
    production: dict[str, float],
    hook_details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The invocation, keys in the guide's order; `hookDetails` only when there are some."""
    event: dict[str, Any] = {
        "executionId": execution_id,
        "lifecycleStage": stage,
        "resourceArn": deployment_arn,
        "executionDetails": {
            "serviceArn": service_arn,
            "targetServiceRevisionArn": target,
            "testTrafficWeights": dict(test),
            "productionTrafficWeights": dict(production),
        },
    }
    if hook_details:
        event["hookDetails"] = hook_details
    return event
