"""The config local test runs use: small traffic and short deadlines, with the bake time covering the traffic."""

from __future__ import annotations

from typing import Any

import yaml

# At time scale 0.05 waits shrink twentyfold, while the emulated listener's health checks run in real time:
# the health deadline (20 s) lasts 1 s, well beyond the 0.1 s a good target needs to turn healthy, and the
# bake time (40 s) lasts 2 s, well beyond the synthetic traffic.
QUICK: dict[str, Any] = {
    "health": {"path": "/health", "interval_seconds": 1, "timeout_seconds": 20, "request_timeout_seconds": 0.3},
    "synthetic": {"total_requests": 40, "concurrency": 4, "request_timeout_seconds": 0.5},
    "metrics": {"bake_seconds": 40, "min_request_count": 10},
}
TIME_SCALE = 0.05


def quick_config(alone: bool = False, **sections: Any) -> str:
    """QUICK with some settings changed, e.g. quick_config(metrics={"dry_run": True}), as YAML; a setting QUICK does
    not have (webhooks, lambda_checks) is added as given.

    `alone`: every other registered validation (one added later) is switched off, for a test whose outcome its
    traffic would change (a probe of a failing health path adds 5xx answers to what the metrics read)."""
    document: dict[str, Any] = {name: {**QUICK[name], **sections.get(name, {})} for name in QUICK}
    document |= {name: value for name, value in sections.items() if name not in QUICK}
    if alone:
        from common.config import VALIDATIONS

        document |= {name: {"enabled": False} for name in VALIDATIONS if name not in QUICK}
    return yaml.safe_dump(document)
