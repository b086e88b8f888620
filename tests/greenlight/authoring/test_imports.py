"""Imports go one way, checked by import-linter alone (`python -m greenlight.authoring.imports`, run by `make lint`):
greenlight's contracts from pyproject.toml, the functions' made from the packages on disk, no module cycle anywhere;
each rule breaks when an import against it is seeded in a copy of the project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

import greenlight
from greenlight.authoring.acyclic import cycles
from greenlight.authoring.imports import function_contracts, function_packages, options
from greenlight.authoring.lazy import load_time_import_lines
from tests.conftest import ROOT


def copy_of_the_project(root: Path) -> Path:
    sources = {"greenlight": Path(greenlight.__file__).parent, "functions": ROOT / "functions"}
    for name, source in sources.items():
        shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root)
    return root


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """The check as `make lint` runs it, on the copy (its greenlight and functions first on the path)."""
    environment = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{root / 'functions'}", "COLUMNS": "300"}
    return subprocess.run(
        [sys.executable, "-m", "greenlight.authoring.imports", str(root)],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def seed(root: Path, module: str, line: str) -> None:
    path = root / module
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((path.read_text() if path.exists() else '"""Seeded."""\n') + f"\n{line}  # seeded violation\n")


def test_the_function_packages_are_found_on_disk_and_each_rule_covers_them() -> None:
    packages = function_packages(ROOT / "functions")
    assert {"common", "hook", "ecs_hook", "ecs_pause", "prepare", "validate_health", "finalize"} <= set(packages)
    contracts = {contract["type"]: contract for contract in function_contracts(packages)}
    assert set(contracts["independence"]["modules"]) == set(packages) - {"common"}
    assert set(options(ROOT)["root_packages"]) == {"greenlight", *packages}


def test_the_contracts_hold_on_the_project() -> None:
    kept = lint_imports(ROOT)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "0 broken" in kept.stdout


SEEDED = [
    pytest.param(
        [("greenlight/engine/balancer/loopback.py", "from greenlight.cli import errors")],
        "greenlight/: cli uses report",
        "greenlight.engine.balancer.loopback -> greenlight.cli.errors",
        id="the engine imports the CLI",
    ),
    pytest.param(
        [("greenlight/authoring/translate.py", "from greenlight.engine.guards import conformance")],
        "authoring reads the project through greenlight.project",
        "greenlight.authoring.translate -> greenlight.engine.guards.conformance",
        id="authoring imports the engine",
    ),
    pytest.param(
        [("greenlight/report/view.py", "from greenlight.engine.balancer import loopback")],
        "the report draws a verdict it is given",
        "greenlight.report.view -> greenlight.engine.balancer.loopback",
        id="the report imports the engine",
    ),
    pytest.param(
        [("greenlight/engine/core/context.py", "from greenlight.engine.guards import egress")],
        "greenlight/engine/: run, standins, balancer, patches, guards, core",
        "greenlight.engine.core.context -> greenlight.engine.guards.egress",
        id="the engine's core imports a part above it",
    ),
    pytest.param(
        [("greenlight/engine/patches/elbv2.py", "from greenlight.engine.balancer import health")],
        "greenlight/engine/: run, standins, balancer, patches, guards, core",
        "greenlight.engine.patches.elbv2 -> greenlight.engine.balancer.health",
        id="the moto patches import the emulated ALB, their sibling",
    ),
    pytest.param(
        [("greenlight/engine/standins/eventbus.py", "from greenlight.engine import run_local")],
        "greenlight/engine/: no part below run imports the engine's public names",
        "greenlight.engine.standins.eventbus -> greenlight.engine",
        id="a stand-in reaches run through the engine's public names",
    ),
    pytest.param(
        [
            ("greenlight/report/page.py", "import greenlight.report.shown"),
            ("greenlight/report/shown.py", "import greenlight.report.page"),
        ],
        "greenlight/: no module imports itself",
        "greenlight.report.page -> greenlight.report.shown -> greenlight.report.page",
        id="a cycle in greenlight",
    ),
    pytest.param(
        [("functions/ecs_pause/app.py", "import pydantic")],
        "the hooks' cold start imports no pydantic",
        "ecs_pause.app -> pydantic",
        id="a hook's cold start imports pydantic",
    ),
    pytest.param(
        [("functions/validate_health/seeded.py", "from validate_metrics import app")],
        "each function stands alone on common",
        "validate_health.seeded -> validate_metrics.app",
        id="a function imports another",
    ),
    pytest.param(
        [("functions/validate_new/__init__.py", ""), ("functions/validate_new/app.py", "import hook.app")],
        "each function stands alone on common",
        "validate_new.app -> hook.app",
        id="a function just added, on no list, imports another",
    ),
    pytest.param(
        [("functions/common/seeded.py", "import hook.app")],
        "common imports no function's package",
        "common.seeded -> hook.app",
        id="common imports a function",
    ),
    pytest.param(
        [("functions/finalize/app.py", "from greenlight.engine.guards import egress")],
        "Lambda code never imports greenlight",
        "finalize.app -> greenlight.engine.guards.egress",
        id="a function imports the tooling",
    ),
    pytest.param(
        [
            ("functions/common/seeded_a.py", "import common.seeded_b"),
            ("functions/common/seeded_b.py", "import common.seeded_a"),
        ],
        "functions/: no module imports itself",
        "common.seeded_a -> common.seeded_b -> common.seeded_a",
        id="a cycle in common",
    ),
]


@pytest.mark.parametrize(("seeded", "contract", "named"), SEEDED)
def test_an_import_against_a_rule_breaks_it_and_is_named(
    tmp_path: Path, seeded: list[tuple[str, str]], contract: str, named: str
) -> None:
    # GIVEN a copy of the project with imports against one rule
    root = copy_of_the_project(tmp_path)
    for module, line in seeded:
        seed(root, module, line)
    # WHEN the imports are checked
    broken = lint_imports(root)
    # THEN the check fails, naming the broken contract and the import
    assert broken.returncode != 0
    report = broken.stdout.split("Broken contracts", 1)[-1]
    assert contract in report and named in report, broken.stdout + broken.stderr


def test_a_cycle_is_found_however_long_and_only_among_the_modules_asked() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in [("a.one", "a.two"), ("a.two", "a.three"), ("a.three", "a.one"), ("a.three", "b.x")]:
        graph.add_import(importer=importer, imported=imported)
    graph.add_import(importer="b.x", imported="b.y")
    assert cycles(graph, {"a.one", "a.two", "a.three", "b.x", "b.y"}) == [["a.one", "a.three", "a.two"]]
    assert cycles(graph, {"a.one", "a.two"}) == []


@pytest.mark.parametrize(
    ("module", "line"),
    [
        pytest.param("functions/newfn/app.py", "import prepare.app", id="a new function's folder without __init__.py"),
        pytest.param("functions/newfn/app.py", "import greenlight.project", id="and importing the tooling"),
        pytest.param("functions/prepare/extra/rules.py", "import finalize.app", id="a subfolder without __init__.py"),
        pytest.param("functions/helpers.py", "import hook.app", id="a module directly under functions/"),
    ],
)
def test_code_no_import_rule_would_see_breaks_the_check_and_is_named(tmp_path: Path, module: str, line: str) -> None:
    # GIVEN a copy of the project with Python code outside every package the contracts are made from (Lambda imports
    # `newfn.app.handler` from a folder without __init__.py all the same, as a namespace package)
    root = copy_of_the_project(tmp_path)
    seed(root, module, line)
    # WHEN the imports are checked
    broken = lint_imports(root)
    # THEN the check fails, naming the file
    assert broken.returncode != 0, broken.stdout + broken.stderr
    assert (
        f"Python code that no import rule sees (a function is a package: give its folder an __init__.py): {module}"
        in (broken.stdout)
    )


def test_the_announcing_import_moved_to_the_top_of_a_front_door_breaks_the_lazy_rule(tmp_path: Path) -> None:
    # GIVEN the hook's announcing import of common.payload (pydantic), which the cold-start contract ignores, written
    # at the top of its module: every cold start would load pydantic
    root = copy_of_the_project(tmp_path)
    seed(root, "functions/hook/outage.py", "from common.payload.models import Verdict")
    # WHEN the imports are checked
    broken = lint_imports(root)
    # THEN the lazy rule breaks, naming the import
    assert broken.returncode != 0
    report = broken.stdout.split("Broken contracts", 1)[-1]
    assert "imports common.payload only inside a function" in report, broken.stdout + broken.stderr
    assert "Imported when the module loads, not inside a function: hook.outage -> common.payload.models" in report


def test_an_import_counts_as_made_on_load_unless_a_function_or_type_checking_holds_it() -> None:
    source = (
        "import a\n"
        "if TYPE_CHECKING:\n    import b\nelse:\n    import c\n"
        "try:\n    import d\nexcept ImportError:\n    pass\n"
        "class K:\n    import e\n"
        "def f():\n    import g\n"
        "async def h():\n    from i import j\n"
    )
    assert load_time_import_lines(source) == {1, 5, 7, 11}
