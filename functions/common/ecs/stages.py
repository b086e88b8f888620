"""Amazon ECS's lifecycle hook stages (botocore's ecs DeploymentLifecycleHookStage), free of pydantic: the ECS hook
imports them."""

from __future__ import annotations

from typing import Literal, get_args

EcsStage = Literal[
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
]
ECS_STAGES: tuple[str, ...] = get_args(EcsStage)
