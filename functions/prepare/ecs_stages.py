"""ECS lifecycle stages and the CodeDeploy lifecycle events they stand for, so one config serves both engines.

Each CodeDeploy event stands for the ECS stage where the same things hold: BeforeInstall -> PRE_SCALE_UP,
AfterInstall -> POST_SCALE_UP, AfterAllowTestTraffic -> POST_TEST_TRAFFIC_SHIFT, BeforeAllowTraffic ->
PRE_PRODUCTION_TRAFFIC_SHIFT (CodeDeploy: "before traffic is shifted to the replacement task set"; ECS: "occurs
before production traffic shift"), AfterAllowTraffic -> POST_PRODUCTION_TRAFFIC_SHIFT. PRODUCTION_TRAFFIC_SHIFT
has no CodeDeploy equivalent: there the production rule's weights move between BLUE and GREEN, so requests cannot
choose GREEN (common.runtime.lifecycle refuses them), and only a config naming that stage plans anything there.
"""

from __future__ import annotations

from common.config import DEFAULT_LIFECYCLE_EVENT

CODEDEPLOY_EVENT = {
    "PRE_SCALE_UP": "BeforeInstall",
    "POST_SCALE_UP": "AfterInstall",
    "POST_TEST_TRAFFIC_SHIFT": "AfterAllowTestTraffic",
    "PRE_PRODUCTION_TRAFFIC_SHIFT": "BeforeAllowTraffic",
    "POST_PRODUCTION_TRAFFIC_SHIFT": "AfterAllowTraffic",
}
# GREEN serves production from here on: requests go through the production rule, not the test rule.
PRODUCTION_STAGES = {"PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"}


def codedeploy_event(stage: str) -> str:
    """The CodeDeploy lifecycle event a stage stands for; stages with none (RECONCILE_SERVICE, TEST_TRAFFIC_SHIFT,
    PRODUCTION_TRAFFIC_SHIFT) keep their own name, which only a config naming that stage plans anything at."""
    return CODEDEPLOY_EVENT.get(stage, stage or DEFAULT_LIFECYCLE_EVENT)


def uses_production_rule(stage: str) -> bool:
    return stage in PRODUCTION_STAGES


def runs_at(lifecycle_events: list[str], lifecycle_event: str, stage: str | None) -> bool:
    """A validation runs at an ECS stage named in its lifecycle_events, or at the CodeDeploy event it stands for."""
    return lifecycle_event in lifecycle_events or (stage is not None and stage in lifecycle_events)
