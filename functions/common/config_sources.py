"""The effective config with where each value came from: the layers merged exactly as Prepare merges them.

Each layer is parsed, merged and validated by `common.config` (parse_document, merge, validate): this module
only remembers, for every leaf, the last layer that set it. A leaf is a scalar, a list (a later layer replaces a
list whole) or an empty mapping; a value no layer set comes from the model's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common.config import DEFAULT_CHECK_FUNCTION_PREFIX, GreenlightConfig, dump, merge, parse_document, validate

DEFAULTS = "defaults"
Path = tuple[str, ...]


@dataclass(frozen=True)
class Layer:
    source: str  # how reports name it: ssm:/greenlight/default, file:greenlight.yaml
    text: str
    large: bool = False  # read from S3 or AppConfig, or a file standing for one: up to 64 KiB (common.config_text)


def leaves(document: Any, prefix: Path = ()) -> list[Path]:
    if isinstance(document, dict) and document:
        return [path for key, value in document.items() for path in leaves(value, (*prefix, str(key)))]
    return [prefix] if prefix else []


def layered(layers: list[Layer]) -> tuple[dict[str, Any], dict[Path, str]]:
    """The merged document, and for each leaf a layer set, the last such layer."""
    document: dict[str, Any] = {}
    sources: dict[Path, str] = {}
    for layer in layers:
        given = parse_document(layer.text, layer.source, layer.large)
        document = merge(document, given)
        for path in leaves(given):
            sources = {p: s for p, s in sources.items() if p[: len(path)] != path}  # a layer replaces what is below
            sources[path] = layer.source
    return document, sources


def label(layers: list[Layer]) -> str:
    return " + ".join([DEFAULTS, *(layer.source for layer in layers)])


def source_of(path: Path, sources: dict[Path, str]) -> str:
    """The layer that set this leaf, or the one that set a mapping or list above it, else the defaults."""
    for length in range(len(path), 0, -1):
        if path[:length] in sources:
            return sources[path[:length]]
    return DEFAULTS


def effective(
    layers: list[Layer], check_function_prefix: str = DEFAULT_CHECK_FUNCTION_PREFIX
) -> tuple[GreenlightConfig, dict[str, Any], dict[Path, str]]:
    """Validate the layers as Prepare would (ConfigError names the field); the config, its dump, each leaf's source."""
    document, sources = layered(layers)
    config = validate(document, label(layers), check_function_prefix)
    dumped = dump(config)
    return config, dumped, {path: source_of(path, sources) for path in leaves(dumped)}
