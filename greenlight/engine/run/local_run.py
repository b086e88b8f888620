"""One deployment of a service the user runs, validated by the real workflow on the embedded engine."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from greenlight.engine.balancer import tls as local_tls
from greenlight.engine.core import process
from greenlight.engine.interface import LocalRunError
from greenlight.engine.run.executions import Run
from greenlight.engine.run.local_engine import LocalEngine
from greenlight.engine.run.run_config import (
    LocalRunOptions,
    checked_config,
    config_layers,
    config_name,
    read_config,
    seeded_parameters,
)
from greenlight.engine.standins import check_functions, layer_objects, user_resources
from greenlight.project import Project

if TYPE_CHECKING:
    from greenlight.engine.run.results import LocalRunResult

from greenlight.engine.standins.codedeploy import LocalDeployment, create_deployment

__all__ = [  # what callers import from here (the config's reading and checking is greenlight.engine.run.run_config's)
    "LocalRunError",
    "LocalRunOptions",
    "checked_config",
    "config_layers",
    "config_name",
    "read_config",
    "run_local",
    "seeded_parameters",
]


def _deployment(engine: LocalEngine, options: LocalRunOptions, health_path: str) -> LocalDeployment:
    certificate = None
    if options.https_server_name:
        certificate, ca_pem = local_tls.issue(engine.clients["acm"], options.https_server_name)
        engine.enter(local_tls.trusted(ca_pem))
    return create_deployment(
        engine.clients,
        options.target_url,
        health_path,
        options.lifecycle_event,
        settings=engine.settings,
        application=options.application,
        deployment_group=options.deployment_group,
        certificate=certificate,
        blue_upstream=options.blue_url,
    )


def _start(engine: LocalEngine, deployment: LocalDeployment, options: LocalRunOptions) -> tuple[str, list[str]]:
    """Start the execution as CodeDeploy would (or as a MockConfigFile case): its ARN, and the hook's outcomes."""
    if options.mock_config:
        engine.use_mock_config(options.mock_config)
        return engine.start_as_hook(deployment.deployment_id, deployment.hook_execution_id, options.mock_case), []
    if options.stepfunctions_endpoint:
        return engine.start_as_hook(deployment.deployment_id, deployment.hook_execution_id), []
    # CodeDeploy invokes hooks asynchronously, so Lambda may deliver the same event more than once.
    outcomes = [
        engine.invoke_hook(deployment.deployment_id, deployment.hook_execution_id).get("outcome", "")
        for _ in range(options.hook_invocations)
    ]
    return engine.execution_arn_for_hook(deployment.hook_execution_id), outcomes


def _seed(engine: LocalEngine, seeded: dict[str, str]) -> None:
    for name, value in seeded.items():
        # As on AWS, a value over 4096 characters needs the advanced tier.
        tier = "Advanced" if len(value) > 4096 else "Standard"
        engine.clients["ssm"].put_parameter(Name=name, Value=value, Type="String", Overwrite=True, Tier=tier)


def _run_ecs(
    engine: LocalEngine,
    options: LocalRunOptions,
    health_path: str,
    seeded: dict[str, str],
    on_state: Callable[[dict[str, Any]], None] | None,
    before_start: Callable[[LocalEngine, Any], None] | None,
) -> LocalRunResult:
    """The same workflow through the ECS path: the stand-in plays ECS and the run ends with the final hookStatus (a
    Lambda hook), or with what ContinueServiceDeployment told ECS (a pause hook)."""
    from greenlight.engine.run import ecs_pause_hook as ecs_pause
    from greenlight.engine.run.ecs_lambda_hook import ecs_result, play
    from greenlight.engine.standins.ecs import create_ecs_deployment

    names = (options.application, options.deployment_group)  # the cluster and the service: the config's two levels
    deployment = create_ecs_deployment(
        engine.clients, options.target_url, health_path, engine.settings, names,
        options.stage, options.strategy, options.rollback,
    )  # fmt: skip
    try:
        _seed(engine, seeded)
        if options.ecs_hook == "pause":
            timeout_s = options.pause_timeout_minutes * 60 * options.time_scale
            pause = ecs_pause.PausePlay(deployment, timeout_s, options.hook_invocations, options.pause_gate)
            if before_start:
                before_start(engine, pause)
            runs = ecs_pause.play(engine, pause, options.deadline_s, on_state)
            return ecs_pause.pause_result(engine, pause, runs)
        if before_start:
            before_start(engine, deployment)
        in_time = play(engine, deployment, options.deadline_s, on_state, options.hook_invocations)
        return ecs_result(engine, deployment, in_time)
    finally:
        deployment.listener.close()


def run_local(
    options: LocalRunOptions,
    project: Project | None = None,
    on_state: Callable[[dict[str, Any]], None] | None = None,
    log: TextIO | None = None,
    before_start: Callable[[LocalEngine, Any], None] | None = None,
) -> LocalRunResult:
    """Set up the stand-in, start the workflow as CodeDeploy would, wait for it, return the verdict report.

    `before_start` may change the stand-in first (tests inject faults there).
    """
    project = project or Project.find()
    project.add_task_root()
    result = _run_local(options, project, on_state, log, before_start)
    result.time_scale = options.time_scale
    return result


def _run_local(
    options: LocalRunOptions,
    project: Project,
    on_state: Callable[[dict[str, Any]], None] | None,
    log: TextIO | None,
    before_start: Callable[[LocalEngine, Any], None] | None,
) -> LocalRunResult:
    from common.runtime.standin_signals import NO_BLUE_VARIABLE
    from greenlight.engine.run.results import result_of  # the report model is the functions' own

    try:
        stack_parameters = layer_objects.stack_parameters(options.objects, options.stack_parameters)
    except layer_objects.LayerObjectError as error:
        raise LocalRunError(str(error)) from error
    engine = LocalEngine(
        project, options.time_scale, options.timeout_scale, log or io.StringIO(), options.workflow_timeout_scale,
        stack_parameters, options.stepfunctions_endpoint,
    )  # fmt: skip
    engine.settings.alb_metrics_delay_s = options.metrics_delay_s
    prefix = engine.parameters.get("ConfigParameterPrefix", "/greenlight")
    function_prefix = engine.parameters.get("CheckFunctionPrefix", "greenlight-check-")
    seeded = seeded_parameters(prefix, options)
    config = checked_config(config_layers(prefix, options, seeded), function_prefix)
    health_path = config.health.path
    if options.stepfunctions_endpoint and options.controller == "ecs":
        raise LocalRunError("another Step Functions runs the CodeDeploy path only: the ECS hook starts on moto's")
    try:
        handlers = check_functions.load_all(options.check_functions, function_prefix)
    except check_functions.CheckFunctionError as error:
        raise LocalRunError(str(error)) from error
    with engine:
        if not options.blue_url:  # nothing behind the production listener: a baseline cannot be judged here
            engine.enter(process.environment({NO_BLUE_VARIABLE: "1"}))
        layer_objects.store(engine.clients, engine.settings, options.objects)
        user_resources.seed(engine.clients, options.secrets, options.alarms)
        aliases = check_functions.qualifiers(config)
        for name, handler in handlers.items():
            engine.add_check_function(name, handler, aliases.get(name, set()))
        if options.controller == "ecs":
            return _run_ecs(engine, options, health_path, seeded, on_state, before_start)
        deployment = _deployment(engine, options, health_path)
        try:
            _seed(engine, seeded)
            if before_start:
                before_start(engine, deployment)
            execution_arn, outcomes = _start(engine, deployment, options)
            if outcomes and not any(outcome in ("started", "already-started") for outcome in outcomes):
                cause = ", ".join(outcomes)
                run = Run(execution_arn, "NOT_STARTED", None, "Greenlight.HookStartFailed", cause, 0.0)
                return result_of(run, deployment.callbacks(), events=engine.recorded_events())
            run = engine.wait(execution_arn, options.deadline_s, on_state)
            mocked = options.mock_config is not None
            return result_of(run, deployment.callbacks(), mocked=mocked, events=engine.recorded_events())
        finally:
            deployment.close()
