"""What each CodeDeploy lifecycle event (and each Amazon ECS lifecycle stage) offers a validation: one table, read
by the config's validation (what may be planned where) and by Prepare (which listener reaches GREEN).

CodeDeploy runs the hooks in this order (AppSpec "hooks" section for an Amazon ECS deployment): BeforeInstall
before the replacement task set exists, AfterInstall once it exists with its tasks registered in the GREEN target
group but before any listener routes to it, AfterAllowTestTraffic and BeforeAllowTraffic while the test listener
routes to it, AfterAllowTraffic once the production listener does.
"""

from __future__ import annotations

from dataclasses import dataclass

TEST, PRODUCTION = "test", "production"


@dataclass(frozen=True)
class Stage:
    green_exists: bool  # the replacement (Green) task set exists, its targets registered
    green_route: str | None  # the listener that routes to GREEN: TEST, PRODUCTION, or None (none does yet)


STAGES = {
    "BeforeInstall": Stage(green_exists=False, green_route=None),
    "AfterInstall": Stage(green_exists=True, green_route=None),
    "AfterAllowTestTraffic": Stage(green_exists=True, green_route=TEST),
    "BeforeAllowTraffic": Stage(green_exists=True, green_route=TEST),
    "AfterAllowTraffic": Stage(green_exists=True, green_route=PRODUCTION),
}
# Amazon ECS's lifecycle stages (ECS developer guide, "Lifecycle hooks for Amazon ECS service deployments"), in
# their order: before scale-up there are no GREEN tasks; after it they run but no rule routes to them; while test
# traffic shifts the test rule's weights are changing; from POST_TEST_TRAFFIC_SHIFT the test rule routes to GREEN,
# from PRODUCTION_TRAFFIC_SHIFT the production rule does (prepare.ecs_stages sends requests through it there).
ECS_TABLE = {
    "RECONCILE_SERVICE": Stage(green_exists=False, green_route=None),
    "PRE_SCALE_UP": Stage(green_exists=False, green_route=None),
    "POST_SCALE_UP": Stage(green_exists=True, green_route=None),
    "TEST_TRAFFIC_SHIFT": Stage(green_exists=True, green_route=None),
    "POST_TEST_TRAFFIC_SHIFT": Stage(green_exists=True, green_route=TEST),
    "PRE_PRODUCTION_TRAFFIC_SHIFT": Stage(green_exists=True, green_route=TEST),
    "PRODUCTION_TRAFFIC_SHIFT": Stage(green_exists=True, green_route=PRODUCTION),
    "POST_PRODUCTION_TRAFFIC_SHIFT": Stage(green_exists=True, green_route=PRODUCTION),
}
NO_GREEN = "there is no GREEN task set yet"
NOT_ROUTED = "no listener routes to GREEN yet (the test listener still sends to BLUE), so requests would test BLUE"


def stage(event: str) -> Stage:
    """The event's (or ECS stage's) stage; one outside both tables is treated as routed by test."""
    return STAGES.get(event) or ECS_TABLE.get(event) or Stage(green_exists=True, green_route=TEST)


def why_not(event: str, needs_green: bool, needs_traffic: bool) -> str | None:
    """Why a check with these needs cannot run at `event`, or None when it can."""
    where = stage(event)
    if needs_green and not where.green_exists:
        return f"at {event} {NO_GREEN}"
    if needs_traffic and where.green_route is None:
        return f"at {event} {NOT_ROUTED}"
    return None
