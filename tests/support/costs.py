"""The markers that say what a test costs (`engine`, `tool`), and a check that they are true.

The markers are given from what a test's source and fixtures name (tests/conftest.py); a test that starts the engine
or another program through a helper those names miss would stay in `make test-fast`, costing seconds there (and
failing there on a loaded machine). So every test is watched while it runs: one that enters the embedded engine or
starts a process without its marker fails, saying which marker it needs. Python's audit events see both: every
process started (subprocess, os.system, os.posix_spawn, os.spawn*, os.exec*, os.fork) and the engine's own event,
raised as it is entered (greenlight.engine.run.local_engine.AUDIT_EVENT).
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from typing import Any

import pytest

# Python's audit events for a new process (the audit events table of Python's documentation).
PROGRAM_EVENTS = ("subprocess.Popen", "os.system", "os.posix_spawn", "os.spawn", "os.exec", "os.fork")
ENGINE_EVENT = "greenlight.engine.enter"  # greenlight.engine.run.local_engine.AUDIT_EVENT (not imported: it loads moto)
_started: dict[str, list[str]] = {"engine": [], "tool": []}
_watching: list[bool] = [False]


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _watching[0]:
        return
    if event in PROGRAM_EVENTS:
        _started["tool"].append(f"{event} {str(args[0])[:60]}" if args else event)
    elif event == ENGINE_EVENT:
        _started["engine"].append("the embedded engine")


def install() -> None:
    """Watch from now on (once per test process; an audit hook cannot be removed, so it checks a flag)."""
    sys.addaudithook(_audit)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[Any, Any, None]:
    """After each phase (a fixture's setup included): what it started without its marker fails the test."""
    outcome = yield
    report = outcome.get_result()
    missing = [f"{cost} ({', '.join(sorted(set(seen)))})" for cost, seen in _started.items()
               if seen and item.get_closest_marker(cost) is None]  # fmt: skip
    for seen in _started.values():
        seen.clear()
    if missing and report.passed:
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid} started what costs seconds without its marker: {'; '.join(missing)}. Name the call or "
            "fixture in tests/conftest.py's ENGINE_/TOOL_ lists, or mark the test, so `make test-fast` leaves it out."
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, None, None]:
    for seen in _started.values():
        seen.clear()
    _watching[0] = True
    try:
        yield
    finally:
        _watching[0] = False
