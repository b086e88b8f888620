"""What each patch replaces, as moto ships it, captured before any patch is applied.

Every patch calls the original it replaces through ORIGINALS, and the canary tests
(tests/greenlight/engine/patches/test_moto_canaries.py) check each one still behaves as measured in PINNED_MOTO.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import moto.cloudwatch.models as cloudwatch_models
from moto.awslambda.models import LambdaFunction
from moto.cloudwatch.models import CloudWatchBackend, Statistics
from moto.codedeploy.responses import CodeDeployResponse
from moto.core.responses import BaseResponse
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.elbv2.models import ELBv2Backend
from moto.ssm.models import Parameter
from moto.stepfunctions.parser.asl.component.common.error_name.error_equals_decl import ErrorEqualsDecl
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.program import program
from moto.stepfunctions.parser.asl.component.state.choice.state_choice import StateChoice
from moto.stepfunctions.parser.asl.component.state.exec import execute_state
from moto.stepfunctions.parser.asl.component.state.exec.state_parallel import branches_decl
from moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branch_worker import BranchWorker
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_aws_sdk
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import StateTaskService
from moto.stepfunctions.parser.asl.component.state.fail.state_fail import StateFail
from moto.stepfunctions.parser.asl.component.state.wait.wait_function import wait_function
from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager
from moto.stepfunctions.parser.asl.utils import json_path
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication, Execution
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker
from moto.stepfunctions.parser.models import StepFunctionsParserBackend

PINNED_MOTO = "5.2.5"

ORIGINALS: dict[str, Any] = {
    "invoke_lambda": LambdaFunction._invoke_lambda,
    "wait_interval": wait_function.WaitFunction._wait_interval,
    "retrier_time": getattr(retrier_decl, "time"),  # noqa: B009  (not exported by moto)
    "execute_state_threading": getattr(execute_state, "threading"),  # noqa: B009
    "program_threading": getattr(program, "threading"),  # noqa: B009
    "call_action": BaseResponse.call_action,
    "extract_json": json_path.extract_json,
    "aws_sdk_normalise_parameters": state_task_service_aws_sdk.StateTaskServiceAwsSdk._normalise_parameters,
    "aws_sdk_normalise_response": state_task_service_aws_sdk.StateTaskServiceAwsSdk._normalise_response,
    "aws_sdk_error_names": dict(state_task_service_aws_sdk._SERVICE_ERROR_NAMES),
    "sfn_to_boto_names": dict(StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES),
    "statistics": Statistics.get_statistics_for_type,
    "all_metrics": CloudWatchBackend.get_all_metrics,
    "parse_expression": getattr(cloudwatch_models, "parse_expression"),  # noqa: B009
    "codedeploy_methods": {
        name
        for name in ("list_deployment_targets", "get_deployment_target", "put_lifecycle_event_hook_execution_status")
        if hasattr(CodeDeployResponse, name)
    },
    "ecs_methods": {
        name
        for name in ("describe_service_deployments", "describe_service_revisions", "continue_service_deployment")
        if hasattr(EC2ContainerServiceResponse, name)
    },
    "describe_target_health": ELBv2Backend.describe_target_health,
    "start_execution": StepFunctionsParserBackend.start_execution,
    "validate_definition": StepFunctionsParserBackend._validate_definition,
    "evaluation_entrypoint": ExecutionWorker._get_evaluation_entrypoint,
    "execution_worker": Execution._get_start_execution_worker,
    "execution_stop": Execution.stop,
    "branch_routine": BranchWorker._thread_routine,
    "add_event": EventManager.add_event,
    "terminated": BaseExecutionWorkerCommunication.terminated,
    "error_equals": ErrorEqualsDecl._eval_body,
    "fail_state": StateFail._eval_state,
    "choice_state": StateChoice._eval_state,
    "branch_error_name": getattr(branches_decl, "CustomErrorName"),  # noqa: B009
    "ssm_describe": Parameter.describe_response_object,
}

# One patch: replace `owner.attribute` with `replacement` (the original is in ORIGINALS).
Patch = tuple[Any, str, Any]
PatchList = list[Patch]
Apply = Callable[[], None]
