"""Following an execution costs nothing while it waits: the follower reads it only when it records an event or
ends (greenlight.engine.patches.progress), never on a timer."""

from __future__ import annotations

import json
import time
from typing import Any

from greenlight.engine.executions import follow
from greenlight.engine.local_engine import LocalEngine
from greenlight.engine.project import Project

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
