"""`greenlight report` from a saved --json, `local run --report FILE`, and `greenlight demo`'s two reports."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from common.payload.models import ValidationResult, ValidationStatus, Verdict, VerdictReport
from greenlight.cli.main import main
from greenlight.samples.service import BAD, SampleService
from tests.support.quick_config import quick_config


def test_local_run_writes_the_page_and_report_renders_it_again_from_the_saved_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config, first, second = tmp_path / "greenlight.yaml", tmp_path / "run.html", tmp_path / "again.html"
    config.write_text(quick_config(synthetic={"requests": [{"name": "list items", "path": "/api/items"}]}))
    # GIVEN a failing local run with --json and --report
    with SampleService(BAD) as service:
        args = ["local", "run", "--target-url", service.url, "--config", str(config), "--json", "--report", str(first)]
        code = main(args)
    captured = capsys.readouterr()
    # THEN stdout is the report alone, and the page was written besides
    saved = tmp_path / "run.json"
    saved.write_text(captured.out)
    assert code == 1 and json.loads(captured.out)["verdict"] == "Failed"
    assert f"Report written to {first}" in captured.err and '<h1 id="headline">Stopped: ' in first.read_text()
    # WHEN the saved JSON is rendered again, and so is the bare verdict report (an execution's output)
    bare = tmp_path / "output.json"
    bare.write_text(json.dumps(json.loads(captured.out)["report"]))
    assert main(["report", str(saved), "-o", str(second)]) == 0
    assert main(["report", str(bare), "-o", str(tmp_path / "bare.html")]) == 0
    # THEN both pages name the failing validations and what CodeDeploy was told
    for page in (second, tmp_path / "bare.html"):
        html = page.read_text()
        assert 'id="validation-synthetic"' in html and "greenlight told CodeDeploy: Failed" in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "Expecting value"),
        ('{"hello": 1}', "expected the JSON of `greenlight local run --json`"),
        ('{"verdict": "Maybe", "validations": []}', "not a greenlight verdict report"),
        ('{"execution": {}, "report": null, "states": [{"type": "x"}]}', "its states are not those of a local run"),
        ("\x7fELF\x02\x01\x01\x00 \udcd0", "is not UTF-8 text (byte 9); not a verdict report"),
    ],
)
def test_a_file_that_is_no_verdict_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, message: str
) -> None:
    given = tmp_path / "given.json"
    given.write_bytes(content.encode("utf-8", "surrogateescape"))  # \udcXX: that one byte, not UTF-8
    assert main(["report", str(given), "-o", str(tmp_path / "x.html")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("greenlight: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "x.html").exists()


@pytest.mark.parametrize(
    ("encoding", "mark"),
    [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-8", b"")],
    ids=["utf-8 with a byte order mark", "utf-16 (Windows PowerShell's >)", "utf-8"],
)
def test_a_saved_report_in_an_encoding_json_allows_renders(tmp_path: Path, encoding: str, mark: bytes) -> None:
    # GIVEN an execution's output saved by an editor or a shell that marks its encoding
    report = VerdictReport(
        verdict=Verdict.SUCCEEDED,
        reason="All validations passed: health.",
        deployment_id="d-ABCDEFGHI",
        lifecycle_event_hook_execution_id="hook-1",
        validations=[ValidationResult(name="health", status=ValidationStatus.PASSED, reason="healthy ✓")],
        callback="reported",
    )
    saved, page = tmp_path / "output.json", tmp_path / "page.html"
    saved.write_bytes(mark + report.model_dump_json().encode(encoding))
    # WHEN it is rendered THEN the page is written, its text read as written
    assert main(["report", str(saved), "-o", str(page)]) == 0
    assert 'id="validation-health"' in page.read_text() and "healthy ✓" in page.read_text()


def test_a_byte_order_mark_then_bytes_that_are_not_utf8_name_the_bytes_offset_in_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    given = tmp_path / "given.json"
    given.write_bytes(codecs.BOM_UTF8 + b'{"a": \xff}')
    assert main(["report", str(given), "-o", str(tmp_path / "x.html")]) == 2
    assert capsys.readouterr().err == f"greenlight: {given} is not UTF-8 text (byte 9); not a verdict report\n"


def test_demo_writes_a_report_per_release_and_prints_where(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["demo", "--report-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    good, bad = tmp_path / "v2-good.html", tmp_path / "v3-bad.html"
    assert f"Reports: {good.resolve()}, {bad.resolve()}" in out
    assert '<h1 id="headline">Let through: every validation passed' in good.read_text()
    assert '<h1 id="headline">Stopped: ' in bad.read_text()
