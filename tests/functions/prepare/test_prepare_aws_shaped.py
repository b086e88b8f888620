"""Prepare on responses shaped exactly as AWS returns them (tests/events/aws/), at each ECS lifecycle event.

Every call Prepare makes is queued on a Stubber with the parameters it must send, so these tests pin the
calls as well as the answers; each answer passes the conformance check.
"""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from common.payload.models import HookRequest
from prepare.app import prepare
from tests.functions.prepare.conftest import DEPLOYMENT, PAIR, PREFIX, queue_discovery, run_prepare
from tests.support.stubs import aws_response, stubbed


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
