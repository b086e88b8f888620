"""The local stand-in for Amazon ECS native blue/green: a service deployment with a source and a target revision,
listener rules with a test condition on the production port, and ECS's side of the lifecycle hook.

Fields and enums as botocore's `ecs` and `elbv2` models spell them; every ECS answer passes the conformance check
(greenlight.engine.patches.ecs). The hook is invoked as ECS invokes it (synchronously, the payload of the ECS
developer guide's "Lifecycle hooks" page) and again after each `callBackDelay`, scaled by the engine's time scale.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from moto.backends import get_backend

from greenlight.engine.ecs_routing import rule_matches
from greenlight.engine.listener import ListenerSettings, TestListener
from greenlight.engine.patches.ecs import ecs_stand_in
from greenlight.engine.settings import EngineSettings
from greenlight.engine.standin import ACCOUNT, REGION, _listener, _load_balancer, _target_groups

ECS_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}"
# The stand-in's test rule selects test requests by a header on the production port (any condition would do).
TEST_HEADER = "X-Greenlight-Test"
TEST_CONDITION = {"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": TEST_HEADER, "Values": ["true"]}}
STEP_PERCENT = 10.0  # the first production step of LINEAR (stepPercent) and CANARY (canaryPercent)
TEST_STAGES = ("TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT", "PRE_PRODUCTION_TRAFFIC_SHIFT")
PRODUCTION_STAGES = ("PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT")


@dataclass
class EcsDeployment:
    """One service deployment paused at `stage`, and every answer the hook gave ECS."""

    deployment_arn: str
    service_arn: str
    target_revision_arn: str
    source_revision_arn: str
    stage: str
    strategy: str
    listener: TestListener
    green_target_group_arn: str
    settings: EngineSettings
    rollback: bool = False
    hook_execution_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    answers: list[dict[str, Any]] = field(default_factory=list)
    # Fault injection: called after each answer (with the engine and the answer), and further calls made after the
    # final answer, which ECS itself would not make (a late or duplicated invocation must change nothing).
    after_answer: Callable[[Any, EcsDeployment, dict[str, Any]], None] | None = None
    calls_after_final: int = 0

    def weights(self) -> tuple[dict[str, float], dict[str, float]]:
        """Test and production traffic weights per revision ARN at this stage (a rollback gives GREEN none)."""
        target, source = self.target_revision_arn, self.source_revision_arn
        green_test = 100.0 if self.stage in TEST_STAGES + PRODUCTION_STAGES else 0.0
        green_production = 0.0
        if self.stage == "POST_PRODUCTION_TRAFFIC_SHIFT" or (
            self.stage == "PRODUCTION_TRAFFIC_SHIFT" and self.strategy == "BLUE_GREEN"
        ):
            green_production = 100.0
        elif self.stage == "PRODUCTION_TRAFFIC_SHIFT":
            green_production = STEP_PERCENT
        if self.rollback:
            green_production = 0.0
        return (
            {target: green_test, source: 100.0 - green_test},
            {target: green_production, source: 100.0 - green_production},
        )

    def hook_event(self, hook_details: dict[str, Any] | None = None) -> dict[str, Any]:
        test, production = self.weights()
        event: dict[str, Any] = {
            "executionId": self.hook_execution_id,
            "lifecycleStage": self.stage,
            "resourceArn": self.deployment_arn,
            "executionDetails": {
                "serviceArn": self.service_arn,
                "targetServiceRevisionArn": self.target_revision_arn,
                "testTrafficWeights": test,
                "productionTrafficWeights": production,
            },
        }
        if hook_details:
            event["hookDetails"] = hook_details
        return event

    def callbacks(self) -> list[dict[str, Any]]:
        """ECS takes no callback: the hook's answers are the verdict (CodeDeploy's LocalDeployment has callbacks)."""
        return []


def _revision(arn: str, service_arn: str, cluster_arn: str, groups: dict[str, str], rules: dict[str, str]) -> Any:
    return {
        "serviceRevisionArn": arn,
        "serviceArn": service_arn,
        "clusterArn": cluster_arn,
        "taskDefinition": f"{ECS_ARN}:task-definition/{service_arn.rsplit('/', 1)[-1]}:{arn.rsplit('/', 1)[-1]}",
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


def _record(deployment: EcsDeployment, cluster_arn: str, groups: dict[str, str], rules: dict[str, str]) -> None:
    """The service deployment and its revisions, as DescribeServiceDeployments / DescribeServiceRevisions give them."""
    state = ecs_stand_in(get_backend("ecs")[ACCOUNT][REGION])
    target, source = deployment.target_revision_arn, deployment.source_revision_arn
    for arn, resolved in ((target, groups["green"]), (source, groups["blue"])):
        revision = _revision(arn, deployment.service_arn, cluster_arn, groups, rules)
        revision["resolvedConfiguration"] = {
            "loadBalancers": [{"targetGroupArn": resolved, "productionListenerRule": rules["production"]}]
        }
        state.revisions[arn] = revision
    test, production = deployment.weights()
    configuration: dict[str, Any] = {"strategy": deployment.strategy, "bakeTimeInMinutes": 0}
    if deployment.strategy == "CANARY":
        configuration["canaryConfiguration"] = {"canaryPercent": STEP_PERCENT, "canaryBakeTimeInMinutes": 1}
    elif deployment.strategy == "LINEAR":
        configuration["linearConfiguration"] = {"stepPercent": STEP_PERCENT, "stepBakeTimeInMinutes": 1}
    state.deployments[deployment.deployment_arn] = {
        "serviceDeploymentArn": deployment.deployment_arn,
        "serviceArn": deployment.service_arn,
        "clusterArn": cluster_arn,
        "createdAt": datetime.now(UTC),
        "startedAt": datetime.now(UTC),
        "sourceServiceRevisions": [_summary(source, test[source], production[source])],
        "targetServiceRevision": _summary(target, test[target], production[target]),
        "status": "ROLLBACK_IN_PROGRESS" if deployment.rollback else "IN_PROGRESS",
        "lifecycleStage": deployment.stage,
        "deploymentConfiguration": configuration,
    }


def _rules(elbv2: Any, listener_arn: str, groups: dict[str, str], production_green: float) -> dict[str, str]:
    """The test rule (its condition selects test requests on the production port) and the production rule; ECS
    shifts traffic by the weights of their forward actions."""

    def forward(green: float) -> list[dict[str, Any]]:
        weights = [{"TargetGroupArn": groups["blue"], "Weight": int(100 - green)}]
        weights.append({"TargetGroupArn": groups["green"], "Weight": int(green)})
        return [{"Type": "forward", "ForwardConfig": {"TargetGroups": weights}}]

    test = elbv2.create_rule(ListenerArn=listener_arn, Priority=10, Conditions=[TEST_CONDITION], Actions=forward(100))
    production = elbv2.create_rule(
        ListenerArn=listener_arn,
        Priority=20,
        Conditions=[{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/*"]}}],
        Actions=forward(production_green),
    )
    return {"test": test["Rules"][0]["RuleArn"], "production": production["Rules"][0]["RuleArn"]}


def create_ecs_deployment(
    clients: dict[str, Any],
    upstream: str,
    health_path: str,
    settings: EngineSettings,
    names: tuple[str, str],
    stage: str = "POST_TEST_TRAFFIC_SHIFT",
    strategy: str = "BLUE_GREEN",
    rollback: bool = False,
) -> EcsDeployment:
    """An ECS blue/green service deployment of service `names[1]` in cluster `names[0]` paused at `stage`, GREEN
    behind a real loopback listener that forwards only what the test rule's conditions select."""
    elbv2 = clients["elbv2"]
    vpc, balancer_arn, balancer_dimension = _load_balancer(elbv2)
    groups = _target_groups(elbv2, vpc, health_path)
    dimensions = [
        {"Name": "TargetGroup", "Value": groups["green"].split(":", 5)[5]},
        {"Name": "LoadBalancer", "Value": balancer_dimension},
    ]
    listener = TestListener(ListenerSettings(upstream, health_path, dimensions=dimensions), clients["cloudwatch"])
    listener.start()
    try:
        return _wire(clients, listener, settings, names, groups, balancer_arn, stage, strategy, rollback)
    except BaseException:
        listener.close()  # a listener left running would publish metrics after its run has ended
        raise


def _wire(
    clients: dict[str, Any],
    listener: TestListener,
    settings: EngineSettings,
    names: tuple[str, str],
    groups: dict[str, str],
    balancer_arn: str,
    stage: str,
    strategy: str,
    rollback: bool,
) -> EcsDeployment:
    """The listener rules, the test rule's gate on the emulated listener, and the ECS service deployment."""
    cluster, service = names
    elbv2 = clients["elbv2"]
    settings.target_health[groups["green"]] = listener.target_health
    production_listener = _listener(elbv2, balancer_arn, listener.port, groups["blue"])
    deployment = EcsDeployment(
        deployment_arn=f"{ECS_ARN}:service-deployment/{cluster}/{service}/{uuid.uuid4().hex[:21]}",
        service_arn=f"{ECS_ARN}:service/{cluster}/{service}",
        target_revision_arn=f"{ECS_ARN}:service-revision/{cluster}/{service}/2",
        source_revision_arn=f"{ECS_ARN}:service-revision/{cluster}/{service}/1",
        stage=stage,
        strategy=strategy,
        listener=listener,
        green_target_group_arn=groups["green"],
        settings=settings,
        rollback=rollback,
    )
    _, production = deployment.weights()
    rules = _rules(elbv2, production_listener, groups, production[deployment.target_revision_arn])
    gate = elbv2.describe_rules(RuleArns=[rules["test"]])["Rules"][0]["Conditions"]  # as the ALB holds it
    listener.settings.routes_to_green = lambda method, target, headers: rule_matches(gate, method, target, headers)
    _record(deployment, f"{ECS_ARN}:cluster/{cluster}", groups, rules)
    return deployment
