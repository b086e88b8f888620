"""What the page shows, read from any of the three places a verdict comes from.

A local run's `--json` (the verdict report, what CodeDeploy received, the states as they ran), the bare verdict
report (an execution's output), or an execution on Step Functions (DescribeExecution and GetExecutionHistory).
Imported once the project's task root is on sys.path: the verdict report is the functions' own model.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from common.payload.models import VerdictReport


class ReportInputError(Exception):
    """The document is not a verdict greenlight wrote; the message is one line."""


class StateSpan(BaseModel):
    """One state of the execution, in seconds from its start; `end_s` is None for a state that never exited."""

    name: str
    start_s: float
    end_s: float | None


class ReportView(BaseModel):
    report: VerdictReport | None
    execution_arn: str | None = None
    execution_status: str | None = None
    error: str | None = None
    cause: str | None = None
    told_codedeploy: str | None = None  # the status CodeDeploy accepted from this run, when known
    spans: list[StateSpan] = []
    time_scale: float | None = None  # a local run's time scale (None: not a local run, real time)


Entries = list[tuple[str, str, datetime]]  # (history event type, state name, timestamp)


def spans_of(entries: Entries) -> list[StateSpan]:
    """(event type, state name, timestamp) in history order as spans: each entry paired with the exit after it."""
    if not entries:
        return []
    origin = entries[0][2]
    spans: list[StateSpan] = []
    open_spans: dict[str, StateSpan] = {}
    for kind, name, stamp in entries:
        offset = round((stamp - origin).total_seconds(), 3)
        if kind.endswith("Entered"):
            open_spans[name] = StateSpan(name=name, start_s=offset, end_s=None)
            spans.append(open_spans[name])
        elif kind.endswith("Exited") and name in open_spans:
            open_spans.pop(name).end_s = offset
    return spans


def _told(report: VerdictReport | None) -> str | None:
    if report is None or report.callback is None:
        return None
    return report.verdict.value if report.callback == "reported" else "nothing new (a verdict was already in)"


def _report(document: Any) -> VerdictReport:
    try:
        return VerdictReport.model_validate(document)
    except ValidationError as error:
        raise ReportInputError(f"not a greenlight verdict report: {error.errors()[0]['msg']}") from error


def _view(report: VerdictReport | None, arn: Any, execution: dict[str, Any], told: Any, entries: Entries) -> ReportView:
    return ReportView(
        report=report,
        execution_arn=arn,
        execution_status=execution.get("status"),
        error=execution.get("error"),
        cause=execution.get("cause"),
        told_codedeploy=told,
        spans=spans_of(entries),
    )


def from_local_run(document: dict[str, Any]) -> ReportView:
    """A `greenlight local run --json` document."""
    report = _report(document["report"]) if document.get("report") else None
    execution, callback = document.get("execution") or {}, document.get("callback") or {}
    try:
        states = [(s["type"], s["state"], datetime.fromisoformat(s["timestamp"])) for s in document.get("states", [])]
    except (KeyError, TypeError, ValueError) as error:
        raise ReportInputError(f"its states are not those of a local run: {error!r}") from error
    told = callback.get("status") if callback.get("accepted") else None
    view = _view(report, execution.get("arn"), execution, told, states)
    scale = document.get("time_scale")
    view.time_scale = float(scale) if isinstance(scale, int | float) else None
    return view


def from_document(document: Any) -> ReportView:
    """A saved local run (`--json`) or a bare verdict report (an execution's output)."""
    if isinstance(document, dict) and "execution" in document and "report" in document:
        return from_local_run(document)
    if isinstance(document, dict) and "verdict" in document and "validations" in document:
        report = _report(document)
        return ReportView(report=report, told_codedeploy=_told(report))
    raise ReportInputError(
        "expected the JSON of `greenlight local run --json` or an execution's output (a verdict report)"
    )


def from_execution(description: dict[str, Any], history: list[dict[str, Any]]) -> ReportView:
    """DescribeExecution's answer and every GetExecutionHistory event, as boto3 returns them."""
    output = description.get("output")
    report = _report(json.loads(output)) if output else None
    entries = []
    for event in history:
        details = event.get("stateEnteredEventDetails") or event.get("stateExitedEventDetails")
        if details:
            entries.append((str(event["type"]), str(details["name"]), event["timestamp"]))
    return _view(report, description.get("executionArn"), description, _told(report), entries)
