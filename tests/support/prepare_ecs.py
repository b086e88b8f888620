"""Prepare for an Amazon ECS native deployment, on answers shaped as AWS sends them (tests/events/aws/ecs, elbv2): the
hook request and the calls queued on a Stubber, shared by the tests of Prepare on ECS."""

from __future__ import annotations

import json
from contextlib import ExitStack
from typing import Any

from common.payload.models import HookRequest
from prepare.app import prepare
from prepare.ecs_rules import listener_of
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
