"""The `greenlight` console script's start (greenlight.cli.entry): where it keeps what runs reuse, and that no
environment keeps it from starting."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from greenlight.cli import entry


def test_the_cache_folder_is_the_users(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert entry.user_cache_folder() == str(tmp_path / "greenlight")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert entry.user_cache_folder() == str(tmp_path / "home" / ".cache" / "greenlight")


def test_a_user_without_a_home_gets_no_cache_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN no HOME and no passwd entry for the uid (a container run with `--user 1234`): pathlib cannot find home
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def nowhere() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(nowhere))
    # THEN the command keeps nothing between runs instead of ending with a traceback before it does anything
    assert entry.user_cache_folder() == ""


@pytest.mark.skipif(os.getuid() != 0, reason="taking another uid needs root")
def test_the_command_starts_as_a_uid_without_home_or_passwd_entry() -> None:
    uid = "54321"  # no passwd entry on a test machine
    folder = Path(tempfile.mkdtemp(prefix="greenlight-uid-"))  # under /tmp, not pytest's private tmp_path
    folder.chmod(0o755)
    as_uid = ["setpriv", "--reuid", uid, "--regid", uid, "--clear-groups", sys.executable]
    reach = f"import greenlight.cli.entry; import os; os.stat({str(folder)!r})"
    if subprocess.run([*as_uid, "-c", reach], check=False, cwd=folder, capture_output=True, timeout=60).returncode:
        shutil.rmtree(folder)
        pytest.skip("another uid cannot reach this checkout's interpreter or code (a folder on the way is private)")
    command = [*as_uid, "-m", "greenlight.cli"]
    try:
        done = subprocess.run(
            [*command, "--help"],
            check=False,
            env={"PATH": os.environ["PATH"]},
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        shutil.rmtree(folder)
    assert (done.returncode, done.stderr) == (0, "")
    assert "local" in done.stdout
