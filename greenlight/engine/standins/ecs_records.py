"""The ECS stand-in's service deployment and service revisions, as DescribeServiceDeployments and
DescribeServiceRevisions give them (botocore's `ecs` shapes; every answer passes the conformance check when sent),
for one stage and step of an `EcsDeployment`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from moto.backends import get_backend

from greenlight.engine.patches.ecs import ecs_stand_in
from greenlight.engine.standins.codedeploy import ACCOUNT, REGION
from greenlight.engine.standins.ecs_payloads import FULL, production_steps


class EcsDeployment(Protocol):
    """What the records need of greenlight.engine.standins.ecs.EcsDeployment (a protocol: no import cycle)."""

    deployment_arn: str
    service_arn: str
    target_revision_arn: str
    source_revision_arn: str
    stage: str
    strategy: str
    rollback: bool
    wiring: dict[str, Any]


ECS_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}"
# botocore's ServiceDeploymentLifecycleStage has no PRE_PRODUCTION_TRAFFIC_SHIFT; the guide does not say what ECS
# reports during that hook (tests/events/ecs/README.md): the stand-in reports the production shift it precedes.
DEPLOYMENT_STAGE = {"PRE_PRODUCTION_TRAFFIC_SHIFT": "PRODUCTION_TRAFFIC_SHIFT"}


def _revision(arn: str, deployment: EcsDeployment, cluster_arn: str, resolved: str) -> Any:
    groups, rules = deployment.wiring["groups"], deployment.wiring["rules"]
    family, number = deployment.service_arn.rsplit("/", 1)[-1], arn.rsplit("/", 1)[-1]
    return {
        "serviceRevisionArn": arn,
        "serviceArn": deployment.service_arn,
        "clusterArn": cluster_arn,
        "taskDefinition": f"{ECS_ARN}:task-definition/{family}:{number}",
        "launchType": "FARGATE",
        "loadBalancers": [
            {
                "targetGroupArn": groups["blue"],
                "containerName": "app",
                "containerPort": 80,
                "advancedConfiguration": {
                    "alternateTargetGroupArn": groups["green"],
                    "productionListenerRule": rules["production"],
                    "testListenerRule": rules["test"],
                    "roleArn": f"arn:aws:iam::{ACCOUNT}:role/ecs-infrastructure",
                },
            }
        ],
        "resolvedConfiguration": {
            "loadBalancers": [{"targetGroupArn": resolved, "productionListenerRule": rules["production"]}]
        },
        "createdAt": datetime.now(UTC),
    }


def _summary(arn: str, test: float, production: float) -> dict[str, Any]:
    return {
        "arn": arn,
        "requestedTaskCount": 1,
        "runningTaskCount": 1,
        "pendingTaskCount": 0,
        "requestedTestTrafficWeight": test,
        "requestedProductionTrafficWeight": production,
    }


def _configuration(strategy: str) -> dict[str, Any]:
    configuration: dict[str, Any] = {"strategy": strategy, "bakeTimeInMinutes": 0}
    shares = production_steps(strategy)
    if strategy == "CANARY":
        configuration["canaryConfiguration"] = {"canaryPercent": shares[0], "canaryBakeTimeInMinutes": 1}
    elif strategy == "LINEAR":
        configuration["linearConfiguration"] = {"stepPercent": shares[0], "stepBakeTimeInMinutes": 1}
    return configuration


def record(deployment: EcsDeployment, test: float, production: float) -> None:
    """The service deployment and its revisions, as DescribeServiceDeployments / DescribeServiceRevisions give them."""
    state = ecs_stand_in(get_backend("ecs")[ACCOUNT][REGION])
    target, source, cluster = (
        deployment.target_revision_arn,
        deployment.source_revision_arn,
        deployment.wiring["cluster"],
    )
    state.revisions[target] = _revision(target, deployment, cluster, deployment.wiring["groups"]["green"])
    state.revisions[source] = _revision(source, deployment, cluster, deployment.wiring["groups"]["blue"])
    record: dict[str, Any] = {
        "serviceDeploymentArn": deployment.deployment_arn,
        "serviceArn": deployment.service_arn,
        "clusterArn": cluster,
        "createdAt": datetime.now(UTC),
        "startedAt": datetime.now(UTC),
        "sourceServiceRevisions": [_summary(source, FULL - test, FULL - production)],
        "targetServiceRevision": _summary(target, test, production),
        "status": "ROLLBACK_IN_PROGRESS" if deployment.rollback else "IN_PROGRESS",
        "lifecycleStage": DEPLOYMENT_STAGE.get(deployment.stage, deployment.stage),
        "deploymentConfiguration": _configuration(deployment.strategy),
    }
    hooks = state.deployments.get(deployment.deployment_arn, {}).get("lifecycleHookDetails")
    if hooks:  # the pause hooks ECS opened at earlier steps stay listed with their status
        record["lifecycleHookDetails"] = hooks
    if deployment.rollback:
        record["rollback"] = {"reason": "a lifecycle hook answered FAILED", "startedAt": datetime.now(UTC)}
        record["rollback"]["serviceRevisionArn"] = source
    state.deployments[deployment.deployment_arn] = record
