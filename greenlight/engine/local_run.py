"""One deployment of a service the user runs, validated by the real workflow on the embedded engine."""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from greenlight.engine.executions import Run
from greenlight.engine.local_engine import LocalEngine
from greenlight.engine.project import Project

if TYPE_CHECKING:
    from greenlight.engine.results import LocalRunResult

from greenlight.engine.standin import APPLICATION, DEPLOYMENT_GROUP, LocalDeployment, create_deployment

DEFAULT_TIME_SCALE = 0.05  # a 60 s bake time takes 3 s
DEFAULT_DEADLINE_S = 900.0


class LocalRunError(Exception):
    """The local run cannot start as asked (an invalid config, for instance); the message is one line."""


@dataclass
class LocalRunOptions:
    target_url: str
    config_text: str = ""
    mock_config: Path | None = None
    mock_case: str | None = None
    time_scale: float = DEFAULT_TIME_SCALE
    timeout_scale: float = 1.0
    lifecycle_event: str = "AfterAllowTestTraffic"
    deadline_s: float = DEFAULT_DEADLINE_S
    hook_invocations: int = 1
    workflow_timeout_scale: float = 1.0


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
        raise LocalRunError(f"config --config {error}") from error


def store_config(engine: LocalEngine, text: str) -> None:
    """The config as the deployment group's SSM parameter; as on AWS, over 4096 characters needs the advanced tier."""
    prefix = engine.environment.get("CONFIG_PARAMETER_PREFIX", "/greenlight")
    engine.clients["ssm"].put_parameter(
        Name=f"{prefix}/{APPLICATION}/{DEPLOYMENT_GROUP}",
        Value=text,
        Type="String",
        Tier="Advanced" if len(text) > 4096 else "Standard",
    )


def health_path_of(text: str, source: str) -> str:
    """Validate a config file before anything runs; returns the health path the listener should probe."""
    from common.config import ConfigError, HealthConfig, parse_document, validate

    try:
        document = parse_document(text, source)
        config = validate(document, source)
    except ConfigError as error:
        raise LocalRunError(str(error)) from error
    return HealthConfig.model_validate(config.health).path


def _start(engine: LocalEngine, deployment: LocalDeployment, options: LocalRunOptions) -> tuple[str, list[str]]:
    """Start the execution as CodeDeploy would (or as a MockConfigFile case): its ARN, and the hook's outcomes."""
    if options.mock_config:
        engine.use_mock_config(options.mock_config)
        return engine.start_as_hook(deployment.deployment_id, deployment.hook_execution_id, options.mock_case), []
    # CodeDeploy invokes hooks asynchronously, so Lambda may deliver the same event more than once.
    outcomes = [
        engine.invoke_hook(deployment.deployment_id, deployment.hook_execution_id).get("outcome", "")
        for _ in range(options.hook_invocations)
    ]
    return engine.execution_arn_for_hook(deployment.hook_execution_id), outcomes


def run_local(
    options: LocalRunOptions,
    project: Project | None = None,
    on_state: Callable[[dict[str, Any]], None] | None = None,
    log: TextIO | None = None,
    before_start: Callable[[LocalEngine, LocalDeployment], None] | None = None,
) -> LocalRunResult:
    """Set up the stand-in, start the workflow as CodeDeploy would, wait for it, return the verdict report.

    `before_start` may change the stand-in first (tests inject faults there).
    """
    project = project or Project.find()
    project.add_task_root()
    from greenlight.engine.results import result_of  # the report model is the functions' own

    health_path = health_path_of(options.config_text, "--config") if options.config_text else "/"
    engine = LocalEngine(
        project, options.time_scale, options.timeout_scale, log or io.StringIO(), options.workflow_timeout_scale
    )
    with engine:
        deployment = create_deployment(
            engine.clients, options.target_url, health_path, options.lifecycle_event, settings=engine.settings
        )
        try:
            if options.config_text:
                store_config(engine, options.config_text)
            if before_start:
                before_start(engine, deployment)
            execution_arn, outcomes = _start(engine, deployment, options)
            if outcomes and not any(outcome in ("started", "already-started") for outcome in outcomes):
                cause = ", ".join(outcomes)
                run = Run(execution_arn, "NOT_STARTED", None, "Greenlight.HookStartFailed", cause, 0.0)
                return result_of(run, deployment.callbacks())
            run = engine.wait(execution_arn, options.deadline_s, on_state)
            return result_of(run, deployment.callbacks(), mocked=options.mock_config is not None)
        finally:
            deployment.listener.close()
