"""The embedded engine: the real state machine on moto's interpreter, the real handlers in-process.

Which handler serves which ARN comes from template.yaml (Handler, CodeUri, DefinitionSubstitutions), so a
local run exercises what `sam deploy` deploys. A run starts the way CodeDeploy starts one: by invoking the
hook function with a lifecycle hook event.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import boto3
from moto import mock_aws
from moto.core.exceptions import JsonRESTError

from greenlight.engine import patches
from greenlight.engine.core import process
from greenlight.engine.core.botocore_models import engine_clients, shared_boto3_session
from greenlight.engine.core.context import EngineSettings, installed
from greenlight.engine.guards import conformance, egress
from greenlight.engine.interface import MockConfigError, mark_outlived
from greenlight.engine.patches.mock_config import answer_problems
from greenlight.engine.patches.mock_config import read as read_mock_config
from greenlight.engine.run.deploy import (
    LOCAL_ENVIRONMENT,
    STACK_NAME,
    STATE_MACHINE_NAME,
    VALIDATOR_WAIT_FLOOR,
    deploy,
    external_stepfunctions,
    placeholder_zip,
    shared_environment,
)
from greenlight.engine.run.executions import QUIET_S, Run, follow
from greenlight.engine.standins import check_functions
from greenlight.engine.standins.codedeploy import ACCOUNT, REGION
from greenlight.engine.standins.eventbus import EventRecorder
from greenlight.errors import GreenlightError
from greenlight.project import Project

__all__ = [  # what callers import from here (greenlight.engine.run.deploy holds the deploying itself)
    "LOCAL_ENVIRONMENT",
    "STACK_NAME",
    "STATE_MACHINE_NAME",
    "VALIDATOR_WAIT_FLOOR",
    "EngineBusyError",
    "LocalEngine",
    "external_stepfunctions",
    "shared_environment",
]
EXTERNAL_POLL_S = 0.1  # another Step Functions tells this process nothing: its executions are polled
SAFETY_NET_STATUSES = {"FAILED", "TIMED_OUT", "ABORTED"}  # the EventBridge rule's pattern in template.yaml
# moto's AWS is one per process: engines run one at a time (a thread nesting engines in itself is allowed).
_ONE_AT_A_TIME = threading.RLock()
BUSY_WAIT_S = 1800.0  # longer than any local run's deadline
AUDIT_EVENT = "greenlight.engine.enter"  # raised as an engine is entered (sys.audit: tests see what starts one)


class EngineBusyError(GreenlightError, RuntimeError):
    """Another local run held the process's engine for longer than BUSY_WAIT_S."""


class LocalEngine:
    """Use as a context manager: `with LocalEngine(project) as engine: engine.clients[...]; engine.wait(...)`.

    Engines in one process run one after another: moto's AWS is process-wide, so a second engine entered while one
    runs in another thread waits for it (saying so in its log), instead of failing on moto's shared state.
    """

    def __init__(
        self,
        project: Project,
        time_scale: float = 0.0,
        timeout_scale: float = 1.0,
        log: TextIO | None = None,
        workflow_timeout_scale: float = 1.0,
        parameters: dict[str, str] | None = None,
        stepfunctions_endpoint: str | None = None,
    ) -> None:
        """`parameters` override template.yaml's parameter defaults, as `sam deploy --parameter-overrides` does.

        `stepfunctions_endpoint`: another Step Functions (LocalStack's, on loopback) runs the workflow instead of
        moto's interpreter; whatever serves its Lambda tasks must pass them to this engine (tests/sfn_local/bridge.py).
        There, time_scale and the timeout scales do not apply: Waits, Retry intervals and timeouts last what they say.
        """
        self.project = project
        self.parameters = project.parameter_values(parameters or {})
        self.time_scale = time_scale
        self.settings = EngineSettings(time_scale, timeout_scale, workflow_timeout_scale)
        self.log = log if log is not None else io.StringIO()
        self._stack = contextlib.ExitStack()
        self.clients: dict[str, Any] = {}
        self.function_names: dict[str, str] = {}
        self.state_machine_arn = ""
        self.environment: dict[str, str] = {}
        self.event_recorder: EventRecorder | None = None
        self.role = ""
        self.stepfunctions_endpoint = stepfunctions_endpoint

    def __enter__(self) -> LocalEngine:
        sys.audit(AUDIT_EVENT)
        if not _ONE_AT_A_TIME.acquire(blocking=False):
            self.log.write("waiting for the local run already under way in this process (one engine at a time)\n")
            if not _ONE_AT_A_TIME.acquire(timeout=BUSY_WAIT_S):
                raise EngineBusyError(
                    f"another local run in this process held the engine for {BUSY_WAIT_S:g} s; local runs in one "
                    "process run one at a time (moto's AWS is process-wide): run this one in another process"
                )
        self._stack.callback(_ONE_AT_A_TIME.release)
        try:
            patches.apply()
            self.settings.run = egress.open_run()
            self._stack.callback(self.settings.run.close)
            self._stack.enter_context(installed(self.settings))
            self._stack.enter_context(process.environment(LOCAL_ENVIRONMENT))
            self._stack.enter_context(mock_aws(config={"stepfunctions": {"execute_state_machine": True}}))
            # moto empties boto3's default session for the mock (and restores it when the mock stops): the
            # functions' clients come from it, so they get the shared one, whose service models are read already.
            boto3.DEFAULT_SESSION = shared_boto3_session(REGION)
            self._stack.enter_context(contextlib.redirect_stdout(self.log))  # EMF metrics are printed
            self._stack.enter_context(process.logger_to(logging.getLogger("moto"), self.log))
            self.clients = engine_clients()
            if self.stepfunctions_endpoint:
                self.clients["stepfunctions"] = external_stepfunctions(self.stepfunctions_endpoint)
            self._deploy()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, error: BaseException | None, *_: object) -> None:
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            # End the handlers still running (a synthetic check mid-traffic) before moto goes away under them; one
            # blocked in a call (a read nobody answers) outlives the bounded wait: the interrupt names it.
            outlived = self.settings.run.close(interrupt=True)
            if outlived and error is not None:
                mark_outlived(error, outlived)
        self._stack.close()

    def _deploy(self) -> None:
        deploy(self)

    def enter(self, context: contextlib.AbstractContextManager[Any]) -> Any:
        """Keep `context` open until the engine stops (what a run sets up for its own length, e.g. a trusted CA)."""
        return self._stack.enter_context(context)

    def enter_callback(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Call `callback` when the engine stops."""
        self._stack.callback(callback, *args, **kwargs)

    def add_check_function(self, name: str, handler: check_functions.Handler, aliases: set[str]) -> None:
        """A team's Lambda check, `name` in the local Lambda (with `aliases`), served in this process by `handler`."""
        check_functions.deploy(self.clients["lambda"], self.role, name, placeholder_zip(), aliases)
        self.settings.handlers[name] = handler

    def recorded_events(self) -> list[dict[str, Any]]:
        """Every event greenlight put on the default bus so far, as a rule's target received it."""
        return self.event_recorder.recorded() if self.event_recorder else []

    def break_function(self, logical_id: str, fault: Callable[[], None]) -> None:
        """Run `fault` (raise, or hang) before the handler of this function on every invocation."""
        self.settings.function_faults[self.function_names[logical_id]] = fault

    def fail_invocations_after(self, logical_id: str, *error_codes: str) -> None:
        """The next invocations of this function run the handler, then Lambda's Invoke answers these error codes."""
        codes = [conformance.check_error("lambda", "invoke", code) for code in error_codes]

        def fail() -> None:
            if codes:
                raise JsonRESTError(codes.pop(0), "injected after the function ran")

        self.settings.invoke_faults_after[self.function_names[logical_id]] = fail

    def inject_api_faults(self, service: str, operation: str, *error_codes: str) -> None:
        """The next calls of `operation` (snake_case) are answered with these error codes, in order."""
        self.settings.inject_api_faults(service, operation, *error_codes)

    def use_mock_config(self, path: Path) -> None:
        """Use a MockConfigFile; its mocked answers must be ones the integrations could give (refused otherwise)."""
        document = read_mock_config(path)
        problems = answer_problems(document, STATE_MACHINE_NAME, json.loads(self.project.definition_text()))
        if problems:
            raise MockConfigError(f"mock config {path}: " + "; ".join(problems))
        self.settings.mock_config = document

    def _invoke(self, logical_id: str, event: dict[str, Any]) -> dict[str, Any]:
        response = self.clients["lambda"].invoke(
            FunctionName=self.function_names[logical_id], Payload=json.dumps(event)
        )
        return dict(json.loads(response["Payload"].read()))

    def invoke_hook(self, deployment_id: str, hook_execution_id: str) -> dict[str, Any]:
        """Invoke the hook function as CodeDeploy does (the payload is CodeDeploy's lifecycle hook event)."""
        return self._invoke(
            "HookFunction", {"DeploymentId": deployment_id, "LifecycleEventHookExecutionId": hook_execution_id}
        )

    def execution_arn_for_hook(self, hook_execution_id: str) -> str:
        from common.runtime.names import execution_name  # the hooks' own naming, loaded from the task root

        return f"arn:aws:states:{REGION}:{ACCOUNT}:execution:{STATE_MACHINE_NAME}:{execution_name(hook_execution_id)}"

    def start_as_hook(self, deployment_id: str, hook_execution_id: str, mock_case: str | None = None) -> str:
        """Start the execution exactly as the hook would, optionally as a MockConfigFile test case (`arn#Case`)."""
        from common.runtime.names import execution_name

        arn = self.state_machine_arn + (f"#{mock_case}" if mock_case else "")
        payload = {"deployment_id": deployment_id, "lifecycle_event_hook_execution_id": hook_execution_id}
        self.clients["stepfunctions"].start_execution(
            stateMachineArn=arn, name=execution_name(hook_execution_id), input=json.dumps(payload)
        )
        return self.execution_arn_for_hook(hook_execution_id)

    def deliver_status_change(self, execution_arn: str, status: str) -> dict[str, Any] | None:
        """Play EventBridge: an execution that ended FAILED, TIMED_OUT or ABORTED reaches the safety net."""
        if status not in SAFETY_NET_STATUSES or "SafetyNetFunction" not in self.function_names:
            return None
        description = self.clients["stepfunctions"].describe_execution(executionArn=execution_arn)
        detail = {"executionArn": execution_arn, "stateMachineArn": self.state_machine_arn, "status": status}
        event = {
            "source": "aws.states",
            "detail-type": "Step Functions Execution Status Change",
            "detail": detail | {"input": description.get("input")},
        }
        return self._invoke("SafetyNetFunction", event)

    def wait(
        self, execution_arn: str, deadline_s: float = 300.0, on_state: Callable[[dict[str, Any]], None] | None = None
    ) -> Run:
        """Follow the execution to its end (stopped at the deadline), then play EventBridge for the safety net."""
        quiet_s = EXTERNAL_POLL_S if self.stepfunctions_endpoint else QUIET_S
        run = follow(self.clients["stepfunctions"], execution_arn, deadline_s, on_state, quiet_s)
        self.deliver_status_change(execution_arn, run.status)
        return run
