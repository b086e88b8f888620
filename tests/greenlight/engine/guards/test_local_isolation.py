"""A local run never reaches AWS, even from a handler thread that outlives its engine."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import pytest

from common.config import VALIDATIONS
from greenlight.engine import LocalDeployment, LocalEngine, LocalRunOptions, run_local
from greenlight.engine.core.lifetime import LocalRun
from greenlight.engine.guards import egress
from greenlight.project import Project
from tests.support.quick_config import quick_config
from tests.support.servers import closed_port

pytestmark = pytest.mark.engine

NOTHING_PLANNED = {name: {"enabled": False} for name in VALIDATIONS}


def test_a_stalled_finalize_that_wakes_after_the_run_never_reaches_aws(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN nothing may leave the machine (every real send is recorded) and a Finalize that stalls
    sent: list[str] = []
    monkeypatch.setattr(egress, "_original_send", lambda endpoint, request: sent.append(request.url))
    entered, release = threading.Event(), threading.Event()

    def stall() -> None:
        entered.set()
        release.wait(10)

    runs: list[LocalRun] = []

    def break_finalize(engine: LocalEngine, deployment: LocalDeployment) -> None:
        engine.break_function("FinalizeFunction", stall)
        runs.append(engine.settings.run)

    # WHEN the workflow gives up on Finalize (its task timeout), the run ends, and only then Finalize wakes up
    options = LocalRunOptions(
        target_url=f"http://127.0.0.1:{closed_port()}",
        config_text=quick_config(**NOTHING_PLANNED),
        time_scale=0.0,
        timeout_scale=0.005,
        deadline_s=30,
    )
    report = run_local(options, project, before_start=break_finalize)
    [run] = runs
    assert not run.active and entered.is_set()
    release.set()
    deadline = time.monotonic() + 10
    # (Finalize reads SSM before it calls back: wait for the callback's refusal, not the first one)
    while not any("codedeploy" in message for message in run.refused) and time.monotonic() < deadline:
        time.sleep(0.02)

    # THEN its callback is refused before it is sent, and nothing left the machine
    assert report.execution.status == "FAILED"
    assert any("codedeploy" in message and "its local run has ended" in message for message in run.refused)
    assert sent == []


def test_requests_signed_with_local_credentials_are_refused_outside_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    sent: list[Any] = []
    monkeypatch.setattr(egress, "_original_send", lambda endpoint, request: sent.append(request.url))
    egress.install()
    client = boto3.client("codedeploy", region_name="us-east-1", aws_access_key_id="local", aws_secret_access_key="x")
    with pytest.raises(egress.EgressRefusedError, match="fake credentials"):
        client.get_deployment(deploymentId="d-1")
    assert sent == []


@pytest.mark.parametrize(
    ("url", "sent_there"),
    [
        ("http://127.0.0.1:4566", True),
        ("http://127.9.9.9:4566", True),
        ("http://[::1]:4566", True),
        ("http://localhost:8083", True),
        ("https://codedeploy.us-east-1.amazonaws.com", False),
        ("http://169.254.169.254", False),
    ],
)
def test_only_loopback_endpoints_are_reachable_with_local_credentials(
    monkeypatch: pytest.MonkeyPatch, url: str, sent_there: bool
) -> None:
    """Another local engine (LocalStack, Step Functions Local) listens on loopback: that never leaves the machine."""
    import boto3

    class SentError(Exception):
        """The request went to the network (recorded, never sent)."""

    def send(endpoint: Any, request: Any) -> None:
        raise SentError(request.url)

    monkeypatch.setattr(egress, "_original_send", send)
    egress.install()
    client = boto3.client(
        "codedeploy", region_name="us-east-1", endpoint_url=url, aws_access_key_id="local", aws_secret_access_key="x"
    )
    expected = (SentError, url) if sent_there else (egress.EgressRefusedError, "fake credentials")
    with pytest.raises(expected[0], match=re.escape(expected[1])):
        client.get_deployment(deploymentId="d-1")
