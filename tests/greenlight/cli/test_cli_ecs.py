"""`greenlight local run --controller ecs` from the command line: the JSON report, exit codes, a bad stage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from greenlight.cli.main import main
from greenlight.cli.sample_service import BAD, GOOD, Release, SampleService
from tests.conftest import ROOT
from tests.support.quick_config import quick_config


@pytest.mark.parametrize(("release", "code", "status"), [(GOOD, 0, "SUCCEEDED"), (BAD, 1, "FAILED")])
def test_the_json_report_carries_the_final_hook_status(
    release: Release, code: int, status: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "greenlight.yaml"
    config.write_text(quick_config(synthetic={"requests": [{"path": "/api/items"}]}))
    with SampleService(release) as service:
        args = ["local", "run", "--target-url", service.url, "--config", str(config), "--controller", "ecs", "--json"]
        assert main(args) == code
    report = json.loads(capsys.readouterr().out)
    assert (report["engine"], report["hook_status"]) == ("ecs", status)
    assert report["verdict"] == ("Succeeded" if code == 0 else "Failed")
    assert report["report"]["stage"] == "POST_TEST_TRAFFIC_SHIFT"
    assert report["callbacks"] == []  # ECS takes no callback


def test_a_stage_ecs_does_not_have_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["local", "run", "--target-url", "http://127.0.0.1:9", "--controller", "ecs", "--stage", "SCALE_UP"]
    assert main(args) == 2
    assert "--stage must be one of" in capsys.readouterr().err


def test_a_rollback_is_let_through_at_once_even_for_a_dead_service(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "greenlight.yaml"
    config.write_text(quick_config(health={"check_http": False, "lifecycle_events": ["PRODUCTION_TRAFFIC_SHIFT"]}))
    args = ["local", "run", "--target-url", "http://127.0.0.1:9", "--config", str(config), "--controller", "ecs"]
    assert main([*args, "--stage", "PRODUCTION_TRAFFIC_SHIFT", "--rollback", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["hook_status"] == "SUCCEEDED" and report["execution"]["status"] == "NOT_STARTED"
    assert "rolling back" in report["reason"]


def test_a_forward_test_traffic_shift_is_judged_not_taken_for_a_rollback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the reproduction: health planned at TEST_TRAFFIC_SHIFT against a dead service exited 0, "rolling back"
    config = tmp_path / "greenlight.yaml"
    config.write_text(quick_config(health={"check_http": False, "lifecycle_events": ["TEST_TRAFFIC_SHIFT"]}))
    args = ["local", "run", "--target-url", "http://127.0.0.1:9", "--config", str(config), "--controller", "ecs"]
    assert main([*args, "--stage", "TEST_TRAFFIC_SHIFT", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["hook_status"] == "FAILED"
    assert next(v for v in report["report"]["validations"] if v["name"] == "health")["status"] == "failed"


def test_rollback_is_for_the_stages_ecs_reinvokes_only(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["local", "run", "--target-url", "http://127.0.0.1:9", "--controller", "ecs", "--rollback"]
    assert main(args) == 2  # POST_TEST_TRAFFIC_SHIFT by default: ECS never re-invokes it in a rollback
    assert "--rollback needs --controller ecs and --stage TEST_TRAFFIC_SHIFT" in capsys.readouterr().err


@pytest.mark.parametrize("hook", ["lambda", "pause"])
def test_a_mock_config_is_refused_on_the_ecs_path_not_ignored(hook: str, capsys: pytest.CaptureFixture[str]) -> None:
    # The MockConfigFile's cases (PrepareCrashes, FinalizeFails, ...) are played on the CodeDeploy path only: on the
    # ECS path the run went on unmocked and answered Succeeded, CONTINUE, as if the case had passed.
    args = ["local", "run", "--target-url", "http://127.0.0.1:9", "--controller", "ecs", "--ecs-hook", hook]
    mock = f"{ROOT / 'tests' / 'MockConfigFile.json'}#PrepareCrashes"
    assert main([*args, "--mock-config", mock]) == 2
    assert "--mock-config plays the CodeDeploy path only" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--controller", "codedeploy"], "--ecs-hook pause needs --controller ecs"),
        (["--controller", "ecs", "--stage", "TEST_TRAFFIC_SHIFT"], "ECS pauses only at"),
        (["--controller", "ecs", "--stage", "PRODUCTION_TRAFFIC_SHIFT"], "not at PRODUCTION_TRAFFIC_SHIFT"),
    ],
)
def test_a_pause_hook_where_ecs_allows_none_is_a_usage_error(
    extra: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The ECS guide ("Pause hooks for Amazon ECS service deployments"): no pause hook at the two traffic shifts.
    args = ["local", "run", "--target-url", "http://127.0.0.1:9", "--ecs-hook", "pause", *extra]
    assert main(args) == 2
    assert said in capsys.readouterr().err
