"""`greenlight generate` and `greenlight schema`: what the validation registry (the config model) writes, and the
config's JSON Schema."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from greenlight.cli.errors import EXIT_FAILED, EXIT_SUCCEEDED


def add_parser(commands: Any) -> None:
    generate = commands.add_parser(
        "generate", help="write what the validation registry generates: Validate branches, schema, mocked plans"
    )
    generate.add_argument("--check", action="store_true", help="only name the committed files that differ (exit 1)")

    commands.add_parser("schema", help="print the config's JSON Schema (for editors)")


def command_schema(_: argparse.Namespace) -> int:
    from greenlight.project import Project

    Project.find().add_task_root()
    from common.config import json_schema

    json.dump(json_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return EXIT_SUCCEEDED


def command_generate(args: argparse.Namespace) -> int:
    from greenlight.authoring import generate
    from greenlight.project import Project

    project = Project.find()
    if args.check:
        stale = generate.stale(project)
        for path in stale:
            sys.stderr.write(
                f"greenlight: {path} differs from what the registry generates: run `greenlight generate`\n"
            )
        return EXIT_FAILED if stale else EXIT_SUCCEEDED
    for path in generate.write(project):
        sys.stdout.write(f"{path}\n")
    return EXIT_SUCCEEDED
