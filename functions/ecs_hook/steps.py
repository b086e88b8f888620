"""Which step of which hook execution an invocation belongs to, and the workflow execution that judges that step.

LINEAR and CANARY deployments invoke the PRE_PRODUCTION_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT hooks at every
traffic shift step (ECS developer guide, "Lambda hooks for Amazon ECS service deployments"); each step is judged on
its own. The guide does not say whether a step gets a new `executionId` (its examples show a new one per stage), nor
what weights a LINEAR or CANARY step's payload carries. So a step is told apart by its executionId, its stage and
the payload's weights, and, where a step stage's payload has no production weights, by the production weight ECS
requested for the target revision (DescribeServiceDeployments). Its execution is named from all of these, so a
retried call finds it and a new step never finds the previous step's verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from common.runtime.names import execution_name
from ecs_hook.contract import EcsHookEvent

STEP_STAGES = frozenset({"PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"})


def needs_requested_weight(event: EcsHookEvent) -> bool:
    return event.lifecycle_stage in STEP_STAGES and not event.production_traffic_weights


def _weights(weights: dict[str, float]) -> str:
    return ",".join(f"{arn}={weight:g}" for arn, weight in sorted(weights.items()))


def step_key(event: EcsHookEvent, requested: float | None = None) -> str:
    parts = [event.lifecycle_stage, _weights(event.test_traffic_weights), _weights(event.production_traffic_weights)]
    if requested is not None:
        parts.append(f"requested={requested:g}")
    return "|".join(parts)


def execution_name_for(execution_id: str, key: str) -> str:
    return execution_name(f"{execution_id}|{key}")


@dataclass(frozen=True)
class Step:
    key: str
    name: str  # the execution that judges this step
    entry: dict[str, Any] = field(default_factory=dict)  # what earlier answers to this step recorded

    def record(self, **changes: Any) -> dict[str, Any]:
        """greenlight's hookDetails entry for an answer about this step."""
        return self.entry | changes | {"step": self.key, "execution": self.name}
