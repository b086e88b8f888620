"""A local run's options and its config, read and checked before anything runs: the --config file, the layers Prepare
will read, what the local Parameter Store holds before the run (greenlight.engine.run.local_run runs it)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greenlight.engine.interface import DEFAULT_DEADLINE_S, DEFAULT_TIME_SCALE, LocalRunError
from greenlight.engine.standins import layer_objects
from greenlight.engine.standins.codedeploy import APPLICATION, DEPLOYMENT_GROUP
from greenlight.project import Project


@dataclass
class LocalRunOptions:
    target_url: str
    config_text: str = ""
    config_file: Path | None = None  # where config_text came from: the checks before the run name it
    mock_config: Path | None = None
    mock_case: str | None = None
    time_scale: float = DEFAULT_TIME_SCALE
    timeout_scale: float = 1.0
    lifecycle_event: str = "AfterAllowTestTraffic"
    deadline_s: float = DEFAULT_DEADLINE_S
    hook_invocations: int = 1
    workflow_timeout_scale: float = 1.0
    application: str = APPLICATION
    deployment_group: str = DEPLOYMENT_GROUP
    # Seeded into the local Parameter Store before the run: config layers, {ssm:} header values, a bypass.
    ssm_parameters: dict[str, str] = field(default_factory=dict)
    # Overrides of template.yaml's parameter defaults (e.g. OutagePolicy), as `sam deploy` takes them.
    stack_parameters: dict[str, str] = field(default_factory=dict)
    # Which engine runs the deployment: CodeDeploy (the hook calls back) or Amazon ECS (it reads the hook's answers).
    controller: str = "codedeploy"
    stage: str = "POST_TEST_TRAFFIC_SHIFT"  # ECS: the lifecycle stage the hook runs at
    strategy: str = "BLUE_GREEN"  # ECS: BLUE_GREEN, LINEAR or CANARY
    rollback: bool = False  # ECS: invoke the hook as ECS does while it rolls back
    ecs_hook: str = "lambda"  # ECS: a Lambda hook (ECS invokes the hook) or a pause hook (ContinueServiceDeployment)
    pause_timeout_minutes: float = 60.0  # ECS pause hook: its timeoutInMinutes (action ROLLBACK), scaled by time_scale
    pause_gate: str | None = None  # ECS pause hook: the service's greenlight:gate tag (None: the stage played)
    # How long after its period ends CloudWatch has an ALB's metrics (AWS: a minute or more), scaled by time_scale;
    # None: at once, with no period's end awaited (for runs that are not about the delay, e.g. quick tests).
    metrics_delay_s: float | None = 60.0
    # The BLUE service behind the production listener (without it the production listener has nothing behind it).
    blue_url: str | None = None
    # An HTTPS test listener with a certificate for this name (made at run time, its CA trusted by this run only).
    https_server_name: str | None = None
    # Lambda checks: function name -> `module:function` (or `file.py:function`) of the handler standing for it.
    check_functions: dict[str, str] = field(default_factory=dict)
    # Config layers past 8 KB: `s3://BUCKET/KEY` or `appconfig://APP/ENV/PROFILE` -> the layer's text.
    objects: dict[str, str] = field(default_factory=dict)
    # What the user's account holds: Secrets Manager secrets (name -> value), CloudWatch alarms (name -> state).
    secrets: dict[str, str] = field(default_factory=dict)
    alarms: dict[str, str] = field(default_factory=dict)
    # Another Step Functions on loopback runs the workflow (LocalEngine's stepfunctions_endpoint); the run starts
    # as the hook starts it (the hook's execution name and input), since the hook's own client reaches moto only.
    stepfunctions_endpoint: str | None = None


def read_config(path: Path) -> str:
    """A config file's text; unreadable, oversized or not UTF-8 is a LocalRunError (one line, exit 2)."""
    if importlib.util.find_spec("common") is None:  # the functions' own code reads it, as Prepare does
        Project.find().add_task_root()
    from common.config.parsing import MAX_CONFIG_BYTES, ConfigTextError, decode

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
    """The deployment group's own config parameter, as Prepare names it (the last, most specific, of its layers)."""
    from common.config import parameter_names

    return parameter_names(prefix, options.application, options.deployment_group)[-1]


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
    given = config_name(prefix, options) if options.config_text and options.config_file else None
    try:
        return [
            layer_objects.layer(
                seeded[name], f"file:{options.config_file}" if name == given else f"ssm:{name}", options.objects
            )
            for name in names
            if name in seeded
        ]
    except layer_objects.LayerObjectError as error:
        raise LocalRunError(str(error)) from error


def checked_config(layers: list[Any], check_function_prefix: str) -> Any:
    """Validate the config layers before anything runs, as Prepare will (the stack's CheckFunctionPrefix too)."""
    from common.config import ConfigError
    from common.config.sources import effective

    try:
        config, _, _ = effective(layers, check_function_prefix)
    except ConfigError as error:
        raise LocalRunError(str(error)) from error
    return config
