"""Fixtures shared by every tier: sample events, the project, CodeDeploy's callback as tests record it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from greenlight.engine.project import Project
from tests.support.stubs import RecordingCodeDeploy, RecordingEvents

EVENTS = Path(__file__).parent / "events"
ROOT = Path(__file__).resolve().parents[1]


def load_event(name: str) -> dict[str, Any]:
    return dict(json.loads((EVENTS / f"{name}.json").read_text()))


def client_error(code: str, operation: str = "Operation") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": f"{code} (injected)"}, "ResponseMetadata": {}}, operation)


@pytest.fixture(scope="session")
def project() -> Project:
    return Project.find(ROOT)


@pytest.fixture
def codedeploy() -> RecordingCodeDeploy:
    return RecordingCodeDeploy()


@pytest.fixture
def events() -> RecordingEvents:
    return RecordingEvents()


@pytest.fixture
def lambda_context() -> Any:
    class Context:
        function_name = "test"
        function_version = "$LATEST"
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test"
        memory_limit_in_mb = 128
        aws_request_id = "request-1"
        log_group_name = "/aws/lambda/test"
        log_stream_name = "test"

        def get_remaining_time_in_millis(self) -> int:
            return 30_000

    return Context()


@pytest.fixture(autouse=True)
def _aws_environment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reaches real AWS by accident: fake credentials and a fixed region, except in the opt-in tier."""
    if request.node.get_closest_marker("integration"):
        return
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_SESSION_TOKEN": "testing",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Greenlight",
    }.items():
        monkeypatch.setenv(name, value)
