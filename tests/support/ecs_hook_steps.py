"""The ECS hook called as ECS calls it, with the guide's payloads (tests/events/ecs): what the tests of its steps, its
rollbacks and its announcements share."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from botocore.stub import ANY

from common.ecs.deployment import ServiceDeploymentView, view_of
from common.runtime.names import execution_arn
from ecs_hook.app import respond
from ecs_hook.contract import EcsHookEvent
from ecs_hook.steps import execution_name_for, step_key
from ecs_hook.workflow import Workflow
from greenlight.engine.guards.conformance import check
from greenlight.engine.guards.ecs_hooks import hook_event_problems
from tests.conftest import EVENTS
from tests.support.stubs import aws_response, stubbed

STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:greenlight-validation"


def guide(name: str) -> dict[str, Any]:
    """The guide's payload for a stage (tests/events/ecs), checked against the guide's shape."""
    event = dict(json.loads((EVENTS / "ecs" / f"{name}.json").read_text()))
    assert hook_event_problems(event) == []
    return event


GREEN = guide("POST_TEST_TRAFFIC_SHIFT")["executionDetails"]["targetServiceRevisionArn"]
BLUE = GREEN.rsplit("/", 1)[0] + "/4980306466373577095"


def deployment(status: str = "IN_PROGRESS", production: float = 0.0) -> Callable[[], ServiceDeploymentView]:
    """DescribeServiceDeployments as ECS answers it for this deployment (conformance-checked), in `status`."""
    answer = copy.deepcopy(aws_response("ecs/DescribeServiceDeployments"))
    found = answer["serviceDeployments"][0]
    found["status"] = status
    found["targetServiceRevision"]["requestedProductionTrafficWeight"] = production
    check("ecs", "DescribeServiceDeployments", answer)
    return lambda: view_of(found)


def name(event: dict[str, Any], requested: float | None = None) -> str:
    return execution_name_for(event["executionId"], step_key(EcsHookEvent.parse(event), requested))


def described(event_name: str, status: str, output: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "executionArn": execution_arn(STATE_MACHINE, event_name),
        "stateMachineArn": STATE_MACHINE,
        "name": event_name,
        "status": status,
        "startDate": datetime(2026, 11, 27, tzinfo=UTC),
    }
    if output is not None:
        answer["output"] = json.dumps(output)
    return answer


def call(
    sfn: Any, event: dict[str, Any], ecs: Callable[[], ServiceDeploymentView], events: Any = None
) -> dict[str, Any]:
    workflow = Workflow(sfn, STATE_MACHINE, callback_delay=7, events=lambda: events)
    response = respond(EcsHookEvent.parse(event), workflow, ecs)
    assert response["hookStatus"] in ("SUCCEEDED", "FAILED", "IN_PROGRESS")
    return response


def starts(stubber: Any, execution: str) -> None:
    """The step has no execution yet: the hook must start exactly this one."""
    stubber.add_client_error("describe_execution", "ExecutionDoesNotExist")
    stubber.add_response(
        "start_execution",
        {"executionArn": execution_arn(STATE_MACHINE, execution), "startDate": datetime.now(UTC)},
        {"stateMachineArn": STATE_MACHINE, "name": execution, "input": ANY},
    )


def first_call(
    event: dict[str, Any], ecs: Callable[[], ServiceDeploymentView], requested: float | None = None
) -> dict[str, Any]:
    """A step's first call: the hook starts exactly its execution (named with ECS's `requested` weight)."""
    with stubbed("stepfunctions") as (sfn, stubber):
        starts(stubber, name(event, requested))
        response = call(sfn, event, ecs)
    return response


def unread() -> ServiceDeploymentView:
    raise AssertionError("the payload settles it: DescribeServiceDeployments must not be called")
