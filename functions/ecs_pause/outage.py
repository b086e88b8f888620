"""When the pause hook's workflow cannot start: answer ECS at once, as the stack's outage policy says, and announce it.

`fail` (the default) answers ROLLBACK; `allow` answers CONTINUE, only when the start failed on AWS's side after the
SDK's retries (common.runtime.outage decides it for every front door). Announced only when ECS took the answer. The
announcing code (pydantic) loads only on this path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from common.ecs.continuation import CONTINUE, ROLLBACK, ContinueResult, continue_deployment
from common.ecs.pause_hook import PauseHookEvent
from common.runtime import outage
from common.runtime.observability import logger
from common.runtime.outcomes import HookOutcome

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient


def start_failed(
    error: Exception,
    ecs: ECSClient,
    events: Callable[[], Any],
    state_machine_arn: str,
    event: PauseHookEvent,
    policy: str,
) -> HookOutcome:
    allowed, problem = outage.allows(policy, error), outage.problem(error)
    if allowed:
        logger.warning("Could not start the validation workflow (on AWS's side); the outage policy allows it")
    else:
        logger.exception("Could not start the validation workflow; telling ECS ROLLBACK", extra={"policy": policy})
    result = continue_deployment(ecs, event.deployment_arn, event.hook_id, CONTINUE if allowed else ROLLBACK)
    if result.outcome == "reported":
        announce(events(), allowed, problem, state_machine_arn, event, result)
    return outage.hook_outcome(allowed, result.outcome)


def announce(
    events: Any, allowed: bool, problem: str, state_machine_arn: str, event: PauseHookEvent, result: ContinueResult
) -> None:
    from common.ecs.continuation import summary
    from common.payload.ecs import ecs_names
    from common.payload.models import PauseAnswer, Verdict, VerdictReport
    from common.payload.notifications import announce_outage_allowed, announce_verdict
    from common.runtime.observability import count

    if allowed:
        count("OutageAllowed")
        announce_outage_allowed(events, event.deployment_arn, event.hook_id, state_machine_arn, problem, engine="ecs")
        return
    count("Verdict_Failed")
    count("StartFailed")
    cluster, service = ecs_names(event.deployment_arn)
    report = VerdictReport(
        verdict=Verdict.FAILED,
        reason=f"The validation workflow could not start: {problem}",
        deployment_id=event.deployment_arn,
        lifecycle_event_hook_execution_id=event.hook_id,
        application_name=cluster,
        deployment_group_name=service,
        engine="ecs",
        stage=event.stage,
        callback=result.outcome,
        pause_answer=PauseAnswer.model_validate(summary(result)),
    )
    announce_verdict(events, report, "hook")
