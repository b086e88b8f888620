"""The traffic the metrics judge: what the run sends GREEN through the test listener, as the plan tells it.

The synthetic validation sends it, in the same Parallel as this one, from about when Prepare ends. Knowing how much
(a count) or until when (a duration), the read waits for the minute the traffic ends in to be published, and no
longer: no fixed bake time is needed to cover the traffic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from common.config import SyntheticConfig
from common.payload.models import Plan

SYNTHETIC = "synthetic"
# From the end of Prepare to the synthetic function's first request: the Task's start and a cold start (in a VPC).
START_MARGIN_S = 30.0


@dataclass(frozen=True)
class Traffic:
    """`requests`: how many requests reach GREEN through the test listener (None: not a count); `ends_by`: when the
    traffic has ended at the latest (None: not a duration). Both None: no traffic of the run's own to wait for."""

    requests: int | None = None
    ends_by: datetime | None = None

    def describe(self) -> str:
        if self.requests is not None:
            return f"synthetic's {self.requests} requests to the test listener"
        if self.ends_by is not None:
            return f"synthetic's traffic, over by {self.ends_by.strftime('%H:%M:%S')} UTC"
        return "the minute of the read"


def of_plan(plan: Plan) -> Traffic:
    if not plan.planned.get(SYNTHETIC) or SYNTHETIC not in plan.config:
        return Traffic()
    synthetic = SyntheticConfig.model_validate(plan.config[SYNTHETIC])
    return of_synthetic(synthetic, plan.prepared_at)


def of_synthetic(synthetic: SyntheticConfig, prepared_at: datetime) -> Traffic:
    if not synthetic.enabled:
        return Traffic()
    if synthetic.duration_seconds is not None:
        longest = synthetic.duration_seconds + synthetic.request_timeout_seconds + START_MARGIN_S
        return Traffic(ends_by=prepared_at + timedelta(seconds=longest))
    scenario = synthetic.requests
    if not scenario:  # the health path, through the listener
        return Traffic(requests=synthetic.total_requests)
    # The scenario is sent in turn; a request with a host of its own (allowed_hosts) never reaches the listener.
    to_listener = sum(1 for index in range(synthetic.total_requests) if scenario[index % len(scenario)].host is None)
    return Traffic(requests=to_listener) if to_listener else Traffic()
