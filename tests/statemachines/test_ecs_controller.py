"""`--controller ecs`: the same workflow through ECS's hook gives the verdicts the CodeDeploy path gives.

Each service kind runs once per engine; the verdicts, exit codes and validation outcomes must agree, and the ECS
run must end in exactly one final hookStatus after IN_PROGRESS answers only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from greenlight.cli.errors import exit_code
from greenlight.cli.render import render
from greenlight.cli.sample_service import GOOD, SampleService
from greenlight.engine.ecs_controller import TEST_HEADER
from greenlight.engine.local_run import LocalRunOptions, run_local
from greenlight.engine.project import Project
from greenlight.engine.results import LocalRunResult
from tests.support.quick_config import QUICK_RUN, quick_config
from tests.support.servers import Behaviour, closed_port, serve

pytestmark = [pytest.mark.engine, pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")]

SERVICES = {
    "healthy": None,
    "failing": Behaviour(status=500),
    "down": Behaviour(reset=True),
    "slow": Behaviour(delay_s=1.5),  # over every request timeout of the quick config and the ALB health check
    "refusing": "refuse",
    "hanging": Behaviour(hang_s=1.0),
}


@contextmanager
def service(kind: str) -> Iterator[tuple[str, Behaviour | None]]:
    given = SERVICES[kind]
    if given is None:
        with SampleService(GOOD) as sample:
            yield sample.url, None
    elif given == "refuse":
        yield f"http://127.0.0.1:{closed_port()}", None
    else:
        assert isinstance(given, Behaviour)
        with serve(Behaviour(**vars(given) | {"requests": []})) as (url, behaviour):
            yield url, behaviour


def run(project: Project, kind: str, controller: str) -> tuple[LocalRunResult, Behaviour | None]:
    with service(kind) as (url, behaviour):
        options = LocalRunOptions(
            target_url=url, config_text=quick_config(), **QUICK_RUN, deadline_s=60.0, controller=controller
        )
        return run_local(options, project), behaviour


def outcomes(result: LocalRunResult) -> dict[str, str]:
    return {v.name: v.status.value for v in result.validations}


@pytest.mark.parametrize("kind", list(SERVICES))
def test_ecs_gives_the_verdict_codedeploy_gives(project: Project, kind: str) -> None:
    codedeploy, _ = run(project, kind, "codedeploy")
    ecs, behaviour = run(project, kind, "ecs")
    expected = "Succeeded" if kind == "healthy" else "Failed"
    assert (codedeploy.verdict, ecs.verdict) == (expected, expected), (codedeploy.reason, ecs.reason)
    assert exit_code(ecs) == exit_code(codedeploy)
    # ... the same outcome for every validation; metrics, which read what CloudWatch published of the traffic's
    # minutes (its delay is emulated), may be inconclusive in one run where the other judged it failed
    same, left = outcomes(ecs), outcomes(codedeploy)
    if {same.get("metrics"), left.get("metrics")} == {"failed", "inconclusive"}:
        same, left = same | {"metrics": "not compared"}, left | {"metrics": "not compared"}
    assert same == left
    # ECS heard IN_PROGRESS while the workflow ran, then exactly one final status, the verdict's
    statuses = [answer.hook_status for answer in ecs.hook_answers]
    assert statuses[:-1] == ["IN_PROGRESS"] * (len(statuses) - 1) and len(statuses) >= 2
    assert ecs.hook_status == statuses[-1] == ("SUCCEEDED" if kind == "healthy" else "FAILED")
    assert (ecs.engine, ecs.stage, ecs.report.engine if ecs.report else None) == (
        "ecs",
        "POST_TEST_TRAFFIC_SHIFT",
        "ecs",
    )
    assert ecs.callbacks == [] and ecs.execution.status == "SUCCEEDED"
    if behaviour is not None:  # every request through the listener satisfied the test rule (the ALB's own health
        # checks go to the target directly, as on AWS)
        through_listener = [r for r in behaviour.requests if r["headers"].get("User-Agent") != "ELB-HealthChecker/2.0"]
        assert all(request["headers"].get(TEST_HEADER) == "true" for request in through_listener)


def test_the_report_shows_the_final_hook_status(project: Project) -> None:
    import io

    result, _ = run(project, "healthy", "ecs")
    text = io.StringIO()
    render(result, text)
    assert "final hookStatus SUCCEEDED" in text.getvalue()
    assert "ECS hook at POST_TEST_TRAFFIC_SHIFT" in text.getvalue()


def test_a_request_without_the_test_condition_never_reaches_green(project: Project) -> None:
    """The emulated listener forwards only what the test rule selects: its gate is the rule as ELB describes it."""
    import http.client

    from greenlight.engine.ecs_controller import create_ecs_deployment
    from greenlight.engine.local_engine import LocalEngine

    with serve() as (url, behaviour), LocalEngine(project) as engine:
        deployment = create_ecs_deployment(engine.clients, url, "/health", engine.settings, ("c", "s"))
        try:
            answers: dict[str, Any] = {}
            for label, headers in (("plain", {}), ("test", {TEST_HEADER: "true"})):
                connection = http.client.HTTPConnection("127.0.0.1", deployment.listener.port, timeout=5)
                connection.request("GET", "/health", headers=headers)
                answers[label] = connection.getresponse().status
                connection.close()
        finally:
            deployment.listener.close()
    assert answers == {"plain": 503, "test": 200}
    # (the listener's own health checks, as the ALB's, reach the target directly, without the rule's header)
    probes = [r for r in behaviour.requests if r["path"] == "/health" and "ELB-HealthChecker" not in str(r["headers"])]
    assert probes[-1]["headers"].get(TEST_HEADER) == "true"
