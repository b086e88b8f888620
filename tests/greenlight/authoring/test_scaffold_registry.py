"""`greenlight new-validation` registers a section where ruff's isort wants its import: among the other sections'
imports, whatever name it has and whatever other module the config imports after them (`common.errors`)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from greenlight.authoring.scaffold import CONFIG, SECTION_IMPORT, register
from tests.conftest import ROOT

# Names no validation of a team would take (scaffold-check runs this in a tree with validations added), at both ends
# and between the built-in sections.
NAMES = ["aaa_registry_probe", "i_registry_probe", "t_registry_probe", "zzz_registry_probe"]


def registered(*names: str) -> str:
    text = (ROOT / CONFIG).read_text()
    for name in names:
        text = register(text, name)
    return text


@pytest.mark.parametrize("name", NAMES)
def test_a_new_section_is_imported_among_the_sections_in_name_order(name: str) -> None:
    lines = registered(name).splitlines()
    sections = [index for index, line in enumerate(lines) if line.startswith(SECTION_IMPORT)]
    modules = [lines[index][len(SECTION_IMPORT) :].split()[0] for index in sections]
    assert name in modules
    assert modules == sorted(modules)
    # nothing else is imported between two sections' imports but their own continuation lines
    between = [
        line for line in lines[sections[0] : sections[-1]] if line.startswith("from ") or line.startswith("import ")
    ]
    assert all(line.startswith(SECTION_IMPORT) for line in between), between


@pytest.mark.tool
def test_ruff_keeps_the_imports_as_registered() -> None:
    text = registered(*NAMES)
    checked = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "I", "--stdin-filename", str(ROOT / CONFIG), "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert checked.returncode == 0, checked.stdout
