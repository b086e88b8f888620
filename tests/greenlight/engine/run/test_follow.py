"""Following an execution costs nothing while it waits: the follower reads it only when it records an event or
ends (greenlight.engine.patches.progress), never on a timer."""

from __future__ import annotations

import datetime
import json
import time
from typing import Any

import pytest

from greenlight.engine import LocalEngine
from greenlight.engine.guards.conformance import check
from greenlight.engine.run.executions import follow
from greenlight.project import Project

WAIT_S = 1.0
DEFINITION = {
    "StartAt": "Wait",
    "States": {"Wait": {"Type": "Wait", "Seconds": int(WAIT_S), "Next": "Done"}, "Done": {"Type": "Succeed"}},
}


class CountingClient:
    """The engine's Step Functions client, noting when each DescribeExecution was made."""

    def __init__(self, client: Any) -> None:
        self.client, self.described_at = client, list[float]()

    def describe_execution(self, **kwargs: Any) -> Any:
        self.described_at.append(time.monotonic())
        return self.client.describe_execution(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def test_a_waiting_execution_is_read_only_when_it_changes(project: Project) -> None:
    # GIVEN an execution that waits a second in real time (time scale 1)
    with LocalEngine(project, time_scale=1.0) as engine:
        sfn = engine.clients["stepfunctions"]
        machine = sfn.create_state_machine(
            name="waits", definition=json.dumps(DEFINITION), roleArn="arn:aws:iam::123456789012:role/greenlight-local"
        )["stateMachineArn"]
        arn = sfn.start_execution(stateMachineArn=machine, name="one", input="{}")["executionArn"]
        counting, started = CountingClient(sfn), time.monotonic()
        # WHEN it is followed to its end
        run = follow(counting, arn, deadline_s=30.0)
    # THEN it ended after its wait, and it was read a few times, never while nothing happened
    assert run.status == "SUCCEEDED" and run.duration_s >= WAIT_S * 0.9
    reads_during_the_wait = [t for t in counting.described_at if started + 0.2 < t < started + WAIT_S - 0.2]
    assert reads_during_the_wait == [], len(counting.described_at)
    assert len(counting.described_at) <= 8


class UnstoppableClient:
    """A Step Functions whose execution never ends, even stopped (as moto's did once a Parallel branch raised in its
    worker): it counts every call."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}

    def _count(self, name: str) -> None:
        self.calls[name] = self.calls.get(name, 0) + 1

    def describe_execution(self, **kwargs: Any) -> Any:
        self._count("describe")
        running = {
            "executionArn": kwargs["executionArn"],
            "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m",
            "status": "RUNNING",
            "startDate": datetime.datetime.now(datetime.UTC),
        }
        return check("stepfunctions", "DescribeExecution", running)

    def stop_execution(self, **kwargs: Any) -> Any:
        self._count("stop")
        return check("stepfunctions", "StopExecution", {"stopDate": datetime.datetime.now(datetime.UTC)})

    def get_execution_history(self, **kwargs: Any) -> Any:
        return check("stepfunctions", "GetExecutionHistory", {"events": []})


def test_an_execution_that_does_not_stop_is_reported_not_spun_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN an execution past the run's deadline that a stop does not end (a short grace to keep the test quick)
    monkeypatch.setattr("greenlight.engine.run.executions.STOP_GRACE_S", 0.5)
    client = UnstoppableClient()
    # WHEN it is followed
    run = follow(client, "arn:aws:states:us-east-1:123456789012:execution:m:e", deadline_s=0.2, quiet_s=0.2)
    # THEN it was stopped once, read a few times (never in a busy loop), and reported as it was, saying why
    assert client.calls["stop"] == 1
    assert client.calls["describe"] <= 10, client.calls  # each wait at most quiet_s: a longer follow reads more
    assert (run.status, run.error) == ("RUNNING", "Greenlight.LocalDeadline")
    assert "still RUNNING" in str(run.cause)
