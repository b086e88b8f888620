"""The fault matrix's ECS rows: whatever breaks, ECS hears exactly one final hookStatus, the right one, and every
answer before it is IN_PROGRESS (never a function error, never a missing status)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from greenlight.engine import LocalRunOptions, run_local
from greenlight.engine.run.ecs_lambda_hook import execution_arn_of
from greenlight.project import Project
from greenlight.samples.service import GOOD, SampleService
from tests.support.quick_config import QUICK_RUN, quick_config

if TYPE_CHECKING:
    from greenlight.engine import EcsDeployment, LocalEngine, LocalRunResult

Setup = Callable[["LocalEngine", "EcsDeployment", dict[str, Any]], None]
# Each Standard-mode SDK call makes 3 attempts (runtime.aws.CLIENT_CONFIG): a hook call fails after 3 injected codes.
SDK_ATTEMPTS = 3


def _api_faults(operation: str, *codes: str) -> Setup:
    return lambda engine, deployment, seen: engine.inject_api_faults("stepfunctions", operation, *codes)


def _stop_while_running(engine: LocalEngine, deployment: EcsDeployment, seen: dict[str, Any]) -> None:
    """Stopped after ECS's second call (moto cannot stop an execution whose worker has not started yet)."""

    def stop(engine: LocalEngine, deployment: EcsDeployment, answer: dict[str, Any]) -> None:
        if len(deployment.answers) == 2:
            arn = execution_arn_of(engine, deployment)
            assert arn is not None, "the hook named no execution"
            engine.clients["stepfunctions"].stop_execution(executionArn=arn, error="Operator", cause="stopped")

    deployment.after_answer = stop


def _count_executions(engine: LocalEngine, deployment: EcsDeployment, seen: dict[str, Any]) -> None:
    def count(engine: LocalEngine, deployment: EcsDeployment, answer: dict[str, Any]) -> None:
        executions = engine.clients["stepfunctions"].list_executions(stateMachineArn=engine.state_machine_arn)
        seen["executions"] = len(executions["executions"])

    deployment.after_answer = count


def _late_calls(engine: LocalEngine, deployment: EcsDeployment, seen: dict[str, Any]) -> None:
    deployment.calls_after_final = 3
    _count_executions(engine, deployment, seen)


def _break_finalize(engine: LocalEngine, deployment: EcsDeployment, seen: dict[str, Any]) -> None:
    def down() -> None:
        raise RuntimeError("Finalize is down (injected)")

    engine.break_function("FinalizeFunction", down)


@dataclass(frozen=True)
class EcsFault:
    name: str
    fault: str  # what goes wrong, for the table
    path: str  # how the hook still answers, for the table
    expected: str  # the one final hookStatus ECS must hear
    setup: Setup | None = None
    options: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    evidence: str = ""  # text the run's result must contain: the fault was really hit
    executions: int | None = None  # how many executions the run may have started, when the row is about that


ECS_FAULTS = [
    EcsFault("ecs-none", "nothing (control)", "IN_PROGRESS while the workflow runs, then its verdict", "SUCCEEDED",
             evidence="All validations passed"),
    EcsFault("ecs-start-throttled", "the first start is throttled (after the SDK's retries)",
             "IN_PROGRESS; the next call starts it", "SUCCEEDED",
             _api_faults("start_execution", *["ThrottlingException"] * SDK_ATTEMPTS), evidence="could not start"),
    EcsFault("ecs-start-fails", "every start is throttled", "IN_PROGRESS for 2 calls, then FAILED (3 attempts)",
             "FAILED", _api_faults("start_execution", *["ThrottlingException"] * SDK_ATTEMPTS * 3),
             evidence="could not start", executions=0),
    EcsFault("ecs-start-misconfigured", "the state machine does not exist", "FAILED at once (never retried)",
             "FAILED", _api_faults("start_execution", "StateMachineDoesNotExist"), evidence="StateMachineDoesNotExist",
             executions=0),
    EcsFault("ecs-execution-vanishes", "the execution is gone after the start", "FAILED: execution gone", "FAILED",
             _api_faults("describe_execution", "ExecutionDoesNotExist", "ExecutionDoesNotExist"), evidence="is gone"),
    EcsFault("ecs-workflow-times-out", "the execution times out", "FAILED: ended TIMED_OUT without a verdict",
             "FAILED", options={"workflow_timeout_scale": 0.0005}, config={"metrics": {"bake_seconds": 2400}},
             evidence="TIMED_OUT"),
    EcsFault("ecs-workflow-aborted", "the execution is stopped", "FAILED: ended ABORTED without a verdict", "FAILED",
             _stop_while_running, config={"metrics": {"bake_seconds": 2400}}, evidence="ABORTED"),
    EcsFault("ecs-finalize-down", "Finalize crashes", "no callback for ECS; FAILED: ended FAILED", "FAILED",
             _break_finalize, evidence="ended FAILED"),
    EcsFault("ecs-call-after-verdict", "ECS calls again after the verdict (3 more calls)",
             "the same SUCCEEDED each time; nothing restarts", "SUCCEEDED", _late_calls,
             evidence="All validations passed", executions=1),
    EcsFault("ecs-rollback", "ECS rolls back (PRODUCTION_TRAFFIC_SHIFT, GREEN at 0 % and BLUE at 100 % of production)",
             "SUCCEEDED at once; no workflow", "SUCCEEDED",
             options={"rollback": True, "stage": "PRODUCTION_TRAFFIC_SHIFT"}, evidence="rolling back", executions=0),
    EcsFault("ecs-invocation-storm", "10 invocations of the first call at once", "one execution; IN_PROGRESS to all",
             "SUCCEEDED", _count_executions, options={"hook_invocations": 10}, evidence="All validations passed",
             executions=1),
]  # fmt: skip


@dataclass
class EcsFaultOutcome:
    result: LocalRunResult
    seconds: float
    seen: dict[str, Any]

    @property
    def finals(self) -> list[str | None]:
        """Every answer that was not IN_PROGRESS (the first is the one ECS acts on)."""
        return [a.hook_status for a in self.result.hook_answers if a.hook_status != "IN_PROGRESS"]


def run_ecs_fault(fault: EcsFault, project: Project) -> EcsFaultOutcome:
    started, seen = time.monotonic(), {}
    setup = fault.setup

    def before_start(engine: LocalEngine, deployment: EcsDeployment) -> None:
        if setup is not None:
            setup(engine, deployment, seen)

    with SampleService(GOOD) as service:
        options = LocalRunOptions(
            target_url=service.url,
            config_text=quick_config(**fault.config),
            **QUICK_RUN,
            deadline_s=60.0,
            controller="ecs",
        )
        for key, value in fault.options.items():
            setattr(options, key, value)
        result = run_local(options, project, before_start=before_start)
    return EcsFaultOutcome(result, time.monotonic() - started, seen)


def ecs_markdown_table() -> str:
    lines = [
        "| Fault (ECS path) | How the hook still answers | Final hookStatus (exactly one) |",
        "|---|---|---|",
    ]
    lines += [f"| {f.fault} | {f.path} | `{f.expected}` |" for f in ECS_FAULTS]
    return "\n".join(lines) + "\n"
