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
import os
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import boto3
from moto import mock_aws

from greenlight import egress, moto_patches
from greenlight.mock_config import MockConfigError, answer_problems
from greenlight.mock_config import read as read_mock_config
from greenlight.moto_patches import EngineSettings
from greenlight.project import Project, ProjectError, resolve, substitute
from greenlight.standin import ACCOUNT, REGION

STATE_MACHINE_NAME = "greenlight-validation"
TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}
VALIDATOR_WAIT_FLOOR = 0.02  # a 2 s poll interval still waits 40 ms at time scale 0
SAFETY_NET_STATUSES = {"FAILED", "TIMED_OUT", "ABORTED"}  # the EventBridge rule's pattern in template.yaml
LOCAL_ENVIRONMENT = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_DEV": "false",
}


@dataclass
class Run:
    execution_arn: str
    status: str
    output: dict[str, Any] | None
    error: str | None
    cause: str | None
    duration_s: float
    states: list[dict[str, Any]] = field(default_factory=list)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("placeholder.py", "")
    return buffer.getvalue()


class LocalEngine:
    """Use as a context manager: `with LocalEngine(project) as engine: engine.clients[...]; engine.run(...)`."""

    def __init__(
        self,
        project: Project,
        time_scale: float = 0.0,
        timeout_scale: float = 1.0,
        log: TextIO | None = None,
        workflow_timeout_scale: float = 1.0,
    ) -> None:
        self.project = project
        self.time_scale, self.timeout_scale, self.workflow_timeout_scale = (
            time_scale,
            timeout_scale,
            workflow_timeout_scale,
        )
        self.log = log if log is not None else io.StringIO()
        self._stack = contextlib.ExitStack()
        self.clients: dict[str, Any] = {}
        self.function_names: dict[str, str] = {}
        self.state_machine_arn = ""
        self.environment: dict[str, str] = {}

    def __enter__(self) -> LocalEngine:
        moto_patches.apply()
        EngineSettings.time_scale, EngineSettings.timeout_scale = self.time_scale, self.timeout_scale
        EngineSettings.workflow_timeout_scale = self.workflow_timeout_scale
        EngineSettings.run = egress.open_run()
        self._stack.callback(EngineSettings.run.close)
        self._stack.enter_context(_environment(LOCAL_ENVIRONMENT))
        self._stack.enter_context(mock_aws(config={"stepfunctions": {"execute_state_machine": True}}))
        self._stack.enter_context(contextlib.redirect_stdout(self.log))  # EMF metrics are printed
        self._stack.enter_context(_logger_to(logging.getLogger("moto"), self.log))
        self.clients = {
            name: boto3.client(name, region_name=REGION)
            for name in ("stepfunctions", "lambda", "iam", "codedeploy", "elbv2", "ec2", "cloudwatch", "ssm", "logs")
        }
        try:
            self._deploy()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        EngineSettings.handlers.clear()
        EngineSettings.target_health.clear()
        EngineSettings.api_faults.clear()
        EngineSettings.function_faults.clear()
        moto_patches.MOCK_CONFIG.clear()
        self._stack.close()

    def _deploy(self) -> None:
        """Create every function and the state machine as the template declares them."""
        functions = self.project.functions()
        role = self.clients["iam"].create_role(RoleName="greenlight-local", AssumeRolePolicyDocument="{}")["Role"][
            "Arn"
        ]
        refs: dict[str, str] = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT}
        refs |= self.project.parameter_defaults()
        for logical_id, spec in functions.items():
            name = f"greenlight-local-{logical_id}"
            arn = self.clients["lambda"].create_function(
                FunctionName=name,
                Role=role,
                Runtime="python3.12",
                Handler=spec.handler,
                Timeout=min(spec.timeout, 900),
                Code={"ZipFile": _zip()},
            )["FunctionArn"]
            self.function_names[logical_id] = name
            refs |= {logical_id: name, f"{logical_id}.Arn": arn}
            EngineSettings.handlers[name] = self.project.load_handler(spec)
        self.state_machine_arn = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{STATE_MACHINE_NAME}"
        refs |= {"ValidationStateMachine": self.state_machine_arn, "ValidationStateMachine.Name": STATE_MACHINE_NAME}
        _, substitutions = self.project.state_machine()
        definition = substitute(self.project.definition_text(), {k: resolve(v, refs) for k, v in substitutions.items()})
        self.clients["stepfunctions"].create_state_machine(name=STATE_MACHINE_NAME, definition=definition, roleArn=role)
        self.environment = self._function_environment(functions, refs)
        self._stack.enter_context(_environment(self.environment))
        self._route_logs()
        self._scale_validator_waits()

    def _function_environment(self, functions: dict[str, Any], refs: dict[str, str]) -> dict[str, str]:
        """In one process every function shares os.environ, so their variables must not disagree."""
        merged: dict[str, str] = {}
        for spec in functions.values():
            for key, value in spec.environment.items():
                resolved = resolve(value, refs)
                if merged.get(key, resolved) != resolved:
                    raise ProjectError(f"functions disagree on environment variable {key}; the local engine shares one")
                merged[key] = resolved
        return merged

    def _route_logs(self) -> None:
        from common.observability import logger  # loaded from the task root by load_handler

        handler = logger.registered_handler
        if hasattr(handler, "setStream"):
            previous = handler.setStream(self.log)  # None when the handler was made in this run, on self.log
            # The log may be a file the caller closes after the run: afterwards the handler gets back the stream it
            # had, or a sink of its own, never one that may be closed.
            self._stack.callback(handler.setStream, previous if previous is not None else io.StringIO())

    def _scale_validator_waits(self) -> None:
        from common import clock  # loaded from the task root by load_handler

        saved = clock.TIME_SCALE
        # Polls that never wait starve the listener's health-check thread (one GIL): keep a sliver of each wait.
        clock.TIME_SCALE = max(self.time_scale, VALIDATOR_WAIT_FLOOR)
        self._stack.callback(setattr, clock, "TIME_SCALE", saved)

    def break_function(self, logical_id: str, fault: Callable[[], None]) -> None:
        """Run `fault` (raise, or hang) before the handler of this function on every invocation."""
        EngineSettings.function_faults[self.function_names[logical_id]] = fault

    def use_mock_config(self, path: Path) -> None:
        """Use a MockConfigFile; its mocked answers must be ones the integrations could give (refused otherwise)."""
        document = read_mock_config(path)
        problems = answer_problems(document, STATE_MACHINE_NAME, json.loads(self.project.definition_text()))
        if problems:
            raise MockConfigError(f"mock config {path}: " + "; ".join(problems))
        moto_patches.MOCK_CONFIG.clear()
        moto_patches.MOCK_CONFIG.update(document)

    def invoke_hook(self, deployment_id: str, hook_execution_id: str) -> dict[str, Any]:
        """Invoke the hook function as CodeDeploy does (the payload is CodeDeploy's lifecycle hook event)."""
        event = {"DeploymentId": deployment_id, "LifecycleEventHookExecutionId": hook_execution_id}
        response = self.clients["lambda"].invoke(
            FunctionName=self.function_names["HookFunction"], Payload=json.dumps(event)
        )
        return dict(json.loads(response["Payload"].read()))

    def execution_arn_for_hook(self, hook_execution_id: str) -> str:
        from hook.app import execution_name  # the hook's own naming, loaded from the task root

        return f"arn:aws:states:{REGION}:{ACCOUNT}:execution:{STATE_MACHINE_NAME}:{execution_name(hook_execution_id)}"

    def start_as_hook(self, deployment_id: str, hook_execution_id: str, mock_case: str | None = None) -> str:
        """Start the execution exactly as the hook would, optionally as a MockConfigFile test case (`arn#Case`)."""
        from hook.app import execution_name

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
        event = {
            "source": "aws.states",
            "detail-type": "Step Functions Execution Status Change",
            "detail": {
                "executionArn": execution_arn,
                "stateMachineArn": self.state_machine_arn,
                "status": status,
                "input": description.get("input"),
            },
        }
        response = self.clients["lambda"].invoke(
            FunctionName=self.function_names["SafetyNetFunction"], Payload=json.dumps(event)
        )
        return dict(json.loads(response["Payload"].read()))

    def wait(
        self, execution_arn: str, deadline_s: float = 300.0, on_state: Callable[[dict[str, Any]], None] | None = None
    ) -> Run:
        """Poll until the execution ends or the deadline passes (then it is stopped and reported ABORTED)."""
        sfn = self.clients["stepfunctions"]
        started, deadline = time.monotonic(), time.monotonic() + deadline_s
        seen = 0
        while True:
            description = sfn.describe_execution(executionArn=execution_arn)
            if on_state:
                events = self._events(execution_arn)
                for event in events[seen:]:
                    on_state(event)
                seen = len(events)
            if description["status"] in TERMINAL:
                break
            if time.monotonic() > deadline:
                sfn.stop_execution(
                    executionArn=execution_arn, error="Greenlight.LocalDeadline", cause="local run deadline"
                )
                continue
            time.sleep(0.02)  # busy polling starves the interpreter's threads (GIL)
        self.deliver_status_change(execution_arn, description["status"])
        output = json.loads(description["output"]) if description.get("output") else None
        return Run(
            execution_arn,
            description["status"],
            output,
            description.get("error"),
            description.get("cause"),
            time.monotonic() - started,
            self._events(execution_arn),
        )

    def _events(self, execution_arn: str) -> list[dict[str, Any]]:
        history = self.clients["stepfunctions"].get_execution_history(executionArn=execution_arn, maxResults=1000)[
            "events"
        ]
        states = []
        for event in history:
            kind = event["type"]
            if kind.endswith("StateEntered") or kind.endswith("StateExited"):
                details = event.get("stateEnteredEventDetails") or event.get("stateExitedEventDetails") or {}
                states.append({"type": kind, "state": details.get("name", ""), "timestamp": event["timestamp"]})
        return states


@contextlib.contextmanager
def _logger_to(logger: logging.Logger, stream: TextIO) -> Iterator[None]:
    """moto logs every failed state at ERROR; locally that belongs with the functions' logs, not the terminal."""
    handler, propagate = logging.StreamHandler(stream), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
