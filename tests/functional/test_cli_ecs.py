"""`greenlight local run --controller ecs` from the command line: the JSON report, exit codes, a bad stage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from greenlight.cli.main import main
from greenlight.cli.sample_service import BAD, GOOD, Release, SampleService
from tests.support.quick_config import quick_config

pytestmark = pytest.mark.functional


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
