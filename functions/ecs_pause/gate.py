"""Whether greenlight answers this pause hook: only when the service asks for it, and only when the hook can be told
apart from anyone else's.

The opt-in is the service's `greenlight:gate` tag (ListTagsForResource), naming the stages greenlight answers: a
team's pause hook for a manual approval, at a stage the tag does not name or on a service without the tag, is never
answered by greenlight. The event names no hook configuration, so two pause hooks awaiting action at one stage
cannot be told apart: greenlight then answers neither (their timeouts act), rather than risk answering a person's.
A hook ECS no longer waits on (a late or repeated event: a person, its timeout or greenlight answered it) starts
nothing. Whatever cannot be read for reasons on greenlight's side fails closed (nothing answered); a read failing on
AWS's side propagates, so Lambda retries the event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from common.ecs.deployment import ServiceDeploymentNotFoundError, service_deployment
from common.ecs.pause_hook import GATE_TAG, PauseHookEvent, gated_stages, not_awaiting, other_paused_hooks
from common.runtime.aws_errors import on_aws_side
from common.runtime.observability import logger

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient


class NotGatedError(Exception):
    """greenlight does not answer this pause hook; the message says why (logged, never an answer to ECS).

    `left_alone`: a hook greenlight may own (the service asked for the stage, or its tags cannot be read) that nobody
    else will answer either, so the deployment waits out the hook's timeout: a warning and a metric, not routine."""

    def __init__(self, why: str, left_alone: bool = True) -> None:
        super().__init__(why)
        self.left_alone = left_alone


def _tags(ecs: ECSClient, service_arn: str) -> list[dict[str, Any]]:
    try:
        return [dict(tag) for tag in ecs.list_tags_for_resource(resourceArn=service_arn).get("tags", [])]
    except ClientError as error:
        if on_aws_side(error):
            raise
        why = f"the service's tags cannot be read ({error}): not answering a hook it may not own"
        raise NotGatedError(why) from error


def check(ecs: ECSClient, event: PauseHookEvent) -> dict[str, Any]:
    """The service deployment when greenlight answers this hook; NotGatedError when it does not."""
    stages, unknown = gated_stages(_tags(ecs, event.service_arn))
    if unknown:
        logger.warning(f"The {GATE_TAG} tag names what is no pause stage", extra={"ignored": unknown})
    if event.stage not in stages:
        raise NotGatedError(
            f"the service's {GATE_TAG} tag does not name {event.stage} (it names {sorted(stages) or 'nothing'}): "
            "another team's pause hook, left to them",
            left_alone=False,
        )
    try:
        deployment = service_deployment(ecs, event.deployment_arn)
    except ServiceDeploymentNotFoundError as error:
        raise NotGatedError(str(error)) from error
    except ClientError as error:
        if on_aws_side(error):
            raise
        raise NotGatedError(f"the service deployment cannot be read ({error})") from error
    gone = not_awaiting(deployment, event.hook_id)
    if gone:  # a late or repeated event (EventBridge retries for up to an hour): answered already, nothing to judge
        raise NotGatedError(gone, left_alone=False)
    others = other_paused_hooks(deployment, event.hook_id)
    if others:
        raise NotGatedError(
            f"{len(others)} other pause hook(s) await action at {event.stage} ({', '.join(others)}): greenlight cannot "
            "tell its own from another's, so it answers none; move the other hook to a stage the tag does not name"
        )
    return deployment
