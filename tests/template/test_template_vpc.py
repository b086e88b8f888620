"""template.yaml in VPC mode: subnets and security groups set together, every VPC-attached function taking both, and an
endpoint for every service its functions call."""

from __future__ import annotations

from typing import Any

import pytest

from greenlight.project import Project
from tests.conftest import ROOT
from tests.support.template import policy_statements


def _rule_value(expression: Any, parameters: dict[str, list[str]]) -> Any:
    """Evaluates the rule functions the template uses, as "AWS rule functions" in the CloudFormation guide defines them.

    A CommaDelimitedList parameter is a list of strings; left empty, it is [""].
    """
    if not isinstance(expression, dict):
        return [_rule_value(e, parameters) for e in expression] if isinstance(expression, list) else expression
    [(function, argument)] = expression.items()
    if function == "Ref":
        return parameters[argument]
    values = [_rule_value(a, parameters) for a in argument]
    match function:
        case "Fn::Or":
            return any(values)
        case "Fn::And":
            return all(values)
        case "Fn::Not":
            return not values[0]
        case "Fn::Contains":
            return values[1] in values[0]
        case "Fn::EachMemberEquals":
            return all(member == values[1] for member in values[0])
    raise AssertionError(f"{function} is not a rule function this test knows")


@pytest.mark.parametrize(
    ("subnets", "security_groups", "accepted"),
    [
        ([""], [""], True),
        (["subnet-1", "subnet-2"], ["sg-1"], True),
        (["subnet-1", "subnet-2"], [""], False),
        ([""], ["sg-1"], False),
        (["subnet-1"], ["sg-1", ""], False),
    ],
)
def test_vpc_subnets_and_security_groups_are_set_together_or_not_at_all(
    project: Project, subnets: list[str], security_groups: list[str], accepted: bool
) -> None:
    # GIVEN the template's rules, WHEN CloudFormation checks these parameter values before deploying anything
    parameters = {"VpcSubnetIds": subnets, "VpcSecurityGroupIds": security_groups}
    rules = project.template["Rules"]
    verdicts = [_rule_value(a["Assert"], parameters) for rule in rules.values() for a in rule["Assertions"]]
    # THEN both set or both empty are accepted; one without the other is refused before any function exists
    assert all(verdicts) is accepted
    for rule in rules.values():
        assert all(a["AssertDescription"] for a in rule["Assertions"])


def test_every_vpc_attached_function_takes_both_vpc_parameters(project: Project) -> None:
    attached = {n: r for n, r in project.resources.items() if "VpcConfig" in r.get("Properties", {})}
    assert {"ValidateHealthFunction", "ValidateSyntheticFunction"} <= set(attached)
    for resource in attached.values():
        condition, vpc_config, otherwise = resource["Properties"]["VpcConfig"]["Fn::If"]
        assert (condition, otherwise) == ("InVpc", {"Ref": "AWS::NoValue"})
        assert vpc_config == {"SubnetIds": {"Ref": "VpcSubnetIds"}, "SecurityGroupIds": {"Ref": "VpcSecurityGroupIds"}}


def _services_called_from_the_vpc(resources: dict[str, Any]) -> set[str]:
    """The AWS services the functions in VPC mode call: their roles' actions, and those of the roles they assume."""
    functions = {k: r for k, r in resources.items() if r["Type"] == "AWS::Lambda::Function"}
    in_vpc = {k for k, r in functions.items() if "VpcConfig" in r["Properties"]}
    roles = {f"{function}Role" for function in in_vpc}
    statements = policy_statements(resources)
    assumed = {
        resource["Fn::GetAtt"][0]
        for role, statement in statements
        if role in roles and "sts:AssumeRole" in statement["Action"]
        for resource in [statement["Resource"]]
        if isinstance(resource, dict) and "Fn::GetAtt" in resource
    }
    assumed |= {k for k, r in resources.items() if r["Type"] == "AWS::IAM::Role" and "Path" in r["Properties"]}
    actions = [s["Action"] for role, s in statements if role in roles | assumed and s["Effect"] == "Allow"]
    flat = [action for group in actions for action in (group if isinstance(group, list) else [group])]
    return {action.split(":")[0] for action in flat} - {"logs", "xray", "ec2"}


def test_vpc_mode_names_an_endpoint_for_every_service_its_functions_call(
    resources: dict[str, Any], project: Project
) -> None:
    """In a VPC without a NAT gateway, a service without an interface endpoint is unreachable: the synthetic function
    assumes SecretReaderRole (STS) before it reads a secret, so its check could never read one."""
    services = _services_called_from_the_vpc(resources)
    assert {"elasticloadbalancing", "sts", "ssm", "secretsmanager"} <= services
    description = " ".join(project.template["Parameters"]["VpcSubnetIds"]["Description"].split())
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    readme = " ".join(deploy.split("**VPC mode.**", 1)[1].split("\n\n", 1)[0].split())
    assert [s for s in sorted(services) if s not in description] == []
    assert [s for s in sorted(services) if f".{s}`" not in readme and f".{s}" not in readme] == []
