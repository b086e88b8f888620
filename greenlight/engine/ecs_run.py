"""A local run through the ECS path: ECS invokes the hook, again after each scaled callBackDelay, until the hook
answers SUCCEEDED or FAILED (or anything else, which ECS takes as a failure and rolls back)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from greenlight.engine.ecs_controller import EcsDeployment
from greenlight.engine.executions import QUIET_S, Run, state_events
from greenlight.engine.patches.progress import changes, wait_for_change

if TYPE_CHECKING:
    from greenlight.engine.local_engine import LocalEngine
    from greenlight.engine.results import LocalRunResult

DEFAULT_CALLBACK_DELAY_S = 30  # what ECS waits when the answer names no callBackDelay (developer guide)
FINAL = {"SUCCEEDED", "FAILED"}


def invoke(engine: LocalEngine, event: dict[str, Any]) -> dict[str, Any]:
    """One synchronous invocation, as ECS makes it; a function error or an answer without a status is recorded."""
    response = engine.clients["lambda"].invoke(
        FunctionName=engine.function_names["EcsHookFunction"], Payload=json.dumps(event)
    )
    payload = json.loads(response["Payload"].read() or b"null")
    if response.get("FunctionError"):
        error = payload.get("errorType") if isinstance(payload, dict) else None
        return {"hookStatus": None, "functionError": error or response["FunctionError"]}
    return payload if isinstance(payload, dict) else {"hookStatus": None}


def ask(engine: LocalEngine, deployment: EcsDeployment, event: dict[str, Any]) -> dict[str, Any]:
    answer = invoke(engine, event)
    deployment.answers.append(answer)
    if deployment.after_answer is not None:
        deployment.after_answer(engine, deployment, answer)
    return answer


class Follower:
    """Reports the workflow's states as they run, while ECS waits between calls."""

    def __init__(self, engine: LocalEngine, arn: str, on_state: Callable[[dict[str, Any]], None] | None) -> None:
        self.engine, self.arn, self.on_state, self.seen = engine, arn, on_state, 0

    def wait(self, seconds: float) -> None:
        """Sleep `seconds`, reporting states as the execution records them (woken by its events, never polling)."""
        deadline = time.monotonic() + seconds
        while True:
            progress = changes()
            self.report()
            if time.monotonic() >= deadline:
                return
            wait_for_change(progress, min(QUIET_S, deadline - time.monotonic()))

    def report(self) -> None:
        if self.on_state is None:
            return
        try:
            events = state_events(self.engine.clients["stepfunctions"], self.arn)
        except self.engine.clients["stepfunctions"].exceptions.ExecutionDoesNotExist:
            return
        for event in events[self.seen :]:
            self.on_state(event)
        self.seen = len(events)


def play(
    engine: LocalEngine,
    deployment: EcsDeployment,
    deadline_s: float,
    on_state: Callable[[dict[str, Any]], None] | None = None,
    invocations: int = 1,
) -> bool:
    """Invoke the hook until its answer is final; `invocations` > 1 repeats the first call at once (a storm).
    Returns False when the hook timeout (the deadline) passed first: ECS then takes its timeout action."""
    follower = Follower(engine, engine.execution_arn_for_hook(deployment.hook_execution_id), on_state)
    event, deadline = deployment.hook_event(), time.monotonic() + deadline_s
    for _ in range(max(invocations - 1, 0)):
        ask(engine, deployment, event)
    while True:
        answer = ask(engine, deployment, event)
        if answer.get("hookStatus") != "IN_PROGRESS":
            for _ in range(deployment.calls_after_final):
                ask(engine, deployment, deployment.hook_event(answer.get("hookDetails")))
            follower.report()
            return True
        if time.monotonic() > deadline:
            return False
        delay = answer.get("callBackDelay", DEFAULT_CALLBACK_DELAY_S)
        follower.wait(float(delay) * engine.time_scale)
        event = deployment.hook_event(answer.get("hookDetails"))


def final_status(deployment: EcsDeployment, in_time: bool) -> str:
    """What ECS makes of the last answer: SUCCEEDED, FAILED, or TIMED_OUT (its timeout action: roll back)."""
    if not in_time:
        return "TIMED_OUT"
    # The first answer that was not IN_PROGRESS is the one ECS acts on (later calls are injected faults).
    status = next((a.get("hookStatus") for a in deployment.answers if a.get("hookStatus") != "IN_PROGRESS"), None)
    return str(status) if status in FINAL else "FAILED"


def execution_run(engine: LocalEngine, deployment: EcsDeployment) -> Run:
    """The execution the hook started, followed to its end; or a run that never started (a rollback, a failed start)."""
    arn = engine.execution_arn_for_hook(deployment.hook_execution_id)
    sfn = engine.clients["stepfunctions"]
    try:
        sfn.describe_execution(executionArn=arn)
    except sfn.exceptions.ExecutionDoesNotExist:
        reason = deployment.answers[-1].get("hookDetails", {}).get("greenlight", {}).get("reason", "")
        return Run(arn, "NOT_STARTED", None, None, reason or None, 0.0)
    run = engine.wait(arn, deadline_s=5.0)  # it has ended by now, unless the hook timed out first (then stopped)
    described = sfn.describe_execution(executionArn=arn)
    if described.get("stopDate"):  # the execution's own duration, not the time spent reading it
        run.duration_s = (described["stopDate"] - described["startDate"]).total_seconds()
    return run


def ecs_result(engine: LocalEngine, deployment: EcsDeployment, in_time: bool) -> LocalRunResult:
    from common.models import Verdict
    from greenlight.engine.results import HookAnswer, result_of

    result = result_of(execution_run(engine, deployment), [], events=engine.recorded_events())
    status = final_status(deployment, in_time)
    answers = [HookAnswer.of(answer) for answer in deployment.answers]
    result.engine, result.stage, result.hook_status, result.hook_answers = "ecs", deployment.stage, status, answers
    result.verdict = Verdict.SUCCEEDED if status == "SUCCEEDED" else Verdict.FAILED
    last = answers[-1].reason if answers else None
    if status == "TIMED_OUT":
        result.reason = "the hook did not answer SUCCEEDED or FAILED before its timeout; ECS rolls back"
    elif result.report is None or (result.report.verdict != result.verdict):
        result.reason = last or result.reason
    return result
