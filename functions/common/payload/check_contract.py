"""The contract between greenlight and a custom check: the document a check receives and the answer it gives.

A webhook is POSTed the `CheckRequest` as JSON; a Lambda check is invoked with it as its event. Both answer a
`CheckAnswer` (a webhook with HTTP 2xx and a JSON body). `greenlight generate` writes both JSON Schemas to docs/
(docs/check-request.schema.json, docs/check-answer.schema.json) from these models, so the page that documents them
and the code that reads them cannot disagree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from common.payload.ecs import Engine

ANSWER_REASON_CHARACTERS = 1_000  # common.payload.limits.CHECK_BUDGETS keeps as much of a check's reason
# What greenlight reads of an answer (a webhook's body, a function's payload); more is an `error` saying so.
MAX_ANSWER_BYTES = 1 << 20


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TargetGroupRef(Contract):
    name: str = Field(description="The target group's name.")
    arn: str = Field("", description="Its ARN (empty when the deployment engine did not give it).")
    dimension: str = Field("", description="Its CloudWatch `TargetGroup` dimension value, targetgroup/<name>/<id>.")


class Green(Contract):
    """How to reach GREEN, the new release, the way greenlight's own requests do."""

    test_url: str = Field(
        description="The listener that routes to GREEN, e.g. http://my-alb-123.elb.amazonaws.com:9000."
    )
    server_name: str | None = Field(
        None, description="For an HTTPS listener: the name its certificate carries, to send as SNI and Host."
    )
    headers: dict[str, str] = Field(
        default_factory=dict,
        description="Headers every request must carry to be routed to GREEN (an Amazon ECS test rule's host or "
        "header conditions); empty for a CodeDeploy test listener.",
    )
    query: dict[str, str] = Field(default_factory=dict, description="Query parameters the test rule requires.")
    target_group: TargetGroupRef | None = Field(None, description="GREEN's target group.")


class CheckRequest(Contract):
    """What a custom check receives: which deployment, at which stage, and how to reach GREEN."""

    version: Literal[1] = Field(1, description="The contract's version; a change that breaks checks gets a new one.")
    check: str = Field(description="The check's name in the config.")
    dry_run: bool = Field(description="True while the check's answer cannot fail the deployment.")
    deployment_id: str = Field(description="CodeDeploy's deployment id (d-...) or Amazon ECS's service deployment ARN.")
    lifecycle_event_hook_execution_id: str = Field(description="The hook execution greenlight answers for.")
    engine: Engine = Field(description="The deployment engine: codedeploy or ecs.")
    lifecycle_event: str = Field(description="The CodeDeploy lifecycle event judged (for ECS: its equivalent).")
    stage: str | None = Field(None, description="The Amazon ECS lifecycle stage judged, for engine ecs.")
    application: str = Field(description="The CodeDeploy application (ECS: the cluster).")
    group: str = Field(description="The deployment group (ECS: the service).")
    green: Green
    blue_target_group: TargetGroupRef | None = Field(None, description="BLUE's target group, the release in service.")
    deadline: datetime = Field(description="When greenlight stops waiting for the answer (UTC).")


class CheckAnswer(Contract):
    """What a check answers. `failed` means the release is wrong; `inconclusive`, not enough to judge (it follows
    the config's inconclusive_policy). A check that cannot run answers an error (a webhook: HTTP 5xx; a function:
    raises) and greenlight reports `error`."""

    status: Literal["passed", "failed", "inconclusive"]
    reason: str = Field(
        min_length=1,
        max_length=ANSWER_REASON_CHARACTERS,
        description="One sentence a person can act on, shown in the verdict, the report and the event.",
    )
    observed: dict[str, Any] = Field(
        default_factory=dict, description="The values the check saw, shown in the report (bounded to a few KiB)."
    )


DIALECT = "https://json-schema.org/draft/2020-12/schema"  # what pydantic generates


def request_schema() -> dict[str, Any]:
    return {"$schema": DIALECT, "$id": "check-request.schema.json", **CheckRequest.model_json_schema()}


def answer_schema() -> dict[str, Any]:
    return {"$schema": DIALECT, "$id": "check-answer.schema.json", **CheckAnswer.model_json_schema()}
