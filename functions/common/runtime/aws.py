"""boto3 clients with the retry settings every function shares, and the CodeDeploy callback."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from common.runtime.observability import logger
from common.runtime.outcomes import CallbackOutcome, HookStatus

if TYPE_CHECKING:
    from mypy_boto3_codedeploy import CodeDeployClient

# Standard retry mode backs off on throttling; the state machine's Retry covers what is left.
CLIENT_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=5, read_timeout=20)


@cache
def client(service: str) -> Any:
    """One client per service and execution environment: warm invocations reuse it and its connections."""
    return boto3.client(service, config=CLIENT_CONFIG)  # type: ignore[call-overload]


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def codedeploy_callback(
    codedeploy: CodeDeployClient, deployment_id: str, lifecycle_event_hook_execution_id: str, status: HookStatus
) -> CallbackOutcome:
    """Tell CodeDeploy the hook's outcome. Returns `reported`, or `already-completed` when a verdict is in."""
    try:
        codedeploy.put_lifecycle_event_hook_execution_status(
            deploymentId=deployment_id, lifecycleEventHookExecutionId=lifecycle_event_hook_execution_id, status=status
        )
    except ClientError as error:
        if error_code(error) == "LifecycleEventAlreadyCompletedException":
            logger.info("Lifecycle event already completed; the verdict is in", extra={"status": status})
            return "already-completed"
        raise
    logger.info("Reported lifecycle hook status to CodeDeploy", extra={"status": status})
    return "reported"
