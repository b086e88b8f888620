"""The `greenlight` command: run the real workflow locally, the demo, scaffolding, the config schema."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from greenlight.local import DEFAULT_TIME_SCALE, LocalRunOptions, UsageError, read_config, run_local
from greenlight.mock_config import MockConfigError
from greenlight.project import ProjectError

EXIT_SUCCEEDED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="greenlight", description="Validation gate for Amazon ECS blue/green deployments.")
    commands = parser.add_subparsers(dest="command", required=True)

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
    run.add_argument("--json", action="store_true", help="print the verdict report as JSON on stdout, nothing else")
    run.add_argument("--log-file", type=Path, help="write the functions' structured logs here")

    demo = commands.add_parser("demo", help="validate a good and a bad release of a bundled sample service")
    demo.add_argument("--json", action="store_true", help="print both verdict reports as JSON")

    scaffold = commands.add_parser("new-validation", help="scaffold every item of the add-a-validation checklist")
    scaffold.add_argument("name", help="snake_case name, e.g. dns or smoke_login")

    commands.add_parser("schema", help="print the config's JSON Schema (for editors)")
    return parser


def progress_printer(stream: TextIO) -> Any:
    entered: dict[str, Any] = {}

    def on_state(event: dict[str, Any]) -> None:
        name = event["state"]
        if event["type"].endswith("Entered"):
            entered[name] = event["timestamp"]
            stream.write(f"  -> {name}\n")
        else:
            elapsed = (event["timestamp"] - entered.get(name, event["timestamp"])).total_seconds() * 1000
            stream.write(f"  <- {name} ({elapsed:.0f} ms)\n")
        stream.flush()

    return on_state


def _observed_summary(observed: dict[str, Any], limit: int = 110) -> str:
    """One line of the values seen; metric checks show as name=value."""
    keep = {k: v for k, v in observed.items() if k not in ("first_failures", "targets", "checks", "window", "url")}
    keep |= {c["check"]: c["value"] for c in observed.get("checks", []) if c.get("value") is not None}
    text = ", ".join(f"{k}={v}" for k, v in keep.items())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def render(report: dict[str, Any], stream: TextIO) -> None:
    rows = [("VALIDATION", "STATUS", "REASON")]
    rows += [
        (v["name"] + (" (dry run)" if v.get("dry_run") else ""), v["status"], v["reason"])
        for v in report["validations"]
    ]
    width = [max(len(r[i]) for r in rows) for i in range(2)]
    for name, status, reason in rows:
        stream.write(f"{name:<{width[0]}}  {status:<{width[1]}}  {reason}\n")
    for validation in report["validations"]:
        if validation.get("observed"):
            stream.write(f"  {validation['name']}: {_observed_summary(validation['observed'])}\n")
    execution = report["execution"]
    stream.write(f"\nVerdict: {report['verdict'] or 'none'} - {report['reason']}\n")
    stream.write(
        f"Execution {execution['status']} in {execution['duration_s']:.2f} s; CodeDeploy received: "
        f"{report['callback']['status'] if report['callback'] else 'nothing'}\n"
    )


def exit_code(report: dict[str, Any]) -> int:
    return EXIT_SUCCEEDED if report["verdict"] == "Succeeded" else EXIT_FAILED


def command_local_run(args: argparse.Namespace) -> int:
    options = LocalRunOptions(
        target_url=args.target_url, time_scale=args.time_scale, lifecycle_event=args.lifecycle_event
    )
    if not args.target_url.startswith(("http://", "https://")):
        raise UsageError(f"--target-url must be an http(s) URL, got {args.target_url!r}")
    if args.time_scale < 0:
        raise UsageError("--time-scale must be 0 or more")
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
        json.dump(report, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        render(report, sys.stdout)
    return exit_code(report)


def command_schema(_: argparse.Namespace) -> int:
    from greenlight.project import Project

    Project.find().add_task_root()
    from common.config import json_schema

    json.dump(json_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return EXIT_SUCCEEDED


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        if args.command == "local":
            return command_local_run(args)
        if args.command == "demo":
            from greenlight.demo import run_demo

            return run_demo(as_json=args.json)
        if args.command == "new-validation":
            from greenlight.scaffold import scaffold

            return scaffold(args.name)
        return command_schema(args)
    except (UsageError, ProjectError, MockConfigError) as error:
        sys.stderr.write(f"greenlight: {error}\n")
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
