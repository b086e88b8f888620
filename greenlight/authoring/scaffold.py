"""`greenlight new-validation NAME`: every item of the add-a-validation checklist, ready to run and test.

The new validation starts as a real check (GET the health path through the test listener, expect a status), in dry
run, so the workflow and its tests pass on the first try and shipping it gates nothing; `checks.py` is where it
grows into what it should test. What the registry generates (the Validate branches, the schema, the mocked plans)
is written by `greenlight generate`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from string import Template

from greenlight.authoring.asl import PLACEHOLDER, branch, parse_definition, state_names, substitution_name, title
from greenlight.authoring.checklist import problems
from greenlight.errors import GreenlightError
from greenlight.project import Project


class ScaffoldError(GreenlightError):
    """The validation cannot be scaffolded as asked; nothing was written."""


NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
FUNCTION_TIMEOUT_S = 120
TEMPLATES = Path(__file__).parent / "templates"
CONFIG = Path("functions") / "common" / "config" / "__init__.py"
IMPORT_MARKER = "\n# greenlight new-validation: the section of each validation it added is imported above this line.\n"
SECTION_IMPORT = "from common.config.sections."
FIELD_MARKER = "    # greenlight new-validation: the section of each validation it added is a field above this line.\n"


def render(template: str, name: str) -> str:
    """A template file of templates/, with `$name`, `$title` and `$timeout` filled in."""
    text = (TEMPLATES / template).read_text()
    return Template(text).substitute(name=name, title=title(name), timeout=FUNCTION_TIMEOUT_S)


def _insert(text: str, anchor: str, addition: str) -> str:
    if anchor not in text:
        raise ScaffoldError(f"cannot find {anchor.strip()!r} to extend; was the file reorganised?")
    return text.replace(anchor, addition + anchor, 1)


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


def register(text: str, name: str) -> str:
    """The registry entry: the section's import and its GreenlightConfig field, each above its marker line.

    The built-in sections and those added before are imported from `common.config.sections` just above the import
    marker; the new import goes among them where ruff's isort puts it (by module name), before the first import of a
    section named after it, or after the last one.
    """
    label = title(name)
    head, tail = text.split(IMPORT_MARKER, 1) if IMPORT_MARKER in text else (text, "")
    if not tail:
        raise ScaffoldError(f"cannot find {IMPORT_MARKER.strip()!r} in {CONFIG.as_posix()}")
    lines = head.splitlines(keepends=True)
    sections = [index for index, line in enumerate(lines) if line.startswith(SECTION_IMPORT)]
    if not sections:
        raise ScaffoldError(f"cannot find an import from {SECTION_IMPORT.split()[1]} in {CONFIG.as_posix()}")
    at = _statement_end(lines, sections[-1])  # after the last section's import (imports of other modules follow it)
    for index in sections:
        if lines[index][len(SECTION_IMPORT) :].split()[0] > name:
            at = index
            break
    lines.insert(at, f"{SECTION_IMPORT}{name} import {label}Config\n")
    text = "".join(lines) + IMPORT_MARKER + tail
    return _insert(text, FIELD_MARKER, f"    {name}: {label}Config = Field(default_factory={label}Config)\n")


def _statement_end(lines: list[str], start: int) -> int:
    """The index of the line after the import statement starting at `start` (one line, or a parenthesised list)."""
    if not lines[start].rstrip().endswith("("):
        return start + 1
    end = start + 1
    while end < len(lines) and not lines[end].startswith(")"):
        end += 1
    return end + 1


def _refuse_existing(name: str, project: Project) -> None:
    root = project.root
    written = [root / path for path in _paths(name)]
    existing = [path.relative_to(root) for path in written if path.exists()]
    if existing:
        raise ScaffoldError(f"a validation named {name!r} exists already ({existing[0]}); nothing was changed")
    if substitution_name(name) in PLACEHOLDER.findall(project.definition_text()):
        raise ScaffoldError(f"the state machine already invokes ${{{substitution_name(name)}}}; nothing was changed")
    clash = sorted(set(branch(name, 0)["States"]) & state_names(parse_definition(project.definition_text())))
    if clash:
        raise ScaffoldError(f"the state machine already has a state named {clash[0]!r}; choose another name")
    # Read as text, not through the registry: importing common.config here would leave the checklist run after the
    # scaffold with the config as it was before the new section.
    if f" {name}: " in (root / CONFIG).read_text():
        raise ScaffoldError(f"the config already has a '{name}' section; nothing was changed")


def _paths(name: str) -> list[Path]:
    return [
        Path("functions") / f"validate_{name}",
        Path("functions") / "common" / "config" / "sections" / f"{name}.py",
        Path("tests") / "functions" / f"validate_{name}" / f"test_validate_{name}.py",  # tests mirror the source
    ]


def scaffold(name: str, project: Project | None = None) -> int:
    if not NAME.fullmatch(name):
        raise ScaffoldError(f"validation name {name!r} must be snake_case: a letter, then letters, digits or _ (2-31)")
    project = project or Project.find()
    root = project.root
    _refuse_existing(name, project)

    folder, section, test_path = (root / path for path in _paths(name))
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    for file_name in ("app.py", "checks.py"):
        (folder / file_name).write_text(render(f"{file_name}.tmpl", name))
    section.parent.mkdir(exist_ok=True)
    (section.parent / "__init__.py").touch()
    section.write_text(render("section.py.tmpl", name))
    (root / CONFIG).write_text(register((root / CONFIG).read_text(), name))
    (root / "template.yaml").write_text(extend_template((root / "template.yaml").read_text(), name))
    test_path.parent.mkdir()
    (test_path.parent / "__init__.py").write_text("")
    test_path.write_text(render("test_validation.py.tmpl", name))
    generated = _generate(root)

    created = [folder, section, root / CONFIG, root / "template.yaml", test_path, *generated]
    sys.stdout.write(f"Added the validation {name}:\n" + "".join(f"  {p.relative_to(root)}\n" for p in created))
    remaining = problems(Project.find(root))
    if remaining:
        sys.stdout.write("Still missing:\n" + "".join(f"  - {p}\n" for p in remaining))
        return 1
    sys.stdout.write(
        f"It starts in dry run (it reports, it cannot fail a deployment) against the health check's path.\n"
        f"Next: make its check real in {folder.relative_to(root)}/checks.py, run `make test`, then set\n"
        f"`{name}: {{dry_run: false}}` in the config when you trust it.\n"
    )
    return 0


def _generate(root: Path) -> list[Path]:
    """`greenlight generate` in a fresh interpreter (this one has imported the config before the new section)."""
    command = [sys.executable, "-m", "greenlight.cli.main", "generate"]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ScaffoldError(f"generating from the registry failed: {result.stderr.strip() or result.stdout.strip()}")
    return [root / line.strip() for line in result.stdout.splitlines() if line.strip()]
