"""What the ECS hook's tests share: the hook called with an event, and the workflow's executions as Step Functions
describes them."""

from __future__ import annotations

import json
from typing import Any

from common.ecs.deployment import ServiceDeploymentView, view_of
from ecs_hook.app import respond
from ecs_hook.contract import EcsHookEvent
from ecs_hook.steps import step_key
from ecs_hook.workflow import Workflow
from tests.conftest import load_event
from tests.support.ecs_hook_steps import STATE_MACHINE, name
from tests.support.stubs import aws_response

ALIAS = STATE_MACHINE + ":live"
STATUSES = {"SUCCEEDED", "FAILED", "IN_PROGRESS"}


def ecs_event(**changes: Any) -> dict[str, Any]:
    event = load_event("ecs_lifecycle_hook")
    return event | changes


def forward_deployment() -> ServiceDeploymentView:
    return view_of(aws_response("ecs/DescribeServiceDeployments")["serviceDeployments"][0])


def call(
    sfn: Any, event: dict[str, Any], policy: str = "fail", deployment: Any = forward_deployment, events: Any = None
) -> dict[str, Any]:
    workflow = Workflow(sfn, ALIAS, policy, callback_delay=7, events=lambda: events)
    response = respond(EcsHookEvent.parse(event), workflow, deployment)
    assert response["hookStatus"] in STATUSES  # never a missing or invalid status
    json.dumps(response)  # what Lambda serialises for ECS
    return response


def mine(event: dict[str, Any], **entry: Any) -> dict[str, Any]:
    """greenlight's hookDetails entry as the hook wrote it for this event's hook execution and step."""
    key = step_key(EcsHookEvent.parse(event))
    return {"execution_id": event["executionId"], "step": key, "execution": name(event)} | entry
