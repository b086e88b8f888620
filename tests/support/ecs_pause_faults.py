"""The fault matrix's ECS pause hook rows: whatever breaks, ECS takes at most one ContinueServiceDeployment for the
pause hook, with the right action, and a call it refuses (the hook no longer awaiting action) is recorded, never
retried forever."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from greenlight.engine import LocalRunOptions, run_local
from greenlight.project import Project
from greenlight.samples.service import GOOD, SampleService
from tests.support.ecs_faults import SDK_ATTEMPTS
from tests.support.quick_config import TIME_SCALE, quick_config

if TYPE_CHECKING:
    from greenlight.engine import LocalEngine, LocalRunResult
    from greenlight.engine.run.ecs_pause_hook import PausePlay

Setup = Callable[["LocalEngine", "PausePlay", dict[str, Any]], None]
# The pause hook's function makes 2 attempts per call (ecs_pause.app.PAUSE_CLIENT_CONFIG, short timeouts under its
# function timeout); Finalize and the safety net make SDK_ATTEMPTS (common.runtime.aws.CLIENT_CONFIG).
FRONT_DOOR_ATTEMPTS = 2


def _api_faults(service: str, operation: str, *codes: str) -> Setup:
    def inject(engine: LocalEngine, pause: PausePlay, seen: dict[str, Any]) -> None:
        engine.inject_api_faults(service, operation, *codes)
        seen["faults"] = engine.settings.api_faults[(service, operation)]  # emptied as they are answered

    return inject


def _person_continues(refusal: str) -> Setup:
    """A person continues the deployment from the console before greenlight's verdict (ECS answers greenlight's own
    call with `refusal`: the docs do not say which error)."""

    def person(engine: LocalEngine, pause: PausePlay, hook_id: str) -> None:
        from moto.backends import get_backend

        from greenlight.engine.patches.ecs import ecs_stand_in
        from greenlight.engine.standins.codedeploy import ACCOUNT, REGION

        ecs_stand_in(get_backend("ecs")[ACCOUNT][REGION]).refusal = refusal
        arn = pause.deployment.deployment_arn
        engine.clients["ecs"].continue_service_deployment(serviceDeploymentArn=arn, hookId=hook_id, action="CONTINUE")

    return _set(after_delivery=person)


def _break_finalize(engine: LocalEngine, pause: PausePlay, seen: dict[str, Any]) -> None:
    def down() -> None:
        raise RuntimeError("Finalize is down (injected)")

    engine.break_function("FinalizeFunction", down)


def _stop_while_running(engine: LocalEngine, pause: PausePlay, seen: dict[str, Any]) -> None:
    def stop(engine: LocalEngine, pause: PausePlay, hook_id: str) -> None:
        # moto cannot stop an execution whose worker has not started: wait until it waits out the bake time
        sfn, arn = engine.clients["stepfunctions"], engine.execution_arn_for_hook(hook_id)
        deadline = time.monotonic() + 20.0
        while time.monotonic() < deadline:
            events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
            if any(event["type"] == "WaitStateEntered" for event in events):
                break
            time.sleep(0.05)
        sfn.stop_execution(executionArn=arn, error="Operator", cause="stopped")

    pause.after_delivery = stop


def _second_start_throttled(engine: LocalEngine, pause: PausePlay, seen: dict[str, Any]) -> None:
    """EventBridge delivers the event twice; the first delivery starts the workflow, the second's StartExecution is
    throttled through every SDK attempt (the faults are injected as the front door takes the second delivery)."""
    pause.deliveries = 2
    inner, function = engine.clients["lambda"], engine.function_names["EcsPauseHookFunction"]

    class SecondStartThrottled:
        invoked = 0

        def __getattr__(self, name: str) -> Any:
            return getattr(inner, name)

        def invoke(self, **kwargs: Any) -> Any:
            if kwargs.get("FunctionName") == function:
                SecondStartThrottled.invoked += 1
                if SecondStartThrottled.invoked == 2:
                    throttled = ["ThrottlingException"] * FRONT_DOOR_ATTEMPTS
                    engine.inject_api_faults("stepfunctions", "start_execution", *throttled)
                    seen["faults"] = engine.settings.api_faults[("stepfunctions", "start_execution")]
            return inner.invoke(**kwargs)

    engine.clients["lambda"] = SecondStartThrottled()


def _set(**values: Any) -> Setup:
    def setup(engine: LocalEngine, pause: PausePlay, seen: dict[str, Any]) -> None:
        for name, value in values.items():
            setattr(pause, name, value)

    return setup


@dataclass(frozen=True)
class PauseFault:
    name: str
    fault: str  # what goes wrong, for the table
    path: str  # how ECS is still answered, for the table
    taken: str | None  # the one ContinueServiceDeployment ECS takes (None: none; ECS's timeout action rolls back)
    hook_status: str  # how the pause hook ends: SUCCEEDED (continued), FAILED (rolled back), TIMED_OUT
    setup: Setup | None = None
    options: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    refused: int = 0  # calls ECS refuses (the hook no longer awaiting action), recorded
    evidence: str = ""  # text the run's result must contain: the fault was really hit
    executions: int | None = None  # how many workflows the front door started
    announced: bool = True  # greenlight announces the answer ECS took (False: it was a person's, not greenlight's)


PAUSE_FAULTS = [
    PauseFault("pause-none", "nothing (control)", "Finalize tells ECS the verdict", "CONTINUE", "SUCCEEDED",
               evidence="All validations passed", executions=1),
    PauseFault("pause-event-twice", "EventBridge delivers the event twice", "the execution is named from the hookId: "
               "the second start names the open execution (same name and input: Step Functions starts nothing new; "
               "ExecutionAlreadyExists once it closed)", "CONTINUE", "SUCCEEDED", _set(deliveries=2),
               evidence='"pause_outcomes":["started","started"]', executions=1),
    PauseFault("pause-event-twice-second-start-throttled", "EventBridge delivers the event twice, the second "
               "StartExecution throttled (every SDK attempt)", "the second delivery finds the first's execution "
               "(DescribeExecution) and leaves the answer to it: no outage policy for a hook a workflow judges",
               "CONTINUE", "SUCCEEDED", _second_start_throttled, config={"metrics": {"bake_seconds": 200}},
               evidence='"pause_outcomes":["started","already-started"]', executions=1),
    PauseFault("pause-timed-out", "the hook times out before the verdict", "Finalize's CONTINUE is refused (the hook "
               "is TIMED_OUT) and recorded; ECS's timeout action rolls back", None, "TIMED_OUT",
               options={"pause_timeout_minutes": 0.5}, config={"metrics": {"bake_seconds": 200}}, refused=1,
               evidence="TIMED_OUT"),
    PauseFault("pause-continue-throttled", "ContinueServiceDeployment throttled (every SDK attempt), then accepted",
               "Finalize's Retry", "CONTINUE", "SUCCEEDED",
               _api_faults("ecs", "continue_service_deployment", *["ThrottlingException"] * SDK_ATTEMPTS),
               evidence="All validations passed"),
    PauseFault("pause-person-continued", "a person continued the deployment first (ECS refuses with ClientException)",
               "greenlight's call is refused and recorded, not retried", "CONTINUE", "SUCCEEDED",
               _person_continues("ClientException"), refused=1, evidence="already-completed", announced=False),
    PauseFault("pause-person-continued-invalid-parameter", "the same, ECS refusing with InvalidParameterException",
               "the same: the hook's status decides, not the error's name", "CONTINUE", "SUCCEEDED",
               _person_continues("InvalidParameterException"), refused=1, evidence="already-completed",
               announced=False),
    PauseFault("pause-finalize-down", "Finalize crashes (the workflow fails before answering)", "the last resort (the "
               "safety net's function) tells ECS ROLLBACK; the safety net's later call is refused", "ROLLBACK",
               "FAILED", _break_finalize, refused=1, evidence="Finalize failed"),
    PauseFault("pause-workflow-times-out", "the execution times out", "TIMED_OUT -> the safety net tells ECS ROLLBACK",
               "ROLLBACK", "FAILED", options={"workflow_timeout_scale": 0.0005},
               config={"metrics": {"bake_seconds": 2400}}, evidence="TIMED_OUT"),
    PauseFault("pause-workflow-aborted", "the execution is stopped", "ABORTED -> the safety net tells ECS ROLLBACK",
               "ROLLBACK", "FAILED", _stop_while_running, config={"metrics": {"bake_seconds": 2400}},
               evidence="ABORTED"),
    PauseFault("pause-start-throttled", "StartExecution throttled (every SDK attempt)", "the front door tells ECS "
               "ROLLBACK at once (OutagePolicy fail)", "ROLLBACK", "FAILED",
               _api_faults("stepfunctions", "start_execution", *["ThrottlingException"] * FRONT_DOOR_ATTEMPTS),
               evidence="start-failed:reported", executions=0),
    PauseFault("pause-start-throttled-allow", "the same, OutagePolicy allow", "the front door tells ECS CONTINUE at "
               "once, with a Greenlight Outage Allowed event", "CONTINUE", "SUCCEEDED",
               _api_faults("stepfunctions", "start_execution", *["ThrottlingException"] * FRONT_DOOR_ATTEMPTS),
               options={"stack_parameters": {"OutagePolicy": "allow"}}, evidence="Greenlight Outage Allowed",
               executions=0),
    PauseFault("pause-not-opted-in", "the service's greenlight:gate tag does not name the stage (another team's hook)",
               "greenlight answers nothing; ECS's timeout action", None, "TIMED_OUT", _set(gate=""),
               evidence="not-gated", executions=0),
    PauseFault("pause-another-hook", "another pause hook awaits action at the same stage", "greenlight cannot tell its "
               "own: it answers neither; their timeouts act", None, "TIMED_OUT", _set(others=1),
               evidence="not-gated", executions=0),
]  # fmt: skip


@dataclass
class PauseFaultOutcome:
    result: LocalRunResult
    seconds: float
    seen: dict[str, Any]


def run_pause_fault(fault: PauseFault, project: Project) -> PauseFaultOutcome:
    started, seen = time.monotonic(), {}
    setup = fault.setup

    def before_start(engine: LocalEngine, pause: PausePlay) -> None:
        if setup is not None:
            setup(engine, pause, seen)

        def count(engine: LocalEngine, pause: PausePlay, hook_id: str, then: Any = pause.after_delivery) -> None:
            if then is not None:
                then(engine, pause, hook_id)
            listed = engine.clients["stepfunctions"].list_executions(stateMachineArn=engine.state_machine_arn)
            seen["executions"] = len(listed["executions"])

        pause.after_delivery = count

    with SampleService(GOOD) as service:
        options = LocalRunOptions(
            target_url=service.url,
            config_text=quick_config(**fault.config),
            time_scale=TIME_SCALE,
            deadline_s=60.0,
            controller="ecs",
            ecs_hook="pause",
        )
        for key, value in fault.options.items():
            setattr(options, key, value)
        result = run_local(options, project, before_start=before_start)
    return PauseFaultOutcome(result, time.monotonic() - started, seen)


def pause_markdown_table() -> str:
    lines = [
        "| Fault (ECS pause hook) | How ECS is still answered | ContinueServiceDeployment ECS takes (at most one) "
        "| The pause hook ends |",
        "|---|---|---|---|",
    ]
    for f in PAUSE_FAULTS:
        taken = f"`{f.taken}`{'' if f.announced else ' (the person’s)'}" if f.taken else "none"
        lines.append(f"| {f.fault} | {f.path} | {taken} | `{f.hook_status}` |")
    return "\n".join(lines) + "\n"
