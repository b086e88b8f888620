"""template.yaml translated offline by aws-sam-translator, as CloudFormation would receive it."""

from __future__ import annotations

import copy
import os
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

from samtranslator.translator.transform import transform

from greenlight.project import Project


class OfflinePolicyLoader:
    """Managed policy names to ARNs without calling IAM (the translator asks only for names it references)."""

    def load(self) -> dict[str, str]:
        names = ["AWSXrayWriteOnlyAccess", "AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole"]
        return {name: f"arn:aws:iam::aws:policy/{name}" for name in names}


def packaged(template: dict[str, Any]) -> dict[str, Any]:
    """What `sam package` does to local paths: they become S3 locations."""
    result = copy.deepcopy(template)
    result.setdefault("Globals", {}).setdefault("Function", {})["CodeUri"] = "s3://bucket/functions.zip"
    for resource in result["Resources"].values():
        props = resource.get("Properties", {})
        if "CodeUri" in props:
            props["CodeUri"] = "s3://bucket/functions.zip"
        if "DefinitionUri" in props:
            props["DefinitionUri"] = "s3://bucket/validation.asl.json"
    return result


@cache
def translated(root: str) -> dict[str, Any]:
    project = Project.find(Path(root))
    with mock.patch.dict(os.environ, {"AWS_DEFAULT_REGION": "us-east-1"}):  # the translator wants a region, any
        return dict(transform(packaged(project.template), {}, OfflinePolicyLoader()))  # type: ignore[arg-type]


def policy_statements(resources: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every inline policy statement of every role, conditional policies included."""
    found = []
    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::IAM::Role":
            for policy in resource["Properties"].get("Policies", []):
                # A conditional policy is {"Fn::If": [condition, policy, AWS::NoValue]}: check every branch.
                for candidate in policy.get("Fn::If", [None, policy])[1:]:
                    if isinstance(candidate, dict) and "PolicyDocument" in candidate:
                        found += [(logical_id, s) for s in candidate["PolicyDocument"]["Statement"]]
    return found


def wildcard_actions(resources: dict[str, Any]) -> list[str]:
    """`role: action` for every action with a `*` in it."""
    found = []
    for role, statement in policy_statements(resources):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        found += [f"{role}: {action}" for action in actions if "*" in action]
    return found
