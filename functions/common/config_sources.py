"""The effective config with where each value came from: the layers merged exactly as Prepare merges them.

Each layer is parsed, merged and validated by `common.config` (parse_document, merge, validate): this module
only remembers, for every leaf, the last layer that set it. A leaf is a scalar, a list (a later layer replaces a
list whole) or an empty mapping; a value no layer set comes from the model's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from common.config import GreenlightConfig, dump, merge, parameter_names, parse_document, validate

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

DEFAULTS = "defaults"
Path = tuple[str, ...]


@dataclass(frozen=True)
class Layer:
    source: str  # how reports name it: ssm:/greenlight/default, file:greenlight.yaml
    text: str


def leaves(document: Any, prefix: Path = ()) -> list[Path]:
    if isinstance(document, dict) and document:
        return [path for key, value in document.items() for path in leaves(value, (*prefix, str(key)))]
    return [prefix] if prefix else []


def layered(layers: list[Layer]) -> tuple[dict[str, Any], dict[Path, str]]:
    """The merged document, and for each leaf a layer set, the last such layer."""
    document: dict[str, Any] = {}
    sources: dict[Path, str] = {}
    for layer in layers:
        given = parse_document(layer.text, layer.source)
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


def effective(layers: list[Layer]) -> tuple[GreenlightConfig, dict[str, Any], dict[Path, str]]:
    """Validate the layers as Prepare would (ConfigError names the field); the config, its dump, each leaf's source."""
    document, sources = layered(layers)
    config = validate(document, label(layers))
    dumped = dump(config)
    return config, dumped, {path: source_of(path, sources) for path in leaves(dumped)}


def read_layers(ssm: SSMClient, prefix: str, application: str, deployment_group: str) -> list[Layer]:
    """The SSM layers of this deployment group that exist, the default first (what Prepare merges)."""
    names = parameter_names(prefix, application, deployment_group)
    response = ssm.get_parameters(Names=names, WithDecryption=True)
    found = {parameter["Name"]: parameter["Value"] for parameter in response.get("Parameters", [])}
    return [Layer(f"ssm:{name}", found[name]) for name in names if name in found]
