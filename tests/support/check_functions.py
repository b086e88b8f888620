"""Handlers standing for the Lambda checks a team owns, for local runs (`--check-function NAME=module:function`)."""

from __future__ import annotations

import time
from typing import Any


def passes(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answers passed, saying what it was asked about: the request reached it whole."""
    green = event["green"]["test_url"]
    return {"status": "passed", "reason": f"{event['check']} saw {event['group']} at {green}", "observed": {"n": 1}}


def fails(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {
        "status": "failed",
        "reason": "orders table is missing the column shipped_at",
        "observed": {"migrations": 41},
    }


def raises(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise KeyError("orders_table")


def hangs(event: dict[str, Any], context: Any) -> dict[str, Any]:
    time.sleep(30)
    return {"status": "passed", "reason": "too late"}
