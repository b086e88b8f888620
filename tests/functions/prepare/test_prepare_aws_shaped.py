"""Prepare on responses shaped exactly as AWS returns them (tests/events/aws/), at each ECS lifecycle event.

Every call Prepare makes is queued on a Stubber with the parameters it must send, so these tests pin the
calls as well as the answers; each answer passes the conformance check.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

import pytest

from common.payload.models import HookRequest
from prepare.app import prepare
from tests.support.bad_configs import BAD_CONFIGS
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


def test_at_after_allow_test_traffic_green_blue_and_the_test_listener_are_found() -> None:
    output = run_prepare("AfterAllowTestTraffic")
    assert output["ready"] is True
    plan = output["plan"]
    assert plan["lifecycle_event"] == "AfterAllowTestTraffic"
    assert (plan["application_name"], plan["deployment_group_name"]) == ("shop", "shop-dg")
    green_arn = aws_response("elbv2/DescribeTargetGroups")["TargetGroups"][0]["TargetGroupArn"]
    assert plan["green"]["name"] == "shop-green" and plan["green"]["arn"] == green_arn
    assert plan["green"]["dimension"] == "targetgroup/shop-green/fedcba9876543210"
    assert plan["green"]["load_balancer_dimension"] == "app/shop-alb/50dc6c495c0c9188"
    assert plan["green"]["desired_count"] == 2 and plan["green"]["traffic_weight"] == 0.0
    assert plan["blue"]["name"] == "shop-blue" and plan["blue"]["traffic_weight"] == 100.0
    dns = aws_response("elbv2/DescribeLoadBalancers")["LoadBalancers"][0]["DNSName"]
    assert plan["test_url"] == f"http://{dns}:8080"
    assert plan["config_source"] == ["defaults", f"ssm:{PREFIX}/default", f"ssm:{PREFIX}/shop/shop-dg"]


@pytest.mark.parametrize("event", ["AfterAllowTestTraffic", "BeforeAllowTraffic"])
def test_once_test_traffic_moved_green_is_reached_through_the_test_listener(event: str) -> None:
    plan = run_prepare(event)["plan"]
    assert plan["lifecycle_event"] == event
    assert plan["green"]["name"] == "shop-green" and plan["test_url"].endswith(":8080")


def test_at_after_allow_traffic_green_is_reached_through_the_production_listener() -> None:
    plan = run_prepare("AfterAllowTraffic", route="production")["plan"]
    assert plan["lifecycle_event"] == "AfterAllowTraffic"
    assert plan["green"]["traffic_weight"] == 100.0 and plan["blue"]["traffic_weight"] == 0.0
    assert plan["test_url"].endswith(":80")


def test_at_before_install_only_blue_exists_and_a_ready_plan_plans_nothing() -> None:
    # GIVEN GetDeploymentTarget at BeforeInstall: only the Blue task set (the replacement does not exist yet)
    output = run_prepare("BeforeInstall")
    # THEN the plan is ready, without GREEN, and nothing is planned (Finalize then says Succeeded)
    assert output["ready"] is True
    plan = output["plan"]
    assert plan["lifecycle_event"] == "BeforeInstall" and plan["green"] is None
    assert plan["blue"]["name"] == "shop-blue"
    assert set(plan["planned"].values()) == {False}


def test_at_after_install_green_exists_and_only_target_health_may_be_planned() -> None:
    config = "health: {lifecycle_events: [AfterInstall], check_http: false}\n"
    output = run_prepare("AfterInstall", config_text=config)
    assert output["ready"] is True
    plan = output["plan"]
    assert plan["green"]["name"] == "shop-green"
    core = {name: plan["planned"][name] for name in ("health", "synthetic", "metrics")}
    assert core == {"health": True, "synthetic": False, "metrics": False}


def test_at_after_install_an_http_check_through_the_test_listener_is_refused_saying_why() -> None:
    output = run_prepare("AfterInstall", config_text="synthetic: {lifecycle_events: [AfterInstall]}\n")
    assert output["ready"] is False
    reason = output["results"][0]["reason"]
    assert "synthetic" in reason and "the test listener still sends to BLUE" in reason


def test_an_https_listener_is_verified_against_the_host_of_the_rule_forwarding_to_green() -> None:
    plan = run_prepare("AfterAllowTestTraffic", "https", rules="elbv2/DescribeRules")["plan"]
    assert plan["test_url"].startswith("https://shop-alb-") and plan["test_url"].endswith(":8443")
    assert plan["server_name"] == "shop-test.example.com"  # the Host GREEN's rule requires


def test_without_such_a_rule_the_name_on_the_listeners_acm_certificate_is_used() -> None:
    plan = run_prepare(
        "AfterAllowTestTraffic", "https", rules="elbv2/DescribeRules.default", certificate="acm/DescribeCertificate"
    )["plan"]
    assert plan["server_name"] == "shop.example.com"  # DescribeCertificate's DomainName, never the ALB's DNS name


def test_a_wildcard_certificate_names_no_host_and_the_config_must_say() -> None:
    output = run_prepare(
        "AfterAllowTestTraffic",
        "https",
        rules="elbv2/DescribeRules.default",
        certificate="acm/DescribeCertificate.wildcard",
    )
    assert output["ready"] is False
    assert "set tls.server_name" in output["results"][0]["reason"]


def test_the_configured_server_name_needs_no_lookup() -> None:
    config = "tls: {server_name: orders.example.com}\n"
    plan = run_prepare("AfterAllowTestTraffic", "https", config_text=config)["plan"]
    assert plan["server_name"] == "orders.example.com"


def test_comparing_with_blue_finds_the_production_listener_while_it_routes_to_blue() -> None:
    request = HookRequest(deployment_id=DEPLOYMENT, lifecycle_event_hook_execution_id="hook-1")
    with ExitStack() as stack:
        (codedeploy, codedeploy_stub), (elbv2, elbv2_stub), (ssm, ssm_stub) = (
            stack.enter_context(stubbed(service)) for service in ("codedeploy", "elbv2", "ssm")
        )
        config = "synthetic: {compare_with_blue: {}}\n"
        queue_discovery(codedeploy_stub, elbv2_stub, ssm_stub, "AfterAllowTestTraffic", "test", config)
        production = aws_response("elbv2/DescribeListeners.production")
        elbv2_stub.add_response(
            "describe_listeners", production, {"ListenerArns": PAIR["prodTrafficRoute"]["listenerArns"]}
        )
        balancer = production["Listeners"][0]["LoadBalancerArn"]
        elbv2_stub.add_response(
            "describe_load_balancers", aws_response("elbv2/DescribeLoadBalancers"), {"LoadBalancerArns": [balancer]}
        )
        plan = prepare(request, codedeploy, elbv2, ssm, PREFIX).model_dump(mode="json")["plan"]
    dns = aws_response("elbv2/DescribeLoadBalancers")["LoadBalancers"][0]["DNSName"]
    assert plan["blue_url"] == f"http://{dns}:80" and plan["test_url"] == f"http://{dns}:8080"


def test_a_plain_http_listener_has_no_server_name() -> None:
    assert run_prepare("AfterAllowTestTraffic")["plan"]["server_name"] is None


# A parameter holds UTF-8 text of at most 8 KB: the files that are not, or are larger, could not be stored.
STORABLE = {name: case for name, case in BAD_CONFIGS.items() if len(case[0]) <= 8192 and case[1] != "not UTF-8"}


@pytest.mark.parametrize(("data", "phrase"), [pytest.param(*case, id=name) for name, case in STORABLE.items()])
def test_each_bad_config_in_ssm_is_not_ready_naming_the_cause(data: bytes, phrase: str) -> None:
    output = run_prepare("AfterAllowTestTraffic", config_text=data.decode())
    assert output["ready"] is False
    [problem] = output["results"]
    assert problem["status"] == "error" and phrase in problem["reason"]
    assert f"ssm:{PREFIX}/shop/shop-dg" in problem["reason"] and "\n" not in problem["reason"]


def test_the_plan_grants_the_groups_secrets_named_in_its_layer() -> None:
    # GIVEN the shop/shop-dg layer naming its own secrets (the fixture's config)
    plan = run_prepare("AfterAllowTestTraffic")["plan"]
    # THEN the plan grants that deployment group, and no shared secret (the default layer names none)
    assert plan["secrets"] == {
        "application": "shop",
        "deployment_group": "shop-dg",
        "shared_ssm": [],
        "shared_secretsmanager": [],
    }


def test_a_layer_naming_another_teams_secret_is_not_ready_naming_the_reference() -> None:
    # GIVEN the shop/shop-dg layer naming the payments team's secret (issue 24's cross-tenant read)
    config = "synthetic:\n  requests:\n    - headers: {Authorization: {ssm: /greenlight/tenants/payments/p-dg/key}}\n"
    output = run_prepare("AfterAllowTestTraffic", config_text=config)
    # THEN Prepare refuses before anything is read: not ready, the reason naming the reference, its layer and the rule
    assert output["ready"] is False and output["plan"] is None
    [result] = output["results"]
    assert result["status"] == "error"
    assert "synthetic.requests.0.headers.Authorization (from ssm:/greenlight/shop/shop-dg)" in result["reason"]
    assert (
        "{ssm: /greenlight/tenants/payments/p-dg/key} is outside the deployment group's namespace" in (result["reason"])
    )
