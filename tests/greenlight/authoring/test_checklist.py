"""The add-a-validation checklist: complete today, and each missing piece is named."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from common.payload.models import ValidationResult
from greenlight.authoring.asl import branch, branch_end_states, parse_definition
from greenlight.authoring.asl_checks import checks_branch
from greenlight.authoring.checklist import problems, validator_names
from greenlight.engine.project import Project
from tests.conftest import ROOT


def test_the_project_checklist_is_complete(project: Project) -> None:
    assert {"health", "metrics", "synthetic"} <= set(validator_names(project))
    assert problems(project) == []


def _copy(tmp_path: Path) -> Path:
    for name in ("template.yaml", "statemachines", "functions", "tests"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def remove_folder(root: Path) -> None:
    shutil.rmtree(root / "functions/validate_metrics")
    # Leave everything else: the template still names the handler, which then has no folder.
    (root / "functions/validate_metrics").mkdir()


def remove_resource(root: Path) -> None:
    _edit(root / "template.yaml", "Handler: validate_metrics.app.handler", "Handler: finalize.app.handler")


def remove_substitution(root: Path) -> None:
    _edit(root / "template.yaml", "        ValidateMetricsFunctionArn: !GetAtt ValidateMetricsFunction.Arn\n", "")


def remove_branch(root: Path) -> None:
    path = root / "statemachines/validation.asl.json"
    _edit(path, '"FunctionName": "${ValidateMetricsFunctionArn}"', '"FunctionName": "${ValidateHealthFunctionArn}"')


def remove_tests(root: Path) -> None:
    for test in (root / "tests").rglob("test_validate_metrics*.py"):
        test.unlink()


@pytest.mark.parametrize(
    ("remove", "expected"),
    [
        (remove_folder, "functions/validate_metrics/ has no app.py"),
        (remove_resource, "no function with Handler validate_metrics.app.handler"),
        (remove_substitution, "the ASL uses ${ValidateMetricsFunctionArn} but DefinitionSubstitutions has no"),
        (remove_branch, "no branch invoking ${ValidateMetricsFunctionArn}"),
        (remove_tests, "no tests named test_validate_metrics"),
    ],
)
def test_removing_a_checklist_piece_is_named(tmp_path: Path, remove: Callable[[Path], None], expected: str) -> None:
    # GIVEN a copy of the project with one piece of the metrics checklist removed
    root = _copy(tmp_path)
    remove(root)
    # WHEN the checklist is checked
    found = problems(Project.find(root))
    # THEN the missing piece is named
    assert any(expected in problem for problem in found), found


def test_a_validator_without_config_section_is_named(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    shutil.copytree(root / "functions/validate_metrics", root / "functions/validate_dns")
    found = problems(Project.find(root))
    assert "the config has no 'dns' section (a ValidationConfig field of GreenlightConfig)" in found


def _placeholder_values(parameters: dict[str, Any]) -> dict[str, Any]:
    """A Pass state's Parameters with each JSONPath value replaced by a plausible value of its field."""
    samples = {"name": "smoke", "reason": "text", "started_at": "2026-01-01T00:00:00Z", "dry_run": False}
    return {
        key.removesuffix(".$"): samples.get(key.removesuffix(".$"), value) if key.endswith(".$") else value
        for key, value in parameters.items()
    }


def _ends_in_results(branch_definition: dict[str, Any]) -> None:
    """Every way out of a branch (or of a Map's iteration) is a ValidationResult, a list of them, or fail fast."""
    for name, state in branch_end_states(branch_definition).items():
        if state["Type"] == "Fail":
            assert state["Error"] == "Greenlight.FailFast", f"{name} ends the branch without a result"
            assert re.search(r"States\.JsonToString\(\$\.outcome\.result\)", state["CausePath"])
        elif state["Type"] == "Map":  # a list: each iteration ends in a result
            _ends_in_results(state["ItemProcessor"])
        elif "Result" in state:
            assert state["Result"] == [], f"{name} ends the branch with a result list that is not empty"
        elif "Parameters" in state:
            ValidationResult.model_validate(_placeholder_values(state["Parameters"]))
        else:
            assert state.get("OutputPath") == "$.outcome.result", f"{name} does not output the validator's result"


def test_every_branch_ends_in_a_validation_result(project: Project) -> None:
    definition = parse_definition(project.definition_text())
    for each in definition["States"]["Validate"]["Branches"]:
        _ends_in_results(each)


def test_every_branch_is_the_one_new_validation_writes(project: Project) -> None:
    """The hand-kept branches and the scaffold's generator cannot drift apart: a fix lands in both or fails here."""
    definition = parse_definition(project.definition_text())
    timeouts = {
        spec.handler.removesuffix(".handler").removeprefix("validate_").removesuffix(".app"): spec.timeout
        for spec in project.functions().values()
    }
    branches = {
        b["StartAt"].removesuffix(" Planned?").lower().replace(" ", "_"): b
        for b in definition["States"]["Validate"]["Branches"]
    }
    assert set(branches) >= {"health", "synthetic", "metrics", "custom_checks"}
    assert branches.pop("custom_checks") == checks_branch(timeouts["custom_checks"])
    for name, existing in branches.items():
        bake = existing["States"].get("Wait For Bake Time")
        before_task = ("Wait For Bake Time", {k: v for k, v in bake.items() if k != "Next"}) if bake else None
        assert existing == branch(name, timeouts[name], before_task), name
