"""What the validation registry generates, and the project commits: the `Validate` Parallel's branches, the
config's JSON Schema, the custom checks' request and answer schemas, and the MockConfigFile's mocked plans.

The registry is the config model (common.config.VALIDATION_SECTIONS): each section of type ValidationConfig is a
validation. `greenlight generate` writes the generated files; `greenlight generate --check` (run by `make lint`)
names each committed file that differs from what the registry generates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greenlight.authoring.asl import VALIDATE_STATE, branch, state_label, title
from greenlight.authoring.asl_checks import CHECKS_HANDLER, checks_branch
from greenlight.engine.project import Project

if TYPE_CHECKING:
    from common.config.base import ValidationConfig

SCHEMA = Path("docs") / "config.schema.json"
# The contract of a custom check (common.payload.check_contract): what a webhook or Lambda check receives and answers.
CHECK_SCHEMAS = {
    "request_schema": Path("docs") / "check-request.schema.json",
    "answer_schema": Path("docs") / "check-answer.schema.json",
}
MOCK_CONFIG = Path("tests") / "MockConfigFile.json"
# Mocked plans that stand for what an older greenlight wrote: kept as written, so a new validation is skipped there.
FROZEN_PLANS = frozenset({"PrepareOlderPlan"})


class GenerateError(Exception):
    """The registry and the project disagree (e.g. a validation with no function); nothing was written."""


def registry(project: Project) -> dict[str, type[ValidationConfig]]:
    """Validation name -> its config section, in the order of the config model's fields."""
    project.add_task_root()
    from common.config import VALIDATION_SECTIONS

    return dict(VALIDATION_SECTIONS)


def function_timeout(project: Project, name: str) -> int:
    return _handler_timeout(project, f"validate_{name}.app.handler", f"the config has a '{name}' validation but")


def _handler_timeout(project: Project, handler: str, why: str) -> int:
    for spec in project.functions().values():
        if spec.handler == handler:
            return spec.timeout
    raise GenerateError(f"{why} template.yaml has no function with {handler}")


def validate_branches(project: Project) -> list[dict[str, Any]]:
    """One branch per registered validation (greenlight.authoring.asl.branch), with its section's Wait if any, and
    the custom checks' branch last (greenlight.authoring.asl_checks)."""
    branches = []
    for name, section in registry(project).items():
        wait = section.wait_before
        before = None
        if wait is not None:
            seconds_path = f"$.plan.config.{name}.{wait.seconds_field}"
            before = (wait.state, {"Type": "Wait", "Comment": wait.comment, "SecondsPath": seconds_path})
        branches.append(branch(name, function_timeout(project, name), before))
    checks_timeout = _handler_timeout(project, CHECKS_HANDLER, "the config has custom checks but")
    return [*branches, checks_branch(checks_timeout)]


def definition_text(project: Project) -> str:
    definition = json.loads(project.definition_text())
    definition["States"][VALIDATE_STATE]["Branches"] = validate_branches(project)
    return _json(definition)


def schema_text(project: Project) -> str:
    project.add_task_root()
    from common.config import json_schema

    return _json(json_schema())


def check_schema_texts(project: Project) -> list[Generated]:
    project.add_task_root()
    from common.payload import check_contract

    return [Generated(path, _json(getattr(check_contract, function)())) for function, path in CHECK_SCHEMAS.items()]


def _passed_result(name: str, dry_run: bool) -> dict[str, Any]:
    return {
        "name": name,
        "status": "passed",
        "reason": f"The {name} check passed (mocked).",
        "observed": {},
        "expected": {},
        "attempts": 1,
        "started_at": "2026-11-27T10:00:01Z",
        "duration_ms": 100,
        "dry_run": dry_run,
    }


def _update_plan(plan: dict[str, Any], sections: dict[str, type[ValidationConfig]]) -> None:
    """Every registered validation planned (or none, as the plan had it), its section at its defaults if new."""
    planned = plan["planned"]
    value = all(planned.values()) if planned else True
    plan["planned"] = {name: planned.get(name, value) for name in sections}
    for name, section in sections.items():
        plan["config"].setdefault(name, section().model_dump(mode="json"))


def _mocked_plans(mocked: dict[str, Any]) -> list[dict[str, Any]]:
    plans = []
    for name, attempts in mocked.items():
        for attempt in attempts.values() if name not in FROZEN_PLANS else ():
            payload = attempt.get("Return", {}).get("Payload")
            if isinstance(payload, dict) and isinstance(payload.get("plan"), dict):
                plans.append(payload["plan"])
    return plans


def mock_config(current: dict[str, Any], sections: dict[str, type[ValidationConfig]]) -> dict[str, Any]:
    """The MockConfigFile with every mocked plan covering the registry, and every test case mocking each
    validation's Task (a `<Title>Passed` answer unless the case says otherwise)."""
    updated: dict[str, Any] = json.loads(json.dumps(current))
    mocked = updated["MockedResponses"]
    for plan in _mocked_plans(mocked):
        _update_plan(plan, sections)
    for name, section in sections.items():
        passed = _passed_result(name, section().dry_run)
        mocked.setdefault(f"{title(name)}Passed", {"0": {"Return": {"StatusCode": 200, "Payload": passed}}})
    for machine in updated["StateMachines"].values():
        for case in machine["TestCases"].values():
            for name in sections:
                case.setdefault(f"Validate {state_label(name)}", f"{title(name)}Passed")
    return updated


def mock_config_text(project: Project) -> str | None:
    path = project.root / MOCK_CONFIG
    if not path.is_file():
        return None
    return _json(mock_config(json.loads(path.read_text()), registry(project)))


@dataclass(frozen=True)
class Generated:
    path: Path  # relative to the project's root
    text: str


def generated(project: Project) -> list[Generated]:
    definition_uri, _ = project.state_machine()
    files = [Generated(Path(definition_uri), definition_text(project)), Generated(SCHEMA, schema_text(project))]
    files += check_schema_texts(project)
    mock_text = mock_config_text(project)
    if mock_text is not None:
        files.append(Generated(MOCK_CONFIG, mock_text))
    return files


def stale(project: Project) -> list[Path]:
    """Each generated file whose committed text differs from what the registry generates."""
    return [g.path for g in generated(project) if _read(project.root / g.path) != g.text]


def write(project: Project) -> list[Path]:
    """Write every generated file that changed; the paths written."""
    written = []
    for item in generated(project):
        target = project.root / item.path
        if _read(target) != item.text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(item.text)
            written.append(item.path)
    return written


def _read(path: Path) -> str | None:
    return path.read_text() if path.is_file() else None


def _json(document: Any) -> str:
    return json.dumps(document, indent=2) + "\n"
