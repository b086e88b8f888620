"""Find what to test: the GREEN/BLUE target groups and the listener URL, from CodeDeploy and ELB."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from common.config import DEFAULT_LIFECYCLE_EVENT
from common.payload.models import TargetGroup
from common.runtime import lifecycle

if TYPE_CHECKING:
    from mypy_boto3_codedeploy import CodeDeployClient
    from mypy_boto3_elbv2 import ElasticLoadBalancingv2Client

# Values as the APIs spell them (botocore's enums; tests/functions/test_aws_names.py checks each against the model).
GREEN_LABEL, BLUE_LABEL = "Green", "Blue"  # codedeploy TargetLabel: the replacement and the original task set
RUNNING = "InProgress"  # codedeploy LifecycleEventStatus of the hook being run
ECS_TARGET = "ECSTarget"  # codedeploy DeploymentTargetType
ECS_PLATFORM = "ECS"  # codedeploy ComputePlatform
HTTPS = "HTTPS"  # elbv2 ProtocolEnum


class DiscoveryError(Exception):
    """The deployment does not have what a validation needs (not ECS, no GREEN task set, no listener)."""


@dataclass(frozen=True)
class Discovery:
    application_name: str
    deployment_group_name: str
    lifecycle_event: str
    green: TargetGroup | None  # None only where the table says GREEN does not exist yet (BeforeInstall)
    blue: TargetGroup | None
    test_url: str
    listener_arn: str = ""
    https: bool = False
    certificate_arns: list[str] = field(default_factory=list)  # the listener's default certificate
    production_listener_arn: str = ""  # routes to BLUE until AllowTraffic


def production_url(elbv2: ElasticLoadBalancingv2Client, found: Discovery) -> str | None:
    """The URL of the production listener while it still routes to BLUE (before AllowTraffic), else None."""
    if lifecycle.stage(found.lifecycle_event).green_route != lifecycle.TEST or not found.production_listener_arn:
        return None
    return _listener(elbv2, found.production_listener_arn)[0]


def _current_lifecycle_event(ecs_target: dict[str, Any]) -> str:
    """The hook being run is the lifecycle event CodeDeploy marks InProgress."""
    for event in ecs_target.get("lifecycleEvents", []):
        if event.get("status") == RUNNING:
            return str(event["lifecycleEventName"])
    return DEFAULT_LIFECYCLE_EVENT


def _ecs_target(codedeploy: CodeDeployClient, deployment_id: str) -> dict[str, Any]:
    target_ids = codedeploy.list_deployment_targets(deploymentId=deployment_id).get("targetIds", [])
    if not target_ids:
        raise DiscoveryError(f"deployment {deployment_id} has no deployment targets")
    target = codedeploy.get_deployment_target(deploymentId=deployment_id, targetId=target_ids[0])["deploymentTarget"]
    if target.get("deploymentTargetType") != ECS_TARGET or "ecsTarget" not in target:
        raise DiscoveryError(f"deployment {deployment_id} is not an Amazon ECS deployment")
    return dict(target["ecsTarget"])


def _task_set(ecs_target: dict[str, Any], label: str) -> dict[str, Any] | None:
    return next((ts for ts in ecs_target.get("taskSetsInfo", []) if ts.get("taskSetLabel") == label), None)


def _arn_suffix(arn: str, marker: str) -> str:
    return arn.split(marker, 1)[1] if marker in arn else ""


def _target_group(elbv2: ElasticLoadBalancingv2Client, task_set: dict[str, Any]) -> TargetGroup:
    name = task_set["targetGroup"]["name"]
    described = elbv2.describe_target_groups(Names=[name])["TargetGroups"][0]
    load_balancers = described.get("LoadBalancerArns", [])
    return TargetGroup(
        name=name,
        arn=described["TargetGroupArn"],
        dimension=described["TargetGroupArn"].split(":", 5)[-1],
        load_balancer_dimension=_arn_suffix(load_balancers[0], ":loadbalancer/") if load_balancers else "",
        desired_count=int(task_set.get("desiredCount", 0)),
        running_count=int(task_set.get("runningCount", 0)),
        traffic_weight=float(task_set.get("trafficWeight", 0.0)),
    )


def _listener(elbv2: ElasticLoadBalancingv2Client, listener_arn: str) -> tuple[str, dict[str, Any]]:
    """The URL requests reach GREEN through, and the listener as DescribeListeners gives it."""
    listener = dict(elbv2.describe_listeners(ListenerArns=[listener_arn])["Listeners"][0])
    balancer = elbv2.describe_load_balancers(LoadBalancerArns=[str(listener["LoadBalancerArn"])])["LoadBalancers"][0]
    scheme = "https" if listener.get("Protocol") == HTTPS else "http"
    return f"{scheme}://{balancer['DNSName']}:{listener['Port']}", listener


def certificates(listener: dict[str, Any]) -> list[str]:
    """The ARNs of a listener's certificates, as DescribeListeners lists them (its default certificate)."""
    return [str(c["CertificateArn"]) for c in listener.get("Certificates", []) if "CertificateArn" in c]


def discover(codedeploy: CodeDeployClient, elbv2: ElasticLoadBalancingv2Client, deployment_id: str) -> Discovery:
    deployment = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    application, group_name = deployment["applicationName"], deployment["deploymentGroupName"]
    if deployment.get("computePlatform", ECS_PLATFORM) != ECS_PLATFORM:
        raise DiscoveryError(f"deployment {deployment_id} runs on {deployment['computePlatform']}, not ECS")
    group = codedeploy.get_deployment_group(applicationName=application, deploymentGroupName=group_name)
    pairs = group["deploymentGroupInfo"].get("loadBalancerInfo", {}).get("targetGroupPairInfoList", [])
    if not pairs:
        raise DiscoveryError(f"deployment group {group_name} has no target group pair (loadBalancerInfo)")

    ecs_target = _ecs_target(codedeploy, deployment_id)
    lifecycle_event = _current_lifecycle_event(ecs_target)
    green_set, blue_set = _task_set(ecs_target, GREEN_LABEL), _task_set(ecs_target, BLUE_LABEL)
    if green_set is None and lifecycle.stage(lifecycle_event).green_exists:
        raise DiscoveryError(f"deployment {deployment_id} has no GREEN task set yet (no {GREEN_LABEL!r} task set)")

    # GREEN is reached through the production listener once it routes there, through the test listener before.
    production = lifecycle.stage(lifecycle_event).green_route == lifecycle.PRODUCTION
    route = "prodTrafficRoute" if production else "testTrafficRoute"
    routes: dict[str, Any] = dict(pairs[0])
    listener_arns = routes.get(route, {}).get("listenerArns", [])
    if not listener_arns:
        raise DiscoveryError(f"deployment group {group_name} has no {route} listener for {lifecycle_event}")

    production_arns = routes.get("prodTrafficRoute", {}).get("listenerArns", [])
    green = _target_group(elbv2, green_set) if green_set else None
    blue = _target_group(elbv2, blue_set) if blue_set else None
    url, listener = _listener(elbv2, listener_arns[0])
    return Discovery(
        application_name=application,
        deployment_group_name=group_name,
        lifecycle_event=lifecycle_event,
        green=green,
        blue=blue,
        test_url=url,
        listener_arn=listener_arns[0],
        https=listener.get("Protocol") == HTTPS,
        certificate_arns=certificates(listener),
        production_listener_arn=production_arns[0] if production_arns else "",
    )
