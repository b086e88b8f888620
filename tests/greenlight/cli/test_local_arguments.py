"""`greenlight local run` and `greenlight demo` refuse bad input in one line and exit 2, before any run: a file that is
not text, a time scale that is not a number, a host name no certificate can carry, a log or report folder that
cannot be written."""

from __future__ import annotations

from pathlib import Path

import pytest

from greenlight.cli.main import main

NOTHING_LISTENS = "http://127.0.0.1:9"  # the run never starts: a usage error comes first


def refused(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(arguments)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("greenlight: ") and "Traceback" not in err
    return err


@pytest.mark.parametrize("option", ["--parameter", "--secret"])
def test_a_value_file_that_is_not_text_is_refused_naming_it(
    option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = tmp_path / "token.bin"
    binary.write_bytes(b"\xff\xfe\x00")
    err = refused(["local", "run", "--target-url", NOTHING_LISTENS, option, f"name=@{binary}"], capsys)
    assert f"{option} name=@{binary} is not UTF-8 text" in err


@pytest.mark.parametrize("scale", ["nan", "inf", "-1"])
def test_a_time_scale_that_is_not_a_finite_number_is_refused(scale: str, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(["local", "run", "--target-url", NOTHING_LISTENS, "--time-scale", scale], capsys)
    assert "--time-scale must be a number, 0 or more" in err


@pytest.mark.parametrize("name", ["bad name!", "a" * 64 + ".test", ""])
def test_an_https_name_that_is_no_host_name_is_refused(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(["local", "run", "--target-url", NOTHING_LISTENS, "--https", name], capsys)
    assert err.startswith("greenlight: --https host ")


def test_a_log_file_that_cannot_be_written_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "missing" / "run.log"
    err = refused(["local", "run", "--target-url", NOTHING_LISTENS, "--log-file", str(log)], capsys)
    assert err == f"greenlight: cannot write --log-file {log}: No such file or directory\n"


def test_a_demo_report_folder_that_cannot_be_made_is_refused_before_the_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    err = refused(["demo", "--report-dir", str(blocker / "reports")], capsys)
    assert err.startswith(f"greenlight: cannot write the reports to --report-dir {blocker / 'reports'}: ")
