"""Every action the stack grants, scoped the way the Service Authorization Reference says AWS authorizes it."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from importlib import resources as package_resources
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.support.template import policy_statements, translated

pytestmark = pytest.mark.unit


@dataclass(frozen=True)
class Scope:
    listed: tuple[str, ...]  # the resource types the reference lists for the action
    granted: str | None  # the one our statement names; None: Resource "*"
    why_star: str = ""  # why "*" although the reference lists a type


# From the Service Authorization Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/), its
# pages "Actions, resources, and condition keys for ..." AWS CodeDeploy (list_awscodedeploy.html), Amazon CloudWatch
# (list_amazoncloudwatch.html), Elastic Load Balancing V2, Amazon CloudWatch Logs, AWS Step Functions, AWS Systems
# Manager, AWS Certificate Manager, AWS Secrets Manager, AWS Lambda, Amazon SQS, Amazon EC2, Amazon EventBridge and
# Amazon Elastic Container Service (service-deployment and service-revision resource types).
# An action for which it lists no resource type is authorized against "*" only: any ARN in Resource is AccessDenied
# (for the CodeDeploy target reads, in Prepare; for the callback, a verdict that never arrives).
SCOPES: dict[str, Scope] = {
    "codedeploy:GetDeployment": Scope(("deploymentgroup",), "deploymentgroup"),
    "codedeploy:GetDeploymentGroup": Scope(("deploymentgroup",), "deploymentgroup"),
    "codedeploy:ListDeploymentTargets": Scope((), None),
    "codedeploy:GetDeploymentTarget": Scope((), None),
    "codedeploy:PutLifecycleEventHookExecutionStatus": Scope((), None),
    "elasticloadbalancing:DescribeTargetGroups": Scope((), None),
    "elasticloadbalancing:DescribeListeners": Scope((), None),
    "elasticloadbalancing:DescribeLoadBalancers": Scope((), None),
    "elasticloadbalancing:DescribeRules": Scope((), None),
    # AWS Certificate Manager: DescribeCertificate on certificate/<id> (ACM user guide, "ACM API permissions").
    "acm:DescribeCertificate": Scope(("certificate",), "certificate"),
    "elasticloadbalancing:DescribeTargetHealth": Scope((), None),
    "ecs:DescribeServiceDeployments": Scope(("service", "service-deployment"), "service-deployment"),
    "ecs:DescribeServiceRevisions": Scope(("service", "service-revision"), "service-revision"),
    "cloudwatch:GetMetricData": Scope(("dataset",), None, "dataset is for OTLP metrics; classic queries name none"),
    "cloudwatch:DescribeAlarms": Scope(
        ("alarm",), None, "the DescribeAlarms API reference: composite alarms are returned only to a * scope"
    ),
    "logs:CreateLogDelivery": Scope((), None),
    "logs:GetLogDelivery": Scope((), None),
    "logs:UpdateLogDelivery": Scope((), None),
    "logs:DeleteLogDelivery": Scope((), None),
    "logs:ListLogDeliveries": Scope((), None),
    "logs:PutResourcePolicy": Scope((), None),
    "logs:DescribeResourcePolicies": Scope((), None),
    "logs:DescribeLogGroups": Scope((), None),
    "states:StartExecution": Scope(("statemachine",), "statemachine"),
    "states:DescribeExecution": Scope(("execution", "express"), "execution"),
    "ssm:GetParameter": Scope(("parameter",), "parameter"),
    "ssm:GetParameters": Scope(("parameter",), "parameter"),
    "ssm:GetParameterHistory": Scope(("parameter",), "parameter"),
    "secretsmanager:GetSecretValue": Scope(("secret",), "secret"),
    # AWS Security Token Service: AssumeRole and TagSession on role/<path><name> (the secret reader's path).
    "sts:AssumeRole": Scope(("role",), "role"),
    "sts:TagSession": Scope(("role",), "role"),
    "lambda:InvokeFunction": Scope(("function",), "function"),
    "sqs:SendMessage": Scope(("queue",), "queue"),
    # Amazon EventBridge: both of its bus types name event-bus/<name>; greenlight puts on the default bus only.
    "events:PutEvents": Scope(("event-bus", "event-busv2"), "event-bus"),
    # SAM's VPCAccessPolicy template (VPC mode only); AWSLambdaVPCAccessExecutionRole grants the same on "*", and the
    # network interfaces Lambda creates for the function are not known before it does.
    "ec2:CreateNetworkInterface": Scope(
        ("network-interface", "security-group", "subnet"), None, "SAM's VPCAccessPolicy; Lambda names the interface"
    ),
    "ec2:DeleteNetworkInterface": Scope(("network-interface",), None, "SAM's VPCAccessPolicy"),
    "ec2:DescribeNetworkInterfaces": Scope((), None),
    "ec2:DetachNetworkInterface": Scope(("instance", "network-interface"), None, "SAM's VPCAccessPolicy"),
}

# How a statement names a resource of each type (the translated template's Fn::Sub text, or the GetAtt'd resource type).
ARN_PREFIXES = {
    "deploymentgroup": "arn:${AWS::Partition}:codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentgroup:",
    "alarm": "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:",
    "statemachine": "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:",
    "execution": "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:",
    "parameter": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter",
    "secret": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:",
    "function": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:",
    "queue": "GetAtt:AWS::SQS::Queue",
    "service-deployment": "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service-deployment/",
    "service-revision": "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service-revision/",
    "certificate": "arn:${AWS::Partition}:acm:${AWS::Region}:${AWS::AccountId}:certificate/",
    "event-bus": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default",
    "role": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/",
}

CALLBACK = "codedeploy:PutLifecycleEventHookExecutionStatus"


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    return dict(translated(str(ROOT))["Resources"])


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _rendered(resource: Any, resources: dict[str, Any]) -> str:
    """A statement's Resource as comparable text: "*", the Fn::Sub template, or GetAtt:<type of the resource>."""
    if isinstance(resource, str):
        return resource
    if "Fn::Sub" in resource:
        sub = resource["Fn::Sub"]
        return str(sub[0] if isinstance(sub, list) else sub)
    if "Fn::GetAtt" in resource:
        return f"GetAtt:{resources[resource['Fn::GetAtt'][0]]['Type']}"
    return json.dumps(resource)


def scoping_problems(resources: dict[str, Any]) -> list[str]:
    """`role: action: problem` for every action granted on another scope than the table's."""
    problems = []
    for role, statement in policy_statements(resources):
        targets = [_rendered(r, resources) for r in _as_list(statement["Resource"])]
        for action in _as_list(statement["Action"]):
            scope = SCOPES.get(action)
            if scope is None:
                problems.append(f"{role}: {action}: not in SCOPES (look it up in the Service Authorization Reference)")
            elif scope.granted is None and targets != ["*"]:
                problems.append(f"{role}: {action}: the reference authorizes it on * only, granted on {targets}")
            elif scope.granted is not None and not all(t.startswith(ARN_PREFIXES[scope.granted]) for t in targets):
                problems.append(f"{role}: {action}: should name {scope.granted} ARNs, granted on {targets}")
    return problems


def test_every_action_is_scoped_as_the_reference_says(resources: dict[str, Any]) -> None:
    assert len(policy_statements(resources)) > 10, "the translated template should have inline policies"
    assert scoping_problems(resources) == []


def test_a_scope_aws_does_not_support_is_caught(resources: dict[str, Any]) -> None:
    bad = copy.deepcopy(resources)
    group_arn = {"Fn::Sub": ARN_PREFIXES["deploymentgroup"] + "*"}
    bad["PrepareFunctionRole"]["Properties"]["Policies"].append(
        {
            "PolicyName": "Bad",
            "PolicyDocument": {
                "Statement": [{"Effect": "Allow", "Action": "codedeploy:ListDeploymentTargets", "Resource": group_arn}]
            },
        }
    )
    assert scoping_problems(bad) == [
        "PrepareFunctionRole: codedeploy:ListDeploymentTargets: the reference authorizes it on * only, granted on "
        f"['{ARN_PREFIXES['deploymentgroup']}*']"
    ]


@pytest.mark.parametrize(
    "role", ["HookFunctionRole", "FinalizeFunctionRole", "SafetyNetFunctionRole", "ValidationStateMachineRole"]
)
def test_every_role_that_calls_back_may_do_so_for_any_deployment(resources: dict[str, Any], role: str) -> None:
    granted = [
        s["Resource"] for r, s in policy_statements(resources) if r == role and CALLBACK in _as_list(s["Action"])
    ]
    assert granted == ["*"]


def test_the_table_is_the_reference_as_cfn_lint_ships_it() -> None:
    # cfn-lint carries the programmatic Service Authorization Reference (resource types per action) for its IAM rules.
    policies = json.loads(
        package_resources.files("cfnlint.data.AdditionalSpecs").joinpath("Policies.json").read_text(encoding="utf-8")
    )
    for action, scope in SCOPES.items():
        service, name = action.split(":")
        listed = policies[service]["Actions"][name.lower()].get("Resources", [])
        assert sorted(r.lower() for r in listed) == sorted(scope.listed), action


def test_star_only_where_the_reference_lists_no_type_or_a_reason_is_given() -> None:
    for action, scope in SCOPES.items():
        if scope.granted is None and scope.listed:
            assert scope.why_star, f"{action}: the reference lists {scope.listed}; say why the statement uses *"
        if scope.granted is not None:
            assert scope.granted in scope.listed, action


def test_only_the_secret_reader_role_reads_secrets(resources: dict[str, Any]) -> None:
    """The synthetic function's own role reads no secret: only a SecretReaderRole session tagged with the
    deployment group does (common.secret_scope), so a config naming another team's secret meets AccessDenied."""
    reads = {"ssm:GetParameter", "secretsmanager:GetSecretValue"}
    readers = {role for role, statement in policy_statements(resources) if reads & set(_as_list(statement["Action"]))}
    assert readers == {"SecretReaderRole"}
