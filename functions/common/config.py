"""The greenlight config: one pydantic model, the JSON Schema generated from it, and the layered loading.

Layers, later wins: the model's defaults, the stack-wide SSM parameter `<prefix>/default`, then the
SSM parameter `<prefix>/<application>/<deployment group>`. Each parameter holds YAML or JSON, read strictly
(common.config_text); common.config_sources reads and merges them, remembering which layer set what. The
sections live in common.config_base, common.config_http and common.config_metrics.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, ValidationError

from common.config_base import (
    DEFAULT_LIFECYCLE_EVENT,
    InconclusivePolicy,
    LifecycleEvent,
    NoDataPolicy,
    ReadLimitsConfig,
    Section,
    ValidationConfig,
)
from common.config_http import (
    Expectation,
    HealthConfig,
    JsonAssertion,
    RequestSpec,
    SecretRef,
    SyntheticConfig,
    TlsConfig,
)
from common.config_metrics import BaselineConfig, Comparison, MetricCheck, MetricsConfig
from common.config_text import ConfigTextError, decode, load_text
from common.config_types import SECRET_TAG, TEXT_TAG

# greenlight new-validation: the section of each validation it added is imported above this line.

__all__ = [
    "DEFAULT_LIFECYCLE_EVENT",
    "VALIDATIONS",
    "VALIDATION_SECTIONS",
    "BaselineConfig",
    "Comparison",
    "ConfigError",
    "Expectation",
    "GreenlightConfig",
    "HealthConfig",
    "InconclusivePolicy",
    "JsonAssertion",
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
    # greenlight new-validation: the section of each validation it added is a field above this line.


def _validation_sections() -> dict[str, type[ValidationConfig]]:
    """The registry: every section of the config that is a ValidationConfig is a validation, in field order."""
    found = {}
    for name, field in GreenlightConfig.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, ValidationConfig):
            found[name] = field.annotation
    return found


VALIDATION_SECTIONS = _validation_sections()
VALIDATIONS = tuple(VALIDATION_SECTIONS)
UNION_TAGS = {TEXT_TAG, SECRET_TAG}


def json_schema() -> dict[str, Any]:
    return GreenlightConfig.model_json_schema(by_alias=True)


def parse_document(text: str, source: str) -> dict[str, Any]:
    """Parse one YAML/JSON layer, strictly (common.config_text); the layer must be a mapping."""
    try:
        document = load_text(text) if text.strip() else {}
    except ConfigTextError as error:
        raise ConfigError(f"config {source} {error}") from error
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigError(f"config {source} must be a mapping at the top level, not {type(document).__name__}")
    return document


def parse_bytes(data: bytes, source: str) -> dict[str, Any]:
    """Parse a layer read as bytes (a file): refused when over the size limit or not UTF-8."""
    try:
        text = decode(data)
    except ConfigTextError as error:
        raise ConfigError(f"config {source} {error}") from error
    return parse_document(text, source)


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
            f"{'.'.join(str(part) for part in problem['loc'] if part not in UNION_TAGS) or '(top level)'}: "
            + problem["msg"].replace("\n", " ")
            for problem in error.errors()
        )
        raise ConfigError(f"invalid config ({source}): {problems}") from error


def parameter_names(prefix: str, application: str, deployment_group: str) -> list[str]:
    prefix = "/" + prefix.strip("/")
    return [f"{prefix}/default", f"{prefix}/{application}/{deployment_group}"]


def dump(config: GreenlightConfig) -> dict[str, Any]:
    return dict(json.loads(config.model_dump_json(by_alias=True)))
