"""Amazon ECS as a pause hook's parts meet it, for handlers that call it more than once: the service deployment with its
pause hook, the service's tags, and ContinueServiceDeployment, which is taken while the hook awaits action.

Every answer starts from an AWS-shaped fixture (tests/events/aws/ecs/) and passes the conformance check; every fault is
an error code the operation can answer; refusals raise botocore's ClientError as a real client would.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from greenlight.engine.guards.conformance import check, check_error
from tests.support.stubs import aws_response

EVENTS = Path(__file__).resolve().parents[1] / "events"
HOOK_ID = "ecs-pause-e7tK9G_WRJqNF_EOMjztDXfKenlJuEUVjsNStf4WLKw"
DEPLOYMENT = "arn:aws:ecs:us-east-1:123456789012:service-deployment/shop-cluster/shop/ejGvqq2ilnbKT9qj0vLJe"
SERVICE = "arn:aws:ecs:us-east-1:123456789012:service/shop-cluster/shop"


def guide_event(name: str = "HOOK_AWAITING_ACTION") -> dict[str, Any]:
    """The guide's event, unchanged."""
    return dict(json.loads((EVENTS / "ecs" / "pause" / f"{name}.json").read_text()))


def story_event(stage: str = "POST_TEST_TRAFFIC_SHIFT", hook_id: str = HOOK_ID) -> dict[str, Any]:
    """The guide's event with the story's identifiers (tests/events/aws/README.md)."""
    event = guide_event()
    event["region"], event["resources"] = "us-east-1", [DEPLOYMENT]
    event["detail"] |= {
        "hookId": hook_id,
        "lifecycleStage": stage,
        "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/shop-cluster",
        "serviceArn": SERVICE,
        "serviceDeploymentArn": DEPLOYMENT,
    }
    return event


def _client_error(code: str, operation: str) -> Exception:
    from tests.conftest import client_error

    return client_error(check_error("ecs", operation, code), operation)


class RecordingEcs:
    """`faults[operation]`: error codes answered first, in order. `tags`: the service's tags (default: the fixture's).

    `refusal`: what a call on a hook no longer awaiting action is answered (the docs do not say which)."""

    def __init__(self, tags: list[dict[str, str]] | None = None, faults: dict[str, list[str]] | None = None) -> None:
        self.deployment = copy.deepcopy(aws_response("ecs/DescribeServiceDeployments.pause")["serviceDeployments"][0])
        self.tags = aws_response("ecs/ListTagsForResource")["tags"] if tags is None else tags
        self.faults = {name: list(codes) for name, codes in (faults or {}).items()}
        self.calls: list[dict[str, Any]] = []  # every ContinueServiceDeployment, with accepted
        self.refusal = "ClientException"

    @property
    def hook(self) -> dict[str, Any]:
        return next(h for h in self.deployment["lifecycleHookDetails"] if h["hookId"] == HOOK_ID)

    def _fault(self, operation: str) -> None:
        if self.faults.get(operation):
            raise _client_error(self.faults[operation].pop(0), operation)

    def list_tags_for_resource(self, resourceArn: str) -> dict[str, Any]:  # noqa: N803  (boto3's parameter name)
        self._fault("ListTagsForResource")
        return dict(check("ecs", "ListTagsForResource", {"tags": self.tags}))

    def describe_service_deployments(self, serviceDeploymentArns: list[str]) -> dict[str, Any]:  # noqa: N803
        self._fault("DescribeServiceDeployments")
        found = [self.deployment] if self.deployment["serviceDeploymentArn"] in serviceDeploymentArns else []
        failures = [{"arn": arn, "reason": "MISSING"} for arn in serviceDeploymentArns if not found]
        return dict(check("ecs", "DescribeServiceDeployments", {"serviceDeployments": found, "failures": failures}))

    def continue_service_deployment(self, serviceDeploymentArn: str, hookId: str, action: str) -> dict[str, Any]:  # noqa: N803
        call = {"hookId": hookId, "action": action, "accepted": False}
        self.calls.append(call)
        self._fault("ContinueServiceDeployment")
        if serviceDeploymentArn != self.deployment["serviceDeploymentArn"]:
            raise _client_error("ServiceDeploymentNotFoundException", "ContinueServiceDeployment")
        if self.hook["status"] != "AWAITING_ACTION" or self.deployment["status"] != "IN_PROGRESS":
            raise _client_error(self.refusal, "ContinueServiceDeployment")
        self.hook["status"] = {"CONTINUE": "SUCCEEDED", "ROLLBACK": "FAILED"}[action]
        call["accepted"] = True
        return dict(check("ecs", "ContinueServiceDeployment", aws_response("ecs/ContinueServiceDeployment")))

    @property
    def accepted(self) -> list[str]:
        return [call["action"] for call in self.calls if call["accepted"]]
