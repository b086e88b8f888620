"""Payloads that cross a state boundary: the hook request, the plan, each validation's result, the verdict."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from common.payload.ecs import EcsContext, Engine, TestRequest, engine_of
from common.runtime.outcomes import CallbackOutcome


def utcnow() -> datetime:
    return datetime.now(UTC)


class Payload(BaseModel):
    """Base of every state payload: unknown keys are kept out, names are snake_case on the wire."""

    model_config = ConfigDict(extra="ignore")


class HookRequest(Payload):
    """What the hook passes to the workflow: the two ids CodeDeploy needs for the callback."""

    deployment_id: str = Field(min_length=1)  # CodeDeploy's deployment id, or ECS's service deployment ARN
    lifecycle_event_hook_execution_id: str = Field(min_length=1)  # or ECS's hook executionId
    ecs: EcsContext | None = None  # set by the ECS hooks
    # "PAUSE": an ECS pause hook, answered with ContinueServiceDeployment (None: CodeDeploy, or an ECS Lambda hook)
    hook_type: str | None = None

    @property
    def engine(self) -> Engine:
        return engine_of(self.deployment_id)


class ValidationStatus(str, Enum):
    PASSED = "passed"
    FAILED = "failed"  # the service under test is wrong
    INCONCLUSIVE = "inconclusive"  # not enough data to decide
    ERROR = "error"  # the check could not run
    SKIPPED = "skipped"  # not planned for this lifecycle event; never counts toward the verdict


class ValidationResult(Payload):
    """The one shape every Validate branch ends in, whatever happened inside it."""

    name: str
    status: ValidationStatus
    reason: str
    observed: dict[str, Any] = Field(default_factory=dict)
    expected: dict[str, Any] = Field(default_factory=dict)
    attempts: int = 0
    started_at: datetime = Field(default_factory=utcnow)
    duration_ms: int = 0
    dry_run: bool = False
    # What `greenlight report` draws; bounded (common.payload.limits).
    charts: dict[str, Any] = Field(default_factory=dict)


class TargetGroup(Payload):
    name: str
    arn: str = ""
    dimension: str = ""  # CloudWatch `TargetGroup` dimension value: targetgroup/<name>/<id>
    load_balancer_dimension: str = ""  # CloudWatch `LoadBalancer` dimension value: app/<name>/<id>
    desired_count: int = 0
    running_count: int = 0
    traffic_weight: float = 0.0


class PlannedCheck(Payload):
    """One custom check as the `Run Custom Checks` Map iterates over it: what the ASL reads of it, and whether it
    runs here. Its fields stay in the plan's config (webhooks, lambda_checks), found by name."""

    name: str
    kind: Literal["webhook", "lambda"]
    planned: bool  # it runs at this lifecycle event
    enabled: bool = True
    dry_run: bool = True


class SecretGrant(Payload):
    """What the synthetic function may read (common.secrets.scope): its deployment group's namespace, and the exact
    shared secrets the platform's default layer names. Names only, never a value."""

    application: str
    deployment_group: str
    shared_ssm: list[str] = Field(default_factory=list)
    shared_secretsmanager: list[str] = Field(default_factory=list)


class Plan(Payload):
    """What Prepare discovered and decided: the input of every validation and of Finalize."""

    request: HookRequest
    lifecycle_event: str
    application_name: str
    deployment_group_name: str
    green: TargetGroup | None = None  # None before the replacement task set exists (BeforeInstall)
    blue: TargetGroup | None = None
    test_url: str
    server_name: str | None = None  # for an HTTPS listener: verified, and sent as SNI and Host (Prepare's choice)
    blue_url: str | None = None  # the production listener while it routes to BLUE, when synthetic compares with it
    config: dict[str, Any]
    config_source: list[str] = Field(default_factory=list)
    planned: dict[str, bool] = Field(default_factory=dict)
    checks: list[PlannedCheck] = Field(default_factory=list)  # the custom checks, each run or skipped by the Map
    engine: Engine = "codedeploy"
    stage: str | None = None  # the ECS lifecycle stage; lifecycle_event is then its CodeDeploy equivalent
    strategy: str | None = None  # the ECS deployment strategy (BLUE_GREEN, LINEAR, CANARY)
    test_request: TestRequest = Field(default_factory=TestRequest)
    secrets: SecretGrant | None = None  # None: the config names no secret
    prepared_at: datetime = Field(default_factory=utcnow)


class Verdict(str, Enum):
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"


class Problem(Payload):
    """A state that failed outright (after its retries), as the ASL's error paths record it."""

    state: str
    error: str | None = None
    cause: str | None = None


class PrepareOutput(Payload):
    """Prepare's output, and the shape the ASL's `Record Prepare Error` path builds when Prepare itself fails."""

    request: HookRequest
    ready: bool
    plan: Plan | None = None
    results: list[ValidationResult] = Field(default_factory=list)
    problem: Problem | None = None


class FinalizeInput(Payload):
    """What reaches Finalize: the plan, every branch's result, and the failed state if one did."""

    request: HookRequest
    plan: Plan | None = None
    results: list[ValidationResult] | None = None  # the custom checks' branch gives a list: flattened on the way in
    problem: Problem | None = None
    execution_arn: str | None = None  # the context object's $$.Execution.Id, set by Finalize's Parameters

    @field_validator("results", mode="before")
    @classmethod
    def one_list(cls, results: Any) -> Any:
        """Each branch of the Validate Parallel gives one result; the custom checks' branch, a list of them."""
        if not isinstance(results, list):
            return results
        return [item for entry in results for item in (entry if isinstance(entry, list) else [entry])]


class Bypass(Payload):
    """An audited bypass in force: the validations ran and reported, the verdict is `Succeeded` until it expires."""

    parameter: str  # the SSM parameter it was read from
    by: str  # who the value says set it
    written_by: str | None = None  # who wrote the parameter, as AWS recorded it (LastModifiedUser)
    written_by_unread: str | None = None  # why that could not be read, when it could not
    reason: str
    expires_at: datetime
    verdict_without_bypass: Verdict | None = None  # what the validations alone decided


class IgnoredBypass(Payload):
    """A bypass parameter that was there but did not apply (expired, malformed, unreadable), and why."""

    parameter: str
    why: str


class PauseAnswer(Payload):
    """What greenlight told ECS for a pause hook (ContinueServiceDeployment), and what ECS made of it."""

    action: str  # CONTINUE or ROLLBACK
    outcome: CallbackOutcome  # reported: ECS took it; already-completed: the hook no longer awaited action
    hook_status: str | None = None  # the hook's status ECS gave when it refused (TIMED_OUT, SUCCEEDED, ...)
    note: str = ""


class VerdictReport(Payload):
    """The product: the verdict, why, and every validation with what it saw and expected (the execution's output)."""

    verdict: Verdict
    reason: str
    deployment_id: str
    lifecycle_event_hook_execution_id: str
    inconclusive_policy: str = "fail"
    validations: list[ValidationResult] = Field(default_factory=list)
    decided_at: datetime = Field(default_factory=utcnow)
    lifecycle_event: str | None = None
    application_name: str | None = None
    deployment_group_name: str | None = None
    test_url: str | None = None
    green_target_group: str | None = None
    config_source: list[str] = Field(default_factory=list)
    callback: CallbackOutcome | None = None
    engine: Engine = "codedeploy"
    stage: str | None = None  # the ECS lifecycle stage judged
    bypass: Bypass | None = None
    bypass_ignored: list[IgnoredBypass] = Field(default_factory=list)
    pause_answer: PauseAnswer | None = None  # an ECS pause hook: what ECS was told
