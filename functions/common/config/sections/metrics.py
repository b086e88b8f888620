"""The metrics section: CloudWatch thresholds on the GREEN target group, a baseline against BLUE, alarms."""

from __future__ import annotations

from enum import Enum
from typing import ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from common.config.base import NoDataPolicy, Section, ValidationConfig, WaitBefore

# The metrics function's Lambda timeout is 420 s: the wait for the data, and its reads, fit well inside.
MAX_DATA_WAIT_SECONDS = 360


class Comparison(str, Enum):
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


class MetricCheck(Section):
    name: str = Field(pattern=r"^[A-Za-z0-9_\-]+$")
    namespace: str | None = None
    metric: str | None = None
    dimensions: dict[str, str] = Field(default_factory=dict)
    statistic: str = "Average"
    expression: str | None = Field(
        None,
        description="Metric math (+ - * /) over the built-in queries green_requests, green_errors_5xx, green_p99, "
        "green_unhealthy (and blue_* with a baseline), e.g. '100 * green_errors_5xx / green_requests'.",
    )
    comparison: Comparison = Comparison.LE
    threshold: float
    no_data: NoDataPolicy | None = None

    @model_validator(mode="after")
    def metric_or_expression(self) -> MetricCheck:
        if self.expression is None and not (self.namespace and self.metric):
            raise ValueError("give 'namespace' and 'metric', or an 'expression'")
        return self


class BaselineConfig(Section):
    max_5xx_rate_increase: float | None = Field(
        0.005, ge=0, le=1, description="GREEN's 5xx rate may exceed BLUE's by at most this (0.005 = 0.5 points)."
    )
    max_p99_ratio: float | None = Field(1.2, gt=0, le=1000, description="GREEN's p99 may be at most this times BLUE's.")
    no_blue_data: Literal["ignore", "inconclusive", "fail"] = Field(
        "ignore",
        description="When BLUE took no requests in the window (a service without production traffic then, or no "
        "BLUE task set): ignore (reported as not judged; GREEN is still held to the absolute limits), inconclusive "
        "(follows inconclusive_policy) or fail.",
    )

    @model_validator(mode="after")
    def compares_something(self) -> BaselineConfig:
        if self.max_5xx_rate_increase is None and self.max_p99_ratio is None:
            raise ValueError(
                "max_5xx_rate_increase and max_p99_ratio are both null: the baseline compares nothing; remove "
                "metrics.baseline, or give it a limit"
            )
        return self


class MetricsConfig(ValidationConfig):
    wait_before: ClassVar[WaitBefore | None] = WaitBefore(
        "Wait For Bake Time",
        "bake_seconds",
        "An observation time before the metrics are read, if the config asks for one (the read itself waits for "
        "the run's traffic to be published); waiting here costs nothing.",
    )
    per_target_group: ClassVar[bool] = True  # reads GREEN's target group: a weighted production step is judged too

    bake_seconds: int = Field(
        0,
        ge=0,
        le=2400,
        description="Observation time before the metrics are read. None is needed for greenlight's own traffic: the "
        "read waits until CloudWatch has published the minute it ends in.",
    )
    period_seconds: int = Field(
        60,
        ge=60,
        le=3600,
        multiple_of=60,
        description="ALB metrics are standard resolution: CloudWatch serves them in multiples of 60 s.",
    )
    window_seconds: int = Field(300, ge=60, le=10800, description="How far back from the read the window reaches.")
    data_timeout_seconds: int = Field(
        300,
        ge=0,
        le=MAX_DATA_WAIT_SECONDS,
        description="How long to poll for CloudWatch to publish the window's last period (ALB metrics appear a "
        "minute or more after the period ends) before judging what is there.",
    )
    poll_interval_seconds: int = Field(5, ge=1, le=60, description="Time between reads while waiting for the data.")
    min_request_count: int = Field(
        20, ge=0, le=1_000_000_000, description="Below this, the result is inconclusive, not failed."
    )
    max_5xx_rate: float | None = Field(0.01, ge=0, le=1)
    max_p99_seconds: float | None = Field(1.0, gt=0, le=3600)
    max_unhealthy_hosts: float | None = Field(0, ge=0, le=10_000)
    no_data: NoDataPolicy = NoDataPolicy.INCONCLUSIVE
    baseline: BaselineConfig | None = None
    checks: list[MetricCheck] = Field(default_factory=list)
    alarms: list[str] = Field(default_factory=list, description="CloudWatch alarms that must not be in ALARM.")
    alarm_prefix: str | None = None

    @model_validator(mode="after")
    def something_to_check(self) -> MetricsConfig:
        """Every check switched off would pass every release having checked nothing."""
        built_in = (self.max_5xx_rate, self.max_p99_seconds, self.max_unhealthy_hosts)
        others = self.baseline or self.checks or self.alarms or self.alarm_prefix
        if self.enabled and all(limit is None for limit in built_in) and not others:
            raise ValueError(
                "metrics.max_5xx_rate, max_p99_seconds and max_unhealthy_hosts are all null and there is no baseline, "
                "checks, alarms or alarm_prefix: nothing left to check; set metrics.enabled: false, or give it a check"
            )
        return self

    @field_validator("checks")
    @classmethod
    def unique_names(cls, checks: list[MetricCheck]) -> list[MetricCheck]:
        names = [check.name for check in checks]
        if len(names) != len(set(names)):
            raise ValueError("check names must be unique")
        return checks
