"""Prepare's discovery queued on a Stubber as AWS answers it (tests/events/aws/), shared by the modules on AWS-shaped
answers."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from common.payload.models import HookRequest
from prepare.app import prepare
from tests.support.stubs import aws_response, stubbed

PREFIX = "/greenlight"
DEPLOYMENT = "d-SHOP12345"
GROUP = aws_response("codedeploy/GetDeploymentGroup")["deploymentGroupInfo"]
PAIR = GROUP["loadBalancerInfo"]["targetGroupPairInfoList"][0]
LISTENER = {
    "test": "elbv2/DescribeListeners",
    "production": "elbv2/DescribeListeners.production",
    "https": "elbv2/DescribeListeners.https",
}


HTTPS_LISTENER = aws_response("elbv2/DescribeListeners.https")["Listeners"][0]["ListenerArn"]
CERTIFICATE = aws_response("elbv2/DescribeListeners.https")["Listeners"][0]["Certificates"][0]["CertificateArn"]


def queue_discovery(
    codedeploy: Any, elbv2: Any, ssm: Any, event: str, route: str, config_text: str | None = None
) -> dict[str, Any]:
    """The calls Prepare makes, in order, with the answers AWS gives; returns the GetDeploymentTarget answer.

    `config_text`, when given, is the value of the deployment group's parameter instead of the fixture's.
    """
    target = aws_response(f"codedeploy/GetDeploymentTarget.{event}")
    codedeploy.add_response("get_deployment", aws_response("codedeploy/GetDeployment"), {"deploymentId": DEPLOYMENT})
    group = aws_response("codedeploy/GetDeploymentGroup")
    if route == "https":
        pair = group["deploymentGroupInfo"]["loadBalancerInfo"]["targetGroupPairInfoList"][0]
        pair["testTrafficRoute"]["listenerArns"] = [HTTPS_LISTENER]
    codedeploy.add_response(
        "get_deployment_group", group, {"applicationName": "shop", "deploymentGroupName": "shop-dg"}
    )
    targets = aws_response("codedeploy/ListDeploymentTargets")
    codedeploy.add_response("list_deployment_targets", targets, {"deploymentId": DEPLOYMENT})
    codedeploy.add_response(
        "get_deployment_target", target, {"deploymentId": DEPLOYMENT, "targetId": targets["targetIds"][0]}
    )
    labels = {t["taskSetLabel"] for t in target["deploymentTarget"]["ecsTarget"]["taskSetsInfo"]}
    if "Green" in labels:  # not before the replacement task set exists (BeforeInstall)
        green = aws_response("elbv2/DescribeTargetGroups")
        elbv2.add_response("describe_target_groups", green, {"Names": ["shop-green"]})
    elbv2.add_response(
        "describe_target_groups", aws_response("elbv2/DescribeTargetGroups.blue"), {"Names": ["shop-blue"]}
    )
    listener_arn = PAIR["prodTrafficRoute" if route == "production" else "testTrafficRoute"]["listenerArns"][0]
    listeners = aws_response(LISTENER[route])
    if route == "https":  # the story's variant: the test route names the HTTPS listener
        listener_arn = HTTPS_LISTENER
    assert listeners["Listeners"][0]["ListenerArn"] == listener_arn  # the fixtures tell one story
    elbv2.add_response("describe_listeners", listeners, {"ListenerArns": [listener_arn]})
    balancer = listeners["Listeners"][0]["LoadBalancerArn"]
    elbv2.add_response(
        "describe_load_balancers", aws_response("elbv2/DescribeLoadBalancers"), {"LoadBalancerArns": [balancer]}
    )
    parameters = aws_response("ssm/GetParameters")
    if config_text is not None:
        parameters["Parameters"][1]["Value"] = config_text
    ssm.add_response(
        "get_parameters", parameters, {"Names": [f"{PREFIX}/default", f"{PREFIX}/shop/shop-dg"], "WithDecryption": True}
    )
    return target


def run_prepare(
    event: str,
    route: str = "test",
    config_text: str | None = None,
    rules: str | None = None,
    certificate: str | None = None,
) -> dict[str, Any]:
    """Prepare on the fixtures; for the HTTPS listener, `rules` and `certificate` name the DescribeRules and
    DescribeCertificate answers it reads for the server name (None: not read)."""
    request = HookRequest(deployment_id=DEPLOYMENT, lifecycle_event_hook_execution_id="hook-1")
    with ExitStack() as stack:
        (codedeploy, codedeploy_stub), (elbv2, elbv2_stub), (ssm, ssm_stub), (acm, acm_stub) = (
            stack.enter_context(stubbed(service)) for service in ("codedeploy", "elbv2", "ssm", "acm")
        )
        queue_discovery(codedeploy_stub, elbv2_stub, ssm_stub, event, route, config_text)
        if rules:
            elbv2_stub.add_response(
                "describe_rules", aws_response(rules), {"ListenerArn": HTTPS_LISTENER, "PageSize": 400}
            )
        if certificate:
            acm_stub.add_response("describe_certificate", aws_response(certificate), {"CertificateArn": CERTIFICATE})
        return prepare(request, codedeploy, elbv2, ssm, PREFIX, acm=acm).model_dump(mode="json")
