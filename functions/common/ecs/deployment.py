"""What Amazon ECS itself says about a service deployment (DescribeServiceDeployments), read one way by every part
that must know: the ECS hook (is this invocation a rollback? which production step is it?) and a pause hook's
answer (is the deployment still going forward?).

Field names and status values as botocore's `ecs` model spells them (ServiceDeployment, ServiceDeploymentStatus,
ServiceRevisionSummary). The ECS developer guide ("View service history using Amazon ECS service deployments")
sorts the statuses: PENDING not started; IN_PROGRESS, STOP_REQUESTED, ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS
ongoing; SUCCESSFUL, STOPPED, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED completed. Free of pydantic: the ECS hook's cold
start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient

ROLLBACK_STATUSES = frozenset({"ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS"})
FORWARD_STATUSES = frozenset({"PENDING", "IN_PROGRESS"})  # not started yet, or going forward
GRADUAL_STRATEGIES = frozenset({"LINEAR", "CANARY"})  # DeploymentStrategy values that shift production in steps


class ServiceDeploymentNotFoundError(Exception):
    """ECS describes no such service deployment (its `failures` say why)."""


@dataclass(frozen=True)
class ServiceDeploymentView:
    arn: str
    status: str
    lifecycle_stage: str
    strategy: str
    target_revision_arn: str
    source_revision_arns: tuple[str, ...]
    requested_production_weight: float | None  # the target revision's requestedProductionTrafficWeight
    status_reason: str = ""

    @property
    def rolling_back(self) -> bool:
        return self.status in ROLLBACK_STATUSES

    @property
    def going_forward(self) -> bool:
        return self.status in FORWARD_STATUSES

    @property
    def gradual(self) -> bool:
        return self.strategy in GRADUAL_STRATEGIES


def view_of(deployment: dict[str, Any]) -> ServiceDeploymentView:
    """A ServiceDeployment as DescribeServiceDeployments gives it."""
    target = deployment.get("targetServiceRevision") or {}
    weight = target.get("requestedProductionTrafficWeight")
    return ServiceDeploymentView(
        arn=str(deployment.get("serviceDeploymentArn", "")),
        status=str(deployment.get("status", "")),
        lifecycle_stage=str(deployment.get("lifecycleStage", "")),
        strategy=str((deployment.get("deploymentConfiguration") or {}).get("strategy", "")),
        target_revision_arn=str(target.get("arn", "")),
        source_revision_arns=tuple(str(s["arn"]) for s in deployment.get("sourceServiceRevisions", []) if "arn" in s),
        requested_production_weight=float(weight) if isinstance(weight, int | float) else None,
        status_reason=str(deployment.get("statusReason", "")),
    )


def service_deployment(ecs: ECSClient, arn: str) -> dict[str, Any]:
    """The ServiceDeployment `arn` as ECS gives it; ServiceDeploymentNotFoundError when ECS describes none (AWS errors
    propagate: the caller knows whether to retry)."""
    answer = ecs.describe_service_deployments(serviceDeploymentArns=[arn])
    found = [d for d in answer.get("serviceDeployments", []) if d.get("serviceDeploymentArn") == arn]
    if not found:
        failures = "; ".join(f"{f.get('reason')}: {f.get('detail', '')}" for f in answer.get("failures", []))
        raise ServiceDeploymentNotFoundError(f"ECS describes no service deployment {arn} ({failures or 'not found'})")
    return dict(found[0])


def describe(ecs: ECSClient, arn: str) -> ServiceDeploymentView:
    return view_of(service_deployment(ecs, arn))
