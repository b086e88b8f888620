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
from common.runtime.lifecycle import ECS_TABLE, PRODUCTION, WEIGHTED


def codedeploy_event(stage: str) -> str:
    """The CodeDeploy lifecycle event a stage stands for (common.runtime.lifecycle.ECS_TABLE); stages with none
    (RECONCILE_SERVICE, TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT) keep their own name, which only a config naming
    that stage plans anything at."""
    known = ECS_TABLE.get(stage)
    return (known.codedeploy_event if known else None) or stage or DEFAULT_LIFECYCLE_EVENT


def uses_production_rule(stage: str) -> bool:
    """GREEN serves production from here on: requests go through the production rule, not the test rule."""
    known = ECS_TABLE.get(stage)
    return known is not None and known.green_route in (WEIGHTED, PRODUCTION)


def runs_at(lifecycle_events: list[str], lifecycle_event: str, stage: str | None) -> bool:
    """A validation runs at an ECS stage named in its lifecycle_events, or at the CodeDeploy event it stands for."""
    return lifecycle_event in lifecycle_events or (stage is not None and stage in lifecycle_events)
