"""Finalize on an Amazon ECS pause hook: the verdict is ECS's answer, ContinueServiceDeployment with CONTINUE for
Succeeded and ROLLBACK for Failed (common.ecs.continuation). A hook no longer awaiting action (timed out, continued by a
person, the deployment stopped) is recorded in the report, not retried: the verdict is then no longer greenlight's
to deliver, so it is neither counted nor announced, as a CodeDeploy verdict already in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from common.ecs.continuation import CONTINUE, ROLLBACK, continue_deployment, summary
from common.payload.models import PauseAnswer, Verdict, VerdictReport

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient


def answer(ecs: ECSClient, report: VerdictReport) -> VerdictReport:
    """Tell ECS the verdict; AWS errors propagate (Finalize's Retry, then the workflow's last resort)."""
    action = CONTINUE if report.verdict is Verdict.SUCCEEDED else ROLLBACK
    result = continue_deployment(ecs, report.deployment_id, report.lifecycle_event_hook_execution_id, action)
    report.callback = result.outcome
    report.pause_answer = PauseAnswer.model_validate(summary(result))
    return report
