"""Imports go one way: no cycle anywhere, and `make lint` fails on an import against the declared direction."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

import greenlight
from greenlight.authoring.packages import function_packages, import_problems
from tests.conftest import ROOT

PACKAGES = ["greenlight", *function_packages(ROOT / "functions")]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), lazy imports inside functions included."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while (member := stack.pop()) != module:
                group.append(member)
            if group:
                found.append(sorted([*group, module]))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_anywhere() -> None:
    graph = grimp.build_graph(*PACKAGES)
    assert len(graph.modules) > 40
    assert cycles(graph) == []


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{root / 'functions'}"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, env=environment, capture_output=True, text=True, check=False
    )


def test_the_import_contracts_hold_and_a_seeded_violation_breaks_them(tmp_path: Path) -> None:
    # GIVEN a copy of the project's code and its contracts
    sources = {"greenlight": Path(greenlight.__file__).parent, "functions": ROOT / "functions"}
    for name, source in sources.items():
        shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    kept = lint_imports(tmp_path)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    # WHEN the engine imports the CLI, against the declared direction
    loopback = tmp_path / "greenlight" / "engine" / "loopback.py"
    loopback.write_text(loopback.read_text() + "\nfrom greenlight.cli import errors  # seeded violation\n")
    broken = lint_imports(tmp_path)
    # THEN the check fails and names the contract and the import
    assert broken.returncode != 0
    assert "BROKEN" in broken.stdout and "greenlight.engine.loopback -> greenlight.cli.errors" in broken.stdout


def test_the_function_packages_are_found_on_disk() -> None:
    assert {"common", "hook", "prepare", "validate_health", "finalize"} <= set(PACKAGES)
    assert import_problems(ROOT / "functions") == []


@pytest.mark.parametrize(
    ("module", "seeded", "named"),
    [
        ("validate_health/checks.py", "from validate_metrics import checks", "imports validate_metrics"),
        ("common/http/client.py", "import hook.app", "imports hook"),
        ("finalize/app.py", "from greenlight.engine import egress", "imports greenlight"),
    ],
)
def test_a_function_importing_another_or_the_tooling_is_named(
    tmp_path: Path, module: str, seeded: str, named: str
) -> None:
    # GIVEN a copy of functions/ with one import against the rules
    functions = tmp_path / "functions"
    shutil.copytree(ROOT / "functions", functions, ignore=shutil.ignore_patterns("__pycache__"))
    target = functions / module
    target.write_text(target.read_text() + f"\n{seeded}  # seeded violation\n")
    # WHEN the rules are checked; THEN exactly that import is named, with the module
    assert import_problems(functions) == [f"functions/{module} {named}: each function stands alone on common"]


def test_the_report_package_draws_what_it_is_given_and_imports_no_engine(tmp_path: Path) -> None:
    # GIVEN a copy of the project whose report reaches into the engine, against its contract
    sources = {"greenlight": Path(greenlight.__file__).parent, "functions": ROOT / "functions"}
    for name, source in sources.items():
        shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    view = tmp_path / "greenlight" / "report" / "view.py"
    view.write_text(view.read_text() + "\nfrom greenlight.engine import loopback  # seeded violation\n")
    broken = lint_imports(tmp_path)
    # THEN the check fails and names the report's contract and the import
    assert broken.returncode != 0
    assert "the report draws a verdict it is given" in broken.stdout.replace("\n", " ")
    assert "greenlight.report.view -> greenlight.engine.loopback" in broken.stdout
