"""When the hook cannot start the workflow: report at once, as the stack's outage policy says, and announce it.

`fail` (the default) reports `Failed`. `allow` reports `Succeeded`, but only when the start failed for reasons
on AWS's side (common.runtime.outage decides it): a missing STATE_MACHINE_ARN always reports `Failed`. Either way
the verdict is announced on EventBridge once CodeDeploy took it. The announcing code loads only on this path, so
the hook's cold start stays free of pydantic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from common.runtime import outage
from common.runtime.aws import codedeploy_callback
from common.runtime.observability import logger
from common.runtime.outcomes import HookOutcome

if TYPE_CHECKING:
    from mypy_boto3_codedeploy import CodeDeployClient


def start_failed(
    error: Exception,
    codedeploy: CodeDeployClient,
    events: Callable[[], Any],
    state_machine_arn: str,
    deployment_id: str,
    hook_id: str,
    policy: str,
) -> HookOutcome:
    allowed, problem = outage.allows(policy, error), outage.problem(error)
    if allowed:
        logger.warning(
            "Could not start the validation workflow (on AWS's side); the outage policy allows the deployment"
        )
    else:
        logger.exception("Could not start the validation workflow; reporting Failed", extra={"outage_policy": policy})
    outcome = codedeploy_callback(codedeploy, deployment_id, hook_id, "Succeeded" if allowed else "Failed")
    if outcome == "reported":
        announce(events(), allowed, problem, state_machine_arn, deployment_id, hook_id)
    return outage.hook_outcome(allowed, outcome)


def announce(
    events: Any, allowed: bool, problem: str, state_machine_arn: str, deployment_id: str, hook_id: str
) -> None:
    from common.payload.models import Verdict, VerdictReport
    from common.payload.notifications import announce_outage_allowed, announce_verdict
    from common.runtime.observability import count

    if allowed:
        count("OutageAllowed")
        announce_outage_allowed(events, deployment_id, hook_id, state_machine_arn, problem)
        return
    count("Verdict_Failed")
    count("StartFailed")
    reason = f"The validation workflow could not start: {problem}"
    report = VerdictReport(
        verdict=Verdict.FAILED, reason=reason, deployment_id=deployment_id, lifecycle_event_hook_execution_id=hook_id
    )
    announce_verdict(events, report, "hook")
