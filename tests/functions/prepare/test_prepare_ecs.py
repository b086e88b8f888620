"""Prepare for an Amazon ECS native deployment, on answers shaped as AWS sends them (tests/events/aws/ecs, elbv2).

Every call is queued on a conforming Stubber with the parameters Prepare must send.
"""

from __future__ import annotations

import copy
from contextlib import ExitStack
from typing import Any

from common.payload.models import HookRequest
from ecs_hook.contract import EcsHookEvent
from greenlight.engine.guards.conformance import check
from prepare.app import prepare
from prepare.ecs_rules import path_problem, request_for
from tests.conftest import load_event
from tests.support.prepare_ecs import CORE, DEPLOYMENT, DEPLOYMENTS, REVISIONS, SOURCE, TARGET, request, run
from tests.support.stubs import aws_response, stubbed


def test_post_test_traffic_shift_validates_green_through_the_test_rule() -> None:
    output = run("POST_TEST_TRAFFIC_SHIFT", {SOURCE: 100.0, TARGET: 0.0}, "ecs/DescribeServiceDeployments", "test")
    assert output.ready, output.results
    plan = output.plan
    assert (plan.engine, plan.stage, plan.strategy) == ("ecs", "POST_TEST_TRAFFIC_SHIFT", "BLUE_GREEN")
    assert plan.lifecycle_event == "AfterAllowTestTraffic"  # what the config's default names
    assert (plan.green.name, plan.blue.name) == ("shop-green", "shop-blue")
    assert (plan.application_name, plan.deployment_group_name) == ("shop-cluster", "shop")
    assert plan.test_url.endswith(":80")  # the test rule shares the production listener
    # the test rule's conditions become what every request sends, wildcards filled
    assert plan.test_request.host == "shop-test.x.example.com"
    assert plan.test_request.headers == {"X-Greenlight-Test": "true"}
    assert plan.test_request.query == {"canary": "1"}
    assert {name: plan.planned[name] for name in CORE} == {"health": True, "synthetic": True, "metrics": True}
    assert plan.config["metrics"]["baseline"] is None  # BLUE_GREEN: nothing to compare in production yet


def test_a_canary_step_judges_green_against_blue_through_the_production_rule() -> None:
    weights = {SOURCE: 90.0, TARGET: 10.0}
    config = {"metrics": {"lifecycle_events": ["PRODUCTION_TRAFFIC_SHIFT"]}}
    output = run("PRODUCTION_TRAFFIC_SHIFT", weights, "ecs/DescribeServiceDeployments.canary", "production", config)
    assert output.ready, output.results
    plan = output.plan
    # PRODUCTION_TRAFFIC_SHIFT has no CodeDeploy equivalent: only what names the stage runs there
    assert (plan.stage, plan.strategy, plan.lifecycle_event) == (
        "PRODUCTION_TRAFFIC_SHIFT",
        "CANARY",
        "PRODUCTION_TRAFFIC_SHIFT",
    )
    assert {name: plan.planned[name] for name in CORE} == {"health": False, "synthetic": False, "metrics": True}
    assert plan.config["metrics"]["baseline"] is not None  # the canary analysis: GREEN against BLUE
    assert (plan.green.traffic_weight, plan.blue.traffic_weight) == (10.0, 90.0)
    assert plan.test_request.path_patterns == ["/*"]


def test_a_health_path_the_rule_does_not_route_is_a_clear_error() -> None:
    rule = aws_response("elbv2/DescribeRules.test")["Rules"][0]
    rule["Conditions"].append({"Field": "path-pattern", "PathPatternConfig": {"Values": ["/api/*"]}})
    problem = path_problem(request_for(rule), ["/healthz"])
    assert problem and "/api/*" in problem and "/healthz" in problem and "health.path" in problem
    assert path_problem(request_for(rule), ["/api/health"]) is None


def test_the_hook_event_reaches_prepare_as_the_request() -> None:
    event = load_event("ecs_lifecycle_hook")
    parsed = HookRequest.model_validate(EcsHookEvent.parse(event).workflow_input())
    assert parsed.engine == "ecs" and parsed.ecs is not None
    assert parsed.ecs.lifecycle_stage == "POST_TEST_TRAFFIC_SHIFT"
    assert HookRequest(deployment_id="d-SHOP12345", lifecycle_event_hook_execution_id="h").engine == "codedeploy"


def test_health_and_synthetic_requests_carry_what_the_test_rule_needs() -> None:
    from common.config import SyntheticConfig
    from common.http.client import probe
    from common.payload.ecs import TestRequest
    from tests.support.servers import serve
    from validate_synthetic.app import through_rule
    from validate_synthetic.checks import check_synthetic

    rule = request_for(aws_response("elbv2/DescribeRules.test")["Rules"][0])
    with serve() as (url, behaviour):
        # the health probe sends the rule's host and header
        status, _ = probe(f"{url}/health?canary=1", 2.0, headers=rule.all_headers())
        assert status == 200
        # every synthetic request sends them too, and the query, whatever the scenario says
        scenario = SyntheticConfig.model_validate(
            {"total_requests": 3, "concurrency": 1, "requests": [{"path": "/api", "headers": {"host": "127.0.0.1"}}]}
        )
        outcome = check_synthetic(url, "/health", through_rule(scenario, "/health", rule), lambda ref: "")
        assert outcome.status.value == "passed", outcome.reason
    sent = behaviour.requests
    assert len(sent) == 4
    assert all(r["headers"]["Host"] == "shop-test.x.example.com" for r in sent)
    assert all(r["headers"]["X-Greenlight-Test"] == "true" for r in sent)
    assert all(r["path"].endswith("?canary=1") for r in sent)
    assert through_rule(scenario, "/health", TestRequest()) is scenario  # CodeDeploy: nothing to add


def short_arn_deployment() -> dict[str, Any]:
    """A service created before 2021 keeps its short ARN, service/<name> (ECS developer guide, "Migrate an Amazon ECS
    short service ARN to a long ARN"); the cluster is the deployment's clusterArn."""
    answer = copy.deepcopy(DEPLOYMENTS)
    answer["serviceDeployments"][0]["serviceArn"] = "arn:aws:ecs:us-east-1:123456789012:service/shop"
    return dict(check("ecs", "DescribeServiceDeployments", answer))


def test_a_service_with_a_short_arn_is_validated_at_its_cluster_and_service_level() -> None:
    output = run("POST_TEST_TRAFFIC_SHIFT", {}, short_arn_deployment(), "test")
    assert output.ready, output.results
    assert (output.plan.application_name, output.plan.deployment_group_name) == ("shop-cluster", "shop")


def test_a_network_load_balancer_service_is_refused_saying_so() -> None:
    # With an NLB, ECS names listeners, not rules ("Must be RuleArn for ALB or ListenerArn for NLB": developer guide,
    # "Troubleshooting Amazon ECS blue/green deployments"); greenlight tests through an ALB listener rule.
    revisions = copy.deepcopy(REVISIONS)
    listener = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/shop-nlb/0123456789abcdef/fedcba98"
    for revision in revisions["serviceRevisions"]:
        for balancer in revision["loadBalancers"]:
            balancer["advancedConfiguration"]["productionListenerRule"] = listener
            balancer["advancedConfiguration"]["testListenerRule"] = listener.replace("fedcba98", "76543210")
        for balancer in revision.get("resolvedConfiguration", {}).get("loadBalancers", []):
            balancer["productionListenerRule"] = listener
    check("ecs", "DescribeServiceRevisions", revisions)
    with ExitStack() as stack:
        ecs, ecs_stub = stack.enter_context(stubbed("ecs"))
        elbv2, _ = stack.enter_context(stubbed("elbv2"))  # nothing is asked of ELB
        ssm, _ = stack.enter_context(stubbed("ssm"))
        codedeploy, _ = stack.enter_context(stubbed("codedeploy"))
        arn = DEPLOYMENT["serviceDeploymentArn"]
        ecs_stub.add_response("describe_service_deployments", DEPLOYMENTS, {"serviceDeploymentArns": [arn]})
        ecs_stub.add_response("describe_service_revisions", revisions, {"serviceRevisionArns": [TARGET, SOURCE]})
        output = prepare(request("POST_TEST_TRAFFIC_SHIFT", {}), codedeploy, elbv2, ssm, "/greenlight", ecs)
    assert not output.ready
    [problem] = output.results
    assert "Network Load Balancer" in problem.reason and "Application Load Balancer" in problem.reason


def test_a_canary_step_whose_payload_has_no_weights_takes_the_weights_ecs_requested() -> None:
    # The guide is silent on a step's weights (tests/events/ecs/README.md, reading B: {}): the service deployment's
    # requested production weights say how production is shared, so the step is still judged GREEN against BLUE.
    config = {"metrics": {"lifecycle_events": ["PRODUCTION_TRAFFIC_SHIFT"]}}
    output = run("PRODUCTION_TRAFFIC_SHIFT", {}, "ecs/DescribeServiceDeployments.canary", "production", config)
    assert output.ready, output.results
    assert (output.plan.green.traffic_weight, output.plan.blue.traffic_weight) == (10.0, 90.0)
    assert output.plan.config["metrics"]["baseline"] is not None
