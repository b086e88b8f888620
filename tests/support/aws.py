"""moto with greenlight's local stand-in patches, for tests that need CodeDeploy's missing APIs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from moto import mock_aws
from moto.backends import get_backend

from greenlight.engine import patches
from greenlight.engine.patches.codedeploy import stand_in
from greenlight.engine.standins.codedeploy import ACCOUNT, REGION

CLIENTS = ("codedeploy", "ecs", "elbv2", "ec2", "iam", "cloudwatch", "ssm", "stepfunctions", "s3")


@contextmanager
def local_aws() -> Iterator[dict[str, Any]]:
    patches.apply()
    with mock_aws():
        yield {name: boto3.client(name, region_name=REGION) for name in CLIENTS}


def callbacks() -> list[dict[str, Any]]:
    return list(stand_in(get_backend("codedeploy")[ACCOUNT][REGION]).callbacks)


def bare_deployment(codedeploy: Any, iam: Any) -> str:
    """A CodeDeploy deployment with no load balancer or targets (enough for callbacks)."""
    role = iam.create_role(RoleName="codedeploy", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    codedeploy.create_application(applicationName="app", computePlatform="ECS")
    codedeploy.create_deployment_group(applicationName="app", deploymentGroupName="dg", serviceRoleArn=role)
    return str(codedeploy.create_deployment(applicationName="app", deploymentGroupName="dg")["deploymentId"])


def example_load_balancer(aws: dict[str, Any], resources: dict[str, Any], name: str) -> tuple[str, dict[str, Any]]:
    """An example stack's VPC, public subnets and load balancer in moto, from the template's own properties."""
    ec2 = aws["ec2"]
    vpc = ec2.create_vpc(CidrBlock=resources["Vpc"]["Properties"]["CidrBlock"])["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=resources[subnet]["Properties"]["CidrBlock"], AvailabilityZone=zone)[
            "Subnet"
        ]["SubnetId"]
        for subnet, zone in (("PublicSubnetA", "us-east-1a"), ("PublicSubnetB", "us-east-1b"))
    ]
    balancer = aws["elbv2"].create_load_balancer(Name=name, Subnets=subnets, Type="application")["LoadBalancers"][0]
    return str(vpc), dict(balancer)
