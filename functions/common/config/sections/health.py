"""The health section: target health in GREEN's target group and an HTTP probe through the test listener."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from common.config.base import ReadLimitsConfig
from common.config.types import (
    HealthPath,
)

MIN_INTERVAL_SECONDS = 1.0  # a faster poll is a load test of the service, not a health check


class HealthConfig(ReadLimitsConfig):
    path: HealthPath = Field("/", description="Path requested through the test listener.")
    healthy_status_codes: list[Annotated[int, Field(ge=100, le=599)]] = Field(
        default_factory=lambda: [200], min_length=1
    )
    consecutive_successes: int = Field(3, ge=1, le=100)
    request_timeout_seconds: float = Field(
        2.0, gt=0, le=60, description="Deadline of one request: connection, status line, headers and body."
    )
    interval_seconds: float = Field(2.0, ge=MIN_INTERVAL_SECONDS, le=60)
    timeout_seconds: int = Field(120, ge=1, le=780, description="Deadline for targets and HTTP to become healthy.")
    check_targets: bool = Field(True, description="Also require every GREEN target to be healthy in its target group.")
    check_http: bool = Field(
        True,
        description="Probe `path` through the listener that routes to GREEN; off, only target health is checked "
        "(what AfterInstall allows, before any listener routes to GREEN).",
    )
    min_healthy_targets: int | None = Field(
        None,
        ge=1,
        le=10_000,
        description="Targets that must be registered and healthy; default: the GREEN task set's desired count.",
    )

    @field_validator("healthy_status_codes", mode="before")
    @classmethod
    def one_code_is_a_list_of_one(cls, given: Any) -> Any:
        """`healthy_status_codes: 200` means `[200]`."""
        return [given] if isinstance(given, int) and not isinstance(given, bool) else given

    def needs(self) -> tuple[bool, bool]:
        return True, self.check_http

    def settings_hint(self) -> str:
        return "set health.check_http: false there to check only the GREEN target group's target health"

    @model_validator(mode="after")
    def something_to_check(self) -> HealthConfig:
        if not (self.check_http or self.check_targets):
            raise ValueError("health.check_http and health.check_targets are both false: nothing left to check")
        return self

    @model_validator(mode="after")
    def request_fits_the_deadline(self) -> HealthConfig:
        if self.request_timeout_seconds > self.timeout_seconds:
            raise ValueError(
                f"health.request_timeout_seconds ({self.request_timeout_seconds:g}) must not exceed "
                f"health.timeout_seconds ({self.timeout_seconds}): one request cannot outlast the whole check"
            )
        return self
