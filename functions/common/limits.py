"""Step Functions' payload limits, and the bound that keeps every ValidationResult far below them.

A state's input or output over 256 KiB fails the execution with States.DataLimitExceeded, which no Catch
with States.ALL catches; a Fail state's cause (how fail-fast carries a result) may be at most 32,768
characters, the API's limit for an execution's cause. Finalize's input holds the plan and every result, so
each result gets a budget well under both.
"""

from __future__ import annotations

import json
from typing import Any

from common import redact

STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024
FAIL_CAUSE_LIMIT_CHARACTERS = 32_768
# A result: its reason, observed and expected values and chart data, each bounded; with the rest under 24 KiB.
REASON_LIMIT_CHARACTERS = 2_000
OBSERVED_BUDGET_BYTES = 12 * 1024
EXPECTED_BUDGET_BYTES = 2 * 1024
# What the report draws (latency buckets, series per period): small by construction; over this it is left out whole,
# since a chart cut in the middle would mislead.
CHARTS_BUDGET_BYTES = 8 * 1024
RESULT_BUDGET_BYTES = 24 * 1024
CUT_MARK = "… (cut)"


def size(document: Any) -> int:
    """Bytes of the document as Step Functions counts them: UTF-8 JSON."""
    return len(json.dumps(document, default=str, ensure_ascii=False).encode())


def cut_text(text: str, limit: int) -> str:
    """`text` in at most `limit` characters; redacted first (common.redact), so a cut never leaves part of a secret."""
    text = redact.current().text(text)
    return text if len(text) <= limit else text[: max(0, limit - len(CUT_MARK))] + CUT_MARK


def _shrunk(value: Any, max_text: int, max_items: int) -> Any:
    """The value with every string and list shortened; a cut list says how much it kept."""
    if isinstance(value, str):
        return cut_text(value, max_text)
    if isinstance(value, list):
        kept = [_shrunk(item, max_text, max_items) for item in value[:max_items]]
        return kept + ([f"{CUT_MARK}: kept {max_items} of {len(value)}"] if len(value) > max_items else [])
    if isinstance(value, dict):
        return {key: _shrunk(item, max_text, max_items) for key, item in value.items()}
    return value


def bounded(values: dict[str, Any], budget: int) -> dict[str, Any]:
    """`values` shortened step by step until it fits in `budget` bytes; as a last resort, a note of what was cut."""
    if size(values) <= budget:
        return values
    for max_text, max_items in ((1_000, 20), (300, 10), (100, 5), (40, 2)):
        shrunk = _shrunk(values, max_text, max_items)
        if size(shrunk) <= budget:
            return {**shrunk, "cut": "values shortened to fit Step Functions' payload limit"}
    return {"cut": f"{size(values)} bytes of values left out to fit Step Functions' payload limit"}


def charts_within_budget(charts: dict[str, Any]) -> dict[str, Any]:
    """The chart data as is, or a note instead of it when it would not fit its budget."""
    if size(charts) <= CHARTS_BUDGET_BYTES:
        return charts
    return {"cut": f"{size(charts)} bytes of chart data left out to fit Step Functions' payload limit"}
