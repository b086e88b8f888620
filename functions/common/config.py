"""The greenlight config: one pydantic model, the JSON Schema generated from it, and the layered loading.

Layers, later wins: the model's defaults, the stack-wide SSM parameter `<prefix>/default`, then the
SSM parameter `<prefix>/<application>/<deployment group>`. Each parameter holds YAML or JSON.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

LifecycleEvent = Literal[
    "BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic", "AfterAllowTraffic"
]
DEFAULT_LIFECYCLE_EVENT: LifecycleEvent = "AfterAllowTestTraffic"


class ConfigError(Exception):
    """The config cannot be used; the message names the source and the offending field."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


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


class HealthConfig(ValidationConfig):
    path: str = Field("/", pattern=r"^/", description="Path requested through the test listener.")
    healthy_status_codes: list[Annotated[int, Field(ge=100, le=599)]] = Field(
        default_factory=lambda: [200], min_length=1
    )
    consecutive_successes: int = Field(3, ge=1, le=100)
    request_timeout_seconds: float = Field(2.0, gt=0, le=60)
    interval_seconds: float = Field(2.0, ge=0, le=60)
    timeout_seconds: int = Field(120, ge=1, le=780, description="Deadline for targets and HTTP to become healthy.")
    check_targets: bool = Field(True, description="Also require every GREEN target to be healthy in its target group.")
    min_healthy_targets: int | None = Field(
        None,
        ge=1,
        description="Targets that must be registered and healthy; default: the GREEN task set's desired count.",
    )


class SecretRef(Section):
    """A header value read at run time, never written to logs or reports."""

    ssm: str | None = Field(None, description="SSM parameter name (SecureString is decrypted).")
    secretsmanager: str | None = Field(None, description="Secrets Manager secret id.")

    @model_validator(mode="after")
    def exactly_one_source(self) -> SecretRef:
        if (self.ssm is None) == (self.secretsmanager is None):
            raise ValueError("give exactly one of 'ssm' or 'secretsmanager'")
        return self


class JsonAssertion(Section):
    path: str = Field(description="Dotted path into the JSON body, e.g. 'data.items.0.id'.")
    equals: Any = Field(None, description="The value must equal this (null included, when given).")
    exists: bool | None = None
    matches: str | None = Field(None, description="Regular expression the value (as text) must match.")

    @model_serializer(mode="wrap")
    def only_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Keep `equals: null` apart from no `equals` across the plan's round trip."""
        return {key: value for key, value in handler(self).items() if key in self.model_fields_set}


class Expectation(Section):
    status: list[Annotated[int, Field(ge=100, le=599)]] = Field(default_factory=lambda: [200], min_length=1)
    json_body: list[JsonAssertion] = Field(default_factory=list, alias="json")
    headers: dict[str, str] = Field(default_factory=dict, description="Header name to a regular expression.")
    max_latency_ms: float | None = Field(None, gt=0)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class RequestSpec(Section):
    name: str | None = None
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] = "GET"
    path: str = Field("/", pattern=r"^/([^/].*)?$", description="Path on the test listener (never a full URL).")
    host: str | None = Field(
        None, description="Send to this host instead of the listener's; it must be in allowed_hosts."
    )
    query: dict[str, str] = Field(default_factory=dict)
    headers: dict[str, str | SecretRef] = Field(default_factory=dict)
    body: Any = None
    expect: Expectation = Field(default_factory=Expectation)


class SyntheticConfig(ValidationConfig):
    requests: list[RequestSpec] = Field(
        default_factory=list, description="The scenario; empty means GET the health path."
    )
    total_requests: int = Field(300, ge=1, le=100_000)
    duration_seconds: float | None = Field(None, gt=0, le=600, description="Send for this long instead of a count.")
    concurrency: int = Field(10, ge=1, le=256)
    request_timeout_seconds: float = Field(5.0, gt=0, le=60)
    min_success_ratio: float = Field(0.99, ge=0, le=1)
    max_p99_ms: float = Field(1000.0, gt=0)
    allowed_hosts: list[str] = Field(
        default_factory=list, description="Hosts besides the test listener's that requests may reach."
    )


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
    max_p99_ratio: float | None = Field(1.2, gt=0, description="GREEN's p99 may be at most this times BLUE's.")


class MetricsConfig(ValidationConfig):
    bake_seconds: int = Field(60, ge=0, le=2400, description="Observation time before the metrics are read.")
    period_seconds: int = Field(
        60,
        ge=60,
        le=3600,
        multiple_of=60,
        description="ALB metrics are standard resolution: CloudWatch serves them in multiples of 60 s.",
    )
    window_seconds: int = Field(300, ge=60, le=10800, description="How far back from the read the window reaches.")
    min_request_count: int = Field(20, ge=0, description="Below this, the result is inconclusive, not failed.")
    max_5xx_rate: float | None = Field(0.01, ge=0, le=1)
    max_p99_seconds: float | None = Field(1.0, gt=0)
    max_unhealthy_hosts: float | None = Field(0, ge=0)
    no_data: NoDataPolicy = NoDataPolicy.INCONCLUSIVE
    baseline: BaselineConfig | None = None
    checks: list[MetricCheck] = Field(default_factory=list)
    alarms: list[str] = Field(default_factory=list, description="CloudWatch alarms that must not be in ALARM.")
    alarm_prefix: str | None = None

    @field_validator("checks")
    @classmethod
    def unique_names(cls, checks: list[MetricCheck]) -> list[MetricCheck]:
        names = [check.name for check in checks]
        if len(names) != len(set(names)):
            raise ValueError("check names must be unique")
        return checks


class GreenlightConfig(Section):
    """Everything a user can set; `greenlight schema` prints the JSON Schema of this model."""

    version: Literal[1] = 1
    inconclusive_policy: InconclusivePolicy = Field(
        InconclusivePolicy.FAIL, description="What an inconclusive validation means for the verdict."
    )
    fail_fast: bool = Field(False, description="End the run at the first failed validation.")
    health: HealthConfig = Field(default_factory=HealthConfig)
    synthetic: SyntheticConfig = Field(default_factory=SyntheticConfig)
    metrics: MetricsConfig = Field(default_factory=MetricsConfig)

    @model_validator(mode="after")
    def bake_covers_synthetic_traffic(self) -> GreenlightConfig:
        duration = self.synthetic.duration_seconds
        if self.synthetic.enabled and self.metrics.enabled and duration and self.metrics.bake_seconds < duration:
            raise ValueError(
                f"metrics.bake_seconds ({self.metrics.bake_seconds}) must be at least synthetic.duration_seconds "
                f"({duration:g}): metrics are read after the bake time and must cover the synthetic traffic"
            )
        return self


VALIDATIONS = ("health", "synthetic", "metrics")


def json_schema() -> dict[str, Any]:
    return GreenlightConfig.model_json_schema(by_alias=True)


def parse_document(text: str, source: str) -> dict[str, Any]:
    """Parse one YAML/JSON layer; the layer must be a mapping."""
    try:
        document = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as error:
        raise ConfigError(f"config {source} is not valid YAML or JSON: {error}".replace("\n", " ")) from error
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigError(f"config {source} must be a mapping at the top level, not {type(document).__name__}")
    return document


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge mappings; lists and scalars in `override` replace those in `base`."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def validate(document: dict[str, Any], source: str) -> GreenlightConfig:
    try:
        return GreenlightConfig.model_validate(document)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or '(top level)'}: {problem['msg']}"
            for problem in error.errors()
        )
        raise ConfigError(f"invalid config ({source}): {problems}") from error


def parameter_names(prefix: str, application: str, deployment_group: str) -> list[str]:
    prefix = "/" + prefix.strip("/")
    return [f"{prefix}/default", f"{prefix}/{application}/{deployment_group}"]


def load(ssm: SSMClient, prefix: str, application: str, deployment_group: str) -> tuple[GreenlightConfig, list[str]]:
    """Read the SSM layers that exist, merge them over the defaults, validate. Returns the config and its sources."""
    names = parameter_names(prefix, application, deployment_group)
    response = ssm.get_parameters(Names=names, WithDecryption=True)
    found = {parameter["Name"]: parameter["Value"] for parameter in response.get("Parameters", [])}
    document: dict[str, Any] = {}
    sources = ["defaults"]
    for name in names:
        if name in found:
            document = merge(document, parse_document(found[name], f"ssm:{name}"))
            sources.append(f"ssm:{name}")
    return validate(document, " + ".join(sources)), sources


def dump(config: GreenlightConfig) -> dict[str, Any]:
    return dict(json.loads(config.model_dump_json(by_alias=True)))
