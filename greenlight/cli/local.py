"""`greenlight local run`: validate a service you run, as one blue/green deployment, on the embedded engine."""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from pathlib import Path
from urllib.parse import urlsplit

from greenlight.cli.errors import UsageError, exit_code
from greenlight.cli.memory import collect_from_now
from greenlight.cli.report import write_local_run_page
from greenlight.engine import LocalRunOptions, read_config, run_local
from greenlight.project import Project

# The only stages ECS re-invokes in a rollback (ECS developer guide, "Lifecycle hooks during rollback").
ROLLBACK_STAGES = ("TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT")


SECRET_STRING_LIMIT = 65536  # a SecretString's most (botocore's secretsmanager model, CreateSecret)


def seeded_parameters(given: list[str], option: str = "--parameter") -> dict[str, str]:
    """`NAME=VALUE` pairs for the local Parameter Store (or, as `--secret`, Secrets Manager); a VALUE of `@FILE` is the
    file's text (UTF-8). A value over what the service holds is refused, as AWS would refuse it."""
    Project.find().add_task_root()
    from common.config.parsing import MAX_CONFIG_BYTES  # an SSM parameter's most (the advanced tier's 8 KB)

    # A value file is read no further than a byte past the limit: the path may name an endless device.
    limit = SECRET_STRING_LIMIT if option == "--secret" else MAX_CONFIG_BYTES
    parameters = {}
    for pair in given:
        name, equals, value = pair.partition("=")
        if not (name and equals):
            raise UsageError(f"{option} takes NAME=VALUE, got {pair!r}")
        source = f"{option} {name}"
        data = value.encode("utf-8", "surrogateescape")
        if value.startswith("@"):
            source = f"{option} {name}=@{value[1:]}"
            try:
                with Path(value[1:]).open("rb") as file:
                    data = file.read(limit + 1)
            except OSError as error:
                raise UsageError(f"cannot read {source}: {error.strerror}") from error
        if len(data) > limit:
            raise UsageError(f"{source} is over the {limit} bytes a value may have on AWS")
        try:
            value = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise UsageError(f"{source} is not UTF-8 text: {error.reason}") from error
        if name in parameters:
            raise UsageError(f"{option} names {name} twice")
        parameters[name] = value
    return parameters


def alarm_states(given: list[str]) -> dict[str, str]:
    """`NAME[=STATE]` pairs: the CloudWatch alarms a config's `metrics.alarms` names, each in its state (OK when not
    given)."""
    from greenlight.engine.standins.user_resources import ALARM_STATES

    alarms = {}
    for pair in given:
        name, _, state = pair.partition("=")
        state = state or "OK"
        if not name or state not in ALARM_STATES:
            states = ", ".join(ALARM_STATES)
            raise UsageError(f"--alarm takes NAME or NAME=STATE with STATE one of {states}, got {pair!r}")
        if name in alarms:
            raise UsageError(f"--alarm names {name} twice")
        alarms[name] = state
    return alarms


def check_functions(given: list[str]) -> dict[str, str]:
    """`NAME=module:function` pairs: the handler each Lambda check's function name stands for."""
    functions = {}
    for pair in given:
        name, equals, reference = pair.partition("=")
        if not (name and equals and ":" in reference):
            raise UsageError(f"--check-function takes NAME=module:function, got {pair!r}")
        if name in functions:
            raise UsageError(f"--check-function names {name} twice")
        functions[name] = reference
    return functions


def layer_objects(given: list[str]) -> dict[str, str]:
    """`s3://BUCKET/KEY=@FILE` (or `appconfig://APP/ENV/PROFILE=@FILE`) pairs: config layers in S3 or AppConfig, each
    read up to the size such a layer may have (and a byte more, so a larger one is refused naming the limit)."""
    Project.find().add_task_root()
    from common.config.parsing import MAX_LAYER_BYTES, STORE_LIMIT_WHY, ConfigTextError, decode

    objects = {}
    for pair in given:
        pointer, marker, file = pair.rpartition("=@")
        if not (pointer and marker and file):
            raise UsageError(f"--object takes s3://BUCKET/KEY=@FILE or appconfig://APP/ENV/PROFILE=@FILE, got {pair!r}")
        try:
            with Path(file).open("rb") as opened:
                data = opened.read(MAX_LAYER_BYTES + 1)
        except OSError as error:
            raise UsageError(f"cannot read --object {pointer}=@{file}: {error.strerror}") from error
        try:
            objects[pointer] = decode(data, MAX_LAYER_BYTES, STORE_LIMIT_WHY)
        except ConfigTextError as error:
            raise UsageError(f"config --object {pointer}=@{file} {error}") from error
    return objects


def check_stage(stage: str) -> None:
    """An ECS lifecycle stage as botocore's model names it (the functions' own list)."""
    Project.find().add_task_root()
    from common.runtime.lifecycle import ECS_STAGES

    if stage not in ECS_STAGES:
        raise UsageError(f"--stage must be one of {', '.join(ECS_STAGES)}, got {stage!r}")


def check_service_url(flag: str, url: str) -> None:
    """A service's root: scheme, host and port. An ALB forwards the request's path as it is (it rewrites nothing),
    so a path here would be dropped; it belongs in health.path and the synthetic requests' paths."""
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"{flag} must be an http(s) URL, got {url!r}")
    parts = urlsplit(url)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        extra = url[len(f"{parts.scheme}://{parts.netloc}") :]
        raise UsageError(
            f"{flag} must be the service's root (scheme://host:port), not {url}: the load balancer forwards request "
            f"paths unchanged, so put {extra} in health.path and the synthetic requests' paths"
        )


def check_server_name(name: str) -> None:
    """--https: the name the local listener's certificate is issued for, a host name as the config's are read."""
    Project.find().add_task_root()
    from common.http.addresses import AddressError, normalise_host

    try:
        normalise_host(name)
    except AddressError as error:
        raise UsageError(f"--https {error}") from error


def check_hook_kind(args: argparse.Namespace) -> None:
    """A pause hook is ECS's alone, never at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT (ECS developer guide, "Pause
    hooks for Amazon ECS service deployments"), and never re-invoked in a rollback (only those two stages are)."""
    if args.ecs_hook != "pause":
        return
    if args.controller != "ecs":
        raise UsageError("--ecs-hook pause needs --controller ecs")
    stage = getattr(args, "stage", "POST_TEST_TRAFFIC_SHIFT")
    Project.find().add_task_root()
    from common.ecs.pause_hook import PAUSE_STAGES

    if stage not in PAUSE_STAGES:
        raise UsageError(f"--ecs-hook pause: ECS pauses only at {', '.join(PAUSE_STAGES)}, not at {stage}")
    if getattr(args, "rollback", False):
        raise UsageError("--ecs-hook pause cannot play --rollback: ECS re-invokes no pause hook while it rolls back")


def check_arguments(args: argparse.Namespace) -> None:
    """What argparse cannot check alone; a bad value is a usage error (exit 2), never a run."""
    check_service_url("--target-url", args.target_url)
    if args.blue_url:
        check_service_url("--blue-url", args.blue_url)
    if args.controller == "ecs":
        check_stage(args.stage)
    check_hook_kind(args)
    if getattr(args, "mock_config", None) and args.controller == "ecs":
        raise UsageError(
            "--mock-config plays the CodeDeploy path only: on the ECS path the hook (or the pause hook's function) "
            "starts the workflow, and a MockConfigFile case cannot be named there"
        )
    if getattr(args, "rollback", False) and (args.controller != "ecs" or args.stage not in ROLLBACK_STAGES):
        raise UsageError("--rollback needs --controller ecs and --stage TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT")
    if not (math.isfinite(args.time_scale) and args.time_scale >= 0):
        raise UsageError(f"--time-scale must be a number, 0 or more, got {args.time_scale}")
    if args.https is not None:
        check_server_name(args.https)
    if not 0 <= args.metrics_delay <= 3600:
        raise UsageError("--metrics-delay must be between 0 and 3600 seconds")


def quiet_libraries() -> None:
    """moto's and asyncio's own log lines go to the engine's log (--log-file), never to this terminal: a handler
    stopped by Ctrl-C makes both log what they saw, after the run's log has closed."""
    for name in ("moto", "asyncio"):
        logging.getLogger(name).addHandler(logging.NullHandler())


def command_local_run(args: argparse.Namespace) -> int:
    quiet_libraries()
    options = LocalRunOptions(
        target_url=args.target_url,
        time_scale=args.time_scale,
        lifecycle_event=args.lifecycle_event,
        application=args.application,
        deployment_group=args.deployment_group,
        ssm_parameters=seeded_parameters(args.parameter),
        controller=args.controller,
        stage=args.stage,
        strategy=args.strategy,
        rollback=getattr(args, "rollback", False),
        ecs_hook=args.ecs_hook,
        https_server_name=args.https,
        metrics_delay_s=args.metrics_delay,
        blue_url=args.blue_url,
        check_functions=check_functions(args.check_function),
        objects=layer_objects(args.object),
        secrets=seeded_parameters(args.secret, "--secret"),
        alarms=alarm_states(args.alarm),
    )
    check_arguments(args)
    if args.config:
        options.config_text, options.config_file = read_config(args.config), args.config
    if args.mock_config:
        file, _, case = args.mock_config.partition("#")
        if not case or not Path(file).is_file():
            raise UsageError("--mock-config takes FILE#Case, with an existing FILE")
        options.mock_config, options.mock_case = Path(file), case
    try:
        log = args.log_file.open("w") if args.log_file else None
    except OSError as error:
        raise UsageError(f"cannot write --log-file {args.log_file}: {error.strerror}") from error
    try:
        if args.json:  # nothing shown while it runs: the live view's terminal library is not even loaded
            report = run_local(options, log=log, before_start=collect_from_now)
        else:
            from greenlight.cli.live import watching

            with watching(sys.stderr, args.json, args.verbose, args.time_scale) as on_state:
                report = run_local(options, on_state=on_state, log=log, before_start=collect_from_now)
    finally:
        if log:
            log.close()
    if args.json:
        json.dump(report.model_dump(mode="json"), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        from greenlight.cli.render import render

        render(report, sys.stdout)
    if args.report:
        path = write_local_run_page(report, args.report)
        sys.stderr.write(f"Report written to {path.resolve()}\n")
    return exit_code(report)
