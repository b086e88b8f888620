"""The live view: one line per step of the real state machine, its elapsed time and outcome; plain lines without
a terminal, redrawn lines (a spinner while running) on one."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from rich.console import Console

from greenlight.cli.live import LiveView, steps_of
from greenlight.engine.project import Project

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture
def definition(project: Project) -> dict[str, Any]:
    return dict(json.loads(project.definition_text()))


def event(kind: str, state: str, seconds: float, output: dict[str, Any] | None = None) -> dict[str, Any]:
    happened = {"type": kind, "state": state, "timestamp": T0 + timedelta(seconds=seconds)}
    return happened | ({"output": json.dumps(output)} if output is not None else {})


def test_the_steps_are_prepare_each_validation_branch_and_finalize(definition: dict[str, Any]) -> None:
    steps, owner = steps_of(definition)
    labels = [step.label for step in steps]
    assert labels[0] == "prepare" and labels[-1] == "finalize"
    assert {"health", "synthetic", "metrics"} <= set(labels)
    assert owner["Wait For Bake Time"].label == "metrics"  # a branch's every state belongs to its line


def test_without_a_terminal_each_change_is_one_plain_line(definition: dict[str, Any]) -> None:
    stream = io.StringIO()
    view = LiveView(definition, stream)
    for happened in [
        event("TaskStateEntered", "Prepare", 0.0),
        event("TaskStateExited", "Prepare", 0.25, {"ready": True}),
        event("ChoiceStateEntered", "Health Planned?", 0.3),
        event("PassStateExited", "Health Done", 1.3, {"status": "passed", "reason": "All GREEN targets healthy."}),
        event("ChoiceStateEntered", "Synthetic Planned?", 0.3),
        event("FailStateEntered", "Stop On Synthetic Failure", 2.3),
        event("TaskStateEntered", "Finalize", 2.5),
        event("TaskStateExited", "Finalize", 2.7, {"verdict": "Failed", "validations": []}),
    ]:
        view.on_state(happened)
    assert stream.getvalue().splitlines() == [
        "  prepare: running",
        "  prepare: done in 0.2 s",
        "  health: running",
        "  health: passed in 1.0 s - All GREEN targets healthy.",
        "  synthetic: running",
        "  synthetic: failed in 2.0 s - fail fast: the other checks were stopped",
        "  finalize: running",
        "  finalize: verdict Failed in 0.2 s",
    ]


def test_on_a_terminal_running_steps_spin_and_finished_ones_show_their_outcome(definition: dict[str, Any]) -> None:
    view = LiveView(definition, io.StringIO())
    screen = Console(file=io.StringIO(), force_terminal=True, width=120, color_system=None)
    view.on_state(event("ChoiceStateEntered", "Health Planned?", 0.0))
    view.on_state(event("PassStateExited", "Health Done", 0.5, {"status": "passed", "reason": "healthy"}))
    view.on_state(event("ChoiceStateEntered", "Metrics Planned?", 0.0))
    screen.print(view)
    lines = {line.split()[1]: line for line in screen.file.getvalue().splitlines() if line.strip()}  # type: ignore[attr-defined]
    assert "passed" in lines["health"] and "0.5 s" in lines["health"] and "healthy" in lines["health"]
    assert "running" in lines["metrics"] and "waiting" in lines["synthetic"]


def test_verbose_keeps_the_raw_trace_and_plain_lines(definition: dict[str, Any]) -> None:
    traced: list[str] = []
    stream = io.StringIO()
    view = LiveView(definition, stream, trace=lambda happened: traced.append(happened["state"]))
    view.on_state(event("TaskStateEntered", "Prepare", 0.0))
    view.on_state(event("ChoiceStateEntered", "Plan Ready?", 0.1))
    assert traced == ["Prepare", "Plan Ready?"] and not view.interactive
    assert stream.getvalue() == "  prepare: running\n"
