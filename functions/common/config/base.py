"""The config's building blocks: the base of every section and the fields every validation shares."""

from __future__ import annotations

from enum import Enum
from typing import ClassVar, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, model_validator

from common.http.read_limits import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_HEADER_BYTES
from common.runtime.lifecycle import EcsStage, why_not

# CodeDeploy's lifecycle events, and Amazon ECS's lifecycle stages: a validation runs at a stage named here or at
# the CodeDeploy event the stage stands for (prepare.ecs_stages).
CodeDeployLifecycleEvent = Literal[
    "BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic", "AfterAllowTraffic"
]
LifecycleEvent = Literal[CodeDeployLifecycleEvent, EcsStage]
DEFAULT_LIFECYCLE_EVENT: CodeDeployLifecycleEvent = "AfterAllowTestTraffic"


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


class WaitBefore(NamedTuple):
    """A Wait state the workflow puts before a validation's Task; its seconds come from a field of the section."""

    state: str
    seconds_field: str
    comment: str


class ValidationConfig(Section):
    """A validation's section. Every GreenlightConfig field of this type is a validation: the registry
    (common.config.VALIDATIONS) and the `Validate` Parallel's branches (greenlight.authoring.generate) follow."""

    wait_before: ClassVar[WaitBefore | None] = None
    # Judges GREEN from what its target group publishes (metrics), not from requests of its own: a route that
    # forwards only a weighted share to GREEN (a LINEAR or CANARY step) is enough.
    per_target_group: ClassVar[bool] = False

    enabled: bool = True
    dry_run: bool = Field(False, description="Run and report, but never fail the deployment.")
    lifecycle_events: list[LifecycleEvent] = Field(
        default_factory=lambda: list[LifecycleEvent]([DEFAULT_LIFECYCLE_EVENT]),
        description="The CodeDeploy lifecycle events or Amazon ECS lifecycle stages at which this validation runs; "
        "a CodeDeploy event also covers the ECS stage it stands for (AfterAllowTestTraffic: POST_TEST_TRAFFIC_SHIFT).",
    )

    def needs(self) -> tuple[bool, bool]:
        """Whether this validation needs the GREEN task set, and traffic routed to it; a validation's own section
        says otherwise when it needs less (docs/configuration.md, "What runs at each lifecycle event")."""
        return True, True

    def settings_hint(self) -> str:
        """What to change when this validation cannot run at an event it names."""
        return "remove the event from lifecycle_events"

    @model_validator(mode="after")
    def runs_where_it_can(self) -> ValidationConfig:
        needs_green, needs_traffic = self.needs()
        for event in self.lifecycle_events if self.enabled else []:
            problem = why_not(event, needs_green, needs_traffic, self.per_target_group)
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
