"""Every MockConfigFile test case on the embedded engine: the same cases Step Functions Local runs.

Each case mocks every Task state, so these tests assert the ASL's wiring: which states a path visits, what
reaches Finalize, how the execution ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from common.models import Plan
from greenlight.engine import STATE_MACHINE_NAME, LocalEngine
from greenlight.mock_config import case_names, read
from tests.conftest import ROOT
from tests.workflow.conftest import entered, history, task_input

pytestmark = pytest.mark.workflow

MOCK_CONFIG = ROOT / "tests" / "MockConfigFile.json"

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


def test_every_case_in_the_file_has_an_expectation_here() -> None:
    assert set(case_names(read(MOCK_CONFIG), STATE_MACHINE_NAME)) == set(EXPECTED)


def test_every_mocked_plan_is_a_valid_plan() -> None:
    document = read(MOCK_CONFIG)
    for name, responses in document["MockedResponses"].items():
        for response in responses.values():
            payload = response.get("Return", {}).get("Payload", {})
            if payload.get("plan"):
                Plan.model_validate(payload["plan"]), name


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_mock_config_case(engine: LocalEngine, case: str) -> None:
    status, must, must_not, statuses = EXPECTED[case]
    # GIVEN the MockConfigFile test case
    engine.use_mock_config(MOCK_CONFIG)
    # WHEN the workflow runs it, started as the hook would start it
    execution_arn = engine.start_as_hook("d-MOCK12345", f"hook-{case}", case)
    run = engine.wait(execution_arn, deadline_s=30)
    events = history(engine, execution_arn)
    visited = set(entered(events))
    # THEN it ends as expected, along the expected path, with the expected results reaching Finalize
    assert run.status == status, (run.error, run.cause)
    assert must <= visited, must - visited
    assert not must_not & visited, must_not & visited
    finalize_input: dict[str, Any] = task_input(events, "Finalize")
    assert {r["name"]: r["status"] for r in finalize_input["results"]} == statuses
    if case == "PrepareCrashes":
        assert finalize_input["problem"]["state"] == "Prepare"
        assert finalize_input["problem"]["error"] == "Runtime.ExitError"
    if case == "RetryPath":
        assert sum(1 for e in events if e["type"] == "TaskFailed") == 1
    if case == "FinalizeFails":
        assert run.error == "Greenlight.FinalizeFailed"


def test_mock_config_path_is_for_tests_only(tmp_path: Path) -> None:
    from greenlight.mock_config import MockConfigError

    bad = tmp_path / "bad.json"
    bad.write_text('{"StateMachines": {}}')
    with pytest.raises(MockConfigError):
        read(bad)
