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


@pytest.mark.parametrize(("option", "limit"), [("--parameter", 8192), ("--secret", 65536)])
def test_a_value_over_what_the_service_holds_is_refused_and_an_endless_file_is_read_no_further(
    option: str, limit: int, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a value file that never ends (read whole, the run would never start)
    err = refused(["local", "run", "--target-url", NOTHING_LISTENS, option, "name=@/dev/zero"], capsys)
    # THEN it is refused naming the limit AWS holds a value to
    assert err == f"greenlight: {option} name=@/dev/zero is over the {limit} bytes a value may have on AWS\n"


@pytest.mark.parametrize(("option", "limit"), [("--parameter", 8192), ("--secret", 65536)])
def test_a_value_at_the_limit_is_taken_and_one_byte_more_is_refused(
    option: str, limit: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from greenlight.cli.local import seeded_parameters

    at_limit, over = tmp_path / "at", tmp_path / "over"
    at_limit.write_text("é" * (limit // 2))  # two bytes each in UTF-8
    over.write_text("x" * (limit + 1))
    assert seeded_parameters([f"name=@{at_limit}"], option) == {"name": "é" * (limit // 2)}
    err = refused(["local", "run", "--target-url", NOTHING_LISTENS, option, f"name={'x' * (limit + 1)}"], capsys)
    assert "is over the" in err
    err = refused(["local", "run", "--target-url", NOTHING_LISTENS, option, f"name=@{over}"], capsys)
    assert f"{option} name=@{over} is over the {limit} bytes" in err


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
