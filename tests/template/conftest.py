"""What the template's tests share: template.yaml translated offline as CloudFormation receives it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.support.template import policy_statements, translated


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    return dict(translated(str(ROOT))["Resources"])


ACCOUNT, REGION = "123456789012", "us-east-1"
SAMPLE_VALUES = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT}
SAMPLE_PARAMETERS = {"ConfigParameterPrefix": "/greenlight", "SecretsPrefix": "greenlight/"}
# What a GetAtt'd Arn looks like, per resource type (the only GetAtt the stack grants on).
GETATT_ARNS = {"AWS::SQS::Queue": f"arn:aws:sqs:{REGION}:{ACCOUNT}:greenlight-SafetyNetDeadLetterQueue-1A2B"}


def sample_arn(resource: Any, resources: dict[str, Any]) -> str:
    """A statement's Resource as an ARN it grants, its variables filled and each `*` standing for one name."""
    if isinstance(resource, str):
        return resource
    if "Fn::GetAtt" in resource:
        return GETATT_ARNS[resources[resource["Fn::GetAtt"][0]]["Type"]]
    sub = resource["Fn::Sub"]
    text, variables = (sub[0], sub[1]) if isinstance(sub, list) else (sub, {})

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return SAMPLE_VALUES.get(name) or SAMPLE_PARAMETERS.get(name) or ("name" if name not in variables else "fn")

    return re.sub(r"\$\{([^}]+)\}", value, text).replace("*", "x")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def grants(resources: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
    """(role, action) -> every Resource granted for it, as sample ARNs ("*" kept), over all the role's statements."""
    found: dict[tuple[str, str], list[str]] = {}
    for role, statement in policy_statements(resources):
        if statement.get("Effect") == "Deny":  # narrows what is granted, grants nothing
            continue
        targets = [sample_arn(r, resources) for r in _as_list(statement["Resource"])]
        for action in _as_list(statement["Action"]):
            found.setdefault((role, action), []).extend(targets)
    return found
