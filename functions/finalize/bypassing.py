"""The audited bypass at Finalize: find the one in force for this deployment, and apply it to the verdict.

The deployment group comes from the plan; when Prepare failed there is no plan, so CodeDeploy's GetDeployment
names it (a bypass for a deployment group must also cover a Prepare that greenlight itself broke).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from common.config import bypass_parameter
from common.payload.ecs import ecs_names
from common.payload.models import Bypass, FinalizeInput, IgnoredBypass, Verdict, VerdictReport
from common.runtime.observability import logger

if TYPE_CHECKING:
    from mypy_boto3_codedeploy import CodeDeployClient
    from mypy_boto3_ssm import SSMClient


def deployment_group(given: FinalizeInput, codedeploy: CodeDeployClient) -> tuple[str | None, str | None]:
    if given.plan is not None:
        return given.plan.application_name, given.plan.deployment_group_name
    if given.request.engine == "ecs":
        return ecs_names(given.request.deployment_id)
    try:
        info = codedeploy.get_deployment(deploymentId=given.request.deployment_id)["deploymentInfo"]
    except Exception as error:  # the verdict must not wait on a lookup that only serves the bypass
        logger.warning(
            "No deployment group for the bypass lookup; only the bypass for all applies", extra={"error": str(error)}
        )
        return None, None
    return info.get("applicationName"), info.get("deploymentGroupName")


def find(
    given: FinalizeInput, codedeploy: CodeDeployClient, ssm: SSMClient, prefix: str, now: datetime
) -> tuple[Bypass | None, list[IgnoredBypass]]:
    try:
        application, group = deployment_group(given, codedeploy)
        found, ignored = bypass_parameter.read(ssm, bypass_parameter.parameter_names(prefix, application, group), now)
    except Exception as error:  # the verdict stands without a bypass; nothing about a bypass may stop Finalize
        parameter = bypass_parameter.parameter_names(prefix, None, None)[0].rsplit("/", 1)[0] + "/..."
        found, ignored = None, [IgnoredBypass(parameter=parameter, why=f"lookup failed: {type(error).__name__}")]
    for skipped in ignored:
        logger.warning(
            f"Bypass ignored: {skipped.parameter}: {skipped.why}", extra={"bypass_parameter": skipped.parameter}
        )
    return found, ignored


def apply(report: VerdictReport, found: Bypass | None, ignored: list[IgnoredBypass]) -> None:
    """A bypass in force makes the verdict `Succeeded`; the reason says who, why, until when, and what it overrode."""
    report.bypass_ignored = ignored
    if found is None:
        return
    found.verdict_without_bypass = report.verdict
    report.bypass = found
    report.reason = (
        f"Deployment {bypass_parameter.describe(found)}. Without the bypass: {report.verdict.value}: {report.reason}"
    )
    report.verdict = Verdict.SUCCEEDED
    logger.warning(report.reason, extra={"bypass_parameter": found.parameter, "bypass_by": found.by})
