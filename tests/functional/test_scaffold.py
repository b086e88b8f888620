"""`greenlight new-validation`: the scaffolded validation runs in the workflow and its tests pass, first try."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from greenlight.authoring.asl import parse_definition
from greenlight.cli.main import main
from tests.conftest import ROOT

pytestmark = pytest.mark.functional

RUN_WORKFLOW = """
import json, sys
from pathlib import Path
from greenlight.engine.local_run import LocalRunOptions, run_local
from greenlight.engine.project import Project
from greenlight.cli.sample_service import SampleService
config = "smoke_login: {path: /api/items}\\nmetrics: {bake_seconds: 40, min_request_count: 5}"
with SampleService() as service:
    options = LocalRunOptions(target_url=service.url, config_text=config, time_scale=0.05)
    report = run_local(options, Project.find(Path.cwd()))
statuses = {v.name: v.status.value for v in report.validations}
sys.stderr.write(json.dumps({"verdict": report.verdict.value, "statuses": statuses}))
"""


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    project_files = ("template.yaml", "pyproject.toml", "CHANGELOG.md", "LICENSE")
    for name in (*project_files, "statemachines", "functions", "tests", "docs", "examples"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
        else:
            shutil.copy(source, root / name)
    result = subprocess.run(
        [sys.executable, "-m", "greenlight.cli.main", "new-validation", "smoke_login"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def test_every_checklist_item_is_written(scaffolded: Path) -> None:
    assert (scaffolded / "functions/validate_smoke_login/app.py").is_file()
    assert "Handler: validate_smoke_login.app.handler" in (scaffolded / "template.yaml").read_text()
    definition = parse_definition((scaffolded / "statemachines/validation.asl.json").read_text())
    assert "Validate Smoke Login" in definition["States"]["Validate"]["Branches"][-1]["States"]
    assert json.loads((scaffolded / "statemachines/validation.asl.json").read_text())["TimeoutSeconds"] == 3000
    assert "smoke_login" in json.loads((scaffolded / "docs/config.schema.json").read_text())["properties"]


def test_the_project_tests_pass_with_the_new_validation(scaffolded: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/unit",
            "tests/functional/test_validate_smoke_login.py",
        ],
        cwd=scaffolded,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_new_validation_runs_in_the_workflow(scaffolded: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", RUN_WORKFLOW], cwd=scaffolded, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stderr.strip().splitlines()[-1])
    assert outcome == {
        "verdict": "Succeeded",
        "statuses": {"health": "passed", "synthetic": "passed", "metrics": "passed", "smoke_login": "passed"},
    }


@pytest.mark.parametrize("name", ["Bad-Name", "x", "health"])
def test_bad_or_existing_names_are_refused(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-validation", name]) == 2
    assert capsys.readouterr().err.startswith("greenlight: ")
