"""`greenlight local run`: validate a service you run, as one blue/green deployment, on the embedded engine."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from greenlight.cli.errors import UsageError
from greenlight.cli.render import exit_code, progress_printer, render
from greenlight.engine.local_run import LocalRunOptions, read_config, run_local


def seeded_parameters(given: list[str]) -> dict[str, str]:
    """`NAME=VALUE` pairs for the local Parameter Store; a VALUE of `@FILE` is the file's text."""
    parameters = {}
    for pair in given:
        name, equals, value = pair.partition("=")
        if not (name and equals):
            raise UsageError(f"--parameter takes NAME=VALUE, got {pair!r}")
        if value.startswith("@"):
            try:
                value = Path(value[1:]).read_text()
            except OSError as error:
                raise UsageError(f"cannot read --parameter {name}={value}: {error.strerror}") from error
        parameters[name] = value
    return parameters


def command_local_run(args: argparse.Namespace) -> int:
    options = LocalRunOptions(
        target_url=args.target_url,
        time_scale=args.time_scale,
        lifecycle_event=args.lifecycle_event,
        application=args.application,
        deployment_group=args.deployment_group,
        ssm_parameters=seeded_parameters(args.parameter),
        https_server_name=args.https,
        metrics_delay_s=args.metrics_delay,
        blue_url=args.blue_url,
    )
    for flag, url in (("--target-url", args.target_url), ("--blue-url", args.blue_url or "http://")):
        if not url.startswith(("http://", "https://")):
            raise UsageError(f"{flag} must be an http(s) URL, got {url!r}")
    if args.time_scale < 0:
        raise UsageError("--time-scale must be 0 or more")
    if not 0 <= args.metrics_delay <= 3600:
        raise UsageError("--metrics-delay must be between 0 and 3600 seconds")
    if args.config:
        options.config_text = read_config(args.config)
    if args.mock_config:
        file, _, case = args.mock_config.partition("#")
        if not case or not Path(file).is_file():
            raise UsageError("--mock-config takes FILE#Case, with an existing FILE")
        options.mock_config, options.mock_case = Path(file), case
    log = args.log_file.open("w") if args.log_file else None
    try:
        report = run_local(options, on_state=None if args.json else progress_printer(sys.stderr), log=log)
    finally:
        if log:
            log.close()
    if args.json:
        json.dump(report.model_dump(mode="json"), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        render(report, sys.stdout)
    return exit_code(report)
