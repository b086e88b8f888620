"""A local run's config, read and checked before anything runs: the --config file, the layers Prepare will read, what
the local Parameter Store holds before the run (greenlight.engine.local_run runs it)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greenlight.engine import layer_objects
from greenlight.engine.interface import LocalRunError
from greenlight.engine.project import Project

if TYPE_CHECKING:
    from greenlight.engine.local_run import LocalRunOptions


def read_config(path: Path) -> str:
    """A config file's text; unreadable, oversized or not UTF-8 is a LocalRunError (one line, exit 2)."""
    if importlib.util.find_spec("common") is None:  # the functions' own code reads it, as Prepare does
        Project.find().add_task_root()
    from common.config_text import MAX_CONFIG_BYTES, ConfigTextError, decode

    try:
        with path.open("rb") as file:
            data = file.read(MAX_CONFIG_BYTES + 1)  # never more: the path may name an endless device
    except OSError as error:
        raise LocalRunError(f"cannot read --config {path}: {error.strerror}") from error
    try:
        return decode(data)
    except ConfigTextError as error:
        hint = ""
        if len(data) > MAX_CONFIG_BYTES:
            hint = (
                "; a larger layer lives in S3 or AppConfig (locally: --object s3://BUCKET/KEY=@FILE and a --parameter "
            )
            hint += "pointing at it)"
        raise LocalRunError(f"config --config {error}{hint}") from error


def config_name(prefix: str, options: LocalRunOptions) -> str:
    return f"/{prefix.strip('/')}/{options.application}/{options.deployment_group}"


def seeded_parameters(prefix: str, options: LocalRunOptions) -> dict[str, str]:
    """What the local Parameter Store holds before the run: the given parameters, and --config at the group's name."""
    seeded = dict(options.ssm_parameters)
    if options.config_text:
        name = config_name(prefix, options)
        if name in seeded:
            raise LocalRunError(f"the config is given twice: by --config and by the parameter {name}")
        seeded[name] = options.config_text
    return seeded


def config_layers(prefix: str, options: LocalRunOptions, seeded: dict[str, str]) -> list[Any]:
    """The config layers Prepare will read for this deployment group (a pointer's from the --object it names)."""
    from common.config import parameter_names

    names = parameter_names(prefix, options.application, options.deployment_group)
    try:
        return [layer_objects.layer(seeded[name], f"ssm:{name}", options.objects) for name in names if name in seeded]
    except layer_objects.LayerObjectError as error:
        raise LocalRunError(str(error)) from error


def checked_config(layers: list[Any], check_function_prefix: str) -> Any:
    """Validate the config layers before anything runs, as Prepare will (the stack's CheckFunctionPrefix too)."""
    from common.config import ConfigError
    from common.config_sources import effective

    try:
        config, _, _ = effective(layers, check_function_prefix)
    except ConfigError as error:
        raise LocalRunError(str(error)) from error
    return config
