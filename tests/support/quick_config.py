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


def quick_config(**sections: dict[str, Any]) -> str:
    """QUICK with some settings changed, e.g. quick_config(metrics={"dry_run": True}), as YAML."""
    return yaml.safe_dump({name: {**QUICK[name], **sections.get(name, {})} for name in QUICK})
