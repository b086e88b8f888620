"""docs/architecture.md stays true: its package map names every package under functions/ and greenlight/ and no other,
each folder and each module of a row it names exists, and its import rules are the contracts pyproject.toml gives
import-linter; the engine's core names each of its modules."""

from __future__ import annotations

import re

from greenlight.authoring.imports import options
from tests.conftest import ROOT

DOC = ROOT / "docs" / "architecture.md"


def section(title: str) -> str:
    return DOC.read_text().split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def packages_on_disk() -> set[str]:
    """Every folder under functions/ and greenlight/ holding Python code, as `functions/hook/`."""
    found = set()
    for top in ("functions", "greenlight"):
        for module in (ROOT / top).rglob("*.py"):
            folder = module.parent.relative_to(ROOT)
            if "__pycache__" not in folder.parts and str(folder) != "functions":
                found.add(f"{folder.as_posix()}/")
    return found


def packages_mapped() -> list[str]:
    return re.findall(r"^\| `([^`]+/)` \|", section("Package map"), re.M)


def added_by_new_validation() -> list[str]:
    """The validations `greenlight new-validation` added to this tree, and the page cannot know: each has its config
    section in functions/common/config/sections/ beside the built-in ones, written from the scaffold's template,
    which says so."""
    sections = (ROOT / "functions" / "common" / "config" / "sections").glob("*.py")
    return sorted(p.stem for p in sections if "(added by `greenlight new-validation`)" in p.read_text())


def test_the_package_map_names_every_package_and_no_other() -> None:
    mapped = packages_mapped()
    assert len(mapped) == len(set(mapped)), "a package is mapped twice"
    on_disk = packages_on_disk()
    assert {"functions/hook/", "functions/common/", "greenlight/engine/patches/"} <= on_disk
    added = {f"functions/validate_{name}/" for name in added_by_new_validation()}  # a team's, after the page
    assert sorted(on_disk - set(mapped) - added) == [], "packages missing from docs/architecture.md's package map"
    assert sorted(set(mapped) - on_disk) == [], "docs/architecture.md maps packages that do not exist"


def test_every_folder_the_page_names_exists() -> None:
    named = set(re.findall(r"`((?:functions|greenlight)/[\w/]*/)`", DOC.read_text()))
    assert named
    assert sorted(n for n in named if not (ROOT / n).is_dir()) == []


def test_the_import_rules_are_the_contracts_import_linter_checks() -> None:
    contracts = options(ROOT)["contracts"]  # pyproject.toml's and the functions' made from the packages on disk
    listed = re.findall(r"^- (.+)$", section("Import rules"), re.M)
    assert sorted(listed) == sorted(contract["name"] for contract in contracts)


def test_the_layout_names_the_test_folders_there_are() -> None:
    layout = section("Layout")
    lines = layout.split("\ntests/", 1)[1].split("\nbench/", 1)[0]
    named = set(re.findall(r"\b([a-z_]+)/", lines))
    assert {"functions", "greenlight", "support"} <= named
    on_disk = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert sorted(named - on_disk) == [], "docs/architecture.md's layout names test folders that do not exist"
    assert sorted(on_disk - named) == [], "test folders missing from docs/architecture.md's layout"


def test_each_module_a_row_of_the_package_map_names_is_in_that_package() -> None:
    # GIVEN each row's package and the modules (`name.py`, or `function/name.py`) its sentence names
    rows = re.findall(r"^\| `([^`]+/)` \| (.+) \|$", section("Package map"), re.M)
    assert rows
    missing = [
        f"{package}{module}"
        for package, sentence in rows
        for module in re.findall(r"`([\w/]+\.py)`", sentence)
        if not any((base / module).is_file() for base in (ROOT / package, ROOT / package.split("/")[0], ROOT))
    ]
    # THEN none was moved away from the row naming it (as the engine's modules moved between its layers)
    assert missing == []


def test_the_engines_core_names_each_of_its_modules_in_its_docstring_and_the_map() -> None:
    import greenlight.engine.core as core

    modules = sorted(p.stem for p in (ROOT / "greenlight" / "engine" / "core").glob("*.py") if p.stem != "__init__")
    assert "lifetime" in modules
    row = next(line for line in section("Package map").splitlines() if line.startswith("| `greenlight/engine/core/`"))
    assert [m for m in modules if f"`{m}`" not in (core.__doc__ or "")] == []
    assert [m for m in modules if f"`{m}.py`" not in row] == []
