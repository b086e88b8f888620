"""The console script's exit (greenlight.cli.memory.leave): the status given, what was written but not flushed, and
atexit's handlers (logging's flush among them) all survive skipping the interpreter's teardown; a thread that is not a
daemon is waited for, as Python's own exit waits for it."""

from __future__ import annotations

import subprocess
import sys

import pytest

WROTE = """
import atexit, sys, threading, time
from greenlight.cli.memory import leave
atexit.register(lambda: sys.stdout.write("atexit ran\\n"))
sys.stdout.write("written, not flushed\\n")
{thread}
leave(3)
"""
LATE_THREAD = 'threading.Thread(target=lambda: (time.sleep(0.3), sys.stdout.write("thread ended\\n"))).start()'


@pytest.mark.parametrize("thread", ["", LATE_THREAD])
def test_leave_exits_with_its_code_after_flushing_and_atexit(thread: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WROTE.format(thread=thread)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 3, done.stderr
    ended = ["thread ended"] if thread else []
    assert done.stdout.splitlines() == ["written, not flushed", *ended, "atexit ran"]
