"""What a local run returns: the workflow's own verdict report, wrapped with what CodeDeploy received.

Imported once the project's task root is on sys.path (the report model is the functions' own).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from common.payload.models import ValidationResult, Verdict, VerdictReport
from greenlight.engine.executions import Run

NO_VERDICT = "no verdict reached CodeDeploy"


class Callback(BaseModel):
    """One PutLifecycleEventHookExecutionStatus call the stand-in received; only the first per hook is accepted."""

    model_config = ConfigDict(populate_by_name=True)

    deployment_id: str = Field(alias="deploymentId")
    lifecycle_event_hook_execution_id: str = Field(alias="lifecycleEventHookExecutionId")
    status: Verdict
    accepted: bool


class ExecutionSummary(BaseModel):
    arn: str
    status: str
    error: str | None = None
    cause: str | None = None
    duration_s: float


class StateEvent(BaseModel):
    type: str
    state: str
    timestamp: datetime


class HookAnswer(BaseModel):
    """One answer the ECS hook gave ECS: its hookStatus (None: a function error or no status), and why."""

    hook_status: str | None
    callback_delay: int | None = None
    reason: str | None = None
    function_error: str | None = None
    step: int = 1  # the production step of a LINEAR or CANARY deployment it answered (1 otherwise)
    execution_id: str | None = None  # the hook execution ECS invoked
    execution: str | None = None  # the workflow execution that judged it (none for a rollback or a refusal)

    @classmethod
    def of(cls, answer: dict[str, Any], step: int = 1, execution_id: str | None = None) -> HookAnswer:
        mine = (answer.get("hookDetails") or {}).get("greenlight") or {}
        mine = mine if isinstance(mine, dict) else {}
        return cls(
            hook_status=answer.get("hookStatus"),
            callback_delay=answer.get("callBackDelay"),
            reason=mine.get("reason"),
            function_error=answer.get("functionError"),
            step=step,
            execution_id=execution_id,
            execution=mine.get("execution"),
        )


class ContinueCall(BaseModel):
    """One ContinueServiceDeployment the ECS stand-in received (greenlight's, or a person's a test played), and whether
    ECS took it: only while the pause hook awaited action."""

    hook_id: str
    action: str  # CONTINUE or ROLLBACK
    accepted: bool
    error: str | None = None  # the error ECS answered when it refused
    step: int = 1  # the production step of a LINEAR or CANARY deployment whose pause hook it answered


class LocalRunResult(BaseModel):
    """`verdict` is what CodeDeploy received (the mocked report's with a MockConfigFile case), or what the ECS hook's
    final hookStatus means (SUCCEEDED: Succeeded; anything else: Failed, ECS rolls back); `report` is the
    workflow's output, the same report an execution on AWS outputs."""

    verdict: Verdict | None
    reason: str
    report: VerdictReport | None = None
    callback: Callback | None = None
    callbacks: list[Callback] = Field(default_factory=list)
    execution: ExecutionSummary
    mocked: bool = False
    states: list[StateEvent] = Field(default_factory=list)
    events: list[dict[str, Any]] = Field(
        default_factory=list,
        description="What greenlight put on the default EventBridge bus, as a rule's target saw it.",
    )
    engine: str = "codedeploy"  # which deployment engine the run played: codedeploy or ecs
    stage: str | None = None  # ECS: the lifecycle stage the hook ran at
    hook_status: str | None = Field(None, description="ECS: the final hookStatus (SUCCEEDED, FAILED, TIMED_OUT).")
    hook_answers: list[HookAnswer] = Field(default_factory=list, description="ECS: every answer the hook gave.")
    time_scale: float = Field(
        1.0, description="The factor waits were scaled by (1: real time, as on AWS); durations shown are real seconds."
    )
    ecs_hook: str | None = Field(None, description="ECS: the hook kind played, lambda or pause.")
    continue_calls: list[ContinueCall] = Field(
        default_factory=list, description="ECS pause hook: every ContinueServiceDeployment, taken or refused."
    )
    pause_outcomes: list[str] = Field(
        default_factory=list, description="ECS pause hook: what the front door did with each delivered event."
    )

    @property
    def told_ecs(self) -> list[ContinueCall]:
        """The ContinueServiceDeployment calls ECS took (at most one per pause hook)."""
        return [call for call in self.continue_calls if call.accepted]

    @property
    def validations(self) -> list[ValidationResult]:
        return self.report.validations if self.report else []


def result_of(
    run: Run, callbacks: list[dict[str, Any]], mocked: bool = False, events: list[dict[str, Any]] | None = None
) -> LocalRunResult:
    """The verdict report of the run (its output when there is one), and what CodeDeploy received."""
    report = VerdictReport.model_validate(run.output) if run.output else None
    received = [Callback.model_validate(callback) for callback in callbacks]
    callback = next((c for c in received if c.accepted), None)
    # With a MockConfigFile case Finalize is mocked and nothing calls back: the mocked report carries the verdict.
    verdict = callback.status if callback else report.verdict if (mocked and report) else None
    execution = ExecutionSummary(
        arn=run.execution_arn, status=run.status, error=run.error, cause=run.cause, duration_s=round(run.duration_s, 3)
    )
    return LocalRunResult(
        verdict=verdict,
        reason=(report.reason if report else None) or run.cause or NO_VERDICT,
        report=report,
        callback=callback,
        callbacks=received,
        execution=execution,
        mocked=mocked,
        states=[StateEvent.model_validate(state) for state in run.states],
        events=events or [],
    )
