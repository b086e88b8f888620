"""The page's charts, drawn by plotly: each one an HTML fragment; plotly.js (its basic bundle) is inlined once.

Colours mean pass and fail (green, red) wherever a value is judged; GREEN and BLUE, the task sets, are told apart
by label and fill (solid, hatched), never by colour, so a failing GREEN bar is red, not green.
"""

from __future__ import annotations

import itertools
import math
from datetime import datetime, timedelta
from typing import Any

import plotly.graph_objects as go

from greenlight.report.view import StateSpan

PASS, FAIL, NEUTRAL, LIGHT = "#2e7d32", "#c62828", "#37474f", "#9e9e9e"
PERCENTILES = (("p50_ms", "p50"), ("p95_ms", "p95"), ("p99_ms", "p99"))
ANNOTATION_PLACES = ("top right", "top left", "bottom right", "bottom left")  # close lines keep readable labels
# GREEN and BLUE as the legend and the bars' fill (solid, hatched) tell them apart; colour is pass or fail.
SIDES = {
    "green": {"name": "GREEN (new release): solid", "pattern": ""},
    "blue": {"name": "BLUE (production): hatched", "pattern": "/"},
}
# A small layout of our own instead of a plotly template: a template carries every trace type's defaults.
LAYOUT = {
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "font": {"family": "system-ui, sans-serif", "size": 12, "color": "#222"},
}
AXIS = {"gridcolor": "#eeeeee", "linecolor": "#bdbdbd", "zeroline": False, "showline": True}


def fragment(figure: go.Figure, chart_id: str, height: int = 300) -> str:
    figure.update_layout(height=height, margin={"l": 70, "r": 20, "t": 40, "b": 50}, **LAYOUT)
    figure.update_xaxes(**AXIS)
    figure.update_yaxes(**AXIS)
    html: str = figure.to_html(
        full_html=False, include_plotlyjs=False, div_id=chart_id, config={"displaylogo": False, "responsive": True}
    )
    return html


def _log_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    """Ticks at 1-2-5 steps (ms) between low and high, placed on a log10 axis."""
    ticks = [m * 10**e for e in range(-1, 7) for m in (1, 2, 5) if low <= m * 10**e <= high]
    return [math.log10(t) for t in ticks], [f"{t:g}" for t in ticks]


def latency_chart(chart_id: str, charts: dict[str, Any], observed: dict[str, Any], expected: dict[str, Any]) -> str:
    """The answers' latency distribution (log buckets, drawn on a log10 axis), p50/p95/p99 seen and the p99 limit;
    buckets past the limit are red."""
    histogram = charts.get("latency_histogram") or {}
    edges, counts = histogram.get("edges_ms") or [], histogram.get("counts") or []
    if len(edges) != len(counts) + 1 or not counts or min(edges) <= 0:
        return ""
    limit = expected.get("max_p99_ms")
    logs = [math.log10(edge) for edge in edges]
    centres = [(low + high) / 2 for low, high in itertools.pairwise(logs)]
    widths = [high - low for low, high in itertools.pairwise(logs)]
    pairs = list(itertools.pairwise(edges))
    hover = [f"{low:g}-{high:g} ms: {count}" for (low, high), count in zip(pairs, counts, strict=False)]
    over = isinstance(limit, int | float)
    colours = [FAIL if over and low >= limit else LIGHT for low, _ in pairs]
    figure = go.Figure(
        go.Bar(x=centres, y=counts, width=widths, marker_color=colours, hovertext=hover, hoverinfo="text")
    )
    marks = [(observed.get(key), label, NEUTRAL, "dot") for key, label in PERCENTILES]
    marks.append((limit, "p99 limit", FAIL, "dash"))
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
    figure.update_yaxes(title="answers", rangemode="tozero")
    figure.update_layout(title="Latency of the synthetic requests to GREEN", showlegend=False)
    return fragment(figure, chart_id)


def failures_chart(chart_id: str, failures_by_kind: dict[str, Any]) -> str:
    kinds = {str(kind): count for kind, count in failures_by_kind.items() if isinstance(count, int | float)}
    if not kinds:
        return ""
    ordered = sorted(kinds.items(), key=lambda item: item[1])
    figure = go.Figure(go.Bar(x=[c for _, c in ordered], y=[k for k, _ in ordered], orientation="h", marker_color=FAIL))
    figure.update_layout(title="Failed requests by kind", xaxis_title="requests", yaxis_automargin=True)
    return fragment(figure, chart_id, height=120 + 30 * len(kinds))


def _breaks(value: float, limit: Any, comparison: str) -> bool:
    if not isinstance(limit, int | float):
        return False
    return {"<=": value > limit, "<": value >= limit, ">=": value < limit, ">": value <= limit}.get(comparison, False)


def _label(value: Any, unit: Any) -> str:
    if not isinstance(value, int | float):
        return ""
    return f"{value:.2%}" if unit == "ratio" else f"{value:.3g}"


def _y_axis(series: dict[str, Any], values: list[float]) -> dict[str, Any]:
    """A y axis from 0 that shows every value and the limit, in the check's unit (a rate as a percentage)."""
    limit = series.get("limit")
    top = max([*values, limit if isinstance(limit, int | float) else 0.0, 0.0])
    unit = str(series.get("unit") or "")
    axis: dict[str, Any] = {"range": [0, top * 1.25 if top > 0 else 1], "title": unit}
    if unit == "ratio":
        axis |= {"tickformat": ".1%", "title": "share of requests"}
    return axis


def series_chart(chart_id: str, series: dict[str, Any], start: datetime, step: int, period: int) -> str:
    """One check's value per period over the whole window, a bar per period for GREEN and one for BLUE, with the
    limit: a bar is red when it breaks the limit, green when it meets it; a period without data has no bar."""
    figure = go.Figure()
    drawn: list[float] = []
    length = max(len(series.get("green") or []), len(series.get("blue") or []), 1)
    middles = [start + timedelta(seconds=step * (index + 0.5)) for index in range(length)]
    notes = []
    for side, style in SIDES.items():
        if side not in series:
            continue
        values = list(series.get(side) or [])
        present = [v for v in values if isinstance(v, int | float)]
        if not present:
            notes.append(f"{side.upper()}: no data in the window")
            continue
        drawn += present
        limit, comparison = series.get("limit"), str(series.get("comparison"))
        judged = isinstance(limit, int | float)  # without a limit a value is neither pass nor fail: neutral
        colours = [
            (FAIL if isinstance(v, int | float) and _breaks(v, limit, comparison) else PASS) if judged else NEUTRAL
            for v in values
        ]
        figure.add_trace(
            go.Bar(
                x=middles[: len(values)],
                y=values,
                name=style["name"],
                offsetgroup=side,
                width=[step * 1000 * 0.35] * len(values),
                text=[_label(v, series.get("unit")) for v in values],
                textposition="outside",
                marker={
                    "color": colours if side == "green" else "white",
                    "line": {"color": colours, "width": 2},
                    "pattern": {"shape": style["pattern"], "fgcolor": colours} if style["pattern"] else {},
                },
                hovertemplate=f"{style['name']}: %{{y}}<extra>%{{x|%H:%M:%S}}</extra>",
            )
        )
    if not figure.data:
        return ""
    limit = series.get("limit")
    if isinstance(limit, int | float):
        unit = series.get("unit", "")
        shown = f"{limit:.2%}" if unit == "ratio" else f"{limit:g} {unit}"
        figure.add_hline(
            y=limit, line_color=FAIL, line_dash="dash", annotation_text=f"limit {series.get('comparison', '')} {shown}"
        )
    end = start + timedelta(seconds=step * length)
    figure.update_xaxes(range=[start, end], title="UTC", tickformat="%H:%M:%S", dtick=max(step, 60) * 1000)
    figure.update_yaxes(**_y_axis(series, drawn))
    per = f"per {step} s period" if step == period else f"the worst {period} s period of every {step} s"
    title = f"{series.get('check')}, {per}" + (f" ({'; '.join(notes)})" if notes else "")
    figure.update_layout(
        title=title, barmode="group", bargap=0.3, legend={"orientation": "h", "y": -0.3}, showlegend=True
    )
    return fragment(figure, chart_id, height=280)


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
    """A Gantt of the execution's states: where the time went (a state that never exited is red)."""
    if not spans:
        return ""
    ends = [span.end_s if span.end_s is not None else span.start_s for span in spans]
    figure = go.Figure(
        go.Bar(
            y=[span.name for span in spans],
            base=[span.start_s for span in spans],
            x=[max(end - span.start_s, 0.001) for span, end in zip(spans, ends, strict=True)],
            orientation="h",
            marker_color=[LIGHT if span.end_s is not None else FAIL for span in spans],
            hovertemplate="%{y}: %{x:.3f} s from %{base:.3f} s<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_layout(title="States of the execution", xaxis_title="real seconds from the start")
    return fragment(figure, chart_id, height=140 + 22 * len(spans))
