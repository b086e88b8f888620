"""The config's building blocks: the base of every section and the settings every validation shares."""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from common.lifecycle import why_not
from common.read_limits import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_HEADER_BYTES

LifecycleEvent = Literal[
    "BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic", "AfterAllowTraffic"
]
DEFAULT_LIFECYCLE_EVENT: LifecycleEvent = "AfterAllowTestTraffic"


class Section(BaseModel):
    # NaN and infinities compare false with every threshold: refused, whatever text spelled them.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class InconclusivePolicy(str, Enum):
    FAIL = "fail"
    PASS = "pass"  # noqa: S105  (a policy, not a password)


class NoDataPolicy(str, Enum):
    FAIL = "fail"
    PASS = "pass"  # noqa: S105  (a policy, not a password)
    INCONCLUSIVE = "inconclusive"
    IGNORE = "ignore"


class ValidationConfig(Section):
    enabled: bool = True
    dry_run: bool = Field(False, description="Run and report, but never fail the deployment.")
    lifecycle_events: list[LifecycleEvent] = Field(
        default_factory=lambda: [DEFAULT_LIFECYCLE_EVENT],
        description="The CodeDeploy lifecycle events at which this validation runs.",
    )

    def needs(self) -> tuple[bool, bool]:
        """Whether this validation needs the GREEN task set, and traffic routed to it; a validation's own section
        says otherwise when it needs less (README: What runs at each lifecycle event)."""
        return True, True

    def settings_hint(self) -> str:
        """What to change when this validation cannot run at an event it names."""
        return "remove the event from lifecycle_events"

    @model_validator(mode="after")
    def runs_where_it_can(self) -> ValidationConfig:
        needs_green, needs_traffic = self.needs()
        for event in self.lifecycle_events if self.enabled else []:
            problem = why_not(event, needs_green, needs_traffic)
            if problem:
                raise ValueError(f"lifecycle_events names {event}, but {problem}; {self.settings_hint()}")
        return self


class ReadLimitsConfig(ValidationConfig):
    """Caps on what one answer may hold; an answer over them fails with the kind named, never fills memory."""

    max_body_bytes: int = Field(
        DEFAULT_MAX_BODY_BYTES, ge=1024, le=16 << 20, description="A longer body fails as 'body over <cap>'."
    )
    max_header_bytes: int = Field(
        DEFAULT_MAX_HEADER_BYTES,
        ge=1024,
        le=64 << 10,
        description="All response headers together; more fails as 'header over limit' (an ALB allows 32 KiB).",
    )
