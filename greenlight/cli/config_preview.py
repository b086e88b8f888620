"""`greenlight config show|check`: the config a deployment group will get, with where each value comes from.

`show` layers what Prepare layers (the packaged defaults, `<prefix>/default`, `<prefix>/<application>/<deployment
group>`) read from real SSM with `--from-ssm` (a parameter pointing at S3 or AppConfig read from there, scoped to the
stack's bucket and application as Prepare scopes it), then any `--file` on top, in order (to preview a change before it
is stored); it validates the result as Prepare does and prints it as YAML, each value commented with its source.
`check` validates files on their own over the defaults, for CI: exit 2 and one line per bad file naming the field.
A file may hold up to 64 KiB (a layer in S3 or AppConfig); one over 8 KB is said to need one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greenlight.cli.errors import EXIT_SUCCEEDED, EXIT_USAGE, UsageError, aws_problem, one_line

if TYPE_CHECKING:
    from common.config.sources import Layer


def add_parser(commands: Any) -> None:
    config = commands.add_parser("config", help="preview and check greenlight configs")
    actions = config.add_subparsers(dest="config_command", required=True)
    show = actions.add_parser("show", help="the effective config of a deployment group, each value with its source")
    show.add_argument("--application", help="the CodeDeploy application (with --from-ssm)")
    show.add_argument("--deployment-group", help="the CodeDeploy deployment group (with --from-ssm)")
    show.add_argument("--from-ssm", action="store_true", help="read the layers from SSM Parameter Store (real AWS)")
    show.add_argument("--file", type=Path, action="append", default=[], help="a layer from a file, on top, in order")
    show.add_argument("--prefix", default="/greenlight", help="the stack's ConfigParameterPrefix")
    show.add_argument("--config-bucket", default="", help="the stack's ConfigBucketName (layers in S3)")
    show.add_argument("--appconfig-application", default="", help="the stack's ConfigAppConfigApplicationId")
    _add_function_prefix(show)
    show.add_argument("--region", help="AWS region (default: the SDK's)")
    show.add_argument("--json", action="store_true", help="print {config, sources, layers} as JSON")
    check = actions.add_parser("check", help="validate config files (exit 2 naming the field when one is invalid)")
    check.add_argument("files", type=Path, nargs="+", metavar="FILE")
    _add_function_prefix(check)


def _add_function_prefix(parser: Any) -> None:
    parser.add_argument(
        "--check-function-prefix",
        default="greenlight-check-",
        help="the stack's CheckFunctionPrefix, which a Lambda check's function must start with",
    )


def read(path: Path) -> str:
    """A file's text, up to the 64 KiB a layer in S3 or AppConfig may hold (larger: refused naming the limit)."""
    from common.config.parsing import MAX_LAYER_BYTES, STORE_LIMIT_WHY, ConfigTextError, decode

    try:
        with path.open("rb") as file:
            data = file.read(MAX_LAYER_BYTES + 1)  # never more: the path may name an endless device
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from error
    try:
        return decode(data, MAX_LAYER_BYTES, STORE_LIMIT_WHY)
    except ConfigTextError as error:
        raise UsageError(f"{path} {error}") from error


def over_ssm(text: str) -> str:
    """A note for a layer too large for an SSM parameter, which must then live in S3 or AppConfig."""
    from common.config.parsing import MAX_CONFIG_BYTES

    size = len(text.encode())
    return (
        f" ({size} bytes: over an SSM parameter's 8 KB, so it must live in S3 or AppConfig)"
        if size > MAX_CONFIG_BYTES
        else ""
    )


def ssm_layers(args: argparse.Namespace) -> list[Layer]:
    """The layers Prepare reads, with your credentials: SSM, and S3 or AppConfig where a parameter points."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from common.config import ConfigError
    from common.config.layers import LayerStores
    from common.config.sources import read_layers

    if not (args.application and args.deployment_group):
        raise UsageError("--from-ssm needs --application and --deployment-group")
    stores = LayerStores(
        bucket=args.config_bucket,
        appconfig_application=args.appconfig_application,
        s3=boto3.client("s3", region_name=args.region) if args.config_bucket else None,
        appconfig=boto3.client("appconfigdata", region_name=args.region) if args.appconfig_application else None,
    )
    ssm = boto3.client("ssm", region_name=args.region)
    try:
        return read_layers(ssm, args.prefix, args.application, args.deployment_group, stores)
    except (BotoCoreError, ClientError) as error:
        raise UsageError(aws_problem(error)) from error
    except ConfigError as error:
        raise UsageError(f"{error} (--config-bucket and --appconfig-application name the stack's)") from error


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
    from common.config.sources import Layer, effective, label

    layers = ssm_layers(args) if args.from_ssm else []
    layers += [Layer(f"file:{path}", read(path), large=True) for path in args.file]
    try:
        _, dumped, sources = effective(layers, args.check_function_prefix)
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
            text = read(path)
        except UsageError as error:
            bad += 1
            sys.stderr.write(f"{one_line(str(error))}\n")
            continue
        try:
            validate(parse_document(text, source, large=True), f"defaults + {source}", args.check_function_prefix)
        except ConfigError as error:
            bad += 1
            sys.stderr.write(f"{one_line(f'{path}: {error}')}\n")
            continue
        sys.stdout.write(f"{one_line(str(path))}: valid{over_ssm(text)}\n")  # one line a file, as named
    return EXIT_USAGE if bad else EXIT_SUCCEEDED


def command_config(args: argparse.Namespace) -> int:
    return command_show(args) if args.config_command == "show" else command_check(args)
