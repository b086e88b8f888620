"""Waiting for CloudWatch: ALB metrics are published per period, a minute or more after the period ends.

The window ends with the period that holds the start of the read (the traffic is before it: the bake time covers
the synthetic traffic), so the data is complete only once that period is published. UnHealthyHostCount tells when:
an ALB reports it for every period while health checks run, with or without requests (ALB metrics page,
"Reported if health checks are enabled"), and CloudWatch publishes a period's data points together. So the
validation reads, and reads again every `poll_interval_seconds`, until GREEN's UnHealthyHostCount has a data point
for the window's last period or `data_timeout_seconds` have passed; it then judges what CloudWatch has, and says
when that was not all of it. No fixed wait: a verdict comes as soon as the data does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from common import clock
from common.config import MetricsConfig
from validate_metrics.queries import UNHEALTHY, Points, fetch, query_id

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient

HEARTBEAT = query_id("green", UNHEALTHY)


@dataclass(frozen=True)
class Publication:
    last_period: datetime  # start of the window's last period
    published: bool
    waited_s: float  # real seconds spent waiting for the data
    reads: int
    timeout_s: float = 0.0  # metrics.data_timeout_seconds

    def as_dict(self) -> dict[str, Any]:
        return {
            "last_period": self.last_period.isoformat(),
            "published": self.published,
            "waited_seconds": round(self.waited_s, 1),
            "reads": self.reads,
        }

    def note(self) -> str:
        """What a reason must add when the data may be incomplete."""
        if self.published:
            return ""
        return (
            f" CloudWatch had not published the period from {self.last_period.strftime('%H:%M:%S')} UTC "
            f"{clock.elapsed_against(self.waited_s, self.timeout_s, 'metrics.data_timeout_seconds')} of polling; "
            "judged on what it had."
        )


def read_published(
    cloudwatch: CloudWatchClient,
    queries: list[dict[str, Any]],
    window: tuple[datetime, datetime],
    config: MetricsConfig,
    sleep: Callable[[float], None],
) -> tuple[Points, Publication]:
    """The window's data points once its last period is published, or at the deadline, whichever comes first."""
    start, end = window
    last_period = end - timedelta(seconds=config.period_seconds)
    waited, reads = 0.0, 0  # waited: the config's seconds (scaled in a local run); the report gives real ones
    started = time.monotonic()
    while True:
        points = fetch(cloudwatch, queries, start, end)
        reads += 1
        seen = max((stamp for stamp, _ in points.get(HEARTBEAT, [])), default=None)  # its latest period's start
        if seen is not None and seen >= last_period:
            return points, Publication(last_period, True, time.monotonic() - started, reads)
        if waited >= config.data_timeout_seconds:
            return points, Publication(
                last_period, False, time.monotonic() - started, reads, config.data_timeout_seconds
            )
        step = min(config.poll_interval_seconds, config.data_timeout_seconds - waited)
        sleep(step)
        waited += step
