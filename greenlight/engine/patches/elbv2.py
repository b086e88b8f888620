"""ELB target health as the emulated listener's own health checks see it (moto says healthy, always)."""

from __future__ import annotations

from typing import Any

from moto.elbv2.models import ELBv2Backend, FakeHealthStatus

from greenlight.engine.core import context
from greenlight.engine.patches.originals import ORIGINALS, PatchList


def describe_target_health(self: ELBv2Backend, target_group_arn: str, *args: Any, **kwargs: Any) -> Any:
    engine = context.current()
    probe = engine.target_health.get(target_group_arn) if engine else None
    if probe is None:
        return ORIGINALS["describe_target_health"](self, target_group_arn, *args, **kwargs)
    return [
        FakeHealthStatus(t["id"], str(t["port"]), str(t["port"]), t["state"], t.get("reason"), t.get("description"))
        for t in probe()
    ]


PATCHES: PatchList = [(ELBv2Backend, "describe_target_health", describe_target_health)]
