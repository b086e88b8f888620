"""What each CodeDeploy lifecycle event (and each Amazon ECS lifecycle stage) offers a validation: one table per
engine, read by the config's validation (what may be planned where), by Prepare (which listener reaches GREEN, which
CodeDeploy event an ECS stage stands for) and by the ECS hook (which stages there are). Free of pydantic: the ECS
hook imports it on its cold start.

CodeDeploy runs the hooks in this order (AppSpec "hooks" section for an Amazon ECS deployment): BeforeInstall
before the replacement task set exists, AfterInstall once it exists with its tasks registered in the GREEN target
group but before any listener routes to it, AfterAllowTestTraffic and BeforeAllowTraffic while the test listener
routes to it, AfterAllowTraffic once the production listener does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

TEST, PRODUCTION, WEIGHTED = "test", "production", "weighted"


@dataclass(frozen=True)
class Stage:
    green_exists: bool  # the replacement (Green) task set exists, its targets registered
    # The listener that routes to GREEN: TEST, PRODUCTION, WEIGHTED (the production rule's weights are shifting
    # between BLUE and GREEN: GREEN takes a share of production, requests cannot choose it), or None (none does yet)
    green_route: str | None
    # An ECS stage's CodeDeploy equivalent, where the same things hold, so one config serves both engines (None:
    # there is none, and only a config naming the stage itself plans anything there). Two stages are equal when they
    # offer the same, whatever they stand for.
    codedeploy_event: str | None = field(default=None, compare=False)


STAGES = {
    "BeforeInstall": Stage(green_exists=False, green_route=None),
    "AfterInstall": Stage(green_exists=True, green_route=None),
    "AfterAllowTestTraffic": Stage(green_exists=True, green_route=TEST),
    "BeforeAllowTraffic": Stage(green_exists=True, green_route=TEST),
    "AfterAllowTraffic": Stage(green_exists=True, green_route=PRODUCTION),
}
# Amazon ECS's lifecycle stages: botocore's ecs DeploymentLifecycleHookStage, in their order (ECS developer guide,
# "Lifecycle hooks for Amazon ECS service deployments"). ECS_TABLE below holds what each offers.
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
# Before scale-up there are no GREEN tasks; after it they run but no rule routes to them; while test traffic shifts
# the test rule's weights are changing; from POST_TEST_TRAFFIC_SHIFT the test rule routes to GREEN, at
# PRODUCTION_TRAFFIC_SHIFT "the green service revision is migrating from 0% to 100% of production traffic" (at every
# step of LINEAR and CANARY): the production rule forwards a weighted share to each; after it, to GREEN alone.
# The CodeDeploy equivalents: BeforeAllowTraffic is "before traffic is shifted to the replacement task set" as
# PRE_PRODUCTION_TRAFFIC_SHIFT "occurs before production traffic shift".
ECS_TABLE: dict[str, Stage] = {
    "RECONCILE_SERVICE": Stage(green_exists=False, green_route=None),
    "PRE_SCALE_UP": Stage(green_exists=False, green_route=None, codedeploy_event="BeforeInstall"),
    "POST_SCALE_UP": Stage(green_exists=True, green_route=None, codedeploy_event="AfterInstall"),
    "TEST_TRAFFIC_SHIFT": Stage(green_exists=True, green_route=None),
    "POST_TEST_TRAFFIC_SHIFT": Stage(green_exists=True, green_route=TEST, codedeploy_event="AfterAllowTestTraffic"),
    "PRE_PRODUCTION_TRAFFIC_SHIFT": Stage(green_exists=True, green_route=TEST, codedeploy_event="BeforeAllowTraffic"),
    "PRODUCTION_TRAFFIC_SHIFT": Stage(green_exists=True, green_route=WEIGHTED),
    "POST_PRODUCTION_TRAFFIC_SHIFT": Stage(
        green_exists=True, green_route=PRODUCTION, codedeploy_event="AfterAllowTraffic"
    ),
}
if tuple(ECS_TABLE) != ECS_STAGES:  # the type and the table name the same stages, in the same order
    raise AssertionError("ECS_TABLE and EcsStage list different stages")
NO_GREEN = "there is no GREEN task set yet"
NOT_ROUTED = "no listener routes to GREEN yet (the test listener still sends to BLUE), so requests would test BLUE"
WEIGHTED_ROUTE = (
    "the production rule forwards a weighted share to GREEN and the rest to BLUE (each step of LINEAR and CANARY), "
    "so most requests would test BLUE and none can choose GREEN; metrics judge GREEN's target group there, and "
    "requests reach GREEN alone at POST_TEST_TRAFFIC_SHIFT (test rule) and POST_PRODUCTION_TRAFFIC_SHIFT"
)


def stage(event: str) -> Stage:
    """The event's (or ECS stage's) stage; one outside both tables is treated as routed by test."""
    return STAGES.get(event) or ECS_TABLE.get(event) or Stage(green_exists=True, green_route=TEST)


def why_not(event: str, needs_green: bool, needs_traffic: bool, per_target_group: bool = False) -> str | None:
    """Why a check with these needs cannot run at `event`, or None when it can. `needs_traffic`: GREEN must take
    traffic; unless the check reads it per target group (`per_target_group`, metrics), its own requests must reach
    GREEN alone."""
    where = stage(event)
    if needs_green and not where.green_exists:
        return f"at {event} {NO_GREEN}"
    if needs_traffic and where.green_route is None:
        return f"at {event} {NOT_ROUTED}"
    if needs_traffic and where.green_route == WEIGHTED and not per_target_group:
        return f"at {event} {WEIGHTED_ROUTE}"
    return None
