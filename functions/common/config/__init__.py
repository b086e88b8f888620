"""The greenlight config: one pydantic model, the JSON Schema generated from it, and the layered loading.

Layers, later wins: the model's defaults, the stack-wide SSM parameter `<prefix>/default`, then the SSM parameter
`<prefix>/<application>/<deployment group>`. Each holds YAML or JSON, read strictly (`parsing`), or points at a
larger layer in S3 or AppConfig (`layers`); `sources` reads and merges them, remembering which layer set what.
Every validation's section is a module of `sections/`, the built-in ones and those `greenlight new-validation` adds
alike, each a field of GreenlightConfig below; what they share is in `base` (every section), `requests` (what a
request says) and `types` (field types checked as run time uses them).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from common.config.base import (
    DEFAULT_LIFECYCLE_EVENT,
    InconclusivePolicy,
    LifecycleEvent,
    NoDataPolicy,
    ReadLimitsConfig,
    Section,
    ValidationConfig,
)
from common.config.messages import phrase
from common.config.parsing import (
    MAX_CONFIG_BYTES,
    MAX_LAYER_BYTES,
    SSM_LIMIT_WHY,
    STORE_LIMIT_WHY,
    ConfigTextError,
    decode,
    load_text,
)
from common.config.requests import Expectation, JsonAssertion, RequestSpec, SecretRef, TlsConfig
from common.config.sections.checks import (
    CHECK_FUNCTION_PREFIX_CONTEXT,
    DEFAULT_CHECK_FUNCTION_PREFIX,
    MAX_CHECKS,
    CheckConfig,
    LambdaCheck,
    WebhookCheck,
)
from common.config.sections.health import HealthConfig
from common.config.sections.metrics import BaselineConfig, Comparison, MetricCheck, MetricsConfig
from common.config.sections.synthetic import SyntheticConfig

# greenlight new-validation: the section of each validation it added is imported above this line.

__all__ = [
    "DEFAULT_CHECK_FUNCTION_PREFIX",
    "DEFAULT_LIFECYCLE_EVENT",
    "VALIDATIONS",
    "VALIDATION_SECTIONS",
    "BaselineConfig",
    "CheckConfig",
    "Comparison",
    "ConfigError",
    "Expectation",
    "GreenlightConfig",
    "HealthConfig",
    "InconclusivePolicy",
    "JsonAssertion",
    "LambdaCheck",
    "LifecycleEvent",
    "MetricCheck",
    "MetricsConfig",
    "NoDataPolicy",
    "ReadLimitsConfig",
    "RequestSpec",
    "SecretRef",
    "Section",
    "SyntheticConfig",
    "TlsConfig",
    "ValidationConfig",
    "WebhookCheck",
    "dump",
    "json_schema",
    "merge",
    "parameter_names",
    "parse_bytes",
    "parse_document",
    "validate",
]


class ConfigError(Exception):
    """The config cannot be used; the message names the source and the offending field."""


class GreenlightConfig(Section):
    """Everything a user can set; `greenlight schema` prints the JSON Schema of this model."""

    version: Literal[1] = 1
    inconclusive_policy: InconclusivePolicy = Field(
        InconclusivePolicy.FAIL, description="What an inconclusive validation means for the verdict."
    )
    fail_fast: bool = Field(False, description="End the run at the first failed validation.")
    tls: TlsConfig = Field(default_factory=TlsConfig, description="How requests meet an HTTPS listener.")
    health: HealthConfig = Field(default_factory=HealthConfig)
    synthetic: SyntheticConfig = Field(default_factory=SyntheticConfig)
    metrics: MetricsConfig = Field(default_factory=MetricsConfig)
    webhooks: list[WebhookCheck] = Field(
        default_factory=list,
        max_length=MAX_CHECKS,
        description="Custom checks a service team runs as an HTTP service: each is POSTed the deployment's document "
        "and answers passed, failed or inconclusive (docs/custom-checks.md).",
    )
    lambda_checks: list[LambdaCheck] = Field(
        default_factory=list,
        max_length=MAX_CHECKS,
        description="Custom checks a service team runs as a Lambda function named with the stack's "
        "CheckFunctionPrefix: invoked with the same document, answering the same way (docs/custom-checks.md).",
    )
    # greenlight new-validation: the section of each validation it added is a field above this line.

    @model_validator(mode="after")
    def checks_are_distinct(self) -> GreenlightConfig:
        """Each check's name names its result beside the built-in validations': one name, one result."""
        checks = self.checks()
        if len(checks) > MAX_CHECKS:
            raise ValueError(f"webhooks and lambda_checks name {len(checks)} checks together; at most {MAX_CHECKS}")
        seen: set[str] = set()
        reserved = set(_validation_sections()) | RESERVED_CHECK_NAMES
        for check in checks:
            if check.name in reserved:
                raise ValueError(f"a check may not be named {check.name}, the name of greenlight's own step")
            if check.name in seen:
                raise ValueError(f"two checks are named {check.name}; each check's result needs its own name")
            seen.add(check.name)
        return self

    def checks(self) -> list[CheckConfig]:
        """The custom checks, webhooks first, in the order the config lists them."""
        return [*self.webhooks, *self.lambda_checks]


# Names of steps that report as a result of their own (a failed state's result is named after it).
RESERVED_CHECK_NAMES = frozenset({"prepare", "validate", "finalize", "checks"})


def _validation_sections() -> dict[str, type[ValidationConfig]]:
    """The registry: every section of the config that is a ValidationConfig is a validation, in field order."""
    found = {}
    for name, field in GreenlightConfig.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, ValidationConfig):
            found[name] = field.annotation
    return found


VALIDATION_SECTIONS = _validation_sections()
VALIDATIONS = tuple(VALIDATION_SECTIONS)


def json_schema() -> dict[str, Any]:
    return GreenlightConfig.model_json_schema(by_alias=True)


def parse_document(text: str, source: str, large: bool = False) -> dict[str, Any]:
    """Parse one YAML/JSON layer, strictly (config.parsing); the layer must be a mapping. `large`: a layer from S3
    or AppConfig, which may hold up to MAX_LAYER_BYTES instead of an SSM parameter's 8 KB."""
    limit, why = (MAX_LAYER_BYTES, STORE_LIMIT_WHY) if large else (MAX_CONFIG_BYTES, SSM_LIMIT_WHY)
    try:
        document = load_text(text, limit, why) if text.strip() else {}
    except ConfigTextError as error:
        raise ConfigError(f"config {source} {error}") from error
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigError(f"config {source} must be a mapping at the top level, not {type(document).__name__}")
    return document


def parse_bytes(data: bytes, source: str, large: bool = False) -> dict[str, Any]:
    """Parse a layer read as bytes (a file): refused when over the size limit or not UTF-8."""
    limit, why = (MAX_LAYER_BYTES, STORE_LIMIT_WHY) if large else (MAX_CONFIG_BYTES, SSM_LIMIT_WHY)
    try:
        text = decode(data, limit, why)
    except ConfigTextError as error:
        raise ConfigError(f"config {source} {error}") from error
    return parse_document(text, source, large)


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge mappings; lists and scalars in `override` replace those in `base`."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def validate(
    document: dict[str, Any], source: str, check_function_prefix: str = DEFAULT_CHECK_FUNCTION_PREFIX
) -> GreenlightConfig:
    """The config, or ConfigError naming each offending field. `check_function_prefix` is the stack's
    CheckFunctionPrefix: a Lambda check's function must start with it."""
    try:
        context = {CHECK_FUNCTION_PREFIX_CONTEXT: check_function_prefix}
        return GreenlightConfig.model_validate(document, context=context)
    except ValidationError as error:
        problems = "; ".join(phrase(GreenlightConfig, problem) for problem in error.errors())
        raise ConfigError(f"invalid config ({source}): {problems}") from error


def parameter_names(prefix: str, application: str, deployment_group: str) -> list[str]:
    prefix = "/" + prefix.strip("/")
    return [f"{prefix}/default", f"{prefix}/{application}/{deployment_group}"]


def dump(config: GreenlightConfig) -> dict[str, Any]:
    return dict(json.loads(config.model_dump_json(by_alias=True)))
