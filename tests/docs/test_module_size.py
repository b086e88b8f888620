"""Every module under functions/ stays readable: 250 lines at most, so that one idea is one module (the project's
rule; docs/architecture.md maps the packages)."""

from __future__ import annotations

from tests.conftest import ROOT

LIMIT = 250


def test_no_module_under_functions_is_over_250_lines() -> None:
    modules = [m for m in (ROOT / "functions").rglob("*.py") if "__pycache__" not in m.parts]
    assert len(modules) > 50
    lengths = {m.relative_to(ROOT).as_posix(): len(m.read_text().splitlines()) for m in modules}
    assert {path: n for path, n in lengths.items() if n > LIMIT} == {}, f"split these by idea (at most {LIMIT} lines)"
