"""`greenlight new-validation NAME`: every item of the add-a-validation checklist, ready to run and test.

The new validation starts as a real check (GET a path through the test listener, expect a status) so the
workflow and its tests pass on the first try; `checks.py` is where it grows into what it should test.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from string import Template

from greenlight.authoring.asl import PLACEHOLDER, VALIDATE_STATE, branch, substitution_name, title
from greenlight.authoring.checklist import problems
from greenlight.engine.project import Project


class ScaffoldError(Exception):
    """The validation cannot be scaffolded as asked; nothing was written."""


NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
FUNCTION_TIMEOUT_S = 120
TEMPLATES = Path(__file__).parent / "templates"


def render(template: str, name: str) -> str:
    """A template file of templates/, with `$name`, `$title` and `$timeout` filled in."""
    text = (TEMPLATES / template).read_text()
    return Template(text).substitute(name=name, title=title(name), timeout=FUNCTION_TIMEOUT_S)


def add_branch(definition_text: str, name: str) -> str:
    """Append the branch to the Validate Parallel."""
    definition = json.loads(definition_text)
    definition["States"][VALIDATE_STATE]["Branches"].append(branch(name, FUNCTION_TIMEOUT_S))
    return json.dumps(definition, indent=2) + "\n"


def _insert(text: str, anchor: str, addition: str, before: bool = True) -> str:
    if anchor not in text:
        raise ScaffoldError(f"cannot find {anchor.strip()!r} to extend; was the file reorganised?")
    return text.replace(anchor, addition + anchor if before else anchor + addition, 1)


def extend_template(text: str, name: str) -> str:
    label = title(name)
    text = _insert(text, "  ValidationStateMachineLogGroup:\n", render("resources.yaml.tmpl", name))
    text = _insert(
        text,
        "        FinalizeFunctionArn: !GetAtt FinalizeFunction.Arn\n",
        f"        {substitution_name(name)}: !GetAtt Validate{label}Function.Arn\n",
    )
    return _insert(
        text,
        "        - LambdaInvokePolicy:\n            FunctionName: !Ref FinalizeFunction\n",
        f"        - LambdaInvokePolicy:\n            FunctionName: !Ref Validate{label}Function\n",
    )


def extend_config(text: str, name: str) -> str:
    label = title(name)
    section = render("config_section.py.tmpl", name)
    text = _insert(text, "class GreenlightConfig(Section):\n", section)
    text = _insert(
        text,
        '\n\n    @model_validator(mode="after")\n    def bake_covers_synthetic_traffic',
        f"\n    {name}: {label}Config = Field(default_factory={label}Config)",
    )
    return re.sub(r"VALIDATIONS = \(([^)]*)\)", lambda m: f'VALIDATIONS = ({m.group(1)}, "{name}")', text, count=1)


def scaffold(name: str, project: Project | None = None) -> int:
    if not NAME.fullmatch(name):
        raise ScaffoldError(f"validation name {name!r} must be snake_case: a letter, then letters, digits or _ (2-31)")
    project = project or Project.find()
    root = project.root
    folder = root / "functions" / f"validate_{name}"
    if folder.exists():
        raise ScaffoldError(f"{folder.relative_to(root)} already exists")
    if substitution_name(name) in PLACEHOLDER.findall(project.definition_text()):
        raise ScaffoldError(f"the state machine already invokes ${{{substitution_name(name)}}}")

    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    for file_name in ("app.py", "checks.py"):
        (folder / file_name).write_text(render(f"{file_name}.tmpl", name))
    config_path = root / "functions" / "common" / "config.py"
    config_path.write_text(extend_config(config_path.read_text(), name))
    definition_uri, _ = project.state_machine()
    (root / definition_uri).write_text(add_branch(project.definition_text(), name))
    (root / "template.yaml").write_text(extend_template((root / "template.yaml").read_text(), name))
    test_path = root / "tests" / "functional" / f"test_validate_{name}.py"
    test_path.write_text(render("test_validation.py.tmpl", name))
    _write_schema(root)

    remaining = problems(Project.find(root))
    created = [folder, config_path, root / definition_uri, root / "template.yaml", test_path]
    sys.stdout.write("Added the validation " + name + ":\n" + "".join(f"  {p.relative_to(root)}\n" for p in created))
    if remaining:
        sys.stdout.write("Still missing:\n" + "".join(f"  - {p}\n" for p in remaining))
        return 1
    sys.stdout.write(f"Next: make its check real in {folder.relative_to(root)}/checks.py, then `make test`.\n")
    return 0


def _write_schema(root: Path) -> None:
    """Regenerate docs/config.schema.json in a fresh interpreter (this one has the old config imported)."""
    import subprocess

    code = "import json; from common.config import json_schema; print(json.dumps(json_schema(), indent=2))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root / "functions", capture_output=True, text=True, check=True
    )
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "config.schema.json").write_text(result.stdout)
