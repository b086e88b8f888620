"""The real workflow on the embedded engine: real handlers, real traffic through the emulated test listener.

Each test deploys the sample service (or a fault-mode server) as the GREEN task set, invokes the hook as
CodeDeploy does, and asserts exactly one accepted callback with the right status. What breaks outside the
service (AWS calls, functions, timeouts) is in the fault matrix, tests/statemachines/test_fault_matrix.py.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import greenlight.engine.local_run
from greenlight.cli.main import main
from greenlight.cli.sample_service import GOOD, Release, SampleService
from greenlight.engine.local_engine import LocalEngine
from greenlight.engine.local_run import LocalRunOptions, run_local
from greenlight.engine.project import Project
from greenlight.engine.results import LocalRunResult
from greenlight.engine.standin import LocalDeployment
from tests.support.hostile import Hostile, hostile_service
from tests.support.quick_config import QUICK_RUN, quick_config
from tests.support.servers import serve

pytestmark = pytest.mark.engine


def validate(
    project: Project, release: Release = GOOD, config_text: str | None = None, before_start: Any = None, **options: Any
) -> LocalRunResult:
    text = quick_config() if config_text is None else config_text
    with SampleService(release) as service:
        return run_local(
            LocalRunOptions(target_url=service.url, config_text=text, **(QUICK_RUN | options)),
            project,
            before_start=before_start,
        )


def accepted(report: LocalRunResult) -> list[str]:
    return [c.status for c in report.callbacks if c.accepted]


def statuses(report: LocalRunResult, names: tuple[str, ...] = ("health", "synthetic", "metrics")) -> dict[str, str]:
    """The outcomes of the validations a test is about (a validation added later has its own tests)."""
    return {v.name: v.status for v in report.validations if v.name in names}


def test_a_good_release_passes_every_validation(project: Project) -> None:
    report = validate(project)
    assert report.execution.status == "SUCCEEDED"
    assert statuses(report) == {"health": "passed", "synthetic": "passed", "metrics": "passed"}
    assert accepted(report) == ["Succeeded"] and len(report.callbacks) == 1
    metrics = {c["check"]: c["value"] for c in report.validations[2].observed["checks"]}
    assert metrics["5xx_rate"] == 0.0  # real traffic reached the local CloudWatch through the listener


def test_health_failing_alone_fails_the_deployment(project: Project) -> None:
    # GIVEN a release whose health check fails, while its API answers (and unhealthy hosts are not a metric check)
    text = quick_config(
        alone=True, synthetic={"requests": [{"path": "/api/items"}]}, metrics={"max_unhealthy_hosts": None}
    )
    report = validate(project, Release(healthy=False), text)
    assert statuses(report) == {"health": "failed", "synthetic": "passed", "metrics": "passed"}
    assert accepted(report) == ["Failed"]
    assert "health (failed" in report.reason


def test_synthetic_failing_alone_fails_the_deployment(project: Project) -> None:
    scenario = [{"path": "/api/items", "expect": {"json": [{"path": "version", "equals": "v9"}]}}]
    report = validate(project, config_text=quick_config(synthetic={"requests": scenario}))
    assert statuses(report) == {"health": "passed", "synthetic": "failed", "metrics": "passed"}
    assert accepted(report) == ["Failed"]
    assert 'json version = "v2-good", expected "v9"' in str(report.validations[1].observed["distinct_failures"])


def test_metrics_failing_alone_fails_the_deployment(project: Project) -> None:
    report = validate(project, config_text=quick_config(metrics={"max_p99_seconds": 0.000001}))
    assert statuses(report) == {"health": "passed", "synthetic": "passed", "metrics": "failed"}
    assert "p99_response_time" in report.reason
    assert accepted(report) == ["Failed"]


def test_dry_run_failure_does_not_hold_up_a_good_release(project: Project) -> None:
    report = validate(project, config_text=quick_config(metrics={"max_p99_seconds": 0.000001, "dry_run": True}))
    assert statuses(report)["metrics"] == "failed"
    assert accepted(report) == ["Succeeded"]


TOKEN = "/greenlight/tenants/sample-service/sample-service-dg/api-token"  # the local run's deployment group's


def test_secret_header_never_reaches_logs_reports_or_the_execution(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-live-7d1f0c9e4b2a"
    histories: list[Any] = []
    original_wait = LocalEngine.wait

    def wait_and_keep_history(engine: LocalEngine, execution_arn: str, *args: Any, **kwargs: Any) -> Any:
        run = original_wait(engine, execution_arn, *args, **kwargs)
        histories.append(
            engine.clients["stepfunctions"].get_execution_history(executionArn=execution_arn, maxResults=1000)
        )
        return run

    def store_secret(engine: LocalEngine, deployment: LocalDeployment) -> None:
        engine.clients["ssm"].put_parameter(Name=TOKEN, Value=secret, Type="SecureString")

    monkeypatch.setattr(LocalEngine, "wait", wait_and_keep_history)
    scenario = [
        {
            "path": "/api/items",
            "headers": {"Authorization": {"ssm": TOKEN}},
            "expect": {"status": [418]},
        }
    ]
    log = io.StringIO()
    with serve() as (url, behaviour):
        options = LocalRunOptions(
            target_url=url, config_text=quick_config(synthetic={"requests": scenario}), time_scale=0.05
        )
        report = run_local(options, project, log=log, before_start=store_secret)
    # The secret was sent, the expectation failed (so the request shows up in the report), and it is nowhere.
    assert any(r["headers"].get("Authorization") == secret for r in behaviour.requests)
    assert statuses(report)["synthetic"] == "failed"
    assert log.getvalue() and secret not in log.getvalue()
    assert secret not in json.dumps(report, default=str)
    assert histories and secret not in json.dumps(histories, default=str)


def test_a_service_echoing_huge_values_still_gets_a_verdict_within_the_payload_limit(project: Project) -> None:
    """Each failure quotes what the service sent; bounded results keep every state far below 256 KiB."""
    from tests.support.servers import Behaviour

    # GIVEN a service whose every answer carries a 300 KB value an expectation rejects, with fail-fast on
    huge = Behaviour(body={"status": "x" * 300_000, "items": [{"id": 1}]})
    scenario = {"requests": [{"path": "/health", "expect": {"json": [{"path": "status", "equals": "ok"}]}}]}
    text = quick_config(synthetic=scenario, metrics={"enabled": False})
    with serve(huge) as (url, _):
        report = run_local(
            LocalRunOptions(
                target_url=url,
                config_text=text + "fail_fast: true\n",
                **QUICK_RUN,
            ),
            project,
        )
    # THEN the run ends in a Failed verdict naming the synthetic check, not in States.DataLimitExceeded
    assert report.execution.status == "SUCCEEDED", report.execution
    assert accepted(report) == ["Failed"]
    [synthetic] = [v for v in report.validations if v.name == "synthetic"]
    assert synthetic.status == "failed" and len(synthetic.model_dump_json()) < 20_000


@pytest.mark.parametrize(
    ("echo", "expectation", "output"),
    [
        ("header", {"headers": {"X-Echo": "^nothing-like-it$"}}, "--json"),
        ("json", {"json": [{"path": "echo", "equals": "nothing-like-it"}]}, "table"),
    ],
)
def test_a_secret_the_service_echoes_never_leaves(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    echo: str,
    expectation: dict[str, Any],
    output: str,
) -> None:
    """The service reflects the secret header in a header or a JSON field, and the expectation on it fails."""
    secret = "sk-live-echoed-4f9a2c71"
    histories: list[Any] = []
    original_wait, original_deployment = LocalEngine.wait, greenlight.engine.local_run.create_deployment

    def wait_and_keep_history(engine: LocalEngine, execution_arn: str, *args: Any, **kwargs: Any) -> Any:
        run = original_wait(engine, execution_arn, *args, **kwargs)
        histories.append(
            engine.clients["stepfunctions"].get_execution_history(executionArn=execution_arn, maxResults=1000)
        )
        return run

    def deployment_with_secret(clients: dict[str, Any], *args: Any, **kwargs: Any) -> LocalDeployment:
        clients["ssm"].put_parameter(Name=TOKEN, Value=secret, Type="SecureString")
        return original_deployment(clients, *args, **kwargs)

    monkeypatch.setattr(LocalEngine, "wait", wait_and_keep_history)
    monkeypatch.setattr(greenlight.engine.local_run, "create_deployment", deployment_with_secret)
    scenario = [
        {
            "path": "/api/items",
            "headers": {"Authorization": {"ssm": TOKEN}},
            "expect": expectation,
        }
    ]
    config, log = tmp_path / "greenlight.yaml", tmp_path / "functions.log"
    config.write_text(quick_config(synthetic={"requests": scenario}))
    # WHEN the real workflow runs through the CLI against a service that echoes the Authorization header
    with hostile_service(Hostile("echo", echo_header="Authorization")) as url:
        arguments = ["local", "run", "--target-url", url, "--config", str(config), "--log-file", str(log)]
        code = main(arguments + (["--json"] if output == "--json" else []))
    stdout, history = capsys.readouterr().out, json.dumps(histories, default=str)
    # THEN the expectation failed on the echoed value, which the result quotes cut out
    assert code == 1 and "[redacted]" in history
    # ... and the secret is in none of stdout (the report, with --json), the logs and the execution history
    assert stdout and stdout.count(secret) == 0
    assert log.read_text() and log.read_text().count(secret) == 0
    assert histories and history.count(secret) == 0
