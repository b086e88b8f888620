"""The page: one HTML file with everything inlined (plotly.js included), so it opens offline and can be mailed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jinja2
from plotly.offline import get_plotlyjs

from common.models import ValidationResult, ValidationStatus
from greenlight.report import charts
from greenlight.report.view import ReportView

HIDDEN = ("distinct_failures", "checks", "window", "failures_by_kind", "targets")


def headline(view: ReportView) -> str:
    """The verdict and why, in one sentence."""
    report = view.report
    if report is None:
        status = view.execution_status or "unknown"
        return f"No verdict report: the execution ended {status} ({view.error or 'no error'}: {view.cause or ''})."
    if report.verdict.value == "Succeeded":
        return f"greenlight let this deployment through. {report.reason}"
    return f"greenlight stopped this deployment. {report.reason}"


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
    observed = {k: v for k, v in result.observed.items() if k not in HIDDEN}
    prefix = f"chart-{index}"
    drawn = [
        charts.latency_chart(f"{prefix}-latency", result.charts, result.observed, result.expected),
        charts.failures_chart(f"{prefix}-failures", result.observed.get("failures_by_kind") or {}),
        *charts.metric_charts(f"{prefix}-series", result.charts),
    ]
    return {
        "result": result,
        "failing": result.status in (ValidationStatus.FAILED, ValidationStatus.ERROR),
        "observed": observed,
        "checks": [c for c in result.observed.get("checks") or [] if isinstance(c, dict)],
        "failures": [f for f in result.observed.get("distinct_failures") or [] if isinstance(f, dict)],
        "charts": [html for html in drawn if html],
        "charts_cut": result.charts.get("cut"),
    }


def environment() -> jinja2.Environment:
    loader = jinja2.PackageLoader("greenlight.report", "templates")
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)


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
            plotly_js=get_plotlyjs(),
            generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        )
    )
