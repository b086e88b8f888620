"""The offline state machine checks, each proven able to fail on a small bad input."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from greenlight.authoring.lint import cfn_lint_problems, check, definition_for_lint, graph_problems, main
from greenlight.engine.project import Project
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def definition(project: Project) -> dict[str, Any]:
    return definition_for_lint(project.definition_text())


def test_the_project_definition_passes_every_check(project: Project) -> None:
    assert check(project) == []
    assert main([]) == 0


def test_a_dangling_next_is_found(definition: dict[str, Any]) -> None:
    bad = copy.deepcopy(definition)
    bad["States"]["Prepare"]["Next"] = "Plan Redy?"
    found = graph_problems(bad)
    assert "top level: 'Prepare' goes to 'Plan Redy?', which does not exist" in found


def test_a_dangling_catch_inside_a_branch_is_found(definition: dict[str, Any]) -> None:
    bad = copy.deepcopy(definition)
    bad["States"]["Validate"]["Branches"][0]["States"]["Validate Health"]["Catch"][0]["Next"] = "Nowhere"
    assert any("Validate branch 1: 'Validate Health' goes to 'Nowhere'" in p for p in graph_problems(bad))


def test_an_unreachable_state_is_found(definition: dict[str, Any]) -> None:
    bad = copy.deepcopy(definition)
    bad["States"]["Orphan"] = {"Type": "Pass", "End": True}
    assert "top level: 'Orphan' is unreachable" in graph_problems(bad)


def test_a_dead_end_is_found(definition: dict[str, Any]) -> None:
    bad = copy.deepcopy(definition)
    del bad["States"]["Record Fail Fast"]["Next"]
    assert "top level: 'Record Fail Fast' neither ends nor goes anywhere" in graph_problems(bad)


def test_cfn_lint_state_machine_rules_run_on_the_definition(definition: dict[str, Any]) -> None:
    bad = copy.deepcopy(definition)
    bad["States"]["Prepare"]["Type"] = "Taks"
    assert cfn_lint_problems(definition) == []
    assert cfn_lint_problems(bad)


def test_a_placeholder_without_substitution_fails_the_lint(project: Project, tmp_path: Path) -> None:
    text = project.definition_text().replace("${FinalizeFunctionArn}", "${FinalizeFunctionArm}")
    bad = tmp_path / "validation.asl.json"
    bad.write_text(text)
    copy_root = tmp_path / "project"
    (copy_root / "statemachines").mkdir(parents=True)
    (copy_root / "template.yaml").write_text((project.root / "template.yaml").read_text())
    (copy_root / "statemachines/validation.asl.json").write_text(text)
    (copy_root / "functions").symlink_to(project.root / "functions")
    (copy_root / "tests").symlink_to(project.root / "tests")
    found = check(Project.find(copy_root))
    assert "the ASL uses ${FinalizeFunctionArm} but DefinitionSubstitutions has no FinalizeFunctionArm" in found


def test_invalid_json_is_reported(project: Project, tmp_path: Path) -> None:
    bad = tmp_path / "broken.asl.json"
    bad.write_text(json.dumps({"StartAt": "A"})[:-1])
    assert check(project, bad)[0].startswith("the state machine is not valid JSON")


CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"


def _checkov_checks() -> str:
    line = next(line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith("CHECKOV_CHECKS :="))
    return line.split(":=", 1)[1].strip()


def _run_checkov(template: dict[str, Any], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "translated.json"
    path.write_text(json.dumps(template, default=str))
    command = [
        str(CHECKOV),
        "-f",
        str(path),
        "--framework",
        "cloudformation",
        "--skip-download",
        "--compact",
        "--quiet",
        "--check",
        _checkov_checks(),
    ]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.mark.skipif(not CHECKOV.exists(), reason="checkov's venv is not built: `make checkov` (make lint) builds it")
def test_checkov_passes_the_stack_and_catches_privilege_escalation(project: Project, tmp_path: Path) -> None:
    from greenlight.authoring.translate import translate

    template = translate(project.template)
    assert _run_checkov(template, tmp_path).returncode == 0
    template["Resources"]["HookFunctionRole"]["Properties"]["Policies"].append(
        {
            "PolicyName": "Bad",
            "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]},
        }
    )
    result = _run_checkov(template, tmp_path)
    assert result.returncode != 0
    assert "CKV_AWS_110" in result.stdout  # privilege escalation


def test_serverless_rules_catch_an_event_without_dead_letter_queue(project: Project, tmp_path: Path) -> None:
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    good = subprocess.run(
        [cfn_lint, str(project.root / "template.yaml"), "-a", "cfn_lint_serverless.rules"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert good.returncode == 0, good.stdout
    text = (project.root / "template.yaml").read_text()
    text = text.replace("            DeadLetterConfig:\n              Arn: !GetAtt SafetyNetDeadLetterQueue.Arn\n", "")
    bad_template = tmp_path / "template.yaml"
    bad_template.write_text(text)
    bad = subprocess.run(
        [cfn_lint, str(bad_template), "-a", "cfn_lint_serverless.rules"], capture_output=True, text=True, check=False
    )
    assert bad.returncode != 0
    assert "ES4000" in bad.stdout
