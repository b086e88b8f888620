"""`greenlight local run`: one deployment of a service the user runs, validated by the real workflow, locally."""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from greenlight.engine import LocalEngine, Run
from greenlight.project import Project
from greenlight.standin import APPLICATION, DEPLOYMENT_GROUP, LocalDeployment, create_deployment

DEFAULT_TIME_SCALE = 0.05  # a 60 s bake time takes 3 s
DEFAULT_DEADLINE_S = 900.0


class UsageError(Exception):
    """A bad flag, file or config: the CLI prints it on one line and exits 2."""


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
    """A config file's text; unreadable, oversized or not UTF-8 is a UsageError (one line, exit 2)."""
    if importlib.util.find_spec("common") is None:  # the functions' own code reads it, as Prepare does
        Project.find().add_task_root()
    from common.config_text import MAX_CONFIG_BYTES, ConfigTextError, decode

    try:
        with path.open("rb") as file:
            data = file.read(MAX_CONFIG_BYTES + 1)  # never more: the path may name an endless device
    except OSError as error:
        raise UsageError(f"cannot read --config {path}: {error.strerror}") from error
    try:
        return decode(data)
    except ConfigTextError as error:
        raise UsageError(f"config --config {error}") from error


def health_path_of(text: str, source: str) -> str:
    """Validate a config file before anything runs; returns the health path the listener should probe."""
    from common.config import ConfigError, HealthConfig, parse_document, validate

    try:
        document = parse_document(text, source)
        config = validate(document, source)
    except ConfigError as error:
        raise UsageError(str(error)) from error
    return HealthConfig.model_validate(config.health).path


def store_config(engine: LocalEngine, text: str) -> None:
    """The config as the deployment group's SSM parameter; as on AWS, over 4096 characters needs the advanced tier."""
    prefix = engine.environment.get("CONFIG_PARAMETER_PREFIX", "/greenlight")
    engine.clients["ssm"].put_parameter(
        Name=f"{prefix}/{APPLICATION}/{DEPLOYMENT_GROUP}",
        Value=text,
        Type="String",
        Tier="Advanced" if len(text) > 4096 else "Standard",
    )


def report_from(run: Run, callbacks: list[dict[str, Any]], mocked: bool = False) -> dict[str, Any]:
    """The verdict report: the workflow's output when there is one, plus what CodeDeploy received."""
    output = run.output or {}
    accepted = [c for c in callbacks if c.get("accepted")]
    callback = accepted[0] if accepted else None
    # With a MockConfigFile case Finalize is mocked and nothing calls back: the mocked report carries the verdict.
    verdict = callback["status"] if callback else output.get("verdict") if mocked else None
    return {
        "verdict": verdict,
        "reason": output.get("reason") or run.cause or "no verdict reached CodeDeploy",
        "validations": output.get("validations", []),
        "callback": callback,
        "callbacks": callbacks,
        "execution": {
            "arn": run.execution_arn,
            "status": run.status,
            "error": run.error,
            "cause": run.cause,
            "duration_s": round(run.duration_s, 3),
        },
        "mocked": mocked,
        "states": run.states,
        "report": output,
    }


def run_local(
    options: LocalRunOptions,
    project: Project | None = None,
    on_state: Callable[[dict[str, Any]], None] | None = None,
    log: TextIO | None = None,
    before_start: Callable[[LocalEngine, LocalDeployment], None] | None = None,
) -> dict[str, Any]:
    """Set up the stand-in, start the workflow as CodeDeploy would, wait for it, return the verdict report.

    `before_start` may change the stand-in first (tests inject faults there).
    """
    project = project or Project.find()
    health_path = "/"
    project.add_task_root()
    if options.config_text:
        health_path = health_path_of(options.config_text, "--config")
    with LocalEngine(
        project,
        options.time_scale,
        options.timeout_scale,
        log if log is not None else io.StringIO(),
        options.workflow_timeout_scale,
    ) as engine:
        deployment = create_deployment(engine.clients, options.target_url, health_path, options.lifecycle_event)
        try:
            if options.config_text:
                store_config(engine, options.config_text)
            if before_start:
                before_start(engine, deployment)
            if options.mock_config:
                engine.use_mock_config(options.mock_config)
                execution_arn = engine.start_as_hook(
                    deployment.deployment_id, deployment.hook_execution_id, options.mock_case
                )
            else:
                # CodeDeploy invokes hooks asynchronously, so Lambda may deliver the same event more than once.
                outcomes = [
                    engine.invoke_hook(deployment.deployment_id, deployment.hook_execution_id).get("outcome", "")
                    for _ in range(options.hook_invocations)
                ]
                execution_arn = engine.execution_arn_for_hook(deployment.hook_execution_id)
                if not any(outcome in ("started", "already-started") for outcome in outcomes):
                    run = Run(
                        execution_arn, "NOT_STARTED", None, "Greenlight.HookStartFailed", ", ".join(outcomes), 0.0
                    )
                    return report_from(run, deployment.callbacks())
            run = engine.wait(execution_arn, options.deadline_s, on_state)
            return report_from(run, deployment.callbacks(), mocked=options.mock_config is not None)
        finally:
            deployment.listener.close()
