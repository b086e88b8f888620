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
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import boto3
from moto import mock_aws
from moto.core.exceptions import JsonRESTError

from greenlight.engine import check_functions, conformance, egress, patches, process, tracing
from greenlight.engine.eventbus import EventRecorder
from greenlight.engine.executions import QUIET_S, Run, follow
from greenlight.engine.interface import MockConfigError
from greenlight.engine.mock_config import answer_problems
from greenlight.engine.mock_config import read as read_mock_config
from greenlight.engine.models import engine_clients, shared_boto3_session
from greenlight.engine.project import FunctionSpec, Project, ProjectError, rendered, resolve, substitute
from greenlight.engine.settings import EngineSettings, installed
from greenlight.engine.standin import ACCOUNT, REGION

STATE_MACHINE_NAME = "greenlight-validation"
EXTERNAL_POLL_S = 0.1  # another Step Functions tells this process nothing: its executions are polled
STACK_NAME = "greenlight-local"
SAFETY_NET_STATUSES = {"FAILED", "TIMED_OUT", "ABORTED"}  # the EventBridge rule's pattern in template.yaml
# Polls that never wait starve the listener's health-check thread (one GIL): validators keep a sliver of each wait.
VALIDATOR_WAIT_FLOOR = 0.02
# moto's AWS is one per process: engines run one at a time (a thread nesting engines in itself is allowed).
_ONE_AT_A_TIME = threading.RLock()
BUSY_WAIT_S = 1800.0  # longer than any local run's deadline
AUDIT_EVENT = "greenlight.engine.enter"  # raised as an engine is entered (sys.audit: tests see what starts one)
LOCAL_ENVIRONMENT = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_DEV": "false",
    # moto's EC2 backend makes 1,300 sample AMIs each time it is made, and a mock makes it again when it starts and
    # when it stops: a second and more per run, for images no local run uses (moto's documented setting).
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("placeholder.py", "")
    return buffer.getvalue()


def external_stepfunctions(endpoint: str) -> Any:
    """A client of another Step Functions on loopback; its account is the stand-in's (LocalStack takes a 12-digit
    access key as the account), so every ARN is the one the embedded engine would make."""
    secret = LOCAL_ENVIRONMENT["AWS_SECRET_ACCESS_KEY"]
    return shared_boto3_session(REGION).client(
        "stepfunctions", endpoint_url=endpoint, aws_access_key_id=ACCOUNT, aws_secret_access_key=secret
    )


def shared_environment(functions: dict[str, FunctionSpec], refs: dict[str, str]) -> dict[str, str]:
    """In one process every function shares os.environ, so their variables must not disagree."""
    merged: dict[str, str] = {}
    for spec in functions.values():
        for key, value in spec.environment.items():
            resolved = resolve(value, refs)
            if merged.get(key, resolved) != resolved:
                raise ProjectError(f"functions disagree on environment variable {key}; the local engine shares one")
            merged[key] = resolved
    return merged


class EngineBusyError(RuntimeError):
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

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            # End the handlers still running (a synthetic check mid-traffic) before moto goes away under them.
            self.settings.run.close(interrupt=True)
        self._stack.close()

    def _deploy(self) -> None:
        """Create every function and the state machine as the template declares them."""
        functions = self.project.functions()
        tracing.install()  # before the handlers load: their Tracer needs no X-Ray SDK here
        iam = self.clients["iam"]
        role = self.role = iam.create_role(RoleName="greenlight-local", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        refs: dict[str, str] = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT}
        refs["AWS::StackName"] = STACK_NAME
        refs |= self.parameters
        refs |= {f"{logical_id}Role.Arn": role for logical_id in functions}  # SAM's generated role of each function
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
            self.settings.handlers[name] = self.project.load_handler(spec)
        refs |= self._roles(iam, refs, principal=role)
        self.state_machine_arn = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{STATE_MACHINE_NAME}"
        refs |= {"ValidationStateMachine": self.state_machine_arn, "ValidationStateMachine.Name": STATE_MACHINE_NAME}
        # moto 5.2.5 starts no execution through an alias ARN (StateMachineDoesNotExist): the alias resolves to the
        # state machine itself, whose definition is the one the alias would point at after a deploy.
        alias = self.project.state_machine_alias()
        if alias:
            refs[alias] = self.state_machine_arn
        _, substitutions = self.project.state_machine()
        definition = substitute(self.project.definition_text(), {k: resolve(v, refs) for k, v in substitutions.items()})
        self.clients["stepfunctions"].create_state_machine(name=STATE_MACHINE_NAME, definition=definition, roleArn=role)
        if self.stepfunctions_endpoint:  # it outlives this engine: the next one creates its own state machine
            sfn = self.clients["stepfunctions"]
            self._stack.callback(sfn.delete_state_machine, stateMachineArn=self.state_machine_arn)
        # The validators' own waits are scaled through the clock's documented variable (never on Lambda).
        waits = {"GREENLIGHT_TIME_SCALE": str(max(self.time_scale, VALIDATOR_WAIT_FLOOR))}
        self.environment = shared_environment(functions, refs) | waits
        self._stack.enter_context(process.environment(self.environment))
        self.event_recorder = EventRecorder(self.clients["events"], self.clients["sqs"]).start()
        from common.runtime.observability import logger  # loaded from the task root by load_handler

        self._stack.enter_context(process.stream_of(logger.registered_handler, self.log))

    def _roles(self, iam: Any, refs: dict[str, str], principal: str) -> dict[str, str]:
        """Create the template's own roles (what the functions assume, e.g. SecretReaderRole), and have their trust and
        permission policies enforced (patches/access). Locally every function runs as `principal`."""
        created = {}
        for logical_id, resource in self.project.resources.items():
            if resource.get("Type") != "AWS::IAM::Role":
                continue
            properties = rendered(resource["Properties"], refs)
            arn = iam.create_role(
                RoleName=f"greenlight-local-{logical_id}"[:64],
                Path=properties.get("Path", "/"),
                AssumeRolePolicyDocument=json.dumps(properties["AssumeRolePolicyDocument"]),
            )["Role"]["Arn"]
            policies = [policy["PolicyDocument"] for policy in properties.get("Policies", [])]
            trust = properties["AssumeRolePolicyDocument"]
            self.settings.iam_roles[arn] = {"trust": trust, "principal": principal, "policies": policies}
            created[f"{logical_id}.Arn"] = arn
        return created

    def enter(self, context: contextlib.AbstractContextManager[Any]) -> Any:
        """Keep `context` open until the engine stops (what a run sets up for its own length, e.g. a trusted CA)."""
        return self._stack.enter_context(context)

    def add_check_function(self, name: str, handler: check_functions.Handler, aliases: set[str]) -> None:
        """A team's Lambda check, `name` in the local Lambda (with `aliases`), served in this process by `handler`."""
        check_functions.deploy(self.clients["lambda"], self.role, name, _zip(), aliases)
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
