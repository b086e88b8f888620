"""The events greenlight puts on the default EventBridge bus, as models: what a rule matches and a target reads.

One event per verdict greenlight delivers to the deployment engine, from whichever part delivered it:
`Greenlight Verdict` from Finalize, the hook when the workflow could not start, or the safety net;
`Greenlight Outage Allowed` from the hook when the `allow` outage policy let a deployment through. A part whose
callback finds the verdict already in announces nothing, so a retried Finalize never announces twice.
Built from a `VerdictReport` and the engine's stage, so the ECS hook announces with the same function.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from common.payload.limits import REASON_LIMIT_CHARACTERS, cut_text
from common.payload.models import Bypass, IgnoredBypass, Payload, ValidationStatus, Verdict, VerdictReport, utcnow
from common.runtime.events import OUTAGE_ALLOWED, VERDICT, put_event
from common.runtime.outcomes import DecidedBy

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient

Engine = Literal["codedeploy", "ecs"]
# A verdict's reason and an error are cut as a result's reason is (REASON_LIMIT_CHARACTERS); each validation's reason
# in an event shorter, so that the event stays small (the report keeps the whole text).
VALIDATION_REASON_LIMIT = 500
SUMMARY_LIMIT = 300
# EventBridge pastes values into input templates unescaped: no quote, backslash, white space or control character.
UNSAFE_IN_TEMPLATES = re.compile(r'["\\\s\x00-\x1f\x7f-\x9f\u2028\u2029]+')


class ValidationSummary(Payload):
    name: str
    status: ValidationStatus
    reason: str
    dry_run: bool = False


class VerdictEventDetail(Payload):
    """The `detail` of a `Greenlight Verdict` event."""

    verdict: Verdict
    reason: str
    summary: str = Field(description="One line without quotes or backslashes, safe in an input transformer.")
    engine: Engine = "codedeploy"
    stage: str | None = Field(None, description="CodeDeploy's lifecycle event, or the ECS lifecycle stage.")
    decided_by: DecidedBy
    deployment_id: str
    lifecycle_event_hook_execution_id: str
    application_name: str | None = None
    deployment_group_name: str | None = None
    execution_arn: str | None = None
    validations: list[ValidationSummary] = Field(default_factory=list)
    bypass: Bypass | None = None
    bypass_ignored: list[IgnoredBypass] = Field(default_factory=list)
    decided_at: datetime


class OutageAllowedDetail(Payload):
    """The `detail` of a `Greenlight Outage Allowed` event: what failed, and that the deployment went through."""

    summary: str
    engine: Engine = "codedeploy"
    deployment_id: str
    lifecycle_event_hook_execution_id: str
    state_machine_arn: str
    error: str
    policy: Literal["allow"] = "allow"
    allowed_at: datetime = Field(default_factory=utcnow)


def one_line(text: str) -> str:
    return cut_text(UNSAFE_IN_TEMPLATES.sub(" ", text).strip(), SUMMARY_LIMIT)


def verdict_detail(
    report: VerdictReport, decided_by: DecidedBy, execution_arn: str | None = None, engine: Engine | None = None
) -> VerdictEventDetail:
    """The event's detail; the engine is the report's unless given, and on the ECS path the stage is ECS's own
    lifecycle stage (a rule matches `engine: [ecs]` and `stage: [PRODUCTION_TRAFFIC_SHIFT]`), not its CodeDeploy
    equivalent."""
    engine = engine or report.engine
    service = "/".join(n for n in (report.application_name, report.deployment_group_name) if n) or report.deployment_id
    stage = (report.stage or report.lifecycle_event) if engine == "ecs" else report.lifecycle_event
    return VerdictEventDetail(
        verdict=report.verdict,
        reason=cut_text(report.reason, REASON_LIMIT_CHARACTERS),
        summary=one_line(f"{report.verdict.value}: {service}{f' at {stage}' if stage else ''}. {report.reason}"),
        engine=engine,
        stage=stage,
        decided_by=decided_by,
        deployment_id=report.deployment_id,
        lifecycle_event_hook_execution_id=report.lifecycle_event_hook_execution_id,
        application_name=report.application_name,
        deployment_group_name=report.deployment_group_name,
        execution_arn=execution_arn,
        validations=[
            ValidationSummary(
                name=v.name, status=v.status, reason=cut_text(v.reason, VALIDATION_REASON_LIMIT), dry_run=v.dry_run
            )
            for v in report.validations
        ],
        bypass=report.bypass,
        bypass_ignored=report.bypass_ignored,
        decided_at=report.decided_at,
    )


def announce_verdict(
    events: EventBridgeClient,
    report: VerdictReport,
    decided_by: DecidedBy,
    execution_arn: str | None = None,
    engine: Engine | None = None,
) -> bool:
    """Put the `Greenlight Verdict` event; call it only once this part's callback delivered the verdict."""
    detail = verdict_detail(report, decided_by, execution_arn, engine)
    return put_event(events, VERDICT, detail.model_dump_json(), [execution_arn] if execution_arn else [])


def announce_outage_allowed(
    events: EventBridgeClient,
    deployment_id: str,
    hook_id: str,
    state_machine_arn: str,
    error: str,
    engine: Engine = "codedeploy",
) -> bool:
    detail = OutageAllowedDetail(
        summary=one_line(f"Allowed without validation: the workflow could not start ({error})"),
        engine=engine,
        deployment_id=deployment_id,
        lifecycle_event_hook_execution_id=hook_id,
        state_machine_arn=state_machine_arn,
        error=cut_text(error, REASON_LIMIT_CHARACTERS),
    )
    return put_event(events, OUTAGE_ALLOWED, detail.model_dump_json(), [state_machine_arn])
