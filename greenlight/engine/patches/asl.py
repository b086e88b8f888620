"""The interpreter's reading of the ASL, made to match AWS: definite paths, aws-sdk parameter, result and error names,
the errors `States.ALL` does not catch, a Parallel's branch errors, a Choice matching nothing, and the limit of a Fail
state's cause."""

from __future__ import annotations

import re
import sys
from functools import cache
from typing import Any, cast

from jsonpath_ng.ext.parser import parse as parse_json_path  # the parser moto's interpreter uses
from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
from moto.stepfunctions.parser.asl.component.common.error_name.error_equals_decl import ErrorEqualsDecl
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import StatesErrorNameType
from moto.stepfunctions.parser.asl.component.state.choice.state_choice import StateChoice
from moto.stepfunctions.parser.asl.component.state.exec.state_parallel import branches_decl
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_aws_sdk
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import StateTaskService
from moto.stepfunctions.parser.asl.component.state.fail.state_fail import StateFail
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

from greenlight.engine.core.botocore_models import service_model
from greenlight.engine.guards.conformance import by_shape_names
from greenlight.engine.patches.originals import ORIGINALS, PatchList

# --- JSONPath: a definite path such as `$.results[0].ok` yields the value itself, as on AWS (moto: `[value]`).
# Definite: names and single indexes only (a negative one counts from the end, as in AWS's JSONPath); the value at
# the path is returned as it is, so `$.matrix[0]` holding `[7]` stays `[7]`. Other paths keep moto's reading.

_DEFINITE_PATH = re.compile(r"""^\$(\.[A-Za-z_][\w-]*|\[-?\d+\]|\['[^'\]]*'\]|\["[^"\]]*"\])*$""")


@cache
def _parsed(path: str) -> Any:
    return parse_json_path(path)


def extract_json(path: str, data: Any) -> Any:
    if _DEFINITE_PATH.match(path):
        matches = _parsed(path).find(data)
        if len(matches) == 1:
            return matches[0].value
    return ORIGINALS["extract_json"](path, data)  # no match: moto's own error (NoSuchJsonPathError)


def use_extract_json() -> None:
    """Every parser module that imported moto's extract_json gets this one."""
    import moto.stepfunctions.parser.asl.parse.asl_parser  # noqa: F401  (loads every module that imports it)

    for module in [m for name, m in sys.modules.items() if name.startswith("moto.stepfunctions.parser")]:
        if getattr(module, "extract_json", None) is ORIGINALS["extract_json"]:
            setattr(module, "extract_json", extract_json)  # noqa: B010


# --- aws-sdk integrations: ASL's PascalCase parameters reach boto3 under the botocore shape's own names.


@cache
def _input_shape(service: str, action: str) -> Any:
    """The botocore input shape of `service`'s operation named `action` in any casing (None when unknown)."""
    model = service_model(service)
    name = next((name for name in model.operation_names if name.lower() == action.lower()), None)
    return model.operation_model(name).input_shape if name else None


@cache
def _output_shape(service: str, action: str) -> Any:
    model = service_model(service)
    name = next((name for name in model.operation_names if name.lower() == action.lower()), None)
    return model.operation_model(name).output_shape if name else None


def normalise_parameters(self: Any, parameters: dict[str, Any], *args: Any, **kwargs: Any) -> None:
    shape = _input_shape(self._get_boto_service_name(), self.resource.api_action)
    if shape is not None:
        normalised = by_shape_names(parameters, shape)
        parameters.clear()
        parameters.update(normalised)


def normalise_response(self: Any, response: Any, *args: Any, **kwargs: Any) -> None:
    """The result's members in PascalCase, as the aws-sdk integration gives them (`StateMachines`, not the native
    API's `stateMachines`): moto's own reshaping (`_from_boto_response`, the code LocalStack runs) is never called."""
    shape = _output_shape(self._get_boto_service_name(), self.resource.api_action)
    if shape is not None:
        self._from_boto_response(response, shape)


def name_services() -> None:
    """`CodeDeploy.<Name>` error names, and the ASL's `elasticloadbalancingv2` service name, as on AWS."""
    state_task_service_aws_sdk._SERVICE_ERROR_NAMES["codedeploy"] = "CodeDeploy"
    StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES["elasticloadbalancingv2"] = "elbv2"


# --- Errors: what `States.ALL` catches, and what a Parallel and a Fail state report.

# "States.ALL ... can't catch the States.DataLimitExceeded terminal error or Runtime error types" (Step Functions
# developer guide, error handling); moto's wildcard catches them.
UNCATCHABLE_BY_ALL = frozenset({StatesErrorNameType.StatesStatesDataLimitExceeded, StatesErrorNameType.StatesRuntime})
STATES_ALL = StatesErrorNameType.StatesALL.to_name()
MAX_CAUSE_CHARACTERS = 32768  # the Step Functions API's SensitiveCause (botocore: max 32768)


def error_equals(self: ErrorEqualsDecl, env: Any) -> None:
    error_name = env.stack[-1]
    wildcard_only = [name.error_name for name in self.error_names] == [STATES_ALL]
    if wildcard_only and isinstance(error_name, StatesErrorName) and error_name.typ in UNCATCHABLE_BY_ALL:
        env.stack.pop()
        env.stack.append(False)
        return
    ORIGINALS["error_equals"](self, env)


def branch_error_name(error_name: str | None) -> Any:
    """A branch that failed with a States.* error fails its Parallel with that error (moto refuses the name)."""
    if error_name and error_name.startswith("States."):
        return StatesErrorName(StatesErrorNameType.from_name(error_name))
    return ORIGINALS["branch_error_name"](error_name)


def fail_state(self: StateFail, env: Any) -> None:
    """A Fail state whose cause is over the API's limit for a cause fails loudly (States.Runtime), naming it.

    AWS documents the limit (an execution's cause is at most 32,768 characters), not what it does past it;
    greenlight keeps every cause far below, and a local run that breaks the limit must say so, not pass.
    """
    try:
        ORIGINALS["fail_state"](self, env)
    except FailureEventException as failure:
        event_details: dict[str, Any] = dict(failure.failure_event.event_details or {})
        cause = (event_details.get("taskFailedEventDetails") or {}).get("cause")
        if not isinstance(cause, str) or len(cause) <= MAX_CAUSE_CHARACTERS:
            raise
        runtime = StatesErrorNameType.StatesRuntime
        message = f"the Fail state {self.name!r} has a cause of {len(cause)} characters"
        message += f", over the API's {MAX_CAUSE_CHARACTERS}"
        details = TaskFailedEventDetails(error=runtime.to_name(), cause=message)
        event = FailureEvent(
            env=env,
            error_name=StatesErrorName(typ=runtime),
            event_type=HistoryEventType.TaskFailed,
            event_details=cast(EventDetails, {"taskFailedEventDetails": details}),
        )
        raise FailureEventException(event) from failure


def choice_state(self: StateChoice, env: Any) -> None:
    """A Choice whose rules all fail and that has no Default fails with States.NoChoiceMatched, as the States Language
    specification says (catchable where the Choice is in a branch); moto raised a RuntimeError, i.e. States.Runtime."""
    try:
        ORIGINALS["choice_state"](self, env)
    except RuntimeError as error:
        if self.default_state is not None or not str(error.args[0]).startswith("No branching option"):
            raise
        no_match = StatesErrorNameType.StatesNoChoiceMatched
        cause = f"No Choice rule of state {self.name!r} matched its input, and it has no Default"
        details = TaskFailedEventDetails(error=no_match.to_name(), cause=cause)
        event = FailureEvent(
            env=env,
            error_name=StatesErrorName(typ=no_match),
            event_type=HistoryEventType.TaskFailed,
            event_details=cast(EventDetails, {"taskFailedEventDetails": details}),
        )
        raise FailureEventException(event) from error


PATCHES: PatchList = [
    (state_task_service_aws_sdk.StateTaskServiceAwsSdk, "_normalise_parameters", normalise_parameters),
    (state_task_service_aws_sdk.StateTaskServiceAwsSdk, "_normalise_response", normalise_response),
    (ErrorEqualsDecl, "_eval_body", error_equals),
    (StateFail, "_eval_state", fail_state),
    (StateChoice, "_eval_state", choice_state),
    (branches_decl, "CustomErrorName", branch_error_name),
]
EXTRA = [use_extract_json, name_services]
