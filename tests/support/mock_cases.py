"""What each MockConfigFile test case must do, wherever it runs (embedded engine or Step Functions Local)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from common.config import VALIDATIONS

Events = list[dict[str, Any]]
# The cases are written for the registry as it is: a validation added later is mocked as passing in each case
# (greenlight.authoring.generate), and skipped by the older plan, which predates it.
ALL_PASSED = dict.fromkeys(VALIDATIONS, "passed")
ALL_SKIPPED = dict.fromkeys(VALIDATIONS, "skipped")
OLDER_PLAN = ALL_SKIPPED | {"health": "passed", "synthetic": "passed"}
# The mocked plans' custom checks: `smoke` runs (its mocked answer names it), `later` is not planned at this event.
# A mocked answer is chosen by retry attempt, so each Map iteration gets the same one: the plan where two checks run
# (CustomCheckCrashes) has them fail, each error named after its check by the ASL itself.
CHECKS_PASSED = {"smoke": "passed", "later": "skipped"}


@dataclass(frozen=True)
class Case:
    status: str  # how the execution ends
    entered: set[str]  # states the path must enter
    statuses: dict[str, str]  # each result reaching Finalize, by name
    not_entered: set[str] = field(default_factory=set)
    also: Callable[[Events, str | None], None] | None = None  # a check of its own: (history, execution error)


def entered(events: Events) -> list[str]:
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


def task_input(events: Events, state: str) -> dict[str, Any]:
    """The payload the last scheduling of `state` sent to its Lambda function."""
    names = {e["id"]: e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e}
    scheduled = [e for e in events if e["type"] == "TaskScheduled" and names.get(e["previousEventId"]) == state]
    return dict(json.loads(scheduled[-1]["taskScheduledEventDetails"]["parameters"])["Payload"])


def finalize_results(events: Events) -> list[dict[str, Any]]:
    """The results Finalize was given, one list: each branch gives a result, the custom checks' branch a list."""
    given = task_input(events, "Finalize")["results"] or []
    return [item for entry in given for item in (entry if isinstance(entry, list) else [entry])]


def _prepare_problem_reaches_finalize(events: Events, error: str | None) -> None:
    problem = task_input(events, "Finalize")["problem"]
    assert (problem["state"], problem["error"]) == ("Prepare", "Runtime.ExitError")


def _one_failed_attempt(events: Events, error: str | None) -> None:
    assert sum(1 for e in events if e["type"] == "TaskFailed") == 1


def _errors_name_their_check(events: Events, error: str | None) -> None:
    reasons = {r["name"]: r["reason"] for r in finalize_results(events)}
    assert reasons["smoke"].startswith("The smoke check could not finish: Runtime.ExitError"), reasons
    assert {r["dry_run"] for r in finalize_results(events) if r["status"] == "error"} == {False}


def _finalize_failed(events: Events, error: str | None) -> None:
    assert error == "Greenlight.FinalizeFailed"


EXPECTED: dict[str, Case] = {
    "HappyPath": Case(
        "SUCCEEDED", {"Validate Health", "Wait For Bake Time", "Finalize"}, ALL_PASSED, {"Report Failed"}
    ),
    "HealthFails": Case("SUCCEEDED", {"Health Done"}, ALL_PASSED | {"health": "failed"}),
    "MetricsFails": Case("SUCCEEDED", {"Metrics Done"}, ALL_PASSED | {"metrics": "failed"}),
    "ValidatorCrashes": Case(
        "SUCCEEDED", {"Synthetic Errored"}, ALL_PASSED | {"synthetic": "error"}, {"Synthetic Done"}
    ),
    "RetryPath": Case(
        "SUCCEEDED", {"Prepare", "Validate"}, ALL_PASSED, {"Record Prepare Error"}, also=_one_failed_attempt
    ),
    "FailFast": Case("SUCCEEDED", {"Stop On Health Failure", "Record Fail Fast"}, {"health": "failed"}),
    "NothingPlanned": Case(
        "SUCCEEDED", {"Skip Health", "Skip Synthetic", "Skip Metrics"}, ALL_SKIPPED, {"Validate Health"}
    ),
    # A plan written before the metrics validation existed (no `planned.metrics`, no config section) skips it.
    "OlderPlan": Case("SUCCEEDED", {"Skip Metrics", "Finalize"}, OLDER_PLAN, {"Wait For Bake Time"}),
    "InvalidConfig": Case("SUCCEEDED", {"Plan Ready?", "Finalize"}, {"prepare": "error"}, {"Validate"}),
    "PrepareCrashes": Case(
        "SUCCEEDED", {"Record Prepare Error", "Finalize"}, {}, {"Validate"}, also=_prepare_problem_reaches_finalize
    ),
    "FinalizeFails": Case("FAILED", {"Report Failed", "Finalize Failed"}, ALL_PASSED, also=_finalize_failed),
    # Custom checks: a Map over the plan's checks, each ending in a result named after it; `later` is not planned here.
    "CustomChecksPass": Case(
        "SUCCEEDED", {"Run Custom Checks", "Custom Check Done", "Skip Custom Check"}, ALL_PASSED | CHECKS_PASSED
    ),
    "CustomCheckFails": Case(
        "SUCCEEDED",
        {"Custom Check Done"},
        ALL_PASSED | CHECKS_PASSED | {"smoke": "failed"},
        {"No Custom Checks"},
    ),
    "CustomCheckCrashes": Case(
        "SUCCEEDED",
        {"Custom Check Errored"},
        ALL_PASSED | {"smoke": "error", "db-migrations": "error", "later": "skipped"},
        {"Custom Check Done"},
        also=_errors_name_their_check,
    ),
    "CustomCheckFailFast": Case("SUCCEEDED", {"Stop On Custom Check Failure", "Record Fail Fast"}, {"smoke": "failed"}),
}


def assert_case(name: str, status: str, error: str | None, events: Events) -> None:
    case = EXPECTED[name]
    visited = set(entered(events))
    assert status == case.status, (status, error)
    assert case.entered <= visited, case.entered - visited
    assert not case.not_entered & visited, case.not_entered & visited
    assert {r["name"]: r["status"] for r in finalize_results(events)} == case.statuses
    if case.also is not None:
        case.also(events, error)
