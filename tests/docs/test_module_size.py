"""Every Python module stays readable: 250 lines at most in functions/, greenlight/, tests/ and bench/, so that one
idea is one module (the project's rule; docs/architecture.md maps the packages, docs/development.md says where tests
live). A module that grows past it is split by subject, its shared helpers in a conftest.py or tests/support/."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT

LIMIT = 250
TREES = ("functions", "greenlight", "tests", "bench")


def too_long(root: Path, trees: tuple[str, ...] = TREES, limit: int = LIMIT) -> dict[str, int]:
    """Each module over `limit` lines under the trees of `root`, with its length."""
    modules = [m for tree in trees for m in (root / tree).rglob("*.py") if "__pycache__" not in m.parts]
    lengths = {m.relative_to(root).as_posix(): len(m.read_text().splitlines()) for m in modules}
    return {path: n for path, n in lengths.items() if n > limit}


def test_no_module_in_the_tree_is_over_250_lines() -> None:
    for tree in TREES:  # each tree is really read: a wrong root would find nothing too long
        assert len(list((ROOT / tree).rglob("*.py"))) > 5, tree
    assert too_long(ROOT) == {}, f"split these by subject (at most {LIMIT} lines)"


def test_a_planted_long_module_is_found_in_any_tree(tmp_path: Path) -> None:
    # GIVEN a module of each tree at the limit, and one of them a line over it
    for tree in TREES:
        (tmp_path / tree / "package").mkdir(parents=True)
        (tmp_path / tree / "package" / "at_limit.py").write_text("x = 1\n" * LIMIT)
    long = "/".join(("tests", "package", "test_long.py"))  # spelt in parts: no test file of that name exists
    (tmp_path / long).write_text("x = 1\n" * (LIMIT + 1))
    # THEN only the long one is named, with its length
    assert too_long(tmp_path) == {long: LIMIT + 1}
