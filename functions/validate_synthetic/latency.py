"""Latency judged per request kind: each request's own p99 limit and its tolerated share of slow answers.

A slow answer (over the request's `max_latency_ms`) is still a right answer: it counts toward `min_success_ratio`,
which is about correctness, and is judged here, per request, against `max_slow_ratio`. So slow answers of one
endpoint can neither hide in the error budget nor be diluted by the fast answers of another endpoint. A request that
got no answer within its deadline (a timeout) is the slowest answer of all: it counts here at the time it waited (in
the p99, and as slow), besides failing the success ratio.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from validate_synthetic.ranksum import percentile

if TYPE_CHECKING:
    from common.config import Expectation
    from validate_synthetic.traffic import Sample

# Beyond this many request kinds, only those with a latency limit (or a problem) are listed in `observed`.
LISTED_REQUESTS = 10


@dataclass(frozen=True)
class RequestLatency:
    """One request kind's answers (timeouts counted at the time waited): how fast, how many slow, its limits."""

    request: str
    answers: int
    p50_ms: float
    p99_ms: float
    slowest_ms: float
    slow: int
    timed_out: int
    max_p99_ms: float | None
    max_latency_ms: float | None
    max_slow_ratio: float

    @property
    def limited(self) -> bool:
        return self.max_p99_ms is not None or self.max_latency_ms is not None

    @property
    def slow_ratio(self) -> float:
        return self.slow / self.answers if self.answers else 0.0

    @property
    def _timeouts(self) -> str:
        """How the timeouts were counted, when there were any."""
        if not self.timed_out:
            return ""
        return f"; {self.timed_out} got no answer in time, counted at the time waited"

    def problems(self) -> list[str]:
        """Each limit this request broke, with its name, the value seen, the unit and the limit."""
        found = []
        if self.max_p99_ms is not None and self.answers and self.p99_ms > self.max_p99_ms:
            found.append(
                f"{self.request}: p99 latency {self.p99_ms:.0f} ms is over its limit of {self.max_p99_ms:g} ms "
                f"({self.answers} answers, p50 {self.p50_ms:.0f} ms{self._timeouts})"
            )
        if self.max_latency_ms is not None and self.slow_ratio > self.max_slow_ratio:
            found.append(
                f"{self.request}: {self.slow} of {self.answers} answers ({self.slow_ratio:.1%}) took longer than "
                f"{self.max_latency_ms:g} ms, over the {self.max_slow_ratio:.1%} tolerated (max_slow_ratio); the "
                f"slowest took {self.slowest_ms:.0f} ms{self._timeouts}"
            )
        return found

    def summary(self) -> str:
        """The figures a passing reason names for a request with its own limit."""
        parts = []
        if self.max_p99_ms is not None:
            parts.append(f"p99 {self.p99_ms:.0f} ms (limit {self.max_p99_ms:g} ms)")
        if self.max_latency_ms is not None:
            parts.append(f"{self.slow} of {self.answers} over {self.max_latency_ms:g} ms")
        return f"{self.request} {', '.join(parts)}"

    def as_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "answers": self.answers,
            "p50_ms": round(self.p50_ms, 1),
            "p99_ms": round(self.p99_ms, 1),
        }
        if self.max_latency_ms is not None:
            shown |= {"slow": self.slow, "slow_ratio": round(self.slow_ratio, 4), "slowest_ms": round(self.slowest_ms)}
        if self.timed_out:
            shown["timed_out"] = self.timed_out
        limits = {"max_p99_ms": self.max_p99_ms, "max_latency_ms": self.max_latency_ms}
        return shown | {key: value for key, value in limits.items() if value is not None}


def per_request(samples: list[Sample], expectations: dict[str, Expectation]) -> list[RequestLatency]:
    """Each request kind of the scenario, in its order, with its latencies: complete answers and timeouts."""
    found = []
    for label, expect in expectations.items():
        timed = [s for s in samples if s.request == label and s.timed]
        mine = sorted(s.latency_ms for s in timed)
        found.append(
            RequestLatency(
                request=label,
                answers=len(mine),
                p50_ms=percentile(mine, 0.5),
                p99_ms=percentile(mine, 0.99),
                slowest_ms=mine[-1] if mine else 0.0,
                slow=sum(1 for s in timed if s.slow),
                timed_out=sum(1 for s in timed if not s.complete),
                max_p99_ms=expect.max_p99_ms,
                max_latency_ms=expect.max_latency_ms,
                max_slow_ratio=expect.max_slow_ratio or 0.0,
            )
        )
    return found


def observed_per_request(latencies: list[RequestLatency]) -> dict[str, Any]:
    """What the report lists: every request kind of a short scenario, else those with a limit or a problem."""
    if len(latencies) <= 1 and not any(item.limited for item in latencies):
        return {}
    listed = [item for item in latencies if len(latencies) <= LISTED_REQUESTS or item.limited or item.problems()]
    return {item.request: item.as_dict() for item in listed}
