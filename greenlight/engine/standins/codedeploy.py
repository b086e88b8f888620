"""The local stand-in for AWS's part: a CodeDeploy ECS deployment, its load balancer and the test listener."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from moto.backends import get_backend

from greenlight.engine.balancer.listener import ListenerSettings, TestListener
from greenlight.engine.balancer.tls import LocalCertificate
from greenlight.engine.core.context import EngineSettings
from greenlight.engine.patches.codedeploy import stand_in

ACCOUNT, REGION = "123456789012", "us-east-1"
APPLICATION, DEPLOYMENT_GROUP = "sample-service", "sample-service-dg"
LOCAL_HOST = "127.0.0.1"


@dataclass
class LocalDeployment:
    deployment_id: str
    hook_execution_id: str
    listener: TestListener
    green_target_group_arn: str
    settings: EngineSettings  # the engine's, for faults it injects into this deployment
    blue_listener: TestListener | None = None  # the production listener, when a BLUE service is given

    def close(self) -> None:
        self.listener.close()
        if self.blue_listener is not None:
            self.blue_listener.close()

    def callbacks(self) -> list[dict[str, Any]]:
        """Every PutLifecycleEventHookExecutionStatus call for this deployment, in order, accepted or not."""
        state = stand_in(get_backend("codedeploy")[ACCOUNT][REGION])
        return [c for c in state.callbacks if c["deploymentId"] == self.deployment_id]

    def ecs_target(self) -> dict[str, Any]:
        """The deployment's ECS target as GetDeploymentTarget returns it (change it to shape a scenario)."""
        return stand_in(get_backend("codedeploy")[ACCOUNT][REGION]).targets[self.deployment_id]

    def fail_callbacks(self, *error_codes: str) -> None:
        """The next callbacks are refused with these error codes, in order (fault injection)."""
        self.settings.inject_api_faults("codedeploy", "put_lifecycle_event_hook_execution_status", *error_codes)


# An ECS deployment's lifecycle events in the order CodeDeploy runs them; Install, AllowTestTraffic and
# AllowTraffic are CodeDeploy's own steps, the rest are hooks.
ECS_LIFECYCLE_EVENTS = (
    "BeforeInstall",
    "Install",
    "AfterInstall",
    "AllowTestTraffic",
    "AfterAllowTestTraffic",
    "BeforeAllowTraffic",
    "AllowTraffic",
    "AfterAllowTraffic",
)


def _task_set(label: str, traffic_weight: float) -> dict[str, Any]:
    """One ECS task set as GetDeploymentTarget reports it (`identifer` is the API's own spelling)."""
    return {
        "identifer": f"ecs-svc/{label.lower()}",
        "desiredCount": 1,
        "pendingCount": 0,
        "runningCount": 1,
        "status": "PRIMARY" if traffic_weight else "ACTIVE",  # ECS: the primary task set serves production
        "trafficWeight": traffic_weight,
        "targetGroup": {"name": f"sample-service-{label.lower()}"},
        "taskSetLabel": label,
    }


def ecs_target(deployment_id: str, lifecycle_event: str) -> dict[str, Any]:
    """The deployment's ECSTarget while CodeDeploy runs `lifecycle_event`: the events before it Succeeded,
    it InProgress, the rest Pending; the replacement (Green) task set exists from Install on, and takes the
    production traffic at AllowTraffic."""
    current = ECS_LIFECYCLE_EVENTS.index(lifecycle_event)
    status = {True: "Succeeded", False: "Pending"}
    events = [
        {"lifecycleEventName": name, "status": "InProgress" if i == current else status[i < current]}
        for i, name in enumerate(ECS_LIFECYCLE_EVENTS)
    ]
    shifted = current > ECS_LIFECYCLE_EVENTS.index("AllowTraffic")
    task_sets = [_task_set("Blue", 0.0 if shifted else 100.0)]
    if current > ECS_LIFECYCLE_EVENTS.index("Install"):
        task_sets.append(_task_set("Green", 100.0 if shifted else 0.0))
    return {
        "deploymentId": deployment_id,
        "targetId": "local:sample-service",
        "targetArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/local/sample-service",
        "lastUpdatedAt": datetime.now(UTC),
        "lifecycleEvents": events,
        "status": "InProgress",
        "taskSetsInfo": task_sets,
    }


def _load_balancer(elbv2: Any) -> tuple[str, str, str]:
    # The VPC and subnets are made in moto's EC2 backend itself: no greenlight code reads them, and an EC2 client
    # (and moto's answers through EC2's 4.5 MB model) would cost a run's start a few tenths of a second.
    ec2 = get_backend("ec2")[ACCOUNT][REGION]
    vpc = ec2.create_vpc(cidr_block="10.0.0.0/16").id
    subnets = [
        ec2.create_subnet(vpc_id=vpc, cidr_block=f"10.0.{i}.0/24", availability_zone=f"{REGION}{zone}").id
        for i, zone in enumerate("ab")
    ]
    balancer = elbv2.create_load_balancer(Name="greenlight-local", Subnets=subnets, Type="application")[
        "LoadBalancers"
    ][0]
    # The URL Prepare builds from DescribeLoadBalancers must reach the loopback listener.
    get_backend("elbv2")[ACCOUNT][REGION].load_balancers[balancer["LoadBalancerArn"]].dns_name = LOCAL_HOST
    return vpc, balancer["LoadBalancerArn"], balancer["LoadBalancerArn"].split(":loadbalancer/", 1)[1]


def _target_groups(elbv2: Any, vpc: str, health_path: str) -> dict[str, str]:
    """The BLUE and GREEN target groups, by label."""
    return {
        label: elbv2.create_target_group(
            Name=f"sample-service-{label}",
            Protocol="HTTP",
            Port=80,
            VpcId=vpc,
            TargetType="ip",
            HealthCheckPath=health_path,
        )["TargetGroups"][0]["TargetGroupArn"]
        for label in ("blue", "green")
    }


def _listener(
    elbv2: Any, balancer_arn: str, port: int, target_group_arn: str, certificate: LocalCertificate | None = None
) -> str:
    """An HTTP listener, or an HTTPS one whose default certificate is `certificate` (in the local ACM)."""
    action = {"Type": "forward", "TargetGroupArn": target_group_arn}
    tls: dict[str, Any] = {"Protocol": "HTTP"}
    if certificate is not None:
        tls = {"Protocol": "HTTPS", "Certificates": [{"CertificateArn": certificate.certificate_arn}]}
    answer = elbv2.create_listener(LoadBalancerArn=balancer_arn, Port=port, DefaultActions=[action], **tls)
    return str(answer["Listeners"][0]["ListenerArn"])


def _deployment(
    clients: dict[str, Any], production_listener: str, test_listener: str, application: str, deployment_group: str
) -> str:
    """The CodeDeploy application, its ECS blue/green deployment group, and a deployment in progress."""
    codedeploy, iam = clients["codedeploy"], clients["iam"]
    role = iam.create_role(RoleName="greenlight-local-codedeploy", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    codedeploy.create_application(applicationName=application, computePlatform="ECS")
    pair = {
        "targetGroups": [{"name": "sample-service-blue"}, {"name": "sample-service-green"}],
        "prodTrafficRoute": {"listenerArns": [production_listener]},
        "testTrafficRoute": {"listenerArns": [test_listener]},
    }
    codedeploy.create_deployment_group(
        applicationName=application,
        deploymentGroupName=deployment_group,
        serviceRoleArn=role,
        deploymentStyle={"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
        ecsServices=[{"serviceName": "sample-service", "clusterName": "local"}],
        loadBalancerInfo={"targetGroupPairInfoList": [pair]},
    )
    revision = {"revisionType": "AppSpecContent", "appSpecContent": {"content": "{}"}}
    answer = codedeploy.create_deployment(
        applicationName=application, deploymentGroupName=deployment_group, revision=revision
    )
    return str(answer["deploymentId"])


@dataclass
class _EmulatedAlb:
    """Starts the loopback listeners of one load balancer, each in front of a target group's service."""

    clients: dict[str, Any]
    settings: EngineSettings
    balancer_dimension: str
    health_path: str
    certificate: LocalCertificate | None

    def listen(self, target_group_arn: str, upstream: str) -> TestListener:
        dimensions = [
            {"Name": "TargetGroup", "Value": target_group_arn.split(":", 5)[5]},
            {"Name": "LoadBalancer", "Value": self.balancer_dimension},
        ]
        listener_settings = ListenerSettings(
            upstream=upstream,
            health_path=self.health_path,
            dimensions=dimensions,
            tls=self.certificate.server_context if self.certificate else None,
        )
        listener = TestListener(listener_settings, self.clients["cloudwatch"]).start()
        self.settings.target_health[target_group_arn] = listener.target_health
        return listener


def create_deployment(
    clients: dict[str, Any],
    upstream: str,
    health_path: str,
    lifecycle_event: str = "AfterAllowTestTraffic",
    hook_execution_id: str = "",
    settings: EngineSettings | None = None,
    application: str = APPLICATION,
    deployment_group: str = DEPLOYMENT_GROUP,
    certificate: LocalCertificate | None = None,
    blue_upstream: str | None = None,
) -> LocalDeployment:
    """A blue/green ECS deployment of `application`/`deployment_group` paused at `lifecycle_event`, GREEN behind a
    real loopback listener (HTTPS with `certificate`, made by greenlight.engine.balancer.tls). With `blue_upstream`, the
    production listener is a loopback listener too, routing to that service as BLUE.

    `settings` are the running engine's: its target health comes from the listener's own health checks.
    """
    settings = settings or EngineSettings()
    elbv2 = clients["elbv2"]
    vpc, balancer_arn, balancer_dimension = _load_balancer(elbv2)
    groups = _target_groups(elbv2, vpc, health_path)
    green = groups["green"]
    emulated = _EmulatedAlb(clients, settings, balancer_dimension, health_path, certificate)
    listener = emulated.listen(groups["green"], upstream)
    blue_listener = emulated.listen(groups["blue"], blue_upstream) if blue_upstream else None
    production_port = blue_listener.port if blue_listener else 80
    production = _listener(elbv2, balancer_arn, production_port, groups["blue"], certificate if blue_listener else None)
    test_listener = _listener(elbv2, balancer_arn, listener.port, green, certificate)
    deployment_id = _deployment(clients, production, test_listener, application, deployment_group)
    backend = get_backend("codedeploy")[ACCOUNT][REGION]
    stand_in(backend).targets[deployment_id] = ecs_target(deployment_id, lifecycle_event)
    hook = hook_execution_id or f"hook-{deployment_id}"
    return LocalDeployment(deployment_id, hook, listener, green, settings, blue_listener)
