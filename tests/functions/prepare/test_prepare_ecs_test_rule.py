"""Prepare on ECS for a service without a test rule, or whose test rule forwards to BLUE too: validated where no
request needs one, refused saying so where one does; compare_with_blue refused on ECS saying why."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from common.config import VALIDATIONS
from greenlight.engine.guards.conformance import check
from tests.support.prepare_ecs import CORE, REVISIONS, SOURCE, TARGET, run
from tests.support.stubs import aws_response


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
