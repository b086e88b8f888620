"""The page's charts, drawn by plotly: each one an HTML fragment; plotly.js is inlined once by the page."""

from __future__ import annotations

import itertools
import math
from datetime import datetime, timedelta
from typing import Any

import plotly.graph_objects as go

from greenlight.report.view import StateSpan

GREEN, BLUE, LIMIT, GREY = "#2e7d32", "#1565c0", "#c62828", "#757575"
PERCENTILES = (("p50_ms", "p50"), ("p95_ms", "p95"), ("p99_ms", "p99"))
ANNOTATION_PLACES = ("top right", "top left", "bottom right", "bottom left")  # close lines keep readable labels


def fragment(figure: go.Figure, chart_id: str, height: int = 300) -> str:
    figure.update_layout(height=height, margin={"l": 60, "r": 20, "t": 40, "b": 50}, template="plotly_white")
    html: str = figure.to_html(
        full_html=False, include_plotlyjs=False, div_id=chart_id, config={"displaylogo": False, "responsive": True}
    )
    return html


def _log_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    """Ticks at 1-2-5 steps (ms) between low and high, placed on a log10 axis."""
    ticks = [m * 10**e for e in range(-1, 7) for m in (1, 2, 5) if low <= m * 10**e <= high]
    return [math.log10(t) for t in ticks], [f"{t:g}" for t in ticks]


def latency_chart(chart_id: str, charts: dict[str, Any], observed: dict[str, Any], expected: dict[str, Any]) -> str:
    """The answers' latency distribution (log buckets, drawn on a log10 axis), p50/p95/p99 seen and the p99 limit."""
    histogram = charts.get("latency_histogram") or {}
    edges, counts = histogram.get("edges_ms") or [], histogram.get("counts") or []
    if len(edges) != len(counts) + 1 or not counts or min(edges) <= 0:
        return ""
    logs = [math.log10(edge) for edge in edges]
    centres = [(low + high) / 2 for low, high in itertools.pairwise(logs)]
    widths = [high - low for low, high in itertools.pairwise(logs)]
    hover = [
        f"{low:g}-{high:g} ms: {count}" for (low, high), count in zip(itertools.pairwise(edges), counts, strict=False)
    ]
    figure = go.Figure(go.Bar(x=centres, y=counts, width=widths, marker_color=GREY, hovertext=hover, hoverinfo="text"))
    marks = [(observed.get(key), label, GREEN, "dot") for key, label in PERCENTILES]
    marks.append((expected.get("max_p99_ms"), "p99 limit", LIMIT, "dash"))
    shown = [edges[0], edges[-1]]
    for (value, label, colour, dash), place in zip(marks, ANNOTATION_PLACES, strict=True):
        if isinstance(value, int | float) and value > 0:
            shown.append(value)
            figure.add_vline(
                x=math.log10(value),
                line_dash=dash,
                line_color=colour,
                annotation_text=f"{label} {value:g} ms",
                annotation_position=place,
            )
    tickvals, ticktext = _log_ticks(min(shown) / 1.5, max(shown) * 1.5)
    figure.update_xaxes(title="latency (ms, log scale)", tickvals=tickvals, ticktext=ticktext)
    figure.update_yaxes(title="answers")
    figure.update_layout(title="Latency of the synthetic requests", showlegend=False)
    return fragment(figure, chart_id)


def failures_chart(chart_id: str, failures_by_kind: dict[str, Any]) -> str:
    kinds = {str(kind): count for kind, count in failures_by_kind.items() if isinstance(count, int | float)}
    if not kinds:
        return ""
    ordered = sorted(kinds.items(), key=lambda item: item[1])
    figure = go.Figure(
        go.Bar(x=[c for _, c in ordered], y=[k for k, _ in ordered], orientation="h", marker_color=LIMIT)
    )
    figure.update_layout(title="Failures by kind", xaxis_title="requests")
    return fragment(figure, chart_id, height=120 + 30 * len(kinds))


def _times(start: datetime, step: int, count: int) -> list[datetime]:
    return [start + timedelta(seconds=step * index) for index in range(count)]


def series_chart(chart_id: str, series: dict[str, Any], start: datetime, step: int, period: int) -> str:
    """One check's value per period over the window, GREEN and BLUE, with its limit."""
    figure = go.Figure()
    for side, colour in (("green", GREEN), ("blue", BLUE)):
        values = series.get(side)
        if values:
            x = _times(start, step, len(values))
            figure.add_trace(go.Scatter(x=x, y=values, name=side.upper(), line_color=colour, mode="lines+markers"))
    if not figure.data:
        return ""
    limit = series.get("limit")
    if isinstance(limit, int | float):
        figure.add_hline(
            y=limit,
            line_color=LIMIT,
            line_dash="dash",
            annotation_text=f"limit {series.get('comparison', '')} {limit:g}",
        )
    length = max(len(series.get("green") or []), len(series.get("blue") or []))
    figure.update_xaxes(range=[start - timedelta(seconds=step / 2), start + timedelta(seconds=step * (length - 0.5))])
    per = f"per {step} s" if step == period else f"the worst {period} s period of every {step} s"
    figure.update_layout(title=f"{series.get('check')}, {per}", yaxis_title=str(series.get("unit", "")))
    return fragment(figure, chart_id, height=260)


def metric_charts(prefix: str, charts: dict[str, Any]) -> list[str]:
    try:
        start, step = datetime.fromisoformat(charts["start"]), int(charts["step_seconds"])
        period = int(charts.get("period_seconds", step))
    except (KeyError, TypeError, ValueError):
        return []
    drawn = [
        series_chart(f"{prefix}-{index}", s, start, step, period) for index, s in enumerate(charts.get("series") or [])
    ]
    return [html for html in drawn if html]


def timeline_chart(chart_id: str, spans: list[StateSpan]) -> str:
    """A Gantt of the execution's states: where the time went."""
    if not spans:
        return ""
    ends = [span.end_s if span.end_s is not None else span.start_s for span in spans]
    figure = go.Figure(
        go.Bar(
            y=[span.name for span in spans],
            base=[span.start_s for span in spans],
            x=[max(end - span.start_s, 0.001) for span, end in zip(spans, ends, strict=True)],
            orientation="h",
            marker_color=[GREY if span.end_s is not None else LIMIT for span in spans],
            hovertemplate="%{y}: %{x:.3f} s from %{base:.3f} s<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(title="States of the execution", xaxis_title="seconds from the start")
    return fragment(figure, chart_id, height=140 + 22 * len(spans))
