"""What an ALB publishes to CloudWatch for one request, each metric with the dimensions AWS gives it (the ALB metrics
page): the target's own answers per target group, the ALB's own 502/504 per load balancer only, and connections it
could not establish to the target as TargetConnectionErrorCount.
"""

from __future__ import annotations

from typing import Any

from greenlight.engine.balancer.upstream import ElbAnswer

Datum = tuple[str, float, str, list[dict[str, Any]]]  # name, value, unit, dimensions


def request_metrics(answer: ElbAnswer, elapsed: float, group: list[dict[str, str]]) -> list[Datum]:
    """The data points of one request; `group` is the target group's dimensions (TargetGroup and LoadBalancer)."""
    balancer: list[dict[str, Any]] = [d for d in group if d["Name"] == "LoadBalancer"]
    datums: list[Datum] = [("RequestCount", 1.0, "Count", list(group))]
    if answer.from_target:
        datums.append(("TargetResponseTime", elapsed, "Seconds", list(group)))
        if (answer.status or 0) >= 500:
            datums.append(("HTTPCode_Target_5XX_Count", 1.0, "Count", list(group)))
    else:
        datums += [
            (f"HTTPCode_ELB_{answer.status}_Count", 1.0, "Count", balancer),
            ("HTTPCode_ELB_5XX_Count", 1.0, "Count", balancer),
        ]
    if answer.connection_error:
        datums.append(("TargetConnectionErrorCount", 1.0, "Count", list(group)))
    return datums
