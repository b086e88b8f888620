"""Loading a deployment group's config as Prepare does: the SSM layers that exist, each possibly pointing at a layer
in S3 or AppConfig (common.config_layers), merged over the defaults and validated (common.config)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from common.config import (
    DEFAULT_CHECK_FUNCTION_PREFIX,
    ConfigError,
    GreenlightConfig,
    merge,
    parameter_names,
    parse_document,
    validate,
)
from common.config_layers import LayerError, LayerStores, ReadLayer, read_layer

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient


def read_layers(ssm: SSMClient, names: list[str], stores: LayerStores | None = None) -> list[ReadLayer]:
    """The SSM layers that exist, in order; one that points at S3 or AppConfig (common.config_layers) read from
    there. A pointer that cannot be followed is a ConfigError naming it."""
    response = ssm.get_parameters(Names=names, WithDecryption=True)
    found = {parameter["Name"]: parameter["Value"] for parameter in response.get("Parameters", [])}
    try:
        return [read_layer(found[name], f"ssm:{name}", stores or LayerStores()) for name in names if name in found]
    except LayerError as error:
        raise ConfigError(str(error)) from error


def load(
    ssm: SSMClient,
    prefix: str,
    application: str,
    deployment_group: str,
    check_function_prefix: str = DEFAULT_CHECK_FUNCTION_PREFIX,
    stores: LayerStores | None = None,
) -> tuple[GreenlightConfig, list[str]]:
    """Read the layers that exist, merge them over the defaults, validate. Returns the config and its sources."""
    document: dict[str, Any] = {}
    sources = ["defaults"]
    for layer in read_layers(ssm, parameter_names(prefix, application, deployment_group), stores):
        document = merge(document, parse_document(layer.text, layer.source, layer.large))
        sources.append(layer.source)
    return validate(document, " + ".join(sources), check_function_prefix), sources
