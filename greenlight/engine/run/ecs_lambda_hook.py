"""A local run through the ECS path: ECS invokes the hook, again after each scaled callBackDelay, until the hook
answers SUCCEEDED or FAILED (or anything else, which ECS takes as a failure and rolls back). A LINEAR or CANARY
deployment at a step stage goes on to its next production step after a SUCCEEDED, as ECS does; hookDetails the
hook returned are passed to the next step's first call (the guide: they persist between invocations of the same
hook within a deployment)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from greenlight.engine.guards import ecs_hooks
from greenlight.engine.patches.progress import changes, wait_for_change
from greenlight.engine.run.executions import QUIET_S, Run, state_events
from greenlight.engine.standins.ecs import EcsDeployment

if TYPE_CHECKING:
    from greenlight.engine.run.local_engine import LocalEngine
    from greenlight.engine.run.results import LocalRunResult

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
    if answer.get("hookStatus") is not None:
        ecs_hooks.check_hook_answer(answer)
    deployment.answers.append(answer)
    deployment.step_answers.append((deployment.step, deployment.hook_execution_id, answer))
    if deployment.after_answer is not None:
        deployment.after_answer(engine, deployment, answer)
    return answer


def execution_arn_of(engine: LocalEngine, deployment: EcsDeployment, step: int | None = None) -> str | None:
    """The execution the hook named for a step (the last one by default), from its answers' hookDetails."""
    for answered_step, _, answer in reversed(deployment.step_answers):
        name = ((answer.get("hookDetails") or {}).get("greenlight") or {}).get("execution")
        if name and (step is None or answered_step == step):
            return f"{engine.state_machine_arn.replace(':stateMachine:', ':execution:')}:{name}"
    return None


class Follower:
    """Passes the workflow's states on as they run, while ECS waits between calls."""

    def __init__(self, engine: LocalEngine, deployment: EcsDeployment, on_state: Any) -> None:
        self.engine, self.deployment, self.on_state = engine, deployment, on_state
        self.seen: dict[str, int] = {}

    def wait(self, seconds: float) -> None:
        """Sleep `seconds`, reporting states as the execution records them (woken by its events, never polling)."""
        deadline = time.monotonic() + seconds
        while True:
            progress = changes()
            self.pass_on_new_states()
            if time.monotonic() >= deadline:
                return
            wait_for_change(progress, min(QUIET_S, deadline - time.monotonic()))

    def pass_on_new_states(self) -> None:
        arn = execution_arn_of(self.engine, self.deployment)
        if self.on_state is None or arn is None:
            return
        try:
            events = state_events(self.engine.clients["stepfunctions"], arn)
        except self.engine.clients["stepfunctions"].exceptions.ExecutionDoesNotExist:
            return
        for event in events[self.seen.get(arn, 0) :]:
            self.on_state(event)
        self.seen[arn] = len(events)


def play_step(
    engine: LocalEngine, deployment: EcsDeployment, event: dict[str, Any], deadline: float, follower: Follower
) -> dict[str, Any] | None:
    """Invoke the hook until its answer is final; None when the hook timeout (the deadline) passed first."""
    while True:
        answer = ask(engine, deployment, event)
        if answer.get("hookStatus") != "IN_PROGRESS":
            for _ in range(deployment.calls_after_final):
                ask(engine, deployment, deployment.hook_event(answer.get("hookDetails")))
            follower.pass_on_new_states()
            return answer
        if time.monotonic() > deadline:
            return None
        follower.wait(float(answer.get("callBackDelay", DEFAULT_CALLBACK_DELAY_S)) * engine.time_scale)
        event = deployment.hook_event(answer.get("hookDetails"))


def play(
    engine: LocalEngine,
    deployment: EcsDeployment,
    deadline_s: float,
    on_state: Callable[[dict[str, Any]], None] | None = None,
    invocations: int = 1,
) -> bool:
    """Play every step; `invocations` > 1 repeats each step's first call at once (a storm). Returns False when a
    hook timeout (the deadline) passed first: ECS then takes its timeout action."""
    follower, deadline = Follower(engine, deployment, on_state), time.monotonic() + deadline_s
    details: dict[str, Any] | None = None
    while True:
        event = deployment.hook_event(details)
        for _ in range(max(invocations - 1, 0)):
            ask(engine, deployment, event)
        answer = play_step(engine, deployment, event, deadline, follower)
        if answer is None:
            return False
        if answer.get("hookStatus") != "SUCCEEDED" or not deployment.advance():
            return True
        details = answer.get("hookDetails")


def final_status(deployment: EcsDeployment, in_time: bool) -> str:
    """What ECS makes of the answers: FAILED at the first step whose final answer was not SUCCEEDED, SUCCEEDED when
    every step's was, TIMED_OUT (its timeout action: roll back) when a step never got one."""
    if not in_time:
        return "TIMED_OUT"
    for step in range(deployment.step + 1):
        # The first answer of a step that was not IN_PROGRESS is the one ECS acts on (later calls are faults).
        answers = [a for s, _, a in deployment.step_answers if s == step and a.get("hookStatus") != "IN_PROGRESS"]
        status = answers[0].get("hookStatus") if answers else None
        if status != "SUCCEEDED":
            return str(status) if status in FINAL else "FAILED"
    return "SUCCEEDED"


def execution_run(engine: LocalEngine, deployment: EcsDeployment) -> Run:
    """The last execution the hook started, followed to its end; or a run that never started (a rollback, a failed
    start, an invocation the hook refused)."""
    arn = execution_arn_of(engine, deployment)
    sfn = engine.clients["stepfunctions"]
    reason = (deployment.answers[-1].get("hookDetails") or {}).get("greenlight", {}).get("reason", "")
    if arn is None:
        return Run("", "NOT_STARTED", None, None, reason or None, 0.0)
    try:
        sfn.describe_execution(executionArn=arn)
    except sfn.exceptions.ExecutionDoesNotExist:
        return Run(arn, "NOT_STARTED", None, None, reason or None, 0.0)
    run = engine.wait(arn, deadline_s=5.0)  # it has ended by now, unless the hook timed out first (then stopped)
    described = sfn.describe_execution(executionArn=arn)
    if described.get("stopDate"):  # the execution's own duration, not the time spent reading it
        run.duration_s = (described["stopDate"] - described["startDate"]).total_seconds()
    return run


def ecs_result(engine: LocalEngine, deployment: EcsDeployment, in_time: bool) -> LocalRunResult:
    from common.payload.models import Verdict
    from greenlight.engine.run.results import HookAnswer, result_of

    result = result_of(execution_run(engine, deployment), [], events=engine.recorded_events())
    status = final_status(deployment, in_time)
    answers = [HookAnswer.of(answer, step + 1, execution_id) for step, execution_id, answer in deployment.step_answers]
    result.engine, result.stage, result.hook_status, result.hook_answers = "ecs", deployment.stage, status, answers
    result.verdict = Verdict.SUCCEEDED if status == "SUCCEEDED" else Verdict.FAILED
    last = answers[-1].reason if answers else None
    if status == "TIMED_OUT":
        result.reason = "the hook did not answer SUCCEEDED or FAILED before its timeout; ECS rolls back"
    elif result.report is None or (result.report.verdict != result.verdict):
        result.reason = last or result.reason
    return result
