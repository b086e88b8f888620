"""The effective config with where each value came from: the layers merged exactly as Prepare merges them.

Each layer is parsed, merged and validated by `common.config` (parse_document, merge, validate): this module
only remembers, for every leaf, the last layer that set it. A leaf is a scalar, a list (a later layer replaces a
list whole) or an empty mapping; a value no layer set comes from the model's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from common.config import (
    DEFAULT_CHECK_FUNCTION_PREFIX,
    ConfigError,
    GreenlightConfig,
    dump,
    merge,
    parameter_names,
    parse_document,
    validate,
)
from common.config.layers import LayerError, LayerStores, read_layer

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

DEFAULTS = "defaults"
POINTS_AT = " -> "  # in a layer's source: the parameter, then the object or configuration it points at
Path = tuple[str, ...]


@dataclass(frozen=True)
class Layer:
    source: str  # how reports name it: ssm:/greenlight/default, file:greenlight.yaml
    text: str
    large: bool = False  # read from S3 or AppConfig, or a file standing for one: up to 64 KiB (common.config.parsing)


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


def read_layers(
    ssm: SSMClient, prefix: str, application: str, deployment_group: str, stores: LayerStores | None = None
) -> list[Layer]:
    """The layers of this deployment group that exist, the default first (what Prepare merges): each SSM parameter's
    value, or the layer in S3 or AppConfig it points at (common.config.layers; ConfigError when it cannot be read)."""
    names = parameter_names(prefix, application, deployment_group)
    response = ssm.get_parameters(Names=names, WithDecryption=True)
    found = {parameter["Name"]: parameter["Value"] for parameter in response.get("Parameters", [])}
    try:
        read = [read_layer(found[name], f"ssm:{name}", stores or LayerStores()) for name in names if name in found]
    except LayerError as error:
        raise ConfigError(str(error)) from error
    return [Layer(layer.source, layer.text, layer.large) for layer in read]


def parameter_of(source: str) -> str:
    """The SSM parameter a layer's source names, whether it held the layer or pointed at it elsewhere."""
    return source.split(POINTS_AT, 1)[0]
