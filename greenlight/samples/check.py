"""The sample service's own custom check, for the demo: a webhook (POST /checks/smoke) a service team would write.

It receives greenlight's check document (docs/check-request.schema.json), places a few orders' worth of GETs on
GREEN through the listener greenlight names (with the headers and query the listener's rule needs), and answers
passed or failed with a reason (docs/check-answer.schema.json). examples/custom-checks/ has one to copy.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

SMOKE_PATH = "/checks/smoke"
TRIES = 20
TIMEOUT_S = 2.0


def _get(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310  (an http URL greenlight gave)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:  # noqa: S310
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, OSError):
        return 0


def smoke_answer(document: dict[str, Any]) -> dict[str, Any]:
    """The check's answer to one deployment's document."""
    green = document["green"]
    query = urllib.parse.urlencode(green.get("query") or {})
    url = green["test_url"].rstrip("/") + "/api/items" + (f"?{query}" if query else "")
    statuses = [_get(url, green.get("headers") or {}) for _ in range(TRIES)]
    bad = [status for status in statuses if status != 200]
    observed = {"requests": TRIES, "not_ok": len(bad), "statuses": statuses}
    if bad:
        reason = f"{len(bad)} of {TRIES} orders failed: GET /api/items answered {', '.join(map(str, sorted(set(bad))))}"
        return {"status": "failed", "reason": reason, "observed": observed}
    return {"status": "passed", "reason": f"{TRIES} of {TRIES} orders went through", "observed": observed}


def answer_webhook(body: bytes) -> tuple[int, dict[str, Any]]:
    """HTTP status and JSON answer for a POST to the smoke check."""
    try:
        document = json.loads(body)
        return 200, smoke_answer(document)
    except (ValueError, KeyError, TypeError) as error:
        return 400, {"error": f"not a greenlight check request: {error}"}
