"""`greenlight report`: the verdict as one self-contained HTML page, from a saved report or a real execution."""

from __future__ import annotations

import argparse
import codecs
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greenlight.cli.errors import EXIT_SUCCEEDED, UsageError, aws_problem

if TYPE_CHECKING:
    from greenlight.engine import LocalRunResult
    from greenlight.report.view import ReportView

# A Standard execution's history holds at most 25,000 events: reading more pages than that cannot happen.
MAX_HISTORY_EVENTS = 25_000
MAX_REPORT_BYTES = 16 * 1024 * 1024


def add_parser(commands: Any) -> None:
    report = commands.add_parser("report", help="the verdict as one HTML page with charts (opens offline)")
    source = report.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", type=Path, help="a saved `local run --json` file, or an execution's output")
    source.add_argument("--execution-arn", help="a greenlight execution on Step Functions (uses your AWS credentials)")
    report.add_argument("-o", "--output", type=Path, default=Path("verdict.html"), help="default verdict.html")
    report.add_argument("--endpoint-url", help="another Step Functions endpoint (e.g. Step Functions Local)")


def write_page(view: ReportView, path: Path) -> Path:
    from greenlight.report.page import render_page

    try:
        path.write_text(render_page(view), encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write the report to {path}: {error.strerror}") from error
    return path


def write_local_run_page(result: LocalRunResult, path: Path) -> Path:
    from greenlight.report.view import from_local_run

    return write_page(from_local_run(result.model_dump(mode="json")), path)


def view_of_file(path: Path) -> ReportView:
    from greenlight.report.view import ReportInputError, from_document

    try:
        with path.open("rb") as file:
            data = file.read(MAX_REPORT_BYTES + 1)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from error
    if len(data) > MAX_REPORT_BYTES:
        raise UsageError(f"{path} is over {MAX_REPORT_BYTES // (1024 * 1024)} MiB; not a verdict report")
    # Read as json.loads reads bytes: UTF-8 with or without a byte order mark, or UTF-16/32 (Windows PowerShell's `>`
    # writes UTF-16), as `report` read them before it named a file that is none of these.
    encoding = json.detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        named = "UTF-8" if encoding.startswith("utf-8") else encoding.upper()
        offset = error.start + (len(codecs.BOM_UTF8) if encoding == "utf-8-sig" else 0)  # counted after the mark
        raise UsageError(f"{path} is not {named} text (byte {offset}); not a verdict report") from error
    try:
        return from_document(json.loads(text))
    except (ValueError, ReportInputError) as error:
        raise UsageError(f"{path}: {error}") from error


def history_of(sfn: Any, execution_arn: str) -> list[dict[str, Any]]:
    pages = sfn.get_paginator("get_execution_history").paginate(
        executionArn=execution_arn, PaginationConfig={"MaxItems": MAX_HISTORY_EVENTS, "PageSize": 1000}
    )
    return [dict(event) for page in pages for event in page["events"]]


def view_of_execution(execution_arn: str, endpoint_url: str | None = None, sfn: Any = None) -> ReportView:
    """DescribeExecution and GetExecutionHistory through boto3; the region is the ARN's."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from greenlight.report.view import ReportInputError, from_execution

    parts = execution_arn.split(":")
    if len(parts) < 8 or parts[2] != "states" or parts[5] != "execution":
        raise UsageError(
            f"--execution-arn takes arn:<partition>:states:<region>:<account>:execution:..., got {execution_arn!r}"
        )
    try:
        sfn = sfn or boto3.client("stepfunctions", region_name=parts[3], endpoint_url=endpoint_url)
        description = dict(sfn.describe_execution(executionArn=execution_arn))
        return from_execution(description, history_of(sfn, execution_arn))
    except ReportInputError as error:
        raise UsageError(f"cannot read execution {execution_arn}: {error}") from error
    except (ClientError, BotoCoreError) as error:
        raise UsageError(f"cannot read execution {execution_arn}: {aws_problem(error)}") from error


def command_report(args: argparse.Namespace) -> int:
    view = view_of_execution(args.execution_arn, args.endpoint_url) if args.execution_arn else view_of_file(args.file)
    path = write_page(view, args.output)
    sys.stderr.write(f"Report written to {path.resolve()}\n")
    return EXIT_SUCCEEDED
