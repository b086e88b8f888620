"""The project reader finds greenlight's own project, not a SAM project of the user's where they run greenlight."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from greenlight.project import Project
from tests.conftest import ROOT


def a_sam_project_of_the_users_own(folder: Path) -> Path:
    (folder / "statemachines").mkdir(parents=True)
    (folder / "statemachines" / "orders.asl.json").write_text("{}")
    (folder / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.12}\n"
    )
    return folder


def test_a_sam_project_of_the_users_own_is_not_taken_for_greenlights(tmp_path: Path) -> None:
    theirs = a_sam_project_of_the_users_own(tmp_path / "orders")
    assert Project.find(theirs).root == ROOT  # greenlight's own, the installed package's parent
    assert Project.find(ROOT / "functions" / "hook").root == ROOT


def test_greenlight_runs_from_a_sam_project_of_the_users_own(tmp_path: Path) -> None:
    theirs = a_sam_project_of_the_users_own(tmp_path / "orders")
    done = subprocess.run(
        [sys.executable, "-m", "greenlight.cli", "generate", "--check"],
        cwd=theirs,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr  # greenlight's generated files, found in its own project
