"""The embedded engine, shared by the workflow tests of a module (setting it up takes about a second)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from greenlight.engine.local_engine import LocalEngine
from greenlight.engine.project import Project


@pytest.fixture(scope="module")
def engine(project: Project) -> Iterator[LocalEngine]:
    with LocalEngine(project, time_scale=0.0) as local_engine:
        yield local_engine


def history(engine: LocalEngine, execution_arn: str) -> list[dict[str, Any]]:
    return list(
        engine.clients["stepfunctions"].get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
    )
