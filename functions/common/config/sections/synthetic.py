"""The synthetic section: requests sent to GREEN through the test listener as a traffic shape, judged by their
expectations, their latencies and, optionally, against BLUE."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
    model_validator,
)

from common.config.base import ReadLimitsConfig, Section
from common.config.requests import RequestSpec
from common.config.types import (
    TargetHost,
)

# Bodies of answers in flight at once: concurrency x max_body_bytes, well inside the synthetic function's 512 MB.
BODY_BUFFER_BUDGET_BYTES = 256 << 20
SYNTHETIC_DEADLINE_SECONDS = 630  # the synthetic function's Lambda timeout is 660 s


class CompareWithBlueConfig(Section):
    """The scenario also sent to BLUE through the production listener, in the same window, and GREEN's latencies
    compared with BLUE's answers to the same requests: the centre by a rank-sum test (Mann-Whitney U), as Kayenta
    does, and the tail (p95, p99) by exact bootstrap confidence bounds of GREEN's quantile over BLUE's."""

    alpha: float = Field(0.01, gt=0, lt=1, description="GREEN is slower only when the test's p-value is below this.")
    max_slower_probability: float = Field(
        0.6,
        ge=0.5,
        le=1,
        description="And when a GREEN answer is slower than a BLUE one with a probability above this (0.5: even).",
    )
    min_samples: int = Field(20, ge=5, le=100_000, description="Fewer good answers from either: inconclusive.")
    max_tail_ratio: float = Field(
        1.5,
        ge=1,
        le=1000,
        description="GREEN's p95 and p99 may be at most this many times BLUE's: GREEN fails when the one-sided "
        "lower confidence bound (1 - alpha, exact bootstrap) of GREEN's quantile over BLUE's is above this.",
    )
    min_tail_increase_ms: float = Field(
        25,
        ge=0,
        le=3_600_000,
        description="And when GREEN's p95 or p99 is more than this above BLUE's: a smaller difference never matters.",
    )
    no_blue_data: Literal["ignore", "inconclusive", "fail"] = Field(
        "ignore",
        description="When no listener routes to BLUE at this event (at AfterAllowTraffic production already routes "
        "to GREEN; no BLUE task set or production listener): ignore (reported as not judged; GREEN is still held to "
        "the absolute limits), inconclusive (follows inconclusive_policy) or fail.",
    )


class SyntheticConfig(ReadLimitsConfig):
    requests: list[RequestSpec] = Field(
        default_factory=list, max_length=100, description="The scenario; empty means GET the health path."
    )
    total_requests: int = Field(300, ge=1, le=100_000)
    duration_seconds: float | None = Field(None, gt=0, le=600, description="Send for this long instead of a count.")
    concurrency: int = Field(10, ge=1, le=256)
    request_timeout_seconds: float = Field(
        5.0, gt=0, le=60, description="Deadline of one request: connection, status line, headers and body."
    )
    timeout_seconds: float = Field(
        SYNTHETIC_DEADLINE_SECONDS,
        gt=0,
        le=SYNTHETIC_DEADLINE_SECONDS,
        description="Deadline of the whole check: traffic still in flight then counts as timed out.",
    )
    min_success_ratio: float = Field(0.99, ge=0, le=1)
    max_p99_ms: float = Field(1000.0, gt=0, le=3_600_000)
    compare_with_blue: CompareWithBlueConfig | None = Field(
        None, description="Send the scenario to BLUE too, through the production listener, and compare latencies."
    )
    allowed_hosts: list[TargetHost] = Field(
        default_factory=list,
        max_length=100,
        description="Hosts besides the test listener's that requests may reach; link-local, metadata and "
        "unspecified addresses are refused even here.",
    )

    @model_validator(mode="after")
    def names_and_latency_limits_can_work(self) -> SyntheticConfig:
        """Each request's figures and limits are reported under its name, and no answer outlasts its deadline."""
        seen: dict[str, int] = {}
        deadline_ms = self.request_timeout_seconds * 1000
        for index, spec in enumerate(self.requests):
            if spec.name is not None and spec.name in seen:
                raise ValueError(
                    f"requests.{index}.name {spec.name!r} is also requests.{seen[spec.name]}'s: each "
                    "request's latency, limits and failures are reported under its name, so names must differ"
                )
            if spec.name is not None:
                seen[spec.name] = index
            for field in ("max_latency_ms", "max_p99_ms"):
                limit = getattr(spec.expect, field)
                if limit is not None and limit > deadline_ms:
                    raise ValueError(
                        f"requests.{index}.expect.{field} ({limit:g} ms) is over "
                        f"request_timeout_seconds ({self.request_timeout_seconds:g} s): no request waits "
                        "that long, so it can never be broken; lower it, or raise request_timeout_seconds"
                    )
        return self

    @model_validator(mode="after")
    def traffic_fits_the_deadline_and_memory(self) -> SyntheticConfig:
        needed = (self.duration_seconds or 0) + self.request_timeout_seconds
        if needed > self.timeout_seconds:
            raise ValueError(
                f"synthetic.duration_seconds + synthetic.request_timeout_seconds ({needed:g}) must fit in "
                f"synthetic.timeout_seconds ({self.timeout_seconds:g}), the deadline of the whole check"
            )
        if self.concurrency * self.max_body_bytes > BODY_BUFFER_BUDGET_BYTES:
            raise ValueError(
                f"synthetic.concurrency x synthetic.max_body_bytes ({self.concurrency} x {self.max_body_bytes}) is "
                f"over the {BODY_BUFFER_BUDGET_BYTES >> 20} MiB of answers the synthetic function may hold at once; "
                "lower either"
            )
        return self
