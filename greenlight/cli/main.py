"""The `greenlight` command: run the real workflow locally, the demo, scaffolding, the config schema, config
preview and check, the bypass, the verdict as a page."""

from __future__ import annotations

import argparse
import os
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from greenlight.cli import bypass, config_preview, registry, report
from greenlight.cli.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    UsageError,
    aws_problem,
    interrupted,
    one_line,
)
from greenlight.engine import DEFAULT_TIME_SCALE
from greenlight.errors import GreenlightError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _add_controller(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--controller",
        default="codedeploy",
        choices=["codedeploy", "ecs"],
        help="the deployment engine to play: codedeploy (the hook calls back) or ecs (ECS reads the hook's answers)",
    )
    parser.add_argument(
        "--ecs-hook",
        default="lambda",
        choices=["lambda", "pause"],
        help="with --controller ecs: the kind of lifecycle hook, lambda (ECS invokes the hook and reads its answers; "
        "the default) or pause (ECS pauses and puts an event; greenlight answers with ContinueServiceDeployment)",
    )


def _add_local_run(commands: Any) -> None:
    local = commands.add_parser("local", help="run the real workflow on the embedded local engine")
    local_commands = local.add_subparsers(dest="local_command", required=True)
    run = local_commands.add_parser("run", help="validate a service you run, as one blue/green deployment")
    run.add_argument("--target-url", required=True, help="the service under test, e.g. http://127.0.0.1:8080")
    run.add_argument("--config", type=Path, help="greenlight config (YAML or JSON), as stored in SSM")
    run.add_argument("--mock-config", metavar="FILE#Case", help="a Step Functions Local MockConfigFile and test case")
    run.add_argument(
        "--time-scale",
        type=float,
        default=DEFAULT_TIME_SCALE,
        help=f"factor for Wait states and retry intervals (default {DEFAULT_TIME_SCALE}; 1 = real time)",
    )
    run.add_argument(
        "--lifecycle-event",
        default="AfterAllowTestTraffic",
        choices=["BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic", "AfterAllowTraffic"],
        help="the CodeDeploy hook being run (default AfterAllowTestTraffic)",
    )
    run.add_argument("--application", default="sample-service", help="the CodeDeploy application (ECS: cluster)")
    run.add_argument("--deployment-group", default="sample-service-dg", help="its deployment group (ECS: service)")
    _add_deployment_world(run)
    run.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="seed the local Parameter Store (a config layer, an {ssm:} header value, a bypass); @FILE reads FILE",
    )
    run.add_argument(
        "--secret",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="seed a Secrets Manager secret (a request header's {secretsmanager:} value); @FILE reads FILE",
    )
    run.add_argument(
        "--alarm",
        action="append",
        default=[],
        metavar="NAME[=STATE]",
        help="a CloudWatch alarm metrics.alarms names, in STATE (OK, ALARM or INSUFFICIENT_DATA; default OK)",
    )
    run.add_argument(
        "--object",
        action="append",
        default=[],
        metavar="s3://BUCKET/KEY=@FILE",
        help="a config layer past SSM's 8 KB, standing in S3 (or appconfig://APP/ENV/PROFILE=@FILE in AWS AppConfig); "
        "a --parameter whose value is that s3:// or appconfig:// name points at it",
    )
    run.add_argument(
        "--check-function",
        action="append",
        default=[],
        metavar="NAME=module:function",
        help="a handler of yours standing for the Lambda function NAME a config's lambda_checks invoke (module from "
        "the current folder, or path/to/file.py:function)",
    )
    run.add_argument("--json", action="store_true", help="print the verdict report as JSON on stdout, nothing else")
    run.add_argument("--log-file", type=Path, help="write the functions' structured logs here")
    run.add_argument("--report", type=Path, metavar="FILE", help="also write the verdict as an HTML page to FILE")
    run.add_argument("--verbose", action="store_true", help="print the raw trace of the states as they run")


def _add_deployment_world(run: argparse.ArgumentParser) -> None:
    """What the local AWS plays: the deployment engine and its stage, the listener's TLS, BLUE, CloudWatch's delay."""
    _add_controller(run)
    run.add_argument(
        "--stage",
        default="POST_TEST_TRAFFIC_SHIFT",
        help="with --controller ecs: the lifecycle stage the hook runs at (default POST_TEST_TRAFFIC_SHIFT)",
    )
    run.add_argument(
        "--strategy",
        default="BLUE_GREEN",
        choices=["BLUE_GREEN", "LINEAR", "CANARY"],
        help="with --controller ecs: the deployment strategy (LINEAR and CANARY shift production in steps)",
    )
    run.add_argument(
        "--rollback",
        action="store_true",
        help="with --controller ecs: invoke the hook as ECS does while it rolls back (TEST_TRAFFIC_SHIFT or "
        "PRODUCTION_TRAFFIC_SHIFT, GREEN at 0 %% of production)",
    )
    run.add_argument(
        "--metrics-delay",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long after its minute ends the local CloudWatch has the ALB's metrics, scaled by --time-scale "
        "(default 60: on AWS a minute or more)",
    )
    run.add_argument(
        "--blue-url",
        help="the release in production (BLUE), served behind the production listener: what synthetic.compare_with_"
        "blue and the metrics baseline compare GREEN with",
    )
    run.add_argument(
        "--https",
        metavar="SERVER_NAME",
        help="make the test listener HTTPS, with a certificate for SERVER_NAME made for this run (an ACM certificate "
        "for the service's domain, as on AWS)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="greenlight", description="Validation gate for Amazon ECS blue/green deployments.")
    parser.add_argument("--version", action="version", version=f"greenlight {version('greenlight')}")
    commands = parser.add_subparsers(dest="command", required=True)

    _add_local_run(commands)

    demo = commands.add_parser("demo", help="validate a good and a bad release of a bundled sample service")
    demo.add_argument("--json", action="store_true", help="print both verdict reports as JSON")
    demo.add_argument("--report-dir", type=Path, help="where to write the two HTML reports (default: a temp folder)")
    demo.add_argument("--verbose", action="store_true", help="print the raw trace of the states as they run")
    _add_controller(demo)

    scaffold = commands.add_parser("new-validation", help="scaffold every item of the add-a-validation checklist")
    scaffold.add_argument("name", help="snake_case name, e.g. dns or smoke_login")

    registry.add_parser(commands)
    config_preview.add_parser(commands)
    bypass.add_parser(commands)
    report.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        if args.command == "local":
            from greenlight.cli.local import command_local_run

            return command_local_run(args)
        if args.command == "demo":
            from greenlight.cli.demo import run_demo
            from greenlight.cli.local import check_hook_kind

            check_hook_kind(args)
            return run_demo(
                as_json=args.json,
                report_dir=args.report_dir,
                verbose=args.verbose,
                controller=args.controller,
                ecs_hook=args.ecs_hook,
            )
        if args.command == "new-validation":
            from greenlight.authoring.scaffold import scaffold

            return scaffold(args.name)
        if args.command == "generate":
            return registry.command_generate(args)
        if args.command in ("config", "bypass", "report"):
            from greenlight.project import Project

            Project.find().add_task_root()
            commands = {"config": config_preview.command_config, "bypass": bypass.command_bypass}
            return commands.get(args.command, report.command_report)(args)
        return registry.command_schema(args)
    except GreenlightError as error:  # every error greenlight reports to a person: one line, exit 2
        sys.stderr.write(f"greenlight: {one_line(str(error))}\n")
        return EXIT_USAGE
    except KeyboardInterrupt as interrupt:
        # Everything the run opened (the listener's port, its threads, the execution) was closed on the way out.
        sys.stderr.write(interrupted(interrupt))
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return quiet_after_broken_pipe()
    except Exception as error:
        if not type(error).__module__.startswith("botocore"):
            raise
        # an AWS call made outside a command's own handling
        sys.stderr.write(f"greenlight: {one_line(aws_problem(error))}\n")
        return EXIT_USAGE


def quiet_after_broken_pipe() -> int:
    """The reader of stdout went away (`greenlight ... | head`): end quietly, as a shell tool does. stdout is pointed
    at /dev/null so the interpreter's last flush finds no broken pipe either (Python's docs, "Note on SIGPIPE")."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
