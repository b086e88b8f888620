"""CodeDeploy lifecycle hook: start the validation workflow, once per hook execution. Nothing else.

When the start fails, `hook.outage` reports at once as the stack's outage policy says.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.data_classes.code_deploy_lifecycle_hook_event import CodeDeployLifecycleHookEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from common.runtime.aws import client
from common.runtime.environment import HookSettings
from common.runtime.names import execution_name
from common.runtime.observability import bind_request, logger
from common.runtime.outcomes import HookOutcome
from hook.outage import start_failed

if TYPE_CHECKING:
    from mypy_boto3_codedeploy import CodeDeployClient
    from mypy_boto3_stepfunctions import SFNClient


def start(
    sfn: SFNClient,
    codedeploy: CodeDeployClient,
    state_machine_arn: str,
    deployment_id: str,
    hook_id: str,
    outage_policy: str,
    events: Callable[[], Any],
) -> HookOutcome:
    """Start the workflow; if that fails, report now (as the outage policy says) rather than let CodeDeploy wait."""
    payload = {"deployment_id": deployment_id, "lifecycle_event_hook_execution_id": hook_id}
    try:
        if not state_machine_arn:
            raise ValueError("STATE_MACHINE_ARN is not set: the stack is misconfigured")
        sfn.start_execution(stateMachineArn=state_machine_arn, name=execution_name(hook_id), input=json.dumps(payload))
    except sfn.exceptions.ExecutionAlreadyExists:
        logger.info("Workflow already started for this hook execution")
        return "already-started"
    except Exception as error:
        return start_failed(error, codedeploy, events, state_machine_arn, deployment_id, hook_id, outage_policy)
    logger.info("Started the validation workflow", extra={"execution_name": execution_name(hook_id)})
    return "started"


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, HookOutcome]:
    hook_event = CodeDeployLifecycleHookEvent(event if isinstance(event, dict) else {})
    try:
        deployment_id, hook_id = hook_event.deployment_id, hook_event.lifecycle_event_hook_execution_id
    except KeyError:
        logger.error("Not a CodeDeploy lifecycle hook event: DeploymentId or LifecycleEventHookExecutionId missing")
        return {"outcome": "ignored"}
    if not (isinstance(deployment_id, str) and deployment_id and isinstance(hook_id, str) and hook_id):
        logger.error("Not a CodeDeploy lifecycle hook event: the ids must be non-empty strings")
        return {"outcome": "ignored"}
    bind_request(deployment_id, hook_id)
    settings = HookSettings.from_environment()
    # When both the start and the Failed callback fail, the error propagates on purpose: CodeDeploy invokes
    # hooks asynchronously, so Lambda retries the whole handler.
    outcome = start(
        client("stepfunctions"),
        client("codedeploy"),
        settings.state_machine_arn,
        deployment_id,
        hook_id,
        settings.outage_policy,
        lambda: client("events"),
    )
    return {"outcome": outcome}
