"""One base, `GreenlightError`, for every error greenlight reports to a person; the command line catches that one."""

from __future__ import annotations

import ast
import importlib
import io
import os
import subprocess
import sys
from contextlib import redirect_stderr
from pathlib import Path

import pytest

from common.errors import GreenlightError
from greenlight.cli import main, registry
from greenlight.errors import GreenlightError as ReExported
from tests.conftest import ROOT

# Exceptions that are not a person's to read, each with why.
NOT_FOR_A_PERSON = {
    "AnswerCutError": "the keep-alive client's aiohttp disconnect for a cut answer, turned into an Answer, never shown",
    "HandlerStoppedError": "a BaseException ending a handler whose run was interrupted: control flow, never shown",
    "NonConformingResponseError": "a stand-in's answer AWS could not send: a bug in greenlight, an AssertionError",
    "TransientError": "Prepare's signal to the state machine's Retry (matched by name), never shown",
}


def error_classes() -> dict[str, tuple[Path, list[str]]]:
    """Every class named ...Error under greenlight/ and functions/ (tests aside), with its module and its bases."""
    found = {}
    for path in [*(ROOT / "greenlight").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.name.endswith("Error"):
                found[node.name] = (path.relative_to(ROOT), [ast.unparse(base) for base in node.bases])
    return found


def pattern_error() -> type[Exception]:
    """common's error for a pattern that does not compile, wherever common keeps it."""
    path, _ = error_classes()["PatternError"]
    module = ".".join(path.relative_to("functions").with_suffix("").parts)
    return importlib.import_module(module).PatternError  # type: ignore[no-any-return]


def test_greenlight_reexports_the_one_base() -> None:
    assert ReExported is GreenlightError


def test_every_error_class_for_a_person_derives_from_greenlight_error() -> None:
    classes = error_classes()
    assert len(classes) > 30 and set(NOT_FOR_A_PERSON) <= set(classes)
    without = {
        name: str(path)
        for name, (path, bases) in classes.items()
        if "GreenlightError" not in bases and name not in NOT_FOR_A_PERSON and name != "GreenlightError"
    }
    assert without == {}, "derive from GreenlightError (common.errors), or say in NOT_FOR_A_PERSON why not"


def test_the_base_keeps_each_class_other_base() -> None:
    error = pattern_error()("a pattern that does not compile")
    assert isinstance(error, GreenlightError) and isinstance(error, ValueError)  # pydantic's validators need ValueError


def test_the_command_line_reports_an_error_from_any_package_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a command that meets an error raised in the functions' common package (no CLI class)
    def command(_: object) -> int:
        raise pattern_error()("synthetic.requests[0].expect.body_matches: '(' does not compile")

    monkeypatch.setattr(registry, "command_schema", command)
    stderr = io.StringIO()
    # WHEN the command runs
    with redirect_stderr(stderr):
        status = main.main(["schema"])
    # THEN it exits 2 with the message on one line, no traceback
    assert status == 2
    assert stderr.getvalue() == "greenlight: synthetic.requests[0].expect.body_matches: '(' does not compile\n"


def test_a_common_package_of_the_users_own_on_the_path_hides_nothing(tmp_path: Path) -> None:
    """A user's own `common` (their project on PYTHONPATH, or a distribution with a top-level `common`) is not the
    functions': every command still starts, the functions' `common` first, as the Lambda runtime's task root is."""
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "__init__.py").write_text("")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    for arguments in (["--help"], ["config", "check", "examples/greenlight.yaml"]):
        done = subprocess.run(
            [sys.executable, "-m", "greenlight.cli", *arguments],
            check=False,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
