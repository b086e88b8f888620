"""What each MockConfigFile test case must do, wherever it runs (embedded engine or Step Functions Local)."""

from __future__ import annotations

import json
from typing import Any

# case: (execution status, states that must be entered, states that must not, statuses reaching Finalize)
EXPECTED: dict[str, tuple[str, set[str], set[str], dict[str, str]]] = {
    "HappyPath": (
        "SUCCEEDED",
        {"Validate Health", "Wait For Bake Time", "Finalize"},
        {"Report Failed"},
        {"health": "passed", "synthetic": "passed", "metrics": "passed"},
    ),
    "HealthFails": (
        "SUCCEEDED",
        {"Health Done"},
        set(),
        {"health": "failed", "synthetic": "passed", "metrics": "passed"},
    ),
    "MetricsFails": (
        "SUCCEEDED",
        {"Metrics Done"},
        set(),
        {"health": "passed", "synthetic": "passed", "metrics": "failed"},
    ),
    "ValidatorCrashes": (
        "SUCCEEDED",
        {"Synthetic Errored"},
        {"Synthetic Done"},
        {"health": "passed", "synthetic": "error", "metrics": "passed"},
    ),
    "RetryPath": (
        "SUCCEEDED",
        {"Prepare", "Validate"},
        {"Record Prepare Error"},
        {"health": "passed", "synthetic": "passed", "metrics": "passed"},
    ),
    "FailFast": ("SUCCEEDED", {"Stop On Health Failure", "Record Fail Fast"}, set(), {"health": "failed"}),
    "NothingPlanned": (
        "SUCCEEDED",
        {"Skip Health", "Skip Synthetic", "Skip Metrics"},
        {"Validate Health"},
        {"health": "skipped", "synthetic": "skipped", "metrics": "skipped"},
    ),
    "InvalidConfig": ("SUCCEEDED", {"Plan Ready?", "Finalize"}, {"Validate"}, {"prepare": "error"}),
    "PrepareCrashes": ("SUCCEEDED", {"Record Prepare Error", "Finalize"}, {"Validate"}, {}),
    "FinalizeFails": (
        "FAILED",
        {"Report Failed", "Finalize Failed"},
        set(),
        {"health": "passed", "synthetic": "passed", "metrics": "passed"},
    ),
}


def entered(events: list[dict[str, Any]]) -> list[str]:
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


def task_input(events: list[dict[str, Any]], state: str) -> dict[str, Any]:
    """The payload the last scheduling of `state` sent to its Lambda function."""
    names = {e["id"]: e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e}
    scheduled = [e for e in events if e["type"] == "TaskScheduled" and names.get(e["previousEventId"]) == state]
    return dict(json.loads(scheduled[-1]["taskScheduledEventDetails"]["parameters"])["Payload"])


def assert_case(case: str, status: str, error: str | None, events: list[dict[str, Any]]) -> None:
    expected_status, must, must_not, statuses = EXPECTED[case]
    visited = set(entered(events))
    assert status == expected_status, (status, error)
    assert must <= visited, must - visited
    assert not must_not & visited, must_not & visited
    finalize_input = task_input(events, "Finalize")
    assert {r["name"]: r["status"] for r in finalize_input["results"]} == statuses
    if case == "PrepareCrashes":
        assert finalize_input["problem"]["state"] == "Prepare"
        assert finalize_input["problem"]["error"] == "Runtime.ExitError"
    if case == "RetryPath":
        assert sum(1 for e in events if e["type"] == "TaskFailed") == 1
    if case == "FinalizeFails":
        assert error == "Greenlight.FinalizeFailed"
