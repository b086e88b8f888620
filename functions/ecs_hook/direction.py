"""Is ECS rolling back, or going forward? Decided from what ECS says, never from a missing value.

The ECS developer guide ("Lambda hooks for Amazon ECS service deployments", section "Lifecycle hooks during
rollback"): there is no rollback stage; in a rollback ECS re-invokes the hooks of TEST_TRAFFIC_SHIFT and
PRODUCTION_TRAFFIC_SHIFT only, and "If the targetServiceRevisionArn (green revision) has a weight of 0% and the other
revision has 100%, the deployment is rolling back" (productionTrafficWeights). A forward TEST_TRAFFIC_SHIFT has
`productionTrafficWeights: {}` (its example payload), and GREEN 0 / BLUE 100 is production's forward state there
while GREEN takes test traffic, so neither an empty or unreadable map nor that one says anything either way: there,
the service deployment's own status decides (DescribeServiceDeployments: ROLLBACK_REQUESTED or ROLLBACK_IN_PROGRESS
is a rollback, PENDING or IN_PROGRESS is forward). Anything else is unknown, and answered FAILED: an invocation
greenlight cannot classify is never waved through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from botocore.exceptions import BotoCoreError, ClientError

from common.ecs.deployment import ServiceDeploymentNotFoundError, ServiceDeploymentView
from common.runtime.aws_errors import on_aws_side
from ecs_hook.contract import EcsHookEvent

RECURRING_STAGES = frozenset({"TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"})  # re-invoked in a rollback
FULL = 100.0
Kind = Literal["forward", "rollback", "unknown"]


class DeploymentUnreadableError(Exception):
    """DescribeServiceDeployments failed on AWS's side (throttling, a fault): ask ECS to call again."""


class DeploymentUnknownError(Exception):
    """ECS does not describe the service deployment, or refuses to (AccessDenied): nothing to decide from."""


def read(deployment: Callable[[], ServiceDeploymentView]) -> ServiceDeploymentView:
    try:
        return deployment()
    except ServiceDeploymentNotFoundError as error:
        raise DeploymentUnknownError(str(error)) from error
    except (ClientError, BotoCoreError) as error:
        if on_aws_side(error):
            raise DeploymentUnreadableError(str(error)) from error
        raise DeploymentUnknownError(f"DescribeServiceDeployments: {type(error).__name__}: {error}") from error


@dataclass(frozen=True)
class Direction:
    kind: Kind
    reason: str


def guide_rollback(event: EcsHookEvent) -> bool:
    """The guide's definition: GREEN (the target revision) at 0 % of production and the other revision(s) at 100 %.

    At TEST_TRAFFIC_SHIFT that is also the forward state ("The blue service revision handles 100% of the production
    traffic", API reference, DeploymentLifecycleHook): there it settles nothing while GREEN takes test traffic."""
    weights = event.production_traffic_weights
    target = event.target_service_revision_arn
    others = [weight for arn, weight in weights.items() if arn != target]
    if event.lifecycle_stage == "TEST_TRAFFIC_SHIFT" and event.test_traffic_weights.get(target, 0) > 0:
        return False
    return weights.get(target) == 0 and bool(others) and sum(others) == FULL


def direction(event: EcsHookEvent, deployment: Callable[[], ServiceDeploymentView]) -> Direction:
    """`deployment()` reads the service deployment (only where the payload does not settle it); raises
    DeploymentUnreadableError when that read failed on AWS's side."""
    stage = event.lifecycle_stage
    if stage not in RECURRING_STAGES:
        return Direction("forward", f"ECS invokes {stage} only going forward")
    if guide_rollback(event):
        return Direction("rollback", "ECS is rolling back: the target revision has 0 % of production, the other 100 %")
    try:
        view = read(deployment)
    except DeploymentUnknownError as error:
        return Direction("unknown", f"cannot tell whether ECS is rolling back at {stage}: {error}")
    if view.rolling_back:
        return Direction("rollback", f"ECS is rolling back: the service deployment is {view.status}")
    if view.going_forward:
        return Direction("forward", f"the service deployment is {view.status} at {stage}")
    return Direction(
        "unknown", f"cannot tell whether ECS is rolling back at {stage}: the service deployment is {view.status or '?'}"
    )
