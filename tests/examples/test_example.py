"""The ECS blue/green example: wired to greenlight's hook, and discoverable by greenlight as deployed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from greenlight.engine.patches.codedeploy import stand_in
from greenlight.project import load_template
from prepare.discovery import discover
from tests.examples.conftest import EXAMPLE, README, STACK
from tests.support.aws import example_load_balancer, local_aws


def test_appspec_names_the_hook_greenlight_creates(project: Any) -> None:
    appspec = yaml.safe_load((EXAMPLE / "appspec.yaml").read_text())
    hooks = {name: function for hook in appspec["Hooks"] for name, function in hook.items()}
    assert hooks == {"AfterAllowTestTraffic": project.template["Parameters"]["HookFunctionName"]["Default"]}
    assert appspec["Resources"][0]["TargetService"]["Properties"]["LoadBalancerInfo"]["ContainerName"] == "web"


def test_codedeploy_role_can_invoke_only_codedeployhook_functions(example: dict[str, Any]) -> None:
    # Of the managed policies for ECS, only ...Limited restricts lambda:InvokeFunction to CodeDeployHook_* functions.
    policies = example["CodeDeployServiceRole"]["Properties"]["ManagedPolicyArns"]
    assert policies == [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AWSCodeDeployRoleForECSLimited"}]


def test_the_test_port_admits_only_the_nat_gateway_greenlight_leaves_through(example: dict[str, Any]) -> None:
    ingress = example["LoadBalancerSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    test_port = [rule for rule in ingress if rule["FromPort"] == {"Ref": "TestPort"}]
    assert test_port == [
        {
            "IpProtocol": "tcp",
            "FromPort": {"Ref": "TestPort"},
            "ToPort": {"Ref": "TestPort"},
            "CidrIp": {"Fn::Sub": "${NatAddress}/32"},
        }
    ]
    assert example["NatGateway"]["Properties"]["AllocationId"] == {"Fn::GetAtt": ["NatAddress", "AllocationId"]}
    # greenlight's subnets route everything through that gateway, and the walkthrough deploys greenlight into them.
    assert example["PrivateDefaultRoute"]["Properties"] == {
        "RouteTableId": {"Ref": "PrivateRouteTable"},
        "DestinationCidrBlock": "0.0.0.0/0",
        "NatGatewayId": {"Ref": "NatGateway"},
    }
    routed = {
        r["Properties"]["SubnetId"]["Ref"]
        for r in example.values()
        if r["Type"] == "AWS::EC2::SubnetRouteTableAssociation"
        and r["Properties"]["RouteTableId"] == {"Ref": "PrivateRouteTable"}
    }
    outputs = load_template(EXAMPLE / "template.yaml")["Outputs"]
    assert outputs["GreenlightSubnetIds"]["Value"] == {"Fn::Join": [",", [{"Ref": s} for s in sorted(routed)]]}
    assert outputs["GreenlightSecurityGroupId"]["Value"] == {"Ref": "GreenlightSecurityGroup"}
    assert "VpcSubnetIds=$(out GreenlightSubnetIds) VpcSecurityGroupIds=$(out GreenlightSecurityGroupId)" in README


def test_the_deployment_group_has_what_discovery_needs(example: dict[str, Any]) -> None:
    group = example["DeploymentGroup"]["Properties"]
    [pair] = group["LoadBalancerInfo"]["TargetGroupPairInfoList"]
    assert [tg["Name"] for tg in pair["TargetGroups"]] == [
        {"Fn::GetAtt": ["BlueTargetGroup", "TargetGroupName"]},
        {"Fn::GetAtt": ["GreenTargetGroup", "TargetGroupName"]},
    ]
    assert pair["ProdTrafficRoute"]["ListenerArns"] == [{"Ref": "ProductionListener"}]
    assert pair["TestTrafficRoute"]["ListenerArns"] == [{"Ref": "TestListener"}]
    assert group["DeploymentStyle"] == {"DeploymentType": "BLUE_GREEN", "DeploymentOption": "WITH_TRAFFIC_CONTROL"}
    assert example["Service"]["Properties"]["DeploymentController"] == {"Type": "CODE_DEPLOY"}


@pytest.fixture
def deployed(example: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """The example's load balancer and deployment group created in moto from the template's own properties."""
    with local_aws() as aws:
        elbv2, codedeploy = aws["elbv2"], aws["codedeploy"]
        vpc, balancer = example_load_balancer(aws, example, STACK)
        groups = {}
        for label in ("Blue", "Green"):
            props = example[f"{label}TargetGroup"]["Properties"]
            groups[label] = elbv2.create_target_group(
                Name=f"{STACK}-{label.lower()}",
                Protocol=props["Protocol"],
                Port=80,
                VpcId=vpc,
                TargetType=props["TargetType"],
            )["TargetGroups"][0]
        defaults = load_template(EXAMPLE / "template.yaml")["Parameters"]
        listeners = {
            name: elbv2.create_listener(
                LoadBalancerArn=balancer["LoadBalancerArn"],
                Protocol="HTTP",
                Port=int(defaults[port]["Default"]),
                DefaultActions=[{"Type": "forward", "TargetGroupArn": groups["Blue"]["TargetGroupArn"]}],
            )["Listeners"][0]["ListenerArn"]
            for name, port in (("ProductionListener", "ProductionPort"), ("TestListener", "TestPort"))
        }
        role = aws["iam"].create_role(RoleName="codedeploy", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        codedeploy.create_application(applicationName=STACK, computePlatform="ECS")
        props = example["DeploymentGroup"]["Properties"]
        [pair] = props["LoadBalancerInfo"]["TargetGroupPairInfoList"]
        codedeploy.create_deployment_group(
            applicationName=STACK,
            deploymentGroupName=f"{STACK}-dg",
            serviceRoleArn=role,
            deploymentStyle={"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
            loadBalancerInfo={
                "targetGroupPairInfoList": [
                    {
                        "targetGroups": [
                            {"name": groups[t["Fn::GetAtt"][0].removesuffix("TargetGroup")]["TargetGroupName"]}
                            for t in (tg["Name"] for tg in pair["TargetGroups"])
                        ],
                        "prodTrafficRoute": {
                            "listenerArns": [listeners[pair["ProdTrafficRoute"]["ListenerArns"][0]["Ref"]]]
                        },
                        "testTrafficRoute": {
                            "listenerArns": [listeners[pair["TestTrafficRoute"]["ListenerArns"][0]["Ref"]]]
                        },
                    }
                ]
            },
        )
        deployment = codedeploy.create_deployment(applicationName=STACK, deploymentGroupName=f"{STACK}-dg")[
            "deploymentId"
        ]
        from moto.backends import get_backend

        stand_in(get_backend("codedeploy")["123456789012"]["us-east-1"]).targets[deployment] = {
            "targetId": "ecs",
            "lifecycleEvents": [{"lifecycleEventName": "AfterAllowTestTraffic", "status": "InProgress"}],
            "taskSetsInfo": [
                {"taskSetLabel": "Blue", "targetGroup": {"name": f"{STACK}-blue"}, "desiredCount": 2},
                {"taskSetLabel": "Green", "targetGroup": {"name": f"{STACK}-green"}, "desiredCount": 2},
            ],
        }
        yield aws, deployment


def test_discovery_finds_green_and_the_test_listener_of_the_example(deployed: tuple[dict[str, Any], str]) -> None:
    aws, deployment = deployed
    found = discover(aws["codedeploy"], aws["elbv2"], deployment)
    assert (found.application_name, found.deployment_group_name) == (STACK, f"{STACK}-dg")
    assert found.green.name == f"{STACK}-green" and found.green.desired_count == 2
    assert found.blue is not None and found.blue.name == f"{STACK}-blue"
    assert found.test_url.endswith(":8080")
