"""AWS as the tests fake it: botocore Stubbers and fixtures, every answer through the conformance check.

`aws_response("codedeploy/GetDeploymentTarget.AfterInstall")` reads tests/events/aws/ (the directory is the
botocore service, the file name starts with the operation), checks it against botocore's model and turns its
timestamps into datetimes, as botocore's parser would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.model import Shape
from botocore.utils import parse_to_aware_datetime

from greenlight.engine.guards.conformance import ConformingStubber, check, check_error, operation_model

AWS_EVENTS = Path(__file__).resolve().parents[1] / "events" / "aws"
REGION = "us-east-1"


def _parsed(value: Any, shape: Shape | None) -> Any:
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        members = shape.members  # type: ignore[attr-defined]
        return {key: _parsed(item, members.get(key)) for key, item in value.items()}
    if shape.type_name == "list" and isinstance(value, list):
        return [_parsed(item, shape.member) for item in value]  # type: ignore[attr-defined]
    if shape.type_name == "map" and isinstance(value, dict):
        return {key: _parsed(item, shape.value) for key, item in value.items()}  # type: ignore[attr-defined]
    if shape.type_name == "timestamp" and isinstance(value, str):
        return parse_to_aware_datetime(value)
    return value


def fixture_operation(name: str) -> tuple[str, str]:
    service, _, file_name = name.partition("/")
    return service, file_name.split(".", 1)[0]


def aws_response(name: str) -> dict[str, Any]:
    """A fixture, as botocore would hand it to greenlight code; refused if AWS could not send it."""
    service, operation = fixture_operation(name)
    document = json.loads((AWS_EVENTS / f"{name}.json").read_text())
    check(service, operation, document)
    return dict(_parsed(document, operation_model(service, operation).output_shape))


@contextmanager
def stubbed(service: str) -> Iterator[tuple[Any, ConformingStubber]]:
    """A real boto3 client whose answers are queued on a conforming Stubber; every queued answer must be used."""
    client = boto3.client(service, region_name=REGION)
    with ConformingStubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


class RecordingCodeDeploy:
    """CodeDeploy's lifecycle hook callback for handlers that may call it more than once (retries, the safety net).

    Records every call; `faults` are answered first, in order, as the error codes CodeDeploy would send.
    """

    def __init__(self, faults: list[str] | None = None) -> None:
        self.callbacks: list[dict[str, str]] = []
        self.faults = [check_error("codedeploy", "PutLifecycleEventHookExecutionStatus", f) for f in faults or []]

    def get_deployment(self, deploymentId: str) -> dict[str, Any]:  # noqa: N803  (boto3's parameter name)
        """The story's deployment (tests/events/aws/codedeploy/GetDeployment.json), under the id asked for."""
        answer = aws_response("codedeploy/GetDeployment")
        answer["deploymentInfo"]["deploymentId"] = deploymentId
        return answer

    def put_lifecycle_event_hook_execution_status(self, **kwargs: str) -> dict[str, Any]:
        from tests.conftest import client_error

        if self.faults:
            raise client_error(self.faults.pop(0), "PutLifecycleEventHookExecutionStatus")
        self.callbacks.append(kwargs)
        answer = {"lifecycleEventHookExecutionId": kwargs["lifecycleEventHookExecutionId"]}
        return dict(check("codedeploy", "PutLifecycleEventHookExecutionStatus", answer))


class RecordingEvents:
    """EventBridge's PutEvents for code that announces: records every entry it takes.

    `refusals` are entry error codes answered first, in order, each as a 200 answer with `FailedEntryCount` 1,
    the way PutEvents refuses an entry; every answer passes the conformance check.
    """

    def __init__(self, refusals: list[str] | None = None) -> None:
        self.entries: list[dict[str, Any]] = []
        self.refusals = list(refusals or [])
        self.calls = 0

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803  (boto3's parameter name)
        self.calls += 1
        if self.refusals:
            failed = [{"ErrorCode": self.refusals.pop(0), "ErrorMessage": "refused (injected)"} for _ in Entries]
            return dict(check("events", "PutEvents", {"FailedEntryCount": len(failed), "Entries": failed}))
        self.entries.extend(Entries)
        taken = [{"EventId": f"event-{len(self.entries)}-{index}"} for index, _ in enumerate(Entries)]
        return dict(check("events", "PutEvents", {"FailedEntryCount": 0, "Entries": taken}))

    def of_type(self, detail_type: str) -> list[dict[str, Any]]:
        """The details of the events of this type, parsed."""
        return [json.loads(entry["Detail"]) for entry in self.entries if entry["DetailType"] == detail_type]
