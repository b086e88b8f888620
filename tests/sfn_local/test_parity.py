"""The parity tier: the real workflow and the real handlers on LocalStack's interpreter, against the embedded engine.

Each case is a row of the fault matrix (tests/support/faults.py) run twice with the same service, config and
injected fault: on the embedded engine (moto's interpreter, patched by us), and on LocalStack's Step Functions,
whose Lambda and CodeDeploy tasks reach the same handlers and AWS stand-in through the bridge
(tests/sfn_local/bridge.py). Each run must meet the matrix's own expectations, and the two runs must agree on what
the interpreter decides: how the execution ends, what CodeDeploy received, each validation's outcome, the events
put on EventBridge, the states entered, and each Task failure by state and error name (what Retry and Catch
matched).

LocalStack's Wait states and Retry intervals last what they say, so the embedded run's interpreter runs in real
time too (the matrix's config has no bake time); the handlers and the stand-in keep the matrix's time scale in
both. The difference found (an injected error without a request id, which moto's aws-sdk task could not read) was
in our fault patch and is fixed there; none remains. docs/local-engine.md's "Three Step Functions engines" says more.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from greenlight.engine import LocalDeployment, LocalEngine
from greenlight.project import Project
from tests.sfn_local.bridge import Bridge
from tests.support.fault_runs import FaultOutcome, run_fault
from tests.support.faults import FAULTS, Fault
from tests.support.quick_config import quick_config

# LocalStack starts in the first test of the session (about 2 s idle; up to READY_DEADLINE_S on a busy machine).
pytestmark = [pytest.mark.sfn_local, pytest.mark.timeout(300)]

DEADLINE_S = 180.0
GOOD_SERVICE_TIMEOUT_S = 3.0
BY_NAME = {fault.name: fault for fault in FAULTS}
# Rows that cannot mean the same on LocalStack: their Task or workflow timeouts and deadlines are scaled on the
# embedded engine only, or their fault is in the hook, which LocalStack's runs do not go through.
NOT_ON_LOCALSTACK = ("-times-out", "start-", "hook-twice", "workflow-")
# Outcomes that depend on timing, not on the interpreter: against a hanging service, which published minutes hold
# its few answers varies from run to run (tests/statemachines/test_ecs_controller.py meets the same).
TIMING_DEPENDENT = {("service-hangs", "metrics"): {"inconclusive", "failed"}}
CI_CASES = [
    "none",  # a healthy service
    "service-5xx",  # a failing one
    "synthetic-raises",  # a validator crashes: Catch, an `error` result
    "finalize-retried-after-delivery",  # Lambda's ServiceException after Finalize ran: Retry
    "finalize-fails",  # Finalize cannot call back: Report Failed, the aws-sdk callback
    "report-failed-throttled",  # ... and that callback throttled: Retry on an aws-sdk error name
    "check-webhook-5xx",  # a custom check through the Map state (ItemSelector, MaxConcurrency), an `error` result
]
# GREENLIGHT_PARITY=all runs every row that can run on both (30 rows); CI runs the seven above.
CASES = (
    [fault for fault in FAULTS if not any(part in fault.name for part in NOT_ON_LOCALSTACK)]
    if os.environ.get("GREENLIGHT_PARITY") == "all"
    else [BY_NAME[name] for name in CI_CASES]
)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class HistoryRecorder:
    """The execution's history as last seen while the engine ran (the embedded one forgets it when it stops)."""

    engine: LocalEngine | None = None
    execution_arn: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)

    def setup(self, engine: LocalEngine, deployment: LocalDeployment) -> None:
        self.engine, self.execution_arn = engine, engine.execution_arn_for_hook(deployment.hook_execution_id)

    def on_state(self, state: dict[str, Any]) -> None:
        assert self.engine is not None
        sfn = self.engine.clients["stepfunctions"]
        self.events = sfn.get_execution_history(executionArn=self.execution_arn, maxResults=1000)["events"]


def _state_of(event: dict[str, Any], by_id: dict[int, dict[str, Any]]) -> str:
    """The state an event belongs to: follow previousEventId back to the state's entry."""
    while "stateEnteredEventDetails" not in event:
        event = by_id[event["previousEventId"]]
    return str(event["stateEnteredEventDetails"]["name"])


def task_failures(events: list[dict[str, Any]]) -> Counter[tuple[str, str]]:
    """Each failed or timed-out Task attempt, by state and error name."""
    by_id = {event["id"]: event for event in events}
    failures: Counter[tuple[str, str]] = Counter()
    for event in events:
        if event["type"] in ("TaskFailed", "TaskTimedOut"):
            details = event.get("taskFailedEventDetails") or event.get("taskTimedOutEventDetails") or {}
            failures[(_state_of(event, by_id), details.get("error", ""))] += 1
    return failures


def observed(outcome: FaultOutcome, events: list[dict[str, Any]]) -> dict[str, Any]:
    """What the interpreter decided, in terms both engines must agree on."""
    result = outcome.result
    entered = Counter(e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e)
    return {
        "execution": (result.execution.status, result.execution.error),
        "callbacks": [(c.status.value, c.accepted) for c in result.callbacks],
        "validations": {v.name: v.status.value for v in result.validations},
        # An error result's reason is the ASL's own text around the Task's Error and Cause.
        "error reasons": {v.name: UUID.sub("<id>", v.reason) for v in result.validations if v.status.value == "error"},
        "events": [e["detail-type"] for e in result.events],
        "states entered": entered,
        "task failures": task_failures(events),
    }


def _chain(*steps: Callable[[LocalEngine, LocalDeployment], None]) -> Callable[[LocalEngine, LocalDeployment], None]:
    def setup(engine: LocalEngine, deployment: LocalDeployment) -> None:
        for step in steps:
            step(engine, deployment)

    return setup


def _real_time_interpreter(engine: LocalEngine, deployment: LocalDeployment) -> None:
    engine.settings.interpreter_time_scale = 1.0


def run_on(engine: str, fault: Fault, project: Project, bridge: Bridge, endpoint: str) -> tuple[FaultOutcome, Any]:
    recorder = HistoryRecorder()
    sections = dict(fault.config)
    if fault.service is None and fault.hostile is None and not fault.refuse_connections:
        # The good sample service: a slow answer is never the point, and a busy machine (LocalStack runs beside the
        # tests) makes the matrix's 0.5 s budget fail it now and then.
        sections["synthetic"] = {**fault.config.get("synthetic", {}), "request_timeout_seconds": GOOD_SERVICE_TIMEOUT_S}
    overrides: dict[str, Any] = {"config_text": quick_config(**sections), "deadline_s": DEADLINE_S}
    if engine == "localstack":
        setup = _chain(recorder.setup, bridge.attach)
        overrides["stepfunctions_endpoint"] = endpoint
    else:
        setup = _chain(recorder.setup, _real_time_interpreter)
    try:
        outcome = run_fault(fault, project, setup, recorder.on_state, **overrides)
    finally:
        bridge.detach()
    return outcome, observed(outcome, recorder.events)


def assert_meets_the_matrix(fault: Fault, outcome: FaultOutcome) -> None:
    """What tests/statemachines/test_fault_matrix.py asserts of the same fault on the embedded engine."""
    assert outcome.accepted == [fault.expected], (outcome.callbacks, outcome.result.reason)
    assert len(outcome.callbacks) - 1 == fault.late_reports, outcome.callbacks
    assert tuple(e["detail-type"] for e in outcome.result.events) == fault.announced, outcome.result.events
    assert fault.evidence in outcome.result.model_dump_json(), outcome.result.reason


@pytest.mark.parametrize("fault", CASES, ids=[fault.name for fault in CASES])
def test_both_engines_decide_the_same(project: Project, bridge: Bridge, localstack: str, fault: Fault) -> None:
    # GIVEN the same service, config and fault, WHEN the workflow runs on each engine
    embedded, on_embedded = run_on("embedded", fault, project, bridge, localstack)
    other, on_localstack = run_on("localstack", fault, project, bridge, localstack)
    # THEN each meets the fault matrix's expectations
    assert_meets_the_matrix(fault, embedded)
    assert_meets_the_matrix(fault, other)
    assert bridge.requests, "LocalStack's tasks never reached the bridge"
    # ... and the two interpreters decided the same, item by item
    for (row, validation), outcomes in TIMING_DEPENDENT.items():
        if row == fault.name:
            seen = {on_embedded["validations"].pop(validation), on_localstack["validations"].pop(validation)}
            assert seen <= outcomes, (validation, seen)
    for item, value in on_embedded.items():
        assert on_localstack[item] == value, f"{item}: embedded {value}, LocalStack {on_localstack[item]}"
