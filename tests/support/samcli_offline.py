"""Run a SAM CLI command line through the SAM CLI's own argument processing, offline.

`<.venv-sam python> tests/support/samcli_offline.py deploy --parameter-overrides ...` builds the `sam deploy` click
context exactly as `sam` does (its option types: `--parameter-overrides` into a map, samconfig.toml read from the
working directory as `sam` reads it), then prints the parameters it parsed as JSON instead of running the command:
nothing is built, deployed or sent. The exit status is non-zero when the SAM CLI refuses an argument.

Run it with the pinned SAM CLI's interpreter (`.venv-sam`, made by `make lint`), in a subprocess: the SAM CLI pins
other versions of boto3 and click than the project.
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any


def main(argv: list[str]) -> int:
    import click

    name, arguments = argv[0], argv[1:]
    command: Any = importlib.import_module(f"samcli.commands.{name}.command").cli
    try:
        context = command.make_context(f"sam {name}", arguments)
    except click.ClickException as error:
        error.show()
        return int(error.exit_code)
    given = {key: value for key, value in context.params.items() if value not in (None, False, (), {}, [])}
    print(json.dumps({"command": name, "parameters": given}, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
