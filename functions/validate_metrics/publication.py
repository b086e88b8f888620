"""Waiting for CloudWatch: ALB metrics are published per period, a minute or more after the period ends.

The data is complete once the period in which the run's traffic ends is published (validate_metrics.traffic says
what that traffic is). CloudWatch publishes a period's data points together, and an ALB reports UnHealthyHostCount
for every period while health checks run, with or without requests (ALB metrics page, "Reported if health checks are
enabled"). So the validation reads, and reads again every `poll_interval_seconds`, until:

- synthetic's requests, when they are a count: GREEN's published RequestCount adds up to them (then the minute
  they ended in is published), or a published minute after the traffic holds no request (it stopped short);
- when it is a duration: UnHealthyHostCount has a data point for the period in which it ends at the latest;
- with no synthetic traffic: UnHealthyHostCount has a data point for the period holding the start of the read;

or until `data_timeout_seconds` have passed; it then judges what CloudWatch has, and says when that was not all of
it. The window reaches to the end of the period of each read. No fixed wait: a verdict comes as soon as the data.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from common.config import MetricsConfig
from common.runtime import clock
from validate_metrics.queries import REQUESTS, UNHEALTHY, Points, fetch, query_id, window
from validate_metrics.traffic import Traffic

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient

HEARTBEAT = query_id("green", UNHEALTHY)
REQUESTS_ID = query_id("green", REQUESTS)


@dataclass(frozen=True)
class Publication:
    last_period: datetime  # start of the period whose publication completes the data
    published: bool
    waited_s: float  # real seconds spent waiting for the data
    reads: int
    waited_for: str = "the minute of the read"  # the traffic (validate_metrics.traffic)
    timeout_s: float = 0.0  # metrics.data_timeout_seconds

    def as_dict(self) -> dict[str, Any]:
        return {
            "last_period": self.last_period.isoformat(),
            "published": self.published,
            "waited_seconds": round(self.waited_s, 1),
            "reads": self.reads,
            "waited_for": self.waited_for,
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
    prepared_at: datetime,
    now: datetime,
    config: MetricsConfig,
    sleep: Callable[[float], None],
    traffic: Traffic | None = None,
) -> tuple[Points, tuple[datetime, datetime], Publication]:
    """The window's data points, the window, and how the wait went: once the traffic's last period is published,
    or at the deadline, whichever comes first. `now` is when the read starts; the wait's own sleeps advance it."""
    traffic = traffic or Traffic()
    start, end = window(prepared_at, now, config)
    last_period = _last_period(traffic, now, end, config)
    through_last = last_period + timedelta(seconds=config.period_seconds)
    waited, reads = 0.0, 0  # waited: the config's seconds (scaled in a local run); the report gives real ones
    started = time.monotonic()
    while True:
        # The window reaches to the end of the period of this read, and at least to the end of the last period.
        end = max(window(prepared_at, now + timedelta(seconds=waited), config)[1], through_last)
        points = fetch(cloudwatch, queries, start, end)
        reads += 1
        if _complete(points, traffic, last_period, now + timedelta(seconds=waited), config.period_seconds):
            publication = Publication(last_period, True, time.monotonic() - started, reads, traffic.describe())
            return points, (start, end), publication
        if waited >= config.data_timeout_seconds:
            real = time.monotonic() - started
            publication = Publication(last_period, False, real, reads, traffic.describe(), config.data_timeout_seconds)
            return points, (start, end), publication
        step = min(config.poll_interval_seconds, config.data_timeout_seconds - waited)
        sleep(step)
        waited += step


def _last_period(traffic: Traffic, now: datetime, end: datetime, config: MetricsConfig) -> datetime:
    """The start of the period whose publication completes the data: the one the traffic ends in by the latest, or
    the one holding the start of the read (for a count, what the read tells decides; this is only reported)."""
    if traffic.ends_by is not None:
        period = config.period_seconds
        ends = traffic.ends_by.timestamp()
        return datetime.fromtimestamp(ends - ends % period, now.tzinfo)
    return end - timedelta(seconds=config.period_seconds)


def _complete(points: Points, traffic: Traffic, last_period: datetime, read_at: datetime, period_s: int) -> bool:
    beats = [stamp for stamp, _ in points.get(HEARTBEAT, [])]
    if traffic.requests is not None:
        requests = points.get(REQUESTS_ID, [])
        if sum(value for _, value in requests) >= traffic.requests:
            return True
        # It stopped short (a deadline, a crash): a period after its last request, over and published, holds none.
        over = [beat for beat in beats if beat + timedelta(seconds=period_s) <= read_at]
        return bool(requests) and bool(over) and max(over) > max(stamp for stamp, _ in requests)
    return max(beats, default=None) is not None and max(beats) >= last_period
