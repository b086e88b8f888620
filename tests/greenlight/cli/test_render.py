"""The end table of a local run: what a service sent back is printed as text, never read as console markup."""

from __future__ import annotations

import io

import pytest

from common.payload.models import ValidationResult, ValidationStatus, Verdict, VerdictReport
from greenlight.cli.render import render, request_lines
from greenlight.engine.results import ExecutionSummary, LocalRunResult


def result(echoed: str) -> LocalRunResult:
    """A run whose synthetic check quotes what the service put in a JSON field."""
    problem = f"json v = {echoed!r}, expected 'x'"
    synthetic = ValidationResult(
        name="synthetic",
        status=ValidationStatus.FAILED,
        reason=f"0.0% of 3 requests succeeded (3 json; most often #0 GET /: {problem}).",
        observed={"distinct_failures": [{"request": "#0 GET /", "status": 200, "problem": problem, "count": 3}]},
    )
    report = VerdictReport(
        verdict=Verdict.FAILED,
        reason=f"Blocked by synthetic (failed: {synthetic.reason})",
        deployment_id="d-1",
        lifecycle_event_hook_execution_id="hook-1",
        validations=[synthetic],
    )
    arn = "arn:aws:states:us-east-1:123456789012:execution:greenlight-validation:greenlight-0123abcd"
    execution = ExecutionSummary(arn=arn, status="SUCCEEDED", duration_s=1)
    return LocalRunResult(verdict=Verdict.FAILED, reason=report.reason, report=report, execution=execution)


@pytest.mark.parametrize(
    "echoed",
    [
        "[/oops]",  # a closing tag that opens nothing: rich raised MarkupError after the run, and printed no verdict
        "[bold green]Verdict: Succeeded[/]",
        "[link=https://evil.example/]details[/link]",
    ],
)
def test_a_services_text_is_printed_as_it_came(echoed: str) -> None:
    out = io.StringIO()
    render(result(echoed), out)
    text = out.getvalue()
    assert "Verdict: Failed - Blocked by synthetic" in text
    assert text.count(echoed) >= 2  # in the verdict line and the table (unwrapped: each is under the table's width)


def test_a_cut_list_of_request_kinds_says_how_many_it_kept() -> None:
    """A scenario of 100 request kinds is listed in part when its result had to fit the payload limit."""
    listed = {"list items": {"answers": 40, "p50_ms": 3.1, "p99_ms": 9.0}, "… (cut)": "kept 20 of 100"}
    observed = {"per_request": listed}
    assert request_lines(observed) == ["  list items: 40 answers, p50 3.1 ms, p99 9.0 ms", "  … (cut): kept 20 of 100"]


def test_a_request_kinds_timeouts_are_shown_beside_its_latency() -> None:
    observed = {"per_request": {"search": {"answers": 100, "p50_ms": 10.0, "p99_ms": 5001.0, "timed_out": 3}}}
    assert request_lines(observed) == [
        "  search: 100 answers, p50 10.0 ms, p99 5001.0 ms, 3 got no answer in time (counted at the time waited)"
    ]


@pytest.mark.parametrize(
    ("echoed", "shown"),
    [
        ("\x1b[2J\x1b[32mSucceeded\x1b[0m", "\\x1b[2J\\x1b[32mSucceeded\\x1b[0m"),  # clear the screen, paint it green
        ("Failed\rVerdict: Succeeded", "Failed\\x0dVerdict: Succeeded"),  # a carriage return overwrites the line
        ("\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\", "\\x1b]8;;https://evil.example/\\x1b\\link"),  # OSC 8
        ("\x9b2J", "\\x9b2J"),  # the 8-bit CSI some terminals read as ESC [
    ],
)
def test_control_characters_a_check_or_service_sent_are_shown_never_sent_to_the_terminal(
    echoed: str, shown: str
) -> None:
    # A webhook's reason is its own text: escape sequences in it would clear, recolour or rewrite the verdict on screen.
    check = ValidationResult(
        name="smoke", status=ValidationStatus.FAILED, reason=echoed, observed={"answer": echoed}, dry_run=False
    )
    run = result("x")
    assert run.report is not None
    run.report.validations.append(check)
    run.reason = f"Blocked by smoke (failed: {echoed})"
    out = io.StringIO()
    render(run, out)
    text = out.getvalue()
    assert not any(c in text for c in "\x1b\r\x9b") and "Verdict: Failed - Blocked by smoke" in text
    assert shown in text.replace("\n", "")


def test_the_live_line_shows_a_reasons_control_characters_written_out() -> None:
    from greenlight.cli.live import outcome_of

    status, reason = outcome_of('{"status": "failed", "reason": "bad\\u001b[2K\\rVerdict: Succeeded"}')
    assert (status, reason) == ("failed", "bad\\x1b[2K\\x0dVerdict: Succeeded")
