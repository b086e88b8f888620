"""The ECS native example: wired to greenlight's ECS hook, and discoverable by greenlight as deployed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto.backends import get_backend

from common.payload.ecs import EcsContext
from greenlight.engine.patches.ecs import ecs_stand_in
from greenlight.engine.project import load_template
from prepare.ecs_discovery import discover_ecs
from tests.conftest import ROOT
from tests.support.aws import example_load_balancer, local_aws

EXAMPLE = ROOT / "examples" / "ecs-native"
STACK, SERVICE = "shopnative", "web"
ECS = "arn:aws:ecs:us-east-1:123456789012"


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    return dict(load_template(EXAMPLE / "template.yaml"))


def hooks(example: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The service's Lambda hook (HookKind lambda, the default) and pause hook (HookKind pause)."""
    condition, [pause], [lambda_hook] = example["Resources"]["Service"]["Properties"]["DeploymentConfiguration"][
        "LifecycleHooks"
    ]["Fn::If"]
    assert condition == "IsPause" and example["Conditions"]["IsPause"] == {"Fn::Equals": [{"Ref": "HookKind"}, "pause"]}
    return lambda_hook, pause


def test_the_service_is_deployed_by_ecs_with_greenlights_hook(example: dict[str, Any], project: Any) -> None:
    service = example["Resources"]["Service"]["Properties"]
    assert service["DeploymentController"] == {"Type": "ECS"}
    assert example["Parameters"]["DeploymentStrategy"]["AllowedValues"] == ["BLUE_GREEN", "CANARY"]
    assert example["Parameters"]["HookKind"]["Default"] == "lambda"
    hook, _ = hooks(example)
    assert hook["TargetType"] == "AWS_LAMBDA"
    # the hook's function and role are the greenlight stack's exports
    exports = {
        output["Export"]["Name"]["Fn::Sub"] for output in project.template["Outputs"].values() if "Export" in output
    }
    imported = {hook[key]["Fn::ImportValue"]["Fn::Sub"] for key in ("HookTargetArn", "RoleArn")}
    assert {name.replace("${GreenlightStackName}", "${AWS::StackName}") for name in imported} <= exports
    blue_green, canary = hook["LifecycleStages"]["Fn::If"][2], hook["LifecycleStages"]["Fn::If"][1]
    assert blue_green == ["POST_TEST_TRAFFIC_SHIFT"] and canary == [
        "POST_TEST_TRAFFIC_SHIFT",
        "PRODUCTION_TRAFFIC_SHIFT",
    ]
    [balancer] = service["LoadBalancers"]
    assert balancer["AdvancedConfiguration"]["TestListenerRule"] == {"Ref": "TestRule"}
    assert balancer["AdvancedConfiguration"]["ProductionListenerRule"] == {"Ref": "ProductionRule"}


def test_the_pause_variant_pauses_where_greenlight_answers_and_rolls_back_without_an_answer(
    example: dict[str, Any],
) -> None:
    from common.ecs.pause_hook import GATE_TAG

    _, pause = hooks(example)
    assert pause["TargetType"] == "PAUSE" and "HookTargetArn" not in pause and "RoleArn" not in pause
    assert pause["TimeoutConfiguration"] == {"TimeoutInMinutes": {"Ref": "PauseTimeoutInMinutes"}, "Action": "ROLLBACK"}
    # the tag that opts the service in names exactly the stage the pause hook pauses at
    condition, [tag], _ = example["Resources"]["Service"]["Properties"]["Tags"]["Fn::If"]
    assert condition == "IsPause" and tag == {"Key": GATE_TAG, "Value": "POST_TEST_TRAFFIC_SHIFT"}
    assert pause["LifecycleStages"] == ["POST_TEST_TRAFFIC_SHIFT"]


def test_every_ecs_enum_the_example_uses_is_in_botocores_model(example: dict[str, Any]) -> None:
    model = boto3.session.Session().client("ecs", region_name="us-east-1").meta.service_model
    hook, pause = hooks(example)
    stages = set(hook["LifecycleStages"]["Fn::If"][1]) | set(pause["LifecycleStages"])
    assert stages <= set(model.shape_for("DeploymentLifecycleHookStage").enum)
    assert set(example["Parameters"]["DeploymentStrategy"]["AllowedValues"]) <= set(
        model.shape_for("DeploymentStrategy").enum
    )
    for each in (hook, pause):
        assert each["TargetType"] in model.shape_for("DeploymentLifecycleHookTargetType").enum
        assert each["TimeoutConfiguration"]["Action"] in model.shape_for("DeploymentLifecycleHookAction").enum
    timeout = model.shape_for("DeploymentLifecycleHookTimeoutConfiguration").members["timeoutInMinutes"].metadata
    parameter = example["Parameters"]["PauseTimeoutInMinutes"]
    assert timeout["min"] <= parameter["MinValue"] <= parameter["MaxValue"] <= timeout["max"]


def _rule(elbv2: Any, listener: str, props: dict[str, Any], groups: dict[str, str], nat: str) -> str:
    nat_only = {"Field": "source-ip", "SourceIpConfig": {"Values": [nat]}}  # the template's !Sub of the NAT address
    conditions = [nat_only if c["Field"] == "source-ip" else c for c in props["Conditions"]]
    targets = [
        {"TargetGroupArn": groups[t["TargetGroupArn"]["Ref"]], "Weight": t["Weight"]}
        for t in props["Actions"][0]["ForwardConfig"]["TargetGroups"]
    ]
    actions = [{"Type": "forward", "ForwardConfig": {"TargetGroups": targets}}]
    created = elbv2.create_rule(
        ListenerArn=listener, Priority=props["Priority"], Conditions=conditions, Actions=actions
    )
    return str(created["Rules"][0]["RuleArn"])


@pytest.fixture
def deployed(example: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, str]]:
    """The example's load balancer, rules and target groups in moto from the template's own properties, and the
    service deployment ECS would describe for the service's load balancer configuration."""
    resources = example["Resources"]
    with local_aws() as aws:
        elbv2 = aws["elbv2"]
        vpc, balancer = example_load_balancer(aws, resources, STACK)
        groups = {
            name: elbv2.create_target_group(
                Name=f"{STACK}-{name.removesuffix('TargetGroup').lower()}",
                Protocol=resources[name]["Properties"]["Protocol"],
                Port=80,
                VpcId=vpc,
                TargetType=resources[name]["Properties"]["TargetType"],
            )["TargetGroups"][0]["TargetGroupArn"]
            for name in ("BlueTargetGroup", "GreenTargetGroup")
        }
        port = int(example["Parameters"]["ListenerPort"]["Default"])
        listener = elbv2.create_listener(
            LoadBalancerArn=balancer["LoadBalancerArn"],
            Protocol=resources["Listener"]["Properties"]["Protocol"],
            Port=port,
            DefaultActions=resources["Listener"]["Properties"]["DefaultActions"],
        )["Listeners"][0]["ListenerArn"]
        rules = {
            name: _rule(elbv2, listener, resources[name]["Properties"], groups, "203.0.113.7/32")
            for name in ("ProductionRule", "TestRule")
        }
        arn = f"{ECS}:service-deployment/{STACK}/{SERVICE}/Example1"
        _describe_like_ecs(resources["Service"]["Properties"], arn, groups, rules)
        yield aws, arn, str(balancer["DNSName"])


def _describe_like_ecs(service: dict[str, Any], arn: str, groups: dict[str, str], rules: dict[str, str]) -> None:
    [balancer] = service["LoadBalancers"]
    advanced = balancer["AdvancedConfiguration"]
    load_balancer = {
        "targetGroupArn": groups[balancer["TargetGroupArn"]["Ref"]],
        "containerName": balancer["ContainerName"],
        "containerPort": 80,
        "advancedConfiguration": {
            "alternateTargetGroupArn": groups[advanced["AlternateTargetGroupArn"]["Ref"]],
            "productionListenerRule": rules[advanced["ProductionListenerRule"]["Ref"]],
            "testListenerRule": rules[advanced["TestListenerRule"]["Ref"]],
            "roleArn": "arn:aws:iam::123456789012:role/shopnative-InfrastructureRole",
        },
    }
    state = ecs_stand_in(get_backend("ecs")["123456789012"]["us-east-1"])
    service_arn = f"{ECS}:service/{STACK}/{SERVICE}"
    for revision, resolved in (("2", "GreenTargetGroup"), ("1", "BlueTargetGroup")):
        revision_arn = f"{ECS}:service-revision/{STACK}/{SERVICE}/{revision}"
        state.revisions[revision_arn] = {
            "serviceRevisionArn": revision_arn,
            "serviceArn": service_arn,
            "loadBalancers": [load_balancer],
            "resolvedConfiguration": {"loadBalancers": [{"targetGroupArn": groups[resolved]}]},
            "createdAt": datetime.now(UTC),
        }
    state.deployments[arn] = {
        "serviceDeploymentArn": arn,
        "serviceArn": service_arn,
        "targetServiceRevision": {"arn": f"{ECS}:service-revision/{STACK}/{SERVICE}/2", "requestedTaskCount": 2},
        "sourceServiceRevisions": [{"arn": f"{ECS}:service-revision/{STACK}/{SERVICE}/1", "requestedTaskCount": 2}],
        "status": "IN_PROGRESS",
        "lifecycleStage": "POST_TEST_TRAFFIC_SHIFT",
        "deploymentConfiguration": {"strategy": "BLUE_GREEN"},
    }


def test_discovery_finds_green_the_listener_and_the_test_header(deployed: tuple[dict[str, Any], str, str]) -> None:
    aws, arn, dns = deployed
    context = EcsContext(
        lifecycle_stage="POST_TEST_TRAFFIC_SHIFT",
        service_arn=f"{ECS}:service/{STACK}/{SERVICE}",
        target_service_revision_arn=f"{ECS}:service-revision/{STACK}/{SERVICE}/2",
    )
    found = discover_ecs(aws["ecs"], aws["elbv2"], arn, context)
    assert (found.application_name, found.deployment_group_name) == (STACK, SERVICE)  # /greenlight/shopnative/web
    assert found.green.name == f"{STACK}-green" and found.green.desired_count == 2
    assert found.blue is not None and found.blue.name == f"{STACK}-blue"
    assert found.test_url == f"http://{dns}:80"  # the one listener: the test rule shares the production port
    assert found.test_request.headers == {"X-Greenlight-Test": "true"}
    assert found.test_request.ignored and "source-ip" in found.test_request.ignored[0]
