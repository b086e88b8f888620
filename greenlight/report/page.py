"""The page: one HTML file with everything inlined (plotly.js's basic bundle included), so it opens offline and can
be mailed. One line on top says what was decided and the first cause; the details follow."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.resources import files
from typing import Any

import jinja2

from common.payload.models import ValidationResult, ValidationStatus
from greenlight.report import charts
from greenlight.report.shown import headline, shown, vs_blue_rows, with_unit
from greenlight.report.view import ReportView

# Drawn as tables of their own (or charts), not as a value in the observed table.
HIDDEN = ("distinct_failures", "checks", "window", "failures_by_kind", "targets", "per_request", "vs_blue")
# plotly.js's basic bundle (bar, scatter, pie: all the page draws), 1.2 MB against the full bundle's 4.8 MB; the
# version plotly.py builds its figures for (a test keeps them in step).
PLOTLY_BUNDLE = "plotly-basic.min.js"


def told(view: ReportView) -> str:
    status = view.execution_status or "unknown"
    ran = "ran to completion" if status == "SUCCEEDED" else f"ended {status}"
    report = view.report
    if report is not None and report.engine == "ecs":
        answer = "SUCCEEDED" if report.verdict.value == "Succeeded" else "FAILED"
        return f"The workflow {ran}; from this verdict the ECS hook answers {answer} at {report.stage or 'its stage'}."
    return f"The workflow {ran}; greenlight told CodeDeploy: {view.told_codedeploy or 'nothing'}."


def card(result: ValidationResult, index: int) -> dict[str, Any]:
    """What one validation's card shows: observed against expected, the decision, and its charts."""
    observed = {k: shown(v) for k, v in result.observed.items() if k not in HIDDEN}
    prefix = f"chart-{index}"
    drawn = [
        charts.latency_chart(f"{prefix}-latency", result.charts, result.observed, result.expected),
        charts.failures_chart(f"{prefix}-failures", result.observed.get("failures_by_kind") or {}),
        *charts.metric_charts(f"{prefix}-series", result.charts),
    ]
    per_request = result.observed.get("per_request")
    return {
        "result": result,
        "failing": result.status in (ValidationStatus.FAILED, ValidationStatus.ERROR),
        "observed": observed,
        "expected": {k: shown(v) for k, v in result.expected.items()},
        "checks": [c for c in result.observed.get("checks") or [] if isinstance(c, dict)],
        "failures": [f for f in result.observed.get("distinct_failures") or [] if isinstance(f, dict)],
        # Each request kind's figures; a note that the list was cut to fit the payload limit is not a request kind.
        "per_request": {k: v for k, v in per_request.items() if isinstance(v, dict)}
        if isinstance(per_request, dict)
        else {},
        "vs_blue": vs_blue_rows(result.observed.get("vs_blue")),
        "charts": [html for html in drawn if html],
        "charts_cut": result.charts.get("cut"),
    }


def environment() -> jinja2.Environment:
    loader = jinja2.PackageLoader("greenlight.report", "templates")
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["shown"] = shown
    env.filters["with_unit"] = with_unit
    return env


def plotly_js() -> str:
    return files("greenlight.report").joinpath("vendor", PLOTLY_BUNDLE).read_text(encoding="utf-8")


def render_page(view: ReportView) -> str:
    validations = view.report.validations if view.report else []
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            view=view,
            headline=headline(view),
            told=told(view),
            cards=[card(result, index) for index, result in enumerate(validations)],
            timeline=charts.timeline_chart("chart-timeline", view.spans),
            plotly_js=plotly_js(),
            generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        )
    )
