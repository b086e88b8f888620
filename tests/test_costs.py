"""The cost markers are checked, not guessed: a test that starts a program or the engine without its marker fails."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.tool  # it runs pytest in another process

INNER = textwrap.dedent(
    """
    import subprocess, sys
    import pytest

    def launch():  # a helper: the marker's source scan sees no call it knows
        subprocess.run([sys.executable, "-c", "pass"], check=True)

    def test_unmarked_starts_a_program():
        launch()

    @pytest.mark.tool
    def test_marked_starts_a_program():
        launch()

    def test_starts_nothing():
        assert sum([1, 2]) == 3

    def test_unmarked_enters_the_engine():
        sys.audit("greenlight.engine.enter")  # what LocalEngine.__enter__ raises first

    @pytest.mark.engine
    def test_marked_enters_the_engine():
        sys.audit("greenlight.engine.enter")
    """
)
CONFTEST = "from tests.support import costs\nfrom tests.support.costs import *  # noqa: F403\ncosts.install()\n"


def test_an_unmarked_test_that_starts_a_program_or_the_engine_fails_naming_its_marker(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # tests.support.costs
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_inner=INNER)
    pytester.makeini("[pytest]\nmarkers =\n    tool: x\n    engine: y\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist", "-rf")
    result.assert_outcomes(passed=3, failed=2)
    failed = "\n".join(line for line in result.outlines if line.startswith("FAILED"))
    assert "test_unmarked_starts_a_program" in failed and "test_unmarked_enters_the_engine" in failed
    text = result.stdout.str()
    assert "without its marker: tool (subprocess.Popen" in text
    assert "without its marker: engine (the embedded engine)" in text


def test_the_engine_raises_the_event_the_check_watches() -> None:
    from greenlight.engine.local_engine import AUDIT_EVENT
    from tests.support.costs import ENGINE_EVENT

    assert AUDIT_EVENT == ENGINE_EVENT
    source = Path(ROOT, "greenlight/engine/local_engine.py").read_text()
    assert "sys.audit(AUDIT_EVENT)" in source.split("def __enter__", 1)[1].split("\n\n", 1)[0]
