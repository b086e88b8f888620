"""`make sfn-localstack` never turns green by skipping what it could not run: a .venv-localstack that cannot run
LocalStack fails, and where the second engine is required (CI) no Python 3.13 fails too; only a machine that cannot
make the venv at all (no Python 3.13) skips, saying why."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.sfn_local import localstack_process
from tests.sfn_local.conftest import without_localstack


def test_no_venv_is_unavailable_a_reason_to_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(localstack_process, "VENV", tmp_path / ".venv-localstack")
    with pytest.raises(localstack_process.LocalStackUnavailableError, match=r"needs Python 3\.13"):
        localstack_process.python()


@pytest.mark.tool  # it runs the venv's (stand-in) interpreter
def test_a_venv_that_cannot_run_localstack_is_a_failure_not_a_skip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a .venv-localstack whose python has no localstack-core (a broken or half-made install)
    interpreter = tmp_path / ".venv-localstack" / "bin" / "python"
    interpreter.parent.mkdir(parents=True)
    missing = "PackageNotFoundError: No package metadata was found for localstack-core"
    interpreter.write_text(f"#!/bin/sh\necho '{missing}' >&2\nexit 1\n")
    interpreter.chmod(0o755)
    monkeypatch.setattr(localstack_process, "VENV", tmp_path / ".venv-localstack")
    # WHEN the tests look for LocalStack, THEN it is an error naming the cause and the way out, which fails them
    with pytest.raises(localstack_process.LocalStackStartError, match=r"No package metadata.*make sfn-localstack"):
        localstack_process.python()


def test_no_localstack_skips_but_fails_where_it_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GREENLIGHT_LOCALSTACK_REQUIRED", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"no Python 3\.13"):
        without_localstack("no Python 3.13")
    monkeypatch.setenv("GREENLIGHT_LOCALSTACK_REQUIRED", "1")
    with pytest.raises(pytest.fail.Exception, match=r"REQUIRED=1, but no Python 3\.13"):
        without_localstack("no Python 3.13")


@pytest.mark.parametrize(("required", "status"), [(None, 0), ("1", 1)])
def test_the_venv_script_without_python_313_exits_0_or_fails_where_required(
    tmp_path: Path, required: str | None, status: int
) -> None:
    # GIVEN a copy of the tree's script and requirements, and a PATH with no python3.13 and no pyenv
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "localstack-venv", tmp_path / ".ci" / "localstack-venv")
    (tmp_path / "tests" / "sfn_local").mkdir(parents=True)
    (tmp_path / "tests" / "sfn_local" / "localstack-requirements.txt").write_text("localstack-core==2026.3.0\n")
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("bash", "env", "grep", "sort", "tail", "rm", "cat"):
        if found := shutil.which(tool):
            (bare / tool).symlink_to(found)
    environment = {"PATH": str(bare), "HOME": str(tmp_path)}
    if required:
        environment["GREENLIGHT_LOCALSTACK_REQUIRED"] = required
    # WHEN it runs
    done = subprocess.run(
        ["bash", str(tmp_path / ".ci" / "localstack-venv")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # THEN it says why, and exits 0 (the tests skip) or 1 (required: CI fails)
    assert done.returncode == status, done
    assert "no Python 3.13 here" in done.stdout + done.stderr
    assert not (tmp_path / ".venv-localstack").exists()
