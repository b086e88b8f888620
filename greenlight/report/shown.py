"""Words for the page: the one-line headline, and every value as a person reads it (never a Python repr)."""

from __future__ import annotations

from typing import Any

from common.payload.models import ValidationStatus
from greenlight.report.view import ReportView

HEADLINE_CAUSE_CHARACTERS = 160  # the first cause, as far as one line holds it; the whole reason is below


def shown(value: Any) -> str:
    """A value as text: no `None`, `True`, braces or quotes."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return "; ".join(f"{key.replace('_', ' ')} {shown(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(shown(item) for item in value) or "none"
    return str(value)


def _first_cause(reason: str) -> str:
    """The reason's first clause, its details in parentheses left for the line below."""
    cause = reason.split("; ", maxsplit=1)[0].split(" (", maxsplit=1)[0].rstrip(".")
    if len(cause) > HEADLINE_CAUSE_CHARACTERS:
        cause = cause[: HEADLINE_CAUSE_CHARACTERS - 1].rsplit(" ", 1)[0] + "…"
    return cause


def headline(view: ReportView) -> str:
    """What was decided and the first cause, in one line."""
    report = view.report
    if report is None:
        status = view.execution_status or "unknown"
        return f"No verdict: the execution ended {status}" + (f" ({view.error})" if view.error else "") + "."
    counted = [v for v in report.validations if not v.dry_run and v.status is not ValidationStatus.SKIPPED]
    order = [ValidationStatus.FAILED, ValidationStatus.ERROR, ValidationStatus.INCONCLUSIVE]
    blocking = sorted((v for v in counted if v.status in order), key=lambda v: order.index(v.status))
    if report.bypass is not None:
        without = report.bypass.verdict_without_bypass
        return f"Let through by a bypass ({report.bypass.by}); without it: {without.value if without else 'unknown'}."
    if report.verdict.value == "Succeeded":
        names = ", ".join(v.name for v in counted) or "nothing was planned"
        return f"Let through: every validation passed ({names})."
    if not blocking:
        return f"Stopped: {_first_cause(report.reason)}."
    first = blocking[0]
    return f"Stopped: {first.name} {first.status.value}: {_first_cause(first.reason)}."


def with_unit(value: Any, unit: Any) -> str:
    """A metric value in its unit: a rate as a percentage, seconds with s, hosts counted; none as no data."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "no data" if value is None else shown(value)
    if unit == "ratio":
        return f"{value * 100:.3g}%"
    if unit == "s":
        return f"{value:.3g} s"
    return f"{value:g}"


def vs_blue_rows(vs_blue: Any) -> list[dict[str, str]]:
    """GREEN against BLUE as rows: the medians, then each tail judged (per request kind) with its ratio and bound."""
    if not isinstance(vs_blue, dict) or not vs_blue.get("compared"):
        return []
    rows = []
    if isinstance(vs_blue.get("green_p50_ms"), int | float) and isinstance(vs_blue.get("blue_p50_ms"), int | float):
        rows.append(
            {
                "quantile": "p50, all requests",
                "green": f"{vs_blue['green_p50_ms']:g} ms",
                "blue": f"{vs_blue['blue_p50_ms']:g} ms",
                "ratio": "",
                "bound": f"Mann-Whitney p={shown(vs_blue.get('p_value'))}",
            }
        )
    for tail in vs_blue.get("tails") or []:
        if not isinstance(tail, dict):
            continue
        rows.append(
            {
                "quantile": f"{tail.get('quantile')}, {tail.get('request')}",
                "green": f"{shown(tail.get('green_ms'))} ms",
                "blue": f"{shown(tail.get('blue_ms'))} ms",
                "ratio": shown(tail.get("ratio")),
                "bound": f"at least {shown(tail.get('lower_bound'))}",
            }
        )
    return rows
