"""The ECS blue/green example: wired to greenlight's hook, and discoverable by greenlight as deployed."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.session
import pytest
import yaml
from botocore.validate import ParamValidator

from greenlight.engine.patches.codedeploy import stand_in
from greenlight.engine.project import load_template
from prepare.discovery import discover
from tests.conftest import ROOT
from tests.support.aws import example_load_balancer, local_aws

EXAMPLE = ROOT / "examples" / "ecs-bluegreen"
STACK = "shop"
README = (EXAMPLE / "README.md").read_text()
PLACEHOLDER = re.compile(r"<[A-Z_]+>")


def walkthrough_step(heading: str) -> list[str]:
    """The command lines of the walkthrough step under `## <heading>`, exactly as the README shows them."""
    section = README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```\n", 2)[1]
    return block.replace("\\\n", " ").splitlines()


def command(lines: list[str], start: str) -> str:
    [line] = [line for line in lines if line.startswith(start)]
    return line


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    return dict(load_template(EXAMPLE / "template.yaml")["Resources"])


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


def test_the_releases_keep_the_awslogs_configuration_of_the_first_one(example: dict[str, Any]) -> None:
    [first] = example["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    logging = first["LogConfiguration"]
    assert logging["LogDriver"] == "awslogs"
    assert logging["Options"]["awslogs-group"] == {"Ref": "TaskLogGroup"}
    outputs = load_template(EXAMPLE / "template.yaml")["Outputs"]
    assert outputs["TaskLogGroupName"]["Value"] == {"Ref": "TaskLogGroup"}
    assert outputs["Region"]["Value"] == {"Ref": "AWS::Region"}
    for name in ("taskdef-good.json", "taskdef-bad.json"):
        [container] = json.loads((EXAMPLE / name).read_text())["containerDefinitions"]
        assert container["logConfiguration"] == {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": "<LOG_GROUP>",
                "awslogs-region": "<REGION>",
                "awslogs-stream-prefix": logging["Options"]["awslogs-stream-prefix"],
            },
        }, name


def test_the_walkthrough_fills_every_placeholder_of_the_releases_from_the_stack_outputs() -> None:
    outputs = load_template(EXAMPLE / "template.yaml")["Outputs"]
    taskdef_line = command(walkthrough_step("3. Deploy a good release"), "sed -e ")
    filled = dict(re.findall(r'-e "s\|(<[A-Z_]+>)\|\$\(out (\w+)\)\|"', taskdef_line))
    for name in ("taskdef-good.json", "taskdef-bad.json"):
        assert set(PLACEHOLDER.findall((EXAMPLE / name).read_text())) == set(filled), name
    assert set(filled.values()) <= set(outputs)
    assert set(re.findall(r"\$\(out (\w+)\)", README)) <= set(outputs)


@pytest.mark.parametrize("name", ["taskdef-good.json", "taskdef-bad.json"])
def test_each_release_is_a_valid_register_task_definition_request(name: str) -> None:
    filled = {
        "<FAMILY>": f"{STACK}-web",
        "<EXECUTION_ROLE_ARN>": "arn:aws:iam::123456789012:role/shop-TaskExecutionRole",
        "<LOG_GROUP>": "shop-TaskLogGroup",
        "<REGION>": "us-east-1",
    }
    request = json.loads(PLACEHOLDER.sub(lambda m: filled[m.group()], (EXAMPLE / name).read_text()))
    shape = (
        botocore.session.get_session().get_service_model("ecs").operation_model("RegisterTaskDefinition").input_shape
    )
    report = ParamValidator().validate(request, shape)
    assert not report.has_errors(), report.generate_report()


def _offline_cli(arguments: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    """awscli's own parsing of `aws <arguments>`, in a subprocess that has no credentials and never calls AWS."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    return subprocess.run(
        [sys.executable, "-m", "tests.support.awscli_offline", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def _appspec_as_deployed(taskdef_arn: str) -> str:
    """appspec.yaml after the walkthrough's sed: the first <TASK_DEFINITION> of each line replaced."""
    lines = (EXAMPLE / "appspec.yaml").read_text().splitlines(keepends=True)
    return "".join(line.replace("<TASK_DEFINITION>", taskdef_arn, 1) for line in lines)


TASKDEF_ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-web:2"


@pytest.mark.skipif(
    shutil.which("jq") is None, reason="jq is not installed; the walkthrough builds the revision with it"
)
def test_the_walkthrough_deployment_reaches_codedeploy_with_the_appspec_intact(tmp_path: Path) -> None:
    # GIVEN step 3 of the walkthrough as the README shows it, its scratch files under tmp_path instead of /tmp
    step = [line.replace("/tmp/", f"{tmp_path}/") for line in walkthrough_step("3. Deploy a good release")]
    build = [command(step, 'sed "s|<TASK_DEFINITION>|'), command(step, "jq ")]
    deploy = command(step, "aws deploy create-deployment ")
    # WHEN the shell builds the revision file and the AWS CLI parses the deployment command (offline)
    subprocess.run(
        ["bash", "-euo", "pipefail", "-c", "\n".join(build)],
        cwd=EXAMPLE,
        env={**os.environ, "TASKDEF": TASKDEF_ARN},
        check=True,
    )
    result = _offline_cli(shlex.split(deploy)[1:], tmp_path)
    # THEN CodeDeploy would receive the appspec exactly as written, its apostrophes included
    assert result.returncode == 0, result.stderr
    call = json.loads(result.stdout)
    expected = _appspec_as_deployed(TASKDEF_ARN)
    assert "'" in expected, "the appspec's comments should keep an apostrophe: it is what broke the shorthand form"
    assert call == {
        "service": "codedeploy",
        "operation": "CreateDeployment",
        "parameters": {
            "applicationName": STACK,
            "deploymentGroupName": f"{STACK}-dg",
            "revision": {"revisionType": "AppSpecContent", "appSpecContent": {"content": expected}},
        },
    }


def test_the_shorthand_form_the_walkthrough_gave_up_breaks_on_the_apostrophe(tmp_path: Path) -> None:
    content = _appspec_as_deployed(TASKDEF_ARN).rstrip("\n")  # as $(cat /tmp/appspec.yaml) gives it
    revision = f"revisionType=AppSpecContent,appSpecContent={{content='{content}'}}"
    arguments = ["deploy", "create-deployment", "--application-name", STACK, "--deployment-group-name", f"{STACK}-dg"]
    result = _offline_cli([*arguments, "--revision", revision], tmp_path)
    assert result.returncode != 0
    assert "Error parsing parameter '--revision'" in result.stderr
