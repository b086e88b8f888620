"""Find what to test in an Amazon ECS native deployment: from the service deployment and its revisions, the GREEN
and BLUE target groups, the listener rule and its conditions, and the listener URL.

Calls: ecs DescribeServiceDeployments, DescribeServiceRevisions; elbv2 DescribeRules, DescribeListeners,
DescribeLoadBalancers, DescribeTargetGroups. Field names as botocore's `ecs` and `elbv2` models spell them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from common.ecs.pause_hook import not_awaiting
from common.payload.ecs import EcsContext, TestRequest
from prepare.discovery import HTTPS, Discovery, DiscoveryError, _listener, _target_group, certificates
from prepare.ecs_rules import listener_of, not_green_alone, request_for
from prepare.ecs_stages import codedeploy_event, uses_production_rule

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_elbv2 import ElasticLoadBalancingv2Client

GRADUAL_STRATEGIES = {"LINEAR", "CANARY"}  # ecs DeploymentStrategy values that shift production in steps
NLB_LISTENER = ":listener/net/"  # a Network Load Balancer's listener ARN (an ALB's rules are listener-rule/app/...)


@dataclass(frozen=True, kw_only=True)
class EcsDiscovery(Discovery):
    stage: str
    strategy: str
    test_request: TestRequest
    both_serve_production: bool  # GREEN and BLUE share production traffic now (a LINEAR or CANARY step)
    route_problem: str | None = None  # why requests through the rule would not reach GREEN alone, if they would not


def _service_deployment(ecs: ECSClient, arn: str) -> dict[str, Any]:
    answer = ecs.describe_service_deployments(serviceDeploymentArns=[arn])
    found = answer.get("serviceDeployments", [])
    if not found:
        failures = "; ".join(f"{f.get('reason')}: {f.get('detail', '')}" for f in answer.get("failures", []))
        raise DiscoveryError(f"ECS has no service deployment {arn} ({failures or 'not found'})")
    return dict(found[0])


def _revisions(ecs: ECSClient, arns: list[str]) -> dict[str, dict[str, Any]]:
    answer = ecs.describe_service_revisions(serviceRevisionArns=arns)
    return {str(r["serviceRevisionArn"]): dict(r) for r in answer.get("serviceRevisions", [])}


def _resolved_target_group(revision: dict[str, Any] | None) -> str | None:
    for balancer in (revision or {}).get("resolvedConfiguration", {}).get("loadBalancers", []):
        if balancer.get("targetGroupArn"):
            return str(balancer["targetGroupArn"])
    return None


def _advanced(revision: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The load balancer ECS shifts traffic on: its advancedConfiguration names the production listener rule, and
    may name a test rule (ECS makes it optional: the guide's canary example has none). With a Network Load Balancer
    ECS names listeners instead ("Must be RuleArn for ALB or ListenerArn for NLB", developer guide,
    "Troubleshooting Amazon ECS blue/green deployments"): greenlight tests through an ALB's rules only."""
    for balancer in revision.get("loadBalancers", []):
        advanced = balancer.get("advancedConfiguration")
        if advanced and advanced.get("productionListenerRule"):
            if NLB_LISTENER in str(advanced["productionListenerRule"]):
                raise DiscoveryError(
                    f"the service's load balancer is a Network Load Balancer (productionListenerRule "
                    f"{advanced['productionListenerRule']} is a listener): greenlight validates Amazon ECS "
                    "deployments through an Application Load Balancer's listener rules only"
                )
            return dict(balancer), dict(advanced)
    raise DiscoveryError(
        f"service revision {revision['serviceRevisionArn']} has no load balancer with an advancedConfiguration "
        "naming a production listener rule: ECS blue/green shifts traffic through it"
    )


def _rule_for(stage: str, advanced: dict[str, Any]) -> tuple[str, str | None]:
    """The rule requests go through at `stage`, and why it cannot carry them to GREEN when no test rule exists."""
    if uses_production_rule(stage):
        return str(advanced["productionListenerRule"]), None
    if advanced.get("testListenerRule"):
        return str(advanced["testListenerRule"]), None
    missing = (
        f"the service has no test listener rule (advancedConfiguration.testListenerRule), so at {stage} nothing "
        "routes requests to GREEN: add a test rule, or run health (check_http) and synthetic at "
        "POST_PRODUCTION_TRAFFIC_SHIFT"
    )
    return str(advanced["productionListenerRule"]), missing


def _target_groups(target: dict[str, Any], source: dict[str, Any] | None) -> tuple[str, str | None]:
    """GREEN is the target group the target revision resolved to; BLUE the source's, or the other of the pair."""
    balancer, advanced = _advanced(target)
    pair = [balancer.get("targetGroupArn"), advanced.get("alternateTargetGroupArn")]
    green = _resolved_target_group(target)
    blue = _resolved_target_group(source)
    if green is None:
        if blue is None:
            raise DiscoveryError(f"service revision {target['serviceRevisionArn']} has no resolved target group yet")
        green = next((arn for arn in pair if arn and arn != blue), None)
    if green is None:
        raise DiscoveryError("cannot tell the GREEN target group from the service's target group pair")
    blue = blue or next((arn for arn in pair if arn and arn != green), None)
    return green, blue


def _requested(deployment: dict[str, Any]) -> dict[str, float]:
    """Each revision's requestedProductionTrafficWeight (ServiceRevisionSummary): how production is shared when the
    hook's payload carries no weights (the guide is silent on a LINEAR or CANARY step's)."""
    revisions = [deployment.get("targetServiceRevision") or {}, *deployment.get("sourceServiceRevisions", [])]
    return {
        str(r["arn"]): float(r["requestedProductionTrafficWeight"])
        for r in revisions
        if r.get("arn") and isinstance(r.get("requestedProductionTrafficWeight"), int | float)
    }


def _summary(deployment: dict[str, Any], arn: str) -> dict[str, Any]:
    revisions = [deployment.get("targetServiceRevision", {}), *deployment.get("sourceServiceRevisions", [])]
    return next((dict(r) for r in revisions if r.get("arn") == arn), {})


def _group(elbv2: ElasticLoadBalancingv2Client, arn: str, summary: dict[str, Any], weight: float) -> Any:
    as_task_set = {
        "targetGroup": {"name": arn.split(":targetgroup/", 1)[-1].split("/", 1)[0]},
        "desiredCount": summary.get("requestedTaskCount", 0),
        "runningCount": summary.get("runningTaskCount", 0),
        "trafficWeight": weight,
    }
    return _target_group(elbv2, as_task_set)


def _names(service_arn: str, cluster_arn: str) -> tuple[str, str]:
    """arn:aws:ecs:<region>:<account>:service/<cluster>/<service> -> (cluster, service): the config's two levels. A
    service created before 2021 may keep the short form service/<service> (developer guide, "Migrate an Amazon ECS
    short service ARN to a long ARN"): its cluster is the service deployment's clusterArn, cluster/<cluster>."""
    parts = service_arn.split(":service/", 1)[-1].split("/")
    cluster = cluster_arn.split(":cluster/", 1)[-1] if ":cluster/" in cluster_arn else ""
    if len(parts) == 2 and all(parts):
        return parts[0], parts[1]
    if len(parts) == 1 and parts[0] and cluster:
        return cluster, parts[0]
    raise DiscoveryError(f"{service_arn!r} is not an ECS service ARN (service/<cluster>/<name> or service/<name>)")


def discover_ecs(
    ecs: ECSClient,
    elbv2: ElasticLoadBalancingv2Client,
    deployment_arn: str,
    context: EcsContext | None,
    pause_hook_id: str | None = None,
) -> EcsDiscovery:
    """`pause_hook_id`: the pause hook that asked, which must still await action (else there is nothing to gate)."""
    deployment = _service_deployment(ecs, deployment_arn)
    gone = not_awaiting(deployment, pause_hook_id) if pause_hook_id else None
    if gone:
        raise DiscoveryError(gone)
    target_arn = str(deployment.get("targetServiceRevision", {}).get("arn", ""))
    if not target_arn:
        raise DiscoveryError(f"service deployment {deployment_arn} has no target service revision")
    source_arns = [str(r["arn"]) for r in deployment.get("sourceServiceRevisions", []) if r.get("arn")]
    revisions = _revisions(ecs, [target_arn, *source_arns])
    if target_arn not in revisions:
        raise DiscoveryError(f"ECS does not describe the target service revision {target_arn}")
    source = revisions.get(source_arns[0]) if source_arns else None
    green_arn, blue_arn = _target_groups(revisions[target_arn], source)
    stage = context.lifecycle_stage if context else str(deployment.get("lifecycleStage", ""))
    _, advanced = _advanced(revisions[target_arn])
    rule_arn, missing = _rule_for(stage, advanced)
    rule = dict(elbv2.describe_rules(RuleArns=[rule_arn])["Rules"][0])
    weights = (context.production_traffic_weights if context else {}) or _requested(deployment)
    green_weight = weights.get(target_arn, 0.0)
    blue_weight = sum(weights.get(arn, 0.0) for arn in source_arns)
    strategy = str(deployment.get("deploymentConfiguration", {}).get("strategy", ""))
    service_arn = str(deployment.get("serviceArn") or (context.service_arn if context else ""))
    cluster, service = _names(service_arn, str(deployment.get("clusterArn", "")))
    green = _group(elbv2, green_arn, _summary(deployment, target_arn), green_weight)
    blue_summary = _summary(deployment, source_arns[0]) if source_arns else {}
    blue = _group(elbv2, blue_arn, blue_summary, blue_weight) if blue_arn else None
    url, listener = _listener(elbv2, listener_of(rule_arn))
    return EcsDiscovery(
        application_name=cluster,
        deployment_group_name=service,
        lifecycle_event=codedeploy_event(stage),
        green=green,
        blue=blue,
        test_url=url,
        listener_arn=listener_of(rule_arn),
        https=listener.get("Protocol") == HTTPS,
        certificate_arns=certificates(listener),
        stage=stage,
        strategy=strategy,
        test_request=request_for(rule),
        both_serve_production=strategy in GRADUAL_STRATEGIES and green_weight > 0 and blue_weight > 0,
        route_problem=missing or not_green_alone(rule, green_arn),
    )
