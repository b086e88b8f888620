"""Offline checks of the state machine that cfn-lint alone cannot make (it never opens DefinitionUri files).

`python -m greenlight.authoring.lint [ASL]` checks: the graph (every Next, Default and Catch target exists, no state is
unreachable, every path ends), cfn-lint's state machine rules on the real definition (as the Definition of
a throwaway AWS::StepFunctions::StateMachine), substitutions both ways, and the add-a-validation checklist.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from greenlight.authoring import generate
from greenlight.authoring.asl import PLACEHOLDER, parse_definition
from greenlight.authoring.checklist import problems
from greenlight.project import Project

TERMINAL_TYPES = {"Succeed", "Fail"}


def _targets(state: dict[str, Any]) -> Iterator[str]:
    if "Next" in state:
        yield state["Next"]
    if "Default" in state:
        yield state["Default"]
    for choice in state.get("Choices", []):
        if "Next" in choice:
            yield choice["Next"]
    for catcher in state.get("Catch", []):
        yield catcher["Next"]


def graph_problems(machine: dict[str, Any], scope: str = "top level") -> list[str]:
    """Dangling targets, unreachable states and dead ends, in this machine and every nested branch."""
    states: dict[str, Any] = machine.get("States", {})
    found = []
    if machine.get("StartAt") not in states:
        found.append(f"{scope}: StartAt {machine.get('StartAt')!r} is not a state")
    for name, state in states.items():
        for target in _targets(state):
            if target not in states:
                found.append(f"{scope}: {name!r} goes to {target!r}, which does not exist")
        ends = state.get("End") is True or state.get("Type") in TERMINAL_TYPES
        if not ends and not list(_targets(state)):
            found.append(f"{scope}: {name!r} neither ends nor goes anywhere")
        if state.get("Type") == "Choice" and not state.get("Choices"):
            found.append(f"{scope}: Choice {name!r} has no Choices")
        for index, branch in enumerate(state.get("Branches", [])):
            found += graph_problems(branch, f"{name} branch {index + 1}")
        if "ItemProcessor" in state or "Iterator" in state:
            found += graph_problems(state.get("ItemProcessor") or state["Iterator"], f"{name} iterator")
    reachable, frontier = set(), [machine.get("StartAt")]
    while frontier:
        current = frontier.pop()
        if current in reachable or current not in states:
            continue
        reachable.add(current)
        frontier.extend(_targets(states[current]))
    found += [f"{scope}: {name!r} is unreachable" for name in states if name not in reachable]
    return found


def cfn_lint_problems(definition: dict[str, Any]) -> list[str]:
    """cfn-lint's state machine rules, on the real definition placed in a throwaway template."""
    from cfnlint.api import lint

    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {"RoleArn": "arn:aws:iam::123456789012:role/machine", "Definition": definition},
            }
        },
    }
    return [f"cfn-lint {match.rule.id}: {match.message}" for match in lint(json.dumps(template), regions=["us-east-1"])]


def definition_for_lint(text: str) -> dict[str, Any]:
    """Substitute placeholders with plausible values so the definition reads as CloudFormation would pass it."""
    definition = parse_definition(text)
    arn = "arn:aws:lambda:us-east-1:123456789012:function:greenlight"
    return dict(
        json.loads(PLACEHOLDER.sub(lambda m: "aws" if m.group(1) == "Partition" else arn, json.dumps(definition)))
    )


def check(project: Project, definition_path: Path | None = None) -> list[str]:
    text = (definition_path or project.root / project.state_machine()[0]).read_text()
    try:
        definition = definition_for_lint(text)
    except json.JSONDecodeError as error:
        return [f"the state machine is not valid JSON: {error}"]
    project_wide = problems(project) + generated_problems(project) if definition_path is None else []
    return graph_problems(definition) + cfn_lint_problems(definition) + project_wide


def generated_problems(project: Project) -> list[str]:
    """Each committed file that differs from what the validation registry generates."""
    try:
        stale = generate.stale(project)
    except generate.GenerateError as error:
        return [str(error)]
    return [f"{path} differs from what the validation registry generates: run `greenlight generate`" for path in stale]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    project = Project.find()
    path = Path(args[0]).resolve() if args else None
    if path == (project.root / project.state_machine()[0]).resolve():
        path = None  # the project's own definition: the checklist applies too
    found = check(project, path)
    for problem in found:
        sys.stderr.write(f"authoring lint: {problem}\n")
    if not found:
        sys.stdout.write("authoring lint: state machine graph and rules, checklist, generated files: OK\n")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
