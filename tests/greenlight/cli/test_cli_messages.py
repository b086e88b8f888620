"""CLI messages a person can act on: what to set when AWS has no region or credentials, a quiet end when the reader
of stdout goes away, why a --mock-config run exits 1, and a run's time scaling stated."""

from __future__ import annotations

import os
import subprocess
import sys

import boto3
import pytest

from greenlight.cli.main import main
from tests.conftest import ROOT

NO_AWS = {"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true"}


def without_aws(monkeypatch: pytest.MonkeyPatch, **extra: str) -> None:
    """No region, no credentials: as on a laptop before `aws configure` (and no session an earlier test made)."""
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in (NO_AWS | extra).items():
        monkeypatch.setenv(name, value)


def test_bypass_show_without_a_region_says_what_to_set_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    without_aws(monkeypatch)
    code = main(["bypass", "show", "--application", "orders", "--deployment-group", "orders-dg"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        "greenlight: no AWS region: pass --region, or set AWS_DEFAULT_REGION (or region in your AWS profile)\n"
    )


def test_bypass_show_without_credentials_says_what_to_set_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    without_aws(monkeypatch, AWS_DEFAULT_REGION="us-east-1")
    code = main(["bypass", "show", "--all"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("greenlight: no usable AWS credentials: set AWS_PROFILE")


def test_config_show_from_ssm_without_a_region_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    without_aws(monkeypatch)
    code = main(["config", "show", "--from-ssm", "--application", "a", "--deployment-group", "b"])
    assert code == 2 and capsys.readouterr().err.startswith("greenlight: no AWS region: pass --region")


def test_output_piped_into_a_reader_that_goes_away_ends_quietly() -> None:
    # GIVEN `greenlight schema | head -c 0`: the reader closes its end before the schema is written (the command
    # spends most of a second importing first)
    process = subprocess.Popen(
        [sys.executable, "-m", "greenlight.cli.main", "schema"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    error = process.stderr.read().decode()
    process.stderr.close()
    code = process.wait(timeout=60)
    # THEN nothing is said (no BrokenPipeError traceback), and the exit status says the output was cut
    assert error == "" and code == 1


def test_a_mock_config_run_says_why_it_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["local", "run", "--target-url", "http://x", "--mock-config", f"{ROOT}/tests/MockConfigFile.json#HealthFails"]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert (
        "greenlight told CodeDeploy: nothing. With --mock-config, Finalize's answer is the mocked one, which "
        "calls nobody back; the exit status (1) is that of the mocked verdict, Failed."
        in captured.out.replace("\n", " ")
    )
    assert "Time-scaled x0.05:" in captured.err and "times shown are real seconds" in captured.out.replace("\n", " ")
