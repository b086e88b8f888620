"""The embedded engine, shared by the workflow tests of a module (setting it up takes about a second)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from greenlight.engine import LocalEngine
from greenlight.project import Project


@pytest.fixture(scope="module")
def engine(project: Project) -> Iterator[LocalEngine]:
    with LocalEngine(project, time_scale=0.0) as local_engine:
        yield local_engine


def history(engine: LocalEngine, execution_arn: str) -> list[dict[str, Any]]:
    return list(
        engine.clients["stepfunctions"].get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
    )


def entered(events: list[dict[str, Any]]) -> list[str]:
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


def task_input(events: list[dict[str, Any]], state: str) -> dict[str, Any]:
    """The payload the last scheduling of `state` sent to its Lambda function."""
    names = {e["id"]: e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e}
    scheduled = [e for e in events if e["type"] == "TaskScheduled" and names.get(e["previousEventId"]) == state]
    return dict(json.loads(scheduled[-1]["taskScheduledEventDetails"]["parameters"])["Payload"])
