"""ECS lifecycle stages and the CodeDeploy lifecycle events they stand for, so one config serves both engines.

The mapping is the one AWS's migration guide from CodeDeploy to ECS blue/green gives: BeforeInstall ->
PRE_SCALE_UP, AfterInstall -> POST_SCALE_UP, AfterAllowTestTraffic -> POST_TEST_TRAFFIC_SHIFT, BeforeAllowTraffic
-> PRE_PRODUCTION_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT, AfterAllowTraffic -> POST_PRODUCTION_TRAFFIC_SHIFT.
"""

from __future__ import annotations

from common.config import DEFAULT_LIFECYCLE_EVENT

CODEDEPLOY_EVENT = {
    "PRE_SCALE_UP": "BeforeInstall",
    "POST_SCALE_UP": "AfterInstall",
    "POST_TEST_TRAFFIC_SHIFT": "AfterAllowTestTraffic",
    "PRE_PRODUCTION_TRAFFIC_SHIFT": "BeforeAllowTraffic",
    "PRODUCTION_TRAFFIC_SHIFT": "BeforeAllowTraffic",
    "POST_PRODUCTION_TRAFFIC_SHIFT": "AfterAllowTraffic",
}
# GREEN serves production from here on: requests go through the production rule, not the test rule.
PRODUCTION_STAGES = {"PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"}


def codedeploy_event(stage: str) -> str:
    """The CodeDeploy lifecycle event a stage stands for; stages with none (RECONCILE_SERVICE, TEST_TRAFFIC_SHIFT)
    keep their own name, which only a config naming that stage plans anything at."""
    return CODEDEPLOY_EVENT.get(stage, stage or DEFAULT_LIFECYCLE_EVENT)


def uses_production_rule(stage: str) -> bool:
    return stage in PRODUCTION_STAGES


def runs_at(lifecycle_events: list[str], lifecycle_event: str, stage: str | None) -> bool:
    """A validation runs at an ECS stage named in its lifecycle_events, or at the CodeDeploy event it stands for."""
    return lifecycle_event in lifecycle_events or (stage is not None and stage in lifecycle_events)
