"""`greenlight config show|check`: the config a deployment group will get, with where each value comes from.

`show` layers what Prepare layers (the packaged defaults, `<prefix>/default`, `<prefix>/<application>/<deployment
group>`) read from real SSM with `--from-ssm`, then any `--file` on top, in order (to preview a change before it is
put in SSM); it validates the result as Prepare does and prints it as YAML, each value commented with its source.
`check` validates files on their own over the defaults, for CI: exit 2 and one line per bad file naming the field.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greenlight.cli.errors import EXIT_SUCCEEDED, EXIT_USAGE, UsageError, aws_problem

if TYPE_CHECKING:
    from common.config_sources import Layer


def add_parser(commands: Any) -> None:
    config = commands.add_parser("config", help="preview and check greenlight configs")
    actions = config.add_subparsers(dest="config_command", required=True)
    show = actions.add_parser("show", help="the effective config of a deployment group, each value with its source")
    show.add_argument("--application", help="the CodeDeploy application (with --from-ssm)")
    show.add_argument("--deployment-group", help="the CodeDeploy deployment group (with --from-ssm)")
    show.add_argument("--from-ssm", action="store_true", help="read the layers from SSM Parameter Store (real AWS)")
    show.add_argument("--file", type=Path, action="append", default=[], help="a layer from a file, on top, in order")
    show.add_argument("--prefix", default="/greenlight", help="the stack's ConfigParameterPrefix")
    show.add_argument("--region", help="AWS region (default: the SDK's)")
    show.add_argument("--json", action="store_true", help="print {config, sources, layers} as JSON")
    check = actions.add_parser("check", help="validate config files (exit 2 naming the field when one is invalid)")
    check.add_argument("files", type=Path, nargs="+", metavar="FILE")


def read(path: Path) -> str:
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from error


def ssm_layers(args: argparse.Namespace) -> list[Layer]:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from common.config import parameter_names
    from common.config_sources import Layer

    if not (args.application and args.deployment_group):
        raise UsageError("--from-ssm needs --application and --deployment-group")
    names = parameter_names(args.prefix, args.application, args.deployment_group)
    try:
        answer = boto3.client("ssm", region_name=args.region).get_parameters(Names=names, WithDecryption=True)
    except (BotoCoreError, ClientError) as error:
        raise UsageError(aws_problem(error)) from error
    found = {parameter["Name"]: parameter["Value"] for parameter in answer.get("Parameters", [])}
    return [Layer(f"ssm:{name}", found[name]) for name in names if name in found]


def render(dumped: dict[str, Any], sources: dict[tuple[str, ...], str], path: tuple[str, ...] = ()) -> list[str]:
    """YAML with `# <source>` after each value: scalars and plain lists as JSON (valid YAML), lists of mappings
    (requests, checks) as a block under their key, whose layer set them whole."""
    import yaml

    lines = []
    indent = "  " * len(path)
    for key, value in dumped.items():
        here = (*path, key)
        if isinstance(value, dict) and value:
            lines += [f"{indent}{key}:", *render(value, sources, here)]
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            block = yaml.safe_dump(value, sort_keys=False, default_flow_style=False, width=100)
            lines += [f"{indent}{key}:  # {sources[here]}", *(f"{indent}  {line}" for line in block.splitlines())]
        else:
            lines.append(f"{indent}{key}: {json.dumps(value)}  # {sources[here]}")
    return lines


def command_show(args: argparse.Namespace) -> int:
    from common.config import ConfigError
    from common.config_sources import Layer, effective, label

    layers = ssm_layers(args) if args.from_ssm else []
    layers += [Layer(f"file:{path}", read(path)) for path in args.file]
    try:
        _, dumped, sources = effective(layers)
    except ConfigError as error:
        raise UsageError(str(error)) from error
    if args.json:
        flat = {".".join(path): source for path, source in sources.items()}
        json.dump({"config": dumped, "sources": flat, "layers": label(layers).split(" + ")}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_SUCCEEDED
    target = f" for {args.application}/{args.deployment_group}" if args.application and args.deployment_group else ""
    sys.stdout.write(f"# effective greenlight config{target}: {label(layers)} (valid)\n")
    sys.stdout.write("\n".join(render(dumped, sources)) + "\n")
    return EXIT_SUCCEEDED


def command_check(args: argparse.Namespace) -> int:
    from common.config import ConfigError, parse_document, validate

    bad = 0
    for path in args.files:
        source = f"file:{path}"
        try:
            validate(parse_document(read(path), source), f"defaults + {source}")
        except (ConfigError, UsageError) as error:
            bad += 1
            sys.stderr.write(f"{path}: {error}\n")
            continue
        sys.stdout.write(f"{path}: valid\n")
    return EXIT_USAGE if bad else EXIT_SUCCEEDED


def command_config(args: argparse.Namespace) -> int:
    return command_show(args) if args.config_command == "show" else command_check(args)
