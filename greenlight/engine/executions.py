"""Following one execution on the local engine: its states as they run, and how it ended."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from greenlight.engine.patches.progress import changes, wait_for_change

TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}
# Nothing is polled: a follower sleeps until the execution records an event or ends (patches/progress), or its
# deadline; this is only how long it sleeps at most when nothing happens, a safety net (a read costs a few ms).
QUIET_S = 30.0
# How long an execution stopped at the run's deadline has to end. moto's stop can fail to end one (a Parallel branch
# stopped mid-state raised in its worker and the execution waited out its Task's timeout): the follower then reports
# what it saw, rather than stopping it again and again in a busy loop.
STOP_GRACE_S = 5.0


@dataclass
class Run:
    execution_arn: str
    status: str
    output: dict[str, Any] | None
    error: str | None
    cause: str | None
    duration_s: float
    states: list[dict[str, Any]] = field(default_factory=list)


def state_events(sfn: Any, execution_arn: str) -> list[dict[str, Any]]:
    """Every state entered or exited, in order, from the execution's history."""
    history = sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
    states = []
    for event in history:
        kind = event["type"]
        if kind.endswith("StateEntered") or kind.endswith("StateExited"):
            details = event.get("stateEnteredEventDetails") or event.get("stateExitedEventDetails") or {}
            state = {"type": kind, "state": details.get("name", ""), "timestamp": event["timestamp"]}
            if "output" in details:  # what a state passed on: a validation's result, the verdict report
                state["output"] = details["output"]
            states.append(state)
    return states


def follow(
    sfn: Any,
    execution_arn: str,
    deadline_s: float,
    on_state: Callable[[dict[str, Any]], None] | None = None,
    quiet_s: float = QUIET_S,
) -> Run:
    """Follow the execution until it ends or the deadline passes (then it is stopped, and ends ABORTED), reading it
    again only when it recorded an event or ended, or `quiet_s` passed (another Step Functions, which tells this
    process nothing, is polled so).

    Interrupted (Ctrl-C), it stops the execution before the KeyboardInterrupt goes on: no further state starts.
    """
    try:
        return _follow(sfn, execution_arn, deadline_s, on_state, quiet_s)
    except KeyboardInterrupt:
        with contextlib.suppress(Exception):
            sfn.stop_execution(
                executionArn=execution_arn, error="Greenlight.Interrupted", cause="the run was interrupted"
            )
        raise


def _follow(
    sfn: Any,
    execution_arn: str,
    deadline_s: float,
    on_state: Callable[[dict[str, Any]], None] | None,
    quiet_s: float,
) -> Run:
    started, deadline = time.monotonic(), time.monotonic() + deadline_s
    seen, stopped_at = 0, None
    while True:
        progress = changes()  # before reading: whatever happens after it wakes the wait below at once
        description = sfn.describe_execution(executionArn=execution_arn)
        if on_state:
            events = state_events(sfn, execution_arn)
            for event in events[seen:]:
                on_state(event)
            seen = len(events)
        if description["status"] in TERMINAL:
            break
        now = time.monotonic()
        if stopped_at is None and now > deadline:
            sfn.stop_execution(executionArn=execution_arn, error="Greenlight.LocalDeadline", cause="local run deadline")
            stopped_at = now
            continue
        if stopped_at is not None and now > stopped_at + STOP_GRACE_S:
            status = description["status"]
            cause = f"stopped at the local run's deadline, the execution was still {status} {STOP_GRACE_S:g} s later"
            description = description | {"error": "Greenlight.LocalDeadline", "cause": cause}
            break
        until = stopped_at + STOP_GRACE_S if stopped_at is not None else deadline
        wait_for_change(progress, min(quiet_s, max(until - now, 0.0)))
    output = json.loads(description["output"]) if description.get("output") else None
    return Run(
        execution_arn,
        description["status"],
        output,
        description.get("error"),
        description.get("cause"),
        time.monotonic() - started,
        state_events(sfn, execution_arn),
    )
