"""Prepare for an Amazon ECS native deployment, on answers shaped as AWS sends them (tests/events/aws/ecs, elbv2).

Every call is queued on a conforming Stubber with the parameters Prepare must send.
"""

from __future__ import annotations

import copy
import json
from contextlib import ExitStack
from typing import Any

import pytest

from common.config import VALIDATIONS
from common.payload.models import HookRequest
from ecs_hook.contract import EcsHookEvent
from greenlight.engine.conformance import check
from prepare.app import prepare
from prepare.ecs_rules import listener_of, path_problem, request_for
from tests.conftest import load_event
from tests.support.stubs import aws_response, stubbed

CORE = ("health", "synthetic", "metrics")  # the validations these tests are about (one added later has its own)

DEPLOYMENTS = aws_response("ecs/DescribeServiceDeployments")
DEPLOYMENT = DEPLOYMENTS["serviceDeployments"][0]
REVISIONS = aws_response("ecs/DescribeServiceRevisions")
TARGET, SOURCE = (r["serviceRevisionArn"] for r in REVISIONS["serviceRevisions"])
ADVANCED = REVISIONS["serviceRevisions"][0]["loadBalancers"][0]["advancedConfiguration"]


def request(stage: str, production: dict[str, float]) -> HookRequest:
    return HookRequest.model_validate(
        {
            "deployment_id": DEPLOYMENT["serviceDeploymentArn"],
            "lifecycle_event_hook_execution_id": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
            "ecs": {
                "lifecycle_stage": stage,
                "service_arn": DEPLOYMENT["serviceArn"],
                "target_service_revision_arn": TARGET,
                "production_traffic_weights": production,
            },
        }
    )


def queue(
    ecs: Any,
    elbv2: Any,
    ssm: Any,
    deployments: str | dict[str, Any],
    rule: str,
    config: dict[str, Any] | None,
    revisions: dict[str, Any] = REVISIONS,
    rules: dict[str, Any] | None = None,
) -> None:
    arn = DEPLOYMENT["serviceDeploymentArn"]
    answer = aws_response(deployments) if isinstance(deployments, str) else deployments
    ecs.add_response("describe_service_deployments", answer, {"serviceDeploymentArns": [arn]})
    ecs.add_response("describe_service_revisions", revisions, {"serviceRevisionArns": [TARGET, SOURCE]})
    rule_arn = ADVANCED["productionListenerRule" if rule == "production" else "testListenerRule"]
    answer = rules or aws_response(f"elbv2/DescribeRules.{rule}")
    elbv2.add_response("describe_rules", answer, {"RuleArns": [rule_arn]})
    elbv2.add_response("describe_target_groups", aws_response("elbv2/DescribeTargetGroups"), {"Names": ["shop-green"]})
    elbv2.add_response(
        "describe_target_groups", aws_response("elbv2/DescribeTargetGroups.blue"), {"Names": ["shop-blue"]}
    )
    listeners = aws_response("elbv2/DescribeListeners.production")  # the test rule shares the production port
    elbv2.add_response("describe_listeners", listeners, {"ListenerArns": [listener_of(rule_arn)]})
    balancer = listeners["Listeners"][0]["LoadBalancerArn"]
    elbv2.add_response(
        "describe_load_balancers", aws_response("elbv2/DescribeLoadBalancers"), {"LoadBalancerArns": [balancer]}
    )
    names = ["/greenlight/default", "/greenlight/shop-cluster/shop"]
    parameters = [{"Name": names[1], "Type": "String", "Value": json.dumps(config), "Version": 1}] if config else []
    ssm.add_response(
        "get_parameters",
        {"Parameters": parameters, "InvalidParameters": names[: 2 - len(parameters)]},
        {"Names": names, "WithDecryption": True},
    )


def run(
    stage: str,
    production: dict[str, float],
    deployments: str | dict[str, Any],
    rule: str,
    config: Any = None,
    **answers: Any,
) -> Any:
    with ExitStack() as stack:
        ecs, ecs_stub = stack.enter_context(stubbed("ecs"))
        elbv2, elbv2_stub = stack.enter_context(stubbed("elbv2"))
        ssm, ssm_stub = stack.enter_context(stubbed("ssm"))
        codedeploy, _ = stack.enter_context(stubbed("codedeploy"))  # never called for ECS
        queue(ecs_stub, elbv2_stub, ssm_stub, deployments, rule, config, **answers)
        return prepare(request(stage, production), codedeploy, elbv2, ssm, "/greenlight", ecs)


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


def without_test_rule() -> dict[str, Any]:
    """The revisions of a service whose load balancer names a production rule only (the guide's canary example)."""
    revisions = copy.deepcopy(REVISIONS)
    for revision in revisions["serviceRevisions"]:
        for balancer in revision["loadBalancers"]:
            balancer["advancedConfiguration"].pop("testListenerRule", None)
    return dict(check("ecs", "DescribeServiceRevisions", revisions))


# every validation off but metrics, those a team added with new-validation included
METRICS_ONLY = {name: {"enabled": False} for name in VALIDATIONS if name != "metrics"}


@pytest.mark.parametrize("stage", ["POST_TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"])
def test_a_service_without_a_test_rule_is_validated_where_no_request_needs_one(stage: str) -> None:
    config = METRICS_ONLY | {"metrics": {"lifecycle_events": [stage]}}
    deployments = "ecs/DescribeServiceDeployments" + (".canary" if stage == "PRODUCTION_TRAFFIC_SHIFT" else "")
    output = run(stage, {SOURCE: 90.0, TARGET: 10.0}, deployments, "production", config, revisions=without_test_rule())
    assert output.ready, output.results
    assert (
        output.plan.planned["metrics"]
        and output.plan.green.name == "shop-green"
        and output.plan.blue.name == "shop-blue"
    )


def test_requests_that_need_a_test_rule_the_service_lacks_are_refused_saying_so() -> None:
    only_core = {name: {"enabled": False} for name in VALIDATIONS if name not in CORE}
    output = run(
        "POST_TEST_TRAFFIC_SHIFT",
        {},
        "ecs/DescribeServiceDeployments",
        "production",
        only_core or None,
        revisions=without_test_rule(),
    )
    assert not output.ready
    [problem] = output.results
    assert "health and synthetic at POST_TEST_TRAFFIC_SHIFT" in problem.reason
    assert "no test listener rule (advancedConfiguration.testListenerRule)" in problem.reason


def test_requests_through_a_rule_that_forwards_to_blue_too_are_refused() -> None:
    rules = copy.deepcopy(aws_response("elbv2/DescribeRules.test"))
    [action] = rules["Rules"][0]["Actions"]
    green = next(
        g["TargetGroupArn"] for g in action["ForwardConfig"]["TargetGroups"] if "shop-green" in g["TargetGroupArn"]
    )
    blue = green.replace("shop-green/fedcba9876543210", "shop-blue/0123456789abcdef")
    action["ForwardConfig"]["TargetGroups"] = [
        {"TargetGroupArn": green, "Weight": 10},
        {"TargetGroupArn": blue, "Weight": 90},
    ]
    check("elbv2", "DescribeRules", rules)
    output = run("POST_TEST_TRAFFIC_SHIFT", {}, "ecs/DescribeServiceDeployments", "test", rules=rules)
    assert not output.ready
    assert "forwards to GREEN 10 and to shop-blue 90 now" in output.results[0].reason


def test_compare_with_blue_is_refused_on_ecs_saying_why_never_a_false_inconclusive() -> None:
    # On ECS the test and production rules share one listener and every request carries the test rule's conditions,
    # so greenlight has no route to BLUE alone for the same requests: the config is refused with the reason, at once.
    config = {"synthetic": {"compare_with_blue": {}}}
    output = run("POST_TEST_TRAFFIC_SHIFT", {}, "ecs/DescribeServiceDeployments", "test", config)
    assert not output.ready
    [problem] = output.results
    assert "synthetic.compare_with_blue" in problem.reason and "Amazon ECS" in problem.reason
    assert "metrics.baseline" in problem.reason  # what to use instead


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


def run_pause(deployments: dict[str, Any], plan_follows: bool) -> Any:
    """Prepare for a pause hook (request.hook_type PAUSE, the hookId of DescribeServiceDeployments.pause)."""
    hook_id = "ecs-pause-e7tK9G_WRJqNF_EOMjztDXfKenlJuEUVjsNStf4WLKw"
    given = request("POST_TEST_TRAFFIC_SHIFT", {}).model_copy(
        update={"lifecycle_event_hook_execution_id": hook_id, "hook_type": "PAUSE"}
    )
    with ExitStack() as stack:
        ecs, ecs_stub = stack.enter_context(stubbed("ecs"))
        elbv2, elbv2_stub = stack.enter_context(stubbed("elbv2"))
        ssm, ssm_stub = stack.enter_context(stubbed("ssm"))
        codedeploy, _ = stack.enter_context(stubbed("codedeploy"))
        if plan_follows:
            queue(ecs_stub, elbv2_stub, ssm_stub, "ecs/DescribeServiceDeployments.pause", "test", None)
        else:  # only the deployment is read: nothing is left to gate
            arn = DEPLOYMENT["serviceDeploymentArn"]
            ecs_stub.add_response("describe_service_deployments", deployments, {"serviceDeploymentArns": [arn]})
        return prepare(given, codedeploy, elbv2, ssm, "/greenlight", ecs)


def test_a_pause_hook_still_awaiting_action_is_planned_as_the_lambda_hook_is() -> None:
    output = run_pause(aws_response("ecs/DescribeServiceDeployments.pause"), plan_follows=True)
    assert output.ready, output.results
    assert output.request.hook_type == "PAUSE" and output.plan.request.hook_type == "PAUSE"
    assert (output.plan.stage, output.plan.green.name) == ("POST_TEST_TRAFFIC_SHIFT", "shop-green")


@pytest.mark.parametrize(
    ("hook_status", "deployment_status", "why"),
    [
        (
            "TIMED_OUT",
            "ROLLBACK_IN_PROGRESS",
            "the pause hook ecs-pause-e7tK9G_WRJqNF_EOMjztDXfKenlJuEUVjsNStf4WLKw is TIMED_OUT",
        ),
        ("SUCCEEDED", "IN_PROGRESS", "is SUCCEEDED: ECS no longer waits"),
        ("AWAITING_ACTION", "STOPPED", "the service deployment is STOPPED"),
    ],
)
def test_a_pause_hook_ecs_no_longer_waits_on_is_not_validated(
    hook_status: str, deployment_status: str, why: str
) -> None:
    deployments = aws_response("ecs/DescribeServiceDeployments.pause")
    deployments["serviceDeployments"][0]["status"] = deployment_status
    deployments["serviceDeployments"][0]["lifecycleHookDetails"][0]["status"] = hook_status
    output = run_pause(check("ecs", "DescribeServiceDeployments", deployments), plan_follows=False)  # type: ignore[arg-type]
    assert not output.ready and why in output.results[0].reason
