"""Step Functions' payload limits, and the bound that keeps every ValidationResult far below them.

A state's input or output over 256 KiB fails the execution with States.DataLimitExceeded, which no Catch
with States.ALL catches; a Fail state's cause (how fail-fast carries a result) may be at most 32,768
characters, the API's limit for an execution's cause. Finalize's input holds the plan and every result, so
each result gets a budget well under both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from common.secrets import redact

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


@dataclass(frozen=True)
class ResultBudgets:
    """How much of a result's reason, observed and expected values is kept."""

    reason_characters: int = REASON_LIMIT_CHARACTERS
    observed_bytes: int = OBSERVED_BUDGET_BYTES
    expected_bytes: int = EXPECTED_BUDGET_BYTES
    charts_bytes: int = CHARTS_BUDGET_BYTES


VALIDATION_BUDGETS = ResultBudgets()
# A custom check's result, one of up to ten (config.sections.checks.MAX_CHECKS) in the `Run Custom Checks` Map's output
# and in Finalize's input: at most 7 KiB each (a reason of 1,000 characters of up to 4 bytes; no chart data).
CHECK_BUDGETS = ResultBudgets(reason_characters=1_000, observed_bytes=2 * 1024, expected_bytes=512, charts_bytes=0)
CHECK_RESULT_BUDGET_BYTES = 7 * 1024
# The plan travels in every state's payload, beside the results in Validate's output and Finalize's input. It holds
# the config, which may come from a layer of 64 KiB (common.config.parsing.MAX_LAYER_BYTES): Prepare refuses a larger
# plan, naming it. With every validation's result and ten checks' at their budgets, Finalize's input stays under
# 220 KiB (tests/functions/common/payload/test_limits.py builds that case); real runs are a few tens of KiB.
PLAN_BUDGET_BYTES = 96 * 1024


def size(document: Any) -> int:
    """Bytes of the document as Step Functions counts them: UTF-8 JSON."""
    return len(json.dumps(document, default=str, ensure_ascii=False).encode())


def cut_text(text: str, limit: int) -> str:
    """`text` in at most `limit` characters; redacted first (secrets.redact), so a cut never leaves part of a secret."""
    text = redact.current().text(text)
    return text if len(text) <= limit else text[: max(0, limit - len(CUT_MARK))] + CUT_MARK


def _shrunk(value: Any, max_text: int, max_items: int, nested: bool = False) -> Any:
    """The value with every string and list shortened, and every mapping below the top level (one entry per request
    kind, say); a cut list or mapping says how much it kept. The top level's own keys (the totals) are all kept."""
    if isinstance(value, str):
        return cut_text(value, max_text)
    if isinstance(value, list):
        kept = [_shrunk(item, max_text, max_items, True) for item in value[:max_items]]
        return kept + ([f"{CUT_MARK}: kept {max_items} of {len(value)}"] if len(value) > max_items else [])
    if isinstance(value, dict):
        entries = list(value.items())
        shown = entries[:max_items] if nested else entries
        mapping = {key: _shrunk(item, max_text, max_items, True) for key, item in shown}
        return mapping | ({CUT_MARK: f"kept {max_items} of {len(entries)}"} if len(shown) < len(entries) else {})
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


def charts_within_budget(charts: dict[str, Any], budget: int = CHARTS_BUDGET_BYTES) -> dict[str, Any]:
    """The chart data as is, or a note instead of it when it would not fit its budget."""
    if not charts or size(charts) <= budget:
        return charts
    return {"cut": f"{size(charts)} bytes of chart data left out to fit Step Functions' payload limit"}
