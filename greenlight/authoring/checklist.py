"""The "add a validation" checklist, checked: a forgotten step is a named problem, not a silent gap.

For a validation `<name>` the project needs: `functions/validate_<name>/app.py`; a function resource with
`Handler: validate_<name>.app.handler`; its `Validate<Name>FunctionArn` entry in DefinitionSubstitutions; a
branch in the `Validate` Parallel that invokes it; a `<name>` section in the config model; and tests
named `test_validate_<name>*.py`.
"""

from __future__ import annotations

from greenlight.authoring.asl import PLACEHOLDER, branch_functions, parse_definition, substitution_name
from greenlight.project import Project


def validator_names(project: Project) -> list[str]:
    folder = project.root / "functions"
    return sorted(p.name.removeprefix("validate_") for p in folder.glob("validate_*") if p.is_dir())


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
            found.append(f"the config has no '{name}' section (a ValidationConfig field of GreenlightConfig)")
        if not any(t.startswith(f"test_validate_{name}") for t in tests):
            found.append(f"no tests named test_validate_{name}*.py")
    return found
