"""Reading the translated template's IAM policies."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from greenlight.authoring.translate import translate
from greenlight.project import Project


@cache
def translated(root: str) -> dict[str, Any]:
    return translate(Project.find(Path(root)).template)


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
