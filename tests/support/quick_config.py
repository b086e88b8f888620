"""The config local test runs use: small traffic and short deadlines; the metrics are read once the traffic is in."""

from __future__ import annotations

from typing import Any

import yaml

# At time scale 0.05 waits shrink twentyfold, while the emulated listener's health checks run in real time:
# the health deadline (20 s) lasts 1 s, well beyond the 0.1 s a good target needs to turn healthy. No bake time:
# the metrics are read once the local CloudWatch has the synthetic requests (validate_metrics.traffic).
QUICK: dict[str, Any] = {
    "health": {"path": "/health", "interval_seconds": 1, "timeout_seconds": 20, "request_timeout_seconds": 0.3},
    # 0.95 of 40: a request or two that a loaded test machine delays past 0.5 s does not fail a good release;
    # every fault the tests inject fails far more than two.
    "synthetic": {"total_requests": 40, "concurrency": 4, "request_timeout_seconds": 0.5, "min_success_ratio": 0.95},
    # A run whose synthetic requests never all arrive (a crash, a hang) is judged after 7.5 s at the time scale:
    # longer than the local CloudWatch's delay at the CLI's defaults (60 s after the minute, 6 s at 0.05).
    "metrics": {"min_request_count": 10, "data_timeout_seconds": 150},
}
TIME_SCALE = 0.05
# What a quick run passes to LocalRunOptions: waits scaled, and CloudWatch publishing at once (a test about the
# publication delay sets metrics_delay_s itself).
QUICK_RUN: dict[str, Any] = {"time_scale": TIME_SCALE, "metrics_delay_s": None}


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
