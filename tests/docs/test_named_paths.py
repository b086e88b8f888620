"""Every test file a page, a source file or a test names exists: tests mirror the source, so when a test moves, what
points at it must move with it. The changelog is history: it names paths as they were."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.conftest import ROOT

# A file under tests/, named whole (a `tests/functions/validate_<name>/` pattern or a bare folder is not a file).
NAMED = re.compile(r"(?<![\w/.])tests/[\w./-]*\w\.(?:py|json|md|txt)\b")
TEXT = {".py", ".md", ".yaml", ".yml", ".toml", ".tmpl", ".txt", ".json", ".cfg", ".sh"}
SKIPPED_FOLDERS = {"build", "node_modules", "__pycache__"}  # and every hidden one but .ci (venvs, caches, .git)
HISTORY = {Path("CHANGELOG.md")}


def _texts() -> list[Path]:
    found = []
    for folder, folders, files in os.walk(ROOT):
        folders[:] = [f for f in folders if f not in SKIPPED_FOLDERS and (not f.startswith(".") or f == ".ci")]
        base = Path(folder)
        for name in files:
            path = base / name
            if path.suffix in TEXT or name == "Makefile" or base.name == ".ci":
                found.append(path)
    return found


def stale_names(paths: list[Path], root: Path = ROOT) -> list[str]:
    problems = []
    for path in paths:
        if path.relative_to(root) in HISTORY:
            continue
        text = path.read_text(errors="replace")
        for named in sorted(set(NAMED.findall(text))):
            if not (ROOT / named).exists():
                problems.append(f"{path.relative_to(root)} names {named}, which does not exist")
    return problems


def test_every_test_file_named_anywhere_exists() -> None:
    texts = _texts()
    assert len(texts) > 100 and ROOT / "docs" / "development.md" in texts  # the walk found the tree
    problems = stale_names(texts)
    assert not problems, "\n".join(problems)


def test_a_stale_name_is_found(tmp_path: Path) -> None:
    # GIVEN a page naming a test where it is and one where it was before tests mirrored the source
    moved_away = "/".join(("tests", "unit", "test_config.py"))  # spelt in parts: this file must not name it
    page = tmp_path / "page.md"
    page.write_text(f"Checked by `{moved_away}` and tests/functions/common/config/test_config.py.\n")
    # THEN only the one that is gone is named
    assert [problem.split(" names ", 1)[1] for problem in stale_names([page], tmp_path)] == [
        f"{moved_away}, which does not exist"
    ]
