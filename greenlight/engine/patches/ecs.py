"""Amazon ECS service deployments and service revisions, which moto 5.2.5 does not have.

The stand-in keeps them on moto's ECS backend (reset with every mock); every answer passes the conformance check
before it is sent. `greenlight.engine.ecs_controller` fills them and plays ECS's part in a deployment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from moto.core.responses import ActionResult
from moto.ecs.models import EC2ContainerServiceBackend
from moto.ecs.responses import EC2ContainerServiceResponse

from greenlight.engine import conformance
from greenlight.engine.patches.codedeploy import kept_on
from greenlight.engine.patches.originals import PatchList

NOT_FOUND = "MISSING"  # ecs Failure.reason for an ARN ECS does not know (the API reference's example answers)


@dataclass
class EcsStandIn:
    deployments: dict[str, dict[str, Any]] = field(default_factory=dict)  # by serviceDeploymentArn
    revisions: dict[str, dict[str, Any]] = field(default_factory=dict)  # by serviceRevisionArn


def ecs_stand_in(backend: EC2ContainerServiceBackend) -> EcsStandIn:
    return kept_on(backend, EcsStandIn)


def _described(found: dict[str, dict[str, Any]], arns: list[str], key: str) -> dict[str, Any]:
    return {
        key: [found[arn] for arn in arns if arn in found],
        "failures": [{"arn": arn, "reason": NOT_FOUND} for arn in arns if arn not in found],
    }


def describe_service_deployments(self: EC2ContainerServiceResponse) -> ActionResult:
    arns = list(self._get_param("serviceDeploymentArns", []))
    answer = _described(ecs_stand_in(self.ecs_backend).deployments, arns, "serviceDeployments")
    return ActionResult(dict(conformance.check("ecs", "DescribeServiceDeployments", answer)))


def describe_service_revisions(self: EC2ContainerServiceResponse) -> ActionResult:
    arns = list(self._get_param("serviceRevisionArns", []))
    answer = _described(ecs_stand_in(self.ecs_backend).revisions, arns, "serviceRevisions")
    return ActionResult(dict(conformance.check("ecs", "DescribeServiceRevisions", answer)))


PATCHES: PatchList = [
    (EC2ContainerServiceResponse, "describe_service_deployments", describe_service_deployments),
    (EC2ContainerServiceResponse, "describe_service_revisions", describe_service_revisions),
]
