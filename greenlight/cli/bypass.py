"""`greenlight bypass set|clear|show`: write, delete or read the audited bypass in SSM Parameter Store (real AWS).

The parameter is the one Finalize reads (`common.config.bypass_parameter`):
`<prefix>/bypass/<application>/<deployment group>` or `<prefix>/bypass/all`. `by` is the caller's identity (STS
GetCallerIdentity), with `--by` in front when given; the expiry is mandatory and at most 24 hours away.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from greenlight.cli.errors import EXIT_SUCCEEDED, UsageError, aws_problem

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

DURATION = re.compile(r"^(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$")


def add_parser(commands: Any) -> None:
    bypass = commands.add_parser("bypass", help="let deployments through while greenlight itself is the problem")
    actions = bypass.add_subparsers(dest="bypass_command", required=True)
    for name, help_text in (
        ("set", "write a bypass: the validations still run and report, the verdict is Succeeded until it expires"),
        ("clear", "delete a bypass"),
        ("show", "print a bypass and whether Finalize would apply it now"),
    ):
        action = actions.add_parser(name, help=help_text)
        scope = action.add_mutually_exclusive_group(required=True)
        scope.add_argument("--application", help="the CodeDeploy application (with --deployment-group)")
        scope.add_argument("--all", action="store_true", help="every deployment group of the stack")
        action.add_argument("--deployment-group", help="the CodeDeploy deployment group")
        action.add_argument("--prefix", default="/greenlight", help="the stack's ConfigParameterPrefix")
        action.add_argument("--region", help="AWS region (default: the SDK's)")
        if name == "set":
            action.add_argument("--reason", required=True, help="why: an incident or ticket a reader can follow")
            action.add_argument("--expires-in", required=True, help="how long, at most 24h: 30m, 1h, 2h30m")
            action.add_argument("--by", help="who, in front of the caller's AWS identity")


def duration(text: str) -> timedelta:
    from common.config.bypass_parameter import MAX_DURATION, hours

    match = DURATION.match(text)
    if not text or not match:
        raise UsageError(f"--expires-in takes a duration such as 30m, 1h or 2h30m, not {text!r}")
    length = timedelta(
        **{unit: int(match[key] or 0) for key, unit in (("h", "hours"), ("m", "minutes"), ("s", "seconds"))}
    )
    if not timedelta(0) < length <= MAX_DURATION:
        raise UsageError(f"--expires-in must be more than 0 and at most {hours(MAX_DURATION)}, not {text}")
    return length


def parameter_name(args: argparse.Namespace) -> str:
    from common.config.bypass_parameter import parameter_names

    if args.all:
        return parameter_names(args.prefix, None, None)[0]
    if not args.deployment_group:
        raise UsageError("--application needs --deployment-group")
    return parameter_names(args.prefix, args.application, args.deployment_group)[0]


def command_bypass(args: argparse.Namespace) -> int:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    name = parameter_name(args)
    expires_in = duration(args.expires_in) if args.bypass_command == "set" else None
    try:
        ssm: SSMClient = boto3.client("ssm", region_name=args.region)
        if args.bypass_command == "set" and expires_in is not None:
            identity = boto3.client("sts", region_name=args.region).get_caller_identity()["Arn"]
            return set_bypass(ssm, name, f"{args.by} ({identity})" if args.by else identity, args.reason, expires_in)
        if args.bypass_command == "clear":
            return clear_bypass(ssm, name)
        return show_bypass(ssm, name)
    except (BotoCoreError, ClientError) as error:
        raise UsageError(aws_problem(error)) from error


def set_bypass(ssm: SSMClient, name: str, by: str, reason: str, expires_in: timedelta) -> int:
    from pydantic import ValidationError

    from common.config.bypass_parameter import BypassDocument, document
    from common.config.messages import phrase

    expires_at = (datetime.now(UTC) + expires_in).replace(microsecond=0)
    try:
        value = document(by, reason, expires_at)
    except ValidationError as error:
        problem = phrase(BypassDocument, error.errors()[0], whole="value")
        raise UsageError(f"the bypass is not valid: {problem}") from error
    description = f"greenlight bypass: {reason}"[:1024]
    ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True, Description=description)
    sys.stdout.write(f"{name}: bypassed by {by}: {reason}, until {expires_at.strftime('%Y-%m-%dT%H:%M:%SZ')}\n")
    return EXIT_SUCCEEDED


def clear_bypass(ssm: SSMClient, name: str) -> int:
    try:
        ssm.delete_parameter(Name=name)
    except ssm.exceptions.ParameterNotFound:
        sys.stdout.write(f"{name}: no bypass to clear\n")
        return EXIT_SUCCEEDED
    sys.stdout.write(f"{name}: bypass cleared\n")
    return EXIT_SUCCEEDED


def show_bypass(ssm: SSMClient, name: str) -> int:
    from common.config.bypass_parameter import describe, parse, with_writer
    from common.payload.models import Bypass

    try:
        parameter = ssm.get_parameter(Name=name)["Parameter"]
    except ssm.exceptions.ParameterNotFound:
        sys.stdout.write(f"{name}: no bypass\n")
        return EXIT_SUCCEEDED
    found = parse(parameter["Value"], name, datetime.now(UTC))
    if isinstance(found, Bypass):
        found = with_writer(ssm, found, parameter.get("Version"))
    status = f"in force: {describe(found)}" if isinstance(found, Bypass) else f"ignored by Finalize: {found.why}"
    sys.stdout.write(f"{name}: {status}\n")
    return EXIT_SUCCEEDED
