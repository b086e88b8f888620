"""The report page from a verdict: one sentence on top, a card per validation, charts, and one file with nothing
fetched from anywhere. (Drawn in a real browser in tests/greenlight/report/test_report_browser.py.)"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from common.payload.models import ValidationResult, ValidationStatus, Verdict, VerdictReport
from greenlight.report.page import render_page
from greenlight.report.view import ReportInputError, ReportView, from_document, from_execution, spans_of

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def synthetic(reason: str = "70.0% of 100 requests succeeded, below 99.0%.") -> ValidationResult:
    return ValidationResult(
        name="synthetic",
        status=ValidationStatus.FAILED,
        reason=reason,
        observed={
            "success_ratio": 0.7,
            "p50_ms": 8.0,
            "p95_ms": 40.0,
            "p99_ms": 1500.0,
            "failures_by_kind": {"status 500": 30},
            "distinct_failures": [{"request": "list items", "status": 500, "problem": "status 500", "count": 30}],
        },
        expected={"min_success_ratio": 0.99, "max_p99_ms": 1000.0},
        charts={"latency_histogram": {"edges_ms": [5.0, 50.0, 500.0, 5000.0], "counts": [60, 30, 10]}},
    )


def metrics() -> ValidationResult:
    check = {"check": "5xx_rate", "value": 0.3, "threshold": "<= 0.01", "status": "failed", "decision": "0.3 breaks"}
    series = {
        "check": "5xx_rate",
        "unit": "ratio",
        "limit": 0.01,
        "comparison": "<=",
        "green": [0.0, 0.3],
        "blue": [0.0, 0.0],
    }
    return ValidationResult(
        name="metrics",
        status=ValidationStatus.FAILED,
        reason="5xx_rate 0.3 breaks <= 0.01.",
        observed={"checks": [check]},
        charts={"start": T0.isoformat(), "step_seconds": 60, "series": [series]},
    )


def report(*validations: ValidationResult, **fields: Any) -> VerdictReport:
    return VerdictReport(
        verdict=Verdict.FAILED,
        reason="Blocked by synthetic (failed: 70.0% of 100 requests succeeded).",
        deployment_id="d-ABCDEFGHI",
        lifecycle_event_hook_execution_id="hook-1",
        validations=list(validations),
        callback="reported",
        **fields,
    )


def history() -> list[dict[str, Any]]:
    def event(kind: str, name: str, seconds: float) -> dict[str, Any]:
        key = "stateEnteredEventDetails" if kind.endswith("Entered") else "stateExitedEventDetails"
        return {"type": kind, "timestamp": T0 + timedelta(seconds=seconds), key: {"name": name}}

    return [
        {"type": "ExecutionStarted", "timestamp": T0},
        event("TaskStateEntered", "Prepare", 0.0),
        event("TaskStateExited", "Prepare", 0.4),
        event("TaskStateEntered", "Validate Synthetic", 0.5),
        event("TaskStateExited", "Validate Synthetic", 3.5),
        event("TaskStateEntered", "Finalize", 3.6),
    ]


def test_the_states_become_spans_in_seconds_from_the_start() -> None:
    entries = [(e["type"], e[k]["name"], e["timestamp"]) for e in history()[1:] for k in e if k.endswith("Details")]
    spans = spans_of(entries)
    assert [(s.name, s.start_s, s.end_s) for s in spans] == [
        ("Prepare", 0.0, 0.4),
        ("Validate Synthetic", 0.5, 3.5),
        ("Finalize", 3.6, None),  # still running, or never exited: drawn, and marked
    ]


def test_an_execution_becomes_a_view_with_what_codedeploy_was_told() -> None:
    output = report(synthetic()).model_dump_json()
    description = {"executionArn": "arn:aws:states:us-east-1:1:execution:m:e", "status": "SUCCEEDED", "output": output}
    view = from_execution(description, history())
    assert view.told_codedeploy == "Failed" and view.execution_status == "SUCCEEDED"
    assert [span.name for span in view.spans] == ["Prepare", "Validate Synthetic", "Finalize"]


def test_the_page_leads_with_the_verdict_and_draws_every_chart_inline() -> None:
    view = from_document(json.loads(report(synthetic(), metrics()).model_dump_json()))
    view.execution_status, view.spans = "SUCCEEDED", spans_of([("TaskStateEntered", "Prepare", T0)])
    html = render_page(view)
    headline = re.search(r'<h1 id="headline">(.*?)</h1>', html, re.S)
    # THEN one line says what was decided and the first cause; the whole reason follows below it
    assert headline and headline.group(1) == "Stopped: synthetic failed: 70.0% of 100 requests succeeded, below 99.0%."
    assert "Failed: Blocked by synthetic (failed: 70.0% of 100 requests succeeded)." in html
    assert "The workflow ran to completion; greenlight told CodeDeploy: Failed." in html
    for chart in ("chart-0-latency", "chart-0-failures", "chart-1-series-0", "chart-timeline"):
        assert f'id="{chart}"' in html
    # one file: plotly.js is inlined, nothing is loaded from anywhere
    assert "<script src" not in html and "<link" not in html and "plotly.js (basic - minified) v" in html
    assert len(html.encode()) <= 1_500_000


def test_text_from_the_service_is_escaped_never_run() -> None:
    hostile = "<script>alert('x')</script> answered"
    html = render_page(from_document(json.loads(report(synthetic(reason=hostile)).model_dump_json())))
    assert hostile not in html and "&lt;script&gt;alert(" in html


def test_chart_data_left_out_for_size_says_so_and_the_card_stays() -> None:
    result = synthetic()
    result.charts = {"cut": "9000 bytes of chart data left out to fit Step Functions' payload limit"}
    html = render_page(ReportView(report=report(result)))
    assert 'id="validation-synthetic"' in html and "chart data left out" in html and 'id="chart-0-latency"' not in html


def test_an_execution_without_output_still_has_a_page_that_says_why() -> None:
    description = {
        "executionArn": "arn:aws:states:us-east-1:1:execution:m:e",
        "status": "FAILED",
        "error": "States.Timeout",
    }
    html = render_page(from_execution(description, history()))
    assert "No verdict: the execution ended FAILED (States.Timeout)." in html
    assert "greenlight told CodeDeploy: nothing" in html


@pytest.mark.parametrize("document", [[], {"hello": 1}, {"verdict": "Maybe", "validations": []}])
def test_a_document_that_is_no_verdict_is_refused(document: Any) -> None:
    with pytest.raises(ReportInputError):
        from_document(document)


def test_a_long_window_folded_to_fewer_points_says_each_point_is_the_worst_period() -> None:
    result = metrics()
    result.charts |= {"period_seconds": 60, "step_seconds": 360}
    html = render_page(ReportView(report=report(result)))
    assert "5xx_rate, the worst 60 s period of every 360 s" in html
    assert "5xx_rate, per 60 s" in render_page(ReportView(report=report(metrics())))


def test_the_inlined_bundle_is_the_plotly_js_version_plotly_py_draws_for() -> None:
    from importlib.resources import files

    full = files("plotly").joinpath("package_data", "plotly.min.js").read_text(encoding="utf-8")[:200]
    basic = files("greenlight.report").joinpath("vendor", "plotly-basic.min.js").read_text(encoding="utf-8")[:200]
    version = re.search(r"plotly\.js v(\S+)", full)
    assert version and f"plotly.js (basic - minified) v{version.group(1)}" in basic


def test_no_python_repr_reaches_the_page() -> None:
    result = metrics()
    result.observed |= {
        "publication": {"last_period": "2026-11-27T12:00:00+00:00", "published": True, "waited_seconds": 0.0},
        "stopped_at_deadline": None,
    }
    result.observed["checks"][0] |= {"value": None}
    html = render_page(ReportView(report=report(result)))
    body = html[html.index("<body>") :]
    for repr_text in ("{'", "': ", "None", "True", "False", "[]"):
        assert repr_text not in re.sub(r"<script.*?</script>", "", body, flags=re.S), repr_text
    assert "last period 2026-11-27T12:00:00+00:00; published yes; waited seconds 0" in html
    assert "no data" in html


def test_an_ecs_verdict_shows_its_engine_stage_cluster_and_service() -> None:
    ecs = report(
        synthetic(),
        engine="ecs",
        stage="POST_TEST_TRAFFIC_SHIFT",
        lifecycle_event="AfterAllowTestTraffic",
        application_name="orders-cluster",
        deployment_group_name="orders",
    )
    html = render_page(ReportView(report=ecs))
    assert (
        "Amazon ECS service deployment d-ABCDEFGHI of cluster orders-cluster, service orders, lifecycle stage "
        "POST_TEST_TRAFFIC_SHIFT (judged as CodeDeploy's AfterAllowTestTraffic)" in html
    )
    assert "CodeDeploy deployment" not in html


def test_a_passing_release_says_so_in_one_line() -> None:
    passed = synthetic()
    passed.status = ValidationStatus.PASSED
    good = report(passed).model_copy(update={"verdict": Verdict.SUCCEEDED})
    assert re.search(
        r'<h1 id="headline">Let through: every validation passed \(synthetic\)\.</h1>',
        render_page(ReportView(report=good)),
    )


def test_a_time_scaled_local_run_says_so_and_a_run_at_real_time_does_not() -> None:
    document = {
        "report": json.loads(report(synthetic()).model_dump_json()),
        "execution": {"arn": "arn:aws:states:us-east-1:1:execution:m:e", "status": "SUCCEEDED"},
        "callback": {"status": "Failed", "accepted": True},
        "states": [],
    }
    scaled = render_page(from_document(document | {"time_scale": 0.05}))
    assert "A local run, time-scaled x0.05: waits, retry intervals and the validators' deadlines took 0.05" in scaled
    assert "every time shown is real seconds" in scaled
    assert 'id="time-scale"' not in render_page(from_document(document | {"time_scale": 1.0}))
