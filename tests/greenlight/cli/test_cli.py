"""The `greenlight` command: exit codes, --json on stdout and nothing else, one-line usage errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from greenlight.cli.main import main
from greenlight.samples.service import BAD, GOOD, SampleService
from tests.conftest import ROOT
from tests.support.bad_configs import BAD_CONFIGS
from tests.support.quick_config import quick_config
from tests.support.servers import closed_port


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "greenlight.yaml"
    path.write_text(quick_config(synthetic={"requests": [{"path": "/api/items"}]}))
    return path


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["local", "run", *args, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_healthy_service_prints_succeeded_and_exits_0(capsys: pytest.CaptureFixture[str], config_file: Path) -> None:
    with SampleService(GOOD) as service:
        code, report = run_json(capsys, "--target-url", service.url, "--config", str(config_file))
    assert code == 0
    assert report["verdict"] == "Succeeded"
    assert report["callback"]["status"] == "Succeeded"  # type: ignore[index]
    assert {v["name"] for v in report["report"]["validations"]} >= {"health", "synthetic", "metrics"}  # type: ignore[attr-defined]
    assert report["execution"]["status"] == "SUCCEEDED" and report["execution"]["duration_s"] > 0  # type: ignore[index]


def test_failing_service_prints_failed_and_exits_1(capsys: pytest.CaptureFixture[str], config_file: Path) -> None:
    with SampleService(BAD) as service:
        code, report = run_json(capsys, "--target-url", service.url, "--config", str(config_file))
    assert code == 1
    assert report["verdict"] == "Failed"
    assert "synthetic" in str(report["reason"])


def test_unreachable_service_fails_with_reasons(capsys: pytest.CaptureFixture[str], config_file: Path) -> None:
    code, report = run_json(capsys, "--target-url", f"http://127.0.0.1:{closed_port()}", "--config", str(config_file))
    assert code == 1
    assert "health (failed" in str(report["reason"])


def test_human_output_shows_progress_and_a_table(capsys: pytest.CaptureFixture[str], config_file: Path) -> None:
    with SampleService(GOOD) as service:
        code = main(["local", "run", "--target-url", service.url, "--config", str(config_file)])
    captured = capsys.readouterr()
    assert code == 0
    # Without a terminal: one plain line per step as it starts and ends, no raw state trace
    assert "  health: running\n" in captured.err and "  health: passed in " in captured.err
    assert "  finalize: verdict Succeeded in " in captured.err and "-> Validate Health" not in captured.err
    assert "VALIDATION" in captured.out and "Verdict: Succeeded" in captured.out
    assert "The workflow ran to completion in " in captured.out
    assert "greenlight told CodeDeploy: Succeeded." in captured.out


def test_verbose_adds_the_raw_state_trace(capsys: pytest.CaptureFixture[str], config_file: Path) -> None:
    with SampleService(GOOD) as service:
        code = main(["local", "run", "--target-url", service.url, "--config", str(config_file), "--verbose"])
    captured = capsys.readouterr()
    assert code == 0
    assert "-> Validate Health" in captured.err and "<- Finalize" in captured.err
    assert "  synthetic: passed in " in captured.err


def test_the_end_table_wraps_full_reasons_and_names_each_distinct_failure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # GIVEN a bad release (5xx and slow answers) and a scenario whose reasons are longer than a line
    config = tmp_path / "greenlight.yaml"
    request = {"name": "list items", "path": "/api/items", "expect": {"status": [200], "max_latency_ms": 1000}}
    config.write_text(
        quick_config(synthetic={"requests": [request], "total_requests": 120, "request_timeout_seconds": 3})
    )
    with SampleService(BAD) as service:
        code = main(["local", "run", "--target-url", service.url, "--config", str(config)])
    out = capsys.readouterr().out
    assert code == 1
    # THEN nothing is cut: the reason's last words, failures by kind and one line per distinct failure are there
    table = " ".join(line.strip("│ ") for line in out.splitlines())
    assert "..." not in out and "failures by kind: status 500 x" in table
    assert "x list items: status 500, expected 200" in table
    assert "The workflow ran to completion in " in out and "greenlight told CodeDeploy: Failed." in out


def test_mock_config_case_runs_without_a_service(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_json(
        capsys, "--target-url", "http://127.0.0.1:9", "--mock-config", f"{ROOT}/tests/MockConfigFile.json#HealthFails"
    )
    assert code == 1 and report["verdict"] == "Failed" and report["mocked"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["local", "run"], "--target-url"),
        (["local", "run", "--target-url", "ftp://x"], "must be an http(s) URL"),
        (["local", "run", "--target-url", "http://x", "--config", "/nonexistent.yaml"], "cannot read --config"),
        (["local", "run", "--target-url", "http://x", "--mock-config", "tests/MockConfigFile.json"], "FILE#Case"),
        (["local", "run", "--target-url", "http://x", "--time-scale", "-1"], "--time-scale"),
        (["nonsense"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_with_one_line(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_invalid_config_file_exits_2_naming_the_field(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("synthetic: {concurrency: 0}\n")
    assert main(["local", "run", "--target-url", "http://127.0.0.1:9", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "synthetic.concurrency" in err and err.count("\n") == 1
    # named by the file given, not by the local Parameter Store's name the run would have put it under
    assert f"(defaults + file:{bad})" in err and "ssm:" not in err


def test_a_config_file_that_is_not_yaml_is_named_by_its_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("synthetic: [\n")
    assert main(["local", "run", "--target-url", "http://127.0.0.1:9", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"config file:{bad} is not valid YAML or JSON" in err and "ssm:" not in err


def test_a_config_files_name_with_a_line_break_and_escapes_stays_one_line_written_out(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # GIVEN an invalid config in a file whose name holds a line break and a terminal's colour escape
    bad = tmp_path / "team\nrelease \x1b[31mred\x1b[0m.yaml"
    bad.write_text("synthetic:\n  concurrency: 0\n")
    # WHEN local run names it (file:NAME) THEN the error is one line, the controls written out, none sent as they came
    assert main(["local", "run", "--target-url", "http://127.0.0.1:9", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\x1b" not in err and "synthetic.concurrency" in err
    assert f"file:{tmp_path}/team\\x0arelease \\x1b[31mred\\x1b[0m.yaml" in err


def test_unknown_mock_case_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "local",
                "run",
                "--target-url",
                "http://127.0.0.1:9",
                "--mock-config",
                f"{ROOT}/tests/MockConfigFile.json#Nope",
            ]
        )
        == 2
    )
    assert "Nope" in capsys.readouterr().err


def test_console_script_is_installed() -> None:
    result = subprocess.run(
        [Path(sys.executable).parent / "greenlight", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "local" in result.stdout and "new-validation" in result.stdout


@pytest.mark.parametrize(("data", "phrase"), [pytest.param(*case, id=name) for name, case in BAD_CONFIGS.items()])
def test_each_bad_config_file_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data: bytes, phrase: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(data)
    assert main(["local", "run", "--target-url", "http://127.0.0.1:9", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert phrase in err and err.count("\n") == 1 and "Traceback" not in err


def test_an_endless_config_file_is_read_only_up_to_the_limit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["local", "run", "--target-url", "http://127.0.0.1:9", "--config", "/dev/zero"]) == 2
    assert "over the 8192 bytes a config may have" in capsys.readouterr().err
