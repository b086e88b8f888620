"""The "add a validation" checklist, checked: a forgotten step is a named problem, not a silent gap.

For a validation `<name>` the project needs: `functions/validate_<name>/app.py`; a function resource with
`Handler: validate_<name>.app.handler`; its `Validate<Name>FunctionArn` entry in DefinitionSubstitutions; a
branch in the `Validate` Parallel that invokes it; a `<name>` section in the config model; and tests
named `test_validate_<name>*.py`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from greenlight.engine.project import Project

PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
VALIDATE_STATE = "Validate"


def title(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def substitution_name(name: str) -> str:
    return f"Validate{title(name)}FunctionArn"


def parse_definition(text: str) -> dict[str, Any]:
    """The ASL as stored: plain JSON, every `${Placeholder}` inside a string (editors and validators open it)."""
    return dict(json.loads(text))


def validator_names(project: Project) -> list[str]:
    folder = project.root / "functions"
    return sorted(p.name.removeprefix("validate_") for p in folder.glob("validate_*") if p.is_dir())


def branch_functions(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Substitution name invoked by each branch of the Validate Parallel -> that branch."""
    found = {}
    for branch in definition["States"][VALIDATE_STATE]["Branches"]:
        for state in branch["States"].values():
            function = state.get("Parameters", {}).get("FunctionName", "")
            match = PLACEHOLDER.fullmatch(function) if isinstance(function, str) else None
            if match:
                found[match.group(1)] = branch
    return found


def config_sections() -> set[str]:
    from common.config import VALIDATIONS, GreenlightConfig

    return set(VALIDATIONS) & set(GreenlightConfig.model_fields)


def problems(project: Project) -> list[str]:
    """Every checklist gap in the project, one sentence each; empty when complete."""
    project.add_task_root()
    found: list[str] = []
    text = project.definition_text()
    _, substitutions = project.state_machine()
    placeholders = set(PLACEHOLDER.findall(text))
    found += [
        f"the ASL uses ${{{p}}} but DefinitionSubstitutions has no {p}"
        for p in sorted(placeholders - set(substitutions))
    ]
    found += [
        f"DefinitionSubstitutions has {s}, which the ASL never uses" for s in sorted(set(substitutions) - placeholders)
    ]
    branches = branch_functions(parse_definition(text))
    handlers = {spec.handler: spec.logical_id for spec in project.functions().values()}
    sections = config_sections()
    tests = {p.name for p in (project.root / "tests").rglob("test_validate_*.py")}
    for name in validator_names(project):
        if not (project.root / "functions" / f"validate_{name}" / "app.py").is_file():
            found.append(f"functions/validate_{name}/ has no app.py")
        logical_id = handlers.get(f"validate_{name}.app.handler")
        if logical_id is None:
            found.append(f"template.yaml has no function with Handler validate_{name}.app.handler")
        value = substitutions.get(substitution_name(name))
        if value is None:
            found.append(f"DefinitionSubstitutions has no {substitution_name(name)}")
        elif logical_id and value != {"Fn::GetAtt": [logical_id, "Arn"]}:
            found.append(f"{substitution_name(name)} does not point at {logical_id}.Arn")
        if substitution_name(name) not in branches:
            found.append(f"the Validate Parallel has no branch invoking ${{{substitution_name(name)}}}")
        if name not in sections:
            found.append(f"the config has no '{name}' section (GreenlightConfig field and VALIDATIONS)")
        if not any(t.startswith(f"test_validate_{name}") for t in tests):
            found.append(f"no tests named test_validate_{name}*.py")
    return found


def branch_end_states(branch: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: state
        for name, state in branch["States"].items()
        if state.get("End") or state["Type"] in ("Succeed", "Fail")
    }
