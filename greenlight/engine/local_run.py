"""One deployment of a service the user runs, validated by the real workflow on the embedded engine."""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from greenlight.engine import check_functions, layer_objects, local_tls, process, user_resources
from greenlight.engine.executions import Run
from greenlight.engine.interface import DEFAULT_DEADLINE_S, DEFAULT_TIME_SCALE, LocalRunError
from greenlight.engine.local_engine import LocalEngine
from greenlight.engine.project import Project

if TYPE_CHECKING:
    from greenlight.engine.results import LocalRunResult

from greenlight.engine.standin import APPLICATION, DEPLOYMENT_GROUP, LocalDeployment, create_deployment


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
    from common.config.sources import effective

    try:
        config, _, _ = effective(layers, check_function_prefix)
    except ConfigError as error:
        raise LocalRunError(str(error)) from error
    return config


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
    from greenlight.engine import ecs_pause
    from greenlight.engine.ecs_controller import create_ecs_deployment
    from greenlight.engine.ecs_run import ecs_result, play

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
    from greenlight.engine.results import result_of  # the report model is the functions' own

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
