"""Everything the local engine changes in moto, in one place, pinned to one moto version.

Each patch closes a gap measured in moto 5.2.5 (see docs/local-engine.md); tests/unit/test_moto_canaries.py
fails the day an upgrade moves or fixes what a patch touches. Patches are applied once per process and are
inert outside `mock_aws`.
"""

from __future__ import annotations

import ast
import json
import math
import operator
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import version
from types import SimpleNamespace
from typing import Any

import botocore.session
import moto.cloudwatch.models as cloudwatch_models
from moto.awslambda.models import LambdaFunction
from moto.cloudwatch.models import Statistics
from moto.codedeploy.models import CodeDeployBackend
from moto.codedeploy.responses import CodeDeployResponse
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult, BaseResponse
from moto.core.utils import camelcase_to_underscores
from moto.elbv2.models import ELBv2Backend, FakeHealthStatus
from moto.stepfunctions.parser.asl.component.common.error_name.error_equals_decl import ErrorEqualsDecl
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEventException
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import StatesErrorNameType
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.program import program
from moto.stepfunctions.parser.asl.component.state.exec import execute_state
from moto.stepfunctions.parser.asl.component.state.exec.state_parallel import branches_decl
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_aws_sdk
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import StateTaskService
from moto.stepfunctions.parser.asl.component.state.fail.state_fail import StateFail
from moto.stepfunctions.parser.asl.component.state.wait.wait_function import wait_function
from moto.stepfunctions.parser.asl.utils import json_path
from moto.stepfunctions.parser.backend.execution import Execution
from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from greenlight.engine import conformance, egress
from greenlight.engine.mock_config import MockConfigError, load_test_case

PINNED_MOTO = "5.2.5"

# What each patch replaces, as moto ships it; the canary tests check these still behave as measured.
ORIGINALS: dict[str, Any] = {
    "invoke_lambda": LambdaFunction._invoke_lambda,
    "wait_interval": wait_function.WaitFunction._wait_interval,
    "retrier_time": getattr(retrier_decl, "time"),  # noqa: B009  (not exported by moto)
    "execute_state_threading": getattr(execute_state, "threading"),  # noqa: B009
    "program_threading": getattr(program, "threading"),  # noqa: B009
    "call_action": BaseResponse.call_action,
    "extract_json": json_path.extract_json,
    "aws_sdk_normalise_parameters": state_task_service_aws_sdk.StateTaskServiceAwsSdk._normalise_parameters,
    "aws_sdk_error_names": dict(state_task_service_aws_sdk._SERVICE_ERROR_NAMES),
    "sfn_to_boto_names": dict(StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES),
    "statistics": Statistics.get_statistics_for_type,
    "parse_expression": getattr(cloudwatch_models, "parse_expression"),  # noqa: B009
    "codedeploy_methods": {
        name
        for name in ("list_deployment_targets", "get_deployment_target", "put_lifecycle_event_hook_execution_status")
        if hasattr(CodeDeployResponse, name)
    },
    "describe_target_health": ELBv2Backend.describe_target_health,
    "start_execution": StepFunctionsParserBackend.start_execution,
    "execution_worker": Execution._get_start_execution_worker,
    "execution_stop": Execution.stop,
    "error_equals": ErrorEqualsDecl._eval_body,
    "fail_state": StateFail._eval_state,
    "branch_error_name": getattr(branches_decl, "CustomErrorName"),  # noqa: B009
}
Handler = Callable[[dict[str, Any], Any], Any]


class EngineSettings:
    """Process-wide knobs the patches read; the engine sets them per run."""

    time_scale: float = 0.0  # Wait states and Retry intervals
    timeout_scale: float = 1.0  # Task TimeoutSeconds (0.0 would time out every task, so separate)
    workflow_timeout_scale: float = 1.0  # the state machine's own TimeoutSeconds
    handlers: dict[str, Handler] = {}  # noqa: RUF012  (function name -> in-process handler)
    # Fault injection: (service, operation in snake_case) -> error codes to answer, in order; and
    # function name -> a callable run before the handler (it may raise or hang).
    api_faults: dict[tuple[str, str], list[str]] = {}  # noqa: RUF012
    function_faults: dict[str, Callable[[], None]] = {}  # noqa: RUF012
    target_health: dict[str, Callable[[], list[dict[str, Any]]]] = {}  # noqa: RUF012  (target group ARN -> probe)
    run: egress.LocalRun | None = None  # the local run whose handlers execute now


class LambdaContext:
    """Enough of the Lambda context object for Powertools' inject_lambda_context."""

    def __init__(self, function: LambdaFunction) -> None:
        self.function_name = function.function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function.function_arn
        self.memory_limit_in_mb = int(function.memory_size or 128)
        self.aws_request_id = f"local-{time.monotonic_ns()}"
        self.log_group_name = f"/aws/lambda/{function.function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + float(function.timeout or 3)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _invoke_in_process(self: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
    """Run the real handler in this process; errors come back in the Python runtime's shape."""
    handler = EngineSettings.handlers.get(self.function_name)
    if handler is None:
        error = {"errorMessage": f"no local handler for {self.function_name}", "errorType": "Runtime.HandlerNotFound"}
        return json.dumps(error), True, ""
    payload = json.loads(event) if isinstance(event, str) else (event or {})
    run = EngineSettings.run
    if run is None or not run.active:
        error = {"errorMessage": "the local run has ended", "errorType": "Runtime.LocalRunEnded"}
        return json.dumps(error), True, ""
    try:
        with run.running_here():  # whatever the handler still does once its run has ended never reaches AWS
            fault = EngineSettings.function_faults.get(self.function_name)
            if fault is not None:
                fault()
            return json.dumps(handler(payload, LambdaContext(self)), default=str), False, ""
    except Exception as error:
        shape = {
            "errorMessage": str(error),
            "errorType": type(error).__name__,
            "stackTrace": traceback.format_exception(error)[-5:],
        }
        return json.dumps(shape), True, ""


def _scaled_sleep(seconds: float) -> None:
    if seconds > 0 and EngineSettings.time_scale > 0:
        time.sleep(seconds * EngineSettings.time_scale)


def _wait_interval(self: Any, env: Any, wait_seconds: int) -> None:
    if wait_seconds > 0 and EngineSettings.time_scale > 0:
        env.program_state_event.wait(wait_seconds * EngineSettings.time_scale)


class _ScaledEvent(threading.Event):
    def wait(self, timeout: float | None = None) -> bool:
        return super().wait(None if timeout is None else timeout * EngineSettings.timeout_scale)


class _ScaledJoinThread(threading.Thread):
    """The workflow's own TimeoutSeconds is a join on the interpreter thread; scale it like task timeouts."""

    def join(self, timeout: float | None = None) -> None:
        super().join(None if timeout is None else timeout * EngineSettings.workflow_timeout_scale)


def _call_action(self: BaseResponse) -> Any:
    """Answer an injected fault instead of the API call (JSON-protocol services)."""
    service, operation = str(self.service_name), camelcase_to_underscores(self._get_action())
    codes = EngineSettings.api_faults.get((service, operation))
    if codes:
        error = JsonRESTError(conformance.check_error(service, operation, codes.pop(0)), "injected fault")
        headers: dict[str, Any] = dict(error.get_headers() or [])
        headers["status"] = error.code
        return error.code, headers, error.description
    return ORIGINALS["call_action"](self)


_DEFINITE_PATH = re.compile(r"^\$(\.[A-Za-z_][\w-]*|\[\d+\])*$")
_original_extract_json = ORIGINALS["extract_json"]


def _extract_json(path: str, data: Any) -> Any:
    """A definite path (no wildcard, slice or filter) yields the value itself, as on AWS."""
    value = _original_extract_json(path, data)
    if _DEFINITE_PATH.match(path) and "[" in path and isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def _member_names(shape: Any) -> dict[str, str]:
    return {name.lower(): name for name in getattr(shape, "members", {})}


def _normalise_to_shape(value: Any, shape: Any) -> Any:
    """Map ASL's PascalCase parameter names onto the botocore shape's names (CodeDeploy uses camelCase)."""
    if shape is None:
        return value
    if isinstance(value, dict) and shape.type_name == "structure":
        names = _member_names(shape)
        result = {}
        for key, item in value.items():
            name = names.get(key.lower(), key)
            result[name] = _normalise_to_shape(item, shape.members.get(name))
        return result
    if isinstance(value, list) and shape.type_name == "list":
        return [_normalise_to_shape(item, shape.member) for item in value]
    return value


@cache
def _input_shape(service: str, action: str) -> Any:
    """The botocore input shape of `service`'s operation named `action` in any casing (None when unknown)."""
    model = botocore.session.get_session().get_service_model(service)
    name = next((name for name in model.operation_names if name.lower() == action.lower()), None)
    return model.operation_model(name).input_shape if name else None


def _normalise_parameters(self: Any, parameters: dict[str, Any], *args: Any, **kwargs: Any) -> None:
    shape = _input_shape(self._get_boto_service_name(), self.resource.api_action)
    if shape is not None:
        normalised = _normalise_to_shape(parameters, shape)
        parameters.clear()
        parameters.update(normalised)


def _percentile_statistic(original: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    def get_statistics_for_type(self: Statistics, stat: str) -> Any:
        match = re.fullmatch(r"p(\d{1,2}(?:\.\d+)?)", stat)
        if match is None:
            return original(self, stat)
        values = sorted(self.metric_single_values_list)
        if not values:
            return None
        rank = max(1, math.ceil(float(match.group(1)) / 100 * len(values)))
        return values[rank - 1]

    return get_statistics_for_type


_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _evaluate(node: ast.AST, values: dict[str, float]) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand, values)
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        return float(_ARITHMETIC[type(node.op)](_evaluate(node.left, values), _evaluate(node.right, values)))
    raise ValueError(f"unsupported metric math: {ast.dump(node)}")


def _parse_expression(expression: str, results: list[dict[str, Any]]) -> tuple[list[float], list[Any]]:
    """Metric math's arithmetic (+ - * / over query ids and numbers), per timestamp; moto only echoes an id."""
    tree = ast.parse(expression.strip(), mode="eval")
    series = {r["id"]: dict(zip(r["timestamps"], r["values"], strict=True)) for r in results}
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    if not names <= set(series):
        return [], []
    timestamps = sorted(set.intersection(*(set(series[name]) for name in names))) if names else []
    values, kept = [], []
    for timestamp in timestamps:
        try:
            values.append(_evaluate(tree, {name: float(series[name][timestamp]) for name in names}))
        except ZeroDivisionError:
            continue  # CloudWatch drops such points too
        kept.append(timestamp)
    return values, kept


# --- CodeDeploy: the ECS deployment target and the lifecycle hook callback, which moto does not have.


@dataclass
class StandInState:
    """What the stand-in keeps on moto's CodeDeploy backend: ECS targets and received callbacks."""

    targets: dict[str, dict[str, Any]] = field(default_factory=dict)
    callbacks: list[dict[str, Any]] = field(default_factory=list)


def stand_in(backend: CodeDeployBackend) -> StandInState:
    state = getattr(backend, "greenlight", None)
    if state is None:
        state = StandInState()
        setattr(backend, "greenlight", state)  # noqa: B010  (moto's backend has no such attribute to type)
    return state


def deployment_targets(backend: CodeDeployBackend) -> dict[str, dict[str, Any]]:
    return stand_in(backend).targets


def _list_deployment_targets(self: CodeDeployResponse) -> ActionResult:
    deployment_id = self._get_param("deploymentId")
    self.codedeploy_backend.get_deployment(deployment_id)
    target = deployment_targets(self.codedeploy_backend).get(deployment_id)
    response = {"targetIds": [target["targetId"]] if target else []}
    return ActionResult(dict(conformance.check("codedeploy", "ListDeploymentTargets", response)))


def _get_deployment_target(self: CodeDeployResponse) -> ActionResult:
    deployment_id = self._get_param("deploymentId")
    self.codedeploy_backend.get_deployment(deployment_id)
    target = deployment_targets(self.codedeploy_backend)[deployment_id]
    response = {"deploymentTarget": {"deploymentTargetType": "ECSTarget", "ecsTarget": target}}
    return ActionResult(dict(conformance.check("codedeploy", "GetDeploymentTarget", response)))


def _put_lifecycle_event_hook_execution_status(self: CodeDeployResponse) -> ActionResult:
    deployment_id, hook_id = self._get_param("deploymentId"), self._get_param("lifecycleEventHookExecutionId")
    status = self._get_param("status")
    self.codedeploy_backend.get_deployment(deployment_id)
    state = stand_in(self.codedeploy_backend)
    if status not in ("Succeeded", "Failed"):
        raise JsonRESTError("InvalidLifecycleEventHookExecutionStatusException", f"status {status} is not allowed")
    already = any(c["lifecycleEventHookExecutionId"] == hook_id for c in state.callbacks)
    state.callbacks.append(
        {
            "deploymentId": deployment_id,
            "lifecycleEventHookExecutionId": hook_id,
            "status": status,
            "accepted": not already,
        }
    )
    if already:
        raise JsonRESTError("LifecycleEventAlreadyCompletedException", "the lifecycle event already completed")
    response = {"lifecycleEventHookExecutionId": hook_id}
    return ActionResult(dict(conformance.check("codedeploy", "PutLifecycleEventHookExecutionStatus", response)))


# --- ELB: target health as the stand-in's own health checks see it (moto says healthy, always).


def _describe_target_health(original: Callable[..., Any]) -> Callable[..., Any]:
    def describe_target_health(self: ELBv2Backend, target_group_arn: str, *args: Any, **kwargs: Any) -> Any:
        probe = EngineSettings.target_health.get(target_group_arn)
        if probe is None:
            return original(self, target_group_arn, *args, **kwargs)
        return [
            FakeHealthStatus(t["id"], str(t["port"]), str(t["port"]), t["state"], t.get("reason"), t.get("description"))
            for t in probe()
        ]

    return describe_target_health


# --- Step Functions Local's MockConfigFile: start `arn:...:stateMachine:<name>#<case>`.

_original_start_execution = ORIGINALS["start_execution"]
_original_execution_worker = ORIGINALS["execution_worker"]
MOCK_CONFIG: dict[str, Any] = {}
# The test case of the execution this thread is starting, handed from start_execution to its worker.
_STARTING = threading.local()


def _start_execution(self: StepFunctionsParserBackend, state_machine_arn: str, *args: Any, **kwargs: Any) -> Any:
    if "#" not in state_machine_arn:
        return _original_start_execution(self, state_machine_arn, *args, **kwargs)
    arn, case = state_machine_arn.split("#", 1)
    machine_name = arn.rsplit(":", 1)[1]
    if not MOCK_CONFIG:
        raise MockConfigError("an ARN ending in #<case> needs a mock config (--mock-config FILE#Case)")
    _STARTING.mock_test_case = load_test_case(MOCK_CONFIG, machine_name, case)
    try:
        return _original_start_execution(self, arn, *args, **kwargs)
    finally:
        _STARTING.mock_test_case = None


def _execution_worker(self: Execution) -> Any:
    worker = _original_execution_worker(self)
    pending = getattr(_STARTING, "mock_test_case", None)
    if pending is not None:
        worker._mock_test_case = pending
    return worker


def _stop_execution(self: Execution, stop_date: Any, error: str | None, cause: str | None) -> None:
    """StopExecution answers with its stopDate (a required member); moto sets it later, on the worker thread."""
    self.stop_date = stop_date
    ORIGINALS["execution_stop"](self, stop_date, error, cause)


# Errors `States.ALL` does not catch on AWS ("States.ALL ... can't catch the States.DataLimitExceeded terminal
# error or Runtime error types", Step Functions developer guide, error handling); moto's wildcard catches them.
UNCATCHABLE_BY_ALL = frozenset({StatesErrorNameType.StatesStatesDataLimitExceeded, StatesErrorNameType.StatesRuntime})
STATES_ALL = StatesErrorNameType.StatesALL.to_name()
MAX_CAUSE_CHARACTERS = 32768  # the Step Functions API's SensitiveCause (botocore: max 32768)


def _error_equals(self: ErrorEqualsDecl, env: Any) -> None:
    error_name = env.stack[-1]
    wildcard_only = [name.error_name for name in self.error_names] == [STATES_ALL]
    if wildcard_only and isinstance(error_name, StatesErrorName) and error_name.typ in UNCATCHABLE_BY_ALL:
        env.stack.pop()
        env.stack.append(False)
        return
    ORIGINALS["error_equals"](self, env)


def _branch_error_name(error_name: str | None) -> Any:
    """A branch that failed with a States.* error fails its Parallel with that error (moto refuses the name)."""
    if error_name and error_name.startswith("States."):
        return StatesErrorName(StatesErrorNameType.from_name(error_name))
    return ORIGINALS["branch_error_name"](error_name)


def _fail_state(self: StateFail, env: Any) -> None:
    """A Fail state's cause is capped as the API caps an execution's cause."""
    try:
        ORIGINALS["fail_state"](self, env)
    except FailureEventException as failure:
        event_details: dict[str, Any] = dict(failure.failure_event.event_details or {})
        details: dict[str, Any] = event_details.get("taskFailedEventDetails") or {}
        cause = details.get("cause")
        if isinstance(cause, str):
            details["cause"] = cause[:MAX_CAUSE_CHARACTERS]
        raise


_applied = False


def apply() -> None:
    """Apply every patch once; refuse a moto version the patches were not measured against."""
    global _applied  # noqa: PLW0603
    if _applied:
        return
    if version("moto") != PINNED_MOTO:
        raise RuntimeError(f"greenlight's local engine is pinned to moto {PINNED_MOTO}, found {version('moto')}")
    patches: list[tuple[Any, str, Any]] = [
        (LambdaFunction, "_invoke_lambda", _invoke_in_process),
        (wait_function.WaitFunction, "_wait_interval", _wait_interval),
        (retrier_decl, "time", SimpleNamespace(sleep=_scaled_sleep)),
        (execute_state, "threading", SimpleNamespace(Event=_ScaledEvent)),
        (program, "threading", SimpleNamespace(Thread=_ScaledJoinThread)),
        (BaseResponse, "call_action", _call_action),
        (state_task_service_aws_sdk.StateTaskServiceAwsSdk, "_normalise_parameters", _normalise_parameters),
        (Statistics, "get_statistics_for_type", _percentile_statistic(ORIGINALS["statistics"])),
        (CodeDeployResponse, "list_deployment_targets", _list_deployment_targets),
        (CodeDeployResponse, "get_deployment_target", _get_deployment_target),
        (CodeDeployResponse, "put_lifecycle_event_hook_execution_status", _put_lifecycle_event_hook_execution_status),
        (ELBv2Backend, "describe_target_health", _describe_target_health(ORIGINALS["describe_target_health"])),
        (StepFunctionsParserBackend, "start_execution", _start_execution),
        (Execution, "_get_start_execution_worker", _execution_worker),
        (Execution, "stop", _stop_execution),
        (ErrorEqualsDecl, "_eval_body", _error_equals),
        (StateFail, "_eval_state", _fail_state),
    ]
    for owner, attribute, replacement in patches:
        setattr(owner, attribute, replacement)
    conformance.install()
    egress.install()
    setattr(cloudwatch_models, "parse_expression", _parse_expression)  # noqa: B010
    setattr(branches_decl, "CustomErrorName", _branch_error_name)  # noqa: B010
    state_task_service_aws_sdk._SERVICE_ERROR_NAMES["codedeploy"] = "CodeDeploy"
    StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES["elasticloadbalancingv2"] = "elbv2"
    import moto.stepfunctions.parser.asl.parse.asl_parser  # noqa: F401  (loads every module that imports extract_json)

    for module in [m for name, m in sys.modules.items() if name.startswith("moto.stepfunctions.parser")]:
        if getattr(module, "extract_json", None) is _original_extract_json:
            setattr(module, "extract_json", _extract_json)  # noqa: B010
    _applied = True


__all__ = ["MOCK_CONFIG", "EngineSettings", "apply"]
