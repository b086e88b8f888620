"""What the ECS hook decides itself, announced as Finalize announces a verdict: a `Greenlight Verdict` event (engine
`ecs`, the ECS stage, decided by `hook`) and the Verdict_Failed metric for a FAILED of its own (the execution gone,
ended without a verdict, could not start, an invocation it cannot classify), and `Greenlight Outage Allowed` with the
OutageAllowed metric when the outage policy lets a deployment through. A verdict the workflow reached is Finalize's to
announce. The announcing code (pydantic) loads only on these paths, so the hook's cold start stays small; an
announcement never changes the answer ECS gets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from common.runtime.observability import count, logger
from ecs_hook.contract import EcsHookEvent


def failed(
    events: Callable[[], Any], event: EcsHookEvent, reason: str, execution_arn: str | None, start_failed: bool
) -> None:
    try:
        count("Verdict_Failed")
        if start_failed:
            count("StartFailed")
        from common.payload.ecs import ecs_names
        from common.payload.models import Verdict, VerdictReport
        from common.payload.notifications import announce_verdict

        cluster, service = ecs_names(event.resource_arn)
        report = VerdictReport(
            verdict=Verdict.FAILED,
            reason=reason,
            deployment_id=event.resource_arn,
            lifecycle_event_hook_execution_id=event.execution_id,
            application_name=cluster,
            deployment_group_name=service,
            engine="ecs",
            stage=event.lifecycle_stage,
        )
        client = events()
        if client is not None:
            announce_verdict(client, report, "hook", execution_arn, engine="ecs")
    except Exception:  # the answer to ECS matters more than its announcement
        logger.exception("Could not announce the hook's FAILED")


def outage_allowed(events: Callable[[], Any], event: EcsHookEvent, state_machine_arn: str, problem: str) -> None:
    try:
        count("OutageAllowed")
        from common.payload.notifications import announce_outage_allowed

        client = events()
        if client is not None:
            announce_outage_allowed(
                client, event.resource_arn, event.execution_id, state_machine_arn, problem, engine="ecs"
            )
    except Exception:  # the answer to ECS matters more than its announcement
        logger.exception("Could not announce the outage let through")
